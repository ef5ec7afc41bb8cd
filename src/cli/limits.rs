//! The limits on one statement, as the command line (`--max-rows`, `--max-hops`,
//! `--max-memory`, `--timeout`) and the REPL (`:limits`) set them. The engine keeps them in
//! [`crate::exec::Limits`] and raises `ResourceLimit` when a statement passes one.

use std::time::Duration;

use crate::exec::{format_bytes, parse_bytes, Limits};
use crate::session::Session;

/// The time limit a statement gets when none is given (`--timeout 0` or `:timeout off` lifts it).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// A positive, finite number of seconds as a time limit; one too long for a `Duration`
/// (such as `1e20`) is as good as none and is held as the longest one.
pub fn seconds(t: f64) -> Option<Duration> {
    (t.is_finite() && t > 0.0).then(|| Duration::try_from_secs_f64(t).unwrap_or(Duration::MAX))
}

/// Sets the limits given on the command line; the others keep their defaults.
pub fn apply(
    session: &mut Session,
    timeout: Option<f64>,
    rows: Option<u64>,
    hops: Option<u64>,
    memory: Option<&str>,
) -> Result<(), String> {
    session.timeout = match timeout {
        None => Some(DEFAULT_TIMEOUT),
        Some(0.0) => None,
        Some(t) if seconds(t).is_some() => seconds(t),
        Some(t) => return Err(format!("--timeout takes a number of seconds (0 for none), not {t}")),
    };
    let l = &mut session.control.limits;
    if let Some(r) = rows {
        l.max_rows = positive(r, "--max-rows")?;
    }
    if let Some(h) = hops {
        l.max_hops = positive(h, "--max-hops")?;
    }
    if let Some(m) = memory {
        l.max_memory = parse_bytes(m).ok_or_else(|| format!("--max-memory takes a size such as 4GiB, not `{m}`"))?;
    }
    Ok(())
}

fn positive(n: u64, what: &str) -> Result<u64, String> {
    if n == 0 {
        Err(format!("{what} must be at least 1"))
    } else {
        Ok(n)
    }
}

/// Where a limit that stopped a statement is set: a hint for its error (the engine's messages
/// name no flag).
pub fn add_hint(e: &mut crate::error::Error) {
    use crate::error::Detail;
    let hint = match e.detail {
        Detail::MemoryLimit => "the limit is --max-memory, or :limits memory in the REPL",
        Detail::RowLimit => "the limit is --max-rows, or :limits rows in the REPL",
        Detail::PathLengthLimit => "the limit is --max-hops, or :limits hops in the REPL",
        Detail::Timeout => "the limit is --timeout SECONDS (0 for none), or :limits timeout in the REPL",
        _ => return,
    };
    if e.hint.is_none() {
        e.hint = Some(hint.to_string());
    }
}

/// The usage line `:limits` prints when its arguments are wrong.
pub const USAGE: &str = "usage: :limits [rows N | hops N | memory SIZE | timeout SECONDS|off]";

/// Runs `:limits` (no arguments: shows them) or `:limits NAME VALUE`; returns what to print.
pub fn command(session: &mut Session, rest: &str) -> Result<String, String> {
    let mut words = rest.split_whitespace();
    let (Some(name), value) = (words.next(), words.next()) else { return Ok(show(session)) };
    let value = value.ok_or(USAGE)?;
    if words.next().is_some() {
        return Err(USAGE.into());
    }
    let count = || value.replace('_', "").parse::<u64>().ok().filter(|n| *n > 0);
    let l = &mut session.control.limits;
    match name.to_ascii_lowercase().as_str() {
        "rows" => l.max_rows = count().ok_or("rows takes a whole number of at least 1")?,
        "hops" => l.max_hops = count().ok_or("hops takes a whole number of at least 1")?,
        "memory" => l.max_memory = parse_bytes(value).ok_or("memory takes a size such as 4GiB or 512MiB")?,
        "timeout" | "time" => {
            session.timeout = match value.to_ascii_lowercase().trim_end_matches('s') {
                "off" | "none" | "0" => None,
                v => match v.parse::<f64>() {
                    Ok(s) if seconds(s).is_some() => seconds(s),
                    _ => return Err("timeout takes a number of seconds, or off".into()),
                },
            }
        }
        _ => return Err(USAGE.into()),
    }
    Ok(show(session))
}

/// The limits in force, one per line.
pub fn show(session: &Session) -> String {
    let l = &session.control.limits;
    let d = Limits::DEFAULT;
    let note = |now: String, default: String| if now == default { now } else { format!("{now}  (default {default})") };
    let time = |t: Option<Duration>| t.map_or("none".to_string(), |t| format!("{} s", t.as_secs_f64()));
    format!(
        "rows     {}   rows one statement may return (--max-rows)\n\
         hops     {}   bound of a variable-length pattern without one, like -[*]-; a longer path is an error (--max-hops)\n\
         memory   {}   rows one statement may hold at once, estimated (--max-memory)\n\
         timeout  {}   time one statement may run (--timeout; Ctrl-C cancels at any time)",
        note(l.max_rows.to_string(), d.max_rows.to_string()),
        note(l.max_hops.to_string(), d.max_hops.to_string()),
        note(format_bytes(l.max_memory), format_bytes(d.max_memory)),
        note(time(session.timeout), time(Some(DEFAULT_TIMEOUT))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_set_and_shown() {
        let mut s = Session::default();
        apply(&mut s, None, Some(10), None, Some("1GiB")).unwrap();
        assert_eq!(s.timeout, Some(DEFAULT_TIMEOUT));
        assert_eq!(s.control.limits.max_rows, 10);
        assert_eq!(s.control.limits.max_memory, 1 << 30);
        apply(&mut s, Some(0.0), None, None, None).unwrap();
        assert_eq!(s.timeout, None);
        assert!(apply(&mut s, Some(-1.0), None, None, None).is_err());
        assert!(apply(&mut s, None, Some(0), None, None).is_err());
        assert!(apply(&mut s, None, None, None, Some("lots")).is_err());
        let text = command(&mut s, "hops 7").unwrap();
        assert!(text.contains("hops     7  (default 100)"), "{text}");
        command(&mut s, "timeout 2.5").unwrap();
        assert_eq!(s.timeout, Some(Duration::from_secs_f64(2.5)));
        assert!(command(&mut s, "rows").is_err());
        assert!(command(&mut s, "speed 3").is_err());
        assert!(show(&s).contains("memory   1 GiB  (default 2 GiB)"));
        // Past what a Duration holds: the longest limit, not a panic.
        command(&mut s, "timeout 1e20").unwrap();
        assert_eq!(s.timeout, Some(Duration::MAX));
        assert_eq!(seconds(1e30), Some(Duration::MAX));
        assert_eq!(seconds(f64::INFINITY), None);
        assert_eq!(seconds(-2.0), None);
    }
}
