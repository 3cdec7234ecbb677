//! Font files read through memory maps: a build reads the pages of a CJK collection (20 MB
//! each) that hold the glyphs it sets, not the whole file, and the faces of one collection share
//! one map.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use typst::foundations::Bytes;
use typst::text::{Font, FontInfo};
use typst_kit::fonts::{FontPath, FontSource};

/// One face of a font file, mapped when Typst first needs it.
pub struct MappedFace {
    index: u32,
    file: Arc<MappedFile>,
}

/// A font file, mapped once for all its faces.
struct MappedFile {
    path: PathBuf,
    bytes: OnceLock<Option<Bytes>>,
}

impl MappedFile {
    fn bytes(&self) -> Option<Bytes> {
        self.bytes
            .get_or_init(|| {
                let file = std::fs::File::open(&self.path).ok()?;
                // SAFETY: the map is only read. A font file rewritten during the build could
                // show Typst changed bytes (fontdb maps the same files to scan them); the build
                // does not write fonts.
                let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
                Some(Bytes::new(map))
            })
            .clone()
    }
}

impl FontSource for MappedFace {
    fn load(&self) -> Option<Font> {
        Font::new(self.file.bytes()?, self.index)
    }
}

/// The faces found on disk, each reading its file through a map shared with the other faces of
/// the same file.
pub fn map_faces(
    found: impl IntoIterator<Item = (FontPath, FontInfo)>,
) -> Vec<(MappedFace, FontInfo)> {
    let mut files: HashMap<PathBuf, Arc<MappedFile>> = HashMap::new();
    found
        .into_iter()
        .map(|(face, info)| {
            let file = files
                .entry(face.path.clone())
                .or_insert_with(|| {
                    Arc::new(MappedFile {
                        path: face.path,
                        bytes: OnceLock::new(),
                    })
                })
                .clone();
            (
                MappedFace {
                    index: face.index,
                    file,
                },
                info,
            )
        })
        .collect()
}
