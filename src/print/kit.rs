//! The print kit as files: PDFs and previews under `print/<material>/`, `print/manifest.json`,
//! and a zip per material and size for print shops, with their artifact records. Everything
//! sorted, no timestamps.

use std::collections::BTreeMap;

use super::{Made, PrintKit};
use crate::artifact::{
    FORWARD_WIDTH, JpegRecord, PrintRecord, ZipRecord, paths, sha256_hex, zip_stored,
};
use crate::diag::display_path;
use crate::output::OutFile;

/// The PDFs of each zip, by zip path: the group (material) and the members.
type ZipMembers<'a> = BTreeMap<String, (String, Vec<(String, &'a [u8])>)>;

pub fn assemble(mut made: Vec<Made>, bleed_mm: f64) -> PrintKit {
    made.sort_by(|a, b| (a.job.material(), &a.job.stem).cmp(&(b.job.material(), &b.job.stem)));
    let mut files = Vec::new();
    let mut records = Vec::new();
    let mut zips: ZipMembers = BTreeMap::new();
    for m in &made {
        let material = m.job.material().name();
        let file = paths::print_pdf(material, &m.job.stem);
        let preview = paths::print_preview(material, &m.job.stem);
        let zip = paths::print_zip(material, &m.job.size.label);
        let jpegs: Vec<JpegRecord> = m
            .jpegs
            .iter()
            .enumerate()
            .map(|(i, j)| JpegRecord {
                file: paths::print_jpeg(material, &m.job.stem, i + 1),
                width: FORWARD_WIDTH,
                height: j.height,
                bytes: j.bytes.len(),
                quality: j.quality,
            })
            .collect();
        records.push(PrintRecord {
            material,
            material_label: m.job.material().label(),
            title: m.job.title.clone(),
            source: m.job.source.as_deref().map(display_path),
            file: file.clone(),
            preview: preview.clone(),
            size: m.job.size.label.clone(),
            trim_mm: [m.job.size.width_mm, m.job.size.height_mm],
            bleed_mm,
            scale: format!("1:{}", m.job.scale),
            pages: m.pages,
            bytes: m.pdf.len(),
            sha256: sha256_hex(&m.pdf),
            zip: zip.clone(),
            jpegs: jpegs.clone(),
        });
        zips.entry(zip)
            .or_insert_with(|| (material.to_string(), Vec::new()))
            .1
            .push((format!("{}.pdf", m.job.stem), &m.pdf));
        files.push(OutFile::bytes(file, m.pdf.clone()));
        files.push(OutFile::bytes(preview, m.preview.clone()));
        for (r, j) in jpegs.into_iter().zip(&m.jpegs) {
            files.push(OutFile::bytes(r.file, j.bytes.clone()));
        }
    }
    let mut zip_records = Vec::new();
    for (name, (group, members)) in zips {
        let bytes = zip_stored(&members);
        zip_records.push(ZipRecord {
            file: name.clone(),
            group,
            members: members.len(),
            bytes: bytes.len(),
        });
        files.push(OutFile::bytes(name, bytes));
    }
    let manifest = serde_json::json!({ "generator": "fanzha", "materials": records });
    let mut json = serde_json::to_string_pretty(&manifest).expect("manifest serializes");
    json.push('\n');
    files.push(OutFile::bytes(paths::PRINT_MANIFEST, json));
    PrintKit {
        files,
        records,
        zips: zip_records,
    }
}
