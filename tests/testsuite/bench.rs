//! The benchmark's synthetic campaign (bench/gen.py) stays a valid campaign that fanzha checks
//! and builds completely, so `bench/run` measures real builds.

use std::process::Command;

use crate::support::{Campaign, REPO, SITE_ONLY, links, resolve};

/// Writes a synthetic campaign of `pages` pages with the real generator.
fn generated(pages: usize) -> Campaign {
    let c = Campaign::empty();
    let status = Command::new("python3")
        .arg(format!("{REPO}/bench/gen.py"))
        .arg(pages.to_string())
        .arg(&c.root)
        .status()
        .expect("python3 runs bench/gen.py");
    assert!(status.success(), "bench/gen.py failed");
    c
}

#[test]
fn synthetic_campaign_checks_and_builds_every_page_with_working_links() {
    let c = generated(60);
    c.fanzha(&["check", SITE_ONLY])
        .ok()
        .says("检查通过：60 个页面");
    c.fanzha(&["build", SITE_ONLY])
        .ok()
        .says("构建完成：60 个页面");
    let site = c.snapshot("public");
    let pages = site
        .keys()
        .filter(|p| p.ends_with("/index.html") && p.matches('/').count() == 2)
        .count();
    assert_eq!(pages, 60, "one HTML file per page");

    // Every link resolves, `@/` links in Markdown included.
    let mut broken = Vec::new();
    for (page, url) in links(&site) {
        match resolve(&page, &url) {
            Some(Ok(file)) if !site.contains_key(&file) => broken.push(format!("{page}: {url}")),
            Some(Err(external)) => broken.push(format!("{page}: {external}")),
            _ => {}
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));

    // The scam type of the first case lists every case that names it, as Hugo's template does.
    let first = c.read("content/cases/case-00001.md");
    let scam_line = first.lines().find(|l| l.starts_with("scam = ")).unwrap();
    let slug = scam_line
        .trim_end_matches(".md\"")
        .rsplit('/')
        .next()
        .unwrap();
    let naming = std::fs::read_dir(c.path("content/cases"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .filter(|t| t.lines().any(|l| l == scam_line))
        .count();
    let html = String::from_utf8_lossy(&site[&format!("scams/{slug}/index.html")]).into_owned();
    let listed = html
        .split("相关案例")
        .nth(1)
        .unwrap()
        .matches("<li>")
        .count();
    assert!(naming > 0);
    assert_eq!(listed, naming, "cases listed on scams/{slug}/");
}

#[test]
fn synthetic_campaign_is_the_same_for_the_same_size() {
    let a = generated(40);
    let b = generated(40);
    assert_eq!(a.snapshot("content"), b.snapshot("content"));
}
