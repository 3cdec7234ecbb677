//! The build stamp: what the last build of an output folder read and wrote. A build whose
//! campaign files, fonts, options and fanzha are all as they were, into an output folder nobody
//! has touched since, has nothing to do and leaves the folder as it is — as `make` and `cargo`
//! do. Files are compared by size and modification time, as those tools compare them.
//!
//! The stamp lives in the build cache (`.fanzha-cache/stamps/`), so `fanzha clean` and
//! `--no-cache` make the next build a full one.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cache::{CACHE_DIR, Key};
use crate::output::{Listing, modified_ns};

/// Folders of the campaign never read by a build.
const NOT_INPUTS: &[&str] = &["node_modules", "target"];

/// What a build printed, kept to say it again when nothing changed.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct Report {
    /// The warnings, as printed.
    pub warnings: Vec<String>,
    pub pages: usize,
    pub sections: usize,
    /// Units of the units table (0 without one).
    #[serde(default)]
    pub units: usize,
    pub files: usize,
    pub bytes: u64,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Stamp {
    inputs: String,
    /// Every file of the output folder: path, size, modification time (ns).
    outputs: Listing,
    report: Report,
}

/// Hashes everything a build of `root` into `out` depends on beyond its files' contents:
/// `options` (the command line as it affects the output), the fanzha binary, the environment
/// that fixes dates, every file of the campaign (but the output and hidden folders) and the
/// system's fonts, each by path, size and modification time.
pub fn inputs(root: &Path, out: &Path, options: &str) -> Key {
    let mut listing = Vec::new();
    listing.extend_from_slice(&crate::cache::program_id());
    listing.extend_from_slice(options.as_bytes());
    listing.push(0);
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        listing.extend_from_slice(epoch.as_bytes());
    }
    listing.push(0);
    let out = fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf());
    list_files(root, &mut |path| path != out, &mut listing);
    for dir in font_dirs() {
        list_files(&dir, &mut |_| true, &mut listing);
    }
    Key::of(&[&listing])
}

/// The report of the last build of `out` if that build had the same `inputs` and the output
/// folder is exactly as it left it.
pub fn current(root: &Path, out: &Path, inputs: &Key) -> Option<Report> {
    if !out.is_dir() {
        return None;
    }
    let bytes = fs::read(stamp_path(root, out)).ok()?;
    let stamp: Stamp = serde_json::from_slice(&bytes).ok()?;
    if stamp.inputs != inputs.to_string() || stamp.outputs != output_listing(out) {
        return None;
    }
    Some(stamp.report)
}

/// Forgets the stamp of `out`: the folder is about to change.
pub fn forget(root: &Path, out: &Path) {
    let _ = fs::remove_file(stamp_path(root, out));
}

/// Records the build of `out` just finished, which wrote `outputs` there. Failing to write the
/// stamp costs only the next build's shortcut, so it is not an error.
pub fn record(root: &Path, out: &Path, inputs: &Key, report: Report, outputs: Listing) {
    let stamp = Stamp {
        inputs: inputs.to_string(),
        outputs,
        report,
    };
    let Ok(json) = serde_json::to_vec(&stamp) else {
        return;
    };
    let _ = crate::cache::write_whole(&stamp_path(root, out), &json);
}

/// One stamp per output folder, named by its absolute path.
fn stamp_path(root: &Path, out: &Path) -> PathBuf {
    let out = fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf());
    let name = Key::of(&[out.to_string_lossy().as_bytes()]).to_string();
    root.join(CACHE_DIR).join("stamps").join(&name[..32])
}

/// The files of `out` as the output writer lists them ([`Listing`]).
fn output_listing(out: &Path) -> Listing {
    let mut listing = Vec::new();
    for e in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let Ok(meta) = e.metadata() else { continue };
        let rel = e.path().strip_prefix(out).unwrap_or(e.path());
        listing.push((
            crate::diag::display_path(rel),
            meta.len(),
            modified_ns(&meta),
        ));
    }
    listing.sort();
    listing
}

/// Appends path, size and modification time of every file under `dir` (sorted, hidden entries
/// and [`NOT_INPUTS`] left out) for which `keep` holds on its folder.
fn list_files(dir: &Path, keep: &mut dyn FnMut(&Path) -> bool, listing: &mut Vec<u8>) {
    let walk = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(name.starts_with('.')
                    || (e.file_type().is_dir() && NOT_INPUTS.contains(&name.as_ref())))
        });
    let mut skipped: Option<PathBuf> = None;
    for e in walk.filter_map(Result::ok) {
        if skipped.as_ref().is_some_and(|s| e.path().starts_with(s)) {
            continue;
        }
        if e.file_type().is_dir() {
            let canonical = fs::canonicalize(e.path()).unwrap_or_else(|_| e.path().into());
            if !keep(&canonical) {
                skipped = Some(e.path().to_path_buf());
            }
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        listing.extend_from_slice(e.path().to_string_lossy().as_bytes());
        listing.push(0);
        listing.extend_from_slice(&meta.len().to_le_bytes());
        listing.extend_from_slice(&modified_ns(&meta).to_le_bytes());
    }
}

/// Where the system's fonts are, as the font scan looks for them.
fn font_dirs() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut dirs: Vec<PathBuf> = if cfg!(target_os = "windows") {
        let mut d = vec![PathBuf::from(r"C:\Windows\Fonts")];
        if let Some(local) = std::env::var_os("LOCALAPPDATA") {
            d.push(PathBuf::from(local).join(r"Microsoft\Windows\Fonts"));
        }
        d
    } else if cfg!(target_os = "macos") {
        let mut d = vec![
            PathBuf::from("/Library/Fonts"),
            PathBuf::from("/System/Library/Fonts"),
        ];
        d.extend(home.iter().map(|h| h.join("Library/Fonts")));
        d
    } else {
        let mut d = vec![
            PathBuf::from("/usr/share/fonts"),
            PathBuf::from("/usr/local/share/fonts"),
        ];
        d.extend(
            home.iter()
                .flat_map(|h| [h.join(".fonts"), h.join(".local/share/fonts")]),
        );
        d
    };
    dirs.retain(|d| d.is_dir());
    dirs
}
