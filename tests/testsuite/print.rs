//! The print kit, checked with the tools a print shop would use: pdfinfo, pdffonts, pdftotext, qpdf.

use std::process::Command;

use crate::support::Campaign;

const BASE: &str = "https://example.org/fanzha/";
/// A3 in points, and 3 mm of bleed.
const A3: (f64, f64) = (841.89, 1190.55);
const BLEED: f64 = 8.504;
const SLUG: f64 = 28.346;

pub fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is not installed: {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The boxes `pdfinfo -box` reports for page 1, as [x0, y0, x1, y1].
pub fn boxes(pdf: &str) -> std::collections::BTreeMap<String, [f64; 4]> {
    tool("pdfinfo", &["-box", pdf])
        .lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once(':')?;
            let nums: Vec<f64> = rest
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            (name.ends_with("Box") && nums.len() == 4)
                .then(|| (name.to_string(), [nums[0], nums[1], nums[2], nums[3]]))
        })
        .collect()
}

#[track_caller]
fn assert_box(actual: [f64; 4], expected: [f64; 4], what: &str) {
    for (a, e) in actual.iter().zip(expected) {
        assert!((a - e).abs() < 0.05, "{what}: {actual:?} != {expected:?}");
    }
}

fn built() -> Campaign {
    let c = Campaign::fixture("valid");
    c.fanzha(&["build", "--base-url", BASE]).ok();
    c
}

#[test]
fn poster_has_exact_trim_bleed_fonts_and_text() {
    let c = built();
    let pdf = c.path("public/print/poster/shuadan-a3.pdf");
    let pdf = pdf.to_str().unwrap();
    let b = boxes(pdf);
    assert_box(
        b["TrimBox"],
        [BLEED, BLEED, BLEED + A3.0, BLEED + A3.1],
        "TrimBox",
    );
    assert_box(
        b["MediaBox"],
        [0.0, 0.0, A3.0 + 2.0 * BLEED, A3.1 + 2.0 * BLEED],
        "MediaBox",
    );
    assert_box(b["BleedBox"], b["MediaBox"], "BleedBox");

    let fonts = tool("pdffonts", &[pdf]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts listed:\n{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 3],
            &["yes", "yes"],
            "font not embedded and subset: {row}"
        );
    }

    let text = tool("pdftotext", &[pdf, "-"]);
    for expected in [
        "刷单返利诈骗",
        "凡是网络兼职刷单返还佣金就是诈骗",
        "96110",
        "110",
        "示例县公安局反诈中心",
    ] {
        assert!(
            text.contains(expected),
            "pdftotext lacks {expected}:\n{text}"
        );
    }
    assert!(tool("qpdf", &["--check", pdf]).contains("No syntax or stream encoding errors"));
    assert_eq!(
        tool("pdfinfo", &[pdf])
            .lines()
            .find(|l| l.starts_with("Pages:"))
            .unwrap()
            .split_whitespace()
            .last(),
        Some("1")
    );
}

#[test]
fn every_colour_in_a_poster_is_cmyk() {
    let c = built();
    let pdf = c.path("public/print/poster/shuadan-a4.pdf");
    let qdf = c.path("poster.qdf");
    let out = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(&pdf)
        .arg(&qdf)
        .status()
        .unwrap();
    assert!(out.success());
    let bytes = std::fs::read(&qdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let mut cmyk = 0;
    let mut other = Vec::new();
    for line in text.lines() {
        let op = line.split_whitespace().last().unwrap_or("");
        match op {
            "k" | "K" => cmyk += 1,
            "rg" | "RG" | "g" | "G" | "cs" | "CS" | "sc" | "SC" | "scn" | "SCN" => {
                other.push(line.to_string())
            }
            _ => {}
        }
    }
    assert!(
        cmyk > 20,
        "expected many CMYK colour operators, found {cmyk}"
    );
    assert!(
        other.is_empty(),
        "non-CMYK colour operators: {:?}",
        &other[..other.len().min(5)]
    );
    assert!(text.contains("/TrimBox"), "qdf is readable");
}

#[test]
fn crop_marks_grow_the_media_box_and_keep_the_bleed_box() {
    let c = Campaign::fixture("valid");
    c.fanzha(&["build", "--base-url", BASE, "--crop-marks"])
        .ok();
    let pdf = c.path("public/print/poster/shuadan-a3.pdf");
    let b = boxes(pdf.to_str().unwrap());
    let edge = BLEED + SLUG;
    assert_box(
        b["TrimBox"],
        [edge, edge, edge + A3.0, edge + A3.1],
        "TrimBox",
    );
    assert_box(
        b["MediaBox"],
        [0.0, 0.0, A3.0 + 2.0 * edge, A3.1 + 2.0 * edge],
        "MediaBox",
    );
    assert_box(
        b["BleedBox"],
        [
            SLUG,
            SLUG,
            SLUG + A3.0 + 2.0 * BLEED,
            SLUG + A3.1 + 2.0 * BLEED,
        ],
        "BleedBox",
    );
}

#[test]
fn typst_special_characters_print_literally() {
    let c = Campaign::fixture("valid");
    c.edit(
        "content/scams/shuadan.md",
        "title = \"刷单返利诈骗\"",
        r##"title = "刷单#骗局[1]$x$ \"返利\"""##,
    );
    c.fanzha(&["build", "--base-url", BASE]).ok();
    let text = tool(
        "pdftotext",
        &[
            c.path("public/print/poster/shuadan-a4.pdf")
                .to_str()
                .unwrap(),
            "-",
        ],
    );
    // Typst adds CJK–Latin spacing, which pdftotext shows as spaces: compare without them.
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(squeezed.contains(r#"刷单#骗局[1]$x$"返利""#), "{text}");
}

#[test]
fn a_headline_a_little_too_long_shrinks_on_one_line_and_an_impossible_text_fails_by_name() {
    let c = Campaign::fixture("valid");
    // 13 characters: one line a little smaller is larger than two lines in the poster's band.
    // (Much longer titles wrap: see headlines.rs.)
    let long = "虚假招聘与境外高薪务工诈骗";
    c.edit(
        "content/scams/shuadan.md",
        "title = \"刷单返利诈骗\"",
        &format!("title = \"{long}\""),
    );
    c.fanzha(&["build", "--base-url", BASE]).ok();
    let pdf = c.path("public/print/poster/shuadan-a4.pdf");
    let text = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
    assert!(
        text.lines().any(|l| l == long),
        "the whole headline on one line:\n{text}"
    );

    let huge = "凡是".to_string() + &"陌生人要求转账".repeat(200) + "就是诈骗！";
    c.edit(
        "content/scams/shuadan.md",
        "rule = \"凡是网络兼职刷单返还佣金就是诈骗！\"",
        &format!("rule = \"{huge}\""),
    );
    c.fanzha(&["build", "--base-url", BASE])
        .fails()
        .says("content/scams/shuadan.md:12: 错误: 字段 `rule`: 印刷品「海报」shuadan-a2（420×594 毫米）：文字太多");
}

#[test]
fn manifest_lists_every_pdf_with_size_and_checksum() {
    let c = built();
    let manifest: serde_json::Value =
        serde_json::from_str(&c.read("public/print/manifest.json")).unwrap();
    let items = manifest["materials"].as_array().unwrap();
    let a3 = items
        .iter()
        .find(|m| m["file"] == "print/poster/shuadan-a3.pdf")
        .expect("A3 poster listed");
    assert_eq!(a3["material"], "poster");
    assert_eq!(a3["source"], "content/scams/shuadan.md");
    assert_eq!(a3["trim_mm"], serde_json::json!([297.0, 420.0]));
    assert_eq!(a3["bleed_mm"], 3.0);
    assert_eq!(a3["pages"], 1);
    let bytes = std::fs::read(c.path("public/print/poster/shuadan-a3.pdf")).unwrap();
    assert_eq!(a3["bytes"], bytes.len());
    assert_eq!(a3["sha256"].as_str().unwrap().len(), 64);
    for item in items {
        for key in ["file", "preview"] {
            let f = item[key].as_str().unwrap();
            assert!(c.path("public").join(f).is_file(), "{f} missing");
        }
    }
    assert!(c.path("public/print/zip/poster-a3.zip").is_file());
    let downloads = c.read("public/downloads/index.html");
    assert!(
        downloads.contains("print/poster/shuadan-a3.pdf")
            && downloads.contains("print/poster/shuadan-a4.jpg")
    );
    assert!(
        c.read("public/scams/shuadan/index.html")
            .contains("../../print/poster/shuadan-a3.pdf")
    );
}

#[test]
fn print_output_is_byte_identical_across_builds() {
    let c = Campaign::fixture("valid");
    c.fanzha(&["build", "--base-url", BASE, "--output", "one"])
        .ok();
    c.fanzha(&["build", "--base-url", BASE, "--output", "two"])
        .ok();
    let (one, two) = (c.snapshot("one/print"), c.snapshot("two/print"));
    assert!(one.len() > 5);
    assert_eq!(one, two);
}

#[test]
fn missing_cjk_fonts_stop_the_build_with_advice() {
    let c = Campaign::fixture("valid");
    c.edit(
        "config.toml",
        "[campaign]",
        "[print]\nfonts = [\"No Such Font SC\"]\n\n[campaign]",
    );
    c.build()
        .fails()
        .says("字段 `print.fonts`")
        .says("fonts-noto-cjk");
}

fn pages(pdf: &std::path::Path) -> usize {
    tool("pdfinfo", &[pdf.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints Pages")
}

#[test]
fn a_forty_student_roster_gives_forty_numbered_letters() {
    let c = Campaign::fixture("valid");
    let mut roster = String::from("班级,姓名\n");
    for i in 1..=40 {
        roster.push_str(&format!("三年级{}班,学生{i:02}\n", 1 + i / 20));
    }
    c.write("roster.csv", &roster);
    c.edit(
        "config.toml",
        "[campaign]",
        "[print]\nroster = \"roster.csv\"\nschool = \"示例县第一小学\"\n\n[campaign]",
    );
    c.fanzha(&["build", "--base-url", BASE]).ok();
    let pdf = c.path("public/print/letter/parents-roster-a4.pdf");
    assert_eq!(pages(&pdf), 40);
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let receipts: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.starts_with("2026-0"))
        .collect();
    let expected: Vec<String> = (1..=40).map(|i| format!("2026-{i:04}")).collect();
    assert_eq!(receipts, expected, "receipt numbers in page order");
    for (page, name) in [(1, "学生01"), (40, "学生40")] {
        let p = tool(
            "pdftotext",
            &[
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
                pdf.to_str().unwrap(),
                "-",
            ],
        );
        let p: String = p.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            p.contains(name) && p.contains("示例县第一小学"),
            "page {page}:\n{p}"
        );
    }
}

#[test]
fn every_material_has_its_page_count_and_size() {
    let c = built();
    let manifest: serde_json::Value =
        serde_json::from_str(&c.read("public/print/manifest.json")).unwrap();
    let items = manifest["materials"].as_array().unwrap();
    let find = |file: &str| {
        items
            .iter()
            .find(|m| m["file"] == file)
            .unwrap_or_else(|| panic!("{file} not in manifest"))
    };
    for (file, want) in [
        ("print/flyer/students-a5.pdf", 2),
        ("print/trifold/campaign-a4.pdf", 2),
        ("print/letter/parents-a4.pdf", 1),
        ("print/pledge/pledge-a4.pdf", 1),
        ("print/board/shuadan-90x120cm.pdf", 1),
    ] {
        assert_eq!(find(file)["pages"], want, "{file}");
        assert_eq!(pages(&c.path("public").join(file)), want, "{file}");
    }
    assert!(
        find("print/signin/signin-a4.pdf")["pages"]
            .as_u64()
            .unwrap()
            >= 1
    );
    let handbook = find("print/handbook/handbook-a5.pdf")["pages"]
        .as_u64()
        .unwrap();
    assert_eq!(
        handbook % 4,
        0,
        "a saddle-stitched booklet has a multiple of 4 pages, got {handbook}"
    );

    let trifold = boxes(
        c.path("public/print/trifold/campaign-a4.pdf")
            .to_str()
            .unwrap(),
    );
    assert_box(
        trifold["TrimBox"],
        [BLEED, BLEED, BLEED + 841.89, BLEED + 595.28],
        "A4 landscape",
    );

    let banner = find("print/banner/slogan-01-600x70cm-1to10.pdf");
    assert_eq!(banner["scale"], "1:10");
    assert_eq!(banner["trim_mm"], serde_json::json!([6000.0, 700.0]));
    let b = boxes(
        c.path("public")
            .join(banner["file"].as_str().unwrap())
            .to_str()
            .unwrap(),
    );
    assert_box(
        b["TrimBox"],
        [0.85, 0.85, 0.85 + 1700.79, 0.85 + 198.43],
        "banner at 1:10 with 0.3 mm bleed",
    );
}
