//! The calendar as RFC 5545 iCalendar that phone calendars import: an all-day event per phase
//! and per week with a theme. Deterministic: DTSTAMP is the build date's midnight (UTC), UIDs
//! are made from the campaign and the event, never from the clock or a random number.

use icalendar::{Calendar, Component, Property};

use crate::content::Model;
use crate::date::Date;

/// The `.ics` text of the campaign's calendar as of `today`.
pub fn calendar(model: &Model, today: &Date) -> String {
    let c = &model.config;
    let cal = &model.calendar;
    let stamp = format!(
        "{:04}{:02}{:02}T000000Z",
        today.year, today.month, today.day
    );
    // Stable across builds, different between campaigns.
    let id = crate::artifact::sha256_hex(
        format!("{}\n{}\n{:?}", c.title, c.issuer.name, cal.start).as_bytes(),
    );
    let domain = format!("{}.fanzha", &id[..12]);
    let mut out = Calendar::empty();
    out.append_property(Property::new("VERSION", "2.0"));
    out.append_property(Property::new("PRODID", "-//fanzha//campaign calendar//ZH"));
    out.append_property(Property::new("CALSCALE", "GREGORIAN"));
    out.append_property(Property::new("METHOD", "PUBLISH"));
    out.append_property(Property::new("X-WR-CALNAME", &c.title));
    out.append_property(Property::new("X-WR-TIMEZONE", "Asia/Shanghai"));
    for (i, p) in cal.phases.iter().enumerate() {
        let mut ev = icalendar::Event::new();
        ev.uid(&format!("phase-{}-{}@{domain}", i + 1, p.start))
            .add_property("DTSTAMP", &stamp)
            .summary(&format!("【{}】{}", p.name, c.title))
            .description(&if p.description.is_empty() {
                format!("{}至{}", p.start.chinese(), p.end.chinese())
            } else {
                p.description.clone()
            });
        all_day(&mut ev, &p.start, &p.end);
        out.push(ev.done());
    }
    for w in &cal.weeks {
        let Some(id) = w.theme else { continue };
        let page = &model.pages[id];
        let mut text = w.note.clone().unwrap_or_default();
        if let Some(base) = &c.base_url {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&format!("{base}{}", page.path));
        }
        let mut ev = icalendar::Event::new();
        ev.uid(&format!("week-{}-{}@{domain}", w.number, w.start))
            .add_property("DTSTAMP", &stamp)
            .summary(&format!("第{}周宣传主题：{}", w.number, page.title));
        if !text.is_empty() {
            ev.description(&text);
        }
        if let Some(base) = &c.base_url {
            ev.add_property("URL", format!("{base}{}", page.path));
        }
        all_day(&mut ev, &w.start, &w.end);
        out.push(ev.done());
    }
    out.done().to_string()
}

/// DTSTART and DTEND as dates: DTEND is the day after the last (RFC 5545 3.6.1).
fn all_day(ev: &mut icalendar::Event, first: &Date, last: &Date) {
    let day = |d: &Date| format!("{:04}{:02}{:02}", d.year, d.month, d.day);
    for (name, d) in [("DTSTART", first.clone()), ("DTEND", last.plus_days(1))] {
        ev.append_property(
            Property::new(name, day(&d))
                .append_parameter(("VALUE", "DATE"))
                .done(),
        );
    }
}
