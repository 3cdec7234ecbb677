//! The screen kit: images at the exact pixel size of each configured screen. Full-colour
//! displays get slides (laid out by the shared Typst engine) and a playlist; LED strips get
//! palette-only text images, from a bitmap font at 16 px and a thresholded bold outline font from
//! 24 px. It reads the model and returns files.

mod display;
mod outline;
pub mod strip;
mod strips;

use serde::Serialize;

use crate::config::ScreenKind;
use crate::content::Model;
use crate::diag::Diagnostic;
use crate::output::OutFile;
use crate::typeset::Engine;

/// One image (or animation, or text file) as the screens manifest lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ScreenEntry {
    pub profile: String,
    pub kind: ScreenKind,
    pub file: String,
    pub title: String,
    /// The content file the image was made from, when it is one page's (a scam type's slide).
    pub source: Option<String>,
    /// Pixel size, for images.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub bytes: usize,
}

/// What one screen profile contributes to the manifest besides its files.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileSummary {
    pub name: String,
    pub kind: ScreenKind,
    pub width: u32,
    pub height: u32,
    /// Displays: seconds for one pass through all slides.
    pub loop_seconds: Option<u32>,
    pub max_gap_seconds: Option<u32>,
}

#[derive(Default)]
pub struct ScreenKit {
    pub files: Vec<OutFile>,
    pub entries: Vec<ScreenEntry>,
    pub profiles: Vec<ProfileSummary>,
    /// Things the kit could make but an operator would not want (a slogan paged over too many
    /// strip screens).
    pub warnings: Vec<Diagnostic>,
}

/// Renders every profile; all problems are returned together.
pub fn render(model: &Model, engine: &Engine) -> Result<ScreenKit, Vec<Diagnostic>> {
    let mut kit = ScreenKit::default();
    let mut errors = Vec::new();
    for profile in &model.config.screens.profiles {
        let made = match profile.kind {
            ScreenKind::Display => display::render(model, engine, profile),
            ScreenKind::Strip => strips::render(model, engine, profile),
        };
        match made {
            Ok(mut part) => {
                kit.files.append(&mut part.files);
                kit.entries.append(&mut part.entries);
                kit.profiles.append(&mut part.profiles);
                kit.warnings.append(&mut part.warnings);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let manifest = serde_json::json!({ "generator": "fanzha", "profiles": kit.profiles, "files": kit.entries });
    let mut json = serde_json::to_string_pretty(&manifest).expect("manifest serializes");
    json.push('\n');
    kit.files
        .push(OutFile::bytes("screens/manifest.json", json));
    for p in &kit.profiles {
        let members: Vec<(String, &[u8])> = kit
            .files
            .iter()
            .filter(|f| f.path.starts_with(&format!("screens/{}/", p.name)))
            .filter_map(|f| match &f.content {
                crate::output::Content::Bytes(b) => Some((
                    f.path.rsplit('/').next().unwrap_or("").to_string(),
                    b.as_slice(),
                )),
                crate::output::Content::Copy(_) => None,
            })
            .collect();
        let zip = crate::print::zip_stored(&members);
        kit.files
            .push(OutFile::bytes(format!("screens/zip/{}.zip", p.name), zip));
    }
    Ok(kit)
}
