//! `fanzha check`: the campaign rules on top of what `build` validates, each on a fixture
//! campaign, asserting the file and line it names and the exit code (1 on errors, 0 on warnings).

use crate::support::{Campaign, Run};

fn check(c: &Campaign) -> Run {
    c.fanzha(&["check", "--skip", "print", "--skip", "screens"])
}

const CASE: &str = "content/cases/student.md";

#[test]
fn the_default_campaign_passes() {
    let c = Campaign::default_campaign();
    // 0 warnings too: every scam type has a case, every audience link is written both ways, and
    // every fact page was reviewed in the last 12 months.
    check(&c)
        .ok()
        .lacks("错误")
        .says("检查通过")
        .says("0 个警告");
}

#[test]
fn dates_amounts_and_ids_are_not_phone_numbers() {
    let c = Campaign::fixture("valid");
    c.edit(
        CASE,
        "小李在网上看到兼职广告……",
        "2025年4月16日，小李先后转账26800元、3000元，身份证号110101199003071234、\
         验证码123456都给了对方。共有120人受骗，第110期通报。\n\n发现被骗后，他拨打110报警，又打了96110咨询。",
    );
    check(&c).ok().lacks("号码");
}

#[test]
fn a_mistyped_hotline_is_an_error_with_file_and_line() {
    let c = Campaign::fixture("valid");
    c.edit(
        CASE,
        "小李在网上看到兼职广告……",
        "小李在网上看到兼职广告……\n\n发现被骗后，他拨打96101咨询。",
    );
    check(&c)
        .fails()
        .says("content/cases/student.md:12:10: 错误: 号码 96101 不是 config.toml 里的渠道号码；是不是 96110");
}

#[test]
fn a_number_that_is_no_channel_is_an_error_in_front_matter_too() {
    let c = Campaign::fixture("valid");
    c.edit(
        CASE,
        "lesson = \"刷单就是诈骗。\"",
        "lesson = \"刷单就是诈骗，可拨打12345热线。\"",
    );
    check(&c)
        .fails()
        .says("content/cases/student.md:7:")
        .says("号码 12345 不是 config.toml 里的渠道号码");
}

#[test]
fn other_numbers_the_campaign_allows_pass() {
    let c = Campaign::fixture("valid");
    c.edit(
        CASE,
        "小李在网上看到兼职广告……",
        "骗子冒充银行客服95588打来电话。",
    );
    check(&c)
        .fails()
        .says("号码 95588 不是 config.toml 里的渠道号码");
    let config = c.read("config.toml");
    c.write(
        "config.toml",
        &format!("{config}\n[check]\nother_numbers = [\"95588\"]\n"),
    );
    check(&c).ok();
}

#[test]
fn a_tel_link_must_be_a_channel() {
    let c = Campaign::fixture("valid");
    c.edit(
        CASE,
        "小李在网上看到兼职广告……",
        "小李在网上看到兼职广告……\n\n[反诈专线](tel:96111)",
    );
    check(&c)
        .fails()
        .says("content/cases/student.md:12:")
        .says("号码 96111");
}

#[test]
fn missing_images_and_files_are_errors_with_line() {
    let c = Campaign::fixture("valid");
    c.edit(
        CASE,
        "小李在网上看到兼职广告……",
        "小李在网上看到兼职广告……\n\n<img src=\"poster.png\" alt=\"海报\">\n",
    );
    check(&c)
        .fails()
        .says("content/cases/student.md:12:11: 错误: 找不到文件 `poster.png`");
    c.write_bytes("static/poster.png", &crate::support::small_png());
    c.edit(CASE, "src=\"poster.png\"", "src=\"/poster.png\"");
    check(&c).ok();

    c.edit(CASE, "<img", "![截图](chat.png)\n\n<img");
    check(&c)
        .fails()
        .says("content/cases/student.md:12:1: 错误: 找不到图片 `chat.png`");
    c.write_bytes("content/cases/chat.png", &crate::support::small_png());
    check(&c).ok();
}

#[test]
fn duplicate_slugs_are_errors_at_the_slug_line() {
    let c = Campaign::fixture("valid");
    let copy = c
        .read(CASE)
        .replacen("+++\n", "+++\nslug = \"student\"\n", 1);
    c.write("content/cases/student2.md", &copy);
    check(&c)
        .fails()
        .says("content/cases/student2.md:2: 错误: 字段 `slug`: 网址 /cases/student/ 与 content/cases/student.md 重复");
}

#[test]
fn unresolved_internal_links_are_errors_with_line() {
    let c = Campaign::fixture("valid");
    c.edit(
        "content/scams/shuadan.md",
        "@/guides/after-scam.md",
        "@/guides/nope.md",
    );
    check(&c)
        .fails()
        .says("content/scams/shuadan.md:18:")
        .says("@/guides/nope.md");
}

#[test]
fn a_scam_with_no_case_or_audience_is_a_warning() {
    let c = Campaign::fixture("valid");
    std::fs::remove_file(c.path(CASE)).unwrap();
    std::fs::remove_file(c.path("content/audiences/students.md")).unwrap();
    std::fs::remove_file(c.path("content/audiences/parents.md")).unwrap();
    c.edit(
        "content/scams/shuadan.md",
        "audiences = [\"@/audiences/students.md\", \"@/audiences/parents.md\"]",
        "audiences = []",
    );
    check(&c)
        .ok()
        .says("content/scams/shuadan.md:2: 警告: 诈骗类型「刷单返利诈骗」还没有典型案例")
        .says("content/scams/shuadan.md:7: 警告: 字段 `audiences`: 诈骗类型「刷单返利诈骗」没有对应的人群")
        .says("2 个警告");
}

#[test]
fn a_slogan_too_long_for_a_strip_is_a_warning() {
    let c = Campaign::fixture("valid");
    let config = c.read("config.toml");
    c.write(
        "config.toml",
        &format!(
            "{config}\n[screens]\n[[screens.profiles]]\nname = \"strip-32x16\"\nkind = \"strip\"\nwidth = 32\nheight = 16\n"
        ),
    );
    // The strip renderer reports it, so the screen kit must run.
    c.fanzha(&["check", "--skip", "print"])
        .ok()
        .says("content/slogans/_index.md:7: 警告: 字段 `slogans.short`: 短口号「刷单返佣都是诈骗」在条屏 strip-32x16（32×16）上要分 4 屏");
    c.fanzha(&["build", "--skip", "print"])
        .ok()
        .says("短口号「刷单返佣都是诈骗」在条屏 strip-32x16（32×16）上要分 4 屏");
}

#[test]
fn json_output_lists_every_diagnostic() {
    let c = Campaign::fixture("valid");
    c.edit(
        CASE,
        "小李在网上看到兼职广告……",
        "小李在网上看到兼职广告……\n\n请拨打96101。",
    );
    let run = c.fanzha(&[
        "check", "--skip", "print", "--skip", "screens", "--format", "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["errors"], 1);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["file"], CASE);
    assert_eq!(d["line"], 12);
    assert_eq!(d["severity"], "error");
    assert!(d["message"].as_str().unwrap().contains("96110"), "{d}");
}

#[test]
fn an_audience_link_written_on_one_side_only_is_a_warning_with_file_and_line() {
    let c = Campaign::fixture("valid");
    c.edit(
        "content/audiences/parents.md",
        "scams = [\"@/scams/shuadan.md\"]",
        "scams = []",
    );
    check(&c)
        .ok()
        .says("content/scams/shuadan.md:7: 警告: 字段 `audiences`: 「刷单返利诈骗」的 audiences 列了「家长」，但 content/audiences/parents.md 的 scams 没有列回「刷单返利诈骗」");
}

#[test]
fn a_scam_not_reviewed_in_twelve_months_is_a_warning_with_file_and_line() {
    let c = Campaign::fixture("valid");
    c.edit(
        "content/scams/shuadan.md",
        "reviewed = 2026-11-01",
        "reviewed = 2025-11-27",
    );
    check(&c)
        .ok()
        .says("content/scams/shuadan.md:14: 警告: 字段 `reviewed`: 「刷单返利诈骗」上次核对是 2025-11-27，已超过 12 个月");
    c.edit("content/scams/shuadan.md", "reviewed = 2025-11-27\n", "");
    check(&c)
        .ok()
        .says("content/scams/shuadan.md:")
        .says("「刷单返利诈骗」没有 reviewed 日期");
    c.edit(
        "content/guides/after-scam.md",
        "reviewed = 2026-11-01",
        "reviewed = 2025-11-28",
    );
    check(&c).ok().lacks("「被骗后怎么办」上次核对");
}
