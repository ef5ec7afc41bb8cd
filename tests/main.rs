//! Integration tests: one binary (ripgrep's habit), a module per concern.

mod algo;
mod analysis;
mod architecture;
mod cli;
mod constraints;
mod db;
mod export;
mod golden;
mod kg;
mod manual;
mod names;
mod pipeline;
mod planner;
mod props;
mod queries;
mod remote;
mod repl;
mod resources;
mod robustness;
mod search;
mod server;
mod subqueries;
mod terminal;
mod web;
mod workers;
