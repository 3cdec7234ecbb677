//! `fanzha clean`: remove the campaign's build cache, so the next build makes everything anew.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::diag::display_path;

#[derive(clap::Args)]
pub struct Args {
    /// Campaign folder (holding config.toml and content/).
    #[arg(long)]
    pub root: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = super::root_arg(args.root);
    let dir = crate::cache::Cache::dir_of(&root);
    match crate::cache::clean(&root) {
        Ok(0) => eprintln!("没有构建缓存需要清除（{}）。", display_path(&dir)),
        Ok(bytes) => eprintln!(
            "已清除构建缓存 {}（{}）。",
            display_path(&dir),
            crate::zh::bytes_text(bytes as usize)
        ),
        Err(e) => {
            eprintln!("错误: 无法清除构建缓存 {}（{e}）", display_path(&dir));
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}
