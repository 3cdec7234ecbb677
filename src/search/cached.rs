//! The search index through the build cache: each page's share kept under the page's HTML, each
//! part of the index (a run of pages, see [`crate::cache::runs`]) under its pages', and the bundle
//! under all of them. A site rebuilt unchanged is not indexed again, and one with a page edited
//! reads only that page again and puts together the parts.

use rayon::prelude::*;

use super::{IndexPart, PageIndex};
use crate::cache::{Cache, Key};
use crate::diag::Diagnostic;
use crate::output::{Content, OutFile};

/// The search bundle of `site`, from `cache` where it can.
pub fn index_cached(cache: &Cache, site: &[OutFile]) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    let id = crate::cache::program_id();
    let pages = indexed_pages(site);
    let keys: Vec<Key> = pages
        .par_iter()
        .map(|(path, html)| Key::of(&[&id, b"search-page", path.as_bytes(), html.as_bytes()]))
        .collect();
    let key = Key::of_iter(
        [id.as_slice(), b"search".as_slice()]
            .into_iter()
            .chain(keys.iter().map(Key::as_bytes)),
    );
    let blobs = cache
        .get_or_make(super::BUNDLE_DIR, &key, || {
            make_bundle(cache, &id, &pages, &keys)
        })
        .map_err(|d: Diagnostic| vec![d])?;
    files_of(&blobs)
}

/// The site's pages that take part in the index (path and HTML), by path.
fn indexed_pages(site: &[OutFile]) -> Vec<(&str, &str)> {
    let mut pages: Vec<(&str, &str)> = site
        .par_iter()
        .filter(|f| f.path.ends_with(".html"))
        .filter_map(|f| match &f.content {
            Content::Bytes(b) => Some((f.path.as_str(), std::str::from_utf8(b).ok()?)),
            Content::Copy(_) => None,
        })
        .filter(|(_, html)| PageIndex::wanted(html))
        .collect();
    pages.par_sort_unstable_by_key(|p| p.0);
    pages
}

/// The bundle of `pages` (with their `keys`) as the cache keeps it: the files' names as JSON, then
/// each file's bytes.
fn make_bundle(
    cache: &Cache,
    id: &[u8],
    pages: &[(&str, &str)],
    keys: &[Key],
) -> Result<Vec<Vec<u8>>, Diagnostic> {
    let paths: Vec<&str> = pages.iter().map(|p| p.0).collect();
    let parts = crate::cache::runs(&paths)
        .into_par_iter()
        .map(|range| part_cached(cache, id, &pages[range.clone()], &keys[range]))
        .collect::<Result<Vec<_>, _>>()?;
    let compress = |data: &[u8]| compress_cached(cache, id, data);
    let files = super::bundle_parts(parts, &compress)?;
    let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut blobs = vec![serde_json::to_vec(&names).expect("names serialize")];
    for f in &files {
        if let Content::Bytes(b) = &f.content {
            blobs.push(b.clone());
        }
    }
    Ok(blobs)
}

/// A chunk of the word index compressed once: the next build finds it by its content (an edited
/// page changes the few chunks holding its new words).
fn compress_cached(cache: &Cache, id: &[u8], data: &[u8]) -> Vec<u8> {
    let key = Key::of(&[id, b"search-chunk", data]);
    let made = cache.part(&key, || {
        Ok::<_, std::convert::Infallible>(vec![super::compress(data)])
    });
    match made {
        Ok(mut blobs) if blobs.len() == 1 => blobs.pop().unwrap_or_default(),
        _ => super::compress(data),
    }
}

/// The bundle's files from the blobs [`make_bundle`] made.
fn files_of(blobs: &[Vec<u8>]) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    let damaged = || {
        vec![Diagnostic::error(
            crate::cache::CACHE_DIR,
            "构建缓存里的搜索索引条目不完整；请运行 fanzha clean",
        )]
    };
    let (names, bytes) = blobs.split_first().ok_or_else(damaged)?;
    let names: Vec<String> = serde_json::from_slice(names).map_err(|_| damaged())?;
    if names.len() != bytes.len() {
        return Err(damaged());
    }
    Ok(names
        .into_iter()
        .zip(bytes.iter().cloned())
        .map(|(n, b)| OutFile::bytes(n, b))
        .collect())
}

/// One part of the search index: `pages` (path and HTML, in path order) put together, from the
/// cache or now (each page's share from the cache where it can). An entry that is not such a
/// part is made again.
fn part_cached(
    cache: &Cache,
    id: &[u8],
    pages: &[(&str, &str)],
    keys: &[Key],
) -> Result<IndexPart, Diagnostic> {
    let key = Key::of_iter(
        [id, b"search-part".as_slice()]
            .into_iter()
            .chain(keys.iter().map(Key::as_bytes)),
    );
    let make = || -> Result<IndexPart, Diagnostic> {
        let read = pages
            .iter()
            .zip(keys)
            .map(|((path, html), key)| page_cached(cache, key, path, html))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(IndexPart::of(read))
    };
    // A part made now is used as it is, not read back from the bytes stored.
    let mut made = None;
    let blobs = cache.part(&key, || {
        let part = make()?;
        let bytes = part.to_bytes();
        made = Some(part);
        Ok(vec![bytes])
    })?;
    match (made, blobs.as_slice()) {
        (Some(part), _) => Ok(part),
        (None, [bytes]) => IndexPart::from_bytes(bytes).map_or_else(make, Ok),
        (None, _) => make(),
    }
}

/// One page's share of the search index, from the cache or read now (and stored). An entry
/// that is not a page's share is read again.
fn page_cached(cache: &Cache, key: &Key, path: &str, html: &str) -> Result<PageIndex, Diagnostic> {
    let blobs = cache.part(key, || PageIndex::read(path, html).map(|p| p.to_blobs()))?;
    match PageIndex::from_blobs(&blobs) {
        Some(page) => Ok(page),
        None => PageIndex::read(path, html),
    }
}
