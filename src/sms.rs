//! The SMS renderer: one anti-fraud text for every scam type, every guide and every campaign
//! slogan that is not a scam type's rule, each at most one segment (70 characters, 【签名】
//! included) and without links, as the CSV lists bulk-sending platforms import (UTF-8 with a
//! byte-order mark, and a GB18030 copy). It reads the model and returns files.

use crate::artifact::{ChannelFile, ChannelFileKind, SmsRecord, paths};
use crate::config::Config;
use crate::content::{KindData, Model};
use crate::diag::{Diagnostic, display_path};
use crate::output::OutFile;

/// Characters in one SMS segment of Chinese text (UCS-2), signature included.
pub const MAX_CHARS: usize = 70;
const DEFAULT_TEMPLATE: &str = "{text}{call}";

/// The SMS kit: its two CSV files and the records of its texts.
pub struct SmsKit {
    pub files: Vec<OutFile>,
    pub records: Vec<SmsRecord>,
    pub lists: Vec<ChannelFile>,
}

/// The words of one text before the template and the signature.
struct Source {
    id: String,
    text: String,
    action: String,
    file: String,
    field: String,
    line: Option<usize>,
}

fn sources(model: &Model) -> Vec<Source> {
    let mut out = Vec::new();
    for p in &model.pages {
        let line = |f: &str| p.field_line(f);
        let (id, text, action, field) = match &p.kind {
            KindData::Scam { fields, .. } => (
                format!("scam-{}", p.slug),
                fields.rule.clone(),
                fields.actions.first().cloned().unwrap_or_default(),
                "rule",
            ),
            KindData::Guide { fields, .. } => (
                format!("guide-{}", p.slug),
                fields.summary.clone(),
                String::new(),
                "summary",
            ),
            _ => continue,
        };
        let (text, field) = match &p.front.sms {
            Some(own) => (own.clone(), "sms"),
            None => (text, field),
        };
        out.push(Source {
            id,
            text,
            action,
            file: display_path(&p.source),
            field: field.into(),
            line: line(field),
        });
    }
    let slogans_file = display_path(&model.slogans_source());
    for (i, s) in model.slogans().enumerate() {
        // A scam type's rule has its text already, from the scam's page.
        if s.scam.is_some() {
            continue;
        }
        out.push(Source {
            id: format!("slogan-{:02}", i + 1),
            text: s.text.clone(),
            action: String::new(),
            file: slogans_file.clone(),
            field: format!("slogans[{i}].text"),
            line: None,
        });
    }
    out
}

/// 如遇诈骗请拨打110 — the numbers that stand under 报警 — and those numbers; a text whose own
/// words name one already goes without it.
fn call_text(config: &Config) -> (String, Vec<String>) {
    let numbers: Vec<String> = crate::channels::hotlines(config)
        .emergency
        .into_iter()
        .map(|c| c.contact)
        .collect();
    if numbers.is_empty() {
        (String::new(), numbers)
    } else {
        (format!("如遇诈骗请拨打{}。", numbers.join("或")), numbers)
    }
}

/// Whether `text` has `number` on its own, not inside a longer one (110 is not in 96110).
fn names_number(text: &str, number: &str) -> bool {
    text.match_indices(number).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + number.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// The signature with its brackets: 【示例县反诈中心】.
pub fn signature(config: &Config) -> String {
    let name = config
        .sms
        .signature
        .clone()
        .unwrap_or_else(|| crate::channels::issuer(config).short_name);
    format!("【{name}】")
}

/// Whether `text` holds a web address other than the campaign's own domain.
fn foreign_link(text: &str, own: Option<&str>) -> Option<String> {
    static LINK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)(https?://[^\s，。]+|www\.[a-z0-9.-]+|[a-z0-9-]+(\.[a-z0-9-]+)*\.(cn|com|net|org|top|xyz|vip|cc|me|info)\b[^\s，。]*)",
        )
        .expect("a valid pattern")
    });
    LINK.find_iter(text)
        .map(|m| m.as_str().to_string())
        .find(|link| own.is_none_or(|d| !link.to_lowercase().contains(&d.to_lowercase())))
}

/// Every text, or an error for each over the limit or with a link.
pub fn texts(model: &Model) -> Result<Vec<SmsRecord>, Vec<Diagnostic>> {
    let config = &model.config;
    let template = config.sms.template.as_deref().unwrap_or(DEFAULT_TEMPLATE);
    let sign = signature(config);
    let (call, emergency) = call_text(config);
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for s in sources(model) {
        let says_it = emergency.iter().any(|n| names_number(&s.text, n));
        let body = template
            .replace("{text}", ensure_stop(&s.text).as_str())
            .replace("{action}", &ensure_stop(&s.action))
            .replace("{call}", if says_it { "" } else { &call });
        let text = format!("{sign}{body}");
        let length = text.chars().count();
        let located = |msg: String| {
            let d = Diagnostic::error(&s.file, msg).field(s.field.clone());
            match s.line {
                Some(l) => d.at_line(l),
                None => d,
            }
        };
        if length > MAX_CHARS {
            errors.push(located(format!(
                "短信「{}」有 {length} 个字（含签名{sign}），超过一条短信的 {MAX_CHARS} 个字；请精简 {}，或在 config.toml 的 [sms] template 里少用几部分",
                s.id, s.field
            )));
            continue;
        }
        if let Some(link) = foreign_link(&text, config.sms.domain.as_deref()) {
            errors.push(located(format!(
                "短信「{}」含有网址 {link}：诈骗短信常带链接，反诈短信不应带；只能写 config.toml 里 [sms] domain 配置的本活动网址",
                s.id
            )));
            continue;
        }
        records.push(SmsRecord {
            id: s.id,
            text,
            length,
            source: s.file,
            field: s.field,
        });
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

/// Text that ends a sentence: a rule or summary without its final mark gets 。.
fn ensure_stop(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() || t.ends_with(['。', '！', '？', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}。")
    }
}

/// The CSV (id, text, length) as bulk-sending platforms take it, with CRLF line ends.
fn csv(records: &[SmsRecord]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(["id", "text", "length"]).expect("in memory");
    for r in records {
        w.write_record([r.id.as_str(), r.text.as_str(), &r.length.to_string()])
            .expect("in memory");
    }
    String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8 fields")
}

/// The texts and their two CSV files.
pub fn render(model: &Model) -> Result<SmsKit, Vec<Diagnostic>> {
    let records = texts(model)?;
    let text = csv(&records);
    let mut utf8 = "\u{feff}".as_bytes().to_vec();
    utf8.extend_from_slice(text.as_bytes());
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    let gb = gb.into_owned();
    let lists = vec![
        ChannelFile {
            file: paths::SMS_CSV.into(),
            kind: ChannelFileKind::SmsCsv,
            title: "短信清单（Excel、WPS 直接打开）".into(),
            bytes: utf8.len(),
        },
        ChannelFile {
            file: paths::SMS_CSV_GB18030.into(),
            kind: ChannelFileKind::SmsCsvGb18030,
            title: "短信清单（GB18030 编码）".into(),
            bytes: gb.len(),
        },
    ];
    Ok(SmsKit {
        files: vec![
            OutFile::bytes(paths::SMS_CSV, utf8),
            OutFile::bytes(paths::SMS_CSV_GB18030, gb),
        ],
        records,
        lists,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_unless_they_are_the_campaign_own() {
        assert!(foreign_link("点击 http://a.b/c 领取", None).is_some());
        assert!(foreign_link("登录 www.x-bank.com 解冻", None).is_some());
        assert!(foreign_link("访问 fanzha.example.gov.cn 查看", None).is_some());
        assert!(foreign_link("访问 fanzha.example.gov.cn 查看", Some("example.gov.cn")).is_none());
        assert!(foreign_link("凡是要你先垫钱刷单的，就是诈骗！", None).is_none());
    }

    #[test]
    fn a_number_is_named_only_on_its_own() {
        assert!(names_number("马上拨打110，同时", "110"));
        assert!(!names_number("接到96110来电", "110"));
        assert!(!names_number("1100元", "110"));
    }

    #[test]
    fn the_default_campaign_texts_fit_and_say_110_once() {
        let (model, _) = crate::channels::testing::default_campaign();
        let texts = texts(&model).unwrap();
        assert!(texts.len() > 30);
        for t in &texts {
            assert!(t.length <= MAX_CHARS && t.text.starts_with("【"), "{t:?}");
            assert!(
                t.text.matches("110").count() - t.text.matches("96110").count() <= 1,
                "{t:?}"
            );
        }
    }

    #[test]
    fn texts_end_sentences() {
        assert_eq!(ensure_stop("刷单就是诈骗"), "刷单就是诈骗。");
        assert_eq!(ensure_stop("就是诈骗！"), "就是诈骗！");
    }
}
