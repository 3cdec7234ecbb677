//! Finds the phone numbers and short codes written in Chinese campaign text.
//!
//! Numbers are everywhere in a case study (dates, years, amounts, ages, counts), so a digit run
//! counts as a phone number only when its shape or its words say so:
//! - it is never one when a unit follows (元, 万, 年, 月, 日, 岁, 人, 次, %, …), when it is part
//!   of a date, a decimal, a time, a URL or a word with Latin letters, when 第 or a currency sign
//!   comes before it, or when it is longer than any Chinese phone number (ID and bank card
//!   numbers);
//! - a phone word just before it (拨打, 电话, 热线, 短信, 发送到, …) or just after it (热线,
//!   专线, …) makes any 3–12 digit run a phone number, unless a nearer word says it is something
//!   else (验证码, 卡号, 身份证, 尾号, …);
//! - without such words only unmistakable shapes count: 110-style three-digit emergency numbers,
//!   95xxx/96xxx service numbers, 12xxx government hotlines, mobile numbers (1[3-9] + 9 digits),
//!   landlines with an area code (010-12345678) and 400/800 numbers.

/// A phone number found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Digits only, separators removed.
    pub digits: String,
    /// Byte offset of the first digit in the text.
    pub offset: usize,
    /// The number as written.
    pub written: String,
}

/// Words that, shortly before a number, say it is a phone number or short code.
const PHONE_BEFORE: &[&str] = &[
    "拨打",
    "致电",
    "电话",
    "热线",
    "专线",
    "号码",
    "短信",
    "发送到",
    "发送至",
    "转发到",
    "转发至",
    "回拨",
    "来电",
    "呼叫",
    "打",
    "报警",
    "举报",
    "咨询",
    "联系",
    "客服",
];
/// Words that, right after a number, say it is one.
const PHONE_AFTER: &[&str] = &[
    "热线", "专线", "电话", "短信", "报警", "举报", "反诈", "预警", "发来",
];
/// Words that, nearer than any phone word, say the number is something else.
const NOT_PHONE_BEFORE: &[&str] = &[
    "验证码",
    "密码",
    "卡号",
    "身份证",
    "账号",
    "帐号",
    "编号",
    "订单",
    "工号",
    "尾号",
    "学号",
    "房间",
    "QQ",
    "微信号",
    "群号",
    "邮编",
    "车牌",
    "金额",
    "转账",
    "充值",
    "价格",
    "共计",
];
/// Characters that, right after a number, make it a quantity, a date or an ordinal.
const UNITS: &str = "元万亿千百块角分年月日号岁人位名个次天周小时秒点倍条笔张部家户起件余多米斤克页期届后级班层楼室路折股台篇份箱袋瓶只辆本套单项款种遍轮栋所座间%％℃";
/// Words after a number that make it a quantity ("10000以上").
const QUANTITY_AFTER: &[&str] = &["以上", "以下", "以内", "左右", "上下", "出头", "来"];

const WINDOW_CHARS: usize = 8;

/// Every phone number or short code in `text`, in order.
pub fn find(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let Some(start) = next_digit(text, i) else {
            break;
        };
        let (end, digits) = digit_run(text, start);
        i = end;
        if is_phone(text, start, end, &digits) {
            out.push(Found {
                digits,
                offset: start,
                written: text[start..end].to_string(),
            });
        }
    }
    out
}

fn digit_value(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

fn next_digit(text: &str, from: usize) -> Option<usize> {
    text[from..]
        .char_indices()
        .find(|(_, c)| digit_value(*c).is_some())
        .map(|(k, _)| from + k)
}

/// The end of the digit run at `start` (single `-` or spaces between digit groups, as in
/// 400-123-4567 or 138 0013 8000, belong to it) and its digits.
fn digit_run(text: &str, start: usize) -> (usize, String) {
    let mut digits = String::new();
    let mut end = start;
    let mut chars = text[start..].char_indices().peekable();
    while let Some((k, c)) = chars.next() {
        if let Some(d) = digit_value(c) {
            digits.push(d);
            end = start + k + c.len_utf8();
            continue;
        }
        let joins = matches!(c, '-' | ' ' | '－' | '—')
            && chars.peek().is_some_and(|(_, n)| digit_value(*n).is_some());
        if !joins {
            break;
        }
    }
    (end, digits)
}

fn is_phone(text: &str, start: usize, end: usize, digits: &str) -> bool {
    let before = &text[..start];
    let after = &text[end..];
    let prev = before.chars().next_back();
    let next = after.chars().next();
    let grouped = digits.len() != text[start..end].chars().count();
    if !(3..=12).contains(&digits.len()) {
        return false;
    }
    // Part of a word, URL, decimal, time or date written with ASCII punctuation.
    // (A colon before a number is how Chinese text introduces it: 电话：110.)
    let glued = |c: Option<char>| {
        c.is_some_and(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    '.' | '/' | '_' | '@' | '=' | '#' | '&' | '?' | '*' | '×' | '．'
                )
        })
    };
    if glued(prev) || glued(next) || next.is_some_and(|c| matches!(c, ':' | '：')) {
        return false;
    }
    if prev.is_some_and(|c| matches!(c, '第' | '¥' | '￥' | '$' | '约' | '近' | '超' | '逾'))
        || next.is_some_and(|c| UNITS.contains(c))
        || QUANTITY_AFTER.iter().any(|w| after.starts_with(w))
    {
        return false;
    }
    if grouped && looks_like_date(&text[start..end]) {
        return false;
    }
    match context(before, after) {
        Some(phone) => phone,
        None => shape_alone(digits, grouped),
    }
}

/// `Some(true)` when a phone word is near, `Some(false)` when a nearer word says otherwise.
fn context(before: &str, after: &str) -> Option<bool> {
    if PHONE_AFTER.iter().any(|w| after.starts_with(w)) {
        return Some(true);
    }
    let window: String = {
        let tail: Vec<char> = before.chars().rev().take(WINDOW_CHARS).collect();
        tail.into_iter().rev().collect()
    };
    let last = |words: &[&str]| words.iter().filter_map(|w| window.rfind(w)).max();
    match (last(PHONE_BEFORE), last(NOT_PHONE_BEFORE)) {
        (Some(p), Some(n)) => Some(p > n),
        (Some(_), None) => Some(true),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    }
}

/// The digits to dial of a number written alone, as in a table's phone cell: a mobile number,
/// a landline with its area code (`0731-12345678`, `(0731)12345678`), a 400/800 number or a
/// short number (110, 96110, 12345); `+86` may come first. `None` when it is none of these.
pub fn dialable(written: &str) -> Option<String> {
    let w = written.trim();
    let w = w
        .strip_prefix("+86")
        .or_else(|| w.strip_prefix("＋86"))
        .or_else(|| w.strip_prefix("0086"))
        .unwrap_or(w);
    let mut digits = String::new();
    for c in w.chars() {
        match digit_value(c) {
            Some(d) => digits.push(d),
            None if matches!(c, '-' | ' ' | '－' | '—' | '(' | ')' | '（' | '）') => {}
            None => return None,
        }
    }
    shape_alone(&digits, true).then_some(digits)
}

/// Shapes that are phone numbers wherever they stand.
fn shape_alone(d: &str, grouped: bool) -> bool {
    let b = d.as_bytes();
    match d.len() {
        3 => b[0] == b'1' && matches!(b[1], b'1' | b'2'),
        5 => {
            d.starts_with("95")
                || d.starts_with("96")
                || d.starts_with("123")
                || d.starts_with("100")
        }
        11 => b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) || grouped && b[0] == b'0',
        10 => grouped && (d.starts_with("400") || d.starts_with("800")),
        12 => grouped && b[0] == b'0',
        _ => false,
    }
}

/// 2025-06-27 and the like: year, month and day groups.
fn looks_like_date(written: &str) -> bool {
    let parts: Vec<&str> = written.split(['-', '－', '—', ' ']).collect();
    if parts.len() != 3 {
        return false;
    }
    let n = |s: &str| s.parse::<u32>().ok();
    matches!(
        (parts[0].len(), n(parts[1]), n(parts[2])),
        (4, Some(1..=12), Some(1..=31))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<String> {
        find(text).into_iter().map(|f| f.digits).collect()
    }

    #[test]
    fn finds_hotlines_and_short_codes() {
        assert_eq!(numbers("被骗后请立即拨打110报警"), ["110"]);
        assert_eq!(
            numbers("拨打96110咨询，或把短信转发到12321。"),
            ["96110", "12321"]
        );
        assert_eq!(numbers("收到12381发来的预警短信"), ["12381"]);
        assert_eq!(numbers("96101是反诈专线"), ["96101"]);
        assert_eq!(numbers("请拨打 96101。"), ["96101"]);
        assert_eq!(numbers("（96110）"), ["96110"]);
        assert_eq!(numbers("电话：0731-12345678"), ["073112345678"]);
        assert_eq!(numbers("陌生号码13800138000打来"), ["13800138000"]);
        assert_eq!(numbers("客服400-123-4567"), ["4001234567"]);
        assert_eq!(numbers("全角的９６１１０也算"), ["96110"]);
    }

    #[test]
    fn leaves_dates_amounts_and_ids_alone() {
        for text in [
            "2025年6月27日，张先生被骗38000元。",
            "2025-06-27",
            "第一次充值200元，很快到账260元，一笔1800元，一笔6000元",
            "《反电信网络诈骗法》自2022年12月1日起施行",
            "7位家长被骗3360元",
            "十三岁的初中生愿意出1500元购买",
            "身份证号110101199003071234",
            "银行卡6222021234567890123",
            "短信验证码123456千万不要告诉别人",
            "陌生号码138****8000打来",
            "尾号1234的银行卡",
            "登录 www.12321.cn 举报",
            "收益率高达300%",
            "晚上8:30，一个陌生人",
            "会议定在10:30:00",
            "损失1.5万元",
            "收益在10000以上",
            "共有120人参加",
            "三年级2班",
            "下午3点",
            "第110期",
        ] {
            assert_eq!(numbers(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn dialable_numbers_from_table_cells() {
        assert_eq!(dialable("13800138000").as_deref(), Some("13800138000"));
        assert_eq!(dialable("138 0013 8000").as_deref(), Some("13800138000"));
        assert_eq!(
            dialable("+86 138-0013-8000").as_deref(),
            Some("13800138000")
        );
        assert_eq!(dialable("0731-12345678").as_deref(), Some("073112345678"));
        assert_eq!(dialable("（0731）1234567").as_deref(), Some("07311234567"));
        assert_eq!(dialable("010-12345678").as_deref(), Some("01012345678"));
        assert_eq!(dialable("400-123-4567").as_deref(), Some("4001234567"));
        assert_eq!(dialable("110").as_deref(), Some("110"));
        assert_eq!(dialable("96110").as_deref(), Some("96110"));
        for bad in [
            "1380013800",
            "12345678",
            "731123456789",
            "23800138000",
            "138001380001",
            "电话13800138000",
            "",
        ] {
            assert_eq!(dialable(bad), None, "{bad}");
        }
    }

    #[test]
    fn reports_where_the_number_is() {
        let text = "先看日期2025年，再拨打96110";
        let f = &find(text)[0];
        assert_eq!(&text[f.offset..f.offset + f.written.len()], "96110");
    }
}
