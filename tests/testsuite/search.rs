//! The search index (issue 12): fanzha writes Pagefind 1.6's index itself, so it must be the
//! index Pagefind builds, for pages of any length, and the same bytes however the pages come.
//! (How fast it is, is measured by `examples/search_bench.rs`, never here.)

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::OnceLock;

use fanzha::output::{Content, OutFile};
use fanzha::search::{IndexPart, Indexer, PageIndex, bundle_parts, index};

use crate::support::Campaign;

/// The default campaign's site pages (no kits), by path.
fn site_pages() -> &'static [OutFile] {
    static PAGES: OnceLock<Vec<OutFile>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let c = Campaign::default_campaign();
        c.fanzha(&[
            "build", "--skip", "print", "--skip", "screens", "--skip", "share",
        ])
        .ok();
        c.snapshot("public")
            .into_iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(path, bytes)| OutFile::bytes(path, bytes))
            .collect()
    })
}

fn bytes(f: &OutFile) -> &[u8] {
    match &f.content {
        Content::Bytes(b) => b,
        Content::Copy(_) => panic!("{} is not in memory", f.path),
    }
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    if !b.starts_with(&[0x1f, 0x8b]) {
        return b.to_vec();
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// fanzha's bundle, every file decompressed, by path.
fn ours(pages: &[OutFile]) -> BTreeMap<String, Vec<u8>> {
    index(pages)
        .unwrap()
        .iter()
        .map(|f| (f.path.clone(), gunzip(bytes(f))))
        .collect()
}

/// The bundle the `pagefind` crate builds from the same pages (added in path order, the order
/// fanzha numbers them in), every file decompressed, by path.
fn pagefinds(pages: &[OutFile]) -> BTreeMap<String, Vec<u8>> {
    let mut pages: Vec<&OutFile> = pages.iter().collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let files = runtime.block_on(async {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .force_language("zh".to_string())
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(options)).unwrap();
        for page in pages {
            let html = String::from_utf8_lossy(bytes(page));
            if page.path.ends_with(".html") && html.contains("data-pagefind-body") {
                index
                    .add_html_file(Some(page.path.clone()), None, html.into_owned())
                    .await
                    .unwrap();
            }
        }
        index.get_files().await.unwrap()
    });
    files
        .into_iter()
        .map(|f| {
            let rel = f.filename.to_string_lossy().replace('\\', "/");
            (format!("pagefind/{rel}"), gunzip(&f.contents))
        })
        // Pagefind's ready-made search interfaces, which fanzha does not ship.
        .filter(|(path, _)| !path.contains("-ui.") && !path.contains("pagefind-highlight."))
        .collect()
}

#[track_caller]
fn assert_same_bundle(ours: &BTreeMap<String, Vec<u8>>, pagefinds: &BTreeMap<String, Vec<u8>>) {
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        pagefinds.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, theirs) in pagefinds {
        assert!(ours[path] == *theirs, "{path} differs from Pagefind's");
    }
}

#[test]
fn index_is_the_one_pagefind_builds() {
    let pages = site_pages();
    let ours = ours(pages);
    assert!(ours.contains_key("pagefind/pagefind.js"));
    assert!(ours.keys().any(|p| p.ends_with(".pf_meta")));
    assert!(ours.keys().filter(|p| p.ends_with(".pf_fragment")).count() > 30);
    // Same words, positions, weights, excerpts and titles as Pagefind: the same results.
    assert_same_bundle(&ours, &pagefinds(pages));
}

/// `n` bytes or so of Chinese text in paragraphs and sections, varied as a long bulletin is.
fn long_page(n: usize) -> String {
    const WHO: [&str; 5] = ["王阿姨", "李大爷", "小张", "刘女士", "孙会计"];
    const WHAT: [&str; 6] = [
        "接到自称客服的电话，对方说出了订单信息",
        "在短视频平台上看到在家轻松赚钱的广告",
        "被陌生人拉进一个几百人的投资群",
        "收到短信说医保账户存在异常",
        "在社交软件上认识了一位热情的网友",
        "听说参加讲座可以免费领鸡蛋",
    ];
    const THEN: [&str; 5] = [
        "对方要求下载会议软件并打开屏幕共享",
        "对方要求把钱转到所谓的安全账户",
        "对方说系统卡单，必须再充值才能提现",
        "对方索要手机收到的验证码",
        "对方说保证金不够，需要再交解冻费",
    ];
    let mut html = String::from(
        "<!doctype html><html lang=\"zh-CN\"><head><title>全年案例汇编</title></head><body>\
         <main><article data-pagefind-body><h1>全年案例汇编</h1>\n",
    );
    let mut i: usize = 0;
    while html.len() < n {
        i += 1;
        if i % 40 == 1 {
            html.push_str(&format!("<h2 id=\"part-{i}\">第{i}批通报</h2>\n"));
        }
        let (a, b, c) = (i * 7 % 5, i * 11 % 6, i * 13 % 5);
        html.push_str(&format!(
            "<p>第{i}号：{}{}。随后，{}。民警提醒：凡是要求先交钱、再返钱的，都是诈骗。</p>\n",
            WHO[a], WHAT[b], THEN[c]
        ));
    }
    html.push_str("<p>最后一段：请牢记全民反诈口诀。</p></article></main></body></html>");
    html
}

/// The decompressed word index chunks of a bundle, one after the other.
fn word_index(bundle: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    bundle
        .iter()
        .filter(|(p, _)| p.ends_with(".pf_index"))
        .flat_map(|(_, b)| b.clone())
        .collect()
}

/// A word as a CBOR text string, as it is keyed in a word index chunk.
fn cbor_word(word: &str) -> Vec<u8> {
    assert!(word.len() < 24);
    [&[0x60 | word.len() as u8][..], word.as_bytes()].concat()
}

#[test]
fn a_very_long_page_is_indexed_whole() {
    let html = long_page(1_500_000);
    let long = [OutFile::bytes("cases/annual/index.html", html)];
    let bundle = ours(&long);
    let words = word_index(&bundle);
    let has = |w: &str| {
        let key = cbor_word(w);
        words.windows(key.len()).any(|x| x == key)
    };
    // Words from its beginning, its middle and its very end (every pair of neighbouring
    // characters is a key, whatever the segmenter makes of the text around it).
    for w in ["案例", "汇编", "屏幕", "共享", "解冻", "口诀", "全民"] {
        assert!(has(w), "{w} is not in the index");
    }
    let fragments: Vec<&Vec<u8>> = bundle
        .iter()
        .filter(|(p, _)| p.ends_with(".pf_fragment"))
        .map(|(_, b)| b)
        .collect();
    assert_eq!(fragments.len(), 1);
    let fragment = String::from_utf8_lossy(fragments[0]);
    assert!(fragment.contains("\"url\":\"/cases/annual/\""));
    assert!(fragment.contains("\"title\":\"全年案例汇编\""));
    // The excerpt text runs to the page's end (its words separated by zero-width spaces).
    assert!(
        fragment
            .replace('\u{200B}', "")
            .contains("最后一段：请牢记全民反诈口诀。")
    );
    // And it is Pagefind's index of that page, among the campaign's pages.
    let pages: Vec<OutFile> = long.iter().chain(site_pages()).cloned().collect();
    assert_same_bundle(&ours(&pages), &pagefinds(&pages));
}

#[test]
fn same_bundle_whatever_the_order_pages_come_in() {
    let pages = site_pages();
    let first = index(pages).unwrap();
    let again = index(pages).unwrap();
    let mut reversed = Indexer::new().unwrap();
    for page in pages.iter().rev() {
        reversed
            .add(&page.path, std::str::from_utf8(bytes(page)).unwrap())
            .unwrap();
    }
    let reversed = reversed.finish().unwrap();
    // From two threads taking turns, as a renderer on several threads would add them.
    let shared = std::sync::Mutex::new(Indexer::new().unwrap());
    std::thread::scope(|s| {
        for half in [0, 1] {
            let shared = &shared;
            s.spawn(move || {
                for page in pages.iter().skip(half).step_by(2) {
                    let html = std::str::from_utf8(bytes(page)).unwrap();
                    shared.lock().unwrap().add(&page.path, html).unwrap();
                }
            });
        }
    });
    let threaded = shared.into_inner().unwrap().finish().unwrap();
    // Pages read one by one and kept as bytes between builds (the build cache), put together
    // in reverse order.
    let kept: Vec<PageIndex> = pages
        .iter()
        .rev()
        .filter_map(|page| {
            let html = std::str::from_utf8(bytes(page)).unwrap();
            PageIndex::wanted(html).then(|| {
                let blobs = PageIndex::read(&page.path, html).unwrap().to_blobs();
                PageIndex::from_blobs(&blobs).expect("a page's blobs read back")
            })
        })
        .collect();
    let from_kept = fanzha::search::bundle(kept).unwrap();
    let flat = |files: &[OutFile]| -> Vec<(String, Vec<u8>)> {
        files
            .iter()
            .map(|f| (f.path.clone(), bytes(f).to_vec()))
            .collect()
    };
    assert!(!first.is_empty());
    let first = flat(&first);
    assert!(first == flat(&again), "two runs, the same bytes");
    assert!(first == flat(&reversed), "pages in reverse, the same bytes");
    assert!(
        first == flat(&threaded),
        "pages from two threads, the same bytes"
    );
    assert!(
        first == flat(&from_kept),
        "pages kept between builds, the same bytes"
    );
    // Pages put together in parts (runs of 1, 2, 3… pages by path) and kept as bytes between
    // builds, as the build cache keeps them.
    let mut by_path: Vec<&OutFile> = pages.iter().collect();
    by_path.sort_by(|a, b| a.path.cmp(&b.path));
    let mut parts = Vec::new();
    let mut run = Vec::new();
    for page in by_path {
        let html = std::str::from_utf8(bytes(page)).unwrap();
        if PageIndex::wanted(html) {
            run.push(PageIndex::read(&page.path, html).unwrap());
        }
        if run.len() > parts.len() % 3 {
            let part = IndexPart::of(std::mem::take(&mut run)).to_bytes();
            parts.push(IndexPart::from_bytes(&part).expect("a part's bytes read back"));
        }
    }
    if !run.is_empty() {
        parts.push(IndexPart::of(run));
    }
    assert!(parts.len() > 10, "{} parts", parts.len());
    let from_parts = bundle_parts(parts, &fanzha::search::compress).unwrap();
    assert!(
        first == flat(&from_parts),
        "pages put together in parts, the same bytes"
    );
    let paths: Vec<&String> = first.iter().map(|f| &f.0).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "sorted by path");
    assert!(paths.iter().all(|p| p.starts_with("pagefind/")));
}

#[test]
fn indexer_can_move_to_another_thread() {
    fn send<T: Send>() {}
    send::<Indexer>();
    assert_eq!(fanzha::search::BUNDLE_DIR, "pagefind");
}
