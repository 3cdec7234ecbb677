//! fanzha turns one folder of anti-fraud publicity content into a static website, print-ready
//! PDFs (and, in later stages, screen images).
//!
//! The pipeline reads top to bottom: `config` and `content` load one immutable `content::Model`;
//! renderers (`print`, `site`) read the model and return files; `output` alone writes them.

pub mod check;
pub mod cmd;
pub mod config;
pub mod content;
pub mod date;
pub mod diag;
pub mod markdown;
pub mod output;
pub mod print;
pub mod schema;
pub mod screens;
pub mod serve;
pub mod site;
pub mod typeset;
