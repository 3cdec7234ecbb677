//! Shortcodes: the built-ins of the default theme (figure, gallery, hotline, case, qr) on a page
//! of the default campaign, and every kind of shortcode mistake reported by `build` and `check`
//! with file, line and column.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::support::{Campaign, links, resolve};

const BASE: &str = "https://www.example.gov.cn/fanzha/";

/// A plain page (not a bundle: its pictures sit in the folder of its section, the home) using
/// every built-in.
const ABOUT: &str = r#"+++
title = "关于本站"
+++
遇到诈骗：

{{ hotline(role="emergency") }}

拿不准时：

{{ hotline(role="consult") }}

{{ case(path="@/cases/shuadan-college-student.md") }}

{{ qr(path="@/cases/shuadan-college-student.md") }}

{{ figure(src="photo.svg", alt="社区宣传现场的展板", caption="社区宣传现场") }}

{{ figure(src="/logo.svg", alt="标志") }}

{{ gallery(images=["a.svg", "b.svg"], alts=["展板一", "展板二"], captions=["", "第二块展板"]) }}
"#;

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"><rect width="4" height="3" fill="#c00"/></svg>"##;

/// The default campaign with `content/about.md` and its pictures, its site built once for this
/// file with a known `base_url` (QR codes need one).
fn built() -> &'static Campaign {
    static BUILT: OnceLock<Campaign> = OnceLock::new();
    BUILT.get_or_init(|| {
        let c = Campaign::default_campaign();
        c.edit(
            "config.toml",
            "# base_url = \"https://www.example.gov.cn/fanzha/\"",
            &format!("base_url = \"{BASE}\""),
        );
        c.write("content/about.md", ABOUT);
        for name in ["photo.svg", "a.svg", "b.svg"] {
            c.write(&format!("content/{name}"), SVG);
        }
        let args = [
            "build", "--skip", "print", "--skip", "screens", "--skip", "share",
        ];
        c.fanzha(&args).ok().lacks("字段 `html`");
        c
    })
}

/// The element of `html` that opens with `open`, up to its closing tag `close`.
fn element<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("no {open} in:\n{html}"));
    let end = html[start..].find(close).expect("closed") + start + close.len();
    &html[start..end]
}

#[test]
fn hotline_lists_the_channels_of_one_role_with_their_links() {
    let page = built().read("public/about/index.html");
    let emergency = element(&page, "<div class=\"hotline\">", "</div>");
    assert!(
        emergency.contains("<p class=\"hotline-role\">报警</p>"),
        "{emergency}"
    );
    assert!(
        emergency.contains(r#"<a class="call" href="tel:110"><b>110</b> 报警电话</a>"#),
        "{emergency}"
    );
    assert!(
        !emergency.contains("96110"),
        "only emergency channels: {emergency}"
    );
    let rest = &page[page.find(emergency).unwrap() + emergency.len()..];
    let consult = element(rest, "<div class=\"hotline\">", "</div>");
    assert!(
        consult.contains("<p class=\"hotline-role\">劝阻咨询</p>"),
        "{consult}"
    );
    assert!(
        consult.contains(r#"href="tel:96110"><b>96110</b>"#),
        "{consult}"
    );
}

#[test]
fn case_shows_a_card_linking_to_the_case() {
    let c = built();
    let page = c.read("public/about/index.html");
    let card = element(&page, "<ul class=\"cards case-card\">", "</ul>");
    assert!(
        card.contains(r#"<a href="../cases/shuadan-college-student/"><strong>大学生网上做“点赞任务”，被骗2.68万元</strong>"#),
        "{card}"
    );
    assert!(
        card.contains("2025年4月16日 · 某省某市 · 2.68万元"),
        "{card}"
    );
    assert!(
        card.contains("兼职一旦要求先垫钱"),
        "the case's lesson: {card}"
    );
    assert!(
        c.path("public/cases/shuadan-college-student/index.html")
            .is_file()
    );
}

/// The dark modules of a QR code SVG written by fanzha (`M x y h w v h h-w z` rectangles inside a
/// 4-module quiet zone), as rows of booleans.
fn qr_modules(svg: &str) -> Vec<Vec<bool>> {
    let size: usize = regex::Regex::new(r#"viewBox="0 0 (\d+) \d+""#)
        .unwrap()
        .captures(svg)
        .expect("a viewBox")[1]
        .parse()
        .unwrap();
    let n = size - 8;
    let mut grid = vec![vec![false; n]; n];
    let rect = regex::Regex::new(r"M(\d+) (\d+)h(\d+)v(\d+)h-\d+z").unwrap();
    for cap in rect.captures_iter(svg) {
        let [x, y, w, h] = [1, 2, 3, 4].map(|i| cap[i].parse::<usize>().unwrap());
        for row in &mut grid[y - 4..y - 4 + h] {
            for cell in &mut row[x - 4..x - 4 + w] {
                assert!(!*cell, "rectangles overlap");
                *cell = true;
            }
        }
    }
    grid
}

#[test]
fn qr_draws_the_full_address_of_the_page_it_names() {
    let page = built().read("public/about/index.html");
    let figure = element(&page, "<figure class=\"qr-code\">", "</figure>");
    assert!(
        figure.contains(
            r#"role="img" aria-label="「大学生网上做“点赞任务”，被骗2.68万元」的二维码""#
        ),
        "{figure}"
    );
    assert!(
        figure
            .contains("<figcaption>扫码打开「大学生网上做“点赞任务”，被骗2.68万元」</figcaption>")
    );
    let url = format!("{BASE}cases/shuadan-college-student/");
    let code =
        qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).unwrap();
    let n = code.width();
    let want: Vec<Vec<bool>> = code
        .to_colors()
        .chunks(n)
        .map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect())
        .collect();
    assert_eq!(qr_modules(figure), want, "the SVG is the QR code of {url}");
}

#[test]
fn figure_and_gallery_resolve_pictures_like_markdown_images() {
    let c = built();
    let page = c.read("public/about/index.html");
    let figures: Vec<&str> = page
        .match_indices("<figure class=\"figure\">")
        .map(|(i, _)| element(&page[i..], "<figure", "</figure>"))
        .collect();
    assert_eq!(figures.len(), 2, "{page}");
    assert!(
        figures[0].contains(r#"<img src="../photo.svg" alt="社区宣传现场的展板">"#),
        "{}",
        figures[0]
    );
    assert!(figures[0].contains("<figcaption>社区宣传现场</figcaption>"));
    assert!(
        figures[1].contains(r#"<img src="../logo.svg" alt="标志">"#),
        "{}",
        figures[1]
    );
    assert!(
        !figures[1].contains("<figcaption>"),
        "no caption, no figcaption"
    );

    let gallery = element(&page, "<div class=\"gallery\">", "</div>");
    assert_eq!(gallery.matches("<figure>").count(), 2, "{gallery}");
    assert!(
        gallery.contains(r#"<img src="../a.svg" alt="展板一">"#),
        "{gallery}"
    );
    assert!(
        gallery.contains(r#"<img src="../b.svg" alt="展板二">"#),
        "{gallery}"
    );
    assert_eq!(
        gallery.matches("<figcaption>").count(),
        1,
        "an empty caption is left out"
    );
    assert!(gallery.contains("<figcaption>第二块展板</figcaption>"));

    let site: BTreeMap<String, Vec<u8>> = c.snapshot("public");
    for (from, url) in links(&site).iter().filter(|(p, _)| p == "about/index.html") {
        if let Some(Ok(file)) = resolve(from, url) {
            assert!(site.contains_key(&file), "{from}: {url} -> {file}");
        }
    }
    let css = String::from_utf8_lossy(&site["style.css"]).into_owned();
    assert!(css.contains(".gallery"), "the theme styles galleries");
}

#[test]
fn check_accepts_the_built_ins_and_reads_no_file_names_in_their_arguments() {
    // A non-bundle page: `photo.svg` is beside it in content/, not under its address.
    built()
        .fanzha(&["check", "--skip", "print", "--skip", "screens"])
        .ok()
        .lacks("about.md");
}

/// A post of the Zola fixture with one mistake of each kind, each on its own line.
const BROKEN: &str = r#"+++
title = "有错的文章"
date = 2024-05-01
+++
第一段。

{{ badg(text="x") }}

见 {{ badge(text=新) }}

{{ badge(text="x") }}

{{ figure(src="../docs/install/screen.svg") }}

{{ figure(src="nope.png", alt="无") }}

{{ case(path="@/blog/first.md") }}

{{ hotline(role="polce") }}

{{ qr() }}

{% note(title="未完") %}
正文
"#;

#[test]
fn every_shortcode_mistake_names_file_line_and_column() {
    let c = Campaign::fixture("zola");
    c.write("content/blog/broken.md", BROKEN);
    let f = "content/blog/broken.md";
    let want = [
        format!(
            "{f}:7:1: 错误: 字段 `shortcode`: 未知的短代码 `badg`，你是不是想写 `badge`？短代码 `badg` 的模板应放在 templates/shortcodes/badg.html"
        ),
        format!(
            "{f}:9:17: 错误: 字段 `shortcode`: 参数 `text` 的值无法识别：文字要放在英文引号里（\"…\"），也可以是数字、true、false 或 [列表]"
        ),
        format!(
            "{f}:11:1: 错误: 字段 `shortcode`: 短代码 `badge` 少写了参数：模板（templates/shortcodes/badge.html 第 1 行）用到的值没有传入（undefined value"
        ),
        format!(
            "{f}:13:1: 错误: 字段 `shortcode`: 短代码 `figure` 缺少参数 `alt`（图片说明：看不见图片的读者靠它知道图上是什么）"
        ),
        format!(
            "{f}:15:15: 错误: 字段 `shortcode`: 找不到图片 `nope.png`（应在 content/blog/nope.png）"
        ),
        format!("{f}:17:14: 错误: 字段 `shortcode`: 链接 `@/blog/first.md` 应指向典型案例页面"),
        format!("{f}:19:17: 错误: 字段 `shortcode`: 没有 role = \"polce\" 的渠道用途；"),
        format!(
            "{f}:21:1: 错误: 字段 `shortcode`: 二维码要用网站的完整网址：请在 config.toml 写 base_url"
        ),
        format!("{f}:23:1: 错误: 字段 `shortcode`: 短代码 `note` 缺少结尾的 {{% end %}}"),
    ];
    let build = c
        .fanzha(&[
            "build", "--skip", "print", "--skip", "screens", "--skip", "share",
        ])
        .fails();
    let check = c
        .fanzha(&["check", "--skip", "print", "--skip", "screens"])
        .fails();
    for run in [&build, &check] {
        for line in &want {
            run.says(line);
        }
        run.says("共 9 个错误");
    }
}

#[test]
fn a_shortcode_template_that_does_not_compile_is_reported_once() {
    let c = Campaign::fixture("zola");
    c.write("templates/shortcodes/badge.html", "{% if text %}\n");
    let run = c
        .fanzha(&[
            "build", "--skip", "print", "--skip", "screens", "--skip", "share",
        ])
        .fails();
    run.says("templates/shortcodes/badge.html:1: 错误: 模板错误: syntax error")
        .says("构建失败：共 1 个错误。")
        .lacks("未知的短代码");
}

#[test]
fn a_blocks_body_is_cleaned_like_raw_html_but_templates_are_trusted() {
    let c = Campaign::fixture("zola");
    c.write(
        "templates/shortcodes/embed.html",
        "<iframe src=\"https://player.example/{{ id }}\" title=\"视频\"></iframe>{{ body | safe }}\n",
    );
    c.write(
        "content/blog/raw.md",
        "+++\ntitle = \"原始 HTML\"\ndate = 2024-05-02\n+++\n\
         {% embed(id=\"x1\") %}\n正文<script>alert(1)</script>\n{% end %}\n\n\
         {% note(title=\"链接\") %}\n[点我](javascript:alert(2))\n{% end %}\n",
    );
    let run = c
        .fanzha(&[
            "build", "--skip", "print", "--skip", "screens", "--skip", "share",
        ])
        .ok();
    run.says("content/blog/raw.md:6: 警告: 字段 `html`: 已删除<script> 元素")
        .says("content/blog/raw.md:9: 警告: 字段 `html`: 已删除<a> 的 href 属性");
    let page = c.read("public/blog/raw/index.html");
    assert!(
        page.contains("<iframe src=\"https://player.example/x1\" title=\"视频\"></iframe>正文"),
        "the template's own markup stays:\n{page}"
    );
    let article = element(&page, "<article", "</article>");
    assert!(!article.contains("alert("), "{article}");
}
