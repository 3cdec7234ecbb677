//! Turns parsed sections and pages into the frozen model: gives every page its URL path, resolves
//! `@/` and relative links (front matter and Markdown), places co-located assets, renders bodies
//! (shortcodes expanded, links resolved, raw HTML cleaned) and derives the relations authors do
//! not write twice (a scam type's cases).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::host::{self, CaseInfo, Owner, PageHost};
use super::load::{RawKind, RawPage, RawSection, bundle_dirs, parent_dir};
use super::{Asset, Kind, KindData, Model, Page, PageId, Section, SectionId, SortBy};
use crate::channels::Hotlines;
use crate::config::Config;
use crate::diag::{Diagnostic, Position, Severity};
use crate::markdown::{self, AnchorLinks, Dest};
use crate::shortcode::{self, Shortcodes};

/// What a content-relative file path names.
#[derive(Clone, Copy)]
pub(super) enum Target {
    Page(PageId),
    Section(SectionId),
}

/// Everything needed to resolve a link, or render a shortcode, from anywhere in the content.
pub(super) struct Index {
    /// `scams/shuadan.md` and `scams/_index.md` → target.
    pub by_rel: HashMap<String, Target>,
    /// Content-relative asset file → output path.
    pub assets: HashMap<String, String>,
    pub page_paths: Vec<String>,
    pub page_titles: Vec<String>,
    pub page_kinds: Vec<Option<Kind>>,
    pub section_paths: Vec<String>,
    pub section_titles: Vec<String>,
    /// Each section's `insert_anchor_links`, which its pages follow too.
    pub anchors: Vec<AnchorLinks>,
    /// Pages that exist but were not loaded (drafts, or files with errors already reported).
    pub unloaded: BTreeSet<String>,
    /// Take scripts and outside resources out of raw HTML (unless `unsafe_html = true`).
    pub sanitize: bool,
    /// The shortcode templates, loaded when some body may use one.
    pub shortcodes: Option<Shortcodes>,
    pub hotlines: Hotlines,
    pub base_url: Option<String>,
    /// Case pages, as the `case` shortcode shows them.
    pub cases: HashMap<PageId, CaseInfo>,
}

impl Index {
    /// Why a link to `file` cannot resolve; empty when the file's own errors were already reported.
    pub fn missing(&self, url: &str, file: &str) -> String {
        if self.unloaded.contains(file) {
            String::new()
        } else {
            format!("内部链接 `{url}` 指向的文件 content/{file} 不存在")
        }
    }

    pub fn target_path(&self, t: Target) -> &str {
        match t {
            Target::Page(id) => &self.page_paths[id],
            Target::Section(id) => &self.section_paths[id],
        }
    }
}

pub(super) fn link(
    root: &Path,
    config: Config,
    raw_sections: Vec<RawSection>,
    raw_pages: Vec<RawPage>,
    asset_files: Vec<String>,
    unloaded: &BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Model> {
    let section_ids: BTreeMap<String, SectionId> = raw_sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.dir.clone(), i))
        .collect();
    let section_paths: Vec<String> = raw_sections
        .iter()
        .map(|s| section_path(s, diags))
        .collect();

    let mut pages_by_path: Vec<(String, RawPage)> = raw_pages
        .into_iter()
        .map(|p| {
            (
                format!("{}{}/", section_paths[section_ids[&p.section_dir]], p.slug),
                p,
            )
        })
        .collect();
    pages_by_path.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.rel.cmp(&b.1.rel)));
    check_unique_paths(&pages_by_path, &section_paths, &raw_sections, diags);
    let (page_paths, raw_pages): (Vec<String>, Vec<RawPage>) = pages_by_path.into_iter().unzip();

    let mut by_rel = HashMap::new();
    for (i, s) in raw_sections.iter().enumerate() {
        let rel = if s.dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{}/_index.md", s.dir)
        };
        by_rel.insert(rel, Target::Section(i));
    }
    for (i, p) in raw_pages.iter().enumerate() {
        by_rel.insert(p.rel.clone(), Target::Page(i));
    }
    let assets = place_assets(
        root,
        &asset_files,
        &raw_pages,
        &page_paths,
        &section_ids,
        &section_paths,
    );
    let may_use_shortcodes = raw_pages.iter().any(|p| shortcode::may_hold(&p.body))
        || raw_sections.iter().any(|s| shortcode::may_hold(&s.body));
    let shortcodes = may_use_shortcodes.then(|| {
        let (set, errors) = Shortcodes::load(root, &config.theme);
        diags.extend(errors);
        set
    });
    let page_titles: Vec<String> = raw_pages.iter().map(page_title).collect();
    let cases = raw_pages
        .iter()
        .enumerate()
        .filter_map(|(id, p)| match &p.kind {
            RawKind::Case(fields) => Some((id, CaseInfo::of(&p.front, &page_titles[id], fields))),
            _ => None,
        })
        .collect();
    let index = Arc::new(Index {
        by_rel,
        assets: assets
            .iter()
            .map(|(rel, a)| (rel.clone(), a.path.clone()))
            .collect(),
        page_kinds: raw_pages.iter().map(|p| raw_kind(&p.kind)).collect(),
        page_paths,
        page_titles,
        section_paths,
        section_titles: raw_sections.iter().map(section_title).collect(),
        anchors: raw_sections
            .iter()
            .map(|s| s.front.insert_anchor_links)
            .collect(),
        unloaded: unloaded.clone(),
        sanitize: !config.markdown.unsafe_html,
        shortcodes,
        hotlines: crate::channels::hotlines(&config),
        base_url: config.base_url.clone(),
        cases,
    });

    let rendered: Vec<(Page, Vec<Diagnostic>)> = raw_pages
        .into_par_iter()
        .enumerate()
        .map(|(id, raw)| finish_page(id, raw, &index, &section_ids, &config))
        .collect();
    let mut pages = Vec::with_capacity(rendered.len());
    for (page, ds) in rendered {
        diags.extend(ds);
        pages.push(page);
    }
    add_cases_to_scams(&mut pages);

    let mut sections: Vec<Section> = raw_sections
        .into_iter()
        .enumerate()
        .map(|(id, raw)| finish_section(id, raw, &index, &section_ids, &config, diags))
        .collect();
    attach_pages(&mut sections, &pages);
    fill_scam_slogans(&mut sections, &pages, &index, diags);

    if diags.iter().any(Diagnostic::is_error) {
        return None;
    }
    let assets = assets.into_values().collect();
    Some(Model {
        root: root.to_path_buf(),
        config,
        sections,
        pages,
        assets,
        units: crate::units::Units::default(),
        shard: crate::shard::Shard::WHOLE,
        calendar: crate::calendar::Calendar::default(),
    })
}

fn page_title(p: &RawPage) -> String {
    p.front.title.clone().unwrap_or_else(|| p.slug.clone())
}

fn section_title(s: &RawSection) -> String {
    s.front.title.clone().unwrap_or_else(|| s.dir.clone())
}

fn raw_kind(k: &RawKind) -> Option<Kind> {
    match k {
        RawKind::Plain => None,
        RawKind::Scam(_) => Some(Kind::Scam),
        RawKind::Case(_) => Some(Kind::Case),
        RawKind::Audience(_) => Some(Kind::Audience),
        RawKind::Guide(_) => Some(Kind::Guide),
    }
}

/// A section's URL path is its folder; folder names must be URL-safe, as fanzha never transliterates.
fn section_path(s: &RawSection, diags: &mut Vec<Diagnostic>) -> String {
    if s.dir.is_empty() {
        return String::new();
    }
    let ok = s.dir.split('/').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    });
    if !ok {
        diags.push(Diagnostic::error(
            &s.source,
            format!(
                "栏目文件夹名 `{}` 会成为网址，只能用英文字母、数字、- 和 _",
                s.dir
            ),
        ));
    }
    format!("{}/", s.dir)
}

fn check_unique_paths(
    pages: &[(String, RawPage)],
    section_paths: &[String],
    sections: &[RawSection],
    diags: &mut Vec<Diagnostic>,
) {
    for pair in pages.windows(2) {
        if pair[0].0 == pair[1].0 {
            diags.push(
                Diagnostic::error(
                    &pair[1].1.source,
                    format!(
                        "网址 /{} 与 {} 重复；请改 slug",
                        pair[1].0,
                        crate::diag::display_path(&pair[0].1.source)
                    ),
                )
                .field("slug")
                .at_line(slug_line(&pair[1].1)),
            );
        }
    }
    for (path, page) in pages {
        if let Some(i) = section_paths.iter().position(|s| s == path) {
            diags.push(
                Diagnostic::error(
                    &page.source,
                    format!(
                        "网址 /{path} 与栏目 {} 重复；请改 slug",
                        crate::diag::display_path(&sections[i].source)
                    ),
                )
                .field("slug")
                .at_line(slug_line(page)),
            );
        }
    }
}

/// The line of a page's `slug` key, else of its title, else the first.
fn slug_line(page: &RawPage) -> usize {
    let lines = &page.key_lines;
    lines
        .get("slug")
        .or_else(|| lines.get("title"))
        .copied()
        .unwrap_or(1)
}

/// Places each non-Markdown file beside the page bundle or section that owns its folder.
fn place_assets(
    root: &Path,
    files: &[String],
    pages: &[RawPage],
    page_paths: &[String],
    section_ids: &BTreeMap<String, SectionId>,
    section_paths: &[String],
) -> BTreeMap<String, Asset> {
    let bundles: HashMap<&str, &str> = {
        let dirs = bundle_dirs(pages);
        pages
            .iter()
            .zip(page_paths)
            .filter(|(p, _)| dirs.contains(p.dir.as_str()) && p.rel.ends_with("index.md"))
            .map(|(p, path)| (p.dir.as_str(), path.as_str()))
            .collect()
    };
    let mut out = BTreeMap::new();
    for rel in files {
        let mut dir = parent_dir(rel);
        let owner = loop {
            if let Some(path) = bundles.get(dir) {
                break (dir, (*path).to_string());
            }
            if let Some(&id) = section_ids.get(dir) {
                break (dir, section_paths[id].clone());
            }
            dir = parent_dir(dir);
        };
        let rest = if owner.0.is_empty() {
            rel.as_str()
        } else {
            &rel[owner.0.len() + 1..]
        };
        let asset = Asset {
            source: root.join(super::load::CONTENT_DIR).join(rel),
            path: format!("{}{rest}", owner.1),
        };
        out.insert(rel.clone(), asset);
    }
    out
}

/// The relative URL from a page at `from` (a directory path like `scams/x/`) to the site path `to`.
pub fn relative_url(from: &str, to: &str) -> String {
    let depth = from.split('/').filter(|s| !s.is_empty()).count();
    let url = format!("{}{to}", "../".repeat(depth));
    if url.is_empty() { "./".into() } else { url }
}

/// Joins a relative reference onto a folder path (content or site, no leading slash needed),
/// folding `.` and `..`; `None` if it climbs out.
pub fn join_rel(dir: &str, reference: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in reference.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The site path a URL written in the page at `page_path` names — `photo.jpg` in `cases/a/` is
/// `cases/a/photo.jpg`, `/img/x.png` and `../../img/x.png` are `img/x.png` — with its query and
/// fragment dropped and `%` escapes and `&amp;` decoded. `None` for addresses outside the site
/// and paths that climb out of it.
pub fn site_path_of(page_path: &str, url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || is_external(url) {
        return None;
    }
    let file = split_anchor(url).0.replace("&amp;", "&");
    let file = percent_encoding::percent_decode_str(&file)
        .decode_utf8()
        .ok()?;
    match file.strip_prefix('/') {
        Some(abs) => join_rel("", abs),
        None => join_rel(page_path, &file),
    }
    .filter(|p| !p.is_empty())
}

fn is_external(url: &str) -> bool {
    url.starts_with('#')
        || url.starts_with("//")
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
}

/// Resolves one link or image destination written in a page or section at `from_path` whose
/// source folder is `dir`. `Ok(None)` leaves it as written.
pub(super) fn resolve_dest(
    index: &Index,
    dir: &str,
    from_path: &str,
    dest: &Dest<'_>,
) -> Result<Option<String>, String> {
    let url = dest.url;
    if let Some(internal) = url.strip_prefix("@/") {
        let (file, anchor) = split_anchor(internal);
        return match index.by_rel.get(file) {
            Some(target) => Ok(Some(
                relative_url(from_path, index.target_path(*target)) + anchor,
            )),
            None => Err(index.missing(url, file)),
        };
    }
    if is_external(url) || url.is_empty() {
        return Ok(None);
    }
    if let Some(site_path) = url.strip_prefix('/') {
        return Ok(Some(relative_url(from_path, site_path)));
    }
    let (file, anchor) = split_anchor(url);
    let Some(rel) = join_rel(dir, file) else {
        return Err(format!("链接 `{url}` 超出了 content 文件夹"));
    };
    if let Some(target) = index.by_rel.get(&rel) {
        return Ok(Some(
            relative_url(from_path, index.target_path(*target)) + anchor,
        ));
    }
    if let Some(out) = index.assets.get(&rel) {
        return Ok(Some(relative_url(from_path, out) + anchor));
    }
    let looks_like_file = file
        .rsplit('/')
        .next()
        .is_some_and(|name| name.contains('.'));
    if dest.is_image || looks_like_file {
        let what = if dest.is_image { "图片" } else { "文件" };
        return Err(format!("找不到{what} `{url}`（应在 content/{rel}）"));
    }
    Ok(None)
}

pub(super) fn split_anchor(s: &str) -> (&str, &str) {
    match s.find(['#', '?']) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

/// A body rendered: its HTML, and, when it has shortcodes, its Markdown for plain uses
/// (descriptions, print) with them taken out.
struct Rendered {
    html: String,
    plain: Option<String>,
}

/// Where a body is written and whose it is.
struct Place<'a> {
    source: &'a Path,
    /// Content folder, for relative addresses.
    dir: &'a str,
    /// Site path.
    path: &'a str,
    title: &'a str,
    owner: Owner<'a>,
    anchors: AnchorLinks,
}

/// Renders a Markdown body: expands its shortcodes, resolves its links, cleans its raw HTML;
/// problems are reported at their line and column.
fn render_body(
    index: &Arc<Index>,
    config: &Config,
    place: &Place<'_>,
    body: &str,
    body_line: usize,
    diags: &mut Vec<Diagnostic>,
) -> Rendered {
    let expanded = match &index.shortcodes {
        Some(set) if shortcode::may_hold(body) => {
            let host = PageHost {
                index: index.clone(),
                dir: place.dir.to_string(),
                path: place.path.to_string(),
                title: place.title.to_string(),
            };
            let context = host::context(config, &place.owner, place.title, place.path);
            Some(set.expand(body, Arc::new(host), &context))
        }
        _ => None,
    };
    let markdown = expanded.as_ref().map_or(body, |x| x.markdown.as_str());
    let html = markdown::render(markdown, place.anchors, &mut |dest| match resolve_dest(
        index, place.dir, place.path, &dest,
    ) {
        Ok(new) => new,
        Err(msg) if msg.is_empty() => None,
        Err(msg) => {
            let offset = expanded
                .as_ref()
                .map_or(dest.offset, |x| x.source_offset(dest.offset));
            let pos = Position::of_offset(body, offset, body_line);
            diags.push(Diagnostic::error(place.source, msg).at(Some(pos)));
            None
        }
    });
    let html = if index.sanitize {
        clean_html(place.source, &html, body, body_line, diags)
    } else {
        html
    };
    let Some(expanded) = expanded else {
        return Rendered { html, plain: None };
    };
    for p in expanded.problems.iter().filter(|p| !p.message.is_empty()) {
        let pos = Position::of_offset(body, p.offset, body_line);
        let d = match p.severity {
            Severity::Error => Diagnostic::error(place.source, p.message.clone()).at(Some(pos)),
            Severity::Warning => {
                Diagnostic::warning(place.source, p.message.clone()).at_line(pos.line)
            }
        };
        diags.push(d.field(p.field));
    }
    Rendered {
        html: expanded.insert(&html),
        plain: Some(expanded.plain),
    }
}

/// The body's HTML with scripts and outside pictures taken out, each removal a warning at the
/// line of the body it was written on.
fn clean_html(
    source: &Path,
    html: &str,
    body: &str,
    body_line: usize,
    diags: &mut Vec<Diagnostic>,
) -> String {
    // Raw HTML starts with `<`; a body without one is Markdown's own markup.
    let origin = if body.contains('<') {
        crate::sanitize::Origin::RawHtml
    } else {
        crate::sanitize::Origin::Markdown
    };
    let (html, removed) = crate::sanitize::clean(html, origin);
    let offsets = crate::sanitize::locate(body, &removed);
    for (r, at) in removed.iter().zip(offsets) {
        let pos = Position::of_offset(body, at.unwrap_or(0), body_line);
        diags.push(
            Diagnostic::warning(source, crate::sanitize::removal_message(&r.what))
                .field("html")
                .at_line(pos.line),
        );
    }
    html
}

fn finish_page(
    id: PageId,
    raw: RawPage,
    index: &Arc<Index>,
    section_ids: &BTreeMap<String, SectionId>,
    config: &Config,
) -> (Page, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let path = index.page_paths[id].clone();
    let section = section_ids[&raw.section_dir];
    let place = Place {
        source: &raw.source,
        dir: &raw.dir,
        path: &path,
        title: &index.page_titles[id],
        owner: Owner::Page {
            front: &raw.front,
            slug: &raw.slug,
        },
        anchors: index.anchors[section],
    };
    let rendered = render_body(index, config, &place, &raw.body, raw.body_line, &mut diags);
    let line = |field: &str| raw.key_lines.get(field).copied();
    let mut link_field = |field: &str, link: &str, want: Kind| -> Option<PageId> {
        let err = |msg: String| {
            let d = Diagnostic::error(&raw.source, msg).field(field);
            match line(field) {
                Some(l) => d.at_line(l),
                None => d,
            }
        };
        let Some(file) = link.strip_prefix("@/") else {
            diags.push(err(format!(
                "`{link}` 应写成内部链接，如 @/scams/shuadan.md"
            )));
            return None;
        };
        match index.by_rel.get(split_anchor(file).0) {
            Some(Target::Page(pid)) if index.page_kinds[*pid] == Some(want) => Some(*pid),
            Some(_) => {
                diags.push(err(format!("链接 `{link}` 应指向{}页面", want.label())));
                None
            }
            None => {
                let msg = index.missing(link, split_anchor(file).0);
                if !msg.is_empty() {
                    diags.push(err(msg));
                }
                None
            }
        }
    };
    let kind = match raw.kind {
        RawKind::Plain => KindData::Plain,
        RawKind::Scam(fields) => {
            let audiences = fields
                .audiences
                .iter()
                .filter_map(|l| link_field("audiences", l, Kind::Audience))
                .collect();
            let cases = fields
                .related_cases
                .iter()
                .filter_map(|l| link_field("related_cases", l, Kind::Case))
                .collect();
            KindData::Scam {
                fields,
                audiences,
                cases,
            }
        }
        RawKind::Case(fields) => {
            let scam = link_field("scam", &fields.scam, Kind::Scam).unwrap_or(usize::MAX);
            KindData::Case { fields, scam }
        }
        RawKind::Audience(fields) => {
            let scams = fields
                .scams
                .iter()
                .filter_map(|l| link_field("scams", l, Kind::Scam))
                .collect();
            KindData::Audience { fields, scams }
        }
        RawKind::Guide(fields) => {
            let mut channels = Vec::new();
            for ch in &fields.channels {
                match config.channels.iter().position(|c| &c.id == ch) {
                    Some(i) => channels.push(i),
                    None => {
                        let known: Vec<&str> =
                            config.channels.iter().map(|c| c.id.as_str()).collect();
                        let d = Diagnostic::error(
                            &raw.source,
                            format!(
                                "config.toml 里没有 id 为 `{ch}` 的渠道；已有: {}",
                                known.join(", ")
                            ),
                        )
                        .field("channels");
                        diags.push(match line("channels") {
                            Some(l) => d.at_line(l),
                            None => d,
                        });
                    }
                }
            }
            KindData::Guide { fields, channels }
        }
    };
    let page = Page {
        source: raw.source,
        path,
        slug: raw.slug,
        section,
        title: index.page_titles[id].clone(),
        front: raw.front,
        body: rendered.plain.unwrap_or(raw.body),
        content: rendered.html,
        kind,
        key_lines: raw.key_lines,
    };
    (page, diags)
}

fn finish_section(
    id: SectionId,
    raw: RawSection,
    index: &Arc<Index>,
    section_ids: &BTreeMap<String, SectionId>,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Section {
    let path = index.section_paths[id].clone();
    let place = Place {
        source: &raw.source,
        dir: &raw.dir,
        path: &path,
        title: &index.section_titles[id],
        owner: Owner::Section(&raw.front),
        anchors: raw.front.insert_anchor_links,
    };
    let content = render_body(index, config, &place, &raw.body, raw.body_line, diags).html;
    let parent = if raw.dir.is_empty() {
        None
    } else {
        let mut d = parent_dir(&raw.dir);
        loop {
            if let Some(&p) = section_ids.get(d) {
                break Some(p);
            }
            d = parent_dir(d);
        }
    };
    Section {
        source: raw.source,
        path,
        title: index.section_titles[id].clone(),
        front: raw.front,
        content,
        parent,
        subsections: Vec::new(),
        pages: Vec::new(),
        slogans: raw.slogans,
    }
}

/// Gives each slogan written `scam = "@/…"` the scam type's rule as its text and its short slogan,
/// so a rule is written once, on the scam's page.
fn fill_scam_slogans(
    sections: &mut [Section],
    pages: &[Page],
    index: &Index,
    diags: &mut Vec<Diagnostic>,
) {
    for section in sections.iter_mut() {
        let source = section.source.clone();
        for slogan in &mut section.slogans {
            let Some(link) = &slogan.scam else { continue };
            let target = link
                .strip_prefix("@/")
                .and_then(|f| index.by_rel.get(split_anchor(f).0));
            match target {
                Some(Target::Page(id)) => match &pages[*id].kind {
                    KindData::Scam { fields, .. } => {
                        slogan.text = fields.rule.clone();
                        slogan.short = fields.slogan.clone();
                    }
                    _ => diags.push(
                        Diagnostic::error(
                            &source,
                            format!("口号的 scam `{link}` 应指向诈骗类型页面"),
                        )
                        .field("slogans.scam"),
                    ),
                },
                _ => diags.push(
                    Diagnostic::error(
                        &source,
                        format!("口号的 scam `{link}` 找不到；请写成 @/scams/….md"),
                    )
                    .field("slogans.scam"),
                ),
            }
        }
    }
}

/// Adds to each scam type the cases that name it, newest first, after any listed by hand.
fn add_cases_to_scams(pages: &mut [Page]) {
    let mut by_scam: BTreeMap<PageId, Vec<PageId>> = BTreeMap::new();
    for (id, p) in pages.iter().enumerate() {
        if let KindData::Case { scam, .. } = p.kind {
            by_scam.entry(scam).or_default().push(id);
        }
    }
    let dates: Vec<_> = pages.iter().map(|p| p.front.date.clone()).collect();
    for (scam, mut cases) in by_scam {
        cases.sort_by(|a, b| dates[*b].cmp(&dates[*a]).then(a.cmp(b)));
        if let Some(KindData::Scam { cases: list, .. }) = pages.get_mut(scam).map(|p| &mut p.kind) {
            for c in cases {
                if !list.contains(&c) {
                    list.push(c);
                }
            }
        }
    }
}

/// Fills each section's page list in its `sort_by` order, and its subsections.
fn attach_pages(sections: &mut [Section], pages: &[Page]) {
    for (id, p) in pages.iter().enumerate() {
        sections[p.section].pages.push(id);
    }
    for id in 0..sections.len() {
        if let Some(parent) = sections[id].parent {
            sections[parent].subsections.push(id);
        }
    }
    for s in sections.iter_mut() {
        let by = s.front.sort_by;
        s.pages.sort_by(|&a, &b| {
            let (pa, pb) = (&pages[a], &pages[b]);
            let primary = match by {
                SortBy::Date => match (&pa.front.date, &pb.front.date) {
                    (Some(x), Some(y)) => y.cmp(x),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                },
                SortBy::Weight => match (pa.front.weight, pb.front.weight) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                },
                SortBy::Title => pa.title.cmp(&pb.title),
                SortBy::None => std::cmp::Ordering::Equal,
            };
            primary.then_with(|| pa.path.cmp(&pb.path))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_climb_to_the_root() {
        assert_eq!(relative_url("scams/x/", "guides/a/"), "../../guides/a/");
        assert_eq!(relative_url("", "scams/"), "scams/");
        assert_eq!(relative_url("", ""), "./");
        assert_eq!(
            relative_url("scams/", "scams/photo.png"),
            "../scams/photo.png"
        );
    }

    #[test]
    fn joins_relative_references() {
        assert_eq!(
            join_rel("cases/a", "img/p.png").as_deref(),
            Some("cases/a/img/p.png")
        );
        assert_eq!(
            join_rel("cases/a", "../b.md").as_deref(),
            Some("cases/b.md")
        );
        assert_eq!(join_rel("", "../x"), None);
    }

    #[test]
    fn site_paths_of_picture_addresses() {
        let of = |page, url| site_path_of(page, url);
        assert_eq!(
            of("cases/a/", "photo.jpg").as_deref(),
            Some("cases/a/photo.jpg")
        );
        assert_eq!(
            of("cases/a/", "../../img/x.png").as_deref(),
            Some("img/x.png")
        );
        assert_eq!(
            of("cases/a/", "/img/x.png?v=2").as_deref(),
            Some("img/x.png")
        );
        assert_eq!(
            of("", "%E7%85%A7%E7%89%87%201.jpg").as_deref(),
            Some("照片 1.jpg")
        );
        assert_eq!(of("a/", "https://x.cn/p.jpg"), None);
        assert_eq!(of("a/", "data:image/png;base64,AAAA"), None);
        assert_eq!(of("a/", "../../x.jpg"), None);
    }

    #[test]
    fn external_urls_are_left_alone() {
        for u in [
            "https://x.cn",
            "tel:110",
            "mailto:a@b",
            "#top",
            "//cdn.x/y.js",
        ] {
            assert!(is_external(u), "{u}");
        }
        assert!(!is_external("photo.png"));
        assert!(!is_external("../a.md"));
    }
}
