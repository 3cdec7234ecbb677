//! Chinese formatting every renderer shares: money lost as people say it, file sizes,
//! headlines cut where a line may break, and numbers as they are read aloud (phone numbers digit
//! by digit with 幺 for 1, amounts and counts in words).

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

/// Digits as a phone number is read aloud: 1 is 幺 (so it is not heard as 七), 0 is 零;
/// `110` → 幺幺零, `96110` → 九六幺幺零. Anything but a digit (the `-` of `010-12321`) is left out.
pub fn digits_spoken(number: &str) -> String {
    const SAID: [char; 10] = ['零', '幺', '二', '三', '四', '五', '六', '七', '八', '九'];
    number
        .chars()
        .filter_map(|c| c.to_digit(10).map(|d| SAID[d as usize]))
        .collect()
}

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// A number below 10,000 in words (`0` → 零, `1005` → 一千零五, `15` → 十五 at the start).
fn below_wan(n: u64, leading: bool) -> String {
    let places = [(1000, '千'), (100, '百'), (10, '十'), (1, ' ')];
    let mut out = String::new();
    let mut zero_pending = false;
    for (unit, name) in places {
        let d = (n / unit % 10) as usize;
        if d == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if zero_pending {
            out.push('零');
            zero_pending = false;
        }
        // 十五, not 一十五, when the number starts with its tens.
        if !(unit == 10 && d == 1 && out.is_empty() && leading) {
            out.push(DIGITS[d]);
        }
        if unit > 1 {
            out.push(name);
        }
    }
    if out.is_empty() { "零".into() } else { out }
}

/// A whole number in words, as amounts and counts are read: `38000` → 三万八千, `1500000` →
/// 一百五十万, `2003` → 二千零三, `10` → 十.
pub fn number_words(n: u64) -> String {
    if n == 0 {
        return "零".into();
    }
    let groups = [(100_000_000u64, "亿"), (10_000, "万"), (1, "")];
    let mut out = String::new();
    let mut rest = n;
    for (unit, name) in groups {
        let part = rest / unit;
        rest %= unit;
        if part == 0 {
            continue;
        }
        // A gap inside the number is read as one 零: 一万零五百.
        if !out.is_empty() && part < 1000 {
            out.push('零');
        }
        out.push_str(&below_wan(part, out.is_empty()));
        out.push_str(name);
    }
    out
}

/// Characters after a number that make it an amount or a count (read in words), not a code.
const UNITS: &str = "元万亿千百岁人个名次天条笔年月日号时分秒%％倍成户家张份页件位期届";

/// Text as it is read aloud over a loudspeaker: each phone number in `phones` (and any run of
/// digits with a `-`, a leading 0, or five or more digits not followed by a unit) digit by digit
/// (`110` → 幺幺零), a four-digit year before 年 digit by digit (`2026年` → 二零二六年),
/// decimals with 点, `50%` as 百分之五十, and every other number in words (`38000元` →
/// 三万八千元). No Arabic digit is left.
pub fn spoken(text: &str, phones: &[String]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], '-' | '.')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            i += 1;
        }
        let run: String = chars[start..i].iter().collect();
        let next = chars.get(i).copied();
        out.push_str(&spoken_number(&run, next, phones));
        if matches!(next, Some('%' | '％')) {
            i += 1;
        }
    }
    out
}

/// One run of digits (with `-` or `.`) read aloud; `next` is the character after it.
fn spoken_number(run: &str, next: Option<char>, phones: &[String]) -> String {
    let is_phone = phones.iter().any(|p| p == run);
    let unit_follows = next.is_some_and(|c| UNITS.contains(c));
    let digits = run.chars().filter(char::is_ascii_digit).count();
    if next == Some('年') && digits == 4 {
        let said = digits_spoken(run);
        return said.replace('幺', "一");
    }
    if is_phone || run.contains('-') || (run.starts_with('0') && digits > 1) {
        return digits_spoken(run);
    }
    if digits >= 5 && !unit_follows {
        return digits_spoken(run);
    }
    let words = match run.split_once('.') {
        Some((whole, frac)) => {
            let whole = number_words(whole.parse().unwrap_or(0));
            let frac: String = frac
                .chars()
                .filter_map(|c| c.to_digit(10).map(|d| DIGITS[d as usize]))
                .collect();
            format!("{whole}点{frac}")
        }
        None => number_words(run.parse().unwrap_or(0)),
    };
    if matches!(next, Some('%' | '％')) {
        format!("百分之{words}")
    } else {
        words
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
    fn numbers_are_read_as_they_are_said() {
        assert_eq!(digits_spoken("110"), "幺幺零");
        assert_eq!(digits_spoken("96110"), "九六幺幺零");
        assert_eq!(digits_spoken("010-12321"), "零幺零幺二三二幺");
        assert_eq!(number_words(38000), "三万八千");
        assert_eq!(number_words(1_500_000), "一百五十万");
        assert_eq!(number_words(10), "十");
        assert_eq!(number_words(15), "十五");
        assert_eq!(number_words(105), "一百零五");
        assert_eq!(number_words(2003), "二千零三");
        assert_eq!(number_words(10_500), "一万零五百");
        assert_eq!(number_words(120_000_000), "一亿二千万");
        let phones = ["110".to_string(), "96110".to_string()];
        assert_eq!(
            spoken("被骗了请拨打110，接到96110来电要接听。", &phones),
            "被骗了请拨打幺幺零，接到九六幺幺零来电要接听。"
        );
        assert_eq!(
            spoken(
                "被骗38000元，2026年，3.8万元，50%的人，收到12381短信",
                &phones
            ),
            "被骗三万八千元，二零二六年，三点八万元，百分之五十的人，收到幺二三八幺短信"
        );
        assert!(!spoken("拨打010-12321", &phones).contains(|c: char| c.is_ascii_digit()));
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
