//! A counting expansion's aggregates of what each match reaches, read straight from the
//! store's property readers.

use smallvec::{smallvec, SmallVec};

use super::fast::PropRead;
use crate::error::Result;
use crate::exec::aggregate::State;
use crate::exec::expand::{write_partials, Check, Hop, Names};
use crate::exec::{Ctx, Row};
use crate::plan::{Agg, Slot};
use crate::store::Scalar;
use crate::value::Value;

/// A counting expansion's matches and its aggregates over them (see `expand::partial_count`),
/// when each aggregate's argument is a property of the relationship or node matched, read
/// through `reads`: its value comes straight from the reader, an integer without a `Value`
/// made, and no row is written per match unless the hop has checks (`check`), which read the
/// row. `None` when an argument is anything else.
#[allow(clippy::too_many_arguments)]
pub(super) fn partial_count_read(
    hop: &Hop,
    names: &Names,
    (rel_slot, to_slot): (Slot, Slot),
    distinct_from: &[Slot],
    partial: &[Agg],
    reads: &[Option<PropRead>],
    check: Option<Check>,
    row: &mut Row,
    ctx: Ctx,
) -> Option<Result<usize>> {
    // Each aggregate's read, its reader (none where no entity has the key: null, which an
    // aggregate skips) and whether it reads the relationship.
    let mut readers: SmallVec<[_; 4]> = SmallVec::new();
    for p in reads {
        let p = p.as_ref()?;
        readers.push(match p.reader_of((rel_slot, to_slot))? {
            Some((reader, of_rel)) => (p, Some(reader.borrow_mut()), of_rel),
            None => (p, None, false),
        });
    }
    let mut states: SmallVec<[State; 4]> = partial.iter().map(State::new).collect();
    let mut added: SmallVec<[bool; 4]> = smallvec![false; partial.len()];
    let mut n = 0;
    let mut run = || -> Result<usize> {
        for (r, other) in names.nb.iter(ctx, hop.start) {
            if !hop.matches(ctx, row, distinct_from, r, other) {
                continue;
            }
            if let Some(check) = check {
                row[rel_slot] = Value::Rel(r);
                row[to_slot] = Value::Node(other);
                if !check(row)? {
                    continue;
                }
            }
            n += 1;
            for (i, (p, reader, of_rel)) in readers.iter_mut().enumerate() {
                let Some(reader) = reader else { continue };
                let v = match reader.scalar(if *of_rel { r.0 } else { other.0 }) {
                    Some(v) => v,
                    // Gone (in this statement): the plain road says what it is.
                    None => {
                        row[rel_slot] = Value::Rel(r);
                        row[to_slot] = Value::Node(other);
                        Scalar::of(p.read_plain(row, ctx)?)
                    }
                };
                added[i] |= v != Scalar::Null;
                states[i].add_scalar(&partial[i], v, row, ctx)?;
            }
        }
        if n > 0 {
            write_partials(std::mem::take(&mut states), &added, partial, row)?;
        }
        Ok(n)
    };
    Some(run())
}
