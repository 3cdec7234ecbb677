//! Channels by role on every material: 报警 stands before 110 only, 96110 under its own 劝阻咨询
//! label, 12321 is a website and a short code to text, never a number to dial at once. Checked
//! with pdftotext on the print kit and on the built site's HTML; slides and share cards are
//! checked the same way by unit tests (`src/channels.rs`' testing helpers).

use std::process::Command;
use std::sync::OnceLock;

use crate::support::Campaign;

/// The default campaign, built once for this file without screens and share cards.
fn built() -> &'static Campaign {
    static BUILT: OnceLock<Campaign> = OnceLock::new();
    BUILT.get_or_init(|| {
        let c = Campaign::default_campaign();
        c.fanzha(&["build", "--skip", "screens", "--skip", "share"])
            .ok();
        c
    })
}

/// The PDF's text in the order it is drawn (`-raw`), so a label stays beside its number
/// whatever the layout around it.
fn pdftotext(c: &Campaign, rel: &str) -> String {
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(c.path(rel))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext {rel} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The first PDF of a material folder.
fn first_pdf(c: &Campaign, material: &str) -> String {
    let dir = c.path(&format!("public/print/{material}"));
    let mut pdfs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    pdfs.sort();
    format!("public/print/{material}/{}", pdfs[0])
}

/// The PDF's text without spaces or line breaks, so a label and its number read as one run.
fn joined_text(c: &Campaign, rel: &str) -> String {
    pdftotext(c, rel)
        .chars()
        .filter(|ch| !ch.is_whitespace())
        .collect()
}

/// What no material may print: 96110 under 报警, 12321 as a number to dial, 96110 to dial at once.
#[track_caller]
fn assert_nothing_misplaced(rel: &str, text: &str) {
    assert!(
        !text.contains("报警96110") && !text.contains("11096110"),
        "{rel}: 96110 under 报警\n{text}"
    );
    for (at, _) in text.match_indices("拨打") {
        let after: String = text[at..].chars().take(30).collect();
        assert!(!after.contains("12321"), "{rel}: 12321 to dial: {after}");
    }
    for (at, _) in text.match_indices("请立即拨打") {
        let after: String = text[at..].chars().take(12).collect();
        assert!(
            !after.contains("96110"),
            "{rel}: 96110 to dial at once: {after}"
        );
    }
}

#[test]
fn every_material_puts_only_110_under_baojing() {
    let c = built();
    for material in ["poster", "board", "flyer", "trifold", "letter", "handbook"] {
        let rel = first_pdf(c, material);
        let text = joined_text(c, &rel);
        assert!(text.contains("报警110"), "{rel}: no 报警 110\n{text}");
        assert!(
            text.contains("劝阻咨询96110"),
            "{rel}: 96110 not under its consult label\n{text}"
        );
        assert_nothing_misplaced(&rel, &text);
    }
}

#[test]
fn materials_without_a_hotline_block_never_put_96110_under_baojing_either() {
    let c = built();
    for material in ["pledge", "signin", "banner"] {
        let dir = c.path(&format!("public/print/{material}"));
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if !name.ends_with(".pdf") {
                continue;
            }
            seen += 1;
            let rel = format!("public/print/{material}/{name}");
            assert_nothing_misplaced(&rel, &joined_text(c, &rel));
        }
        assert!(seen > 0, "no {material} PDFs");
    }
}

#[test]
fn the_site_reaches_12321_by_web_and_text_and_offers_no_96110_under_help() {
    let c = built();
    let site = c.snapshot("public");
    for (path, bytes) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        assert!(!html.contains("tel:12321"), "{path} dials 12321");
    }
    let home = c.read("public/index.html");
    assert!(
        home.contains(r#"href="https://www.12321.cn""#),
        "12321's website"
    );
    assert!(
        home.contains(r#"href="sms:12321""#),
        "12321 as a short code to text"
    );
    assert!(home.contains("诈骗号码*短信全文"), "the SMS format");
    assert!(
        home.contains(r#"href="tel:010-12321""#),
        "12321's enquiry line"
    );
    let urgent = &home[home.find("class=\"urgent\"").unwrap()..];
    let urgent = &urgent[..urgent.find("</section>").unwrap()];
    assert!(urgent.contains(r#"href="tel:110""#), "{urgent}");
    assert!(
        !urgent.contains("96110"),
        "96110 offered under 被骗了怎么办: {urgent}"
    );
    // The footer lists 96110 under its own heading, after 报警.
    let footer = &home[home.find("hotlines-h").unwrap()..];
    let (baojing, consult) = (
        footer.find("<h3>报警</h3>").unwrap(),
        footer.find("<h3>劝阻与咨询</h3>").unwrap(),
    );
    let tel_96110 = footer.find("tel:96110").unwrap();
    assert!(baojing < consult && consult < tel_96110, "{footer}");
}

#[test]
fn the_letter_lists_the_scams_of_the_configured_audiences() {
    let c = Campaign::fixture("valid");
    c.write(
        "content/audiences/jiazhang.md",
        "+++\ntitle = \"中小学生家长\"\nslug = \"jiazhang\"\nwho = \"家长。\"\n\
         scams = [\"@/scams/youxi.md\"]\ntips = [\"看好支付密码。\"]\n+++\n",
    );
    c.write(
        "content/scams/youxi.md",
        &c.read("content/scams/shuadan.md")
            .replace("刷单返利诈骗", "游戏装备交易诈骗")
            .replace("slug = \"shuadan\"", "slug = \"youxi\"")
            .replace(
                "audiences = [\"@/audiences/students.md\", \"@/audiences/parents.md\"]",
                "audiences = [\"@/audiences/jiazhang.md\"]",
            ),
    );
    c.edit(
        "config.toml",
        "audiences = [\"@/audiences/parents.md\", \"@/audiences/students.md\"]",
        "audiences = [\"@/audiences/jiazhang.md\"]",
    );
    c.fanzha(&["build", "--skip", "screens", "--skip", "share"])
        .ok();
    let letter = pdftotext(&c, "public/print/letter/parents-a4.pdf");
    assert!(letter.contains("游戏装备交易诈骗"), "{letter}");
    assert!(!letter.contains("刷单返利诈骗"), "{letter}");

    c.edit(
        "config.toml",
        "audiences = [\"@/audiences/jiazhang.md\"]",
        "audiences = [\"@/audiences/laoren.md\"]",
    );
    c.fanzha(&["build", "--skip", "screens", "--skip", "share"])
        .fails()
        .says("config.toml")
        .says("print.letter.audiences");
}
