//! `fanzha serve`: the real binary on a free port, fetched over HTTP while its sources change.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::Campaign;

/// A running `fanzha serve`, stopped when dropped.
pub struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(c: &Campaign) -> Server {
        Server::start_in(&c.root)
    }

    /// `fanzha serve` on the campaign at `root`.
    pub fn start_in(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fanzha"))
            .args(["serve", "--port", "0"])
            .current_dir(root)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            if let Some(url) = line.split("http://").nth(1) {
                break url.trim_end_matches('/').parse().unwrap();
            }
        };
        // Keep reading so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, addr }
    }

    /// `http://ADDR/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Status and body of `GET raw`, with the path sent exactly as given.
    fn get(&self, raw: &str) -> (u16, String) {
        let mut s = TcpStream::connect(self.addr).unwrap();
        write!(
            s,
            "GET {raw} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        let text = String::from_utf8_lossy(&out).into_owned();
        let status = text[9..12].parse().unwrap();
        let body = text
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_string();
        (status, body)
    }

    /// Fetches `path` until its body contains `text`; fails after `limit`.
    #[track_caller]
    fn wait_for(&self, path: &str, text: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let (_, body) = self.get(path);
            if body.contains(text) {
                return body;
            }
            assert!(
                start.elapsed() < limit,
                "{path} lacks {text:?} after {limit:?}:\n{body}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const CASE: &str = "content/cases/student.md";
const PAGE: &str = "/cases/student/";

#[test]
fn an_edit_is_served_within_two_seconds_with_live_reload() {
    let c = Campaign::fixture("valid");
    let server = Server::start(&c);
    let (status, body) = server.get(PAGE);
    assert_eq!(status, 200);
    assert!(body.contains("小李在网上看到兼职广告"), "{body}");
    assert!(
        body.contains("<script src=\"/__fanzha/reload.js\""),
        "{body}"
    );
    let (status, script) = server.get("/__fanzha/reload.js");
    assert_eq!(status, 200);
    assert!(script.contains("EventSource"), "{script}");

    c.edit(CASE, "小李在网上看到兼职广告", "小王在手机上看到刷单广告");
    server.wait_for(PAGE, "小王在手机上看到刷单广告", Duration::from_secs(2));
    // The section that lists the case is served too, and `build` never carries the script.
    assert_eq!(server.get("/cases/").0, 200);
    c.build().ok();
    assert!(
        !c.read("public/cases/student/index.html")
            .contains("__fanzha")
    );
}

#[test]
fn a_broken_edit_shows_the_overlay_over_the_last_good_page() {
    let c = Campaign::fixture("valid");
    let server = Server::start(&c);
    server.get(PAGE);
    c.edit(CASE, "loss = 26800", "loss = = 26800");
    let body = server.wait_for(PAGE, "id=\"fanzha-error\"", Duration::from_secs(2));
    assert!(body.contains("content/cases/student.md:5:8"), "{body}");
    assert!(
        body.contains("小李在网上看到兼职广告"),
        "old page still served:\n{body}"
    );
    c.edit(CASE, "loss = = 26800", "loss = 26800");
    let start = Instant::now();
    while server.get(PAGE).1.contains("fanzha-error") {
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "overlay stays after the fix"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn requests_cannot_leave_the_site() {
    let c = Campaign::fixture("valid");
    let server = Server::start(&c);
    for raw in [
        "/../config.toml",
        "/cases/../../config.toml",
        "/%2e%2e/config.toml",
        "/%2E%2E%2Fconfig.toml",
        "/cases%2f..%2f..%2fconfig.toml",
        "/..%5cconfig.toml",
        "/..\\config.toml",
        "/content/cases/student.md",
        "/config.toml",
    ] {
        let (status, body) = server.get(raw);
        assert!(status == 400 || status == 404, "{raw}: {status}");
        assert!(!body.contains("[[channels]]"), "{raw} leaked config.toml");
        assert!(!body.contains("lesson ="), "{raw} leaked a source file");
    }
    let (status, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("页面不存在"), "the site's 404 page:\n{body}");
    let (status, _) = server.get("/cases");
    assert_eq!(status, 301, "folders get their slash");
}

#[test]
fn print_and_screen_files_are_made_on_request() {
    let c = Campaign::fixture("valid");
    let server = Server::start(&c);
    let (_, page) = server.get("/scams/shuadan/");
    assert!(
        !page.contains(".pdf"),
        "no print kit before it is asked for"
    );
    let (status, manifest) = server.get("/print/manifest.json");
    assert_eq!(status, 200);
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let pdf = manifest["materials"][0]["file"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = server.get(&format!("/{pdf}"));
    assert_eq!(status, 200);
    assert!(body.starts_with("%PDF-"), "{pdf} is a PDF");
    let (_, page) = server.get("/scams/shuadan/");
    assert!(
        page.contains(".pdf"),
        "pages link their downloads once the kit is made"
    );
    let (status, downloads) = server.get("/downloads/");
    assert_eq!(status, 200);
    assert!(downloads.contains(".pdf"));
    assert!(
        downloads.contains("screens/"),
        "下载中心 lists the screen kit too"
    );
    let (status, screens) = server.get("/screens/manifest.json");
    assert_eq!(status, 200, "{screens}");
    assert!(screens.contains("\"profiles\""), "{screens}");
    // The reporting kit too, with the summary draft counting the kits made before it.
    assert!(
        downloads.contains("reports/schedule.pdf") && downloads.contains("reports/summary.docx"),
        "下载中心 lists the reporting kit"
    );
    let (status, schedule) = server.get("/reports/schedule.pdf");
    assert_eq!(status, 200);
    assert!(
        schedule.contains("%PDF-"),
        "{}",
        &schedule[..schedule.len().min(80)]
    );
    let (status, summary) = server.get("/reports/summary.docx");
    assert_eq!(status, 200);
    assert!(
        summary.contains("PK\u{3}\u{4}"),
        "the summary draft is a .docx (zip)"
    );
    drop(server);
    // What serve made went into the build cache: a build makes only what serve leaves out
    // (share cards and the search index) anew.
    let run = c.fanzha(&["build", "--explain"]).ok();
    let made: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("新生成: "))
        .collect();
    assert!(!made.is_empty(), "{}", run.stderr);
    assert!(
        made.iter()
            .all(|p| p.ends_with("share.png") || *p == "pagefind"),
        "serve's print and screen files were made again:\n{}",
        run.stderr
    );
}

#[test]
fn articles_texts_and_scripts_are_made_on_request() {
    let c = Campaign::fixture("valid");
    let server = Server::start(&c);
    let (status, preview) = server.get("/wechat/");
    assert_eq!(status, 200, "{preview}");
    assert!(preview.contains("复制全文") && preview.contains("Content-Security-Policy"));
    let (status, article) = server.get("/wechat/scams/shuadan.html");
    assert_eq!(status, 200);
    assert!(
        article.contains("凡是") && !article.contains("class="),
        "{article}"
    );
    let (status, sms) = server.get("/sms/sms.csv");
    assert_eq!(status, 200);
    assert!(sms.starts_with('\u{feff}') && sms.contains("【"), "{sms}");
    let (status, script) = server.get("/broadcast/scam-shuadan-1min.txt");
    assert_eq!(status, 200);
    assert!(
        script.contains("播读时长") && script.contains("幺幺零"),
        "{script}"
    );
    let (status, pdf) = server.get("/broadcast/scripts.pdf");
    assert_eq!(status, 200);
    // Sent in chunks: the first line is the chunk's length.
    assert!(pdf.contains("%PDF-"), "{}", &pdf[..pdf.len().min(80)]);
}
