//! Raw HTML in content is untrusted — a campaign's pages come from many schools and stations — so
//! what could run a script or load something from outside the site is taken out of each page, and
//! every removal is reported to the author. `unsafe_html = true` in config.toml turns this off.

use std::cell::RefCell;

use lol_html::{RewriteStrSettings, element, rewrite_str};

/// One thing taken out, for the author's warning: what it was, and a piece of its text to find
/// its line in the source by.
#[derive(Debug, Clone, PartialEq)]
pub struct Removed {
    pub what: String,
    pub needle: String,
}

/// The warning for one thing taken out, `what` naming it.
pub fn removal_message(what: &str) -> String {
    format!(
        "已删除{what}：网页正文里不能带脚本、事件属性或站外图片（内容可能来自多个单位，须防被篡改）；确需保留请在 config.toml 写 unsafe_html = true"
    )
}

/// Elements that run code, embed other documents or change how the page loads.
const DROPPED: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link", "meta",
    "style",
];

/// Elements whose `src` loads a picture, a sound or a film.
const LOADING: &[&str] = &["img", "source", "video", "audio", "track", "input"];

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
];

/// The page's HTML with scripts, event handlers, `javascript:` addresses and pictures from
/// outside the site taken out, and what was taken out.
pub fn clean(html: &str) -> (String, Vec<Removed>) {
    if !html.contains('<') {
        return (html.to_string(), Vec::new());
    }
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
    /// One attribute runs code; the text to find it by.
    Attribute(String),
}

fn unsafe_attribute(tag: &str, name: &str, value: &str) -> Option<Unsafe> {
    let v = value.trim().to_ascii_lowercase();
    if name.starts_with("on") {
        return Some(Unsafe::Attribute(format!("{name}=")));
    }
    if name == "style" && v.contains("url(") {
        return Some(Unsafe::Attribute("url(".into()));
    }
    if !ADDRESSES.contains(&name) {
        return None;
    }
    if v.starts_with("javascript:") || v.starts_with("vbscript:") {
        return Some(Unsafe::Attribute(
            v.split(':').next().unwrap_or("").to_string() + ":",
        ));
    }
    // A `data:` address can carry a whole page with its scripts; only pictures may be inline.
    let inline_picture = matches!(tag, "img" | "source") && v.starts_with("data:image/");
    if v.starts_with("data:") && !inline_picture {
        return Some(Unsafe::Attribute("data:".into()));
    }
    let outside = v.starts_with("http:") || v.starts_with("https:") || v.starts_with("//");
    (outside && LOADING.contains(&tag) && name != "href").then_some(Unsafe::Outside)
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
        assert_eq!(clean(html), (html.to_string(), Vec::new()));
    }
}
