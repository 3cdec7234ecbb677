//! The `content/` folder of a plain Zola site builds unchanged with the default theme: its front
//! matter (a byte-order mark and blank lines before `+++`, `redirect_to`, `insert_anchor_links`)
//! and the shortcodes it defines under `templates/shortcodes/`.

use std::sync::OnceLock;

use crate::support::{Campaign, Run, links, resolve};

/// tests/fixtures/zola, built once for this file (the site only: no test here reads a kit).
fn built() -> &'static (Campaign, Run) {
    static BUILT: OnceLock<(Campaign, Run)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let c = Campaign::fixture("zola");
        let run = c
            .fanzha(&[
                "build", "--skip", "print", "--skip", "screens", "--skip", "share",
            ])
            .ok();
        (c, run)
    })
}

/// The part of a page its body is rendered into.
fn article(c: &Campaign, rel: &str) -> String {
    let html = c.read(rel);
    let start = html.find("<article").expect("pages have an article");
    let end = html[start..].find("</article>").expect("closed") + start;
    html[start..end].to_string()
}

#[test]
fn a_plain_zola_content_folder_builds() {
    let (c, run) = built();
    run.says("content/blog/first.md:4:2: 警告: 字段 `taxonomies`: 这是 Zola 的字段，fanzha 暂不支持，已忽略");
    run.says("content/blog/_index.md:4:1: 警告: 字段 `paginate_by`");
    run.lacks("insert_anchor_links");

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
    assert!(
        c.read("public/docs/usage/index.html")
            .contains("<h1>使用</h1>")
    );

    let site = c.snapshot("public");
    for (page, url) in links(&site) {
        if let Some(Ok(file)) = resolve(&page, &url) {
            assert!(site.contains_key(&file), "{page}: {url} -> {file}");
        }
    }
}

#[test]
fn the_sites_own_shortcodes_are_expanded_outside_code() {
    let (c, _) = built();
    // docs/usage.md, the page with a byte-order mark and blank lines before its +++.
    let usage = article(c, "public/docs/usage/index.html");
    assert!(
        usage.contains(r#"<span class="badge" data-nth="1" data-size="2" data-on="使用">新！ #甲 #乙</span> 今天起可用"#),
        "an inline shortcode gets its arguments (string, integer, boolean, array), nth and page:\n{usage}"
    );
    assert!(
        usage.contains(
            r#"<span class="badge" data-nth="2" data-size="1.5" data-on="使用">旧</span>"#
        ),
        "nth counts the calls of one shortcode; backquoted strings and floats:\n{usage}"
    );
    let note = &usage[usage
        .find(r#"<aside class="note" id="note-1">"#)
        .expect("the block shortcode")..];
    let note = &note[..note.find("</aside>").unwrap()];
    assert!(note.contains(r#"<p class="note-title">注意</p>"#), "{note}");
    assert!(
        note.contains(r#"<p>正文里的 <strong>重点</strong> 和<a href="../../docs/install/">安装</a>链接。</p>"#),
        "the body goes through `markdown`, with its @/ link resolved:\n{note}"
    );
    assert!(
        !usage.contains("<p><aside"),
        "a block shortcode is not put in a paragraph"
    );

    assert!(
        usage.contains(r#"<code>{{ badge(text="代码") }}</code>"#),
        "a code span stays literal:\n{usage}"
    );
    assert!(
        usage.contains("{{ badge(text=\"代码块\") }}\n{% note(title=\"代码块\") %}不展开{% end %}\n</code></pre>"),
        "a fenced code block stays literal:\n{usage}"
    );
    assert!(
        usage.contains(r#"<p>转义写法：{{ badge(text="转义") }}</p>"#),
        "{{{{/* … */}}}} writes the shortcode as text:\n{usage}"
    );
    assert_eq!(
        usage.matches("badge(").count(),
        3,
        "no call is left unexpanded"
    );
    assert!(
        c.read("public/docs/usage/index.html").contains(
            r#"<meta name="description" content="先看安装。 第一步 今天起可用，另见 。 正文里的 重点 和安装链接。"#
        ),
        "plain uses (the description) leave calls out and keep a block's body"
    );

    let home = article(c, "public/index.html");
    assert!(
        c.read("public/index.html").contains(
            r#"<span class="badge" data-nth="1" data-size="0" data-on="我的 Zola 站点">首页</span>"#
        ),
        "a section's body has shortcodes too, with `section`:\n{home}"
    );

    let install = c.read("public/docs/install/index.html");
    assert!(
        install.contains(r#"<figure class="site-figure"><img src="../../docs/install/screen.svg" alt="安装界面"><figcaption>安装完成后的界面</figcaption></figure>"#),
        "the site's figure.html replaces the theme's, given the src resolved like a Markdown image:\n{install}"
    );
}

#[test]
fn insert_anchor_links_puts_zolas_links_in_headings() {
    let (c, _) = built();
    // blog/_index.md: insert_anchor_links = "right"
    assert!(c.read("public/blog/first/index.html").contains(
        r##"<h2 id="较早">较早<a class="zola-anchor" href="#较早" aria-label="本节链接：较早" data-pagefind-ignore="">🔗</a></h2>"##
    ));
    // docs/_index.md: insert_anchor_links = "heading"
    assert!(c.read("public/docs/usage/index.html").contains(
        r##"<h2 id="第一步"><a class="zola-anchor" href="#第一步" aria-label="本节链接：第一步">第一步</a></h2>"##
    ));
    // The home section says nothing: no anchor links.
    assert!(!c.read("public/index.html").contains("zola-anchor"));
}
