//! Expressions the pushed operators evaluate through the store's property readers: a
//! projection of `n.key` and a filter `n.key < constant` read a node after another from a
//! column when the store has one (or the reads make one), instead of looking the node, its
//! property list and the key up and decoding the value for every row.

use std::cell::RefCell;

use crate::ast::BinaryOp;
use crate::error::Result;
use crate::exec::eval::{eval, operate, property};
use crate::exec::{Ctx, Row};
use crate::plan::{Expr, Key, Slot};
use crate::store::PropReader;
use crate::value::{NodeId, RelId, Value};

/// `slot.key`, read through a reader while the slot holds a node or a relationship.
pub(super) struct PropRead<'a> {
    slot: Slot,
    key: &'a Key,
    /// Where `slot.key` is written, for the error of a value that has no properties.
    span: crate::error::Span,
    /// The readers of nodes and of relationships; `None` when no entity has the key (the
    /// plain evaluation gives null, or its error).
    readers: Option<[RefCell<PropReader<'a>>; 2]>,
}

impl<'a> PropRead<'a> {
    pub(super) fn new(e: &'a Expr, ctx: Ctx<'a>) -> Option<PropRead<'a>> {
        let Expr::Prop(x, key, span) = e else { return None };
        let Expr::Slot(slot) = **x else { return None };
        let readers = ctx
            .key(key)
            .map(|k| [RefCell::new(ctx.graph.node_prop_reader(k)), RefCell::new(ctx.graph.rel_prop_reader(k))]);
        Some(PropRead { slot, key, span: *span, readers })
    }

    /// Asks for the memory of the values an expansion's `matches` will have it read (see
    /// [`PropReader::touch`]), when it reads the relationship in `rel_slot` or the node in
    /// `to_slot`; the matches are not walked when it reads neither, or has no reader.
    pub(super) fn touch(&self, (rel_slot, to_slot): (Slot, Slot), matches: impl Iterator<Item = (RelId, NodeId)>) {
        let Some([nodes, rels]) = &self.readers else { return };
        if self.slot == rel_slot {
            let rels = rels.borrow();
            matches.for_each(|(r, _)| rels.touch(r.0));
        } else if self.slot == to_slot {
            let nodes = nodes.borrow();
            matches.for_each(|(_, n)| nodes.touch(n.0));
        }
    }

    /// The reader for the value in the row's slot, and the id it reads.
    fn reader(&self, row: &Row) -> Option<(&RefCell<PropReader<'a>>, u64)> {
        let [nodes, rels] = self.readers.as_ref()?;
        match row[self.slot] {
            Value::Node(id) => Some((nodes, id.0)),
            Value::Rel(id) => Some((rels, id.0)),
            _ => None,
        }
    }

    /// `test` of the value where it lies, if the slot holds a node that is there: `Some(None)`
    /// when the value is not a string (null included), `None` when the plain road must answer.
    fn test_str(&self, row: &Row, test: impl FnOnce(&str) -> bool) -> Option<Option<bool>> {
        let (r, id) = self.reader(row)?;
        r.borrow_mut().test_str(id, test)
    }

    /// `test` of the value where it lies, if the slot holds a node that is there and the value
    /// is an integer: `Some(None)` when it is null, `None` when the plain road must answer.
    fn test_int(&self, row: &Row, test: impl FnOnce(i64) -> bool) -> Option<Option<bool>> {
        let (r, id) = self.reader(row)?;
        r.borrow_mut().test_int(id, test)
    }

    /// The reader of the matches an expansion binds in `rel_slot` and `to_slot`, if this reads
    /// one of them: with whether it reads the relationship. `Some(None)`: no entity has the key.
    pub(super) fn reader_of(
        &self,
        (rel_slot, to_slot): (Slot, Slot),
    ) -> Option<Option<(&RefCell<PropReader<'a>>, bool)>> {
        if self.slot != rel_slot && self.slot != to_slot {
            return None;
        }
        Some(
            self.readers
                .as_ref()
                .map(|[nodes, rels]| if self.slot == rel_slot { (rels, true) } else { (nodes, false) }),
        )
    }

    /// The value as the plain road reads it from the row (which says what is wrong).
    pub(super) fn read_plain(&self, row: &Row, ctx: Ctx) -> Result<Value> {
        property(&row[self.slot], self.key, ctx).map_err(|e| e.at(self.span))
    }

    /// The value, as `eval` gives it.
    pub(super) fn read(&self, row: &Row, ctx: Ctx) -> Result<Value> {
        if let Some((r, id)) = self.reader(row) {
            if let Some(v) = r.borrow_mut().lookup(id) {
                return Ok(v.unwrap_or(Value::Null));
            }
        }
        // Neither a node nor a relationship, or one that is gone: evaluated as usual (which
        // says so).
        property(&row[self.slot], self.key, ctx).map_err(|e| e.at(self.span))
    }
}

/// A filter `slot.key <op> value` (or `value <op> slot.key`), the value a constant or a
/// parameter.
pub(in crate::exec) struct Compare<'a> {
    prop: PropRead<'a>,
    op: BinaryOp,
    value: Value,
    /// The value is on the left.
    flipped: bool,
    /// `slot.key STARTS WITH 'text'` (and ENDS WITH, CONTAINS): the test, made of the node's
    /// text where it lies rather than a copy of it.
    text: Option<TextTest>,
}

impl<'a> Compare<'a> {
    /// The property it compares.
    pub(super) fn prop(&self) -> &PropRead<'a> {
        &self.prop
    }

    pub(in crate::exec) fn new(predicate: &'a Expr, ctx: Ctx<'a>) -> Option<Compare<'a>> {
        let Expr::Binary(op, a, b, _) = predicate else { return None };
        use BinaryOp::*;
        if !matches!(op, Eq | Ne | Lt | Le | Gt | Ge | StartsWith | EndsWith | Contains) {
            return None;
        }
        let fixed = |e: &Expr| matches!(e, Expr::Const(_) | Expr::Param(..)).then(|| eval(e, &Vec::new(), ctx).ok())?;
        let (prop, value, flipped) = match (PropRead::new(a, ctx), PropRead::new(b, ctx)) {
            (Some(p), None) => (p, fixed(b)?, false),
            (None, Some(p)) => (p, fixed(a)?, true),
            _ => return None,
        };
        let text = match (&value, flipped) {
            (Value::String(t), false) => TextTest::new(*op, t),
            _ => None,
        };
        Some(Compare { prop, op: *op, value, flipped, text })
    }

    /// The predicate's value for the row, as `eval` gives it.
    pub(in crate::exec) fn test(&self, row: &Row, ctx: Ctx) -> Result<Value> {
        // A value that is not a string gives null, as `operate` says.
        if let Some(test) = &self.text {
            if let Some(r) = self.prop.test_str(row, |s| test.test(s)) {
                return Ok(r.map_or(Value::Null, Value::Bool));
            }
        }
        // An integer against an integer, compared where it lies with no value made.
        if let (Value::Int(k), Some(cmp)) = (&self.value, int_comparison(self.op, self.flipped)) {
            if let Some(r) = self.prop.test_int(row, |x| cmp(x, *k)) {
                return Ok(r.map_or(Value::Null, Value::Bool));
            }
        }
        let v = self.prop.read(row, ctx)?;
        if self.flipped {
            operate(self.op, self.value.clone(), v, ctx)
        } else {
            operate(self.op, v, self.value.clone(), ctx)
        }
    }
}

/// A text test against a constant, prepared once: a search for CONTAINS made once (the
/// standard library's prepares it again at every call), and the ends compared byte by byte.
enum TextTest {
    Starts(Box<[u8]>),
    Ends(Box<[u8]>),
    Contains(Box<memchr::memmem::Finder<'static>>),
}

impl TextTest {
    fn new(op: BinaryOp, t: &str) -> Option<TextTest> {
        let bytes: Box<[u8]> = t.as_bytes().into();
        Some(match op {
            BinaryOp::StartsWith => TextTest::Starts(bytes),
            BinaryOp::EndsWith => TextTest::Ends(bytes),
            BinaryOp::Contains => TextTest::Contains(Box::new(memchr::memmem::Finder::new(&bytes).into_owned())),
            _ => return None,
        })
    }

    fn test(&self, s: &str) -> bool {
        let s = s.as_bytes();
        let same = |a: &[u8], b: &[u8]| a.iter().zip(b).all(|(x, y)| x == y);
        match self {
            TextTest::Starts(t) => s.len() >= t.len() && same(&s[..t.len()], t),
            TextTest::Ends(t) => s.len() >= t.len() && same(&s[s.len() - t.len()..], t),
            TextTest::Contains(f) => f.find(s).is_some(),
        }
    }
}

/// `prop <op> constant` on integers (`constant <op> prop` if `flipped`), as a test of the
/// property's value `x` against the constant `k`; `None` for an operator that is not a
/// comparison.
fn int_comparison(op: BinaryOp, flipped: bool) -> Option<fn(i64, i64) -> bool> {
    use BinaryOp::*;
    let op = if flipped { op.flipped() } else { op };
    Some(match op {
        Eq => |x, k| x == k,
        Ne => |x, k| x != k,
        Lt => |x, k| x < k,
        Le => |x, k| x <= k,
        Gt => |x, k| x > k,
        Ge => |x, k| x >= k,
        _ => return None,
    })
}
