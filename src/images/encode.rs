//! One picture made for the web: its format recognised from its bytes, its pixel size read from
//! its header and refused over the limit before anything is decoded, decoded (a truncated file is
//! an error, not a grey band), turned upright by its EXIF orientation, and encoded anew from
//! pixels at each width — lossy WebP and its own format — so no metadata (EXIF with its GPS
//! position, XMP, comments) survives.

use std::io::Cursor;

use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use thiserror::Error;

/// The widths made: a phone's column at 1× (360), at 2× (720, the common phone), a desktop
/// column or a phone at 3× (1080). Never wider than the picture itself.
pub const WIDTHS: [u32; 3] = [360, 720, 1080];
/// libwebp's quality for every WebP: cwebp's default, where photos look as the camera's JPEG
/// at a third of its bytes (six 720-pixel phone photos stay under 350 KB).
pub const WEBP_QUALITY: f32 = 75.0;
/// The JPEG fallback for browsers without WebP: a little higher, as JPEG's artefacts show sooner.
pub const JPEG_QUALITY: u8 = 80;

/// The raster formats pages may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    WebP,
}

impl Format {
    fn of(f: ImageFormat) -> Option<Format> {
        match f {
            ImageFormat::Jpeg => Some(Format::Jpeg),
            ImageFormat::Png => Some(Format::Png),
            ImageFormat::Gif => Some(Format::Gif),
            ImageFormat::WebP => Some(Format::WebP),
            _ => None,
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
            Format::Gif => ImageFormat::Gif,
            Format::WebP => ImageFormat::WebP,
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Gif => "image/gif",
            Format::WebP => "image/webp",
        }
    }

    /// A byte for cache keys.
    pub fn tag(self) -> u8 {
        self as u8
    }
}

/// Why a picture cannot be published. Messages complete 「图片 X …」.
#[derive(Debug, Error, PartialEq)]
pub enum ImageError {
    #[error("无法读取（{0}）")]
    Read(String),
    #[error("不是图片：内容不是 JPEG、PNG、GIF 或 WebP（可能改过扩展名，或是别的文件）")]
    NotAnImage,
    #[error("不完整：文件在图片数据结束前就断了（可能没有拷贝完或下载完），请重新导出或拷贝")]
    Truncated,
    #[error("已损坏，无法解码（{0}）")]
    Corrupt(String),
    #[error(
        "有 {width} × {height} 像素，超过上限 {max} 像素（config.toml 的 [images] max_pixels）；请先缩小照片"
    )]
    TooLarge { width: u32, height: u32, max: u64 },
    #[error("无法编码（{0}）")]
    Encode(String),
}

/// What a picture's header says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probe {
    pub format: Format,
    /// As stored, before any EXIF rotation.
    pub width: u32,
    pub height: u32,
}

/// Recognises the format from the bytes and reads the pixel size from the header only, refusing
/// a picture over `max_pixels` before it is decoded.
pub fn probe(bytes: &[u8], max_pixels: u64) -> Result<Probe, ImageError> {
    let format = image::guess_format(bytes)
        .ok()
        .and_then(Format::of)
        .ok_or(ImageError::NotAnImage)?;
    let reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    let (width, height) = reader.into_dimensions().map_err(decode_error)?;
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(ImageError::TooLarge {
            width,
            height,
            max: max_pixels,
        });
    }
    Ok(Probe {
        format,
        width,
        height,
    })
}

/// One width of a picture, encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub width: u32,
    pub height: u32,
    /// In the picture's own format (WebP for a WebP).
    pub own: Vec<u8>,
    /// As lossy WebP, when the own format is JPEG or PNG.
    pub webp: Option<Vec<u8>>,
}

/// Decodes the picture `probe` describes and checks it is whole: every pixel is there.
pub fn decode(bytes: &[u8], probe: &Probe, max_pixels: u64) -> Result<DynamicImage, ImageError> {
    if probe.format == Format::Jpeg && !jpeg_is_complete(bytes) {
        return Err(ImageError::Truncated);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), probe.format.image_format());
    let mut limits = Limits::default();
    // Enough for the largest allowed picture at 16 bits per RGBA channel, no more.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).max(64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let orientation = decoder.orientation().map_err(decode_error)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    img.apply_orientation(orientation);
    Ok(if img.color().has_alpha() {
        DynamicImage::ImageRgba8(img.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(img.to_rgb8())
    })
}

/// The picture at every width of [`WIDTHS`] narrower than it, and at its own width up to the
/// largest, narrowest first.
pub fn widths_for(width: u32) -> Vec<u32> {
    let largest = width.min(WIDTHS[WIDTHS.len() - 1]);
    let mut out: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < largest).collect();
    out.push(largest);
    out
}

/// Encodes an upright, decoded picture of `format` at each of its widths.
pub fn encode(img: &DynamicImage, format: Format) -> Result<Vec<Encoded>, ImageError> {
    let widths = widths_for(img.width());
    let largest = resized(img, widths[widths.len() - 1]);
    let mut out = Vec::with_capacity(widths.len());
    for &w in &widths {
        let pic = if w == largest.width() {
            largest.clone()
        } else {
            resized(&largest, w)
        };
        let (own, webp) = match format {
            Format::WebP => (webp(&pic)?, None),
            Format::Png => (png(&pic)?, Some(webp(&pic)?)),
            // A GIF is published as it is (see `images`); were one encoded, JPEG would do.
            Format::Jpeg | Format::Gif => (jpeg(&pic)?, Some(webp(&pic)?)),
        };
        out.push(Encoded {
            width: pic.width(),
            height: pic.height(),
            own,
            webp,
        });
    }
    Ok(out)
}

/// `img` scaled to `width`, its height in proportion. Large reductions average the pixels each
/// new pixel covers (fast, and sharp enough from a 4000-pixel photo); small ones use Catmull-Rom.
fn resized(img: &DynamicImage, width: u32) -> DynamicImage {
    if img.width() == width {
        return img.clone();
    }
    let height = ((u64::from(img.height()) * u64::from(width) + u64::from(img.width()) / 2)
        / u64::from(img.width()))
    .max(1) as u32;
    if img.width() >= 2 * width {
        img.thumbnail_exact(width, height)
    } else {
        img.resize_exact(width, height, FilterType::CatmullRom)
    }
}

/// Lossy WebP by libwebp's one-call encoder (cwebp's defaults: method 4) at [`WEBP_QUALITY`].
fn webp(img: &DynamicImage) -> Result<Vec<u8>, ImageError> {
    let too_large = || ImageError::Encode("WebP: 图片过大".into());
    let width = i32::try_from(img.width()).map_err(|_| too_large())?;
    let height = i32::try_from(img.height()).map_err(|_| too_large())?;
    let (pixels, channels) = match img {
        DynamicImage::ImageRgba8(p) => (p.as_raw(), 4),
        DynamicImage::ImageRgb8(p) => (p.as_raw(), 3),
        _ => unreachable!("decode gives 8-bit RGB or RGBA"),
    };
    let stride = width.checked_mul(channels).ok_or_else(too_large)?;
    let encode = if channels == 4 {
        libwebp_sys::WebPEncodeRGBA
    } else {
        libwebp_sys::WebPEncodeRGB
    };
    let mut out: *mut u8 = std::ptr::null_mut();
    // SAFETY: `pixels` holds `height` rows of `stride` bytes (an 8-bit RGB or RGBA buffer of
    // these dimensions); libwebp only reads it, and on success stores in `out` a buffer of the
    // returned length that it allocated, which is copied and then released with WebPFree.
    let len = unsafe {
        encode(
            pixels.as_ptr(),
            width,
            height,
            stride,
            WEBP_QUALITY,
            &mut out,
        )
    };
    if len == 0 || out.is_null() {
        return Err(ImageError::Encode("WebP: libwebp 编码失败".into()));
    }
    // SAFETY: see above; `out` is valid for `len` bytes until freed, and freed once.
    let bytes = unsafe { std::slice::from_raw_parts(out, len) }.to_vec();
    unsafe { libwebp_sys::WebPFree(out.cast()) };
    Ok(bytes)
}

/// The picture as a baseline JPEG at [`JPEG_QUALITY`], with the encoder the forwardable
/// pictures use (`jpeg-encoder`, several times faster than the `image` crate's).
fn jpeg(img: &DynamicImage) -> Result<Vec<u8>, ImageError> {
    let rgb = img.to_rgb8();
    let (Ok(width), Ok(height)) = (u16::try_from(rgb.width()), u16::try_from(rgb.height())) else {
        return Err(ImageError::Encode(format!(
            "JPEG: {}×{} 像素，超过 JPEG 的边长上限 65535",
            rgb.width(),
            rgb.height()
        )));
    };
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY)
        .encode(rgb.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| ImageError::Encode(e.to_string()))?;
    Ok(out)
}

fn png(img: &DynamicImage) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    let encoder =
        PngEncoder::new_with_quality(&mut out, CompressionType::Best, PngFilter::Adaptive);
    img.write_with_encoder(encoder)
        .map_err(|e| ImageError::Encode(e.to_string()))?;
    Ok(out)
}

fn decode_error(e: image::ImageError) -> ImageError {
    use image::ImageError as E;
    match e {
        E::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => ImageError::Truncated,
        E::IoError(io) => ImageError::Read(io.to_string()),
        E::Limits(_) => ImageError::Corrupt("图片声明的尺寸超出内存限制".into()),
        E::Decoding(d) if d.to_string().to_lowercase().contains("eof") => ImageError::Truncated,
        other => ImageError::Corrupt(other.to_string()),
    }
}

/// Whether a JPEG's segments and scans run to its end-of-image marker. A decoder fills what a
/// cut-off file lacks with grey; a file cut off in copying must be an error instead. Data after
/// the end marker (some phones append a video) is allowed.
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    const SOI: u8 = 0xD8;
    const EOI: u8 = 0xD9;
    const SOS: u8 = 0xDA;
    if bytes.get(..2) != Some(&[0xFF, SOI]) {
        return false;
    }
    let mut i = 2;
    loop {
        // A marker, possibly after fill bytes.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else {
            return false;
        };
        i += 2;
        match marker {
            EOI => return true,
            0xD0..=0xD7 | 0x01 => continue,
            _ => {}
        }
        let Some(len) = bytes
            .get(i..i + 2)
            .map(|b| usize::from(b[0]) << 8 | usize::from(b[1]))
        else {
            return false;
        };
        if len < 2 || i + len > bytes.len() {
            return false;
        }
        i += len;
        if marker == SOS {
            // Entropy-coded data runs to the next marker that is not a stuffed zero or a restart.
            loop {
                let Some(at) = bytes[i..].iter().position(|&b| b == 0xFF) else {
                    return false;
                };
                i += at;
                match bytes.get(i + 1) {
                    None => return false,
                    Some(0x00 | 0xD0..=0xD7) => i += 2,
                    Some(0xFF) => i += 1,
                    Some(_) => break,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([
                (x * 255 / w) as u8,
                (y * 255 / h) as u8,
                ((x + y) % 256) as u8,
            ])
        }))
    }

    fn jpeg_of(img: &DynamicImage) -> Vec<u8> {
        jpeg(img).unwrap()
    }

    #[test]
    fn widths_never_exceed_the_picture() {
        assert_eq!(widths_for(4000), [360, 720, 1080]);
        assert_eq!(widths_for(1080), [360, 720, 1080]);
        assert_eq!(widths_for(800), [360, 720, 800]);
        assert_eq!(widths_for(360), [360]);
        assert_eq!(widths_for(40), [40]);
    }

    #[test]
    fn a_whole_jpeg_decodes_and_a_cut_one_is_truncated() {
        let bytes = jpeg_of(&gradient(64, 48));
        assert!(jpeg_is_complete(&bytes));
        let mut with_trailer = bytes.clone();
        with_trailer.extend(b"ftypmp42 appended video");
        assert!(jpeg_is_complete(&with_trailer));
        let p = probe(&bytes, 1 << 20).unwrap();
        assert_eq!((p.format, p.width, p.height), (Format::Jpeg, 64, 48));
        assert_eq!(decode(&bytes, &p, 1 << 20).unwrap().width(), 64);
        for cut in [bytes.len() - 2, bytes.len() * 2 / 3, 300] {
            assert!(!jpeg_is_complete(&bytes[..cut]), "cut at {cut}");
            assert_eq!(
                decode(&bytes[..cut], &p, 1 << 20),
                Err(ImageError::Truncated),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_cut_png_or_webp_is_an_error() {
        let img = gradient(64, 48);
        for bytes in [png(&img).unwrap(), webp(&img).unwrap()] {
            let p = probe(&bytes, 1 << 20).unwrap();
            let cut = &bytes[..bytes.len() * 2 / 3];
            assert!(decode(cut, &p, 1 << 20).is_err(), "{:?}", p.format);
        }
    }

    #[test]
    fn text_is_not_an_image_and_the_limit_is_read_from_the_header() {
        assert_eq!(probe(b"png", 1 << 20), Err(ImageError::NotAnImage));
        assert_eq!(
            probe(b"<svg xmlns='http://www.w3.org/2000/svg'/>", 1 << 20),
            Err(ImageError::NotAnImage)
        );
        let bytes = jpeg_of(&gradient(200, 100));
        assert_eq!(
            probe(&bytes, 19_999),
            Err(ImageError::TooLarge {
                width: 200,
                height: 100,
                max: 19_999
            })
        );
    }

    #[test]
    fn encodes_every_width_in_both_formats() {
        let made = encode(&gradient(1500, 1000), Format::Jpeg).unwrap();
        let sizes: Vec<_> = made.iter().map(|e| (e.width, e.height)).collect();
        assert_eq!(sizes, [(360, 240), (720, 480), (1080, 720)]);
        for e in &made {
            let own = image::load_from_memory(&e.own).unwrap();
            assert_eq!((own.width(), own.height()), (e.width, e.height));
            let webp = e.webp.as_deref().unwrap();
            assert_eq!(image::guess_format(webp).unwrap(), ImageFormat::WebP);
        }
        let png_made = encode(&gradient(100, 50), Format::Png).unwrap();
        assert_eq!(
            image::guess_format(&png_made[0].own).unwrap(),
            ImageFormat::Png
        );
        let webp_made = encode(&gradient(100, 50), Format::WebP).unwrap();
        assert!(webp_made[0].webp.is_none());
    }
}
