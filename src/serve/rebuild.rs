//! Rebuilds the served campaign after a change, reusing what did not change: the config and
//! model are loaded again (parsing is a few milliseconds), templates and stylesheets only when
//! their files changed, and only the pages whose template input changed are rendered again
//! (`site::Cache`). Page pictures are made through the build cache on every rebuild (a picture
//! already made costs reading it and a hash). Print and screen kits are made on request and dropped when sources change;
//! loading, the engine and the kits go through the same `pipeline` stages as `build`, and the
//! build cache makes a kit asked for again after an unrelated edit cost almost nothing.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::Kit;
use super::watch::Changes;
use crate::artifact::Artifacts;
use crate::content::Model;
use crate::diag::{Diagnostic, Report};
use crate::output::{Memory, OutFile};
use crate::pipeline;
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
    /// What the kits made, kept across edits so pages keep their download links. Share cards
    /// are left to `build`, which keeps saving fast.
    downloads: Artifacts,
    site: Vec<Arc<OutFile>>,
    images: Vec<Arc<OutFile>>,
    /// The files of each kit made since the last change.
    kits: std::collections::BTreeMap<Kit, Vec<Arc<OutFile>>>,
}

impl Builder {
    pub fn new(root: PathBuf) -> Builder {
        Builder {
            root,
            cache: site::Cache::default(),
            model: None,
            theme: None,
            engine: None,
            downloads: Artifacts::default(),
            site: Vec::new(),
            images: Vec::new(),
            kits: Default::default(),
        }
    }

    /// The files to serve: the site and the kits made so far.
    pub fn files(&self) -> Option<Arc<HashMap<String, Arc<OutFile>>>> {
        self.model.as_ref()?;
        let kits = self.kits.values().flatten();
        let map = self
            .site
            .iter()
            .chain(&self.images)
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
        let (model, mut warnings, theme) = match pipeline::load(&self.root, None) {
            Ok(l) => (l.model, l.warnings, l.theme),
            Err(report) => return failed(report.diagnostics),
        };
        let images = Memory::default();
        let cache = pipeline::cache(&model, false);
        if let Err(ds) =
            pipeline::render_images(&model, &theme, &cache, &mut self.downloads, &images)
        {
            return failed(ds);
        }
        let today = crate::date::Date::today();
        if let Err(ds) = pipeline::render_calendar(&model, &today, &mut self.downloads, &images) {
            return failed(ds);
        }
        let files = match site::render_cached(&model, &theme, &self.downloads, &mut self.cache) {
            Ok(f) => f,
            Err(ds) => return failed(ds),
        };
        self.images = images.into_files().into_iter().map(Arc::new).collect();
        warnings.retain(|d| !d.is_error());
        let rendered = self.cache.rendered.len();
        self.site = files.into_iter().map(Arc::new).collect();
        self.model = Some(model);
        self.theme = Some(theme);
        self.kits.clear();
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
        if self.kits.contains_key(&kit) {
            return None;
        }
        let (pipeline_kit, what) = kit.renderer();
        let cache = pipeline::cache(model, false);
        if self.engine.is_none() && pipeline_kit.needs_engine() {
            match pipeline::engine(model, theme, cache.clone()) {
                Ok(e) => self.engine = Some(e),
                Err(d) => return Some(failed(vec![d])),
            }
        }
        let files = Memory::default();
        if let Err(ds) = pipeline::render_kit(
            pipeline_kit,
            model,
            self.engine.as_ref(),
            &cache,
            false,
            &mut self.downloads,
            &files,
        ) {
            return Some(failed(ds));
        }
        if kit == Kit::Reports {
            let today = crate::date::Date::today();
            if let Err(ds) = pipeline::render_summary(model, &today, &mut self.downloads, &files) {
                return Some(failed(ds));
            }
        }
        let manifest = match kit {
            Kit::Print => self.downloads.print_manifest(),
            Kit::Screens => self.downloads.screens_manifest(),
            Kit::Wechat | Kit::Sms | Kit::Broadcast | Kit::Reports => None,
        };
        let mut files = files.into_files();
        files.extend(manifest);
        let files: Vec<Arc<OutFile>> = files.into_iter().map(Arc::new).collect();
        let total = files.len();
        self.kits.insert(kit, files);
        if let Err(ds) = self.render_site_again() {
            return Some(failed(ds));
        }
        Some(Outcome::Built {
            rendered: self.cache.rendered.len(),
            total,
            warnings: Vec::new(),
            what,
        })
    }
}

impl Builder {
    /// After a kit is made: the 下载中心 page and the pages that list their downloads change;
    /// the cache renders only those again.
    fn render_site_again(&mut self) -> Result<(), Vec<Diagnostic>> {
        let (Some(model), Some(theme)) = (&self.model, &self.theme) else {
            return Ok(());
        };
        let files = site::render_cached(model, theme, &self.downloads, &mut self.cache)?;
        self.site = files.into_iter().map(Arc::new).collect();
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The valid fixture with the repository's config and theme, in a temporary folder.
    fn campaign() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let from = [
            (repo.join("tests/fixtures/valid/content"), "content"),
            (repo.join("themes"), "themes"),
            (repo.join("static"), "static"),
            (repo.join("config.toml"), "config.toml"),
        ];
        for (src, name) in from {
            for e in walkdir::WalkDir::new(&src) {
                let e = e.unwrap();
                let rel = e.path().strip_prefix(&src).unwrap();
                let to = tmp.path().join(name).join(rel);
                let to = if rel.as_os_str().is_empty() {
                    tmp.path().join(name)
                } else {
                    to
                };
                if e.file_type().is_dir() {
                    std::fs::create_dir_all(&to).unwrap();
                } else {
                    std::fs::copy(e.path(), &to).unwrap();
                }
            }
        }
        // The default campaign's weekly schedule names scam pages the fixture does not have.
        let config = tmp.path().join("config.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        let weeks = regex::Regex::new(r"(?m)^\[\[campaign\.weeks\]\]\n(?:[^\n\[]+\n)*").unwrap();
        std::fs::write(&config, weeks.replace_all(&text, "").as_ref()).unwrap();
        tmp
    }

    fn rendered(outcome: Outcome) -> usize {
        match outcome {
            Outcome::Built { rendered, .. } => rendered,
            Outcome::Failed(e) => panic!("{e}"),
        }
    }

    fn edit(root: &std::path::Path, rel: &str, from: &str, to: &str) {
        let p = root.join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} lacks {from}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    }

    #[test]
    fn an_edit_renders_the_page_and_what_lists_it() {
        let tmp = campaign();
        let root = tmp.path();
        let content = Changes {
            content: true,
            ..Changes::default()
        };
        let mut b = Builder::new(root.to_path_buf());
        assert!(rendered(b.rebuild(content)) > 5);
        assert_eq!(rendered(b.rebuild(content)), 0, "nothing changed");

        // The body shows only on the case's own page.
        edit(root, "content/cases/student.md", "小李在网上", "小王在网上");
        b.rebuild(content);
        assert_eq!(b.cache.rendered, ["cases/student/index.html"]);

        // The title is on every card that lists the case.
        edit(
            root,
            "content/cases/student.md",
            "大学生兼职刷单被骗",
            "大学生刷单被骗",
        );
        b.rebuild(content);
        let mut pages = b.cache.rendered.clone();
        pages.sort();
        for listed in [
            "cases/index.html",
            "cases/student/index.html",
            "index.html",
            "scams/shuadan/index.html",
        ] {
            assert!(
                pages.iter().any(|p| p == listed),
                "{listed} not in {pages:?}"
            );
        }
        assert!(
            !pages.iter().any(|p| p == "guides/after-scam/index.html"),
            "{pages:?}"
        );
    }

    #[test]
    fn page_pictures_are_served_at_their_widths_without_the_original() {
        let tmp = campaign();
        let root = tmp.path();
        let img = image::RgbImage::from_fn(500, 300, |x, y| image::Rgb([x as u8, y as u8, 60]));
        std::fs::create_dir_all(root.join("static/img")).unwrap();
        img.save(root.join("static/img/scene.png")).unwrap();
        let original = std::fs::read(root.join("static/img/scene.png")).unwrap();
        edit(
            root,
            "content/cases/student.md",
            "小李在网上",
            "![现场](/img/scene.png)\n\n小李在网上",
        );
        let mut b = Builder::new(root.to_path_buf());
        rendered(b.rebuild(Changes {
            content: true,
            ..Changes::default()
        }));
        let files = b.files().unwrap();
        for path in [
            "img/scene-360w.png",
            "img/scene-360w.webp",
            "img/scene-500w.webp",
        ] {
            assert!(files.contains_key(path), "{path} is not served");
        }
        let served = |path: &str| match &files[path].content {
            crate::output::Content::Bytes(b) => b.clone(),
            crate::output::Content::Copy(p) => std::fs::read(p).unwrap(),
        };
        assert_ne!(
            served("img/scene.png"),
            original,
            "the original is made anew"
        );
        let page = String::from_utf8(served("cases/student/index.html")).unwrap();
        assert!(
            page.contains("<picture><source type=\"image/webp\""),
            "{page}"
        );
    }

    #[test]
    fn a_broken_edit_keeps_the_last_good_files() {
        let tmp = campaign();
        let root = tmp.path();
        let content = Changes {
            content: true,
            ..Changes::default()
        };
        let mut b = Builder::new(root.to_path_buf());
        b.rebuild(content);
        edit(
            root,
            "content/cases/student.md",
            "loss = 26800",
            "loss = = 26800",
        );
        let error = b.rebuild(content).error().unwrap().to_string();
        assert!(error.contains("content/cases/student.md:5:8"), "{error}");
        assert!(b.files().unwrap().contains_key("cases/student/index.html"));
    }
}
