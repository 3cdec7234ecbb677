//! The default campaign builds into a complete site whose every link resolves, deterministically,
//! at a domain root and under a sub-path.

use crate::support::{Campaign, links, resolve};

fn count_pages(c: &Campaign, section: &str) -> usize {
    std::fs::read_dir(c.path(&format!("public/{section}")))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("index.html").is_file())
        .count()
}

#[test]
fn default_campaign_builds_every_kind_of_page() {
    let c = Campaign::default_campaign();
    c.build().ok().says("构建完成").says("个页面");
    for file in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "atom.xml",
        "style.css",
        "favicon.svg",
    ] {
        assert!(c.path("public").join(file).is_file(), "missing {file}");
    }
    assert!(count_pages(&c, "scams") >= 18, "at least 18 scam types");
    assert!(count_pages(&c, "cases") >= 8, "at least 8 cases");
    assert!(count_pages(&c, "audiences") >= 8, "at least 8 audiences");
    assert!(c.path("public/guides/after-scam/index.html").is_file());
    assert!(c.path("public/guides/report/index.html").is_file());

    let slogans = c.read("public/slogans/index.html");
    assert!(slogans.matches("<li>").count() >= 20, "at least 20 slogans");
    assert!(slogans.matches("凡是").count() >= 5, "the five 凡是 rules");

    let scam = c.read("public/scams/shuadan/index.html");
    assert!(scam.contains("<h1>刷单返利诈骗</h1>"));
    assert!(scam.contains("凡是网上兼职要你先垫钱刷单、再返佣金的，就是诈骗"));
    assert!(
        scam.contains(r#"href="tel:96110""#),
        "hotlines are tappable"
    );
    assert!(
        scam.contains("../../cases/shuadan-college-student/"),
        "cases that name a scam are listed on it"
    );

    let case = c.read("public/cases/shuadan-college-student/index.html");
    // One wording, from the cases section's `extra.note`, on the section and on each case.
    let note = "本栏案例根据公开报道的同类案例改编，人名、地名已作改动。";
    assert!(case.contains(note), "adapted cases say so");
    assert!(c.read("public/cases/index.html").contains(note));
    assert!(case.contains(r#"<a href="../../scams/shuadan/">"#));

    let feed = c.read("public/atom.xml");
    assert!(feed.matches("<entry>").count() >= 8);
    let sitemap = c.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>/scams/shuadan/</loc>"), "{sitemap}");
}

#[test]
fn every_link_in_the_built_site_resolves() {
    let c = Campaign::default_campaign();
    c.build().ok();
    let site = c.snapshot("public");
    let all = links(&site);
    assert!(all.len() > 500, "expected many links, found {}", all.len());
    let mut broken = Vec::new();
    let official = crate::support::channel_sites();
    assert!(
        !official.is_empty(),
        "the default campaign has a web channel"
    );
    for (page, url) in &all {
        match resolve(page, url) {
            None => {}
            Some(Err(external)) if official.contains(&external) => {}
            Some(Err(external)) => broken.push(format!(
                "{page}: loads or links outside the site: {external}"
            )),
            Some(Ok(file)) if !site.contains_key(&file) => {
                broken.push(format!("{page}: {url} -> {file}"))
            }
            Some(Ok(_)) => {}
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn works_under_a_sub_path() {
    let c = Campaign::default_campaign();
    c.fanzha(&["build", "--base-url", "https://example.org/fanzha"])
        .ok();
    let sitemap = c.read("public/sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://example.org/fanzha/scams/shuadan/</loc>"),
        "{sitemap}"
    );
    let page = c.read("public/scams/shuadan/index.html");
    assert!(
        page.contains(r#"<link rel="canonical" href="https://example.org/fanzha/scams/shuadan/">"#)
    );
    assert!(
        !page.contains(r#"href="/"#),
        "no root-relative links in pages"
    );
    let not_found = c.read("public/404.html");
    assert!(
        not_found.contains(r#"href="/fanzha/style.css""#),
        "404 is served at any depth"
    );
    assert!(
        c.read("public/robots.txt")
            .contains("Sitemap: https://example.org/fanzha/sitemap.xml")
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let c = Campaign::default_campaign();
    c.fanzha(&["build", "--output", "one"]).ok();
    c.fanzha(&["build", "--output", "two"]).ok();
    let (one, two) = (c.snapshot("one"), c.snapshot("two"));
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        two.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &one {
        assert!(bytes == &two[path], "{path} differs between builds");
    }
}

#[test]
fn failed_build_leaves_the_previous_site_intact() {
    let c = Campaign::default_campaign();
    c.build().ok();
    let before = c.snapshot("public");
    c.edit("content/scams/shuadan.md", "slogan = ", "slogan = 1 +");
    c.build().fails().says("保持原样");
    assert_eq!(c.snapshot("public"), before);
}

#[test]
fn refuses_an_output_folder_it_did_not_write() {
    let c = Campaign::default_campaign();
    let content_before = c.snapshot("content");
    c.fanzha(&["build", "--output", "content"])
        .fails()
        .says("不是 fanzha 生成的文件")
        .says("--force");
    assert_eq!(c.snapshot("content"), content_before, "content/ untouched");

    c.write("mine/notes.txt", "keep me");
    c.fanzha(&["build", "--output", "mine"]).fails();
    c.fanzha(&["build", "--output", "mine", "--force"]).ok();
    assert!(c.path("mine/index.html").is_file());
    c.fanzha(&["build", "--output", "mine"]).ok();
}

#[test]
fn pages_render_from_markdown_with_resolved_links() {
    let c = Campaign::default_campaign();
    c.build().ok();
    let guide = c.read("public/guides/after-scam/index.html");
    assert!(guide.contains("<h2 id="), "headings get anchors");
    assert!(!guide.contains("@/"), "no unresolved internal links");
    assert!(guide.contains(r#"href="tel:110""#));
}
