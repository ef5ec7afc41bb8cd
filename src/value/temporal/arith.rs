//! Temporal fields (`d.year`, `dur.minutes`) and arithmetic: temporal ± duration, duration ±
//! duration, duration × number and duration ÷ number.

use super::*;

/// The arithmetic operators temporal values take part in (the language's own operator enum
/// maps onto these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
}

fn date_field(d: Date, key: &str) -> Option<Value> {
    Some(Value::Int(match key {
        "year" => i64::from(d.year),
        "quarter" => (i64::from(d.month) - 1) / 3 + 1,
        "month" => i64::from(d.month),
        "week" => iso_week(d).1,
        "weekyear" => iso_week(d).0,
        "day" => i64::from(d.day),
        "ordinalday" => ordinal_day(d),
        "dayofweek" | "weekday" => day_of_week(d),
        "dayofquarter" => {
            let q = make_date(i64::from(d.year), (i64::from(d.month) - 1) / 3 * 3 + 1, 1).ok()?;
            epoch_day(d) - epoch_day(q) + 1
        }
        _ => return None,
    }))
}

fn time_field(t: LocalTime, key: &str) -> Option<Value> {
    Some(Value::Int(match key {
        "hour" => t.hour(),
        "minute" => t.minute(),
        "second" => t.second(),
        "millisecond" => t.nanosecond() / 1_000_000,
        "microsecond" => t.nanosecond() / 1000,
        "nanosecond" => t.nanosecond(),
        _ => return None,
    }))
}

fn offset_field(offset: i32, key: &str) -> Option<Value> {
    Some(match key {
        "timezone" | "offset" => Value::from(offset_text(offset)),
        "offsetminutes" => Value::Int(i64::from(offset / 60)),
        "offsetseconds" => Value::Int(i64::from(offset)),
        _ => return None,
    })
}

fn duration_field(d: &Duration, key: &str) -> Option<Value> {
    let ns = i128::from(NANOS_PER_SECOND);
    let total = d.total_nanos();
    let int = |v: i128| Value::Int(v as i64);
    Some(match key {
        "years" => Value::Int(d.months / 12),
        "quarters" => Value::Int(d.months / 3),
        "months" => Value::Int(d.months),
        "weeks" => Value::Int(d.days / 7),
        "days" => Value::Int(d.days),
        "hours" => Value::Int(d.seconds / 3600),
        "minutes" => Value::Int(d.seconds / 60),
        "seconds" => Value::Int(d.seconds),
        "milliseconds" => int(i128::from(d.seconds) * 1000 + i128::from(d.nanos) / 1_000_000),
        "microseconds" => int(i128::from(d.seconds) * 1_000_000 + i128::from(d.nanos) / 1000),
        "nanoseconds" => int(total),
        "quartersofyear" => Value::Int(d.months / 3 % 4),
        "monthsofquarter" => Value::Int(d.months % 3),
        "monthsofyear" => Value::Int(d.months % 12),
        "daysofweek" => Value::Int(d.days % 7),
        "minutesofhour" => Value::Int(d.seconds / 60 % 60),
        "secondsofminute" => Value::Int(d.seconds % 60),
        "millisecondsofsecond" => int(i128::from(d.nanos) / 1_000_000),
        "microsecondsofsecond" => int(i128::from(d.nanos) / 1000),
        "nanosecondsofsecond" => int(i128::from(d.nanos) % ns),
        _ => return None,
    })
}

/// A field of a temporal value (`d.year`, `t.timezone`, `dur.minutes`); null for a name that is
/// not one of its fields.
pub fn field(v: &Value, key: &str) -> Value {
    let key = key.to_ascii_lowercase();
    let k = key.as_str();
    let found = match v {
        Value::Date(d) => date_field(*d, k),
        Value::LocalTime(t) => time_field(*t, k),
        Value::Time(t) => time_field(t.time, k).or_else(|| offset_field(t.offset, k)),
        Value::LocalDateTime(t) => date_field(t.date, k).or_else(|| time_field(t.time, k)),
        Value::DateTime(t) => date_field(t.local.date, k)
            .or_else(|| time_field(t.local.time, k))
            .or_else(|| match (k, t.zone) {
                ("timezone", Some(z)) => Some(Value::from(z.name().to_string())),
                _ => offset_field(t.offset, k),
            })
            .or_else(|| {
                let n = t.epoch_nanos();
                match k {
                    "epochseconds" => Some(Value::Int(n.div_euclid(i128::from(NANOS_PER_SECOND)) as i64)),
                    "epochmillis" => Some(Value::Int(n.div_euclid(1_000_000) as i64)),
                    _ => None,
                }
            }),
        Value::Duration(d) => duration_field(d, k),
        _ => None,
    };
    found.unwrap_or(Value::Null)
}

// ---- arithmetic -------------------------------------------------------------------------------

/// `temporal + sign * duration`, as Neo4j applies it: months (clamping the day), then days, then
/// seconds and nanoseconds; a date takes only whole days of the seconds; a time ignores months
/// and days and wraps around midnight.
fn shift(v: &Value, d: &Duration, sign: i64) -> Result<Value> {
    let ns = d.total_nanos() * i128::from(sign);
    let on_date = |date: Date| -> Result<Date> { plus_days(plus_months(date, d.months * sign)?, d.days * sign) };
    let on_local = |l: LocalDateTime| -> Result<LocalDateTime> {
        let shifted = LocalDateTime { date: on_date(l.date)?, time: l.time };
        LocalDateTime::from_local_nanos(shifted.local_nanos() + ns)
    };
    let on_time = |t: LocalTime| {
        LocalTime::from_nano_of_day((i128::from(t.nanos) + ns).rem_euclid(i128::from(NANOS_PER_DAY)) as i64)
    };
    Ok(match v {
        Value::Date(date) => Value::Date(plus_days(on_date(*date)?, d.seconds / SECONDS_PER_DAY * sign)?),
        Value::LocalTime(t) => Value::LocalTime(on_time(*t)),
        Value::Time(t) => Value::Time(Time { time: on_time(t.time), offset: t.offset }),
        Value::LocalDateTime(l) => Value::LocalDateTime(on_local(*l)?),
        // In a named zone, as Java's ZonedDateTime: months and days on the local date-time (the
        // offset then follows the zone), the rest on the instant.
        Value::DateTime(t) => match t.zone {
            Some(z) => {
                let local = LocalDateTime { date: on_date(t.local.date)?, time: t.local.time };
                let moved = DateTime::in_zone(local, z)?;
                DateTime::at_instant_in(moved.epoch_nanos() + ns, z).map(Value::DateTime)?
            }
            None => Value::DateTime(DateTime { local: on_local(t.local)?, ..*t }),
        },
        other => return Err(type_err(format!("cannot add a Duration to a {}", other.type_name()))),
    })
}

/// Arithmetic where a temporal value is involved: temporal ± duration, duration ± duration,
/// duration × number, number × duration and duration ÷ number.
pub fn arith(op: Arith, a: &Value, b: &Value) -> Result<Value> {
    use Value::Duration as D;
    let dur = |d: Duration| Ok(D(Box::new(d)));
    match (op, a, b) {
        (Arith::Add, D(x), D(y)) => dur(x.plus(y, 1)?),
        (Arith::Sub, D(x), D(y)) => dur(x.plus(y, -1)?),
        (Arith::Add, t, D(d)) | (Arith::Add, D(d), t) if is_temporal(t) => shift(t, d, 1),
        (Arith::Sub, t, D(d)) if is_temporal(t) => shift(t, d, -1),
        (Arith::Mul, D(d), n @ (Value::Int(_) | Value::Float(_)))
        | (Arith::Mul, n @ (Value::Int(_) | Value::Float(_)), D(d)) => dur(d.times(n)?),
        (Arith::Div, D(d), n @ (Value::Int(_) | Value::Float(_))) => dur(d.divided(n)?),
        _ => Err(type_err(format!("cannot apply {op:?} to {} and {}", a.type_name(), b.type_name()))),
    }
}

/// `-duration`.
pub fn negate(v: &Value) -> Result<Value> {
    match v {
        Value::Duration(d) => Ok(Value::Duration(Box::new(d.negate()?))),
        other => Err(type_err(format!("cannot negate a {}", other.type_name()))),
    }
}
