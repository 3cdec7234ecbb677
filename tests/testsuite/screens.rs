//! The screen kit: every image decoded and measured, playlists read back.

use crate::support::Campaign;

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn display_slides_have_exact_sizes_and_a_playlist() {
    let c = Campaign::fixture("valid");
    c.fanzha(&[
        "build",
        "--base-url",
        "https://example.org/",
        "--skip",
        "print",
    ])
    .ok();
    let site = c.snapshot("public/screens");
    for (profile, size) in [
        ("display-1920x1080", (1920, 1080)),
        ("display-1280x720", (1280, 720)),
    ] {
        let pngs: Vec<_> = site
            .iter()
            .filter(|(p, _)| p.starts_with(&format!("{profile}/")) && p.ends_with(".png"))
            .collect();
        // One hotline slide, one per scam type (1 in the fixture), one per slogan (1).
        assert_eq!(
            pngs.len(),
            3,
            "{profile}: {:?}",
            pngs.iter().map(|p| p.0).collect::<Vec<_>>()
        );
        for (path, bytes) in pngs {
            assert_eq!(png_size(bytes), size, "{path}");
        }
        let list: serde_json::Value =
            serde_json::from_slice(&site[&format!("{profile}/playlist.json")]).unwrap();
        assert_eq!(list["slides"].as_array().unwrap().len(), 3);
        assert_eq!(list["seconds_per_slide"], 10);
        assert_eq!(list["loop_seconds"], 30);
        assert_eq!(list["max_gap_seconds"], 60);
        let m3u = String::from_utf8(site[&format!("{profile}/playlist.m3u")].clone()).unwrap();
        assert!(m3u.starts_with("#EXTM3U\n#EXTINF:10,"), "{m3u}");
        assert!(m3u.contains("02-scam-shuadan.png"));
    }
    let manifest: serde_json::Value = serde_json::from_slice(&site["manifest.json"]).unwrap();
    let first = &manifest["files"][0];
    assert_eq!(
        (first["width"].as_u64(), first["height"].as_u64()),
        (Some(1920), Some(1080))
    );
    assert!(site.contains_key("zip/display-1920x1080.zip"));
    let shuadan = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "screens/display-1920x1080/02-scam-shuadan.png")
        .expect("the scam slide is in the manifest");
    assert_eq!(shuadan["source"], "content/scams/shuadan.md");
}

#[test]
fn a_slide_too_small_for_its_text_names_the_profile() {
    let c = Campaign::fixture("valid");
    c.edit("config.toml", "[campaign]", "[screens]\nprofiles = [{ name = \"tiny\", kind = \"display\", width = 40, height = 20 }]\n\n[campaign]");
    c.fanzha(&["build", "--skip", "print"])
        .fails()
        .says("屏幕「tiny」");
}

fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let info = reader.info();
    let (w, h) = (info.width, info.height);
    assert_eq!(
        info.color_type,
        png::ColorType::Indexed,
        "strip images are palette images"
    );
    let palette = info.palette.as_ref().expect("a PLTE chunk").to_vec();
    let depth = info.bit_depth as u8;
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    let row = frame.line_size;
    let per_byte = 8 / depth as usize;
    let mut indices = Vec::new();
    for y in 0..h as usize {
        for x in 0..w as usize {
            let byte = buf[y * row + x / per_byte];
            let shift = 8 - depth as usize * (x % per_byte + 1);
            indices.push((byte >> shift) & ((1u16 << depth) - 1) as u8);
        }
    }
    (w, h, palette, indices)
}

const RED_ONLY: [u8; 6] = [0, 0, 0, 255, 0, 0];
const RED_GREEN_YELLOW: [u8; 12] = [0, 0, 0, 255, 0, 0, 0, 255, 0, 255, 255, 0];

#[test]
fn strip_pages_are_exact_palette_only_images() {
    let c = Campaign::default_campaign();
    c.fanzha(&["build", "--skip", "print"]).ok();
    let screens = c.snapshot("public/screens");
    for (profile, (w, h), palette) in [
        ("strip-192x32", (192, 32), &RED_GREEN_YELLOW[..]),
        ("strip-96x16", (96, 16), &RED_ONLY[..]),
    ] {
        let pages: Vec<_> = screens
            .iter()
            .filter(|(p, _)| {
                p.starts_with(&format!("{profile}/")) && p.contains("-page-") && p.ends_with(".png")
            })
            .collect();
        assert!(
            pages.len() >= 31,
            "{profile}: a page or more per slogan, found {}",
            pages.len()
        );
        let mut lit = 0;
        for (path, bytes) in &pages {
            let (pw, ph, pal, idx) = decode_png(bytes);
            assert_eq!((pw, ph), (w, h), "{path}");
            assert_eq!(pal, palette, "{path}: palette");
            assert!(
                idx.iter().all(|&i| (i as usize) < palette.len() / 3),
                "{path}: index outside the palette"
            );
            lit += idx.iter().filter(|&&i| i != 0).count();
        }
        assert!(lit > pages.len() * 50, "{profile}: text is drawn");
        let downloads = c.read("public/downloads/index.html");
        for listed in [
            format!("screens/zip/{profile}.zip"),
            format!("screens/{profile}/slogan-01-scroll.gif"),
            format!("LED 条屏 {w}×{h} 像素"),
        ] {
            assert!(downloads.contains(&listed), "下载中心 lists {listed}");
        }
        let bmp = &screens[&pages[0].0.replace(".png", ".bmp")];
        assert_eq!(&bmp[..2], b"BM");
        assert_eq!(u16::from_le_bytes([bmp[28], bmp[29]]), 1, "1 bit per pixel");
        assert_eq!(
            i32::from_le_bytes(bmp[18..22].try_into().unwrap()),
            w as i32
        );
        assert_eq!(
            i32::from_le_bytes(bmp[22..26].try_into().unwrap()).unsigned_abs(),
            h
        );
    }
}

#[test]
fn scrolling_gif_matches_the_configured_speed() {
    let c = Campaign::fixture("valid");
    c.edit("config.toml", "[campaign]", "[screens]\nprofiles = [{ name = \"s\", kind = \"strip\", width = 96, height = 16, scroll_px_per_second = 40 }]\n\n[campaign]");
    c.fanzha(&["build", "--skip", "print"]).ok();
    let strip = c.snapshot("public/screens/s");
    let (line_w, _, _, _) = decode_png(&strip["slogan-01-strip.png"]);
    let text_w = line_w - 2 * 16;
    let mut decoder = gif::DecodeOptions::new();
    decoder.set_color_output(gif::ColorOutput::Indexed);
    let mut d = decoder
        .read_info(std::io::Cursor::new(&strip["slogan-01-scroll.gif"]))
        .unwrap();
    assert_eq!((d.width(), d.height()), (96, 16));
    let mut frames = 0;
    while let Some(f) = d.read_next_frame().unwrap() {
        assert_eq!(f.delay, 5, "40 px/s at 2 px per frame: 50 ms per frame");
        frames += 1;
    }
    assert_eq!(frames, (96 + text_w).div_ceil(2) + 1);
}

#[test]
fn gb18030_text_decodes_back_to_the_slogans() {
    let c = Campaign::default_campaign();
    c.fanzha(&["build", "--skip", "print"]).ok();
    let utf8 = c.read("public/screens/strip-96x16/slogans-utf8.txt");
    let gb = std::fs::read(c.path("public/screens/strip-96x16/slogans-gb18030.txt")).unwrap();
    let (decoded, _, had_errors) = encoding_rs::GB18030.decode(&gb);
    assert!(!had_errors);
    assert_eq!(decoded, utf8);
    assert_ne!(gb, utf8.as_bytes(), "really re-encoded");
    assert_eq!(utf8.lines().count(), 40);
}

#[test]
fn a_character_missing_from_the_strip_fonts_stops_the_build() {
    let c = Campaign::fixture("valid");
    c.edit(
        "content/slogans/_index.md",
        "short = \"刷单返佣都是诈骗\"",
        "short = \"刷单返佣都是诈骗😀\"",
    );
    c.edit(
        "content/slogans/_index.md",
        "text = \"凡是网络兼职刷单返还佣金就是诈骗！\"",
        "text = \"凡是网络兼职刷单返还佣金就是诈骗😀\"",
    );
    c.fanzha(&["build", "--skip", "print"])
        .fails()
        .says("content/slogans/_index.md: 错误: 字段 `slogans`: 条屏「strip-192x32」：口号「凡是网络兼职刷单返还佣金就是诈骗😀」里的字「😀」（U+1F600）在黑体 Noto Sans CJK SC Bold 里没有")
        .says("content/slogans/_index.md: 错误: 字段 `slogans`: 条屏「strip-96x16」：口号「凡是网络兼职刷单返还佣金就是诈骗😀」里的字「😀」（U+1F600）在点阵字体 GNU Unifont 里没有");
}

/// Lit rows of an indexed image, top to bottom.
fn lit_rows(w: u32, idx: &[u8]) -> Vec<u32> {
    (0..idx.len() as u32 / w)
        .filter(|y| {
            idx[(y * w) as usize..((y + 1) * w) as usize]
                .iter()
                .any(|&i| i != 0)
        })
        .collect()
}

#[test]
fn text_of_32_pixels_is_a_thresholded_outline_font_filling_the_strip() {
    let c = Campaign::fixture("valid");
    c.fanzha(&["build", "--skip", "print"]).ok();
    let strip = c.snapshot("public/screens/strip-192x32");
    let (w, h, _, idx) = decode_png(&strip["slogan-01-page-1.png"]);
    let rows = lit_rows(w, &idx);
    assert!(
        rows.len() >= 28,
        "ideographs fill the 32-pixel height, lit rows: {rows:?}"
    );
    // Unifont pixel-doubled would light only whole 2 × 2 blocks; outlines do not.
    let at = |x: u32, y: u32| idx[(y * w + x) as usize];
    let blocky = (0..h / 2).all(|by| {
        (0..w / 2).all(|bx| {
            let v = at(2 * bx, 2 * by);
            [(1, 0), (0, 1), (1, 1)]
                .iter()
                .all(|&(dx, dy)| at(2 * bx + dx, 2 * by + dy) == v)
        })
    });
    assert!(!blocky, "drawn from outlines, not doubled bitmap pixels");
    assert!(
        strip["strip.json"]
            .windows(9)
            .any(|s| s == "Noto Sans".as_bytes())
    );
}

#[test]
fn a_text_size_no_font_draws_is_refused_naming_the_profile() {
    let c = Campaign::fixture("valid");
    c.edit("config.toml", "[campaign]", "[screens]\nprofiles = [{ name = \"door\", kind = \"strip\", width = 96, height = 32, text_px = 20 }]\n\n[campaign]");
    c.fanzha(&["build", "--skip", "print"])
        .fails()
        .says("config.toml: 错误: 字段 `screens.profiles`: 条屏「door」：文字高 20 像素不支持");
    c.edit("config.toml", "text_px = 20", "text_px = 40");
    c.fanzha(&["build", "--skip", "print"])
        .fails()
        .says("条屏「door」：文字高 40 像素，超过了屏幕高度 32 像素");
}
