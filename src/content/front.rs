//! Front matter: splitting `+++` blocks off Markdown files, and the keys every page and section
//! may carry (Zola's, where fanzha implements them).

use serde::Deserialize;

use crate::date::Date;

/// A Markdown file cut into its TOML front matter and its body.
#[derive(Debug)]
pub struct Split<'a> {
    pub front: &'a str,
    pub body: &'a str,
    /// 1-based line number of the body's first line, for locating body diagnostics.
    pub body_line: usize,
    /// 1-based line number of the front matter's first line (after the opening `+++`).
    pub front_line: usize,
}

/// Cuts `+++`-delimited TOML front matter off `text`. A byte-order mark and blank lines before
/// the opening `+++` are accepted, as Zola accepts them. The error says what is wrong, in Chinese.
pub fn split(text: &str) -> Result<Split<'_>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let mut skipped = 0;
    let mut start = 0;
    let mut first = lines.next().unwrap_or("");
    while first.trim().is_empty() && start + first.len() < text.len() {
        start += first.len();
        skipped += 1;
        first = lines.next().unwrap_or("");
    }
    let text = &text[start..];
    if first.trim_end() == "---" {
        return Err(
            "只支持 TOML 格式的 front matter：请把首尾的 --- 改成 +++，内容改写成 TOML".into(),
        );
    }
    if first.trim_end() != "+++" {
        return Err(
            "文件开头缺少 front matter：第一行应是 +++，接着写 title = \"…\" 等字段，再以 +++ 结束"
                .into(),
        );
    }
    let front_start = first.len();
    let mut offset = front_start;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        if line.trim_end() == "+++" {
            return Ok(Split {
                front: &text[front_start..offset],
                body: &text[offset + line.len()..],
                body_line: skipped + line_no + 1,
                front_line: skipped + 2,
            });
        }
        offset += line.len();
    }
    Err("front matter 没有结束：缺少第二个 +++ 行".into())
}

/// The keys any page may have, whatever its kind.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageFront {
    pub title: Option<String>,
    /// A shorter title for what is typeset — posters, boards, the handbook, display slides and
    /// share cards — when `title` is too long for a headline; the site keeps `title`.
    pub print_title: Option<String>,
    pub description: Option<String>,
    /// The words of the page's anti-fraud text message, when its rule (scam types) or summary
    /// (guides) does not fit one segment of 70 characters with the signature.
    pub sms: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub weight: Option<i64>,
    pub slug: Option<String>,
    /// When someone last checked the page's facts against official sources (`check` warns about
    /// scam types and guides not reviewed in the last 12 months).
    pub reviewed: Option<Date>,
    #[serde(default)]
    pub draft: bool,
    pub template: Option<String>,
    /// Old URLs that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub in_search_index: Option<bool>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// Page keys Zola knows that fanzha accepts but ignores, with a warning.
pub const PAGE_KEYS_IGNORED: &[&str] = &["path", "taxonomies"];

/// The keys any section (`_index.md`) may have.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SectionFront {
    pub title: Option<String>,
    pub description: Option<String>,
    /// What the section's pages are: `scam`, `case`, `audience`, `guide` or `slogans`.
    pub kind: Option<super::Kind>,
    #[serde(default)]
    pub sort_by: SortBy,
    pub weight: Option<i64>,
    pub template: Option<String>,
    pub page_template: Option<String>,
    /// `false` makes the section's own page not rendered (its pages still are).
    #[serde(default = "yes")]
    pub render: bool,
    /// Makes the section's page a redirect: to a full URL, an `@/…md` page or a site path.
    pub redirect_to: Option<String>,
    /// Links to each heading of the section's own body and its pages' (Zola's `none`, `left`,
    /// `right`, `heading`).
    #[serde(default)]
    pub insert_anchor_links: crate::markdown::AnchorLinks,
    pub in_search_index: Option<bool>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// Section keys Zola knows that fanzha accepts but ignores, with a warning.
pub const SECTION_KEYS_IGNORED: &[&str] = &[
    "paginate_by",
    "paginate_path",
    "paginate_reversed",
    "transparent",
    "generate_feeds",
    "generate_feed",
    "taxonomies",
];

fn yes() -> bool {
    true
}

/// How a section orders its pages (Zola's `sort_by`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first.
    Date,
    /// Lowest weight first.
    Weight,
    Title,
    /// File order.
    #[default]
    None,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_body_line() {
        let s = split("+++\ntitle = \"a\"\n+++\n正文\n").unwrap();
        assert_eq!(s.front, "title = \"a\"\n");
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn handles_crlf_and_bom() {
        let s = split("\u{feff}+++\r\ntitle = \"a\"\r\n+++\r\nbody").unwrap();
        assert_eq!(s.front, "title = \"a\"\r\n");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn accepts_blank_lines_before_the_front_matter() {
        let s = split("\u{feff}\n  \n+++\ntitle = \"a\"\n+++\n正文\n").unwrap();
        assert_eq!(s.front, "title = \"a\"\n");
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_line, 6);
    }

    #[test]
    fn explains_missing_or_yaml_front_matter() {
        assert!(split("# 标题\n").unwrap_err().contains("+++"));
        assert!(split("---\ntitle: a\n---\n").unwrap_err().contains("TOML"));
        assert!(
            split("+++\ntitle = \"a\"\n")
                .unwrap_err()
                .contains("第二个")
        );
    }
}
