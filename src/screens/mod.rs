//! The screen kit: images at the exact pixel size of each configured screen. Full-colour
//! displays get slides (laid out by the shared Typst engine) and a playlist; LED strips get
//! palette-only text images, from a bitmap font at 16 px and a thresholded bold outline font from
//! 24 px. It reads the model and hands each profile's files and zip to the output as the profile
//! is done.

mod display;
mod outline;
pub mod strip;
mod strips;

use crate::artifact::{ProfileRecord, ScreenRecord, ZipRecord, paths, zip_stored};
use crate::config::ScreenKind;
use crate::content::Model;
use crate::diag::Diagnostic;
use crate::output::{OutFile, Sink};
use crate::typeset::Engine;

#[derive(Default)]
pub struct ScreenKit {
    pub files: Vec<OutFile>,
    pub records: Vec<ScreenRecord>,
    pub profiles: Vec<ProfileRecord>,
    pub zips: Vec<ZipRecord>,
    /// Things the kit could make but an operator would not want (a slogan paged over too many
    /// strip screens).
    pub warnings: Vec<Diagnostic>,
}

/// Renders every profile and hands its files and zip to `sink` as soon as the profile is done
/// (a profile's images are held only until zipped); all problems are returned together. The
/// returned kit holds the records; its `files` are empty.
pub fn render(
    model: &Model,
    engine: &Engine,
    sink: &dyn Sink,
) -> Result<ScreenKit, Vec<Diagnostic>> {
    let mut kit = ScreenKit::default();
    let mut errors = Vec::new();
    for profile in &model.config.screens.profiles {
        let made = match profile.kind {
            ScreenKind::Display => display::render(model, engine, profile),
            // Strips show campaign slogans only: the shard that makes the campaign's files.
            ScreenKind::Strip if !model.shard.owns_campaign() => continue,
            ScreenKind::Strip => strips::render(model, engine, profile),
        };
        match made.and_then(|part| hand_over(part, sink)) {
            Ok(mut part) => {
                kit.records.append(&mut part.records);
                kit.profiles.append(&mut part.profiles);
                kit.zips.append(&mut part.zips);
                kit.warnings.append(&mut part.warnings);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(kit)
    } else {
        Err(errors)
    }
}

/// Zips each profile of `part` and hands its files and zip to `sink`; returns `part` without its
/// files and with the zips' records.
fn hand_over(mut part: ScreenKit, sink: &dyn Sink) -> Result<ScreenKit, Vec<Diagnostic>> {
    for p in &part.profiles {
        let dir = paths::screen_file(&p.name, "");
        let members: Vec<(String, &[u8])> = part
            .files
            .iter()
            .filter(|f| f.path.starts_with(&dir))
            .filter_map(|f| match &f.content {
                crate::output::Content::Bytes(b) => {
                    Some((f.path[dir.len()..].to_string(), b.as_slice()))
                }
                crate::output::Content::Copy(_) => None,
            })
            .collect();
        let bytes = zip_stored(&members);
        part.zips.push(ZipRecord {
            file: p.zip.clone(),
            group: p.name.clone(),
            unit: None,
            members: members.len(),
            bytes: bytes.len(),
        });
        part.files.push(OutFile::bytes(p.zip.clone(), bytes));
    }
    for f in std::mem::take(&mut part.files) {
        let path = f.path.clone();
        sink.put(f)
            .map_err(|e| vec![Diagnostic::error(path, e.to_string())])?;
    }
    Ok(part)
}
