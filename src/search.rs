//! The search renderer: indexes the site's HTML pages and returns the search bundle as files
//! under `pagefind/`, in Pagefind 1.6's format, so the theme's search page keeps using
//! Pagefind's `pagefind.js` (and its WebAssembly), taken from the `pagefind` crate. Only the
//! part of a page marked `data-pagefind-body` is indexed; Chinese text is cut into words as
//! Pagefind's `extended` build does (ICU4X's dictionary, plus every pair of neighbouring
//! characters), so the same queries find the same pages in the same order.
//!
//! The index itself is built here rather than by the crate, which kept every page's word map
//! until the end, read one page at a time and spent the square of a page's length on it
//! (see `words.rs`). Here pages are read by one thread per core as they are added; each page's
//! words are packed at once into a few bytes per word (`bundle.rs`), and the bundle is written
//! from these at the end, in an order that depends only on the pages (by path), never on the
//! order they were added in or on which thread read them. `cached.rs` keeps each page's share,
//! each run of pages' part and the bundle in the build cache.

mod bundle;
mod cached;
mod extract;
mod words;

pub use cached::index_cached;

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use crate::diag::Diagnostic;
use crate::output::{Content, OutFile};

/// Where the bundle lives in the site.
pub const BUNDLE_DIR: &str = "pagefind";

/// Incremental indexer: pages may be added as the site renders them. Pages are read on
/// background threads (one per core); [`Indexer::finish`] waits for them and writes the bundle.
pub struct Indexer {
    jobs: Option<SyncSender<Job>>,
    workers: Vec<JoinHandle<Worker>>,
    /// Pages sent so far (each page's `seq` is its number among them).
    pages: u32,
}

struct Job {
    seq: u32,
    path: String,
    html: String,
}

/// What a thread has read: the pages' packed words and fragments, or the first failure.
#[derive(Default)]
struct Worker {
    partial: bundle::Partial,
    error: Option<(u32, Diagnostic)>,
}

impl Indexer {
    pub fn new() -> Result<Indexer, Diagnostic> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        // A few pages queued per thread: enough to keep them busy, little to hold.
        let (jobs, queue) = sync_channel::<Job>(2 * threads);
        let queue = Arc::new(Mutex::new(queue));
        let workers = (0..threads)
            .map(|i| {
                let queue = Arc::clone(&queue);
                std::thread::Builder::new()
                    .name(format!("fanzha-search-{i}"))
                    .spawn(move || work(&queue))
                    .map_err(|e| failure(format!("无法启动索引线程（{e}）")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Indexer {
            jobs: Some(jobs),
            workers,
            pages: 0,
        })
    }

    /// `path` is the page's site path (e.g. "scams/shuadan/index.html"), `html` the whole page.
    /// Pages without data-pagefind-body are ignored.
    pub fn add(&mut self, path: &str, html: &str) -> Result<(), Diagnostic> {
        if !html.contains("data-pagefind-body") {
            return Ok(());
        }
        let job = Job {
            seq: self.pages,
            path: path.to_string(),
            html: html.to_string(),
        };
        self.pages += 1;
        self.jobs
            .as_ref()
            .and_then(|jobs| jobs.send(job).ok())
            .ok_or_else(|| failure(format!("{path}: 索引线程已停止")))
    }

    /// The search bundle, as files under `pagefind/`, sorted by path: the same files whatever
    /// the order the pages were added in (pages are numbered by path).
    pub fn finish(mut self) -> Result<Vec<OutFile>, Diagnostic> {
        drop(self.jobs.take());
        let mut partials = Vec::new();
        let mut first_error: Option<(u32, Diagnostic)> = None;
        for worker in std::mem::take(&mut self.workers) {
            let worker = worker
                .join()
                .map_err(|_| failure("索引线程意外中止".to_string()))?;
            if let Some((seq, d)) = worker.error
                && first_error.as_ref().is_none_or(|(s, _)| seq < *s)
            {
                first_error = Some((seq, d));
            }
            partials.push(worker.partial);
        }
        if let Some((_, d)) = first_error {
            return Err(d);
        }
        bundle_files(bundle::write(partials, self.pages as usize, &compress))
    }
}

/// The index's files with Pagefind's browser side, under `pagefind/`, sorted by path.
fn bundle_files(files: Files) -> Result<Vec<OutFile>, Diagnostic> {
    let mut out: Vec<OutFile> = pagefind_assets()?
        .iter()
        .cloned()
        .chain(files)
        .map(|(rel, bytes)| OutFile::bytes(format!("{BUNDLE_DIR}/{rel}"), bytes))
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Convenience kept for existing callers: indexes the `.html` files of `pages`.
pub fn index(pages: &[OutFile]) -> Result<Vec<OutFile>, Diagnostic> {
    let mut indexer = Indexer::new()?;
    for page in pages.iter().filter(|f| f.path.ends_with(".html")) {
        let Content::Bytes(bytes) = &page.content else {
            continue;
        };
        indexer.add(&page.path, &String::from_utf8_lossy(bytes))?;
    }
    indexer.finish()
}

/// A thread's loop: pages until the indexer is finished (or dropped).
fn work(queue: &Mutex<Receiver<Job>>) -> Worker {
    let mut worker = Worker::default();
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => break,
        };
        let Ok(job) = job else { break };
        if worker.error.is_some() {
            continue;
        }
        if let Err(e) = read_page(&mut worker.partial, job.seq, job.path.clone(), &job.html) {
            let d = failure(format!("{}: 无法加入搜索索引（{e}）", job.path));
            worker.error = Some((job.seq, d));
        }
    }
    worker
}

/// Reads one page: its words go into the postings, its fragment is made and compressed.
fn read_page(
    partial: &mut bundle::Partial,
    seq: u32,
    path: String,
    html: &str,
) -> Result<(), String> {
    let (record, words) = read(path, html)?;
    partial.add_page(record, seq, words);
    Ok(())
}

/// One page as the index needs it: its record (with its compressed fragment) and its words.
fn read(path: String, html: &str) -> Result<(bundle::PageRecord, bundle::PageWords), String> {
    let page = extract::extract(html)?;
    let digested = words::digest(&page);
    let url = page_url(&path);
    let fragment = bundle::Fragment {
        url: &url,
        content: &digested.content,
        word_count: digested.word_count,
        filters: &page.filters,
        meta: &page.meta,
        anchors: &digested.anchors,
    };
    let json = serde_json::to_vec(&fragment).map_err(|e| e.to_string())?;
    let words = bundle::PageWords::of(digested.words, digested.meta_words);
    let record = bundle::PageRecord {
        seq: 0,
        path,
        url,
        full_hash: format!("{}_{}", bundle::LANGUAGE, bundle::full_hash(&json)),
        fragment_gz: bundle::gzip(&json),
        word_count: digested.word_count,
        filters: page.filters,
        sort: page.sort,
        meta_fields: page.meta.into_keys().collect(),
        has_custom_body: page.has_custom_body,
        has_words: !words.is_empty(),
    };
    Ok((record, words))
}

/// One page read for the index, kept between builds (in the build cache) so that a site with
/// one page changed reads only that page again.
pub struct PageIndex {
    record: bundle::PageRecord,
    words: bundle::PageWords,
}

impl PageIndex {
    /// Whether the page takes part in the index at all (it marks `data-pagefind-body`).
    pub fn wanted(html: &str) -> bool {
        html.contains("data-pagefind-body")
    }

    /// Reads the page at site path `path`.
    pub fn read(path: &str, html: &str) -> Result<PageIndex, Diagnostic> {
        let (record, words) = read(path.to_string(), html)
            .map_err(|e| failure(format!("{path}: 无法加入搜索索引（{e}）")))?;
        Ok(PageIndex { record, words })
    }

    /// The page as bytes: its record, its fragment, its words.
    pub fn to_blobs(&self) -> Vec<Vec<u8>> {
        vec![
            serde_json::to_vec(&self.record).expect("records serialize"),
            self.record.fragment_gz.clone(),
            self.words.to_bytes(),
        ]
    }

    /// The page [`PageIndex::to_blobs`] wrote; `None` if the blobs are not such a page.
    pub fn from_blobs(blobs: &[Vec<u8>]) -> Option<PageIndex> {
        let [record, fragment, words] = blobs else {
            return None;
        };
        let mut record: bundle::PageRecord = serde_json::from_slice(record).ok()?;
        record.fragment_gz = fragment.clone();
        Some(PageIndex {
            record,
            words: bundle::PageWords::from_bytes(words)?,
        })
    }
}

/// Compresses one chunk of the word index: [`compress`] itself, or the same chunk as an earlier
/// build compressed it (one page edited leaves most chunks as they were).
pub type Compress<'a> = &'a (dyn Fn(&[u8]) -> Vec<u8> + Sync);

/// A chunk of the bundle compressed as Pagefind compresses it.
pub fn compress(data: &[u8]) -> Vec<u8> {
    bundle::gzip(data)
}

/// The search bundle of pages read by [`PageIndex::read`], in any order: numbered by path, so
/// the same pages give the same files.
pub fn bundle(mut pages: Vec<PageIndex>) -> Result<Vec<OutFile>, Diagnostic> {
    pages.sort_by(|a, b| a.record.path.cmp(&b.record.path));
    let paths: Vec<&str> = pages.iter().map(|p| p.record.path.as_str()).collect();
    let ranges = crate::cache::runs(&paths);
    let mut pages = pages.into_iter();
    let groups: Vec<Vec<PageIndex>> = ranges
        .iter()
        .map(|r| pages.by_ref().take(r.len()).collect())
        .collect();
    use rayon::prelude::*;
    let parts = groups.into_par_iter().map(IndexPart::of).collect();
    bundle_parts(parts, &compress)
}

/// Pages next to each other by path, read for the index and put together: what the build cache
/// keeps of a run of pages, so that a site with one page edited puts together a few hundred
/// parts rather than every page's words (see [`crate::cache::runs`]).
pub struct IndexPart {
    partial: bundle::Partial,
}

impl IndexPart {
    /// `pages`, which follow each other by path.
    pub fn of(pages: Vec<PageIndex>) -> IndexPart {
        let mut partial = bundle::Partial::default();
        for (seq, page) in pages.into_iter().enumerate() {
            partial.add_page(page.record, seq as u32, page.words);
        }
        IndexPart { partial }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.partial.to_bytes()
    }

    /// The part [`IndexPart::to_bytes`] wrote; `None` if the bytes are not such a part.
    pub fn from_bytes(bytes: &[u8]) -> Option<IndexPart> {
        bundle::Partial::from_bytes(bytes).map(|partial| IndexPart { partial })
    }
}

/// The search bundle of `parts`, given in the order of their pages' paths.
pub fn bundle_parts(
    parts: Vec<IndexPart>,
    compress: Compress<'_>,
) -> Result<Vec<OutFile>, Diagnostic> {
    let count: usize = parts.iter().map(|p| p.partial.pages.len()).sum();
    // Parts put together into one partial per core, each numbering its pages from its base.
    let threads = rayon::current_num_threads().max(1);
    let per_group = parts.len().div_ceil(threads).max(1);
    let mut groups: Vec<Vec<(u32, IndexPart)>> = Vec::new();
    let mut base = 0u32;
    for (i, part) in parts.into_iter().enumerate() {
        if i % per_group == 0 {
            groups.push(Vec::with_capacity(per_group));
        }
        let pages = part.partial.pages.len() as u32;
        groups.last_mut().expect("just pushed").push((base, part));
        base += pages;
    }
    use rayon::prelude::*;
    let partials: Vec<bundle::Partial> = groups
        .into_par_iter()
        .map(|group| {
            let mut partial = bundle::Partial::default();
            for (base, part) in group {
                partial.append(part.partial, base);
            }
            partial
        })
        .collect();
    bundle_files(bundle::write(partials, count, compress))
}

/// The page's address as Pagefind gives it: `/` + its path without `index.html`, with what a
/// URL path cannot hold percent-encoded.
fn page_url(path: &str) -> String {
    let path = if let Some(dir) = path.strip_suffix("/index.html") {
        &path[..dir.len() + 1]
    } else if path == "index.html" {
        ""
    } else {
        path
    };
    let mut url = String::with_capacity(path.len() + 1);
    url.push('/');
    for &b in path.as_bytes() {
        if !(0x20..0x7f).contains(&b) || b" \"#%<>?`{}".contains(&b) {
            url.push_str(&format!("%{b:02X}"));
        } else {
            url.push(b as char);
        }
    }
    url
}

/// Files of the bundle: path inside it, bytes.
type Files = Vec<(String, Vec<u8>)>;

/// Pagefind's browser side (`pagefind.js`, its worker and WebAssembly), as the `pagefind` crate
/// writes it for a Chinese site. Made once per process.
fn pagefind_assets() -> Result<&'static [(String, Vec<u8>)], Diagnostic> {
    static ASSETS: OnceLock<Result<Files, String>> = OnceLock::new();
    ASSETS
        .get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .map_err(|e| format!("无法启动索引任务（{e}）"))?;
            runtime.block_on(async {
                let options = pagefind::options::PagefindServiceConfig::builder()
                    .force_language(bundle::LANGUAGE.to_string())
                    .build();
                let mut index = pagefind::api::PagefindIndex::new(Some(options))
                    .map_err(|e| format!("无法创建搜索索引（{e}）"))?;
                index
                    .add_html_file(
                        Some("index.html".into()),
                        None,
                        "<html lang=\"zh-CN\"><body><p>反诈</p></body></html>".into(),
                    )
                    .await
                    .map_err(|e| format!("无法创建搜索索引（{e}）"))?;
                let files = index
                    .get_files()
                    .await
                    .map_err(|e| format!("无法生成搜索索引（{e}）"))?;
                Ok(files
                    .into_iter()
                    .map(|f| (crate::diag::display_path(&f.filename), f.contents))
                    .filter(|(rel, _)| is_browser_asset(rel))
                    .collect())
            })
        })
        .as_deref()
        .map_err(|e| failure(e.clone()))
}

/// Pagefind's JavaScript and WebAssembly; not the index (ours), nor Pagefind's ready-made
/// search interfaces (the theme's search page has its own few lines instead).
fn is_browser_asset(rel: &str) -> bool {
    let index = rel == "pagefind-entry.json"
        || rel.ends_with(".pf_meta")
        || ["fragment/", "index/", "filter/"]
            .iter()
            .any(|d| rel.starts_with(d));
    let unused_ui = [
        "pagefind-ui.",
        "pagefind-modular-ui.",
        "pagefind-component-ui.",
        "pagefind-highlight.",
    ]
    .iter()
    .any(|p| rel.starts_with(p));
    !index && !unused_ui
}

fn failure(msg: String) -> Diagnostic {
    Diagnostic::error(BUNDLE_DIR, format!("搜索索引: {msg}"))
}
