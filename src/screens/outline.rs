//! Strip text of 24 pixels and more: characters of a bold Hei outline font (the campaign's first
//! CJK family in bold, e.g. Noto Sans CJK SC Bold) rasterised at the strip's pixel size and
//! thresholded, so every pixel is either lit or dark — the same [`Line`] the bitmap font gives.

use tiny_skia::{FillRule, Mask, PathBuilder, Transform};
use ttf_parser::{Face, OutlineBuilder};
use typst::text::Font;

use super::strip::{Bitmap, Cell, Line, MissingGlyph, is_zero_width};

/// Coverage (of 255) from which a pixel is lit: half the pixel inside the outline.
const THRESHOLD: u8 = 128;

/// Ideographs whose ink together spans the full height of a Hei face's characters; the line's
/// baseline is placed so that this span sits centred in the text height.
const REFERENCE_INK: &str = "国亨事鼎";

/// A bold outline font ready to draw strip text.
pub struct OutlineFont {
    font: Font,
    /// Family and style, for messages: "Noto Sans CJK SC Bold".
    pub name: String,
}

impl OutlineFont {
    pub fn new(font: Font) -> OutlineFont {
        let full_name = face_of(&font).and_then(|face| {
            face.names()
                .into_iter()
                .filter(|n| n.name_id == ttf_parser::name_id::FULL_NAME && n.is_unicode())
                .find_map(|n| n.to_string())
        });
        let name = full_name.unwrap_or_else(|| font.info().family.clone());
        OutlineFont { font, name }
    }
}

/// The font's outlines and metrics. Typst loaded the font, so it parses.
fn face_of(font: &Font) -> Option<Face<'_>> {
    Face::parse(font.data().as_slice(), font.index()).ok()
}

/// Draws `text` on one line `text_px` high in palette colour `colour`: each character advances by
/// its font advance at one em = `text_px` pixels, rounded to whole pixels so pages can split
/// between characters; the outlines are filled with anti-aliasing and every pixel at least half
/// covered is lit. A character the font lacks (or a control character) is returned as missing.
pub fn render_line(
    text: &str,
    font: &OutlineFont,
    text_px: u32,
    colour: u8,
) -> Result<Line, MissingGlyph> {
    let face = face_of(&font.font).expect("Typst parsed this font already");
    let face = &face;
    let scale = text_px as f32 / f32::from(face.units_per_em());
    let glyphs = text
        .chars()
        .filter(|&ch| !is_zero_width(ch))
        .map(|ch| match face.glyph_index(ch) {
            Some(id) if !ch.is_control() => Ok((ch, id)),
            _ => Err(MissingGlyph { ch }),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let baseline = baseline_px(face, scale, text_px);
    let mut path = PathBuilder::new();
    let mut cells = Vec::with_capacity(glyphs.len());
    let mut x = 0u32;
    for (ch, id) in glyphs {
        let advance = f32::from(face.glyph_hor_advance(id).unwrap_or(0));
        let width = (advance * scale).round() as u32;
        let mut pen = Pen {
            path: &mut path,
            x0: x as f32,
            y0: baseline,
            scale,
        };
        face.outline_glyph(id, &mut pen);
        cells.push(Cell { ch, x, width });
        x += width;
    }
    let mut bitmap = Bitmap::new(x, text_px);
    if let Some(path) = path.finish()
        && let Some(mut mask) = Mask::new(x, text_px)
    {
        mask.fill_path(&path, FillRule::Winding, true, Transform::identity());
        for (i, &coverage) in mask.data().iter().enumerate() {
            if coverage >= THRESHOLD {
                bitmap.set(i as u32 % x, i as u32 / x, colour);
            }
        }
    }
    Ok(Line::new(bitmap, cells))
}

/// Where the baseline lies, in pixels from the top: the reference ideographs' ink centred in the
/// text height, or, for a font without them, the em box's descent kept at the bottom.
fn baseline_px(face: &Face<'_>, scale: f32, text_px: u32) -> f32 {
    let ink = REFERENCE_INK
        .chars()
        .filter_map(|ch| face.glyph_index(ch))
        .filter_map(|id| face.glyph_bounding_box(id))
        .fold(None, |acc: Option<(i16, i16)>, b| {
            Some(acc.map_or((b.y_min, b.y_max), |(lo, hi)| {
                (lo.min(b.y_min), hi.max(b.y_max))
            }))
        });
    match ink {
        Some((lo, hi)) => {
            (text_px as f32 / 2.0 + (f32::from(lo) + f32::from(hi)) / 2.0 * scale).round()
        }
        None => (text_px as f32 + f32::from(face.descender()) * scale).round(),
    }
}

/// Turns a glyph outline, in font units with y up, into pixels with y down at the pen position.
struct Pen<'a> {
    path: &'a mut PathBuilder,
    x0: f32,
    y0: f32,
    scale: f32,
}

impl Pen<'_> {
    fn at(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x0 + x * self.scale, self.y0 - y * self.scale)
    }
}

impl OutlineBuilder for Pen<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.path.move_to(x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.path.line_to(x, y);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x, y) = self.at(x, y);
        self.path.quad_to(x1, y1, x, y);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x2, y2) = self.at(x2, y2);
        let (x, y) = self.at(x, y);
        self.path.cubic_to(x1, y1, x2, y2, x, y);
    }

    fn close(&mut self) {
        self.path.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::foundations::Bytes;

    /// Debian's fonts-noto-cjk, which CI installs.
    fn noto_sc_bold() -> OutlineFont {
        let path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";
        let data = Bytes::new(std::fs::read(path).expect("fonts-noto-cjk is installed"));
        let font = Font::iter(data)
            .find(|f| f.info().family == "Noto Sans CJK SC")
            .expect("the collection has the SC face");
        OutlineFont::new(font)
    }

    #[test]
    fn ideographs_fill_square_cells_with_lit_or_dark_pixels_only() {
        let font = noto_sc_bold();
        assert_eq!(font.name, "Noto Sans CJK SC Bold");
        let line = render_line("国A", &font, 32, 3).unwrap();
        assert_eq!(line.height(), 32);
        let cells = line.cells();
        assert_eq!(
            (cells[0].x, cells[0].width),
            (0, 32),
            "an ideograph is one em wide"
        );
        assert!(cells[1].width < 32, "Latin is proportional");
        let pixels = line.bitmap().pixels();
        assert!(
            pixels.iter().all(|&p| p == 0 || p == 3),
            "no half-lit pixel"
        );
        let lit_rows = (0..32)
            .filter(|&y| line.bitmap().row(y)[..32].iter().any(|&p| p != 0))
            .count();
        assert!(lit_rows >= 28, "国 spans the height: {lit_rows} rows");
        assert_eq!(line.bitmap().row(0).len(), line.width() as usize);
    }

    #[test]
    fn a_character_the_font_lacks_is_reported() {
        let font = noto_sc_bold();
        let missing = render_line("反诈\u{1F600}", &font, 24, 1).unwrap_err();
        assert_eq!(missing.ch, '\u{1F600}');
        assert!(
            render_line("反\u{200B}诈", &font, 24, 1)
                .unwrap()
                .cells()
                .len()
                == 2
        );
    }
}
