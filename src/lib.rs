//! fanzha turns one folder of anti-fraud publicity content into a static website, print-ready
//! PDFs and screen images.
//!
//! The pipeline reads top to bottom: `config` and `content` load one immutable `content::Model`;
//! renderers (`print`, `screens`, `share`, `images`, `reports`, `site`, then `search` over the
//! site's pages)
//! read the model and return files; `output` alone writes them. `check` adds the pre-print checks, and
//! `serve` keeps the rendered site in memory while an author edits.

pub mod artifact;
pub mod broadcast;
pub mod cache;
pub mod calendar;
pub mod channels;
pub mod check;
pub mod cmd;
pub mod config;
pub mod content;
pub mod date;
pub mod diag;
pub mod images;
pub mod jobs;
pub mod markdown;
pub mod merge;
pub mod output;
pub mod pipeline;
pub mod print;
pub mod qr;
pub mod reports;
pub mod sanitize;
pub mod schema;
pub mod screens;
pub mod search;
pub mod serve;
pub mod shard;
pub mod share;
pub mod shortcode;
pub mod site;
pub mod sms;
pub mod stamp;
pub mod templates;
pub mod typeset;
pub mod units;
pub mod wechat;
pub mod zh;
