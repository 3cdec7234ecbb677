//! QR codes of page addresses: the few rectangles that cover the dark modules, which the Typst
//! templates draw (print and screens) and the site writes as a small SVG (a file beside each
//! page, or inline where the `qr` shortcode puts one).

use serde::Serialize;

/// A QR code as templates take it: `modules` across (the quiet zone not included) and the dark
/// modules as `[x, y, width, height]` rectangles in module units, disjoint, covering every dark
/// module exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrRects {
    pub modules: usize,
    pub rects: Vec<[usize; 4]>,
}

/// The QR code of `url` at error correction level M.
pub fn encode(url: &str) -> QrRects {
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M)
        .expect("a page URL fits a QR code");
    let n = code.width();
    let dark: Vec<bool> = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    QrRects {
        modules: n,
        rects: rects(&dark, n),
    }
}

/// An SVG of the QR code of `url`, for the site: one path of the rectangles, a four-module quiet
/// zone, crisp edges.
pub fn svg(url: &str) -> String {
    draw(url, "")
}

/// The SVG of `svg` to place inside a page, named for screen readers by `label`.
pub fn svg_labelled(url: &str, label: &str) -> String {
    let label = crate::templates::escape_html(label);
    draw(url, &format!(" role=\"img\" aria-label=\"{label}\""))
}

fn draw(url: &str, attributes: &str) -> String {
    let q = encode(url);
    let size = q.modules + 8;
    let path: String = q
        .rects
        .iter()
        .map(|[x, y, w, h]| format!("M{} {}h{w}v{h}h-{w}z", x + 4, y + 4))
        .collect();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\"{attributes}>\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\"/></svg>\n"
    )
}

/// Horizontal runs of dark modules, each merged with the identical run of the rows below.
fn rects(dark: &[bool], n: usize) -> Vec<[usize; 4]> {
    let mut done: Vec<[usize; 4]> = Vec::new();
    // Rectangles still growing downwards, keyed by their (x, width) run.
    let mut open: Vec<[usize; 4]> = Vec::new();
    for y in 0..n {
        let row = &dark[y * n..(y + 1) * n];
        let mut next_open = Vec::new();
        let mut x = 0;
        while x < n {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < n && row[x] {
                x += 1;
            }
            let width = x - start;
            match open.iter().position(|r| r[0] == start && r[2] == width) {
                Some(i) => {
                    let mut r = open.swap_remove(i);
                    r[3] += 1;
                    next_open.push(r);
                }
                None => next_open.push([start, y, width, 1]),
            }
        }
        done.append(&mut open);
        open = next_open;
    }
    done.append(&mut open);
    done.sort_unstable_by_key(|r| (r[1], r[0]));
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coverage(q: &QrRects) -> Vec<u8> {
        let mut grid = vec![0u8; q.modules * q.modules];
        for &[x, y, w, h] in &q.rects {
            for yy in y..y + h {
                for xx in x..x + w {
                    grid[yy * q.modules + xx] += 1;
                }
            }
        }
        grid
    }

    #[test]
    fn rectangles_cover_each_dark_module_exactly_once() {
        let url = "https://example.gov.cn/fanzha/scams/shuadan/";
        let q = encode(url);
        let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M).unwrap();
        let want: Vec<u8> = code
            .to_colors()
            .into_iter()
            .map(|c| u8::from(c == qrcode::Color::Dark))
            .collect();
        assert_eq!(q.modules, code.width());
        assert_eq!(coverage(&q), want);
        let dark = want.iter().filter(|&&d| d == 1).count();
        assert!(
            q.rects.len() * 2 < dark,
            "runs merge: {} rects",
            q.rects.len()
        );
    }

    #[test]
    fn svg_draws_each_rectangle_inside_a_quiet_zone() {
        let url = "https://example.org/scams/shuadan/";
        let (q, svg) = (encode(url), svg(url));
        let size = q.modules + 8;
        assert!(svg.contains(&format!("viewBox=\"0 0 {size} {size}\"")));
        let [x, y, w, h] = q.rects[0];
        assert!(svg.contains(&format!("M{} {}h{w}v{h}h-{w}z", x + 4, y + 4)));
        assert_eq!(svg.matches('M').count(), q.rects.len());
    }

    #[test]
    fn identical_runs_in_consecutive_rows_merge() {
        #[rustfmt::skip]
        let dark = [
            true,  true,  false,
            true,  true,  false,
            false, true,  true,
        ];
        assert_eq!(rects(&dark, 3), vec![[0, 0, 2, 2], [1, 2, 2, 1]]);
    }
}
