//! Temporal values from ISO-8601 text: dates (calendar, week, ordinal and quarter forms), times,
//! offsets, date-times and durations. Text is ASCII; anything else is refused before it is sliced.

use super::*;

// ---- parsing ----------------------------------------------------------------------------------

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str) -> Option<i64> {
    if all_digits(s) {
        s.parse().ok()
    } else {
        None
    }
}

/// A fraction's digits (`645876123`, `5`) as nanoseconds.
fn fraction_nanos(digits: &str) -> Option<i64> {
    if !all_digits(digits) || digits.len() > 9 {
        return None;
    }
    Some(num(digits)? * 10i64.pow(9 - digits.len() as u32))
}

/// A zone name: one that means UTC is the offset 0; another is a zone of the time-zone
/// database.
fn named_zone(name: &str) -> Result<ZoneSpec> {
    match name.to_ascii_uppercase().as_str() {
        "Z" | "UTC" | "GMT" | "UT" | "ETC/UTC" | "ETC/GMT" | "ETC/UCT" | "UCT" | "ZULU" | "ETC/ZULU" => {
            Ok(ZoneSpec::Offset(0))
        }
        _ => zone_named(name).map(ZoneSpec::Named).ok_or_else(|| {
            arg_err(format!(
                "'{name}' is not a time zone: write a UTC offset such as '+01:00' or a zone of the IANA database such as 'Europe/Stockholm'"
            ))
        }),
    }
}

/// A time zone as written: `Z`, `+01:00`, or a name such as `Europe/Stockholm`.
pub fn parse_zone(s: &str) -> Result<ZoneSpec> {
    let t = s.trim();
    match t.as_bytes().first() {
        Some(b'+' | b'-') => parse_offset(t).map(ZoneSpec::Offset),
        Some(_) if t.len() > 1 || t.eq_ignore_ascii_case("z") => named_zone(t),
        _ => Err(arg_err(format!("`{s}` is not a time zone (such as '+01:00' or 'Europe/Stockholm')"))),
    }
}

/// `Z`, `+01:00`, `+0100`, `+01`, `-08:00:30`, or a zone name that means UTC.
pub fn parse_offset(s: &str) -> Result<i32> {
    let s = s.trim();
    let bad = || arg_err(format!("`{s}` is not a UTC offset (such as '+01:00' or 'Z')"));
    // Offsets and zone names are ASCII; the slicing below relies on it.
    if !s.is_ascii() {
        return Err(bad());
    }
    let sign = match s.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        Some(_) => {
            return match named_zone(s)? {
                ZoneSpec::Offset(o) => Ok(o),
                ZoneSpec::Named(_) => Err(arg_err(format!("`{s}` is a named time zone, not a UTC offset"))),
            }
        }
        None => return Err(bad()),
    };
    let body = &s[1..];
    let parts: Vec<&str> = if body.contains(':') {
        body.split(':').collect()
    } else {
        (0..body.len()).step_by(2).map(|i| body.get(i..(i + 2).min(body.len())).unwrap_or("")).collect()
    };
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.len() != 2 || !all_digits(p)) {
        return Err(bad());
    }
    let v: Vec<i32> = parts.iter().map(|p| p.parse().unwrap_or(99)).collect();
    let (h, m, sec) = (v[0], v.get(1).copied().unwrap_or(0), v.get(2).copied().unwrap_or(0));
    if m > 59 || sec > 59 {
        return Err(bad());
    }
    let off = sign * (h * 3600 + m * 60 + sec);
    if off.abs() > MAX_OFFSET {
        return Err(arg_err(format!("offset `{s}` is out of range (±18:00)")));
    }
    Ok(off)
}

/// `HH:MM[:SS[.fffffffff]]`, `HHMM[SS[.fff]]` or `HH`.
fn parse_local_time(s: &str) -> Option<LocalTime> {
    // Times are ASCII; the two-byte slicing below relies on it.
    if !s.is_ascii() {
        return None;
    }
    let (main, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let parts: Vec<&str> = if main.contains(':') {
        main.split(':').collect()
    } else if main.len() % 2 == 0 {
        (0..main.len()).step_by(2).map(|i| &main[i..i + 2]).collect()
    } else {
        return None;
    };
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.len() != 2 || !all_digits(p)) {
        return None;
    }
    if frac.is_some() && parts.len() < 3 {
        return None;
    }
    let nano = match frac {
        Some(f) => fraction_nanos(f)?,
        None => 0,
    };
    let v: Vec<i64> = parts.iter().map(|p| num(p).unwrap_or(99)).collect();
    LocalTime::new(v[0], v.get(1).copied().unwrap_or(0), v.get(2).copied().unwrap_or(0), nano).ok()
}

/// A time with an optional offset and an optional `[zone]`: `(time, offset, zone)`.
fn parse_time_text(s: &str) -> Result<(LocalTime, Option<i32>, Option<Zone>)> {
    let s = s.trim();
    if !s.is_ascii() {
        return Err(arg_err(format!("`{s}` is not a time (such as '12:31:14.645+01:00')")));
    }
    let (body, zone) = match (s.find('['), s.ends_with(']')) {
        (Some(i), true) => (&s[..i], Some(&s[i + 1..s.len() - 1])),
        _ => (s, None),
    };
    let (time, offset) = match body.find(['Z', 'z', '+', '-']) {
        Some(i) => (&body[..i], Some(parse_offset(&body[i..])?)),
        None => (body, None),
    };
    let t =
        parse_local_time(time).ok_or_else(|| arg_err(format!("`{s}` is not a time (such as '12:31:14.645+01:00')")))?;
    Ok(match zone.map(named_zone).transpose()? {
        Some(ZoneSpec::Offset(zo)) => (t, Some(offset.unwrap_or(zo)), None),
        Some(ZoneSpec::Named(z)) => (t, offset, Some(z)),
        None => (t, offset, None),
    })
}

/// ISO-8601 dates: `2015-07-21`, `20150721`, `2015-07`, `2015-W30-2`, `2015W302`, `2015-202`,
/// `2015202`, `2015-Q3-21`, `2015`, and signed years such as `+12345-01-01`.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    // Dates are ASCII; the byte slicing below relies on it.
    if !s.is_ascii() {
        return None;
    }
    let b = s.as_bytes();
    let (neg, start) = match b.first()? {
        b'+' => (false, 1),
        b'-' => (true, 1),
        _ => (false, 0),
    };
    let digits_end = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
    let year_len = digits_end - start;
    // An unsigned year has exactly four digits (the rest are month and day in compact forms).
    let year_end = if start == 0 { 4.min(digits_end) } else { digits_end };
    if (start == 0 && year_len < 4) || (start == 1 && !(1..=9).contains(&year_len)) {
        return None;
    }
    let year: i64 = s[start..year_end].parse().ok()?;
    let year = if neg { -year } else { year };
    let rest = &s[year_end..];
    let r = if rest.is_empty() {
        make_date(year, 1, 1)
    } else if let Some(w) = rest.strip_prefix("-W").or_else(|| rest.strip_prefix('W')) {
        let (week, dow) = match w.split_once('-') {
            Some((wk, d)) if rest.starts_with('-') && d.len() == 1 => (wk, d),
            None if w.len() == 3 && !rest.starts_with('-') => (&w[..2], &w[2..]),
            None if w.len() == 2 => (w, "1"),
            _ => return None,
        };
        if week.len() != 2 {
            return None;
        }
        date_from_week(year, num(week)?, num(dow)?)
    } else if let Some(q) = rest.strip_prefix("-Q").or_else(|| rest.strip_prefix('Q')) {
        let (quarter, day) = match q.split_once('-') {
            Some((qq, d)) if rest.starts_with('-') && (1..=2).contains(&d.len()) => (qq, d),
            None if q.len() == 3 && !rest.starts_with('-') => (&q[..1], &q[1..]),
            None if q.len() == 1 => (q, "1"),
            _ => return None,
        };
        if quarter.len() != 1 {
            return None;
        }
        date_from_quarter(year, num(quarter)?, num(day)?)
    } else if let Some(r) = rest.strip_prefix('-') {
        let parts: Vec<&str> = r.split('-').collect();
        match parts.as_slice() {
            [d] if d.len() == 3 => date_from_ordinal(year, num(d)?),
            [m] if (1..=2).contains(&m.len()) => make_date(year, num(m)?, 1),
            [m, d] if (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) => make_date(year, num(m)?, num(d)?),
            _ => return None,
        }
    } else {
        match rest.len() {
            2 => make_date(year, num(rest)?, 1),
            3 => date_from_ordinal(year, num(rest)?),
            4 => make_date(year, num(&rest[..2])?, num(&rest[2..])?),
            _ => return None,
        }
    };
    r.ok()
}

/// A date-time's text: `(date, time, offset, zone)`; the time is midnight when absent.
fn parse_datetime_text(s: &str) -> Result<(Date, LocalTime, Option<i32>, Option<Zone>)> {
    let s = s.trim();
    let bad = || arg_err(format!("`{s}` is not a date-time (such as '2015-07-21T21:40:32.142+01:00')"));
    if !s.is_ascii() {
        return Err(bad());
    }
    let (d, t) = match s.find(['T', 't']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let date = parse_date(d).ok_or_else(bad)?;
    match t {
        Some(t) => {
            let (time, offset, zone) =
                parse_time_text(t).map_err(|e| if e.message.contains("time zone") { e } else { bad() })?;
            Ok((date, time, offset, zone))
        }
        None => Ok((date, LocalTime::MIDNIGHT, None, None)),
    }
}

/// A number of a duration's component: exact, or with a fraction.
#[derive(Clone, Copy)]
pub enum Num {
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
}

impl Num {
    fn f(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

/// The amounts of each unit of a duration, summed the way Neo4j does: exactly when all are
/// integers, else by [`Duration::approximate`].
#[derive(Default)]
pub struct DurationParts {
    /// years, quarters, months, weeks, days, hours, minutes, seconds, ms, µs, ns
    pub amounts: Vec<(usize, Num)>,
}

/// The names of a duration's units, largest first; `DurationParts::amounts` indexes into it.
pub const DURATION_UNITS: [&str; 11] = [
    "years",
    "quarters",
    "months",
    "weeks",
    "days",
    "hours",
    "minutes",
    "seconds",
    "milliseconds",
    "microseconds",
    "nanoseconds",
];

impl DurationParts {
    /// The duration the amounts add up to.
    pub fn build(&self) -> Result<Duration> {
        let mut exact = [0i128; 11];
        let mut approx = [0f64; 11];
        let mut all_int = true;
        for (u, n) in &self.amounts {
            match n {
                Num::Int(i) => exact[*u] += i128::from(*i),
                Num::Float(_) => all_int = false,
            }
            approx[*u] += n.f();
        }
        if all_int {
            let e = exact;
            Duration::new(
                e[0] * 12 + e[1] * 3 + e[2],
                e[3] * 7 + e[4],
                e[5] * 3600 + e[6] * 60 + e[7],
                e[8] * 1_000_000 + e[9] * 1000 + e[10],
            )
        } else {
            let a = approx;
            Duration::approximate(
                a[0] * 12.0 + a[1] * 3.0 + a[2],
                a[3] * 7.0 + a[4],
                a[5] * 3600.0 + a[6] * 60.0 + a[7],
                a[8] * 1e6 + a[9] * 1e3 + a[10],
            )
        }
    }
}

/// `P1Y2M10DT12H45M30.25S`, `PT1.5S`, `-P3D`, `P2.5W`, and the alternative
/// `P0001-02-03T04:05:06.7` form.
pub fn parse_duration(s: &str) -> Result<Duration> {
    let text = s.trim();
    let bad = || arg_err(format!("`{text}` is not a duration (such as 'P1Y2M10DT12H45M30.25S')"));
    if !text.is_ascii() {
        return Err(bad());
    }
    let (sign, body) = match text.as_bytes().first() {
        Some(b'-') => (-1i64, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    };
    let body = body.strip_prefix(['P', 'p']).ok_or_else(bad)?;
    if body.is_empty() {
        return Err(bad());
    }
    let mut parts = DurationParts::default();
    // The alternative form: P[YYYY-MM-DD][THH:MM:SS[.f]].
    if body.as_bytes()[0].is_ascii_digit() && (body.contains('-') || body.contains(':')) {
        let (d, t) = match body.find(['T', 't']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let ds: Vec<&str> = d.split('-').collect();
        let [y, m, dd] = ds.as_slice() else { return Err(bad()) };
        parts.amounts.push((0, Num::Int(num(y).ok_or_else(bad)?)));
        parts.amounts.push((2, Num::Int(num(m).ok_or_else(bad)?)));
        parts.amounts.push((4, Num::Int(num(dd).ok_or_else(bad)?)));
        if let Some(t) = t {
            let tm = parse_local_time(t).ok_or_else(bad)?;
            parts.amounts.push((10, Num::Int(tm.nano_of_day())));
        }
    } else {
        let (date, time) = match body.find(['T', 't']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        if time == Some("") {
            return Err(bad());
        }
        let mut scan = |text: &str, units: &[(char, usize)]| -> Result<()> {
            let mut rest = text;
            let mut next_unit = 0;
            while !rest.is_empty() {
                let end = rest.find(|c: char| c.is_ascii_alphabetic()).ok_or_else(bad)?;
                let (n, u) = (&rest[..end], rest[end..].chars().next().unwrap_or(' ').to_ascii_uppercase());
                rest = &rest[end + 1..];
                let pos = units[next_unit..].iter().position(|(c, _)| *c == u).ok_or_else(bad)? + next_unit;
                next_unit = pos + 1;
                let unit = units[pos].1;
                let (neg, digits) = match n.as_bytes().first() {
                    Some(b'-') => (true, &n[1..]),
                    Some(b'+') => (false, &n[1..]),
                    _ => (false, n),
                };
                let (whole, frac) = match digits.find(['.', ',']) {
                    Some(i) => (&digits[..i], Some(&digits[i + 1..])),
                    None => (digits, None),
                };
                let w = num(whole).ok_or_else(bad)?;
                let w = if neg { -w } else { w };
                match frac {
                    None | Some("") => parts.amounts.push((unit, Num::Int(w))),
                    Some(f) if unit == 7 => {
                        // Fractions of a second are exact.
                        let ns = fraction_nanos(f).ok_or_else(bad)?;
                        parts.amounts.push((7, Num::Int(w)));
                        parts.amounts.push((10, Num::Int(if neg { -ns } else { ns })));
                    }
                    Some(f) => {
                        if !all_digits(f) {
                            return Err(bad());
                        }
                        let v: f64 = format!("{whole}.{f}").parse().map_err(|_| bad())?;
                        parts.amounts.push((unit, Num::Float(if neg { -v } else { v })));
                    }
                }
            }
            Ok(())
        };
        scan(date, &[('Y', 0), ('M', 2), ('W', 3), ('D', 4)])?;
        if let Some(t) = time {
            scan(t, &[('H', 5), ('M', 6), ('S', 7)])?;
        }
        if parts.amounts.is_empty() {
            return Err(bad());
        }
    }
    let d = parts.build()?;
    if sign < 0 {
        d.negate()
    } else {
        Ok(d)
    }
}

/// A temporal value of `kind` (`date`, `localtime`, `time`, `localdatetime`, `datetime`,
/// `duration`) from its ISO-8601 text, as `date('2015-07-21')` and the tagged forms read it.
pub fn from_text(kind: &str, s: &str) -> Result<Value> {
    if kind == "duration" {
        return Ok(Value::Duration(Box::new(parse_duration(s)?)));
    }
    let p = match kind {
        "date" => Parts {
            date: Some(
                parse_date(s)
                    .or_else(|| Date::parse(s))
                    .ok_or_else(|| arg_err(format!("`{s}` is not a date (such as '2015-07-21')")))?,
            ),
            ..Parts::default()
        },
        "time" | "localtime" => {
            let (t, o, z) = parse_time_text(s)?;
            Parts { date: None, time: Some(t), offset: o, zone: z }
        }
        _ => {
            let (d, t, o, z) = parse_datetime_text(s)?;
            Parts { date: Some(d), time: Some(t), offset: o, zone: z }
        }
    };
    if kind.starts_with("local") && (p.offset.is_some() || p.zone.is_some()) {
        // Neo4j drops the zone of a local value's text.
        return finish(kind, Parts { offset: None, zone: None, ..p });
    }
    finish(kind, p)
}
