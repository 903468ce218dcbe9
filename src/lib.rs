//! xingji (星级): star-rating management of village (community) Party organization
//! secretaries. See docs/rules.md for the rules this crate implements.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod exchange;
pub mod scoring;
pub mod server;
pub mod service;
pub mod store;
pub mod text;
pub mod tui;
