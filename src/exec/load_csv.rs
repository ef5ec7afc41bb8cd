//! `LOAD CSV [WITH HEADERS] FROM url AS row [FIELDTERMINATOR c]`: the records of a file in the
//! import directory, streamed one row at a time. As in Neo4j, `file:///a.csv` names `a.csv` in
//! the import directory; a path that leads outside it (`..`, a link) is refused, and so is
//! every other URL scheme. Fields are strings; an empty field is null.

use std::path::{Component, Path, PathBuf};

use indexmap::IndexMap;

use super::eval::eval;
use super::rows::one;
use super::{Ctx, Row, RowIter};
use crate::error::{Detail, Error, Kind, Result};
use crate::plan::Expr;
use crate::value::Value;

fn failed(message: String) -> Error {
    Error::runtime(Kind::ArgumentError, Detail::ExternalResourceFailed, message)
}

/// The rows `LOAD CSV` makes from one input row.
pub(crate) fn rows<'a>(from: &Expr, slot: usize, headers: bool, sep: u8, row: Row, ctx: Ctx<'a>) -> RowIter<'a> {
    let url = match eval(from, &row, ctx) {
        Ok(Value::String(s)) => s.to_string(),
        Ok(v) => return one(Err(super::type_err("LOAD CSV FROM expects a string", &v))),
        Err(e) => return one(Err(e)),
    };
    let path = match ctx.control.import_dir.as_deref() {
        Some(dir) => match resolve(&url, dir) {
            Ok(p) => p,
            Err(e) => return one(Err(e)),
        },
        None => {
            return one(Err(failed(format!(
                "LOAD CSV cannot read '{url}': no import directory is set for this database"
            ))))
        }
    };
    let reader = match csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(sep).from_path(&path) {
        Ok(r) => r,
        Err(e) => return one(Err(failed(format!("LOAD CSV cannot read '{url}': {e}")))),
    };
    let mut records = reader.into_records();
    let mut names: Option<Vec<String>> = None;
    if headers {
        match records.next() {
            None => return Box::new(std::iter::empty()),
            Some(Ok(h)) => names = Some(h.iter().map(str::to_string).collect()),
            Some(Err(e)) => return one(Err(bad_record(&url, &e))),
        }
    }
    Box::new(records.map(move |rec| {
        ctx.control.tick()?;
        let rec = rec.map_err(|e| bad_record(&url, &e))?;
        let field = |f: &str| if f.is_empty() { Value::Null } else { Value::str(f) };
        let value = match &names {
            None => Value::List(rec.iter().map(field).collect()),
            Some(names) => {
                let mut m = IndexMap::with_capacity(names.len());
                for (i, name) in names.iter().enumerate() {
                    m.insert(name.clone(), rec.get(i).map_or(Value::Null, field));
                }
                Value::Map(Box::new(m))
            }
        };
        let mut out = row.clone();
        out[slot] = value;
        Ok(out)
    }))
}

/// A record the CSV reader refused, with its line (and field, when one is to blame).
fn bad_record(url: &str, e: &csv::Error) -> Error {
    let mut at = e.position().map(|p| format!(", line {}", p.line())).unwrap_or_default();
    let why = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            at.push_str(&format!(", field {}", err.field() + 1));
            "the field is not UTF-8 text".to_string()
        }
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    };
    failed(format!("LOAD CSV: {url}{at}: {why}"))
}

/// The file a URL names inside `dir`.
fn resolve(url: &str, dir: &Path) -> Result<PathBuf> {
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("file") => rest,
        Some((scheme, _)) => {
            return Err(failed(format!(
                "LOAD CSV reads files of the import directory (file:///name.csv), not {scheme}:// URLs"
            )))
        }
        None => url,
    };
    let rel = decode(rest).ok_or_else(|| failed(format!("LOAD CSV: '{url}' is not a valid file URL")))?;
    let outside = || failed(format!("LOAD CSV: '{url}' is outside the import directory, which is all it may read"));
    // `..` is resolved by the text first, so nothing outside is even looked at.
    let mut clean = PathBuf::new();
    for c in Path::new(rel.trim_start_matches('/')).components() {
        match c {
            Component::Normal(x) => clean.push(x),
            Component::CurDir => {}
            Component::ParentDir if clean.pop() => {}
            _ => return Err(outside()),
        }
    }
    let base = dir
        .canonicalize()
        .map_err(|e| failed(format!("LOAD CSV: the import directory {} cannot be read: {e}", dir.display())))?;
    let real = base.join(&clean).canonicalize().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => failed(format!(
            "LOAD CSV: there is no file '{}' in the import directory {}",
            clean.display(),
            dir.display()
        )),
        _ => failed(format!("LOAD CSV cannot read '{url}': {e}")),
    })?;
    // A link may still lead out.
    if !real.starts_with(&base) {
        return Err(outside());
    }
    if !real.is_file() {
        return Err(failed(format!("LOAD CSV: '{url}' is not a file")));
    }
    Ok(real)
}

/// A URL path with its `%xx` escapes decoded.
fn decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_inside_the_import_directory_only() {
        let dir = std::env::temp_dir().join(format!("silkgraph-loadcsv-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/a b.csv"), "x\n").unwrap();
        let base = dir.canonicalize().unwrap();
        assert_eq!(resolve("file:///sub/a%20b.csv", &dir).unwrap(), base.join("sub/a b.csv"));
        assert_eq!(resolve("sub/a b.csv", &dir).unwrap(), base.join("sub/a b.csv"));
        assert!(resolve("file:///../x.csv", &dir).unwrap_err().message.contains("outside the import directory"));
        assert!(resolve("file:///sub/../../x.csv", &dir).unwrap_err().message.contains("outside the import"));
        assert_eq!(resolve("file:///sub/../sub/./a%20b.csv", &dir).unwrap(), base.join("sub/a b.csv"));
        assert!(resolve("file:///nope.csv", &dir).unwrap_err().message.contains("there is no file 'nope.csv'"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", dir.join("link")).unwrap();
            assert!(resolve("file:///link/hostname", &dir).unwrap_err().message.contains("outside the import"));
        }
        assert!(resolve("https://example.com/a.csv", &dir).unwrap_err().message.contains("https://"));
        assert!(resolve("file:///sub", &dir).unwrap_err().message.contains("not a file"));
        assert!(resolve("file:///%zz", &dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
