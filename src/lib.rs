//! xingji (星级): star-rating management of village (community) Party organization
//! secretaries. See DESIGN.md for the rules this crate implements.

pub mod domain;
pub mod scoring;
