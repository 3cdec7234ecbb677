//! Broken campaigns: each error names the file, line and field, every error of a run is reported
//! together, and the exit code is 1.

use crate::support::Campaign;

#[test]
fn the_valid_fixture_builds() {
    let c = Campaign::fixture("valid");
    c.build().ok().says("5 个页面");
    assert!(c.path("public/scams/shuadan/index.html").is_file());
    assert!(c.path("public/cases/student/index.html").is_file());
}

#[test]
fn malformed_toml_names_line_and_column() {
    let c = Campaign::fixture("valid");
    c.edit("content/cases/student.md", "loss = 26800", "loss = = 26800");
    c.build()
        .fails()
        .says("content/cases/student.md:5:8: 错误: TOML 格式错误");
}

#[test]
fn missing_required_field_names_file_and_field() {
    let c = Campaign::fixture("valid");
    c.edit("content/cases/student.md", "region = \"某省某市\"\n", "");
    c.build()
        .fails()
        .says("content/cases/student.md")
        .says("字段 `region`: 缺少必填字段");
}

#[test]
fn unknown_field_suggests_the_closest_name() {
    let c = Campaign::fixture("valid");
    c.edit("content/scams/shuadan.md", "red_flags =", "red_flag =");
    c.build().fails().says(
        "content/scams/shuadan.md:9:1: 错误: 字段 `red_flag`: 未知字段，你是不是想写 `red_flags`？",
    );
}

#[test]
fn unknown_config_key_suggests_the_closest_name() {
    let c = Campaign::fixture("valid");
    c.edit("config.toml", "short_name =", "shortname =");
    c.build()
        .fails()
        .says("config.toml:")
        .says("字段 `shortname`: 未知字段，你是不是想写 `short_name`？");
}

#[test]
fn broken_internal_link_names_file_line_and_target() {
    let c = Campaign::fixture("valid");
    c.edit(
        "content/scams/shuadan.md",
        "@/guides/after-scam.md",
        "@/guides/after.md",
    );
    c.build()
        .fails()
        .says("content/scams/shuadan.md:18:2: 错误: 内部链接 `@/guides/after.md` 指向的文件 content/guides/after.md 不存在");
}

#[test]
fn front_matter_link_to_the_wrong_kind_is_an_error() {
    let c = Campaign::fixture("valid");
    c.edit(
        "content/cases/student.md",
        "@/scams/shuadan.md",
        "@/audiences/students.md",
    );
    c.build().fails().says("content/cases/student.md:6: 错误: 字段 `scam`: 链接 `@/audiences/students.md` 应指向诈骗类型页面");
}

#[test]
fn template_error_names_template_and_line() {
    let c = Campaign::fixture("valid");
    c.edit(
        "themes/default/templates/case.html",
        "{% set c = page.case %}",
        "{% set c = page.case %}\n{{ c.loss | nosuchfilter }}",
    );
    c.build()
        .fails()
        .says("themes/default/templates/case.html:4: 错误: 模板错误");

    let c = Campaign::fixture("valid");
    c.edit(
        "themes/default/templates/page.html",
        "{% endblock %}",
        "{% endblok %}",
    );
    c.build()
        .fails()
        .says("themes/default/templates/page.html:")
        .says("模板错误");
}

#[test]
fn every_error_of_a_run_is_reported_together() {
    let c = Campaign::fixture("valid");
    c.edit(
        "content/cases/student.md",
        "loss = 26800",
        "loss = \"很多\"",
    );
    c.edit(
        "content/scams/shuadan.md",
        "slogan = \"刷单返利都是骗局\"",
        "slogan = \"刷单返利都是骗局刷单返利都是骗局啊\"",
    );
    c.edit("content/audiences/students.md", "tips =", "tipz =");
    let run = c.build().fails();
    run.says("content/cases/student.md:5:8: 错误: 取值类型不对")
        .says("字段 `slogan`")
        .says("字段 `tipz`");
    assert!(
        !run.stderr.contains("students.md 不存在"),
        "no cascade from a page that failed to load:\n{}",
        run.stderr
    );
}

#[test]
fn scam_rules_slogans_and_slugs_are_checked() {
    let c = Campaign::fixture("valid");
    c.edit(
        "content/scams/shuadan.md",
        "rule = \"凡是网络兼职刷单返还佣金就是诈骗！\"",
        "rule = \"刷单是诈骗\"",
    );
    c.edit(
        "content/scams/shuadan.md",
        "slug = \"shuadan\"",
        "slug = \"刷单\"",
    );
    c.build()
        .fails()
        .says("字段 `rule`: 规则须写成「凡是……就是诈骗」的句式")
        .says("字段 `slug`");
}

#[test]
fn a_chinese_file_name_without_slug_is_refused_with_advice() {
    let c = Campaign::fixture("valid");
    c.write(
        "content/audiences/老人.md",
        "+++\ntitle = \"老人\"\nwho = \"老人\"\nscams = []\ntips = []\n+++\n",
    );
    c.build()
        .fails()
        .says("content/audiences/老人.md")
        .says("不会自动转拼音");
}

#[test]
fn unknown_channel_in_a_guide_is_an_error() {
    let c = Campaign::fixture("valid");
    c.edit("content/guides/after-scam.md", "\"96110\"", "\"96101\"");
    c.build().fails().says("content/guides/after-scam.md:4: 错误: 字段 `channels`: config.toml 里没有 id 为 `96101` 的渠道");
}

#[test]
fn missing_image_is_an_error_and_co_located_images_are_copied() {
    let c = Campaign::fixture("valid");
    c.write("content/cases/photo/index.md", "+++\ntitle = \"有图的案例\"\ndate = 2025-01-02\nregion = \"某地\"\nloss = 0\nscam = \"@/scams/shuadan.md\"\nlesson = \"看图。\"\n+++\n![聊天截图](chat.png)\n\n![缺的图](gone.png)\n");
    c.write_bytes("content/cases/photo/chat.png", &crate::support::small_png());
    c.build()
        .fails()
        .says("content/cases/photo/index.md:11:1: 错误: 找不到图片 `gone.png`");
    c.edit(
        "content/cases/photo/index.md",
        "\n\n![缺的图](gone.png)",
        "",
    );
    c.build().ok();
    assert!(c.path("public/cases/photo/chat.png").is_file());
    assert!(c.path("public/cases/photo/chat-40w.webp").is_file());
    let html = c.read("public/cases/photo/index.html");
    assert!(
        html.contains(r#"<img src="chat.png" alt="聊天截图" width="40" height="30""#),
        "{html}"
    );
}

#[test]
fn a_missing_logo_is_named() {
    let c = Campaign::fixture("valid");
    c.edit(
        "config.toml",
        "logo = \"logo.svg\"",
        "logo = \"emblem.png\"",
    );
    c.build()
        .fails()
        .says("config.toml: 错误: 字段 `issuer.logo`: 找不到标志图片 static/emblem.png");
}
