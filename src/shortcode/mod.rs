//! Zola's shortcodes in content: `{{ name(…) }}` and `{% name(…) %}…{% end %}` are rendered with
//! the template `shortcodes/NAME.html` of the campaign's `templates/` or its theme's (the
//! campaign's first) before a body's Markdown is, and never in code. The built-ins (`figure`,
//! `gallery`, `hotline`, `case`, `qr`) are templates of the default theme fed data checked here
//! (`builtins`). What a shortcode needs of the content — addresses, pages, channels — it asks a
//! `Host`, so this module sits below the model and the renderers.
//!
//! Trust: templates are the theme's and the campaign's own code, so what they make is inserted as
//! written, past the raw-HTML cleaning of content. What authors write inside a shortcode is not
//! trusted: a block's body is cleaned like raw HTML before a template sees it (and what the
//! `markdown` filter makes of it again), and argument values are escaped by the templates.

mod builtins;
mod parse;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use minijinja::value::{Kwargs, Object};
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior, Value};
use serde::Serialize;

use crate::channels::Hotlines;
use crate::diag::{Severity, display_path};
use crate::markdown::{self, AnchorLinks};
use crate::sanitize::{self, Removed};
use crate::templates;
use parse::{Call, Item, Literal};

/// What a shortcode may ask of the content it is written in.
pub trait Host: Send + Sync {
    /// Resolves an address written in the page exactly as its Markdown links and images are:
    /// the URL to write, `Ok(None)` to leave it as written, or why it does not resolve (empty
    /// when the reason was reported already).
    fn resolve(&self, url: &str, is_image: bool) -> Result<Option<String>, String>;
    /// Whether raw HTML of content is cleaned (`unsafe_html` is off).
    fn sanitize(&self) -> bool;
    fn hotlines(&self) -> &Hotlines;
    /// The page or section an `@/…md` link names.
    fn target(&self, link: &str) -> Result<Target, String>;
    /// The page or section being rendered.
    fn here(&self) -> Target;
    /// The site's address (`base_url`, ending in `/`), when known.
    fn base_url(&self) -> Option<&str>;
    /// The case page an `@/…md` link names, as a card.
    fn case(&self, link: &str) -> Result<CaseCard, String>;
}

/// A page or section a shortcode points at.
#[derive(Debug, Clone)]
pub struct Target {
    pub title: String,
    /// Its site path (`cases/x/`, `""` for home).
    pub path: String,
}

/// A case page as the `case` shortcode shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseCard {
    pub title: String,
    /// Relative to the page the card is on.
    pub url: String,
    pub date_zh: Option<String>,
    pub region: String,
    /// The money lost, as people say it (`3.8万元`).
    pub loss: String,
    pub summary: String,
}

/// A problem found expanding a body, at a byte offset of the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub offset: usize,
    pub severity: Severity,
    /// `shortcode`, or `html` for something taken out of a block's body.
    pub field: &'static str,
    pub message: String,
}

/// The shortcode templates of a campaign.
pub struct Shortcodes {
    env: Environment<'static>,
    /// Template name → file it came from, for errors.
    origins: BTreeMap<String, PathBuf>,
}

/// Whether `text` may hold a shortcode (or an escaped one): bodies without either are not parsed.
pub fn may_hold(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// Where the tags of a body's shortcodes are — inline calls whole, a block's opening tag — which
/// hold arguments, not text: `check` looks for no file names there (shortcodes resolve theirs).
pub fn tag_spans(body: &str) -> Vec<Range<usize>> {
    fn walk(items: &[Item], out: &mut Vec<Range<usize>>) {
        for item in items {
            if let Item::Call(c) = item {
                match &c.body {
                    None => out.push(c.span.clone()),
                    Some(b) => {
                        out.push(c.span.start..b.range.start);
                        walk(&b.items, out);
                    }
                }
            }
        }
    }
    if !may_hold(body) {
        return Vec::new();
    }
    let (items, _) = parse::parse(body, &markdown::code_ranges(body));
    let mut out = Vec::new();
    walk(&items, &mut out);
    out
}

impl Shortcodes {
    /// Loads every template of the campaign and of the theme `theme` (so a shortcode may include
    /// a partial); the shortcodes are those under `shortcodes/`. Templates that do not compile
    /// are reported and left out.
    pub fn load(root: &Path, theme: &str) -> (Shortcodes, Vec<crate::diag::Diagnostic>) {
        let mut env = templates::environment();
        // Like Zola's templates: a missing argument the template prints is an error, while
        // `{% if caption %}` still tests an optional one.
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.add_filter("markdown", markdown_filter);
        let dirs = templates::template_dirs(root, &templates::theme_dir(root, theme));
        let (origins, errors) = templates::load(&mut env, root, &dirs);
        (Shortcodes { env, origins }, errors)
    }

    /// The names of the shortcodes there are templates for.
    fn names(&self) -> impl Iterator<Item = &str> {
        self.origins.keys().filter_map(|n| {
            n.strip_prefix("shortcodes/")
                .and_then(|n| n.strip_suffix(".html"))
        })
    }

    /// Expands the shortcodes of a Markdown body. `context` is what every template receives
    /// besides its arguments (`page` or `section`, `config`, …).
    pub fn expand(&self, body: &str, host: Arc<dyn Host>, context: &[(&str, Value)]) -> Expanded {
        let code = markdown::code_ranges(body);
        let (items, errors) = parse::parse(body, &code);
        let mut x = Expander {
            set: self,
            src: body,
            host,
            context,
            out: Expanded::default(),
        };
        for e in errors {
            x.problem(e.offset, e.message);
        }
        for item in &items {
            x.top(item);
        }
        x.out
    }
}

/// Opens and closes the placeholder of a shortcode's output in the Markdown handed to
/// pulldown-cmark: private-use characters, which Markdown and the HTML cleaner leave alone.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// A body with its shortcodes expanded.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The Markdown to render: each shortcode replaced by a placeholder, escapes undone.
    pub markdown: String,
    /// The body for plain-text uses (descriptions, print): shortcodes taken out, a block's
    /// body kept, escapes undone.
    pub plain: String,
    pub problems: Vec<Problem>,
    /// What each shortcode made, by placeholder number.
    outputs: Vec<String>,
    /// Where each piece of `markdown` came from: (its offset there, its offset in the body,
    /// whether it is the body's text as written).
    pieces: Vec<(usize, usize, bool)>,
}

impl Expanded {
    /// The offset in the body of byte `offset` of `markdown`, for locating Markdown problems.
    pub fn source_offset(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.0 <= offset);
        match i.checked_sub(1).map(|i| self.pieces[i]) {
            Some((at, from, true)) => from + (offset - at),
            Some((_, from, false)) => from,
            None => offset,
        }
    }

    /// The rendered HTML with each placeholder replaced by its shortcode's output; a placeholder
    /// that is a paragraph on its own replaces the paragraph, so a block (`<figure>`) is not
    /// put inside `<p>`.
    pub fn insert(&self, html: &str) -> String {
        if self.outputs.is_empty() {
            return html.to_string();
        }
        let mut out =
            String::with_capacity(html.len() + self.outputs.iter().map(String::len).sum::<usize>());
        let mut rest = html;
        while let Some(i) = rest.find(OPEN) {
            let after = &rest[i + OPEN.len_utf8()..];
            let found = after.find(CLOSE).and_then(|j| {
                let n: usize = after[..j].parse().ok()?;
                Some((self.outputs.get(n)?, &after[j + CLOSE.len_utf8()..]))
            });
            let Some((output, tail)) = found else {
                out.push_str(&rest[..i + OPEN.len_utf8()]);
                rest = after;
                continue;
            };
            let before = &rest[..i];
            let (before, tail) = match (before.strip_suffix("<p>"), tail.strip_prefix("</p>")) {
                (Some(before), Some(tail)) => (before, tail),
                _ => (before, tail),
            };
            out.push_str(before);
            out.push_str(output);
            rest = tail;
        }
        out.push_str(rest);
        out
    }
}

struct Expander<'a> {
    set: &'a Shortcodes,
    src: &'a str,
    host: Arc<dyn Host>,
    context: &'a [(&'a str, Value)],
    out: Expanded,
}

impl Expander<'_> {
    fn push(&mut self, text: &str, from: usize, verbatim: bool) {
        self.out
            .pieces
            .push((self.out.markdown.len(), from, verbatim));
        self.out.markdown.push_str(text);
    }

    fn problem(&mut self, offset: usize, message: String) {
        self.out.problems.push(Problem {
            offset,
            severity: Severity::Error,
            field: "shortcode",
            message,
        });
    }

    /// One piece of the body's top level.
    fn top(&mut self, item: &Item) {
        match item {
            Item::Text(r) => {
                let text = &self.src[r.clone()];
                self.push(text, r.start, true);
                self.out.plain.push_str(text);
            }
            Item::Escaped { span, text } => {
                self.push(text, span.start, false);
                self.out.plain.push_str(text);
            }
            Item::Call(call) => {
                if let Some(html) = self.render(call) {
                    let token = format!("{OPEN}{}{CLOSE}", self.out.outputs.len());
                    self.out.outputs.push(html);
                    self.push(&token, call.span.start, false);
                }
                if let Some(body) = &call.body {
                    let plain = self.plain(&body.items);
                    self.out.plain.push_str(plain.trim());
                }
            }
        }
    }

    /// The text of a block's pieces with shortcodes taken out, for plain uses.
    fn plain(&self, items: &[Item]) -> String {
        let mut out = String::new();
        for item in items {
            match item {
                Item::Text(r) => out.push_str(&self.src[r.clone()]),
                Item::Escaped { text, .. } => out.push_str(text),
                Item::Call(c) => {
                    if let Some(b) = &c.body {
                        out.push_str(self.plain(&b.items).trim());
                    }
                }
            }
        }
        out
    }

    /// The body a block's template receives: its shortcodes expanded, trimmed as Zola does,
    /// and cleaned like raw HTML.
    fn body(&mut self, call: &Call) -> Option<String> {
        let body = call.body.as_ref()?;
        let mut text = String::new();
        for item in &body.items {
            match item {
                Item::Text(r) => text.push_str(&self.src[r.clone()]),
                Item::Escaped { text: t, .. } => text.push_str(t),
                Item::Call(c) => text.push_str(&self.render(c).unwrap_or_default()),
            }
        }
        let text = text.trim();
        if !self.host.sanitize() {
            return Some(text.to_string());
        }
        let (clean, removed) = sanitize::clean(text, sanitize::Origin::MarkdownSource);
        let region = body.range.clone();
        let offsets = sanitize::locate(&self.src[region.clone()], &removed);
        for (r, at) in removed.iter().zip(offsets) {
            self.removed(at.map_or(call.span.start, |i| region.start + i), r);
        }
        Some(clean)
    }

    fn removed(&mut self, offset: usize, r: &Removed) {
        self.out.problems.push(Problem {
            offset,
            severity: Severity::Warning,
            field: "html",
            message: sanitize::removal_message(&r.what),
        });
    }

    /// Renders one shortcode; `None` when it has a problem (reported).
    fn render(&mut self, call: &Call) -> Option<String> {
        let name = format!("shortcodes/{}.html", call.name);
        let Ok(template) = self.set.env.get_template(&name) else {
            if self.set.origins.contains_key(&name) {
                // Its template does not compile, which loading reported.
                return None;
            }
            let hint = crate::diag::did_you_mean(&call.name, self.set.names())
                .map(|n| format!("，你是不是想写 `{n}`？"))
                .unwrap_or_else(|| "。".into());
            self.problem(
                call.span.start,
                format!(
                    "未知的短代码 `{}`{hint}短代码 `{0}` 的模板应放在 templates/shortcodes/{0}.html",
                    call.name
                ),
            );
            return None;
        };
        let mut vars: BTreeMap<String, Value> = call
            .args
            .iter()
            .map(|a| (a.name.clone(), value(&a.value)))
            .collect();
        if let Some(body) = self.body(call) {
            vars.insert("body".into(), Value::from(body));
        }
        vars.insert("nth".into(), Value::from(call.nth));
        if let Err((offset, message)) = builtins::prepare(call, &*self.host, &mut vars) {
            self.problem(offset, message);
            return None;
        }
        for (k, v) in self.context {
            vars.insert((*k).to_string(), v.clone());
        }
        let state = Arc::new(CallState {
            host: self.host.clone(),
            failed: Mutex::new(None),
            removed: Mutex::new(Vec::new()),
        });
        vars.insert(STATE.into(), Value::from_dyn_object(state.clone()));
        let rendered = template.render(Value::from_object(vars));
        for r in std::mem::take(&mut *state.removed.lock().expect("not poisoned")) {
            self.removed(call.span.start, &r);
        }
        match rendered {
            Ok(html) => Some(html.trim_end_matches(['\n', '\r']).to_string()),
            Err(e) => {
                let message = match state.failed.lock().expect("not poisoned").take() {
                    Some(m) => format!("短代码 `{}` 的正文里：{m}", call.name),
                    None => self.template_problem(call, &name, &e),
                };
                self.problem(call.span.start, message);
                None
            }
        }
    }

    fn template_problem(&self, call: &Call, name: &str, e: &Error) -> String {
        let template = e.name().unwrap_or(name);
        let file = self
            .set
            .origins
            .get(template)
            .map_or_else(|| template.to_string(), |p| display_path(p));
        let place = match e.line() {
            Some(l) => format!("{file} 第 {l} 行"),
            None => file,
        };
        if e.kind() == ErrorKind::UndefinedError {
            return format!(
                "短代码 `{}` 少写了参数：模板（{place}）用到的值没有传入（{}）",
                call.name,
                templates::error_text(e)
            );
        }
        format!(
            "短代码 `{}` 的模板出错（{place}）：{}",
            call.name,
            templates::error_text(e)
        )
    }
}

/// An argument value as templates see it.
fn value(l: &Literal) -> Value {
    match l {
        Literal::Str(s) => Value::from(s.clone()),
        Literal::Int(i) => Value::from(*i),
        Literal::Float(f) => Value::from(*f),
        Literal::Bool(b) => Value::from(*b),
        Literal::Array(items) => items.iter().map(value).collect(),
    }
}

/// The template variable holding the state of the call being rendered, for the `markdown` filter.
const STATE: &str = "__fanzha_shortcode";

/// What the `markdown` filter needs while one shortcode renders, and what it found.
struct CallState {
    host: Arc<dyn Host>,
    /// Why a link or image of the Markdown does not resolve.
    failed: Mutex<Option<String>>,
    removed: Mutex<Vec<Removed>>,
}

impl std::fmt::Debug for CallState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("shortcode call")
    }
}

impl Object for CallState {}

/// `{{ body | markdown }}` (Zola's filter): Markdown rendered with the page's links and images
/// resolved as in its body, and cleaned like raw HTML; `inline=true` leaves out the paragraph
/// around a single line.
fn markdown_filter(state: &State, text: String, kwargs: Kwargs) -> Result<Value, Error> {
    let inline: Option<bool> = kwargs.get("inline")?;
    kwargs.assert_all_used()?;
    let call = state
        .lookup(STATE)
        .and_then(|v| v.downcast_object::<CallState>());
    let mut failed = None;
    let html = markdown::render(&text, AnchorLinks::None, &mut |dest| {
        let call = call.as_ref()?;
        match call.host.resolve(dest.url, dest.is_image) {
            Ok(url) => url,
            Err(m) => {
                if !m.is_empty() && failed.is_none() {
                    failed = Some(m);
                }
                None
            }
        }
    });
    if let (Some(m), Some(call)) = (failed, &call) {
        *call.failed.lock().expect("not poisoned") = Some(m.clone());
        return Err(Error::new(ErrorKind::InvalidOperation, m));
    }
    let sanitize = call.as_ref().is_none_or(|c| c.host.sanitize());
    let html = if sanitize {
        let (html, removed) = sanitize::clean(&html, sanitize::Origin::RawHtml);
        if let Some(call) = &call {
            call.removed.lock().expect("not poisoned").extend(removed);
        }
        html
    } else {
        html
    };
    let html = match inline {
        Some(true) => strip_paragraph(&html),
        _ => html,
    };
    Ok(Value::from_safe_string(html))
}

/// `<p>text</p>\n` → `text`, when the HTML is that one paragraph.
fn strip_paragraph(html: &str) -> String {
    let t = html.trim_end();
    match t.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_alone_in_a_paragraph_replace_it() {
        let x = Expanded {
            outputs: vec!["<figure>图</figure>".into(), "<b>110</b>".into()],
            ..Default::default()
        };
        let html = format!("<p>{OPEN}0{CLOSE}</p>\n<p>拨打{OPEN}1{CLOSE}报警</p>\n");
        assert_eq!(
            x.insert(&html),
            "<figure>图</figure>\n<p>拨打<b>110</b>报警</p>\n"
        );
    }

    #[test]
    fn offsets_map_back_to_the_body() {
        let x = Expanded {
            pieces: vec![(0, 0, true), (5, 5, false), (8, 30, true)],
            ..Default::default()
        };
        assert_eq!(x.source_offset(3), 3);
        assert_eq!(x.source_offset(6), 5);
        assert_eq!(x.source_offset(10), 32);
    }

    #[test]
    fn inline_markdown_loses_its_paragraph() {
        assert_eq!(strip_paragraph("<p>一 <em>二</em></p>\n"), "一 <em>二</em>");
        assert_eq!(
            strip_paragraph("<p>一</p>\n<p>二</p>\n"),
            "<p>一</p>\n<p>二</p>\n"
        );
    }
}
