//! The command line: one module per command, each with its arguments and a `run` function.

pub mod build;
pub mod check;
pub mod clean;
pub mod init;
pub mod merge;
pub mod new;
pub mod serve;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::diag::{Diagnostic, Report};

#[derive(Parser)]
#[command(
    name = "fanzha",
    version,
    about = "反诈宣传素材生成器：一份内容，生成网站、印刷品和屏幕素材"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default: public/).
    Build(build::Args),
    /// Load, validate and check the campaign; write nothing. Exit 1 on errors, 0 on warnings only.
    Check(check::Args),
    /// Remove the build cache (.fanzha-cache/ in the campaign folder).
    Clean(clean::Args),
    /// Create a new campaign folder that builds at once.
    Init(init::Args),
    /// Put the outputs of sharded builds (build --shard K/N) together into one site.
    Merge(merge::Args),
    /// Create a new page with its front matter filled with placeholders.
    New(new::Args),
    /// Serve the site on this computer, rebuilding and reloading the browser on every change.
    Serve(serve::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build(a) => build::run(a),
        Command::Check(a) => check::run(a),
        Command::Clean(a) => clean::run(a),
        Command::Init(a) => init::run(a),
        Command::Merge(a) => merge::run(a),
        Command::New(a) => new::run(a),
        Command::Serve(a) => serve::run(a),
    }
}

/// `--date 2026-03-16`.
pub fn parse_date(s: &str) -> Result<crate::date::Date, String> {
    crate::date::Date::parse(s).map(|d| d.day_only())
}

/// Prints diagnostics to stderr, sorted, errors and warnings alike; returns them as printed.
pub fn print_diagnostics(diags: Vec<Diagnostic>) -> Vec<String> {
    let report = Report { diagnostics: diags };
    let lines: Vec<String> = report.sorted().iter().map(ToString::to_string).collect();
    for line in &lines {
        eprintln!("{line}");
    }
    lines
}

/// Prints a failed run's diagnostics and its closing line; returns the failure exit code.
pub fn fail(report: Report, what: &str) -> ExitCode {
    let errors = report.error_count();
    let _ = print_diagnostics(report.diagnostics);
    eprintln!("{what}：共 {errors} 个错误。");
    ExitCode::from(1)
}

pub fn root_arg(root: Option<PathBuf>) -> PathBuf {
    root.unwrap_or_else(|| PathBuf::from("."))
}

pub fn seconds_since(start: Instant) -> String {
    format!("{:.2}", start.elapsed().as_secs_f64())
}
