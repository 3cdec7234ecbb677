//! Benchmark of the print kit on a campaign (default: this repository's), in-process:
//! engine set-up (templates and font scan), the whole kit in parallel as `fanzha build` makes it,
//! and each material made alone, warm, with its PDF size.
//!
//!     cargo run --example print_bench [-- CAMPAIGN_DIR [ROUNDS]]
//!
//! The dev profile compiles dependencies (Typst) at opt-level 2, so this measures optimised
//! layout code without a separate release build.
//!
//! Numbers are wall-clock times on the machine it runs on; see bench/RESULTS.md.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fanzha::config::Config;
use fanzha::print::{self, engine::Engine, materials};

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").to_string()),
    );
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    rayon::ThreadPoolBuilder::new()
        .stack_size(16 << 20)
        .build_global()
        .unwrap();

    let mut config = Config::load(&root).expect("config loads");
    config
        .base_url
        .get_or_insert_with(|| "https://example.org/fanzha/".into());
    let (model, _) = fanzha::content::load(&root, &config).expect("content loads");
    let print_dir = root.join("themes").join(&model.config.theme).join("print");

    let t = Instant::now();
    let engine = Engine::new(
        &print_dir,
        Some(&root.join("fonts")),
        &model.config.print.fonts,
    )
    .expect("fonts found");
    println!(
        "engine set-up (templates, font scan): {:.0} ms",
        ms(t.elapsed())
    );

    let options = print::PrintOptions { crop_marks: false };
    let mut kit_times = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let kit = print::render(&model, &print_dir, &options).expect("kit renders");
        kit_times.push(t.elapsed());
        assert!(!kit.entries.is_empty());
    }
    kit_times.sort();
    println!(
        "whole print kit ({} cores): median {:.2} s, best {:.2} s over {rounds} rounds (includes engine set-up)",
        rayon::current_num_threads(),
        kit_times[rounds / 2].as_secs_f64(),
        kit_times[0].as_secs_f64()
    );

    let jobs = materials::jobs(&model).expect("jobs");
    let mut by_material: BTreeMap<&str, (usize, Duration, usize)> = BTreeMap::new();
    let mut a3 = Vec::new();
    for job in &jobs {
        print::make(&model, &engine, job, false).expect("warm-up");
        let t = Instant::now();
        let made = print::make(&model, &engine, job, false).expect("job renders");
        let e = t.elapsed();
        let entry = by_material.entry(job.material.name()).or_default();
        entry.0 += 1;
        entry.1 += e;
        entry.2 = entry.2.max(made.pdf.len());
        if job.material == materials::Material::Poster && job.size.label == "a3" {
            a3.push((e, made.pdf.len()));
        }
    }
    println!("\nwarm, one at a time (layout + PDF + BleedBox + PNG preview):");
    println!(
        "{:<10} {:>5} {:>12} {:>12}",
        "material", "files", "mean ms", "largest KB"
    );
    for (name, (n, total, largest)) in &by_material {
        println!(
            "{name:<10} {n:>5} {:>12.1} {:>12.1}",
            ms(*total) / *n as f64,
            *largest as f64 / 1024.0
        );
    }
    let mean = a3.iter().map(|(e, _)| ms(*e)).sum::<f64>() / a3.len() as f64;
    let max_kb = a3.iter().map(|(_, b)| *b).max().unwrap_or(0) as f64 / 1024.0;
    println!(
        "\nA3 poster: mean {mean:.1} ms, largest {max_kb:.1} KB ({} posters)",
        a3.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
