//! The build cache: costly products (PDFs with their previews, display slides, share cards) kept
//! under a key that hashes everything they depend on — fanzha's version, the theme's Typst files,
//! the fonts, the job's data — and reused by the next build and by `serve`. It lives in
//! `.fanzha-cache/` in the campaign folder, outside the output, with a size bound. An entry that
//! is truncated or whose bytes do not match its checksum is rebuilt, never published.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

/// Folder of the cache inside the campaign.
pub const CACHE_DIR: &str = ".fanzha-cache";
/// Default size bound; the least recently used entries go first.
pub const DEFAULT_MAX_BYTES: u64 = 1024 * 1024 * 1024;
/// Folder of the parts of products (one page's share of the search index) inside the cache.
pub const PARTS_DIR: &str = "parts";

/// The ledger inside the cache: its size in bytes as last measured plus what builds stored
/// since, and how many builds ago it was measured. A build with the ledger under the bound does
/// not walk tens of thousands of entries to measure it.
const LEDGER: &str = "size";
/// Builds between measurements, whatever the ledger says: builds running at once (a `serve` and
/// a `build`) may each miss what the other stored.
const MEASURE_EVERY: u64 = 16;

/// A whole product, counted, or a part of one, not counted.
#[derive(Clone, Copy)]
enum Kind {
    Product,
    Part,
}

/// Bumped when the entry format changes: older entries are then simply not found.
const FORMAT: &[u8; 4] = b"FZC1";

/// What a product depends on, hashed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Key([u8; 32]);

impl Key {
    /// Hashes `parts` with their lengths, so `("ab", "c")` and `("a", "bc")` differ.
    pub fn of(parts: &[&[u8]]) -> Key {
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p);
        }
        Key(h.finalize().into())
    }

    /// Hashes `parts` as they come, for keys over many or large inputs.
    pub fn of_iter<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Key {
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p);
        }
        Key(h.finalize().into())
    }

    fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl Key {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Makes a [`Key`] of values that hash themselves (`impl Hash`, as a template's input does): the
/// same values hashed the same way give the same key, in this build as in the next.
pub struct KeyHasher(Sha256);

impl KeyHasher {
    /// Starts from `base`, the key of what every value hashed here shares.
    pub fn from(base: &Key) -> KeyHasher {
        let mut h = Sha256::new();
        h.update(base.0);
        KeyHasher(h)
    }

    pub fn key(self) -> Key {
        Key(self.0.finalize().into())
    }
}

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The first eight bytes of the key so far.
    fn finish(&self) -> u64 {
        let digest: [u8; 32] = self.0.clone().finalize().into();
        u64::from_le_bytes(digest[..8].try_into().expect("eight bytes"))
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.hex())
    }
}

/// The cache of one build (or of one `serve` session), counting what it made and reused.
pub struct Cache {
    dir: Option<PathBuf>,
    max_bytes: u64,
    made: AtomicUsize,
    reused: AtomicUsize,
    /// What was made anew, by the label the caller gave (its output path).
    made_labels: Mutex<Vec<String>>,
    /// Bytes of the entries this run stored.
    stored: AtomicU64,
}

impl Cache {
    /// A cache in `dir` (created when first written).
    pub fn open(dir: PathBuf, max_bytes: u64) -> Cache {
        Cache {
            dir: Some(dir),
            max_bytes,
            made: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            made_labels: Mutex::new(Vec::new()),
            stored: AtomicU64::new(0),
        }
    }

    /// No cache: everything is made (`--no-cache`); still counts.
    pub fn disabled() -> Cache {
        Cache {
            dir: None,
            max_bytes: 0,
            made: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            made_labels: Mutex::new(Vec::new()),
            stored: AtomicU64::new(0),
        }
    }

    /// Whether entries are read and stored (not `--no-cache`): a caller may then skip hashing
    /// what only a key would need.
    pub fn enabled(&self) -> bool {
        self.dir.is_some()
    }

    /// The campaign's cache folder.
    pub fn dir_of(root: &Path) -> PathBuf {
        root.join(CACHE_DIR)
    }

    /// The blobs stored under `key`, or those `make` produces (then stored). A damaged entry
    /// counts as missing.
    pub fn get_or_make<E>(
        &self,
        label: &str,
        key: &Key,
        make: impl FnOnce() -> Result<Vec<Vec<u8>>, E>,
    ) -> Result<Vec<Vec<u8>>, E> {
        let (blobs, made) = self.fetch(key, Kind::Product, make)?;
        if made {
            self.made.fetch_add(1, Ordering::Relaxed);
            self.made_labels
                .lock()
                .expect("no maker panicked")
                .push(label.to_string());
        } else {
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        Ok(blobs)
    }

    /// Like [`Cache::get_or_make`], for a part of a product (one page's share of the search
    /// index): stored and reused the same way, but not counted nor listed — its product is.
    pub fn part<E>(
        &self,
        key: &Key,
        make: impl FnOnce() -> Result<Vec<Vec<u8>>, E>,
    ) -> Result<Vec<Vec<u8>>, E> {
        self.fetch(key, Kind::Part, make).map(|(blobs, _)| blobs)
    }

    /// The entry's blobs, or those `make` produces, then stored; and whether they were made.
    fn fetch<E>(
        &self,
        key: &Key,
        kind: Kind,
        make: impl FnOnce() -> Result<Vec<Vec<u8>>, E>,
    ) -> Result<(Vec<Vec<u8>>, bool), E> {
        if let Some(blobs) = self.get(self.entry(key, kind)) {
            return Ok((blobs, false));
        }
        let blobs = make()?;
        // A cache that cannot be written only costs time next build.
        let _ = self.put(self.entry(key, kind), &blobs);
        Ok((blobs, true))
    }

    /// The labels of what was made anew, sorted.
    pub fn made_labels(&self) -> Vec<String> {
        let mut labels = self.made_labels.lock().expect("no maker panicked").clone();
        labels.sort();
        labels
    }

    /// How many products were made and how many reused so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.made.load(Ordering::Relaxed),
            self.reused.load(Ordering::Relaxed),
        )
    }

    /// Products in `ab/cdef…`, parts in `parts/ab/cdef…` (so a damaged product can be told
    /// from a damaged part, in tests as by eye).
    fn entry(&self, key: &Key, kind: Kind) -> Option<PathBuf> {
        let hex = key.hex();
        let dir = self.dir.as_ref()?;
        let dir = match kind {
            Kind::Product => dir.clone(),
            Kind::Part => dir.join(PARTS_DIR),
        };
        Some(dir.join(&hex[..2]).join(&hex[2..]))
    }

    fn get(&self, path: Option<PathBuf>) -> Option<Vec<Vec<u8>>> {
        use std::io::Read;
        let path = path?;
        // One open for reading and touching: a search index reads thousands of small entries.
        let mut file = fs::File::options()
            .read(true)
            .append(true)
            .open(&path)
            .ok()?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).ok()?;
        match decode(&bytes) {
            Some(blobs) => {
                // Touch it (at most once an hour), so trimming keeps what builds still use.
                let now = std::time::SystemTime::now();
                let stale = file
                    .metadata()
                    .and_then(|m| m.modified())
                    .map_or(true, |t| {
                        now.duration_since(t).is_ok_and(|d| d.as_secs() > 3600)
                    });
                if stale {
                    let _ = file.set_modified(now);
                }
                Some(blobs)
            }
            None => {
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    fn put(&self, path: Option<PathBuf>, blobs: &[Vec<u8>]) -> io::Result<()> {
        let Some(path) = path else {
            return Ok(());
        };
        let bytes = encode(blobs);
        write_whole(&path, &bytes)?;
        self.stored.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Removes the least recently used entries until the cache is within its size bound. The
    /// cache is measured only when its ledger says it may be over, or every few builds.
    pub fn trim(&self) -> io::Result<()> {
        let Some(dir) = &self.dir else { return Ok(()) };
        if !dir.exists() {
            return Ok(());
        }
        let ledger = dir.join(LEDGER);
        let stored = self.stored.load(Ordering::Relaxed);
        if let Some((size, builds)) = read_ledger(&ledger) {
            let size = size.saturating_add(stored);
            if size <= self.max_bytes && builds + 1 < MEASURE_EVERY {
                return write_ledger(&ledger, size, builds + 1);
            }
        }
        let mut entries = Vec::new();
        let mut total = 0u64;
        for e in walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            if !e.file_type().is_file() || e.path() == ledger {
                continue;
            }
            let meta = e.metadata().map_err(io::Error::other)?;
            total += meta.len();
            let when = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
            entries.push((when, meta.len(), e.into_path()));
        }
        entries.sort();
        for (_, len, path) in entries {
            if total <= self.max_bytes {
                break;
            }
            fs::remove_file(&path)?;
            total -= len;
        }
        write_ledger(&ledger, total, 0)
    }
}

/// The ledger's size and builds since the last measurement, if it reads as such.
fn read_ledger(path: &Path) -> Option<(u64, u64)> {
    let text = fs::read_to_string(path).ok()?;
    let (size, builds) = text.trim().split_once(' ')?;
    Some((size.parse().ok()?, builds.parse().ok()?))
}

fn write_ledger(path: &Path, size: u64, builds: u64) -> io::Result<()> {
    fs::write(path, format!("{size} {builds}\n"))
}

/// Inputs per run on average. A run ends before an input whose name hashes to a multiple of
/// this, so adding or removing an input changes only its own run, not every run after it.
const PER_RUN: u64 = 64;

/// How inputs named `names`, sorted, are cut into runs that are each kept as one part (the
/// search index of 10,000 pages, the 公众号 articles' bodies): ranges of their indexes, in
/// order, covering all. A build with one input edited then reads a few hundred parts, not one per
/// input, and makes one again.
pub fn runs(names: &[&str]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (i, name) in names.iter().enumerate().skip(1) {
        if crate::shard::stable_hash(name).is_multiple_of(PER_RUN) {
            ranges.push(start..i);
            start = i;
        }
    }
    if start < names.len() {
        ranges.push(start..names.len());
    }
    ranges
}

/// What identifies the running fanzha: its version and its binary's size and modification time
/// (a rebuilt fanzha may lay out or encode differently under the same version number). Every key
/// includes it.
pub fn program_id() -> Vec<u8> {
    let mut id = env!("CARGO_PKG_VERSION").as_bytes().to_vec();
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|p| fs::metadata(p).ok())
    {
        id.extend(meta.len().to_le_bytes());
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        id.extend(modified.map_or(0, |d| d.as_nanos()).to_le_bytes());
    }
    id
}

/// Writes `bytes` to `path` (making its folder) through a temporary file beside it, renamed over
/// `path`: a reader sees the old file or the whole new one, never part of it. Each call has a
/// temporary file of its own (two threads may store the same entry at once), removed if writing
/// fails.
pub fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(|| "entry".into(), |n| n.to_string_lossy());
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// `fanzha clean`: removes the campaign's cache folder; returns the bytes it held.
pub fn clean(root: &Path) -> io::Result<u64> {
    let dir = Cache::dir_of(root);
    if !dir.exists() {
        return Ok(0);
    }
    let size = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    fs::remove_dir_all(&dir)?;
    Ok(size)
}

/// `FZC1`, the SHA-256 of the payload, then the payload: a count and each blob with its length.
fn encode(blobs: &[Vec<u8>]) -> Vec<u8> {
    let mut payload = Vec::new();
    payload.extend((blobs.len() as u32).to_le_bytes());
    for b in blobs {
        payload.extend((b.len() as u64).to_le_bytes());
        payload.extend(b);
    }
    let mut out = Vec::with_capacity(payload.len() + 36);
    out.extend(FORMAT);
    out.extend(Sha256::digest(&payload));
    out.extend(payload);
    out
}

/// The blobs of an entry, or `None` when it is not one whole, intact entry.
fn decode(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let rest = bytes.strip_prefix(FORMAT)?;
    let (sum, payload) = rest.split_at_checked(32)?;
    if Sha256::digest(payload).as_slice() != sum {
        return None;
    }
    let (count, mut rest) = payload.split_at_checked(4)?;
    let count = u32::from_le_bytes(count.try_into().ok()?);
    let mut blobs = Vec::new();
    for _ in 0..count {
        let (len, tail) = rest.split_at_checked(8)?;
        let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
        let (blob, tail) = tail.split_at_checked(len)?;
        blobs.push(blob.to_vec());
        rest = tail;
    }
    rest.is_empty().then_some(blobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_write_replaces_the_file_and_leaves_nothing_beside_it() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a/b/entry");
        write_whole(&path, b"first").unwrap();
        write_whole(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(tmp.path().join("a/b"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["entry"]);
        // A folder where the file should be: the write fails and its temporary file is gone.
        fs::create_dir_all(tmp.path().join("c/entry")).unwrap();
        assert!(write_whole(&tmp.path().join("c/entry"), b"x").is_err());
        assert_eq!(fs::read_dir(tmp.path().join("c")).unwrap().count(), 1);
    }

    #[test]
    fn an_input_added_changes_only_its_own_run() {
        let paths: Vec<String> = (0..2000)
            .map(|i| format!("cases/{i:05}/index.html"))
            .collect();
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        let ranges = runs(&refs);
        // Every page in exactly one part, in order.
        assert_eq!(ranges.first().map(|r| r.start), Some(0));
        assert_eq!(ranges.last().map(|r| r.end), Some(paths.len()));
        assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
        assert!((15..=60).contains(&ranges.len()), "{} parts", ranges.len());
        // A page added in the middle: the parts as lists of paths, all but one the same.
        let parts = |refs: &[&str]| -> Vec<Vec<String>> {
            runs(refs)
                .into_iter()
                .map(|r| refs[r].iter().map(|p| p.to_string()).collect())
                .collect()
        };
        let before = parts(&refs);
        let mut added = refs.clone();
        added.insert(1000, "cases/00999a/index.html");
        let after = parts(&added);
        let changed = after.iter().filter(|p| !before.contains(p)).count();
        assert_eq!(changed, 1);
    }

    #[test]
    fn stores_reuses_and_rebuilds_damaged_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path().join("c"), DEFAULT_MAX_BYTES);
        let key = Key::of(&[b"poster", b"{\"title\":1}"]);
        let make = || Ok::<_, ()>(vec![b"pdf".to_vec(), b"png".to_vec()]);
        assert_eq!(cache.get_or_make("t", &key, make).unwrap()[1], b"png");
        assert_eq!(cache.get_or_make("t", &key, || Err(())).unwrap()[0], b"pdf");
        assert_eq!(cache.counts(), (1, 1));

        // Truncate the entry: it is not used, it is made again.
        let path = cache.entry(&key, Kind::Product).unwrap();
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() - 2]).unwrap();
        let again = cache.get_or_make("t", &key, || Ok::<_, ()>(vec![b"new".to_vec()]));
        assert_eq!(again.unwrap(), vec![b"new".to_vec()]);
        // Flip a byte of the payload: the checksum catches it.
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&path, &bytes).unwrap();
        assert!(cache.get(Some(path)).is_none());
    }

    #[test]
    fn keys_separate_their_parts() {
        assert_ne!(Key::of(&[b"ab", b"c"]), Key::of(&[b"a", b"bc"]));
    }

    #[test]
    fn trims_to_its_bound() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path().join("c"), 120); // one 108-byte entry fits
        for i in 0..5u8 {
            let blob = vec![i; 60];
            cache
                .get_or_make("t", &Key::of(&[&[i]]), || Ok::<_, ()>(vec![blob]))
                .unwrap();
        }
        cache.trim().unwrap();
        let entries = || {
            walkdir::WalkDir::new(tmp.path().join("c"))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file() && e.file_name() != LEDGER)
                .count()
        };
        assert_eq!(entries(), 1);
        assert_eq!(
            read_ledger(&tmp.path().join("c").join(LEDGER)),
            Some((108, 0))
        );
        // The next build's entries are added to the ledger; over the bound, it measures again.
        let again = Cache::open(tmp.path().join("c"), 120);
        again
            .get_or_make("t", &Key::of(&[b"new"]), || Ok::<_, ()>(vec![vec![7; 60]]))
            .unwrap();
        again.trim().unwrap();
        assert_eq!(entries(), 1);
        // Under the bound, it trusts the ledger.
        let small = Cache::open(tmp.path().join("c"), 1000);
        small.trim().unwrap();
        assert_eq!(
            read_ledger(&tmp.path().join("c").join(LEDGER)),
            Some((108, 1))
        );
    }
}
