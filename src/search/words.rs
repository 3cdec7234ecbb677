//! From a page's digest to its indexed words: Chinese runs are cut into words by ICU4X's
//! dictionary segmenter, and every pair of neighbouring characters is indexed too, so a query
//! the browser's `Intl.Segmenter` cuts differently still matches.
//!
//! This follows Pagefind 1.6.0 (`src/fossick/mod.rs` `parse_digest`, `src/fossick/splitting.rs`;
//! MIT licence, copyright 2022 CloudCannon) word for word, with the language fixed to Chinese
//! (segmented, no stemmer), so the positions and weights are Pagefind's. One change: Pagefind
//! checks whether a pair spanning two words is already indexed at the same position by scanning
//! every earlier position of that pair on the page, which made a long page cost the square of its
//! length; the positions only grow, so looking at the last one gives the same answer.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use convert_case::{Case, Casing};
use regex::Regex;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use super::extract::{Extract, normalize_content};

/// Characters kept inside words ("Punctuation, Connector").
pub(super) const WORD_SYMBOLS: [char; 10] =
    ['_', '‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'];
const MAX_KATAKANA_SUFFIX_CHARS: usize = 16;
const MAX_DOTTED_TAIL_CHARS: usize = 64;
/// Weights are stored ×24: a plain word weighs 24, an `<h1>` 7 × 24.
const WEIGHT_MULTIPLIER: f32 = 24.0;
const WEIGHT_MAX: f32 = 10.0;

static EMOJI: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\p{Emoji}").unwrap());

/// A fast hash for short word keys; nothing depends on the maps' order.
#[derive(Default, Clone, Copy)]
pub(super) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().unwrap());
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.write(&[b]);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// One occurrence of a word on a page.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Occurrence {
    pub position: u32,
    pub weight: u8,
    /// The word as written, when it had diacritics that the key drops.
    pub original: Option<String>,
}

/// One occurrence of a word in a metadata field (the title…).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct MetaOccurrence {
    /// The field's number among the page's own fields, in name order.
    pub field: u16,
    pub position: u32,
    pub original: Option<String>,
}

#[derive(Debug, serde::Serialize)]
pub(super) struct Anchor {
    pub element: String,
    pub id: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub location: u32,
}

/// A page's words and what its search result shows.
pub(super) struct Digested {
    /// The text shown in excerpts (words separated by zero-width spaces).
    pub content: String,
    pub words: FxMap<String, Vec<Occurrence>>,
    pub meta_words: FxMap<String, Vec<MetaOccurrence>>,
    pub anchors: Vec<Anchor>,
    pub word_count: usize,
}

struct Indexable {
    key: String,
    is_compound_part: bool,
    original: Option<String>,
}

/// Cuts a run of text (no white space) into words with ICU4X's dictionary segmenter, never
/// inside a grapheme cluster.
fn segment_words(input: &str) -> impl Iterator<Item = &str> {
    let segmenter = icu_segmenter::WordSegmenter::new_dictionary(Default::default());
    let mut grapheme_starts = input.grapheme_indices(true).map(|(i, _)| i).peekable();
    let mut start = 0;
    segmenter
        .segment_str(input)
        .skip(1)
        .filter(move |&end| {
            while grapheme_starts.next_if(|&g| g < end).is_some() {}
            end == input.len() || grapheme_starts.peek() == Some(&end)
        })
        .map(move |end| {
            let word = &input[start..end];
            start = end;
            word
        })
}

/// The page's words with their positions and weights, its excerpt text and anchors.
pub(super) fn digest(page: &Extract) -> Digested {
    let mut map: FxMap<String, Vec<Occurrence>> = FxMap::default();
    let mut anchors = Vec::new();
    let mut content = String::with_capacity(page.digest.len());
    let mut total_word_index: usize = 0;
    let mut max_word_index = 0;
    let mut weight_stack: Vec<u8> = vec![WEIGHT_MULTIPLIER as u8];

    let mut track_word =
        |word: &str, append_whitespace: bool, previous_cluster: Option<&str>, segmented: bool| {
            if word.starts_with('_') {
                if let Some(rest) = word.strip_prefix("___PAGEFIND_ANCHOR___") {
                    let rest = rest.replace("___PAGEFIND_ANCHOR___", "");
                    if let Some((element, anchor_id)) = rest.split_once(':') {
                        let text = page
                            .anchor_content
                            .get(anchor_id)
                            .map(|t| normalize_content(t))
                            .unwrap_or_default();
                        let title = page.anchor_titles.get(anchor_id).cloned();
                        if let Some((_, id)) = anchor_id.split_once(':') {
                            anchors.push(Anchor {
                                element: element.to_string(),
                                id: id.to_string(),
                                text: normalize_content(&text),
                                location: total_word_index as u32,
                                title,
                            });
                        }
                    }
                    return;
                }
                if word.starts_with("___PAGEFIND_WEIGHT___") {
                    let weight = word
                        .replace("___PAGEFIND_WEIGHT___", "")
                        .parse::<f32>()
                        .unwrap_or(1.0);
                    weight_stack.push(if weight <= 0.0 {
                        0
                    } else {
                        ((weight.clamp(0.0, WEIGHT_MAX) * WEIGHT_MULTIPLIER) as u8).max(1)
                    });
                    return;
                }
                // Headings weigh more, unless inside an explicitly weighted block.
                if word.starts_with("___PAGEFIND_AUTO_WEIGHT___") {
                    if weight_stack.len() == 1 {
                        let weight = word
                            .replace("___PAGEFIND_AUTO_WEIGHT___", "")
                            .parse::<f32>()
                            .unwrap_or(1.0);
                        weight_stack
                            .push((weight.clamp(0.0, WEIGHT_MAX) * WEIGHT_MULTIPLIER) as u8);
                    } else {
                        weight_stack.push(weight_stack.last().copied().unwrap_or_default());
                    }
                    return;
                }
                if word.starts_with("___END_PAGEFIND_WEIGHT___") {
                    weight_stack.pop();
                    return;
                }
            }

            let base_word = if word.contains('\u{200B}') {
                std::borrow::Cow::Owned(word.replace('\u{200B}', ""))
            } else {
                std::borrow::Cow::Borrowed(word)
            };
            if base_word.is_empty() {
                return;
            }
            content.push_str(&base_word);
            if append_whitespace {
                content.push(' ');
            }
            content.push('\u{200B}');

            let word_weight = *weight_stack.last().unwrap_or(&1);
            let mut indexable = indexable_words(&base_word);
            let tails = dotted_tails(&base_word, &indexable);
            indexable.extend(tails);
            let mut cross = None;
            if segmented {
                let bigrams = indexable_bigrams(&base_word, &indexable);
                indexable.extend(bigrams);
                cross = indexable_cross_bigram(&base_word, previous_cluster, &indexable);
            }
            let compound_count = indexable.iter().filter(|w| w.is_compound_part).count()
                + usize::from(cross.is_some());
            let partial_weight = if compound_count > 0 && word_weight > 0 {
                (word_weight / u8::try_from(compound_count).unwrap_or(u8::MAX)).max(1)
            } else {
                0
            };
            let position = total_word_index as u32;
            for w in indexable {
                let occurrence = Occurrence {
                    position,
                    weight: if w.is_compound_part {
                        partial_weight
                    } else {
                        word_weight
                    },
                    original: w.original,
                };
                match map.get_mut(&w.key) {
                    Some(list) => list.push(occurrence),
                    None => {
                        map.insert(w.key, vec![occurrence]);
                    }
                }
            }
            // The pair spanning two segments belongs to the segment it starts in (the word
            // before), unless that word already indexes it.
            if let (Some(w), Some(before)) = (cross, position.checked_sub(1)) {
                let list = map.entry(w.key).or_default();
                if list.last().is_none_or(|o| o.position != before) {
                    list.push(Occurrence {
                        position: before,
                        weight: partial_weight,
                        original: w.original,
                    });
                }
            }
            max_word_index = total_word_index;
            total_word_index += 1;
        };

    for chunk in page.digest.split_whitespace() {
        if chunk.starts_with("___") {
            track_word(chunk, true, None, false);
            continue;
        }
        let mut words = segment_words(chunk).peekable();
        let mut previous_cluster: Option<&str> = None;
        while let Some(word) = words.next() {
            track_word(word, words.peek().is_none(), previous_cluster, true);
            previous_cluster = word.graphemes(true).next_back();
        }
    }
    if content.ends_with('\u{200B}') {
        content.pop();
    }
    if content.ends_with(' ') {
        content.pop();
    }
    Digested {
        content,
        words: map,
        meta_words: meta_words(&page.meta),
        anchors,
        word_count: max_word_index + 1,
    }
}

/// Words of the metadata fields (split at white space only), by field number in name order.
fn meta_words(meta: &BTreeMap<String, String>) -> FxMap<String, Vec<MetaOccurrence>> {
    let mut map: FxMap<String, Vec<MetaOccurrence>> = FxMap::default();
    for (field, value) in meta.values().enumerate() {
        for (position, word) in value.split_whitespace().enumerate() {
            for w in indexable_words(word) {
                map.entry(w.key).or_default().push(MetaOccurrence {
                    field: field as u16,
                    position: position as u32,
                    original: w.original,
                });
            }
        }
    }
    map
}

/// The keys a written word is found by: the word itself, lower-cased and without diacritics,
/// and for compound words (`e-mail`, `camelCase`) their parts.
fn indexable_words(raw_word: &str) -> Vec<Indexable> {
    let mut results = Vec::new();
    let normalized = normalize_word(raw_word);
    if !normalized.is_empty() {
        results.push(key_of(&normalized, false));
    }
    for suffix in katakana_suffixes(raw_word) {
        let without = normalize_diacritics(suffix);
        results.push(Indexable {
            key: without.clone().unwrap_or_else(|| suffix.to_string()),
            original: without.map(|_| suffix.to_string()),
            is_compound_part: true,
        });
    }
    let possibly_compound = raw_word.chars().any(|c| !c.is_alphanumeric())
        || raw_word.chars().skip(1).any(|c| c.is_uppercase());
    if !possibly_compound {
        return results;
    }
    // (Punctuation has no parts: it normalises to nothing.)
    let parts = if normalized.is_empty() {
        String::new()
    } else {
        discrete_words(raw_word)
    };
    if !normalized.is_empty()
        && (parts.contains(char::is_whitespace) || !normalized.starts_with(&parts))
    {
        for part in parts.split_whitespace().filter(|w| w.len() > 1) {
            let without = normalize_diacritics(part);
            results.push(Indexable {
                key: without.clone().unwrap_or_else(|| part.to_string()),
                original: without.map(|_| part.to_string()),
                is_compound_part: true,
            });
        }
    }
    if EMOJI.is_match(raw_word) {
        for emoji in raw_word
            .graphemes(true)
            .filter(|x| emojis::get(x).is_some())
        {
            results.push(Indexable {
                key: emoji.to_string(),
                original: None,
                is_compound_part: false,
            });
        }
    }
    results
}

/// The tail after a dot of a compound dotted word (`is_python_build` of
/// `sysconfig.is_python_build`).
fn dotted_tails(raw_word: &str, existing: &[Indexable]) -> Vec<Indexable> {
    let mut tails = Vec::new();
    if !raw_word.contains('.') {
        return tails;
    }
    let seen: HashSet<&str> = existing.iter().map(|w| w.key.as_str()).collect();
    let mut seen_tails: HashSet<String> = HashSet::new();
    for (i, _) in raw_word.match_indices('.') {
        let rest = &raw_word[i + 1..];
        let tail = match rest.char_indices().nth(MAX_DOTTED_TAIL_CHARS) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        let compound = tail.chars().any(|c| !c.is_alphanumeric())
            || tail.chars().skip(1).any(|c| c.is_uppercase());
        if !compound {
            continue;
        }
        let normalized = normalize_word(tail);
        if normalized.chars().count() < 2 {
            continue;
        }
        let w = key_of(&normalized, true);
        if !seen.contains(w.key.as_str()) && seen_tails.insert(w.key.clone()) {
            tails.push(w);
        }
    }
    tails
}

/// Every pair of neighbouring Chinese (Japanese, Thai…) characters in a word.
fn indexable_bigrams(raw_word: &str, existing: &[Indexable]) -> Vec<Indexable> {
    let mut bigrams: Vec<Indexable> = Vec::new();
    let mut previous: Option<&str> = None;
    for cluster in raw_word.graphemes(true) {
        if !is_segmented_cluster(cluster) {
            previous = None;
            continue;
        }
        if let Some(previous) = previous {
            let w = key_of(&[previous, cluster].concat(), true);
            // A word has a handful of keys: a scan beats a hash set.
            let seen = |k: &Indexable| k.key == w.key;
            if !existing.iter().any(seen) && !bigrams.iter().any(seen) {
                bigrams.push(w);
            }
        }
        previous = Some(cluster);
    }
    bigrams
}

/// The pair of characters across the boundary from the previous word, unless this word
/// already indexes it.
fn indexable_cross_bigram(
    raw_word: &str,
    previous_cluster: Option<&str>,
    existing: &[Indexable],
) -> Option<Indexable> {
    let previous = previous_cluster.filter(|c| is_segmented_cluster(c))?;
    let first = raw_word.graphemes(true).next()?;
    if !is_segmented_cluster(first) {
        return None;
    }
    let w = key_of(&[previous, first].concat(), true);
    if existing.iter().any(|e| e.key == w.key) {
        return None;
    }
    Some(w)
}

fn is_segmented_cluster(cluster: &str) -> bool {
    matches!(
        cluster.chars().next().map(u32::from),
        Some(
            0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF
            | 0x20000..=0x2FA1F
            | 0x30000..=0x323AF
            | 0x3041..=0x30FF
            | 0x31F0..=0x31FF
            | 0xFF66..=0xFF9F
            | 0x0E00..=0x0EFF
            | 0x1000..=0x109F
            | 0x1780..=0x17FF,
        )
    )
}

fn normalize_word(raw_word: &str) -> String {
    let mut normalized = String::with_capacity(raw_word.len());
    for mut c in raw_word.chars() {
        if c.is_alphanumeric() || WORD_SYMBOLS.contains(&c) {
            c.make_ascii_lowercase();
            if c.is_uppercase() {
                normalized.extend(c.to_lowercase());
            } else {
                normalized.push(c);
            }
        }
    }
    normalized
}

/// The key of a normalised word: without diacritics (there is no stemmer for Chinese).
fn key_of(normalized: &str, is_compound_part: bool) -> Indexable {
    let without = normalize_diacritics(normalized);
    Indexable {
        key: without.clone().unwrap_or_else(|| normalized.to_string()),
        original: without.map(|_| normalized.to_string()),
        is_compound_part,
    }
}

fn is_katakana(c: char) -> bool {
    matches!(c as u32, 0x30A1..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
}

/// Every suffix of a katakana word (ICU4X's dictionary has no katakana), so prefix search finds
/// substrings.
fn katakana_suffixes(word: &str) -> Vec<&str> {
    if word.chars().count() < 3 || !word.chars().all(is_katakana) {
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut suffixes = Vec::new();
    for (i, _) in word.char_indices().skip(1) {
        let rest = &word[i..];
        let suffix = match rest.char_indices().nth(MAX_KATAKANA_SUFFIX_CHARS) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        if suffix.chars().count() >= 2 && seen.insert(suffix) {
            suffixes.push(suffix);
        }
    }
    suffixes
}

/// `café` → `cafe` (the written form is kept beside the key, to rank exact matches first).
fn normalize_diacritics(word: &str) -> Option<String> {
    if word.is_ascii() || !has_decomposition(word) {
        return None;
    }
    // The kana voiced sound marks distinguish words: they are kept.
    let stripped: String = word
        .nfd()
        .filter(|c| {
            !unicode_normalization::char::is_combining_mark(*c)
                || matches!(*c, '\u{3099}' | '\u{309A}')
        })
        .collect();
    let normalized = if stripped
        .chars()
        .any(|c| matches!(c, '\u{3099}' | '\u{309A}'))
    {
        stripped.nfc().collect::<String>()
    } else {
        stripped
    };
    (normalized != word).then_some(normalized)
}

fn has_decomposition(word: &str) -> bool {
    word.chars().any(|c| {
        unicode_normalization::char::is_combining_mark(c) || {
            let mut decomposes = false;
            unicode_normalization::char::decompose_canonical(c, |part| {
                decomposes = decomposes || part != c;
            });
            decomposes
        }
    })
}

/// A compound word's parts: ASCII punctuation and case changes split it.
fn discrete_words(s: &str) -> String {
    s.replace(|c: char| c.is_ascii_punctuation(), " ")
        .to_case(Case::Lower)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
