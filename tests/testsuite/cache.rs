//! The build cache: a build from the cache is byte-identical to one without it, a damaged entry is
//! made again, and an edit makes anew only what depends on it — as the build itself reports
//! (`--explain` lists every typeset product made anew, the closing line counts both).

use crate::support::Campaign;

/// `(made, reused)` from the build's closing line.
fn counts(stderr: &str) -> (usize, usize) {
    let line = stderr
        .lines()
        .find(|l| l.contains("从构建缓存复用"))
        .unwrap_or_else(|| panic!("no cache line:\n{stderr}"));
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
    let entry = walkdir::WalkDir::new(c.path(".fanzha-cache"))
        .into_iter()
        .map(Result::unwrap)
        .find(|e| e.file_type().is_file())
        .unwrap();
    let bytes = std::fs::read(entry.path()).unwrap();
    std::fs::write(entry.path(), &bytes[..bytes.len() / 2]).unwrap();
    let repaired = c.build().ok();
    assert_eq!(
        counts(&repaired.stderr),
        (1, made_cold - 1),
        "{}",
        repaired.stderr
    );
    assert!(
        c.snapshot("public") == first,
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
    // The search index covers every page, the edited one too.
    let depends = |m: &str| {
        m.contains("shuadan")
            || m.starts_with("print/flyer/")
            || m.starts_with("print/handbook/")
            || m == "pagefind"
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
