//! LED strips (条屏): for every slogan, exact-size page images that split it into screens, one
//! long image for the controller's own scrolling, an animated GIF of the scroll, and 1-bit BMP
//! pages for old controllers; plus all slogans as UTF-8 and GB18030 text files.

use std::path::Path;

use super::ScreenKit;
use super::outline::{self, OutlineFont};
use super::strip::{self, BitmapFont, Palette, Scale};
use crate::artifact::{ProfileRecord, ScreenRecord, ScreenRole, paths};
use crate::config::{ScreenKind, ScreenProfile, StripColours};
use crate::content::{Model, kinds::MAX_SLOGAN_CHARS};
use crate::diag::Diagnostic;
use crate::output::OutFile;
use crate::typeset::Engine;

/// Blank columns before and after the text in the long strip.
const STRIP_MARGIN_PX: u32 = 16;
/// A full slogan longer than this many screens is shown in its short form.
const MAX_PAGES_FULL: usize = 3;

/// Text of this height and more is drawn with the outline font; below it, the bitmap font.
pub const MIN_OUTLINE_TEXT_PX: u32 = 24;

/// The font a profile's text is drawn with.
enum TextFont {
    /// GNU Unifont at its own 16 px.
    Bitmap(BitmapFont),
    /// A bold Hei outline font at `px` pixels, thresholded.
    Outline(OutlineFont, u32),
}

impl TextFont {
    fn name(&self) -> String {
        match self {
            TextFont::Bitmap(_) => "点阵字体 GNU Unifont".to_string(),
            TextFont::Outline(f, _) => format!("黑体 {}", f.name),
        }
    }

    fn text_height(&self) -> u32 {
        match self {
            TextFont::Bitmap(_) => strip::GLYPH_HEIGHT,
            TextFont::Outline(_, px) => *px,
        }
    }

    fn render(&self, text: &str) -> Result<strip::Line, strip::MissingGlyph> {
        // Slogans are red on every strip: red is in both palettes, and on two-colour strips green
        // and yellow stay free for the operator's own messages.
        match self {
            TextFont::Bitmap(f) => strip::render_line(text, f, Scale::ONE, strip::RED),
            TextFont::Outline(f, px) => outline::render_line(text, f, *px, strip::RED),
        }
    }
}

/// The font for a profile's text height (`text_px`, by default the strip's height up to 32), or
/// why there is none: 16 px is Unifont, 24 px and more the bold outline font, nothing between;
/// the text must fit the strip's height.
fn text_font(engine: &Engine, profile: &ScreenProfile) -> Result<TextFont, String> {
    let text_px = profile.text_px.unwrap_or(profile.height.min(32));
    let font = match text_px {
        16 => TextFont::Bitmap(load_bitmap_font()?),
        px if px >= MIN_OUTLINE_TEXT_PX => match engine.bold_font() {
            Some(f) => TextFont::Outline(OutlineFont::new(f), px),
            None => {
                return Err(
                    "找不到粗体中文字体（黑体），24 像素以上的条屏文字要用它；请安装 fonts-noto-cjk"
                        .into(),
                );
            }
        },
        px => {
            return Err(format!(
                "文字高 {px} 像素不支持：16 像素用点阵字体，{MIN_OUTLINE_TEXT_PX} 像素以上用黑体"
            ));
        }
    };
    if font.text_height() > profile.height {
        return Err(format!(
            "文字高 {} 像素，超过了屏幕高度 {} 像素",
            font.text_height(),
            profile.height
        ));
    }
    Ok(font)
}

pub fn render(
    model: &Model,
    engine: &Engine,
    profile: &ScreenProfile,
) -> Result<ScreenKit, Vec<Diagnostic>> {
    let what = format!("条屏「{}」", profile.name);
    let font = text_font(engine, profile).map_err(|msg| {
        vec![
            Diagnostic::error(crate::config::CONFIG_FILE, format!("{what}：{msg}"))
                .field("screens.profiles"),
        ]
    })?;
    let palette = match profile.colours {
        StripColours::Red => Palette::SingleRed,
        StripColours::RedGreenYellow => Palette::RedGreenYellow,
    };
    let (px_per_frame, delay_ms) = scroll_step(profile.scroll_px_per_second);
    let source = model.slogans_source();
    let mut kit = ScreenKit::default();
    let mut errors = Vec::new();
    let mut texts = Vec::new();
    for (i, slogan) in model.slogans().enumerate() {
        let stem = format!("slogan-{:02}", i + 1);
        let key = serde_json::json!({
            "profile": [profile.width, profile.height, text_px_of(&font)],
            "colours": profile.colours,
            "scroll": [px_per_frame, delay_ms],
            "font": font.name(),
            "text": slogan.text,
            "short": slogan.short,
            "stem": stem,
        });
        let label = paths::screen_file(&profile.name, &format!("{stem}-strip.png"));
        let made = engine.cached(&label, "screens/strip", &key, || {
            let ctx = SloganCtx {
                profile,
                font: &font,
                palette,
                step: (px_per_frame, delay_ms),
            };
            slogan_files(&ctx, &stem, &slogan.text, &slogan.short).map(|out| out.into_blobs())
        });
        match made.and_then(|blobs| SloganOut::from_blobs(blobs).ok_or(SloganError::Damaged)) {
            Ok(out) => {
                if let Some(n) = out.short_pages {
                    kit.warnings
                        .push(short_too_long(model, profile, &slogan.short, n));
                }
                for (file, bytes) in out.files.into_iter().zip(out.bytes) {
                    push(
                        &mut kit,
                        profile,
                        (&file.name, file.role),
                        &out.text,
                        bytes,
                        file.size,
                    );
                }
                texts.push(out.text);
            }
            Err(SloganError::Missing { text, ch }) => {
                errors.push(missing_glyph(&source, &what, &text, ch, &font));
            }
            Err(SloganError::Strip { text, error }) => errors.push(
                Diagnostic::error(&source, format!("{what}，口号「{text}」: {error}"))
                    .field("slogans"),
            ),
            Err(SloganError::Damaged) => errors.push(Diagnostic::error(
                crate::cache::CACHE_DIR,
                format!("{what}：构建缓存里的条屏条目不完整；请运行 fanzha clean"),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut utf8 = texts.join("\r\n");
    utf8.push_str("\r\n");
    push(
        &mut kit,
        profile,
        ("slogans-utf8.txt", ScreenRole::TextUtf8),
        "全部口号（UTF-8）",
        utf8.clone().into_bytes(),
        None,
    );
    push(
        &mut kit,
        profile,
        ("slogans-gb18030.txt", ScreenRole::TextGb18030),
        "全部口号（GB18030，供中文 Windows 上的控制软件）",
        strip::gb18030(&utf8),
        None,
    );
    let speed = serde_json::json!({ "px_per_frame": px_per_frame, "frame_delay_ms": delay_ms });
    let mut info = serde_json::to_string_pretty(&serde_json::json!({
        "profile": profile.name, "width": profile.width, "height": profile.height,
        "text_px": font.text_height(), "font": font.name(), "colours": profile.colours, "scroll": speed,
        "max_short_chars": MAX_SLOGAN_CHARS,
    }))
    .expect("serializes");
    info.push('\n');
    push(
        &mut kit,
        profile,
        ("strip.json", ScreenRole::Settings),
        "条屏参数",
        info.into_bytes(),
        None,
    );
    kit.profiles.push(ProfileRecord {
        name: profile.name.clone(),
        kind: ScreenKind::Strip,
        width: profile.width,
        height: profile.height,
        loop_seconds: None,
        max_gap_seconds: None,
        playlist: None,
        zip: paths::screen_zip(&profile.name),
    });
    Ok(kit)
}

/// What one slogan needs on one strip, beside the slogan itself.
struct SloganCtx<'a> {
    profile: &'a ScreenProfile,
    font: &'a TextFont,
    palette: Palette,
    /// Scroll step in pixels and frame delay in milliseconds.
    step: (u32, u32),
}

/// One file of a slogan on a strip, as the cache keeps its description.
#[derive(serde::Serialize, serde::Deserialize)]
struct SloganFile {
    name: String,
    role: ScreenRole,
    size: Option<(u32, u32)>,
}

/// A slogan's files on one strip: the text shown (the full slogan, or its short form when the
/// full one needs too many screens), whether even the short form needs too many (and how many),
/// and the files.
#[derive(serde::Serialize, serde::Deserialize)]
struct SloganOut {
    text: String,
    short_pages: Option<usize>,
    files: Vec<SloganFile>,
    #[serde(skip)]
    bytes: Vec<Vec<u8>>,
}

impl SloganOut {
    /// The description as JSON, then each file's bytes: what the build cache stores.
    fn into_blobs(self) -> Vec<Vec<u8>> {
        let mut blobs = vec![serde_json::to_vec(&self).expect("serializes")];
        blobs.extend(self.bytes);
        blobs
    }

    fn from_blobs(mut blobs: Vec<Vec<u8>>) -> Option<SloganOut> {
        if blobs.is_empty() {
            return None;
        }
        let bytes = blobs.split_off(1);
        let mut out: SloganOut = serde_json::from_slice(&blobs[0]).ok()?;
        (out.files.len() == bytes.len()).then(|| {
            out.bytes = bytes;
            out
        })
    }
}

enum SloganError {
    Missing {
        text: String,
        ch: char,
    },
    Strip {
        text: String,
        error: strip::StripError,
    },
    Damaged,
}

fn text_px_of(font: &TextFont) -> u32 {
    font.text_height()
}

/// Draws one slogan for one strip: its screens (PNG and BMP), the long strip and the scrolling
/// GIF. The full slogan when it fits in a few screens, else its short form.
fn slogan_files(
    ctx: &SloganCtx<'_>,
    stem: &str,
    full_text: &str,
    short: &str,
) -> Result<SloganOut, SloganError> {
    let SloganCtx {
        profile,
        font,
        palette,
        step: (px_per_frame, delay_ms),
    } = *ctx;
    let render = |text: &str| {
        font.render(text).map_err(|m| SloganError::Missing {
            text: text.to_string(),
            ch: m.ch,
        })
    };
    let pages_of = |l: &strip::Line| {
        strip::pages(l, profile.width, profile.height).map_or(usize::MAX, |p| p.len())
    };
    let full = render(full_text)?;
    let (text, line, short_pages) = if pages_of(&full) > MAX_PAGES_FULL {
        let l = render(short)?;
        let n = pages_of(&l);
        (short.to_string(), l, (n > MAX_PAGES_FULL).then_some(n))
    } else {
        (full_text.to_string(), full, None)
    };
    let fail = |error: strip::StripError| SloganError::Strip {
        text: text.clone(),
        error,
    };
    let mut files = Vec::new();
    let mut bytes = Vec::new();
    let mut add = |name: String, role: ScreenRole, data: Vec<u8>, size: Option<(u32, u32)>| {
        files.push(SloganFile { name, role, size });
        bytes.push(data);
    };
    for (k, page) in strip::pages(&line, profile.width, profile.height)
        .map_err(fail)?
        .iter()
        .enumerate()
    {
        let size = Some((page.width(), page.height()));
        add(
            format!("{stem}-page-{}.png", k + 1),
            ScreenRole::Page { page: k + 1 },
            strip::png_indexed(page, palette).map_err(fail)?,
            size,
        );
        add(
            format!("{stem}-page-{}.bmp", k + 1),
            ScreenRole::PageBmp { page: k + 1 },
            strip::bmp_1bit(page),
            size,
        );
    }
    let long = strip::long_strip(&line, profile.height, STRIP_MARGIN_PX).map_err(fail)?;
    add(
        format!("{stem}-strip.png"),
        ScreenRole::Strip,
        strip::png_indexed(&long, palette).map_err(fail)?,
        Some((long.width(), long.height())),
    );
    let gif = strip::scroll_gif(
        &line,
        profile.width,
        profile.height,
        px_per_frame,
        delay_ms,
        palette,
    )
    .map_err(fail)?;
    add(
        format!("{stem}-scroll.gif"),
        ScreenRole::Scroll,
        gif,
        Some((profile.width, profile.height)),
    );
    Ok(SloganOut {
        text,
        short_pages,
        files,
        bytes,
    })
}

/// Adds one file of the strip profile with its record; `file` is its name and what it is.
fn push(
    kit: &mut ScreenKit,
    profile: &ScreenProfile,
    (name, role): (&str, ScreenRole),
    title: &str,
    bytes: Vec<u8>,
    size: Option<(u32, u32)>,
) {
    let file = paths::screen_file(&profile.name, name);
    kit.records.push(ScreenRecord {
        profile: profile.name.clone(),
        kind: ScreenKind::Strip,
        file: file.clone(),
        title: title.to_string(),
        role,
        source: None,
        unit: None,
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
        bytes: bytes.len(),
    });
    kit.files.push(OutFile::bytes(file, bytes));
}

/// Frame step and delay for a scroll speed: GIF delays come in 10 ms units, so the step is the
/// whole number of pixels that keeps the delay closest to 50 ms.
pub fn scroll_step(px_per_second: u32) -> (u32, u32) {
    let speed = px_per_second.max(1);
    let px = ((speed as f64 * 0.05).round() as u32).max(1);
    let delay = ((px as f64 * 1000.0 / speed as f64 / 10.0).round() as u32 * 10).clamp(20, 655_350);
    (px, delay)
}

/// A short slogan that still needs more than [`MAX_PAGES_FULL`] screens: it is made, but an
/// operator would rather have it shorter. Names the line of the short form.
fn short_too_long(model: &Model, profile: &ScreenProfile, short: &str, n: usize) -> Diagnostic {
    let source = model.slogans_source();
    let text = std::fs::read_to_string(model.root.join(&source)).unwrap_or_default();
    let at = text
        .lines()
        .position(|l| l.contains(&format!("\"{short}\"")))
        .map_or(1, |i| i + 1);
    Diagnostic::warning(
        &source,
        format!(
            "短口号「{short}」在条屏 {}（{}×{}）上要分 {n} 屏才显示得完，最多 {MAX_PAGES_FULL} 屏；请写得更短",
            profile.name, profile.width, profile.height
        ),
    )
    .field("slogans.short")
    .at_line(at)
}

fn missing_glyph(source: &Path, what: &str, text: &str, ch: char, font: &TextFont) -> Diagnostic {
    Diagnostic::error(
        source,
        format!("{what}：口号「{text}」里的字「{ch}」（U+{:04X}）在{} 里没有，条屏上会显示成空白；请换一个字", ch as u32, font.name()),
    )
    .field("slogans")
}

fn load_bitmap_font() -> Result<BitmapFont, String> {
    BitmapFont::load(Path::new(strip::UNIFONT_PATH)).map_err(|e| {
        format!("条屏需要点阵字体 GNU Unifont（{e}）。Debian/Ubuntu 请安装: sudo apt-get install unifont")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn scroll_steps_are_whole_pixels_and_ten_ms_units() {
        assert_eq!(super::scroll_step(40), (2, 50));
        assert_eq!(super::scroll_step(20), (1, 50));
        assert_eq!(super::scroll_step(100), (5, 50));
        assert_eq!(super::scroll_step(30), (2, 70));
    }
}
