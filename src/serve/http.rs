//! The HTTP side of `fanzha serve`: turns a request's raw URL into a site path (refusing
//! anything that could leave the site), finds the file in the in-memory site, and answers with
//! it — HTML with the live-reload script, and the error overlay while the last edit is broken.

use std::io::Read;
use std::sync::Arc;

use tiny_http::{Header, Request, Response, StatusCode};

use super::reload;
use super::{Shared, Snapshot};
use crate::output::{Content, OutFile};

/// What a raw request URL names.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file path in the site, without a leading slash.
    File(String),
    /// A folder asked for without its trailing slash: redirect so relative links work.
    Folder(String),
}

/// Decodes and checks the path of `raw` (the request target as sent). Only plain segments are
/// accepted: no `.` or `..`, no backslashes, no encoded `/` or `\`, no control characters.
pub fn site_path(raw: &str) -> Option<String> {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let path = path.strip_prefix('/')?;
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            let b = u8::from_str_radix(hex, 16).ok()?;
            if matches!(b, b'/' | b'\\') {
                return None;
            }
            decoded.push(b);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(decoded).ok()?;
    let clean = decoded.split('/').all(|seg| {
        seg != ".."
            && seg != "."
            && !seg.contains(['\\', ':'])
            && !seg.chars().any(char::is_control)
    });
    clean.then_some(decoded)
}

/// Where a checked site path leads in `files`.
pub fn resolve(path: &str, has: impl Fn(&str) -> bool) -> Option<Target> {
    if path.is_empty() || path.ends_with('/') {
        let index = format!("{path}index.html");
        return has(&index).then_some(Target::File(index));
    }
    if has(path) {
        return Some(Target::File(path.to_string()));
    }
    has(&format!("{path}/index.html")).then(|| Target::Folder(format!("/{path}/")))
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" | "webmanifest" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "csv" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "woff2" => "font/woff2",
        "pagefind" | "pf_meta" | "pf_fragment" | "pf_index" => "application/octet-stream",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

type Reply = Response<Box<dyn Read + Send>>;

fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    let len = body.len();
    Response::new(
        StatusCode(status),
        vec![
            header("Content-Type", content_type),
            header("Cache-Control", "no-store"),
        ],
        Box::new(std::io::Cursor::new(body)) as Box<dyn Read + Send>,
        Some(len),
        None,
    )
}

fn plain(status: u16, text: &str) -> Reply {
    reply(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    )
}

/// Answers one request. Server-sent events keep their connection; everything else is one reply.
pub fn handle(shared: Arc<Shared>, request: Request) {
    let url = request.url().to_string();
    if url.split('?').next() == Some(reload::EVENTS_PATH) {
        reload::stream(&shared, request);
        return;
    }
    let response = respond(&shared, &url);
    let _ = request.respond(response);
}

fn respond(shared: &Shared, url: &str) -> Reply {
    if url.split('?').next() == Some(reload::SCRIPT_PATH) {
        return reply(
            200,
            "text/javascript; charset=utf-8",
            reload::SCRIPT.as_bytes().to_vec(),
        );
    }
    let Some(path) = site_path(url) else {
        return plain(400, "400 错误的请求地址");
    };
    for kit in super::Kit::for_path(&path) {
        shared.ensure_kit(*kit);
    }
    let snapshot = shared.snapshot();
    let Some(files) = &snapshot.files else {
        // No good build yet: a page that shows the error and reloads when it is fixed.
        let html = decorate(b"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>fanzha</title></head><body></body></html>", &snapshot);
        return reply(500, "text/html; charset=utf-8", html);
    };
    match resolve(&path, |p| files.contains_key(p)) {
        Some(Target::File(p)) => file_reply(200, &files[&p], &snapshot),
        Some(Target::Folder(to)) => {
            let mut r = plain(301, "");
            r.add_header(header("Location", &to));
            r
        }
        None => match files.get("404.html") {
            Some(f) => file_reply(404, f, &snapshot),
            None => plain(404, "404 找不到这个页面"),
        },
    }
}

fn file_reply(status: u16, file: &OutFile, snapshot: &Snapshot) -> Reply {
    let bytes = match &file.content {
        Content::Bytes(b) => b.clone(),
        Content::Copy(from) => match std::fs::read(from) {
            Ok(b) => b,
            Err(_) => return plain(404, "404 文件已不存在"),
        },
    };
    let kind = content_type(&file.path);
    let body = if kind.starts_with("text/html") {
        decorate(&bytes, snapshot)
    } else {
        bytes
    };
    reply(status, kind, body)
}

/// Adds the live-reload script, and the error overlay when the last change failed, before
/// `</body>` (or at the end). Only `fanzha serve` does this; built files never carry it.
pub fn decorate(html: &[u8], snapshot: &Snapshot) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(error) = &snapshot.error {
        extra.push_str(&reload::overlay(error));
    }
    extra.push_str(&format!(
        "<script src=\"{}\" data-version=\"{}\"></script>\n",
        reload::SCRIPT_PATH,
        snapshot.version
    ));
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_site() {
        for raw in [
            "/../config.toml",
            "/scams/../../config.toml",
            "/%2e%2e/config.toml",
            "/%2E%2E%2fconfig.toml",
            "/scams%2f..%2f..%2fconfig.toml",
            "/..%5cconfig.toml",
            "/..\\config.toml",
            "/./index.html",
            "/%00",
            "/%zz",
            "/%e4%b8",
            "/C:/Windows/win.ini",
            "relative",
            "",
        ] {
            assert_eq!(site_path(raw), None, "{raw}");
        }
    }

    #[test]
    fn decodes_plain_paths() {
        assert_eq!(site_path("/").as_deref(), Some(""));
        assert_eq!(site_path("/scams/?x=1").as_deref(), Some("scams/"));
        assert_eq!(
            site_path("/%E5%8F%8D%E8%AF%88.png").as_deref(),
            Some("反诈.png")
        );
        assert_eq!(site_path("/a..b/c.css").as_deref(), Some("a..b/c.css"));
    }

    #[test]
    fn folders_get_their_index_and_a_slash() {
        let files = ["index.html", "scams/index.html", "main.css"];
        let has = |p: &str| files.contains(&p);
        assert_eq!(resolve("", has), Some(Target::File("index.html".into())));
        assert_eq!(
            resolve("scams/", has),
            Some(Target::File("scams/index.html".into()))
        );
        assert_eq!(
            resolve("scams", has),
            Some(Target::Folder("/scams/".into()))
        );
        assert_eq!(
            resolve("main.css", has),
            Some(Target::File("main.css".into()))
        );
        assert_eq!(resolve("nope/", has), None);
    }

    #[test]
    fn decoration_goes_before_body_end() {
        let snap = Snapshot {
            version: 7,
            files: None,
            error: Some("content/a.md:3: 错误: <坏>".into()),
        };
        let out =
            String::from_utf8(decorate(b"<html><body><p>x</p></body></html>", &snap)).unwrap();
        assert!(out.ends_with("</body></html>"), "{out}");
        assert!(out.contains("data-version=\"7\""), "{out}");
        assert!(out.contains("&lt;坏&gt;"), "{out}");
    }
}
