//! Reads `content/` into the model: finds sections, pages and assets, parses every front matter
//! (pages in parallel), checks each kind's required fields, then hands over to `link` to resolve.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use toml::Spanned;
use toml::de::{DeTable, DeValue};
use walkdir::WalkDir;

use super::front::{self, PAGE_KEYS_IGNORED, PageFront, SECTION_KEYS_IGNORED, SectionFront};
use super::kinds::{self, Kind, MAX_SLOGAN_CHARS, Slogan};
use super::{AudienceFields, CaseFields, GuideFields, Model, ScamFields, link};
use crate::config::Config;
use crate::diag::{Diagnostic, display_path};
use crate::schema::{Located, check_keys, fields_of};

pub const CONTENT_DIR: &str = "content";

/// Marks a value `fanzha new` left for the author to fill in.
pub const PLACEHOLDER: &str = "〔待填写";

/// A section as parsed, before linking.
pub(super) struct RawSection {
    /// Folder relative to `content/` (`""` for home).
    pub dir: String,
    pub source: PathBuf,
    pub front: SectionFront,
    pub slogans: Vec<Slogan>,
    pub body: String,
    pub body_line: usize,
}

/// A page as parsed, before linking.
pub(super) struct RawPage {
    pub source: PathBuf,
    /// File path relative to `content/`, with `/`, as `@/` links name it.
    pub rel: String,
    /// Folder whose files sit beside this page in the output (the bundle folder or the section's).
    pub dir: String,
    pub section_dir: String,
    pub slug: String,
    pub front: PageFront,
    pub kind: RawKind,
    pub body: String,
    pub body_line: usize,
    pub key_lines: BTreeMap<String, usize>,
}

pub(super) enum RawKind {
    Plain,
    Scam(ScamFields),
    Case(CaseFields),
    Audience(AudienceFields),
    Guide(GuideFields),
}

/// Loads and links the whole content tree. On success returns the model and its warnings; on
/// failure every diagnostic found (errors and warnings).
pub fn load(root: &Path, config: &Config) -> Result<(Model, Vec<Diagnostic>), Vec<Diagnostic>> {
    let found = discover(root)?;
    let mut diags = Vec::new();

    let mut sections: Vec<RawSection> = Vec::new();
    for rel in &found.sections {
        let (section, ds) = parse_section(root, rel);
        diags.extend(ds);
        sections.extend(section);
    }
    if !sections.iter().any(|s| s.dir.is_empty()) {
        sections.push(default_home(config));
    }
    sections.sort_by(|a, b| a.dir.cmp(&b.dir));
    let kinds: BTreeMap<&str, Option<Kind>> = sections
        .iter()
        .map(|s| (s.dir.as_str(), s.front.kind))
        .collect();

    let parsed: Vec<(Option<RawPage>, Vec<Diagnostic>)> = found
        .pages
        .par_iter()
        .map(|rel| parse_page(root, rel, &kinds))
        .collect();
    let mut pages = Vec::new();
    for (page, ds) in parsed {
        diags.extend(ds);
        pages.extend(page.filter(|p| !p.front.draft));
    }

    let unloaded: BTreeSet<String> = {
        let loaded: BTreeSet<&str> = pages.iter().map(|p| p.rel.as_str()).collect();
        found
            .pages
            .iter()
            .filter(|rel| !loaded.contains(rel.as_str()))
            .cloned()
            .collect()
    };
    let linked = link::link(
        root,
        config.clone(),
        sections,
        pages,
        found.assets,
        &unloaded,
        &mut diags,
    );
    let units = crate::units::read(root, config, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    let mut model = linked.expect("linking succeeds when no error was reported");
    model.units = crate::units::finish(units, &model, &mut diags);
    model.calendar = crate::calendar::resolve(&model, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok((model, diags))
}

struct Found {
    sections: Vec<String>,
    pages: Vec<String>,
    assets: Vec<String>,
}

/// Lists `_index.md` files, other Markdown files and everything else under `content/`, in a
/// stable order. Hidden files and folders are skipped.
fn discover(root: &Path) -> Result<Found, Vec<Diagnostic>> {
    let dir = root.join(CONTENT_DIR);
    if !dir.is_dir() {
        return Err(vec![Diagnostic::error(
            CONTENT_DIR,
            "找不到 content 文件夹；请在网站根目录建立 content/，或用 --root 指定网站根目录",
        )]);
    }
    let mut found = Found {
        sections: vec![],
        pages: vec![],
        assets: vec![],
    };
    let walk = WalkDir::new(&dir).sort_by_file_name().into_iter();
    for entry in
        walk.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
    {
        let entry =
            entry.map_err(|e| vec![Diagnostic::error(CONTENT_DIR, format!("无法读取: {e}"))])?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = display_path(
            entry
                .path()
                .strip_prefix(&dir)
                .expect("walk stays inside content/"),
        );
        if entry.file_name() == "_index.md" {
            found.sections.push(rel);
        } else if rel.ends_with(".md") {
            found.pages.push(rel);
        } else {
            found.assets.push(rel);
        }
    }
    Ok(found)
}

/// The folder part of a content-relative path (`""` at the top).
pub(super) fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

fn source_path(rel: &str) -> PathBuf {
    Path::new(CONTENT_DIR).join(rel)
}

fn default_home(config: &Config) -> RawSection {
    RawSection {
        dir: String::new(),
        source: source_path("_index.md"),
        front: SectionFront {
            title: Some(config.title.clone()),
            render: true,
            ..Default::default()
        },
        slogans: Vec::new(),
        body: String::new(),
        body_line: 1,
    }
}

/// Reads a content file; the error names the file.
fn read(root: &Path, source: &Path) -> Result<String, Diagnostic> {
    std::fs::read_to_string(root.join(source))
        .map_err(|e| Diagnostic::error(source, format!("无法读取文件（{e}）；文件须为 UTF-8 编码")))
}

fn parse_section(root: &Path, rel: &str) -> (Option<RawSection>, Vec<Diagnostic>) {
    let source = source_path(rel);
    let text = match read(root, &source) {
        Ok(t) => t,
        Err(d) => return (None, vec![d]),
    };
    let split = match front::split(&text) {
        Ok(s) => s,
        Err(m) => return (None, vec![Diagnostic::error(&source, m).at_line(1)]),
    };
    let body_line = split.body_line;
    let doc = Located {
        file: &source,
        text: split.front,
        first_line: split.front_line,
    };
    let table = match doc.parse() {
        Ok(t) => t,
        Err(ds) => return (None, ds),
    };
    let mut diags = Vec::new();
    let mut known: Vec<&str> = fields_of::<SectionFront>().to_vec();
    let is_slogans = table_str(&table, "kind") == Some("slogans");
    if is_slogans {
        known.push("slogans");
    }
    diags.extend(check_keys(&doc, &table, &known, SECTION_KEYS_IGNORED));
    diags.extend(placeholders(&doc, &table));
    let front: SectionFront = match doc.deserialize(&table) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    let mut slogans = Vec::new();
    if is_slogans {
        match doc.deserialize::<kinds::SlogansFields>(&table) {
            Ok(f) => slogans = f.slogans,
            Err(d) => diags.push(d),
        }
        for s in &slogans {
            let own_text = !s.text.is_empty() || !s.short.is_empty();
            if s.scam.is_some() == own_text {
                let msg = if own_text {
                    "口号写了 scam，就不要再写 text 和 short：它们取自那个诈骗类型页面的 rule 和 slogan"
                } else {
                    "每条口号要么写 text 和 short，要么写 scam = \"@/scams/….md\" 引用诈骗类型的规则"
                };
                diags.push(
                    Diagnostic::error(&source, msg)
                        .field("slogans")
                        .at(doc.key_position(&table, "slogans")),
                );
                continue;
            }
            if s.scam.is_none() && (s.text.trim().is_empty() || s.short.trim().is_empty()) {
                diags.push(
                    Diagnostic::error(&source, "口号的 text 和 short 都要填写")
                        .field("slogans")
                        .at(doc.key_position(&table, "slogans")),
                );
            }
            if kinds::char_len(&s.short) > MAX_SLOGAN_CHARS {
                diags.push(
                    Diagnostic::error(
                        &source,
                        format!(
                            "短口号「{}」超过 {MAX_SLOGAN_CHARS} 个字，条屏放不下",
                            s.short
                        ),
                    )
                    .field("slogans.short")
                    .at(doc.key_position(&table, "slogans")),
                );
            }
        }
    }
    let section = RawSection {
        dir: parent_dir(rel).to_string(),
        source,
        front,
        slogans,
        body: split.body.to_string(),
        body_line,
    };
    (Some(section), diags)
}

fn table_str<'a>(table: &'a Spanned<DeTable<'_>>, key: &str) -> Option<&'a str> {
    table
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .and_then(|(_, v)| match v.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => None,
        })
}

/// The section a page belongs to: the nearest folder at or above it that has an `_index.md`.
fn owning_section<'a>(dir: &str, kinds: &BTreeMap<&'a str, Option<Kind>>) -> &'a str {
    let mut d = dir;
    loop {
        if let Some((k, _)) = kinds.get_key_value(d) {
            return k;
        }
        if d.is_empty() {
            return "";
        }
        d = parent_dir(d);
    }
}

fn parse_page(
    root: &Path,
    rel: &str,
    kinds: &BTreeMap<&str, Option<Kind>>,
) -> (Option<RawPage>, Vec<Diagnostic>) {
    let source = source_path(rel);
    let text = match read(root, &source) {
        Ok(t) => t,
        Err(d) => return (None, vec![d]),
    };
    let split = match front::split(&text) {
        Ok(s) => s,
        Err(m) => return (None, vec![Diagnostic::error(&source, m).at_line(1)]),
    };
    let body_line = split.body_line;
    let doc = Located {
        file: &source,
        text: split.front,
        first_line: split.front_line,
    };
    let table = match doc.parse() {
        Ok(t) => t,
        Err(ds) => return (None, ds),
    };

    let is_bundle = rel == "index.md" || rel.ends_with("/index.md");
    let dir = parent_dir(rel).to_string();
    let section_dir =
        owning_section(if is_bundle { parent_dir(&dir) } else { &dir }, kinds).to_string();
    let kind = kinds
        .get(section_dir.as_str())
        .copied()
        .flatten()
        .filter(|k| *k != Kind::Slogans);

    let mut diags = Vec::new();
    let mut known: Vec<&str> = fields_of::<PageFront>().to_vec();
    if let Some(k) = kind {
        known.extend(k.page_fields());
    }
    diags.extend(check_keys(&doc, &table, &known, PAGE_KEYS_IGNORED));
    diags.extend(placeholders(&doc, &table));
    let key_lines = table
        .get_ref()
        .iter()
        .map(|(k, _)| (k.get_ref().to_string(), doc.position(k.span().start).line))
        .collect();

    let front: PageFront = match doc.deserialize(&table) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    let raw_kind = match kind {
        None => Ok(RawKind::Plain),
        Some(Kind::Scam) => doc.deserialize(&table).map(RawKind::Scam),
        Some(Kind::Case) => doc.deserialize(&table).map(RawKind::Case),
        Some(Kind::Audience) => doc.deserialize(&table).map(RawKind::Audience),
        Some(Kind::Guide) => doc.deserialize(&table).map(RawKind::Guide),
        Some(Kind::Slogans) => unreachable!("slogans sections hold no typed pages"),
    };
    let raw_kind = match raw_kind {
        Ok(k) => k,
        Err(d) => {
            if !suggested_already(&diags, &d) {
                diags.push(d);
            }
            return (None, diags);
        }
    };

    let at = |key: &str| doc.key_position(&table, key);
    if let Some(k) = kind {
        if front.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            diags.push(
                Diagnostic::error(&source, format!("{}页面必须有标题", k.label()))
                    .field("title")
                    .at_line(2),
            );
        }
        if kinds::required_date(k) && front.date.is_none() {
            diags.push(
                Diagnostic::error(&source, "缺少必填字段（案例须写发生日期，如 2025-06-12）")
                    .field("date")
                    .at_line(2),
            );
        }
        if k.needs_slug() && front.slug.is_none() {
            diags.push(
                Diagnostic::error(
                    &source,
                    "缺少必填字段（诈骗类型须写英文 slug，用作网址和文件名）",
                )
                .field("slug")
                .at_line(2),
            );
        }
    }
    if front
        .print_title
        .as_deref()
        .is_some_and(|t| t.trim().is_empty())
    {
        diags.push(
            Diagnostic::error(
                &source,
                "print_title 不能为空；不需要较短的印刷标题时，删掉这一行",
            )
            .field("print_title")
            .at(at("print_title")),
        );
    }
    if let RawKind::Scam(s) = &raw_kind {
        diags.extend(check_scam(&source, s, &at));
    }
    if split.body.contains(PLACEHOLDER) {
        diags.push(
            Diagnostic::error(&source, "正文里还有未填写的占位内容（〔待填写…〕）")
                .at_line(body_line),
        );
    }

    let slug = match page_slug(rel, is_bundle, front.slug.as_deref()) {
        Ok(s) => s,
        Err(m) => {
            diags.push(Diagnostic::error(&source, m).field("slug").at(at("slug")));
            return (None, diags);
        }
    };
    let page = RawPage {
        source,
        rel: rel.to_string(),
        dir,
        section_dir,
        slug,
        front,
        kind: raw_kind,
        body: split.body.to_string(),
        body_line,
        key_lines,
    };
    (Some(page), diags)
}

/// A "missing field" error adds nothing when an unknown key next to it was already suggested as
/// that field (a typo is one mistake, not two).
fn suggested_already(diags: &[Diagnostic], missing: &Diagnostic) -> bool {
    let Some(field) = missing
        .field
        .as_deref()
        .filter(|_| missing.message == "缺少必填字段")
    else {
        return false;
    };
    let hint = format!("`{field}`？");
    diags.iter().any(|d| d.message.ends_with(&hint))
}

fn check_scam(
    source: &Path,
    s: &ScamFields,
    at: &dyn Fn(&str) -> Option<crate::diag::Position>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut err = |field: &str, msg: String| {
        out.push(Diagnostic::error(source, msg).field(field).at(at(field)))
    };
    let n = kinds::char_len(&s.slogan);
    if n > MAX_SLOGAN_CHARS {
        err(
            "slogan",
            format!("口号有 {n} 个字，最多 {MAX_SLOGAN_CHARS} 个字（条屏放得下）"),
        );
    }
    if !kinds::is_fanshi_rule(&s.rule) {
        err("rule", "规则须写成「凡是……就是诈骗」的句式".into());
    }
    for (field, list, min) in [
        ("steps", &s.steps, 2),
        ("red_flags", &s.red_flags, 3),
        ("actions", &s.actions, 1),
        ("never", &s.never, 1),
    ] {
        if list.len() < min {
            err(field, format!("至少写 {min} 条"));
        }
    }
    if s.summary.trim().is_empty() {
        err("summary", "一句话说明不能为空".into());
    }
    out
}

/// The slug: the explicit one if given (checked), else the file or bundle folder name, which must
/// be plain ASCII: fanzha never guesses pinyin.
fn page_slug(rel: &str, is_bundle: bool, explicit: Option<&str>) -> Result<String, String> {
    if let Some(s) = explicit {
        return if valid_slug(s) {
            Ok(s.to_string())
        } else {
            Err(format!("slug `{s}` 只能包含小写英文字母、数字、- 和 _"))
        };
    }
    let name = if is_bundle {
        parent_dir(rel).rsplit('/').next().unwrap_or("")
    } else {
        rel.rsplit('/').next().unwrap_or("")
    };
    let stem = name
        .strip_suffix(".md")
        .unwrap_or(name)
        .to_ascii_lowercase();
    if valid_slug(&stem) {
        Ok(stem)
    } else {
        Err(format!(
            "文件名 `{name}` 不能直接用作网址；请在 front matter 写 slug = \"英文名\"（不会自动转拼音）"
        ))
    }
}

pub fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(['-', '_'])
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Errors for every string value still holding a `fanzha new` placeholder.
fn placeholders(doc: &Located<'_>, table: &Spanned<DeTable<'_>>) -> Vec<Diagnostic> {
    fn walk(doc: &Located<'_>, key: &str, v: &Spanned<DeValue<'_>>, out: &mut Vec<Diagnostic>) {
        match v.get_ref() {
            DeValue::String(s) if s.contains(PLACEHOLDER) => out.push(
                Diagnostic::error(doc.file, "还有未填写的占位内容（〔待填写…〕）")
                    .field(key)
                    .at(Some(doc.position(v.span().start))),
            ),
            DeValue::Array(items) => items.iter().for_each(|i| walk(doc, key, i, out)),
            DeValue::Table(t) => {
                for (k, v) in t.iter() {
                    walk(doc, &format!("{key}.{}", k.get_ref()), v, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (k, v) in table.get_ref().iter() {
        walk(doc, k.get_ref(), v, &mut out);
    }
    out
}

/// Folders that are page bundles (hold an `index.md`), for placing co-located assets.
pub(super) fn bundle_dirs(pages: &[RawPage]) -> BTreeSet<&str> {
    pages
        .iter()
        .filter(|p| p.rel == "index.md" || p.rel.ends_with("/index.md"))
        .map(|p| p.dir.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_ascii_names_only() {
        assert_eq!(
            page_slug("scams/shuadan.md", false, None).unwrap(),
            "shuadan"
        );
        assert_eq!(page_slug("news/About.md", false, None).unwrap(), "about");
        assert_eq!(page_slug("cases/x/index.md", true, None).unwrap(), "x");
        assert!(
            page_slug("scams/刷单.md", false, None)
                .unwrap_err()
                .contains("slug")
        );
        assert_eq!(
            page_slug("scams/刷单.md", false, Some("shuadan")).unwrap(),
            "shuadan"
        );
        assert!(page_slug("a.md", false, Some("Bad Slug")).is_err());
    }

    #[test]
    fn pages_belong_to_the_nearest_section() {
        let kinds: BTreeMap<&str, Option<Kind>> = [("", None), ("scams", Some(Kind::Scam))].into();
        assert_eq!(owning_section("scams", &kinds), "scams");
        assert_eq!(owning_section("scams/sub", &kinds), "scams");
        assert_eq!(owning_section("other", &kinds), "");
    }
}
