//! Page pictures: phone photos beside a page (4000 × 3000 JPEGs, one turned by its EXIF
//! orientation, one with a GPS position) are published upright, at 360, 720 and 1080 pixels, as
//! WebP and JPEG, with no EXIF left — checked by decoding every file; pages show them through
//! `<picture>` with `srcset`, `sizes`, `width`/`height` and lazy loading; a broken picture is an
//! error at the line that names it; and in Chromium at 375 CSS px and DPR 2 a page of six photos
//! downloads at most 350 KB of pictures. The photos are made here: a sky-to-ground gradient,
//! texture at every scale and hard-edged blocks where people and banners would be.

use std::io::Cursor;
use std::process::Command;
use std::sync::OnceLock;

use image::{ImageDecoder, ImageReader, RgbImage, imageops::FilterType};

use crate::support::{Campaign, SITE_ONLY};

const W: u32 = 4000;
const H: u32 = 3000;
/// Where the GPS photo says it was taken: 31°14'12.34" N, 121°28'56.78" E, as EXIF rationals.
const LATITUDE: [(u32, u32); 3] = [(31, 1), (14, 1), (1234, 100)];
const LONGITUDE: [(u32, u32); 3] = [(121, 1), (28, 1), (5678, 100)];
/// A build without the kits no test here reads.
const BUILD: [&str; 9] = [
    "build", "--skip", "print", "--skip", "screens", "--skip", "share", "--skip", "search",
];

/// A small xorshift generator: the same photos on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 32) as u32
    }

    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }
}

/// A stand-in for a phone photo of an event, 4000 × 3000: made at a quarter of the size (value
/// noise in octaves from 4 to 500 cells across, each 0.8 of the last's strength, over a sky-to-
/// ground gradient, and 400 flat blocks with hard edges), enlarged, with a sensor's grain.
fn photo(seed: u64) -> RgbImage {
    let (lw, lh) = (W / 4, H / 4);
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let sky = [rng.below(256), rng.below(256), 200 + rng.below(56)].map(|v| v as f32);
    let ground = [60 + rng.below(80), 60 + rng.below(80), 40 + rng.below(60)].map(|v| v as f32);
    let mut acc: Vec<[f32; 3]> = (0..lw * lh)
        .map(|i| {
            let t = (i / lw) as f32 / lh as f32;
            [0, 1, 2].map(|c| sky[c] * (1.0 - t) + ground[c] * t)
        })
        .collect();
    let (mut cells, mut strength) = (4, 70.0f32);
    while cells <= lw / 2 {
        let grid = RgbImage::from_fn(cells, (cells * 3 / 4).max(2), |_, _| {
            image::Rgb([rng.next() as u8, rng.next() as u8, rng.next() as u8])
        });
        let layer = image::imageops::resize(&grid, lw, lh, FilterType::Triangle);
        for (a, p) in acc.iter_mut().zip(layer.pixels()) {
            let light = (f32::from(p[0]) + f32::from(p[1]) + f32::from(p[2])) / 3.0 - 127.5;
            for c in 0..3 {
                a[c] += (light * 0.7 + (f32::from(p[c]) - 127.5) * 0.3) * strength / 127.5;
            }
        }
        cells *= 2;
        strength *= 0.8;
    }
    for _ in 0..400 {
        let (x0, y0) = (rng.below(lw), lh / 3 + rng.below(lh * 2 / 3));
        let (bw, bh) = (4 + rng.below(lw / 20), 8 + rng.below(lh / 8));
        let colour = [rng.below(256), rng.below(256), rng.below(256)].map(|v| v as f32);
        for y in y0..(y0 + bh).min(lh) {
            for x in x0..(x0 + bw).min(lw) {
                let a = &mut acc[(y * lw + x) as usize];
                *a = [0, 1, 2].map(|c| a[c] * 0.3 + colour[c] * 0.7);
            }
        }
    }
    let small: Vec<u8> = acc
        .iter()
        .flat_map(|a| a.map(|v| v.clamp(0.0, 255.0) as u8))
        .collect();
    // Enlarged four times by repeating pixels and rows (fast even unoptimised), each row with
    // grain from a tile of noise.
    let grain: Vec<u8> = (0..(W * 3 + 1024) as usize)
        .map(|_| rng.below(13) as u8)
        .collect();
    let mut full = Vec::with_capacity((W * H * 3) as usize);
    for (y, row) in small.chunks((lw * 3) as usize).enumerate() {
        let wide: Vec<u8> = row.chunks(3).flat_map(|px| px.repeat(4)).collect();
        for k in 0..4 {
            let shift = (y * 4 + k) * 7 % 1024;
            let noise = &grain[shift..shift + wide.len()];
            full.extend(
                wide.iter()
                    .zip(noise)
                    .map(|(&v, &n)| v.saturating_add(n).saturating_sub(6)),
            );
        }
    }
    RgbImage::from_raw(W, H, full).unwrap()
}

fn jpeg(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(img)
        .unwrap();
    out
}

fn rationals(values: &[(u32, u32)]) -> Vec<u8> {
    values
        .iter()
        .flat_map(|(n, d)| [n.to_be_bytes(), d.to_be_bytes()].concat())
        .collect()
}

/// One 12-byte IFD entry: tag, type, count, value or offset.
fn entry(tag: u16, kind: u16, count: u32, value: [u8; 4]) -> Vec<u8> {
    [
        &tag.to_be_bytes()[..],
        &kind.to_be_bytes(),
        &count.to_be_bytes(),
        &value,
    ]
    .concat()
}

/// An APP1 Exif segment as a phone writes it (big-endian TIFF): an Orientation tag and, with
/// `gps`, a GPS IFD with [`LATITUDE`] and [`LONGITUDE`].
fn exif_segment(orientation: u16, gps: bool) -> Vec<u8> {
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const ASCII: u16 = 2;
    const RATIONAL: u16 = 5;
    let entries: u16 = if gps { 2 } else { 1 };
    let mut tiff = b"MM\0\x2A".to_vec();
    tiff.extend(8u32.to_be_bytes());
    tiff.extend(entries.to_be_bytes());
    let o = orientation.to_be_bytes();
    tiff.extend(entry(0x0112, SHORT, 1, [o[0], o[1], 0, 0]));
    let gps_ifd = 8 + 2 + 12 * u32::from(entries) + 4;
    if gps {
        tiff.extend(entry(0x8825, LONG, 1, gps_ifd.to_be_bytes()));
    }
    tiff.extend(0u32.to_be_bytes());
    if gps {
        let data = gps_ifd + 2 + 12 * 4 + 4;
        tiff.extend(4u16.to_be_bytes());
        tiff.extend(entry(0x0001, ASCII, 2, *b"N\0\0\0"));
        tiff.extend(entry(0x0002, RATIONAL, 3, data.to_be_bytes()));
        tiff.extend(entry(0x0003, ASCII, 2, *b"E\0\0\0"));
        tiff.extend(entry(0x0004, RATIONAL, 3, (data + 24).to_be_bytes()));
        tiff.extend(0u32.to_be_bytes());
        tiff.extend(rationals(&LATITUDE));
        tiff.extend(rationals(&LONGITUDE));
    }
    let mut segment = vec![0xFF, 0xE1];
    segment.extend(u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
    segment.extend(b"Exif\0\0");
    segment.extend(tiff);
    segment
}

/// `jpeg` with `segment` right after its start-of-image marker, where phones put EXIF.
fn with_segment(jpeg: &[u8], segment: &[u8]) -> Vec<u8> {
    [&jpeg[..2], segment, &jpeg[2..]].concat()
}

/// Six different photos as 4000 × 3000 JPEGs (quality 90, about what a phone writes), made on
/// two threads.
fn photos() -> &'static Vec<Vec<u8>> {
    static PHOTOS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    PHOTOS.get_or_init(|| {
        std::thread::scope(|s| {
            let halves: Vec<_> = [[1u64, 3, 5], [2, 4, 6]]
                .into_iter()
                .map(|seeds| s.spawn(move || seeds.map(|n| (n, jpeg(&photo(n))))))
                .collect();
            let mut all: Vec<(u64, Vec<u8>)> =
                halves.into_iter().flat_map(|h| h.join().unwrap()).collect();
            all.sort_by_key(|(n, _)| *n);
            all.into_iter().map(|(_, b)| b).collect()
        })
    })
}

/// Photo 3 with its stored top-left corner red, taken with the phone on its side: EXIF
/// orientation 6 says to turn it 90° clockwise, which puts the red corner top right.
fn sideways_photo() -> Vec<u8> {
    let mut img = photo(3);
    for y in 0..600 {
        for x in 0..800 {
            img.put_pixel(x, y, image::Rgb([230, 20, 20]));
        }
    }
    with_segment(&jpeg(&img), &exif_segment(6, false))
}

const VISIT: &str = "content/news/visit/index.md";
const SIX: &str = "content/news/six/index.md";

/// The valid fixture with a 活动 section: `visit/` with an upright photo, a sideways one, one
/// with GPS in a raw `<figure>` (as shortcodes write them), a PNG from `static/` and an SVG; and
/// `six/` with six photos. Built once, without the kits no test here reads.
fn built() -> &'static Campaign {
    static BUILT: OnceLock<Campaign> = OnceLock::new();
    BUILT.get_or_init(|| {
        let c = Campaign::fixture("valid");
        let p = photos();
        c.write("content/news/_index.md", "+++\ntitle = \"活动\"\n+++\n");
        c.write(
            VISIT,
            "+++\ntitle = \"反诈宣传进校园\"\ndate = 2026-03-05\n+++\n\
             上午九点，民警走进学校。\n\n\
             ![操场上的宣传活动](upright.jpg)\n\n\
             ![民警讲解刷单骗局](sideways.jpg)\n\n\
             <figure><img src=\"gps.jpg\" alt=\"家长签名\"><figcaption>家长签名</figcaption></figure>\n\n\
             <img src=\"/img/banner.png\" alt=\"横幅\">\n\n\
             ![标志](/logo.svg)\n",
        );
        c.write_bytes("content/news/visit/upright.jpg", &p[0]);
        c.write_bytes("content/news/visit/sideways.jpg", &sideways_photo());
        c.write_bytes(
            "content/news/visit/gps.jpg",
            &with_segment(&p[1], &exif_segment(1, true)),
        );
        // Beside the section's page, shown by no page: published all the same.
        c.write_bytes(
            "content/news/unused-gps.jpg",
            &with_segment(&p[2], &exif_segment(1, true)),
        );
        let banner = RgbImage::from_fn(600, 120, |x, _| image::Rgb([200, (x / 3) as u8, 40]));
        let mut png = Cursor::new(Vec::new());
        banner.write_to(&mut png, image::ImageFormat::Png).unwrap();
        c.write_bytes("static/img/banner.png", png.get_ref());
        let mut six = "+++\ntitle = \"六张照片\"\ndate = 2026-03-06\n+++\n".to_string();
        for (i, bytes) in p.iter().enumerate() {
            let n = i + 1;
            c.write_bytes(&format!("content/news/six/p{n}.jpg"), bytes);
            six.push_str(&format!("第 {n} 张：活动现场。\n\n![现场照片 {n}](p{n}.jpg)\n\n"));
        }
        c.write(SIX, &six);
        // The figure and gallery shortcodes name photos the same way.
        c.write(
            "content/news/shortcodes/index.md",
            "+++\ntitle = \"展板\"\ndate = 2026-03-07\n+++\n\
             {{ figure(src=\"board.jpg\", alt=\"社区展板\", caption=\"社区展板\") }}\n\n\
             {{ gallery(images=[\"board.jpg\", \"crowd.jpg\"], alts=[\"展板\", \"人群\"]) }}\n",
        );
        c.write_bytes("content/news/shortcodes/board.jpg", &p[3]);
        c.write_bytes("content/news/shortcodes/crowd.jpg", &p[4]);
        c.fanzha(&BUILD).ok();
        c
    })
}

fn public(rel: &str) -> Vec<u8> {
    std::fs::read(built().path(&format!("public/{rel}"))).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn decoded(rel: &str) -> image::DynamicImage {
    image::load_from_memory(&public(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_fixture_photos_are_what_a_phone_writes() {
    let p = photos();
    assert!(
        p.iter().all(|b| (2_000_000..6_000_000).contains(&b.len())),
        "a phone's 4000 × 3000 JPEG has 2 to 6 MB: {:?}",
        p.iter().map(Vec::len).collect::<Vec<_>>()
    );
    let sideways = sideways_photo();
    let mut decoder = ImageReader::new(Cursor::new(&sideways))
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap();
    assert_eq!(
        decoder.orientation().unwrap(),
        image::metadata::Orientation::Rotate90
    );
    let gps = with_segment(&p[1], &exif_segment(1, true));
    assert!(contains(&gps, &rationals(&LATITUDE)) && contains(&gps, b"Exif\0\0"));
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn photos_are_published_upright_without_metadata_at_three_widths() {
    let c = built();
    let dir = "news/visit";
    for (name, sizes) in [
        ("upright", [(360, 270), (720, 540), (1080, 810)]),
        ("gps", [(360, 270), (720, 540), (1080, 810)]),
        ("sideways", [(360, 480), (720, 960), (1080, 1440)]),
    ] {
        for (i, (w, h)) in sizes.into_iter().enumerate() {
            let jpeg = if i == 2 {
                format!("{dir}/{name}.jpg")
            } else {
                format!("{dir}/{name}-{w}w.jpg")
            };
            let webp = format!("{dir}/{name}-{w}w.webp");
            for (file, format) in [
                (&jpeg, image::ImageFormat::Jpeg),
                (&webp, image::ImageFormat::WebP),
            ] {
                assert_eq!(
                    image::guess_format(&public(file)).unwrap(),
                    format,
                    "{file}"
                );
                let img = decoded(file);
                assert_eq!((img.width(), img.height()), (w, h), "{file}");
            }
        }
    }
    // The red corner of the sideways photo is top right once upright, in both formats.
    for file in ["sideways.jpg", "sideways-720w.webp"] {
        let img = decoded(&format!("{dir}/{file}")).to_rgb8();
        let (w, h) = img.dimensions();
        let red = |x: u32, y: u32| {
            let p = img.get_pixel(x, y);
            p[0] > 180 && p[1] < 70 && p[2] < 70
        };
        assert!(
            red(w - 5, 5) && red(w - w / 10, h / 10),
            "{file}: top right is red"
        );
        assert!(!red(5, 5) && !red(w - 5, h - 5), "{file}: only that corner");
    }
    // Nothing of any EXIF is left in any file the pictures became.
    let files = c.snapshot(&format!("public/{dir}"));
    let pictures: Vec<_> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".jpg") || p.ends_with(".webp"))
        .collect();
    assert_eq!(pictures.len(), 18, "{:?}", files.keys().collect::<Vec<_>>());
    for (path, bytes) in pictures {
        for needle in [
            &b"Exif"[..],
            b"EXIF",
            b"MM\0\x2A",
            b"II\x2A\0",
            b"<x:xmpmeta",
        ] {
            assert!(!contains(bytes, needle), "{path} holds {needle:?}");
        }
        assert!(
            !contains(bytes, &rationals(&LATITUDE)),
            "{path} holds the GPS position"
        );
        let mut decoder = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .unwrap()
            .into_decoder()
            .unwrap();
        assert_eq!(decoder.exif_metadata().unwrap(), None, "{path}");
    }
    // The originals are not published: what is at their paths is the 1080-pixel JPEG.
    let original = std::fs::read(c.path("content/news/visit/gps.jpg")).unwrap();
    assert!(public("news/visit/gps.jpg").len() * 10 < original.len());
}

/// Every `<picture>` of a page and the attributes of its `<source>` and `<img>`.
fn pictures(html: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(r"<picture><source ([^>]*)><img ([^>]*)></picture>").unwrap();
    re.captures_iter(html)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let re = regex::Regex::new(&format!(r#"(?:^| ){name}="([^"]*)""#)).unwrap();
    re.captures(tag).map(|c| c.get(1).unwrap().as_str())
}

#[test]
fn pages_show_pictures_with_srcset_sizes_size_and_lazy_loading() {
    let html = String::from_utf8(public("news/visit/index.html")).unwrap();
    let found = pictures(&html);
    assert_eq!(found.len(), 4, "{html}");
    let sizes = "(min-width: 874px) 836px, calc(100vw - 36px)";
    let expect = [
        ("upright", "操场上的宣传活动", 810),
        ("sideways", "民警讲解刷单骗局", 1440),
        ("gps", "家长签名", 810),
    ];
    for (i, (name, alt, height)) in expect.into_iter().enumerate() {
        let (source, img) = &found[i];
        assert_eq!(attr(source, "type"), Some("image/webp"));
        assert_eq!(
            attr(source, "srcset"),
            Some(
                format!("{name}-360w.webp 360w, {name}-720w.webp 720w, {name}-1080w.webp 1080w")
                    .as_str()
            )
        );
        assert_eq!(attr(source, "sizes"), Some(sizes));
        assert_eq!(attr(img, "src"), Some(format!("{name}.jpg").as_str()));
        assert_eq!(
            attr(img, "srcset"),
            Some(format!("{name}-360w.jpg 360w, {name}-720w.jpg 720w, {name}.jpg 1080w").as_str())
        );
        assert_eq!(attr(img, "sizes"), Some(sizes));
        assert_eq!(attr(img, "alt"), Some(alt));
        assert_eq!(attr(img, "width"), Some("1080"));
        assert_eq!(attr(img, "height"), Some(height.to_string().as_str()));
        let lazy = attr(img, "loading");
        assert_eq!(
            lazy,
            (i > 0).then_some("lazy"),
            "only the first loads at once: {img}"
        );
    }
    // The static PNG, named from the site's root, keeps its own format beside its WebP.
    let (source, img) = &found[3];
    assert_eq!(
        attr(source, "srcset"),
        Some("../../img/banner-360w.webp 360w, ../../img/banner-600w.webp 600w")
    );
    assert_eq!(attr(img, "src"), Some("../../img/banner.png"));
    assert_eq!(
        (attr(img, "width"), attr(img, "height")),
        (Some("600"), Some("120"))
    );
    assert_eq!(decoded("img/banner-360w.png").width(), 360);
    // The figure keeps its caption; the SVG is left as it is.
    assert!(
        html.contains("</picture><figcaption>家长签名</figcaption>"),
        "{html}"
    );
    assert!(
        // (The page has raw HTML, so the sanitizer's allow-list wrote it as HTML, not XHTML.)
        html.contains("<img src=\"../../logo.svg\" alt=\"标志\">"),
        "{html}"
    );
}

#[test]
fn a_broken_picture_is_an_error_at_the_line_that_names_it() {
    let c = Campaign::fixture("valid");
    let small = {
        let img = RgbImage::from_fn(300, 200, |x, y| image::Rgb([x as u8, y as u8, 128]));
        jpeg(&img)
    };
    c.write("content/news/_index.md", "+++\ntitle = \"活动\"\n+++\n");
    c.write(
        "content/news/bad/index.md",
        "+++\ntitle = \"坏图\"\n[extra]\ncover = \"cover.png\"\n+++\n第一段。\n\n\
         ![不是图片](notes.jpg)\n\n<p><img src=\"cut.jpg\" alt=\"没拷完\"></p>\n\n\
         好图：![好](fine.jpg)\n",
    );
    c.write("content/news/bad/notes.jpg", "这是一段文字，不是照片");
    c.write_bytes("content/news/bad/cut.jpg", &small[..small.len() / 2]);
    c.write_bytes("content/news/bad/fine.jpg", &small);
    let png = crate::support::small_png();
    c.write_bytes("content/news/bad/cover.png", &png[..png.len() / 2]);
    let page = "content/news/bad/index.md";
    for run in [c.fanzha(&BUILD), c.fanzha(&["check", "--skip", "print"])] {
        run.fails()
            .says(&format!(
                "{page}:8:9: 错误: 图片 content/news/bad/notes.jpg 不是图片"
            ))
            .says(&format!(
                "{page}:10:14: 错误: 图片 content/news/bad/cut.jpg 不完整"
            ))
            .says(&format!(
                "{page}:4:10: 错误: 字段 `extra.cover`: 图片 content/news/bad/cover.png"
            ))
            .lacks("fine.jpg");
    }
    assert!(
        !c.path("public").exists(),
        "a failed build publishes nothing"
    );

    // A picture over the pixel limit is refused from its header.
    c.write(
        "content/news/bad/index.md",
        "+++\ntitle = \"大图\"\n+++\n![大图](big.jpg)\n",
    );
    c.write_bytes(
        "content/news/bad/big.jpg",
        &jpeg(&RgbImage::new(1250, 1000)),
    );
    let config = c.read("config.toml") + "\n[images]\nmax_pixels = 1000000\n";
    c.write("config.toml", &config);
    c.fanzha(&BUILD).fails().says(&format!(
        "{page}:4:7: 错误: 图片 content/news/bad/big.jpg 有 1250 × 1000 像素，超过上限 1000000 像素"
    ));
}

#[test]
fn pictures_come_from_the_build_cache_and_equal_pictures_made_anew() {
    let c = Campaign::fixture("valid");
    c.write("content/news/_index.md", "+++\ntitle = \"活动\"\n+++\n");
    c.write(
        "content/news/a/index.md",
        "+++\ntitle = \"图\"\n+++\n![一](one.jpg)\n\n![二](two.png)\n",
    );
    let img = RgbImage::from_fn(1200, 900, |x, y| {
        image::Rgb([(x / 5) as u8, (y / 4) as u8, 90])
    });
    c.write_bytes("content/news/a/one.jpg", &jpeg(&img));
    let mut png = Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    c.write_bytes("content/news/a/two.png", png.get_ref());
    let no_kits = [SITE_ONLY, "--skip=search"];
    let explain = [&["build", "--explain"][..], &no_kits].concat();
    let cold = c.fanzha(&explain).ok();
    cold.says("新生成: news/a/one.jpg")
        .says("新生成: news/a/two.png");
    let first = c.snapshot("public/news");
    // Into an empty folder, so the build is not skipped as having nothing to do.
    std::fs::remove_dir_all(c.path("public")).unwrap();
    let warm = c.fanzha(&explain).ok();
    warm.lacks("新生成:").says("从构建缓存复用 2 个");
    assert!(
        c.snapshot("public/news") == first,
        "a build from the cache differs"
    );
    c.fanzha(
        &[
            &["build", "--no-cache", "--output", "uncached"][..],
            &no_kits,
        ]
        .concat(),
    )
    .ok();
    assert!(
        c.snapshot("uncached/news") == first,
        "a build without the cache differs"
    );
    assert_eq!(
        first.keys().filter(|p| p.contains('-')).count(),
        10,
        "{:?}",
        first.keys()
    );
}

#[test]
fn in_chromium_at_375_px_six_photos_download_under_350_kb() {
    let (dir, _one_at_a_time) = crate::browser::tools();
    let served = crate::browser::serve(built().path("public"));
    let out = Command::new("node")
        .arg(dir.join("images.mjs"))
        .arg(format!("{served}news/six/"))
        .env("CHROME_PATH", crate::browser::chromium())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "images.mjs failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("{r:#}");
    let loaded: Vec<(&str, u64)> = r["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["url"].as_str().unwrap(), i["bytes"].as_u64().unwrap()))
        .collect();
    let photos: Vec<&(&str, u64)> = loaded
        .iter()
        .filter(|(u, _)| u.contains("/news/six/p"))
        .collect();
    assert_eq!(
        photos.len(),
        6,
        "every photo loads once scrolled to: {loaded:?}"
    );
    for (url, _) in &photos {
        assert!(
            url.ends_with("-720w.webp"),
            "a 2× phone gets the 720-pixel WebP: {url}"
        );
    }
    let total: u64 = loaded.iter().map(|(_, b)| b).sum();
    eprintln!("pictures at 375 px, DPR 2: {total} bytes");
    assert!(total <= 350_000, "{total} bytes of pictures");
    let imgs = r["imgs"].as_array().unwrap();
    let shown: Vec<_> = imgs
        .iter()
        .filter(|i| i["current"].as_str().unwrap().contains("/news/six/p"))
        .collect();
    assert_eq!(shown.len(), 6, "{imgs:?}");
    for img in shown {
        assert_eq!(img["css_width"], 339, "the photo fills the column: {img}");
    }
}

#[test]
fn a_photo_no_page_shows_is_published_without_its_gps_position() {
    let original = std::fs::read(built().path("content/news/unused-gps.jpg")).unwrap();
    assert!(
        contains(&original, &rationals(&LATITUDE)),
        "the fixture has GPS"
    );
    let published = public("news/unused-gps.jpg");
    assert!(!contains(&published, &rationals(&LATITUDE)));
    assert!(!contains(&published, b"Exif"));
    let img = decoded("news/unused-gps.jpg");
    assert_eq!(img.width(), 1080, "made like a shown picture");
}

#[test]
fn figure_and_gallery_shortcodes_show_pictures_too() {
    let html = String::from_utf8(public("news/shortcodes/index.html")).unwrap();
    let found = pictures(&html);
    assert_eq!(found.len(), 3, "{html}");
    let alts: Vec<Option<&str>> = found.iter().map(|(_, img)| attr(img, "alt")).collect();
    assert_eq!(alts, [Some("社区展板"), Some("展板"), Some("人群")]);
    for (source, img) in &found {
        assert!(
            attr(source, "srcset").is_some_and(|s| s.contains("720w")),
            "{source}"
        );
        assert!(
            attr(img, "width").is_some() && attr(img, "height").is_some(),
            "{img}"
        );
    }
    assert_eq!(decoded("news/shortcodes/crowd.jpg").width(), 1080);
}
