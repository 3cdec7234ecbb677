//! `fanzha check`: load, validate and render everything in memory, then apply the campaign
//! rules of `crate::check`; write nothing. Exit 1 on any error, 0 when only warnings remain.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::diag::{Diagnostic, Report, Severity, display_path};

#[derive(clap::Args)]
pub struct Args {
    /// Campaign folder (holding config.toml and content/).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Leave out kits, e.g. `--skip print` or `--skip print,screens`.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub skip: Vec<crate::pipeline::Kit>,
    /// The day to check as, e.g. 2026-03-16 (as `build --date`).
    #[arg(long, value_parser = super::parse_date)]
    pub date: Option<crate::date::Date>,
    /// `text` (for people, on stderr) or `json` (for scripts, on stdout).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let root = super::root_arg(args.root);
    let options = crate::pipeline::Options {
        kits: crate::pipeline::Kits::from_args(&args.skip, false),
        date: args.date,
        ..Default::default()
    };
    let (diagnostics, summary) =
        match crate::pipeline::run(&root, &options, &crate::output::Discard::default()) {
            Ok(r) => {
                let mut ds = r.warnings;
                ds.extend(crate::check::run(&r.model));
                let summary = format!(
                    "{} 个页面，{} 个栏目{}",
                    r.model.pages.len(),
                    r.model.sections.len(),
                    super::build::units_text(r.model.units.list.len())
                );
                (ds, Some(summary))
            }
            Err(report) => (report.diagnostics, None),
        };
    let sorted = Report { diagnostics }.sorted();
    let errors = sorted.iter().filter(|d| d.is_error()).count();
    let warnings = sorted.len() - errors;
    if args.format == Format::Json {
        // A closed pipe (`| head`) is the reader's choice, not an error of the check.
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}",
            json(&sorted, errors, warnings)
        );
    } else {
        for d in &sorted {
            eprintln!("{d}");
        }
        let took = super::seconds_since(start);
        match (&summary, errors) {
            (Some(s), 0) => {
                eprintln!("检查通过：{s}，{warnings} 个警告，用时 {took} 秒。")
            }
            _ => eprintln!("检查未通过：共 {errors} 个错误，{warnings} 个警告。"),
        }
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn json(diags: &[Diagnostic], errors: usize, warnings: usize) -> String {
    let items: Vec<_> = diags
        .iter()
        .map(|d| {
            serde_json::json!({
                "file": display_path(&d.file),
                "line": d.line,
                "column": d.column,
                "severity": match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                "field": d.field,
                "message": d.message,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "ok": errors == 0,
        "errors": errors,
        "warnings": warnings,
        "diagnostics": items,
    });
    serde_json::to_string_pretty(&doc).expect("diagnostics serialize")
}
