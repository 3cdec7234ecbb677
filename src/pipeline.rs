//! The one order of a build, shared by `build`, `check`, `serve` and the benches: load the model →
//! run the renderers (print, screens, share cards) → render the site, given the artifacts they
//! made → index the site for search → hand every file to a sink (the output writer, memory, or a
//! counter). Renderers are siblings: none calls another, and only this module wires them.

use std::path::Path;

use crate::artifact::Artifacts;
use crate::cache::{Cache, DEFAULT_MAX_BYTES};
use crate::config::{Config, normalise_base_url};
use crate::content::{self, Model};
use crate::diag::{Diagnostic, Report};
use crate::output::{OutFile, Sink};
use crate::site::theme::Theme;
use crate::typeset::Engine;

/// Which outputs a run makes beyond the site, and how.
#[derive(Clone, Copy, Debug)]
pub struct Kits {
    pub print: bool,
    pub screens: bool,
    pub share: bool,
    /// The search index of the site.
    pub search: bool,
    pub crop_marks: bool,
}

impl Default for Kits {
    fn default() -> Self {
        Kits {
            print: true,
            screens: true,
            share: true,
            search: true,
            crop_marks: false,
        }
    }
}

/// A renderer beside the site (the `--skip` values).
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum Kit {
    Print,
    Screens,
    /// The share card (1200×630 picture) of every page.
    Share,
    /// The search index.
    Search,
}

impl Kits {
    pub fn from_args(skip: &[Kit], crop_marks: bool) -> Kits {
        Kits {
            print: !skip.contains(&Kit::Print),
            screens: !skip.contains(&Kit::Screens),
            share: !skip.contains(&Kit::Share),
            search: !skip.contains(&Kit::Search),
            crop_marks,
        }
    }

    fn any_typeset(&self) -> bool {
        self.print || self.screens || self.share
    }
}

/// How a run goes.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Overrides `base_url` of config.toml.
    pub base_url: Option<String>,
    pub kits: Kits,
    /// Leave the build cache alone: make everything, store nothing.
    pub no_cache: bool,
}

/// The campaign as loaded: its model, its theme, and the warnings loading found.
pub struct Loaded {
    pub model: Model,
    pub theme: Theme,
    pub warnings: Vec<Diagnostic>,
}

/// What a successful run made.
pub struct Summary {
    pub model: Model,
    pub artifacts: Artifacts,
    pub warnings: Vec<Diagnostic>,
    /// Costly products made anew and taken from the build cache.
    pub made: usize,
    pub reused: usize,
    /// The output paths of the products made anew, sorted.
    pub made_paths: Vec<String>,
}

/// Reads config.toml and content/ and finds the theme. When the content is broken, the theme's
/// templates are still checked, so one run reports both.
pub fn load(root: &Path, base_url: Option<&str>) -> Result<Loaded, Report> {
    let mut config = Config::load(root).map_err(|ds| Report { diagnostics: ds })?;
    if let Some(url) = base_url {
        config.base_url = Some(normalise_base_url(url).map_err(|m| Report {
            diagnostics: vec![Diagnostic::error("--base-url", m)],
        })?);
    }
    let (model, warnings) = content::load(root, &config).map_err(|mut ds| {
        if let Err(more) = crate::site::check_templates(root, &config) {
            ds.extend(more);
        }
        Report { diagnostics: ds }
    })?;
    let theme = Theme::find(root, &model.config.theme).map_err(|d| Report {
        diagnostics: vec![d],
    })?;
    Ok(Loaded {
        model,
        theme,
        warnings,
    })
}

/// The Typst engine for the theme's templates and the campaign's fonts, keeping its products
/// in the campaign's build cache (`.fanzha-cache/`) unless `no_cache`.
pub fn engine(model: &Model, theme: &Theme, no_cache: bool) -> Result<Engine, Diagnostic> {
    let fonts = model.root.join("fonts");
    let engine = Engine::new(&theme.dir, Some(&fonts), &model.config.print.fonts)?;
    let cache = if no_cache {
        Cache::disabled()
    } else {
        Cache::open(Cache::dir_of(&model.root), DEFAULT_MAX_BYTES)
    };
    Ok(engine.with_cache(cache))
}

/// Runs one renderer, hands its files to `sink` and records what it made in `artifacts`.
/// Returns its warnings, or every error it found.
pub fn render_kit(
    kit: Kit,
    model: &Model,
    engine: &Engine,
    crop_marks: bool,
    artifacts: &mut Artifacts,
    sink: &dyn Sink,
) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    match kit {
        Kit::Print => {
            let options = crate::print::PrintOptions { crop_marks };
            let made = crate::print::render(model, engine, &options)?;
            put_all(sink, made.files)?;
            artifacts.print = made.records;
            artifacts.print_zips = made.zips;
            Ok(Vec::new())
        }
        Kit::Screens => {
            let made = crate::screens::render(model, engine)?;
            put_all(sink, made.files)?;
            artifacts.screens = made.records;
            artifacts.screen_profiles = made.profiles;
            artifacts.screen_zips = made.zips;
            Ok(made.warnings)
        }
        Kit::Share => {
            crate::share::render(model, engine, sink)?;
            artifacts.share_cards = true;
            Ok(Vec::new())
        }
        // The index is made from the site's pages, by render_site.
        Kit::Search => Ok(Vec::new()),
    }
}

/// Renders the site, which lists `artifacts`, indexes it for search unless `no_search`, and
/// hands it all to `sink`. Returns how many files the site has.
pub fn render_site(
    model: &Model,
    theme: &Theme,
    artifacts: &Artifacts,
    no_search: bool,
    sink: &dyn Sink,
) -> Result<usize, Vec<Diagnostic>> {
    let site = crate::site::render(model, theme, artifacts)?;
    let bundle = if no_search {
        Vec::new()
    } else {
        crate::search::index(&site).map_err(|d| vec![d])?
    };
    let count = site.len() + bundle.len();
    put_all(sink, site)?;
    put_all(sink, bundle)?;
    Ok(count)
}

fn put_all(sink: &dyn Sink, files: Vec<OutFile>) -> Result<(), Vec<Diagnostic>> {
    for f in files {
        let path = f.path.clone();
        sink.put(f)
            .map_err(|e| vec![Diagnostic::error(path, e.to_string())])?;
    }
    Ok(())
}

/// The whole run: every problem of every stage is reported together.
pub fn run(root: &Path, options: &Options, sink: &dyn Sink) -> Result<Summary, Report> {
    let Loaded {
        model,
        theme,
        warnings,
    } = load(root, options.base_url.as_deref())?;
    let mut report = Report {
        diagnostics: warnings,
    };
    let kits = options.kits;
    let engine = if kits.any_typeset() {
        Some(
            engine(&model, &theme, options.no_cache).map_err(|d| Report {
                diagnostics: vec![d],
            })?,
        )
    } else {
        None
    };
    let mut artifacts = Artifacts::default();
    if let Some(engine) = &engine {
        let wanted = [
            (Kit::Print, kits.print),
            (Kit::Screens, kits.screens),
            (Kit::Share, kits.share),
        ];
        for (kit, _) in wanted.into_iter().filter(|(_, on)| *on) {
            match render_kit(kit, &model, engine, kits.crop_marks, &mut artifacts, sink) {
                Ok(ws) => report.extend(ws),
                Err(es) => report.extend(es),
            }
        }
    }
    if let Err(es) = render_site(&model, &theme, &artifacts, !kits.search, sink) {
        report.extend(es);
    }
    if report.has_errors() {
        return Err(report);
    }
    let (made, reused) = engine.as_ref().map_or((0, 0), |e| e.cache().counts());
    let made_paths = engine
        .as_ref()
        .map_or_else(Vec::new, |e| e.cache().made_labels());
    if let Some(e) = &engine {
        // A cache over its bound only costs disk space until the next build trims it.
        let _ = e.cache().trim();
    }
    Ok(Summary {
        model,
        artifacts,
        warnings: report.diagnostics,
        made,
        reused,
        made_paths,
    })
}
