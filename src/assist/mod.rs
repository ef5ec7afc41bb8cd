//! The assistant both front ends share: what the REPL and the browser's editor offer while a
//! statement is typed (completion, highlighting, hints: [`complete`]) and after it ran
//! (did-you-mean hints, warnings, and why a query returned no rows: [`diagnose`]).

pub mod complete;
pub mod diagnose;
