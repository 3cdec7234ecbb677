//! The campaign's calendar: its phases and its weeks (Monday to Sunday, week 1 being the week the
//! campaign starts in), each week with the phase it falls in and the theme the schedule gives it,
//! links resolved. Read by the site (calendar page, this week's theme on the home page) and the
//! reports kit (`.ics`, the printed schedule); what "this week" is depends on the build date only.

use serde::Serialize;

use crate::config::CONFIG_FILE;
use crate::content::{Kind, Model, PageId};
use crate::date::Date;
use crate::diag::Diagnostic;

/// The campaign's calendar, when config.toml gives its start and end.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub phases: Vec<PhaseDays>,
    pub weeks: Vec<Week>,
}

/// One phase with its days.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PhaseDays {
    pub name: String,
    pub start: Date,
    pub end: Date,
    pub description: String,
}

/// One week of the campaign, clipped to the campaign's dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Week {
    /// From 1.
    pub number: u32,
    pub start: Date,
    pub end: Date,
    /// The phase the week's first day falls in.
    pub phase: Option<String>,
    /// The page the schedule pushes that week, and what units do.
    pub theme: Option<PageId>,
    pub note: Option<String>,
}

impl Calendar {
    /// Whether the campaign has anything to put on a calendar.
    pub fn is_empty(&self) -> bool {
        self.phases.is_empty() && !self.weeks.iter().any(|w| w.theme.is_some())
    }

    /// The week `day` falls in, if the campaign runs then.
    pub fn week_of(&self, day: &Date) -> Option<&Week> {
        let day = day.day_only();
        self.weeks.iter().find(|w| w.start <= day && day <= w.end)
    }

    /// The phase `day` falls in.
    pub fn phase_of(&self, day: &Date) -> Option<&PhaseDays> {
        let day = day.day_only();
        self.phases.iter().find(|p| p.start <= day && day <= p.end)
    }
}

/// The calendar of `model`'s config, with the schedule's `@/` links resolved; a link to no scam
/// type (`scam`) or audience page (`audience`) is an error.
pub fn resolve(model: &Model, diags: &mut Vec<Diagnostic>) -> Calendar {
    let c = &model.config.campaign;
    let (Some(start), Some(end)) = (c.start.clone(), c.end.clone()) else {
        return Calendar::default();
    };
    let phases: Vec<PhaseDays> = c
        .phases
        .iter()
        .map(|p| PhaseDays {
            name: p.name.clone(),
            start: p.start.day_only(),
            end: p.end.day_only(),
            description: p.description.clone(),
        })
        .collect();
    let mut weeks = weeks_between(&start.day_only(), &end.day_only());
    for w in &mut weeks {
        w.phase = phases
            .iter()
            .find(|p| p.start <= w.end && w.start <= p.end)
            .map(|p| p.name.clone());
    }
    for entry in &c.weeks {
        let (link, kind) = match (&entry.scam, &entry.audience) {
            (Some(l), _) => (l, Kind::Scam),
            (None, Some(l)) => (l, Kind::Audience),
            (None, None) => continue, // config.rs reported it
        };
        let id = model
            .page_by_link(link)
            .filter(|&id| model.pages[id].kind.kind() == Some(kind));
        let Some(id) = id else {
            diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    format!(
                        "第 {} 周的主题 `{link}` 不是{}页面；请写成 @/….md，指向 content/ 里的页面",
                        entry.week,
                        kind.label()
                    ),
                )
                .field("campaign.weeks"),
            );
            continue;
        };
        for w in weeks
            .iter_mut()
            .filter(|w| (entry.week..=entry.last()).contains(&w.number))
        {
            w.theme = Some(id);
            w.note = entry.note.clone();
        }
    }
    Calendar {
        start: Some(start),
        end: Some(end),
        phases,
        weeks,
    }
}

/// The weeks from `start` to `end`, Monday to Sunday, the first and last clipped.
fn weeks_between(start: &Date, end: &Date) -> Vec<Week> {
    let mut out = Vec::new();
    let mut monday = start.monday();
    while monday <= *end {
        let sunday = monday.plus_days(6);
        out.push(Week {
            number: out.len() as u32 + 1,
            start: if monday < *start {
                start.clone()
            } else {
                monday.clone()
            },
            end: if sunday > *end { end.clone() } else { sunday },
            phase: None,
            theme: None,
            note: None,
        });
        monday = monday.plus_days(7);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_run_monday_to_sunday_clipped_to_the_campaign() {
        let d = |s| Date::parse(s).unwrap();
        let weeks = weeks_between(&d("2026-01-01"), &d("2026-01-20"));
        let spans: Vec<String> = weeks
            .iter()
            .map(|w| format!("{} {}..{}", w.number, w.start, w.end))
            .collect();
        assert_eq!(
            spans,
            [
                "1 2026-01-01..2026-01-04",
                "2 2026-01-05..2026-01-11",
                "3 2026-01-12..2026-01-18",
                "4 2026-01-19..2026-01-20"
            ]
        );
    }
}
