//! `fanzha new scam|case|audience SLUG`: a new page in the section of that kind, its front
//! matter complete, with 〔待填写…〕 placeholders that the build refuses until they are filled.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::content::Kind;
use crate::diag::display_path;

#[derive(clap::Args)]
pub struct Args {
    /// What to create.
    #[arg(value_enum)]
    pub kind: NewKind,
    /// File name and URL of the page: lowercase letters, digits and '-'.
    pub slug: String,
    /// Campaign folder (holding config.toml and content/).
    #[arg(long)]
    pub root: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum NewKind {
    Scam,
    Case,
    Audience,
}

impl NewKind {
    fn kind(self) -> Kind {
        match self {
            NewKind::Scam => Kind::Scam,
            NewKind::Case => Kind::Case,
            NewKind::Audience => Kind::Audience,
        }
    }

    fn template(self) -> &'static str {
        match self {
            NewKind::Scam => SCAM,
            NewKind::Case => CASE,
            NewKind::Audience => AUDIENCE,
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = super::root_arg(args.root);
    if !crate::content::valid_slug(&args.slug) {
        eprintln!(
            "错误: `{}` 不能用作网址；只能用小写英文字母、数字、- 和 _",
            args.slug
        );
        return Ok(ExitCode::from(1));
    }
    let kind = args.kind.kind();
    let Some(section_dir) = section_of_kind(&root, kind)? else {
        eprintln!(
            "错误: content/ 里没有 kind = \"{}\" 的栏目（_index.md）",
            kind_key(kind)
        );
        return Ok(ExitCode::from(1));
    };
    let file = section_dir.join(format!("{}.md", args.slug));
    if file.exists() {
        eprintln!("错误: {} 已存在", display_path(&file));
        return Ok(ExitCode::from(1));
    }
    std::fs::write(&file, args.kind.template().replace("{slug}", &args.slug))?;
    eprintln!(
        "已创建 {}：请把所有〔待填写…〕换成真实内容，然后运行 fanzha build",
        display_path(&file)
    );
    Ok(ExitCode::SUCCESS)
}

fn kind_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Scam => "scam",
        Kind::Case => "case",
        Kind::Audience => "audience",
        Kind::Guide => "guide",
        Kind::Slogans => "slogans",
    }
}

/// The first folder (in path order) whose `_index.md` declares `kind`.
fn section_of_kind(root: &std::path::Path, kind: Kind) -> std::io::Result<Option<PathBuf>> {
    let content = root.join("content");
    let needle = format!("kind = \"{}\"", kind_key(kind));
    for entry in walkdir::WalkDir::new(&content).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        if entry.file_name() == "_index.md" {
            let text = std::fs::read_to_string(entry.path())?;
            if let Ok(split) = crate::content::front::split(&text)
                && split.front.lines().any(|l| l.trim() == needle)
            {
                return Ok(entry.path().parent().map(PathBuf::from));
            }
        }
    }
    Ok(None)
}

const SCAM: &str = r#"+++
title = "〔待填写：诈骗类型名称〕"
# 标题太长、海报上要缩得很小时，可另写一个较短的标题给海报、展板、手册、屏幕和分享图用（网站仍用 title）：
# print_title = "…"
slug = "{slug}"
weight = 100
summary = "〔待填写：一句话说明这种骗局〕"
other_names = ["〔待填写：别称〕"]
# 受骗人群，例如 "@/audiences/elderly.md"
audiences = []
steps = ["〔待填写：第一步〕", "〔待填写：第二步〕", "〔待填写：第三步〕"]
red_flags = ["〔待填写：识别要点一〕", "〔待填写：识别要点二〕", "〔待填写：识别要点三〕"]
actions = ["〔待填写：应该怎么做〕"]
never = ["〔待填写：千万不要〕"]
rule = "凡是〔待填写〕就是诈骗！"
# 条屏口号，不超过 16 个字
slogan = "〔待填写：短口号〕"
+++

## 常见话术

〔待填写：骗子常说的话〕
"#;

const CASE: &str = r#"+++
title = "〔待填写：案例标题〕"
# 标题太长、海报上要缩得很小时，可另写一个较短的标题给海报、展板、手册、屏幕和分享图用（网站仍用 title）：
# print_title = "…"
slug = "{slug}"
# 改成案发日期
date = 2025-01-01
region = "〔待填写：某省某县〕"
# 损失金额（元），及时止损写 0
loss = 0
scam = "@/scams/〔待填写：诈骗类型文件名〕.md"
lesson = "〔待填写：一两句教训〕"
adapted = true
+++

〔待填写：案情经过〕
"#;

const AUDIENCE: &str = r#"+++
title = "〔待填写：人群名称〕"
# 标题太长、海报上要缩得很小时，可另写一个较短的标题给海报、展板、手册、屏幕和分享图用（网站仍用 title）：
# print_title = "…"
slug = "{slug}"
weight = 100
who = "〔待填写：这群人是谁，为什么容易被盯上〕"
# 针对这群人的骗局，例如 "@/scams/shuadan.md"
scams = []
tips = ["〔待填写：提醒一〕", "〔待填写：提醒二〕"]
+++

〔待填写：写给这群人的话〕
"#;
