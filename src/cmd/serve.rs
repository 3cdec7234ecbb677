//! `fanzha serve`: build the campaign in memory, serve it on this computer, rebuild on every
//! change and reload the open browser tabs.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::serve::{self, Options};

#[derive(clap::Args)]
pub struct Args {
    /// Campaign folder (holding config.toml and content/).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. Only this computer can connect unless you give another one,
    /// e.g. 0.0.0.0 to let phones on the same network try the site.
    #[arg(long, default_value = "127.0.0.1")]
    pub interface: String,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let running = match serve::start(Options {
        root: super::root_arg(args.root),
        interface: args.interface,
        port: args.port,
        quiet: false,
    }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let url = format!("http://{}/", running.addr);
    eprintln!("正在提供网站: {url}");
    eprintln!(
        "修改 content/、themes/、sass/、static/ 或 config.toml 后会自动重新生成并刷新浏览器；按 Ctrl+C 停止。"
    );
    if args.open {
        open_browser(&url);
    }
    running.serve();
    Ok(ExitCode::SUCCESS)
}

/// Asks the desktop to open `url`; a failure only costs the author a click.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", "", url]);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    if command.spawn().is_err() {
        eprintln!("无法自动打开浏览器，请手动打开 {url}");
    }
}
