//! minijinja as fanzha sets it up for every HTML template it renders — the site's pages and the
//! shortcodes of content: syntax, HTML escaping, where templates are found (the campaign's
//! `templates/` before the theme's), and template errors as diagnostics. It sits below the
//! content model and the renderers, which both render templates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::Environment;
use walkdir::WalkDir;

use crate::diag::{Diagnostic, display_path};

/// The folder of the theme called `name`.
pub fn theme_dir(root: &Path, name: &str) -> PathBuf {
    root.join("themes").join(name)
}

/// Template folders, the campaign's first: a template there replaces the theme's.
pub fn template_dirs(root: &Path, theme_dir: &Path) -> Vec<PathBuf> {
    vec![root.join("templates"), theme_dir.join("templates")]
}

/// An environment with fanzha's syntax settings and HTML escaping, holding no template yet.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("default delimiters are valid");
    env.set_syntax(syntax);
    env.set_formatter(html_formatter);
    env
}

/// Adds every `.html`, `.xml` and `.txt` template of `dirs` to `env`, named by its path inside
/// its folder; a name found in an earlier folder wins. Returns where each template came from
/// (relative to `root`, for diagnostics) and every file that could not be read or compiled.
pub fn load(
    env: &mut Environment<'static>,
    root: &Path,
    dirs: &[PathBuf],
) -> (BTreeMap<String, PathBuf>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut origins = BTreeMap::new();
    for dir in dirs {
        for (name, path) in template_files(dir) {
            if origins.contains_key(&name) {
                continue;
            }
            let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            origins.insert(name.clone(), shown.clone());
            let source = match std::fs::read_to_string(&path) {
                Ok(s) => s,
                Err(e) => {
                    errors.push(Diagnostic::error(&shown, format!("无法读取模板（{e}）")));
                    continue;
                }
            };
            if let Err(e) = env.add_template_owned(name, source) {
                errors.push(template_error(&shown, &e));
            }
        }
    }
    (origins, errors)
}

/// HTML auto-escaping without minijinja's escaping of `/`, which would bloat every URL
/// (`..&#x2f;..&#x2f;style.css`) for no safety gain inside quoted attributes and text.
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &mut minijinja::State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    if value.is_safe() || !matches!(state.auto_escape(), minijinja::AutoEscape::Html) {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = match value.as_str() {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(value.to_string()),
    };
    out.write_str(&escape_html(&text))?;
    Ok(())
}

/// Text made safe to place in HTML text and quoted attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn template_files(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "html" || x == "xml" || x == "txt")
        })
        .map(|e| {
            (
                display_path(e.path().strip_prefix(dir).expect("inside dir")),
                e.path().to_path_buf(),
            )
        })
        .collect()
}

/// A minijinja error as a diagnostic on the template file and line.
pub fn template_error(file: &Path, e: &minijinja::Error) -> Diagnostic {
    let d = Diagnostic::error(file, format!("模板错误: {}", error_text(e)));
    match e.line() {
        Some(l) => d.at_line(l),
        None => d,
    }
}

/// What went wrong in a template, without its place: the kind, and the detail when there is one.
pub fn error_text(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(detail) => format!("{}（{detail}）", e.kind()),
        None => e.kind().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_but_not_slashes() {
        let env = environment();
        let out = env
            .render_named_str(
                "t.html",
                "{{ v }}",
                minijinja::context! { v => "<a href=\"../x/\">'&'</a>" },
            )
            .unwrap();
        assert_eq!(
            out,
            "&lt;a href=&quot;../x/&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
