//! The shape of the code: renderers are siblings. No file of one renderer (print, screens, share
//! cards, page images, site, search, 公众号 articles, SMS, broadcast scripts) names another renderer, nor the pipeline or the commands
//! above them; what they share lives below them (artifact, channels, zh, typeset, content, …),
//! and the content model with its shortcodes names none of them.

use std::path::Path;

use crate::support::REPO;

/// Each renderer and the files that make it up.
const RENDERERS: &[(&str, &str)] = &[
    ("print", "src/print"),
    ("screens", "src/screens"),
    ("share", "src/share.rs"),
    ("images", "src/images"),
    ("reports", "src/reports"),
    ("site", "src/site"),
    ("search", "src/search.rs"),
    ("search", "src/search"),
    ("wechat", "src/wechat"),
    ("sms", "src/sms.rs"),
    ("broadcast", "src/broadcast.rs"),
];

/// Modules that sit above the renderers and wire them.
const ABOVE: &[&str] = &["pipeline", "cmd", "serve"];

fn rust_files(rel: &str) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(Path::new(REPO).join(rel))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect()
}

/// The modules of `crate` a source text names: `crate::print::…` and `use crate::{print, …}`.
fn named_modules(text: &str) -> Vec<String> {
    let single = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let grouped = regex::Regex::new(r"crate::\{([^}]*)\}").unwrap();
    let mut out: Vec<String> = single
        .captures_iter(text)
        .map(|c| c[1].to_string())
        .collect();
    for c in grouped.captures_iter(text) {
        out.extend(
            c[1].split(',')
                .map(|p| p.trim().split("::").next().unwrap_or("").to_string()),
        );
    }
    out
}

#[test]
fn no_renderer_imports_another_or_what_wires_them() {
    let mut found = Vec::new();
    for (me, rel) in RENDERERS {
        let forbidden: Vec<&str> = RENDERERS
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| name != me)
            .chain(ABOVE.iter().copied())
            .collect();
        let files = rust_files(rel);
        assert!(!files.is_empty(), "{rel} has no Rust files");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for m in named_modules(&text) {
                if forbidden.contains(&m.as_str()) {
                    found.push(format!("{}: names crate::{m}", file.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "renderers must stay siblings:\n{}",
        found.join("\n")
    );
}

/// The content model and what it renders bodies with sit below every renderer.
const BELOW: &[&str] = &[
    "src/content",
    "src/shortcode",
    "src/templates.rs",
    "src/markdown.rs",
    "src/calendar.rs",
];

#[test]
fn the_model_and_its_shortcodes_name_no_renderer() {
    let above: Vec<&str> = RENDERERS
        .iter()
        .map(|(name, _)| *name)
        .chain(ABOVE.iter().copied())
        .collect();
    let mut found = Vec::new();
    for rel in BELOW {
        let files = rust_files(rel);
        assert!(!files.is_empty(), "{rel} has no Rust files");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for m in named_modules(&text) {
                if above.contains(&m.as_str()) {
                    found.push(format!("{}: names crate::{m}", file.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the model must stay below the renderers:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_rule_sees_both_import_forms() {
    let text = "use crate::print::ManifestEntry;\nuse crate::{zh, screens::ScreenEntry};";
    assert_eq!(named_modules(text), ["print", "zh", "screens"]);
}

#[test]
fn build_check_and_serve_go_through_the_one_pipeline() {
    for rel in [
        "src/cmd/build.rs",
        "src/cmd/check.rs",
        "src/serve/rebuild.rs",
    ] {
        let text = std::fs::read_to_string(Path::new(REPO).join(rel)).unwrap();
        assert!(
            text.contains("pipeline::"),
            "{rel} does not use the pipeline"
        );
        for renderer in [
            "print::render",
            "screens::render",
            "share::render",
            "search::index",
        ] {
            assert!(!text.contains(renderer), "{rel} calls {renderer} itself");
        }
    }
}
