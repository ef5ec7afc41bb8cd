//! openCypher's temporal values besides `Date` (which lives in [`crate::value`]): local and
//! zoned times, local and zoned date-times, and durations. Their construction from maps and
//! ISO-8601 text, their fields, their text forms (exactly as Neo4j prints them), their order and
//! their arithmetic.
//!
//! Zones are fixed UTC offsets (`+01:00`, `Z`); named zones such as `Europe/Stockholm` would need
//! the tz database and are rejected with an `ArgumentError`. The clock of `datetime()` and
//! friends is the system's, in UTC.

use std::cmp::Ordering;
use std::fmt;

use indexmap::IndexMap;

use crate::ast::BinaryOp;
use crate::error::{Error, Kind, Result};
use crate::value::{Date, Value};

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;
const NANOS_PER_DAY: i64 = SECONDS_PER_DAY * NANOS_PER_SECOND;
/// The average Gregorian month (365.2425 days / 12) in seconds, as Neo4j uses it to cascade
/// fractional months into days.
const AVG_SECONDS_PER_MONTH: i64 = 2_629_746;
/// Offsets range over ±18 hours, as in java.time.
const MAX_OFFSET: i32 = 18 * 3600;
/// Years range over ±999,999,999, as in Neo4j.
const MAX_YEAR: i64 = 999_999_999;

fn arg_err(msg: impl Into<String>) -> Error {
    Error::runtime(Kind::ArgumentError, "InvalidArgumentValue", msg)
}

fn type_err(msg: impl Into<String>) -> Error {
    Error::type_error("InvalidArgumentType", msg)
}

// ---- the calendar -----------------------------------------------------------------------------

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn month_len(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

/// A date from components, checked.
fn make_date(year: i64, month: i64, day: i64) -> Result<Date> {
    if year.abs() > MAX_YEAR {
        return Err(arg_err(format!("year {year} is out of range")));
    }
    if !(1..=12).contains(&month) {
        return Err(arg_err(format!("month {month} is out of range (1..12)")));
    }
    if day < 1 || day > month_len(year, month) {
        return Err(arg_err(format!("day {day} is out of range for {year}-{month:02}")));
    }
    Ok(Date { year: year as i32, month: month as u8, day: day as u8 })
}

/// Days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's `days_from_civil`).
pub fn epoch_day(d: Date) -> i64 {
    let (m, dd) = (i64::from(d.month), i64::from(d.day));
    let y = i64::from(d.year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01, if its year is in range.
pub fn date_from_epoch_day(days: i64) -> Result<Date> {
    let z = days.checked_add(719_468).ok_or_else(|| arg_err("date out of range"))?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    make_date(y, m, d)
}

fn plus_days(d: Date, days: i64) -> Result<Date> {
    date_from_epoch_day(epoch_day(d).checked_add(days).ok_or_else(|| arg_err("date out of range"))?)
}

/// Adds months, clamping the day to the end of the month (as java.time does).
fn plus_months(d: Date, months: i64) -> Result<Date> {
    let total = (i64::from(d.year) * 12 + i64::from(d.month) - 1)
        .checked_add(months)
        .ok_or_else(|| arg_err("date out of range"))?;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    make_date(y, m, i64::from(d.day).min(month_len(y, m)))
}

/// ISO day of the week, 1 (Monday) to 7 (Sunday).
fn day_of_week(d: Date) -> i64 {
    (epoch_day(d) + 3).rem_euclid(7) + 1
}

fn ordinal_day(d: Date) -> i64 {
    epoch_day(d) - epoch_day(Date { year: d.year, month: 1, day: 1 }) + 1
}

/// The ISO week-based year and week of a date.
fn iso_week(d: Date) -> (i64, i64) {
    let thursday = epoch_day(d) - day_of_week(d) + 4;
    match date_from_epoch_day(thursday) {
        Ok(t) => (i64::from(t.year), (ordinal_day(t) - 1) / 7 + 1),
        Err(_) => (i64::from(d.year), 1),
    }
}

fn weeks_in_year(year: i64) -> i64 {
    match make_date(year, 12, 28) {
        Ok(d) => iso_week(d).1,
        Err(_) => 52,
    }
}

fn date_from_week(year: i64, week: i64, dow: i64) -> Result<Date> {
    if week < 1 || week > weeks_in_year(year) {
        return Err(arg_err(format!("week {week} is out of range for week-year {year}")));
    }
    if !(1..=7).contains(&dow) {
        return Err(arg_err(format!("dayOfWeek {dow} is out of range (1..7)")));
    }
    let jan4 = make_date(year, 1, 4)?;
    date_from_epoch_day(epoch_day(jan4) - day_of_week(jan4) + 1 + (week - 1) * 7 + dow - 1)
}

fn date_from_ordinal(year: i64, day: i64) -> Result<Date> {
    let len = if is_leap(year) { 366 } else { 365 };
    if day < 1 || day > len {
        return Err(arg_err(format!("ordinalDay {day} is out of range for {year}")));
    }
    date_from_epoch_day(epoch_day(make_date(year, 1, 1)?) + day - 1)
}

fn date_from_quarter(year: i64, quarter: i64, day: i64) -> Result<Date> {
    if !(1..=4).contains(&quarter) {
        return Err(arg_err(format!("quarter {quarter} is out of range (1..4)")));
    }
    let start = make_date(year, (quarter - 1) * 3 + 1, 1)?;
    let len = epoch_day(plus_months(start, 3)?) - epoch_day(start);
    if day < 1 || day > len {
        return Err(arg_err(format!("dayOfQuarter {day} is out of range")));
    }
    plus_days(start, day - 1)
}

// ---- the types --------------------------------------------------------------------------------

/// A time of day without a zone, to the nanosecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime {
    nanos: i64,
}

impl LocalTime {
    pub const MIDNIGHT: LocalTime = LocalTime { nanos: 0 };

    /// A time from its nanosecond of the day, wrapping around midnight.
    pub fn from_nano_of_day(nanos: i64) -> LocalTime {
        LocalTime { nanos: nanos.rem_euclid(NANOS_PER_DAY) }
    }

    pub fn new(hour: i64, minute: i64, second: i64, nano: i64) -> Result<LocalTime> {
        let check = |v: i64, max: i64, what: &str| {
            if (0..max).contains(&v) {
                Ok(())
            } else {
                Err(arg_err(format!("{what} {v} is out of range (0..{})", max - 1)))
            }
        };
        check(hour, 24, "hour")?;
        check(minute, 60, "minute")?;
        check(second, 60, "second")?;
        check(nano, NANOS_PER_SECOND, "nanosecond")?;
        Ok(LocalTime { nanos: ((hour * 60 + minute) * 60 + second) * NANOS_PER_SECOND + nano })
    }

    pub fn nano_of_day(self) -> i64 {
        self.nanos
    }
    pub fn hour(self) -> i64 {
        self.nanos / (3600 * NANOS_PER_SECOND)
    }
    pub fn minute(self) -> i64 {
        self.nanos / (60 * NANOS_PER_SECOND) % 60
    }
    pub fn second(self) -> i64 {
        self.nanos / NANOS_PER_SECOND % 60
    }
    pub fn nanosecond(self) -> i64 {
        self.nanos % NANOS_PER_SECOND
    }
}

/// A time of day with a UTC offset. Ordered by the instant (then the offset); equal only when
/// both the local time and the offset are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    pub time: LocalTime,
    /// Seconds east of UTC.
    pub offset: i32,
}

impl Time {
    fn utc_nanos(&self) -> i64 {
        self.time.nanos - i64::from(self.offset) * NANOS_PER_SECOND
    }
}

impl Ord for Time {
    fn cmp(&self, other: &Time) -> Ordering {
        self.utc_nanos().cmp(&other.utc_nanos()).then(self.offset.cmp(&other.offset))
    }
}
impl PartialOrd for Time {
    fn partial_cmp(&self, other: &Time) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A date and time of day without a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDateTime {
    pub date: Date,
    pub time: LocalTime,
}

impl LocalDateTime {
    /// Nanoseconds since 1970-01-01T00:00 on the local clock.
    fn local_nanos(&self) -> i128 {
        i128::from(epoch_day(self.date)) * i128::from(NANOS_PER_DAY) + i128::from(self.time.nanos)
    }

    fn from_local_nanos(n: i128) -> Result<LocalDateTime> {
        let day = n.div_euclid(i128::from(NANOS_PER_DAY));
        let nanos = n.rem_euclid(i128::from(NANOS_PER_DAY)) as i64;
        let day = i64::try_from(day).map_err(|_| arg_err("date out of range"))?;
        Ok(LocalDateTime { date: date_from_epoch_day(day)?, time: LocalTime { nanos } })
    }
}

/// A date and time with a UTC offset. Ordered by the instant (then the offset); equal only when
/// both the local date-time and the offset are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub local: LocalDateTime,
    /// Seconds east of UTC.
    pub offset: i32,
}

impl DateTime {
    /// Nanoseconds since the Unix epoch.
    pub fn epoch_nanos(&self) -> i128 {
        self.local.local_nanos() - i128::from(self.offset) * i128::from(NANOS_PER_SECOND)
    }

    fn from_epoch_nanos(n: i128, offset: i32) -> Result<DateTime> {
        let local = LocalDateTime::from_local_nanos(n + i128::from(offset) * i128::from(NANOS_PER_SECOND))?;
        Ok(DateTime { local, offset })
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &DateTime) -> Ordering {
        self.epoch_nanos().cmp(&other.epoch_nanos()).then(self.offset.cmp(&other.offset))
    }
}
impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &DateTime) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// openCypher's duration: months, days, seconds and nanoseconds, kept apart because a month
/// and a day have no fixed length. `nanos` is normalised to `0..1_000_000_000`, as in Neo4j.
/// Durations are equal component-wise; `<` on them is null, but `ORDER BY` needs an order, which
/// is by their approximate length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Duration {
    pub months: i64,
    pub days: i64,
    pub seconds: i64,
    pub nanos: i32,
}

impl Duration {
    pub const ZERO: Duration = Duration { months: 0, days: 0, seconds: 0, nanos: 0 };

    /// A duration from components of any range; seconds and nanoseconds are normalised.
    pub fn new(months: i128, days: i128, seconds: i128, nanos: i128) -> Result<Duration> {
        let ns = i128::from(NANOS_PER_SECOND);
        let secs = seconds + nanos.div_euclid(ns);
        let big = || arg_err("duration out of range");
        Ok(Duration {
            months: i64::try_from(months).map_err(|_| big())?,
            days: i64::try_from(days).map_err(|_| big())?,
            seconds: i64::try_from(secs).map_err(|_| big())?,
            nanos: nanos.rem_euclid(ns) as i32,
        })
    }

    fn total_nanos(&self) -> i128 {
        i128::from(self.seconds) * i128::from(NANOS_PER_SECOND) + i128::from(self.nanos)
    }

    fn parts(&self) -> [i128; 4] {
        [self.months.into(), self.days.into(), self.seconds.into(), self.nanos.into()]
    }

    /// Neo4j's `approximate`: whole units are kept and each fraction cascades into the next
    /// smaller unit (a month being 2,629,746 seconds on average).
    fn approximate(months: f64, days: f64, seconds: f64, nanos: f64) -> Result<Duration> {
        let to_long = |d: f64| -> Result<i128> {
            if d.is_finite() && d.abs() < 9.2e18 {
                Ok(d as i64 as i128)
            } else {
                Err(arg_err("duration out of range"))
            }
        };
        let (nps, spd) = (NANOS_PER_SECOND as f64, SECONDS_PER_DAY as f64);
        let avg_nanos_per_month = (AVG_SECONDS_PER_MONTH * NANOS_PER_SECOND) as f64;
        let m = to_long(months)?;
        let days = days + (avg_nanos_per_month * months - avg_nanos_per_month * m as f64) / (nps * spd);
        let d = to_long(days)?;
        let seconds = seconds + (nps * spd * days - nps * spd * d as f64) / nps;
        let s = to_long(seconds)?;
        let nanos = nanos + (nps * seconds - nps * s as f64);
        Duration::new(m, d, s, to_long(nanos)?)
    }

    fn plus(&self, o: &Duration, sign: i128) -> Result<Duration> {
        let (a, b) = (self.parts(), o.parts());
        Duration::new(a[0] + sign * b[0], a[1] + sign * b[1], a[2] + sign * b[2], a[3] + sign * b[3])
    }

    fn negate(&self) -> Result<Duration> {
        Duration::ZERO.plus(self, -1)
    }

    fn times(&self, v: &Value) -> Result<Duration> {
        let p = self.parts();
        match v {
            Value::Int(k) => {
                let k = i128::from(*k);
                Duration::new(p[0] * k, p[1] * k, p[2] * k, p[3] * k)
            }
            Value::Float(f) => {
                Duration::approximate(p[0] as f64 * f, p[1] as f64 * f, p[2] as f64 * f, p[3] as f64 * f)
            }
            other => Err(type_err(format!("cannot multiply a Duration by a {}", other.type_name()))),
        }
    }

    fn divided(&self, v: &Value) -> Result<Duration> {
        let f = match v {
            Value::Int(i) => *i as f64,
            Value::Float(f) => *f,
            other => return Err(type_err(format!("cannot divide a Duration by a {}", other.type_name()))),
        };
        if f == 0.0 {
            return Err(Error::runtime(Kind::ArgumentError, "DivisionByZero", "division by zero"));
        }
        let p = self.parts();
        Duration::approximate(p[0] as f64 / f, p[1] as f64 / f, p[2] as f64 / f, p[3] as f64 / f)
    }

    /// The approximate length in seconds, for ordering.
    fn approx_seconds(&self) -> i128 {
        i128::from(self.months) * i128::from(AVG_SECONDS_PER_MONTH)
            + i128::from(self.days) * i128::from(SECONDS_PER_DAY)
            + i128::from(self.seconds)
    }
}

impl Ord for Duration {
    fn cmp(&self, o: &Duration) -> Ordering {
        self.approx_seconds()
            .cmp(&o.approx_seconds())
            .then(self.nanos.cmp(&o.nanos))
            .then(self.months.cmp(&o.months))
            .then(self.days.cmp(&o.days))
    }
}
impl PartialOrd for Duration {
    fn partial_cmp(&self, other: &Duration) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

// ---- text -------------------------------------------------------------------------------------

/// `.5` → `.500`: the fraction in groups of three digits, as java.time prints it.
fn write_fraction(f: &mut fmt::Formatter<'_>, nanos: i64) -> fmt::Result {
    if nanos == 0 {
        Ok(())
    } else if nanos % 1_000_000 == 0 {
        write!(f, ".{:03}", nanos / 1_000_000)
    } else if nanos % 1000 == 0 {
        write!(f, ".{:06}", nanos / 1000)
    } else {
        write!(f, ".{nanos:09}")
    }
}

impl fmt::Display for LocalTime {
    /// `10:35`, `12:35:13`, `12:31:14.645876123` (seconds only when not zero).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())?;
        let (s, n) = (self.second(), self.nanosecond());
        if s > 0 || n > 0 {
            write!(f, ":{s:02}")?;
            write_fraction(f, n)?;
        }
        Ok(())
    }
}

/// `Z`, `+01:00`, `-08:00`, `+05:30:15`.
pub fn offset_text(offset: i32) -> String {
    if offset == 0 {
        return "Z".into();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let a = offset.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}:{m:02}:{s:02}")
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.time, offset_text(self.offset))
    }
}

impl fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{}", self.date, self.time)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.local, offset_text(self.offset))
    }
}

impl fmt::Display for Duration {
    /// Neo4j's form: `P1Y2M10DT12H45M30.25S`, `PT0S`, `P-3D`, `PT-1.5S`; the fraction of a
    /// second with as few digits as it needs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Duration::ZERO {
            return f.write_str("PT0S");
        }
        let mut out = String::from("P");
        let unit = |out: &mut String, v: i64, u: char| {
            if v != 0 {
                out.push_str(&format!("{v}{u}"));
            }
        };
        unit(&mut out, self.months / 12, 'Y');
        unit(&mut out, self.months % 12, 'M');
        unit(&mut out, self.days, 'D');
        if self.seconds != 0 || self.nanos != 0 {
            let (mut s, mut n) = (self.seconds, i64::from(self.nanos));
            if s < 0 && n != 0 {
                s += 1;
                n -= NANOS_PER_SECOND;
            }
            out.push('T');
            unit(&mut out, s / 3600, 'H');
            unit(&mut out, s % 3600 / 60, 'M');
            let s = s % 60;
            if s != 0 || n != 0 {
                if s == 0 && n < 0 {
                    out.push('-');
                }
                out.push_str(&s.to_string());
                if n != 0 {
                    let digits = format!("{:09}", n.abs());
                    out.push('.');
                    out.push_str(digits.trim_end_matches('0'));
                }
                out.push('S');
            }
        }
        if out.len() == 1 {
            out.push_str("T0S");
        }
        f.write_str(&out)
    }
}

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

/// The offset of a zone name that means UTC; other names are not supported.
fn named_zone(name: &str) -> Result<i32> {
    match name.to_ascii_uppercase().as_str() {
        "Z" | "UTC" | "GMT" | "UT" | "ETC/UTC" | "ETC/GMT" | "ETC/UCT" | "UCT" | "ZULU" | "ETC/ZULU" => Ok(0),
        _ => Err(arg_err(format!(
            "named time zones such as '{name}' are not supported; use a UTC offset such as '+01:00'"
        ))),
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
        Some(_) => return named_zone(s),
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

/// A time with an optional offset and an optional `[zone]`: `(time, offset)`.
fn parse_time_text(s: &str) -> Result<(LocalTime, Option<i32>)> {
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
    let offset = match (offset, zone) {
        (o, Some(z)) => {
            let zo = named_zone(z)?;
            Some(o.unwrap_or(zo))
        }
        (o, None) => o,
    };
    Ok((t, offset))
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

/// A date-time's text: `(date, time, offset)`; the time is midnight when absent.
fn parse_datetime_text(s: &str) -> Result<(Date, LocalTime, Option<i32>)> {
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
            let (time, offset) = parse_time_text(t).map_err(|e| if e.message.contains("named") { e } else { bad() })?;
            Ok((date, time, offset))
        }
        None => Ok((date, LocalTime::MIDNIGHT, None)),
    }
}

/// A number of a duration's component: exact, or with a fraction.
#[derive(Clone, Copy)]
enum Num {
    Int(i64),
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
struct DurationParts {
    /// years, quarters, months, weeks, days, hours, minutes, seconds, ms, µs, ns
    amounts: Vec<(usize, Num)>,
}

const DURATION_UNITS: [&str; 11] = [
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
    fn build(&self) -> Result<Duration> {
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

// ---- values -----------------------------------------------------------------------------------

/// Whether a value is one of the temporal kinds (including `Date`).
pub fn is_temporal(v: &Value) -> bool {
    matches!(
        v,
        Value::Date(_)
            | Value::LocalTime(_)
            | Value::Time(_)
            | Value::LocalDateTime(_)
            | Value::DateTime(_)
            | Value::Duration(_)
    )
}

/// The function that constructs a temporal value's kind, and its ISO text:
/// `("time", "10:35-08:00")`.
pub fn kind_and_text(v: &Value) -> Option<(&'static str, String)> {
    Some(match v {
        Value::Date(d) => ("date", d.to_string()),
        Value::LocalTime(t) => ("localtime", t.to_string()),
        Value::Time(t) => ("time", t.to_string()),
        Value::LocalDateTime(t) => ("localdatetime", t.to_string()),
        Value::DateTime(t) => ("datetime", t.to_string()),
        Value::Duration(d) => ("duration", d.to_string()),
        _ => return None,
    })
}

/// Cypher notation: `time('10:35-08:00')`, `duration('P1D')`.
pub fn cypher_literal(v: &Value) -> Option<String> {
    kind_and_text(v).map(|(k, t)| format!("{k}('{t}')"))
}

/// The contract's JSON encoding: `{"@time": "10:35-08:00"}`.
pub fn to_json(v: &Value) -> Option<serde_json::Value> {
    let (k, t) = kind_and_text(v)?;
    let mut m = serde_json::Map::new();
    m.insert(format!("@{k}"), serde_json::Value::String(t));
    Some(serde_json::Value::Object(m))
}

/// Reads a kind and text back (`"time"` or the contract's tag `"@time"`, and `"10:35-08:00"`):
/// `None` for other kinds, `Some(Err)` for bad text.
pub fn from_tagged(tag: &str, text: &str) -> Option<std::result::Result<Value, String>> {
    let kind = tag.strip_prefix('@').unwrap_or(tag);
    if !matches!(kind, "date" | "localtime" | "time" | "localdatetime" | "datetime" | "duration") {
        return None;
    }
    Some(construct(kind, Some(&Value::str(text))).map_err(|e| format!("bad {kind} `{text}`: {}", e.message)))
}

/// The parts a temporal value can lend to a constructor.
#[derive(Default, Clone, Copy)]
struct Parts {
    date: Option<Date>,
    time: Option<LocalTime>,
    offset: Option<i32>,
}

fn parts_of(v: &Value) -> Option<Parts> {
    Some(match v {
        Value::Date(d) => Parts { date: Some(*d), ..Parts::default() },
        Value::LocalTime(t) => Parts { time: Some(*t), ..Parts::default() },
        Value::Time(t) => Parts { time: Some(t.time), offset: Some(t.offset), ..Parts::default() },
        Value::LocalDateTime(t) => Parts { date: Some(t.date), time: Some(t.time), offset: None },
        Value::DateTime(t) => Parts { date: Some(t.local.date), time: Some(t.local.time), offset: Some(t.offset) },
        _ => return None,
    })
}

/// The current UTC date and time of day.
fn now() -> Parts {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let date = date_from_epoch_day(secs.div_euclid(SECONDS_PER_DAY)).unwrap_or(Date { year: 1970, month: 1, day: 1 });
    let time =
        LocalTime::from_nano_of_day(secs.rem_euclid(SECONDS_PER_DAY) * NANOS_PER_SECOND + i64::from(d.subsec_nanos()));
    Parts { date: Some(date), time: Some(time), offset: Some(0) }
}

/// Moves date-time parts to another offset, keeping the instant.
fn shift_zone(p: Parts, to: i32) -> Result<Parts> {
    let from = p.offset.unwrap_or(0);
    let delta = i64::from(to - from) * NANOS_PER_SECOND;
    let time = p.time.unwrap_or(LocalTime::MIDNIGHT);
    Ok(match p.date {
        Some(date) => {
            let l = LocalDateTime::from_local_nanos(LocalDateTime { date, time }.local_nanos() + i128::from(delta))?;
            Parts { date: Some(l.date), time: Some(l.time), offset: Some(to) }
        }
        None => Parts { date: None, time: Some(LocalTime::from_nano_of_day(time.nanos + delta)), offset: Some(to) },
    })
}

/// Builds a value of `kind` from parts.
fn finish(kind: &str, p: Parts) -> Result<Value> {
    let need_date = || p.date.ok_or_else(|| arg_err(format!("{kind}() needs a date")));
    let need_time = || p.time.ok_or_else(|| arg_err(format!("{kind}() needs a time")));
    let time_or_midnight = p.time.unwrap_or(LocalTime::MIDNIGHT);
    Ok(match kind {
        "date" => Value::Date(need_date()?),
        "localtime" => Value::LocalTime(need_time()?),
        "time" => Value::Time(Time { time: need_time()?, offset: p.offset.unwrap_or(0) }),
        "localdatetime" => Value::LocalDateTime(LocalDateTime { date: need_date()?, time: time_or_midnight }),
        _ => Value::DateTime(DateTime {
            local: LocalDateTime { date: need_date()?, time: time_or_midnight },
            offset: p.offset.unwrap_or(0),
        }),
    })
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
        Some(Value::String(s)) => Some(parse_offset(s)?),
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
        let dt = DateTime::from_epoch_nanos(nanos + extra, zone.unwrap_or(0))?;
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
                Some(z) => shift_zone(n, z)?,
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
        p = if based && p.offset.is_some() { shift_zone(p, z)? } else { Parts { offset: Some(z), ..p } };
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
            Some(Value::String(s)) => Ok(Value::Duration(Box::new(parse_duration(s)?))),
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
        Some(Value::String(s)) => {
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
                    let (t, o) = parse_time_text(s)?;
                    Parts { date: None, time: Some(t), offset: o }
                }
                _ => {
                    let (d, t, o) = parse_datetime_text(s)?;
                    Parts { date: Some(d), time: Some(t), offset: o }
                }
            };
            if kind.starts_with("local") && p.offset.is_some() {
                // Neo4j drops the zone of a local value's text.
                return finish(kind, Parts { offset: None, ..p });
            }
            finish(kind, p)
        }
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

// ---- fields -----------------------------------------------------------------------------------

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
            .or_else(|| offset_field(t.offset, k))
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
        Value::DateTime(t) => Value::DateTime(DateTime { local: on_local(t.local)?, offset: t.offset }),
        other => return Err(type_err(format!("cannot add a Duration to a {}", other.type_name()))),
    })
}

/// Arithmetic where a temporal value is involved: temporal ± duration, duration ± duration,
/// duration × number, number × duration and duration ÷ number.
pub fn arith(op: BinaryOp, a: &Value, b: &Value) -> Result<Value> {
    use Value::Duration as D;
    let dur = |d: Duration| Ok(D(Box::new(d)));
    match (op, a, b) {
        (BinaryOp::Add, D(x), D(y)) => dur(x.plus(y, 1)?),
        (BinaryOp::Sub, D(x), D(y)) => dur(x.plus(y, -1)?),
        (BinaryOp::Add, t, D(d)) | (BinaryOp::Add, D(d), t) if is_temporal(t) => shift(t, d, 1),
        (BinaryOp::Sub, t, D(d)) if is_temporal(t) => shift(t, d, -1),
        (BinaryOp::Mul, D(d), n @ (Value::Int(_) | Value::Float(_)))
        | (BinaryOp::Mul, n @ (Value::Int(_) | Value::Float(_)), D(d)) => dur(d.times(n)?),
        (BinaryOp::Div, D(d), n @ (Value::Int(_) | Value::Float(_))) => dur(d.divided(n)?),
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
];

/// Whether `name` (lowercase) is a temporal function.
pub fn is_function(name: &str) -> bool {
    let family = name.split('.').next().unwrap_or(name);
    matches!(family, "date" | "localtime" | "time" | "localdatetime" | "datetime" | "duration")
        && FUNCTIONS.contains(&name)
}

/// Calls a temporal function (lowercase name) on evaluated arguments.
pub fn call(name: &str, args: &[Value]) -> Result<Value> {
    let a = args.first();
    match name {
        "duration.between" => between(Unit::All, &args[0], &args[1]),
        "duration.inmonths" => between(Unit::Months, &args[0], &args[1]),
        "duration.indays" => between(Unit::Days, &args[0], &args[1]),
        "duration.inseconds" => between(Unit::Seconds, &args[0], &args[1]),
        "datetime.fromepoch" => match (&args[0], &args[1]) {
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
        "datetime.fromepochmillis" => match &args[0] {
            Value::Null => Ok(Value::Null),
            Value::Int(ms) => Ok(Value::DateTime(DateTime::from_epoch_nanos(i128::from(*ms) * 1_000_000, 0)?)),
            x => Err(type_err(format!("datetime.fromEpochMillis() expects an integer, got {}", x.type_name()))),
        },
        _ => match name.split_once('.') {
            // The clocks: date.statement(), datetime.realtime('+01:00'), ...
            Some((kind, _)) => match a {
                None => finish(kind, now()),
                Some(Value::Null) => Ok(Value::Null),
                Some(Value::String(z)) => finish(kind, shift_zone(now(), parse_offset(z)?)?),
                Some(v) => Err(type_err(format!("{name}() expects a timezone string, got {}", v.type_name()))),
            },
            None => construct(name, a),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let named = construct("datetime", Some(&Value::str("2015-07-21T21:40:32[Europe/Stockholm]"))).unwrap_err();
        assert_eq!(named.kind, Kind::ArgumentError);
        assert!(named.message.contains("Europe/Stockholm"));
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
        let add = |a: &Value, b: &Value| text(&arith(BinaryOp::Add, a, b).unwrap());
        let sub = |a: &Value, b: &Value| text(&arith(BinaryOp::Sub, a, b).unwrap());
        assert_eq!(add(&v("date", "2015-01-31"), &v("duration", "P1M")), "2015-02-28");
        assert_eq!(add(&v("date", "2015-01-31"), &v("duration", "PT36H")), "2015-02-01");
        assert_eq!(sub(&v("date", "2015-03-01"), &v("duration", "P1D")), "2015-02-28");
        assert_eq!(add(&v("localtime", "23:00"), &v("duration", "P1DT2H")), "01:00");
        assert_eq!(add(&v("datetime", "2015-12-31T23:00+01:00"), &v("duration", "PT2H30M")), "2016-01-01T01:30+01:00");
        assert_eq!(add(&v("duration", "P1M"), &v("duration", "PT1.5S")), "P1MT1.5S");
        assert_eq!(sub(&v("duration", "PT1S"), &v("duration", "PT1.5S")), "PT-0.5S");
        let mul = |d: &str, n: Value| text(&arith(BinaryOp::Mul, &v("duration", d), &n).unwrap());
        assert_eq!(mul("P1DT1H", Value::Int(2)), "P2DT2H");
        assert_eq!(mul("P1D", Value::Float(1.5)), "P1DT12H");
        assert_eq!(text(&arith(BinaryOp::Div, &v("duration", "P1D"), &Value::Int(2)).unwrap()), "PT12H");
        assert_eq!(text(&negate(&v("duration", "P1DT1.5S")).unwrap()), "P-1DT-1.5S");
        assert!(arith(BinaryOp::Add, &v("date", "2015-01-01"), &v("date", "2015-01-01")).is_err());
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
