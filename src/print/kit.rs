//! The print kit as files: PDFs and previews under `print/<material>/` (a unit's under
//! `downloads/units/<id>/`), a zip per material and size for print shops and one per unit, with
//! their artifact records. Everything sorted, no timestamps.

use std::collections::BTreeMap;

use super::materials::Job;
use super::{Made, PrintKit};
use crate::artifact::{
    FORWARD_WIDTH, JpegRecord, PrintRecord, ZipRecord, paths, sha256_hex, zip_stored,
};
use crate::diag::{Diagnostic, display_path};
use crate::output::{OutFile, Sink};

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

/// A material whose preview and pictures went to the output as soon as it was made: what the kit
/// still needs for its records and zips.
pub(super) struct Handed {
    job: Job,
    pdf: Vec<u8>,
    pages: usize,
    /// The records of the pictures it made itself (none when it shows another job's).
    pictures: Vec<JpegRecord>,
}

/// Hands `m`'s preview and forwardable pictures to `sink`, keeping its PDF for the zips.
pub(super) fn hand_over(m: Made, sink: &dyn Sink) -> Result<Handed, Diagnostic> {
    let placed = place(&m.job);
    let pictures: Vec<JpegRecord> = m
        .jpegs
        .iter()
        .enumerate()
        .map(|(i, j)| JpegRecord {
            file: placed.jpeg(i + 1),
            width: FORWARD_WIDTH,
            height: j.height,
            bytes: j.bytes.len(),
            quality: j.quality,
        })
        .collect();
    let put = |path: String, bytes: Vec<u8>| {
        sink.put(OutFile::bytes(path.clone(), bytes))
            .map_err(|e| Diagnostic::error(path, e.to_string()))
    };
    put(placed.preview, m.preview)?;
    for (record, j) in pictures.iter().zip(m.jpegs) {
        put(record.file.clone(), j.bytes)?;
    }
    Ok(Handed {
        job: m.job,
        pdf: m.pdf,
        pages: m.pages,
        pictures,
    })
}

/// The records and zips of materials already handed over, with their PDFs and zips as files.
pub(super) fn assemble(mut made: Vec<Handed>, bleed_mm: f64) -> PrintKit {
    // The campaign's materials first, by material and file; then each unit's, by unit.
    made.sort_by(|a, b| {
        let key = |m: &Handed| (m.job.unit.clone(), m.job.material(), m.job.stem.clone());
        key(a).cmp(&key(b))
    });
    let mut files = Vec::new();
    let mut records = Vec::new();
    let mut zips: ZipMembers = BTreeMap::new();
    let own_pictures: BTreeMap<(Option<&str>, &str), &Vec<JpegRecord>> = made
        .iter()
        .filter(|m| m.job.pictures_of.is_none())
        .map(|m| ((m.job.unit.as_deref(), m.job.stem.as_str()), &m.pictures))
        .collect();
    for m in &made {
        let placed = place(&m.job);
        let shown = m.job.pictures_of.as_deref().unwrap_or(&m.job.stem);
        let jpegs = own_pictures
            .get(&(m.job.unit.as_deref(), shown))
            .map(|p| p.to_vec())
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
    // The PDFs move into the files: they are held once.
    for m in made {
        files.push(OutFile::bytes(place(&m.job).file, m.pdf));
    }
    PrintKit {
        files,
        records,
        zips: zip_records,
    }
}
