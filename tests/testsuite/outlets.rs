//! The channels beyond the site and print: 公众号 articles parsed with an HTML parser against
//! what the 公众号 editor keeps, SMS texts against one segment and both encodings (and opened
//! by LibreOffice as a spreadsheet), broadcast scripts against Arabic numerals and their
//! reading time, the forwardable JPEG of every print material against WeChat's limits, and the
//! 「复制全文」 button in Chromium.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use crate::support::Campaign;

const BASE: &str = "https://fanzha.example.org/";
const SIGNATURE: &str = "【示例县反诈中心】";
const MB: usize = 1024 * 1024;

/// The valid fixture with a photo in a case, built once with every kit.
fn built() -> &'static Campaign {
    static BUILT: OnceLock<Campaign> = OnceLock::new();
    BUILT.get_or_init(|| {
        let c = Campaign::fixture("valid");
        let photo = image::RgbImage::from_fn(2400, 1800, |x, y| {
            image::Rgb([
                (x / 7 % 256) as u8,
                (y / 5 % 256) as u8,
                ((x ^ y) % 256) as u8,
            ])
        });
        let mut jpeg = std::io::Cursor::new(Vec::new());
        photo.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
        c.write_bytes("static/photos/event.jpg", &jpeg.into_inner());
        c.edit(
            "content/cases/student.md",
            "小李在网上看到兼职广告",
            "![反诈宣传活动现场](/photos/event.jpg)\n\n小李在网上看到兼职广告",
        );
        c.fanzha(&["build", "--base-url", BASE]).ok();
        c
    })
}

fn public(rel: &str) -> std::path::PathBuf {
    built().path("public").join(rel)
}

/// Every file under `public/<dir>` ending in `ext`, by path relative to `public/`.
fn files(dir: &str, ext: &str) -> BTreeMap<String, Vec<u8>> {
    built()
        .snapshot(&format!("public/{dir}"))
        .into_iter()
        .filter(|(p, _)| p.ends_with(ext))
        .map(|(p, b)| (format!("{dir}/{p}"), b))
        .collect()
}

/// The articles: every HTML file of `wechat/` but the site's preview page.
fn articles() -> BTreeMap<String, String> {
    files("wechat", ".html")
        .into_iter()
        .filter(|(p, _)| p != "wechat/index.html")
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

/// What the parser found in one article: every element with its attributes, and its text.
struct Parsed {
    elements: Vec<(String, Vec<(String, String)>)>,
    text: String,
}

fn parse(html: &str) -> Parsed {
    use lol_html::{HtmlRewriter, Settings, element, text};
    use std::cell::RefCell;
    let elements = RefCell::new(Vec::new());
    let body_text = RefCell::new(String::new());
    let settings = Settings::new()
        .append_element_content_handler(element!("*", |el| {
            let attrs = el
                .attributes()
                .iter()
                .map(|a| (a.name(), a.value()))
                .collect();
            elements.borrow_mut().push((el.tag_name(), attrs));
            Ok(())
        }))
        .append_element_content_handler(text!("body", |t| {
            body_text.borrow_mut().push_str(t.as_str());
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(html.as_bytes()).unwrap();
    rewriter.end().unwrap();
    Parsed {
        elements: elements.into_inner(),
        text: html_escape::decode_html_entities(&body_text.into_inner()).into_owned(),
    }
}

/// Resolves a relative `src` of the article at `article` to a path under `public/`.
fn resolve(article: &str, src: &str) -> String {
    match crate::support::resolve(article, src) {
        Some(Ok(path)) => path,
        other => panic!("{article}: {src} is not a file of the site: {other:?}"),
    }
}

#[test]
fn every_wechat_article_keeps_to_what_the_editor_keeps() {
    let articles = articles();
    // The home, the scam type, the case and the guide of the fixture.
    for want in [
        "wechat/home.html",
        "wechat/scams/shuadan.html",
        "wechat/cases/student.html",
        "wechat/guides/after-scam.html",
    ] {
        assert!(
            articles.contains_key(want),
            "{want} missing: {:?}",
            articles.keys()
        );
    }
    let forbidden = [
        "style", "script", "link", "iframe", "object", "embed", "form", "input", "button", "svg",
        "video", "audio", "a",
    ];
    let mut pictures = 0;
    for (path, html) in &articles {
        let parsed = parse(html);
        for (tag, attrs) in &parsed.elements {
            assert!(!forbidden.contains(&tag.as_str()), "{path}: <{tag}>");
            for (name, value) in attrs {
                assert!(
                    !["class", "id"].contains(&name.as_str()) && !name.starts_with("on"),
                    "{path}: <{tag} {name}>"
                );
                if name == "style" {
                    let v = value.to_lowercase();
                    assert!(
                        !v.contains("position") && !v.contains("transform") && !v.contains("url("),
                        "{path}: <{tag} style=\"{value}\">"
                    );
                }
                if name == "src" || name == "href" {
                    assert!(
                        !value.contains("//") && !value.contains(':'),
                        "{path}: an outside resource {value}"
                    );
                }
            }
            if tag == "img" {
                let src = &attrs.iter().find(|(n, _)| n == "src").unwrap().1;
                let file = resolve(path, src);
                let bytes = std::fs::read(public(&file)).unwrap();
                let format = image::guess_format(&bytes).unwrap();
                assert!(
                    matches!(format, image::ImageFormat::Jpeg | image::ImageFormat::Png),
                    "{path}: {file} is {format:?}"
                );
                assert!(
                    bytes.len() <= MB,
                    "{path}: {file} has {} bytes",
                    bytes.len()
                );
                eprintln!("{path}: picture {file}, {} bytes", bytes.len());
                pictures += 1;
            }
        }
        assert!(
            parsed.text.contains(&format!("阅读原文：{BASE}")),
            "{path}: no 阅读原文 address"
        );
        assert!(parsed.text.contains("110"), "{path}: no hotline");
        eprintln!("{path}: {} bytes", html.len());
    }
    assert_eq!(pictures, 1, "the case's photo");
    let scam = parse(&articles["wechat/scams/shuadan.html"]).text;
    let page = std::fs::read_to_string(built().path("content/scams/shuadan.md")).unwrap();
    let rule = page
        .lines()
        .find_map(|l| l.strip_prefix("rule = \""))
        .unwrap()
        .trim_end_matches('"');
    assert!(scam.contains(rule), "the rule box: {scam}");
}

#[test]
fn without_base_url_articles_have_no_read_more_and_the_build_says_so() {
    let c = Campaign::fixture("valid");
    let run = c
        .fanzha(&[
            "build", "--skip", "print", "--skip", "screens", "--skip", "share",
        ])
        .ok();
    run.says("阅读原文");
    let home = c.read("public/wechat/home.html");
    assert!(!home.contains("阅读原文"), "{home}");
}

/// The SMS rows as (id, text, length).
fn sms_rows(text: &str) -> Vec<(String, String, usize)> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(r.headers().unwrap(), vec!["id", "text", "length"]);
    r.records()
        .map(|row| {
            let row = row.unwrap();
            (
                row[0].to_string(),
                row[1].to_string(),
                row[2].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn sms_texts_fit_one_segment_and_open_in_both_encodings() {
    let utf8 = std::fs::read(public("sms/sms.csv")).unwrap();
    let body = utf8
        .strip_prefix("\u{feff}".as_bytes())
        .expect("a UTF-8 byte-order mark");
    let text = std::str::from_utf8(body).unwrap();
    let gb = std::fs::read(public("sms/sms-gb18030.csv")).unwrap();
    let (decoded, _, bad) = encoding_rs::GB18030.decode(&gb);
    assert!(!bad, "GB18030 decodes");
    assert_eq!(decoded, text, "the GB18030 copy says the same");
    let rows = sms_rows(text);
    assert!(rows.iter().any(|r| r.0 == "scam-shuadan"), "{rows:?}");
    assert!(rows.iter().any(|r| r.0 == "guide-after-scam"), "{rows:?}");
    for (id, text, length) in &rows {
        assert_eq!(text.chars().count(), *length, "{id}");
        assert!(*length <= 70, "{id}: {length} characters: {text}");
        assert!(text.starts_with(SIGNATURE), "{id}: {text}");
        for link in ["http", "www.", ".com", ".cn"] {
            assert!(!text.contains(link), "{id}: a link in {text}");
        }
        eprintln!("{id}: {length} {text}");
    }
}

#[test]
fn libreoffice_opens_the_sms_list_as_a_spreadsheet() {
    let Some(soffice) = ["/usr/bin/soffice", "/usr/bin/libreoffice"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        panic!(
            "LibreOffice is not installed (scripts/install-deps installs libreoffice-calc-nogui)"
        );
    };
    let out = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let run = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        // Comma-separated, quoted with ", UTF-8 (76), from line 1: the import dialog's choices
        // (headless LibreOffice takes the system's charset unless told).
        .args([
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
        ])
        .arg(out.path())
        .arg(public("sms/sms.csv"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(out.path().join("sms.xlsx")).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let text = String::from_utf8(std::fs::read(public("sms/sms.csv")).unwrap()).unwrap();
    let rows = sms_rows(text.trim_start_matches('\u{feff}'));
    assert_eq!(cells[0], ["id", "text", "length"]);
    assert_eq!(cells.len(), rows.len() + 1);
    for (cell, row) in cells[1..].iter().zip(&rows) {
        assert_eq!(cell[0], row.0);
        assert_eq!(cell[1], row.1, "LibreOffice reads the Chinese text");
        assert_eq!(cell[2], row.2.to_string());
    }
    eprintln!(
        "LibreOffice read {} rows; first: {:?}",
        rows.len(),
        cells[1]
    );
}

#[test]
fn an_sms_over_the_limit_or_with_a_link_names_its_page_and_field() {
    let c = Campaign::fixture("valid");
    let skip = ["build", "--skip=print,screens,share,broadcast"];
    c.edit("content/scams/shuadan.md", "rule = \"", "rule = \"凡是网上兼职要你先垫钱、先交押金、先买会员、先做连环任务、先充值解冻，再许诺高额返佣的，");
    let run = c.fanzha(&skip).fails();
    run.says("content/scams/shuadan.md:")
        .says("rule")
        .says("超过一条短信的 70 个字");
    let c = Campaign::fixture("valid");
    c.edit(
        "content/guides/after-scam.md",
        "+++\n",
        "+++\nsms = \"被骗后请登录 www.example-help.com 查看。\"\n",
    );
    let run = c.fanzha(&skip).fails();
    run.says("content/guides/after-scam.md")
        .says("sms")
        .says("网址");
}

#[test]
fn broadcast_scripts_are_spoken_and_timed() {
    let scripts = files("broadcast", ".txt");
    let utf8: Vec<_> = scripts
        .iter()
        .filter(|(p, _)| !p.contains("/gb18030/"))
        .collect();
    assert!(
        utf8.iter()
            .any(|(p, _)| p.ends_with("scam-shuadan-1min.txt")),
        "{:?}",
        scripts.keys()
    );
    assert!(utf8.iter().any(|(p, _)| p.ends_with("campaign-3min.txt")));
    for (path, bytes) in &utf8 {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let gb = &scripts[&path.replace("broadcast/", "broadcast/gb18030/")];
        let (decoded, _, bad) = encoding_rs::GB18030.decode(gb);
        assert!(!bad && decoded == text, "{path}: the GB18030 copy differs");
        let (header, body) = text.split_once("────────────────").expect("a header");
        let reading = header
            .lines()
            .find(|l| l.starts_with("播读时长："))
            .unwrap_or_else(|| panic!("{path}: no reading time in\n{header}"));
        assert!(
            !body.contains(|c: char| c.is_ascii_digit()),
            "{path}: Arabic numerals left:\n{body}"
        );
        assert!(body.contains("幺幺零"), "{path}: no 110 said as 幺幺零");
        assert!(
            body.matches("幺幺零").count() >= 2,
            "{path}: the hotline once only"
        );
        let minutes: u32 = path
            .rsplit('-')
            .next()
            .unwrap()
            .trim_end_matches("min.txt")
            .parse()
            .unwrap();
        let chars = body.chars().filter(|c| c.is_alphanumeric()).count();
        assert!(
            chars as u32 <= minutes * 220 + 20,
            "{path}: {chars} characters for {minutes} min"
        );
        eprintln!("{path}: {reading}");
    }
    let pdf = public("broadcast/scripts.pdf");
    let out = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("播读时长"), "{text}");
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains("595.276 x 841.89") || info.contains("595.28 x 841.89"),
        "A4: {info}"
    );
}

#[test]
fn every_print_material_has_a_forwardable_jpeg() {
    let pdfs = files("print", ".pdf");
    let jpegs = files("print", ".jpg");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(public("manifest.json")).unwrap()).unwrap();
    let records = manifest["print"].as_array().unwrap();
    let mut pictures_of = BTreeMap::new();
    for r in records {
        let pdf = r["file"].as_str().unwrap();
        let listed: Vec<&str> = r["jpegs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["file"].as_str().unwrap())
            .collect();
        assert!(!listed.is_empty(), "{pdf} has no picture");
        for j in &listed {
            assert!(jpegs.contains_key(*j), "{pdf}: its picture {j} is missing");
        }
        pictures_of.insert(pdf, listed);
    }
    assert_eq!(pictures_of.len(), pdfs.len(), "a record for every PDF");
    // A poster's sizes share one design (everything scales with the page width): one picture,
    // the first size's, made once.
    let sizes: Vec<&Vec<&str>> = ["a4", "a3", "a2"]
        .iter()
        .map(|s| &pictures_of[format!("print/poster/shuadan-{s}.pdf").as_str()])
        .collect();
    assert_eq!(sizes[0], &vec!["print/poster/shuadan-a4.jpg"]);
    assert!(sizes.iter().all(|p| p == &sizes[0]), "{sizes:?}");
    assert!(!jpegs.contains_key("print/poster/shuadan-a3.jpg"));
    // Every other material's first picture is beside its PDF.
    for (pdf, listed) in &pictures_of {
        if !pdf.starts_with("print/poster/") {
            assert_eq!(listed[0], pdf.replace(".pdf", ".jpg"), "{pdf}");
        }
    }
    for (path, bytes) in &jpegs {
        assert_eq!(
            image::guess_format(bytes).unwrap(),
            image::ImageFormat::Jpeg,
            "{path}"
        );
        let img = image::load_from_memory(bytes).unwrap();
        assert_eq!(img.width(), 1080, "{path}");
        assert!(bytes.len() <= MB, "{path}: {} bytes", bytes.len());
        eprintln!(
            "{path}: {}×{}, {} KB",
            img.width(),
            img.height(),
            bytes.len() / 1024
        );
    }
    let downloads = std::fs::read_to_string(public("downloads/index.html")).unwrap();
    let picture = downloads
        .find("长按图片保存，转发到家长群")
        .expect("the caption");
    let pdf = downloads.find(".pdf\"").unwrap();
    assert!(
        downloads.contains("print/poster/shuadan-a4.jpg"),
        "the design's picture"
    );
    assert!(picture < pdf, "the picture comes before the PDF");
    for listed in [
        "sms/sms.csv",
        "sms/sms-gb18030.csv",
        "broadcast/scripts.pdf",
        "wechat/",
    ] {
        assert!(downloads.contains(listed), "下载中心 lacks {listed}");
    }
    let scam = std::fs::read_to_string(public("scams/shuadan/index.html")).unwrap();
    let picture = scam
        .find("长按图片保存")
        .expect("the scam page shows the picture");
    assert!(picture < scam.find(".pdf\"").unwrap());
}

#[test]
fn in_chromium_the_copy_button_puts_the_article_on_the_clipboard() {
    let (dir, _one_at_a_time) = crate::browser::tools();
    let served = crate::browser::serve(built().path("public"));
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wechat-article-375.png");
    let out = Command::new("node")
        .arg(dir.join("wechat.mjs"))
        .arg(&served)
        .arg("wechat/scams/shuadan.html")
        .arg("scams/shuadan/")
        .arg(&shot)
        .env("CHROME_PATH", crate::browser::chromium())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "wechat.mjs failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("screenshot: {}", shot.display());
    assert_eq!(
        r["errors"],
        serde_json::json!([]),
        "errors or CSP violations"
    );
    assert_eq!(r["status"], "已复制，请到公众号编辑器粘贴");
    let html = r["clipboard"]["text/html"]
        .as_str()
        .expect("rich text on the clipboard");
    let plain = r["clipboard"]["text/plain"]
        .as_str()
        .expect("plain text on the clipboard");
    assert!(
        html.contains("style=\"") && !html.contains("class="),
        "{html}"
    );
    let article = r["article_text"].as_str().unwrap();
    let site = r["site_text"].as_str().unwrap();
    assert_eq!(
        r["overflow"], false,
        "the article scrolls sideways at 375 px"
    );
    // What the site page says of the scam, the article says too, and the clipboard has it.
    let norm = |s: &str| s.split_whitespace().collect::<String>();
    let (article, plain) = (norm(article), norm(plain));
    let page = std::fs::read_to_string(built().path("content/scams/shuadan.md")).unwrap();
    let front: toml::Table = toml::from_str(page.split("+++").nth(1).unwrap()).unwrap();
    let mut lines = vec![
        front["title"].as_str().unwrap(),
        front["rule"].as_str().unwrap(),
    ];
    for key in ["steps", "red_flags", "actions", "never"] {
        lines.extend(
            front[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap()),
        );
    }
    for line in lines {
        let line = norm(line);
        assert!(norm(site).contains(&line), "the site page lacks {line}");
        assert!(article.contains(&line), "the article lacks {line}");
        assert!(plain.contains(&line), "the clipboard lacks {line}");
    }
}
