//! Which raster pictures pages use, and where each comes from: every `<img src>` of a rendered
//! body (Markdown images, raw HTML, shortcodes' figures alike) and every front-matter string that
//! names a picture file, resolved to a co-located content file or a `static/` file.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use lol_html::{RewriteStrSettings, element, rewrite_str};

use crate::content::{Model, join_rel, site_path_of};

/// The extensions of the pictures made for the web (SVG is drawn, not resized, and stays as is).
const RASTER: &[&str] = &["jpg", "jpeg", "png", "gif", "webp"];

/// Where a page names a picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Use {
    /// The page's or section's file, relative to the campaign root.
    pub page: PathBuf,
    /// Text the page's file holds where it names the picture (its file name, or the
    /// front-matter value), to find the line by.
    pub written: String,
    /// The front-matter key, for a picture named there.
    pub field: Option<String>,
}

/// A picture pages use.
#[derive(Debug, Clone, PartialEq)]
pub struct Wanted {
    /// Its site path: `cases/a/photo.jpg`.
    pub path: String,
    /// The file to read.
    pub file: PathBuf,
    /// The file as messages name it: `content/cases/a/photo.jpg`, `static/img/x.png`.
    pub shown: String,
    pub uses: Vec<Use>,
}

pub fn is_raster(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| RASTER.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Every raster picture a page or section uses, sorted by site path. `static_dirs` come in the
/// site's order: a later folder's file wins.
pub fn wanted(model: &Model, static_dirs: &[PathBuf]) -> Vec<Wanted> {
    let assets: HashMap<&str, &Path> = model
        .assets
        .iter()
        .map(|a| (a.path.as_str(), a.source.as_path()))
        .collect();
    let mut found: BTreeMap<String, Wanted> = BTreeMap::new();
    let pages = model
        .pages
        .iter()
        .map(|p| (&p.source, &p.path, &p.content, &p.front.extra))
        .chain(
            model
                .sections
                .iter()
                .map(|s| (&s.source, &s.path, &s.content, &s.front.extra)),
        );
    for (source, path, content, extra) in pages {
        let mut named = Vec::new();
        for src in img_sources(content) {
            if let Some(site) = site_path_of(path, &src) {
                let name = site.rsplit('/').next().unwrap_or(&site).to_string();
                named.push((site, name, None));
            }
        }
        front_matter_pictures(model, source, path, extra, &mut named);
        for (site, written, field) in named {
            if !is_raster(&site) {
                continue;
            }
            let Some((file, shown)) = locate(model, &assets, static_dirs, &site) else {
                continue; // a missing file is reported by loading or by `check`
            };
            let use_ = Use {
                page: source.clone(),
                written,
                field,
            };
            let entry = found.entry(site.clone()).or_insert_with(|| Wanted {
                path: site,
                file,
                shown,
                uses: Vec::new(),
            });
            if !entry.uses.contains(&use_) {
                entry.uses.push(use_);
            }
        }
    }
    unused_beside_pages(model, &mut found);
    found.into_values().collect()
}

/// Pictures beside pages that no page shows are published too (every co-located file is, as in
/// Zola): they are made the same way, so none goes out with its GPS position.
fn unused_beside_pages(model: &Model, found: &mut BTreeMap<String, Wanted>) {
    for a in model.assets.iter().filter(|a| is_raster(&a.path)) {
        if !found.contains_key(&a.path) {
            found.insert(
                a.path.clone(),
                Wanted {
                    path: a.path.clone(),
                    file: a.source.clone(),
                    shown: shown(model, &a.source),
                    uses: Vec::new(),
                },
            );
        }
    }
}

/// The `src` of every `<img>` in a rendered body.
fn img_sources(html: &str) -> Vec<String> {
    if !html.contains("<img") {
        return Vec::new();
    }
    let found = RefCell::new(Vec::new());
    let settings =
        RewriteStrSettings::new().append_element_content_handler(element!("img[src]", |el| {
            if let Some(src) = el.get_attribute("src") {
                found.borrow_mut().push(src);
            }
            Ok(())
        }));
    // lol_html fails only on memory limits a page never reaches.
    let _ = rewrite_str(html, settings);
    found.into_inner()
}

/// Front-matter strings (under `[extra]`) that name a picture file: beside the page's file, or
/// from the site's root with a leading `/`.
fn front_matter_pictures(
    model: &Model,
    source: &Path,
    page_path: &str,
    extra: &toml::Table,
    out: &mut Vec<(String, String, Option<String>)>,
) {
    if extra.is_empty() {
        return;
    }
    let mut strings = Vec::new();
    for (k, v) in extra {
        walk_strings(&format!("extra.{k}"), v, &mut strings);
    }
    let dir = source
        .strip_prefix(crate::content::CONTENT_DIR)
        .ok()
        .and_then(Path::parent)
        .map(crate::diag::display_path)
        .unwrap_or_default();
    for (field, value) in strings {
        if !is_raster(&value) || value.contains(char::is_whitespace) {
            continue;
        }
        let site = match value.strip_prefix('/') {
            Some(_) => site_path_of(page_path, &value),
            None => {
                // A file beside the page's source is published where the page's assets go.
                let rel = join_rel(&dir, &value);
                let asset = rel.and_then(|rel| {
                    let src = model.root.join(crate::content::CONTENT_DIR).join(&rel);
                    model.assets.iter().find(|a| a.source == src)
                });
                asset
                    .map(|a| a.path.clone())
                    .or_else(|| site_path_of(page_path, &value))
            }
        };
        if let Some(site) = site {
            out.push((site, value, Some(field)));
        }
    }
}

fn walk_strings(key: &str, v: &toml::Value, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::String(s) => out.push((key.to_string(), s.clone())),
        toml::Value::Array(items) => items.iter().for_each(|i| walk_strings(key, i, out)),
        toml::Value::Table(t) => {
            for (k, v) in t {
                walk_strings(&format!("{key}.{k}"), v, out);
            }
        }
        _ => {}
    }
}

/// The file behind a site path: a co-located content file, else the last static folder that has
/// it.
fn locate(
    model: &Model,
    assets: &HashMap<&str, &Path>,
    static_dirs: &[PathBuf],
    site: &str,
) -> Option<(PathBuf, String)> {
    if let Some(file) = assets.get(site) {
        return Some((file.to_path_buf(), shown(model, file)));
    }
    static_dirs
        .iter()
        .rev()
        .map(|dir| dir.join(site))
        .find(|f| f.is_file())
        .map(|f| {
            let s = shown(model, &f);
            (f, s)
        })
}

/// A file as messages name it, relative to the campaign: `content/cases/a/photo.jpg`.
fn shown(model: &Model, file: &Path) -> String {
    crate::diag::display_path(file.strip_prefix(&model.root).unwrap_or(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_img_of_a_body() {
        let html = "<p><img src=\"a.jpg\" alt=\"\"></p><figure><img alt=\"x\" src='../b/c.PNG'>\
                    <figcaption>图</figcaption></figure><img alt=\"no src\">";
        assert_eq!(img_sources(html), ["a.jpg", "../b/c.PNG"]);
        assert!(img_sources("<p>没有图</p>").is_empty());
    }

    #[test]
    fn raster_files_by_extension() {
        assert!(is_raster("a/b.JPG"));
        assert!(is_raster("x.webp"));
        assert!(!is_raster("logo.svg"));
        assert!(!is_raster("doc.pdf"));
    }
}
