//! Benchmark of the search index (issue 12). Two measurements:
//!
//!     cargo run --release --example search_bench -- long [MB…]
//!     cargo run --release --example search_bench -- site SITE_DIR OUT_DIR
//!
//! `long` indexes one generated page of each size (default 1.25, 2.5 and 5 MB of Chinese text in
//! sections and paragraphs, the kind of page a year of case bulletins makes) and prints the time:
//! a time that doubles with the size is linear.
//!
//! `site` indexes every `.html` file under SITE_DIR, read one at a time as a renderer would hand
//! them over, and writes the bundle to OUT_DIR/pagefind/: what the Pagefind command line does
//! with `pagefind --site SITE_DIR --output-path …`, which `bench/search` runs against it. It
//! prints the time and the peak memory of the process. See bench/RESULTS.md for numbers.

use std::path::Path;
use std::time::Instant;

use fanzha::search::Indexer;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("long") => {
            let sizes: Vec<f64> = if args.len() > 1 {
                args[1..]
                    .iter()
                    .map(|a| a.parse().expect("a size in MB"))
                    .collect()
            } else {
                vec![1.25, 2.5, 5.0]
            };
            for mb in sizes {
                long(mb);
            }
        }
        Some("site") if args.len() == 3 => site(Path::new(&args[1]), Path::new(&args[2])),
        _ => {
            eprintln!("usage: search_bench long [MB…] | search_bench site SITE_DIR OUT_DIR");
            std::process::exit(2);
        }
    }
}

fn long(mb: f64) {
    let html = long_page((mb * 1e6) as usize);
    // Best of three: the machine is shared.
    let mut best = f64::INFINITY;
    let mut files = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let mut indexer = Indexer::new().unwrap();
        indexer.add("cases/annual/index.html", &html).unwrap();
        files = indexer.finish().unwrap().len();
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "one page of {:.2} MB: indexed in {:.2} s (best of 3; {files} files)",
        html.len() as f64 / 1e6,
        best
    );
}

fn site(dir: &Path, out: &Path) {
    let t = Instant::now();
    let mut indexer = Indexer::new().unwrap();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let html = std::fs::read_to_string(path).unwrap();
        indexer.add(&rel, &html).unwrap();
        pages += 1;
    }
    let files = indexer.finish().unwrap();
    for f in &files {
        let fanzha::output::Content::Bytes(bytes) = &f.content else {
            unreachable!("the bundle is in memory")
        };
        let to = out.join(&f.path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
    }
    println!(
        "{pages} HTML files: bundle of {} files in {:.2} s, peak memory {}",
        files.len(),
        t.elapsed().as_secs_f64(),
        peak_memory()
    );
}

/// The process's peak resident memory (Linux), e.g. "312 MiB".
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").parse::<u64>().ok())
        })
        .map_or("unknown".into(), |kb| format!("{} MiB", kb / 1024))
}

/// About `n` bytes of a page: a year of case bulletins, in sections of 40 paragraphs, each
/// paragraph put together from a few hundred fragments with a fixed pseudo-random sequence.
fn long_page(n: usize) -> String {
    const WHO: [&str; 10] = [
        "王阿姨",
        "李大爷",
        "小张",
        "小陈",
        "刘女士",
        "赵先生",
        "周老师",
        "孙会计",
        "小林",
        "吴师傅",
    ];
    const WHERE: [&str; 6] = [
        "某县城关镇",
        "某市开发区",
        "某县东乡",
        "某区新城街道",
        "某镇工业园",
        "某县西河村",
    ];
    const HOW: [&str; 6] = [
        "接到一个自称客服的电话，对方准确说出了订单信息",
        "在短视频平台上看到一条“在家轻松赚钱”的广告",
        "被一个陌生人拉进了一个几百人的群",
        "收到一条短信，说账户存在异常需要尽快处理",
        "在社交软件上认识了一位热情的网友",
        "听说参加讲座可以免费领鸡蛋和大米",
    ];
    const HOOK: [&str; 5] = [
        "对方先返还了几十元的“佣金”，让人放下了戒心",
        "群里不断有人晒收益截图，说跟着操作稳赚不赔",
        "对方发来盖着红章的“文件”，看起来十分正规",
        "对方说只要按步骤操作，钱很快就能退回来",
        "对方嘘寒问暖，几天后开始谈起“内部消息”",
    ];
    const TURN: [&str; 5] = [
        "要求下载一个陌生的会议软件并打开屏幕共享",
        "要求把钱转到所谓的“安全账户”",
        "说系统卡单，必须再充值一笔才能提现",
        "要求提供手机收到的验证码",
        "说保证金不够，需要再交一笔“解冻费”",
    ];
    const END: [&str; 4] = [
        "家人发现不对劲，陪同到派出所报案",
        "接到96110的预警电话后及时停止了转账",
        "银行柜员察觉异常，劝阻并报警",
        "等到对方拉黑失联，才意识到上当受骗",
    ];
    let mut state: u64 = 20_261_122;
    let mut pick = |len: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % len
    };
    let mut html = String::from(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>全年案例汇编</title>\
         </head><body><main><article data-pagefind-body><h1>全年案例汇编</h1>\n",
    );
    let mut i = 0;
    while html.len() < n {
        i += 1;
        if i % 40 == 1 {
            html.push_str(&format!(
                "<h2 id=\"part-{i}\">第{}批通报</h2>\n",
                i / 40 + 1
            ));
        }
        html.push_str(&format!(
            "<p>第{i}号：{}的{}{}。{}。随后，对方{}，前后转账{}次。最后，{}。</p>\n",
            WHERE[pick(WHERE.len())],
            WHO[pick(WHO.len())],
            HOW[pick(HOW.len())],
            HOOK[pick(HOOK.len())],
            TURN[pick(TURN.len())],
            pick(9) + 2,
            END[pick(END.len())],
        ));
    }
    html.push_str("</article></main></body></html>\n");
    html
}
