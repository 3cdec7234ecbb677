//! The QR code of a page as a small SVG, for people who see the page on someone else's screen or
//! on a printed handout and want it on their own phone.

/// An SVG of the QR code of `url`: one path, dark runs merged, four modules of quiet zone.
pub fn svg(url: &str) -> String {
    let rows = crate::print::qr_rows(url);
    let size = rows.len() + 8;
    let mut path = String::new();
    for (y, row) in rows.iter().enumerate() {
        let bytes = row.as_bytes();
        let mut x = 0;
        while x < bytes.len() {
            if bytes[x] != b'1' {
                x += 1;
                continue;
            }
            let start = x;
            while x < bytes.len() && bytes[x] == b'1' {
                x += 1;
            }
            path.push_str(&format!(
                "M{} {}h{}v1H{}z",
                start + 4,
                y + 4,
                x - start,
                start + 4
            ));
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\"/></svg>\n"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn svg_covers_the_code_with_a_quiet_zone() {
        let s = super::svg("https://example.org/scams/shuadan/");
        let rows = crate::print::qr_rows("https://example.org/scams/shuadan/");
        let size = rows.len() + 8;
        assert!(s.contains(&format!("viewBox=\"0 0 {size} {size}\"")));
        let runs = s.matches('M').count();
        let dark_runs: usize = rows
            .iter()
            .map(|r| r.split('0').filter(|p| !p.is_empty()).count())
            .sum();
        assert_eq!(runs, dark_runs, "one path command per run of dark modules");
    }
}
