//! The search index in Pagefind 1.6's format, so Pagefind's own `pagefind.js` searches it: one
//! `pagefind.<hash>.pf_meta`, word index chunks `index/*.pf_index`, one fragment per page
//! `fragment/*.pf_fragment`, filters `filter/*.pf_filter`, all gzip-compressed CBOR or JSON, and
//! `pagefind-entry.json`. The layout (chunks of about 20,000 positions, page numbers delta-coded,
//! hash names lengthened on collision) follows Pagefind 1.6.0's `src/index/mod.rs` (MIT licence,
//! copyright 2022 CloudCannon).
//!
//! Memory: a page's words are packed into compact byte records as soon as the page is read
//! (a few bytes per word and page, appended to that word's buffer); only these records and
//! each page's compressed fragment are kept until the bundle is written.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;

use rayon::prelude::*;
use sha1::{Digest, Sha1};

use super::words::{FxMap, MetaOccurrence, Occurrence};

/// Pagefind's language key for the whole site: Chinese, segmented.
pub(super) const LANGUAGE: &str = "zh";
/// The Pagefind version whose format is written (and whose `pagefind.js` reads it).
pub(super) const VERSION: &str = "1.6.0";
/// Positions per word index chunk (Pagefind's default).
const CHUNK_SIZE: usize = 20_000;
/// zlib's default level. Pagefind uses the best (9): on a 10,000-page campaign that made the
/// fragments 3 % and the word index 2.5 % smaller (about 30 bytes a fragment) for a third more
/// CPU time of the whole indexing.
const GZIP_LEVEL: u32 = 6;

/// One indexed page, as kept until the bundle is written.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct PageRecord {
    #[serde(skip)]
    pub seq: u32,
    pub path: String,
    pub url: String,
    /// `zh_` and the SHA-1 of the fragment, as Pagefind writes it.
    pub full_hash: String,
    #[serde(skip)]
    pub fragment_gz: Vec<u8>,
    pub word_count: usize,
    pub filters: BTreeMap<String, Vec<String>>,
    pub sort: BTreeMap<String, String>,
    pub meta_fields: Vec<String>,
    pub has_custom_body: bool,
    pub has_words: bool,
}

/// The postings of one word: for each page (in the order the pages were read) a record of its
/// positions, see [`Postings::push`].
#[derive(Default)]
pub(super) struct Postings {
    last_seq: u32,
    bytes: Vec<u8>,
}

/// What one indexing thread has gathered.
#[derive(Default)]
pub(super) struct Partial {
    pub words: FxMap<Box<str>, Postings>,
    pub pages: Vec<PageRecord>,
}

/// A word's positions on one page: Pagefind's `locs` (runs of deltas, a negative number
/// `-(weight + 1)` switching the weight and followed by an absolute position) and `meta_locs`
/// (`-(field + 1)` switching the metadata field, then deltas).
struct PagePositions {
    locs: Vec<i32>,
    meta_locs: Vec<i32>,
}

/// One page's words, each with its postings record for the page (see [`Postings::push`]) but
/// the page's number, which is only known when the bundle is put together: what a page
/// contributes to the word index, kept in the build cache between builds.
#[derive(Default)]
pub(super) struct PageWords(Vec<(Box<str>, Vec<u8>)>);

impl PageWords {
    /// Packs a page's words and metadata words.
    pub fn of(
        words: FxMap<String, Vec<Occurrence>>,
        meta_words: FxMap<String, Vec<MetaOccurrence>>,
    ) -> PageWords {
        let mut meta_words = meta_words;
        let mut out = Vec::with_capacity(words.len() + meta_words.len());
        for (word, occurrences) in words {
            let meta = meta_words.remove(&word).unwrap_or_default();
            out.push((word.into_boxed_str(), word_record(occurrences, meta)));
        }
        for (word, meta) in meta_words {
            out.push((word.into_boxed_str(), word_record(Vec::new(), meta)));
        }
        // The same bytes for the same page, whatever order the hash map gave.
        out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        PageWords(out)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Word, record, word, record…, each with its length.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::new();
        put_uint(&mut b, self.0.len() as u64);
        for (word, record) in &self.0 {
            put_bytes(&mut b, word.as_bytes());
            put_bytes(&mut b, record);
        }
        b
    }

    /// The words [`PageWords::to_bytes`] wrote; `None` if the bytes are not such a list.
    pub fn from_bytes(bytes: &[u8]) -> Option<PageWords> {
        let mut r = Reader { bytes, at: 0 };
        let n = r.checked_uint()? as usize;
        let mut out = Vec::with_capacity(n.min(bytes.len()));
        for _ in 0..n {
            let word = std::str::from_utf8(r.checked_bytes()?).ok()?;
            let record = r.checked_bytes()?.to_vec();
            out.push((word.into(), record));
        }
        (r.at == bytes.len()).then_some(PageWords(out))
    }
}

impl Partial {
    /// Adds a page: its record, and its words to the postings. Pages must come in increasing
    /// `seq` within one partial.
    pub fn add_page(&mut self, mut record: PageRecord, seq: u32, words: PageWords) {
        record.seq = seq;
        self.pages.push(record);
        for (word, bytes) in words.0 {
            let postings = match self.words.get_mut(&*word) {
                Some(p) => p,
                None => self.words.entry(word).or_default(),
            };
            put_uint(&mut postings.bytes, u64::from(seq - postings.last_seq));
            postings.last_seq = seq;
            postings.bytes.extend_from_slice(&bytes);
        }
    }

    /// Appends `other`, whose pages are numbered from 0, as the pages from `base` on; they must
    /// all come after this partial's. Only the first page number of each word's postings is
    /// written anew: the rest are deltas.
    pub fn append(&mut self, other: Partial, base: u32) {
        for mut record in other.pages {
            record.seq += base;
            self.pages.push(record);
        }
        for (word, postings) in other.words {
            let mut r = Reader {
                bytes: &postings.bytes,
                at: 0,
            };
            let first = base + r.uint() as u32;
            let target = self.words.entry(word).or_default();
            put_uint(&mut target.bytes, u64::from(first - target.last_seq));
            target.bytes.extend_from_slice(&postings.bytes[r.at..]);
            target.last_seq = base + postings.last_seq;
        }
    }

    /// Pages (record and fragment) and words (postings), each with its length, words sorted:
    /// the same bytes for the same pages. Page numbers are kept as the order of the pages.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::new();
        put_uint(&mut b, self.pages.len() as u64);
        for page in &self.pages {
            let record = serde_json::to_vec(page).expect("records serialize");
            put_bytes(&mut b, &record);
            put_bytes(&mut b, &page.fragment_gz);
        }
        let mut words: Vec<(&str, &Postings)> = self.words.iter().map(|(w, p)| (&**w, p)).collect();
        words.sort_unstable_by_key(|w| w.0);
        put_uint(&mut b, words.len() as u64);
        for (word, postings) in words {
            put_bytes(&mut b, word.as_bytes());
            put_uint(&mut b, u64::from(postings.last_seq));
            put_bytes(&mut b, &postings.bytes);
        }
        b
    }

    /// The partial [`Partial::to_bytes`] wrote, its pages numbered from 0; `None` if the bytes
    /// are not such a partial.
    pub fn from_bytes(bytes: &[u8]) -> Option<Partial> {
        let mut r = Reader { bytes, at: 0 };
        let pages = r.checked_uint()? as usize;
        let mut partial = Partial {
            words: FxMap::default(),
            pages: Vec::with_capacity(pages.min(bytes.len())),
        };
        for seq in 0..pages {
            let mut record: PageRecord = serde_json::from_slice(r.checked_bytes()?).ok()?;
            record.seq = u32::try_from(seq).ok()?;
            record.fragment_gz = r.checked_bytes()?.to_vec();
            partial.pages.push(record);
        }
        let words = r.checked_uint()? as usize;
        partial.words.reserve(words.min(bytes.len()));
        for _ in 0..words {
            let word = std::str::from_utf8(r.checked_bytes()?).ok()?;
            let last_seq = u32::try_from(r.checked_uint()?).ok()?;
            let postings = r.checked_bytes()?.to_vec();
            if postings.is_empty() || last_seq as usize >= pages {
                return None;
            }
            partial.words.insert(
                word.into(),
                Postings {
                    last_seq,
                    bytes: postings,
                },
            );
        }
        (r.at == bytes.len()).then_some(partial)
    }
}

fn put_bytes(b: &mut Vec<u8>, bytes: &[u8]) {
    put_uint(b, bytes.len() as u64);
    b.extend_from_slice(bytes);
}

/// A word's record for one page: its positions, and those of its forms with diacritics.
fn word_record(occurrences: Vec<Occurrence>, meta: Vec<MetaOccurrence>) -> Vec<u8> {
    // Occurrences written with diacritics are kept as variants of the plain key.
    let mut plain = Vec::new();
    let mut variants: BTreeMap<String, Vec<Occurrence>> = BTreeMap::new();
    for o in occurrences {
        match &o.original {
            None => plain.push(o),
            Some(form) => variants.entry(form.clone()).or_default().push(o),
        }
    }
    let mut meta_plain = Vec::new();
    let mut meta_variants: BTreeMap<String, Vec<MetaOccurrence>> = BTreeMap::new();
    for o in meta {
        match &o.original {
            None => meta_plain.push(o),
            Some(form) => meta_variants.entry(form.clone()).or_default().push(o),
        }
    }
    let main = (!plain.is_empty() || !meta_plain.is_empty()).then(|| PagePositions {
        locs: packed_locs(plain),
        meta_locs: packed_meta_locs(meta_plain),
    });
    let mut forms: Vec<(String, PagePositions)> = variants
        .into_iter()
        .map(|(form, o)| {
            (
                form,
                PagePositions {
                    locs: packed_locs(o),
                    meta_locs: Vec::new(),
                },
            )
        })
        .collect();
    for (form, o) in meta_variants {
        let meta_locs = packed_meta_locs(o);
        match forms.iter_mut().find(|(f, _)| *f == form) {
            Some((_, p)) => p.meta_locs = meta_locs,
            None => forms.push((
                form,
                PagePositions {
                    locs: Vec::new(),
                    meta_locs,
                },
            )),
        }
    }
    let mut b = Vec::new();
    Postings::encode(&mut b, main.as_ref(), &forms);
    b
}

impl Postings {
    /// A page's record: seq delta (written by [`Partial::add_page`]), then whether the key itself
    /// occurs, its locs and meta_locs, the number of variants, each variant's form, locs and
    /// meta_locs. Numbers are LEB128 varints (signed ones zigzag-coded).
    fn encode(b: &mut Vec<u8>, main: Option<&PagePositions>, forms: &[(String, PagePositions)]) {
        put_uint(b, u64::from(main.is_some()));
        if let Some(p) = main {
            put_ints(b, &p.locs);
            put_ints(b, &p.meta_locs);
        }
        put_uint(b, forms.len() as u64);
        for (form, p) in forms {
            put_uint(b, form.len() as u64);
            b.extend_from_slice(form.as_bytes());
            put_ints(b, &p.locs);
            put_ints(b, &p.meta_locs);
        }
    }
}

fn put_uint(b: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        b.push((v as u8) | 0x80);
        v >>= 7;
    }
    b.push(v as u8);
}

fn put_ints(b: &mut Vec<u8>, ints: &[i32]) {
    put_uint(b, ints.len() as u64);
    for &i in ints {
        put_uint(b, u64::from(((i << 1) ^ (i >> 31)) as u32));
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn uint(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let byte = self.bytes[self.at];
            self.at += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    fn ints(&mut self, into: &mut Vec<i32>) -> std::ops::Range<usize> {
        let n = self.uint() as usize;
        let start = into.len();
        for _ in 0..n {
            let z = self.uint() as u32;
            into.push(((z >> 1) as i32) ^ -((z & 1) as i32));
        }
        start..into.len()
    }

    /// A varint that may be cut short (bytes read back from the cache).
    fn checked_uint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(v);
            }
        }
        None
    }

    /// A length and that many bytes, if all there.
    fn checked_bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.checked_uint()?).ok()?;
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn str(&mut self) -> &'a str {
        let n = self.uint() as usize;
        let s = &self.bytes[self.at..self.at + n];
        self.at += n;
        std::str::from_utf8(s).expect("variant forms are stored as UTF-8")
    }
}

/// Pagefind's `locs`: sorted by weight (the weight 25 first), then position.
fn packed_locs(mut positions: Vec<Occurrence>) -> Vec<i32> {
    positions.sort_by_key(|p| (if p.weight == 25 { 0 } else { p.weight }, p.position));
    let mut current_weight = 25;
    let mut out = Vec::with_capacity(positions.len() + 2);
    let mut last_position = 0;
    for Occurrence {
        position, weight, ..
    } in positions
    {
        if weight != current_weight {
            out.push(-i32::from(weight) - 1);
            out.push(position as i32);
            current_weight = weight;
        } else {
            out.push((position - last_position) as i32);
        }
        last_position = position;
    }
    out
}

/// Pagefind's `meta_locs`, with the page's own field numbers (renumbered when the bundle is
/// written; the order is the same, both being name order).
fn packed_meta_locs(mut positions: Vec<MetaOccurrence>) -> Vec<i32> {
    if positions.is_empty() {
        return Vec::new();
    }
    positions.sort_by_key(|p| (p.field, p.position));
    let mut current = None;
    let mut last_position = 0;
    let mut out = Vec::with_capacity(positions.len() + 2);
    for MetaOccurrence {
        field, position, ..
    } in positions
    {
        if Some(field) != current {
            out.push(-(i32::from(field) + 1));
            current = Some(field);
            last_position = 0;
        }
        out.push((position - last_position) as i32);
        last_position = position;
    }
    out
}

/// Pagefind's hash of a file's content: SHA-1 in hex, each byte without its leading zero.
pub(super) fn full_hash(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(40);
    for b in Sha1::digest(bytes) {
        let _ = write!(s, "{b:x}");
    }
    s
}

/// Pagefind's compressed files start with this signature once decompressed.
pub(super) fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(GZIP_LEVEL));
    gz.write_all(b"pagefind_dcd").unwrap();
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

/// A page's fragment, `fragment/<hash>.pf_fragment`: what a search result shows.
#[derive(serde::Serialize)]
pub(super) struct Fragment<'a> {
    pub url: &'a str,
    pub content: &'a str,
    pub word_count: usize,
    pub filters: &'a BTreeMap<String, Vec<String>>,
    pub meta: &'a BTreeMap<String, String>,
    pub anchors: &'a [super::words::Anchor],
}

// --- CBOR, as minicbor encodes Pagefind's structs (arrays of fields) --------------------------

fn cbor_head(out: &mut Vec<u8>, major: u8, v: u64) {
    let m = major << 5;
    if v < 24 {
        out.push(m | v as u8);
    } else if v <= 0xff {
        out.extend_from_slice(&[m | 24, v as u8]);
    } else if v <= 0xffff {
        out.push(m | 25);
        out.extend_from_slice(&(v as u16).to_be_bytes());
    } else if v <= 0xffff_ffff {
        out.push(m | 26);
        out.extend_from_slice(&(v as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&v.to_be_bytes());
    }
}

fn cbor_uint(out: &mut Vec<u8>, v: u64) {
    cbor_head(out, 0, v);
}

fn cbor_int(out: &mut Vec<u8>, v: i64) {
    if v >= 0 {
        cbor_head(out, 0, v as u64);
    } else {
        cbor_head(out, 1, (-1 - v) as u64);
    }
}

fn cbor_str(out: &mut Vec<u8>, s: &str) {
    cbor_head(out, 3, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn cbor_array(out: &mut Vec<u8>, len: usize) {
    cbor_head(out, 4, len as u64);
}

fn cbor_ints(out: &mut Vec<u8>, ints: &[i32]) {
    cbor_array(out, ints.len());
    for &i in ints {
        cbor_int(out, i64::from(i));
    }
}

// --- writing the bundle -----------------------------------------------------------------------

/// A page that is in the index, in index order.
struct Live<'a> {
    page: &'a PageRecord,
    /// Its fields' numbers in the site's list of metadata fields, by its own field number.
    fields: Vec<i32>,
}

/// Per page read (by seq): its number in the index, if it is in it.
struct Numbering {
    rank: Vec<u32>,
    fields: Vec<Vec<i32>>,
}

const NOT_INDEXED: u32 = u32::MAX;

/// The files of the index, by path inside the bundle. `partials` are the threads' gatherings;
/// `pages` is how many pages were read (their seqs are `0..pages`).
pub(super) fn write(
    partials: Vec<Partial>,
    pages: usize,
    compress: super::Compress<'_>,
) -> Vec<(String, Vec<u8>)> {
    let records: Vec<&PageRecord> = partials.iter().flat_map(|p| &p.pages).collect();
    let live = live_pages(&records);
    let meta_fields: Vec<String> = live
        .iter()
        .flat_map(|p| p.meta_fields.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let live: Vec<Live> = live
        .into_iter()
        .map(|page| Live {
            fields: page
                .meta_fields
                .iter()
                .map(|f| meta_fields.binary_search(f).unwrap() as i32)
                .collect(),
            page,
        })
        .collect();
    let mut numbering = Numbering {
        rank: vec![NOT_INDEXED; pages],
        fields: vec![Vec::new(); pages],
    };
    for (rank, l) in live.iter().enumerate() {
        numbering.rank[l.page.seq as usize] = rank as u32;
        numbering.fields[l.page.seq as usize] = l.fields.clone();
    }

    let mut files = Vec::new();
    let mut languages = BTreeMap::new();
    if !live.is_empty() {
        let (hash, mut language_files) =
            write_language(&partials, &live, &numbering, meta_fields, compress);
        files.append(&mut language_files);
        languages.insert(
            LANGUAGE,
            EntryLanguage {
                hash,
                wasm: None,
                page_count: live.len(),
            },
        );
    }
    let entry = EntryFile {
        version: VERSION,
        languages,
        include_characters: &super::words::WORD_SYMBOLS,
    };
    files.push((
        "pagefind-entry.json".to_string(),
        serde_json::to_vec(&entry).unwrap(),
    ));
    files
}

/// `pagefind-entry.json`: where `pagefind.js` starts.
#[derive(serde::Serialize)]
struct EntryFile {
    version: &'static str,
    languages: BTreeMap<&'static str, EntryLanguage>,
    include_characters: &'static [char],
}

#[derive(serde::Serialize)]
struct EntryLanguage {
    /// The meta file's hash.
    hash: String,
    /// Pagefind's WebAssembly for the language's stemmer: none for Chinese.
    wasm: Option<String>,
    page_count: usize,
}

/// The pages Pagefind would index: the last one read for each URL; only those marking a
/// `data-pagefind-body` if any does; only those with words. Ordered by path.
fn live_pages<'a>(records: &[&'a PageRecord]) -> Vec<&'a PageRecord> {
    let mut by_url: HashMap<&str, &PageRecord> = HashMap::new();
    for &r in records {
        match by_url.get(r.url.as_str()) {
            Some(other) if other.seq > r.seq => {}
            _ => {
                by_url.insert(&r.url, r);
            }
        }
    }
    let custom_body = by_url.values().any(|r| r.has_custom_body);
    let mut live: Vec<&PageRecord> = by_url
        .into_values()
        .filter(|r| (r.has_custom_body || !custom_body) && r.has_words)
        .collect();
    live.sort_by(|a, b| a.path.cmp(&b.path).then(a.seq.cmp(&b.seq)));
    live
}

/// The meta file, fragments, word and filter indexes of the site's one language; returns the
/// meta file's hash too.
fn write_language(
    partials: &[Partial],
    live: &[Live],
    numbering: &Numbering,
    meta_fields: Vec<String>,
    compress: super::Compress<'_>,
) -> (String, Vec<(String, Vec<u8>)>) {
    let mut files = Vec::new();

    // Fragments: a short hash each, lengthened while it collides with an earlier page's.
    let mut fragment_hashes: HashMap<String, &str> = HashMap::new();
    let mut meta_pages = Vec::with_capacity(live.len());
    for l in live {
        let full = l.page.full_hash.as_str();
        let mut short = &full[..=LANGUAGE.len() + 7];
        while let Some(other) = fragment_hashes.get(short) {
            if *other == full {
                break;
            }
            short = &full[..=short.len()];
        }
        fragment_hashes.insert(short.to_string(), full);
        files.push((
            format!("fragment/{short}.pf_fragment"),
            l.page.fragment_gz.clone(),
        ));
        meta_pages.push((short.to_string(), l.page.word_count));
    }

    // Sort orders: every sort key, numeric when every value is a number.
    let sort_keys: BTreeSet<&String> = live.iter().flat_map(|l| l.page.sort.keys()).collect();
    let mut sorts = Vec::new();
    for key in sort_keys {
        let mut values: Vec<(&str, usize)> = live
            .iter()
            .enumerate()
            .filter_map(|(n, l)| l.page.sort.get(key).map(|v| (v.as_str(), n)))
            .collect();
        let numeric = values.iter().all(|(v, _)| sort_number(v).is_some());
        if numeric {
            values.sort_by(|a, b| {
                let a = sort_number(a.0).unwrap_or_default();
                let b = sort_number(b.0).unwrap_or_default();
                a.total_cmp(&b)
            });
        } else {
            values.sort_by_key(|v| v.0);
        }
        sorts.push((
            key.clone(),
            values.into_iter().map(|v| v.1).collect::<Vec<_>>(),
        ));
    }

    // Filters: value → pages, one file per filter.
    let mut filter_map: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for (n, l) in live.iter().enumerate() {
        for (filter, values) in &l.page.filters {
            for value in values {
                filter_map
                    .entry(filter)
                    .or_default()
                    .entry(value)
                    .or_default()
                    .push(n);
            }
        }
    }
    let mut filter_hashes: BTreeSet<String> = BTreeSet::new();
    let mut meta_filters = Vec::new();
    for (filter, values) in filter_map {
        let mut cbor = Vec::new();
        cbor_array(&mut cbor, 2);
        cbor_str(&mut cbor, filter);
        cbor_array(&mut cbor, values.len());
        for (value, pages) in values {
            cbor_array(&mut cbor, 2);
            cbor_str(&mut cbor, value);
            cbor_array(&mut cbor, pages.len());
            for p in pages {
                cbor_uint(&mut cbor, p as u64);
            }
        }
        let hash = format!("{LANGUAGE}_{}", full_hash(&cbor));
        let short = unique_short_hash(&hash, &filter_hashes);
        filter_hashes.insert(short.clone());
        files.push((format!("filter/{short}.pf_filter"), gzip(&cbor)));
        meta_filters.push((filter.to_string(), short));
    }

    // Words: every word's postings in index order, encoded once, then cut into chunks.
    let mut all_words: Vec<&str> = partials
        .iter()
        .flat_map(|p| p.words.keys().map(|w| &**w))
        .collect();
    all_words.par_sort_unstable();
    all_words.dedup();
    let encoded: Vec<Option<(Vec<u8>, usize)>> = all_words
        .par_iter()
        .map(|word| {
            let postings: Vec<&Postings> =
                partials.iter().filter_map(|p| p.words.get(*word)).collect();
            encode_word(word, &postings, numbering)
        })
        .collect();
    let mut chunks: Vec<Vec<(&str, Vec<u8>)>> = Vec::new();
    let mut chunk = Vec::new();
    let mut chunk_size = 0;
    for (word, e) in all_words.iter().zip(encoded) {
        let Some((cbor, size)) = e else { continue };
        chunk_size += size;
        chunk.push((*word, cbor));
        if chunk_size >= CHUNK_SIZE {
            chunks.push(std::mem::take(&mut chunk));
            chunk_size = 0;
        }
    }
    if !chunk.is_empty() {
        chunks.push(chunk);
    }
    let mut ranges: Vec<(String, String)> = chunks
        .iter()
        .map(|c| (c[0].0.to_string(), c[c.len() - 1].0.to_string()))
        .collect();
    for i in 1..ranges.len() {
        let (to, from) = prefixes(&ranges[i - 1].1, &ranges[i].0);
        if to >= ranges[i - 1].0 {
            ranges[i - 1].1 = to;
        }
        ranges[i].0 = from;
    }
    let encoded_chunks: Vec<(Vec<u8>, String)> = chunks
        .into_par_iter()
        .map(|words| {
            let mut cbor = Vec::with_capacity(words.iter().map(|w| w.1.len()).sum::<usize>() + 8);
            cbor_array(&mut cbor, 1);
            cbor_array(&mut cbor, words.len());
            for (_, w) in words {
                cbor.extend_from_slice(&w);
            }
            let hash = format!("{LANGUAGE}_{}", full_hash(&cbor));
            (compress(&cbor), hash)
        })
        .collect();
    let mut index_hashes: BTreeSet<String> = BTreeSet::new();
    let mut meta_chunks = Vec::new();
    for ((gz, hash), (from, to)) in encoded_chunks.into_iter().zip(ranges) {
        let short = unique_short_hash(&hash, &index_hashes);
        index_hashes.insert(short.clone());
        files.push((format!("index/{short}.pf_index"), gz));
        meta_chunks.push((from, to, short));
    }

    // The meta file: pages, chunks, filters, sorts, metadata fields.
    let mut meta = Vec::new();
    cbor_array(&mut meta, 6);
    cbor_str(&mut meta, VERSION);
    cbor_array(&mut meta, meta_pages.len());
    for (hash, word_count) in &meta_pages {
        cbor_array(&mut meta, 3);
        cbor_str(&mut meta, hash);
        cbor_uint(&mut meta, *word_count as u32 as u64);
        cbor_str(&mut meta, "");
    }
    cbor_array(&mut meta, meta_chunks.len());
    for (from, to, hash) in &meta_chunks {
        cbor_array(&mut meta, 3);
        cbor_str(&mut meta, from);
        cbor_str(&mut meta, to);
        cbor_str(&mut meta, hash);
    }
    cbor_array(&mut meta, meta_filters.len());
    for (filter, hash) in &meta_filters {
        cbor_array(&mut meta, 2);
        cbor_str(&mut meta, filter);
        cbor_str(&mut meta, hash);
    }
    cbor_array(&mut meta, sorts.len());
    for (sort, pages) in &sorts {
        cbor_array(&mut meta, 2);
        cbor_str(&mut meta, sort);
        cbor_array(&mut meta, pages.len());
        for &p in pages {
            cbor_uint(&mut meta, p as u64);
        }
    }
    cbor_array(&mut meta, meta_fields.len());
    for f in &meta_fields {
        cbor_str(&mut meta, f);
    }
    let meta_hash = format!("{LANGUAGE}_{}", &full_hash(&meta)[..=LANGUAGE.len() + 7]);
    files.push((format!("pagefind.{meta_hash}.pf_meta"), gzip(&meta)));
    (meta_hash, files)
}

/// `zh_` and 7 hex digits, two more at a time while another file has it.
fn unique_short_hash(hash: &str, taken: &BTreeSet<String>) -> String {
    let mut short = &hash[..=LANGUAGE.len() + 7];
    while taken.contains(short) {
        short = &hash[..=short.len() + 1];
        if short.len() == hash.len() {
            break;
        }
    }
    short.to_string()
}

/// The shortest prefixes that still tell two neighbouring chunks' boundary words apart.
fn prefixes(a: &str, b: &str) -> (String, String) {
    let common = b.chars().zip(a.chars()).take_while(|(x, y)| x == y).count();
    (
        a.chars().take(common + 1).collect(),
        b.chars().take(common + 1).collect(),
    )
}

fn sort_number(v: &str) -> Option<f32> {
    v.parse::<i32>()
        .ok()
        .map(|i| i as f32)
        .or_else(|| v.parse::<f32>().ok())
}

/// One page's entry of a word's postings, its numbers in `ints`.
struct PageEntry<'a> {
    rank: u32,
    seq: u32,
    main: Option<(std::ops::Range<usize>, std::ops::Range<usize>)>,
    forms: Vec<(&'a str, std::ops::Range<usize>, std::ops::Range<usize>)>,
}

/// Pagefind's `PackedWord` (word, pages, variants) in CBOR, with page numbers as deltas, and its
/// size for chunking (positions + pages + variants). `None` if none of its pages is indexed.
fn encode_word(
    word: &str,
    postings: &[&Postings],
    numbering: &Numbering,
) -> Option<(Vec<u8>, usize)> {
    let mut ints = Vec::new();
    let mut entries = Vec::new();
    for p in postings {
        let mut r = Reader {
            bytes: &p.bytes,
            at: 0,
        };
        let mut seq = 0u32;
        while r.at < r.bytes.len() {
            seq += r.uint() as u32;
            let main = (r.uint() == 1).then(|| {
                let locs = r.ints(&mut ints);
                let meta = r.ints(&mut ints);
                (locs, meta)
            });
            let n = r.uint();
            let forms = (0..n)
                .map(|_| {
                    let form = r.str();
                    let locs = r.ints(&mut ints);
                    let meta = r.ints(&mut ints);
                    (form, locs, meta)
                })
                .collect();
            let rank = numbering.rank[seq as usize];
            if rank != NOT_INDEXED {
                entries.push(PageEntry {
                    rank,
                    seq,
                    main,
                    forms,
                });
            }
        }
    }
    if entries.is_empty() {
        return None;
    }
    entries.sort_unstable_by_key(|e| e.rank);
    // Metadata field numbers become the site's.
    for e in &entries {
        let fields = &numbering.fields[e.seq as usize];
        let metas = e
            .main
            .iter()
            .map(|m| m.1.clone())
            .chain(e.forms.iter().map(|f| f.2.clone()));
        for range in metas {
            for i in &mut ints[range] {
                if *i < 0 {
                    *i = -(fields[(-*i - 1) as usize] + 1);
                }
            }
        }
    }
    let mut size = 0;
    let mut out = Vec::new();
    cbor_array(&mut out, 3);
    cbor_str(&mut out, word);
    let pages = entries.iter().filter(|e| e.main.is_some()).count();
    cbor_array(&mut out, pages);
    let mut last = 0;
    for e in &entries {
        if let Some((locs, meta)) = &e.main {
            size += locs.len() + meta.len() + 1;
            packed_page(
                &mut out,
                e.rank - last,
                &ints[locs.clone()],
                &ints[meta.clone()],
            );
            last = e.rank;
        }
    }
    // Variants in the order they first appear.
    let mut forms: Vec<&str> = Vec::new();
    for e in &entries {
        for (form, _, _) in &e.forms {
            if !forms.contains(form) {
                forms.push(form);
            }
        }
    }
    size += forms.len();
    cbor_array(&mut out, forms.len());
    for form in forms {
        cbor_array(&mut out, 2);
        cbor_str(&mut out, form);
        let pages: Vec<(u32, &std::ops::Range<usize>, &std::ops::Range<usize>)> = entries
            .iter()
            .flat_map(|e| {
                e.forms
                    .iter()
                    .filter(|f| f.0 == form)
                    .map(move |f| (e.rank, &f.1, &f.2))
            })
            .collect();
        cbor_array(&mut out, pages.len());
        let mut last = 0;
        for (rank, locs, meta) in pages {
            size += locs.len() + meta.len() + 1;
            packed_page(
                &mut out,
                rank - last,
                &ints[locs.clone()],
                &ints[meta.clone()],
            );
            last = rank;
        }
    }
    Some((out, size))
}

fn packed_page(out: &mut Vec<u8>, page_delta: u32, locs: &[i32], meta_locs: &[i32]) {
    cbor_array(out, 3);
    cbor_uint(out, u64::from(page_delta));
    cbor_ints(out, locs);
    cbor_ints(out, meta_locs);
}
