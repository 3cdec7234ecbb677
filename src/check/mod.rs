//! The rules `fanzha check` adds on top of what loading and rendering validate: hotlines that
//! match the campaign's channels, files that raw HTML and front matter refer to, and warnings
//! for content that would embarrass a campaign (a scam type with no case or no audience, an
//! audience link only one side writes, facts not reviewed in the last 12 months). It
//! reads the model and source files only. A slogan too long for a configured LED strip is
//! reported by the strip renderer itself, which knows the font the strip is drawn with.

pub mod phone;

use std::collections::BTreeSet;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::config::Config;
use crate::content::{KindData, Model, front};
use crate::diag::{Diagnostic, Position};
use crate::schema::Located;

/// Every problem the rules find (errors and warnings).
pub fn run(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let known = known_numbers(&model.config);
    let files = output_files(model);
    let sources = model
        .sections
        .iter()
        .map(|s| (&s.source, s.path.as_str()))
        .chain(model.pages.iter().map(|p| (&p.source, p.path.as_str())));
    for (source, path) in sources {
        let Ok(text) = std::fs::read_to_string(model.root.join(source)) else {
            continue; // the default home section has no file
        };
        for item in texts_of(source, &text) {
            out.extend(check_numbers(source, &item, &known));
            out.extend(check_file_refs(model, source, path, &item, &files));
        }
    }
    out.extend(scams_without_cases_or_audiences(model));
    out.extend(audience_links_one_way(model));
    out.extend(unreviewed_pages(model, &crate::date::Date::today()));
    out.extend(gallery_without_consent(model));
    out
}

/// A gallery with photos and no consent note in config.toml: photos of pupils and residents are
/// published only with their (guardians') consent, and the page should say so.
fn gallery_without_consent(model: &Model) -> Vec<Diagnostic> {
    if !model.config.gallery.consent.trim().is_empty() {
        return Vec::new();
    }
    let with_photos = model
        .pages
        .iter()
        .find(|p| !model.gallery_photos(p).is_empty());
    let Some(page) = with_photos else {
        return Vec::new();
    };
    let section = &model.sections[page.section];
    vec![
        Diagnostic::warning(
            crate::config::CONFIG_FILE,
            format!(
                "活动相册 {} 有照片，但没有写肖像使用说明；照片里有学生或群众时，请先征得本人（未成年人的监护人）同意，并在 config.toml 的 [gallery] 写 consent = \"照片已征得本人或监护人同意……\"",
                section.source.display()
            ),
        )
        .field("gallery.consent"),
    ]
}

/// A piece of campaign text with the position of its first byte.
struct Text<'a> {
    text: &'a str,
    first_line: usize,
    /// Column of the first byte, when the text starts mid-line (front-matter strings).
    first_column: usize,
    /// Front-matter strings hold values, not HTML.
    is_body: bool,
    /// Byte ranges of `text` in shortcode tags, where arguments are, not HTML.
    shortcode_tags: Vec<std::ops::Range<usize>>,
}

impl Text<'_> {
    fn position(&self, offset: usize) -> Position {
        let p = Position::of_offset(self.text, offset, self.first_line);
        if p.line == self.first_line {
            Position {
                column: p.column + self.first_column - 1,
                ..p
            }
        } else {
            p
        }
    }
}

/// The Markdown body (fenced code left out) and every front-matter string of a content file.
fn texts_of<'a>(source: &Path, text: &'a str) -> Vec<Text<'a>> {
    let Ok(split) = front::split(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let doc = Located {
        file: source,
        text: split.front,
        first_line: split.front_line,
    };
    if let Ok(table) = doc.parse() {
        let mut spans = Vec::new();
        string_spans(table.get_ref(), &mut spans);
        for span in spans {
            let p = doc.position(span.start);
            out.push(Text {
                text: &split.front[span],
                first_line: p.line,
                first_column: p.column,
                is_body: false,
                shortcode_tags: Vec::new(),
            });
        }
    }
    let tags = crate::shortcode::tag_spans(split.body);
    let mut in_fence = false;
    let mut start = 0;
    for (line, l) in (split.body_line..).zip(split.body.split_inclusive('\n')) {
        let fence = l.trim_start().starts_with("```") || l.trim_start().starts_with("~~~");
        if fence {
            in_fence = !in_fence;
        } else if !in_fence {
            let here = start..start + l.len();
            out.push(Text {
                text: l,
                first_line: line,
                first_column: 1,
                is_body: true,
                shortcode_tags: tags
                    .iter()
                    .filter(|t| t.start < here.end && here.start < t.end)
                    .map(|t| t.start.saturating_sub(start)..t.end - start)
                    .collect(),
            });
        }
        start += l.len();
    }
    out
}

fn string_spans(table: &DeTable<'_>, out: &mut Vec<std::ops::Range<usize>>) {
    fn walk(v: &Spanned<DeValue<'_>>, out: &mut Vec<std::ops::Range<usize>>) {
        match v.get_ref() {
            DeValue::String(_) => out.push(v.span()),
            DeValue::Array(items) => items.iter().for_each(|i| walk(i, out)),
            DeValue::Table(t) => string_spans(t, out),
            _ => {}
        }
    }
    for (_, v) in table.iter() {
        walk(v, out);
    }
}

/// Digits of every channel number and of the issuer's police phone, with what to call them.
fn known_numbers(config: &Config) -> Vec<(String, String)> {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let mut known: Vec<(String, String)> = config
        .channels
        .iter()
        .filter_map(|c| c.number.as_deref().map(|n| (digits(n), c.name.clone())))
        .collect();
    if let Some(p) = &config.issuer.police_phone {
        known.push((digits(p), format!("{}的电话", config.issuer.name)));
    }
    known.extend(
        config
            .check
            .other_numbers
            .iter()
            .map(|n| (digits(n), "[check] other_numbers".to_string())),
    );
    known
}

/// Numbers in `tel:`/`sms:` links, which the text detector leaves to the link syntax.
fn link_numbers(text: &str) -> Vec<phone::Found> {
    let mut out = Vec::new();
    for scheme in ["tel:", "sms:"] {
        for (at, _) in text.match_indices(scheme) {
            let start = at + scheme.len();
            let written: String = text[start..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || matches!(c, '-' | '+'))
                .collect();
            let digits: String = written.chars().filter(char::is_ascii_digit).collect();
            if !digits.is_empty() {
                out.push(phone::Found {
                    digits,
                    offset: start,
                    written,
                });
            }
        }
    }
    out
}

fn check_numbers(source: &Path, item: &Text<'_>, known: &[(String, String)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for f in phone::find(item.text)
        .into_iter()
        .chain(link_numbers(item.text))
    {
        if !seen.insert(f.offset) || known.iter().any(|(n, _)| *n == f.digits) {
            continue;
        }
        let close = known
            .iter()
            .filter(|(n, _)| n.len() == f.digits.len() || n.len().abs_diff(f.digits.len()) == 1)
            .map(|(n, name)| (strsim::damerau_levenshtein(n, &f.digits), n, name))
            .filter(|(d, _, _)| *d <= 2)
            .min_by_key(|(d, _, _)| *d);
        let msg = match close {
            Some((_, n, name)) => format!(
                "号码 {} 不是 config.toml 里的渠道号码；是不是 {n}（{name}）？",
                f.written
            ),
            None => format!(
                "号码 {} 不是 config.toml 里的渠道号码；请核对。本活动的渠道请加进 [[channels]]；确需提到的其他号码（如案例里被冒充的银行客服）请写进 [check] other_numbers；骗子的号码请打码（如 138****8000）",
                f.written
            ),
        };
        out.push(Diagnostic::error(source, msg).at(Some(item.position(f.offset))));
    }
    out
}

/// Site paths of every file the site will have besides its pages: static files and co-located
/// content files.
fn output_files(model: &Model) -> BTreeSet<String> {
    let mut files: BTreeSet<String> = model.assets.iter().map(|a| a.path.clone()).collect();
    let theme = model.root.join("themes").join(&model.config.theme);
    for dir in [model.root.join("static"), theme.join("static")] {
        for e in walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            if e.file_type().is_file()
                && let Ok(rel) = e.path().strip_prefix(&dir)
            {
                files.insert(crate::diag::display_path(rel));
            }
        }
    }
    files
}

const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "svg", "avif", "bmp", "ico", "pdf", "mp3", "mp4", "webm",
    "ogg", "m4a", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "txt", "csv",
];

fn looks_like_file(reference: &str) -> bool {
    let name = reference.rsplit('/').next().unwrap_or("");
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| FILE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

fn is_external(url: &str) -> bool {
    url.starts_with("//")
        || url.starts_with('#')
        || url.starts_with("@/")
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// References to files in raw HTML (`src="…"`, `href="…"`) and in front-matter strings that
/// name a file (`extra.image = "photo.jpg"`). Markdown links and images are resolved, and
/// checked, when the content loads.
fn file_refs<'a>(item: &Text<'a>) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    if item.is_body {
        for attr in ["src=\"", "href=\"", "src='", "href='"] {
            let quote = attr.chars().last().expect("ends in a quote");
            for (at, _) in item.text.match_indices(attr) {
                let start = at + attr.len();
                if let Some(len) = item.text[start..].find(quote) {
                    let url = &item.text[start..start + len];
                    if attr.starts_with("src") || looks_like_file(url) {
                        out.push((start, url));
                    }
                }
            }
        }
    } else {
        let value = item.text.trim_matches(['"', '\'']);
        if !value.contains(char::is_whitespace) && looks_like_file(value) {
            out.push((item.text.find(value).unwrap_or(0), value));
        }
    }
    out.retain(|(at, url)| {
        !url.is_empty() && !is_external(url) && !item.shortcode_tags.iter().any(|t| t.contains(at))
    });
    out
}

fn check_file_refs(
    model: &Model,
    source: &Path,
    page_path: &str,
    item: &Text<'_>,
    files: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    let content_dir = source
        .strip_prefix(crate::content::CONTENT_DIR)
        .ok()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut out = Vec::new();
    for (offset, url) in file_refs(item) {
        let file = url.split(['?', '#']).next().unwrap_or(url);
        let found = if let Some(abs) = file.strip_prefix('/') {
            files.contains(abs)
        } else {
            // Raw HTML is not rewritten: the browser resolves it against the page's own URL.
            let from_page =
                crate::content::join_rel(page_path, file).is_some_and(|p| files.contains(&p));
            let beside_source = !item.is_body
                && model
                    .root
                    .join(crate::content::CONTENT_DIR)
                    .join(&content_dir)
                    .join(file)
                    .is_file();
            from_page || beside_source
        };
        if !found {
            let msg = if item.is_body {
                format!("找不到文件 `{url}`（网页上按 /{page_path} 解析）；请检查文件名和位置")
            } else {
                format!("找不到文件 `{url}`；请检查文件名和位置")
            };
            out.push(Diagnostic::error(source, msg).at(Some(item.position(offset))));
        }
    }
    out
}

fn key_line(page: &crate::content::Page, key: &str) -> usize {
    page.key_lines
        .get(key)
        .or_else(|| page.key_lines.get("title"))
        .copied()
        .unwrap_or(1)
}

fn scams_without_cases_or_audiences(model: &Model) -> Vec<Diagnostic> {
    let listed_by_audience: BTreeSet<usize> = model
        .pages
        .iter()
        .filter_map(|p| match &p.kind {
            KindData::Audience { scams, .. } => Some(scams.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    let mut out = Vec::new();
    for (id, p) in model.pages.iter().enumerate() {
        let KindData::Scam {
            cases, audiences, ..
        } = &p.kind
        else {
            continue;
        };
        if cases.is_empty() {
            out.push(
                Diagnostic::warning(
                    &p.source,
                    format!("诈骗类型「{}」还没有典型案例；群众更容易被真实案例打动，建议补一个（案例里写 scam = \"@/…\"）", p.title),
                )
                .at_line(key_line(p, "related_cases")),
            );
        }
        if audiences.is_empty() && !listed_by_audience.contains(&id) {
            out.push(
                Diagnostic::warning(
                    &p.source,
                    format!(
                        "诈骗类型「{}」没有对应的人群；请在 audiences 里写上它针对的人群页面",
                        p.title
                    ),
                )
                .field("audiences")
                .at_line(key_line(p, "audiences")),
            );
        }
    }
    out
}

/// A scam that names an audience which does not name it back, and the other way round: the two
/// pages would tell readers different things.
fn audience_links_one_way(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let links = |id: usize| -> &[usize] {
        match &model.pages[id].kind {
            KindData::Scam { audiences, .. } => audiences,
            KindData::Audience { scams, .. } => scams,
            _ => &[],
        }
    };
    for (id, p) in model.pages.iter().enumerate() {
        let (field, back) = match &p.kind {
            KindData::Scam { .. } => ("audiences", "scams"),
            KindData::Audience { .. } => ("scams", "audiences"),
            _ => continue,
        };
        for &other in links(id) {
            if links(other).contains(&id) {
                continue;
            }
            let o = &model.pages[other];
            out.push(
                Diagnostic::warning(
                    &p.source,
                    format!(
                        "「{}」的 {field} 列了「{}」，但 {} 的 {back} 没有列回「{}」；请两边都写上，或都删掉",
                        p.title,
                        o.title,
                        crate::diag::display_path(&o.source),
                        p.title
                    ),
                )
                .field(field)
                .at_line(key_line(p, field)),
            );
        }
    }
    out
}

/// Scam types and guides state facts (numbers, laws, procedures) that change: each must say when
/// it was last checked (`reviewed = 2026-05-01`), and not longer than 12 months before `today`.
fn unreviewed_pages(model: &Model, today: &crate::date::Date) -> Vec<Diagnostic> {
    let cutoff = today.day_only().a_year_before();
    let mut out = Vec::new();
    for p in &model.pages {
        if !matches!(p.kind, KindData::Scam { .. } | KindData::Guide { .. }) {
            continue;
        }
        let msg = match &p.front.reviewed {
            None => format!(
                "「{}」没有 reviewed 日期；请对照官方来源核对电话、法律和办理流程后，写上 reviewed = {}",
                p.title,
                today.day_only()
            ),
            Some(r) if r.day_only() < cutoff => format!(
                "「{}」上次核对是 {}，已超过 12 个月；请对照官方来源重新核对后更新 reviewed",
                p.title, r
            ),
            Some(_) => continue,
        };
        out.push(
            Diagnostic::warning(&p.source, msg)
                .field("reviewed")
                .at_line(key_line(p, "reviewed")),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_references_in_html_and_front_matter() {
        let body = Text {
            text: r#"<img src="photo.jpg"> <a href="/docs/a.pdf">a</a> <a href="../x/">x</a> <img src="https://x.cn/a.png">"#,
            first_line: 1,
            first_column: 1,
            is_body: true,
            shortcode_tags: Vec::new(),
        };
        let refs: Vec<&str> = file_refs(&body).into_iter().map(|(_, u)| u).collect();
        assert_eq!(refs, ["photo.jpg", "/docs/a.pdf"]);
        let value = Text {
            text: "\"images/cover.png\"",
            first_line: 3,
            first_column: 9,
            is_body: false,
            shortcode_tags: Vec::new(),
        };
        let refs = file_refs(&value);
        assert_eq!(refs[0].1, "images/cover.png");
        assert_eq!(value.position(refs[0].0).column, 10);
    }

    #[test]
    fn shortcode_arguments_are_not_file_references() {
        let file =
            "+++\n+++\n正文\n{{ figure(src=\"photo.jpg\", alt=\"图\") }} <img src=\"a.png\">\n";
        let texts = texts_of(Path::new("content/a.md"), file);
        let refs: Vec<&str> = texts.iter().flat_map(file_refs).map(|(_, u)| u).collect();
        assert_eq!(refs, ["a.png"]);
    }
}
