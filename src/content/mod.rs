//! The campaign's content model: sections and pages read from `content/`, validated, linked and
//! then frozen, with the units of the units table (read by `crate::units`). Every renderer (site, and later print, screens, search) reads this model; none
//! changes it.

pub mod front;
mod host;
pub mod kinds;
mod link;
mod load;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::config::Config;
use crate::date::Date;
pub use front::{PageFront, SectionFront, SortBy};
pub use kinds::{AudienceFields, CaseFields, GuideFields, Kind, ScamFields, Slogan};
pub use link::{join_rel, relative_url, site_path_of};
pub use load::{CONTENT_DIR, load, valid_slug};

/// The folder part of a `/`-separated path, with its trailing slash (`""` at the top).
pub fn parent_path(path: &str) -> String {
    path.rfind('/')
        .map_or(String::new(), |i| path[..=i].to_string())
}

pub type PageId = usize;
pub type SectionId = usize;

/// Everything a campaign says, ready to render.
pub struct Model {
    pub root: PathBuf,
    pub config: Config,
    /// Sorted by path; index 0 is the home section.
    pub sections: Vec<Section>,
    /// Sorted by path.
    pub pages: Vec<Page>,
    /// Non-Markdown files under `content/`, copied beside the pages that own them.
    pub assets: Vec<Asset>,
    /// The units table (schools, police stations, villages, …), when the campaign has one.
    pub units: crate::units::Units,
    /// The share of the campaign a build makes (`--shard K/N`); the whole by default.
    pub shard: crate::shard::Shard,
    /// The campaign's phases and weeks, with the weekly schedule's links resolved.
    pub calendar: crate::calendar::Calendar,
}

pub struct Section {
    /// Path of `_index.md` relative to the campaign root (for diagnostics).
    pub source: PathBuf,
    /// URL path without a leading slash, ending in `/` (`""` for home).
    pub path: String,
    pub title: String,
    pub front: SectionFront,
    pub content: String,
    pub parent: Option<SectionId>,
    pub subsections: Vec<SectionId>,
    /// In the section's `sort_by` order.
    pub pages: Vec<PageId>,
    /// The collection of a `kind = "slogans"` section.
    pub slogans: Vec<Slogan>,
}

pub struct Page {
    pub source: PathBuf,
    pub path: String,
    pub slug: String,
    pub section: SectionId,
    pub title: String,
    pub front: PageFront,
    /// The Markdown body as written, with its shortcodes taken out (a block shortcode leaves
    /// its body), for plain-text uses: descriptions, print layouts.
    pub body: String,
    /// The body rendered to HTML, with `@/` links resolved relative to this page.
    pub content: String,
    pub kind: KindData,
    /// Line of each top-level front-matter key, for later diagnostics.
    pub key_lines: BTreeMap<String, usize>,
}

/// A page's kind-specific data, with links resolved.
pub enum KindData {
    Plain,
    Scam {
        fields: ScamFields,
        audiences: Vec<PageId>,
        cases: Vec<PageId>,
    },
    Case {
        fields: CaseFields,
        scam: PageId,
    },
    Audience {
        fields: AudienceFields,
        scams: Vec<PageId>,
    },
    Guide {
        fields: GuideFields,
        channels: Vec<usize>,
    },
}

impl KindData {
    pub fn kind(&self) -> Option<Kind> {
        match self {
            KindData::Plain => None,
            KindData::Scam { .. } => Some(Kind::Scam),
            KindData::Case { .. } => Some(Kind::Case),
            KindData::Audience { .. } => Some(Kind::Audience),
            KindData::Guide { .. } => Some(Kind::Guide),
        }
    }
}

impl Page {
    /// The title typeset products show (print, display slides, share cards): `print_title` when
    /// the page has one, else `title`.
    pub fn print_title(&self) -> &str {
        self.front.print_title.as_deref().unwrap_or(&self.title)
    }

    /// The front-matter key [`Page::print_title`] comes from, for diagnostics.
    pub fn print_title_key(&self) -> &'static str {
        if self.front.print_title.is_some() {
            "print_title"
        } else {
            "title"
        }
    }

    /// The line of a front-matter key in the page, for diagnostics: the first segment of a
    /// dotted field (`case.title` → `case`); a headline's `title` is the key it came from
    /// (`print_title` when the page has one).
    pub fn field_line(&self, field: &str) -> Option<usize> {
        let key = field.split('.').next().unwrap_or(field);
        let key = if key == "title" {
            self.print_title_key()
        } else {
            key
        };
        self.key_lines.get(key).copied()
    }
}

pub struct Asset {
    pub source: PathBuf,
    /// Output path relative to the site root.
    pub path: String,
}

impl Model {
    pub fn home(&self) -> &Section {
        &self.sections[0]
    }

    /// Whether `page` is an event of the activity gallery: a page (one folder per event) of the
    /// section `[gallery] section` names.
    pub fn is_gallery_page(&self, page: &Page) -> bool {
        let gallery = format!("{}/", self.config.gallery.section.trim_matches('/'));
        self.sections[page.section].path == gallery
    }

    /// The photos of a gallery event: the JPEG, PNG and WebP files in its folder, by name.
    pub fn gallery_photos(&self, page: &Page) -> Vec<&Asset> {
        if !self.is_gallery_page(page) {
            return Vec::new();
        }
        let mut photos: Vec<&Asset> = self
            .assets
            .iter()
            .filter(|a| {
                a.path.strip_prefix(page.path.as_str()).is_some_and(|name| {
                    !name.contains('/')
                        && name.rsplit_once('.').is_some_and(|(_, ext)| {
                            matches!(
                                ext.to_ascii_lowercase().as_str(),
                                "jpg" | "jpeg" | "png" | "webp"
                            )
                        })
                })
            })
            .collect();
        photos.sort_by(|a, b| a.path.cmp(&b.path));
        photos
    }

    /// Pages of one kind, in their section's order.
    pub fn pages_of(&self, kind: Kind) -> Vec<PageId> {
        let mut ids = Vec::new();
        for s in &self.sections {
            if s.front.kind == Some(kind) {
                ids.extend(&s.pages);
            }
        }
        ids
    }

    /// The slogans of every `kind = "slogans"` section.
    pub fn slogans(&self) -> impl Iterator<Item = &Slogan> {
        self.sections.iter().flat_map(|s| &s.slogans)
    }

    /// The file holding the slogans collection, for diagnostics about a slogan.
    pub fn slogans_source(&self) -> PathBuf {
        self.sections
            .iter()
            .find(|s| !s.slogans.is_empty())
            .map(|s| s.source.clone())
            .unwrap_or_default()
    }

    /// The page an `@/path.md` link names, if any.
    pub fn page_by_link(&self, link: &str) -> Option<PageId> {
        let rel = link.strip_prefix("@/")?;
        let want = std::path::Path::new(CONTENT_DIR).join(rel);
        self.pages.iter().position(|p| p.source == want)
    }

    /// The scam types of these audience pages: for each audience in turn, the scams its page
    /// lists, then any other scam that names the audience in its `audiences`; each scam once.
    pub fn scams_of_audiences(&self, audiences: &[PageId]) -> Vec<PageId> {
        let mut ids: Vec<PageId> = Vec::new();
        for &a in audiences {
            let listed = match &self.pages[a].kind {
                KindData::Audience { scams, .. } => scams.clone(),
                _ => Vec::new(),
            };
            let naming = self.pages_of(Kind::Scam).into_iter().filter(|&s| {
                matches!(&self.pages[s].kind, KindData::Scam { audiences, .. } if audiences.contains(&a))
            });
            for s in listed.into_iter().chain(naming) {
                if !ids.contains(&s) {
                    ids.push(s);
                }
            }
        }
        ids
    }

    pub fn page_date(&self, id: PageId) -> Option<&Date> {
        self.pages[id].front.date.as_ref()
    }
}
