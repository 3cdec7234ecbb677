//! What Pagefind reads from a page's HTML: the text of its `data-pagefind-body` part with
//! Pagefind's markers for headings, weights and element ids, and the `data-pagefind-*`
//! metadata, filters and sort keys.
//!
//! This follows Pagefind 1.6.0's own HTML reader (`src/fossick/parser.rs`, MIT licence,
//! copyright 2022 CloudCannon) step by step, including its quirks (attribute values normalised
//! twice, content of elements left open dropped), so the index is the one Pagefind would build.
//! The elements are kept in an arena instead of a chain of reference-counted nodes.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::LazyLock;

use lol_html::html_content::Element;
use lol_html::{HtmlRewriter, Settings, element, text};
use regex::Regex;

static ALL_SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\s").unwrap());
static SENTENCE_CHARS: LazyLock<Regex> = LazyLock::new(|| Regex::new("[\\w'\"\\)\\$\\*]").unwrap());
static ATTRIBUTE_MATCH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("^\\s*(?P<name>[^:\\[\\]]+)\\[(?P<attribute>.+)\\]\\s*$").unwrap());
static NEWLINES: LazyLock<Regex> = LazyLock::new(|| Regex::new("(\n|\r\n)+").unwrap());
static TRIM_NEWLINES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("^[\n\r\\s]+|[\n\r\\s]+$").unwrap());
static EXTRANEOUS_SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\s{2,}").unwrap());
static PRIVATE_PAGEFIND: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("___PAGEFIND_[\\S]+\\s?").unwrap());

/// Block elements: their text is a sentence of its own.
const SENTENCE_SELECTORS: &[&str] = &[
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "td", "div", "ul", "li", "article", "section",
];
/// Inline elements: they share the element id (anchor) of the element around them.
const INLINE_SELECTORS: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdo", "big", "br", "button", "cite", "code", "dfn", "em", "i",
    "img", "input", "kbd", "label", "map", "object", "output", "q", "samp", "script", "select",
    "small", "span", "strong", "sub", "sup", "textarea", "time", "tt", "var",
];
/// Never indexed.
const REMOVE_SELECTORS: &[&str] = &[
    "head", "style", "script", "noscript", "label", "form", "svg", "footer", "nav", "iframe",
    "template",
];

/// What a page gives the index.
#[derive(Debug, Default)]
pub(super) struct Extract {
    /// The indexed text, with Pagefind's `___PAGEFIND_…` markers between words.
    pub digest: String,
    pub filters: BTreeMap<String, Vec<String>>,
    pub sort: BTreeMap<String, String>,
    pub meta: BTreeMap<String, String>,
    /// Text of the elements with an id, by `"<n>:<id>"`.
    pub anchor_content: BTreeMap<String, String>,
    pub anchor_titles: BTreeMap<String, String>,
    /// Whether the page marks a `data-pagefind-body`.
    pub has_custom_body: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Status {
    Indexing,
    /// Its text is not indexed (its metadata still counts).
    Ignored,
    /// Neither its text nor its metadata counts.
    Excluded,
    Body,
    /// A `data-pagefind-body` is inside: its own text is dropped.
    ParentOfBody,
}

#[derive(Debug)]
struct Node {
    value: String,
    parent: Option<usize>,
    filter: Option<Vec<String>>,
    sort: Option<Vec<String>>,
    meta: Option<Vec<String>>,
    default_meta: Option<Vec<String>>,
    weight: Option<String>,
    anchor_ids: Option<Vec<String>>,
    status: Status,
}

impl Node {
    fn root() -> Node {
        Node {
            value: String::new(),
            parent: None,
            filter: None,
            sort: None,
            meta: None,
            default_meta: None,
            weight: None,
            anchor_ids: None,
            status: Status::Indexing,
        }
    }

    /// `name:value` gives that pair; a bare `name` takes the element's text as its value.
    fn attribute_pair(&self, input: &str) -> Option<(String, String)> {
        match input.split_once(':') {
            Some((name, value)) => Some((name.to_owned(), normalize_content(value))),
            None if self.value.is_empty() => None,
            None => Some((input.to_owned(), normalize_content(&self.value))),
        }
    }
}

#[derive(Debug)]
struct State {
    /// Every element seen so far; 0 is the document.
    nodes: Vec<Node>,
    current: usize,
    anchor_counter: usize,
    filters: BTreeMap<String, Vec<String>>,
    sort: BTreeMap<String, String>,
    meta: BTreeMap<String, String>,
    default_meta: BTreeMap<String, String>,
    anchor_content: BTreeMap<String, String>,
    anchor_titles: BTreeMap<String, String>,
}

impl State {
    /// An element's filters, sort keys and metadata, once its text is known.
    fn collect_attributes(&mut self, n: usize) {
        let node = &self.nodes[n];
        for filter in node.filter.iter().flatten() {
            if let Some((name, value)) = node.attribute_pair(filter) {
                self.filters
                    .entry(name)
                    .or_default()
                    .push(normalize_content(&value));
            }
        }
        for sort in node.sort.iter().flatten() {
            if let Some((name, value)) = node.attribute_pair(sort) {
                self.sort.insert(name, value);
            }
        }
        for meta in node.meta.iter().flatten() {
            if let Some((name, value)) = node.attribute_pair(meta) {
                self.meta.insert(name, value);
            }
        }
        for meta in node.default_meta.iter().flatten() {
            if let Some((name, value)) = node.attribute_pair(meta) {
                self.default_meta.insert(name, value);
            }
        }
    }

    /// The end tag of element `n` (`tag` as it was opened, `end` as it is closed).
    fn close(&mut self, n: usize, tag: &str, end: &str) {
        if let Some(parent) = self.nodes[n].parent {
            self.current = parent;
        }
        if self.nodes[n].status == Status::Excluded {
            self.nodes[n].value = String::new();
            return;
        }
        self.collect_attributes(n);
        let node = &self.nodes[n];
        if tag == "h1" && !self.meta.contains_key("auto_title") && !node.value.trim().is_empty() {
            self.meta
                .insert("auto_title".into(), normalize_content(&node.value));
        }
        if tag == "title" && !self.meta.contains_key("auto_page_title") {
            self.meta
                .insert("auto_page_title".into(), normalize_content(&node.value));
        }
        if node.status == Status::Ignored {
            self.nodes[n].value = String::new();
            return;
        }
        let mut value = std::mem::take(&mut self.nodes[n].value);
        if SENTENCE_SELECTORS.contains(&end) {
            value.insert(0, ' ');
            if ends_sentence_char(&value) {
                value.push('.');
            }
            value.push(' ');
        }
        let node = &self.nodes[n];
        if let Some(weight) = &node.weight {
            value = [
                " ___PAGEFIND_WEIGHT___",
                weight,
                " ",
                &value,
                " ___END_PAGEFIND_WEIGHT___ ",
            ]
            .concat();
        } else if let Some(weight) = auto_weight(end) {
            value = [
                " ___PAGEFIND_AUTO_WEIGHT___",
                weight,
                " ",
                &value,
                " ___END_PAGEFIND_WEIGHT___ ",
            ]
            .concat();
        }
        let status = node.status;
        let parent = &mut self.nodes[self.current];
        if parent.status == Status::ParentOfBody
            && status != Status::Body
            && status != Status::ParentOfBody
        {
            return;
        }
        match status {
            Status::Ignored | Status::Excluded => {}
            Status::Indexing => parent.value.push_str(&value),
            Status::Body | Status::ParentOfBody => {
                if parent.status != Status::ParentOfBody {
                    parent.value.clear();
                }
                parent.value.push_str(&value);
                parent.status = Status::ParentOfBody;
            }
        }
    }
}

fn auto_weight(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "h1" => "7",
        "h2" => "6",
        "h3" => "5",
        "h4" => "4",
        "h5" => "3",
        "h6" => "2",
        _ => return None,
    })
}

fn ends_sentence_char(value: &str) -> bool {
    value
        .chars()
        .last()
        .is_some_and(|c| SENTENCE_CHARS.is_match(c.encode_utf8(&mut [0; 4])))
}

/// Reads one page. Fails only when the HTML parser gives up (it does not on ordinary pages).
pub(super) fn extract(html: &str) -> Result<Extract, String> {
    let state = Rc::new(RefCell::new(State {
        nodes: vec![Node::root()],
        current: 0,
        anchor_counter: 0,
        filters: BTreeMap::new(),
        sort: BTreeMap::new(),
        meta: BTreeMap::new(),
        default_meta: BTreeMap::new(),
        anchor_content: BTreeMap::new(),
        anchor_titles: BTreeMap::new(),
    }));
    let exclusions = REMOVE_SELECTORS
        .iter()
        .map(|s| format!("html {s}"))
        .collect::<Vec<_>>()
        .join(", ");
    let on_element = {
        let state = Rc::clone(&state);
        element!("html, html *", move |el| {
            open(&state, el);
            Ok(())
        })
    };
    let on_excluded = {
        let state = Rc::clone(&state);
        element!(exclusions, move |_el| {
            let mut s = state.borrow_mut();
            let current = s.current;
            s.nodes[current].status = Status::Ignored;
            Ok(())
        })
    };
    let on_text = {
        let state = Rc::clone(&state);
        text!("html", move |chunk| {
            let mut s = state.borrow_mut();
            let s = &mut *s;
            let text = chunk.as_str();
            let node = &mut s.nodes[s.current];
            node.value.push_str(text);
            if node.status != Status::Ignored && node.status != Status::Excluded {
                for id in node.anchor_ids.iter().flatten() {
                    match s.anchor_content.get_mut(id) {
                        Some(t) => t.push_str(text),
                        None => {
                            s.anchor_content.insert(id.clone(), text.to_string());
                        }
                    }
                }
            }
            Ok(())
        })
    };
    let settings = Settings::new()
        .with_strict(false)
        .append_element_content_handler(on_element)
        .append_element_content_handler(on_excluded)
        .append_element_content_handler(on_text);
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter
        .write(html.as_bytes())
        .and_then(|()| rewriter.end())
        .map_err(|e| e.to_string())?;
    let state = Rc::try_unwrap(state)
        .map_err(|_| "HTML reader still in use".to_string())?
        .into_inner();
    Ok(wrap(state))
}

/// An element opens: a node for its text, its anchor marker in its parent's text.
fn open(state: &Rc<RefCell<State>>, el: &mut Element<'_, '_>) {
    let explicit_ignore = el.get_attribute("data-pagefind-ignore").map(|attr| {
        match attr.to_ascii_lowercase().as_str() {
            "" | "index" | "true" => Status::Ignored,
            _ => Status::Excluded,
        }
    });
    let treat_as_body = el.has_attribute("data-pagefind-body");
    let weight = el.get_attribute("data-pagefind-weight");
    let filter = el
        .get_attribute("data-pagefind-filter")
        .map(|attr| parse_attr_string(&attr, el));
    let element_id = el
        .get_attribute("id")
        .map(|e| ALL_SPACES.replace_all(&e, "").to_string());
    let title = el
        .get_attribute("data-pagefind-title")
        .map(|title| normalize_content(&title))
        .filter(|title| !title.is_empty());
    let meta = el
        .get_attribute("data-pagefind-meta")
        .map(|attr| parse_attr_string(&attr, el));
    let default_meta = el
        .get_attribute("data-pagefind-default-meta")
        .map(|attr| parse_attr_string(&attr, el));
    let sort = el
        .get_attribute("data-pagefind-sort")
        .map(|attr| parse_attr_string(&attr, el));
    let index_attrs: Option<Vec<String>> = el
        .get_attribute("data-pagefind-index-attrs")
        .map(|attr| attr.split(',').map(|a| a.trim().to_string()).collect());
    let tag = el.tag_name();
    let status = if treat_as_body {
        Status::Body
    } else {
        explicit_ignore.unwrap_or(Status::Indexing)
    };

    let n = {
        let mut s = state.borrow_mut();
        let s = &mut *s;
        let current = s.current;
        let mut anchor_id = None;
        if status != Status::Excluded
            && status != Status::Ignored
            && let Some(element_id) = element_id
        {
            let parent = &mut s.nodes[current];
            if !(parent.status == Status::ParentOfBody
                && status != Status::Body
                && status != Status::ParentOfBody)
            {
                let counter = s.anchor_counter;
                parent.value.push_str(&format!(
                    " ___PAGEFIND_ANCHOR___{tag}:{counter}:{element_id} "
                ));
                anchor_id = Some(format!("{counter}:{element_id}"));
                s.anchor_counter += 1;
            }
        }
        if let (Some(anchor_id), Some(title)) = (&anchor_id, title) {
            s.anchor_titles.insert(anchor_id.clone(), title);
        }
        if status != Status::Excluded {
            let parent = &mut s.nodes[current];
            for attr in index_attrs.iter().flatten() {
                let mut value = el.get_attribute(attr.trim()).unwrap_or_default();
                if ends_sentence_char(&value) {
                    value.push('.');
                }
                parent.value.push(' ');
                parent.value.push_str(&value);
                parent.value.push(' ');
            }
            if tag == "br" {
                parent.value.push(' ');
            }
        }
        let parent = &s.nodes[current];
        let mut anchor_ids = if parent.anchor_ids.is_some() && INLINE_SELECTORS.contains(&&*tag) {
            parent.anchor_ids.clone()
        } else {
            None
        };
        if let Some(id) = anchor_id {
            anchor_ids.get_or_insert_with(Vec::new).push(id);
        }
        let status = if parent.status == Status::Excluded {
            Status::Excluded
        } else {
            status
        };
        s.nodes.push(Node {
            value: String::new(),
            parent: Some(current),
            filter,
            sort,
            meta,
            default_meta,
            weight,
            anchor_ids,
            status,
        });
        s.current = s.nodes.len() - 1;
        s.current
    };

    if let Some(handlers) = el.end_tag_handlers() {
        let state = Rc::clone(state);
        handlers.push(Box::new(move |end| {
            state.borrow_mut().close(n, &tag, &end.name());
            Ok(())
        }));
    } else {
        // No end tag (`<img>`, `<br>`): the element ends here.
        let mut s = state.borrow_mut();
        if let Some(parent) = s.nodes[n].parent {
            s.current = parent;
        }
        if s.nodes[n].status == Status::Excluded {
            return;
        }
        s.collect_attributes(n);
        if tag == "img"
            && !s.meta.contains_key("auto_image")
            && (s.meta.contains_key("auto_title") || s.meta.contains_key("title"))
            && let Some(src) = el.get_attribute("src")
        {
            s.meta.insert("auto_image".into(), normalize_content(&src));
            if let Some(alt) = el.get_attribute("alt") {
                s.meta
                    .insert("auto_image_alt".into(), normalize_content(&alt));
            }
        }
    }
}

/// After the last tag: elements left open are folded into their parents, and the automatic
/// title and image become metadata unless the page set its own.
fn wrap(mut s: State) -> Extract {
    let mut n = s.current;
    while let Some(p) = s.nodes[n].parent {
        let value = std::mem::take(&mut s.nodes[n].value);
        let status = s.nodes[n].status;
        let parent = &mut s.nodes[p];
        if parent.status != Status::ParentOfBody {
            match status {
                Status::Ignored | Status::Excluded => {}
                Status::Indexing => parent.value.push_str(&value),
                Status::Body | Status::ParentOfBody => {
                    parent.value.clear();
                    parent.value.push_str(&value);
                    parent.status = Status::ParentOfBody;
                }
            }
        }
        n = p;
    }
    if let Some(image) = s.meta.remove("auto_image") {
        let alt = s.meta.remove("auto_image_alt").unwrap_or_default();
        if !s.meta.contains_key("image") {
            s.meta.insert("image".into(), image);
            s.meta.insert("image_alt".into(), alt);
        }
    }
    for auto in ["auto_title", "auto_page_title"] {
        if let Some(title) = s.meta.remove(auto)
            && !s.meta.contains_key("title")
        {
            s.meta.insert("title".into(), title);
        }
    }
    let mut meta = s.default_meta;
    meta.extend(s.meta);
    let root = &s.nodes[n];
    let mut out = Extract {
        digest: normalize_content(&root.value),
        filters: s.filters,
        sort: s.sort,
        meta,
        anchor_content: s.anchor_content,
        anchor_titles: s.anchor_titles,
        has_custom_body: root.status == Status::ParentOfBody,
    };
    // Pagefind's private markers never leak into metadata or filters.
    for value in out.filters.values_mut().flatten() {
        if let std::borrow::Cow::Owned(v) = PRIVATE_PAGEFIND.replace_all(value, "") {
            *value = v;
        }
    }
    for value in out.meta.values_mut() {
        if let std::borrow::Cow::Owned(v) = PRIVATE_PAGEFIND.replace_all(value, "") {
            *value = v;
        }
    }
    out
}

/// `a, b[attr], c:literal` → `["a", "b:<value of attr>", "c:literal"]`.
fn parse_attr_string(input: &str, el: &Element<'_, '_>) -> Vec<String> {
    if let Some((attrs, literal)) = input.split_once(':') {
        let mut attrs = parse_attr_string(attrs, el);
        if let Some(last) = attrs.last_mut() {
            last.push(':');
            last.push_str(literal);
        }
        return attrs;
    }
    input
        .split(',')
        .map(|chunk| {
            let chunk = chunk.trim();
            match ATTRIBUTE_MATCH.captures(chunk) {
                Some(m) => format!(
                    "{}:{}",
                    &m["name"],
                    el.get_attribute(&m["attribute"]).unwrap_or_default()
                ),
                None => chunk.to_owned(),
            }
        })
        .collect()
}

/// Entities decoded, runs of white space made one space, ends trimmed.
pub(super) fn normalize_content(content: &str) -> String {
    let content = html_escape::decode_html_entities(content);
    let content = TRIM_NEWLINES.replace_all(&content, "");
    let content = NEWLINES.replace_all(&content, " ");
    let content = EXTRANEOUS_SPACES.replace_all(&content, " ");
    content.into_owned()
}
