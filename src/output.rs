//! The one place that writes the output folder. Files are written to a fresh folder beside it and
//! swapped in only when all are written, so a failed build leaves the previous site as it was.
//! A list of what fanzha wrote is kept inside, so it never clobbers a folder it did not make.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Lists the files of the last build; a folder without it (and not empty) is not fanzha's.
pub const OWNERSHIP_FILE: &str = ".fanzha-files";

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct OutFile {
    /// Relative path with `/` separators.
    pub path: String,
    pub content: Content,
}

#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    /// A file copied as it is (static files, co-located images).
    Copy(PathBuf),
}

impl OutFile {
    pub fn bytes(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutFile {
            path: path.into(),
            content: Content::Bytes(bytes.into()),
        }
    }

    pub fn copy(path: impl Into<String>, from: impl Into<PathBuf>) -> Self {
        OutFile {
            path: path.into(),
            content: Content::Copy(from.into()),
        }
    }
}

#[derive(Debug, Error)]
pub enum OutputError {
    #[error(
        "输出文件夹 {dir} 里有不是 fanzha 生成的文件（例如 {examples}）；为避免误删，已停止。请换一个输出文件夹，或加 --force 覆盖"
    )]
    NotOurs { dir: String, examples: String },
    #[error("写入 {path} 失败: {source}")]
    Io { path: String, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: crate::diag::display_path(path),
        source,
    }
}

/// Refuses folders that hold files fanzha did not write, unless `force`.
pub fn check_ownership(out: &Path, force: bool) -> Result<(), OutputError> {
    if force || !out.exists() {
        return Ok(());
    }
    let listed: BTreeSet<String> = match fs::read_to_string(out.join(OWNERSHIP_FILE)) {
        Ok(text) => text.lines().map(str::to_string).collect(),
        Err(_) => BTreeSet::new(),
    };
    let mut foreign = Vec::new();
    for entry in walkdir::WalkDir::new(out).sort_by_file_name().min_depth(1) {
        let entry = entry.map_err(|e| io_err(out)(e.into()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = crate::diag::display_path(entry.path().strip_prefix(out).expect("inside out"));
        if rel != OWNERSHIP_FILE && !listed.contains(&rel) {
            foreign.push(rel);
        }
    }
    if foreign.is_empty() {
        Ok(())
    } else {
        let examples = foreign
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        Err(OutputError::NotOurs {
            dir: crate::diag::display_path(out),
            examples,
        })
    }
}

/// Writes `files` as the new content of `out`, atomically from the reader's point of view.
pub fn write_site(out: &Path, files: &[OutFile]) -> Result<(), OutputError> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io_err(parent))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.fanzha-new"));
    let retired = parent.join(format!(".{name}.fanzha-old"));
    for leftover in [&staging, &retired] {
        if leftover.exists() {
            fs::remove_dir_all(leftover).map_err(io_err(leftover))?;
        }
    }
    if let Err(e) = write_all(&staging, files) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        fs::rename(out, &retired).map_err(io_err(out))?;
    }
    if let Err(e) = fs::rename(&staging, out) {
        let _ = fs::rename(&retired, out);
        return Err(io_err(out)(e));
    }
    if retired.exists() {
        fs::remove_dir_all(&retired).map_err(io_err(&retired))?;
    }
    Ok(())
}

fn write_all(dir: &Path, files: &[OutFile]) -> Result<(), OutputError> {
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let mut listing = String::new();
    for f in files {
        let target = dir.join(&f.path);
        if let Some(p) = target.parent() {
            fs::create_dir_all(p).map_err(io_err(p))?;
        }
        match &f.content {
            Content::Bytes(b) => fs::write(&target, b).map_err(io_err(&target))?,
            Content::Copy(from) => {
                fs::copy(from, &target).map_err(io_err(from))?;
            }
        }
        listing.push_str(&f.path);
        listing.push('\n');
    }
    let own = dir.join(OWNERSHIP_FILE);
    fs::write(&own, listing).map_err(io_err(&own))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_in_new_site_and_owns_it() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&out, &[OutFile::bytes("a/index.html", "one")]).unwrap();
        check_ownership(&out, false).unwrap();
        write_site(&out, &[OutFile::bytes("b.txt", "two")]).unwrap();
        assert!(!out.join("a/index.html").exists());
        assert_eq!(fs::read_to_string(out.join("b.txt")).unwrap(), "two");
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn refuses_foreign_folders_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("notes.md"), "mine").unwrap();
        let err = check_ownership(tmp.path(), false).unwrap_err().to_string();
        assert!(err.contains("notes.md"), "{err}");
        check_ownership(tmp.path(), true).unwrap();
    }

    #[test]
    fn failed_write_keeps_old_site() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&out, &[OutFile::bytes("index.html", "old")]).unwrap();
        let bad = [OutFile::copy("x.png", tmp.path().join("missing.png"))];
        assert!(write_site(&out, &bad).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert!(!tmp.path().join(".public.fanzha-new").exists());
    }
}
