//! duixian: a static site generator for civic accountability portals — government work
//! reports, the pledges in them, the evidence of what was done, and yearly indicators.
//!
//! The pipeline runs one way: [`content`] loads files into raw structs, [`model`] validates
//! them into a linked site, [`render`] turns that into output files, [`drive`] renders them in
//! parallel batches for `check`, `build` and `serve` alike, [`search`] indexes the searchable
//! ones, [`output`] writes them, and [`publish`] keeps what did not change and compresses for
//! hosts.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod build;
// The command-line doc comments are the help text clap prints: `<NAME>` there is a placeholder
// for the terminal, not an HTML tag.
#[allow(rustdoc::invalid_html_tags)]
pub mod cli;
pub mod content;
pub mod diag;
pub mod drive;
pub mod editor;
pub mod eject;
pub mod incremental;
pub mod init;
pub mod markdown;
pub mod memory;
pub mod model;
pub mod output;
pub mod publish;
pub mod render;
pub mod routes;
pub mod search;
pub mod serve;
pub mod types;
