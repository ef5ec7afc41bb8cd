//! The temporal functions: `date()`, `localtime()`, `time()`, `localdatetime()`, `datetime()` and
//! `duration()` built from text, maps, other temporal values or the clock, their `.truncate`,
//! `.statement`/`.realtime` forms, and `duration.between` and its kin. The values themselves and
//! their arithmetic live in [`crate::value::temporal`].

use indexmap::IndexMap;

use crate::catalog::functions::{FuncId, F};
use crate::error::Result;
use crate::value::temporal::*;
use crate::value::{Date, Value};

/// The current UTC date and time of day.
fn now() -> Parts {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let date = date_from_epoch_day(secs.div_euclid(SECONDS_PER_DAY)).unwrap_or(Date { year: 1970, month: 1, day: 1 });
    let time =
        LocalTime::from_nano_of_day(secs.rem_euclid(SECONDS_PER_DAY) * NANOS_PER_SECOND + i64::from(d.subsec_nanos()));
    Parts { date: Some(date), time: Some(time), offset: Some(0), zone: None }
}

/// Moves date-time parts to another offset, keeping the instant.
fn shift_zone(p: Parts, to: i32) -> Result<Parts> {
    let from = p.offset.unwrap_or(0);
    let delta = i64::from(to - from) * NANOS_PER_SECOND;
    let time = p.time.unwrap_or(LocalTime::MIDNIGHT);
    Ok(match p.date {
        Some(date) => {
            let l = LocalDateTime::from_local_nanos(LocalDateTime { date, time }.local_nanos() + i128::from(delta))?;
            Parts { date: Some(l.date), time: Some(l.time), offset: Some(to), zone: None }
        }
        None => Parts { time: Some(LocalTime::from_nano_of_day(time.nanos + delta)), offset: Some(to), ..p },
    })
}

/// Moves date-time parts to a zone as written, keeping the instant (a time of day without a
/// date moves by the zone's offset today).
fn shift_to(p: Parts, to: ZoneSpec) -> Result<Parts> {
    match to {
        ZoneSpec::Offset(o) => shift_zone(p, o),
        ZoneSpec::Named(z) => {
            let instant = match p.date {
                Some(date) => {
                    let local = LocalDateTime { date, time: p.time.unwrap_or(LocalTime::MIDNIGHT) };
                    local.local_nanos() - i128::from(p.offset.unwrap_or(0)) * i128::from(NANOS_PER_SECOND)
                }
                None => now_nanos(),
            };
            let offset = zone_offset_at(z, instant)?;
            let moved = shift_zone(p, offset)?;
            Ok(Parts { zone: p.date.map(|_| z), ..moved })
        }
    }
}

/// Nanoseconds since the epoch, now.
fn now_nanos() -> i128 {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    d.as_nanos() as i128
}

fn int_field(m: &IndexMap<String, Value>, key: &str) -> Result<Option<i64>> {
    match m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Int(i)) => Ok(Some(*i)),
        Some(v) => Err(type_err(format!("`{key}` must be an integer, got {}", v.type_name()))),
    }
}

fn get<'a>(m: &'a IndexMap<String, Value>, key: &str) -> Option<&'a Value> {
    m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v).filter(|v| !v.is_null())
}

const DATE_KEYS: [&str; 8] = ["year", "month", "day", "week", "dayofweek", "ordinalday", "quarter", "dayofquarter"];
const TIME_KEYS: [&str; 6] = ["hour", "minute", "second", "millisecond", "microsecond", "nanosecond"];
const OTHER_KEYS: [&str; 6] = ["timezone", "date", "time", "datetime", "epochseconds", "epochmillis"];

/// `date({...})`, `time({...})` and the others from a map of components, optionally on top of
/// a `date`, `time` or `datetime` value whose parts the components override.
fn from_map(kind: &str, m: &IndexMap<String, Value>) -> Result<Value> {
    for k in m.keys() {
        let l = k.to_ascii_lowercase();
        if !DATE_KEYS.contains(&l.as_str()) && !TIME_KEYS.contains(&l.as_str()) && !OTHER_KEYS.contains(&l.as_str()) {
            return Err(arg_err(format!("{kind}() does not take a component `{k}`")));
        }
    }
    let zone = match get(m, "timezone") {
        None => None,
        Some(Value::String(s)) => Some(parse_zone(s)?),
        Some(v) => return Err(type_err(format!("timezone must be a string, got {}", v.type_name()))),
    };
    if zone.is_some() && kind.starts_with("local") {
        return Err(arg_err(format!("{kind}() takes no timezone")));
    }
    // The epoch forms of datetime.
    if get(m, "epochseconds").is_some() || get(m, "epochmillis").is_some() {
        let nanos: i128 = match (get(m, "epochseconds"), get(m, "epochmillis")) {
            (Some(Value::Int(s)), _) => i128::from(*s) * i128::from(NANOS_PER_SECOND),
            (Some(Value::Float(f)), _) => (f * 1e9) as i128,
            (None, Some(Value::Int(ms))) => i128::from(*ms) * 1_000_000,
            (_, Some(v)) | (Some(v), _) => {
                return Err(type_err(format!("epoch must be a number, got {}", v.type_name())))
            }
            (None, None) => 0,
        };
        let extra = i128::from(int_field(m, "millisecond")?.unwrap_or(0)) * 1_000_000
            + i128::from(int_field(m, "microsecond")?.unwrap_or(0)) * 1000
            + i128::from(int_field(m, "nanosecond")?.unwrap_or(0));
        let dt = match zone {
            Some(ZoneSpec::Named(z)) => DateTime::at_instant_in(nanos + extra, z)?,
            Some(ZoneSpec::Offset(o)) => DateTime::from_epoch_nanos(nanos + extra, o)?,
            None => DateTime::from_epoch_nanos(nanos + extra, 0)?,
        };
        return finish(kind, parts_of(&Value::DateTime(dt)).unwrap_or_default());
    }
    // The base value, if any.
    let mut p = Parts::default();
    let mut based = false;
    for key in ["datetime", "date", "time"] {
        if let Some(v) = get(m, key) {
            let b = parts_of(v)
                .ok_or_else(|| type_err(format!("`{key}` must be a temporal value, got {}", v.type_name())))?;
            based = true;
            match key {
                "datetime" => p = b,
                "date" => p.date = Some(b.date.ok_or_else(|| arg_err("`date` must have a date"))?),
                _ => {
                    p.time = Some(b.time.ok_or_else(|| arg_err("`time` must have a time"))?);
                    if b.offset.is_some() {
                        p.offset = b.offset;
                    }
                }
            }
        }
    }
    let has = |keys: &[&str]| keys.iter().any(|k| get(m, k).is_some());
    let has_date = has(&DATE_KEYS);
    let has_time = has(&TIME_KEYS);
    if !based && !has_date && !has_time {
        // Only a timezone (or nothing): now.
        let n = now();
        return finish(
            kind,
            match zone {
                Some(z) => shift_to(n, z)?,
                None => n,
            },
        );
    }
    // The date.
    if has_date {
        let base = p.date;
        let year = match (int_field(m, "year")?, base) {
            (Some(y), _) => y,
            (None, Some(b)) => i64::from(b.year),
            (None, None) => return Err(arg_err(format!("{kind}() needs a year"))),
        };
        let date = if let Some(week) = int_field(m, "week")? {
            let dow = int_field(m, "dayofweek")?.unwrap_or_else(|| base.map_or(1, day_of_week));
            date_from_week(year, week, dow)?
        } else if let Some(od) = int_field(m, "ordinalday")? {
            date_from_ordinal(year, od)?
        } else if let Some(q) = int_field(m, "quarter")? {
            date_from_quarter(year, q, int_field(m, "dayofquarter")?.unwrap_or(1))?
        } else {
            let month = int_field(m, "month")?.or(base.map(|b| i64::from(b.month))).unwrap_or(1);
            let day = int_field(m, "day")?.or(base.map(|b| i64::from(b.day))).unwrap_or(1);
            if int_field(m, "day")?.is_some() && int_field(m, "month")?.is_none() && base.is_none() {
                return Err(arg_err(format!("{kind}() needs a month to go with a day")));
            }
            make_date(year, month, day)?
        };
        p.date = Some(date);
    }
    // The time.
    if has_time {
        let base = p.time;
        let h = int_field(m, "hour")?;
        let mi = int_field(m, "minute")?;
        let s = int_field(m, "second")?;
        let (ms, us, ns) = (int_field(m, "millisecond")?, int_field(m, "microsecond")?, int_field(m, "nanosecond")?);
        if base.is_none() {
            let given = [h.is_some(), mi.is_some(), s.is_some(), ms.is_some() || us.is_some() || ns.is_some()];
            if let Some(first_missing) = given.iter().position(|g| !g) {
                if given[first_missing..].iter().any(|g| *g) {
                    return Err(arg_err(format!("{kind}(): a time component is missing before a smaller one")));
                }
            }
        }
        let fraction = if ms.is_some() || us.is_some() || ns.is_some() {
            // Over a base value, the units larger than the smallest one given keep the base's.
            let b = base.map_or(0, LocalTime::nanosecond);
            let (ms, us, ns) = match base {
                Some(_) if ms.is_none() && us.is_none() => (Some(b / 1_000_000), Some(b / 1000 % 1000), ns),
                Some(_) if ms.is_none() && us.is_some_and(|u| u < 1000) => (Some(b / 1_000_000), us, ns),
                _ => (ms, us, ns),
            };
            let (ms, us, ns) = (ms.unwrap_or(0), us.unwrap_or(0), ns.unwrap_or(0));
            let limits =
                [(ms, 1000, "millisecond"), (us, 1_000_000, "microsecond"), (ns, NANOS_PER_SECOND, "nanosecond")];
            for (v, max, what) in limits {
                if !(0..max).contains(&v) {
                    return Err(arg_err(format!("{what} {v} is out of range")));
                }
            }
            let total = ms * 1_000_000 + us * 1000 + ns;
            if total >= NANOS_PER_SECOND {
                return Err(arg_err("the fraction of the second is out of range"));
            }
            total
        } else {
            base.map_or(0, LocalTime::nanosecond)
        };
        p.time = Some(LocalTime::new(
            h.or(base.map(LocalTime::hour)).unwrap_or(0),
            mi.or(base.map(LocalTime::minute)).unwrap_or(0),
            s.or(base.map(LocalTime::second)).unwrap_or(0),
            fraction,
        )?);
    }
    if let Some(z) = zone {
        p = match (based && p.offset.is_some(), z) {
            (true, z) => shift_to(p, z)?,
            (false, ZoneSpec::Offset(o)) => Parts { offset: Some(o), zone: None, ..p },
            (false, ZoneSpec::Named(z)) => Parts { offset: None, zone: Some(z), ..p },
        };
    }
    finish(kind, p)
}

/// A constructor call: `date(x)`, `time(x)`, `localtime(x)`, `datetime(x)`,
/// `localdatetime(x)`, `duration(x)`; `None` is the zero-argument form (the clock).
fn construct(kind: &str, arg: Option<&Value>) -> Result<Value> {
    if kind == "duration" {
        return match arg {
            None => Err(arg_err("duration() needs an argument")),
            Some(Value::Null) => Ok(Value::Null),
            Some(Value::String(s)) => from_text(kind, s),
            Some(Value::Duration(d)) => Ok(Value::Duration(d.clone())),
            Some(Value::Map(m)) => {
                let mut parts = DurationParts::default();
                for (k, v) in m.iter() {
                    let l = k.to_ascii_lowercase();
                    let unit = DURATION_UNITS
                        .iter()
                        .position(|u| *u == l)
                        .ok_or_else(|| arg_err(format!("duration() does not take a component `{k}`")))?;
                    match v {
                        Value::Null => {}
                        Value::Int(i) => parts.amounts.push((unit, Num::Int(*i))),
                        Value::Float(f) => parts.amounts.push((unit, Num::Float(*f))),
                        other => {
                            return Err(type_err(format!(
                                "duration component `{k}` must be a number, got {}",
                                other.type_name()
                            )))
                        }
                    }
                }
                Ok(Value::Duration(Box::new(parts.build()?)))
            }
            Some(v) => Err(type_err(format!("duration() expects a string or a map, got {}", v.type_name()))),
        };
    }
    match arg {
        None => finish(kind, now()),
        Some(Value::Null) => Ok(Value::Null),
        Some(Value::String(s)) => from_text(kind, s),
        Some(Value::Map(m)) => from_map(kind, m),
        Some(v) => match parts_of(v) {
            Some(p) => {
                if p.date.is_none() && kind != "time" && kind != "localtime" {
                    return Err(type_err(format!("{kind}() cannot be made from a {}", v.type_name())));
                }
                if p.time.is_none() && (kind == "time" || kind == "localtime") {
                    return Err(type_err(format!("{kind}() cannot be made from a {}", v.type_name())));
                }
                finish(kind, p)
            }
            None => Err(type_err(format!("{kind}() expects a string or a map, got {}", v.type_name()))),
        },
    }
}

// ---- duration.between -------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Unit {
    All,
    Months,
    Days,
    Seconds,
}

/// Whole months from `a` to `b` (java.time's `LocalDate.until(b, MONTHS)`).
fn months_until(a: Date, b: Date) -> i64 {
    let pm = |d: Date| i64::from(d.year) * 12 + i64::from(d.month) - 1;
    let mut months = pm(b) - pm(a);
    let days = i64::from(b.day) - i64::from(a.day);
    if months > 0 && days < 0 {
        months -= 1;
    } else if months < 0 && days > 0 {
        months += 1;
    }
    months
}

/// The end date, moved by a day when the time of day has not come round yet
/// (java.time's `LocalDateTime.until`).
fn adjusted_end(from: LocalDateTime, to: LocalDateTime) -> Result<Date> {
    if to.date > from.date && to.time < from.time {
        plus_days(to.date, -1)
    } else if to.date < from.date && to.time > from.time {
        plus_days(to.date, 1)
    } else {
        Ok(to.date)
    }
}

fn between(unit: Unit, a: &Value, b: &Value) -> Result<Value> {
    if a.is_null() || b.is_null() {
        return Ok(Value::Null);
    }
    let (pa, pb) = match (parts_of(a), parts_of(b)) {
        (Some(x), Some(y)) => (x, y),
        _ => {
            return Err(type_err(format!(
                "duration.between() expects two temporal values, got {} and {}",
                a.type_name(),
                b.type_name()
            )))
        }
    };
    // Compare on the first value's offset when both have one.
    let pb = match (pa.offset, pb.offset) {
        (Some(oa), Some(_)) => shift_zone(pb, oa)?,
        _ => pb,
    };
    let ta = pa.time.unwrap_or(LocalTime::MIDNIGHT);
    let tb = pb.time.unwrap_or(LocalTime::MIDNIGHT);
    let d = match (pa.date, pb.date) {
        (Some(da), Some(db)) => {
            let from = LocalDateTime { date: da, time: ta };
            let to = LocalDateTime { date: db, time: tb };
            match unit {
                Unit::Seconds => Duration::new(0, 0, 0, to.local_nanos() - from.local_nanos())?,
                Unit::Days => {
                    let end = adjusted_end(from, to)?;
                    Duration::new(0, (epoch_day(end) - epoch_day(da)).into(), 0, 0)?
                }
                Unit::Months | Unit::All => {
                    let months = months_until(da, adjusted_end(from, to)?);
                    if unit == Unit::Months {
                        Duration::new(months.into(), 0, 0, 0)?
                    } else {
                        let from = LocalDateTime { date: plus_months(da, months)?, time: ta };
                        let days = epoch_day(adjusted_end(from, to)?) - epoch_day(from.date);
                        let from = LocalDateTime { date: plus_days(from.date, days)?, time: ta };
                        Duration::new(months.into(), days.into(), 0, to.local_nanos() - from.local_nanos())?
                    }
                }
            }
        }
        _ => match unit {
            Unit::Months | Unit::Days => Duration::ZERO,
            _ => Duration::new(0, 0, 0, i128::from(tb.nanos - ta.nanos))?,
        },
    };
    Ok(Value::Duration(Box::new(d)))
}

// ---- functions --------------------------------------------------------------------------------

/// The temporal functions, lowercase (their arity and signatures are in the catalogue,
/// `crate::catalog::functions`).
pub const FUNCTIONS: &[&str] = &[
    "date",
    "localtime",
    "time",
    "localdatetime",
    "datetime",
    "duration",
    "duration.between",
    "duration.inmonths",
    "duration.indays",
    "duration.inseconds",
    "datetime.fromepoch",
    "datetime.fromepochmillis",
    "date.statement",
    "date.transaction",
    "date.realtime",
    "localtime.statement",
    "localtime.transaction",
    "localtime.realtime",
    "time.statement",
    "time.transaction",
    "time.realtime",
    "localdatetime.statement",
    "localdatetime.transaction",
    "localdatetime.realtime",
    "datetime.statement",
    "datetime.transaction",
    "datetime.realtime",
    "date.truncate",
    "localtime.truncate",
    "time.truncate",
    "localdatetime.truncate",
    "datetime.truncate",
];

/// Whether `name` (lowercase) is a temporal function.
pub fn is_function(name: &str) -> bool {
    let family = name.split('.').next().unwrap_or(name);
    matches!(family, "date" | "localtime" | "time" | "localdatetime" | "datetime" | "duration")
        && FUNCTIONS.contains(&name)
}

/// `date.truncate(unit, value [, overrides])` and its kin: the value cut down to the start of
/// the unit (`'millennium'` .. `'microsecond'`), made a value of `kind`, then the components of
/// the map put over it (`{day: 5}`, `{dayOfWeek: 2}`, `{timezone: 'Europe/Stockholm'}`).
fn truncate(kind: &str, args: &[Value]) -> Result<Value> {
    let (unit, v) = (&args[0], &args[1]);
    if unit.is_null() || v.is_null() {
        return Ok(Value::Null);
    }
    let Value::String(unit) = unit else {
        return Err(type_err(format!("{kind}.truncate() takes the unit as a string, got {}", unit.type_name())));
    };
    let mut p = parts_of(v)
        .ok_or_else(|| type_err(format!("{kind}.truncate() expects a temporal value, got {}", v.type_name())))?;
    let u = unit.to_ascii_lowercase();
    let dated = matches!(kind, "date" | "localdatetime" | "datetime");
    let date_unit =
        matches!(u.as_str(), "millennium" | "century" | "decade" | "year" | "weekyear" | "quarter" | "month" | "week");
    if (date_unit || (u == "day" && dated)) && (p.date.is_none() || !dated) {
        return Err(arg_err(format!("{kind}.truncate() cannot truncate a {} to the {unit}", v.type_name())));
    }
    if let Some(d) = p.date {
        let y = i64::from(d.year);
        let start = |year: i64| make_date(year, 1, 1);
        p.date = Some(match u.as_str() {
            "millennium" => start(y.div_euclid(1000) * 1000)?,
            "century" => start(y.div_euclid(100) * 100)?,
            "decade" => start(y.div_euclid(10) * 10)?,
            "year" => start(y)?,
            "weekyear" => date_from_week(iso_week(d).0, 1, 1)?,
            "quarter" => make_date(y, (i64::from(d.month) - 1) / 3 * 3 + 1, 1)?,
            "month" => make_date(y, i64::from(d.month), 1)?,
            "week" => plus_days(d, 1 - day_of_week(d))?,
            _ => d,
        });
    }
    let t = p.time.unwrap_or(LocalTime::MIDNIGHT);
    let keep = match u.as_str() {
        _ if date_unit || u == "day" => 0,
        "hour" => t.nanos - t.nanos % (3600 * NANOS_PER_SECOND),
        "minute" => t.nanos - t.nanos % (60 * NANOS_PER_SECOND),
        "second" => t.nanos - t.nanos % NANOS_PER_SECOND,
        "millisecond" => t.nanos - t.nanos % 1_000_000,
        "microsecond" => t.nanos - t.nanos % 1000,
        _ => {
            return Err(arg_err(format!(
                "`{unit}` is not a unit to truncate to (millennium, century, decade, year, weekYear, quarter, month, \
                 week, day, hour, minute, second, millisecond, microsecond)"
            )))
        }
    };
    p.time = Some(LocalTime::from_nano_of_day(keep));
    let Some(Value::Map(m)) = args.get(2).filter(|m| !m.is_null()) else {
        return finish(kind, p);
    };
    // dayOfWeek moves within the truncated week; timezone puts the truncated local value there.
    let mut rest = (**m).clone();
    if let Some(dow) = take(&mut rest, "dayofweek") {
        let Value::Int(dow) = dow else { return Err(type_err("dayOfWeek must be an integer")) };
        let d = p.date.ok_or_else(|| arg_err("dayOfWeek needs a date"))?;
        if !(1..=7).contains(&dow) {
            return Err(arg_err(format!("dayOfWeek {dow} is out of range (1..7)")));
        }
        p.date = Some(plus_days(d, dow - day_of_week(d))?);
    }
    match take(&mut rest, "timezone") {
        None => {}
        Some(Value::String(z)) => match parse_zone(&z)? {
            ZoneSpec::Offset(o) => (p.offset, p.zone) = (Some(o), None),
            ZoneSpec::Named(z) => (p.offset, p.zone) = (None, Some(z)),
        },
        Some(z) => return Err(type_err(format!("timezone must be a string, got {}", z.type_name()))),
    }
    let base = finish(kind, p)?;
    if rest.is_empty() {
        return Ok(base);
    }
    let key = match kind {
        "date" => "date",
        "time" | "localtime" => "time",
        _ => "datetime",
    };
    rest.insert(key.to_string(), base);
    from_map(kind, &rest)
}

/// Removes a key (any case) from a map, giving its value.
fn take(m: &mut IndexMap<String, Value>, key: &str) -> Option<Value> {
    let k = m.keys().find(|k| k.eq_ignore_ascii_case(key))?.clone();
    m.shift_remove(&k).filter(|v| !v.is_null())
}

/// Calls a temporal function on evaluated arguments. The clocks and the constructors are told
/// apart by the kind their name begins with (`datetime.realtime` makes a `datetime`).
pub fn call(f: FuncId, args: &[Value]) -> Result<Value> {
    let (name, a) = (f.name(), args.first());
    match f {
        F::DATE_TRUNCATE
        | F::LOCALTIME_TRUNCATE
        | F::TIME_TRUNCATE
        | F::LOCALDATETIME_TRUNCATE
        | F::DATETIME_TRUNCATE => truncate(name.split('.').next().unwrap_or(name), args),
        F::DURATION_BETWEEN => between(Unit::All, &args[0], &args[1]),
        F::DURATION_INMONTHS => between(Unit::Months, &args[0], &args[1]),
        F::DURATION_INDAYS => between(Unit::Days, &args[0], &args[1]),
        F::DURATION_INSECONDS => between(Unit::Seconds, &args[0], &args[1]),
        F::DATETIME_FROMEPOCH => match (&args[0], &args[1]) {
            (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
            (Value::Int(s), Value::Int(n)) => Ok(Value::DateTime(DateTime::from_epoch_nanos(
                i128::from(*s) * i128::from(NANOS_PER_SECOND) + i128::from(*n),
                0,
            )?)),
            (x, y) => Err(type_err(format!(
                "datetime.fromEpoch() expects integers, got {} and {}",
                x.type_name(),
                y.type_name()
            ))),
        },
        F::DATETIME_FROMEPOCHMILLIS => match &args[0] {
            Value::Null => Ok(Value::Null),
            Value::Int(ms) => Ok(Value::DateTime(DateTime::from_epoch_nanos(i128::from(*ms) * 1_000_000, 0)?)),
            x => Err(type_err(format!("datetime.fromEpochMillis() expects an integer, got {}", x.type_name()))),
        },
        _ => match name.split_once('.') {
            // The clocks: date.statement(), datetime.realtime('+01:00'), ...
            Some((kind, _)) => match a {
                None => finish(kind, now()),
                Some(Value::Null) => Ok(Value::Null),
                Some(Value::String(z)) => finish(kind, shift_to(now(), parse_zone(z)?)?),
                Some(v) => Err(type_err(format!("{name}() expects a timezone string, got {}", v.type_name()))),
            },
            None => construct(name, a),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use super::*;
    use crate::error::Kind;

    fn v(kind: &str, text: &str) -> Value {
        construct(kind, Some(&Value::str(text))).unwrap_or_else(|e| panic!("{kind}('{text}'): {}", e.message))
    }

    fn text(v: &Value) -> String {
        kind_and_text(v).unwrap().1
    }

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn from_map_text(kind: &str, pairs: &[(&str, Value)]) -> String {
        text(&construct(kind, Some(&map(pairs))).unwrap())
    }

    #[test]
    fn epoch_days_round_trip() {
        for (d, n) in [((1970, 1, 1), 0), ((2000, 3, 1), 11_017), ((1969, 12, 31), -1), ((1, 1, 1), -719_162)] {
            let date = make_date(d.0, d.1, d.2).unwrap();
            assert_eq!(epoch_day(date), n);
            assert_eq!(date_from_epoch_day(n).unwrap(), date);
        }
        for n in (-1_000_000..1_000_000).step_by(997) {
            assert_eq!(epoch_day(date_from_epoch_day(n).unwrap()), n);
        }
    }

    #[test]
    fn parses_and_prints_times() {
        assert_eq!(text(&v("time", "12:31:14.645876123+01:00")), "12:31:14.645876123+01:00");
        assert_eq!(text(&v("time", "10:35-08:00")), "10:35-08:00");
        assert_eq!(text(&v("time", "10:35:00Z")), "10:35Z");
        assert_eq!(text(&v("time", "214032.142+0100")), "21:40:32.142+01:00");
        assert_eq!(text(&v("time", "12:00:00.5")), "12:00:00.500Z");
        assert_eq!(text(&v("localtime", "12:00:00.000001")), "12:00:00.000001");
        assert_eq!(text(&v("localtime", "12:00:00.000000012")), "12:00:00.000000012");
        assert_eq!(text(&v("localtime", "12")), "12:00");
        assert_eq!(text(&v("time", "12:00+05:30:15")), "12:00+05:30:15");
        assert!(construct("time", Some(&Value::str("25:00"))).is_err());
        assert!(construct("time", Some(&Value::str("12:00+19:00"))).is_err());
        let named = construct("datetime", Some(&Value::str("2015-07-21T21:40:32[Europe/Stockholm]"))).unwrap();
        assert_eq!(text(&named), "2015-07-21T21:40:32+02:00[Europe/Stockholm]");
        let unknown = construct("datetime", Some(&Value::str("2015-07-21T21:40:32[Europe/Atlantis]"))).unwrap_err();
        assert_eq!(unknown.kind, Kind::ArgumentError);
        assert!(unknown.message.contains("'Europe/Atlantis' is not a time zone"));
    }

    #[test]
    fn parses_and_prints_datetimes() {
        assert_eq!(text(&v("datetime", "2015-07-21T21:40:32.142+0100")), "2015-07-21T21:40:32.142+01:00");
        assert_eq!(text(&v("datetime", "2015-07-21T21:40:32.142Z")), "2015-07-21T21:40:32.142Z");
        assert_eq!(text(&v("datetime", "2015-07-21")), "2015-07-21T00:00Z");
        assert_eq!(text(&v("datetime", "2015-W30-2T214032.142Z")), "2015-07-21T21:40:32.142Z");
        assert_eq!(text(&v("localdatetime", "2015-202T21:40:32")), "2015-07-21T21:40:32");
        assert_eq!(text(&v("localdatetime", "0001-01-01T01:01:01.000000001")), "0001-01-01T01:01:01.000000001");
        assert_eq!(text(&v("date", "2015-W30")), "2015-07-20");
        assert_eq!(text(&v("date", "2015-Q3-21")), "2015-07-21");
        assert_eq!(text(&v("date", "+2015-07-21")), "2015-07-21");
        assert_eq!(text(&v("date", "-0001-01-01")), "-0001-01-01");
        assert_eq!(text(&v("date", "201507")), "2015-07-01");
    }

    #[test]
    fn builds_from_maps() {
        let i = Value::Int;
        assert_eq!(
            from_map_text(
                "datetime",
                &[
                    ("year", i(1984)),
                    ("month", i(10)),
                    ("day", i(11)),
                    ("hour", i(12)),
                    ("minute", i(31)),
                    ("second", i(14)),
                    ("nanosecond", i(645_876_123)),
                    ("timezone", Value::str("+00:17")),
                ]
            ),
            "1984-10-11T12:31:14.645876123+00:17"
        );
        assert_eq!(from_map_text("localtime", &[("hour", i(10)), ("minute", i(35))]), "10:35");
        assert_eq!(
            from_map_text(
                "time",
                &[("hour", i(12)), ("minute", i(35)), ("second", i(15)), ("timezone", Value::str("+05:00"))]
            ),
            "12:35:15+05:00"
        );
        assert!(construct("time", Some(&map(&[("hour", i(1)), ("millisecond", i(1))]))).is_err(), "minute missing");
    }

    #[test]
    fn time_components_must_be_contiguous() {
        let i = Value::Int;
        assert!(construct("time", Some(&map(&[("hour", i(1)), ("second", i(1))]))).is_err());
        assert_eq!(from_map_text("date", &[("year", i(2015)), ("week", i(30)), ("dayOfWeek", i(2))]), "2015-07-21");
        assert_eq!(from_map_text("date", &[("year", i(2015)), ("ordinalDay", i(202))]), "2015-07-21");
        let base = v("datetime", "2015-07-21T12:00+01:00");
        assert_eq!(
            from_map_text("datetime", &[("datetime", base.clone()), ("timezone", Value::str("+05:00"))]),
            "2015-07-21T16:00+05:00"
        );
        assert_eq!(from_map_text("time", &[("time", base), ("second", i(30))]), "12:00:30+01:00");
    }

    #[test]
    fn every_function_is_in_the_catalogue() {
        for name in FUNCTIONS {
            let sig =
                crate::catalog::functions::lookup(name).unwrap_or_else(|| panic!("{name} is not in the catalogue"));
            assert_eq!(sig.name, *name);
        }
    }

    #[test]
    fn text_round_trips() {
        let samples = [
            ("date", "-0001-01-01"),
            ("date", "+10000-12-31"),
            ("localtime", "10:35"),
            ("localtime", "23:59:59.999999999"),
            ("time", "12:00+05:30:15"),
            ("time", "00:00:01.001Z"),
            ("localdatetime", "0001-01-01T01:01:01.000000001"),
            ("datetime", "9999-09-09T09:59:59.999999999+11:59"),
            ("datetime", "1980-12-11T12:31:14-11:59"),
            ("duration", "P-1Y-2M"),
            ("duration", "PT-0.5S"),
            ("duration", "P-11M-30DT-23H-59M"),
            ("duration", "P1Y2M10DT12H45M30.000000001S"),
        ];
        for (kind, t) in samples {
            let val = v(kind, t);
            assert_eq!(text(&val), t);
            assert_eq!(from_tagged(&format!("@{kind}"), t).unwrap().unwrap(), val);
            assert_eq!(from_tagged(kind, t).unwrap().unwrap(), val);
        }
        assert!(from_tagged("@node", "x").is_none());
    }

    #[test]
    fn durations() {
        let d = |s: &str| text(&v("duration", s));
        assert_eq!(d("P1Y2M10DT12H45M30.25S"), "P1Y2M10DT12H45M30.25S");
        assert_eq!(d("PT1.5S"), "PT1.5S");
        assert_eq!(d("PT0S"), "PT0S");
        assert_eq!(d("P14DT16H12M"), "P14DT16H12M");
        assert_eq!(d("P5M1.5D"), "P5M1DT12H");
        assert_eq!(d("PT0.75M"), "PT45S");
        assert_eq!(d("P2.5W"), "P17DT12H");
        assert_eq!(d("-P1D"), "P-1D");
        assert_eq!(d("PT-0.5S"), "PT-0.5S");
        assert_eq!(d("PT-1.5S"), "PT-1.5S");
        assert_eq!(d("P-14M"), "P-1Y-2M");
        assert_eq!(d("P0001-02-03T04:05:06.7"), "P1Y2M3DT4H5M6.7S");
        assert_eq!(d("PT36H"), "PT36H");
        assert!(construct("duration", Some(&Value::str("P"))).is_err());
        assert!(construct("duration", Some(&Value::str("PT1H2D"))).is_err());
        let f = Value::Float;
        assert_eq!(text(&construct("duration", Some(&map(&[("months", f(0.75))]))).unwrap()), "P22DT19H51M49.5S");
        assert_eq!(
            text(
                &construct(
                    "duration",
                    Some(&map(&[
                        ("minutes", f(1.5)),
                        ("seconds", Value::Int(1)),
                        ("nanoseconds", Value::Int(123_456_789))
                    ]))
                )
                .unwrap()
            ),
            "PT1M31.123456789S"
        );
        assert_eq!(
            text(&construct("duration", Some(&map(&[("days", Value::Int(4)), ("minutes", Value::Int(6))]))).unwrap()),
            "P4DT6M"
        );
    }

    #[test]
    fn order_and_equality() {
        // Times order by their instant.
        let a = v("time", "12:35:15+05:00");
        let b = v("time", "10:35-08:00");
        let (Value::Time(x), Value::Time(y)) = (&a, &b) else { unreachable!() };
        assert!(x < y);
        // Same instant, different offsets: ordered, but not equal.
        let (Value::Time(p), Value::Time(q)) = (v("time", "12:00+01:00"), v("time", "11:00Z")) else { unreachable!() };
        assert_ne!(p, q);
        assert_eq!(p.cmp(&q), Ordering::Greater);
        let (Value::DateTime(p), Value::DateTime(q)) = (
            v("datetime", "1984-10-11T12:30:14.000000012+00:15"),
            v("datetime", "1984-10-11T12:31:14.645876123+00:17"),
        ) else {
            unreachable!()
        };
        assert!(p > q);
        assert_ne!(v("duration", "P1D"), v("duration", "PT24H"));
        assert_eq!(v("duration", "P1D"), v("duration", "P1D"));
    }

    #[test]
    fn arithmetic() {
        let add = |a: &Value, b: &Value| text(&arith(Arith::Add, a, b).unwrap());
        let sub = |a: &Value, b: &Value| text(&arith(Arith::Sub, a, b).unwrap());
        assert_eq!(add(&v("date", "2015-01-31"), &v("duration", "P1M")), "2015-02-28");
        assert_eq!(add(&v("date", "2015-01-31"), &v("duration", "PT36H")), "2015-02-01");
        assert_eq!(sub(&v("date", "2015-03-01"), &v("duration", "P1D")), "2015-02-28");
        assert_eq!(add(&v("localtime", "23:00"), &v("duration", "P1DT2H")), "01:00");
        assert_eq!(add(&v("datetime", "2015-12-31T23:00+01:00"), &v("duration", "PT2H30M")), "2016-01-01T01:30+01:00");
        assert_eq!(add(&v("duration", "P1M"), &v("duration", "PT1.5S")), "P1MT1.5S");
        assert_eq!(sub(&v("duration", "PT1S"), &v("duration", "PT1.5S")), "PT-0.5S");
        let mul = |d: &str, n: Value| text(&arith(Arith::Mul, &v("duration", d), &n).unwrap());
        assert_eq!(mul("P1DT1H", Value::Int(2)), "P2DT2H");
        assert_eq!(mul("P1D", Value::Float(1.5)), "P1DT12H");
        assert_eq!(text(&arith(Arith::Div, &v("duration", "P1D"), &Value::Int(2)).unwrap()), "PT12H");
        assert_eq!(text(&negate(&v("duration", "P1DT1.5S")).unwrap()), "P-1DT-1.5S");
        assert!(arith(Arith::Add, &v("date", "2015-01-01"), &v("date", "2015-01-01")).is_err());
    }

    #[test]
    fn between_and_fields() {
        let b = |u, a: &str, c: &str| text(&between(u, &v("localdatetime", a), &v("localdatetime", c)).unwrap());
        assert_eq!(b(Unit::All, "2015-07-21T21:40:32", "2016-07-21T21:40:32"), "P1Y");
        assert_eq!(b(Unit::All, "2015-07-21T21:40", "2015-08-20T20:40"), "P29DT23H");
        assert_eq!(b(Unit::All, "2016-07-21T21:40", "2015-07-21T21:41"), "P-11M-30DT-23H-59M");
        assert_eq!(b(Unit::Days, "2015-07-21T21:40", "2015-08-20T20:40"), "P29D");
        assert_eq!(b(Unit::Seconds, "2015-07-21T21:40", "2015-07-22T21:40:00.5"), "PT24H0.5S");
        let dt = v("datetime", "2015-07-21T21:40:32.142+01:00");
        assert_eq!(field(&dt, "epochSeconds"), Value::Int(1_437_511_232));
        assert_eq!(field(&dt, "epochMillis"), Value::Int(1_437_511_232_142));
        assert_eq!(field(&dt, "timezone"), Value::str("+01:00"));
        assert_eq!(field(&dt, "millisecond"), Value::Int(142));
        assert_eq!(field(&dt, "week"), Value::Int(30));
        assert_eq!(field(&dt, "dayOfWeek"), Value::Int(2));
        let d = v("duration", "P1Y2M10DT12H45M30.25S");
        assert_eq!(field(&d, "months"), Value::Int(14));
        assert_eq!(field(&d, "minutes"), Value::Int(765));
        assert_eq!(field(&d, "milliseconds"), Value::Int(45_930_250));
        assert_eq!(field(&d, "nanosecondsOfSecond"), Value::Int(250_000_000));
        assert_eq!(field(&d, "nope"), Value::Null);
    }
}
