//! Grouping and aggregate functions.

use std::collections::HashSet;
use std::sync::Arc;

use super::eval::eval;
use super::groups::{GroupKey, Groups};
use super::rows::rows_or_error;
use super::{type_err, Ctx, Keep, Row, RowIter};
use crate::catalog::functions::F;
use crate::error::{Detail, Error, Kind, Result};
use crate::plan::{Agg, AggFunc, Expr, Key, Slot};
use crate::store::Scalar;
use crate::value::Value;

/// The running state of one aggregate in one group.
#[derive(Debug, Clone)]
enum Acc {
    Count(i64),
    SumInt(i64),
    SumFloat(f64),
    Avg(f64, i64),
    /// sum() or avg() of durations: the sum and the count.
    Durations(Value, i64),
    Best(Option<Value>),
    Values(Vec<Value>),
}

pub(crate) struct State {
    acc: Acc,
    /// DISTINCT's values seen, and the value of a second argument (a percentile's): boxed,
    /// since most aggregates have neither and a grouping keeps a state per group.
    extra: Option<Box<Extra>>,
}

/// What an aggregate with DISTINCT or a second argument keeps beside its accumulator.
#[derive(Debug, Clone, Default)]
struct Extra {
    seen: Option<HashSet<Value, ahash::RandomState>>,
    param: Option<Value>,
}

impl State {
    pub(crate) fn new(a: &Agg) -> State {
        let acc = match a.func {
            AggFunc::CountStar | AggFunc::Count => Acc::Count(0),
            AggFunc::Sum => Acc::SumInt(0),
            AggFunc::Avg => Acc::Avg(0.0, 0),
            AggFunc::Min | AggFunc::Max => Acc::Best(None),
            _ => Acc::Values(Vec::new()),
        };
        let extra = (a.distinct || a.args.len() > 1)
            .then(|| Box::new(Extra { seen: a.distinct.then(HashSet::default), param: None }));
        State { acc, extra }
    }

    fn add(&mut self, a: &Agg, row: &Row, ctx: Ctx) -> Result<()> {
        if a.func == AggFunc::CountStar {
            if let Acc::Count(c) = &mut self.acc {
                *c += 1;
            }
            return Ok(());
        }
        let v = eval(&a.args[0], row, ctx)?;
        self.add_value(a, v, row, ctx)
    }

    /// [`State::add_value`] of a value a reader gave as a [`Scalar`]: an integer summed or
    /// compared with the integer kept without a `Value` made, anything else as
    /// `add_value` takes it (so the order of the values, and the errors, are the same).
    pub(crate) fn add_scalar(&mut self, a: &Agg, v: Scalar, row: &Row, ctx: Ctx) -> Result<()> {
        let plain = self.extra.is_none();
        match (v, &mut self.acc) {
            (Scalar::Null, _) => {}
            (Scalar::Int(i), Acc::SumInt(s)) if plain => {
                *s = s.checked_add(i).ok_or_else(|| {
                    Error::runtime(Kind::ArgumentError, Detail::IntegerOverflow, "integer overflow in sum()")
                })?
            }
            (Scalar::Int(i), Acc::Best(Some(Value::Int(cur)))) if plain => {
                if (a.func == AggFunc::Min && i < *cur) || (a.func == AggFunc::Max && i > *cur) {
                    *cur = i;
                }
            }
            (v, _) => self.add_value(a, v.into_value(), row, ctx)?,
        }
        Ok(())
    }

    /// [`State::add`] with the first argument already evaluated.
    pub(crate) fn add_value(&mut self, a: &Agg, v: Value, row: &Row, ctx: Ctx) -> Result<()> {
        if v.is_null() {
            return Ok(());
        }
        if let (Some(p), Some(extra)) = (a.args.get(1), &mut self.extra) {
            if extra.param.is_none() {
                extra.param = Some(eval(p, row, ctx)?);
            }
        }
        if let Some(seen) = self.extra.as_mut().and_then(|x| x.seen.as_mut()) {
            let size = super::value_size(&v) + super::set_entry(std::mem::size_of::<Value>() as u64);
            if !seen.insert(v.clone()) {
                return Ok(());
            }
            ctx.control.charge(size)?;
        }
        match (&mut self.acc, a.func) {
            (Acc::Count(c), _) => *c += 1,
            (Acc::SumInt(0) | Acc::Avg(_, 0), _) if matches!(v, Value::Duration(_)) => self.acc = Acc::Durations(v, 1),
            (Acc::Durations(s, n), _) => {
                *s = crate::value::temporal::arith(crate::value::temporal::Arith::Add, s, &v)?;
                *n += 1
            }
            (Acc::SumInt(s), _) => match v {
                Value::Int(i) => {
                    *s = s.checked_add(i).ok_or_else(|| {
                        Error::runtime(Kind::ArgumentError, Detail::IntegerOverflow, "integer overflow in sum()")
                    })?
                }
                Value::Float(f) => self.acc = Acc::SumFloat(*s as f64 + f),
                other => return Err(type_err("sum() expects numbers", &other)),
            },
            (Acc::SumFloat(s), _) => match v {
                Value::Int(i) => *s += i as f64,
                Value::Float(f) => *s += f,
                other => return Err(type_err("sum() expects numbers", &other)),
            },
            (Acc::Avg(s, n), _) => match v {
                Value::Int(i) => {
                    *s += i as f64;
                    *n += 1
                }
                Value::Float(f) => {
                    *s += f;
                    *n += 1
                }
                other => return Err(type_err("avg() expects numbers", &other)),
            },
            (Acc::Best(b), f) => {
                let better = match b {
                    None => true,
                    Some(cur) => {
                        let o = minmax_order(&v, cur);
                        if f == AggFunc::Min {
                            o == std::cmp::Ordering::Less
                        } else {
                            o == std::cmp::Ordering::Greater
                        }
                    }
                };
                if better {
                    *b = Some(v);
                }
            }
            (Acc::Values(vs), f) => {
                if matches!(f, AggFunc::StDev | AggFunc::StDevP | AggFunc::PercentileCont | AggFunc::PercentileDisc)
                    && !matches!(v, Value::Int(_) | Value::Float(_))
                {
                    return Err(type_err("this aggregate expects numbers", &v));
                }
                ctx.control.charge(super::value_size(&v))?;
                vs.push(v)
            }
        }
        Ok(())
    }

    /// Adds the state of the rows that follow (see [`Grouping::merge`]).
    fn merge(&mut self, other: State, a: &Agg) -> Result<()> {
        let overflow = || Error::runtime(Kind::ArgumentError, Detail::IntegerOverflow, "integer overflow in sum()");
        match (&mut self.acc, other.acc) {
            (Acc::Count(x), Acc::Count(y)) => *x += y,
            (Acc::SumInt(x), Acc::SumInt(y)) => *x = x.checked_add(y).ok_or_else(overflow)?,
            (Acc::SumInt(x), Acc::SumFloat(y)) => self.acc = Acc::SumFloat(*x as f64 + y),
            (Acc::SumFloat(x), Acc::SumInt(y)) => *x += y as f64,
            (Acc::SumFloat(x), Acc::SumFloat(y)) => *x += y,
            (Acc::Avg(s, n), Acc::Avg(s2, n2)) => {
                *s += s2;
                *n += n2;
            }
            (Acc::Best(b), Acc::Best(Some(v))) => {
                let better = b.as_ref().is_none_or(|cur| {
                    let o = minmax_order(&v, cur);
                    o == if a.func == AggFunc::Min { std::cmp::Ordering::Less } else { std::cmp::Ordering::Greater }
                });
                if better {
                    *b = Some(v);
                }
            }
            (Acc::Best(_), Acc::Best(None)) => {}
            (Acc::Values(xs), Acc::Values(ys)) => xs.extend(ys),
            // `Grouping::mergeable` and `Grouping::merge` let no other pair through.
            _ => {
                return Err(Error::runtime(
                    Kind::ArgumentError,
                    Detail::None,
                    "aggregates of different kinds cannot merge",
                ))
            }
        }
        Ok(())
    }

    pub(crate) fn finish(self, a: &Agg) -> Result<Value> {
        Ok(match self.acc {
            Acc::Count(c) => Value::Int(c),
            Acc::SumInt(s) => Value::Int(s),
            Acc::SumFloat(s) => Value::Float(s),
            Acc::Avg(_, 0) => Value::Null,
            Acc::Avg(s, n) => Value::Float(s / n as f64),
            Acc::Durations(s, n) if a.func == AggFunc::Avg => {
                crate::value::temporal::arith(crate::value::temporal::Arith::Div, &s, &Value::Int(n))?
            }
            Acc::Durations(s, _) => s,
            Acc::Best(b) => b.unwrap_or(Value::Null),
            Acc::Values(vs) => match a.func {
                AggFunc::Collect => Value::list(vs),
                AggFunc::StDev | AggFunc::StDevP => {
                    let xs: Vec<f64> = vs.iter().map(num).collect();
                    let n = xs.len() as f64;
                    let denom = if a.func == AggFunc::StDev { n - 1.0 } else { n };
                    if xs.is_empty() || denom <= 0.0 {
                        Value::Float(0.0)
                    } else {
                        let mean = xs.iter().sum::<f64>() / n;
                        Value::Float((xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / denom).sqrt())
                    }
                }
                _ => percentile(vs, self.extra.and_then(|x| x.param), a.func == AggFunc::PercentileCont)?,
            },
        })
    }
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => f64::NAN,
    }
}

/// min/max order: numbers compare numerically, otherwise the global order.
fn minmax_order(a: &Value, b: &Value) -> std::cmp::Ordering {
    a.cypher_cmp(b).unwrap_or_else(|| a.order(b))
}

fn percentile(mut vs: Vec<Value>, p: Option<Value>, cont: bool) -> Result<Value> {
    let p = match p {
        Some(Value::Int(i)) => i as f64,
        Some(Value::Float(f)) => f,
        None => return Ok(Value::Null),
        Some(v) => return Err(type_err("percentile must be a number", &v)),
    };
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::runtime(
            Kind::ArgumentError,
            Detail::NumberOutOfRange,
            "percentile must be between 0.0 and 1.0",
        ));
    }
    if vs.is_empty() {
        return Ok(Value::Null);
    }
    vs.sort_by(|a, b| a.order(b));
    let n = vs.len();
    if cont {
        let pos = p * (n - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        let frac = pos - lo as f64;
        Ok(Value::Float(num(&vs[lo]) + (num(&vs[hi]) - num(&vs[lo])) * frac))
    } else {
        let idx = ((p * n as f64).ceil() as usize).max(1) - 1;
        Ok(vs[idx.min(n - 1)].clone())
    }
}

/// Grouping by `keys`: takes its rows one at a time, by value or by reference (see `push`),
/// and gives one row per group (in first-seen order).
pub(crate) struct Grouping<'a> {
    keys: &'a [(Expr, Slot)],
    aggs: &'a [Agg],
    ctx: Ctx<'a>,
    /// The groups' keys, in the order they first came; a group is its index here.
    groups: Groups,
    /// The aggregates' states, `aggs.len()` a group, in the groups' order.
    states: Vec<State>,
    /// Each group's first row: the values of the slots `reads` names, `reads.len()` a group
    /// (one vector for all groups, not a row each), or the whole row without `reads`.
    kept: Vec<Value>,
    kept_rows: Vec<Row>,
    /// The width of the rows taken (the rows made of `kept` are as wide).
    width: usize,
    /// The key of each row is built in one buffer, copied only for a new group.
    k: Vec<Value>,
    /// Rows often come in runs that share what the keys read (an expansion's rows share the
    /// node they came from): while the nodes and relationships the keys read are the previous
    /// row's, so is the group, and the keys are not evaluated again.
    memo: Option<Vec<Slot>>,
    read: Vec<Value>,
    last_read: Vec<Value>,
    last_group: Option<usize>,
    /// Rows are taken in batches so that the properties the aggregates read are fetched for a
    /// whole batch at once (see `fetch`): `batch[..len]`, the rest kept for their memory.
    wanted: Vec<Option<(Slot, &'a Key)>>,
    fetched: Vec<Vec<Option<Value>>>,
    /// The same for the keys, while most rows need their keys evaluated (the previous row's
    /// group is seldom theirs).
    key_wanted: Vec<Option<(Slot, &'a Key)>>,
    key_fetched: Vec<Vec<Option<Value>>>,
    fetch_keys: bool,
    batch: Vec<Row>,
    len: usize,
    /// The slots the keys and aggregates read, if known: only those are copied from a
    /// borrowed row (the others of a batch row may hold an earlier row's values).
    reads: Option<Vec<Slot>>,
    /// Groups of a single string key by the key's address (kept alive here, so an address
    /// is never another string's): a few, tried before hashing.
    by_address: Vec<(Arc<str>, usize)>,
}

/// Runs an aggregation over the rows `feed` hands the grouping; on an error the rows before it
/// are aggregated first (their own error wins).
pub(crate) fn run<'a>(
    keys: &'a [(Expr, Slot)],
    aggs: &'a [Agg],
    ctx: Ctx<'a>,
    feed: impl FnOnce(&mut Grouping<'a>) -> Result<()>,
) -> RowIter<'a> {
    let mut g = Grouping::new(keys, aggs, ctx);
    rows_or_error(match feed(&mut g) {
        Ok(()) => g.finish(),
        Err(e) => g.flush().and(Err(e)),
    })
}

impl<'a> Grouping<'a> {
    pub(crate) fn new(keys: &'a [(Expr, Slot)], aggs: &'a [Agg], ctx: Ctx<'a>) -> Grouping<'a> {
        Grouping {
            keys,
            aggs,
            ctx,
            groups: Groups::new(rising_at(keys)),
            states: Vec::new(),
            kept: Vec::new(),
            kept_rows: Vec::new(),
            width: ctx.width,
            k: Vec::with_capacity(keys.len()),
            memo: memo_slots(keys),
            read: Vec::new(),
            last_read: Vec::new(),
            last_group: None,
            wanted: aggs.iter().map(prop_arg).collect(),
            fetched: vec![Vec::new(); aggs.len()],
            key_wanted: keys.iter().map(|(e, _)| slot_prop(e)).collect(),
            key_fetched: vec![Vec::new(); keys.len()],
            fetch_keys: true,
            batch: Vec::with_capacity(BATCH),
            len: 0,
            reads: slots_read(keys, aggs),
            by_address: Vec::new(),
        }
    }

    /// A grouping like this one with no rows yet.
    pub(crate) fn empty(&self) -> Grouping<'a> {
        Grouping::new(self.keys, self.aggs, self.ctx)
    }

    /// The groups so far, as a grouping of their own; this one goes on with none, keeping
    /// its buffers (for the next part of the rows, see `push::parallel`).
    pub(crate) fn take(&mut self) -> Result<Grouping<'a>> {
        self.flush()?;
        let mut part = self.empty();
        part.groups = std::mem::replace(&mut self.groups, Groups::new(rising_at(self.keys)));
        part.states = std::mem::take(&mut self.states);
        part.kept = std::mem::take(&mut self.kept);
        part.kept_rows = std::mem::take(&mut self.kept_rows);
        part.width = self.width;
        self.by_address.clear();
        self.last_group = None;
        self.fetch_keys = true;
        Ok(part)
    }

    /// Takes a row (a borrowed one is copied into a buffer the batch reuses).
    pub(crate) fn add(&mut self, row: Keep) -> Result<()> {
        match (self.batch.get_mut(self.len), row, &self.reads) {
            (Some(slot), Keep::Owned(r), _) => *slot = r,
            (Some(slot), Keep::Borrowed(r), Some(reads)) => reads.iter().for_each(|&s| slot[s].clone_from(&r[s])),
            (Some(slot), Keep::Borrowed(r), None) => slot.clone_from(r),
            (None, r, _) => self.batch.push(r.into_row()),
        }
        self.len += 1;
        if self.len == BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Aggregates the rows taken so far.
    pub(crate) fn flush(&mut self) -> Result<()> {
        let (ctx, keys, aggs) = (self.ctx, self.keys, self.aggs);
        let batch = &self.batch[..self.len];
        self.len = 0;
        for (w, out) in self.wanted.iter().zip(self.fetched.iter_mut()) {
            if let Some((slot, key)) = w {
                fetch(ctx, batch, *slot, key, out);
            }
        }
        for (w, out) in self.key_wanted.iter().zip(self.key_fetched.iter_mut()) {
            match w {
                Some((slot, key)) if self.fetch_keys => fetch(ctx, batch, *slot, key, out),
                _ => out.clear(),
            }
        }
        let mut evaluated = 0;
        // What the batch's new groups hold, charged once for the batch (threads grouping
        // together would contend for a charge each).
        let mut new_bytes = 0;
        ctx.control.tick_n(batch.len() as u64)?;
        for (n, row) in batch.iter().enumerate() {
            let (mut same, mut entities) = (false, false);
            if let Some(slots) = &self.memo {
                self.read.clear();
                self.read.extend(slots.iter().map(|&s| row[s].clone()));
                entities = self.read.iter().all(|v| matches!(v, Value::Node(_) | Value::Rel(_)));
                same = entities && self.last_group.is_some() && self.read == self.last_read;
            }
            // Without keys there is one group, the first.
            let single = (keys.is_empty() && !self.groups.is_empty()).then_some(0);
            let i = match self.last_group.filter(|_| same).or(single) {
                Some(i) => i,
                None => {
                    self.k.clear();
                    for ((e, _), got) in keys.iter().zip(self.key_fetched.iter_mut()) {
                        match got.get_mut(n).and_then(Option::take) {
                            Some(v) => self.k.push(v),
                            None => self.k.push(eval(e, row, ctx)?),
                        }
                    }
                    evaluated += 1;
                    // A single string key read from a column is, within a thread, the very
                    // string of the previous rows with that text: found by its address.
                    let shared = match &self.k[..] {
                        [Value::String(t)] => self.by_address.iter().find(|(a, _)| Arc::ptr_eq(a, t)).map(|e| e.1),
                        _ => None,
                    };
                    let i = match shared.or_else(|| self.groups.find(&self.k[..])) {
                        Some(i) => {
                            if let ([Value::String(t)], None, true) = (&self.k[..], shared, self.by_address.len() < 16)
                            {
                                self.by_address.push((t.clone(), i));
                            }
                            i
                        }
                        None => {
                            self.width = row.len();
                            let kept = match &self.reads {
                                Some(reads) => {
                                    let at = self.kept.len();
                                    self.kept.extend(reads.iter().map(|&s| row[s].clone()));
                                    &self.kept[at..]
                                }
                                None => {
                                    self.kept_rows.push(row.clone());
                                    &self.kept_rows[self.kept_rows.len() - 1][..]
                                }
                            };
                            new_bytes += super::row_size(&self.k) + super::row_size(kept);
                            self.states.extend(aggs.iter().map(State::new));
                            self.groups.insert(self.k.drain(..).collect())
                        }
                    };
                    self.last_group = entities.then_some(i);
                    std::mem::swap(&mut self.read, &mut self.last_read);
                    i
                }
            };
            let states = &mut self.states[i * aggs.len()..(i + 1) * aggs.len()];
            for ((s, a), got) in states.iter_mut().zip(aggs).zip(self.fetched.iter_mut()) {
                match got.get_mut(n).and_then(Option::take) {
                    Some(v) => s.add_value(a, v, row, ctx)?,
                    None => s.add(a, row, ctx)?,
                }
            }
        }
        self.fetch_keys = evaluated * 2 > batch.len();
        ctx.control.charge(new_bytes)
    }

    /// Adds the groupings of the rows that follow those taken so far, part after part, as if
    /// their rows had been taken here: the groups keep the order in which their keys first
    /// came, and each its first row. `Ok(false)`, with nothing changed, when a part holds
    /// what does not merge (a sum of durations): the rows are then to be taken one by one.
    pub(crate) fn merge(&mut self, parts: Vec<Grouping<'a>>) -> Result<bool> {
        self.flush()?;
        let plain = |st: &State| !matches!(st.acc, Acc::Durations(..));
        let all = std::iter::once(&*self).chain(&parts);
        if !all.flat_map(|g| &g.states).all(plain) {
            return Ok(false);
        }
        let (na, kw) = (self.aggs.len(), self.reads.as_ref().map(Vec::len));
        for part in parts {
            if !part.groups.is_empty() {
                self.width = part.width;
            }
            if self.groups.follows(&part.groups) {
                // Groups none of these has (a later part of a scan grouped by its node).
                self.states.extend(part.states);
                self.kept.extend(part.kept);
                self.kept_rows.extend(part.kept_rows);
                self.groups.append(part.groups);
                continue;
            }
            let (mut states, mut kept, mut rows) =
                (part.states.into_iter(), part.kept.into_iter(), part.kept_rows.into_iter());
            for k in part.groups {
                let (i, new) = self.groups.insert_full(k);
                let theirs = states.by_ref().take(na);
                if new {
                    self.states.extend(theirs);
                    match kw {
                        Some(kw) => self.kept.extend(kept.by_ref().take(kw)),
                        None => self.kept_rows.extend(rows.next()),
                    }
                    continue;
                }
                // A group this one has: its part's first row goes, and what it was charged.
                let row: Vec<Value> = match kw {
                    Some(kw) => kept.by_ref().take(kw).collect(),
                    None => rows.next().unwrap_or_default(),
                };
                let key = self.groups.get(i).map_or(0, |k| super::row_size(k));
                self.ctx.control.release(key + super::row_size(&row));
                let mine = &mut self.states[i * na..(i + 1) * na];
                for ((mine, theirs), a) in mine.iter_mut().zip(theirs).zip(self.aggs) {
                    mine.merge(theirs, a)?;
                }
            }
        }
        self.last_group = None;
        Ok(true)
    }

    /// One row per group.
    pub(crate) fn finish(mut self) -> Result<Vec<Row>> {
        self.flush()?;
        let (ctx, keys, aggs) = (self.ctx, self.keys, self.aggs);
        if self.groups.is_empty() && keys.is_empty() {
            // Without keys and rows, one group of no rows.
            self.groups.insert(GroupKey::new());
            self.states.extend(aggs.iter().map(State::new));
            self.kept.extend(self.reads.iter().flatten().map(|_| Value::Null));
            self.kept_rows.extend(self.reads.is_none().then(|| vec![Value::Null; ctx.width]));
        }
        let mut out = Vec::with_capacity(self.groups.len());
        let (mut states, mut kept, mut rows) =
            (self.states.into_iter(), self.kept.into_iter(), self.kept_rows.into_iter());
        for k in self.groups {
            let mut row = match &self.reads {
                Some(reads) => {
                    // Written in place (`vec![Value::Null; n]` clones the value n times).
                    let mut row = Vec::with_capacity(self.width);
                    row.resize_with(self.width, || Value::Null);
                    reads.iter().zip(kept.by_ref()).for_each(|(&s, v)| row[s] = v);
                    row
                }
                None => rows.next().unwrap_or_else(|| vec![Value::Null; ctx.width]),
            };
            for ((_, slot), v) in keys.iter().zip(k) {
                row[*slot] = v;
            }
            for (s, a) in states.by_ref().take(aggs.len()).zip(aggs) {
                row[a.slot] = s.finish(a)?;
            }
            out.push(row);
        }
        Ok(out)
    }
}

/// Rows per batch.
const BATCH: usize = 256;

/// The key whose groups may come in rising order, if one is a variable (see `exec/groups.rs`).
fn rising_at(keys: &[(Expr, Slot)]) -> Option<usize> {
    keys.iter().position(|(e, _)| matches!(e, Expr::Slot(_)))
}

/// `e.key` of a slot, the argument an aggregate reads most often.
fn prop_arg(a: &Agg) -> Option<(Slot, &Key)> {
    a.args.first().filter(|_| a.func != AggFunc::CountStar).and_then(slot_prop)
}

/// The slot and key of `slot.key`.
fn slot_prop(e: &Expr) -> Option<(Slot, &Key)> {
    match e {
        Expr::Prop(x, key, _) => match **x {
            Expr::Slot(s) => Some((s, key)),
            _ => None,
        },
        _ => None,
    }
}

/// `row[slot].key` for every row of a batch whose slot holds a node or relationship, read
/// from the store a batch at a time, so that the memory reads of many rows overlap instead of
/// each waiting for the one before (a relationship's properties are three dependent reads,
/// each likely a cache miss). `None` where the value is to be evaluated as usual.
fn fetch(ctx: Ctx, batch: &[Row], slot: Slot, key: &Key, out: &mut Vec<Option<Value>>) {
    out.clear();
    out.resize(batch.len(), None);
    let Some(key) = ctx.key(key) else { return };
    let (mut nodes, mut rels) = (Vec::with_capacity(batch.len()), Vec::new());
    for row in batch {
        match row[slot] {
            Value::Node(id) => nodes.push(id),
            Value::Rel(id) => rels.push(id),
            _ => {}
        }
    }
    let mut vals = Vec::new();
    for node in [true, false] {
        match node {
            true if !nodes.is_empty() => ctx.graph.node_props_batch(&nodes, key, &mut vals),
            false if !rels.is_empty() => ctx.graph.rel_props_batch(&rels, key, &mut vals),
            _ => continue,
        }
        let mut vals = vals.drain(..);
        for (row, o) in batch.iter().zip(out.iter_mut()) {
            if matches!((&row[slot], node), (Value::Node(_), true) | (Value::Rel(_), false)) {
                // `None` for an entity that is gone: evaluated as usual, which says so.
                *o = vals.next().flatten();
            }
        }
    }
}

/// The slots the keys and the aggregates' arguments read, if known.
fn slots_read(keys: &[(Expr, Slot)], aggs: &[Agg]) -> Option<Vec<Slot>> {
    let mut out = Vec::new();
    for e in keys.iter().map(|(e, _)| e).chain(aggs.iter().flat_map(|a| &a.args)) {
        out.extend(crate::plan::expr_reads(e)?);
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

/// The slots grouping keys read, if the keys are a function of them alone (slots, their
/// properties, constants, parameters and a few pure functions); `None` otherwise or without
/// keys.
fn memo_slots(keys: &[(Expr, Slot)]) -> Option<Vec<Slot>> {
    fn walk(e: &Expr, out: &mut Vec<Slot>) -> bool {
        match e {
            Expr::Slot(s) => {
                out.push(*s);
                true
            }
            Expr::Prop(x, ..) => walk(x, out),
            Expr::Const(_) | Expr::Param(..) => true,
            Expr::Func(name, args, _) => {
                matches!(*name, F::TYPE | F::LABELS | F::ID | F::ELEMENTID | F::TOLOWER | F::TOUPPER)
                    && args.iter().all(|a| walk(a, out))
            }
            _ => false,
        }
    }
    let mut out = Vec::new();
    (!keys.is_empty() && keys.iter().all(|(e, _)| walk(e, &mut out))).then(|| {
        out.sort_unstable();
        out.dedup();
        out
    })
}
