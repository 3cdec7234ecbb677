//! LED strip screens (条屏): one slogan line drawn for screens built from 32×16-pixel modules.
//!
//! It owns the bitmap side of the screens: GNU Unifont's 16-pixel glyphs (read from the system's
//! `unifont.hex`, pixel-doubled for 32, 48, … px), the line laid out as palette indices with no
//! anti-aliasing, its split into exact screen-sized pages that never cut a character, the long
//! strip for controllers that scroll by themselves, and the encoders the controller software
//! takes: indexed PNG, 1-bit BMP, a scrolling GIF and GB18030 text. Every output pixel is one of
//! the palette's colours, and the same input always gives the same bytes. It writes no files.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Height of every Unifont glyph, in pixels.
pub const GLYPH_HEIGHT: u32 = 16;

/// Tallest text the bitmap font is scaled to: its 16 px, each pixel repeated 16 times.
pub const MAX_TEXT_HEIGHT: u32 = 256;

/// Where Debian's and Ubuntu's `unifont` package installs the font.
pub const UNIFONT_PATH: &str = "/usr/share/unifont/unifont.hex";

/// Palette index of the unlit background, in every palette.
pub const BLACK: u8 = 0;
/// Palette index of red, in every palette.
pub const RED: u8 = 1;
/// Palette index of green in [`Palette::RedGreenYellow`].
pub const GREEN: u8 = 2;
/// Palette index of yellow in [`Palette::RedGreenYellow`].
pub const YELLOW: u8 = 3;

/// Shortest GIF frame delay accepted: browsers slow 0 and 10 ms frames down to 100 ms.
const MIN_FRAME_DELAY_MS: u32 = 20;

/// Longest GIF frame delay: the file stores hundredths of a second in 16 bits.
const MAX_FRAME_DELAY_MS: u32 = u16::MAX as u32 * 10;

/// Size of a 1-bit BMP's headers and colour table: file header, BITMAPINFOHEADER, two colours.
const BMP_HEADER_LEN: u32 = 14 + 40 + 2 * 4;

/// BMP resolution field: 72 dpi, what most software writes (controllers ignore it).
const BMP_PIXELS_PER_METRE: i32 = 2835;

/// The colours a strip can show. Index 0 is always black, the unlit background.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Palette {
    /// Single-colour modules: black, red.
    SingleRed,
    /// Dual-colour modules: black, red, green, and yellow where both light.
    RedGreenYellow,
}

impl Palette {
    /// The colours as RGB, in index order.
    pub fn colours(self) -> &'static [[u8; 3]] {
        match self {
            Palette::SingleRed => &[[0, 0, 0], [255, 0, 0]],
            Palette::RedGreenYellow => &[[0, 0, 0], [255, 0, 0], [0, 255, 0], [255, 255, 0]],
        }
    }

    /// How many colours the palette has.
    fn len(self) -> usize {
        self.colours().len()
    }

    /// The colours as one flat `r, g, b, r, g, b, …` table, as PNG and GIF store them.
    fn rgb_table(self) -> Vec<u8> {
        self.colours().concat()
    }

    /// Bits per pixel of an indexed PNG holding this palette.
    fn png_bit_depth(self) -> png::BitDepth {
        match self.len() {
            0..=2 => png::BitDepth::One,
            3..=4 => png::BitDepth::Two,
            5..=16 => png::BitDepth::Four,
            _ => png::BitDepth::Eight,
        }
    }
}

/// A rectangle of palette indices, row by row from the top left; 0 is the black background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Bitmap {
    /// An all-black bitmap.
    pub fn new(width: u32, height: u32) -> Self {
        Bitmap {
            width,
            height,
            pixels: vec![BLACK; width as usize * height as usize],
        }
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// All pixels, row by row from the top.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// One row of pixels, `y` from the top.
    pub fn row(&self, y: u32) -> &[u8] {
        let w = self.width as usize;
        &self.pixels[y as usize * w..(y as usize + 1) * w]
    }

    /// The palette index at (`x`, `y`).
    pub fn get(&self, x: u32, y: u32) -> u8 {
        assert!(
            x < self.width && y < self.height,
            "pixel outside the bitmap"
        );
        self.pixels[y as usize * self.width as usize + x as usize]
    }

    /// Sets the palette index at (`x`, `y`).
    pub fn set(&mut self, x: u32, y: u32, index: u8) {
        assert!(
            x < self.width && y < self.height,
            "pixel outside the bitmap"
        );
        self.pixels[y as usize * self.width as usize + x as usize] = index;
    }

    /// Highest palette index used, or `None` for an empty bitmap.
    fn max_index(&self) -> Option<u8> {
        self.pixels.iter().copied().max()
    }

    /// Fills a `size` × `size` square whose top-left corner is (`x`, `y`).
    fn fill_square(&mut self, x: u32, y: u32, size: u32, index: u8) {
        let w = self.width as usize;
        for row in y..y + size {
            let start = row as usize * w + x as usize;
            self.pixels[start..start + size as usize].fill(index);
        }
    }

    /// Makes every pixel black again.
    fn clear(&mut self) {
        self.pixels.fill(BLACK);
    }
}

/// Copies the columns `cols` of `src`, whole height, so that column `cols.start` lands at
/// `dst_x` (which may be negative or past the edge: what falls outside `dst` is dropped) and row 0
/// at `dst_y`. `src` must fit `dst` vertically from `dst_y`.
fn copy_columns(src: &Bitmap, cols: Range<u32>, dst: &mut Bitmap, dst_x: i64, dst_y: u32) {
    debug_assert!(dst_y + src.height <= dst.height);
    let len = i64::from(cols.end - cols.start);
    let left = dst_x.max(0);
    let right = (dst_x + len).min(i64::from(dst.width));
    if left >= right {
        return;
    }
    let src_start = (i64::from(cols.start) + left - dst_x) as usize;
    let n = (right - left) as usize;
    let dw = dst.width as usize;
    for y in 0..src.height {
        let from = &src.row(y)[src_start..src_start + n];
        let at = (dst_y + y) as usize * dw + left as usize;
        dst.pixels[at..at + n].copy_from_slice(from);
    }
}

/// One bitmap-font glyph: 16 px high, 8 (half-width) or 16 (full-width) px wide, its advance
/// spacing included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyph {
    width: u8,
    /// One row per entry, top first; bit 15 is the leftmost pixel.
    rows: [u16; GLYPH_HEIGHT as usize],
}

impl Glyph {
    pub fn width(&self) -> u32 {
        u32::from(self.width)
    }

    pub fn height(&self) -> u32 {
        GLYPH_HEIGHT
    }

    /// Whether the pixel (`x`, `y`) is lit, `x` from the left and `y` from the top.
    pub fn is_set(&self, x: u32, y: u32) -> bool {
        assert!(
            x < self.width() && y < GLYPH_HEIGHT,
            "pixel outside the glyph"
        );
        self.rows[y as usize] >> (15 - x) & 1 == 1
    }
}

/// A bitmap font in GNU Unifont's `.hex` format: one glyph per line, `XXXX:` then 32 hex digits
/// (8 × 16) or 64 (16 × 16), each row's bits from the left. Lines that are empty or start with
/// `#` are skipped; when a code point appears twice, the later line wins, so extra glyphs can be
/// appended to override the font.
///
/// Loading checks every line and indexes it; a glyph's bits are decoded when it is asked for.
/// That keeps loading Unifont's 57 000 glyphs fast even in an unoptimised build.
#[derive(Clone)]
pub struct BitmapFont {
    /// The file's bytes, all glyph lines already checked.
    hex: Vec<u8>,
    /// Sorted by code point, one entry per code point.
    index: Vec<GlyphEntry>,
}

impl fmt::Debug for BitmapFont {
    /// Just the glyph count: the font holds the whole 3.7 MB file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BitmapFont")
            .field("glyphs", &self.index.len())
            .finish()
    }
}

/// Where one glyph's hex digits are.
#[derive(Debug, Clone, Copy)]
struct GlyphEntry {
    code: u32,
    /// Offset of the first hex digit in the file.
    offset: usize,
    /// 8 or 16.
    width: u8,
}

impl BitmapFont {
    /// Reads and checks a `.hex` file, usually [`UNIFONT_PATH`].
    pub fn load(path: &Path) -> Result<Self, FontError> {
        let hex = std::fs::read(path).map_err(|e| FontError {
            path: Some(path.to_path_buf()),
            line: None,
            message: format!("无法读取：{e}"),
        })?;
        Self::from_bytes(hex).map_err(|e| FontError {
            path: Some(path.to_path_buf()),
            ..e
        })
    }

    /// Parses `.hex` text; an error names the first bad line.
    pub fn parse(text: &str) -> Result<Self, FontError> {
        Self::from_bytes(text.as_bytes().to_vec())
    }

    fn from_bytes(hex: Vec<u8>) -> Result<Self, FontError> {
        let mut index = Vec::with_capacity(hex.len() / 60);
        let mut pos = 0;
        let mut line = 0;
        while pos < hex.len() {
            line += 1;
            if matches!(hex[pos], b'\n' | b'\r' | b'#') {
                pos = next_line(&hex, pos);
                continue;
            }
            let (entry, end) = scan_hex_line(&hex, pos).map_err(|message| FontError {
                path: None,
                line: Some(line),
                message: message.into(),
            })?;
            index.push(entry);
            pos = end + 1;
        }
        if !index.windows(2).all(|w| w[0].code < w[1].code) {
            // Reversed and stably sorted, the later of two lines for one code point comes first
            // and survives the dedup.
            index.reverse();
            index.sort_by_key(|e| e.code);
            index.dedup_by_key(|e| e.code);
        }
        Ok(BitmapFont { hex, index })
    }

    /// The glyph the font has for `ch`, if any. Unifont also has glyphs (boxes) for control
    /// characters; [`render_line`] refuses those.
    pub fn glyph(&self, ch: char) -> Option<Glyph> {
        let code = u32::from(ch);
        let i = self.index.binary_search_by_key(&code, |e| e.code).ok()?;
        Some(self.decode(self.index[i]))
    }

    /// A glyph's bits from its checked hex digits.
    fn decode(&self, entry: GlyphEntry) -> Glyph {
        let per_row = usize::from(entry.width / 4);
        let digits = &self.hex[entry.offset..entry.offset + per_row * GLYPH_HEIGHT as usize];
        let mut rows = [0u16; GLYPH_HEIGHT as usize];
        for (row, chunk) in rows.iter_mut().zip(digits.chunks_exact(per_row)) {
            let value = chunk
                .iter()
                .fold(0u16, |v, &d| v << 4 | u16::from(HEX_VALUES[usize::from(d)]));
            *row = value << (16 - u32::from(entry.width));
        }
        Glyph {
            width: entry.width,
            rows,
        }
    }

    /// How many glyphs the font has.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}

/// The start of the line after the one `pos` is in.
fn next_line(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && bytes[pos] != b'\n' {
        pos += 1;
    }
    pos + 1
}

/// Value of each byte as a hex digit; `NOT_HEX` for the other bytes.
const HEX_VALUES: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 16 {
        table[b"0123456789ABCDEF"[i] as usize] = i as u8;
        table[b"0123456789abcdef"[i] as usize] = i as u8;
        i += 1;
    }
    table
};
const NOT_HEX: u8 = 0xFF;

/// Whether every byte is a hex digit; `digits.len()` must be a multiple of 8. Unifont has 3
/// million digits, so this tests 8 at a time with bit arithmetic on a `u64` (each byte's high bit
/// says whether it is in a range), quick even in an unoptimised build, where a loop over bytes
/// takes most of the load time.
fn all_hex_digits(digits: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    /// High bit of each byte set where `lo <= byte <= hi`, for bytes below 0x80. No sum
    /// carries into the next byte: each is at most 0x7F + 0x80.
    const fn in_range(x: u64, lo: u64, hi: u64) -> u64 {
        (x + ONES * (0x80 - lo)) & !(x + ONES * (0x7F - hi)) & HIGH
    }
    debug_assert!(digits.len().is_multiple_of(8));
    let mut i = 0;
    while i < digits.len() {
        let d = &digits[i..i + 8];
        let x = u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
        if x & HIGH != 0 {
            return false;
        }
        let ok = in_range(x, b'0' as u64, b'9' as u64)
            | in_range(x, b'A' as u64, b'F' as u64)
            | in_range(x, b'a' as u64, b'f' as u64);
        if ok != HIGH {
            return false;
        }
        i += 8;
    }
    true
}

/// Whether `i` is the end of a glyph's digits: the end of the file, of the line, or a space.
fn ends_digits(bytes: &[u8], i: usize) -> bool {
    i == bytes.len() || i < bytes.len() && matches!(bytes[i], b'\n' | b'\r' | b' ' | b'\t')
}

/// Checks the `XXXX:bits` line starting at `pos`; returns its entry and where the line ends (its
/// `\n` or the end of the file). Trailing spaces and `\r` are allowed.
fn scan_hex_line(bytes: &[u8], pos: usize) -> Result<(GlyphEntry, usize), &'static str> {
    let mut i = pos;
    let mut code = 0u32;
    while i < bytes.len() && HEX_VALUES[usize::from(bytes[i])] != NOT_HEX && i - pos <= 6 {
        code = code << 4 | u32::from(HEX_VALUES[usize::from(bytes[i])]);
        i += 1;
    }
    if !(1..=6).contains(&(i - pos)) || code > 0x10FFFF {
        return Err("码位应为 1 到 6 位十六进制数，且不超过 10FFFF");
    }
    if i >= bytes.len() || bytes[i] != b':' {
        return Err("码位后缺少冒号，应为「码位:字形数据」");
    }
    let offset = i + 1;
    let (digits, width) = if ends_digits(bytes, offset + 32) {
        (32, 8)
    } else if ends_digits(bytes, offset + 64) {
        (64, 16)
    } else {
        return Err("字形数据应为 32 位（8×16）或 64 位（16×16）十六进制数");
    };
    if !all_hex_digits(&bytes[offset..offset + digits]) {
        return Err("字形数据含有非十六进制字符");
    }
    i = offset + digits;
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r') {
        i += 1;
    }
    if i < bytes.len() && bytes[i] != b'\n' {
        return Err("字形数据后面还有多余的字符");
    }
    Ok((
        GlyphEntry {
            code,
            offset,
            width,
        },
        i,
    ))
}

/// How many times each glyph pixel is repeated across and down: text height = 16 × factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scale(u32);

impl Scale {
    /// 16-pixel text, the font's own size.
    pub const ONE: Scale = Scale(1);

    /// The scale for text `height` pixels high: a multiple of 16 up to [`MAX_TEXT_HEIGHT`].
    /// Other heights need an outline font, which this module does not draw.
    pub fn for_text_height(height: u32) -> Result<Scale, StripError> {
        if height == 0 || !height.is_multiple_of(GLYPH_HEIGHT) || height > MAX_TEXT_HEIGHT {
            return Err(StripError::UnsupportedTextHeight { height });
        }
        Ok(Scale(height / GLYPH_HEIGHT))
    }

    pub fn factor(self) -> u32 {
        self.0
    }

    /// Height of the text at this scale, in pixels.
    pub fn text_height(self) -> u32 {
        GLYPH_HEIGHT * self.0
    }
}

/// Where one character of a rendered line sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub ch: char,
    /// Left edge in the line's bitmap.
    pub x: u32,
    /// Advance width, spacing included.
    pub width: u32,
}

/// A rendered line: its bitmap and where each character sits, so it can be split between
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    bitmap: Bitmap,
    cells: Vec<Cell>,
}

impl Line {
    /// A line drawn elsewhere (by the outline font): `cells` must lie inside `bitmap`.
    pub(crate) fn new(bitmap: Bitmap, cells: Vec<Cell>) -> Line {
        debug_assert!(cells.iter().all(|c| c.x + c.width <= bitmap.width));
        Line { bitmap, cells }
    }

    pub fn bitmap(&self) -> &Bitmap {
        &self.bitmap
    }

    /// The characters drawn, left to right (invisible ones such as U+200B are not drawn).
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    pub fn width(&self) -> u32 {
        self.bitmap.width
    }

    pub fn height(&self) -> u32 {
        self.bitmap.height
    }
}

/// Draws `text` on one line in palette colour `colour` (not 0, the background): glyphs side by
/// side with no extra spacing (Unifont's glyphs include it), every glyph pixel a `factor` ×
/// `factor` square. Zero-width characters (U+200B–U+200F, U+2060–U+2064, U+FE00–U+FE0F, U+FEFF)
/// are dropped; a control character counts as missing, since the font only has a box for it.
/// The result is `text width` × `scale.text_height()`; empty text gives a 0-wide line.
pub fn render_line(
    text: &str,
    font: &BitmapFont,
    scale: Scale,
    colour: u8,
) -> Result<Line, MissingGlyph> {
    assert_ne!(
        colour, BLACK,
        "text in the background colour would be invisible"
    );
    let glyphs = text
        .chars()
        .filter(|&ch| !is_zero_width(ch))
        .map(|ch| match font.glyph(ch) {
            Some(glyph) if !ch.is_control() => Ok((ch, glyph)),
            _ => Err(MissingGlyph { ch }),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let k = scale.factor();
    let width = glyphs.iter().map(|(_, g)| g.width() * k).sum();
    let mut bitmap = Bitmap::new(width, scale.text_height());
    let mut cells = Vec::with_capacity(glyphs.len());
    let mut x = 0;
    for (ch, glyph) in glyphs {
        draw_glyph(&mut bitmap, &glyph, x, k, colour);
        let width = glyph.width() * k;
        cells.push(Cell { ch, x, width });
        x += width;
    }
    Ok(Line { bitmap, cells })
}

/// Draws `glyph` with its left edge at `x0`, each pixel a `k` × `k` square.
fn draw_glyph(bitmap: &mut Bitmap, glyph: &Glyph, x0: u32, k: u32, colour: u8) {
    for gy in 0..GLYPH_HEIGHT {
        for gx in 0..glyph.width() {
            if glyph.is_set(gx, gy) {
                bitmap.fill_square(x0 + gx * k, gy * k, k, colour);
            }
        }
    }
}

/// Characters with no width that Unifont would still draw as dashed boxes; pasted slogans carry
/// them (zero-width spaces, byte-order marks, emoji variation selectors).
pub(crate) fn is_zero_width(ch: char) -> bool {
    matches!(ch, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}')
}

/// Punctuation that may not start a page (Chinese line-breaking rules, 避头点).
const NO_PAGE_START: &str = "，。、；：？！）」』》〉】〕］｝…—～·’”％,.;:?!)]}%";

/// Punctuation that may not end a page (避尾点).
const NO_PAGE_END: &str = "（「『《〈【〔［｛‘“([{";

/// Characters of a number, code or word that must stay on one page, such as the hotline 96110.
fn is_word_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric()
        || matches!(ch, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '-' | '_' | '@' | '/')
}

/// Whether a page may end between `prev` and `next`.
fn can_break_between(prev: char, next: char) -> bool {
    if prev.is_whitespace() || next.is_whitespace() {
        return true;
    }
    !(NO_PAGE_START.contains(next)
        || NO_PAGE_END.contains(prev)
        || is_word_char(prev) && is_word_char(next))
}

/// Splits `cells` into pages no wider than `width`: ranges of cell indices, with no space at
/// either end. Each page takes as many characters as fit, then backs off to the last place a page
/// may end (never inside a number or word, never before a comma or after an opening bracket);
/// when there is none, as with a word wider than the screen, it breaks after the last character
/// that fits. Every cell must be at most `width` wide.
fn page_ranges(cells: &[Cell], width: u32) -> Vec<Range<usize>> {
    let mut pages = Vec::new();
    let mut start = 0;
    while start < cells.len() {
        if cells[start].ch.is_whitespace() {
            start += 1;
            continue;
        }
        let x0 = cells[start].x;
        let mut end = start + 1;
        while end < cells.len() && cells[end].x + cells[end].width - x0 <= width {
            end += 1;
        }
        if end < cells.len()
            && let Some(at) = (start + 1..=end)
                .rev()
                .find(|&i| can_break_between(cells[i - 1].ch, cells[i].ch))
        {
            end = at;
        }
        let mut last = end;
        while cells[last - 1].ch.is_whitespace() {
            last -= 1;
        }
        pages.push(start..last);
        start = end;
    }
    pages
}

/// Splits `line` into screens of exactly `width` × `height` pixels, breaking only between
/// characters (see the rules at [`page_ranges`]); each page's characters are centred across
/// the screen by their advance widths and the line centred down it, an odd leftover pixel going
/// right or below. Spaces at a page's ends are dropped; an empty or all-space line gives no pages.
/// Errors: a zero size, a line taller than the screen, a character wider than it.
pub fn pages(line: &Line, width: u32, height: u32) -> Result<Vec<Bitmap>, StripError> {
    check_screen(width, height)?;
    check_fits_height(line, height)?;
    if let Some(cell) = line.cells.iter().find(|c| c.width > width) {
        return Err(StripError::CharTooWide {
            ch: cell.ch,
            char_width: cell.width,
            screen_width: width,
        });
    }
    let dst_y = (height - line.height()) / 2;
    let pages = page_ranges(&line.cells, width)
        .into_iter()
        .map(|range| {
            let first = line.cells[range.start];
            let last = line.cells[range.end - 1];
            let cols = first.x..last.x + last.width;
            let dst_x = (width - cols.len() as u32) / 2;
            let mut page = Bitmap::new(width, height);
            copy_columns(&line.bitmap, cols, &mut page, i64::from(dst_x), dst_y);
            page
        })
        .collect();
    Ok(pages)
}

/// The whole line on one image `height` pixels high with `margin_px` of black on the left and on
/// the right (width = line width + 2 × margin), the line centred down it: for controllers that
/// scroll a long image by themselves (连续左移).
pub fn long_strip(line: &Line, height: u32, margin_px: u32) -> Result<Bitmap, StripError> {
    let width = line.width() + 2 * margin_px;
    check_screen(width, height)?;
    check_fits_height(line, height)?;
    let mut strip = Bitmap::new(width, height);
    let dst_y = (height - line.height()) / 2;
    copy_columns(
        &line.bitmap,
        0..line.width(),
        &mut strip,
        i64::from(margin_px),
        dst_y,
    );
    Ok(strip)
}

/// Number of frames [`scroll_gif`] writes: `ceil((screen_width + line_width) / px_per_frame) + 1`.
/// Frame k (from 0) has the line's left edge at `x = screen_width − k × px_per_frame`, so the
/// first frame is the empty screen with the text about to enter at the right edge, and the last
/// is the empty screen after the text has fully left at the left edge.
pub fn scroll_frame_count(screen_width: u32, line_width: u32, px_per_frame: u32) -> u32 {
    assert!(px_per_frame > 0, "a scroll must move");
    (screen_width + line_width).div_ceil(px_per_frame) + 1
}

/// An animated GIF of `line` scrolling right to left across a `width` × `height` screen,
/// `px_per_frame` pixels per frame, vertically centred, looping forever. The frame count is
/// [`scroll_frame_count`]`(width, line.width(), px_per_frame)` and every frame is the full screen
/// with delay exactly `frame_delay_ms`. GIF counts delays in 10 ms units, so `frame_delay_ms`
/// must be a multiple of 10, from 20 (browsers slow shorter delays to 100 ms) to 655 350. The
/// palette is the one global colour table: no local tables, no transparency, no dithering.
pub fn scroll_gif(
    line: &Line,
    width: u32,
    height: u32,
    px_per_frame: u32,
    frame_delay_ms: u32,
    palette: Palette,
) -> Result<Vec<u8>, StripError> {
    check_screen(width, height)?;
    let (Ok(w16), Ok(h16)) = (u16::try_from(width), u16::try_from(height)) else {
        return Err(StripError::TooLargeForGif { width, height });
    };
    if px_per_frame == 0 {
        return Err(StripError::ZeroScrollStep);
    }
    let delay = gif_delay(frame_delay_ms)?;
    check_fits_height(line, height)?;
    check_palette(&line.bitmap, palette)?;
    let encode_error = |e: gif::EncodingError| StripError::Encode {
        format: "GIF",
        message: e.to_string(),
    };
    let table = palette.rgb_table();
    let mut encoder = gif::Encoder::new(Vec::new(), w16, h16, &table).map_err(encode_error)?;
    encoder
        .set_repeat(gif::Repeat::Infinite)
        .map_err(encode_error)?;
    let dst_y = (height - line.height()) / 2;
    let mut screen = Bitmap::new(width, height);
    for k in 0..scroll_frame_count(width, line.width(), px_per_frame) {
        screen.clear();
        let x = i64::from(width) - i64::from(k) * i64::from(px_per_frame);
        copy_columns(&line.bitmap, 0..line.width(), &mut screen, x, dst_y);
        let frame = gif::Frame {
            width: w16,
            height: h16,
            delay,
            buffer: Cow::Borrowed(&screen.pixels),
            ..gif::Frame::default()
        };
        encoder.write_frame(&frame).map_err(encode_error)?;
    }
    encoder.into_inner().map_err(encode_error)
}

/// A frame delay in the GIF's hundredths of a second.
fn gif_delay(ms: u32) -> Result<u16, StripError> {
    if !ms.is_multiple_of(10) || !(MIN_FRAME_DELAY_MS..=MAX_FRAME_DELAY_MS).contains(&ms) {
        return Err(StripError::BadFrameDelay { ms });
    }
    Ok((ms / 10) as u16)
}

/// An indexed-colour PNG of `bitmap` with exactly `palette` as its colour table, at the fewest
/// bits per pixel the palette needs (1 for two colours, 2 for four). No filtering, fixed
/// compression: the same bitmap always gives the same bytes.
pub fn png_indexed(bitmap: &Bitmap, palette: Palette) -> Result<Vec<u8>, StripError> {
    check_screen(bitmap.width, bitmap.height)?;
    check_palette(bitmap, palette)?;
    let depth = palette.png_bit_depth();
    let bits = depth as u32;
    let mut packed =
        Vec::with_capacity(packed_row_len(bitmap.width, bits) * bitmap.height as usize);
    for y in 0..bitmap.height {
        pack_row(bitmap.row(y).iter().copied(), bits, &mut packed);
    }
    let encode_error = |e: png::EncodingError| StripError::Encode {
        format: "PNG",
        message: e.to_string(),
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, bitmap.width, bitmap.height);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(depth);
    encoder.set_palette(palette.rgb_table());
    encoder.set_compression(png::Compression::High);
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header().map_err(encode_error)?;
    writer.write_image_data(&packed).map_err(encode_error)?;
    writer.finish().map_err(encode_error)?;
    Ok(out)
}

/// A 1-bit Windows BMP of `bitmap` for old controller software: BITMAPINFOHEADER, uncompressed,
/// colour table black then white, rows bottom-up, each padded to a multiple of 4 bytes. Every
/// lit pixel (any index but 0) is white. A 0-wide or 0-high bitmap gives headers only.
pub fn bmp_1bit(bitmap: &Bitmap) -> Vec<u8> {
    let stride = bitmap.width.div_ceil(32) * 4;
    let image_len = stride
        .checked_mul(bitmap.height)
        .and_then(|n| n.checked_add(BMP_HEADER_LEN))
        .expect("a 1-bit BMP smaller than 4 GB")
        - BMP_HEADER_LEN;
    let mut out = Vec::with_capacity((BMP_HEADER_LEN + image_len) as usize);
    // BITMAPFILEHEADER
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&(BMP_HEADER_LEN + image_len).to_le_bytes());
    out.extend_from_slice(&[0; 4]); // reserved
    out.extend_from_slice(&BMP_HEADER_LEN.to_le_bytes()); // offset of the pixels
    // BITMAPINFOHEADER; a positive height means bottom-up rows.
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&bmp_dimension(bitmap.width).to_le_bytes());
    out.extend_from_slice(&bmp_dimension(bitmap.height).to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // planes
    out.extend_from_slice(&1u16.to_le_bytes()); // bits per pixel
    out.extend_from_slice(&0u32.to_le_bytes()); // BI_RGB, uncompressed
    out.extend_from_slice(&image_len.to_le_bytes());
    out.extend_from_slice(&BMP_PIXELS_PER_METRE.to_le_bytes());
    out.extend_from_slice(&BMP_PIXELS_PER_METRE.to_le_bytes());
    out.extend_from_slice(&2u32.to_le_bytes()); // colours used
    out.extend_from_slice(&2u32.to_le_bytes()); // colours important
    // Colour table, blue green red reserved.
    out.extend_from_slice(&[0, 0, 0, 0, 255, 255, 255, 0]);
    for y in (0..bitmap.height).rev() {
        let row_start = out.len();
        pack_row(
            bitmap.row(y).iter().map(|&i| u8::from(i != BLACK)),
            1,
            &mut out,
        );
        out.resize(row_start + stride as usize, 0);
    }
    out
}

fn bmp_dimension(n: u32) -> i32 {
    i32::try_from(n).expect("a BMP side shorter than 2³¹ pixels")
}

/// Bytes of one row of `width` pixels at `bits` per pixel.
fn packed_row_len(width: u32, bits: u32) -> usize {
    (width * bits).div_ceil(8) as usize
}

/// Appends one row of palette indices packed at `bits` (1, 2, 4 or 8) per pixel, leftmost pixel
/// in the high bits, the last byte padded with zero bits.
fn pack_row(indices: impl Iterator<Item = u8>, bits: u32, out: &mut Vec<u8>) {
    let per_byte = 8 / bits;
    let mut byte = 0u8;
    let mut filled = 0;
    for index in indices {
        byte |= index << (8 - bits * (filled + 1));
        filled += 1;
        if filled == per_byte {
            out.push(byte);
            byte = 0;
            filled = 0;
        }
    }
    if filled > 0 {
        out.push(byte);
    }
}

/// The slogan in GB18030, for controller software that takes text in the Chinese Windows code
/// page (GB18030 is a superset of GBK and GB2312). Every Unicode character has a GB18030 code
/// except the private-use U+E5E5, which encoding_rs writes as `&#58853;`.
pub fn gb18030(text: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    bytes.into_owned()
}

fn check_screen(width: u32, height: u32) -> Result<(), StripError> {
    if width == 0 || height == 0 {
        return Err(StripError::ZeroSize { width, height });
    }
    Ok(())
}

fn check_fits_height(line: &Line, height: u32) -> Result<(), StripError> {
    if line.height() > height {
        return Err(StripError::LineTooTall {
            line_height: line.height(),
            screen_height: height,
        });
    }
    Ok(())
}

fn check_palette(bitmap: &Bitmap, palette: Palette) -> Result<(), StripError> {
    match bitmap.max_index() {
        Some(index) if usize::from(index) >= palette.len() => Err(StripError::ColourOutOfPalette {
            index,
            palette_len: palette.len(),
        }),
        _ => Ok(()),
    }
}

/// A character the bitmap font has no glyph for. The caller adds the slogan and the font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingGlyph {
    pub ch: char,
}

impl fmt::Display for MissingGlyph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = u32::from(self.ch);
        if self.ch.is_control() {
            write!(f, "点阵字体无法显示控制字符 U+{code:04X}")
        } else {
            write!(f, "点阵字体中没有字符「{}」（U+{code:04X}）", self.ch)
        }
    }
}

impl std::error::Error for MissingGlyph {}

/// A `.hex` font that cannot be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontError {
    pub path: Option<PathBuf>,
    /// The bad line, counted from 1.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for FontError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "点阵字体")?;
        if let Some(path) = &self.path {
            write!(f, " {}", path.display())?;
        }
        if let Some(line) = self.line {
            write!(f, " 第 {line} 行")?;
        }
        write!(f, "：{}", self.message)
    }
}

impl std::error::Error for FontError {}

/// Why a strip image cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripError {
    UnsupportedTextHeight {
        height: u32,
    },
    ZeroSize {
        width: u32,
        height: u32,
    },
    LineTooTall {
        line_height: u32,
        screen_height: u32,
    },
    CharTooWide {
        ch: char,
        char_width: u32,
        screen_width: u32,
    },
    TooLargeForGif {
        width: u32,
        height: u32,
    },
    ZeroScrollStep,
    BadFrameDelay {
        ms: u32,
    },
    ColourOutOfPalette {
        index: u8,
        palette_len: usize,
    },
    Encode {
        format: &'static str,
        message: String,
    },
}

impl fmt::Display for StripError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StripError::UnsupportedTextHeight { height } => write!(
                f,
                "条屏文字高度 {height} 像素不支持：点阵字体只能用 16 的整数倍（16、32、48……最大 {MAX_TEXT_HEIGHT}）"
            ),
            StripError::ZeroSize { width, height } => {
                write!(
                    f,
                    "条屏图像尺寸 {width}×{height} 像素不对：宽和高都至少要 1 像素"
                )
            }
            StripError::LineTooTall {
                line_height,
                screen_height,
            } => write!(
                f,
                "文字高 {line_height} 像素，超出了条屏高度 {screen_height} 像素"
            ),
            StripError::CharTooWide {
                ch,
                char_width,
                screen_width,
            } => write!(
                f,
                "字符「{ch}」宽 {char_width} 像素，比条屏宽度 {screen_width} 像素还宽，一屏放不下"
            ),
            StripError::TooLargeForGif { width, height } => write!(
                f,
                "GIF 画面最大 65535×65535 像素，{width}×{height} 像素太大"
            ),
            StripError::ZeroScrollStep => write!(f, "滚动速度至少要每帧 1 像素"),
            StripError::BadFrameDelay { ms } => write!(
                f,
                "GIF 帧间隔 {ms} 毫秒不行：GIF 以 10 毫秒为单位，须是 10 的倍数，且在 {MIN_FRAME_DELAY_MS} 到 {MAX_FRAME_DELAY_MS} 毫秒之间（更短的间隔浏览器会放慢成 100 毫秒）"
            ),
            StripError::ColourOutOfPalette { index, palette_len } => write!(
                f,
                "图像用了第 {index} 号颜色，但条屏调色板只有 {palette_len} 种颜色"
            ),
            StripError::Encode { format, message } => write!(f, "{format} 编码失败：{message}"),
        }
    }
}

impl std::error::Error for StripError {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// Unifont's own lines for a few characters.
    const SAMPLE_HEX: &str = "\
0020:00000000000000000000000000000000
0036:000000001C2040407C424242423C0000
0041:0000000018242442427E424242420000
53CD:001000F83F00200020003FF8240824102210222021402080414042208C183006
8BC8:01002100110011FE02800280F48010F810801080108014FC1880108000800080
FF0C:00000000000000000000000000000000000000000000000003C000C000C00300
";

    fn sample() -> BitmapFont {
        BitmapFont::parse(SAMPLE_HEX).unwrap()
    }

    /// The system's Unifont, loaded once for all tests.
    fn unifont() -> &'static BitmapFont {
        static FONT: OnceLock<BitmapFont> = OnceLock::new();
        FONT.get_or_init(|| {
            BitmapFont::load(Path::new(UNIFONT_PATH))
                .unwrap_or_else(|e| panic!("{e}（请安装 Debian/Ubuntu 软件包 unifont）"))
        })
    }

    fn lit(bitmap: &Bitmap) -> usize {
        bitmap.pixels().iter().filter(|&&i| i != BLACK).count()
    }

    #[test]
    fn parses_half_and_full_width_glyphs() {
        let font = sample();
        let a = font.glyph('A').unwrap();
        assert_eq!((a.width(), a.height()), (8, 16));
        // Row 7 of 'A' is 0x42: pixels 1 and 6 lit.
        let row: Vec<bool> = (0..8).map(|x| a.is_set(x, 7)).collect();
        assert_eq!(row, [false, true, false, false, false, false, true, false]);
        assert_eq!(font.glyph('反').unwrap().width(), 16);
        assert_eq!(font.glyph('B'), None);
    }

    #[test]
    fn system_unifont_has_latin_and_cjk_but_not_private_use() {
        let font = unifont();
        assert!(font.len() > 50_000);
        assert_eq!(font.glyph('A').unwrap().width(), 8);
        assert_eq!(font.glyph('反').unwrap().width(), 16);
        assert_eq!(font.glyph('反'), sample().glyph('反'));
        assert_eq!(font.glyph('\u{E000}'), None);
    }

    #[test]
    fn bad_font_lines_are_named() {
        let err =
            BitmapFont::parse("0041:0000000018242442427E424242420000\n0042:12\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.to_string().contains("第 2 行"), "{err}");
        let err = BitmapFont::parse("XYZ:00000000000000000000000000000000").unwrap_err();
        assert!(err.message.contains("码位"), "{err}");
        let err = BitmapFont::parse("0041:0000000018242442427E42424242000G").unwrap_err();
        assert!(err.message.contains("十六进制"), "{err}");
        let err = BitmapFont::load(Path::new("/nonexistent/font.hex")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/font.hex"), "{err}");
    }

    #[test]
    fn hex_digit_check_matches_the_table_for_every_byte() {
        for byte in 0..=255u8 {
            for at in 0..8 {
                let mut digits = *b"0123abcDEF456789";
                digits[at + 8 * usize::from(byte % 2)] = byte;
                assert_eq!(
                    all_hex_digits(&digits),
                    byte.is_ascii_hexdigit(),
                    "byte {byte:#04x} at {at}"
                );
            }
        }
    }

    #[test]
    fn skips_comments_blank_lines_and_crlf() {
        let font = BitmapFont::parse(
            "# test font\r\n\r\n0041:0000000018242442427E424242420000 \r\n0042:bad",
        )
        .unwrap_err();
        assert_eq!(font.line, Some(4));
        let font =
            BitmapFont::parse("# test font\r\n\r\n0041:0000000018242442427E424242420000\r\n")
                .unwrap();
        assert_eq!(font.glyph('A'), sample().glyph('A'));
    }

    #[test]
    fn later_font_line_overrides_earlier() {
        let font = BitmapFont::parse(
            "0041:0000000018242442427E424242420000\n0041:FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\n",
        )
        .unwrap();
        assert_eq!(font.len(), 1);
        assert!(font.glyph('A').unwrap().is_set(0, 0));
    }

    #[test]
    fn scales_only_by_multiples_of_16() {
        assert_eq!(Scale::for_text_height(16).unwrap().factor(), 1);
        assert_eq!(Scale::for_text_height(32).unwrap().factor(), 2);
        assert_eq!(Scale::for_text_height(48).unwrap().factor(), 3);
        for bad in [0, 8, 24, 40, MAX_TEXT_HEIGHT + 16] {
            let err = Scale::for_text_height(bad).unwrap_err();
            assert_eq!(err, StripError::UnsupportedTextHeight { height: bad });
            assert!(err.to_string().contains("16 的整数倍"));
        }
    }

    #[test]
    fn renders_fanzha_at_one_and_two_scales() {
        let font = sample();
        let one = render_line("反诈", &font, Scale::ONE, RED).unwrap();
        assert_eq!((one.width(), one.height()), (32, 16));
        assert_eq!(
            one.cells()
                .iter()
                .map(|c| (c.ch, c.x, c.width))
                .collect::<Vec<_>>(),
            [('反', 0, 16), ('诈', 16, 16)]
        );
        let two = render_line("反诈", &font, Scale::for_text_height(32).unwrap(), RED).unwrap();
        assert_eq!((two.width(), two.height()), (64, 32));
        for y in 0..32 {
            for x in 0..64 {
                assert_eq!(two.bitmap().get(x, y), one.bitmap().get(x / 2, y / 2));
            }
        }
        assert!(
            two.bitmap()
                .pixels()
                .iter()
                .all(|&i| i == BLACK || i == RED)
        );
        assert_eq!(lit(two.bitmap()), 4 * lit(one.bitmap()));
    }

    #[test]
    fn missing_and_control_characters_are_reported() {
        let font = sample();
        let err = render_line("反\u{E000}诈", &font, Scale::ONE, RED).unwrap_err();
        assert_eq!(err, MissingGlyph { ch: '\u{E000}' });
        assert!(err.to_string().contains("U+E000"), "{err}");
        let unifont = unifont();
        assert_eq!(
            render_line("反\n诈", unifont, Scale::ONE, RED).unwrap_err(),
            MissingGlyph { ch: '\n' }
        );
        let line = render_line("\u{FEFF}反\u{200B}诈", &font, Scale::ONE, RED).unwrap();
        assert_eq!(line.width(), 32);
    }

    #[test]
    fn pages_are_exact_size_and_never_cut_a_character() {
        let font = unifont();
        let text = "凡是自称公检法要求转账的都是诈骗，请拨打96110";
        let line = render_line(text, font, Scale::ONE, RED).unwrap();
        let pages = pages(&line, 96, 32).unwrap();
        assert!(pages.len() >= 4);
        for page in &pages {
            assert_eq!((page.width(), page.height()), (96, 32));
        }
        // No ink lost or cut in two: every page's ink adds up to the line's.
        assert_eq!(pages.iter().map(lit).sum::<usize>(), lit(line.bitmap()));
        for range in page_ranges(line.cells(), 96) {
            let first = line.cells()[range.start];
            let last = line.cells()[range.end - 1];
            assert!(last.x + last.width - first.x <= 96);
            assert!(
                !NO_PAGE_START.contains(first.ch),
                "page starts with {}",
                first.ch
            );
        }
    }

    #[test]
    fn pages_keep_numbers_whole_and_commas_attached() {
        let font = sample();
        // "反反6666" is 64 px; a 56-px screen would cut the number after two digits.
        let line = render_line("反反6666", &font, Scale::ONE, RED).unwrap();
        let ranges = page_ranges(line.cells(), 56);
        assert_eq!(ranges, [0..2, 2..6]);
        // "反诈，反诈" on a 40-px screen: the comma may not start the second page.
        let line = render_line("反诈，反诈", &font, Scale::ONE, RED).unwrap();
        assert_eq!(page_ranges(line.cells(), 40), [0..1, 1..3, 3..5]);
        // Spaces at a page's ends are dropped.
        let line = render_line("AA AA", &font, Scale::ONE, RED).unwrap();
        assert_eq!(page_ranges(line.cells(), 24), [0..2, 3..5]);
    }

    #[test]
    fn pages_centre_the_text() {
        let font = sample();
        let line = render_line("反", &font, Scale::ONE, RED).unwrap();
        let page = &pages(&line, 32, 32).unwrap()[0];
        let mut expected = Bitmap::new(32, 32);
        copy_columns(line.bitmap(), 0..16, &mut expected, 8, 8);
        assert_eq!(page, &expected);
        assert!(
            pages(&render_line(" ", &font, Scale::ONE, RED).unwrap(), 32, 16)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn oversize_lines_and_characters_are_rejected() {
        let font = sample();
        let tall = render_line("反诈", &font, Scale::for_text_height(32).unwrap(), RED).unwrap();
        let err = pages(&tall, 192, 16).unwrap_err();
        assert_eq!(
            err,
            StripError::LineTooTall {
                line_height: 32,
                screen_height: 16
            }
        );
        assert!(err.to_string().contains("超出了条屏高度"), "{err}");
        assert!(long_strip(&tall, 16, 0).is_err());
        assert!(scroll_gif(&tall, 192, 16, 1, 40, Palette::SingleRed).is_err());
        let err = pages(&tall, 24, 32).unwrap_err();
        assert!(matches!(
            err,
            StripError::CharTooWide {
                ch: '反',
                char_width: 32,
                ..
            }
        ));
        assert!(matches!(
            pages(&tall, 0, 32),
            Err(StripError::ZeroSize { .. })
        ));
    }

    #[test]
    fn long_strip_adds_margins() {
        let font = sample();
        let line = render_line("反诈", &font, Scale::ONE, RED).unwrap();
        let strip = long_strip(&line, 32, 10).unwrap();
        assert_eq!((strip.width(), strip.height()), (52, 32));
        let mut expected = Bitmap::new(52, 32);
        copy_columns(line.bitmap(), 0..32, &mut expected, 10, 8);
        assert_eq!(strip, expected);
    }

    #[test]
    fn gif_scrolls_with_the_documented_frames_and_delays() {
        let font = sample();
        let line = render_line("反诈6", &font, Scale::ONE, GREEN).unwrap();
        let bytes = scroll_gif(&line, 64, 32, 3, 40, Palette::RedGreenYellow).unwrap();
        assert_eq!(
            bytes,
            scroll_gif(&line, 64, 32, 3, 40, Palette::RedGreenYellow).unwrap()
        );
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::Indexed);
        let mut decoder = options.read_info(bytes.as_slice()).unwrap();
        assert_eq!((decoder.width(), decoder.height()), (64, 32));
        assert_eq!(decoder.repeat(), gif::Repeat::Infinite);
        assert_eq!(
            decoder.global_palette().unwrap(),
            Palette::RedGreenYellow.rgb_table()
        );
        let mut frames = Vec::new();
        while let Some(frame) = decoder.read_next_frame().unwrap() {
            assert_eq!(frame.delay, 4);
            assert_eq!((frame.width, frame.height), (64, 32));
            assert!(frame.palette.is_none());
            frames.push(frame.buffer.to_vec());
        }
        // ceil((64 + 40) / 3) + 1 = 36
        assert_eq!(frames.len(), 36);
        assert_eq!(scroll_frame_count(64, 40, 3), 36);
        assert!(frames[0].iter().all(|&i| i == BLACK));
        assert!(frames[35].iter().all(|&i| i == BLACK));
        let mut expected = Bitmap::new(64, 32);
        copy_columns(line.bitmap(), 0..40, &mut expected, 64 - 10 * 3, 8);
        assert_eq!(frames[10], expected.pixels());
    }

    #[test]
    fn gif_rejects_bad_steps_delays_and_colours() {
        let font = sample();
        let line = render_line("反", &font, Scale::ONE, RED).unwrap();
        for ms in [0, 10, 25, 655_360] {
            let err = scroll_gif(&line, 32, 16, 1, ms, Palette::SingleRed).unwrap_err();
            assert_eq!(err, StripError::BadFrameDelay { ms });
            assert!(err.to_string().contains("10 的倍数"), "{err}");
        }
        assert_eq!(
            scroll_gif(&line, 32, 16, 0, 40, Palette::SingleRed),
            Err(StripError::ZeroScrollStep)
        );
        let yellow = render_line("反", &font, Scale::ONE, YELLOW).unwrap();
        assert_eq!(
            scroll_gif(&yellow, 32, 16, 1, 40, Palette::SingleRed),
            Err(StripError::ColourOutOfPalette {
                index: YELLOW,
                palette_len: 2
            })
        );
    }

    /// Decodes an indexed PNG into one palette index per pixel.
    fn decode_png(bytes: &[u8]) -> (png::OutputInfo, Vec<u8>, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let palette = reader.info().palette.as_ref().unwrap().to_vec();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let bits = info.bit_depth as u32;
        let mut indices = Vec::new();
        for row in buf.chunks(info.line_size).take(info.height as usize) {
            for x in 0..info.width {
                let bit = x * bits;
                let byte = row[(bit / 8) as usize];
                indices.push(byte >> (8 - bits - bit % 8) & ((1 << bits) - 1) as u8);
            }
        }
        (info, palette, indices)
    }

    #[test]
    fn png_keeps_the_exact_indices_and_palette() {
        let font = sample();
        let red = render_line("反诈", &font, Scale::ONE, RED).unwrap();
        let page = &pages(&red, 37, 17).unwrap()[0];
        let bytes = png_indexed(page, Palette::SingleRed).unwrap();
        assert_eq!(bytes, png_indexed(page, Palette::SingleRed).unwrap());
        let (info, palette, indices) = decode_png(&bytes);
        assert_eq!(info.color_type, png::ColorType::Indexed);
        assert_eq!(info.bit_depth, png::BitDepth::One);
        assert_eq!(palette, [0, 0, 0, 255, 0, 0]);
        assert_eq!(indices, page.pixels());

        let mut mixed = long_strip(&red, 16, 3).unwrap();
        mixed.set(0, 0, YELLOW);
        mixed.set(1, 0, GREEN);
        let (info, palette, indices) =
            decode_png(&png_indexed(&mixed, Palette::RedGreenYellow).unwrap());
        assert_eq!(info.bit_depth, png::BitDepth::Two);
        assert_eq!(palette.len(), 12);
        assert_eq!(indices, mixed.pixels());
        assert!(png_indexed(&mixed, Palette::SingleRed).is_err());
    }

    #[test]
    fn bmp_has_1_bit_headers_and_bottom_up_padded_rows() {
        let mut bitmap = Bitmap::new(35, 3);
        bitmap.set(0, 0, RED);
        bitmap.set(34, 0, GREEN);
        bitmap.set(1, 2, RED);
        let bmp = bmp_1bit(&bitmap);
        let u32_at = |i: usize| u32::from_le_bytes(bmp[i..i + 4].try_into().unwrap());
        let u16_at = |i: usize| u16::from_le_bytes(bmp[i..i + 2].try_into().unwrap());
        let stride = 8; // 35 bits round up to two 4-byte words
        assert_eq!(&bmp[0..2], b"BM");
        assert_eq!(u32_at(2) as usize, bmp.len());
        assert_eq!(bmp.len(), 62 + stride * 3);
        assert_eq!(u32_at(10), 62);
        assert_eq!(u32_at(14), 40);
        assert_eq!((u32_at(18), u32_at(22)), (35, 3));
        assert_eq!((u16_at(26), u16_at(28)), (1, 1));
        assert_eq!(u32_at(30), 0);
        assert_eq!(u32_at(34) as usize, stride * 3);
        assert_eq!(&bmp[54..62], &[0, 0, 0, 0, 255, 255, 255, 0]);
        // Bottom row first: y = 2 has pixel 1 lit.
        assert_eq!(&bmp[62..70], &[0b0100_0000, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&bmp[70..78], &[0; 8]);
        assert_eq!(&bmp[78..86], &[0b1000_0000, 0, 0, 0, 0b0010_0000, 0, 0, 0]);
    }

    #[test]
    fn gb18030_round_trips() {
        let text = "凡是自称公检法要求转账的，都是诈骗！请拨打 96110。";
        let bytes = gb18030(text);
        assert_eq!(&bytes[..2], &[0xB7, 0xB2]); // 凡
        let (decoded, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
        assert!(!had_errors);
        assert_eq!(decoded, text);
    }
}
