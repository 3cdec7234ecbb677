//! The 工作总结 draft as `.docx`, made after the other renderers: the campaign's title, dates,
//! organisation, phases and weekly themes, what was published (counted from the artifacts), and
//! the headings every plan asks for (总体情况, 主要做法, 工作成效, 典型案例, 存在问题和下一步打算),
//! with 〔待填写：…〕 where only the unit knows. 仿宋 body and 黑体 headings, set for East Asian
//! text, as offices write in WPS and Word. No timestamps: the same build gives the same bytes.

use std::collections::BTreeMap;

use docx_rs::{
    AlignmentType, Docx, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts, Table,
    TableCell, TableRow, WidthType,
};

use crate::artifact::{Artifacts, ReportKind, ReportRecord, ScreenRole, paths, sha256_hex};
use crate::content::{Kind, Model};
use crate::date::Date;

/// Body text: 三号 (16 pt) in half-points.
const BODY: usize = 32;
/// The title: 二号 (22 pt).
const TITLE: usize = 44;
/// Blanks start with this, so a unit finds every one with 查找.
pub const BLANK: &str = "〔待填写：";

/// The draft's file and its record.
pub fn render(
    model: &Model,
    made: &Artifacts,
    today: &Date,
) -> (crate::output::OutFile, ReportRecord) {
    let bytes = docx(model, made, today);
    let title = format!("{}工作总结（草稿）", model.config.title);
    let record = ReportRecord {
        kind: ReportKind::Summary,
        title,
        unit: None,
        unit_name: None,
        format: "docx".into(),
        file: paths::SUMMARY_DOCX.into(),
        pages: None,
        bytes: bytes.len(),
        sha256: sha256_hex(&bytes),
    };
    (
        crate::output::OutFile::bytes(paths::SUMMARY_DOCX.to_string(), bytes),
        record,
    )
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

fn text(t: impl Into<String>) -> Run {
    Run::new().add_text(t).fonts(fonts("仿宋")).size(BODY)
}

/// A blank for the unit to fill in, highlighted so it is not missed.
fn blank(what: &str) -> Run {
    text(format!("{BLANK}{what}〕")).highlight("yellow")
}

/// A body paragraph: first line indented two characters, 28 pt lines.
fn para(runs: Vec<Run>) -> Paragraph {
    let p = Paragraph::new().first_line_chars(200).line_spacing(
        LineSpacing::new()
            .line_rule(LineSpacingType::Exact)
            .line(560),
    );
    runs.into_iter().fold(p, Paragraph::add_run)
}

fn heading(t: &str) -> Paragraph {
    heading_line(Run::new().add_text(t).fonts(fonts("黑体")).size(BODY))
}

fn subheading(t: &str) -> Paragraph {
    heading_line(
        Run::new()
            .add_text(t)
            .fonts(fonts("楷体"))
            .size(BODY)
            .bold(),
    )
}

/// A heading's paragraph: kept with the next, at the body's fixed line height.
fn heading_line(run: Run) -> Paragraph {
    Paragraph::new()
        .keep_next(true)
        .first_line_chars(200)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(560),
        )
        .add_run(run)
}

/// A table of three columns (项目, 数量, 说明) with a bold header.
fn table(rows: &[[String; 3]]) -> Table {
    let widths = [2500usize, 2300, 4000];
    let cell = |t: &str, w: usize, bold: bool| {
        let mut run = Run::new().add_text(t).fonts(fonts("仿宋")).size(24);
        if bold {
            run = run.bold();
        }
        TableCell::new()
            .width(w, WidthType::Dxa)
            .add_paragraph(Paragraph::new().add_run(run))
    };
    let mut out = vec![TableRow::new(
        ["项目", "数量", "说明"]
            .iter()
            .zip(widths)
            .map(|(t, w)| cell(t, w, true))
            .collect(),
    )];
    out.extend(rows.iter().map(|r| {
        TableRow::new(
            r.iter()
                .zip(widths)
                .map(|(t, w)| cell(t, w, false))
                .collect(),
        )
    }));
    Table::new(out).set_grid(widths.to_vec())
}

/// The counts of what was published, one row each: pages of the site, each print material,
/// screen images, share cards, slogans, unit pages and forms.
pub fn published(model: &Model, made: &Artifacts) -> Vec<[String; 3]> {
    let mut rows = Vec::new();
    let of = |k| model.pages_of(k).len();
    rows.push([
        "宣传网站页面".into(),
        format!("{} 个", model.pages.len() + model.sections.len()),
        format!(
            "骗局类型 {} 个、典型案例 {} 个、重点人群 {} 个、防骗指南 {} 个",
            of(Kind::Scam),
            of(Kind::Case),
            of(Kind::Audience),
            of(Kind::Guide)
        ),
    ]);
    let mut print: BTreeMap<&str, (usize, Vec<String>)> = BTreeMap::new();
    // A unit's materials are counted from the units table below: a sharded build's summary is
    // made by the shard that has the campaign's files, which holds only its own units'.
    for r in made.print.iter().filter(|r| r.unit.is_none()) {
        let e = print.entry(r.material_label.as_str()).or_default();
        e.0 += 1;
        let [w, h] = r.trim_mm;
        let size = if r.size.starts_with('a') {
            r.size.to_uppercase().replace("-LANDSCAPE", " 横向")
        } else if w >= 500.0 || h >= 500.0 {
            format!("{}×{} 厘米", w / 10.0, h / 10.0)
        } else {
            format!("{w}×{h} 毫米")
        };
        if !e.1.contains(&size) {
            e.1.push(size);
        }
    }
    for (label, (n, sizes)) in print {
        rows.push([
            format!("印刷品：{label}"),
            format!("{n} 个 PDF"),
            format!("尺寸 {}", sizes.join("、")),
        ]);
    }
    let slides = made
        .screens
        .iter()
        .filter(|s| s.role == ScreenRole::Slide && s.unit.is_none())
        .count();
    if slides > 0 {
        rows.push([
            "显示屏画面".into(),
            format!("{slides} 张"),
            format!(
                "{} 种显示屏尺寸",
                made.screen_profiles
                    .iter()
                    .filter(|p| p.kind == crate::config::ScreenKind::Display)
                    .count()
            ),
        ]);
    }
    let slogans = model.slogans().count();
    if slogans > 0 {
        rows.push([
            "宣传标语（条屏、短信）".into(),
            format!("{slogans} 条"),
            "可用于LED条屏滚动播放和群发短信".into(),
        ]);
    }
    if made.share_cards {
        let cards = model
            .pages
            .iter()
            .filter(|p| crate::artifact::has_own_share_card(p))
            .count();
        rows.push([
            "微信分享图".into(),
            format!("{cards} 张"),
            "转发到微信群、朋友圈".into(),
        ]);
    }
    if !model.units.is_empty() {
        rows.push([
            "覆盖单位".into(),
            format!("{} 个", model.units.list.len()),
            "每个单位有自己的页面和二维码".into(),
        ]);
        if let Some(row) = unit_materials_row(model) {
            rows.push(row);
        }
    }
    // One set of forms per unit (or one without a units table; the kit always makes them),
    // counted from the model as the unit materials are.
    let forms = model.units.list.len().max(1);
    {
        rows.push([
            "工作台账".into(),
            format!("{forms} 套"),
            "入户宣传登记表、宣传活动记录表、App安装统计表（PDF和Excel）".into(),
        ]);
    }
    rows
}

/// The materials made for each unit, counted from the units table and each type's materials.
fn unit_materials_row(model: &Model) -> Option<[String; 3]> {
    use crate::config::UnitMaterial;
    let units = &model.units;
    let count = |m: UnitMaterial| {
        units
            .list
            .iter()
            .filter(|u| units.type_of(u).is_some_and(|t| t.materials.contains(&m)))
            .count()
    };
    let displays = model
        .config
        .screens
        .profiles
        .iter()
        .filter(|p| p.kind == crate::config::ScreenKind::Display)
        .count();
    let parts: Vec<String> = [
        (UnitMaterial::Poster, "联系海报", "份", 1),
        (
            UnitMaterial::Letter,
            "致家长的一封信（按花名册每生一页）",
            "所学校",
            1,
        ),
        (UnitMaterial::Notice, "公开栏联系卡", "份", 1),
        (UnitMaterial::Counter, "柜台提示卡", "份", 1),
        (UnitMaterial::Slide, "显示屏画面", "张", displays),
    ]
    .into_iter()
    .filter_map(|(m, what, unit, each)| {
        let n = count(m) * each;
        (n > 0).then(|| format!("{what} {n} {unit}"))
    })
    .collect();
    (!parts.is_empty()).then(|| {
        [
            "各单位专属材料".into(),
            parts.join("，"),
            "印有本单位名称、联系电话和二维码，在各单位页面下载".into(),
        ]
    })
}

fn docx(model: &Model, made: &Artifacts, today: &Date) -> Vec<u8> {
    let c = &model.config;
    let cal = &model.calendar;
    let mut d = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(2098)
                .bottom(1984)
                .left(1587)
                .right(1474),
        )
        .default_fonts(fonts("仿宋"))
        .default_size(BODY);
    d = d.add_paragraph(
        Paragraph::new().align(AlignmentType::Center).add_run(
            Run::new()
                .add_text(format!("{}工作总结", c.title))
                .fonts(fonts("宋体"))
                .size(TITLE)
                .bold(),
        ),
    );
    d = d.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(text("（草稿）"))
            .add_run(blank("单位名称")),
    );
    d = d.add_paragraph(para(vec![text(format!(
        "本草稿由宣传材料生成工具于{}根据已发布的材料自动生成，数字为截至当日的发布情况；{}…〕处请按本单位实际情况填写，定稿前删除本段。",
        today.chinese(),
        BLANK
    ))]));

    d = d.add_paragraph(heading("一、总体情况"));
    let dates = match (&cal.start, &cal.end) {
        (Some(s), Some(e)) => format!("{}至{}", s.chinese(), e.chinese()),
        _ => "活动期间".into(),
    };
    let phases: Vec<String> = cal
        .phases
        .iter()
        .map(|p| format!("{}（{}）", p.name, super::span_text(&p.start, &p.end)))
        .collect();
    let mut overall = vec![text(format!(
        "按照{}的统一部署，{}，本单位围绕“{}”的主题，开展{}活动",
        c.issuer.name, dates, c.campaign.slogan, c.title
    ))];
    if phases.is_empty() {
        overall.push(text("。"));
    } else {
        overall.push(text(format!(
            "，分{}个阶段推进：{}。",
            phases.len(),
            phases.join("、")
        )));
    }
    overall.push(text("活动期间，本单位共"));
    overall.push(blank("开展的主要工作，一两句话概括"));
    overall.push(text("。"));
    d = d.add_paragraph(para(overall));

    d = d.add_paragraph(heading("二、主要做法"));
    d = d.add_paragraph(subheading("（一）分阶段推进"));
    for p in &cal.phases {
        let mut runs = vec![text(format!(
            "{}（{}至{}）：",
            p.name,
            p.start.chinese(),
            p.end.chinese()
        ))];
        if !p.description.is_empty() {
            runs.push(text(format!("{}。", p.description.trim_end_matches('。'))));
        }
        runs.push(blank("本阶段实际开展的工作"));
        d = d.add_paragraph(para(runs));
    }
    if cal.phases.is_empty() {
        d = d.add_paragraph(para(vec![blank("各阶段开展的工作")]));
    }
    d = d.add_paragraph(subheading("（二）每周主题宣传"));
    let mut themes: Vec<String> = Vec::new();
    let mut weeks = 0;
    for w in &cal.weeks {
        if let Some(id) = w.theme {
            weeks += 1;
            let t = model.pages[id].title.clone();
            if !themes.contains(&t) {
                themes.push(t);
            }
        }
    }
    let scams: Vec<String> = model
        .pages_of(Kind::Scam)
        .into_iter()
        .map(|id| model.pages[id].title.clone())
        .collect();
    let mut runs = Vec::new();
    if weeks > 0 {
        runs.push(text(format!(
            "按照每周一个主题，安排了{weeks}周主题宣传，依次为：{}。",
            themes.join("、")
        )));
    }
    if !scams.is_empty() {
        runs.push(text(format!(
            "宣传内容覆盖{}类常见骗局：{}。",
            scams.len(),
            scams.join("、")
        )));
    }
    runs.push(blank("各周宣传的形式和范围"));
    d = d.add_paragraph(para(runs));
    d = d.add_paragraph(subheading("（三）宣传材料制作和发布"));
    d = d.add_paragraph(para(vec![text(
        "统一制作并发布了以下宣传材料（网站、印刷品、屏幕画面均可在下载中心取用）：",
    )]));
    d = d.add_table(table(&published(model, made)));

    d = d.add_paragraph(heading("三、工作成效"));
    let results: Vec<[String; 3]> = [
        ("入户宣传", "户", "入户率"),
        ("开展宣传活动", "场", "活动名称见宣传活动记录表"),
        ("参加群众", "人次", ""),
        ("发放宣传资料", "份", ""),
        (
            "国家反诈中心App新安装",
            "人",
            "安装率、实名注册率、预警开启率",
        ),
        ("劝阻、止付", "起", "挽回损失金额"),
    ]
    .iter()
    .map(|(what, unit, note)| {
        [
            (*what).to_string(),
            format!("{BLANK}{unit}〕"),
            if note.is_empty() {
                String::new()
            } else {
                format!("{BLANK}{note}〕")
            },
        ]
    })
    .collect();
    d = d.add_table(table(&results));
    d = d.add_paragraph(para(vec![blank(
        "与活动前相比，本地电信网络诈骗发案和损失的变化",
    )]));

    d = d.add_paragraph(heading("四、典型案例"));
    d = d.add_paragraph(para(vec![blank(
        "本地一至两个典型案例：时间、经过、处置和挽损情况",
    )]));
    let cases: Vec<String> = model
        .pages_of(Kind::Case)
        .into_iter()
        .take(5)
        .map(|id| format!("《{}》", model.pages[id].title))
        .collect();
    if !cases.is_empty() {
        d = d.add_paragraph(para(vec![text(format!(
            "宣传中使用的案例包括{}等。",
            cases.join("")
        ))]));
    }

    d = d.add_paragraph(heading("五、存在问题和下一步打算"));
    d = d.add_paragraph(para(vec![blank("存在的问题和不足")]));
    d = d.add_paragraph(para(vec![blank("下一步工作打算")]));
    d = d.add_paragraph(Paragraph::new());
    d = d.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Right)
            .add_run(blank("单位名称（盖章）")),
    );
    d = d.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Right)
            .add_run(blank("日期")),
    );
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out).expect("writing a docx to memory");
    out.into_inner()
}
