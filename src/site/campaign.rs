//! Views of the campaign's calendar (the calendar page, this week's theme on the home page), of
//! the reporting kit's files in the 下载中心, and of the activity gallery. The week that is "this
//! week" comes from the calendar record the build date made, never from the clock.

use serde::Serialize;

use crate::artifact::{CalendarRecord, ReportKind, ReportRecord, paths};
use crate::calendar::Week;
use crate::content::{Model, Page};
use crate::zh::bytes_text;

/// This week of the campaign, as the home page highlights it.
#[derive(Serialize, Clone)]
pub struct ThisWeek {
    pub number: u32,
    pub dates: String,
    pub phase: Option<String>,
    /// The theme's page: its title and path.
    pub title: Option<String>,
    pub path: Option<String>,
    pub kind: Option<&'static str>,
    pub summary: Option<String>,
    pub note: Option<String>,
}

/// Consecutive weeks of one theme and note on the calendar page.
#[derive(Serialize)]
pub struct WeekRow {
    /// `第3周` or `第3—6周`.
    pub weeks: String,
    pub dates: String,
    pub phase: Option<String>,
    pub title: Option<String>,
    pub path: Option<String>,
    pub kind: Option<&'static str>,
    pub note: Option<String>,
    pub current: bool,
}

#[derive(Serialize)]
pub struct PhaseRow {
    pub name: String,
    pub dates: String,
    pub description: String,
    pub current: bool,
}

/// The calendar page.
#[derive(Serialize)]
pub struct CalendarView {
    pub dates: Option<String>,
    pub build_date: String,
    pub phases: Vec<PhaseRow>,
    /// Only the weeks with a theme.
    pub weeks: Vec<WeekRow>,
    pub ics: Option<String>,
    pub schedule: Option<String>,
}

fn dates(w: &Week) -> String {
    format!("{}—{}", w.start.month_day(), w.end.month_day())
}

/// This week, when the build date falls in the campaign.
pub fn this_week(model: &Model, record: Option<&CalendarRecord>) -> Option<ThisWeek> {
    let record = record?;
    let n = record.this_week?;
    let week = model.calendar.weeks.iter().find(|w| w.number == n)?;
    let page: Option<&Page> = week.theme.map(|id| &model.pages[id]);
    Some(ThisWeek {
        number: n,
        dates: dates(week),
        phase: record.this_phase.clone().or_else(|| week.phase.clone()),
        title: page.map(|p| p.title.clone()),
        path: page.map(|p| p.path.clone()),
        kind: page.and_then(|p| p.kind.kind()).map(|k| k.label()),
        summary: page.map(super::views::summary),
        note: week.note.clone(),
    })
}

/// The calendar page's view, when the campaign has a calendar.
pub fn calendar(
    model: &Model,
    record: Option<&CalendarRecord>,
    reports: &[ReportRecord],
) -> Option<CalendarView> {
    let cal = &model.calendar;
    if cal.is_empty() {
        return None;
    }
    let today = record.map(|r| r.build_date.clone());
    let this_week = record.and_then(|r| r.this_week);
    let file_of = |kind| {
        reports
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| r.file.clone())
    };
    Some(CalendarView {
        dates: cal
            .start
            .as_ref()
            .zip(cal.end.as_ref())
            .map(|(s, e)| format!("{}至{}", s.chinese(), e.chinese())),
        build_date: today.as_ref().map(|d| d.chinese()).unwrap_or_default(),
        phases: cal
            .phases
            .iter()
            .map(|p| PhaseRow {
                name: p.name.clone(),
                dates: format!("{}至{}", p.start.chinese(), p.end.chinese()),
                description: p.description.clone(),
                current: today.as_ref().is_some_and(|d| p.start <= *d && *d <= p.end),
            })
            .collect(),
        weeks: cal
            .weeks
            .chunk_by(|a, b| a.theme == b.theme && a.note == b.note)
            .filter(|run| run[0].theme.is_some())
            .map(|run| {
                let (first, last) = (&run[0], &run[run.len() - 1]);
                let page = first.theme.map(|id| &model.pages[id]);
                WeekRow {
                    weeks: if run.len() == 1 {
                        format!("第{}周", first.number)
                    } else {
                        format!("第{}—{}周", first.number, last.number)
                    },
                    dates: format!("{}—{}", first.start.month_day(), last.end.month_day()),
                    phase: first.phase.clone(),
                    title: page.map(|p| p.title.clone()),
                    path: page.map(|p| p.path.clone()),
                    kind: page.and_then(|p| p.kind.kind()).map(|k| k.label()),
                    note: first.note.clone(),
                    current: run.iter().any(|w| this_week == Some(w.number)),
                }
            })
            .collect(),
        ics: file_of(ReportKind::Calendar),
        schedule: file_of(ReportKind::Schedule),
    })
}

/// One file of the reporting kit in the 下载中心.
#[derive(Serialize)]
pub struct ReportLink {
    pub file: String,
    /// `PDF`, `Excel`, `Word`, `ICS`.
    pub format: &'static str,
    pub bytes_text: String,
}

/// One line of the 下载中心's reporting kit: a kind (of one unit) and its files.
#[derive(Serialize)]
pub struct ReportRow {
    pub label: &'static str,
    pub unit: Option<String>,
    pub links: Vec<ReportLink>,
}

/// A unit's forms, as its page links them.
pub fn unit_forms(reports: &[ReportRecord], unit: &str) -> Vec<ReportLink> {
    reports
        .iter()
        .filter(|r| r.kind == ReportKind::Forms && r.unit.as_deref() == Some(unit))
        .map(link)
        .collect()
}

fn link(r: &ReportRecord) -> ReportLink {
    ReportLink {
        file: r.file.clone(),
        format: match r.format.as_str() {
            "pdf" => "PDF",
            "xlsx" => "Excel",
            "docx" => "Word",
            "ics" => "ICS",
            _ => "文件",
        },
        bytes_text: bytes_text(r.bytes),
    }
}

/// The reporting kit's files by kind and unit, in the order calendar (with the printed schedule
/// on its line), summary, forms. Each unit's forms are on its own page: a sharded build's
/// 下载中心 is made by the shard with the campaign's files, which has only its own units'.
pub fn report_rows(reports: &[ReportRecord]) -> Vec<ReportRow> {
    let mut rows: Vec<ReportRow> = Vec::new();
    for kind in [
        ReportKind::Calendar,
        ReportKind::Schedule,
        ReportKind::Summary,
        ReportKind::Forms,
    ] {
        // The schedule is the calendar on paper: one line for both.
        let label = match kind {
            ReportKind::Schedule => ReportKind::Calendar.label(),
            k => k.label(),
        };
        let listed = |r: &&ReportRecord| r.kind == kind && r.unit.is_none();
        for r in reports.iter().filter(listed) {
            let link = link(r);
            match rows.last_mut() {
                Some(row) if row.label == label && row.unit == r.unit_name => row.links.push(link),
                _ => rows.push(ReportRow {
                    label,
                    unit: r.unit_name.clone(),
                    links: vec![link],
                }),
            }
        }
    }
    rows
}

/// Where the calendar page lives.
pub const CALENDAR_PATH: &str = paths::CALENDAR_PAGE;

/// One event of the gallery: a page of the gallery section with its photos.
#[derive(Serialize)]
pub struct Event {
    pub date_zh: Option<String>,
    pub place: Option<String>,
    /// The photos' file names, beside the page (the site shows them through `pictures`).
    pub photos: Vec<String>,
}

/// The gallery view of an event page: its date, its place (`extra.place`) and its photos.
pub fn event(model: &Model, page: &Page) -> Event {
    let photos = model.gallery_photos(page);
    Event {
        date_zh: page.front.date.as_ref().map(|d| d.chinese()),
        place: page
            .front
            .extra
            .get("place")
            .and_then(|v| v.as_str())
            .map(str::to_string),
        photos: photos
            .into_iter()
            .map(|a| a.path.rsplit('/').next().unwrap_or(&a.path).to_string())
            .collect(),
    }
}
