//! The build cache: a build from the cache is byte-identical to one without it, a damaged entry is
//! made again, and an edit makes anew only what depends on it — as the build itself reports
//! (`--explain` lists every typeset product made anew, the closing line counts both).

use crate::support::Campaign;

/// `(made, reused)` from the build's closing line.
fn counts(stderr: &str) -> (usize, usize) {
    first_two(stderr, "从构建缓存复用")
}

/// The first two numbers on the line of `stderr` that contains `marker`.
fn first_two(stderr: &str, marker: &str) -> (usize, usize) {
    let line = stderr
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no line with {marker}:\n{stderr}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

/// The products the build lists as made anew.
fn made(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("新生成: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn cached_builds_equal_uncached_ones_and_edits_remake_only_what_depends_on_them() {
    let c = Campaign::default_campaign();
    let cold = c.build().ok();
    let (made_cold, reused_cold) = counts(&cold.stderr);
    assert!(made_cold > 200 && reused_cold == 0, "{}", cold.stderr);
    let first = c.snapshot("public");

    // Nothing changed: the output folder is left as it is, and the build says so.
    let again = c.build().ok();
    again.says("无需重新构建");
    assert!(c.snapshot("public") == first);
    // A file taken out of the output makes the next build a real one, from the cache.
    std::fs::remove_file(c.path("public/index.html")).unwrap();
    let warm = c.build().ok();
    assert_eq!(counts(&warm.stderr), (0, made_cold), "{}", warm.stderr);
    assert!(
        c.snapshot("public") == first,
        "a build from the cache differs"
    );

    c.fanzha(&["build", "--no-cache", "--output", "uncached"])
        .ok();
    assert!(
        c.snapshot("uncached") == first,
        "a build without the cache differs"
    );

    // A truncated entry is not published: it is made again, and the output is the same.
    // A product's entry (not a page's share of the search index, in parts/, nor a stamp), the
    // same one every run.
    let entry = walkdir::WalkDir::new(c.path(".fanzha-cache"))
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !["parts", "stamps"].contains(&e.file_name().to_str().unwrap_or("")))
        .map(Result::unwrap)
        .find(|e| e.file_type().is_file())
        .unwrap();
    let bytes = std::fs::read(entry.path()).unwrap();
    std::fs::write(entry.path(), &bytes[..bytes.len() / 2]).unwrap();
    let repaired = c.fanzha(&["build", "--output", "repaired"]).ok();
    assert_eq!(
        counts(&repaired.stderr),
        (1, made_cold - 1),
        "{}",
        repaired.stderr
    );
    assert!(
        c.snapshot("repaired") == first,
        "a damaged entry changed the output"
    );

    // One scam page's red flags: its poster, board and slides are made again, and nothing that
    // does not show them.
    c.edit(
        "content/scams/shuadan.md",
        "\"兼职要你先垫钱下单\"",
        "\"兼职要你先垫钱下单刷单\"",
    );
    let edited = c.fanzha(&["build", "--explain"]).ok();
    let made = made(&edited.stderr);
    for expected in [
        "print/poster/shuadan-a4.pdf",
        "print/board/shuadan-90x120cm.pdf",
        "screens/display-1920x1080/02-scam-shuadan.png",
    ] {
        assert!(
            made.iter().any(|m| m == expected),
            "{expected} not made:\n{}",
            edited.stderr
        );
    }
    // The search index covers every page, the edited one too; the announcer's PDF has every
    // scam's broadcast script, which says its red flags.
    let depends = |m: &str| {
        m.contains("shuadan")
            || m.starts_with("print/flyer/")
            || m.starts_with("print/handbook/")
            || m == "pagefind"
            || m == "broadcast/scripts.pdf"
    };
    assert!(
        made.iter().all(|m| depends(m)),
        "made more than depends on it:\n{}",
        edited.stderr
    );
    let (n, reused) = counts(&edited.stderr);
    assert_eq!(n, made.len());
    assert!(reused > made_cold - 20, "{}", edited.stderr);
}

#[test]
fn clean_removes_the_cache() {
    let c = Campaign::fixture("valid");
    c.fanzha(&["build", "--skip", "screens", "--skip", "share"])
        .ok();
    assert!(c.path(".fanzha-cache").is_dir());
    c.fanzha(&["clean"]).ok().says("已清除构建缓存");
    assert!(!c.path(".fanzha-cache").exists());
    c.fanzha(&["clean"]).ok().says("没有构建缓存需要清除");
}

#[test]
fn a_build_with_nothing_changed_leaves_the_output_as_it_is() {
    let c = Campaign::fixture("valid");
    let quick = [
        "build", "--skip", "print", "--skip", "screens", "--skip", "share",
    ];
    c.fanzha(&quick).ok();
    c.fanzha(&quick).ok().says("无需重新构建");
    // Any file of the campaign, a changed option, an output file edited by hand, or the
    // build cache cleaned: a real build again.
    let real = |c: &Campaign, args: &[&str]| {
        let run = c.fanzha(args).ok();
        run.lacks("无需重新构建");
        assert!(run.stderr.contains("构建完成"), "{}", run.stderr);
    };
    c.write("static/extra.txt", "新文件");
    real(&c, &quick);
    assert_eq!(c.read("public/extra.txt"), "新文件");
    real(
        &c,
        &[&quick[..], &["--base-url", "https://example.org/"]].concat(),
    );
    c.fanzha(&[&quick[..], &["--base-url", "https://example.org/"]].concat())
        .ok()
        .says("无需重新构建");
    c.write("public/extra.txt", "改动过");
    real(
        &c,
        &[&quick[..], &["--base-url", "https://example.org/"]].concat(),
    );
    assert_eq!(c.read("public/extra.txt"), "新文件");
    c.fanzha(&["clean"]).ok();
    real(
        &c,
        &[&quick[..], &["--base-url", "https://example.org/"]].concat(),
    );
}

#[test]
fn an_edit_renders_again_the_pages_near_it_and_reads_the_rest() {
    // The site's pages are kept in runs of about 64: a campaign of a few hundred pages has
    // several, and an edit renders again only those holding what changed.
    let c = Campaign::fixture("valid");
    for i in 0..400 {
        c.write(
            &format!("content/guides/gen-{i:03}.md"),
            &format!("+++\ntitle = \"第 {i} 篇\"\nsummary = \"第 {i} 篇的摘要。\"\n+++\n第 {i} 篇的正文。\n"),
        );
    }
    let site_only = [
        "build",
        "--explain",
        "--skip",
        "print,screens,share,reports,wechat,sms,broadcast,search",
    ];
    let cold = c.fanzha(&site_only).ok();
    cold.lacks("网页：新渲染");
    c.edit("content/guides/gen-123.md", "的正文", "的正文，改过了");
    let edited = c.fanzha(&site_only).ok();
    let (rendered, reused) = first_two(&edited.stderr, "网页：新渲染");
    assert!(
        edited
            .stderr
            .contains("新渲染网页: guides/gen-123/index.html"),
        "{}",
        edited.stderr
    );
    assert!(
        rendered < 150 && reused > 250,
        "rendered {rendered}, reused {reused}"
    );
    // What was read from the cache is what rendering gives.
    c.fanzha(&[&site_only[..], &["--no-cache", "--output", "uncached"]].concat())
        .ok();
    assert!(c.snapshot("public") == c.snapshot("uncached"));
}
