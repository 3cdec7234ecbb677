//! The command line: one module per command, each with its arguments and a `run` function.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::config::{Config, normalise_base_url};
use crate::content::{self, Model};
use crate::diag::{Diagnostic, Report};
use crate::output::OutFile;

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
    /// Create a new campaign folder that builds at once.
    Init(init::Args),
    /// Create a new page with its front matter filled with placeholders.
    New(new::Args),
    /// Serve the site on this computer, rebuilding and reloading the browser on every change.
    Serve(serve::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build(a) => build::run(a),
        Command::Check(a) => check::run(a),
        Command::Init(a) => init::run(a),
        Command::New(a) => new::run(a),
        Command::Serve(a) => serve::run(a),
    }
}

/// A loaded and rendered campaign, ready to check or write.
pub struct Rendered {
    pub model: Model,
    pub files: Vec<OutFile>,
    pub warnings: Vec<Diagnostic>,
}

/// Which outputs a run makes, beyond the site.
#[derive(Clone, Copy, Default)]
pub struct Kits {
    pub print: bool,
    pub screens: bool,
    pub share: bool,
    pub crop_marks: bool,
}

/// The `--skip` values.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kit {
    Print,
    Screens,
    /// The share card (1200×630 PNG) of every page.
    Share,
}

impl Kits {
    pub fn from_args(skip: &[Kit], crop_marks: bool) -> Kits {
        Kits {
            print: !skip.contains(&Kit::Print),
            screens: !skip.contains(&Kit::Screens),
            share: !skip.contains(&Kit::Share),
            crop_marks,
        }
    }
}

/// Loads config and content and renders every output, collecting all diagnostics.
pub fn render_campaign(
    root: &Path,
    base_url: Option<&str>,
    kits: Kits,
) -> Result<Rendered, Report> {
    let mut report = Report::default();
    let mut config = Config::load(root).map_err(|ds| Report { diagnostics: ds })?;
    if let Some(url) = base_url {
        config.base_url = Some(normalise_base_url(url).map_err(|m| Report {
            diagnostics: vec![Diagnostic::error("--base-url", m)],
        })?);
    }
    let (model, warnings) = content::load(root, &config).map_err(|mut ds| {
        // Content errors stop rendering, but the theme's template syntax can still be checked.
        if let Err(more) = crate::site::check_templates(root, &config) {
            ds.extend(more);
        }
        Report { diagnostics: ds }
    })?;
    report.extend(warnings);
    let theme = crate::site::theme::Theme::find(root, &model.config.theme).map_err(|d| Report {
        diagnostics: vec![d],
    })?;
    let mut files = Vec::new();
    let mut downloads = crate::site::Downloads::default();
    // One Typst engine (templates parsed once, fonts scanned once) serves every typeset kit.
    let engine = if kits.print || kits.screens || kits.share {
        let fonts = model.root.join("fonts");
        let engine =
            crate::typeset::Engine::new(&theme.dir, Some(&fonts), &model.config.print.fonts)
                .map_err(|d| Report {
                    diagnostics: vec![d],
                })?;
        Some(engine)
    } else {
        None
    };
    if let Some(engine) = engine.as_ref().filter(|_| kits.print) {
        let options = crate::print::PrintOptions {
            crop_marks: kits.crop_marks,
        };
        match crate::print::render(&model, engine, &options) {
            Ok(kit) => {
                files.extend(kit.files);
                downloads.print = kit.entries;
            }
            Err(errors) => report.extend(errors),
        }
    }
    if let Some(engine) = engine.as_ref().filter(|_| kits.screens) {
        match crate::screens::render(&model, engine) {
            Ok(kit) => {
                files.extend(kit.files);
                report.extend(kit.warnings);
                downloads.screens = kit.entries;
                downloads.screen_profiles = kit.profiles;
            }
            Err(errors) => report.extend(errors),
        }
    }
    let mut share_cards = false;
    if let Some(engine) = engine.as_ref().filter(|_| kits.share) {
        match crate::share::render(&model, engine) {
            Ok(cards) => {
                files.extend(cards);
                share_cards = true;
            }
            Err(errors) => report.extend(errors),
        }
    }
    let made = crate::site::Made {
        downloads: &downloads,
        share_cards,
    };
    match crate::site::render(&model, &theme, made) {
        Ok(site) => {
            match crate::search::index(&site) {
                Ok(bundle) => files.extend(bundle),
                Err(d) => report.extend(vec![d]),
            }
            files.extend(site);
        }
        Err(errors) => report.extend(errors),
    }
    if report.has_errors() {
        return Err(report);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Rendered {
        model,
        files,
        warnings: report.diagnostics,
    })
}

/// Prints diagnostics to stderr, sorted, errors and warnings alike.
pub fn print_diagnostics(diags: Vec<Diagnostic>) {
    let report = Report { diagnostics: diags };
    for d in report.sorted() {
        eprintln!("{d}");
    }
}

/// Prints a failed run's diagnostics and its closing line; returns the failure exit code.
pub fn fail(report: Report, what: &str) -> ExitCode {
    let errors = report.error_count();
    print_diagnostics(report.diagnostics);
    eprintln!("{what}：共 {errors} 个错误。");
    ExitCode::from(1)
}

pub fn root_arg(root: Option<PathBuf>) -> PathBuf {
    root.unwrap_or_else(|| PathBuf::from("."))
}

pub fn seconds_since(start: Instant) -> String {
    format!("{:.2}", start.elapsed().as_secs_f64())
}
