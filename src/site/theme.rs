//! A theme on disk: `themes/<name>/` with `templates/`, `sass/` and `static/`. The campaign's own
//! `templates/`, `sass/` and `static/` override the theme's files of the same name.

use std::path::{Path, PathBuf};

use minijinja::Environment;

use crate::diag::Diagnostic;

pub struct Theme {
    pub name: String,
    pub dir: PathBuf,
}

impl Theme {
    /// Finds `themes/<name>/` under `root`.
    pub fn find(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let dir = crate::templates::theme_dir(root, name);
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
        crate::templates::template_dirs(root, &self.dir)
    }

    /// Loads every `.html`, `.xml` and `.txt` template; syntax errors name template and line.
    pub fn environment(&self, root: &Path) -> Result<Environment<'static>, Vec<Diagnostic>> {
        let mut env = crate::templates::environment();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        let (_, errors) = crate::templates::load(&mut env, root, &self.template_dirs(root));
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

pub use crate::templates::template_error;
