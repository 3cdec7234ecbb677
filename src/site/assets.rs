//! Stylesheets compiled from Sass with grass, and static files copied as they are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Diagnostic, display_path};
use crate::output::OutFile;

/// Files under `dir`, relative with `/`, skipping hidden ones.
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                display_path(e.path().strip_prefix(dir).expect("inside dir")),
                e.path().to_path_buf(),
            )
        })
        .collect()
}

/// Compiles every non-partial `.scss`/`.sass` file to a compressed `.css` at the same relative
/// path. `dirs` come first-wins: the campaign's `sass/` shadows the theme's.
pub fn compile_sass(root: &Path, dirs: &[PathBuf]) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    let mut entries: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in dirs {
        for (rel, path) in files_under(dir) {
            let name = rel.rsplit('/').next().unwrap_or("");
            let is_sass = rel.ends_with(".scss") || rel.ends_with(".sass");
            if is_sass && !name.starts_with('_') {
                entries.entry(rel).or_insert(path);
            }
        }
    }
    let options = grass::Options::default()
        .style(grass::OutputStyle::Compressed)
        .load_paths(dirs);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (rel, path) in entries {
        match grass::from_path(&path, &options) {
            Ok(css) => {
                let stem = rel.rsplit_once('.').map_or(rel.as_str(), |(s, _)| s);
                out.push(OutFile::bytes(format!("{stem}.css"), css));
            }
            Err(e) => {
                let shown = path.strip_prefix(root).unwrap_or(&path);
                errors.push(Diagnostic::error(shown, format!("Sass 编译错误: {e}")));
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Static files, later folders overriding earlier ones at the same path.
pub fn static_files(dirs: &[PathBuf]) -> BTreeMap<String, OutFile> {
    let mut out = BTreeMap::new();
    for dir in dirs {
        for (rel, path) in files_under(dir) {
            out.insert(rel.clone(), OutFile::copy(rel, path));
        }
    }
    out
}
