//! PackStream, Bolt's value encoding: null, booleans, integers, floats, bytes, strings, lists,
//! maps and tagged structures (nodes, relationships, temporal values, messages).
//!
//! The decoder reads untrusted bytes: every length is checked against what is left, nesting is
//! bounded, and anything malformed is an error that says what and at which byte.

use indexmap::IndexMap;

/// A decoded PackStream value.
#[derive(Debug, Clone, PartialEq)]
pub enum Pack {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A byte array.
    Bytes(Vec<u8>),
    /// A string.
    String(String),
    /// A list.
    List(Vec<Pack>),
    /// A map with string keys.
    Map(IndexMap<String, Pack>),
    /// A structure: a tag and its fields.
    Struct(u8, Vec<Pack>),
}

impl Pack {
    /// A string value.
    pub fn str(s: &str) -> Pack {
        Pack::String(s.to_string())
    }

    /// A map from pairs.
    pub fn map<const N: usize>(pairs: [(&str, Pack); N]) -> Pack {
        Pack::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Pack::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Pack::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The map, if this is one.
    pub fn as_map(&self) -> Option<&IndexMap<String, Pack>> {
        match self {
            Pack::Map(m) => Some(m),
            _ => None,
        }
    }
}

/// Deepest nesting of lists, maps and structures a message may have.
pub const MAX_DEPTH: usize = 64;

// ---- encoding -------------------------------------------------------------------------------

/// Appends a value.
pub fn encode(out: &mut Vec<u8>, v: &Pack) {
    match v {
        Pack::Null => out.push(0xC0),
        Pack::Bool(b) => out.push(if *b { 0xC3 } else { 0xC2 }),
        Pack::Int(i) => encode_int(out, *i),
        Pack::Float(f) => {
            out.push(0xC1);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        Pack::Bytes(b) => {
            header(out, b.len(), None, [0xCC, 0xCD, 0xCE]);
            out.extend_from_slice(b);
        }
        Pack::String(s) => encode_str(out, s),
        Pack::List(items) => {
            header(out, items.len(), Some(0x90), [0xD4, 0xD5, 0xD6]);
            items.iter().for_each(|i| encode(out, i));
        }
        Pack::Map(m) => {
            header(out, m.len(), Some(0xA0), [0xD8, 0xD9, 0xDA]);
            for (k, v) in m {
                encode_str(out, k);
                encode(out, v);
            }
        }
        Pack::Struct(tag, fields) => {
            struct_header(out, *tag, fields.len());
            fields.iter().for_each(|f| encode(out, f));
        }
    }
}

/// Appends an integer in its shortest form.
pub fn encode_int(out: &mut Vec<u8>, i: i64) {
    if (-16..=127).contains(&i) {
        out.push(i as u8);
    } else if i8::try_from(i).is_ok() {
        out.extend_from_slice(&[0xC8, i as u8]);
    } else if let Ok(v) = i16::try_from(i) {
        out.push(0xC9);
        out.extend_from_slice(&v.to_be_bytes());
    } else if let Ok(v) = i32::try_from(i) {
        out.push(0xCA);
        out.extend_from_slice(&v.to_be_bytes());
    } else {
        out.push(0xCB);
        out.extend_from_slice(&i.to_be_bytes());
    }
}

/// Appends a string.
pub fn encode_str(out: &mut Vec<u8>, s: &str) {
    header(out, s.len(), Some(0x80), [0xD0, 0xD1, 0xD2]);
    out.extend_from_slice(s.as_bytes());
}

/// Appends a structure's marker and tag; its fields follow.
pub fn struct_header(out: &mut Vec<u8>, tag: u8, fields: usize) {
    out.push(0xB0 | (fields.min(15) as u8));
    out.push(tag);
}

/// Appends a list's marker for `n` items.
pub fn list_header(out: &mut Vec<u8>, n: usize) {
    header(out, n, Some(0x90), [0xD4, 0xD5, 0xD6]);
}

/// Appends a map's marker for `n` entries.
pub fn map_header(out: &mut Vec<u8>, n: usize) {
    header(out, n, Some(0xA0), [0xD8, 0xD9, 0xDA]);
}

fn header(out: &mut Vec<u8>, n: usize, tiny: Option<u8>, sized: [u8; 3]) {
    match tiny {
        Some(t) if n < 16 => out.push(t | n as u8),
        _ if n <= 0xFF => out.extend_from_slice(&[sized[0], n as u8]),
        _ if n <= 0xFFFF => {
            out.push(sized[1]);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        _ => {
            out.push(sized[2]);
            out.extend_from_slice(&(n.min(u32::MAX as usize) as u32).to_be_bytes());
        }
    }
}

// ---- decoding -------------------------------------------------------------------------------

/// Decodes one value that must fill `bytes` exactly.
pub fn decode(bytes: &[u8]) -> Result<Pack, String> {
    let mut r = Reader { bytes, at: 0 };
    let v = r.value(0)?;
    if r.at != bytes.len() {
        return Err(format!("{} bytes left over after the value, at byte {}", bytes.len() - r.at, r.at));
    }
    Ok(v)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or_else(|| {
            format!(
                "the message ends inside a value: {n} bytes wanted at byte {}, {} left",
                self.at,
                self.bytes.len() - self.at
            )
        })?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn be(&mut self, n: usize) -> Result<u64, String> {
        Ok(self.take(n)?.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b)))
    }

    /// A length that must still fit in what is left (at least one byte per item).
    fn len(&mut self, n: usize, per_item: usize) -> Result<usize, String> {
        let len = self.be(n)? as usize;
        self.fits(len, per_item)
    }

    fn fits(&self, len: usize, per_item: usize) -> Result<usize, String> {
        if len.saturating_mul(per_item) > self.bytes.len() - self.at {
            return Err(format!("a length of {len} at byte {} runs past the end of the message", self.at));
        }
        Ok(len)
    }

    fn string(&mut self, len: usize) -> Result<String, String> {
        let at = self.at;
        let b = self.take(len)?;
        String::from_utf8(b.to_vec()).map_err(|_| format!("a string at byte {at} is not UTF-8"))
    }

    fn value(&mut self, depth: usize) -> Result<Pack, String> {
        if depth > MAX_DEPTH {
            return Err(format!("values nested deeper than {MAX_DEPTH} at byte {}", self.at));
        }
        let at = self.at;
        let m = self.byte()?;
        Ok(match m {
            0x00..=0x7F => Pack::Int(i64::from(m)),
            0xF0..=0xFF => Pack::Int(i64::from(m as i8)),
            0xC0 => Pack::Null,
            0xC2 => Pack::Bool(false),
            0xC3 => Pack::Bool(true),
            0xC1 => Pack::Float(f64::from_bits(self.be(8)?)),
            0xC8 => Pack::Int(i64::from(self.byte()? as i8)),
            0xC9 => Pack::Int(i64::from(self.be(2)? as u16 as i16)),
            0xCA => Pack::Int(i64::from(self.be(4)? as u32 as i32)),
            0xCB => Pack::Int(self.be(8)? as i64),
            0xCC..=0xCE => {
                let n = self.len(1 << (m - 0xCC), 1)?;
                Pack::Bytes(self.take(n)?.to_vec())
            }
            0x80..=0x8F => {
                let n = self.fits(usize::from(m & 0x0F), 1)?;
                Pack::String(self.string(n)?)
            }
            0xD0..=0xD2 => {
                let n = self.len(1 << (m - 0xD0), 1)?;
                Pack::String(self.string(n)?)
            }
            0x90..=0x9F => self.list(usize::from(m & 0x0F), depth)?,
            0xD4..=0xD6 => {
                let n = self.len(1 << (m - 0xD4), 1)?;
                self.list(n, depth)?
            }
            0xA0..=0xAF => self.map(usize::from(m & 0x0F), depth)?,
            0xD8..=0xDA => {
                let n = self.len(1 << (m - 0xD8), 2)?;
                self.map(n, depth)?
            }
            0xB0..=0xBF => {
                let n = usize::from(m & 0x0F);
                let tag = self.byte()?;
                let n = self.fits(n, 1)?;
                let fields = (0..n).map(|_| self.value(depth + 1)).collect::<Result<_, _>>()?;
                Pack::Struct(tag, fields)
            }
            _ => return Err(format!("0x{m:02X} at byte {at} is not a PackStream marker")),
        })
    }

    fn list(&mut self, n: usize, depth: usize) -> Result<Pack, String> {
        let n = self.fits(n, 1)?;
        Ok(Pack::List((0..n).map(|_| self.value(depth + 1)).collect::<Result<_, _>>()?))
    }

    fn map(&mut self, n: usize, depth: usize) -> Result<Pack, String> {
        let n = self.fits(n, 2)?;
        let mut m = IndexMap::with_capacity(n);
        for _ in 0..n {
            let at = self.at;
            let Pack::String(k) = self.value(depth + 1)? else {
                return Err(format!("a map key at byte {at} is not a string"));
            };
            let v = self.value(depth + 1)?;
            m.insert(k, v);
        }
        Ok(Pack::Map(m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(v: Pack) {
        let mut out = Vec::new();
        encode(&mut out, &v);
        assert_eq!(decode(&out).unwrap(), v);
    }

    #[test]
    fn every_kind_of_value_round_trips_at_every_size() {
        for i in
            [0, 1, -1, -16, -17, 127, 128, -128, -129, 32767, 32768, -32769, i32::MAX as i64 + 1, i64::MIN, i64::MAX]
        {
            round(Pack::Int(i));
        }
        for s in [0, 15, 16, 255, 256, 65535, 65536] {
            round(Pack::String("é".repeat(s / 2) + &"x".repeat(s % 2)));
            round(Pack::List(vec![Pack::Null; s]));
            round(Pack::Bytes(vec![7; s]));
        }
        let m: IndexMap<String, Pack> = (0..300).map(|i| (format!("k{i}"), Pack::Float(i as f64 / 3.0))).collect();
        round(Pack::Map(m));
        round(Pack::Struct(0x4E, vec![Pack::Int(1), Pack::List(vec![Pack::str("A")]), Pack::map([]), Pack::str("1")]));
        round(Pack::Bool(true));
    }

    #[test]
    fn the_encoding_is_the_specifications() {
        let mut out = Vec::new();
        encode(&mut out, &Pack::map([("a", Pack::Int(1)), ("b", Pack::Int(-17))]));
        assert_eq!(out, [0xA2, 0x81, b'a', 0x01, 0x81, b'b', 0xC8, 0xEF]);
    }

    #[test]
    fn malformed_bytes_are_errors_that_say_where() {
        assert!(decode(&[0xD2, 0xFF, 0xFF, 0xFF, 0xFF]).unwrap_err().contains("runs past"));
        assert!(decode(&[0xC7]).unwrap_err().contains("at byte 0"));
        assert!(decode(&[0xA1, 0x01, 0x01]).unwrap_err().contains("not a string"));
        assert!(decode(&[0x82, 0xFF, 0xFE]).unwrap_err().contains("UTF-8"));
        assert!(decode(&[0xDA, 0x7F, 0xFF, 0xFF, 0xFF]).is_err());
        let deep = vec![0x91; 1000];
        assert!(decode(&deep).unwrap_err().contains("nested"));
        assert!(decode(&[0x01, 0x02]).unwrap_err().contains("left over"));
    }
}
