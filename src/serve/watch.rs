//! Watches the campaign's sources (`content/`, `themes/`, `sass/`, `static/`, `templates/`,
//! `config.toml`, the units table at the root and `rosters/`) with the platform's file notifications and says what kind of thing changed,
//! once a burst of events (an editor's save is often several) has settled.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

/// Events closer together than this are one change.
const SETTLE: Duration = Duration::from_millis(10);

/// Folders whose changes matter, recursively.
const WATCHED: &[&str] = &[
    "content",
    "themes",
    "sass",
    "static",
    "templates",
    "rosters",
];

/// What changed since the last rebuild.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Changes {
    pub content: bool,
    pub config: bool,
    pub templates: bool,
    pub styles: bool,
    pub statics: bool,
}

impl Changes {
    pub fn any(&self) -> bool {
        self.content || self.config || self.templates || self.styles || self.statics
    }

    /// Files under `root` that changed at `path`.
    pub fn add(&mut self, root: &Path, path: &Path) {
        let Ok(rel) = path.strip_prefix(root) else {
            return;
        };
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if is_scratch(&name) {
            return;
        }
        let first = match rel.components().next() {
            Some(Component::Normal(c)) => c.to_string_lossy().into_owned(),
            _ => return,
        };
        match first.as_str() {
            "config.toml" => self.config = true,
            "content" | "rosters" => self.content = true,
            // The units table: any table file at the root.
            _ if rel.components().count() == 1 && crate::units::table::is_table_file(rel) => {
                self.content = true
            }
            "sass" => self.styles = true,
            "static" => self.statics = true,
            "templates" => self.templates = true,
            // A theme holds templates, Sass and static files.
            "themes" => {
                self.templates = true;
                self.styles = true;
                self.statics = true;
            }
            _ => {}
        }
    }
}

/// Editors' swap, backup and lock files.
fn is_scratch(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        // Excel's and WPS's lock files.
        || name.starts_with("~$")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// A running watcher; dropping it stops watching.
pub struct Watch {
    _watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
}

impl Watch {
    pub fn start(root: &Path) -> notify::Result<Watch> {
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(tx)?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        for dir in WATCHED {
            let d = root.join(dir);
            if d.is_dir() {
                watcher.watch(&d, RecursiveMode::Recursive)?;
            }
        }
        Ok(Watch {
            _watcher: watcher,
            events,
            root: root.to_path_buf(),
        })
    }

    /// Waits for the next change that matters; returns when its first event came, and what
    /// changed. `None` when the watcher stopped.
    pub fn next(&self) -> Option<(Instant, Changes)> {
        loop {
            let first = self.events.recv().ok()?;
            let started = Instant::now();
            let mut changes = Changes::default();
            self.take(first, &mut changes);
            loop {
                match self.events.recv_timeout(SETTLE) {
                    Ok(e) => self.take(e, &mut changes),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
            if changes.any() {
                return Some((started, changes));
            }
        }
    }

    fn take(&self, event: notify::Result<notify::Event>, changes: &mut Changes) {
        let Ok(event) = event else {
            // Lost events (queue overflow): rebuild everything to be safe.
            *changes = Changes {
                content: true,
                config: true,
                templates: true,
                styles: true,
                statics: true,
            };
            return;
        };
        if matches!(event.kind, EventKind::Access(_) | EventKind::Other) {
            return;
        }
        for p in &event.paths {
            changes.add(&self.root, p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_changed_paths() {
        let root = Path::new("/c");
        let mut c = Changes::default();
        c.add(root, Path::new("/c/content/scams/a.md"));
        assert!(c.content && !c.templates);
        c.add(root, Path::new("/c/content/scams/.a.md.swp"));
        c.add(root, Path::new("/c/public/index.html"));
        c.add(root, Path::new("/elsewhere/config.toml"));
        assert_eq!(
            c,
            Changes {
                content: true,
                ..Default::default()
            }
        );
        c.add(root, Path::new("/c/themes/default/templates/base.html"));
        assert!(c.templates && c.styles && c.statics && !c.config);
        c.add(root, Path::new("/c/config.toml"));
        assert!(c.config);
    }

    #[test]
    fn the_units_table_and_rosters_are_content() {
        let root = Path::new("/c");
        for path in ["/c/units.xlsx", "/c/units.csv", "/c/rosters/school-1.csv"] {
            let mut c = Changes::default();
            c.add(root, Path::new(path));
            assert!(c.content, "{path}");
        }
        let mut c = Changes::default();
        c.add(root, Path::new("/c/~$units.xlsx"));
        c.add(root, Path::new("/c/notes.txt"));
        c.add(root, Path::new("/c/public/units.csv"));
        assert!(!c.any());
    }
}
