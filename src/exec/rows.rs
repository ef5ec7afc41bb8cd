//! Row streams: the small helpers every operator builds its output with.

use super::{Row, RowIter};
use crate::error::Result;

/// `f` applied to each good row, errors passed through.
pub(crate) fn flat_map_ok<'a, F>(input: RowIter<'a>, f: F) -> RowIter<'a>
where
    F: FnMut(Row) -> RowIter<'a> + 'a,
{
    let mut f = f;
    Box::new(input.flat_map(move |r| -> RowIter<'a> {
        match r {
            Ok(row) => f(row),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    }))
}

pub(crate) fn one(r: Result<Row>) -> RowIter<'static> {
    Box::new(std::iter::once(r))
}

/// Rows an operator has made all at once, or its error.
pub(crate) fn rows_or_error<'a>(r: Result<Vec<Row>>) -> RowIter<'a> {
    match r {
        Ok(rows) => Box::new(rows.into_iter().map(Ok)),
        Err(e) => one(Err(e)),
    }
}

pub(crate) fn none<'a>() -> RowIter<'a> {
    Box::new(std::iter::empty())
}
