//! `fanzha build`: render everything and swap it into the output folder.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::diag::display_path;
use crate::output;
use crate::pipeline;
use crate::stamp;

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
    /// Leave out kits, e.g. `--skip print` or `--skip print,screens,share` for a quicker build.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub skip: Vec<crate::pipeline::Kit>,
    /// Make everything anew without reading or filling the build cache (.fanzha-cache/).
    #[arg(long)]
    pub no_cache: bool,
    /// Build one share of the units (K of N, by a stable hash of each unit's id; the first
    /// also builds everything else) for `fanzha merge` to put together.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::shard::Shard>,
    /// The day of the build, e.g. 2026-03-16: which week's theme the home page shows and the
    /// calendar's timestamp. Default: the day SOURCE_DATE_EPOCH names, else today.
    #[arg(long, value_parser = super::parse_date)]
    pub date: Option<crate::date::Date>,
    /// List every costly product (PDF, slide, strip text, share card, page picture, search index) made anew
    /// rather than reused.
    #[arg(long)]
    pub explain: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let root = super::root_arg(args.root);
    let out = args.output.unwrap_or_else(|| root.join("public"));
    let options = pipeline::Options {
        base_url: args.base_url,
        kits: pipeline::Kits::from_args(&args.skip, args.crop_marks),
        no_cache: args.no_cache,
        shard: args.shard.unwrap_or_default(),
        date: args.date,
    };
    // Two walks, of the old output and of the campaign: each on a core of its own.
    let (owned, inputs) = std::thread::scope(|s| {
        let owned = s.spawn(|| output::check_ownership(&out, args.force));
        let inputs = (!args.no_cache).then(|| {
            // The build date decides this week's theme: a new day is a new build.
            let described = format!(
                "{:?} {:?} {} {}",
                options.base_url,
                options.kits,
                options.shard,
                options.build_date()
            );
            stamp::inputs(&root, &out, &described)
        });
        let owned = owned
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (owned, inputs)
    });
    if let Err(e) = owned {
        eprintln!("错误: {e}");
        return Ok(ExitCode::from(1));
    }
    if let Some(report) = inputs.as_ref().and_then(|k| stamp::current(&root, &out, k)) {
        up_to_date(&report, &out, start);
        return Ok(ExitCode::SUCCESS);
    }
    stamp::forget(&root, &out);
    let staging = match output::Staging::begin(&out) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let summary = match pipeline::run(&root, &options, &staging) {
        Ok(s) => s,
        Err(report) => {
            // Dropping the staging folder removes it; the old output stays as it was.
            drop(staging);
            let code = super::fail(report, "构建失败");
            eprintln!("{} 保持原样，未做任何改动。", display_path(&out));
            return Ok(code);
        }
    };
    let mut diagnostics = summary.warnings;
    diagnostics.extend(read_more_warning(&summary.artifacts));
    let warnings = super::print_diagnostics(diagnostics);
    let (files, bytes) = staging.totals();
    let per_unit = staging.unit_totals();
    // The old folder goes while the stamp is recorded; `retired` waits for it at the end.
    let crate::output::Committed {
        listing,
        retired: _retired,
    } = match staging.commit() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let m = &summary.model;
    if let Some(inputs) = &inputs {
        let report = stamp::Report {
            warnings,
            pages: m.pages.len(),
            sections: m.sections.len(),
            units: m.units.list.len(),
            files,
            bytes,
        };
        stamp::record(&root, &out, inputs, report, listing);
    }
    eprintln!(
        "构建完成：{} 个页面，{} 个栏目{}，共 {files} 个文件（{}），写入 {}，用时 {} 秒。",
        m.pages.len(),
        m.sections.len(),
        units_text(m.units.list.len()),
        crate::zh::bytes_text(bytes as usize),
        display_path(&out),
        super::seconds_since(start)
    );
    if per_unit.units > 0 {
        eprintln!("{}", unit_totals_text(&per_unit, &args.shard));
    }
    if args.explain {
        for path in &summary.made_paths {
            eprintln!("新生成: {path}");
        }
        for path in &summary.pages_rendered {
            eprintln!("新渲染网页: {path}");
        }
    }
    if summary.made + summary.reused > 0 {
        eprintln!(
            "排版产品（印刷品、屏幕画面、分享图）、网页图片和搜索索引：新生成 {} 个，从构建缓存复用 {} 个。",
            summary.made, summary.reused
        );
    }
    if summary.pages_reused > 0 {
        eprintln!(
            "网页：新渲染 {} 个，沿用上次构建的 {} 个。",
            summary.pages_rendered.len(),
            summary.pages_reused
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// 公众号 articles without the page's address for 「阅读原文」: the campaign has no `base_url`.
/// Said by `build`, which publishes them; `check` validates content, and the address may come
/// with `--base-url` at build time.
fn read_more_warning(made: &crate::artifact::Artifacts) -> Option<crate::diag::Diagnostic> {
    made.wechat.iter().any(|a| a.read_more.is_none()).then(|| {
        crate::diag::Diagnostic::warning(
            crate::config::CONFIG_FILE,
            "没有设置 base_url：公众号文章末尾没有「阅读原文」网址；请在 config.toml 写上网站发布地址，或构建时加 --base-url",
        )
        .field("base_url")
    })
}

/// Nothing changed since the last build of `out`: says so, with that build's warnings again.
fn up_to_date(report: &stamp::Report, out: &std::path::Path, start: Instant) {
    for w in &report.warnings {
        eprintln!("{w}");
    }
    eprintln!(
        "无需重新构建：内容、模板、字体和选项都与上次构建相同，{} 也未被改动（{} 个页面，{} 个栏目{}，共 {} 个文件，{}），用时 {} 秒。",
        display_path(out),
        report.pages,
        report.sections,
        units_text(report.units),
        report.files,
        crate::zh::bytes_text(report.bytes as usize),
        super::seconds_since(start)
    );
}

/// `单位的页面和材料：5 个单位，每个单位 4 至 9 个文件，共 3.1 MB。`
fn unit_totals_text(t: &output::UnitTotals, shard: &Option<crate::shard::Shard>) -> String {
    let each = if t.fewest == t.most {
        format!("{} 个", t.most)
    } else {
        format!("{} 至 {} 个", t.fewest, t.most)
    };
    let whose = match shard {
        Some(s) if !s.is_whole() => format!("（分片 {s}）"),
        _ => String::new(),
    };
    format!(
        "单位的页面和材料{whose}：{} 个单位，每个单位 {each}文件，共 {}。",
        t.units,
        crate::zh::bytes_text(t.bytes as usize)
    )
}

/// `，5 个单位` for a campaign with a units table, nothing without one.
pub fn units_text(units: usize) -> String {
    if units == 0 {
        String::new()
    } else {
        format!("，{units} 个单位")
    }
}
