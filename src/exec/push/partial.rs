//! A counting expansion's aggregates of what each match reaches, read straight from the
//! store's property readers.

use smallvec::{smallvec, SmallVec};

use super::fast::PropRead;
use crate::error::Result;
use crate::exec::aggregate::State;
use crate::exec::expand::{Hop, Names};
use crate::exec::{Ctx, Row};
use crate::plan::{Agg, Slot};
use crate::store::Scalar;
use crate::value::Value;

/// A counting expansion's matches and its aggregates over them (see `expand::partial_count`),
/// when each aggregate's argument is a property of the relationship or node matched, read
/// through `reads`: its value comes straight from the reader, an integer without a `Value`
/// made, and no row is written per match. `None` when an argument is anything else.
#[allow(clippy::too_many_arguments)]
pub(super) fn partial_count_read(
    hop: &Hop,
    names: &Names,
    slots: (Slot, Slot),
    distinct_from: &[Slot],
    partial: &[Agg],
    reads: &[Option<PropRead>],
    row: &mut Row,
    ctx: Ctx,
) -> Option<Result<usize>> {
    let mut readers: SmallVec<[_; 4]> = SmallVec::new();
    for r in reads {
        readers.push(match r.as_ref()?.reader_of(slots)? {
            Some((reader, of_rel)) => (Some(reader.borrow_mut()), of_rel),
            None => (None, false),
        });
    }
    let mut states: SmallVec<[State; 4]> = partial.iter().map(State::new).collect();
    let mut added: SmallVec<[bool; 4]> = smallvec![false; partial.len()];
    let (rel_slot, to_slot) = slots;
    let mut n = 0;
    let mut each = |row: &mut Row| -> Result<()> {
        for (r, other) in names.nb.iter(ctx, hop.start) {
            if !hop.matches(ctx, row, distinct_from, r, other) {
                continue;
            }
            n += 1;
            for (i, (reader, of_rel)) in readers.iter_mut().enumerate() {
                // No entity has the key: null, which an aggregate skips.
                let Some(reader) = reader else { continue };
                let v = match reader.scalar(if *of_rel { r.0 } else { other.0 }) {
                    Some(v) => v,
                    // Gone (in this statement): the plain road says what it is.
                    None => {
                        row[rel_slot] = Value::Rel(r);
                        row[to_slot] = Value::Node(other);
                        let Some(p) = &reads[i] else { continue };
                        Scalar::of(p.read_plain(row, ctx)?)
                    }
                };
                added[i] |= v != Scalar::Null;
                states[i].add_scalar(&partial[i], v, row, ctx)?;
            }
        }
        Ok(())
    };
    let done = each(row).and_then(|()| {
        if n > 0 {
            for ((s, a), added) in states.into_iter().zip(partial).zip(added) {
                row[a.slot] = if added { s.finish(a)? } else { Value::Null };
            }
        }
        Ok(n)
    });
    Some(done)
}
