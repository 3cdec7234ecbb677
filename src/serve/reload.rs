//! Live reload: a tiny script that `fanzha serve` adds to every HTML page, and the server-sent
//! event stream it listens to. Each rebuild, good or broken, gets a new version; a tab whose
//! version is old reloads itself. Everything is served by fanzha; nothing comes from outside.

use std::io::Write;
use std::time::Duration;

use tiny_http::Request;

use super::Shared;

pub const EVENTS_PATH: &str = "/__fanzha/events";
pub const SCRIPT_PATH: &str = "/__fanzha/reload.js";

/// Reloads the page when the server's version differs from the one the page was served with.
/// Hidden tabs close their stream (browsers allow six connections per site) and catch up when
/// shown again: the server sends its current version to every new stream.
pub const SCRIPT: &str = r#"(function () {
  var me = document.currentScript;
  var version = me && me.getAttribute("data-version");
  if (!window.EventSource) return;
  var events = null;
  function connect() {
    if (events) return;
    events = new EventSource("/__fanzha/events");
    events.onmessage = function (e) {
      if (e.data !== version) {
        events.close();
        location.reload();
      }
    };
  }
  function disconnect() {
    if (events) {
      events.close();
      events = null;
    }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") disconnect();
    else connect();
  });
  if (document.visibilityState !== "hidden") connect();
})();
"#;

/// How often an idle stream sends a comment, so closed tabs are noticed and proxies keep it.
const PING: Duration = Duration::from_secs(15);

/// Streams the site's version to one tab until it goes away.
pub fn stream(shared: &Shared, request: Request) {
    let mut w = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if w.write_all(head.as_bytes())
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    let mut seen = None;
    loop {
        let version = shared.wait_for_change(seen, PING);
        let message = if Some(version) == seen {
            ": ping\n\n".to_string()
        } else {
            format!("data: {version}\n\n")
        };
        if w.write_all(message.as_bytes())
            .and_then(|_| w.flush())
            .is_err()
        {
            return;
        }
        seen = Some(version);
    }
}

/// The error overlay shown on top of the last good page while the sources are broken.
pub fn overlay(error: &str) -> String {
    format!(
        "<div id=\"fanzha-error\" role=\"alert\" style=\"position:fixed;left:0;right:0;top:0;\
         max-height:80vh;overflow:auto;z-index:2147483647;background:#fff4f4;color:#a00;\
         border-bottom:4px solid #c00;padding:1em;font:16px/1.6 monospace;white-space:pre-wrap\">\
         <strong>生成失败，下面仍是上次成功的版本。改好后页面会自动刷新。</strong>\n{}</div>\n",
        escape(error)
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
