//! The Content-Security-Policy every rendered page carries: only the site's own files, and the
//! page's inline scripts (the theme's 大字模式 and search scripts) allowed by their hashes.
//!
//! Static hosts rarely let a campaign set response headers, so the policy is a `<meta>` in the
//! page's head. A theme that writes its own CSP `<meta>` keeps it untouched.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The policy for a page whose inline scripts have these `'sha256-…'` sources.
///
/// - `'wasm-unsafe-eval'`: the search runs Pagefind's WebAssembly; it allows compiling
///   WebAssembly, not `eval` of strings.
/// - `style-src 'unsafe-inline'`: Markdown tables align cells with `style=` attributes. Styles
///   cannot run code, and `img-src`/`font-src 'self'` keep them from loading anything outside.
pub fn policy(script_hashes: &[String]) -> String {
    let mut script = String::from("'self' 'wasm-unsafe-eval'");
    for h in script_hashes {
        script.push_str(" '");
        script.push_str(h);
        script.push('\'');
    }
    format!(
        "default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'"
    )
}

/// Adds the policy `<meta>` right after the charset declaration (before any script), hashing
/// every inline script the page has. Pages without a `<head>` and pages that already declare a
/// policy are returned as they are.
pub fn apply(html: String) -> String {
    let head_end = find_ci(&html, "</head").unwrap_or(html.len());
    let lower_head = html[..head_end].to_ascii_lowercase();
    if lower_head.contains("content-security-policy") {
        return html;
    }
    let Some(at) = insertion_point(&lower_head) else {
        return html;
    };
    let hashes: Vec<String> = inline_scripts(&html)
        .into_iter()
        .map(|s| format!("sha256-{}", STANDARD.encode(Sha256::digest(s.as_bytes()))))
        .collect();
    let meta = format!(
        "\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        policy(&hashes)
    );
    let mut out = String::with_capacity(html.len() + meta.len());
    out.push_str(&html[..at]);
    out.push_str(&meta);
    out.push_str(&html[at..]);
    out
}

/// Just after `<meta charset…>` if the head has one, else just after `<head…>`.
fn insertion_point(lower: &str) -> Option<usize> {
    let head = lower.find("<head")?;
    let after_tag = |from: usize| lower[from..].find('>').map(|i| from + i + 1);
    match lower[head..].find("<meta charset") {
        Some(i) => after_tag(head + i),
        None => after_tag(head),
    }
}

/// The text of every `<script>` without a `src`, exactly as the browser hashes it.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(i) = find_ci(&html[rest..], "<script") {
        let open = rest + i;
        let Some(end_tag) = html[open..].find('>').map(|j| open + j) else {
            break;
        };
        let tag = &html[open..end_tag];
        let body_start = end_tag + 1;
        let Some(close) = find_ci(&html[body_start..], "</script").map(|j| body_start + j) else {
            break;
        };
        if !has_src(tag) {
            found.push(&html[body_start..close]);
        }
        rest = close;
    }
    found
}

fn has_src(tag: &str) -> bool {
    tag.to_ascii_lowercase()
        .split(|c: char| c.is_ascii_whitespace())
        .any(|attr| attr.starts_with("src="))
}

/// Where `needle` (a tag, starting with `<`) first occurs in `hay`, in any letter case. It jumps
/// from one `<` to the next (SIMD memchr), as a page has few of them: every page of a site goes
/// through here.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (bytes, n) = (hay.as_bytes(), needle.as_bytes());
    memchr::memchr_iter(b'<', bytes).find(|&at| {
        bytes
            .get(at..at + n.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>t</title>\
                    <script>alert(1)</script></head><body><script src=\"a.js\"></script>\
                    <SCRIPT type=\"module\">x()</SCRIPT></body></html>"
            .to_string();
        let out = apply(html);
        let meta_at = out.find("Content-Security-Policy").unwrap();
        assert!(
            meta_at < out.find("<title>").unwrap(),
            "policy before scripts"
        );
        // sha256("alert(1)") and sha256("x()"), as `openssl dgst -binary | base64` gives them.
        assert!(
            out.contains("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"),
            "{out}"
        );
        assert!(
            out.contains("'sha256-D6IGS8VMvCoyaR/l0h9tERrBTATY01CoPS7l6xDv0kI='"),
            "{out}"
        );
        assert_eq!(out.matches("sha256-").count(), 2, "{out}");
    }

    #[test]
    fn a_theme_policy_is_kept() {
        let html =
            "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"x\"></head></html>";
        assert_eq!(apply(html.to_string()), html);
    }
}
