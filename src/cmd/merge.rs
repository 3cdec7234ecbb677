//! `fanzha merge OUT SHARD_DIR…`: put the outputs of `fanzha build --shard K/N` together into one
//! deployable folder, with one manifest and one search index, byte for byte what one unsharded
//! build writes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::diag::display_path;
use crate::output::{self, Content, OutFile, Sink};

#[derive(clap::Args)]
pub struct Args {
    /// The folder to write the merged site into.
    pub out: PathBuf,
    /// The output folders of every shard, 1/N to N/N, in any order.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Replace the output folder even if it holds files fanzha did not write.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    if let Err(e) = output::check_ownership(&args.out, args.force) {
        eprintln!("错误: {e}");
        return Ok(ExitCode::from(1));
    }
    let merged = match crate::merge::gather(&args.shards) {
        Ok(m) => m,
        Err(ds) => return Ok(fail(ds)),
    };
    let index = match search_index(&merged.files) {
        Ok(files) => files,
        Err(ds) => return Ok(fail(ds)),
    };
    let staging = match output::Staging::begin(&args.out) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let files = merged
        .files
        .into_iter()
        .chain(merged.artifacts.manifests())
        .chain(index);
    for f in files {
        if let Err(e) = staging.put(f) {
            eprintln!("错误: {e}");
            return Ok(ExitCode::from(1));
        }
    }
    let (count, bytes) = staging.totals();
    if let Err(e) = staging.commit() {
        eprintln!("错误: {e}");
        return Ok(ExitCode::from(1));
    }
    eprintln!(
        "合并完成：{} 个分片{}，共 {count} 个文件（{}），写入 {}，用时 {} 秒。",
        merged.shards,
        super::build::units_text(merged.units),
        crate::zh::bytes_text(bytes as usize),
        display_path(&args.out),
        super::seconds_since(start)
    );
    Ok(ExitCode::SUCCESS)
}

fn fail(ds: Vec<crate::diag::Diagnostic>) -> ExitCode {
    super::fail(crate::diag::Report { diagnostics: ds }, "合并失败")
}

/// The search index of the whole site, from the shards' pages, as one build makes it.
fn search_index(files: &[OutFile]) -> Result<Vec<OutFile>, Vec<crate::diag::Diagnostic>> {
    use rayon::prelude::*;
    let pages: Vec<OutFile> = files
        .par_iter()
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| match &f.content {
            Content::Copy(from) => std::fs::read(from).map(|b| OutFile::bytes(f.path.clone(), b)),
            Content::Bytes(_) => Ok(f.clone()),
        })
        .collect::<Result<_, _>>()
        .map_err(|e| {
            vec![crate::diag::Diagnostic::error(
                "merge",
                format!("读取页面失败（{e}）"),
            )]
        })?;
    crate::search::index_cached(&crate::cache::Cache::disabled(), &pages)
}
