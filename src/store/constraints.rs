//! Constraints (`CREATE CONSTRAINT ... REQUIRE ...`): uniqueness, existence, keys and property
//! types, on the nodes of a label or the relationships of a type. They are checked when a
//! statement ends, on what it touched (read off the journal), so a statement that breaks one
//! fails whole; a uniqueness rule on nodes keeps an index of its own to check in one lookup.

use serde::{Deserialize, Serialize};

use super::{Graph, KeyId, LabelId, Savepoint, TypeId, Undo};
use crate::value::{NodeId, RelId, Value};

/// What a constraint requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    /// `IS UNIQUE`: no two have the same values (entities missing one of the keys are exempt).
    Unique,
    /// `IS NOT NULL`: every one has the property.
    NotNull,
    /// `IS [NODE|RELATIONSHIP] KEY`: unique, and every one has all the keys.
    Key,
    /// `IS :: TYPE`: the property, when there, has this type.
    Type {
        /// The type as Cypher writes it (`INTEGER`, `LOCAL DATETIME`).
        cypher: String,
        /// The name a value of the type gives (`Value::type_name`: `Integer`, `LocalDateTime`).
        value: String,
    },
}

/// A constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraint {
    /// Its name.
    pub name: String,
    /// What it requires.
    pub rule: Rule,
    /// On relationships of a type (else nodes of a label).
    pub rel: bool,
    /// The label's id, or the type's with `rel` (see [`Constraint::on_label`], [`Constraint::on_type`]).
    pub on: u32,
    /// The property keys.
    pub keys: Vec<KeyId>,
    /// The index made to check it (a node uniqueness rule's), dropped with it.
    pub index: Option<String>,
}

impl Constraint {
    /// The label it is on (a node constraint's).
    pub fn on_label(&self) -> LabelId {
        LabelId(self.on)
    }

    /// The type it is on (a relationship constraint's).
    pub fn on_type(&self) -> TypeId {
        TypeId(self.on)
    }
}

/// Why a constraint could not be made, dropped or kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstraintError {
    /// One with the same rule on the same label and keys exists (under this name).
    Equivalent(String),
    /// One with this name, or another on the same schema, exists.
    Exists(String),
    /// The graph already breaks it.
    CreationFailed(String),
    /// No constraint has this name.
    NotFound(String),
    /// A write broke it.
    Violated(String),
}

impl ConstraintError {
    /// Its message.
    pub fn message(&self) -> &str {
        match self {
            ConstraintError::Equivalent(m)
            | ConstraintError::Exists(m)
            | ConstraintError::CreationFailed(m)
            | ConstraintError::NotFound(m)
            | ConstraintError::Violated(m) => m,
        }
    }
}

impl Graph {
    /// The constraints.
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// Makes a constraint on `:on(keys)` (a type's relationships when `rel`): its name, or
    /// `None` when `if_not_exists` found one there already.
    pub fn create_constraint(
        &mut self,
        name: Option<&str>,
        rule: Rule,
        rel: bool,
        on: &str,
        keys: &[String],
        if_not_exists: bool,
    ) -> Result<Option<String>, ConstraintError> {
        let on_sym = if rel { self.types.intern(on).0 } else { self.intern_label(on).0 };
        let key_syms: Vec<KeyId> = keys.iter().map(|k| self.keys.intern(k)).collect();
        let what = |c: &Constraint| (c.rule.clone(), c.rel, c.on, c.keys.clone());
        let candidate = Constraint { name: String::new(), rule, rel, on: on_sym, keys: key_syms, index: None };
        let schema = format!("{}{on}({})", if rel { "()-[:" } else { ":" }, keys.join(", "));
        let rule_text = rule_text(&candidate.rule);
        if let Some(c) = self.constraints.iter().find(|c| what(c) == what(&candidate)) {
            if if_not_exists {
                return Ok(None);
            }
            if name.is_some_and(|n| n != c.name) {
                return Err(ConstraintError::Exists(format!("a constraint {} exists on {schema} {rule_text}", c.name)));
            }
            let m = format!("an equivalent constraint exists: {} ({schema} {rule_text})", c.name);
            return Err(ConstraintError::Equivalent(m));
        }
        let kind_clash = |c: &Constraint| {
            c.rel == rel && c.on == on_sym && c.keys == candidate.keys && unique(&c.rule) && unique(&candidate.rule)
        };
        if let Some(c) = self.constraints.iter().find(|c| name.is_some_and(|n| c.name == n) || kind_clash(c)) {
            if if_not_exists {
                return Ok(None);
            }
            return Err(ConstraintError::Exists(format!("a constraint {} exists on {schema}", c.name)));
        }
        let name = name.map_or_else(
            || {
                format!(
                    "constraint_{}_{}_{}",
                    on.to_lowercase(),
                    keys.join("_").to_lowercase(),
                    rule_word(&candidate.rule)
                )
            },
            str::to_string,
        );
        let mut c = Constraint { name: name.clone(), ..candidate };
        if let Some(why) = self.broken_by_existing(&c) {
            return Err(ConstraintError::CreationFailed(format!("cannot create constraint {name}: {why}")));
        }
        if unique(&c.rule) && !rel && self.indexes.get(LabelId(on_sym), c.keys[0]).is_none() {
            let ix = self.create_index(Some(&name), on, &keys[0]).map_err(ConstraintError::Exists)?;
            c.index = Some(ix);
        }
        self.constraints.push(c);
        Ok(Some(name))
    }

    /// Drops a constraint (and the index made for it); false if there is none of that name.
    pub fn drop_constraint(&mut self, name: &str) -> bool {
        let Some(i) = self.constraints.iter().position(|c| c.name == name) else { return false };
        let c = self.constraints.remove(i);
        if let Some(ix) = c.index {
            self.drop_index(&ix);
        }
        true
    }

    /// Removes a constraint, leaving its index (a log replays the index's drop by itself).
    pub(crate) fn forget_constraint(&mut self, name: &str) {
        self.constraints.retain(|c| c.name != name);
    }

    /// The constraints as changes that make them on another graph (names, not numbers).
    pub fn constraint_changes(&self) -> Vec<super::Change> {
        self.constraints
            .iter()
            .map(|c| super::Change::CreateConstraint {
                name: c.name.clone(),
                rule: c.rule.clone(),
                rel: c.rel,
                on: if c.rel { self.types.name(c.on_type()) } else { self.labels.name(c.on_label()) }.to_string(),
                keys: c.keys.iter().map(|&k| self.keys.name(k).to_string()).collect(),
                index: c.index.clone(),
            })
            .collect()
    }

    /// Puts a constraint back as it was saved (a snapshot's, or a log's), without checking it.
    pub(crate) fn restore_constraint(&mut self, c: Constraint) {
        self.constraints.retain(|x| x.name != c.name);
        self.constraints.push(c);
    }

    /// Whether what changed since `since` keeps every constraint; else which one broke, and how.
    pub fn check_constraints(&self, since: Savepoint) -> Result<(), ConstraintError> {
        if self.constraints.is_empty() {
            return Ok(());
        }
        let journal = self.journal.get(since.mark()..).unwrap_or_default();
        let mut nodes: Vec<u64> = Vec::new();
        let mut rels: Vec<u64> = Vec::new();
        for u in journal {
            match u {
                Undo::CreatedNodes { .. } => nodes.extend(u.created_nodes().map(u64::from)),
                Undo::CreatedRels { .. } => rels.extend(u.created_rels().map(u64::from)),
                Undo::AddedLabel { id, .. } | Undo::NodeProp { id, .. } => nodes.push(id.0),
                Undo::RelProp { id, .. } => rels.push(id.0),
                _ => {}
            }
        }
        nodes.sort_unstable();
        nodes.dedup();
        rels.sort_unstable();
        rels.dedup();
        for c in &self.constraints {
            let ids: &[u64] = if c.rel { &rels } else { &nodes };
            for &id in ids {
                if let Some(why) = self.breaks(c, id) {
                    return Err(ConstraintError::Violated(why));
                }
            }
        }
        Ok(())
    }

    /// Why the graph as it is breaks `c`, if it does.
    fn broken_by_existing(&self, c: &Constraint) -> Option<String> {
        if c.rel {
            let ids: Vec<u64> =
                self.rel_ids().filter(|&r| self.rel_type(r) == Some(c.on_type())).map(u64::from).collect();
            ids.into_iter().find_map(|id| self.breaks(c, id))
        } else {
            self.nodes_with_label(c.on_label()).find_map(|id| self.breaks(c, id.0))
        }
    }

    /// The values of `c`'s keys on an entity, or `None` when it does not exist or is not covered.
    fn covered(&self, c: &Constraint, id: u64) -> Option<Vec<Option<Value>>> {
        if c.rel {
            (self.rel_type(RelId(id))? == c.on_type())
                .then(|| c.keys.iter().map(|&k| self.rel_prop(RelId(id), k)).collect())
        } else {
            (self.node_exists(NodeId(id)) && self.has_label(NodeId(id), c.on_label()))
                .then(|| c.keys.iter().map(|&k| self.node_prop(NodeId(id), k)).collect())
        }
    }

    /// Why entity `id` breaks `c`, if it does.
    fn breaks(&self, c: &Constraint, id: u64) -> Option<String> {
        let values = self.covered(c, id)?;
        let (kind, of) = match c.rel {
            true => ("relationship", format!("of type {}", self.types.name(c.on_type()))),
            false => ("node", format!("with label {}", self.labels.name(c.on_label()))),
        };
        let thing = format!("{kind} {id} {of}");
        let keys = || c.keys.iter().map(|&k| self.keys.name(k)).collect::<Vec<_>>().join(", ");
        if matches!(c.rule, Rule::NotNull | Rule::Key) {
            if let Some(i) = values.iter().position(Option::is_none) {
                let k = self.keys.name(c.keys[i]);
                return Some(format!("{thing} must have the property `{k}` (constraint {})", c.name));
            }
        }
        if let Rule::Type { cypher: t, value: want } = &c.rule {
            if let Some(Some(v)) = values.first() {
                if v.type_name() != want {
                    let k = self.keys.name(c.keys[0]);
                    return Some(format!(
                        "{thing} has `{k}` of type {}, and constraint {} requires {t}",
                        v.type_name(),
                        c.name
                    ));
                }
            }
        }
        if unique(&c.rule) && values.iter().all(Option::is_some) {
            let values: Vec<Value> = values.into_iter().flatten().collect();
            if let Some(other) = self.twin(c, id, &values) {
                return Some(format!(
                    "{kind} {id} and {kind} {other} {of} have the same {} ({}) (constraint {})",
                    keys(),
                    values.iter().map(crate::value::to_cypher_literal).collect::<Vec<_>>().join(", "),
                    c.name
                ));
            }
        }
        None
    }

    /// Another entity `c` covers with the same key values as `id`.
    fn twin(&self, c: &Constraint, id: u64, values: &[Value]) -> Option<u64> {
        let same = |other: u64| {
            other != id
                && self.covered(c, other).is_some_and(|vs| {
                    vs.len() == values.len() && vs.iter().zip(values).all(|(a, b)| a.as_ref().is_some_and(|a| a == b))
                })
        };
        if c.rel {
            return self.rel_ids().map(u64::from).find(|&r| same(r));
        }
        match self.indexes.get(c.on_label(), c.keys[0]) {
            Some(ix) => ix.seek(&values[0]).into_iter().map(u64::from).find(|&n| same(n)),
            None => self.nodes_with_label(c.on_label()).map(u64::from).find(|&n| same(n)),
        }
    }
}

fn unique(r: &Rule) -> bool {
    matches!(r, Rule::Unique | Rule::Key)
}

fn rule_word(r: &Rule) -> &'static str {
    match r {
        Rule::Unique => "unique",
        Rule::NotNull => "exists",
        Rule::Key => "key",
        Rule::Type { .. } => "type",
    }
}

/// The rule as `REQUIRE` writes it.
pub fn rule_text(r: &Rule) -> String {
    match r {
        Rule::Unique => "IS UNIQUE".into(),
        Rule::NotNull => "IS NOT NULL".into(),
        Rule::Key => "IS KEY".into(),
        Rule::Type { cypher, .. } => format!("IS :: {cypher}"),
    }
}

/// Neo4j's name for a constraint's kind (`SHOW CONSTRAINTS`' `type` column).
pub fn kind_name(c: &Constraint) -> String {
    let base = match c.rule {
        Rule::Unique => "PROPERTY_UNIQUENESS",
        Rule::NotNull => "PROPERTY_EXISTENCE",
        Rule::Key => "KEY",
        Rule::Type { .. } => "PROPERTY_TYPE",
    };
    format!("{}_{base}", if c.rel { "RELATIONSHIP" } else { "NODE" })
}
