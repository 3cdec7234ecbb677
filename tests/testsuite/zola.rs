//! The `content/` folder of a plain Zola site builds unchanged with the default theme.

use crate::support::{Campaign, links, resolve};

#[test]
fn a_plain_zola_content_folder_builds() {
    let c = Campaign::fixture("zola");
    let run = c.build().ok();
    run.says("content/blog/first.md:4:2: 警告: 字段 `taxonomies`: 这是 Zola 的字段，fanzha 暂不支持，已忽略");
    run.says("content/blog/_index.md:4:1: 警告: 字段 `paginate_by`");

    let blog = c.read("public/blog/index.html");
    let (second, first) = (blog.find("第二篇").unwrap(), blog.find("第一篇").unwrap());
    assert!(second < first, "sort_by = date puts the newest first");
    assert!(!blog.contains("草稿"), "drafts are left out");
    assert!(!c.path("public/blog/draft/index.html").exists());

    let docs = c.read("public/docs/index.html");
    assert!(
        docs.find("使用").unwrap() < docs.find("安装").unwrap(),
        "sort_by = weight"
    );

    assert!(
        c.path("public/docs/install/screen.svg").is_file(),
        "bundle assets are copied"
    );
    assert!(
        c.read("public/docs/usage/index.html")
            .contains(r#"href="../../docs/install/""#)
    );
    assert!(
        c.read("public/blog/second/index.html")
            .contains(r#"href="../../blog/first/#%E8%BE%83%E6%97%A9""#)
    );
    assert!(
        c.read("public/old/second/index.html")
            .contains("url=../../blog/second/"),
        "aliases redirect"
    );
    assert!(
        c.read("public/old-docs/index.html")
            .contains("url=../docs/usage/"),
        "a section's redirect_to redirects"
    );
    // docs/usage.md opens with a byte-order mark and blank lines before its +++.
    assert!(c.read("public/docs/usage/index.html").contains("<h1>"));

    let site = c.snapshot("public");
    for (page, url) in links(&site) {
        if let Some(Ok(file)) = resolve(&page, &url) {
            assert!(site.contains_key(&file), "{page}: {url} -> {file}");
        }
    }
}
