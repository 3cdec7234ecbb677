//! The 公众号 renderer: the campaign home and every scam, case and guide page as an article that
//! survives pasting into the 公众号 editor — inline styles only, no class, id, script or outside
//! resource, the 凡是 rule box and the hotline block styled inline, pictures pointing at the
//! site's own JPEG or PNG copy, and the page's web address for 「阅读原文」. It reads the model
//! and returns files; the site lists the articles on its preview page.

pub mod style;

use crate::artifact::{ArticleRecord, paths};
use crate::cache::{Cache, Key};
use crate::channels::hotlines;
use crate::config::Config;
use crate::content::{Kind, KindData, Model, Page};
use crate::diag::display_path;
use crate::output::OutFile;
use style::{Body, RED, of};

/// The 公众号 kit: articles and their records.
pub struct WechatKit {
    pub files: Vec<OutFile>,
    pub records: Vec<ArticleRecord>,
}

/// HTML-escapes text for an article.
fn esc(s: &str) -> String {
    html_escape::encode_text(s).into_owned()
}

/// One article before it is written: its parts in order.
struct Article {
    file: String,
    title: String,
    source: String,
    section: String,
    read_more: Option<String>,
    parts: Vec<String>,
    images: Vec<String>,
}

fn tag(name: &str, body: &str) -> String {
    format!("<{name} style=\"{}\">{body}</{name}>", of(name))
}

fn list(ordered: bool, items: &[String]) -> String {
    let lis: String = items.iter().map(|i| tag("li", &esc(i))).collect();
    tag(if ordered { "ol" } else { "ul" }, &lis)
}

/// The red box with the rule to remember.
fn rule_box(label: &str, rule: &str) -> String {
    format!(
        "<section style=\"margin:18px 0;padding:14px 16px;border:2px solid {RED};border-radius:8px;background:#fff4f4\">\
<p style=\"margin:0 0 6px;font-size:15px;font-weight:bold;color:{RED}\">{}</p>\
<p style=\"margin:0;font-size:19px;line-height:1.6;font-weight:bold;color:{RED}\">{}</p></section>",
        esc(label),
        esc(rule)
    )
}

/// The numbers to call and where to report, as the end of every article shows them.
fn hotline_block(config: &Config) -> String {
    let h = hotlines(config);
    let row = |label: &str, contact: &str, note: &str| {
        format!(
            "<p style=\"margin:0 0 8px;font-size:17px;line-height:1.6;color:#ffffff\">\
<span style=\"display:inline-block;min-width:72px;font-size:15px;color:#ffe3e3\">{}</span>\
<strong style=\"font-size:22px;color:#ffffff\">{}</strong> <span style=\"font-size:14px;color:#ffe3e3\">{}</span></p>",
            esc(label),
            esc(contact),
            esc(note)
        )
    };
    let mut rows: String = h
        .call
        .iter()
        .map(|c| row(c.role_label, &c.contact, &c.name))
        .collect();
    rows.extend(
        h.report_online
            .iter()
            .map(|c| row(c.role_label, &c.contact, "")),
    );
    format!(
        "<section style=\"margin:24px 0 16px;padding:16px;border-radius:8px;background:{RED}\">\
<p style=\"margin:0 0 10px;font-size:18px;font-weight:bold;color:#ffffff\">遇到可疑情况，请记住这些号码</p>{rows}</section>"
    )
}

/// The page's web address, when the campaign has a `base_url` (`fanzha build` warns when an
/// article has none).
fn read_more(config: &Config, path: &str) -> Option<String> {
    config.base_url.as_ref().map(|b| format!("{b}{path}"))
}

/// A page body, cleaned for the article (see [`clean_bodies`]).
fn body_part(a: &mut Article, body: Body) {
    if !body.html.trim().is_empty() {
        a.parts.push(body.html);
    }
    a.images.extend(body.images);
}

/// Whether page `p` has an article: scam, case and guide pages do.
fn has_article(p: &Page) -> bool {
    matches!(
        p.kind,
        KindData::Scam { .. } | KindData::Case { .. } | KindData::Guide { .. }
    )
}

/// The article of page `p` (which [`has_article`]), around its cleaned `body`.
fn article_of(model: &Model, p: &Page, body: Body) -> Article {
    let section = model.sections[p.section].title.clone();
    let mut a = Article {
        file: paths::wechat_article(&p.path),
        title: p.title.clone(),
        source: display_path(&p.source),
        section,
        read_more: read_more(&model.config, &p.path),
        parts: vec![tag("h1", &esc(&p.title))],
        images: Vec::new(),
    };
    let h2 = |t: &str| tag("h2", &esc(t));
    match &p.kind {
        KindData::Scam { fields, .. } => {
            a.parts.push(tag("p", &esc(&fields.summary)));
            a.parts.push(rule_box("请记住", &fields.rule));
            a.parts.push(h2("骗子怎么骗"));
            a.parts.push(list(true, &fields.steps));
            a.parts.push(h2("识别要点"));
            a.parts.push(list(false, &fields.red_flags));
            body_part(&mut a, body);
            a.parts.push(h2("怎么办"));
            a.parts.push(list(false, &fields.actions));
            a.parts.push(h2("千万不要"));
            a.parts.push(list(false, &fields.never));
        }
        KindData::Case { fields, scam } => {
            let facts = format!(
                "地区：{}　损失：{}",
                fields.region,
                crate::zh::loss_text(fields.loss)
            );
            a.parts.push(tag("p", &esc(&facts)));
            body_part(&mut a, body);
            if let KindData::Scam { fields: s, .. } = &model.pages[*scam].kind {
                a.parts.push(rule_box(&model.pages[*scam].title, &s.rule));
            }
            a.parts.push(rule_box("警示", &fields.lesson));
        }
        KindData::Guide { fields, .. } => {
            a.parts.push(rule_box("要点", &fields.summary));
            body_part(&mut a, body);
        }
        _ => {}
    }
    a
}

/// Pictures in a page body are relative to the page's own folder (`cases/a/`).
fn page_dir(p: &Page) -> String {
    p.path.clone()
}

fn home_article(model: &Model) -> Article {
    let c = &model.config;
    let home = model.home();
    let mut a = Article {
        file: paths::wechat_article(""),
        title: c.title.clone(),
        source: display_path(&home.source),
        section: "首页".into(),
        read_more: read_more(c, ""),
        parts: vec![tag("h1", &esc(&c.title))],
        images: Vec::new(),
    };
    a.parts.push(rule_box(&c.issuer.name, &c.campaign.slogan));
    let body = style::clean_body(&home.content, "", &a.file);
    body_part(&mut a, body);
    let rules: Vec<String> = model
        .pages_of(Kind::Scam)
        .into_iter()
        .filter_map(|id| match &model.pages[id].kind {
            KindData::Scam { fields, .. } => Some(fields.rule.clone()),
            _ => None,
        })
        .collect();
    if !rules.is_empty() {
        a.parts.push(tag("h2", "记住这些「凡是」"));
        a.parts.push(list(false, &rules));
    }
    a
}

/// The article as a whole HTML document; what is pasted is the `<section>` in its body.
/// `hotlines` is the campaign's [`hotline_block`], the same for every article. Written into one
/// string: a campaign of 10,000 case bulletins writes as many.
fn document(config: &Config, hotlines: &str, a: &Article) -> String {
    let title = esc(&a.title);
    let parts: usize = a.parts.iter().map(String::len).sum();
    let mut html = String::with_capacity(parts + hotlines.len() + title.len() + 1024);
    html.push_str(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
    );
    html.push_str(&title);
    html.push_str(
        "</title>\n</head>\n\
<body style=\"margin:0;padding:0;background:#ffffff\">\n<section style=\"max-width:677px;margin:0 auto;padding:16px;\
font-size:17px;line-height:1.8;color:#222222;letter-spacing:0.5px;word-wrap:break-word;\
font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei',sans-serif\">",
    );
    for part in &a.parts {
        html.push_str(part);
    }
    html.push_str(hotlines);
    html.push_str(&small_line(&format!("来源：{}", config.issuer.name)));
    if let Some(url) = &a.read_more {
        html.push_str(&small_line(&format!("阅读原文：{url}")));
    }
    html.push_str("</section>\n</body>\n</html>\n");
    html
}

/// A line in small grey type at the end of an article.
fn small_line(text: &str) -> String {
    tag("p", &esc(text)).replace("color:#222222", "color:#888888;font-size:14px")
}

/// Every article, the home's first, then the pages in site order; the pages' on every core (a
/// campaign of 10,000 case bulletins has as many articles), their bodies through `cache`.
pub fn render(model: &Model, cache: &Cache) -> WechatKit {
    use rayon::prelude::*;
    let hotlines = hotline_block(&model.config);
    let home = finish(&model.config, &hotlines, home_article(model));
    let pages: Vec<&Page> = model.pages.iter().filter(|p| has_article(p)).collect();
    let bodies = clean_bodies(&pages, cache);
    let pages: Vec<(OutFile, ArticleRecord)> = pages
        .into_par_iter()
        .zip(bodies)
        .map(|(p, body)| finish(&model.config, &hotlines, article_of(model, p, body)))
        .collect();
    let (files, records) = std::iter::once(home).chain(pages).unzip();
    WechatKit { files, records }
}

/// The bodies of `pages`, in their order, cleaned for their articles ([`style::clean_body`]
/// parses each page's HTML: the costliest part of an article). They are kept in `cache` in runs
/// of pages next to each other by article path ([`crate::cache::runs`]), so a campaign with one
/// page edited cleans that page's run again and reads the other runs.
fn clean_bodies(pages: &[&Page], cache: &Cache) -> Vec<Body> {
    use rayon::prelude::*;
    let files: Vec<String> = pages
        .iter()
        .map(|p| paths::wechat_article(&p.path))
        .collect();
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_unstable_by(|&a, &b| files[a].cmp(&files[b]));
    let names: Vec<&str> = order.iter().map(|&i| files[i].as_str()).collect();
    let id = crate::cache::program_id();
    let runs: Vec<Vec<Body>> = crate::cache::runs(&names)
        .into_par_iter()
        .map(|run| {
            let run: Vec<(&Page, &str)> = order[run]
                .iter()
                .map(|&i| (pages[i], files[i].as_str()))
                .collect();
            clean_run(&run, &id, cache)
        })
        .collect();
    let mut bodies: Vec<Option<Body>> = (0..pages.len()).map(|_| None).collect();
    for (i, body) in order.into_iter().zip(runs.into_iter().flatten()) {
        bodies[i] = Some(body);
    }
    bodies.into_iter().map(Option::unwrap_or_default).collect()
}

/// The bodies of a run of pages (each with its article's path) cleaned, from `cache` when a build
/// before cleaned the same bodies for the same articles. An entry that does not read back as as
/// many bodies is made again.
fn clean_run(run: &[(&Page, &str)], id: &[u8], cache: &Cache) -> Vec<Body> {
    let clean = || -> Vec<Body> {
        run.iter()
            .map(|(p, file)| style::clean_body(&p.content, &page_dir(p), file))
            .collect()
    };
    // What clean_body reads: the article's path, the page's folder (its path) and its HTML.
    let key = Key::of_iter(
        [id, b"wechat-bodies".as_slice()].into_iter().chain(
            run.iter()
                .flat_map(|(p, file)| [file.as_bytes(), p.path.as_bytes(), p.content.as_bytes()]),
        ),
    );
    let mut made = None;
    let stored = cache.part(&key, || {
        let bodies = clean();
        let bytes = serde_json::to_vec(&bodies).expect("bodies serialize");
        made = Some(bodies);
        Ok::<_, std::convert::Infallible>(vec![bytes])
    });
    if let Some(bodies) = made {
        return bodies;
    }
    let read = match stored.as_deref() {
        Ok([bytes]) => serde_json::from_slice::<Vec<Body>>(bytes).ok(),
        _ => None,
    };
    read.filter(|b| b.len() == run.len()).unwrap_or_else(clean)
}

/// The article as its file and record.
fn finish(config: &Config, hotlines: &str, mut a: Article) -> (OutFile, ArticleRecord) {
    a.images.sort();
    a.images.dedup();
    let html = document(config, hotlines, &a);
    let record = ArticleRecord {
        file: a.file.clone(),
        title: a.title,
        source: a.source,
        section: a.section,
        bytes: html.len(),
        read_more: a.read_more,
        images: a.images,
    };
    (OutFile::bytes(a.file, html), record)
}
