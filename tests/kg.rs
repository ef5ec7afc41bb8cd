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

#[test]
fn one_fact_one_record_every_count_the_documents_state() {
    let mut s = session();
    let count = |s: &mut Session, q: &str| int(s, q);
    // "visited Japan 5 times ... 6 ... 7 ... 1 ... 1": twenty visits, each stored once.
    assert_eq!(count(&mut s, "MATCH ()-[v:VISITED]->(:Country {name: 'Japan'}) RETURN count(v)"), 20);
    // "... Kyrgyzstan - 1 (2015) ... 3 (1992, 2004, 2014) ... 4 (1997, 2005, 2010, 2011)".
    assert_eq!(count(&mut s, "MATCH ()-[v:VISITED]->(:Country {name: 'Kyrgyzstan'}) RETURN count(v)"), 8);
    // The person acting in the office: his visit is the office's, found through HELD.
    let his = "MATCH (:Person {name: 'E. Abdyldaev'})-[h:HELD]->(o:Office)-[v:VISITED]->(:Country {name: 'Japan'}) \
               WHERE v.year = h.year AND v.month = h.month RETURN count(v)";
    assert_eq!(count(&mut s, his), 1);
    assert_eq!(count(&mut s, "MATCH (:Person)-[v:VISITED]->() RETURN count(v)"), 0);
    // "as many as 18 cooperation documents", "approximately 300 business representatives",
    // "29 production teams ... totaling 250 people", "two grant agreements worth about 46 million
    // US dollars", "6.1 million US dollars", "the five Central Asian countries", "tripartite".
    for (q, want) in [
        ("MATCH (e:Event {name: 'Bilateral document signing ceremony'}) RETURN e.documents_signed", 18),
        ("MATCH (e:Event {name: 'Bilateral document signing ceremony'}) RETURN e.witnesses", 300),
        ("MATCH (e:Event {name: 'Central Asia + Japan Business Forum'}) RETURN e.participants", 300),
        ("MATCH (p:Programme {name: 'One Village, One Product'}) RETURN p.production_teams", 29),
        ("MATCH (p:Programme {name: 'One Village, One Product'}) RETURN p.people", 250),
        ("MATCH (a:Agreement {name: 'Grant agreements of March 2017'}) RETURN a.agreements", 2),
        ("MATCH (a:Agreement {name: 'Grant agreements of March 2017'}) RETURN a.amount_usd", 46_000_000),
        ("MATCH (p:Project) WHERE p.name STARTS WITH 'Technical assistance' RETURN p.amount_usd", 6_100_000),
        ("MATCH (r:Region {name: 'Central Asia'}) RETURN r.country_count", 5),
        ("MATCH (a:Agreement) WHERE a.name STARTS WITH 'Tripartite' RETURN a.parties", 3),
        // The grants were "for the projects": two of them.
        ("MATCH (:Agreement {name: 'Grant agreements of March 2017'})--(p:Project) RETURN count(DISTINCT p)", 2),
    ] {
        assert_eq!(count(&mut s, q), want, "{q}");
    }
}

#[test]
fn every_stated_value_has_its_sentence() {
    let mut s = session();
    // kg.evidence reads the convention: nothing a node states is without a quote or a rule.
    let bare = rows(
        &mut s,
        "MATCH (n) WHERE NOT n:Source CALL kg.evidence(n) YIELD key, quote, derived \
         WITH n, key WHERE quote IS NULL AND derived IS NULL RETURN n.name, key",
    );
    assert!(bare.is_empty(), "values without evidence: {bare:?}");
    let stated = int(&mut s, "MATCH (n) WHERE NOT n:Source CALL kg.evidence(n) YIELD key RETURN count(key)");
    assert!(stated > 80, "{stated}");
    // The 2015 assistance's amount rests on the sentence that states it.
    let amount = rows(
        &mut s,
        "MATCH (p:Project) WHERE p.amount_usd = 6100000 CALL kg.evidence(p) YIELD key, value, source, quote \
         WHERE key = 'amount_usd' RETURN value, source, quote",
    );
    assert_eq!(
        amount,
        vec![vec![
            Value::Int(6_100_000),
            Value::str("000_abeb9ff96c849685.txt"),
            Value::str("The total amount of assistance is 6.1 million US dollars.")
        ]]
    );
    // A relationship's fact and its values rest on its quote, or on their own sentence.
    let visit = rows(
        &mut s,
        "MATCH (:Office {name: 'Minister of Foreign Affairs of the Kyrgyz Republic'})-[v:VISITED {year: 2017}]->() \
         CALL kg.evidence(v) YIELD key, quote RETURN key, quote",
    );
    let quote_of = |k: Option<&str>| {
        visit.iter().find(|r| r[0] == k.map_or(Value::Null, Value::str)).map(|r| r[1].clone()).unwrap_or(Value::Null)
    };
    assert!(matches!(quote_of(None), Value::String(q) if q.contains("7 (2001, 2002")));
    assert!(matches!(quote_of(Some("month")), Value::String(q) if q.contains("in March 2017")));
}

fn check(graph: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_silkgraph"))
        .args(["check", graph.to_str().unwrap(), "--sources"])
        .arg(seeds().unwrap())
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn check_passes_the_bundled_graph_and_finds_planted_faults() {
    if seeds().is_none() {
        eprintln!("../shared/seeds not present: check skipped");
        return;
    }
    let graph = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("graphs/kyrgyz_japan.cypher");
    let (ok, text) = check(&graph);
    assert!(ok, "{text}");
    assert!(text.contains(": ok: "), "{text}");

    let original = std::fs::read_to_string(&graph).unwrap();
    let dir = std::env::temp_dir().join(format!("silkgraph-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let line_of = |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let plant = |name: &str, from: &str, to: &str| {
        assert!(original.contains(from), "{from}");
        let text = original.replacen(from, to, 1);
        let path = dir.join(name);
        std::fs::write(&path, &text).unwrap();
        (path, text)
    };
    // A quote that is not verbatim: reported with its line and the nearest sentence.
    let (path, text) = plant(
        "reworded.cypher",
        "quote: 'Diplomatic relations between the Kyrgyz Republic and Japan were established on January 26, 1992.'",
        "quote: 'Diplomatic relations between Kyrgyzstan and Japan were established on January 26, 1992.'",
    );
    let (ok, out) = check(&path);
    let line = line_of(&text, "between Kyrgyzstan and Japan were established");
    assert!(!ok);
    assert!(out.contains(&format!("reworded.cypher:{line}: ")), "{out}");
    assert!(out.contains("nearest: \"Diplomatic relations between the Kyrgyz Republic and Japan"), "{out}");
    // A stated value without its quote.
    let (path, text) = plant("bare.cypher", "amount_usd_quote:", "amount_usd_note_removed:");
    let (ok, out) = check(&path);
    assert!(!ok);
    let line = line_of(&text, "amount_usd_note_removed");
    assert!(out.contains(&format!("bare.cypher:{line}: ")) && out.contains("amount_usd has no evidence"), "{out}");
    // An invented day: the sentence says "in March 2017".
    let (path, text) = plant("day.cypher", "year: 2017, month: 3", "year: 2017, month: 3, day: 14");
    let (ok, out) = check(&path);
    assert!(!ok);
    let line = line_of(&text, "day: 14");
    assert!(out.contains(&format!("day.cypher:{line}: ")) && out.contains("day 14 is not in its sentence"), "{out}");
    // A fact stored twice: the person's visit beside the office's (as the graph once had it).
    let twice = format!(
        "{original}\nMATCH (a:Person {{name: 'E. Abdyldaev'}}), (b:Country {{name: 'Japan'}}) CREATE (a)-[:VISITED {{source: '000_abeb9ff96c849685.txt', year: 2017, month: 3, quote: 'In the development of the summits, an important stage in the agenda of the Kyrgyz-Japanese relations was the visit of the Minister of Foreign Affairs of the Kyrgyz Republic E. Abdyldaev to Japan in March 2017.'}}]->(b);\n"
    );
    let path = dir.join("twice.cypher");
    std::fs::write(&path, &twice).unwrap();
    let (ok, out) = check(&path);
    assert!(!ok);
    assert!(out.contains("states the same fact as line") && out.contains("store it once"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
