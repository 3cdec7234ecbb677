//! Raw HTML in content is untrusted — a campaign's pages come from many schools and stations — so
//! what could run a script or load something from outside the site is taken out of each page, and
//! every removal is reported to the author. `[markdown] unsafe_html = true` in config.toml turns this off.
//!
//! Two passes. The rules pass (lol_html, streaming, leaves all else byte for byte) takes out
//! what is dangerous and reports each removal with a piece of its text to find its line by.
//! HTML with raw HTML of an author then goes through ammonia's allow-list (html5ever parses it
//! as a browser would), so whatever the rules might miss does not survive either; Markdown's own
//! markup needs only the rules, which keeps a 10,000-page site fast.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::OnceLock;

use lol_html::{RewriteStrSettings, element, rewrite_str};

/// One thing taken out, for the author's warning: what it was, and a piece of its text to find
/// its line in the source by.
#[derive(Debug, Clone, PartialEq)]
pub struct Removed {
    pub what: String,
    pub needle: String,
}

/// Where the HTML to clean came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Rendered from Markdown with no raw HTML in it: only addresses can be dangerous.
    Markdown,
    /// Holds an author's raw HTML: cleaned by the rules, then by the allow-list.
    RawHtml,
    /// Markdown source holding raw HTML, to be rendered later: the rules only, so the Markdown
    /// around it stays as written.
    MarkdownSource,
}

/// Where each removal's text is in `source` (the Markdown or HTML the author wrote), as a byte
/// offset: the removals in order, each found after the one before it, ignoring ASCII case (a
/// browser reads `ONCLICK` as `onclick`). `None` for one that cannot be found.
pub fn locate(source: &str, removed: &[Removed]) -> Vec<Option<usize>> {
    let lower = source.to_ascii_lowercase();
    let mut from = 0;
    removed
        .iter()
        .map(|r| {
            let found = lower[from..]
                .find(&r.needle.to_ascii_lowercase())
                .map(|i| from + i);
            from = found.map_or(from, |i| i + 1);
            found
        })
        .collect()
}

/// The warning for one thing taken out, `what` naming it.
pub fn removal_message(what: &str) -> String {
    format!(
        "已删除{what}：网页正文里不能带脚本、事件属性或站外图片（内容可能来自多个单位，须防被篡改）；确需保留请在 config.toml 的 [markdown] 里写 unsafe_html = true"
    )
}

/// Elements that run code, embed other documents, change how the page loads, or (SVG, MathML)
/// can set addresses by animation: taken out with everything inside them.
const DROPPED: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link", "meta",
    "style", "svg", "math", "portal", "template", "noscript",
];

/// Elements whose address loads a picture, a sound or a film.
const LOADING: &[&str] = &["img", "source", "video", "audio", "track", "input", "image"];

/// Attributes that hold an address.
const ADDRESSES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "xlink:href",
    "data",
    "ping",
    "background",
    "lowsrc",
    "dynsrc",
    "cite",
];

/// Address schemes a page may link to; anything else (`javascript:`, `vbscript:`, `file:`…) is
/// taken out. `data:` only for inline pictures.
const SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "sms", "data"];

/// The page's HTML with scripts, event handlers, dangerous addresses and pictures from outside
/// the site taken out, and what was taken out.
pub fn clean(html: &str, origin: Origin) -> (String, Vec<Removed>) {
    if !html.contains('<') {
        return (html.to_string(), Vec::new());
    }
    let (out, removed) = rules(html);
    match origin {
        Origin::RawHtml => (allow_list().clean(&out).to_string(), removed),
        Origin::Markdown | Origin::MarkdownSource => (out, removed),
    }
}

/// The rules pass: dangerous elements, attributes and addresses out, each reported.
fn rules(html: &str) -> (String, Vec<Removed>) {
    let removed = RefCell::new(Vec::new());
    let settings = RewriteStrSettings::new().append_element_content_handler(element!("*", |el| {
        let tag = el.tag_name();
        if DROPPED.contains(&tag.as_str()) {
            removed.borrow_mut().push(Removed {
                what: format!("<{tag}> 元素"),
                needle: format!("<{tag}"),
            });
            el.remove();
            return Ok(());
        }
        let attributes: Vec<(String, String)> = el
            .attributes()
            .iter()
            .map(|a| (a.name(), a.value()))
            .collect();
        for (name, value) in attributes {
            match unsafe_attribute(&tag, &name, &value) {
                Some(Unsafe::Outside) => {
                    removed.borrow_mut().push(Removed {
                        what: format!("站外的 <{tag}>（{value}）"),
                        needle: value,
                    });
                    el.remove();
                    return Ok(());
                }
                Some(Unsafe::Attribute(needle)) => {
                    removed.borrow_mut().push(Removed {
                        what: format!("<{tag}> 的 {name} 属性"),
                        needle,
                    });
                    el.remove_attribute(&name);
                }
                None => {}
            }
        }
        Ok(())
    }));
    // lol_html fails only on memory limits it never reaches on a page; keep the text then.
    let out = rewrite_str(html, settings).unwrap_or_else(|_| html.to_string());
    (out, removed.into_inner())
}

enum Unsafe {
    /// The whole element loads from outside the site.
    Outside,
    /// One attribute runs code or loads from outside; the text to find it by.
    Attribute(String),
}

fn unsafe_attribute(tag: &str, name: &str, raw: &str) -> Option<Unsafe> {
    if name.starts_with("on") {
        return Some(Unsafe::Attribute(format!("{name}=")));
    }
    // As the browser reads it: character references decoded.
    let value = html_escape::decode_html_entities(raw);
    if name == "style" {
        return unsafe_style(&value).then(|| Unsafe::Attribute("style=".into()));
    }
    if !ADDRESSES.contains(&name) {
        return None;
    }
    let candidates: Vec<&str> = if name == "srcset" {
        value.split(',').map(|c| c.trim()).collect()
    } else {
        vec![&value]
    };
    for url in candidates {
        let url = normalised_url(url);
        match scheme(&url) {
            Some(s) if !SCHEMES.contains(&s.as_str()) => {
                return Some(Unsafe::Attribute(needle_for(raw, &s)));
            }
            Some(s) if s == "data" && !(is_loading(tag) && url.starts_with("data:image/")) => {
                return Some(Unsafe::Attribute("data:".into()));
            }
            _ => {}
        }
        let outside =
            url.starts_with("http:") || url.starts_with("https:") || url.starts_with("//");
        if outside && name != "href" && name != "cite" {
            return Some(if is_loading(tag) && name == "src" {
                Unsafe::Outside
            } else {
                Unsafe::Attribute(raw.to_string())
            });
        }
    }
    None
}

fn is_loading(tag: &str) -> bool {
    LOADING.contains(&tag)
}

/// A style that could load something (`url(`, `image-set(`, old `expression(`), or hides such
/// words behind CSS escapes or comments.
fn unsafe_style(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    [
        "url(",
        "image(",
        "image-set(",
        "expression(",
        "@import",
        "\\",
        "/*",
    ]
    .iter()
    .any(|w| v.contains(w))
}

/// An address as the browser reads it: ASCII tab and newline removed anywhere, spaces and
/// control characters trimmed, lower case.
fn normalised_url(url: &str) -> String {
    url.chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .trim_matches(|c: char| c <= ' ')
        .to_ascii_lowercase()
}

/// The scheme of a normalised address, if it has one (`./a:b` and `a/b:c` have none).
fn scheme(url: &str) -> Option<String> {
    let (before, _) = url.split_once(':')?;
    let is_scheme = before.starts_with(|c: char| c.is_ascii_alphabetic())
        && before
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| before.to_string())
}

/// Text to find a removed address by in the source: its scheme as written if it is there.
fn needle_for(raw: &str, scheme: &str) -> String {
    if raw.to_ascii_lowercase().contains(&format!("{scheme}:")) {
        format!("{scheme}:")
    } else {
        raw.to_string()
    }
}

/// ammonia's allow-list for an author's raw HTML: its default elements (text, lists, tables,
/// figures, links, pictures) plus local sound and film, the attributes Markdown and the theme
/// use (`class`, `id`, `style`…), the schemes of [`SCHEMES`], relative addresses kept as written,
/// and the rules' checks on every attribute value.
fn allow_list() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags(["video", "audio", "source", "track"])
            .add_clean_content_tags(DROPPED.iter().filter(|t| !["script", "style"].contains(t)))
            .add_generic_attributes(["class", "id", "style", "dir", "role"])
            .add_generic_attribute_prefixes(["aria-", "data-"])
            .add_tag_attributes("a", ["name", "target"])
            .add_tag_attributes("img", ["loading", "decoding"])
            .add_tag_attributes(
                "video",
                [
                    "src",
                    "poster",
                    "controls",
                    "width",
                    "height",
                    "preload",
                    "muted",
                    "loop",
                    "playsinline",
                ],
            )
            .add_tag_attributes("audio", ["src", "controls", "preload", "loop"])
            .add_tag_attributes("source", ["src", "type", "media"])
            .add_tag_attributes("track", ["src", "kind", "srclang", "label", "default"])
            .url_schemes(SCHEMES.iter().copied().collect::<HashSet<_>>())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(None)
            .attribute_filter(|tag, name, value| {
                let raw = html_escape::encode_double_quoted_attribute(value);
                match unsafe_attribute(tag, name, &raw) {
                    Some(_) => None,
                    None => Some(Cow::Borrowed(value)),
                }
            });
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_out_scripts_handlers_and_outside_pictures() {
        let (html, removed) = clean(
            "<p>你好<script>alert(1)</script></p>\
             <img src=\"a.png\" alt=\"图\" onerror=\"alert(1)\">\
             <a href=\"javascript:alert(1)\">点我</a>\
             <img src=\"https://evil.example/x.png\" alt=\"外\">\
             <a href=\"https://www.12321.cn\">12321</a>\
             <style>p{color:red}</style><a href=\"data:text/html,<b>x</b>\">页</a>\
             <img src=\"data:image/png;base64,iVBO\" alt=\"点\">",
            Origin::MarkdownSource,
        );
        assert_eq!(
            html,
            "<p>你好</p><img src=\"a.png\" alt=\"图\"><a>点我</a><a href=\"https://www.12321.cn\">12321</a>\
             <a>页</a><img src=\"data:image/png;base64,iVBO\" alt=\"点\">"
        );
        let needles: Vec<&str> = removed.iter().map(|r| r.needle.as_str()).collect();
        assert_eq!(
            needles,
            [
                "<script",
                "onerror=",
                "javascript:",
                "https://evil.example/x.png",
                "<style",
                "data:"
            ]
        );
    }

    #[test]
    fn plain_text_and_safe_markup_stay_as_they_are() {
        let html =
            "<h2 id=\"x\">标题</h2><p><a href=\"../scams/\">骗局</a> <strong>粗</strong></p>";
        for origin in [Origin::Markdown, Origin::RawHtml, Origin::MarkdownSource] {
            assert_eq!(clean(html, origin), (html.to_string(), Vec::new()));
        }
    }

    #[test]
    fn addresses_are_read_as_the_browser_reads_them() {
        for (html, needle) in [
            (
                "<a href=\"jav&#x61;script:alert(1)\">x</a>",
                "jav&#x61;script:alert(1)",
            ),
            (
                "<a href=\"java\tscript:alert(1)\">x</a>",
                "java\tscript:alert(1)",
            ),
            ("<a href=\" JAVASCRIPT:alert(1)\">x</a>", "javascript:"),
            ("<a href=\"file:///etc/passwd\">x</a>", "file:"),
            (
                "<img src=\"a.png\" srcset=\"a.png 1x, https://evil.example/b.png 2x\" alt=\"\">",
                "a.png 1x, https://evil.example/b.png 2x",
            ),
            (
                "<table background=\"https://evil.example/t.png\"><tr><td>x</td></tr></table>",
                "https://evil.example/t.png",
            ),
            (
                "<p style=\"background:u\\72l(https://evil.example/x)\">x</p>",
                "style=",
            ),
            (
                "<svg><a xlink:href=\"#\"><set attributeName=\"href\" to=\"javascript:alert(1)\"/></a></svg>",
                "<svg",
            ),
        ] {
            let (out, removed) = clean(html, Origin::RawHtml);
            assert_eq!(removed.len(), 1, "{html}: {removed:?}");
            assert_eq!(removed[0].needle, needle, "{html}");
            for bad in ["script:", "evil.example", "file:", "<svg", "<set"] {
                assert!(!out.to_ascii_lowercase().contains(bad), "{html} -> {out}");
            }
        }
    }

    #[test]
    fn raw_html_keeps_only_what_the_allow_list_knows() {
        let (out, _) = clean(
            "<p align=\"center\" class=\"note\">你好<font color=red>红</font>\
             <a href=\"../x/\" id=\"a\" rel=\"opener\">链接</a></p>\
             <video src=\"v.mp4\" controls></video><!-- 内部备注 -->",
            Origin::RawHtml,
        );
        assert_eq!(
            out,
            "<p class=\"note\">你好红<a href=\"../x/\" id=\"a\">链接</a></p>\
             <video src=\"v.mp4\" controls=\"\"></video>"
        );
    }
}
