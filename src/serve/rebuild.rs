//! Rebuilds the served campaign after a change, reusing what did not change: the config and
//! model are loaded again (parsing is a few milliseconds), templates and stylesheets only when
//! their files changed, and only the pages whose template input changed are rendered again
//! (`site::Cache`). Print and screen kits are made on request and dropped when sources change.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::Kit;
use super::watch::Changes;
use crate::config::Config;
use crate::content::{self, Model};
use crate::diag::{Diagnostic, Report};
use crate::output::OutFile;
use crate::print::ManifestEntry;
use crate::site::{self, theme::Theme};
use crate::typeset::Engine;

/// What one rebuild did.
pub enum Outcome {
    Built {
        /// HTML files rendered again (the rest were reused).
        rendered: usize,
        total: usize,
        warnings: Vec<Diagnostic>,
        what: &'static str,
    },
    /// The sources are broken; the text lists every problem.
    Failed(String),
}

impl Outcome {
    /// Whether open tabs should reload.
    pub fn reload(&self) -> bool {
        match self {
            Outcome::Built { rendered, what, .. } => *rendered > 0 || *what == UPDATED,
            Outcome::Failed(_) => true,
        }
    }

    pub fn error(&self) -> Option<&str> {
        match self {
            Outcome::Failed(t) => Some(t),
            Outcome::Built { .. } => None,
        }
    }
}

const UPDATED: &str = "已更新";

pub struct Builder {
    root: PathBuf,
    cache: site::Cache,
    model: Option<Model>,
    theme: Option<Theme>,
    engine: Option<Engine>,
    /// The print kit's manifest, kept across edits so pages keep their download links.
    downloads: Vec<ManifestEntry>,
    site: Vec<Arc<OutFile>>,
    print: Option<Vec<Arc<OutFile>>>,
    screens: Option<Vec<Arc<OutFile>>>,
}

impl Builder {
    pub fn new(root: PathBuf) -> Builder {
        Builder {
            root,
            cache: site::Cache::default(),
            model: None,
            theme: None,
            engine: None,
            downloads: Vec::new(),
            site: Vec::new(),
            print: None,
            screens: None,
        }
    }

    /// The files to serve: the site and the kits made so far.
    pub fn files(&self) -> Option<Arc<HashMap<String, Arc<OutFile>>>> {
        self.model.as_ref()?;
        let kits = self.print.iter().chain(&self.screens).flatten();
        let map = self
            .site
            .iter()
            .chain(kits)
            .map(|f| (f.path.clone(), f.clone()))
            .collect();
        Some(Arc::new(map))
    }

    /// Loads the sources again after `changes` and renders what changed.
    pub fn rebuild(&mut self, changes: Changes) -> Outcome {
        if changes.config || changes.templates {
            self.cache.forget_templates();
            self.engine = None;
        }
        if changes.styles || changes.config {
            self.cache.forget_styles();
        }
        let loaded = Config::load(&self.root)
            .and_then(|config| content::load(&self.root, &config))
            .and_then(|(model, warnings)| {
                let theme = Theme::find(&self.root, &model.config.theme).map_err(|d| vec![d])?;
                Ok((model, warnings, theme))
            });
        let (model, mut warnings, theme) = match loaded {
            Ok(l) => l,
            Err(ds) => return failed(ds),
        };
        let files = match site::render_cached(&model, &theme, &self.downloads, &mut self.cache) {
            Ok(f) => f,
            Err(ds) => return failed(ds),
        };
        warnings.retain(|d| !d.is_error());
        let rendered = self.cache.rendered.len();
        self.site = files.into_iter().map(Arc::new).collect();
        self.model = Some(model);
        self.theme = Some(theme);
        self.print = None;
        self.screens = None;
        Outcome::Built {
            rendered,
            total: self.site.len(),
            warnings: Report {
                diagnostics: warnings,
            }
            .sorted(),
            what: UPDATED,
        }
    }

    /// Makes `kit` for the current model; `None` when it is already made (or nothing loads).
    pub fn make_kit(&mut self, kit: Kit) -> Option<Outcome> {
        let (Some(model), Some(theme)) = (&self.model, &self.theme) else {
            return None;
        };
        let made = match kit {
            Kit::Print => self.print.is_some(),
            Kit::Screens => self.screens.is_some(),
        };
        if made {
            return None;
        }
        if self.engine.is_none() {
            let fonts = model.root.join("fonts");
            match Engine::new(&theme.dir, Some(&fonts), &model.config.print.fonts) {
                Ok(e) => self.engine = Some(e),
                Err(d) => return Some(failed(vec![d])),
            }
        }
        let engine = self.engine.as_ref().expect("engine made above");
        match kit {
            Kit::Print => {
                let options = crate::print::PrintOptions { crop_marks: false };
                let made = match crate::print::render(model, engine, &options) {
                    Ok(k) => k,
                    Err(ds) => return Some(failed(ds)),
                };
                self.print = Some(made.files.into_iter().map(Arc::new).collect());
                self.downloads = made.entries;
                // Pages list their downloads: render again those whose list changed.
                match site::render_cached(model, theme, &self.downloads, &mut self.cache) {
                    Ok(files) => self.site = files.into_iter().map(Arc::new).collect(),
                    Err(ds) => return Some(failed(ds)),
                }
                Some(Outcome::Built {
                    rendered: self.cache.rendered.len(),
                    total: self.site.len() + self.print.as_ref().map_or(0, Vec::len),
                    warnings: Vec::new(),
                    what: "已生成印刷品",
                })
            }
            Kit::Screens => {
                let made = match crate::screens::render(model, engine) {
                    Ok(k) => k,
                    Err(ds) => return Some(failed(ds)),
                };
                self.screens = Some(made.files.into_iter().map(Arc::new).collect());
                Some(Outcome::Built {
                    rendered: 0,
                    total: self.screens.as_ref().map_or(0, Vec::len),
                    warnings: Vec::new(),
                    what: "已生成屏幕素材",
                })
            }
        }
    }
}

fn failed(diagnostics: Vec<Diagnostic>) -> Outcome {
    let report = Report { diagnostics };
    let errors = report.error_count();
    let lines: Vec<String> = report
        .sorted()
        .into_iter()
        .filter(Diagnostic::is_error)
        .map(|d| d.to_string())
        .collect();
    Outcome::Failed(format!("{}\n共 {errors} 个错误。", lines.join("\n")))
}
