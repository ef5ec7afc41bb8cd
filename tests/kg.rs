//! Guards on the bundled knowledge graph: provenance on every fact, quotes verbatim from their
//! source documents (when `../shared/seeds` is present), and the documents' counts.

use std::path::PathBuf;

use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::value::Value;

fn session() -> Session {
    Session::new(silkgraph::graphs::default_graph().expect("bundled graph loads"))
}

fn rows(s: &mut Session, q: &str) -> Vec<Vec<Value>> {
    s.run_statement(q, &Params::new()).unwrap_or_else(|e| panic!("{q}: {e}")).result.rows
}

fn int(s: &mut Session, q: &str) -> i64 {
    match rows(s, q)[0][0] {
        Value::Int(i) => i,
        ref v => panic!("{q}: expected an integer, got {v:?}"),
    }
}

#[test]
fn every_fact_has_provenance() {
    let mut s = session();
    assert!(int(&mut s, "MATCH (n) RETURN count(n)") > 80);
    assert_eq!(int(&mut s, "MATCH (n) WHERE n.source IS NULL RETURN count(n)"), 0);
    assert_eq!(int(&mut s, "MATCH ()-[r]->() WHERE r.source IS NULL OR r.quote IS NULL RETURN count(r)"), 0);
    assert_eq!(int(&mut s, "MATCH (s:Source) RETURN count(s)"), 2);
    // Every source named by a fact is one of the Source nodes.
    let orphan = int(
        &mut s,
        "MATCH ()-[r]->() WHERE NOT r.source IN ['000_abeb9ff96c849685.txt', '001_52bc7c020066422b.txt'] RETURN count(r)",
    );
    assert_eq!(orphan, 0);
}

fn seeds() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    p.is_dir().then_some(p)
}

/// Whether `quote` stands in `doc` as a whole sentence (or a whole line).
fn is_sentence_of(quote: &str, doc: &str) -> bool {
    doc.match_indices(quote).any(|(i, _)| {
        // A sentence may follow a closing quotation mark: `... country." He ...`.
        let before = doc[..i].trim_end_matches([' ', '\t']).trim_end_matches(['"', '\u{201d}']);
        let starts = before.is_empty() || before.ends_with(['.', '!', '?', '\n', ':']);
        let after = &doc[i + quote.len()..];
        let ends = quote.trim_end().ends_with(['.', '!', '?', '"', ':'])
            || after.is_empty()
            || after.starts_with(['\n', '\r']);
        starts && ends
    })
}

#[test]
fn every_quote_is_a_verbatim_sentence_of_its_source() {
    let Some(dir) = seeds() else {
        eprintln!("../shared/seeds not present: quote check skipped");
        return;
    };
    let mut s = session();
    let all = rows(&mut s, "MATCH ()-[r]->() RETURN r.source, r.quote");
    assert!(all.len() > 100);
    let mut bad = Vec::new();
    for r in all {
        let (Value::String(src), Value::String(q)) = (&r[0], &r[1]) else { panic!("bad row {r:?}") };
        let doc = std::fs::read_to_string(dir.join(&**src)).unwrap_or_else(|_| panic!("no source document {src}"));
        if !is_sentence_of(q, &doc) {
            bad.push(format!("{src}: {q}"));
        }
    }
    assert!(bad.is_empty(), "quotes that are not verbatim sentences:\n{}", bad.join("\n"));
}

#[test]
fn the_documents_counts_are_reproduced() {
    let mut s = session();
    let visits = |s: &mut Session, who: &str, to: &str| {
        int(
            s,
            &format!(
                "MATCH (a {{name: {}}})-[v:VISITED]->(:Country {{name: {}}}) RETURN count(v)",
                silkgraph::value::quote_string(who),
                silkgraph::value::quote_string(to)
            ),
        )
    };
    assert_eq!(visits(&mut s, "President of the Kyrgyz Republic", "Japan"), 5);
    assert_eq!(visits(&mut s, "Prime Minister of the Kyrgyz Republic", "Japan"), 6);
    assert_eq!(visits(&mut s, "Minister of Foreign Affairs of the Kyrgyz Republic", "Japan"), 7);
    assert_eq!(visits(&mut s, "Toraga of the Jogorku Kenesh of the Kyrgyz Republic", "Japan"), 1);
    assert_eq!(visits(&mut s, "Kyrgyz parliamentary delegations", "Japan"), 1);
    assert_eq!(visits(&mut s, "Prime Minister of Japan", "Kyrgyzstan"), 1);
    assert_eq!(visits(&mut s, "Japan's Foreign Minister", "Kyrgyzstan"), 3);
    assert_eq!(visits(&mut s, "Japanese parliamentary delegations", "Kyrgyzstan"), 4);
    // Visits in 2004, filtered by a plain WHERE on the year.
    assert_eq!(int(&mut s, "MATCH (a)-[v:VISITED]->(:Country {name: 'Japan'}) WHERE v.year = 2004 RETURN count(v)"), 2);
    // Stated numbers are numbers.
    assert_eq!(int(&mut s, "MATCH (e:Event) WHERE e.documents_signed IS NOT NULL RETURN max(e.documents_signed)"), 18);
    assert_eq!(int(&mut s, "MATCH (e:Event) WHERE e.participants IS NOT NULL RETURN max(e.participants)"), 300);
}

#[test]
fn search_forgives_case_accents_punctuation_and_typos() {
    let mut s = session();
    for (q, want) in [
        ("chom kmin", "Chom-Kmin"),
        ("Chom-Kemin", "Chom-Kmin"),
        ("jica", "Japan International Cooperation Agency"),
        ("JAPARAV", "Japarov"),
    ] {
        let r = rows(
            &mut s,
            &format!(
                "CALL db.search({}) YIELD node, score RETURN node.name LIMIT 1",
                silkgraph::value::quote_string(q)
            ),
        );
        let Some(Value::String(name)) = r.first().map(|r| &r[0]) else { panic!("no hit for {q}") };
        assert!(name.contains(want), "{q} found {name}");
    }
}

#[test]
fn schema_introspection() {
    let mut s = session();
    let labels = rows(&mut s, "CALL db.labels() YIELD label RETURN label");
    assert!(labels.iter().any(|r| r[0] == Value::str("Agreement")));
    let types = rows(&mut s, "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType");
    for t in ["VISITED", "SIGNED", "FUNDED", "CONCERNS"] {
        assert!(types.iter().any(|r| r[0] == Value::str(t)), "{t} missing");
    }
    let signed = rows(
        &mut s,
        "CALL db.schema() YIELD kind, name, count, from, to WHERE name = 'SIGNED' AND to = 'Agreement' RETURN count",
    );
    assert!(!signed.is_empty());
}
