//! `fanzha init DIR`: write a small campaign that builds at once — the default theme, the
//! default campaign's config, static files and colours, and a handful of example pages. No prompts: it runs in scripts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use include_dir::{Dir, include_dir};

use crate::diag::display_path;

static THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");
static SCAFFOLD: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold");
static STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/static");
static SASS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/sass");
const CONFIG: &str = include_str!("../../config.toml");

#[derive(clap::Args)]
pub struct Args {
    /// Folder to create (must be empty or not exist).
    pub dir: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        eprintln!(
            "错误: {} 已存在且不是空文件夹；为避免覆盖，请换一个新文件夹名",
            display_path(dir)
        );
        return Ok(ExitCode::from(1));
    }
    write_tree(&SCAFFOLD, dir)?;
    write_tree(&THEME, &dir.join("themes/default"))?;
    write_tree(&STATIC, &dir.join("static"))?;
    write_tree(&SASS, &dir.join("sass"))?;
    std::fs::write(dir.join("config.toml"), scaffold_config(CONFIG))?;
    eprintln!(
        "已创建 {}。下一步：修改 config.toml 和 content/ 里的内容，然后运行",
        display_path(dir)
    );
    eprintln!("    fanzha build --root {}", display_path(dir));
    Ok(ExitCode::SUCCESS)
}

/// The weekly schedule of a new campaign: the default campaign's names scam pages the scaffold
/// does not have.
const SCAFFOLD_WEEKS: &str = r#"[[campaign.weeks]]
week = 1
until = 26
scam = "@/scams/shuadan.md"
note = "进学校、进班级群，讲清刷单返利的套路。"

[[campaign.weeks]]
week = 27
until = 53
audience = "@/audiences/parents.md"
note = "开家长会时发致家长的一封信。"
"#;

/// The default campaign's config.toml with the scaffold's weekly schedule in place of its own.
fn scaffold_config(config: &str) -> String {
    let entry = regex::Regex::new(r"(?m)^\[\[campaign\.weeks\]\]\n(?:[^\n\[]+\n)*\n?")
        .expect("a valid pattern");
    let Some(first) = entry.find(config) else {
        return config.to_string();
    };
    let mut out = config[..first.start()].to_string();
    out.push_str(SCAFFOLD_WEEKS);
    out.push('\n');
    out.push_str(&entry.replace_all(&config[first.start()..], ""));
    out
}

fn write_tree(tree: &Dir<'_>, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for file in tree.files() {
        std::fs::write(
            to.join(file.path().file_name().expect("embedded files have names")),
            file.contents(),
        )?;
    }
    for sub in tree.dirs() {
        write_tree(
            sub,
            &to.join(sub.path().file_name().expect("embedded dirs have names")),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_scaffold_keeps_one_weekly_schedule_of_its_own_pages() {
        let text = super::scaffold_config(super::CONFIG);
        assert_eq!(text.matches("[[campaign.weeks]]").count(), 2);
        assert!(text.contains("scam = \"@/scams/shuadan.md\""));
        assert!(!text.contains("maochong-qinyou"));
        assert!(text.contains("[[channels]]"));
    }
}
