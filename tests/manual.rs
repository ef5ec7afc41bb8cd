//! The Neo4j Cypher Manual's own examples (issue "The Cypher users bring"): each case in
//! `tests/manual/*.json` is a manual example written out with the result the manual prints
//! (setup statements on an empty graph, the query, its columns and rows or its error status
//! code, and the page it comes from). A case silkgraph cannot run yet carries `"todo"` with the
//! reason; this test fails when a case without one fails, and when a case with one passes (so
//! the list stays true). `cargo test manual -- --nocapture` prints the count.

use std::path::PathBuf;

use serde_json::Value as J;
use silkgraph::session::Session;

struct Case {
    file: String,
    name: String,
    setup: Vec<String>,
    query: String,
    params: silkgraph::exec::Params,
    expect: J,
    todo: Option<String>,
}

fn cases() -> Vec<Case> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/manual");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let list: Vec<J> = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for c in list {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            let mut params = silkgraph::exec::Params::new();
            if let Some(m) = c["params"].as_object() {
                for (k, v) in m {
                    params.insert(k.clone(), silkgraph::output::from_json(v).unwrap());
                }
            }
            out.push(Case {
                file: f.file_name().unwrap().to_string_lossy().into_owned(),
                name: s("name"),
                setup: c["setup"]
                    .as_array()
                    .map_or(Vec::new(), |a| a.iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect()),
                query: s("query"),
                params,
                expect: c["expect"].clone(),
                todo: c["todo"].as_str().map(str::to_string),
            });
        }
    }
    out
}

/// Runs a case: `Ok(())` when silkgraph answers what the manual prints, else why not.
fn run(c: &Case) -> Result<(), String> {
    let mut s = Session::new(silkgraph::store::Graph::new());
    for (i, st) in c.setup.iter().enumerate() {
        s.run_statement(st, &c.params).map_err(|e| format!("setup statement {} failed: {e}", i + 1))?;
    }
    let got = s.run_statement(&c.query, &c.params);
    if let Some(code) = c.expect["error"].as_str() {
        return match got {
            Ok(o) => Err(format!("expected {code}, got {} rows", o.result.rows.len())),
            Err(e) if error_matches(code, e.kind.as_str(), e.detail.as_str()) => Ok(()),
            Err(e) => Err(format!("expected {code}, got {}/{}: {}", e.kind.as_str(), e.detail, e.message)),
        };
    }
    let o = got.map_err(|e| format!("{}/{}: {}", e.kind.as_str(), e.detail, e.message))?;
    let columns: Vec<String> =
        c.expect["columns"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
    if columns != o.result.columns {
        return Err(format!("columns {:?}, expected {columns:?}", o.result.columns));
    }
    let rows: Vec<J> = o
        .result
        .rows
        .iter()
        .map(|r| J::Array(r.iter().map(|v| silkgraph::output::to_json(&s.graph, v)).collect()))
        .collect();
    let want = c.expect["rows"].as_array().unwrap();
    if rows_match(want, &rows, c.expect["ordered"].as_bool().unwrap_or(false)) {
        Ok(())
    } else {
        Err(format!("rows {}, expected {}", J::Array(rows), J::Array(want.clone())))
    }
}

/// A Neo4j status code against silkgraph's error kind and detail (its last part names one of
/// them, or a near equivalent).
fn error_matches(code: &str, kind: &str, detail: &str) -> bool {
    let want = code.rsplit('.').next().unwrap_or(code);
    let also: &[&str] = match want {
        "SyntaxError" => &["SemanticError"],
        "ArithmeticError" => &["DivisionByZero", "IntegerOverflow"],
        "ConstraintValidationFailed" => &["ConstraintVerificationFailed"],
        "FeatureNotSupported" => &["UnsupportedFeature"],
        _ => &[],
    };
    want == kind || want == detail || also.contains(&kind) || also.contains(&detail)
}

fn rows_match(want: &[J], got: &[J], ordered: bool) -> bool {
    if want.len() != got.len() {
        return false;
    }
    if ordered {
        return want.iter().zip(got).all(|(a, b)| same(a, b));
    }
    let mut left: Vec<&J> = got.iter().collect();
    want.iter().all(|w| match left.iter().position(|g| same(w, g)) {
        Some(i) => {
            left.remove(i);
            true
        }
        None => false,
    })
}

/// Equal values: floats within a relative 1e-9, temporal values by their text with the clock
/// written out in full (`12:00` is `12:00:00.000000000`).
fn same(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j && x.is_i64() == y.is_i64(),
            _ if x.is_f64() && y.is_f64() => {
                let (p, q) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                p == q || (p - q).abs() <= 1e-9 * p.abs().max(q.abs())
            }
            _ => false,
        },
        (J::Array(x), J::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (J::Object(x), J::Object(y)) if x.len() == 1 && y.len() == 1 => {
            let (ka, va) = x.iter().next().unwrap();
            let (kb, vb) = y.iter().next().unwrap();
            if ka.starts_with('@') && ka == kb && va.is_string() && vb.is_string() && ka != "@duration" {
                clock(va.as_str().unwrap()) == clock(vb.as_str().unwrap())
            } else {
                ka == kb && same(va, vb)
            }
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// A temporal text with its first clock `hh:mm[:ss[.f]]` written out to nanoseconds.
fn clock(s: &str) -> String {
    let s = s.replace("+00:00", "Z");
    let b = s.as_bytes();
    let Some(i) = (0..b.len().saturating_sub(4))
        .find(|&i| b[i].is_ascii_digit() && b[i + 1].is_ascii_digit() && b[i + 2] == b':' && b[i + 3].is_ascii_digit())
    else {
        return s;
    };
    let mut j = i + 5;
    let mut secs = String::from(":00");
    if b.get(j) == Some(&b':') {
        secs = s[j..j + 3].to_string();
        j += 3;
    }
    let mut frac = String::new();
    if b.get(j) == Some(&b'.') {
        let end = s[j + 1..].find(|c: char| !c.is_ascii_digit()).map_or(s.len(), |k| j + 1 + k);
        frac = s[j + 1..end].to_string();
        j = end;
    }
    format!("{}{secs}.{:0<9}{}", &s[..i + 5], frac, &s[j..])
}

#[test]
fn the_manuals_examples_give_the_manuals_results() {
    let all = cases();
    assert!(all.len() >= 100, "only {} cases", all.len());
    let (mut passed, mut todo, mut wrong) = (0, 0, Vec::new());
    for c in &all {
        match (run(c), &c.todo) {
            (Ok(()), None) => passed += 1,
            (Err(_), Some(_)) => todo += 1,
            (Ok(()), Some(why)) => wrong.push(format!("{}: {} passes now; remove its todo ({why})", c.file, c.name)),
            (Err(e), None) => wrong.push(format!("{}: {}: {e}", c.file, c.name)),
        }
    }
    println!("manual corpus: {passed} passed, {todo} failed (each with its reason in a todo), of {}", all.len());
    assert!(wrong.is_empty(), "{} case(s):\n{}", wrong.len(), wrong.join("\n"));
}
