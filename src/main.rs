//! The `fanzha` binary: parses the command line and runs one command.

use std::process::ExitCode;

use clap::Parser;

/// Typst lays out nested content recursively; rayon's default 2 MiB worker stacks are too small
/// for long documents, so workers get what a main thread gets.
const WORKER_STACK: usize = 16 * 1024 * 1024;

fn main() -> ExitCode {
    let cli = fanzha::cmd::Cli::parse();
    rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .build_global()
        .expect("the thread pool is configured once, before any parallel work");
    match fanzha::cmd::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误: {e:#}");
            ExitCode::from(1)
        }
    }
}
