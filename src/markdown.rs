//! Markdown to HTML with pulldown-cmark: CommonMark plus tables, footnotes and strikethrough,
//! stable heading ids with Zola's anchor links, a hook that rewrites or checks every link and
//! image destination, and where a text's code is (shortcodes are never expanded there).

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// A link or image destination found in the Markdown, with its byte offset in the source.
pub struct Dest<'a> {
    pub url: &'a str,
    pub offset: usize,
    pub is_image: bool,
}

/// Zola's `insert_anchor_links`: where a heading gets a link to itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnchorLinks {
    #[default]
    None,
    /// A 🔗 link before the heading's text.
    Left,
    /// A 🔗 link after the heading's text.
    Right,
    /// The heading's text is the link.
    Heading,
}

/// Renders `md` to HTML. `rewrite` sees every link and image destination and may return a
/// replacement (e.g. a resolved `@/` link); it records its own diagnostics.
pub fn render(
    md: &str,
    anchors: AnchorLinks,
    rewrite: &mut dyn FnMut(Dest<'_>) -> Option<String>,
) -> String {
    let mut events: Vec<Event<'_>> = Vec::new();
    for (event, range) in Parser::new_ext(md, options()).into_offset_iter() {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let new = rewrite(Dest {
                    url: &dest_url,
                    offset: range.start,
                    is_image: false,
                });
                let dest_url = new.map_or(dest_url, CowStr::from);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let new = rewrite(Dest {
                    url: &dest_url,
                    offset: range.start,
                    is_image: true,
                });
                let dest_url = new.map_or(dest_url, CowStr::from);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            other => other,
        };
        events.push(event);
    }
    add_heading_ids(&mut events);
    if anchors != AnchorLinks::None {
        events = add_anchor_links(events, anchors);
    }
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Gives every heading without an explicit `{#id}` an id made from its text, unique in the page.
fn add_heading_ids(events: &mut [Event<'_>]) {
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let text = heading_text(&events[i + 1..]);
            let base = anchor(&text);
            let n = used.entry(base.clone()).or_insert(0);
            let id = if *n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            *n += 1;
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::from(id));
            }
        }
        i += 1;
    }
}

/// Puts a link to each heading in it (Zola's markup: `<a class="zola-anchor" href="#id"
/// aria-label="…">`). The 🔗 of `left` and `right` is left out of the search index.
fn add_anchor_links(events: Vec<Event<'_>>, anchors: AnchorLinks) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut open: Option<String> = None;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => {
                let text = heading_text(&events[i + 1..]);
                let link = format!(
                    "<a class=\"zola-anchor\" href=\"#{}\" aria-label=\"{}\"",
                    crate::templates::escape_html(id),
                    crate::templates::escape_html(&format!("本节链接：{}", text.trim()))
                );
                out.push(event.clone());
                match anchors {
                    AnchorLinks::Left => out.push(Event::InlineHtml(
                        format!("{link} data-pagefind-ignore=\"\">🔗</a>").into(),
                    )),
                    AnchorLinks::Heading => out.push(Event::InlineHtml(format!("{link}>").into())),
                    _ => {}
                }
                open = Some(link);
            }
            Event::End(TagEnd::Heading(_)) if open.is_some() => {
                let link = open.take().unwrap_or_default();
                match anchors {
                    AnchorLinks::Right => out.push(Event::InlineHtml(
                        format!("{link} data-pagefind-ignore=\"\">🔗</a>").into(),
                    )),
                    AnchorLinks::Heading => out.push(Event::InlineHtml("</a>".into())),
                    _ => {}
                }
                out.push(event.clone());
            }
            _ => out.push(event.clone()),
        }
    }
    out
}

/// The byte ranges of `md` that are code: fenced and indented code blocks, and code spans.
pub fn code_ranges(md: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(md, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => out.push(range),
            _ => {}
        }
    }
    out
}

fn heading_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for e in events {
        match e {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}

/// A heading anchor: letters (汉字 included) and digits kept, runs of anything else become `-`.
pub fn anchor(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

/// A paragraph-level piece of a Markdown body as plain text, for print layouts.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Block {
    /// `heading`, `para`, `item` (with `number` for ordered lists) or `quote`.
    pub kind: &'static str,
    pub level: u8,
    pub number: Option<u64>,
    pub text: String,
}

/// The body as headings, paragraphs, list items and quotes of plain text (links keep their words).
pub fn blocks(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut quote = 0;
    let mut current: Option<(&'static str, u8, Option<u64>)> = None;
    let flush = |out: &mut Vec<Block>,
                 text: &mut String,
                 current: &mut Option<(&'static str, u8, Option<u64>)>| {
        let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some((kind, level, number)) = current.take()
            && !t.is_empty()
        {
            out.push(Block {
                kind,
                level,
                number,
                text: t,
            });
        }
        text.clear();
    };
    for e in Parser::new_ext(md, options()) {
        match e {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some(("heading", level as u8, None))
            }
            Event::Start(Tag::BlockQuote(_)) => quote += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote -= 1,
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut out, &mut text, &mut current);
                let number = lists.last_mut().and_then(|n| {
                    let v = *n;
                    if let Some(x) = n {
                        *x += 1;
                    }
                    v
                });
                current = Some(("item", 0, number));
            }
            Event::Start(Tag::Paragraph) if current.is_none() => {
                current = Some((if quote > 0 { "quote" } else { "para" }, 0, None))
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item) => {
                flush(&mut out, &mut text, &mut current)
            }
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    out
}

/// A part of a Markdown body under one heading: the heading's text (none for what comes before
/// the first heading) and the plain text of each paragraph, list item and quote below it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Section {
    pub heading: Option<String>,
    pub paragraphs: Vec<String>,
}

/// The body as its sections, for layouts that show a story by its parts (a case's 经过 and
/// 发现与处置). Every heading, whatever its level, starts a section; text before the first
/// heading makes a section without one.
pub fn sections(md: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for b in blocks(md) {
        if b.kind == "heading" {
            out.push(Section {
                heading: Some(b.text),
                paragraphs: Vec::new(),
            });
        } else {
            match out.last_mut() {
                Some(s) => s.paragraphs.push(b.text),
                None => out.push(Section {
                    heading: None,
                    paragraphs: vec![b.text],
                }),
            }
        }
    }
    out
}

/// Plain text of a Markdown fragment, for descriptions and feeds.
pub fn plain_text(md: &str) -> String {
    let mut out = String::new();
    for e in Parser::new_ext(md, options()) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_internal_links_and_reports_offsets() {
        let md = "见[指南](@/guides/a.md)。\n\n![图](photo.png)";
        let mut seen = Vec::new();
        let html = render(md, AnchorLinks::None, &mut |d| {
            seen.push((d.url.to_string(), d.offset, d.is_image));
            d.url.strip_prefix("@/").map(|_| "../guides/a/".to_string())
        });
        assert!(
            html.contains(r#"<a href="../guides/a/">指南</a>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<img src="photo.png" alt="图" />"#),
            "{html}"
        );
        assert_eq!(seen[0], ("@/guides/a.md".into(), "见".len(), false));
        assert!(seen[1].2);
    }

    #[test]
    fn headings_get_unique_ids() {
        let html = render(
            "## 常见话术\n\n## 常见话术\n\n## What to do?\n",
            AnchorLinks::None,
            &mut |_| None,
        );
        assert!(html.contains(r#"<h2 id="常见话术">"#), "{html}");
        assert!(html.contains(r#"<h2 id="常见话术-1">"#), "{html}");
        assert!(html.contains(r#"<h2 id="what-to-do">"#), "{html}");
    }

    #[test]
    fn anchor_links_go_where_zola_puts_them() {
        let md = "## 怎么办\n";
        let link = r##"<a class="zola-anchor" href="#怎么办" aria-label="本节链接：怎么办""##;
        let ignored = " data-pagefind-ignore=\"\">🔗</a>";
        assert_eq!(
            render(md, AnchorLinks::Left, &mut |_| None),
            format!("<h2 id=\"怎么办\">{link}{ignored}怎么办</h2>\n")
        );
        assert_eq!(
            render(md, AnchorLinks::Right, &mut |_| None),
            format!("<h2 id=\"怎么办\">怎么办{link}{ignored}</h2>\n")
        );
        assert_eq!(
            render(md, AnchorLinks::Heading, &mut |_| None),
            format!("<h2 id=\"怎么办\">{link}>怎么办</a></h2>\n")
        );
        assert_eq!(
            render(md, AnchorLinks::None, &mut |_| None),
            "<h2 id=\"怎么办\">怎么办</h2>\n"
        );
    }

    #[test]
    fn code_ranges_cover_fences_and_spans() {
        let md = "正文 `{{ a() }}` 后\n\n```\n{{ b() }}\n```\n\n    {{ c() }}\n\n{{ d() }}\n";
        let code = code_ranges(md);
        let inside = |needle: &str| {
            let at = md.find(needle).unwrap();
            code.iter().any(|r| r.contains(&at))
        };
        assert!(inside("{{ a()") && inside("{{ b()") && inside("{{ c()"));
        assert!(!inside("{{ d()"));
    }

    #[test]
    fn blocks_keep_structure_as_plain_text() {
        let b = blocks(
            "## 第一步\n\n立即[报警](@/x.md)。\n\n1. 停止转账\n2. 保存证据\n\n> 骗子说：\"转账\"\n",
        );
        let kinds: Vec<_> = b
            .iter()
            .map(|x| (x.kind, x.number, x.text.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("heading", None, "第一步"),
                ("para", None, "立即报警。"),
                ("item", Some(1), "停止转账"),
                ("item", Some(2), "保存证据"),
                ("quote", None, "骗子说：\"转账\""),
            ]
        );
    }

    #[test]
    fn sections_split_a_body_at_its_headings() {
        let s = sections("前言。\n\n## 经过\n\n第一段。\n\n第二段。\n\n## 发现与处置\n\n- 报警\n");
        let parts: Vec<_> = s
            .iter()
            .map(|x| (x.heading.as_deref(), x.paragraphs.join("|")))
            .collect();
        assert_eq!(
            parts,
            vec![
                (None, "前言。".to_string()),
                (Some("经过"), "第一段。|第二段。".to_string()),
                (Some("发现与处置"), "报警".to_string()),
            ]
        );
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(
            plain_text("## 标题\n\n**加粗**文字 [链接](x)"),
            "标题 加粗文字 链接"
        );
    }
}
