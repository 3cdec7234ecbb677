//! Integration tests: each builds a fixture campaign with the real binary and inspects the output.

mod architecture;
mod bench;
mod browser;
mod cache;
mod channels;
mod check;
mod commands;
mod errors;
mod headlines;
mod images;
mod outlets;
mod print;
mod reports;
mod sanitize;
mod screens;
mod search;
mod serve;
mod shortcodes;
mod site;
mod support;
mod unit_kits;
mod units;
mod zola;
