//! Property tests (proptest): generated statements print (`Display`) as Cypher that parses back
//! to the same statement; a query finds the same rows with and without a property index; a
//! generated graph survives export and import in both of the project's own formats.

use proptest::prelude::*;
use silkgraph::ast::*;
use silkgraph::error::Span;
use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::store::Graph;
use silkgraph::value::{NodeId, Value};

/// `n` cases, or `PROPTEST_CASES` when set (for a longer run than CI's).
fn cases(n: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(n);
    ProptestConfig { cases: n, failure_persistence: None, ..ProptestConfig::default() }
}

// ---- generated statements --------------------------------------------------------------------

/// Names, including reserved words and names that need backticks.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z][a-z0-9_]{0,4}",
        1 => prop::sample::select(vec!["end", "match", "null", "RETURN", "count", "all", "exists", "x y", "a`b", "1st", "ünï"])
            .prop_map(String::from),
    ]
}

fn var() -> impl Strategy<Value = Var> {
    name().prop_map(|name| Var { name, span: Span::default() })
}

fn e(kind: ExprKind) -> Expr {
    Expr::new(kind, Span::default())
}

fn literal() -> impl Strategy<Value = Expr> {
    prop_oneof![
        Just(Literal::Null),
        any::<bool>().prop_map(Literal::Bool),
        any::<i64>().prop_map(Literal::Int),
        (-1000i64..1000).prop_map(Literal::Int),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Literal::Float),
        any::<String>().prop_map(Literal::String),
    ]
    .prop_map(|l| e(ExprKind::Literal(l)))
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        4 => literal(),
        3 => name().prop_map(|n| e(ExprKind::Variable(n))),
        1 => prop_oneof![name(), "[0-9]{1,2}"].prop_map(|n| e(ExprKind::Parameter(n))),
        1 => Just(e(ExprKind::CountStar)),
    ]
}

fn binary_op() -> impl Strategy<Value = BinaryOp> {
    use BinaryOp::*;
    prop::sample::select(vec![
        Or, Xor, And, Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div, Mod, Pow, In, StartsWith, EndsWith, Contains, Regex,
    ])
}

fn node_pattern(props: BoxedStrategy<Expr>) -> impl Strategy<Value = NodePattern> {
    (prop::option::of(var()), prop::collection::vec(name(), 0..3), prop::option::of(props))
        .prop_map(|(var, labels, props)| NodePattern { var, labels, props, predicate: None, span: Span::default() })
}

fn rel_pattern(props: BoxedStrategy<Expr>) -> impl Strategy<Value = RelPattern> {
    let length = prop::option::of((prop::option::of(0u64..5), prop::option::of(0u64..9)));
    let dir = prop::sample::select(vec![Direction::Right, Direction::Left, Direction::Both]);
    (prop::option::of(var()), prop::collection::vec(name(), 0..3), dir, length, prop::option::of(props)).prop_map(
        |(var, types, dir, length, props)| RelPattern {
            var,
            types,
            dir,
            length,
            props,
            predicate: None,
            span: Span::default(),
        },
    )
}

/// Property maps of patterns: a map literal or a parameter.
fn pattern_props(expr: BoxedStrategy<Expr>) -> BoxedStrategy<Expr> {
    prop_oneof![
        prop::collection::vec((name(), expr), 0..3).prop_map(|kv| e(ExprKind::Map(kv))),
        name().prop_map(|n| e(ExprKind::Parameter(n))),
    ]
    .boxed()
}

fn element(expr: BoxedStrategy<Expr>, min_rels: usize) -> impl Strategy<Value = PatternElement> {
    let props = pattern_props(expr);
    (node_pattern(props.clone()), prop::collection::vec((rel_pattern(props.clone()), node_pattern(props)), min_rels..3))
        .prop_map(|(start, chain)| PatternElement { start, chain })
}

fn part(expr: BoxedStrategy<Expr>) -> impl Strategy<Value = PatternPart> {
    let kind =
        prop::sample::select(vec![PathKind::Normal, PathKind::Normal, PathKind::Shortest, PathKind::AllShortest]);
    (prop::option::of(var()), kind, element(expr, 0)).prop_map(|(var, kind, mut elem)| {
        if kind != PathKind::Normal && elem.chain.is_empty() {
            elem.chain.push((
                RelPattern {
                    var: None,
                    types: vec![],
                    dir: Direction::Both,
                    length: None,
                    props: None,
                    predicate: None,
                    span: Span::default(),
                },
                NodePattern { var: None, labels: vec![], props: None, predicate: None, span: Span::default() },
            ));
        }
        PatternPart { var, kind, elem, span: Span::default() }
    })
}

fn expr() -> BoxedStrategy<Expr> {
    leaf()
        .prop_recursive(4, 48, 4, |inner| {
            let b = || inner.clone();
            let boxed = || inner.clone().prop_map(Box::new);
            let opt = || prop::option::of(inner.clone().prop_map(Box::new));
            let small_vec = || prop::collection::vec(inner.clone(), 0..3);
            prop_oneof![
                (binary_op(), boxed(), boxed()).prop_map(|(op, a, b)| e(ExprKind::Binary(op, a, b))),
                (prop::sample::select(vec![UnaryOp::Not, UnaryOp::Neg, UnaryOp::Plus]), boxed())
                    .prop_map(|(op, x)| e(ExprKind::Unary(op, x))),
                (boxed(), name()).prop_map(|(x, k)| e(ExprKind::Property(x, k))),
                small_vec().prop_map(|xs| e(ExprKind::List(xs))),
                prop::collection::vec((name(), b()), 0..3).prop_map(|kv| e(ExprKind::Map(kv))),
                (boxed(), any::<bool>()).prop_map(|(x, negated)| e(ExprKind::IsNull { expr: x, negated })),
                (boxed(), prop::collection::vec(name(), 1..3)).prop_map(|(x, ls)| e(ExprKind::HasLabels(x, ls))),
                (boxed(), boxed()).prop_map(|(x, i)| e(ExprKind::Index(x, i))),
                (boxed(), opt(), opt()).prop_map(|(x, from, to)| e(ExprKind::Slice { expr: x, from, to })),
                (
                    prop::sample::select(vec!["size", "toUpper", "coalesce", "db.x", "sum", "collect"]),
                    any::<bool>(),
                    small_vec()
                )
                    .prop_map(|(n, distinct, args)| e(ExprKind::Function {
                        name: n.into(),
                        distinct,
                        args
                    })),
                (opt(), prop::collection::vec((b(), b()), 1..3), opt())
                    .prop_map(|(operand, whens, else_)| e(ExprKind::Case { operand, whens, else_ })),
                (var(), boxed(), opt(), opt()).prop_map(|(v, list, predicate, projection)| {
                    e(ExprKind::ListComprehension { var: v, list, predicate, projection })
                }),
                (
                    prop::sample::select(vec![Quantifier::All, Quantifier::Any, Quantifier::None, Quantifier::Single]),
                    var(),
                    boxed(),
                    opt()
                )
                    .prop_map(|(quantifier, v, list, predicate)| {
                        e(ExprKind::Quantified { quantifier, var: v, list, predicate })
                    }),
                (var(), boxed(), var(), boxed(), boxed())
                    .prop_map(|(acc, init, v, list, x)| { e(ExprKind::Reduce { acc, init, var: v, list, expr: x }) }),
                (var(), prop::collection::vec(map_proj_item(inner.clone()), 0..3))
                    .prop_map(|(v, items)| e(ExprKind::MapProjection { var: v, items })),
                element(inner.clone(), 1).prop_map(|p| e(ExprKind::Pattern(Box::new(p)))),
                (prop::option::of(var()), element(inner.clone(), 1), opt(), boxed()).prop_map(
                    |(v, p, predicate, projection)| {
                        e(ExprKind::PatternComprehension { var: v, pattern: Box::new(p), predicate, projection })
                    }
                ),
                (prop::collection::vec(part(inner.clone()), 1..3), opt())
                    .prop_map(|(pattern, where_)| e(ExprKind::Exists { pattern, where_ })),
            ]
        })
        .boxed()
}

fn map_proj_item(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = MapProjItem> {
    prop_oneof![
        name().prop_map(MapProjItem::Property),
        (name(), inner).prop_map(|(k, x)| MapProjItem::Literal(k, x)),
        var().prop_map(MapProjItem::Variable),
        Just(MapProjItem::AllProperties),
    ]
}

fn projection() -> impl Strategy<Value = Projection> {
    let item =
        (expr(), prop::option::of(var())).prop_map(|(expr, alias)| ProjItem { expr, alias, text: String::new() });
    let sort = (expr(), any::<bool>()).prop_map(|(expr, descending)| SortItem { expr, descending });
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(item, 0..3),
        prop::collection::vec(sort, 0..2),
        prop::option::of(expr()),
        prop::option::of(expr()),
    )
        .prop_map(|(distinct, star, mut items, order_by, skip, limit)| {
            if !star && items.is_empty() {
                items.push(ProjItem { expr: e(ExprKind::Literal(Literal::Int(1))), alias: None, text: String::new() });
            }
            Projection { distinct, star, items, order_by, skip, limit }
        })
}

/// The target of `SET x.k = ...` / `REMOVE x.k`: a variable or a property of one.
fn prop_target() -> impl Strategy<Value = Expr> {
    (name(), prop::option::of(name())).prop_map(|(v, k)| {
        let base = e(ExprKind::Variable(v));
        match k {
            Some(k) => e(ExprKind::Property(Box::new(base), k)),
            None => base,
        }
    })
}

fn set_item() -> impl Strategy<Value = SetItem> {
    let s = Span::default();
    prop_oneof![
        (prop_target(), name(), expr()).prop_map(move |(target, key, value)| SetItem::Property {
            target,
            key,
            value,
            span: s
        }),
        (var(), expr()).prop_map(move |(var, value)| SetItem::Replace { var, value, span: s }),
        (var(), expr()).prop_map(move |(var, value)| SetItem::Merge { var, value, span: s }),
        (var(), prop::collection::vec(name(), 1..3)).prop_map(move |(var, labels)| SetItem::Labels {
            var,
            labels,
            span: s
        }),
    ]
}

fn clause() -> impl Strategy<Value = Clause> {
    let s = Span::default();
    let pattern = || prop::collection::vec(part(expr()), 1..3);
    let remove_item = prop_oneof![
        (prop_target(), name()).prop_map(move |(target, key)| RemoveItem::Property { target, key, span: s }),
        (var(), prop::collection::vec(name(), 1..3)).prop_map(move |(var, labels)| RemoveItem::Labels {
            var,
            labels,
            span: s
        }),
    ];
    let yield_item =
        (name(), prop::option::of(var())).prop_map(move |(field, alias)| YieldItem { field, alias, span: s });
    prop_oneof![
        (any::<bool>(), pattern(), prop::option::of(expr()))
            .prop_map(move |(optional, pattern, where_)| Clause::Match(Match { optional, pattern, where_, span: s })),
        (expr(), var()).prop_map(move |(expr, alias)| Clause::Unwind(Unwind { expr, alias, span: s })),
        (projection(), prop::option::of(expr())).prop_map(move |(proj, where_)| Clause::With(With {
            proj,
            where_,
            span: s
        })),
        projection().prop_map(move |proj| Clause::Return(Return { proj, span: s })),
        pattern().prop_map(move |pattern| Clause::Create(Create { pattern, span: s })),
        (part(expr()), prop::collection::vec(set_item(), 0..2), prop::collection::vec(set_item(), 0..2))
            .prop_map(move |(part, on_create, on_match)| Clause::Merge(Merge { part, on_create, on_match, span: s })),
        prop::collection::vec(set_item(), 1..3).prop_map(move |items| Clause::Set(SetClause { items, span: s })),
        prop::collection::vec(remove_item, 1..3).prop_map(move |items| Clause::Remove(RemoveClause { items, span: s })),
        (any::<bool>(), prop::collection::vec(expr(), 1..3)).prop_map(move |(detach, exprs)| Clause::Delete(Delete {
            detach,
            exprs,
            span: s
        })),
        (
            prop::sample::select(vec!["db.labels", "db.search", "algo.pageRank", "`odd`.x"]),
            prop::option::of(prop::collection::vec(expr(), 0..3)),
            prop::option::of(prop::collection::vec(yield_item, 1..3)),
            any::<bool>(),
            prop::option::of(expr())
        )
            .prop_map(move |(n, args, yields, star, where_)| {
                // `YIELD *` only stands in a query of its own (see `statement`).
                let (_, yield_star) = (star, false);
                let where_ = if yields.is_some() { where_ } else { None };
                Clause::Call(Call { name: n.replace('`', ""), name_span: s, args, yields, yield_star, where_, span: s })
            }),
    ]
}

fn statement() -> impl Strategy<Value = Statement> {
    let s = Span::default();
    let single = prop::collection::vec(clause(), 1..4).prop_map(move |clauses| SingleQuery { clauses, span: s });
    let query = (prop::collection::vec(single, 1..3), prop::collection::vec(any::<bool>(), 2))
        .prop_map(|(parts, all)| Query { union_all: all[..parts.len() - 1].to_vec(), parts });
    let schema = prop_oneof![
        (prop::option::of(name()), name(), name(), prop::collection::vec(name(), 1..3), any::<bool>()).prop_map(
            move |(n, v, label, keys, if_not_exists)| Clause::CreateIndex(IndexDef {
                name: n,
                var: v,
                label,
                keys,
                if_not_exists,
                fulltext: None,
                span: s
            })
        ),
        (
            prop::option::of(name()),
            name(),
            prop::collection::vec(name(), 1..3),
            prop::collection::vec(name(), 1..3),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(move |(n, v, on, keys, rel, if_not_exists)| Clause::CreateIndex(IndexDef {
                name: n,
                var: v,
                label: on[0].clone(),
                keys,
                if_not_exists,
                fulltext: Some(silkgraph::ast::FulltextTarget { rel, on }),
                span: s
            })),
        (name(), any::<bool>()).prop_map(move |(n, if_exists)| Clause::DropIndex { name: n, if_exists, span: s }),
        any::<bool>().prop_map(move |fulltext| Clause::ShowIndexes { fulltext, span: s }),
        prop::option::of(prop::collection::vec(expr(), 0..2)).prop_map(move |args| Clause::Call(Call {
            name: "db.labels".into(),
            name_span: s,
            args,
            yields: None,
            yield_star: true,
            where_: None,
            span: s
        })),
    ]
    .prop_map(move |c| Query { parts: vec![SingleQuery { clauses: vec![c], span: s }], union_all: vec![] });
    let mode = prop::sample::select(vec![Mode::Run, Mode::Run, Mode::Explain, Mode::Profile]);
    (mode, prop_oneof![9 => query, 1 => schema]).prop_map(move |(mode, query)| Statement { mode, query, span: s })
}

proptest! {
    #![proptest_config(cases(256))]

    /// print → parse → print gives the same text: the printer writes what the parser reads.
    #[test]
    fn printed_statements_parse_back(stmt in statement()) {
        let printed = stmt.to_string();
        let parsed = silkgraph::syntax::parse(&printed)
            .map_err(|e| TestCaseError::fail(format!("{printed}\n{}", silkgraph::error::render(&e, &printed))))?;
        prop_assert_eq!(parsed.len(), 1, "{}", printed);
        prop_assert_eq!(parsed[0].to_string(), printed);
    }
}

// ---- the optimiser: an index changes the plan, never the rows --------------------------------

fn small_graph_script() -> impl Strategy<Value = String> {
    let value =
        prop_oneof![(-3i64..6).prop_map(|i| i.to_string()), "[a-c]".prop_map(|s| format!("'{s}'")), Just("1.5".into())];
    let node = (prop::sample::select(vec!["A", "B", "A:B"]), prop::option::of(value), 0i64..4)
        .prop_map(|(l, k, j)| format!("(:{l} {{{}j: {j}}})", k.map_or(String::new(), |k| format!("k: {k}, "))));
    prop::collection::vec(node, 1..25).prop_map(|nodes| {
        format!(
            "CREATE {}; MATCH (a), (b) WHERE a.j = b.j AND id(a) < id(b) CREATE (a)-[:R {{w: a.j}}]->(b)",
            nodes.join(", ")
        )
    })
}

fn rows(s: &mut Session, q: &str) -> Result<Vec<String>, String> {
    let o = s.run_statement(q, &Params::new()).map_err(|e| e.to_string())?;
    let mut r: Vec<String> = o.result.rows.iter().map(|row| format!("{row:?}")).collect();
    r.sort();
    Ok(r)
}

proptest! {
    #![proptest_config(cases(64))]

    #[test]
    fn indexes_change_plans_not_rows(script in small_graph_script(), v in -3i64..6, w in -3i64..6) {
        let plain = Session::load_script(&script).unwrap();
        let mut a = Session::new(plain.clone());
        let mut b = Session::new(plain);
        b.run_statement("CREATE INDEX FOR (n:A) ON (n.k)", &Params::new()).unwrap();
        b.run_statement("CREATE INDEX FOR (n:B) ON (n.j)", &Params::new()).unwrap();
        for q in [
            format!("MATCH (n:A) WHERE n.k = {v} RETURN id(n)"),
            format!("MATCH (n:A {{k: {v}}}) RETURN id(n), n.j"),
            format!("MATCH (n:A) WHERE n.k > {v} AND n.k <= {w} RETURN id(n)"),
            "MATCH (n:A) WHERE n.k >= 'b' RETURN id(n)".to_string(),
            format!("MATCH (n:B) WHERE n.j < {w} RETURN id(n), n.k"),
            format!("MATCH (n:A:B {{j: {v}}})-[r:R]->(m:B) WHERE m.j = n.j RETURN id(n), id(m), r.w"),
            format!("MATCH (n:A) WHERE n.k IN [{v}, {w}, 'a'] RETURN count(*)"),
            format!("MATCH (m)<-[:R]-(n:B) WHERE n.j = {v} OPTIONAL MATCH (n)-[:R]->(x:A {{k: {w}}}) RETURN id(m), id(x)"),
        ] {
            prop_assert_eq!(rows(&mut a, &q), rows(&mut b, &q), "{}", q);
        }
    }
}

// ---- export → import ---------------------------------------------------------------------------

fn prop_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::Int),
        any::<f64>().prop_map(Value::Float),
        any::<bool>().prop_map(Value::Bool),
        any::<String>().prop_map(|s| Value::str(&s)),
        prop::collection::vec(any::<i64>().prop_map(Value::Int), 0..4).prop_map(Value::list),
        prop::collection::vec(".{0,4}".prop_map(|s: String| Value::str(&s)), 0..3).prop_map(Value::list),
    ]
}

fn graph() -> impl Strategy<Value = Graph> {
    let props = || prop::collection::vec((name(), prop_value()), 0..4);
    let node = (prop::collection::vec(name(), 0..3), props());
    let nodes = prop::collection::vec(node, 0..12);
    let rels =
        prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), name(), props()), 0..16);
    (nodes, rels).prop_map(|(nodes, rels)| {
        let mut g = Graph::new();
        let ids: Vec<NodeId> = nodes
            .iter()
            .map(|(labels, props)| {
                g.create_node(labels.iter().map(String::as_str), props.iter().map(|(k, v)| (k.as_str(), v.clone())))
            })
            .collect();
        if !ids.is_empty() {
            for (a, b, ty, props) in &rels {
                g.create_rel(
                    ids[a.index(ids.len())],
                    ids[b.index(ids.len())],
                    ty,
                    props.iter().map(|(k, v)| (k.as_str(), v.clone())),
                );
            }
        }
        g
    })
}

/// A graph as comparable text: nodes in order with sorted labels and properties, then
/// relationships by the positions of their ends. Values keep their type (`1` vs `1.0`).
fn canonical(g: &Graph) -> Vec<String> {
    let nodes: Vec<NodeId> = g.node_ids().collect();
    let pos = |id: NodeId| nodes.iter().position(|n| *n == id).unwrap_or(usize::MAX);
    let props = |ps: &[(silkgraph::store::KeyId, Value)]| {
        let mut v: Vec<String> = ps
            .iter()
            .map(|(k, v)| format!("{}={}:{}", g.keys().name(*k), v.type_name(), silkgraph::value::to_cypher_literal(v)))
            .collect();
        v.sort();
        v.join(",")
    };
    let mut out = Vec::new();
    for &n in &nodes {
        let mut labels: Vec<&str> = g.node_labels(n).iter().map(|l| g.labels().name(*l)).collect();
        labels.sort();
        out.push(format!("node {} {}", labels.join(":"), props(&g.node_props(n))));
    }
    let mut rels: Vec<String> = g
        .rel_ids()
        .map(|r| {
            let (s, e) = g.rel_ends(r).unwrap();
            let ty = g.types().name(g.rel_type(r).unwrap());
            format!("rel {} {ty} {} {}", pos(s), pos(e), props(&g.rel_props(r)))
        })
        .collect();
    rels.sort();
    out.extend(rels);
    out
}

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn graphs_survive_cypher_export_and_import(g in graph()) {
        let script = silkgraph::graphs::to_cypher_script(&g);
        let back = Session::load_script(&script).map_err(|e| TestCaseError::fail(format!("{script}\n{e}")))?;
        prop_assert_eq!(canonical(&g), canonical(&back), "{}", script);
    }

    #[test]
    fn graphs_survive_json_export_and_import(g in graph()) {
        let text = silkgraph::graphs::to_json_graph(&g).to_string();
        let back = silkgraph::graphs::from_json_text(&text).map_err(|e| TestCaseError::fail(format!("{text}\n{e}")))?;
        prop_assert_eq!(canonical(&g), canonical(&back), "{}", text);
    }
}
