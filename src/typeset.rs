//! Typst as a library, shared by the print and screen kits and the share cards: one engine per build holds the theme's
//! parsed Typst templates and the fonts; each job compiles in its own small `World` whose only
//! per-job state is `sys.inputs`. Content reaches templates as data, never spliced into Typst source.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, Duration, Label, Selector, Smart, Value};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontVariant, FontWeight};
use typst::utils::{LazyHash, PicoStr};
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

use crate::diag::{Diagnostic, display_path};

mod mapped;

/// Font families tried, in order, when the campaign names none: Noto (Debian's fonts-noto-cjk),
/// Source Han (the same design), 微软雅黑 (Windows), 苹方 (macOS), WenQuanYi.
pub const DEFAULT_FONTS: &[&str] = &[
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Zen Hei",
];

/// The fonts an engine can use: the campaign's `fonts/` folder first, then the system's.
/// Scanning them parses every font file's tables, a tenth of a second that nothing else waits
/// on, so a build does it on a thread of its own.
pub struct Fonts(FontStore);

impl Fonts {
    pub fn scan(font_dir: Option<&Path>) -> Fonts {
        let mut store = FontStore::new();
        if let Some(dir) = font_dir.filter(|d| d.is_dir()) {
            store.extend(mapped::map_faces(typst_kit::fonts::scan(dir)));
        }
        store.extend(mapped::map_faces(typst_kit::fonts::system()));
        Fonts(store)
    }
}

/// The compiled-once state of a build: templates and other files of the theme, fonts.
pub struct Engine {
    dir: PathBuf,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    fonts: Arc<FontStore>,
    /// The families found, in the campaign's order of preference.
    pub families: Vec<String>,
    /// Hash of what every product depends on besides its own data: fanzha's version, the
    /// theme's Typst files, the fonts.
    fingerprint: [u8; 32],
    /// Where costly products are kept between builds (shared with the search index).
    cache: Arc<crate::cache::Cache>,
}

/// The label of what `overflow(field)` in `typst/common.typ` leaves in the document: a
/// `metadata((field: …))` where text could not fit.
const OVERFLOW_LABEL: &str = "fanzha-overflow";

/// Why a material could not be made.
#[derive(Debug)]
pub enum CompileError {
    /// A template called `overflow(field)`: the text cannot fit even at the smallest size. The
    /// first such place in the document, found by its label, never by an error's text. `source`
    /// is the content file the mark names, when the template knows it (a material made from
    /// many pages names the page the field is in).
    Overflow {
        field: String,
        source: Option<String>,
    },
    /// Any other Typst error, located in a template.
    Template(Diagnostic),
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("template paths are valid virtual paths");
    FileId::new(RootedPath::new(VirtualRoot::Project, vpath))
}

impl Engine {
    /// Reads the Typst files of the theme (`typst/` shared components, `print/`, `screens/`,
    /// `share/`) and finds the fonts: the
    /// campaign's `fonts/` folder first, then the system's. Without a CJK family nothing can be
    /// typeset.
    pub fn new(
        theme_dir: &Path,
        font_dir: Option<&Path>,
        wanted: &[String],
    ) -> Result<Engine, Diagnostic> {
        Engine::with_fonts(theme_dir, Fonts::scan(font_dir), wanted)
    }

    /// [`Engine::new`] with the fonts scanned already (a build scans them while it loads the
    /// content).
    pub fn with_fonts(
        theme_dir: &Path,
        fonts: Fonts,
        wanted: &[String],
    ) -> Result<Engine, Diagnostic> {
        let mut sources = HashMap::new();
        let mut files = HashMap::new();
        let typst_dirs =
            ["typst", "print", "screens", "share", "broadcast"].map(|d| theme_dir.join(d));
        let entries = typst_dirs.iter().flat_map(|d| {
            walkdir::WalkDir::new(d)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
        });
        for entry in entries {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = display_path(
                entry
                    .path()
                    .strip_prefix(theme_dir)
                    .expect("inside theme dir"),
            );
            let id = file_id(&format!("/{rel}"));
            let bytes = std::fs::read(entry.path()).map_err(|e| {
                Diagnostic::error(entry.path(), format!("无法读取 Typst 模板（{e}）"))
            })?;
            if rel.ends_with(".typ") {
                let text = String::from_utf8(bytes)
                    .map_err(|_| Diagnostic::error(entry.path(), "Typst 模板须为 UTF-8 编码"))?;
                sources.insert(id, Source::new(id, text));
            } else {
                files.insert(id, Bytes::new(bytes));
            }
        }
        let store = fonts.0;
        let wanted: Vec<String> = if wanted.is_empty() {
            DEFAULT_FONTS.iter().map(|s| s.to_string()).collect()
        } else {
            wanted.to_vec()
        };
        let book = store.book();
        let families: Vec<String> = wanted
            .iter()
            .filter(|f| book.contains_family(&f.to_lowercase()))
            .cloned()
            .collect();
        if families.is_empty() {
            return Err(Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!(
                    "找不到可用的中文字体（需要其中之一: {}）。Debian/Ubuntu 请安装: sudo apt-get install fonts-noto-cjk；\
                     Windows 自带微软雅黑，macOS 自带苹方；也可以把字体文件放进网站的 fonts/ 文件夹",
                    wanted.join("、")
                ),
            )
            .field("print.fonts"));
        }
        let fingerprint = fingerprint(&sources, &files, &store, &families);
        Ok(Engine {
            dir: theme_dir.to_path_buf(),
            sources,
            files,
            fonts: Arc::new(store),
            families,
            fingerprint,
            cache: Arc::new(crate::cache::Cache::disabled()),
        })
    }

    /// The engine, keeping its products in `cache`.
    pub fn with_cache(mut self, cache: Arc<crate::cache::Cache>) -> Engine {
        self.cache = cache;
        self
    }

    pub fn cache(&self) -> &crate::cache::Cache {
        &self.cache
    }

    /// The blobs made from template `template` with `data`: from the cache when a build before
    /// made them from the same template files, fonts and data, else made by `make` and stored.
    /// `label` names the product (its output path) in the build's report.
    pub fn cached<E>(
        &self,
        label: &str,
        template: &str,
        data: &impl serde::Serialize,
        make: impl FnOnce() -> Result<Vec<Vec<u8>>, E>,
    ) -> Result<Vec<Vec<u8>>, E> {
        let data = serde_json::to_vec(data).expect("job data serializes");
        let key = crate::cache::Key::of(&[&self.fingerprint, template.as_bytes(), &data]);
        self.cache.get_or_make(label, &key, make)
    }

    /// The bold face of the campaign's first font family (the strips' outline font).
    pub fn bold_font(&self) -> Option<Font> {
        let variant = FontVariant {
            weight: FontWeight::BOLD,
            ..FontVariant::default()
        };
        let index = self
            .fonts
            .book()
            .select(&self.families.first()?.to_lowercase(), variant)?;
        self.fonts.font(index)
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(&file_id(&format!("/{name}")))
    }

    /// Where template `name` lives on disk, for diagnostics.
    pub fn template_path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Compiles template `main` with `inputs` (see [`inputs`]) as `sys.inputs`. A document that
    /// holds an overflow mark is an [`CompileError::Overflow`], however well it laid out.
    pub fn compile(&self, main: &str, inputs: Dict) -> Result<PagedDocument, CompileError> {
        // On a pool thread, Typst's and krilla's waits would start other jobs inside this one.
        debug_assert!(
            rayon::current_thread_index().is_none(),
            "documents are typeset through crate::jobs, not on rayon's pool"
        );
        let world = JobWorld {
            engine: self,
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            main: file_id(&format!("/{main}")),
        };
        let result = typst::compile::<PagedDocument>(&world);
        // Typst memoises layouts process-wide; without eviction every job's layouts stay in
        // memory. Evicting what the last 4 pages did not use keeps the shared templates warm:
        // default campaign, release, cold: 1.25 GB → 387 MB peak, 4.8 s → 2.5 s (every 8
        // jobs); every 4: the print kit alone 569 MB → 368 MB peak, the same CPU time. Pages,
        // not jobs, are counted: a school's letter of 40 pages holds as much as 40 posters.
        static PAGES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let pages = result.output.as_ref().map_or(1, |d| d.pages().len().max(1));
        let before = PAGES.fetch_add(pages, std::sync::atomic::Ordering::Relaxed);
        if (before % 4) + pages >= 4 {
            typst::comemo::evict(1);
        }
        let doc = result
            .output
            .map_err(|errors| self.translate(&world, &errors))?;
        match self.overflow(&world, &doc) {
            Some(e) => Err(e),
            None => Ok(doc),
        }
    }

    /// The first overflow mark of the document, in document order: its field, or a template
    /// error when the mark does not hold one.
    fn overflow(&self, world: &JobWorld<'_>, doc: &PagedDocument) -> Option<CompileError> {
        use typst::introspection::{Introspector, MetadataElem};
        let label = Label::new(PicoStr::intern(OVERFLOW_LABEL)).expect("a non-empty label");
        let marks = doc.introspector().query(&Selector::Label(label));
        let mark = marks.first()?;
        let entry = |key: &str| {
            mark.to_packed::<MetadataElem>()
                .and_then(|m| match &m.value {
                    Value::Dict(d) => d.get(key).ok().cloned(),
                    _ => None,
                })
                .and_then(|v| v.cast::<typst::foundations::Str>().ok())
                .map(|s| s.to_string())
        };
        Some(match entry("field") {
            Some(field) => CompileError::Overflow {
                field,
                source: entry("source"),
            },
            None => CompileError::Template(self.locate(
                world,
                mark.span(),
                format!(
                    "Typst 模板错误: 标签 <{OVERFLOW_LABEL}> 只能用于 metadata((field: \"字段名\"))"
                ),
            )),
        })
    }

    fn translate(&self, world: &JobWorld<'_>, errors: &[SourceDiagnostic]) -> CompileError {
        let first = &errors[0];
        let mut msg = format!("Typst 模板错误: {}", first.message);
        for hint in &first.hints {
            msg.push_str(&format!("（提示: {}）", hint.v));
        }
        CompileError::Template(self.locate(world, first.span, msg))
    }

    /// An error at `span`: the theme file and line it points into, when it points into one.
    fn locate(
        &self,
        world: &JobWorld<'_>,
        span: impl Into<typst::syntax::DiagSpan>,
        msg: String,
    ) -> Diagnostic {
        let span = span.into();
        let mut file = self.dir.join("?");
        let mut line = None;
        if let typst::syntax::DiagSpanKind::Number { id, .. }
        | typst::syntax::DiagSpanKind::Range { id, .. } = span.get()
            && let Some(source) = self.sources.get(&id)
        {
            file = self.dir.join(id.vpath().get_without_slash());
            line = typst::WorldExt::range(world, span)
                .and_then(|r| source.lines().byte_to_line(r.start))
                .map(|l| l + 1);
        }
        let d = Diagnostic::error(file, msg);
        match line {
            Some(l) => d.at_line(l),
            None => d,
        }
    }

    /// Exports a PDF with a stable document id, no timestamp and no tags: identical input,
    /// identical bytes.
    pub fn pdf(&self, doc: &PagedDocument, ident: &str) -> Result<Vec<u8>, String> {
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            creator: Smart::Custom(Some("fanzha".into())),
            timestamp: None,
            tagged: false,
            ..Default::default()
        };
        typst_pdf::pdf(doc, &options).map_err(|e| {
            e.iter()
                .map(|d| d.message.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// A PNG of one page (trim size, no bleed) `width_px` pixels wide.
    pub fn png(&self, page: &typst_layout::Page, width_px: f32) -> Vec<u8> {
        self.png_sized(page, width_px).2
    }

    /// The page (trim size, no bleed) as a PNG `width_px` wide, with its pixel width and height.
    pub fn png_sized(&self, page: &typst_layout::Page, width_px: f32) -> (u32, u32, Vec<u8>) {
        let pt = page.frame.width().to_pt() as f32;
        let options = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(f64::from(width_px / pt)),
            render_bleed: false,
        };
        let pixmap = typst_render::render(page, &options);
        let png = encode_opaque_png(&pixmap);
        (pixmap.width(), pixmap.height(), png)
    }
}

/// One forwardable picture: some pages of a document, one under another.
pub struct Jpeg {
    pub height: u32,
    pub quality: u8,
    pub bytes: Vec<u8>,
}

/// Pictures to forward in chat apps: the pages one under another, `width_px` wide, as JPEGs of
/// at most `max_bytes` each. A long document (the handbook) makes several long pictures, each of
/// as many pages as fill two thirds of `max_bytes` by the bytes per page so far (the first page
/// alone at the start); a picture that still comes out too large is cut in two, and a single
/// page that does not fit is encoded at the best of a few lower qualities that fits. Only one
/// picture's pages are in memory at a time, in one buffer that the JPEG encoder reads as it is.
pub fn jpeg_pages(pages: &[typst_layout::Page], width_px: u32, max_bytes: usize) -> Vec<Jpeg> {
    let Some(first) = pages.first() else {
        return Vec::new();
    };
    let mut group = Rows::default();
    group.push(first, width_px);
    if pages.len() == 1 {
        return vec![encode_jpeg(&group.rgb, group.height(), width_px, max_bytes)];
    }
    let alone = encode_jpeg(&group.rgb, group.height(), width_px, 0)
        .bytes
        .len();
    // Pages per picture, from the bytes a page takes: a picture cut in two is encoded twice, so
    // the estimate is corrected by every picture made (a cover is sparser than the pages after).
    let most = (MAX_SIDE / group.height().max(1)) as usize;
    let per = |bytes: usize, pages_done: usize| {
        (max_bytes / 3 * 2 * pages_done / bytes.max(1)).clamp(1, most.max(1))
    };
    let page_bytes = group.rgb.len();
    let (mut start, mut count) = (0, per(alone, 1));
    let (mut pages_done, mut bytes_done) = (0, 0);
    let mut made = Vec::new();
    while start < pages.len() {
        let end = (start + count).min(pages.len());
        // The first page is rendered already.
        if start > 0 {
            group = Rows::default();
        }
        let rest = &pages[start.max(1)..end];
        group.rgb.reserve_exact(page_bytes * rest.len());
        for page in rest {
            group.push(page, width_px);
        }
        let pictures = long_jpegs(&group.heights, &group.rgb, width_px, max_bytes);
        bytes_done += pictures.iter().map(|j| j.bytes.len()).sum::<usize>();
        pages_done += end - start;
        made.extend(pictures);
        (start, count) = (end, per(bytes_done, pages_done));
    }
    made
}

/// Pages rendered one under another as RGB rows: each page's height, and the pixels.
#[derive(Default)]
struct Rows {
    heights: Vec<u32>,
    rgb: Vec<u8>,
}

impl Rows {
    fn height(&self) -> u32 {
        self.heights.iter().sum()
    }

    /// Renders `page` `width_px` wide below the pages already there. Typst paints pages opaque,
    /// so the premultiplied pixels are the colours; a page a pixel narrower from rounding is
    /// padded white.
    fn push(&mut self, page: &typst_layout::Page, width_px: u32) {
        let pt = page.frame.width().to_pt() as f32;
        let options = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(f64::from(width_px as f32 / pt)),
            render_bleed: false,
        };
        let pixmap = typst_render::render(page, &options);
        let w = pixmap.width() as usize;
        self.rgb
            .reserve_exact(width_px as usize * pixmap.height() as usize * 3);
        for row in pixmap.data().chunks_exact(w * 4) {
            for x in 0..width_px as usize {
                match row.get(x * 4..x * 4 + 3) {
                    Some(px) => self.rgb.extend_from_slice(px),
                    None => self.rgb.extend_from_slice(&[255, 255, 255]),
                }
            }
        }
        self.heights.push(pixmap.height());
    }
}

/// Pages (of `heights`, their RGB rows in `rgb`) as one picture, or — when that comes out over
/// `max_bytes` — as the pictures of each half; a single page at a lower quality if need be.
fn long_jpegs(heights: &[u32], rgb: &[u8], width_px: u32, max_bytes: usize) -> Vec<Jpeg> {
    let height: u32 = heights.iter().sum();
    if heights.len() == 1 {
        return vec![encode_jpeg(rgb, height, width_px, max_bytes)];
    }
    // Pages of other heights than the first can make a group too tall for one picture.
    if height <= MAX_SIDE {
        let whole = encode_jpeg(rgb, height, width_px, 0);
        if whole.bytes.len() <= max_bytes {
            return vec![whole];
        }
    }
    let half = heights.len() / 2;
    let cut = heights[..half].iter().sum::<u32>() as usize * width_px as usize * 3;
    let mut made = long_jpegs(&heights[..half], &rgb[..cut], width_px, max_bytes);
    made.extend(long_jpegs(
        &heights[half..],
        &rgb[cut..],
        width_px,
        max_bytes,
    ));
    made
}

/// A picture's largest side: JPEG's limit is 65,535 pixels (no print material's page comes near
/// it at 1080 pixels wide).
const MAX_SIDE: u32 = 65_000;

/// RGB rows `width_px` wide and `height` high as a JPEG at quality 85; with `max_bytes` (not 0),
/// at the best of a few lower qualities that fits, else the lowest.
fn encode_jpeg(rgb: &[u8], height: u32, width_px: u32, max_bytes: usize) -> Jpeg {
    let ladder: &[u8] = if max_bytes == 0 {
        &[85]
    } else {
        &[85, 78, 70, 62, 54, 46]
    };
    let mut last = Jpeg {
        height,
        quality: 0,
        bytes: Vec::new(),
    };
    for &quality in ladder {
        let mut out = Vec::new();
        // Sides are at most MAX_SIDE pixels, within JPEG's 16 bits.
        jpeg_encoder::Encoder::new(&mut out, quality)
            .encode(
                rgb,
                width_px as u16,
                height as u16,
                jpeg_encoder::ColorType::Rgb,
            )
            .expect("encoding to memory");
        let fits = max_bytes == 0 || out.len() <= max_bytes;
        last = Jpeg {
            height,
            quality,
            bytes: out,
        };
        if fits {
            break;
        }
    }
    last
}

/// The page as an 8-bit palette PNG, `width_px` wide, for pictures of a few flat colours and
/// text (share cards): its `colours` most frequent colours (ties broken by value, so the same page
/// gives the same bytes), every other colour — anti-aliasing steps — drawn as the nearest of them.
/// A third of the size of full RGBA, and cheap: each distinct colour is matched once.
pub fn png_palette(
    page: &typst_layout::Page,
    width_px: f32,
    colours: usize,
) -> (u32, u32, Vec<u8>) {
    let pt = page.frame.width().to_pt() as f32;
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(f64::from(width_px / pt)),
        render_bleed: false,
    };
    let pixmap = typst_render::render(page, &options);
    let pixels: Vec<[u8; 3]> = pixmap
        .data()
        .chunks_exact(4)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    // Flat artwork comes in runs of one colour: each run is counted and looked up once.
    let mut counts: HashMap<[u8; 3], usize> = HashMap::new();
    for run in pixels.chunk_by(|a, b| a == b) {
        *counts.entry(run[0]).or_default() += run.len();
    }
    let mut by_count: Vec<([u8; 3], usize)> = counts.iter().map(|(c, n)| (*c, *n)).collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let palette: Vec<[u8; 3]> = by_count
        .iter()
        .take(colours.min(256))
        .map(|(c, _)| *c)
        .collect();
    let nearest = |c: &[u8; 3]| -> u8 {
        let dist = |p: &[u8; 3]| -> i32 {
            (0..3)
                .map(|k| (i32::from(c[k]) - i32::from(p[k])).pow(2))
                .sum()
        };
        (0..palette.len())
            .min_by_key(|&i| dist(&palette[i]))
            .unwrap_or(0) as u8
    };
    let index: HashMap<[u8; 3], u8> = counts.keys().map(|c| (*c, nearest(c))).collect();
    let mut indices: Vec<u8> = Vec::with_capacity(pixels.len());
    for run in pixels.chunk_by(|a, b| a == b) {
        indices.resize(indices.len() + run.len(), index[&run[0]]);
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette.concat());
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header().expect("writing to memory");
    writer
        .write_image_data(&indices)
        .expect("writing to memory");
    writer.finish().expect("writing to memory");
    (pixmap.width(), pixmap.height(), out)
}

/// Hashes fanzha's version and binary, every theme file the engine read (sorted by path) and the
/// chosen font faces. A face is identified by its size and the first and last 64 KiB of its data: enough to
/// tell a changed or different font, without reading tens of megabytes every build.
fn fingerprint(
    sources: &HashMap<FileId, Source>,
    files: &HashMap<FileId, Bytes>,
    store: &FontStore,
    families: &[String],
) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(crate::cache::program_id());
    let mut parts: Vec<(String, &[u8])> = sources
        .iter()
        .map(|(id, s)| (id.vpath().get_with_slash().to_string(), s.text().as_bytes()))
        .chain(
            files
                .iter()
                .map(|(id, b)| (id.vpath().get_with_slash().to_string(), b.as_slice())),
        )
        .collect();
    parts.sort();
    for (path, bytes) in parts {
        h.update((path.len() as u64).to_le_bytes());
        h.update(&path);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    let book = store.book();
    for family in families {
        h.update(family);
        for weight in [FontWeight::REGULAR, FontWeight::BOLD] {
            let variant = FontVariant {
                weight,
                ..FontVariant::default()
            };
            let Some(font) = book
                .select(&family.to_lowercase(), variant)
                .and_then(|i| store.font(i))
            else {
                continue;
            };
            let data = font.data().as_slice();
            let edge = data.len().min(64 * 1024);
            h.update((data.len() as u64).to_le_bytes());
            h.update(font.index().to_le_bytes());
            h.update(&data[..edge]);
            h.update(&data[data.len() - edge..]);
        }
    }
    h.finalize().into()
}

/// A rendered page as a PNG. Typst paints every page on an opaque background, so the
/// premultiplied pixels are the straight colours, and the PNG holds RGB. One filter (Up) for every row instead
/// of trying all five per row saves a tenth of the print kit's instructions, and flat print
/// artwork compresses as well with it.
fn encode_opaque_png(pixmap: &tiny_skia::Pixmap) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    // Typst paints pages opaque: RGB, a quarter less to compress than RGBA.
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_filter(png::Filter::Up);
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|px| [px[0], px[1], px[2]])
        .collect();
    let mut writer = encoder.write_header().expect("writing to memory");
    writer.write_image_data(&rgb).expect("writing to memory");
    writer.finish().expect("writing to memory");
    out
}

/// A template's typed inputs as the dictionary `sys.inputs`: converted through serde (strings
/// stay strings, integers integers, floats floats, `None` is `none`), never spliced into source.
pub fn inputs(data: &impl serde::Serialize) -> Dict {
    let json = serde_json::to_value(data).expect("template inputs serialize");
    match serde_json::from_value(json).expect("JSON data always converts to a Typst value") {
        Value::Dict(d) => d,
        other => panic!("template inputs must be a struct, not {}", other.ty()),
    }
}

struct JobWorld<'a> {
    engine: &'a Engine,
    library: LazyHash<Library>,
    main: FileId,
}

impl World for JobWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.engine.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.engine
            .sources
            .get(&id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(s) = self.engine.sources.get(&id) {
            return Ok(Bytes::from_string(s.text().to_string()));
        }
        self.engine
            .files
            .get(&id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.font(index)
    }

    /// No clock: output must not depend on when it was built.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(PathBuf::from(id.vpath().get_without_slash()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine over a theme of the real `typst/common.typ` and the given templates.
    fn engine(templates: &[(&str, &str)]) -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        std::fs::create_dir_all(dir.path().join("typst")).unwrap();
        std::fs::create_dir_all(dir.path().join("print")).unwrap();
        std::fs::copy(
            theme.join("typst/common.typ"),
            dir.path().join("typst/common.typ"),
        )
        .unwrap();
        for (name, text) in templates {
            std::fs::write(dir.path().join("print").join(name), text).unwrap();
        }
        let engine = Engine::new(dir.path(), None, &[]).expect("a CJK font is installed");
        (dir, engine)
    }

    const PAGE: &str = "#import \"/typst/common.typ\"\n#set page(width: 100pt, height: 60pt)\n";

    #[test]
    fn an_overflow_is_found_by_its_mark_and_never_by_message_text() {
        let long = "很长的一行字".repeat(30);
        let (_dir, engine) = engine(&[
            (
                "line.typ",
                &format!(
                    "{PAGE}#common.fit-line(\"{long}\", size: 20pt, min: 10pt, field: \"headline\")"
                ),
            ),
            (
                "block.typ",
                &format!(
                    "{PAGE}#common.fit-block(s => text(size: s, \"{long}\"), size: 20pt, min: 10pt, field: \"rule\")"
                ),
            ),
            (
                "measured.typ",
                &format!(
                    "{PAGE}#context {{ let _ = measure(common.fit-line(\"{long}\", size: 20pt, min: 10pt, field: \"x\")); [fits] }}"
                ),
            ),
            ("panic.typ", "#panic(\"FANZHA-OVERFLOW:title\")"),
            ("bad.typ", "#metadata(\"title\") <fanzha-overflow>"),
        ]);
        let compile = |name: &str| engine.compile(&format!("print/{name}"), Dict::new());
        for (name, field) in [("line.typ", "headline"), ("block.typ", "rule")] {
            match compile(name) {
                Err(CompileError::Overflow { field: f, source }) => {
                    assert_eq!(f, field);
                    assert_eq!(source, None);
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        // Only what is laid out counts: a measurement that overflows leaves no mark.
        assert!(compile("measured.typ").is_ok());
        // A failing template is a template error whatever its message says.
        assert!(matches!(
            compile("panic.typ"),
            Err(CompileError::Template(_))
        ));
        match compile("bad.typ") {
            Err(CompileError::Template(d)) => {
                assert!(d.message.contains("fanzha-overflow"), "{}", d.message);
                assert_eq!(d.line, Some(1));
            }
            other => panic!("a mark without a field: {other:?}"),
        }
    }

    /// A Typst array of the headline's words.
    fn words(title: &str) -> String {
        let quoted: Vec<String> = crate::zh::headline_words(title)
            .iter()
            .map(|w| format!("{w:?}"))
            .collect();
        format!("({},)", quoted.join(", "))
    }

    #[test]
    fn a_headline_wraps_to_two_balanced_lines_before_it_shrinks() {
        let title = "冒充市场监督管理局工作人员以注销网店保证金为由实施的诈骗";
        let page =
            "#import \"/typst/common.typ\"\n#set page(width: 300pt, height: 200pt, margin: 10pt)\n";
        let headline = |title: &str, extra: &str| {
            format!(
                "{page}#common.fit-headline({}, size: 20pt, min: 12pt, field: \"title\"{extra})",
                words(title)
            )
        };
        let (_dir, engine) = engine(&[
            ("wrap.typ", &headline(title, "")),
            // Two lines 16 pt high at most: one line shrunk to the width is larger.
            (
                "shrink.typ",
                &format!(
                    "{page}#common.fit-headline({}, size: 20pt, min: 8pt, max-height: 16pt)",
                    words(title)
                ),
            ),
            (
                "fails.typ",
                &headline(&title.repeat(8), ", source: \"content/scams/x.md\""),
            ),
        ]);
        let compile = |name: &str| engine.compile(&format!("print/{name}"), Dict::new());
        let lines = |name: &str| -> Vec<String> {
            let doc = compile(name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            crate::channels::testing::text_of(&engine, &doc)
                .lines()
                .map(|l| l.split_whitespace().collect())
                .filter(|l: &String| !l.is_empty())
                .collect()
        };
        let two = lines("wrap.typ");
        assert_eq!(two.len(), 2, "{two:?}");
        assert_eq!(two.concat(), title);
        let (a, b) = (two[0].chars().count(), two[1].chars().count());
        assert!(a.abs_diff(b) <= 2, "balanced: {two:?}");
        assert_eq!(lines("shrink.typ"), [title]);
        match compile("fails.typ") {
            Err(CompileError::Overflow { field, source }) => {
                assert_eq!(field, "title");
                assert_eq!(source.as_deref(), Some("content/scams/x.md"));
            }
            other => panic!("a headline that cannot fit on two lines: {other:?}"),
        }
    }

    /// The pages of `template` (under `print/`), laid out.
    fn pages(template: &str) -> (tempfile::TempDir, Vec<typst_layout::Page>) {
        let (dir, engine) = engine(&[("pages.typ", template)]);
        let doc = engine.compile("print/pages.typ", Dict::new()).unwrap();
        (dir, doc.pages().to_vec())
    }

    /// The pixel heights of each JPEG, decoded, checking its width.
    fn heights(jpegs: &[Jpeg], width: u32) -> Vec<u32> {
        jpegs
            .iter()
            .map(|j| {
                let img = image::load_from_memory(&j.bytes).expect("a JPEG");
                assert_eq!(img.width(), width);
                assert_eq!(img.height(), j.height);
                img.height()
            })
            .collect()
    }

    #[test]
    fn a_long_document_makes_pictures_of_whole_pages_within_the_size_limit() {
        let text = "凡是要你先转账的都是诈骗。".repeat(3);
        let (_dir, pages) = pages(&format!(
            "#set page(width: 100pt, height: 60pt, margin: 4pt)\n#set text(size: 6pt)\n\
             #for i in range(12) {{ [#i {text}]; pagebreak(weak: true) }}"
        ));
        assert_eq!(pages.len(), 12);
        let one = jpeg_pages(&pages[..1], 300, 1 << 30);
        let page_px = one[0].height;
        let max = one[0].bytes.len() * 4;
        let made = jpeg_pages(&pages, 300, max);
        let hs = heights(&made, 300);
        assert!(made.len() > 1 && made.len() < 12, "{} pictures", made.len());
        assert!(made.iter().all(|j| j.bytes.len() <= max));
        assert!(hs.iter().all(|h| h % page_px == 0), "whole pages: {hs:?}");
        assert_eq!(hs.iter().sum::<u32>(), 12 * page_px);
        // No limit to speak of: one picture of every page.
        assert_eq!(
            heights(&jpeg_pages(&pages, 300, 1 << 30), 300),
            [12 * page_px]
        );
    }

    #[test]
    fn pages_taller_than_the_first_never_make_a_picture_over_jpegs_limit() {
        let (_dir, pages) = pages(
            "#set page(width: 100pt, height: 10pt, margin: 0pt)\n#box()\n\
             #for h in (20000pt, 20000pt, 20000pt) { page(height: h)[x] }",
        );
        assert_eq!(pages.len(), 4);
        let hs = heights(&jpeg_pages(&pages, 200, 1 << 30), 200);
        assert!(hs.iter().all(|&h| h <= MAX_SIDE), "{hs:?}");
        assert_eq!(hs.iter().sum::<u32>(), 20 + 3 * 40_000);
    }
}
