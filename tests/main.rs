//! Integration tests: one binary (ripgrep's habit), a module per concern.

mod cli;
mod golden;
mod kg;
mod queries;
mod repl;
