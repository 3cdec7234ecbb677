//! `init`, `new` and `check`, as a campaign author runs them.

use crate::support::Campaign;

#[test]
fn init_makes_a_campaign_that_builds_at_once() {
    let c = Campaign::empty();
    let parent = Campaign::empty();
    std::fs::create_dir_all(&parent.root).unwrap();
    let dir = c.root.to_string_lossy().into_owned();
    parent.fanzha(&["init", &dir]).ok().says("已创建");
    parent.fanzha(&["build", "--root", &dir]).ok();
    assert!(c.path("public/index.html").is_file());
    assert!(c.path("public/scams/shuadan/index.html").is_file());
    assert!(
        c.read(".gitignore").contains("/.fanzha-cache"),
        "the build cache stays out of the campaign's git"
    );
    parent.fanzha(&["init", &dir]).fails().says("不是空文件夹");
}

#[test]
fn new_scam_builds_once_its_placeholders_are_filled() {
    let c = Campaign::fixture("valid");
    c.fanzha(&["new", "scam", "foo"]).ok();
    let page = c.read("content/scams/foo.md");
    assert!(page.contains("slug = \"foo\""));
    c.build()
        .fails()
        .says("content/scams/foo.md:2:9: 错误: 字段 `title`: 还有未填写的占位内容");

    let filled = regex::Regex::new("〔待填写[^〕]*〕")
        .unwrap()
        .replace_all(&page, "测试内容")
        .into_owned();
    c.write("content/scams/foo.md", &filled);
    c.build().ok();
    assert!(
        c.read("public/scams/foo/index.html")
            .contains("凡是测试内容就是诈骗")
    );

    c.fanzha(&["new", "scam", "foo"]).fails().says("已存在");
    c.fanzha(&["new", "scam", "Bad Slug"]).fails();
}

#[test]
fn new_case_and_audience_go_to_their_sections() {
    let c = Campaign::fixture("valid");
    c.fanzha(&["new", "case", "bar"]).ok();
    c.fanzha(&["new", "audience", "baz"]).ok();
    assert!(c.path("content/cases/bar.md").is_file());
    assert!(c.path("content/audiences/baz.md").is_file());
}

#[test]
fn check_validates_and_writes_nothing() {
    let c = Campaign::fixture("valid");
    c.fanzha(&["check"]).ok().says("检查通过");
    assert!(!c.path("public").exists());
    c.edit(
        "content/cases/student.md",
        "scam = \"@/scams/shuadan.md\"",
        "scam = \"@/scams/nope.md\"",
    );
    c.fanzha(&["check"])
        .fails()
        .says("检查未通过")
        .says("content/scams/nope.md 不存在");
    assert!(!c.path("public").exists());
}

#[test]
fn check_catches_template_errors_too() {
    let c = Campaign::fixture("valid");
    c.edit(
        "themes/default/templates/scam.html",
        "{% set s = page.scam %}",
        "{% set s = page.scam %}{{ s.summary | nosuch }}",
    );
    c.fanzha(&["check"])
        .fails()
        .says("themes/default/templates/scam.html:3");
}
