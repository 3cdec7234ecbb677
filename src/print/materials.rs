//! What the print kit makes: one job per material, size and content page, each with the data
//! its template reads. Per-page work (choosing items, numbering receipts, converting Markdown to
//! plain blocks) happens here, not in Typst.

use std::path::PathBuf;

use super::data::{self, Data};
use crate::config::{Config, PaperSize};
use crate::content::{Kind, KindData, Model, Page, PageId, ScamFields};
use crate::diag::{Diagnostic, display_path};
use crate::markdown;
use crate::zh::headline_words;

/// Longer than this (PDF readers' practical page limit, 200 in) a banner is made at 1:10.
pub const MAX_PAGE_MM: f64 = 5000.0;

/// A kind of printed material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Material {
    Poster,
    Flyer,
    Trifold,
    Letter,
    Pledge,
    SignIn,
    Banner,
    Board,
    Handbook,
    /// A unit's contact poster.
    UnitPoster,
    /// A village's notice-board card.
    NoticeCard,
    /// A bank branch's counter card.
    CounterCard,
}

impl Material {
    /// Folder and manifest name.
    pub fn name(self) -> &'static str {
        match self {
            Material::Poster => "poster",
            Material::Flyer => "flyer",
            Material::Trifold => "trifold",
            Material::Letter => "letter",
            Material::Pledge => "pledge",
            Material::SignIn => "signin",
            Material::Banner => "banner",
            Material::Board => "board",
            Material::Handbook => "handbook",
            Material::UnitPoster => "unit-poster",
            Material::NoticeCard => "notice-card",
            Material::CounterCard => "counter-card",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Material::Poster => "海报",
            Material::Flyer => "宣传单",
            Material::Trifold => "三折页",
            Material::Letter => "致家长的一封信",
            Material::Pledge => "承诺书",
            Material::SignIn => "签到表",
            Material::Banner => "横幅",
            Material::Board => "展板",
            Material::Handbook => "宣传手册",
            Material::UnitPoster => "反诈联系海报",
            Material::NoticeCard => "公开栏反诈联系卡",
            Material::CounterCard => "柜台防骗提示卡",
        }
    }

    pub fn template(self) -> String {
        format!("print/{}.typ", self.name())
    }
}

/// One PDF to make.
#[derive(Clone)]
pub struct Job {
    /// File stem: `<slug>-<size>`.
    pub stem: String,
    pub title: String,
    /// The content page it comes from, for the manifest and for diagnostics.
    pub source: Option<PathBuf>,
    pub size: PaperSize,
    /// 1, or 10 for banners too long for one PDF page.
    pub scale: u32,
    pub pages: Pages,
    /// Web address the QR code leads to.
    pub qr_url: Option<String>,
    /// The unit it is made for (its id), for a unit's own materials.
    pub unit: Option<String>,
    /// The job (its stem, same material and unit) whose forwardable pictures this one shows: a
    /// poster at A3 is the A4 poster scaled, and one picture of the design is enough. None: it
    /// makes its own.
    pub pictures_of: Option<String>,
    /// What its template reads; it decides the material.
    pub data: Data,
}

impl Job {
    pub fn material(&self) -> Material {
        self.data.material()
    }

    /// About how many pages it comes out as, so that the long documents start first.
    pub fn expected_pages(&self) -> usize {
        match (self.pages, &self.data) {
            (Pages::Exactly(n), _) => n,
            // The handbook: tens of pages.
            (Pages::MultipleOf4, _) => 32,
            (Pages::Any, Data::Letter(l)) => l.students.len().max(1),
            (Pages::Any, _) => 2,
        }
    }
}

/// How many pages a material must come out as.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Pages {
    Exactly(usize),
    /// A booklet: padded with blank pages to a multiple of 4 for saddle stitching.
    MultipleOf4,
    Any,
}

pub(super) fn size(label: &str, w: f64, h: f64) -> PaperSize {
    PaperSize {
        label: label.to_string(),
        width_mm: w,
        height_mm: h,
    }
}

/// Every job of the campaign, in a stable order.
pub fn jobs(model: &Model) -> Result<Vec<Job>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    posters(model, &mut out);
    flyers(model, &mut out);
    out.push(trifold(model));
    out.extend(letters(model)?);
    out.push(pledge(model));
    out.push(signin(model));
    banners(model, &mut out);
    boards(model, &mut out);
    out.push(handbook(model));
    Ok(out)
}

pub(super) fn page_url(config: &Config, path: &str) -> Option<String> {
    config.base_url.as_ref().map(|b| format!("{b}{path}"))
}

fn scam_pages(model: &Model) -> Vec<&Page> {
    model
        .pages_of(Kind::Scam)
        .into_iter()
        .map(|id| &model.pages[id])
        .collect()
}

/// The scam types with their fields, in the section's order.
fn scams(model: &Model) -> impl Iterator<Item = (&Page, &crate::content::ScamFields)> {
    scam_pages(model).into_iter().filter_map(|p| match &p.kind {
        KindData::Scam { fields, .. } => Some((p, fields)),
        _ => None,
    })
}

/// The first case of a scam type, told by its sections.
fn first_case(model: &Model, scam: &Page) -> Option<data::Case> {
    let KindData::Scam { cases, .. } = &scam.kind else {
        return None;
    };
    let c = &model.pages[*cases.first()?];
    let KindData::Case { fields, .. } = &c.kind else {
        return None;
    };
    Some(data::Case {
        title: c.print_title().to_string(),
        source: display_path(&c.source),
        region: fields.region.clone(),
        loss: crate::zh::loss_text(fields.loss),
        lesson: fields.lesson.clone(),
        story: markdown::sections(&c.body),
    })
}

fn posters(model: &Model, out: &mut Vec<Job>) {
    for (page, fields) in scams(model) {
        // The template scales everything with the page width: sizes of one shape show one
        // picture, the first's.
        let mut shapes: Vec<(f64, String)> = Vec::new();
        for size in &model.config.print.poster_sizes {
            let stem = format!("{}-{}", page.slug, size.label);
            let shape = size.height_mm / size.width_mm;
            let pictures_of = match shapes.iter().find(|(s, _)| (s / shape - 1.0).abs() < 0.002) {
                Some((_, first)) => Some(first.clone()),
                None => {
                    shapes.push((shape, stem.clone()));
                    None
                }
            };
            out.push(Job {
                stem,
                title: page.title.clone(),
                source: Some(page.source.clone()),
                size: size.clone(),
                scale: 1,
                pages: Pages::Exactly(1),
                qr_url: page_url(&model.config, &page.path),
                unit: None,
                pictures_of,
                data: Data::Poster(data::Poster {
                    kind_label: "诈骗",
                    title: page.print_title().to_string(),
                    title_words: headline_words(page.print_title()),
                    rule: fields.rule.clone(),
                    red_flags: fields.red_flags.iter().take(4).cloned().collect(),
                    actions: fields.actions.iter().take(4).cloned().collect(),
                    slogan: fields.slogan.clone(),
                }),
            });
        }
    }
}

fn flyers(model: &Model, out: &mut Vec<Job>) {
    let size = &model.config.print.flyer_size;
    for id in model.pages_of(Kind::Audience) {
        let page = &model.pages[id];
        let KindData::Audience { fields, scams } = &page.kind else {
            continue;
        };
        let scams = scams
            .iter()
            .filter_map(|&s| {
                let p = &model.pages[s];
                let KindData::Scam { fields: f, .. } = &p.kind else {
                    return None;
                };
                Some(data::FlyerScam {
                    title: p.print_title().to_string(),
                    summary: f.summary.clone(),
                    rule: f.rule.clone(),
                    red_flags: f.red_flags.iter().take(2).cloned().collect(),
                })
            })
            .take(4)
            .collect();
        out.push(Job {
            stem: format!("{}-{}", page.slug, size.label),
            title: format!("致{}", page.title),
            source: Some(page.source.clone()),
            size: size.clone(),
            scale: 1,
            pages: Pages::Exactly(2),
            qr_url: page_url(&model.config, &page.path),
            unit: None,
            pictures_of: None,
            data: Data::Flyer(data::Flyer {
                audience: page.print_title().to_string(),
                audience_words: headline_words(page.print_title()),
                who: fields.who.clone(),
                tips: fields.tips.clone(),
                scams,
                slogan: model.config.campaign.slogan.clone(),
            }),
        });
    }
}

/// The five (or more) 「凡是」 rules from the slogans collection.
fn fanshi_rules(model: &Model) -> Vec<String> {
    model
        .slogans()
        .filter(|s| s.tags.iter().any(|t| t == "凡是"))
        .map(|s| s.text.clone())
        .collect()
}

fn guides(model: &Model) -> Vec<data::Guide> {
    model
        .pages_of(Kind::Guide)
        .into_iter()
        .map(|id| {
            let p = &model.pages[id];
            let summary = match &p.kind {
                KindData::Guide { fields, .. } => fields.summary.clone(),
                _ => String::new(),
            };
            data::Guide {
                title: p.print_title().to_string(),
                title_words: headline_words(p.print_title()),
                source: display_path(&p.source),
                summary,
                blocks: markdown::blocks(&p.body),
            }
        })
        .collect()
}

fn trifold(model: &Model) -> Job {
    let c = &model.config;
    let scams = scams(model)
        .take(6)
        .map(|(p, fields)| data::TrifoldScam {
            title: p.print_title().to_string(),
            summary: fields.summary.clone(),
            rule: fields.rule.clone(),
        })
        .collect();
    Job {
        stem: "campaign-a4".into(),
        title: format!("{}三折页", c.title),
        source: None,
        size: size("a4-landscape", 297.0, 210.0),
        scale: 1,
        pages: Pages::Exactly(2),
        qr_url: page_url(c, ""),
        unit: None,
        pictures_of: None,
        data: Data::Trifold(data::Trifold {
            title: c.title.clone(),
            title_words: headline_words(&c.title),
            slogan: c.campaign.slogan.clone(),
            intro: c.description.clone(),
            scams,
            rules: fanshi_rules(model),
            guides: guides(model),
            texts: c.print.trifold.clone(),
            // The panel that folds in is narrower so the leaflet closes flat.
            panels_mm: [100.0, 100.0, 97.0],
        }),
    }
}

/// Letters to parents: one generic letter, or one per student of the roster with sequential
/// receipt numbers.
fn letters(model: &Model) -> Result<Vec<Job>, Vec<Diagnostic>> {
    let c = &model.config;
    let students = match &c.print.roster {
        Some(path) => read_roster(&model.root, path)?,
        None => Vec::new(),
    };
    let letter = Letter {
        school: c
            .print
            .school
            .clone()
            .unwrap_or_else(|| c.issuer.name.clone()),
        students: receipts(model, students),
        source: c.print.roster.as_ref().map(PathBuf::from),
        qr_url: page_url(c, ""),
        unit: None,
    };
    Ok(vec![letter_job(model, letter)?])
}

/// Who a letter to parents is from and for, and where its QR code leads.
pub(super) struct Letter {
    pub school: String,
    /// Empty for the generic letter with blanks.
    pub students: Vec<data::Student>,
    pub source: Option<PathBuf>,
    pub qr_url: Option<String>,
    /// The school as a unit of the units table, with its contacts.
    pub unit: Option<crate::units::Card>,
}

/// Numbers the students' receipts in roster order: `2026-0001`. A school of the units table
/// counts from 1 too: its name is on every receipt slip.
pub(super) fn receipts(model: &Model, students: Vec<(String, String)>) -> Vec<data::Student> {
    let year = model.config.campaign.start.as_ref().map(|d| d.year);
    let prefix = year.map(|y| format!("{y}-")).unwrap_or_default();
    students
        .into_iter()
        .enumerate()
        .map(|(i, (class, name))| data::Student {
            class,
            name,
            receipt: format!("{prefix}{:04}", i + 1),
        })
        .collect()
}

/// The letter to parents of `letter`: one page, or one per student.
pub(super) fn letter_job(model: &Model, letter: Letter) -> Result<Job, Vec<Diagnostic>> {
    let c = &model.config;
    let scams = letter_scams(model)?
        .into_iter()
        .filter_map(|p| match &p.kind {
            KindData::Scam { fields, .. } => Some(data::LetterScam {
                title: p.print_title().to_string(),
                summary: fields.summary.clone(),
            }),
            _ => None,
        })
        .collect();
    let pages = Pages::Exactly(letter.students.len().max(1));
    let stem = if letter.unit.is_some() {
        "letter-a4"
    } else if letter.students.is_empty() {
        "parents-a4"
    } else {
        "parents-roster-a4"
    };
    let t = &c.print.letter;
    Ok(Job {
        stem: stem.into(),
        title: "致家长的一封信".into(),
        source: letter.source,
        size: size("a4", 210.0, 297.0),
        scale: 1,
        pages,
        qr_url: letter.qr_url,
        unit: letter.unit.as_ref().map(|u| u.id.clone()),
        pictures_of: None,
        data: Data::Letter(data::Letter {
            school: letter.school,
            scams,
            students: letter.students,
            year: c.campaign.start.as_ref().map(|d| d.year),
            texts: data::LetterTexts {
                intro: t.intro.clone(),
                asks: t.asks.clone(),
                if_scammed: t.if_scammed.clone(),
                closing: t.closing.clone(),
                receipt: t.receipt.clone(),
                receipt_note: t.receipt_note.clone(),
            },
            unit: letter.unit,
        }),
    })
}

/// The scams the letter to parents lists, at most `max_scams`: those `[print.letter] scams` names,
/// in that order; or else those of the `[print.letter] audiences`, in the order each audience
/// page lists them (the first audience first) together with any scam that names the audience;
/// or, with neither set, the scam types in the section's order.
fn letter_scams(model: &Model) -> Result<Vec<&Page>, Vec<Diagnostic>> {
    let letter = &model.config.print.letter;
    let max = letter.max_scams.unwrap_or(5);
    let ids = if !letter.scams.is_empty() {
        resolve_letter_links(model, "scams", &letter.scams, Kind::Scam)?
    } else if !letter.audiences.is_empty() {
        let audiences =
            resolve_letter_links(model, "audiences", &letter.audiences, Kind::Audience)?;
        model.scams_of_audiences(&audiences)
    } else {
        model.pages_of(Kind::Scam)
    };
    Ok(ids
        .into_iter()
        .take(max)
        .map(|id| &model.pages[id])
        .collect())
}

/// `@/` links of `[print.letter]` as pages of `kind`; each one that is not is an error naming
/// config.toml and the key.
fn resolve_letter_links(
    model: &Model,
    field: &str,
    links: &[String],
    kind: Kind,
) -> Result<Vec<PageId>, Vec<Diagnostic>> {
    let mut ids = Vec::new();
    let mut errors = Vec::new();
    for l in links {
        match model.page_by_link(l) {
            Some(id) if model.pages[id].kind.kind() == Some(kind) => ids.push(id),
            _ => errors.push(
                Diagnostic::error(
                    crate::config::CONFIG_FILE,
                    format!(
                        "[print.letter] {field} 里的 `{l}` 不是{}页面；请写成 @/….md",
                        kind.label()
                    ),
                )
                .field(format!("print.letter.{field}")),
            ),
        }
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(errors)
    }
}

/// Reads `class,name` rows; a header row naming 班级/姓名 (or class/name) is skipped.
pub fn read_roster(
    root: &std::path::Path,
    path: &str,
) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(root.join(path)).map_err(|e| {
        vec![
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!("无法读取学生名单 {path}（{e}）"),
            )
            .field("print.roster"),
        ]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split([',', '，', '\t']).map(str::trim).collect();
        if i == 0
            && (cells
                .iter()
                .any(|c| *c == "姓名" || c.eq_ignore_ascii_case("name")))
        {
            continue;
        }
        match cells.as_slice() {
            [class, name] if !name.is_empty() => rows.push((class.to_string(), name.to_string())),
            _ => errors.push(Diagnostic::error(path, "每行应是「班级,姓名」两列").at_line(i + 1)),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn pledge(model: &Model) -> Job {
    let c = &model.config;
    Job {
        stem: "pledge-a4".into(),
        title: "防范电信网络诈骗承诺书".into(),
        source: None,
        size: size("a4", 210.0, 297.0),
        scale: 1,
        pages: Pages::Exactly(1),
        qr_url: None,
        unit: None,
        pictures_of: None,
        data: Data::Pledge(data::Pledge {
            rules: fanshi_rules(model),
            year: c.campaign.start.as_ref().map(|d| d.year),
        }),
    }
}

fn signin(model: &Model) -> Job {
    let c = &model.config;
    let event = c.print.event.as_ref();
    Job {
        stem: "signin-a4".into(),
        title: "签到表".into(),
        source: None,
        size: size("a4", 210.0, 297.0),
        scale: 1,
        pages: Pages::Any,
        qr_url: None,
        unit: None,
        pictures_of: None,
        data: Data::SignIn(data::SignIn {
            event: event.map_or_else(|| format!("{}活动", c.title), |e| e.name.clone()),
            date: event.and_then(|e| e.date.as_ref()).map(|d| d.chinese()),
            place: event.and_then(|e| e.place.clone()),
            rows: event.map_or(25, |e| e.rows),
        }),
    }
}

fn banners(model: &Model, out: &mut Vec<Job>) {
    let p = &model.config.print;
    let (w, h) = (p.banner_width_cm * 10.0, p.banner_height_cm * 10.0);
    let scale = if w.max(h) > MAX_PAGE_MM { 10 } else { 1 };
    let label = format!(
        "{}x{}cm{}",
        p.banner_width_cm,
        p.banner_height_cm,
        if scale == 1 {
            String::new()
        } else {
            format!("-1to{scale}")
        }
    );
    let slogans_source = model.slogans_source();
    for (i, s) in model.slogans().enumerate() {
        out.push(Job {
            stem: format!("slogan-{:02}-{label}", i + 1),
            title: s.text.clone(),
            source: Some(slogans_source.clone()),
            size: size(&label, w, h),
            scale,
            pages: Pages::Exactly(1),
            qr_url: None,
            unit: None,
            pictures_of: None,
            data: Data::Banner(data::Banner {
                text: s.text.clone(),
            }),
        });
    }
}

fn boards(model: &Model, out: &mut Vec<Job>) {
    let p = &model.config.print;
    let label = format!("{}x{}cm", p.board_width_cm, p.board_height_cm);
    for (page, fields) in scams(model) {
        out.push(Job {
            stem: format!("{}-{label}", page.slug),
            title: page.title.clone(),
            source: Some(page.source.clone()),
            size: size(&label, p.board_width_cm * 10.0, p.board_height_cm * 10.0),
            scale: 1,
            pages: Pages::Exactly(1),
            qr_url: page_url(&model.config, &page.path),
            unit: None,
            pictures_of: None,
            data: Data::Board(data::Board {
                sheet: scam_sheet(model, page, fields),
                slogan: fields.slogan.clone(),
                quotes: markdown::blocks(&page.body)
                    .into_iter()
                    .filter(|b| b.kind == "quote")
                    .map(|b| b.text)
                    .collect(),
            }),
        });
    }
}

/// A scam type as a board and a handbook chapter tell it.
fn scam_sheet(model: &Model, page: &Page, fields: &ScamFields) -> data::ScamSheet {
    data::ScamSheet {
        title: page.print_title().to_string(),
        title_words: headline_words(page.print_title()),
        source: display_path(&page.source),
        summary: fields.summary.clone(),
        other_names: fields.other_names.clone(),
        steps: fields.steps.clone(),
        red_flags: fields.red_flags.clone(),
        actions: fields.actions.clone(),
        never: fields.never.clone(),
        rule: fields.rule.clone(),
        case: first_case(model, page),
    }
}

fn handbook(model: &Model) -> Job {
    let c = &model.config;
    let scams = scams(model)
        .map(|(p, fields)| data::HandbookScam {
            sheet: scam_sheet(model, p, fields),
            blocks: markdown::blocks(&p.body),
        })
        .collect();
    Job {
        stem: "handbook-a5".into(),
        title: format!("{}宣传手册", c.title),
        source: None,
        size: size("a5", 148.0, 210.0),
        scale: 1,
        pages: Pages::MultipleOf4,
        qr_url: page_url(c, ""),
        unit: None,
        pictures_of: None,
        data: Data::Handbook(data::Handbook {
            title: c.title.clone(),
            title_words: headline_words(&c.title),
            slogan: c.campaign.slogan.clone(),
            intro: c.description.clone(),
            scams,
            guides: guides(model),
            rules: fanshi_rules(model),
            pad: 0,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roster_reads_rows_and_skips_header() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("r.csv"),
            "\u{feff}班级,姓名\n三年级1班,张小明\n三年级2班，李华\n\n",
        )
        .unwrap();
        let rows = read_roster(tmp.path(), "r.csv").unwrap();
        assert_eq!(
            rows,
            vec![
                ("三年级1班".into(), "张小明".into()),
                ("三年级2班".into(), "李华".into())
            ]
        );
        std::fs::write(tmp.path().join("bad.csv"), "一班,甲\n只有一列\n").unwrap();
        let e = read_roster(tmp.path(), "bad.csv").unwrap_err();
        assert_eq!(e[0].line, Some(2));
    }
}
