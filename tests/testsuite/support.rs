//! Test support: copy a fixture campaign into a temporary folder, run the real `fanzha` binary on
//! it, and inspect what it wrote.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// `--skip` for the site alone, with its search index: every kit that typesets or writes
/// another channel left out (kits are a comma list).
pub const SITE_ONLY: &str = "--skip=print,screens,share,reports,wechat,sms,broadcast";

/// 2026-11-28 00:00 UTC: the day the tests pretend it is.
pub const TEST_DAY_EPOCH: &str = "1795824000";

/// A campaign folder under a temporary directory.
pub struct Campaign {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
}

/// The result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "fanzha failed:\n{}", self.stderr);
        self
    }

    #[track_caller]
    pub fn fails(self) -> Run {
        assert_eq!(
            self.code, 1,
            "expected exit 1, got {}:\n{}",
            self.code, self.stderr
        );
        self
    }

    /// Passed with warnings or nothing to say.
    #[track_caller]
    pub fn lacks(&self, text: &str) -> &Run {
        assert!(
            !self.stderr.contains(text),
            "stderr has {text:?}:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn says(&self, text: &str) -> &Run {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }
}

impl Campaign {
    /// The repository itself: the default campaign.
    pub fn default_campaign() -> Campaign {
        Campaign::copy_of(
            Path::new(REPO),
            &["config.toml", "content", "themes", "sass", "static"],
        )
    }

    /// `tests/fixtures/<name>`, completed with the repository's config, theme and static files
    /// where it has none.
    pub fn fixture(name: &str) -> Campaign {
        let c = Campaign::copy_of(&Path::new(REPO).join("tests/fixtures").join(name), &["."]);
        for part in ["config.toml", "themes", "static"] {
            if !c.root.join(part).exists() {
                copy_tree(&Path::new(REPO).join(part), &c.root.join(part));
                if part == "config.toml" {
                    c.without_weekly_schedule();
                }
            }
        }
        c
    }

    /// Takes the default campaign's weekly schedule out of config.toml: it names scam pages a
    /// small fixture does not have (a link to no page is an error). Tests of the calendar write
    /// their own.
    fn without_weekly_schedule(&self) {
        let entries = regex::Regex::new(r"(?m)^\[\[campaign\.weeks\]\]\n(?:[^\n\[]+\n)*").unwrap();
        let text = self.read("config.toml");
        self.write("config.toml", &entries.replace_all(&text, ""));
    }

    /// An empty folder, for `fanzha init`.
    pub fn empty() -> Campaign {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("campaign");
        Campaign { _tmp: tmp, root }
    }

    fn copy_of(from: &Path, parts: &[&str]) -> Campaign {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("campaign");
        std::fs::create_dir_all(&root).unwrap();
        for part in parts {
            copy_tree(&from.join(part), &root.join(part));
        }
        Campaign { _tmp: tmp, root }
    }

    /// Runs the binary on the campaign, on a fixed day (2026-11-28, through `SOURCE_DATE_EPOCH`)
    /// so that `check`'s 12-month review rule gives the same answer whenever the tests run.
    pub fn fanzha(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_fanzha"))
            .args(args)
            .env("SOURCE_DATE_EPOCH", TEST_DAY_EPOCH)
            .current_dir(&self.root)
            .output()
            .unwrap();
        finish(out)
    }

    pub fn build(&self) -> Run {
        self.fanzha(&["build"])
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// Replaces `from` (which must occur) with `to` in a file.
    #[track_caller]
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// Every file under `rel`, with its bytes.
    pub fn snapshot(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        let dir = self.path(rel);
        walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect()
    }
}

/// A small real PNG (a 40 × 30 gradient): pictures pages use must decode.
pub fn small_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 6, y as u8 * 8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    if from.is_file() {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
        return;
    }
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The official websites of the default campaign's web channels (12321's, for one): the only
/// addresses outside the site a page may link to (links a reader chooses; nothing is loaded).
pub fn channel_sites() -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(REPO).join("config.toml")).unwrap();
    let config: toml::Table = toml::from_str(&text).unwrap();
    config["channels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"].as_str() == Some("web"))
        .filter_map(|c| Some(c.get("url")?.as_str()?.to_string()))
        .collect()
}

/// Every `href` and `src` in the HTML files of a built site, as (page, url).
pub fn links(site: &BTreeMap<String, Vec<u8>>) -> Vec<(String, String)> {
    let re = regex::Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    let mut out = Vec::new();
    for (path, bytes) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for cap in re.captures_iter(&html) {
            out.push((path.clone(), cap[1].replace("&amp;", "&")));
        }
    }
    out
}

/// Resolves a link found in `page` to a file path of the site, or `None` for links that leave
/// the site on purpose (`tel:`, `mailto:`) and pure fragments. `https://…` links are returned as
/// `Err` so callers decide.
pub fn resolve(page: &str, url: &str) -> Option<Result<String, String>> {
    if url.starts_with('#')
        || url.starts_with("tel:")
        || url.starts_with("mailto:")
        || url.starts_with("sms:")
    {
        return None;
    }
    if url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//") {
        return Some(Err(url.to_string()));
    }
    let url = url.split(['#', '?']).next().unwrap();
    let mut parts: Vec<&str> = if url.starts_with('/') {
        Vec::new()
    } else {
        page.split('/').collect::<Vec<_>>()[..page.matches('/').count()].to_vec()
    };
    for seg in url.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut file = parts.join("/");
    if url.ends_with('/') || url.is_empty() || file.is_empty() {
        file = if file.is_empty() {
            "index.html".into()
        } else {
            format!("{file}/index.html")
        };
    }
    Some(Ok(file))
}
