//! Page boxes Typst does not write: the BleedBox (trim plus bleed), which matters once crop marks
//! enlarge the MediaBox with a slug.

use lopdf::{Document, Object};

/// Sets `/BleedBox` on every page to the TrimBox grown by `bleed_pt` on each side.
pub fn set_bleed_box(pdf: &[u8], bleed_pt: f32) -> Result<Vec<u8>, String> {
    let mut doc = Document::load_mem(pdf).map_err(|e| e.to_string())?;
    let pages: Vec<_> = doc.get_pages().into_values().collect();
    for id in pages {
        let dict = doc.get_dictionary_mut(id).map_err(|e| e.to_string())?;
        let trim = match dict.get(b"TrimBox").or_else(|_| dict.get(b"MediaBox")) {
            Ok(Object::Array(a)) => a
                .iter()
                .map(|o| o.as_float().unwrap_or(0.0))
                .collect::<Vec<f32>>(),
            _ => return Err("page has no TrimBox".into()),
        };
        let bleed = vec![
            Object::Real(trim[0] - bleed_pt),
            Object::Real(trim[1] - bleed_pt),
            Object::Real(trim[2] + bleed_pt),
            Object::Real(trim[3] + bleed_pt),
        ];
        dict.set("BleedBox", Object::Array(bleed));
    }
    let mut out = Vec::with_capacity(pdf.len() + 256);
    doc.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}
