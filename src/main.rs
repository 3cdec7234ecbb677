//! The `fanzha` binary: parses the command line and runs one command.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = fanzha::cmd::Cli::parse();
    rayon::ThreadPoolBuilder::new()
        .stack_size(fanzha::jobs::STACK)
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
