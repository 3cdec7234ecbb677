//! The print kit's materials for each unit of the units table, as its type chooses them: the
//! contact poster, a school's letter to parents over its roster, a village's notice-board card
//! and a bank branch's counter card. Each carries the unit's name, its people to call and a QR
//! code to its own page. Only the units of this build's shard are made.

use super::data::{self, Data, UnitSheet};
use super::materials::{Job, Letter, Pages, letter_job, page_url, receipts, size};
use crate::config::{PaperSize, UnitMaterial};
use crate::content::{KindData, Model};
use crate::diag::Diagnostic;
use crate::units::{Unit, UnitType, unit_path};

/// How many scam types a unit's poster or card names with their rules.
const SCAMS_PER_SHEET: usize = 3;

/// The jobs of every unit this build makes, in table order, one list per unit.
pub fn jobs(model: &Model) -> Result<Vec<Vec<Job>>, Vec<Diagnostic>> {
    let units = &model.units;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for unit in units.list.iter().filter(|u| model.shard.owns_unit(&u.id)) {
        let Some(kind) = units.type_of(unit) else {
            continue;
        };
        let mut own = Vec::new();
        for &material in &kind.materials {
            match unit_job(model, unit, kind, material) {
                Ok(Some(job)) => own.push(job),
                Ok(None) => {}
                Err(es) => errors.extend(es),
            }
        }
        if !own.is_empty() {
            out.push(own);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The job of one material of `unit`; none for a slide (the screen kit makes those).
fn unit_job(
    model: &Model,
    unit: &Unit,
    kind: &UnitType,
    material: UnitMaterial,
) -> Result<Option<Job>, Vec<Diagnostic>> {
    let cfg = &model.config.units;
    let a4 = || size("a4", 210.0, 297.0);
    let sheet = |make: fn(UnitSheet) -> Data, stem: &str, label: &str, paper: PaperSize| Job {
        stem: format!("{stem}-{}", paper.label),
        title: format!("{}{label}", unit.name),
        source: model.units.table.clone(),
        size: paper,
        scale: 1,
        pages: Pages::Exactly(1),
        qr_url: page_url(&model.config, &unit_path(&unit.id)),
        unit: Some(unit.id.clone()),
        pictures_of: None,
        data: make(unit_sheet(model, unit, kind)),
    };
    Ok(Some(match material {
        UnitMaterial::Poster => sheet(
            Data::UnitPoster,
            "poster",
            "反诈联系海报",
            cfg.poster_size.clone(),
        ),
        UnitMaterial::Notice => sheet(Data::NoticeCard, "notice", "公开栏反诈联系卡", a4()),
        UnitMaterial::Counter => sheet(
            Data::CounterCard,
            "counter",
            "柜台防骗提示卡",
            cfg.counter_size.clone(),
        ),
        UnitMaterial::Letter => letter_job(model, unit_letter(model, unit))?,
        UnitMaterial::Slide => return Ok(None),
    }))
}

/// What a unit's poster and cards show besides the campaign's hotlines.
fn unit_sheet(model: &Model, unit: &Unit, kind: &UnitType) -> UnitSheet {
    let scams = kind
        .scams
        .iter()
        .filter_map(|&id| {
            let p = &model.pages[id];
            match &p.kind {
                KindData::Scam { fields, .. } => Some(data::UnitScam {
                    title: p.print_title().to_string(),
                    rule: fields.rule.clone(),
                }),
                _ => None,
            }
        })
        .take(SCAMS_PER_SHEET)
        .collect();
    UnitSheet {
        unit: unit.card(),
        scams,
        slogan: model.config.campaign.slogan.clone(),
    }
}

/// A school's letter: one page per student of its roster, receipts numbered within the school;
/// a page with blanks when it has no roster.
fn unit_letter(model: &Model, unit: &Unit) -> Letter {
    let roster = unit
        .roster
        .iter()
        .map(|s| (s.class.clone(), s.name.clone()))
        .collect();
    Letter {
        school: unit.name.clone(),
        students: receipts(model, roster),
        source: model.units.table.clone(),
        qr_url: page_url(&model.config, &unit_path(&unit.id)),
        unit: Some(unit.card()),
    }
}
