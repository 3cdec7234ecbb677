//! The broadcast renderer: scripts for village loudspeakers (村村通广播) and school radio, one for
//! the campaign and one for every scam type at each configured length (1 and 3 minutes by
//! default) — short sentences, one a line, numbers spelt as they are said (`zh::spoken`), the
//! hotline repeated at the end and the reading time at the configured pace in the header — as
//! UTF-8 and GB18030 text, and one A4 PDF of all scripts for the announcer (the theme's
//! `broadcast/scripts.typ`, through the build cache). It reads the model and returns files.

use serde::Serialize;

use crate::artifact::{ChannelFile, ChannelFileKind, ScriptRecord, paths};
use crate::channels::{IssuerView, hotlines};
use crate::config::Config;
use crate::content::{Kind, KindData, Model};
use crate::diag::{Diagnostic, display_path};
use crate::output::OutFile;
use crate::typeset::{self, CompileError, Engine};

const TEMPLATE: &str = "broadcast/scripts.typ";
const RULE: &str = "────────────────";

/// The broadcast kit: its files and records.
pub struct BroadcastKit {
    pub files: Vec<OutFile>,
    pub records: Vec<ScriptRecord>,
    /// The announcer's PDF and the zip of every text file.
    pub lists: Vec<ChannelFile>,
}

/// One sentence of a script, with its place in reading order and whether it may be left out
/// of a short version (lower `priority` is kept first).
struct Sentence {
    order: usize,
    paragraph: usize,
    priority: usize,
    text: String,
}

/// What a script is made from, before it is cut to a length.
struct Draft {
    id: String,
    title: String,
    source: String,
    sentences: Vec<Sentence>,
}

/// One script at one length, as the PDF template reads it.
#[derive(Serialize, Clone)]
struct Script {
    title: String,
    /// 1分钟版.
    version: String,
    /// 播读时长：约1分钟（…）.
    reading: String,
    paragraphs: Vec<Vec<String>>,
}

#[derive(Serialize)]
struct PdfInputs<'a> {
    fonts: &'a [String],
    title: &'a str,
    issuer: IssuerView,
    scripts: &'a [Script],
}

/// Collects sentences in reading order; `must` ones stay in every version.
struct Builder {
    sentences: Vec<Sentence>,
    paragraph: usize,
    phones: Vec<String>,
}

impl Builder {
    fn new(config: &Config) -> Builder {
        let mut phones: Vec<String> = hotlines(config)
            .all
            .into_iter()
            .filter(|c| c.href.as_deref().is_some_and(|h| !h.starts_with("http")))
            .map(|c| c.contact)
            .collect();
        phones.extend(config.check.other_numbers.iter().cloned());
        Builder {
            sentences: Vec::new(),
            paragraph: 0,
            phones,
        }
    }

    fn paragraph(&mut self) {
        self.paragraph += 1;
    }

    /// Adds `text` cut into short sentences (at 。！？；), read aloud.
    fn say(&mut self, priority: usize, text: &str) {
        for s in sentences(text) {
            self.sentences.push(Sentence {
                order: self.sentences.len(),
                paragraph: self.paragraph,
                priority,
                text: crate::zh::spoken(&s, &self.phones),
            });
        }
    }
}

/// `text` cut after each 。！？ and ；, each piece ending in a full stop mark.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.trim().chars() {
        match c {
            '；' | ';' => {
                cur.push('。');
                out.push(std::mem::take(&mut cur));
            }
            '。' | '！' | '？' | '!' | '?' => {
                cur.push(c);
                out.push(std::mem::take(&mut cur));
            }
            _ => cur.push(c),
        }
    }
    let rest = cur.trim();
    if !rest.is_empty() {
        out.push(format!("{rest}。"));
    }
    out.into_iter()
        .map(|s| s.trim().trim_start_matches(['”', '’']).to_string())
        .filter(|s| s.chars().count() > 1)
        .collect()
}

/// Always kept.
const MUST: usize = 0;

/// The closing every script ends with: the emergency and consult numbers, said twice.
fn closing(b: &mut Builder, config: &Config) {
    let h = hotlines(config);
    let emergency: Vec<String> = h.emergency.iter().map(|c| c.contact.clone()).collect();
    let consult: Vec<String> = h
        .consult
        .iter()
        .filter(|c| c.href.is_some())
        .map(|c| c.contact.clone())
        .collect();
    b.paragraph();
    let mut line = String::new();
    if !emergency.is_empty() {
        line.push_str(&format!(
            "一旦发现被骗，请马上拨打{}报警。",
            emergency.join("或")
        ));
    }
    if !consult.is_empty() {
        line.push_str(&format!(
            "接到{}的来电，请一定接听，这是民警在劝阻。",
            consult.join("、")
        ));
    }
    b.say(MUST, &line);
    if !emergency.is_empty() {
        b.say(
            MUST,
            &format!("再说一遍，被骗了请拨打{}。", emergency.join("或")),
        );
    }
    b.say(
        MUST,
        &format!(
            "{}提醒您：守好钱袋子，平安每一天。",
            crate::channels::issuer(config).short_name
        ),
    );
}

/// The draft of a scam type's script.
fn scam_draft(model: &Model, id: usize) -> Option<Draft> {
    let p = &model.pages[id];
    let KindData::Scam { fields, .. } = &p.kind else {
        return None;
    };
    let config = &model.config;
    let mut b = Builder::new(config);
    b.say(MUST, &config.broadcast.greeting);
    b.say(MUST, &format!("今天提醒大家防范{}。", p.title));
    b.say(1, &fields.summary);
    b.paragraph();
    b.say(4, "骗子通常是这样一步步下套的。");
    for s in &fields.steps {
        b.say(4, s);
    }
    b.paragraph();
    b.say(2, "请记住这几个危险信号。");
    for s in &fields.red_flags {
        b.say(2, s);
    }
    b.paragraph();
    b.say(MUST, &format!("请大家牢记：{}", fields.rule));
    b.paragraph();
    for s in &fields.actions {
        b.say(3, s);
    }
    for s in &fields.never {
        b.say(5, s);
    }
    closing(&mut b, config);
    Some(Draft {
        id: format!("scam-{}", p.slug),
        title: p.title.clone(),
        source: display_path(&p.source),
        sentences: b.sentences,
    })
}

/// The campaign's script: its slogan and the rules of the scam types.
fn campaign_draft(model: &Model) -> Draft {
    let config = &model.config;
    let mut b = Builder::new(config);
    b.say(MUST, &config.broadcast.greeting);
    b.say(MUST, &config.campaign.slogan);
    b.paragraph();
    b.say(1, "请大家记住这几条防骗规则。");
    for (rank, &id) in model.pages_of(Kind::Scam).iter().enumerate() {
        if let KindData::Scam { fields, .. } = &model.pages[id].kind {
            b.say(1 + rank, &fields.rule);
        }
    }
    closing(&mut b, config);
    Draft {
        id: "campaign".into(),
        title: config.title.clone(),
        source: display_path(&model.home().source),
        sentences: b.sentences,
    }
}

/// Characters an announcer reads: no punctuation, no spaces.
pub fn spoken_chars(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

/// The draft cut to `minutes` at `pace`: every sentence that must stay, then the others by
/// priority while they fit, in reading order.
fn cut(draft: &Draft, minutes: u32, pace: u32) -> Vec<&Sentence> {
    let budget = (minutes * pace) as usize;
    let mut used: usize = draft
        .sentences
        .iter()
        .filter(|s| s.priority == MUST)
        .map(|s| spoken_chars(&s.text))
        .sum();
    let mut keep: Vec<&Sentence> = draft
        .sentences
        .iter()
        .filter(|s| s.priority == MUST)
        .collect();
    let mut optional: Vec<&Sentence> = draft
        .sentences
        .iter()
        .filter(|s| s.priority != MUST)
        .collect();
    optional.sort_by_key(|s| (s.priority, s.order));
    for s in optional {
        let n = spoken_chars(&s.text);
        if used + n <= budget {
            used += n;
            keep.push(s);
        }
    }
    keep.sort_by_key(|s| s.order);
    keep
}

/// Reading time as said: 约50秒, 约2分10秒.
fn duration_text(seconds: u32) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("约{s}秒"),
        (m, 0) => format!("约{m}分钟"),
        (m, s) => format!("约{m}分{s}秒"),
    }
}

/// The draft cut to `minutes` at `pace`, in paragraphs, with the characters read and the
/// reading time in seconds.
fn script_of(draft: &Draft, minutes: u32, pace: u32) -> (Script, usize, u32) {
    let kept = cut(draft, minutes, pace);
    let chars: usize = kept.iter().map(|s| spoken_chars(&s.text)).sum();
    let seconds = (chars as u32 * 60).div_ceil(pace);
    let mut paragraphs: Vec<Vec<String>> = Vec::new();
    let mut last = None;
    for s in &kept {
        if last != Some(s.paragraph) {
            paragraphs.push(Vec::new());
            last = Some(s.paragraph);
        }
        paragraphs
            .last_mut()
            .expect("pushed above")
            .push(s.text.clone());
    }
    let script = Script {
        title: draft.title.clone(),
        version: format!("{minutes}分钟版"),
        reading: format!(
            "播读时长：{}（每分钟{pace}字，共{chars}字）",
            duration_text(seconds)
        ),
        paragraphs,
    };
    (script, chars, seconds)
}

/// Renders every script, the text files, their zip and the announcer's PDF.
pub fn render(model: &Model, engine: &Engine) -> Result<BroadcastKit, Vec<Diagnostic>> {
    let config = &model.config;
    let pace = config.broadcast.pace;
    let mut drafts = vec![campaign_draft(model)];
    drafts.extend(
        model
            .pages_of(Kind::Scam)
            .into_iter()
            .filter_map(|id| scam_draft(model, id)),
    );
    let issuer = crate::channels::issuer(config);
    let mut files = Vec::new();
    let mut records = Vec::new();
    let mut scripts = Vec::new();
    for draft in &drafts {
        for &minutes in &config.broadcast.minutes {
            let (script, chars, seconds) = script_of(draft, minutes, pace);
            let text = script_text(&script, &issuer.name, &draft.source);
            let file = paths::broadcast_script(&draft.id, minutes);
            let file_gb18030 = paths::broadcast_script_gb18030(&draft.id, minutes);
            let (gb, _, _) = encoding_rs::GB18030.encode(&text);
            records.push(ScriptRecord {
                id: draft.id.clone(),
                title: draft.title.clone(),
                source: draft.source.clone(),
                minutes,
                chars,
                seconds,
                file: file.clone(),
                file_gb18030: file_gb18030.clone(),
                bytes: text.len(),
            });
            files.push(OutFile::bytes(file_gb18030, gb.into_owned()));
            files.push(OutFile::bytes(file, text));
            scripts.push(script);
        }
    }
    let pdf = pdf(model, engine, &scripts).map_err(|d| vec![d])?;
    let zip = zip_texts(&files);
    let lists = vec![
        ChannelFile {
            file: paths::BROADCAST_PDF.into(),
            kind: ChannelFileKind::ScriptsPdf,
            title: "广播稿（A4 PDF）".into(),
            bytes: pdf.len(),
        },
        ChannelFile {
            file: paths::BROADCAST_ZIP.into(),
            kind: ChannelFileKind::ScriptsZip,
            title: format!("广播稿文本（{} 篇，UTF-8 和 GB18030）", records.len()),
            bytes: zip.len(),
        },
    ];
    files.push(OutFile::bytes(paths::BROADCAST_PDF, pdf));
    files.push(OutFile::bytes(paths::BROADCAST_ZIP, zip));
    Ok(BroadcastKit {
        files,
        records,
        lists,
    })
}

/// Every script's text files in one zip, named as under `broadcast/`.
fn zip_texts(files: &[OutFile]) -> Vec<u8> {
    let members: Vec<(String, &[u8])> = files
        .iter()
        .filter_map(|f| match &f.content {
            crate::output::Content::Bytes(b) => {
                let name = f.path.strip_prefix("broadcast/").unwrap_or(&f.path);
                Some((name.to_string(), b.as_slice()))
            }
            crate::output::Content::Copy(_) => None,
        })
        .collect();
    crate::artifact::zip_stored(&members)
}

/// A script as a text file: its header (title, length, reading time, issuer, source), a rule,
/// then one sentence a line and a blank line between paragraphs. CRLF line ends, for Notepad.
fn script_text(s: &Script, issuer: &str, source: &str) -> String {
    let mut lines = vec![
        format!("广播稿：{}（{}）", s.title, s.version),
        s.reading.clone(),
        format!("发布：{issuer}"),
        format!("来源：{source}"),
        RULE.to_string(),
    ];
    for (i, p) in s.paragraphs.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        lines.extend(p.iter().cloned());
    }
    let mut text = lines.join("\r\n");
    text.push_str("\r\n");
    text
}

/// The announcer's PDF of all scripts, from the cache when the same scripts made it before.
fn pdf(model: &Model, engine: &Engine, scripts: &[Script]) -> Result<Vec<u8>, Diagnostic> {
    if !engine.has_template(TEMPLATE) {
        return Err(Diagnostic::error(
            engine.template_path(TEMPLATE),
            "主题缺少广播稿模板 broadcast/scripts.typ",
        ));
    }
    let inputs = PdfInputs {
        fonts: &engine.families,
        title: "防范电信网络诈骗广播稿",
        issuer: crate::channels::issuer(&model.config),
        scripts,
    };
    let mut blobs = engine.cached(paths::BROADCAST_PDF, TEMPLATE, &inputs, || {
        let doc = engine
            .compile(TEMPLATE, typeset::inputs(&inputs))
            .map_err(|e| match e {
                CompileError::Overflow { field, .. } => Diagnostic::error(
                    engine.template_path(TEMPLATE),
                    format!("广播稿 PDF：{field} 放不下"),
                ),
                CompileError::Template(d) => Diagnostic {
                    message: format!("广播稿 PDF: {}", d.message),
                    ..d
                },
            })?;
        let pdf = engine
            .pdf(&doc, "broadcast-scripts")
            .map_err(|m| Diagnostic::error(paths::BROADCAST_PDF, format!("PDF 导出失败: {m}")))?;
        Ok(vec![pdf])
    })?;
    Ok(blobs.pop().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_into_short_sentences() {
        assert_eq!(
            sentences("先核实；再转账。千万不要！最后"),
            ["先核实。", "再转账。", "千万不要！", "最后。"]
        );
    }

    #[test]
    fn scripts_fit_their_length_and_keep_the_rule_and_hotline() {
        let (model, _) = crate::channels::testing::default_campaign();
        let id = model.pages_of(Kind::Scam)[0];
        let draft = scam_draft(&model, id).unwrap();
        let one: String = cut(&draft, 1, 220)
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        let three: String = cut(&draft, 3, 220)
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        assert!(spoken_chars(&one) <= 220, "{one}");
        assert!(spoken_chars(&three) > spoken_chars(&one));
        for t in [&one, &three] {
            assert!(t.contains("凡是"), "{t}");
            assert!(t.contains("幺幺零"), "{t}");
            assert!(!t.contains(|c: char| c.is_ascii_digit()), "{t}");
        }
    }
}
