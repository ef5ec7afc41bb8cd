//! `silkgraph push --to URI`: copies the graph (or a query's subgraph) into a remote database
//! over Bolt, in `UNWIND` batches, each one statement (so each is kept whole or not at all).
//!
//! Every node and relationship carries a `silkgraph_id` property (its id here) that the batches
//! `MERGE` on, with an index on it made first; so a second push creates nothing, and a push
//! stopped half-way (even by SIGKILL) and run again completes with nothing doubled. Values go
//! as parameters, except to FalkorDB, whose Bolt endpoint mangles string parameters and
//! refuses dates: there they are written into the statement as escaped literals, with
//! temporal values as ISO text and their kinds listed in `silkgraph_temporal`.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::Instant;

use clap::Args;
use indexmap::IndexMap;

use super::connect::{error, ConnectArgs};
use super::{FAILED, OK, USAGE};
use crate::exec::Params;
use crate::export::Subgraph;
use crate::remote::{Flavour, Remote};
use crate::session::Session;
use crate::store::Graph;
use crate::value::{quote_name, NodeId, RelId, Value};

/// The key a push adds to every node and relationship.
pub const KEY: &str = "silkgraph_id";

/// `silkgraph push`'s options (the user, password and database are `--connect`'s).
#[derive(Args, Debug, Clone)]
pub struct PushArgs {
    /// The server to push to: bolt://HOST:PORT, bolt+s://, neo4j://, neo4j+s://
    #[arg(long, value_name = "URI")]
    pub to: String,
    /// Push only this query's subgraph (the nodes, relationships and paths it returns, and the ends of each relationship)
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// Rows per statement (default 1000)
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub batch: usize,
}

/// One statement of the push: its text, its parameters and how many entities it carries.
struct Batch {
    text: String,
    params: Params,
    size: usize,
}

/// Runs `silkgraph push`.
pub fn push(session: &mut Session, args: &PushArgs, remote_args: &ConnectArgs) -> i32 {
    if args.batch == 0 {
        eprintln!("error: --batch must be at least 1");
        return USAGE;
    }
    let sub = match &args.query {
        None => Subgraph::whole(&session.graph),
        Some(q) => match session.run_statement(q, &Params::new()) {
            Ok(o) => Subgraph::from_result(&session.graph, &o.result),
            Err(e) => {
                eprintln!("{}", crate::error::render(&e, q));
                return FAILED;
            }
        },
    };
    let login = match remote_args.login() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let mut remote = match Remote::connect(&args.to, login, remote_args.database.clone()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILED;
        }
    };
    let flavour = remote.flavour();
    let g = &session.graph;
    let started = Instant::now();
    for (text, _) in index_statements(g, &sub, flavour) {
        // An index that exists already is not an error (not every server has IF NOT EXISTS).
        if let Err(e) = remote.run(&text, &Params::new(), false) {
            let e = e.to_string();
            if !e.to_ascii_lowercase().contains("already") {
                eprintln!("warning: {text}: {e}");
            }
        }
    }
    let batches = batches(g, &sub, args.batch, flavour);
    let total: usize = batches.iter().map(|b| b.size).sum();
    let tty = std::io::stderr().is_terminal();
    let (mut done, mut nodes_created, mut rels_created) = (0, 0, 0);
    for b in &batches {
        match remote.run(&b.text, &b.params, false) {
            Ok(a) => {
                nodes_created += a.result.stats.nodes_created;
                rels_created += a.result.stats.relationships_created;
            }
            Err(e) => {
                if tty {
                    eprintln!();
                }
                eprintln!("error: {}", error(e).message);
                eprintln!("{done} of {total} were pushed; run the same push again to finish (nothing is doubled)");
                return FAILED;
            }
        }
        done += b.size;
        if tty {
            eprint!("\rpushing to {}: {done} of {total} ({}%)", args.to, done * 100 / total.max(1));
        }
    }
    if tty {
        eprintln!();
    }
    let there = (sub.nodes.len() + sub.rels.len()) as u64
        - (nodes_created + rels_created).min((sub.nodes.len() + sub.rels.len()) as u64);
    eprintln!(
        "pushed {} and {} to {} ({}) in {:.1} s: {} and {} created{}",
        super::plural(sub.nodes.len() as u64, "node"),
        super::plural(sub.rels.len() as u64, "relationship"),
        args.to,
        remote.agent(),
        started.elapsed().as_secs_f64(),
        super::plural(nodes_created, "node"),
        super::plural(rels_created, "relationship"),
        if there > 0 { format!(", {there} there already") } else { String::new() }
    );
    remote.close();
    OK
}

/// The labels of a node as a push groups it: sorted, so each group is one statement shape.
fn labels(g: &Graph, n: NodeId) -> Vec<String> {
    let mut ls: Vec<String> = g.node_labels(n).iter().map(|l| g.labels().name(*l).to_string()).collect();
    ls.sort();
    ls
}

/// An index on `silkgraph_id` for the first label of every group, in the server's syntax.
fn index_statements(g: &Graph, sub: &Subgraph, flavour: Flavour) -> Vec<(String, ())> {
    let mut firsts: Vec<String> = sub.nodes.iter().filter_map(|n| labels(g, *n).into_iter().next()).collect();
    firsts.sort();
    firsts.dedup();
    firsts
        .into_iter()
        .map(|l| {
            let l = quote_name(&l);
            let text = match flavour {
                Flavour::Memgraph => format!("CREATE INDEX ON :{l}({KEY})"),
                Flavour::Falkor => format!("CREATE INDEX FOR (n:{l}) ON (n.{KEY})"),
                _ => format!("CREATE INDEX IF NOT EXISTS FOR (n:{l}) ON (n.{KEY})"),
            };
            (text, ())
        })
        .collect()
}

/// The properties of a node or relationship as a push sends them.
fn props(g: &Graph, ps: crate::store::Props, flavour: Flavour) -> Value {
    let mut m = IndexMap::new();
    let mut temporal = Vec::new();
    for (k, v) in ps.iter() {
        let key = g.keys().name(*k).to_string();
        let v = match (flavour, crate::value::temporal::kind_and_text(v)) {
            (Flavour::Falkor, Some((kind, text))) => {
                temporal.push(Value::str(&format!("{key}:{kind}")));
                Value::str(&text)
            }
            _ => v.clone(),
        };
        m.insert(key, v);
    }
    if !temporal.is_empty() {
        m.insert("silkgraph_temporal".to_string(), Value::list(temporal));
    }
    Value::map(m)
}

/// The statements that push the nodes, then the relationships, `size` rows each.
fn batches(g: &Graph, sub: &Subgraph, size: usize, flavour: Flavour) -> Vec<Batch> {
    let inline = flavour == Flavour::Falkor;
    let mut out = Vec::new();
    let mut groups: BTreeMap<Vec<String>, Vec<NodeId>> = BTreeMap::new();
    for &n in &sub.nodes {
        groups.entry(labels(g, n)).or_default().push(n);
    }
    for (ls, nodes) in &groups {
        let head = match ls.first() {
            Some(l) => format!("MERGE (n:{} {{{KEY}: row.id}})", quote_name(l)),
            None => format!("MERGE (n {{{KEY}: row.id}})"),
        };
        let rest: String = ls.iter().skip(1).map(|l| format!(":{}", quote_name(l))).collect();
        let tail = if rest.is_empty() { String::new() } else { format!(" SET n{rest}") };
        for chunk in nodes.chunks(size) {
            let rows = chunk
                .iter()
                .map(|&n| row([("id", Value::Int(n.0 as i64)), ("props", props(g, g.node_props(n), flavour))]));
            out.push(batch(rows.collect(), &format!("{head} SET n += row.props{tail}"), chunk.len(), inline));
        }
    }
    let mut rel_groups: BTreeMap<(String, Option<String>, Option<String>), Vec<RelId>> = BTreeMap::new();
    for &r in &sub.rels {
        let (Some((s, e)), Some(t)) = (g.rel_ends(r), g.rel_type(r)) else { continue };
        let first = |n| labels(g, n).into_iter().next();
        rel_groups.entry((g.types().name(t).to_string(), first(s), first(e))).or_default().push(r);
    }
    for ((ty, ls, le), rels) in &rel_groups {
        let end = |v: &str, l: &Option<String>, key: &str| match l {
            Some(l) => format!("MATCH ({v}:{} {{{KEY}: row.{key}}})", quote_name(l)),
            None => format!("MATCH ({v} {{{KEY}: row.{key}}})"),
        };
        let text = format!(
            "{} {} MERGE (a)-[r:{} {{{KEY}: row.id}}]->(b) SET r += row.props",
            end("a", ls, "s"),
            end("b", le, "e"),
            quote_name(ty)
        );
        for chunk in rels.chunks(size) {
            let rows = chunk.iter().filter_map(|&r| {
                let (s, e) = g.rel_ends(r)?;
                Some(row([
                    ("id", Value::Int(r.0 as i64)),
                    ("s", Value::Int(s.0 as i64)),
                    ("e", Value::Int(e.0 as i64)),
                    ("props", props(g, g.rel_props(r), flavour)),
                ]))
            });
            out.push(batch(rows.collect(), &text, chunk.len(), inline));
        }
    }
    out
}

fn row<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// `UNWIND` of the rows into `body`: as a parameter, or written into the text.
fn batch(rows: Vec<Value>, body: &str, size: usize, inline: bool) -> Batch {
    let (text, params) = crate::remote::unwind(rows, body, inline);
    Batch { text, params, size }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_merge_on_the_key_and_group_by_labels() {
        let g = Session::load_script(
            "CREATE (a:B:A {name: 'x'})-[:R {since: date('2020-01-02')}]->(b:A {name: 'it\\'s'}), (c {n: 1})",
        )
        .unwrap();
        let sub = Subgraph::whole(&g);
        let plain = batches(&g, &sub, 1, Flavour::Neo4j);
        assert_eq!(plain.len(), 4, "one node per statement, then the relationship");
        assert!(plain.iter().any(|b| b.text.contains("MERGE (n:A {silkgraph_id: row.id}) SET n += row.props SET n:B")));
        assert!(plain.iter().any(|b| b.text.contains("MERGE (n {silkgraph_id: row.id})")));
        assert!(plain.iter().all(|b| b.text.starts_with("UNWIND $rows AS row")));
        let falkor = batches(&g, &sub, 10, Flavour::Falkor);
        let rel = &falkor.last().unwrap().text;
        assert!(rel.contains("since: '2020-01-02'") && rel.contains("silkgraph_temporal: ['since:date']"), "{rel}");
        assert!(falkor.iter().any(|b| b.text.contains(r"'it\'s'")), "quotes are escaped");
        assert!(falkor.iter().all(|b| b.params.is_empty()));
    }
}
