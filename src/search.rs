//! The search renderer: indexes the site's HTML pages in-process with Pagefind (its `extended`
//! build segments Chinese text into words) and returns the search bundle as files under
//! `pagefind/`. Only the part of a page marked `data-pagefind-body` is indexed.

use crate::diag::Diagnostic;
use crate::output::{Content, OutFile};

/// Where the bundle lives in the site.
pub const BUNDLE_DIR: &str = "pagefind";

/// Builds the index of `pages` (the site's files; only `.html` ones that mark a body are
/// indexed) and returns Pagefind's bundle: its JavaScript, WebAssembly, index and fragments.
pub fn index(pages: &[OutFile]) -> Result<Vec<OutFile>, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| failure(format!("无法启动索引任务（{e}）")))?;
    runtime.block_on(build(pages))
}

async fn build(pages: &[OutFile]) -> Result<Vec<OutFile>, Diagnostic> {
    let options = pagefind::options::PagefindServiceConfig::builder()
        .force_language("zh".to_string())
        .build();
    let mut index = pagefind::api::PagefindIndex::new(Some(options))
        .map_err(|e| failure(format!("无法创建搜索索引（{e}）")))?;
    for page in pages.iter().filter(|f| f.path.ends_with(".html")) {
        let Content::Bytes(bytes) = &page.content else {
            continue;
        };
        let html = String::from_utf8_lossy(bytes);
        if !html.contains("data-pagefind-body") {
            continue;
        }
        index
            .add_html_file(Some(page.path.clone()), None, html.into_owned())
            .await
            .map_err(|e| failure(format!("{}: 无法加入搜索索引（{e}）", page.path)))?;
    }
    let files = index
        .get_files()
        .await
        .map_err(|e| failure(format!("无法生成搜索索引（{e}）")))?;
    let mut out: Vec<OutFile> = files
        .into_iter()
        .filter(|f| !is_unused_ui(&crate::diag::display_path(&f.filename)))
        .map(|f| {
            let rel = crate::diag::display_path(&f.filename);
            OutFile::bytes(format!("{BUNDLE_DIR}/{rel}"), f.contents)
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Pagefind's ready-made search interfaces; the theme's search page has its own few lines
/// instead, so these are not shipped.
fn is_unused_ui(rel: &str) -> bool {
    [
        "pagefind-ui.",
        "pagefind-modular-ui.",
        "pagefind-component-ui.",
        "pagefind-highlight.",
    ]
    .iter()
    .any(|p| rel.starts_with(p))
}

fn failure(msg: String) -> Diagnostic {
    Diagnostic::error(BUNDLE_DIR, format!("搜索索引: {msg}"))
}
