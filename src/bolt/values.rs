//! silkgraph values to and from PackStream, as the Bolt version in use spells them: nodes,
//! relationships and paths (with element ids from 5.0), and every temporal type.

use indexmap::IndexMap;

use super::packstream::{encode, encode_int, encode_str, list_header, map_header, struct_header, Pack};
use crate::exec::Params;
use crate::store::{Graph, Props};
use crate::value::temporal::{
    self as t, DateTime, Duration, LocalDateTime, LocalTime, Time, NANOS_PER_DAY, NANOS_PER_SECOND,
};
use crate::value::{NodeId, RelId, Value};

/// How values are spelled on this connection.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    /// Bolt 5: nodes and relationships carry element ids.
    pub element_ids: bool,
    /// Date-times by UTC seconds (Bolt 5, or 4.4 with the `utc` patch), else by local seconds.
    pub utc: bool,
}

/// Tags of the structures.
pub mod tag {
    /// A node: id, labels, properties (and an element id from 5.0).
    pub const NODE: u8 = 0x4E;
    /// A relationship: id, start, end, type, properties (and element ids from 5.0).
    pub const REL: u8 = 0x52;
    /// A relationship inside a path: id, type, properties.
    pub const UNBOUND: u8 = 0x72;
    /// A path: nodes, unbound relationships, indices.
    pub const PATH: u8 = 0x50;
    /// A date: days since 1970-01-01.
    pub const DATE: u8 = 0x44;
    /// A time with an offset: nanoseconds of the day, offset seconds.
    pub const TIME: u8 = 0x54;
    /// A local time: nanoseconds of the day.
    pub const LOCAL_TIME: u8 = 0x74;
    /// A local date-time: seconds and nanoseconds.
    pub const LOCAL_DATE_TIME: u8 = 0x64;
    /// A date-time by UTC seconds (Bolt 5, or 4.4 with the `utc` patch).
    pub const DATE_TIME: u8 = 0x49;
    /// A date-time by local seconds (Bolt 4).
    pub const DATE_TIME_LEGACY: u8 = 0x46;
    /// A date-time in a named zone, by UTC seconds.
    pub const DATE_TIME_ZONE_ID: u8 = 0x69;
    /// A date-time in a named zone, by local seconds (Bolt 4).
    pub const DATE_TIME_ZONE_ID_LEGACY: u8 = 0x66;
    /// A duration: months, days, seconds, nanoseconds.
    pub const DURATION: u8 = 0x45;
    /// A 2D point.
    pub const POINT_2D: u8 = 0x58;
    /// A 3D point.
    pub const POINT_3D: u8 = 0x59;
}

/// Appends a value of a result row; nodes and relationships are read from `g`.
pub fn write(out: &mut Vec<u8>, v: &Value, g: &Graph, d: Dialect) {
    match v {
        Value::Null => out.push(0xC0),
        Value::Bool(b) => out.push(if *b { 0xC3 } else { 0xC2 }),
        Value::Int(i) => encode_int(out, *i),
        Value::Float(f) => encode(out, &Pack::Float(*f)),
        Value::String(s) => encode_str(out, s),
        Value::List(items) => {
            list_header(out, items.len());
            items.iter().for_each(|i| write(out, i, g, d));
        }
        Value::Map(m) => {
            map_header(out, m.len());
            for (k, v) in m.iter() {
                encode_str(out, k);
                write(out, v, g, d);
            }
        }
        Value::Node(id) => node(out, *id, g, d),
        Value::Rel(id) => rel(out, *id, g, d),
        Value::Path(p) => {
            struct_header(out, tag::PATH, 3);
            list_header(out, p.nodes.len());
            p.nodes.iter().for_each(|n| node(out, *n, g, d));
            // Distinct relationships, each once, and the walk as indices into both lists.
            let mut rels: Vec<RelId> = Vec::new();
            let mut indices = Vec::with_capacity(p.rels.len() * 2);
            for (i, r) in p.rels.iter().enumerate() {
                let at = rels.iter().position(|x| x == r).unwrap_or_else(|| {
                    rels.push(*r);
                    rels.len() - 1
                }) as i64;
                // +i where the walk follows the relationship's direction, -i against it.
                let forward = g.rel_ends(*r).is_none_or(|(s, _)| s == p.nodes[i]);
                indices.push(if forward { at + 1 } else { -(at + 1) });
                let next = p.nodes[i + 1];
                let ni = p.nodes.iter().position(|n| *n == next).unwrap_or(i + 1);
                indices.push(ni as i64);
            }
            list_header(out, rels.len());
            for r in rels {
                struct_header(out, tag::UNBOUND, if d.element_ids { 4 } else { 3 });
                encode_int(out, r.0 as i64);
                encode_str(out, g.rel_type(r).map_or("", |t| g.types().name(t)));
                props(out, g.rel_props(r), g, d);
                if d.element_ids {
                    encode_str(out, &format!("r{r}"));
                }
            }
            list_header(out, indices.len());
            indices.into_iter().for_each(|i| encode_int(out, i));
        }
        Value::Date(date) => {
            struct_header(out, tag::DATE, 1);
            encode_int(out, t::epoch_day(*date));
        }
        Value::LocalTime(lt) => {
            struct_header(out, tag::LOCAL_TIME, 1);
            encode_int(out, lt.nanos);
        }
        Value::Time(tm) => {
            struct_header(out, tag::TIME, 2);
            encode_int(out, tm.time.nanos);
            encode_int(out, i64::from(tm.offset));
        }
        Value::LocalDateTime(ldt) => {
            let (s, n) = split(ldt.local_nanos());
            struct_header(out, tag::LOCAL_DATE_TIME, 2);
            encode_int(out, s);
            encode_int(out, n);
        }
        Value::DateTime(dt) => {
            let (s, n) = split(if d.utc { dt.epoch_nanos() } else { dt.local.local_nanos() });
            match dt.zone {
                Some(z) => {
                    let t = if d.utc { tag::DATE_TIME_ZONE_ID } else { tag::DATE_TIME_ZONE_ID_LEGACY };
                    struct_header(out, t, 3);
                    encode_int(out, s);
                    encode_int(out, n);
                    encode_str(out, z.name());
                }
                None => {
                    struct_header(out, if d.utc { tag::DATE_TIME } else { tag::DATE_TIME_LEGACY }, 3);
                    encode_int(out, s);
                    encode_int(out, n);
                    encode_int(out, i64::from(dt.offset));
                }
            }
        }
        Value::Duration(du) => {
            struct_header(out, tag::DURATION, 4);
            encode_int(out, du.months);
            encode_int(out, du.days);
            encode_int(out, du.seconds);
            encode_int(out, i64::from(du.nanos));
        }
    }
}

/// Whole seconds and the nanoseconds past them (floor division, as Bolt counts).
fn split(nanos: i128) -> (i64, i64) {
    let s = nanos.div_euclid(i128::from(NANOS_PER_SECOND));
    (s.clamp(i64::MIN as i128, i64::MAX as i128) as i64, nanos.rem_euclid(i128::from(NANOS_PER_SECOND)) as i64)
}

fn props(out: &mut Vec<u8>, ps: Props, g: &Graph, d: Dialect) {
    map_header(out, ps.len());
    for (k, v) in &ps {
        encode_str(out, g.keys().name(*k));
        write(out, v, g, d);
    }
}

fn node(out: &mut Vec<u8>, id: NodeId, g: &Graph, d: Dialect) {
    struct_header(out, tag::NODE, if d.element_ids { 4 } else { 3 });
    encode_int(out, id.0 as i64);
    let labels = g.node_labels(id);
    list_header(out, labels.len());
    labels.iter().for_each(|l| encode_str(out, g.labels().name(*l)));
    props(out, g.node_props(id), g, d);
    if d.element_ids {
        encode_str(out, &format!("n{id}"));
    }
}

fn rel(out: &mut Vec<u8>, id: RelId, g: &Graph, d: Dialect) {
    let (s, e) = g.rel_ends(id).unwrap_or((NodeId(0), NodeId(0)));
    struct_header(out, tag::REL, if d.element_ids { 8 } else { 5 });
    encode_int(out, id.0 as i64);
    encode_int(out, s.0 as i64);
    encode_int(out, e.0 as i64);
    encode_str(out, g.rel_type(id).map_or("", |t| g.types().name(t)));
    props(out, g.rel_props(id), g, d);
    if d.element_ids {
        encode_str(out, &format!("r{id}"));
        encode_str(out, &format!("n{s}"));
        encode_str(out, &format!("n{e}"));
    }
}

/// A query's parameters from the map a `RUN` carries.
pub fn params(p: &Pack) -> Result<Params, String> {
    match p {
        Pack::Map(m) => {
            m.iter().map(|(k, v)| Ok((k.clone(), value(v).map_err(|e| format!("parameter ${k}: {e}"))?))).collect()
        }
        Pack::Null => Ok(Params::new()),
        _ => Err("the parameters are not a map".into()),
    }
}

fn int(fields: &[Pack], i: usize) -> Result<i64, String> {
    fields.get(i).and_then(Pack::as_int).ok_or_else(|| format!("field {} is not an integer", i + 1))
}

/// A parameter value (its structure tag says how a date-time is counted, whatever the version).
pub fn value(p: &Pack) -> Result<Value, String> {
    Ok(match p {
        Pack::Null => Value::Null,
        Pack::Bool(b) => Value::Bool(*b),
        Pack::Int(i) => Value::Int(*i),
        Pack::Float(f) => Value::Float(*f),
        Pack::String(s) => Value::str(s),
        Pack::Bytes(_) => return Err("byte arrays are not a silkgraph value".into()),
        Pack::List(items) => Value::List(items.iter().map(value).collect::<Result<_, _>>()?),
        Pack::Map(m) => Value::Map(Box::new(
            m.iter().map(|(k, v)| Ok((k.clone(), value(v)?))).collect::<Result<IndexMap<_, _>, String>>()?,
        )),
        Pack::Struct(tag, f) => temporal(*tag, f)?,
    })
}

fn temporal(tag: u8, f: &[Pack]) -> Result<Value, String> {
    let bad = |what: &str| format!("a {what} value that is out of range");
    let arity = |n: usize, what: &str| {
        if f.len() == n {
            Ok(())
        } else {
            Err(format!("a {what} structure has {} fields, not {n}", f.len()))
        }
    };
    Ok(match tag {
        tag::DATE => {
            arity(1, "Date")?;
            Value::Date(t::date_from_epoch_day(int(f, 0)?).map_err(|_| bad("Date"))?)
        }
        tag::LOCAL_TIME => {
            arity(1, "LocalTime")?;
            let n = int(f, 0)?;
            if !(0..NANOS_PER_DAY).contains(&n) {
                return Err(bad("LocalTime"));
            }
            Value::LocalTime(LocalTime { nanos: n })
        }
        tag::TIME => {
            arity(2, "Time")?;
            let (n, o) = (int(f, 0)?, int(f, 1)?);
            if !(0..NANOS_PER_DAY).contains(&n) || o.abs() > i64::from(t::MAX_OFFSET) {
                return Err(bad("Time"));
            }
            Value::Time(Time { time: LocalTime { nanos: n }, offset: o as i32 })
        }
        tag::LOCAL_DATE_TIME => {
            arity(2, "LocalDateTime")?;
            let n = i128::from(int(f, 0)?) * i128::from(NANOS_PER_SECOND) + i128::from(int(f, 1)?);
            Value::LocalDateTime(LocalDateTime::from_local_nanos(n).map_err(|_| bad("LocalDateTime"))?)
        }
        tag::DATE_TIME | tag::DATE_TIME_LEGACY => {
            arity(3, "DateTime")?;
            let o = int(f, 2)?;
            if o.abs() > i64::from(t::MAX_OFFSET) {
                return Err(bad("DateTime"));
            }
            let n = i128::from(int(f, 0)?) * i128::from(NANOS_PER_SECOND) + i128::from(int(f, 1)?);
            let utc = if tag == tag::DATE_TIME { n } else { n - i128::from(o) * i128::from(NANOS_PER_SECOND) };
            Value::DateTime(DateTime::from_epoch_nanos(utc, o as i32).map_err(|_| bad("DateTime"))?)
        }
        tag::DATE_TIME_ZONE_ID | tag::DATE_TIME_ZONE_ID_LEGACY => {
            arity(3, "DateTimeZoneId")?;
            let name = f.get(2).and_then(Pack::as_str).ok_or_else(|| bad("DateTimeZoneId"))?;
            let zone =
                t::zone_named(name).ok_or_else(|| format!("'{name}' is not a time zone of the IANA database"))?;
            let n = i128::from(int(f, 0)?) * i128::from(NANOS_PER_SECOND) + i128::from(int(f, 1)?);
            let dt = match tag == tag::DATE_TIME_ZONE_ID {
                true => DateTime::at_instant_in(n, zone),
                false => LocalDateTime::from_local_nanos(n).and_then(|l| DateTime::in_zone(l, zone)),
            };
            Value::DateTime(dt.map_err(|_| bad("DateTimeZoneId"))?)
        }
        tag::DURATION => {
            arity(4, "Duration")?;
            let du = Duration::new(
                i128::from(int(f, 0)?),
                i128::from(int(f, 1)?),
                i128::from(int(f, 2)?),
                i128::from(int(f, 3)?),
            )
            .map_err(|_| bad("Duration"))?;
            Value::Duration(Box::new(du))
        }
        tag::POINT_2D | tag::POINT_3D => return Err("spatial points are not a silkgraph value".into()),
        tag::NODE | tag::REL | tag::UNBOUND | tag::PATH => {
            return Err("nodes, relationships and paths cannot be parameters; pass their ids".into())
        }
        other => return Err(format!("no value has the structure tag 0x{other:02X}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    fn round(text: &str) {
        round_in(text, Dialect { element_ids: true, utc: true });
        round_in(text, Dialect { element_ids: false, utc: false });
    }

    fn round_in(text: &str, d: Dialect) {
        let mut s = Session::default();
        let out = s.run_statement(&format!("RETURN {text} AS v"), &Params::new()).unwrap();
        let v = &out.result.rows[0][0];
        let mut bytes = Vec::new();
        write(&mut bytes, v, &s.graph, d);
        let back = value(&super::super::packstream::decode(&bytes).unwrap()).unwrap();
        // (Debug text: a list holding null is not equal to itself in Cypher.)
        assert_eq!(format!("{back:?}"), format!("{v:?}"), "{text}");
    }

    #[test]
    fn temporal_values_round_trip() {
        for text in [
            "date('2025-12-22')",
            "date('-0044-03-15')",
            "localtime('23:59:59.999999999')",
            "time('10:15:30+05:45')",
            "localdatetime('1969-12-31T23:59:59.5')",
            "datetime('2025-12-22T10:00:00+06:00')",
            "datetime('1900-01-01T00:00:00-03:30')",
            "datetime('2025-03-30T03:30[Europe/Stockholm]')",
            "datetime('2025-10-26T02:30+01:00[Europe/Stockholm]')",
            "duration('P1Y2M3DT4H5M6.007S')",
            "duration('-PT1.5S')",
            "[1, 'two', 3.0, null, true, {a: [date('2020-01-01')]}]",
        ] {
            round(text);
        }
    }
}
