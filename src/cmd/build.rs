//! `fanzha build`: render everything and swap it into the output folder.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::diag::display_path;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Campaign folder (holding config.toml and content/).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Output folder; default: public/ inside the campaign folder.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Overrides base_url from config.toml, e.g. https://example.org/fanzha/
    #[arg(long)]
    pub base_url: Option<String>,
    /// Replace the output folder even if it holds files fanzha did not write.
    #[arg(long)]
    pub force: bool,
    /// Print crop marks on every PDF (in a slug outside the bleed).
    #[arg(long)]
    pub crop_marks: bool,
    /// Leave out a kit, e.g. `--skip print` for a quick site-only build.
    #[arg(long, value_enum)]
    pub skip: Vec<super::Kit>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let root = super::root_arg(args.root);
    let out = args.output.unwrap_or_else(|| root.join("public"));
    if let Err(e) = output::check_ownership(&out, args.force) {
        eprintln!("错误: {e}");
        return Ok(ExitCode::from(1));
    }
    let rendered = match super::render_campaign(
        &root,
        args.base_url.as_deref(),
        super::Kits::from_args(&args.skip, args.crop_marks),
    ) {
        Ok(r) => r,
        Err(report) => {
            let code = super::fail(report, "构建失败");
            eprintln!("{} 保持原样，未做任何改动。", display_path(&out));
            return Ok(code);
        }
    };
    super::print_diagnostics(rendered.warnings);
    if let Err(e) = output::write_site(&out, &rendered.files) {
        eprintln!("错误: {e}");
        return Ok(ExitCode::from(1));
    }
    let m = &rendered.model;
    eprintln!(
        "构建完成：{} 个页面，{} 个栏目，共 {} 个文件，写入 {}，用时 {} 秒。",
        m.pages.len(),
        m.sections.len(),
        rendered.files.len(),
        display_path(&out),
        super::seconds_since(start)
    );
    Ok(ExitCode::SUCCESS)
}
