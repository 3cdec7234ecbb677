//! The reporting kit, a renderer beside print and screens: the campaign calendar as `.ics` (and
//! what the build date makes "this week"), the printed schedule, each unit's forms (入户宣传登记表,
//! 宣传活动记录表, App 安装统计表) as A4 PDF and `.xlsx`, and — once the other renderers are done —
//! the 工作总结 draft as `.docx`, counting what they made. It reads the model and returns files;
//! it writes nothing.

mod ics;
mod sheets;
pub mod summary;
mod xlsx;

use serde::Serialize;

use crate::artifact::{CalendarRecord, ReportKind, ReportRecord, paths, sha256_hex};
use crate::content::Model;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::output::OutFile;
use crate::typeset::{self, CompileError, Engine};

pub use sheets::{Column, ColumnKind, Sheet, forms_of};

/// Template of the printed schedule, under the theme.
pub const SCHEDULE_TEMPLATE: &str = "print/schedule.typ";
/// Template of a unit's forms, under the theme.
pub const FORMS_TEMPLATE: &str = "print/forms.typ";

/// What the kit made: files and their records.
#[derive(Default)]
pub struct Made {
    pub files: Vec<OutFile>,
    pub records: Vec<ReportRecord>,
    pub calendar: Option<CalendarRecord>,
    /// A theme without the kit's templates: its PDFs are left out, the rest is made.
    pub warnings: Vec<Diagnostic>,
}

/// The calendar as of `today`: the `.ics` file when the campaign has phases or weekly themes,
/// and the record the site shows this week's theme from. Needs no typesetting.
pub fn calendar(model: &Model, today: &Date) -> Made {
    let cal = &model.calendar;
    let this_week = cal.week_of(today).map(|w| w.number);
    let this_phase = cal.phase_of(today).map(|p| p.name.clone());
    let mut made = Made::default();
    let ics = (!cal.is_empty()).then(|| ics::calendar(model, today));
    if let Some(text) = ics {
        let bytes = text.into_bytes();
        made.records.push(record(
            ReportKind::Calendar,
            format!("{}活动日历", model.config.title),
            None,
            "ics",
            paths::CALENDAR_ICS,
            None,
            &bytes,
        ));
        made.files
            .push(OutFile::bytes(paths::CALENDAR_ICS.to_string(), bytes));
    }
    made.calendar = Some(CalendarRecord {
        build_date: today.day_only(),
        this_week,
        this_phase,
        ics: (!cal.is_empty()).then(|| paths::CALENDAR_ICS.to_string()),
    });
    made
}

/// The printed schedule and every unit's forms (PDF through the engine and its cache, and
/// `.xlsx`). All problems are returned together. A theme made before the kit (without its
/// templates) gets the workbooks and a warning, not the PDFs.
pub fn render(model: &Model, engine: &Engine) -> Result<Made, Vec<Diagnostic>> {
    let warnings: Vec<Diagnostic> = [SCHEDULE_TEMPLATE, FORMS_TEMPLATE]
        .into_iter()
        .filter(|t| !engine.has_template(t))
        .map(|t| {
            Diagnostic::warning(
                engine.template_path(t),
                "主题里没有这个报表模板，不生成对应的 PDF；可从默认主题 themes/default/print/ 复制",
            )
        })
        .collect();
    // The schedule and a campaign's one set of forms belong to the shard with the campaign's
    // files; each unit's forms to the unit's shard.
    let campaign = model.shard.owns_campaign();
    let mut jobs: Vec<Job> = Vec::new();
    if campaign && !model.calendar.is_empty() && engine.has_template(SCHEDULE_TEMPLATE) {
        jobs.push(Job::Schedule);
    }
    let units: Vec<Option<usize>> = if model.units.is_empty() {
        campaign.then_some(None).into_iter().collect()
    } else {
        (0..model.units.list.len())
            .filter(|&i| model.shard.owns_unit(&model.units.list[i].id))
            .map(Some)
            .collect()
    };
    jobs.extend(units.into_iter().map(Job::Forms));
    let mut made = Made {
        warnings,
        ..Made::default()
    };
    let parts = crate::jobs::map(&jobs, |job| job.make(model, engine));
    for m in crate::diag::all_or_every_error(parts)? {
        made.files.extend(m.files);
        made.records.extend(m.records);
    }
    Ok(made)
}

/// One product of the kit.
enum Job {
    Schedule,
    /// The forms of the unit at this index of the units table, or the one set without a table.
    Forms(Option<usize>),
}

impl Job {
    fn make(&self, model: &Model, engine: &Engine) -> Result<Made, Diagnostic> {
        match self {
            Job::Schedule => schedule(model, engine),
            Job::Forms(unit) => forms(model, engine, *unit),
        }
    }
}

/// `sys.inputs` of the kit's templates: what `print/lib.typ` reads of every material, and the data.
#[derive(Serialize)]
struct Inputs<'a, T: Serialize> {
    title: &'a str,
    issuer: crate::channels::IssuerView,
    fonts: &'a [String],
    page: Page,
    hotlines: crate::channels::Hotlines,
    qr: Option<()>,
    url: Option<&'a str>,
    data: &'a T,
}

/// A4, no bleed: these are filled in by hand, printed on office printers.
#[derive(Serialize)]
struct Page {
    width_mm: f64,
    height_mm: f64,
    bleed_mm: f64,
    crop_marks: bool,
    scale: u32,
}

const A4: Page = Page {
    width_mm: 210.0,
    height_mm: 297.0,
    bleed_mm: 0.0,
    crop_marks: false,
    scale: 1,
};

/// Typesets `data` with `template` into a PDF (through the build cache); returns it and its
/// page count.
fn pdf<T: Serialize>(
    model: &Model,
    engine: &Engine,
    template: &str,
    label: &str,
    title: &str,
    data: &T,
) -> Result<(Vec<u8>, usize), Diagnostic> {
    let inputs = Inputs {
        title,
        issuer: crate::channels::issuer(&model.config),
        fonts: &engine.families,
        page: A4,
        hotlines: crate::channels::hotlines(&model.config),
        qr: None,
        url: None,
        data,
    };
    let what = format!("{title}（{label}）");
    let blobs = engine.cached(label, template, &inputs, || {
        let doc = engine
            .compile(template, typeset::inputs(&inputs))
            .map_err(|e| match e {
                CompileError::Overflow { field, .. } => Diagnostic::error(
                    crate::config::CONFIG_FILE,
                    format!("{what}：文字太多，缩到最小字号仍放不下；请精简这段文字"),
                )
                .field(field),
                CompileError::Template(d) => Diagnostic {
                    message: format!("{what}: {}", d.message),
                    ..d
                },
            })?;
        let pdf = engine.pdf(&doc, label).map_err(|m| {
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!("{what}: PDF 导出失败: {m}"),
            )
        })?;
        Ok(vec![pdf, (doc.pages().len() as u64).to_le_bytes().to_vec()])
    })?;
    let [pdf, pages] = <[Vec<u8>; 2]>::try_from(blobs).map_err(|_| {
        Diagnostic::error(
            crate::config::CONFIG_FILE,
            "构建缓存里的报表条目不完整；请运行 fanzha clean",
        )
    })?;
    let pages = u64::from_le_bytes(pages.try_into().unwrap_or_default()) as usize;
    Ok((pdf, pages))
}

fn record(
    kind: ReportKind,
    title: String,
    unit: Option<(&str, &str)>,
    format: &str,
    file: &str,
    pages: Option<usize>,
    bytes: &[u8],
) -> ReportRecord {
    ReportRecord {
        kind,
        title,
        unit: unit.map(|(id, _)| id.to_string()),
        unit_name: unit.map(|(_, name)| name.to_string()),
        format: format.into(),
        file: file.into(),
        pages,
        bytes: bytes.len(),
        sha256: sha256_hex(bytes),
    }
}

/// What the schedule template reads.
#[derive(Serialize)]
struct ScheduleData {
    campaign: String,
    slogan: String,
    dates: String,
    phases: Vec<PhaseRow>,
    weeks: Vec<WeekRow>,
}

#[derive(Serialize)]
struct PhaseRow {
    name: String,
    dates: String,
    description: String,
}

#[derive(Serialize)]
struct WeekRow {
    /// `第3周`, or `第3—6周` for weeks of one theme and note.
    weeks: String,
    dates: String,
    phase: String,
    theme: String,
    kind: String,
    note: String,
}

/// `3月2日—3月8日`.
pub fn span_text(start: &Date, end: &Date) -> String {
    if start == end {
        start.month_day()
    } else {
        format!("{}—{}", start.month_day(), end.month_day())
    }
}

/// The phases and the weeks that have a theme, consecutive weeks of the same theme and note in
/// one row, as the printed schedule lists them.
fn schedule_data(model: &Model) -> ScheduleData {
    let cal = &model.calendar;
    let c = &model.config.campaign;
    let dates = match (&cal.start, &cal.end) {
        (Some(s), Some(e)) => format!("{}至{}", s.chinese(), e.chinese()),
        _ => String::new(),
    };
    ScheduleData {
        campaign: model.config.title.clone(),
        slogan: c.slogan.clone(),
        dates,
        phases: cal
            .phases
            .iter()
            .map(|p| PhaseRow {
                name: p.name.clone(),
                dates: span_text(&p.start, &p.end),
                description: p.description.clone(),
            })
            .collect(),
        weeks: cal
            .weeks
            .chunk_by(|a, b| a.theme == b.theme && a.note == b.note && b.number == a.number + 1)
            .filter_map(|run| {
                let (first, last) = (run.first()?, run.last()?);
                let page = &model.pages[first.theme?];
                Some(WeekRow {
                    weeks: if run.len() == 1 {
                        format!("第{}周", first.number)
                    } else {
                        format!("第{}—{}周", first.number, last.number)
                    },
                    dates: span_text(&first.start, &last.end),
                    phase: first.phase.clone().unwrap_or_default(),
                    theme: page.title.clone(),
                    kind: page.kind.kind().map_or("", |k| k.label()).to_string(),
                    note: first.note.clone().unwrap_or_default(),
                })
            })
            .collect(),
    }
}

fn schedule(model: &Model, engine: &Engine) -> Result<Made, Diagnostic> {
    let data = schedule_data(model);
    let title = format!("{}活动日程表", model.config.title);
    let (pdf, pages) = pdf(
        model,
        engine,
        SCHEDULE_TEMPLATE,
        paths::SCHEDULE_PDF,
        &title,
        &data,
    )?;
    Ok(Made {
        records: vec![record(
            ReportKind::Schedule,
            title,
            None,
            "pdf",
            paths::SCHEDULE_PDF,
            Some(pages),
            &pdf,
        )],
        files: vec![OutFile::bytes(paths::SCHEDULE_PDF.to_string(), pdf)],
        ..Made::default()
    })
}

/// What the forms template reads: the unit and its sheets.
#[derive(Serialize)]
struct FormsData<'a> {
    unit: &'a str,
    campaign: &'a str,
    sheets: &'a [Sheet],
}

fn forms(model: &Model, engine: &Engine, unit: Option<usize>) -> Result<Made, Diagnostic> {
    let unit = unit.map(|i| &model.units.list[i]);
    let (id, name) = match unit {
        Some(u) => (Some(u.id.as_str()), u.name.as_str()),
        None => (None, model.config.issuer.name.as_str()),
    };
    let sheets = forms_of(model, unit);
    let title = format!("{name}宣传工作台账");
    let pdf_path = paths::forms(id, "pdf");
    let data = FormsData {
        unit: name,
        campaign: &model.config.title,
        sheets: &sheets,
    };
    let pdf = if engine.has_template(FORMS_TEMPLATE) {
        Some(pdf(
            model,
            engine,
            FORMS_TEMPLATE,
            &pdf_path,
            &title,
            &data,
        )?)
    } else {
        None
    };
    let xlsx_path = paths::forms(id, "xlsx");
    let book = xlsx::workbook(model, name, &sheets).map_err(|m| {
        Diagnostic::error(
            crate::config::CONFIG_FILE,
            format!("{title}：生成 Excel 文件失败（{m}）"),
        )
    })?;
    let who = unit.map(|u| (u.id.as_str(), u.name.as_str()));
    let mut made = Made::default();
    if let Some((pdf, pages)) = pdf {
        made.records.push(record(
            ReportKind::Forms,
            title.clone(),
            who,
            "pdf",
            &pdf_path,
            Some(pages),
            &pdf,
        ));
        made.files.push(OutFile::bytes(pdf_path, pdf));
    }
    made.records.push(record(
        ReportKind::Forms,
        title,
        who,
        "xlsx",
        &xlsx_path,
        Some(sheets.len()),
        &book,
    ));
    made.files.push(OutFile::bytes(xlsx_path, book));
    Ok(made)
}
