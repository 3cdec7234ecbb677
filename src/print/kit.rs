//! The print kit as files: PDFs and previews under `print/<material>/` (a unit's under
//! `downloads/units/<id>/`), a zip per material and size for print shops and one per unit, with
//! their artifact records. Everything sorted, no timestamps.

use std::collections::BTreeMap;

use super::materials::Job;
use super::{Made, PrintKit};
use crate::artifact::{
    FORWARD_WIDTH, JpegRecord, PrintRecord, ZipRecord, paths, sha256_hex, zip_stored,
};
use crate::diag::display_path;
use crate::output::OutFile;

/// The PDFs of each zip, by zip path: the group (material or unit), the unit, and the members.
type ZipMembers<'a> = BTreeMap<String, (String, Option<String>, Vec<(String, &'a [u8])>)>;

/// Where a job's PDF, preview, pictures to forward and zip go.
pub(super) struct Placed {
    pub file: String,
    preview: String,
    zip: String,
    group: String,
}

impl Placed {
    /// The `part`-th picture to forward (from 1), beside the PDF: `….jpg`, then `…-2.jpg`.
    fn jpeg(&self, part: usize) -> String {
        paths::jpeg_part(self.file.strip_suffix(".pdf").unwrap_or(&self.file), part)
    }
}

pub(super) fn place(job: &Job) -> Placed {
    let material = job.material().name();
    match &job.unit {
        Some(unit) => Placed {
            file: paths::unit_file(unit, &format!("{}.pdf", job.stem)),
            preview: paths::unit_file(unit, &format!("{}.png", job.stem)),
            zip: paths::unit_zip(unit),
            group: unit.clone(),
        },
        None => Placed {
            file: paths::print_pdf(material, &job.stem),
            preview: paths::print_preview(material, &job.stem),
            zip: paths::print_zip(material, &job.size.label),
            group: material.to_string(),
        },
    }
}

/// The records of the forwardable pictures a job made.
fn pictures(m: &Made) -> Vec<JpegRecord> {
    let placed = place(&m.job);
    m.jpegs
        .iter()
        .enumerate()
        .map(|(i, j)| JpegRecord {
            file: placed.jpeg(i + 1),
            width: FORWARD_WIDTH,
            height: j.height,
            bytes: j.bytes.len(),
            quality: j.quality,
        })
        .collect()
}

pub fn assemble(mut made: Vec<Made>, bleed_mm: f64) -> PrintKit {
    // The campaign's materials first, by material and file; then each unit's, by unit.
    made.sort_by(|a, b| {
        let key = |m: &Made| (m.job.unit.clone(), m.job.material(), m.job.stem.clone());
        key(a).cmp(&key(b))
    });
    let mut files = Vec::new();
    let mut records = Vec::new();
    let mut zips: ZipMembers = BTreeMap::new();
    let own_pictures: BTreeMap<(Option<&str>, &str), Vec<JpegRecord>> = made
        .iter()
        .filter(|m| m.job.pictures_of.is_none())
        .map(|m| ((m.job.unit.as_deref(), m.job.stem.as_str()), pictures(m)))
        .collect();
    for m in &made {
        let placed = place(&m.job);
        let shown = m.job.pictures_of.as_deref().unwrap_or(&m.job.stem);
        let jpegs = own_pictures
            .get(&(m.job.unit.as_deref(), shown))
            .cloned()
            .unwrap_or_default();
        records.push(PrintRecord {
            material: m.job.material().name().to_string(),
            material_label: m.job.material().label().to_string(),
            unit: m.job.unit.clone(),
            title: m.job.title.clone(),
            source: m.job.source.as_deref().map(display_path),
            file: placed.file.clone(),
            preview: placed.preview.clone(),
            size: m.job.size.label.clone(),
            trim_mm: [m.job.size.width_mm, m.job.size.height_mm],
            bleed_mm,
            scale: format!("1:{}", m.job.scale),
            pages: m.pages,
            bytes: m.pdf.len(),
            sha256: sha256_hex(&m.pdf),
            zip: placed.zip.clone(),
            jpegs,
        });
        zips.entry(placed.zip)
            .or_insert_with(|| (placed.group, m.job.unit.clone(), Vec::new()))
            .2
            .push((format!("{}.pdf", m.job.stem), &m.pdf));
    }
    let mut zip_records = Vec::new();
    for (name, (group, unit, mut members)) in zips {
        members.sort_by(|a, b| a.0.cmp(&b.0));
        let bytes = zip_stored(&members);
        zip_records.push(ZipRecord {
            file: name.clone(),
            group,
            unit,
            members: members.len(),
            bytes: bytes.len(),
        });
        files.push(OutFile::bytes(name, bytes));
    }
    // The bytes move into the files: a kit's PDFs and pictures are held once.
    for m in made {
        let placed = place(&m.job);
        files.push(OutFile::bytes(placed.file.clone(), m.pdf));
        files.push(OutFile::bytes(placed.preview.clone(), m.preview));
        for (i, j) in m.jpegs.into_iter().enumerate() {
            files.push(OutFile::bytes(placed.jpeg(i + 1), j.bytes));
        }
    }
    PrintKit {
        files,
        records,
        zips: zip_records,
    }
}
