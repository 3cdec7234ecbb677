//! Page pictures as the images renderer recorded them: each `<img>` of a page body whose `src`
//! names one — a Markdown image, raw HTML, a shortcode's figure — becomes a `<picture>` with its
//! WebP widths and its own format's widths (`srcset`, `sizes`), states its pixel size (`width`,
//! `height`: the text does not jump when it loads) and, after the first, loads when scrolled to.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;

use lol_html::html_content::{ContentType, Element};
use lol_html::{RewriteStrSettings, element, rewrite_str};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::artifact::{ImageRecord, ImageVariant};
use crate::content::{relative_url, site_path_of};

/// What must be escaped in a `srcset` address: its separators (space, comma) and what would end
/// or confuse the attribute.
const IN_SRCSET: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b',')
    .add(b'"')
    .add(b'\'')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'#')
    .add(b'?')
    .add(b'%');

/// The pictures of a build by site path, and the `sizes` of the theme's text column.
pub struct Pictures<'a> {
    by_path: HashMap<&'a str, &'a ImageRecord>,
    sizes: &'a str,
}

impl<'a> Pictures<'a> {
    pub fn new(records: &'a [ImageRecord], sizes: &'a str) -> Pictures<'a> {
        Pictures {
            by_path: records.iter().map(|r| (r.path.as_str(), r)).collect(),
            sizes,
        }
    }

    /// Whether the picture at site path `path` was made (its original is then not copied).
    pub fn contains(&self, path: &str) -> bool {
        self.by_path.contains_key(path)
    }

    /// The body `html` of the page at `page_path` with its pictures' `<img>` rewritten.
    pub fn rewrite<'h>(&self, html: &'h str, page_path: &str) -> Cow<'h, str> {
        if self.by_path.is_empty() || !html.contains("<img") {
            return Cow::Borrowed(html);
        }
        let seen = Cell::new(0usize);
        let settings =
            RewriteStrSettings::new().append_element_content_handler(element!("img[src]", |el| {
                seen.set(seen.get() + 1);
                let record = el
                    .get_attribute("src")
                    .and_then(|src| site_path_of(page_path, &src))
                    .and_then(|path| self.by_path.get(path.as_str()).copied());
                if let Some(record) = record
                    && !el.has_attribute("srcset")
                {
                    self.picture(el, record, page_path, seen.get() == 1);
                }
                Ok(())
            }));
        // lol_html fails only on memory limits a page never reaches.
        match rewrite_str(html, settings) {
            Ok(out) => Cow::Owned(out),
            Err(_) => Cow::Borrowed(html),
        }
    }

    fn picture(
        &self,
        el: &mut Element<'_, '_>,
        record: &ImageRecord,
        page_path: &str,
        first: bool,
    ) {
        // A page's own pictures by their names, others through the site's root.
        let url = |file: &str| {
            let rel = match file.strip_prefix(page_path) {
                Some(beside) if !page_path.is_empty() => beside.to_string(),
                _ => relative_url(page_path, file),
            };
            utf8_percent_encode(&rel, IN_SRCSET).to_string()
        };
        let srcset = |file: &dyn Fn(&ImageVariant) -> Option<&str>| {
            record
                .variants
                .iter()
                .filter_map(|v| Some(format!("{} {}w", url(file(v)?), v.width)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let largest = record.largest();
        let (width, height) = stated_size(el, largest);
        let sizes = match el
            .get_attribute("width")
            .and_then(|w| w.parse::<u32>().ok())
        {
            Some(w) => format!("{w}px"),
            None => self.sizes.to_string(),
        };
        let webp = srcset(&|v| v.webp.as_deref());
        if !webp.is_empty() {
            el.before(
                &format!(
                    "<picture><source type=\"image/webp\" srcset=\"{webp}\" sizes=\"{sizes}\">"
                ),
                ContentType::Html,
            );
            el.after("</picture>", ContentType::Html);
        }
        let set = |el: &mut Element<'_, '_>, name: &str, value: &str| {
            el.set_attribute(name, value)
                .expect("fixed attribute names are valid");
        };
        set(el, "src", &url(&largest.file));
        if record.variants.len() > 1 {
            set(el, "srcset", &srcset(&|v| Some(v.file.as_str())));
            set(el, "sizes", &sizes);
        }
        set(el, "width", &width.to_string());
        set(el, "height", &height.to_string());
        if !first && !el.has_attribute("loading") {
            set(el, "loading", "lazy");
        }
        if !el.has_attribute("decoding") {
            set(el, "decoding", "async");
        }
    }
}

/// The `width` and `height` an `<img>` states: the author's, completed in proportion, or the
/// largest variant's pixel size.
fn stated_size(el: &Element<'_, '_>, largest: &ImageVariant) -> (u32, u32) {
    let num = |name| {
        el.get_attribute(name)
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|&v| v > 0)
    };
    let (w, h) = (u64::from(largest.width), u64::from(largest.height));
    let scaled = |v: u32, num: u64, den: u64| ((u64::from(v) * num + den / 2) / den) as u32;
    match (num("width"), num("height")) {
        (Some(aw), Some(ah)) => (aw, ah),
        (Some(aw), None) => (aw, scaled(aw, h, w)),
        (None, Some(ah)) => (scaled(ah, w, h), ah),
        (None, None) => (largest.width, largest.height),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str, widths: &[(u32, u32)], webp: bool) -> ImageRecord {
        let last = widths.len() - 1;
        ImageRecord {
            path: path.into(),
            source: format!("content/{path}"),
            mime: "image/jpeg".into(),
            variants: widths
                .iter()
                .enumerate()
                .map(|(i, &(w, h))| ImageVariant {
                    width: w,
                    height: h,
                    file: if i == last {
                        path.into()
                    } else {
                        crate::artifact::paths::image_variant(path, w, "jpg")
                    },
                    webp: webp.then(|| crate::artifact::paths::image_variant(path, w, "webp")),
                })
                .collect(),
        }
    }

    #[test]
    fn an_img_becomes_a_picture_with_both_formats() {
        let records = [record(
            "cases/a/photo.jpg",
            &[(360, 270), (720, 540), (1080, 810)],
            true,
        )];
        let p = Pictures::new(&records, "100vw");
        let html = p.rewrite(
            "<p><img src=\"../../cases/a/photo.jpg\" alt=\"现场\" /></p>\
             <figure><img src=\"photo.jpg\" alt=\"第二张\"><figcaption>图</figcaption></figure>",
            "cases/a/",
        );
        let below = p.rewrite("<img src=\"a/photo.jpg\">", "cases/");
        assert!(
            below.contains("src=\"a/photo.jpg\" srcset=\"a/photo-360w.jpg 360w"),
            "{below}"
        );
        let elsewhere = p.rewrite("<img src=\"../cases/a/photo.jpg\">", "guides/");
        assert!(
            elsewhere.contains("src=\"../cases/a/photo.jpg\" srcset=\"../cases/a/photo-360w.jpg"),
            "{elsewhere}"
        );
        let first = "<p><picture><source type=\"image/webp\" srcset=\"photo-360w.webp 360w, \
                     photo-720w.webp 720w, photo-1080w.webp 1080w\" sizes=\"100vw\">\
                     <img src=\"photo.jpg\" alt=\"现场\" srcset=\"photo-360w.jpg 360w, \
                     photo-720w.jpg 720w, photo.jpg 1080w\" sizes=\"100vw\" width=\"1080\" \
                     height=\"810\" decoding=\"async\" /></picture></p>";
        assert!(html.starts_with(first), "{html}");
        assert!(
            html.contains("width=\"1080\" height=\"810\" loading=\"lazy\" decoding=\"async\">"),
            "the second loads lazily: {html}"
        );
        assert!(html.contains("</picture><figcaption>"), "{html}");
    }

    #[test]
    fn other_pictures_and_pages_without_any_are_left_alone() {
        let records = [record("a/x.png", &[(40, 30)], true)];
        let p = Pictures::new(&records, "100vw");
        let page = "<p><img src=\"logo.svg\" alt=\"\"> <img src=\"https://x.cn/a.jpg\"></p>";
        assert!(matches!(p.rewrite(page, "a/"), Cow::Owned(ref s) if s == page));
        assert!(matches!(p.rewrite("<p>字</p>", "a/"), Cow::Borrowed(_)));
        // The author's width: height in proportion, `sizes` from it, the only width as `src`.
        let html = p.rewrite("<img src=\"x.png\" width=\"20\">", "a/");
        assert!(html.contains("width=\"20\" height=\"15\""), "{html}");
        assert!(
            html.contains("srcset=\"x-40w.webp 40w\" sizes=\"20px\""),
            "{html}"
        );
        assert!(
            !html.contains("<img src=\"x.png\" width=\"20\" srcset"),
            "{html}"
        );
    }

    #[test]
    fn srcset_addresses_escape_spaces_and_commas() {
        let records = [record(
            "a/我的 照片,1.jpg",
            &[(360, 270), (500, 375)],
            false,
        )];
        let p = Pictures::new(&records, "100vw");
        let html = p.rewrite("<img src=\"%E6%88%91%E7%9A%84%20照片,1.jpg\">", "a/");
        let name = "%E6%88%91%E7%9A%84%20%E7%85%A7%E7%89%87%2C1";
        assert!(
            html.contains(&format!("srcset=\"{name}-360w.jpg 360w, {name}.jpg 500w\"")),
            "{html}"
        );
    }
}
