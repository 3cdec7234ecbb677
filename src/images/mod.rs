//! The images renderer: every raster picture pages use (co-located, `static/`, front matter) is
//! read once, refused over `[images] max_pixels`, decoded, turned upright, stripped of all
//! metadata and written at a few widths as WebP and in its own format, on every core and through
//! the build cache. Its typed records (`artifact::ImageRecord`) let the site write `<picture>`
//! elements; the original file is never published (its EXIF may hold where it was taken).

mod encode;
mod find;

use std::path::PathBuf;

use rayon::prelude::*;

use crate::artifact::{ImageRecord, ImageVariant, paths};
use crate::cache::{Cache, Key};
use crate::content::Model;
use crate::diag::Diagnostic;
use crate::output::OutFile;
use encode::{Encoded, Format, Probe};
pub use encode::{ImageError, JPEG_QUALITY, WEBP_QUALITY, WIDTHS};
use find::Wanted;

/// One picture's record and files.
type Published = (ImageRecord, Vec<OutFile>);

/// What the renderer made.
#[derive(Default)]
pub struct Made {
    pub files: Vec<OutFile>,
    /// Sorted by path.
    pub records: Vec<ImageRecord>,
}

/// Makes every picture the model's pages use; `static_dirs` in the site's order (a later
/// folder's file wins). Every broken picture is reported at each line that names it.
pub fn render(
    model: &Model,
    static_dirs: &[PathBuf],
    cache: &Cache,
) -> Result<Made, Vec<Diagnostic>> {
    let wanted = find::wanted(model, static_dirs);
    if wanted.is_empty() {
        return Ok(Made::default());
    }
    let max_pixels = model.config.images.max_pixels;
    let results: Vec<Result<Published, Vec<Diagnostic>>> = wanted
        .par_iter()
        .map(|w| make(w, cache, max_pixels).map_err(|e| diagnostics(model, w, &e)))
        .collect();
    let mut made = Made::default();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok((record, files)) => {
                made.records.push(record);
                made.files.extend(files);
            }
            Err(ds) => errors.extend(ds),
        }
    }
    errors.extend(clashes(&made.records));
    if errors.is_empty() {
        Ok(made)
    } else {
        Err(errors)
    }
}

/// One picture, read, checked and made (or taken from the cache).
fn make(w: &Wanted, cache: &Cache, max_pixels: u64) -> Result<Published, ImageError> {
    let bytes = std::fs::read(&w.file).map_err(|e| ImageError::Read(e.to_string()))?;
    let probe = encode::probe(&bytes, max_pixels)?;
    let encoded = if probe.format == Format::Gif {
        // An animated GIF would lose its animation, and GIFs carry no EXIF: kept as it is,
        // once it decodes.
        let img = encode::decode(&bytes, &probe, max_pixels)?;
        vec![Encoded {
            width: img.width(),
            height: img.height(),
            own: bytes,
            webp: None,
        }]
    } else {
        cached(w, cache, &bytes, &probe, max_pixels)?
    };
    Ok(publish(w, probe.format, encoded))
}

/// The widths of a JPEG, PNG or WebP from the build cache, or made and stored there. The key
/// holds fanzha's identity, the settings and the file's bytes, so an edited photo is made again.
fn cached(
    w: &Wanted,
    cache: &Cache,
    bytes: &[u8],
    probe: &Probe,
    max_pixels: u64,
) -> Result<Vec<Encoded>, ImageError> {
    let id = crate::cache::program_id();
    let settings = format!("images/1 {WIDTHS:?} webp {WEBP_QUALITY} jpeg {JPEG_QUALITY}");
    let key = Key::of(&[&id, settings.as_bytes(), &[probe.format.tag()], bytes]);
    let blobs = cache.get_or_make(&w.path, &key, || {
        let img = encode::decode(bytes, probe, max_pixels)?;
        Ok::<_, ImageError>(to_blobs(&encode::encode(&img, probe.format)?))
    })?;
    from_blobs(blobs)
        .ok_or_else(|| ImageError::Read("构建缓存里的条目不完整；请运行 fanzha clean".into()))
}

/// A size list, then each width's own file and its WebP.
fn to_blobs(encoded: &[Encoded]) -> Vec<Vec<u8>> {
    let sizes: Vec<(u32, u32, bool)> = encoded
        .iter()
        .map(|e| (e.width, e.height, e.webp.is_some()))
        .collect();
    let mut blobs = vec![serde_json::to_vec(&sizes).expect("sizes serialize")];
    for e in encoded {
        blobs.push(e.own.clone());
        blobs.extend(e.webp.clone());
    }
    blobs
}

fn from_blobs(blobs: Vec<Vec<u8>>) -> Option<Vec<Encoded>> {
    let mut blobs = blobs.into_iter();
    let sizes: Vec<(u32, u32, bool)> = serde_json::from_slice(&blobs.next()?).ok()?;
    let mut out = Vec::with_capacity(sizes.len());
    for (width, height, has_webp) in sizes {
        let own = blobs.next()?;
        let webp = if has_webp { Some(blobs.next()?) } else { None };
        out.push(Encoded {
            width,
            height,
            own,
            webp,
        });
    }
    (blobs.next().is_none() && !out.is_empty()).then_some(out)
}

/// Names the files: the largest width in the picture's own format at the picture's own path
/// (links to it keep working), the others and every WebP beside it.
fn publish(w: &Wanted, format: Format, encoded: Vec<Encoded>) -> Published {
    let ext = w.path.rsplit_once('.').map_or("jpg", |(_, e)| e);
    let last = encoded.len() - 1;
    let mut files = Vec::new();
    let mut variants = Vec::new();
    for (i, e) in encoded.into_iter().enumerate() {
        let file = if i == last {
            w.path.clone()
        } else {
            paths::image_variant(&w.path, e.width, ext)
        };
        let webp = e.webp.map(|bytes| {
            let path = paths::image_variant(&w.path, e.width, "webp");
            files.push(OutFile::bytes(path.clone(), bytes));
            path
        });
        files.push(OutFile::bytes(file.clone(), e.own));
        variants.push(ImageVariant {
            width: e.width,
            height: e.height,
            file,
            webp,
        });
    }
    let record = ImageRecord {
        path: w.path.clone(),
        source: w.shown.clone(),
        mime: format.mime().to_string(),
        variants,
    };
    (record, files)
}

/// Two pictures whose files would share a path: `photo.jpg` and `photo.png` in one folder both
/// make `photo-360w.webp`.
fn clashes(records: &[ImageRecord]) -> Vec<Diagnostic> {
    let mut owner: std::collections::BTreeMap<&str, &ImageRecord> = Default::default();
    let mut out = Vec::new();
    for r in records {
        let files = r
            .variants
            .iter()
            .flat_map(|v| std::iter::once(&v.file).chain(&v.webp));
        for file in files {
            if let Some(other) = owner.insert(file, r)
                && other.path != r.path
            {
                out.push(Diagnostic::error(
                    &r.source,
                    format!(
                        "图片 {} 和 {} 缩小后的文件同名（{file}）；请给其中一个改名",
                        other.source, r.source
                    ),
                ));
            }
        }
    }
    out
}

/// The error at every place a page names the picture, with the line found in the page's file.
fn diagnostics(model: &Model, w: &Wanted, e: &ImageError) -> Vec<Diagnostic> {
    if w.uses.is_empty() {
        // A picture beside a page that no page shows: the file itself is named.
        return vec![Diagnostic::error(&w.shown, format!("图片 {e}"))];
    }
    w.uses
        .iter()
        .map(|u| {
            let text = std::fs::read_to_string(model.root.join(&u.page)).unwrap_or_default();
            let at = text
                .find(&u.written)
                .map(|offset| crate::diag::Position::of_offset(&text, offset, 1));
            let mut d = Diagnostic::error(&u.page, format!("图片 {} {e}", w.shown)).at(at);
            if let Some(field) = &u.field {
                d = d.field(field);
            }
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(path: &str) -> Wanted {
        Wanted {
            path: path.into(),
            file: PathBuf::from(path),
            shown: format!("content/{path}"),
            uses: Vec::new(),
        }
    }

    fn one_width(w: u32) -> Vec<Encoded> {
        vec![Encoded {
            width: w,
            height: w / 2,
            own: vec![1],
            webp: Some(vec![2]),
        }]
    }

    #[test]
    fn the_largest_width_takes_the_original_path() {
        let encoded =
            encode::encode(&image::DynamicImage::new_rgb8(800, 400), Format::Jpeg).unwrap();
        let (record, files) = publish(&wanted("a/photo.jpg"), Format::Jpeg, encoded);
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            names,
            [
                "a/photo-360w.webp",
                "a/photo-360w.jpg",
                "a/photo-720w.webp",
                "a/photo-720w.jpg",
                "a/photo-800w.webp",
                "a/photo.jpg"
            ]
        );
        assert_eq!(record.largest().file, "a/photo.jpg");
        assert_eq!(
            (record.largest().width, record.largest().height),
            (800, 400)
        );
    }

    #[test]
    fn cached_blobs_round_trip_and_damaged_ones_are_refused() {
        let e = one_width(40);
        assert_eq!(from_blobs(to_blobs(&e)), Some(e.clone()));
        let mut short = to_blobs(&e);
        short.pop();
        assert_eq!(from_blobs(short), None);
    }

    #[test]
    fn two_pictures_that_would_share_files_are_an_error() {
        let a = publish(&wanted("a/photo.jpg"), Format::Jpeg, one_width(40)).0;
        let b = publish(&wanted("a/photo.png"), Format::Png, one_width(40)).0;
        let errors = clashes(&[a, b]);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("a/photo-40w.webp"),
            "{}",
            errors[0]
        );
    }
}
