//! `fanzha check`: load, validate and render everything in memory; write nothing.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// Campaign folder (holding config.toml and content/).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Leave out a kit, e.g. `--skip print`.
    #[arg(long, value_enum)]
    pub skip: Vec<super::Kit>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let root = super::root_arg(args.root);
    match super::render_campaign(&root, None, super::Kits::from_args(&args.skip, false)) {
        Ok(r) => {
            let warnings = r.warnings.len();
            super::print_diagnostics(r.warnings);
            eprintln!(
                "检查通过：{} 个页面，{} 个栏目，{} 个警告，用时 {} 秒。",
                r.model.pages.len(),
                r.model.sections.len(),
                warnings,
                super::seconds_since(start)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(report) => Ok(super::fail(report, "检查未通过")),
    }
}
