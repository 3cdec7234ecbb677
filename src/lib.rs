//! fanzha turns one folder of anti-fraud publicity content into a static website (and, in later
//! stages, print-ready PDFs and screen images).
//!
//! The pipeline reads top to bottom: `config` and `content` load one immutable `content::Model`;
//! renderers (`site`) read the model and return files; `output` alone writes them.

pub mod cmd;
pub mod config;
pub mod content;
pub mod date;
pub mod diag;
pub mod markdown;
pub mod output;
pub mod schema;
pub mod site;
