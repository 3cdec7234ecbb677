//! Headlines that wrap before they shrink: a scam title too long for one line is set on two
//! balanced lines, still large, on every poster size, the display board, the handbook, the
//! display slides and the share card; a title that cannot fit even on two lines at the smallest
//! size stops the build naming the page, the title's line, the material and its size; and
//! `print_title` gives what is typeset a shorter headline while the site keeps `title`.

use std::process::Command;
use std::sync::OnceLock;

use crate::support::Campaign;

/// 28 Chinese characters: a long, official-sounding name for a scam type.
const TITLE: &str = "冒充市场监督管理局工作人员以注销网店保证金为由实施的诈骗";
const BASE: &str = "https://example.org/fanzha/";
/// 3 mm of bleed on every side of a PDF page, in points.
const BLEED_PT: f64 = 8.504;

/// The default campaign with the 刷单 page retitled to TITLE and the 投资理财 page given a
/// print_title, built once for this file (without the search index).
fn built() -> &'static Campaign {
    static BUILT: OnceLock<Campaign> = OnceLock::new();
    BUILT.get_or_init(|| {
        let c = Campaign::default_campaign();
        c.edit(
            "content/scams/shuadan.md",
            "title = \"刷单返利诈骗\"",
            &format!("title = \"{TITLE}\""),
        );
        c.edit(
            "content/scams/touzi-licai.md",
            "title = \"虚假网络投资理财诈骗\"",
            "title = \"虚假网络投资理财诈骗\"\nprint_title = \"投资理财诈骗\"",
        );
        c.fanzha(&["build", "--base-url", BASE, "--skip", "search"])
            .ok();
        c
    })
}

/// A run of text as `pdftotext -bbox` reports it: its text, its height (about the font size, in
/// points) and the width of its page.
#[derive(Debug)]
struct Word {
    text: String,
    height: f64,
    page_width: f64,
}

/// Every word of a PDF, page by page, in drawing order. Chinese text without spaces is one word
/// per line.
fn words(c: &Campaign, rel: &str) -> Vec<Word> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(c.path(rel))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext {rel} failed");
    let xml = String::from_utf8_lossy(&out.stdout);
    let page = regex::Regex::new(r#"<page width="([\d.]+)""#).unwrap();
    let word = regex::Regex::new(
        r#"<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>"#,
    )
    .unwrap();
    let mut found = Vec::new();
    for chunk in xml.split("<page ").skip(1) {
        let chunk = format!("<page {chunk}");
        let page_width: f64 = page.captures(&chunk).unwrap()[1].parse().unwrap();
        for w in word.captures_iter(&chunk) {
            let (top, bottom): (f64, f64) = (w[1].parse().unwrap(), w[2].parse().unwrap());
            found.push(Word {
                text: w[3].to_string(),
                height: bottom - top,
                page_width,
            });
        }
    }
    found
}

/// The headline's two lines, wherever in the PDF they follow each other: `title` split in two,
/// with the size of each. Fails when the headline is not there on two lines.
#[track_caller]
fn two_lines<'a>(words: &'a [Word], title: &str, rel: &str) -> [&'a Word; 2] {
    let pair = words
        .windows(2)
        .find(|w| !w[0].text.is_empty() && format!("{}{}", w[0].text, w[1].text) == title);
    let [a, b] = pair.unwrap_or_else(|| panic!("{rel}: {title} is not on two lines:\n{words:#?}"))
    else {
        unreachable!("windows of two")
    };
    [a, b]
}

/// Two lines of about the same number of characters.
#[track_caller]
fn assert_balanced(lines: [&Word; 2], rel: &str) {
    let (a, b) = (lines[0].text.chars().count(), lines[1].text.chars().count());
    assert!(a.abs_diff(b) <= 2, "{rel}: unbalanced lines {lines:?}");
}

#[test]
fn a_long_title_is_two_large_balanced_lines_on_posters_and_the_board() {
    let c = built();
    // The smallest headline each material allows on one line is 3.5 % of the page width; one
    // line of 28 characters would need less (about 3.2 %). Two lines are far larger.
    for (rel, at_least) in [
        ("public/print/poster/shuadan-a4.pdf", 5.0),
        ("public/print/poster/shuadan-a3.pdf", 5.0),
        ("public/print/poster/shuadan-a2.pdf", 5.0),
        ("public/print/board/shuadan-90x120cm.pdf", 3.9),
    ] {
        let words = words(c, rel);
        let lines = two_lines(&words, TITLE, rel);
        assert_balanced(lines, rel);
        let u = (lines[0].page_width - 2.0 * BLEED_PT) / 100.0;
        for line in lines {
            assert!(
                line.height >= at_least * u,
                "{rel}: {:?} is {:.1} pt high, less than {at_least} % of the page width",
                line.text,
                line.height
            );
        }
    }
}

#[test]
fn a_long_title_is_two_balanced_lines_at_full_size_in_the_handbook() {
    let c = built();
    let rel = "public/print/handbook/handbook-a5.pdf";
    let words = words(c, rel);
    let lines = two_lines(&words, TITLE, rel);
    assert_balanced(lines, rel);
    // A chapter's title is 22 pt at most and 12 pt at least; one line of 28 characters would be
    // under 12 pt.
    for line in lines {
        assert!(line.height >= 21.0, "{rel}: {line:?}");
    }
}

/// The RGB pixels of a PNG (palette images expanded).
fn rgb(bytes: &[u8]) -> (usize, usize, Vec<[u8; 3]>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    let channels = frame.color_type.samples();
    let pixels = buf[..frame.buffer_size()]
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (frame.width as usize, frame.height as usize, pixels)
}

/// The lines of text between rows `top` and `bottom` of an image: runs of rows holding a pixel
/// that `ink` says is text, as (first row, height).
fn text_rows(
    image: &(usize, usize, Vec<[u8; 3]>),
    top: usize,
    bottom: usize,
    ink: fn([u8; 3]) -> bool,
) -> Vec<(usize, usize)> {
    let (w, _, pixels) = image;
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for y in top..bottom {
        if !pixels[y * w..(y + 1) * w].iter().any(|&p| ink(p)) {
            continue;
        }
        match runs.last_mut() {
            Some((start, height)) if *start + *height == y => *height += 1,
            _ => runs.push((y, 1)),
        }
    }
    runs
}

fn white(p: [u8; 3]) -> bool {
    p.iter().all(|&c| c > 230)
}

fn dark(p: [u8; 3]) -> bool {
    p.iter().all(|&c| c < 90)
}

#[test]
fn a_long_title_is_two_lines_on_display_slides_and_share_cards() {
    let c = built();
    for profile in ["display-1920x1080", "display-1280x720"] {
        for (slide, lines) in [("02-scam-shuadan.png", 2), ("03-scam-touzi-licai.png", 1)] {
            let rel = format!("public/screens/{profile}/{slide}");
            let image = rgb(&std::fs::read(c.path(&rel)).unwrap());
            // The red band at the top is 19 % of the height; its headline is white.
            let band = image.1 * 19 / 100;
            let rows = text_rows(&image, 0, band, white);
            assert_eq!(rows.len(), lines, "{rel}: white text rows {rows:?}");
            // Characters at least 4 % of the height: the smallest the slide allows.
            for (_, h) in rows {
                assert!(h * 100 >= 4 * image.1 * 9 / 10, "{rel}: a line {h} px high");
            }
        }
    }
    for (page, lines) in [("scams/shuadan", 2), ("scams/touzi-licai", 1)] {
        let rel = format!("public/{page}/share.png");
        let image = rgb(&std::fs::read(c.path(&rel)).unwrap());
        // The title's box: 170 px under the 120 px band and a 20 px gap.
        let rows = text_rows(&image, 140, 310, dark);
        assert_eq!(rows.len(), lines, "{rel}: title rows {rows:?}");
        for (_, h) in rows {
            assert!(h >= 44 * 8 / 10, "{rel}: a line {h} px high");
        }
    }
}

#[test]
fn print_title_heads_what_is_typeset_and_the_site_keeps_title() {
    let c = built();
    for rel in [
        "public/print/poster/touzi-licai-a4.pdf",
        "public/print/board/touzi-licai-90x120cm.pdf",
        "public/print/handbook/handbook-a5.pdf",
    ] {
        let text: String = words(c, rel).into_iter().map(|w| w.text + "\n").collect();
        assert!(
            text.lines().any(|l| l == "投资理财诈骗"),
            "{rel}: the print title is not a line of its own:\n{text}"
        );
        assert!(
            !text.contains("虚假网络投资理财诈骗"),
            "{rel}: the site's title is printed"
        );
    }
    let page = c.read("public/scams/touzi-licai/index.html");
    assert!(page.contains("<h1>虚假网络投资理财诈骗</h1>"), "{page}");
}

#[test]
fn a_title_too_long_for_two_lines_fails_naming_page_line_material_and_size() {
    let c = Campaign::fixture("valid");
    let long: String = TITLE.chars().cycle().take(200).collect();
    c.edit(
        "content/scams/shuadan.md",
        "title = \"刷单返利诈骗\"",
        &format!("title = \"{long}\""),
    );
    let args = [
        "build",
        "--base-url",
        BASE,
        "--skip",
        "screens",
        "--skip",
        "share",
        "--skip",
        "search",
    ];
    let run = c.fanzha(&args).fails();
    for what in [
        "印刷品「海报」shuadan-a4（210×297 毫米）",
        "印刷品「海报」shuadan-a3（297×420 毫米）",
        "印刷品「海报」shuadan-a2（420×594 毫米）",
        "印刷品「展板」shuadan-90x120cm（900×1200 毫米）",
        // The handbook is made from every page: its error names the page, not config.toml.
        "印刷品「宣传手册」handbook-a5（148×210 毫米）",
    ] {
        run.says(&format!(
            "content/scams/shuadan.md:2: 错误: 字段 `title`: {what}：文字太多"
        ));
    }
    run.says("print_title").lacks("config.toml");
    // A display slide names the page and line too, and the screen's size.
    c.fanzha(&["build", "--skip", "print", "--skip", "share", "--skip", "search"])
        .fails()
        .says("content/scams/shuadan.md:2: 错误: 字段 `title`: 屏幕「display-1920x1080」的画面 scam-shuadan：文字太多，1920×1080 的屏幕放不下");

    // With a print_title, the title may be long: the print title is what must fit, and its line
    // is the one named.
    c.edit(
        "content/scams/shuadan.md",
        &format!("title = \"{long}\""),
        &format!("title = \"{TITLE}\"\nprint_title = \"{long}\""),
    );
    let run = c.fanzha(&args).fails();
    run.says(
        "content/scams/shuadan.md:3: 错误: 字段 `print_title`: 印刷品「海报」shuadan-a4（210×297 毫米）：文字太多",
    )
    .says("content/scams/shuadan.md:3: 错误: 字段 `print_title`: 印刷品「宣传手册」handbook-a5");
}
