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

use crate::error::{Detail, Error, Kind, Result};
use crate::value::{Date, Value};

mod arith;
mod parse;

pub use arith::{arith, field, negate, Arith};
pub use parse::{from_text, parse_date, parse_duration, parse_offset, parse_zone, DurationParts, Num, DURATION_UNITS};

/// Nanoseconds in a second.
pub const NANOS_PER_SECOND: i64 = 1_000_000_000;
/// Seconds in a day (no leap seconds).
pub const SECONDS_PER_DAY: i64 = 86_400;
/// Nanoseconds in a day.
pub const NANOS_PER_DAY: i64 = SECONDS_PER_DAY * NANOS_PER_SECOND;
/// The average Gregorian month (365.2425 days / 12) in seconds, as Neo4j uses it to cascade
/// fractional months into days.
pub const AVG_SECONDS_PER_MONTH: i64 = 2_629_746;
/// Offsets range over ±18 hours, as in java.time.
pub const MAX_OFFSET: i32 = 18 * 3600;
/// Years range over ±999,999,999, as in Neo4j.
pub const MAX_YEAR: i64 = 999_999_999;

/// A run-time `ArgumentError` (an invalid argument value) with this message.
pub fn arg_err(msg: impl Into<String>) -> Error {
    Error::runtime(Kind::ArgumentError, Detail::InvalidArgumentValue, msg)
}

/// A type error (an invalid argument type) with this message.
pub fn type_err(msg: impl Into<String>) -> Error {
    Error::type_error(Detail::InvalidArgumentType, msg)
}

// ---- the calendar -----------------------------------------------------------------------------

/// Whether the year is a leap year in the proleptic Gregorian calendar.
pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in the month (1 to 12) of the year.
pub fn month_len(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

/// A date from components, checked.
pub fn make_date(year: i64, month: i64, day: i64) -> Result<Date> {
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

/// The date `days` days after `d` (before it when negative), if its year is in range.
pub fn plus_days(d: Date, days: i64) -> Result<Date> {
    date_from_epoch_day(epoch_day(d).checked_add(days).ok_or_else(|| arg_err("date out of range"))?)
}

/// Adds months, clamping the day to the end of the month (as java.time does).
pub fn plus_months(d: Date, months: i64) -> Result<Date> {
    let total = (i64::from(d.year) * 12 + i64::from(d.month) - 1)
        .checked_add(months)
        .ok_or_else(|| arg_err("date out of range"))?;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    make_date(y, m, i64::from(d.day).min(month_len(y, m)))
}

/// ISO day of the week, 1 (Monday) to 7 (Sunday).
pub fn day_of_week(d: Date) -> i64 {
    (epoch_day(d) + 3).rem_euclid(7) + 1
}

/// The day of the year, from 1 (1 January).
pub fn ordinal_day(d: Date) -> i64 {
    epoch_day(d) - epoch_day(Date { year: d.year, month: 1, day: 1 }) + 1
}

/// The ISO week-based year and week of a date.
pub fn iso_week(d: Date) -> (i64, i64) {
    let thursday = epoch_day(d) - day_of_week(d) + 4;
    match date_from_epoch_day(thursday) {
        Ok(t) => (i64::from(t.year), (ordinal_day(t) - 1) / 7 + 1),
        Err(_) => (i64::from(d.year), 1),
    }
}

/// The number of ISO weeks (52 or 53) in the ISO week-based year.
pub fn weeks_in_year(year: i64) -> i64 {
    match make_date(year, 12, 28) {
        Ok(d) => iso_week(d).1,
        Err(_) => 52,
    }
}

/// The date of the ISO week-based year, week and day of the week (1 for Monday to 7 for Sunday),
/// checked.
pub fn date_from_week(year: i64, week: i64, dow: i64) -> Result<Date> {
    if week < 1 || week > weeks_in_year(year) {
        return Err(arg_err(format!("week {week} is out of range for week-year {year}")));
    }
    if !(1..=7).contains(&dow) {
        return Err(arg_err(format!("dayOfWeek {dow} is out of range (1..7)")));
    }
    let jan4 = make_date(year, 1, 4)?;
    date_from_epoch_day(epoch_day(jan4) - day_of_week(jan4) + 1 + (week - 1) * 7 + dow - 1)
}

/// The date of the year's day number (1 for 1 January), checked.
pub fn date_from_ordinal(year: i64, day: i64) -> Result<Date> {
    let len = if is_leap(year) { 366 } else { 365 };
    if day < 1 || day > len {
        return Err(arg_err(format!("ordinalDay {day} is out of range for {year}")));
    }
    date_from_epoch_day(epoch_day(make_date(year, 1, 1)?) + day - 1)
}

/// The date of the year's quarter (1 to 4) and day of the quarter (from 1), checked.
pub fn date_from_quarter(year: i64, quarter: i64, day: i64) -> Result<Date> {
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
    /// Nanoseconds since midnight, in `0..NANOS_PER_DAY`.
    pub nanos: i64,
}

impl LocalTime {
    /// Midnight, `00:00`.
    pub const MIDNIGHT: LocalTime = LocalTime { nanos: 0 };

    /// A time from its nanosecond of the day, wrapping around midnight.
    pub fn from_nano_of_day(nanos: i64) -> LocalTime {
        LocalTime { nanos: nanos.rem_euclid(NANOS_PER_DAY) }
    }

    /// A time from its hour, minute, second and nanosecond, each checked against its range.
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

    /// Nanoseconds since midnight.
    pub fn nano_of_day(self) -> i64 {
        self.nanos
    }
    /// The hour, from 0 to 23.
    pub fn hour(self) -> i64 {
        self.nanos / (3600 * NANOS_PER_SECOND)
    }
    /// The minute of the hour, from 0 to 59.
    pub fn minute(self) -> i64 {
        self.nanos / (60 * NANOS_PER_SECOND) % 60
    }
    /// The second of the minute, from 0 to 59.
    pub fn second(self) -> i64 {
        self.nanos / NANOS_PER_SECOND % 60
    }
    /// The nanosecond of the second, from 0 to 999,999,999.
    pub fn nanosecond(self) -> i64 {
        self.nanos % NANOS_PER_SECOND
    }
}

/// A time of day with a UTC offset. Ordered by the instant (then the offset); equal only when
/// both the local time and the offset are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    /// The local time of day.
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
    /// The date.
    pub date: Date,
    /// The time of day.
    pub time: LocalTime,
}

impl LocalDateTime {
    /// Nanoseconds since 1970-01-01T00:00 on the local clock.
    pub fn local_nanos(&self) -> i128 {
        i128::from(epoch_day(self.date)) * i128::from(NANOS_PER_DAY) + i128::from(self.time.nanos)
    }

    /// The date-time `n` nanoseconds after 1970-01-01T00:00 on the local clock, if its year is in
    /// range.
    pub fn from_local_nanos(n: i128) -> Result<LocalDateTime> {
        let day = n.div_euclid(i128::from(NANOS_PER_DAY));
        let nanos = n.rem_euclid(i128::from(NANOS_PER_DAY)) as i64;
        let day = i64::try_from(day).map_err(|_| arg_err("date out of range"))?;
        Ok(LocalDateTime { date: date_from_epoch_day(day)?, time: LocalTime { nanos } })
    }
}

/// A date and time with a UTC offset, and the named time zone it is in, if it has one. Ordered
/// by the instant (then the offset); equal only when the local date-time, the offset and the
/// zone are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// The local date and time.
    pub local: LocalDateTime,
    /// Seconds east of UTC.
    pub offset: i32,
    /// The named zone (`Europe/Stockholm`) whose rules gave the offset.
    pub zone: Option<Zone>,
}

/// A named time zone of the IANA time-zone database, with its daylight-saving rules.
pub type Zone = chrono_tz::Tz;

/// A time zone as written: a fixed offset, or a named zone whose offset depends on the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneSpec {
    /// Seconds east of UTC.
    Offset(i32),
    /// A named zone.
    Named(Zone),
}

/// The named zone `name` (`Europe/Stockholm`, any case), if the time-zone database has it.
pub fn zone_named(name: &str) -> Option<Zone> {
    name.parse::<Zone>().ok().or_else(|| Zone::from_str_insensitive(name).ok())
}

/// A local date-time as chrono's, when chrono's range holds it.
fn naive(l: LocalDateTime) -> Result<chrono::NaiveDateTime> {
    let n = l.local_nanos();
    let secs = i64::try_from(n.div_euclid(i128::from(NANOS_PER_SECOND))).ok();
    let nanos = n.rem_euclid(i128::from(NANOS_PER_SECOND)) as u32;
    secs.and_then(|s| chrono::DateTime::from_timestamp(s, nanos))
        .map(|d| d.naive_utc())
        .ok_or_else(|| arg_err(format!("{l} is out of range for a named time zone")))
}

/// The offset of `zone` at an instant (nanoseconds since the epoch).
pub fn zone_offset_at(zone: Zone, epoch_nanos: i128) -> Result<i32> {
    use chrono::{Offset, TimeZone};
    let utc = naive(LocalDateTime::from_local_nanos(epoch_nanos)?)?;
    Ok(zone.offset_from_utc_datetime(&utc).fix().local_minus_utc())
}

impl DateTime {
    /// The date-time at a local date-time in a named zone, resolved as Java's `ZonedDateTime`
    /// (and so Neo4j) resolves it: a time the clocks pass twice takes the earlier (summer)
    /// offset; a time they skip moves forward by the gap.
    pub fn in_zone(local: LocalDateTime, zone: Zone) -> Result<DateTime> {
        use chrono::{LocalResult, Offset, TimeZone};
        let at = naive(local)?;
        let offset = match zone.offset_from_local_datetime(&at) {
            LocalResult::Single(o) | LocalResult::Ambiguous(o, _) => o.fix().local_minus_utc(),
            LocalResult::None => {
                // In a gap: the instant the local time means under the offset before it.
                let before = zone_offset_at(zone, local.local_nanos() - i128::from(NANOS_PER_DAY))?;
                let instant = local.local_nanos() - i128::from(before) * i128::from(NANOS_PER_SECOND);
                return DateTime::at_instant_in(instant, zone);
            }
        };
        Ok(DateTime { local, offset, zone: Some(zone) })
    }

    /// The date-time at an instant, seen in a named zone.
    pub fn at_instant_in(epoch_nanos: i128, zone: Zone) -> Result<DateTime> {
        let offset = zone_offset_at(zone, epoch_nanos)?;
        Ok(DateTime { zone: Some(zone), ..DateTime::from_epoch_nanos(epoch_nanos, offset)? })
    }

    /// The date-time at a local date-time in a zone as written.
    pub fn at(local: LocalDateTime, zone: ZoneSpec) -> Result<DateTime> {
        match zone {
            ZoneSpec::Offset(offset) => Ok(DateTime { local, offset, zone: None }),
            ZoneSpec::Named(z) => DateTime::in_zone(local, z),
        }
    }

    /// Nanoseconds since the Unix epoch.
    pub fn epoch_nanos(&self) -> i128 {
        self.local.local_nanos() - i128::from(self.offset) * i128::from(NANOS_PER_SECOND)
    }

    /// The date-time at `n` nanoseconds since the Unix epoch, seen at the offset (in seconds east
    /// of UTC).
    pub fn from_epoch_nanos(n: i128, offset: i32) -> Result<DateTime> {
        let local = LocalDateTime::from_local_nanos(n + i128::from(offset) * i128::from(NANOS_PER_SECOND))?;
        Ok(DateTime { local, offset, zone: None })
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
    /// Whole months (a year is 12).
    pub months: i64,
    /// Whole days (a week is 7).
    pub days: i64,
    /// Whole seconds, besides the months and days.
    pub seconds: i64,
    /// Nanoseconds, added to the seconds, in `0..1_000_000_000`.
    pub nanos: i32,
}

impl Duration {
    /// The empty duration, `PT0S`.
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

    /// The seconds and nanoseconds as one count of nanoseconds (months and days left out).
    pub fn total_nanos(&self) -> i128 {
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

    /// `self + sign * o`, component by component: pass `1` to add and `-1` to subtract.
    pub fn plus(&self, o: &Duration, sign: i128) -> Result<Duration> {
        let (a, b) = (self.parts(), o.parts());
        Duration::new(a[0] + sign * b[0], a[1] + sign * b[1], a[2] + sign * b[2], a[3] + sign * b[3])
    }

    /// The duration with every component negated.
    pub fn negate(&self) -> Result<Duration> {
        Duration::ZERO.plus(self, -1)
    }

    /// The duration multiplied by an integer or a float (a fraction cascades into smaller units).
    pub fn times(&self, v: &Value) -> Result<Duration> {
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

    /// The duration divided by an integer or a float (a fraction cascades into smaller units).
    pub fn divided(&self, v: &Value) -> Result<Duration> {
        let f = match v {
            Value::Int(i) => *i as f64,
            Value::Float(f) => *f,
            other => return Err(type_err(format!("cannot divide a Duration by a {}", other.type_name()))),
        };
        if f == 0.0 {
            return Err(Error::runtime(Kind::ArgumentError, Detail::DivisionByZero, "division by zero"));
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
pub fn write_fraction(f: &mut fmt::Formatter<'_>, nanos: i64) -> fmt::Result {
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
        write!(f, "{}{}", self.local, offset_text(self.offset))?;
        match self.zone {
            Some(z) => write!(f, "[{}]", z.name()),
            None => Ok(()),
        }
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

/// The parts a temporal value can lend to a constructor.
#[derive(Default, Clone, Copy)]
pub struct Parts {
    /// The date, if the value has one.
    pub date: Option<Date>,
    /// The time of day, if the value has one.
    pub time: Option<LocalTime>,
    /// The UTC offset in seconds east of UTC, if the value has one.
    pub offset: Option<i32>,
    /// The named zone, if the value has one (its offset then follows the zone's rules).
    pub zone: Option<Zone>,
}

/// The parts of a temporal value; `None` for other values and for durations.
pub fn parts_of(v: &Value) -> Option<Parts> {
    Some(match v {
        Value::Date(d) => Parts { date: Some(*d), ..Parts::default() },
        Value::LocalTime(t) => Parts { time: Some(*t), ..Parts::default() },
        Value::Time(t) => Parts { time: Some(t.time), offset: Some(t.offset), ..Parts::default() },
        Value::LocalDateTime(t) => Parts { date: Some(t.date), time: Some(t.time), ..Parts::default() },
        Value::DateTime(t) => {
            Parts { date: Some(t.local.date), time: Some(t.local.time), offset: Some(t.offset), zone: t.zone }
        }
        _ => return None,
    })
}

/// Today at midnight, UTC.
fn today() -> LocalDateTime {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let day = (d.as_secs() as i64).div_euclid(SECONDS_PER_DAY);
    let date = date_from_epoch_day(day).unwrap_or(Date { year: 1970, month: 1, day: 1 });
    LocalDateTime { date, time: LocalTime::MIDNIGHT }
}

/// Builds a value of `kind` from parts.
pub fn finish(kind: &str, p: Parts) -> Result<Value> {
    let need_date = || p.date.ok_or_else(|| arg_err(format!("{kind}() needs a date")));
    let need_time = || p.time.ok_or_else(|| arg_err(format!("{kind}() needs a time")));
    let time_or_midnight = p.time.unwrap_or(LocalTime::MIDNIGHT);
    Ok(match kind {
        "date" => Value::Date(need_date()?),
        "localtime" => Value::LocalTime(need_time()?),
        "time" => {
            let offset = match (p.offset, p.zone) {
                (Some(o), _) => o,
                // A time in a named zone takes the zone's offset on its date, or today's.
                (None, Some(z)) => {
                    let day = p.date.map_or_else(today, |d| LocalDateTime { date: d, time: LocalTime::MIDNIGHT });
                    DateTime::in_zone(day, z)?.offset
                }
                (None, None) => 0,
            };
            Value::Time(Time { time: need_time()?, offset })
        }
        "localdatetime" => Value::LocalDateTime(LocalDateTime { date: need_date()?, time: time_or_midnight }),
        _ => {
            let local = LocalDateTime { date: need_date()?, time: time_or_midnight };
            match p.zone {
                Some(z) => Value::DateTime(DateTime::in_zone(local, z)?),
                None => Value::DateTime(DateTime { local, offset: p.offset.unwrap_or(0), zone: None }),
            }
        }
    })
}

/// Reads a kind and text back (`"time"` or the contract's tag `"@time"`, and `"10:35-08:00"`):
/// `None` for other kinds, `Some(Err)` for bad text.
pub fn from_tagged(tag: &str, text: &str) -> Option<std::result::Result<Value, String>> {
    let kind = tag.strip_prefix('@').unwrap_or(tag);
    if !matches!(kind, "date" | "localtime" | "time" | "localdatetime" | "datetime" | "duration") {
        return None;
    }
    Some(from_text(kind, text).map_err(|e| format!("bad {kind} `{text}`: {}", e.message)))
}
