//! Raw HTML from many hands: scripts, event handlers, `javascript:` links and pictures from outside
//! the site are taken out of the built page, each with a warning naming file and line, unless the
//! campaign sets `[markdown] unsafe_html = true`.

use crate::support::Campaign;

const CASE: &str = "content/cases/student.md";

fn with_raw_html() -> Campaign {
    let c = Campaign::fixture("valid");
    c.edit(
        CASE,
        "小李在网上看到兼职广告……",
        "小李在网上看到兼职广告……\n\n<script>alert('x')</script>\n\n\
         <p><img src=\"../../logo.svg\" alt=\"标志\" onerror=\"alert(1)\"></p>\n\n\
         <p><a href=\"javascript:alert(1)\">领取补贴</a></p>\n\n\
         <p><img src=\"https://evil.example/track.png\" alt=\"外链\"></p>\n",
    );
    c
}

#[test]
fn scripts_handlers_and_outside_pictures_are_taken_out_with_a_warning_each() {
    let c = with_raw_html();
    let run = c.build().ok();
    for (line, what) in [
        (12, "<script> 元素"),
        (14, "<img> 的 onerror 属性"),
        (16, "<a> 的 href 属性"),
        (18, "站外的 <img>"),
    ] {
        run.says(&format!("{CASE}:{line}: 警告: 字段 `html`: 已删除{what}"));
    }
    let page = c.read("public/cases/student/index.html");
    for gone in ["alert(", "onerror", "javascript:", "evil.example"] {
        assert!(!page.contains(gone), "{gone} is still in the page");
    }
    assert!(page.contains("alt=\"标志\""), "the safe picture stays");
    assert!(page.contains("领取补贴"), "the link's text stays");
    c.fanzha(&["check", "--skip", "print", "--skip", "screens"])
        .ok()
        .says(&format!("{CASE}:12: 警告: 字段 `html`"));
}

#[test]
fn unsafe_html_keeps_raw_html_as_written() {
    let c = with_raw_html();
    let config = c.read("config.toml");
    c.write(
        "config.toml",
        &format!("{config}\n[markdown]\nunsafe_html = true\n"),
    );
    let run = c.build().ok();
    run.lacks("字段 `html`");
    let page = c.read("public/cases/student/index.html");
    assert!(page.contains("onerror=\"alert(1)\"") && page.contains("javascript:alert(1)"));
}
