//! The one order of a build, shared by `build`, `check`, `serve` and the benches: load the model →
//! run the renderers (print, screens, share cards, reports, page pictures, the calendar as of the
//! build date) → the summary draft, counting what they made → render the site, given the
//! artifacts they made → index the site for search → hand every file to a sink (the output
//! writer, memory, or a counter). Renderers are siblings: none calls another, and only this
//! module wires them.

use std::path::Path;
use std::sync::Arc;

use crate::artifact::{Artifacts, ReportKind};
use crate::cache::{Cache, DEFAULT_MAX_BYTES};
use crate::config::{Config, normalise_base_url};
use crate::content::{self, Model};
use crate::date::Date;
use crate::diag::{Diagnostic, Report};
use crate::output::{OutFile, Sink};
use crate::site::theme::Theme;
use crate::typeset::{Engine, Fonts};

/// Which outputs a run makes beyond the site, and how.
#[derive(Clone, Copy, Debug)]
pub struct Kits {
    pub print: bool,
    pub screens: bool,
    pub share: bool,
    /// The reporting kit: printed schedule, forms, summary draft.
    pub reports: bool,
    /// The search index of the site.
    pub search: bool,
    pub wechat: bool,
    pub sms: bool,
    pub broadcast: bool,
    pub crop_marks: bool,
}

impl Default for Kits {
    fn default() -> Self {
        Kits {
            print: true,
            screens: true,
            share: true,
            reports: true,
            search: true,
            wechat: true,
            sms: true,
            broadcast: true,
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
    /// The reporting kit: printed schedule, each unit's forms (PDF, xlsx) and the summary draft.
    Reports,
    /// The search index.
    Search,
    /// The 公众号 articles.
    Wechat,
    /// The SMS texts.
    Sms,
    /// The broadcast scripts.
    Broadcast,
}

impl Kit {
    /// Whether the kit typesets with the Typst engine.
    pub fn needs_engine(self) -> bool {
        matches!(
            self,
            Kit::Print | Kit::Screens | Kit::Share | Kit::Reports | Kit::Broadcast
        )
    }
}

impl Kits {
    pub fn from_args(skip: &[Kit], crop_marks: bool) -> Kits {
        Kits {
            print: !skip.contains(&Kit::Print),
            screens: !skip.contains(&Kit::Screens),
            share: !skip.contains(&Kit::Share),
            reports: !skip.contains(&Kit::Reports),
            search: !skip.contains(&Kit::Search),
            wechat: !skip.contains(&Kit::Wechat),
            sms: !skip.contains(&Kit::Sms),
            broadcast: !skip.contains(&Kit::Broadcast),
            crop_marks,
        }
    }

    /// The renderers beside the site this run makes.
    fn wanted(&self) -> Vec<Kit> {
        [
            (Kit::Print, self.print),
            (Kit::Screens, self.screens),
            (Kit::Share, self.share),
            (Kit::Reports, self.reports),
            (Kit::Wechat, self.wechat),
            (Kit::Sms, self.sms),
            (Kit::Broadcast, self.broadcast),
        ]
        .into_iter()
        .filter_map(|(kit, on)| on.then_some(kit))
        .collect()
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
    /// The share of the campaign to make (`--shard K/N`); the whole by default.
    pub shard: crate::shard::Shard,
    /// The day of the build (`--date`): what "this week" of the calendar is. Default: the day
    /// `SOURCE_DATE_EPOCH` names, else today in China.
    pub date: Option<Date>,
}

impl Options {
    /// The day the build is for.
    pub fn build_date(&self) -> Date {
        self.date.clone().unwrap_or_else(Date::today)
    }
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
    /// The site's HTML pages rendered anew (sorted) and how many were taken from the build
    /// cache.
    pub pages_rendered: Vec<String>,
    pub pages_reused: usize,
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
            // Shortcodes load the same templates: a broken one is reported once.
            for d in more {
                if !ds.contains(&d) {
                    ds.push(d);
                }
            }
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

/// The campaign's build cache (`.fanzha-cache/`), or none with `no_cache`.
pub fn cache(model: &Model, no_cache: bool) -> Arc<Cache> {
    Arc::new(if no_cache {
        Cache::disabled()
    } else {
        Cache::open(Cache::dir_of(&model.root), DEFAULT_MAX_BYTES)
    })
}

/// The Typst engine for the theme's templates and the campaign's fonts, keeping its products
/// in `cache`.
pub fn engine(model: &Model, theme: &Theme, cache: Arc<Cache>) -> Result<Engine, Diagnostic> {
    engine_with(model, theme, cache, campaign_fonts(&model.root))
}

/// The fonts a campaign's engine can use: its `fonts/` folder, then the system's.
fn campaign_fonts(root: &Path) -> Fonts {
    Fonts::scan(Some(&root.join("fonts")))
}

/// [`engine`] with the fonts scanned already.
fn engine_with(
    model: &Model,
    theme: &Theme,
    cache: Arc<Cache>,
    fonts: Fonts,
) -> Result<Engine, Diagnostic> {
    let engine = Engine::with_fonts(&theme.dir, fonts, &model.config.print.fonts)?;
    Ok(engine.with_cache(cache))
}

/// Runs one renderer, hands its files to `sink` and records what it made in `artifacts`.
/// Returns its warnings, or every error it found. `engine` is needed by the kits that
/// typeset ([`Kit::needs_engine`]); the others keep what they make in `cache`.
pub fn render_kit(
    kit: Kit,
    model: &Model,
    engine: Option<&Engine>,
    cache: &Cache,
    crop_marks: bool,
    artifacts: &mut Artifacts,
    sink: &dyn Sink,
) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let engine = || {
        engine.ok_or_else(|| {
            vec![Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!("内部错误：{kit:?} 需要排版引擎"),
            )]
        })
    };
    match kit {
        Kit::Print => {
            let options = crate::print::PrintOptions { crop_marks };
            let made = crate::print::render(model, engine()?, &options, sink)?;
            put_all(sink, made.files)?;
            artifacts.print = made.records;
            artifacts.print_zips = made.zips;
            Ok(Vec::new())
        }
        Kit::Screens => {
            let made = crate::screens::render(model, engine()?, sink)?;
            artifacts.screens = made.records;
            artifacts.screen_profiles = made.profiles;
            artifacts.screen_zips = made.zips;
            Ok(made.warnings)
        }
        Kit::Share => {
            crate::share::render(model, engine()?, sink)?;
            artifacts.share_cards = true;
            Ok(Vec::new())
        }
        Kit::Reports => {
            let made = crate::reports::render(model, engine()?)?;
            put_all(sink, made.files)?;
            // `serve` makes the kit again into the same artifacts after an edit.
            artifacts
                .reports
                .retain(|r| !matches!(r.kind, ReportKind::Schedule | ReportKind::Forms));
            artifacts.reports.extend(made.records);
            Ok(made.warnings)
        }
        // The index is made from the site's pages, by render_site.
        Kit::Search => Ok(Vec::new()),
        Kit::Wechat => {
            let made = crate::wechat::render(model, cache);
            put_all(sink, made.files)?;
            artifacts.wechat = made.records;
            Ok(Vec::new())
        }
        Kit::Sms => {
            let made = crate::sms::render(model)?;
            put_all(sink, made.files)?;
            artifacts.sms = made.records;
            artifacts.channel_files.extend(made.lists);
            Ok(Vec::new())
        }
        Kit::Broadcast => {
            let made = crate::broadcast::render(model, engine()?)?;
            put_all(sink, made.files)?;
            artifacts.broadcast = made.records;
            artifacts.channel_files.extend(made.lists);
            Ok(Vec::new())
        }
    }
}

/// The calendar as of `today` (its `.ics` and what the site shows as this week's theme): cheap,
/// needs no typesetting, made whatever kits run.
pub fn render_calendar(
    model: &Model,
    today: &Date,
    artifacts: &mut Artifacts,
    sink: &dyn Sink,
) -> Result<(), Vec<Diagnostic>> {
    let made = crate::reports::calendar(model, today);
    put_all(sink, made.files)?;
    // `serve` renders it again into the same artifacts.
    artifacts.reports.retain(|r| r.kind != ReportKind::Calendar);
    artifacts.reports.extend(made.records);
    artifacts.calendar = made.calendar;
    Ok(())
}

/// The summary draft, counting what the other renderers made (so it runs after them).
pub fn render_summary(
    model: &Model,
    today: &Date,
    artifacts: &mut Artifacts,
    sink: &dyn Sink,
) -> Result<(), Vec<Diagnostic>> {
    let (file, record) = crate::reports::summary::render(model, artifacts, today);
    put_all(sink, vec![file])?;
    artifacts.reports.retain(|r| r.kind != ReportKind::Summary);
    artifacts.reports.push(record);
    Ok(())
}

/// Makes the pictures pages use (through `cache`), hands them to `sink` and records them in
/// `artifacts` for the site's `<picture>` elements.
pub fn render_images(
    model: &Model,
    theme: &Theme,
    cache: &Cache,
    artifacts: &mut Artifacts,
    sink: &dyn Sink,
) -> Result<(), Vec<Diagnostic>> {
    let made = crate::images::render(model, &theme.static_dirs(&model.root), cache)?;
    put_all(sink, made.files)?;
    artifacts.images = made.records;
    Ok(())
}

/// Renders the site, which lists `artifacts`, keeping its pages in `cache`; indexes it for
/// search (through `cache`) when `search`, and hands it all to `sink`. Returns the HTML pages
/// rendered anew (sorted) and how many were taken from the cache.
pub fn render_site(
    model: &Model,
    theme: &Theme,
    artifacts: &Artifacts,
    cache: &Cache,
    search: bool,
    sink: &dyn Sink,
) -> Result<(Vec<String>, usize), Vec<Diagnostic>> {
    let crate::site::Site {
        files,
        mut rendered,
        reused,
    } = crate::site::render(model, theme, artifacts, cache)?;
    let bundle = if search {
        crate::search::index_cached(cache, &files)?
    } else {
        Vec::new()
    };
    put_all(sink, files)?;
    put_all(sink, bundle)?;
    rendered.sort();
    Ok((rendered, reused))
}

/// Passes on the files of this build's shard only: the site renders every page (a unit's page is
/// cheap), and what belongs to another shard is dropped here.
struct ShardSink<'a> {
    inner: &'a dyn Sink,
    shard: crate::shard::Shard,
}

impl Sink for ShardSink<'_> {
    fn put(&self, file: OutFile) -> Result<(), crate::output::OutputError> {
        if self.shard.is_whole()
            || self.shard.owns_path(&file.path)
            || file.path == crate::merge::SHARD_FILE
        {
            self.inner.put(file)
        } else {
            Ok(())
        }
    }
}

/// Hands `files` to `sink` from every core: writing thousands of small files is I/O the cores
/// can share (the sink lists them sorted, so the order does not matter).
fn put_all(sink: &dyn Sink, files: Vec<OutFile>) -> Result<(), Vec<Diagnostic>> {
    use rayon::prelude::*;
    files.into_par_iter().try_for_each(|f| {
        let path = f.path.clone();
        sink.put(f)
            .map_err(|e| vec![Diagnostic::error(path, e.to_string())])
    })
}

/// The kits a run makes: those asked for, less what another shard makes.
fn kits_of(options: &Options) -> Kits {
    let mut kits = options.kits;
    let shard = options.shard;
    if !shard.is_whole() {
        // The merge indexes the whole site.
        kits.search = false;
        // The campaign's own outputs: one shard makes them.
        let campaign = shard.owns_campaign();
        kits.share &= campaign;
        kits.wechat &= campaign;
        kits.sms &= campaign;
        kits.broadcast &= campaign;
    }
    kits
}

/// The whole run: every problem of every stage is reported together.
pub fn run(root: &Path, options: &Options, sink: &dyn Sink) -> Result<Summary, Report> {
    let kits = kits_of(options);
    let wanted = kits.wanted();
    // Scanning the fonts waits on nothing the content gives, so it runs while the content loads.
    let needs_engine = wanted.iter().any(|k| k.needs_engine());
    let (loaded, fonts) = std::thread::scope(|s| {
        let fonts = needs_engine.then(|| s.spawn(|| campaign_fonts(root)));
        let loaded = load(root, options.base_url.as_deref());
        (
            loaded,
            fonts.map(|f| f.join().expect("the font scan panicked")),
        )
    });
    let Loaded {
        mut model,
        theme,
        warnings,
    } = loaded?;
    let mut report = Report {
        diagnostics: warnings,
    };
    let shard = options.shard;
    model.shard = shard;
    let sink = &ShardSink { inner: sink, shard };
    // Share cards are made by the campaign's shard, and the pages of every shard show them.
    let share_cards_elsewhere = options.kits.share && !shard.owns_campaign();
    let cache = cache(&model, options.no_cache);
    let engine = match fonts {
        Some(fonts) => Some(
            engine_with(&model, &theme, cache.clone(), fonts).map_err(|d| Report {
                diagnostics: vec![d],
            })?,
        ),
        None => None,
    };
    let mut artifacts = Artifacts {
        share_cards: share_cards_elsewhere,
        downloads_elsewhere: !shard.owns_campaign() && (kits.print || kits.screens || kits.reports),
        ..Artifacts::default()
    };
    {
        // The kits run at once, each on a thread of its own, and share the cores through
        // crate::jobs: one kit's last slow job no longer leaves a core idle.
        let (model, engine, cache) = (&model, engine.as_ref(), cache.as_ref());
        let tasks: Vec<Box<dyn FnOnce() -> (Artifacts, Result<_, _>) + Send>> = wanted
            .into_iter()
            .map(|kit| -> Box<dyn FnOnce() -> _ + Send> {
                Box::new(move || {
                    let mut own = Artifacts::default();
                    let result =
                        render_kit(kit, model, engine, cache, kits.crop_marks, &mut own, sink);
                    (own, result)
                })
            })
            .collect();
        let made = crate::jobs::each(tasks);
        for (own, result) in made {
            artifacts.absorb(own);
            match result {
                Ok(ws) => report.extend(ws),
                Err(es) => report.extend(es),
            }
        }
    }
    if shard.owns_campaign()
        && let Err(es) = render_images(&model, &theme, &cache, &mut artifacts, sink)
    {
        report.extend(es);
    }
    let today = options.build_date();
    if shard.owns_campaign()
        && let Err(es) = render_calendar(&model, &today, &mut artifacts, sink)
    {
        report.extend(es);
    }
    // The summary counts the whole campaign: the shard with the campaign's files makes it.
    if kits.reports
        && shard.owns_campaign()
        && let Err(es) = render_summary(&model, &today, &mut artifacts, sink)
    {
        report.extend(es);
    }
    let (pages_rendered, pages_reused) =
        match render_site(&model, &theme, &artifacts, &cache, kits.search, sink) {
            Ok(pages) => pages,
            Err(es) => {
                report.extend(es);
                Default::default()
            }
        };
    artifacts.canonical();
    let records = if shard.is_whole() {
        artifacts.manifests()
    } else {
        vec![crate::merge::shard_record(shard, &model.units, &artifacts)]
    };
    if let Err(es) = put_all(sink, records) {
        report.extend(es);
    }
    if report.has_errors() {
        return Err(report);
    }
    let (made, reused) = cache.counts();
    let made_paths = cache.made_labels();
    // A cache over its bound only costs disk space until the next build trims it.
    let _ = cache.trim();
    Ok(Summary {
        model,
        artifacts,
        warnings: report.diagnostics,
        made,
        reused,
        made_paths,
        pages_rendered,
        pages_reused,
    })
}
