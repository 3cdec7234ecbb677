//! Tappable phone numbers: every configured hotline number written in a page's text becomes a
//! `tel:` link, so a parent reading 「拨打110报警」 can call with one tap.

/// Wraps each of `numbers` found in the text of `html` in `<a href="tel:…">`, leaving tags,
/// existing links and numbers that are part of longer digit runs (e.g. `96110` when looking for
/// `110`, or `2110` in a sum of money) alone. Longer numbers are tried first.
pub fn link_phones(html: &str, numbers: &[String]) -> String {
    let mut numbers: Vec<&str> = numbers
        .iter()
        .map(String::as_str)
        .filter(|n| !n.is_empty())
        .collect();
    numbers.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut out = String::with_capacity(html.len() + 64);
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut in_link = 0usize;
    while i < html.len() {
        if bytes[i] == b'<' {
            let end = html[i..].find('>').map_or(html.len(), |e| i + e + 1);
            let tag = &html[i..end];
            let lower = tag.to_ascii_lowercase();
            if lower.starts_with("<a ") || lower == "<a>" {
                in_link += 1;
            } else if lower.starts_with("</a") {
                in_link = in_link.saturating_sub(1);
            }
            out.push_str(tag);
            i = end;
            continue;
        }
        if in_link == 0 && bytes[i].is_ascii_digit() && (i == 0 || !is_numberish(bytes[i - 1])) {
            let rest = &html[i..];
            let hit = numbers.iter().find(|n| {
                rest.starts_with(**n)
                    && !rest
                        .as_bytes()
                        .get(n.len())
                        .is_some_and(|b| is_numberish(*b))
            });
            if let Some(n) = hit {
                let digits: String = n.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
                out.push_str(&format!("<a href=\"tel:{digits}\">{n}</a>"));
                i += n.len();
                continue;
            }
        }
        let ch = html[i..].chars().next().expect("inside the string");
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// Bytes that continue a number: digits, and the `-` or `.` inside `0000-1234567` or `2.5`.
fn is_numberish(b: u8) -> bool {
    b.is_ascii_digit() || b == b'-' || b == b'.'
}

#[cfg(test)]
mod tests {
    use super::link_phones;

    fn nums() -> Vec<String> {
        ["110", "96110", "0571-12345678"].map(String::from).to_vec()
    }

    #[test]
    fn numbers_in_text_become_links() {
        assert_eq!(
            link_phones("<p>马上拨打110报警，或96110。</p>", &nums()),
            "<p>马上拨打<a href=\"tel:110\">110</a>报警，或<a href=\"tel:96110\">96110</a>。</p>"
        );
        assert_eq!(
            link_phones("电话 0571-12345678", &nums()),
            "电话 <a href=\"tel:057112345678\">0571-12345678</a>"
        );
    }

    #[test]
    fn longer_numbers_links_and_attributes_are_left_alone() {
        for s in [
            "损失2110元",
            "1100元",
            "<a href=\"tel:110\">110</a>",
            "<a href=\"x\">打110</a>",
            "<img alt=\"110\" src=\"a.png\">",
            "1.110",
        ] {
            assert_eq!(link_phones(s, &nums()), s, "{s}");
        }
    }
}
