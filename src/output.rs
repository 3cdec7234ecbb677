//! The one place that writes the output folder. Files go to a fresh staging folder beside it as
//! they are made (nothing waits in memory for the end), and the folder is swapped in only when
//! the whole build succeeded, so a failed build leaves the previous site as it was. A list of
//! what fanzha wrote is kept inside, so it never clobbers a folder it did not make.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
    // Read on every build over 30,000 files: paths are looked up as they are, not copied.
    let text = fs::read_to_string(out.join(OWNERSHIP_FILE)).unwrap_or_default();
    let listed: HashSet<&str> = text.lines().collect();
    let mut foreign = Vec::new();
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry.map_err(|e| io_err(out)(e.into()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(out).expect("inside out");
        let ours = match rel.to_str() {
            Some(rel) if std::path::MAIN_SEPARATOR == '/' => {
                rel == OWNERSHIP_FILE || listed.contains(rel)
            }
            _ => {
                let rel = crate::diag::display_path(rel);
                rel == OWNERSHIP_FILE || listed.contains(rel.as_str())
            }
        };
        if !ours {
            foreign.push(crate::diag::display_path(rel));
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    foreign.truncate(3);
    Err(OutputError::NotOurs {
        dir: crate::diag::display_path(out),
        examples: foreign.join(", "),
    })
}

/// Where a build hands its files as it makes them: the staging folder of `build`, memory for
/// `serve`, a counter for `check`. Renderers running in parallel call it from many threads.
pub trait Sink: Sync {
    fn put(&self, file: OutFile) -> Result<(), OutputError>;
}

/// Keeps every file in memory (`serve`, tests, benches).
#[derive(Default)]
pub struct Memory(Mutex<Vec<OutFile>>);

impl Memory {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<OutFile> {
        let mut files = self.0.into_inner().expect("no writer panicked");
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Memory {
    fn put(&self, file: OutFile) -> Result<(), OutputError> {
        self.0.lock().expect("no writer panicked").push(file);
        Ok(())
    }
}

/// Keeps nothing but a count and the total size (`check`).
#[derive(Default)]
pub struct Discard {
    pub files: std::sync::atomic::AtomicUsize,
}

impl Sink for Discard {
    fn put(&self, _file: OutFile) -> Result<(), OutputError> {
        self.files
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

/// Every file of an output folder — path (with `/`), size in bytes, modification time in
/// nanoseconds — sorted by path: what the build stamp compares.
pub type Listing = Vec<(String, u64, u128)>;

/// A file's modification time in nanoseconds since 1970 (0 if the system has none).
pub fn modified_ns(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// A new output folder being written beside `out`. Files are written as they come; `commit`
/// swaps the folder in, and dropping it uncommitted removes it, leaving `out` as it was.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    retired: PathBuf,
    /// Files written, in the order they were.
    written: Mutex<Listing>,
    /// Folders made so far (each file's folder is made once, not tried for every file).
    folders: Mutex<std::collections::HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    pub fn begin(out: &Path) -> Result<Staging, OutputError> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_err(parent))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.fanzha-new"));
        let retired = parent.join(format!(".{name}.fanzha-old"));
        for leftover in [&dir, &retired] {
            if leftover.exists() {
                fs::remove_dir_all(leftover).map_err(io_err(leftover))?;
            }
        }
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            retired,
            written: Mutex::new(Vec::new()),
            folders: Mutex::new(Default::default()),
            committed: false,
        })
    }

    /// How many files were written, and their total size in bytes.
    pub fn totals(&self) -> (usize, u64) {
        let w = self.written.lock().expect("no writer panicked");
        (w.len(), w.iter().map(|(_, n, _)| n).sum())
    }

    /// The files written for units (see [`crate::artifact::paths::unit_of`]): how many units
    /// have files, the fewest and most files of one unit, and their total size in bytes.
    pub fn unit_totals(&self) -> UnitTotals {
        let w = self.written.lock().expect("no writer panicked");
        let mut per_unit: std::collections::HashMap<&str, usize> = Default::default();
        let mut bytes = 0;
        for (path, size, _) in w.iter() {
            if let Some(id) = crate::artifact::paths::unit_of(path) {
                *per_unit.entry(id).or_default() += 1;
                bytes += size;
            }
        }
        UnitTotals {
            units: per_unit.len(),
            fewest: per_unit.values().copied().min().unwrap_or(0),
            most: per_unit.values().copied().max().unwrap_or(0),
            bytes,
        }
    }

    /// Lists what fanzha wrote (sorted, so the same build gives the same list) and swaps the new
    /// folder in. The old one is removed on a thread of its own while the build finishes (tens
    /// of thousands of files for a large campaign); the returned [`Committed`] waits for it, and
    /// lists the folder as written (so the build stamp need not walk it).
    pub fn commit(mut self) -> Result<Committed, OutputError> {
        // By path; a path written twice is listed as last written.
        let written: std::collections::BTreeMap<String, (u64, u128)> =
            std::mem::take(&mut *self.written.lock().expect("no writer panicked"))
                .into_iter()
                .map(|(p, size, modified)| (p, (size, modified)))
                .collect();
        let mut own_list = written.keys().cloned().collect::<Vec<_>>().join("\n");
        if !own_list.is_empty() {
            own_list.push('\n');
        }
        let own = self.dir.join(OWNERSHIP_FILE);
        fs::write(&own, own_list).map_err(io_err(&own))?;
        let own_meta = fs::metadata(&own).map_err(io_err(&own))?;
        let mut listing: Listing = written
            .into_iter()
            .map(|(p, (size, modified))| (p, size, modified))
            .collect();
        listing.push((
            OWNERSHIP_FILE.to_string(),
            own_meta.len(),
            modified_ns(&own_meta),
        ));
        listing.sort();
        if self.out.exists() {
            fs::rename(&self.out, &self.retired).map_err(io_err(&self.out))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            let _ = fs::rename(&self.retired, &self.out);
            return Err(io_err(&self.out)(e));
        }
        self.committed = true;
        let retired = self.retired.clone();
        let removal = retired.exists().then(|| {
            std::thread::spawn(move || {
                // What is left (a removal cut short) goes at the next build's start.
                let _ = remove_tree(&retired);
            })
        });
        Ok(Committed {
            listing,
            retired: Retired(removal),
        })
    }
}

/// Removes `dir` and everything in it, folders on every core: the unlinks in one folder wait
/// on each other, those in different folders do not (on tmpfs, the 10,000 page folders of a
/// generated campaign's `cases/` took 0.26 s with `rm -rf`, 0.17 s as two halves at once). A
/// link is removed, never followed, `dir` itself included (an output folder that was a link to
/// another folder leaves that folder as it was).
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    if !fs::symlink_metadata(dir)?.is_dir() {
        return fs::remove_file(dir);
    }
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.into_par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            remove_tree(&e.path())
        } else {
            fs::remove_file(e.path())
        }
    })?;
    fs::remove_dir(dir)
}

/// A build's folder swapped in.
pub struct Committed {
    /// The folder's files as written.
    pub listing: Listing,
    /// The previous folder, being removed.
    pub retired: Retired,
}

/// The previous output folder being removed; dropping this waits until it is gone.
pub struct Retired(Option<std::thread::JoinHandle<()>>);

impl Drop for Retired {
    fn drop(&mut self) {
        if let Some(removal) = self.0.take() {
            let _ = removal.join();
        }
    }
}

/// What a build wrote for its units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitTotals {
    pub units: usize,
    pub fewest: usize,
    pub most: usize,
    pub bytes: u64,
}

impl Sink for Staging {
    fn put(&self, f: OutFile) -> Result<(), OutputError> {
        use std::io::Write;
        let target = self.dir.join(&f.path);
        if let Some(p) = target.parent() {
            self.make_folder(p)?;
        }
        let meta = match &f.content {
            Content::Bytes(b) => match self.link_unchanged(&f.path, b, &target) {
                Some(meta) => Ok(meta),
                None => {
                    let mut file = create_new(&target).map_err(io_err(&target))?;
                    file.write_all(b).map_err(io_err(&target))?;
                    file.metadata()
                }
            },
            Content::Copy(from) => {
                // Never written through: it may be a link to the old folder's file.
                match fs::remove_file(&target) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => {
                        return Err(io_err(&target)(e));
                    }
                    _ => {}
                }
                fs::copy(from, &target).map_err(io_err(from))?;
                fs::metadata(&target)
            }
        }
        .map_err(io_err(&target))?;
        self.written.lock().expect("no writer panicked").push((
            f.path,
            meta.len(),
            modified_ns(&meta),
        ));
        Ok(())
    }
}

/// A new file at `path`. A file already there (the same path handed over twice) is removed
/// first, never written through: it may be a link to the old folder's file.
fn create_new(path: &Path) -> io::Result<fs::File> {
    let new = || fs::File::options().write(true).create_new(true).open(path);
    match new() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            new()
        }
        made => made,
    }
}

impl Staging {
    fn make_folder(&self, folder: &Path) -> Result<(), OutputError> {
        let known = || self.folders.lock().expect("no writer panicked");
        if !known().contains(folder) {
            fs::create_dir_all(folder).map_err(io_err(folder))?;
            known().insert(folder.to_path_buf());
        }
        Ok(())
    }

    /// When the output folder already holds `bytes` at `path`, links that file in as `target`
    /// instead of writing it again (a rebuild after one page was edited leaves most files as
    /// they were); returns its metadata. `None`: write it.
    fn link_unchanged(&self, path: &str, bytes: &[u8], target: &Path) -> Option<fs::Metadata> {
        use std::io::Read;
        let old = self.out.join(path);
        let mut file = fs::File::open(&old).ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() != bytes.len() as u64 {
            return None;
        }
        let mut held = Vec::with_capacity(bytes.len());
        file.read_to_end(&mut held).ok()?;
        if held != bytes {
            return None;
        }
        fs::hard_link(&old, target).ok()?;
        Some(meta)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Writes `files` as the new content of `out`, atomically from the reader's point of view.
pub fn write_site(out: &Path, files: &[OutFile]) -> Result<(), OutputError> {
    let staging = Staging::begin(out)?;
    for f in files {
        staging.put(f.clone())?;
    }
    staging.commit().map(drop)
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

    #[cfg(unix)]
    #[test]
    fn removing_a_tree_removes_links_and_never_follows_them() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let kept = tmp.path().join("kept");
        fs::create_dir_all(kept.join("inner")).unwrap();
        fs::write(kept.join("inner/file.txt"), "mine").unwrap();
        let tree = tmp.path().join("tree");
        fs::create_dir_all(tree.join("a/b")).unwrap();
        fs::write(tree.join("a/b/index.html"), "x").unwrap();
        symlink(&kept, tree.join("a/link")).unwrap();
        remove_tree(&tree).unwrap();
        assert!(!tree.exists());
        // An output folder that is itself a link: the link goes, its target stays.
        let top = tmp.path().join("top");
        symlink(&kept, &top).unwrap();
        remove_tree(&top).unwrap();
        assert!(fs::symlink_metadata(&top).is_err());
        assert_eq!(
            fs::read_to_string(kept.join("inner/file.txt")).unwrap(),
            "mine"
        );
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

    #[test]
    fn unchanged_files_are_linked_and_never_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let old = [
            OutFile::bytes("same.html", "same"),
            OutFile::bytes("edited.html", "old"),
            OutFile::bytes("twice.html", "first"),
        ];
        write_site(&out, &old).unwrap();
        // A build hands one path over twice, as it was and then changed, and fails.
        let staging = Staging::begin(&out).unwrap();
        staging.put(OutFile::bytes("twice.html", "first")).unwrap();
        staging.put(OutFile::bytes("twice.html", "second")).unwrap();
        drop(staging);
        let read = |name: &str| fs::read_to_string(out.join(name)).unwrap();
        assert_eq!(read("twice.html"), "first");
        // A build that succeeds: the unchanged file is the old one, the edited one new.
        #[cfg(unix)]
        let inode = |name: &str| {
            std::os::unix::fs::MetadataExt::ino(&fs::metadata(out.join(name)).unwrap())
        };
        #[cfg(unix)]
        let (same, edited) = (inode("same.html"), inode("edited.html"));
        let new = [
            OutFile::bytes("same.html", "same"),
            OutFile::bytes("edited.html", "new"),
        ];
        write_site(&out, &new).unwrap();
        assert_eq!(
            (read("same.html"), read("edited.html")),
            ("same".into(), "new".into())
        );
        #[cfg(unix)]
        assert_eq!(
            (inode("same.html") == same, inode("edited.html") == edited),
            (true, false)
        );
    }
}
