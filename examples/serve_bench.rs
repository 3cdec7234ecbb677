//! Benchmark of `fanzha serve`'s authoring loop on a campaign (default: this repository's):
//! the time from saving one page to the rebuilt page being served, measured end to end through
//! the file watcher and HTTP, as an author's browser would see it.
//!
//!     cargo run --example serve_bench [-- CAMPAIGN_DIR [ROUNDS [PAGE]]]
//!
//! The campaign is copied to a temporary folder; the server runs in this process on a free port.
//! Each round appends a new marker to one case study, then asks for that page in a tight loop
//! until the marker is in it. Reported: median, 90th percentile and worst of the rounds;
//! then the rebuild alone in-process, with the render cache warm and from nothing.
//! See bench/RESULTS.md for numbers.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fanzha::serve::watch::Changes;
use fanzha::serve::{Builder, Outcome};

fn main() {
    let mut args = std::env::args().skip(1);
    let from = PathBuf::from(
        args.next()
            .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").to_string()),
    );
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(30);
    let page = args
        .next()
        .unwrap_or_else(|| "content/cases/shuadan-college-student.md".into());
    rayon::ThreadPoolBuilder::new()
        .stack_size(16 << 20)
        .build_global()
        .unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("campaign");
    for part in [
        "config.toml",
        "content",
        "themes",
        "sass",
        "static",
        "templates",
    ] {
        copy(&from.join(part), &root.join(part));
    }
    let t = Instant::now();
    let running = fanzha::serve::start(fanzha::serve::Options {
        root: root.clone(),
        interface: "127.0.0.1".into(),
        port: 0,
        quiet: true,
    })
    .expect("server starts");
    println!(
        "first build (everything in memory): {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let addr = running.addr;
    std::thread::spawn(move || running.serve());

    let source = root.join(&page);
    let original = std::fs::read_to_string(&source).unwrap();
    let url = page_url(&page);
    let mut page_times = Vec::new();
    for round in 0..rounds {
        let marker = format!("基准标记{round:04}");
        let text = original.replacen("\n+++\n", &format!("\n+++\n{marker}\n\n"), 1);
        assert_ne!(text, original, "{page} has front matter");
        // Let the previous round's events settle, so rounds do not overlap.
        std::thread::sleep(Duration::from_millis(150));
        let saved = Instant::now();
        std::fs::write(&source, &text).unwrap();
        loop {
            if get(addr, &url).contains(&marker) {
                break;
            }
            assert!(
                saved.elapsed() < Duration::from_secs(5),
                "no rebuild in 5 s"
            );
        }
        page_times.push(saved.elapsed());
    }
    report(
        &format!("save → /{url} served with the edit"),
        &mut page_times,
    );
    std::fs::write(&source, &original).unwrap();

    // The rebuild alone, in-process: with the render cache warm (what serve does) and from a
    // fresh builder (every page, template and stylesheet again, as a plain build would).
    let content_only = Changes {
        content: true,
        ..Changes::default()
    };
    let mut warm = Builder::new(root.clone());
    warm.rebuild(content_only);
    let (mut warm_times, mut cold_times) = (Vec::new(), Vec::new());
    let mut rendered_pages = 0;
    for round in 0..rounds {
        let text = original.replacen("\n+++\n", &format!("\n+++\n重建标记{round}\n\n"), 1);
        std::fs::write(&source, &text).unwrap();
        let t = Instant::now();
        if let Outcome::Built { rendered, .. } = warm.rebuild(content_only) {
            rendered_pages = rendered;
        }
        warm_times.push(t.elapsed());
        let t = Instant::now();
        Builder::new(root.clone()).rebuild(content_only);
        cold_times.push(t.elapsed());
    }
    std::fs::write(&source, &original).unwrap();
    report(
        &format!("rebuild after the edit, cache warm ({rendered_pages} page rendered)"),
        &mut warm_times,
    );
    report("rebuild of everything, no cache", &mut cold_times);

    // Of the warm rebuild, the part that is not incremental: loading config and content.
    let mut load_times = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let config = fanzha::config::Config::load(&root).unwrap();
        fanzha::content::load(&root, &config).unwrap();
        load_times.push(t.elapsed());
    }
    report(
        "of which: loading config and the whole model",
        &mut load_times,
    );
}

fn page_url(page: &str) -> String {
    let rel = page.trim_start_matches("content/").trim_end_matches(".md");
    format!("{rel}/")
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let n = times.len();
    println!(
        "{what}: median {:.1} ms, p90 {:.1} ms, worst {:.1} ms ({n} rounds)",
        ms(times[n / 2]),
        ms(times[(n * 9 / 10).min(n - 1)]),
        ms(times[n - 1])
    );
}

/// One GET over a fresh connection; the body as text.
fn get(addr: SocketAddr, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

fn copy(from: &Path, to: &Path) {
    if !from.exists() {
        return;
    }
    if from.is_file() {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
        return;
    }
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
