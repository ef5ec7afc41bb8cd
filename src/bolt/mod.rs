//! Bolt's encoding, shared by the server (`silkgraph serve`) and the client (`--connect`,
//! `push`): PackStream values and messages, and silkgraph values as each Bolt version spells
//! them.

pub mod packstream;
pub mod values;
