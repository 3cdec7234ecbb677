//! What a shortcode in a page or section may ask of the content (`shortcode::Host`): addresses
//! resolved as the body's Markdown links are, the pages and cases `@/` links name, the
//! channels; and the `page`, `section` and `config` values shortcode templates receive.

use std::sync::Arc;

use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;

use super::front::{PageFront, SectionFront};
use super::link::{Index, Target as Named, resolve_dest, split_anchor};
use super::{PageId, relative_url};
use crate::channels::Hotlines;
use crate::config::Config;
use crate::markdown::Dest;
use crate::shortcode::{CaseCard, Host, Target};

/// A case page as cards show it, whatever page the card is on.
pub(super) struct CaseInfo {
    pub title: String,
    pub date_zh: Option<String>,
    pub region: String,
    pub loss: String,
    pub summary: String,
}

impl CaseInfo {
    pub fn of(front: &PageFront, title: &str, fields: &super::CaseFields) -> CaseInfo {
        CaseInfo {
            title: title.to_string(),
            date_zh: front.date.as_ref().map(|d| d.chinese()),
            region: fields.region.clone(),
            loss: crate::zh::loss_text(fields.loss),
            summary: front
                .description
                .clone()
                .unwrap_or_else(|| fields.lesson.clone()),
        }
    }
}

/// The page or section whose body is being rendered.
pub(super) struct PageHost {
    pub index: Arc<Index>,
    /// Its content folder, for relative addresses.
    pub dir: String,
    /// Its site path.
    pub path: String,
    pub title: String,
}

impl PageHost {
    fn named(&self, link: &str) -> Result<Named, String> {
        let Some(file) = link.strip_prefix("@/") else {
            return Err(format!("`{link}` 应写成内部链接，如 @/cases/example.md"));
        };
        let file = split_anchor(file).0;
        self.index
            .by_rel
            .get(file)
            .copied()
            .ok_or_else(|| self.index.missing(link, file))
    }
}

impl Host for PageHost {
    fn resolve(&self, url: &str, is_image: bool) -> Result<Option<String>, String> {
        let dest = Dest {
            url,
            offset: 0,
            is_image,
        };
        resolve_dest(&self.index, &self.dir, &self.path, &dest)
    }

    fn sanitize(&self) -> bool {
        self.index.sanitize
    }

    fn hotlines(&self) -> &Hotlines {
        &self.index.hotlines
    }

    fn target(&self, link: &str) -> Result<Target, String> {
        let t = self.named(link)?;
        let title = match t {
            Named::Page(id) => self.index.page_titles[id].clone(),
            Named::Section(id) => self.index.section_titles[id].clone(),
        };
        Ok(Target {
            title,
            path: self.index.target_path(t).to_string(),
        })
    }

    fn here(&self) -> Target {
        Target {
            title: self.title.clone(),
            path: self.path.clone(),
        }
    }

    fn base_url(&self) -> Option<&str> {
        self.index.base_url.as_deref()
    }

    fn case(&self, link: &str) -> Result<CaseCard, String> {
        let id: Option<PageId> = match self.named(link)? {
            Named::Page(id) => Some(id),
            Named::Section(_) => None,
        };
        let Some((id, info)) = id.and_then(|id| Some((id, self.index.cases.get(&id)?))) else {
            return Err(format!("链接 `{link}` 应指向典型案例页面"));
        };
        Ok(CaseCard {
            title: info.title.clone(),
            url: relative_url(&self.path, &self.index.page_paths[id]),
            date_zh: info.date_zh.clone(),
            region: info.region.clone(),
            loss: info.loss.clone(),
            summary: info.summary.clone(),
        })
    }
}

/// `page` as shortcode templates see it.
#[derive(Serialize)]
struct PageValue<'a> {
    title: &'a str,
    slug: &'a str,
    path: &'a str,
    permalink: Option<String>,
    description: Option<&'a str>,
    date: Option<String>,
    extra: &'a toml::Table,
}

/// `section` as shortcode templates see it.
#[derive(Serialize)]
struct SectionValue<'a> {
    title: &'a str,
    path: &'a str,
    permalink: Option<String>,
    description: Option<&'a str>,
    extra: &'a toml::Table,
}

/// `config` as shortcode templates see it.
#[derive(Serialize)]
struct ConfigValue<'a> {
    title: &'a str,
    description: &'a str,
    base_url: Option<&'a str>,
    language: &'a str,
    extra: &'a toml::Table,
}

/// Whose body it is, for the values its shortcodes receive.
pub(super) enum Owner<'a> {
    Page { front: &'a PageFront, slug: &'a str },
    Section(&'a SectionFront),
}

/// What every shortcode of a body receives besides its arguments: `page` or `section`,
/// `config`, and `root` (the relative address of the site's home, as page templates have it).
pub(super) fn context(
    config: &Config,
    owner: &Owner<'_>,
    title: &str,
    path: &str,
) -> Vec<(&'static str, Value)> {
    let permalink = config.base_url.as_ref().map(|b| format!("{b}{path}"));
    let own = match owner {
        Owner::Page { front, slug } => (
            "page",
            serde_value(PageValue {
                title,
                slug,
                path,
                permalink,
                description: front.description.as_deref(),
                date: front.date.as_ref().map(ToString::to_string),
                extra: &front.extra,
            }),
        ),
        Owner::Section(front) => (
            "section",
            serde_value(SectionValue {
                title,
                path,
                permalink,
                description: front.description.as_deref(),
                extra: &front.extra,
            }),
        ),
    };
    let config = serde_value(ConfigValue {
        title: &config.title,
        description: &config.description,
        base_url: config.base_url.as_deref(),
        language: &config.language,
        extra: &config.extra,
    });
    vec![
        own,
        ("config", config),
        ("root", Value::from(relative_url(path, ""))),
    ]
}

/// Any serializable data as a template value.
fn serde_value<T: Serialize>(t: T) -> Value {
    Value::from(Serde(t))
}
