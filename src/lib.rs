//! silkgraph: a knowledge-graph engine with an openCypher query language.
//!
//! The pipeline, one module per stage, each depending only on the ones before it:
//! text → [`syntax`] (pest, to a typed [`ast`]) → [`semantic`] → [`plan`] → [`exec`] (over the
//! [`store`]) → [`output`]. A [`session::Session`] ties them together.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod algo;
pub mod assist;
pub mod ast;
pub mod bolt;
pub mod catalog;
pub mod cli;
pub mod db;
pub mod error;
pub mod exec;
pub mod export;
pub mod file;
pub mod import;
pub mod io;
pub mod kg;
pub mod output;
pub mod plan;
pub mod remote;
pub mod script;
pub mod semantic;
pub mod server;
pub mod session;
pub mod similar;
pub mod store;
pub mod syntax;
pub mod value;
pub mod web;

/// The former name of [`io`], kept for the library's users.
pub use io as graphs;
