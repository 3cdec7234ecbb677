//! Chinese formatting every renderer shares: money lost as people say it, file sizes, and
//! headlines cut where a line may break.

/// Money lost, as a case reads it: `3000元`, `3.8万元`, or 及时止损 when nothing was lost.
pub fn loss_text(yuan: u64) -> String {
    if yuan == 0 {
        return "及时止损，未造成损失".into();
    }
    if yuan < 10_000 {
        return format!("{yuan}元");
    }
    let wan = format!("{:.2}", yuan as f64 / 10_000.0);
    let wan = wan.trim_end_matches('0').trim_end_matches('.');
    format!("{wan}万元")
}

/// File sizes as people read them: `36 KB`, `1.2 MB`.
pub fn bytes_text(n: usize) -> String {
    if n < 1024 * 1024 {
        format!("{} KB", n.div_ceil(1024))
    } else {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    }
}

/// Punctuation a line must not start with: it closes or ends what comes before it.
const CLOSING: &str = "，。、；：！？…—·」』）》〉】〕”’,.;:!?)]}%％";
/// Punctuation a line must not end with: it opens what comes after it.
const OPENING: &str = "「『（《〈【〔“‘([{";

/// A headline cut into the pieces a line may break between, for typeset headlines that wrap to
/// two lines (`fit-headline` in the theme's `typst/common.typ` measures them and breaks where the
/// two lines are most nearly equal). Chinese is cut into words by ICU4X's dictionary segmenter
/// (so 诈骗 never ends one line and starts the next), a run of Latin letters or digits (ETC,
/// 96110) stays whole, closing punctuation stays with the word before it and opening punctuation
/// with the word after, and a space stays at the end of its piece. A headline with no such place
/// is cut between its characters. Joined, the pieces are the headline.
pub fn headline_words(text: &str) -> Vec<String> {
    use unicode_segmentation::UnicodeSegmentation;
    if text.is_empty() {
        return Vec::new();
    }
    let segmenter = icu_segmenter::WordSegmenter::new_dictionary(Default::default());
    let mut ends: Vec<usize> = segmenter.segment_str(text).skip(1).collect();
    let by_character = ends.len() < 2;
    if by_character {
        ends = text
            .grapheme_indices(true)
            .skip(1)
            .map(|(i, _)| i)
            .collect();
        ends.push(text.len());
    }
    let mut pieces: Vec<String> = Vec::new();
    let mut start = 0;
    for end in ends {
        let seg = &text[start..end];
        start = end;
        let glue = pieces.last().is_some_and(|prev: &String| {
            let (last, first) = (prev.chars().last(), seg.chars().next());
            let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            first.is_some_and(|c| CLOSING.contains(c) || c.is_whitespace())
                || last.is_some_and(|c| OPENING.contains(c))
                || (!by_character && word(last) && word(first))
        });
        match pieces.last_mut() {
            Some(prev) if glue => prev.push_str(seg),
            _ => pieces.push(seg.to_string()),
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headlines_break_between_words_never_inside_one() {
        let words = |t: &str| {
            let w = headline_words(t);
            assert_eq!(w.concat(), t, "the words are the headline");
            w
        };
        let w = words("虚假招聘与境外高薪务工诈骗");
        assert!(w.contains(&"诈骗".to_string()), "{w:?}");
        assert!(w.contains(&"招聘".to_string()), "{w:?}");
        // Latin and digit runs stay whole; closing punctuation stays with the word before it,
        // opening punctuation with the word after.
        let w = words("冒充“国家反诈中心”以ETC认证为由诱导拨打96110，转账诈骗");
        for whole in ["ETC", "96110，", "“国家"] {
            assert!(w.iter().any(|x| x == whole), "{whole}: {w:?}");
        }
        assert!(
            w.iter().all(|x| !x.starts_with(|c| CLOSING.contains(c))
                && !x.ends_with(|c| OPENING.contains(c))),
            "{w:?}"
        );
        assert_eq!(
            words("冒充领导、熟人诈骗"),
            ["冒充", "领导、", "熟人", "诈骗"]
        );
        assert_eq!(words("Hello world 你好"), ["Hello ", "world ", "你好"]);
        // A headline of one word may break between any two characters.
        assert_eq!(words("ABC"), ["A", "B", "C"]);
        assert!(words("").is_empty());
    }

    #[test]
    fn money_reads_naturally() {
        assert_eq!(loss_text(0), "及时止损，未造成损失");
        assert_eq!(loss_text(3360), "3360元");
        assert_eq!(loss_text(26800), "2.68万元");
        assert_eq!(loss_text(385000), "38.5万元");
        assert_eq!(loss_text(480000), "48万元");
    }
}
