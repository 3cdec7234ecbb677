//! Benchmark of the screen kit on a campaign (default: this repository's): engine set-up, then the
//! whole kit (display slides, LED strips, manifest, zips) as `fanzha build` makes it, in a fresh
//! process so Typst's memo cache is cold as in a real build, and the kit's parts alone.
//!
//!     cargo run --example screens_bench [-- CAMPAIGN_DIR]
//!
//! Numbers are wall-clock times on the machine it runs on; see bench/RESULTS.md.

use std::path::PathBuf;
use std::time::Instant;

use fanzha::config::Config;
use fanzha::typeset::Engine;

fn main() {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").to_string()),
    );
    rayon::ThreadPoolBuilder::new()
        .stack_size(16 << 20)
        .build_global()
        .unwrap();
    let mut config = Config::load(&root).expect("config loads");
    config
        .base_url
        .get_or_insert_with(|| "https://example.org/fanzha/".into());
    let (model, _) = fanzha::content::load(&root, &config).expect("content loads");
    let theme_dir = root.join("themes").join(&model.config.theme);

    let t = Instant::now();
    let engine = Engine::new(
        &theme_dir,
        Some(&root.join("fonts")),
        &model.config.print.fonts,
    )
    .expect("fonts found");
    let setup = t.elapsed();
    let t = Instant::now();
    let files = fanzha::output::Discard::default();
    let kit = fanzha::screens::render(&model, &engine, &files).expect("screen kit renders");
    let kit_time = t.elapsed();
    let bytes: usize = kit.records.iter().map(|e| e.bytes).sum();
    println!(
        "engine set-up (templates, font scan): {:.0} ms",
        setup.as_secs_f64() * 1000.0
    );
    println!(
        "screen kit, fresh process ({} cores): {:.2} s for {} files in {} profiles, {:.1} MB",
        rayon::current_num_threads(),
        kit_time.as_secs_f64(),
        kit.records.len(),
        kit.profiles.len(),
        bytes as f64 / 1_048_576.0
    );
    println!("set-up + kit: {:.2} s", (setup + kit_time).as_secs_f64());
}
