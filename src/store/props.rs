//! Property storage: every entity's properties encoded one after another in one byte arena,
//! so that a graph of millions of small property lists is a few bytes per property rather
//! than a heap allocation per entity and 32 bytes per value. An entity holds the offset of its
//! list ([`NONE`] for none). Changing a list appends a new encoding and leaves the old one as
//! garbage, which [`Arena::compact`] reclaims.
//!
//! A list is `count` then `(key, value)` pairs; numbers are LEB128 varints (integers zigzag).
//! Values: `0` null, `1` false, `2` true, `3` integer, `4` float (8 bytes), `5` string (length,
//! UTF-8), `6` list (count, values), `7` date (year, month, day), `8` other temporal values by
//! kind and ISO text, `9` map (count, then key text and value). Strings and lists carry their
//! length, so looking up one key skips the others without decoding them.

use std::sync::Arc;

use super::{KeyId, Props};
use crate::value::{Date, Value};

/// The offset of "no properties".
pub const NONE: u32 = 0;

/// The encoded property lists.
#[derive(Debug, Clone)]
pub struct Arena {
    bytes: Vec<u8>,
    /// Bytes of lists no entity refers to any more.
    garbage: usize,
    /// Why a list could not be stored since this was last taken (see [`Arena::store`]).
    full: Option<String>,
    /// Offsets must stay below this: `u32::MAX`, lower in tests.
    limit: u32,
}

impl Default for Arena {
    fn default() -> Arena {
        // Offset 0 is `NONE`, never a list.
        Arena { bytes: vec![0], garbage: 0, full: None, limit: u32::MAX }
    }
}

impl Arena {
    /// Stores a list; returns its offset (`NONE` when empty). Fails only when the arena
    /// would pass 4 GiB, far beyond the memory a graph may use.
    pub fn push(&mut self, props: &[(KeyId, Value)]) -> Result<u32, String> {
        if props.is_empty() {
            return Ok(NONE);
        }
        let off = self.next_offset()?;
        put_uvar(&mut self.bytes, props.len() as u64);
        for (k, v) in props {
            put_uvar(&mut self.bytes, u64::from(*k));
            put_value(&mut self.bytes, v);
        }
        Ok(off)
    }

    /// Where the next list goes, if the arena has room for one.
    fn next_offset(&self) -> Result<u32, String> {
        u32::try_from(self.bytes.len())
            .ok()
            .filter(|&off| off < self.limit)
            .ok_or_else(|| format!("the property store is full ({} bytes)", self.limit))
    }

    /// Lowers the size past which lists are refused (tests).
    #[cfg(test)]
    pub(crate) fn set_limit(&mut self, limit: u32) {
        self.limit = limit;
    }

    /// Stores an already encoded list (checked with [`validate`]).
    pub fn push_encoded(&mut self, blob: &[u8]) -> Result<u32, String> {
        if blob.first().is_none_or(|&b| b == 0) {
            return Ok(NONE);
        }
        let off = self.next_offset()?;
        self.bytes.extend_from_slice(blob);
        Ok(off)
    }

    /// The encoded bytes of the list at `off` (empty for `NONE`).
    pub fn encoded(&self, off: u32) -> &[u8] {
        if off == NONE {
            return &[];
        }
        let start = off as usize;
        let end = skip_list(&self.bytes, start).unwrap_or(start);
        self.bytes.get(start..end).unwrap_or(&[])
    }

    /// Marks the list at `off` as no longer used.
    pub fn free(&mut self, off: u32) {
        self.garbage += self.encoded(off).len();
    }

    /// The entries of the list at `off`: each key with the position of its value, found by
    /// skipping the values before it without decoding them.
    pub(super) fn entries(&self, off: u32) -> impl Iterator<Item = (KeyId, usize)> + '_ {
        let b = &self.bytes;
        let mut pos = off as usize;
        let n = if off == NONE { 0 } else { uvar(b, &mut pos).unwrap_or(0) };
        let mut left = n;
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            let k = uvar(b, &mut pos)?;
            let at = pos;
            pos = skip_value(b, pos)?;
            Some((KeyId(k as u32), at))
        })
    }

    /// One property of the list at `off`.
    pub fn get(&self, off: u32, key: KeyId) -> Option<Value> {
        let (_, at) = self.entries(off).find(|(k, _)| *k == key)?;
        value(&self.bytes, &mut { at })
    }

    /// Whether `key` in the list at `off` equals `v` (Cypher's `=` is true): strings and
    /// integers are compared where they lie, without decoding them.
    pub fn equals(&self, off: u32, key: KeyId, v: &Value) -> bool {
        let Some((_, at)) = self.entries(off).find(|(k, _)| *k == key) else { return false };
        let b = &self.bytes;
        let mut pos = at + 1;
        match (b.get(at), v) {
            (Some(5), Value::String(s)) => {
                let n = uvar(b, &mut pos).and_then(|n| usize::try_from(n).ok());
                n.and_then(|n| b.get(pos..pos.checked_add(n)?)).is_some_and(|bytes| bytes == s.as_bytes())
            }
            (Some(3), Value::Int(i)) => ivar(b, &mut pos) == Some(*i),
            _ => value(b, &mut { at }).is_some_and(|x| x.cypher_eq(v) == Some(true)),
        }
    }

    /// `key` of each list at `offs` into `out` at the matching position of `at` (`None` stays
    /// `None`, an absent key is `Null`), the last step of the store's batched property reads.
    pub fn values_at(&self, offs: Vec<Option<u32>>, key: KeyId, at: &[usize], out: &mut [Option<Value>]) {
        for (o, &i) in offs.into_iter().zip(at) {
            out[i] = o.map(|o| self.get(o, key).unwrap_or(Value::Null));
        }
    }

    /// The keys of the list at `off`, in order.
    pub fn keys(&self, off: u32) -> Vec<KeyId> {
        self.entries(off).map(|(k, _)| k).collect()
    }

    /// The whole list at `off`.
    pub fn all(&self, off: u32) -> Props {
        self.entries(off).map_while(|(k, at)| Some((k, value(&self.bytes, &mut { at })?))).collect()
    }

    /// Sets (or with `Null`, removes) `key` in the list at `off`: the list is stored anew and
    /// the old one becomes garbage. Returns the new list's offset (the old one if the new does
    /// not fit) and the key's old value.
    pub fn put(&mut self, off: u32, key: KeyId, value: Value) -> (u32, Option<Value>) {
        let mut list = self.all(off);
        let old = super::put_prop(&mut list, key, value);
        match self.push(&list) {
            Ok(new) => {
                self.free(off);
                (new, old)
            }
            // No room: the list stays as it was (see `store`).
            Err(e) => {
                self.full.get_or_insert(e);
                (off, old)
            }
        }
    }

    /// [`Arena::push`], for the store's writes, which cannot fail half-way: a list that does
    /// not fit (past 4 GiB of properties, far beyond the memory a graph may take) is not
    /// stored and the reason is kept for [`Arena::take_full`], which the statement (or the
    /// import) turns into its error, undoing what it did.
    pub fn store(&mut self, props: &[(KeyId, Value)]) -> u32 {
        self.push(props).unwrap_or_else(|e| {
            self.full.get_or_insert(e);
            NONE
        })
    }

    /// Why a list could not be stored since the last call, if one could not.
    pub fn take_full(&mut self) -> Option<String> {
        self.full.take()
    }

    /// Whether enough of the arena is garbage to be worth a [`Arena::compact`].
    pub fn wants_compaction(&self) -> bool {
        self.garbage > (1 << 20) && self.garbage * 2 > self.bytes.len()
    }

    /// Rewrites the arena with only the lists at `offsets`, updating each in place.
    pub fn compact<'a>(&mut self, offsets: impl Iterator<Item = &'a mut u32>) {
        let mut fresh = Arena {
            bytes: Vec::with_capacity(self.bytes.len() - self.garbage),
            garbage: 0,
            full: self.full.take(),
            limit: self.limit,
        };
        fresh.bytes.push(0);
        for off in offsets {
            let blob = self.encoded(*off);
            *off = fresh.push_encoded(blob).unwrap_or(NONE);
        }
        *self = fresh;
    }

    /// Makes room for `bytes` more bytes of lists (a snapshot's, whose size is known).
    pub fn reserve(&mut self, bytes: usize) {
        self.bytes.reserve(bytes);
    }

    /// The bytes from `from` to `to` (lists stored one after another with `push_encoded`).
    pub fn span(&self, from: u32, to: u32) -> &[u8] {
        self.bytes.get(from as usize..to as usize).unwrap_or_default()
    }

    /// Bytes held.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.bytes.len()
    }
}

/// Encodes a list on its own (what [`Arena::push_encoded`] takes back).
#[cfg(test)]
fn encode(props: &[(KeyId, Value)]) -> Vec<u8> {
    let mut a = Arena::default();
    let _ = a.push(props);
    a.bytes.split_off(1)
}

/// Checks that `blob` is exactly one well-formed list whose keys are below `keys` and whose
/// texts are UTF-8 and values valid; says what is wrong otherwise. Used on bytes read from a
/// file before they reach the arena.
pub fn validate(blob: &[u8], keys: usize) -> Result<(), String> {
    if blob.is_empty() {
        return Ok(());
    }
    let bad = || "a property list is malformed".to_string();
    let mut pos = 0;
    let n = uvar(blob, &mut pos).ok_or_else(bad)?;
    // A key listed twice would make `n.k` (the first) and `properties(n)` (both) disagree. Most
    // lists are short: their keys are kept on the stack (a snapshot holds millions of lists).
    let mut small = [0u64; 16];
    let mut many: Vec<u64> = Vec::new();
    for i in 0..n {
        let k = uvar(blob, &mut pos).ok_or_else(bad)?;
        if k >= keys as u64 {
            return Err("a property key is out of range".into());
        }
        check_value(blob, &mut pos, 0).ok_or_else(bad)?;
        match usize::try_from(i).ok().filter(|i| *i < small.len()) {
            Some(i) if small[..i].contains(&k) => return Err("a property list names a key twice".into()),
            Some(i) => small[i] = k,
            None => many.push(k),
        }
    }
    if pos != blob.len() {
        return Err(bad());
    }
    if !many.is_empty() {
        many.extend_from_slice(&small);
        many.sort_unstable();
        if many.windows(2).any(|w| w[0] == w[1]) {
            return Err("a property list names a key twice".into());
        }
    }
    Ok(())
}

// ---- encoding ---------------------------------------------------------------------------

pub(super) fn put_uvar(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

fn put_ivar(out: &mut Vec<u8>, x: i64) {
    put_uvar(out, ((x << 1) ^ (x >> 63)) as u64);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_uvar(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn put_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(0),
        Value::Bool(false) => out.push(1),
        Value::Bool(true) => out.push(2),
        Value::Int(i) => {
            out.push(3);
            put_ivar(out, *i);
        }
        Value::Float(f) => {
            out.push(4);
            out.extend_from_slice(&f.to_le_bytes());
        }
        Value::String(s) => {
            out.push(5);
            put_str(out, s);
        }
        Value::List(xs) => {
            out.push(6);
            put_uvar(out, xs.len() as u64);
            for x in xs {
                put_value(out, x);
            }
        }
        Value::Date(d) => {
            out.push(7);
            put_ivar(out, i64::from(d.year));
            out.push(d.month);
            out.push(d.day);
        }
        Value::Map(m) => {
            out.push(9);
            put_uvar(out, m.len() as u64);
            for (k, x) in m.iter() {
                put_str(out, k);
                put_value(out, x);
            }
        }
        other => match crate::value::temporal::kind_and_text(other) {
            Some((kind, text)) => {
                out.push(8);
                put_str(out, kind);
                put_str(out, &text);
            }
            // Nodes, relationships and paths are never property values.
            None => out.push(0),
        },
    }
}

// ---- decoding (total: malformed bytes give `None`, never a panic) ------------------------

pub(super) fn uvar(b: &[u8], pos: &mut usize) -> Option<u64> {
    // One byte: a type, a small id, a length.
    if let Some(&byte) = b.get(*pos).filter(|&&byte| byte < 0x80) {
        *pos += 1;
        return Some(u64::from(byte));
    }
    let mut x = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*pos)?;
        *pos += 1;
        x |= u64::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(x);
        }
    }
    None
}

fn ivar(b: &[u8], pos: &mut usize) -> Option<i64> {
    let u = uvar(b, pos)?;
    Some(((u >> 1) as i64) ^ -((u & 1) as i64))
}

fn text<'a>(b: &'a [u8], pos: &mut usize) -> Option<&'a str> {
    let n = usize::try_from(uvar(b, pos)?).ok()?;
    let end = pos.checked_add(n)?;
    let s = std::str::from_utf8(b.get(*pos..end)?).ok()?;
    *pos = end;
    Some(s)
}

/// Values nest (lists in lists) at most this deep.
const MAX_DEPTH: usize = 64;

fn value(b: &[u8], pos: &mut usize) -> Option<Value> {
    value_at(b, pos, 0)
}

fn value_at(b: &[u8], pos: &mut usize, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let tag = *b.get(*pos)?;
    *pos += 1;
    Some(match tag {
        0 => Value::Null,
        1 => Value::Bool(false),
        2 => Value::Bool(true),
        3 => Value::Int(ivar(b, pos)?),
        4 => {
            let bytes: [u8; 8] = b.get(*pos..*pos + 8)?.try_into().ok()?;
            *pos += 8;
            Value::Float(f64::from_le_bytes(bytes))
        }
        5 => Value::String(Arc::from(text(b, pos)?)),
        6 => {
            let n = uvar(b, pos)?;
            // Each element takes at least a byte: a count past the bytes left is malformed.
            if n > (b.len() - *pos) as u64 {
                return None;
            }
            let mut xs = Vec::with_capacity(n as usize);
            for _ in 0..n {
                xs.push(value_at(b, pos, depth + 1)?);
            }
            Value::list(xs)
        }
        7 => {
            let year = i32::try_from(ivar(b, pos)?).ok()?;
            let (month, day) = (*b.get(*pos)?, *b.get(*pos + 1)?);
            *pos += 2;
            Value::Date(Date::new(year, month, day)?)
        }
        8 => {
            let kind = text(b, pos)?;
            let t = text(b, pos)?;
            crate::value::temporal::from_tagged(kind, t)?.ok()?
        }
        9 => {
            let n = uvar(b, pos)?;
            if n > (b.len() - *pos) as u64 {
                return None;
            }
            let mut m = indexmap::IndexMap::new();
            for _ in 0..n {
                let k = text(b, pos)?.to_string();
                m.insert(k, value_at(b, pos, depth + 1)?);
            }
            Value::map(m)
        }
        _ => return None,
    })
}

/// Checks the value at `pos` as [`value_at`] would decode it, and moves past it, without
/// making it: a snapshot's millions of lists are checked when it opens, and allocating each
/// string only to drop it took most of that time.
fn check_value(b: &[u8], pos: &mut usize, depth: usize) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    let tag = *b.get(*pos)?;
    *pos += 1;
    match tag {
        0..=2 => {}
        3 => {
            ivar(b, pos)?;
        }
        4 => {
            b.get(*pos..pos.checked_add(8)?)?;
            *pos += 8;
        }
        5 => {
            // Most texts are ASCII, which is told faster than UTF-8 in general.
            let n = usize::try_from(uvar(b, pos)?).ok()?;
            let s = b.get(*pos..pos.checked_add(n)?)?;
            if !s.is_ascii() {
                std::str::from_utf8(s).ok()?;
            }
            *pos += n;
        }
        6 => {
            let n = uvar(b, pos)?;
            if n > (b.len() - *pos) as u64 {
                return None;
            }
            for _ in 0..n {
                check_value(b, pos, depth + 1)?;
            }
        }
        7 => {
            let year = i32::try_from(ivar(b, pos)?).ok()?;
            let (month, day) = (*b.get(*pos)?, *b.get(*pos + 1)?);
            *pos += 2;
            Date::new(year, month, day)?;
        }
        8 => {
            let kind = text(b, pos)?;
            let t = text(b, pos)?;
            crate::value::temporal::from_tagged(kind, t)?.ok()?;
        }
        9 => {
            let n = uvar(b, pos)?;
            if n > (b.len() - *pos) as u64 {
                return None;
            }
            for _ in 0..n {
                text(b, pos)?;
                check_value(b, pos, depth + 1)?;
            }
        }
        _ => return None,
    }
    Some(())
}

/// The position after the value at `pos`, without decoding it (trusted bytes).
fn skip_value(b: &[u8], mut pos: usize) -> Option<usize> {
    let tag = *b.get(pos)?;
    pos += 1;
    match tag {
        0..=2 => Some(pos),
        3 => uvar(b, &mut pos).map(|_| pos),
        4 => Some(pos + 8),
        5 => {
            let n = uvar(b, &mut pos)? as usize;
            Some(pos + n)
        }
        6 => {
            let n = uvar(b, &mut pos)?;
            for _ in 0..n {
                pos = skip_value(b, pos)?;
            }
            Some(pos)
        }
        7 => {
            uvar(b, &mut pos)?;
            Some(pos + 2)
        }
        8 => {
            for _ in 0..2 {
                let n = uvar(b, &mut pos)? as usize;
                pos += n;
            }
            Some(pos)
        }
        9 => {
            let n = uvar(b, &mut pos)?;
            for _ in 0..n {
                let k = uvar(b, &mut pos)? as usize;
                pos = skip_value(b, pos + k)?;
            }
            Some(pos)
        }
        _ => None,
    }
}

/// The position after the list at `pos`.
pub(super) fn skip_list(b: &[u8], mut pos: usize) -> Option<usize> {
    let n = uvar(b, &mut pos)?;
    for _ in 0..n {
        uvar(b, &mut pos)?;
        pos = skip_value(b, pos)?;
    }
    Some(pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_naming_a_key_twice_is_refused() {
        let once = encode(&[(KeyId(0), Value::Int(1)), (KeyId(1), Value::Int(2))]);
        assert!(validate(&once, 2).is_ok());
        let twice = encode(&[(KeyId(1), Value::Int(1)), (KeyId(0), Value::Int(2)), (KeyId(1), Value::Int(3))]);
        assert_eq!(validate(&twice, 2), Err("a property list names a key twice".into()));
        // Past the first sixteen keys too.
        let long: Vec<(KeyId, Value)> = (0..20).map(|k| (KeyId(k), Value::Int(1))).collect();
        assert!(validate(&encode(&long), 20).is_ok());
        let mut again = long.clone();
        again.push((KeyId(3), Value::Int(2)));
        assert!(validate(&encode(&again), 20).is_err());
    }

    fn sample() -> Props {
        let mut m = indexmap::IndexMap::new();
        m.insert("k".to_string(), Value::Int(-1));
        vec![
            (KeyId(0), Value::Int(i64::MIN)),
            (KeyId(1), Value::Int(i64::MAX)),
            (KeyId(2), Value::Float(-0.0)),
            (KeyId(3), Value::str("Ош, Кыргызстан")),
            (KeyId(4), Value::list(vec![Value::Int(1), Value::list(vec![Value::str("x")]), Value::Bool(true)])),
            (KeyId(5), Value::Date(Date::new(2025, 8, 20).unwrap())),
            (KeyId(6), crate::value::temporal::from_tagged("duration", "P1Y2M3DT4H").unwrap().unwrap()),
            (KeyId(7), Value::map(m)),
            (KeyId(8), Value::Float(f64::NAN)),
        ]
    }

    #[test]
    fn lists_round_trip_and_keys_are_found_without_decoding_the_rest() {
        let mut a = Arena::default();
        let p = sample();
        let off = a.push(&p).unwrap();
        let back = a.all(off);
        assert_eq!(back.len(), p.len());
        for ((k1, v1), (k2, v2)) in p.iter().zip(&back) {
            assert_eq!(k1, k2);
            assert!(v1.order(v2) == std::cmp::Ordering::Equal, "{v1:?} vs {v2:?}");
        }
        assert_eq!(a.get(off, KeyId(3)), Some(Value::str("Ош, Кыргызстан")));
        assert_eq!(a.get(off, KeyId(5)), Some(Value::Date(Date::new(2025, 8, 20).unwrap())));
        assert_eq!(a.get(off, KeyId(99)), None);
        assert_eq!(a.keys(off), (0..9).map(KeyId).collect::<Vec<_>>());
        assert_eq!(a.push(&[]).unwrap(), NONE);
        assert!(a.all(NONE).is_empty());
        validate(a.encoded(off), 9).unwrap();
        assert!(validate(a.encoded(off), 8).is_err(), "key 8 is out of range for 8 keys");
    }

    #[test]
    fn compaction_keeps_live_lists_and_drops_garbage() {
        let mut a = Arena::default();
        let mut offs = Vec::new();
        for i in 0..1000 {
            let old = a.push(&[(KeyId(0), Value::str(&"x".repeat(2000)))]).unwrap();
            a.free(old);
            offs.push(a.push(&[(KeyId(1), Value::Int(i))]).unwrap());
        }
        assert!(a.wants_compaction());
        a.compact(offs.iter_mut());
        assert!(a.len() < 5000);
        assert!(offs.iter().enumerate().all(|(i, &o)| a.get(o, KeyId(1)) == Some(Value::Int(i as i64))));
    }

    #[test]
    fn malformed_bytes_are_refused_never_a_panic() {
        let good = encode(&sample());
        for cut in 0..good.len() {
            assert!(validate(&good[..cut], 9).is_err() || cut == 0, "cut at {cut}");
        }
        let mut bad = good.clone();
        for i in 0..bad.len() {
            bad[i] ^= 0x5a;
            let _ = validate(&bad, 9);
            bad[i] ^= 0x5a;
        }
        // A list claiming 2^60 elements.
        assert!(validate(&[1, 0, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f], 1).is_err());
    }

    #[test]
    fn temporal_text_that_is_not_ascii_is_refused() {
        // A hand-made list (valid bytes, as a `.sg` with a good checksum would carry) whose
        // temporal text is multi-byte: refused, where it once panicked in the time parser.
        for (kind, text) in [("localtime", "😀"), ("time", "中文"), ("datetime", "2020-01-01T😀"), ("date", "2015-W中")]
        {
            let mut b = vec![1, 0, 8];
            put_str(&mut b, kind);
            put_str(&mut b, text);
            assert!(validate(&b, 1).is_err(), "{kind} {text}");
        }
    }
}
