//! Benchmark of the print kit on a campaign (default: this repository's), in-process:
//! engine set-up (templates and font scan), the whole kit in parallel as `fanzha build` makes it
//! (first round cold, as in a fresh process; later rounds with Typst's memo cache warm), and each
//! material made alone, warm, with its PDF size.
//!
//!     cargo run --example print_bench [-- CAMPAIGN_DIR [ROUNDS [MATERIAL]]]
//!
//! With ROUNDS 0 and a MATERIAL (poster, board, …) only that material's jobs run, for profiling.
//!
//! The dev profile compiles dependencies (Typst) at opt-level 2, so this measures optimised
//! layout code without a separate release build.
//!
//! Numbers are wall-clock times on the machine it runs on; see bench/RESULTS.md.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fanzha::config::Config;
use fanzha::print::{self, materials};
use fanzha::typeset::Engine;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").to_string()),
    );
    // Typst's memo cache is process-wide: run `… -- DIR 0` (jobs one at a time, nothing cached)
    // and `… -- DIR 3` (whole kit) as separate processes.
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let only = args.next();
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
    let _engine = Engine::new(
        &theme_dir,
        Some(&root.join("fonts")),
        &model.config.print.fonts,
    )
    .expect("fonts found");
    println!(
        "engine set-up (templates, font scan): {:.0} ms",
        ms(t.elapsed())
    );

    let options = print::PrintOptions { crop_marks: false };
    if rounds > 0 {
        whole_kit(&model, &root, &theme_dir, &options, rounds);
        return;
    }
    one_at_a_time(&model, &root, &theme_dir, only.as_deref());
}

fn whole_kit(
    model: &fanzha::content::Model,
    root: &std::path::Path,
    theme_dir: &std::path::Path,
    options: &print::PrintOptions,
    rounds: usize,
) {
    let mut kit_times = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let engine = Engine::new(
            theme_dir,
            Some(&root.join("fonts")),
            &model.config.print.fonts,
        )
        .expect("fonts found");
        let kit = print::render(model, &engine, options, &fanzha::output::Discard::default())
            .expect("kit renders");
        kit_times.push(t.elapsed());
        assert!(!kit.records.is_empty());
    }
    println!(
        "whole print kit, first round in a fresh process ({} cores): {:.2} s — what `fanzha build` pays",
        rayon::current_num_threads(),
        kit_times[0].as_secs_f64()
    );
    let mut warm = kit_times[1..].to_vec();
    warm.sort();
    if !warm.is_empty() {
        println!(
            "whole print kit, later rounds in the same process (Typst's memo cache warm): median {:.2} s",
            warm[warm.len() / 2].as_secs_f64()
        );
    }
}

fn one_at_a_time(
    model: &fanzha::content::Model,
    root: &std::path::Path,
    theme_dir: &std::path::Path,
    only: Option<&str>,
) {
    // In a fresh process, one job at a time: each material's first job pays for its template; the
    // others are new data on a warm template, which is what one more poster costs.
    let engine = Engine::new(
        theme_dir,
        Some(&root.join("fonts")),
        &model.config.print.fonts,
    )
    .expect("fonts found");
    let mut jobs = materials::jobs(model).expect("jobs");
    jobs.retain(|j| only.is_none_or(|m| j.material().name() == m));
    let mut by_material: BTreeMap<&str, (Duration, usize, Duration, usize)> = BTreeMap::new();
    let mut a3 = Vec::new();
    for job in &jobs {
        let t = Instant::now();
        let made = print::make(model, &engine, job, false).expect("job renders");
        let e = t.elapsed();
        let entry = by_material.entry(job.material().name()).or_default();
        if entry.3 == 0 {
            entry.0 = e;
        } else {
            entry.2 += e;
        }
        entry.3 += 1;
        entry.1 = entry.1.max(made.pdf.len());
        if job.material() == materials::Material::Poster && job.size.label == "a3" && a3.len() < 15
        {
            a3.push((e, made.pdf.len()));
        }
    }
    println!("\none job at a time, fresh engine (layout + PDF + BleedBox + PNG preview):");
    println!(
        "{:<10} {:>5} {:>14} {:>16} {:>11}",
        "material", "files", "first job ms", "each other ms", "largest KB"
    );
    for (name, (first, largest, others, n)) in &by_material {
        let rest = if *n > 1 {
            format!("{:.1}", ms(*others) / (*n - 1) as f64)
        } else {
            "-".into()
        };
        println!(
            "{name:<10} {n:>5} {:>14.1} {rest:>16} {:>11.1}",
            ms(*first),
            *largest as f64 / 1024.0
        );
    }
    // The first A3 poster follows the A4 of the same scam type, so all of them are warm-template.
    if a3.is_empty() {
        return;
    }
    let mean = a3.iter().map(|(e, _)| ms(*e)).sum::<f64>() / a3.len() as f64;
    let max_kb = a3.iter().map(|(_, b)| *b).max().unwrap_or(0) as f64 / 1024.0;
    println!(
        "\nA3 poster, new data on a warm template: mean {mean:.1} ms, largest {max_kb:.1} KB ({} posters)",
        a3.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
