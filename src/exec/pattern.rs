//! Pattern checks shared by scans and expansions: label ids, a node's labels and properties
//! against a pattern element, and property constraints evaluated once when they are constant.

use std::rc::Rc;

use super::eval::eval_props;
use super::{Ctx, Row};
use crate::error::Result;
use crate::plan::NodeSpec;
use crate::store::{KeyId, LabelId};
use crate::value::{NodeId, Value};

/// Label ids, or `None` if a label does not exist (so nothing can match).
pub(crate) fn label_syms(ctx: Ctx, labels: &[String]) -> Option<Vec<LabelId>> {
    labels.iter().map(|l| ctx.graph.label_id(l)).collect()
}

pub(crate) fn node_matches(ctx: Ctx, id: NodeId, labels: &[LabelId], props: &[(KeyId, Value)]) -> bool {
    labels.iter().all(|l| ctx.graph.has_label(id, *l))
        && props.iter().all(|(k, v)| ctx.graph.node_prop_equals(id, *k, v))
}

/// The check of a node already bound against a pattern's labels and properties: the labels
/// looked up once, and the properties evaluated once when they read nothing of the row.
pub(crate) struct NodeCheck<'a> {
    node: &'a NodeSpec,
    /// `None`: a label does not exist, so no node matches.
    labels: Option<Vec<LabelId>>,
    fixed: Option<Wanted>,
}

impl<'a> NodeCheck<'a> {
    pub(crate) fn new(node: &'a NodeSpec, ctx: Ctx) -> NodeCheck<'a> {
        NodeCheck { node, labels: label_syms(ctx, &node.labels), fixed: fixed_props(&node.props, ctx) }
    }

    /// Whether the node bound in the row matches.
    pub(crate) fn test(&self, row: &Row, ctx: Ctx) -> Result<bool> {
        let Value::Node(id) = row[self.node.slot] else { return Ok(false) };
        let Some(labels) = &self.labels else { return Ok(false) };
        let props = wanted(&self.fixed, &self.node.props, row, ctx)?;
        Ok(props.as_ref().as_ref().is_some_and(|props| node_matches(ctx, id, labels, props)))
    }
}

/// Properties a pattern element must have; `None` inside: nothing can match (a null value or
/// a key no entity has).
pub(crate) type Wanted = Rc<Option<Vec<(KeyId, Value)>>>;

/// The properties, evaluated once, if they read nothing of the row (constants, parameters).
pub(crate) fn fixed_props(p: &Option<crate::plan::PropFilter>, ctx: Ctx) -> Option<Wanted> {
    use crate::plan::{Expr, PropFilter};
    fn constant(e: &Expr) -> bool {
        match e {
            Expr::Const(_) | Expr::Param(..) => true,
            Expr::List(xs) => xs.iter().all(constant),
            Expr::Map(kv) => kv.iter().all(|(_, e)| constant(e)),
            _ => false,
        }
    }
    let fixed = match p {
        None => true,
        Some(PropFilter::Pairs(kv)) => kv.iter().all(|(_, e)| constant(e)),
        Some(PropFilter::Map(e)) => constant(e),
    };
    if !fixed {
        return None;
    }
    // An error is left to each row, as if evaluated there.
    eval_props(p, &Vec::new(), ctx).ok().map(Rc::new)
}

/// [`fixed_props`] or, when they read the row, the properties evaluated for it.
pub(crate) fn wanted(
    fixed: &Option<Wanted>,
    p: &Option<crate::plan::PropFilter>,
    row: &Row,
    ctx: Ctx,
) -> Result<Wanted> {
    match fixed {
        Some(w) => Ok(w.clone()),
        None => eval_props(p, row, ctx).map(Rc::new),
    }
}
