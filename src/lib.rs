//! xingji (星级): star-rating management of village (community) Party organization
//! secretaries. See docs/rules.md for the rules this crate implements.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod exchange;
pub mod scoring;
pub mod service;
pub mod store;
pub mod text;
// Being restructured; the lints apply again when done.
#[allow(clippy::unwrap_used, clippy::too_many_lines)]
pub mod tui;
