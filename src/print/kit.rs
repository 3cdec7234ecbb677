//! The print kit as files: PDFs and previews under `print/<material>/`, `print/manifest.json`,
//! and a zip per material and size for print shops. Everything sorted, no timestamps.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Made, PrintKit};
use crate::diag::display_path;
use crate::output::OutFile;

/// One PDF as the manifest lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestEntry {
    pub material: &'static str,
    pub material_label: &'static str,
    pub title: String,
    /// The content page it was made from.
    pub source: Option<String>,
    pub file: String,
    pub preview: String,
    pub size: String,
    /// Trim size in millimetres at real size.
    pub trim_mm: [f64; 2],
    pub bleed_mm: f64,
    /// `1:1`, or `1:10` for banners longer than a PDF page can be.
    pub scale: String,
    pub pages: usize,
    pub bytes: usize,
    pub sha256: String,
}

pub fn assemble(mut made: Vec<Made>, bleed_mm: f64) -> PrintKit {
    made.sort_by(|a, b| (a.job.material, &a.job.stem).cmp(&(b.job.material, &b.job.stem)));
    let mut files = Vec::new();
    let mut entries = Vec::new();
    let mut zips: BTreeMap<String, Vec<(String, &[u8])>> = BTreeMap::new();
    for m in &made {
        let dir = format!("print/{}", m.job.material.name());
        let file = format!("{dir}/{}.pdf", m.job.stem);
        let preview = format!("{dir}/{}.png", m.job.stem);
        entries.push(ManifestEntry {
            material: m.job.material.name(),
            material_label: m.job.material.label(),
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
            sha256: hex(&Sha256::digest(&m.pdf)),
        });
        let zip_name = format!(
            "print/zip/{}-{}.zip",
            m.job.material.name(),
            m.job.size.label
        );
        zips.entry(zip_name)
            .or_default()
            .push((format!("{}.pdf", m.job.stem), &m.pdf));
        files.push(OutFile::bytes(file, m.pdf.clone()));
        files.push(OutFile::bytes(preview, m.preview.clone()));
    }
    for (name, members) in zips {
        files.push(OutFile::bytes(name, zip(&members)));
    }
    let manifest = serde_json::json!({ "generator": "fanzha", "materials": entries });
    let mut json = serde_json::to_string_pretty(&manifest).expect("manifest serializes");
    json.push('\n');
    files.push(OutFile::bytes("print/manifest.json", json));
    PrintKit { files, entries }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stored (uncompressed: PDFs and PNGs are compressed already) zip with fixed timestamps.
pub fn zip(members: &[(String, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in members {
        w.start_file(name.as_str(), options).expect("in-memory zip");
        w.write_all(bytes).expect("in-memory zip");
    }
    w.finish().expect("in-memory zip").into_inner()
}
