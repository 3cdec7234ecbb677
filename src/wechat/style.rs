//! The look of a 公众号 article as inline styles — the only styling the 公众号 editor keeps when
//! rich text is pasted (it drops `<style>`, `class`, `id`, `position` and `transform`) — and the
//! page body made safe to paste: only plain tags, no attributes but a picture's `src` and `alt`,
//! no links (a 公众号 body may link only to 公众号 articles), every tag styled inline.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex};

/// The campaign red of the theme.
pub const RED: &str = "#c8102e";

/// The inline style of each tag an article uses.
pub fn of(tag: &str) -> &'static str {
    match tag {
        "h1" => "font-size:24px;line-height:1.4;font-weight:bold;color:#1a1a1a;margin:0 0 12px",
        "h2" => {
            "font-size:20px;line-height:1.5;font-weight:bold;color:#c8102e;margin:28px 0 10px;padding-left:10px;border-left:4px solid #c8102e"
        }
        "h3" | "h4" | "h5" | "h6" => {
            "font-size:18px;line-height:1.5;font-weight:bold;color:#1a1a1a;margin:22px 0 8px"
        }
        "p" => "margin:0 0 14px;font-size:17px;line-height:1.8;color:#222222",
        "ul" | "ol" => {
            "margin:0 0 14px;padding-left:24px;font-size:17px;line-height:1.8;color:#222222"
        }
        "li" => "margin:0 0 6px",
        "blockquote" => {
            "margin:0 0 14px;padding:10px 14px;background:#f6f6f6;border-left:4px solid #bbbbbb;color:#444444"
        }
        "strong" | "b" => "font-weight:bold;color:#1a1a1a",
        "em" | "i" => "font-style:italic",
        "img" => "display:block;max-width:100%;height:auto;margin:0 auto 14px",
        "figure" => "margin:0 0 14px",
        "figcaption" => "font-size:14px;color:#666666;text-align:center",
        "table" => "border-collapse:collapse;width:100%;margin:0 0 14px;font-size:15px",
        "th" => {
            "border:1px solid #cccccc;padding:6px 8px;background:#f6f6f6;font-weight:bold;text-align:left"
        }
        "td" => "border:1px solid #cccccc;padding:6px 8px",
        "hr" => "border:0;border-top:1px solid #dddddd;margin:20px 0",
        "code" => "font-family:monospace;background:#f6f6f6;padding:0 3px",
        "pre" => "white-space:pre-wrap;background:#f6f6f6;padding:10px;font-size:14px",
        _ => "",
    }
}

/// The tags a page body keeps in an article; any other tag is removed and its text kept
/// (links become their text), `<script>` and `<style>` go with their content.
const TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "strong",
    "b",
    "em",
    "i",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "figure",
    "figcaption",
    "code",
    "pre",
    "del",
    "sub",
    "sup",
];

/// A page body cleaned for an article, and the site paths of the pictures it shows.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct Body {
    pub html: String,
    pub images: Vec<String>,
}

/// Cleans `html`, the body of the page at site folder `page_dir`, for the article at
/// `article_path`: pictures (JPEG and PNG only, as the 公众号 editor takes them) are pointed at
/// the site's own copy, anything from outside the site is dropped, and each tag is styled.
pub fn clean_body(html: &str, page_dir: &str, article_path: &str) -> Body {
    let images = Arc::new(Mutex::new(Vec::new()));
    let found = images.clone();
    let dir = page_dir.to_string();
    let up = crate::content::relative_url(&crate::content::parent_path(article_path), "");
    let up = if up == "./" { String::new() } else { up };
    let mut b = ammonia::Builder::empty();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(HashSet::from(["script", "style"]))
        .tag_attributes(HashMap::from([("img", HashSet::from(["src", "alt"]))]))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(true)
        .attribute_filter(move |element, attribute, value| {
            if (element, attribute) != ("img", "src") {
                return Some(value.into());
            }
            let site_path = site_picture(&dir, value)?;
            found.lock().expect("images lock").push(site_path.clone());
            Some(format!("{up}{site_path}").into())
        });
    let cleaned = b.clean(html).to_string();
    let html = style_tags(&cleaned);
    let mut images = images.lock().expect("images lock").clone();
    images.sort();
    images.dedup();
    Body { html, images }
}

/// The site path of a picture a page in `page_dir` names, when it is the site's own JPEG or PNG.
fn site_picture(page_dir: &str, src: &str) -> Option<String> {
    let lower = src.to_ascii_lowercase();
    if lower.contains(':') || lower.starts_with("//") {
        return None;
    }
    let clean = src.split(['?', '#']).next().unwrap_or(src);
    if !(lower.ends_with(".jpg") || lower.ends_with(".jpeg") || lower.ends_with(".png")) {
        return None;
    }
    match clean.strip_prefix('/') {
        Some(abs) => Some(abs.to_string()),
        None => crate::content::join_rel(page_dir, clean),
    }
}

/// Adds the inline style of every tag of `html` (whose tags carry no `style` yet).
pub fn style_tags(html: &str) -> String {
    // Compiled once: a campaign of 10,000 pages styles as many bodies.
    static TAG: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"<([a-z][a-z0-9]*)([\s>/])").expect("a valid pattern"));
    TAG.replace_all(html, |c: &regex::Captures| {
        let style = of(&c[1]);
        if style.is_empty() {
            c[0].to_string()
        } else {
            format!("<{} style=\"{style}\"{}", &c[1], &c[2])
        }
    })
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_keep_text_and_lose_what_the_editor_drops() {
        let body = clean_body(
            r#"<h2 id="x" class="y">标题</h2><p>看<a href="../a/">这里</a><script>alert(1)</script></p><img src="photo.jpg" class="z"><img src="https://evil.example/a.png"><img src="a.webp">"#,
            "cases/a/",
            "wechat/cases/a.html",
        );
        assert!(
            !body.html.contains("class") && !body.html.contains("id="),
            "{}",
            body.html
        );
        assert!(
            !body.html.contains("script") && !body.html.contains("<a"),
            "{}",
            body.html
        );
        assert!(body.html.contains("看这里"), "{}", body.html);
        assert!(
            body.html.contains(r#"src="../../cases/a/photo.jpg""#),
            "{}",
            body.html
        );
        assert!(
            !body.html.contains("evil") && !body.html.contains("webp"),
            "{}",
            body.html
        );
        assert!(body.html.contains("<h2 style=\""), "{}", body.html);
        assert_eq!(body.images, ["cases/a/photo.jpg"]);
    }
}
