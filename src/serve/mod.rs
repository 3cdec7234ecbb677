//! `fanzha serve`: the campaign kept in memory and served over HTTP while the author edits it.
//!
//! One `Builder` owns the last good model and a render cache; the watcher asks it to rebuild on
//! every change and publishes a new immutable `Snapshot` (the site's files, the error if the last
//! change broke something, a version number that tabs use to reload). Requests only read
//! snapshots. Print and screen files are made on request, not on every save.

pub mod http;
mod rebuild;
pub mod reload;
pub mod watch;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::output::OutFile;
pub use rebuild::{Builder, Outcome};
use watch::{Changes, Watch};

/// The site as served at one moment.
pub struct Snapshot {
    /// Grows with every rebuild, good or broken; tabs reload when it changes.
    pub version: u64,
    /// The last good site (`None` until a build has succeeded), by site path.
    pub files: Option<Arc<HashMap<String, Arc<OutFile>>>>,
    /// What is wrong with the sources now, as the terminal shows it.
    pub error: Option<String>,
}

/// The kits made on request while serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kit {
    Print,
    Screens,
    Wechat,
    Sms,
    Broadcast,
    /// The reporting kit (schedule, forms, summary draft): after print and screens, whose
    /// products the summary draft counts.
    Reports,
}

impl Kit {
    /// The kits a site path needs: their own files, and the 下载中心 page lists them all; a
    /// unit's page (with its materials) lists the print and screen kits'.
    pub fn for_path(path: &str) -> &'static [Kit] {
        let first = path.split('/').next().unwrap_or("");
        let unit_page = path
            .strip_prefix(crate::units::UNITS_PATH)
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with("index.html"));
        if unit_page {
            return &[Kit::Print, Kit::Screens, Kit::Reports];
        }
        match first {
            "downloads" => &[
                Kit::Print,
                Kit::Screens,
                Kit::Wechat,
                Kit::Sms,
                Kit::Broadcast,
                Kit::Reports,
            ],
            "reports" => &[Kit::Print, Kit::Screens, Kit::Reports],
            "print" => &[Kit::Print],
            "screens" => &[Kit::Screens],
            "wechat" => &[Kit::Wechat],
            "sms" => &[Kit::Sms],
            "broadcast" => &[Kit::Broadcast],
            _ => &[],
        }
    }

    /// The pipeline's renderer of this kit, and what the terminal says when it is made.
    pub fn renderer(self) -> (crate::pipeline::Kit, &'static str) {
        use crate::pipeline::Kit as P;
        match self {
            Kit::Print => (P::Print, "已生成印刷品"),
            Kit::Screens => (P::Screens, "已生成屏幕素材"),
            Kit::Wechat => (P::Wechat, "已生成公众号文章"),
            Kit::Sms => (P::Sms, "已生成短信"),
            Kit::Broadcast => (P::Broadcast, "已生成广播稿"),
            Kit::Reports => (P::Reports, "已生成报表"),
        }
    }
}

/// State shared by the watcher and the request threads.
pub struct Shared {
    state: Mutex<Arc<Snapshot>>,
    changed: Condvar,
    builder: Mutex<Builder>,
    quiet: bool,
}

impl Shared {
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.state.lock().expect("state lock").clone()
    }

    /// Waits until the version differs from `seen` (or `timeout` passes); returns the version.
    pub fn wait_for_change(&self, seen: Option<u64>, timeout: Duration) -> u64 {
        let state = self.state.lock().expect("state lock");
        if seen != Some(state.version) {
            return state.version;
        }
        let (state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |s| Some(s.version) == seen)
            .expect("state lock");
        state.version
    }

    fn publish(&self, builder: &Builder, outcome: &Outcome) {
        let mut state = self.state.lock().expect("state lock");
        let version = if outcome.reload() {
            state.version + 1
        } else {
            state.version
        };
        let files = builder.files().or_else(|| state.files.clone());
        *state = Arc::new(Snapshot {
            version,
            files,
            error: outcome.error().map(str::to_string),
        });
        self.changed.notify_all();
    }

    /// Makes `kit` for the current sources if it is not made yet (blocking this request only).
    pub fn ensure_kit(&self, kit: Kit) {
        let mut builder = self.builder.lock().expect("builder lock");
        let start = Instant::now();
        let Some(outcome) = builder.make_kit(kit) else {
            return;
        };
        self.report(&outcome, start);
        self.publish(&builder, &outcome);
    }

    fn rebuild(&self, changes: Changes, since: Instant) {
        let mut builder = self.builder.lock().expect("builder lock");
        let outcome = builder.rebuild(changes);
        self.publish(&builder, &outcome);
        drop(builder);
        self.report(&outcome, since);
    }

    fn report(&self, outcome: &Outcome, since: Instant) {
        if self.quiet {
            return;
        }
        let ms = since.elapsed().as_secs_f64() * 1000.0;
        match outcome {
            Outcome::Built {
                rendered,
                total,
                warnings,
                what,
            } => {
                for w in warnings {
                    eprintln!("{w}");
                }
                eprintln!(
                    "{what}：重新生成 {rendered} 个网页（共 {total} 个文件），用时 {ms:.0} 毫秒。"
                );
            }
            Outcome::Failed(text) => {
                eprintln!("{text}");
                if self.snapshot().files.is_some() {
                    eprintln!("生成失败，继续提供上次成功的版本（用时 {ms:.0} 毫秒）。");
                } else {
                    eprintln!("生成失败；改好后会自动重新生成（用时 {ms:.0} 毫秒）。");
                }
            }
        }
    }
}

#[derive(Debug, Error)]
pub enum ServeError {
    #[error("无法在 {addr} 上提供服务（{reason}）；端口可能已被占用，可用 --port 换一个")]
    Bind { addr: String, reason: String },
    #[error("无法监视文件变化（{0}）")]
    Watch(#[from] notify::Error),
    #[error("找不到网站根目录 {0}")]
    Root(String),
}

pub struct Options {
    pub root: PathBuf,
    pub interface: String,
    pub port: u16,
    /// No progress lines on stderr (benchmarks).
    pub quiet: bool,
}

/// A started server: built, listening and watching.
pub struct Running {
    pub addr: SocketAddr,
    server: Arc<tiny_http::Server>,
    shared: Arc<Shared>,
}

/// Builds the site, binds the address and starts watching; requests are answered by `serve`.
pub fn start(options: Options) -> Result<Running, ServeError> {
    let root = options
        .root
        .canonicalize()
        .map_err(|e| ServeError::Root(format!("{}（{e}）", options.root.display())))?;
    let start = Instant::now();
    let mut builder = Builder::new(root.clone());
    let outcome = builder.rebuild(Changes {
        content: true,
        config: true,
        templates: true,
        styles: true,
        statics: true,
    });
    let shared = Arc::new(Shared {
        state: Mutex::new(Arc::new(Snapshot {
            version: 0,
            files: None,
            error: None,
        })),
        changed: Condvar::new(),
        builder: Mutex::new(builder),
        quiet: options.quiet,
    });
    {
        let builder = shared.builder.lock().expect("builder lock");
        shared.publish(&builder, &outcome);
    }
    shared.report(&outcome, start);

    let addr = format!("{}:{}", options.interface, options.port);
    let server = tiny_http::Server::http(&addr).map_err(|e| ServeError::Bind {
        addr: addr.clone(),
        reason: e.to_string(),
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .expect("bound to an IP address");
    let watch = Watch::start(&root)?;
    let for_watch = shared.clone();
    std::thread::spawn(move || {
        while let Some((since, changes)) = watch.next() {
            for_watch.rebuild(changes, since);
        }
    });
    Ok(Running {
        addr,
        server: Arc::new(server),
        shared,
    })
}

impl Running {
    /// Answers requests until the process ends, each on its own thread (event streams and
    /// kits made on request must not hold up other requests).
    pub fn serve(&self) {
        for request in self.server.incoming_requests() {
            let shared = self.shared.clone();
            std::thread::spawn(move || http::handle(shared, request));
        }
    }

    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

#[cfg(test)]
mod tests {
    use super::Kit;

    #[test]
    fn unit_pages_and_downloads_ask_for_the_kits_the_index_does_not() {
        let unit = [Kit::Print, Kit::Screens, Kit::Reports];
        assert_eq!(Kit::for_path("units/school-1/"), unit);
        assert_eq!(Kit::for_path("units/school-1/index.html"), unit);
        // The summary draft counts the print and screen kits' products: they come first.
        assert_eq!(Kit::for_path("reports/summary.docx"), unit);
        assert!(Kit::for_path("downloads/units/school-1/poster-a4.pdf").contains(&Kit::Print));
        assert!(Kit::for_path("units/").is_empty());
        assert!(Kit::for_path("units/index.html").is_empty());
        assert_eq!(Kit::for_path("print/manifest.json"), [Kit::Print]);
        assert!(Kit::for_path("scams/").is_empty());
    }
}
