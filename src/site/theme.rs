//! A theme on disk: `themes/<name>/` with `templates/`, `sass/` and `static/`. The campaign's own
//! `templates/`, `sass/` and `static/` override the theme's files of the same name.

use std::path::{Path, PathBuf};

use minijinja::Environment;
use walkdir::WalkDir;

use crate::diag::{Diagnostic, display_path};

pub struct Theme {
    pub name: String,
    pub dir: PathBuf,
}

impl Theme {
    /// Finds `themes/<name>/` under `root`.
    pub fn find(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let dir = root.join("themes").join(name);
        if dir.join("templates").is_dir() {
            Ok(Theme {
                name: name.to_string(),
                dir,
            })
        } else {
            Err(Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!("找不到主题 themes/{name}/templates/；请检查 theme 的名字，或用 fanzha init 生成的主题"),
            )
            .field("theme"))
        }
    }

    /// Template folders, the campaign's first: a template there replaces the theme's.
    fn template_dirs(&self, root: &Path) -> Vec<PathBuf> {
        vec![root.join("templates"), self.dir.join("templates")]
    }

    /// Loads every `.html`, `.xml` and `.txt` template; syntax errors name template and line.
    pub fn environment(&self, root: &Path) -> Result<Environment<'static>, Vec<Diagnostic>> {
        let mut env = Environment::new();
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid");
        env.set_syntax(syntax);
        env.set_formatter(html_formatter);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        let mut errors = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for dir in self.template_dirs(root) {
            for (name, path) in template_files(&dir) {
                if !seen.insert(name.clone()) {
                    continue;
                }
                let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
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
        if errors.is_empty() {
            Ok(env)
        } else {
            Err(errors)
        }
    }

    /// Where a template named `name` came from, for diagnostics raised while rendering it.
    pub fn template_path(&self, root: &Path, name: &str) -> PathBuf {
        for dir in self.template_dirs(root) {
            let p = dir.join(name);
            if p.is_file() {
                return p.strip_prefix(root).map(Path::to_path_buf).unwrap_or(p);
            }
        }
        PathBuf::from(name)
    }

    /// Sass folders: the campaign's first, so its partials (e.g. `_campaign.scss`) win.
    pub fn sass_dirs(&self, root: &Path) -> Vec<PathBuf> {
        vec![root.join("sass"), self.dir.join("sass")]
    }

    /// Static folders: the theme's first, the campaign's later, so the campaign's files win.
    pub fn static_dirs(&self, root: &Path) -> Vec<PathBuf> {
        vec![self.dir.join("static"), root.join("static")]
    }
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
    let mut last = 0;
    for (i, c) in text.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[last..i])?;
        out.write_str(rep)?;
        last = i + 1;
    }
    out.write_str(&text[last..])?;
    Ok(())
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
    let mut msg = format!("模板错误: {}", e.kind());
    if let Some(detail) = e.detail() {
        msg.push_str(&format!("（{detail}）"));
    }
    let d = Diagnostic::error(file, msg);
    match e.line() {
        Some(l) => d.at_line(l),
        None => d,
    }
}
