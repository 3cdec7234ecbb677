//! Slides for full-colour displays: one per scam type, one per slogan and a hotline slide, each
//! exactly the profile's pixel size, plus `playlist.json` and `playlist.m3u`.

use serde::Serialize;
use serde_json::json;

use super::ScreenKit;
use crate::artifact::{ProfileRecord, ScreenRecord, ScreenRole, paths};
use crate::channels::{Hotlines, IssuerView};
use crate::config::{Config, ScreenKind, ScreenProfile};
use crate::content::{Kind, KindData, Model, PageId};
use crate::diag::Diagnostic;
use crate::output::OutFile;
use crate::qr::QrRects;
use crate::typeset::{self, CompileError, Engine};

const TEMPLATE: &str = "screens/slide.typ";

/// What `slide.typ` shows, by `data.kind`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum SlideData {
    /// Every channel, under its heading.
    Hotline,
    Scam {
        /// The page's print title (`print_title`, else `title`), and its words for
        /// `fit-headline`.
        title: String,
        title_words: Vec<String>,
        rule: String,
        red_flags: Vec<String>,
    },
    Slogan {
        text: String,
    },
    /// A unit's people to call and the rules of the scams its type is most concerned with.
    Unit {
        unit: crate::units::Card,
        rules: Vec<String>,
    },
}

/// `sys.inputs` of `slide.typ`; also the key of the slide in the build cache, as it is all a
/// slide depends on besides the template and fonts.
#[derive(Serialize)]
struct SlideInputs<'a> {
    page: SlidePage,
    fonts: &'a [String],
    issuer: IssuerView,
    hotlines: Hotlines,
    qr: Option<QrRects>,
    data: &'a SlideData,
}

/// The screen's size in pixels (1 pt = 1 px).
#[derive(Serialize)]
struct SlidePage {
    width: u32,
    height: u32,
}

/// A slide to make: its file stem, title and data for the template.
struct Slide {
    stem: String,
    title: String,
    qr_url: Option<String>,
    data: SlideData,
    source: std::path::PathBuf,
    /// The page the slide shows (scam types only), and its file as the manifest names it.
    page: Option<PageId>,
    page_source: Option<String>,
}

fn slides(model: &Model) -> Vec<Slide> {
    let c = &model.config;
    let mut out = vec![Slide {
        stem: "hotline".into(),
        title: "报警、咨询与举报".into(),
        qr_url: None,
        data: SlideData::Hotline,
        source: crate::config::CONFIG_FILE.into(),
        page: None,
        page_source: None,
    }];
    for id in model.pages_of(Kind::Scam) {
        let p = &model.pages[id];
        let KindData::Scam { fields, .. } = &p.kind else {
            continue;
        };
        out.push(Slide {
            stem: format!("scam-{}", p.slug),
            title: p.title.clone(),
            qr_url: c.base_url.as_ref().map(|b| format!("{b}{}", p.path)),
            data: SlideData::Scam {
                title: p.print_title().to_string(),
                title_words: crate::zh::headline_words(p.print_title()),
                rule: fields.rule.clone(),
                red_flags: fields.red_flags.iter().take(3).cloned().collect(),
            },
            source: p.source.clone(),
            page: Some(id),
            page_source: Some(crate::diag::display_path(&p.source)),
        });
    }
    let slogans_source = model.slogans_source();
    for (i, s) in model.slogans().enumerate() {
        out.push(Slide {
            stem: format!("slogan-{:02}", i + 1),
            title: s.text.clone(),
            qr_url: None,
            data: SlideData::Slogan {
                text: s.text.clone(),
            },
            source: slogans_source.clone(),
            page: None,
            page_source: None,
        });
    }
    out
}

pub fn render(
    model: &Model,
    engine: &Engine,
    profile: &ScreenProfile,
) -> Result<ScreenKit, Vec<Diagnostic>> {
    let mut kit = if model.shard.owns_campaign() {
        render_campaign(model, engine, profile)?
    } else {
        ScreenKit::default()
    };
    let (files, records) = render_units(model, engine, profile)?;
    kit.files.extend(files);
    kit.records.extend(records);
    Ok(kit)
}

/// How many scam rules a unit's slide shows.
const RULES_PER_UNIT_SLIDE: usize = 2;

/// The slide of each unit of this build's shard whose type has `slide` among its materials, at
/// `downloads/units/<id>/slide-<profile>.png`, with its records.
fn render_units(
    model: &Model,
    engine: &Engine,
    profile: &ScreenProfile,
) -> Result<(Vec<OutFile>, Vec<ScreenRecord>), Vec<Diagnostic>> {
    let units = &model.units;
    let wanted: Vec<(&crate::units::Unit, Slide)> = units
        .list
        .iter()
        .filter(|u| model.shard.owns_unit(&u.id))
        .filter_map(|u| {
            let kind = units.type_of(u)?;
            kind.materials
                .contains(&crate::config::UnitMaterial::Slide)
                .then(|| (u, unit_slide(model, u, kind)))
        })
        .collect();
    let made: Vec<Result<(OutFile, ScreenRecord), Diagnostic>> =
        crate::jobs::map(&wanted, |(unit, slide)| {
            let file = paths::unit_file(&unit.id, &format!("slide-{}.png", profile.name));
            let png = render_slide(model, engine, profile, slide, &file)?;
            let record = ScreenRecord {
                profile: profile.name.clone(),
                kind: ScreenKind::Display,
                file: file.clone(),
                title: slide.title.clone(),
                role: ScreenRole::Slide,
                source: None,
                unit: Some(unit.id.clone()),
                width: Some(profile.width),
                height: Some(profile.height),
                bytes: png.len(),
            };
            Ok((OutFile::bytes(file, png), record))
        });
    Ok(crate::diag::all_or_every_error(made)?.into_iter().unzip())
}

/// The slide of `unit`: its name, people to call and QR code to its page.
fn unit_slide(model: &Model, unit: &crate::units::Unit, kind: &crate::units::UnitType) -> Slide {
    let rules = kind
        .scams
        .iter()
        .filter_map(|&id| match &model.pages[id].kind {
            KindData::Scam { fields, .. } => Some(fields.rule.clone()),
            _ => None,
        })
        .take(RULES_PER_UNIT_SLIDE)
        .collect();
    Slide {
        stem: format!("unit-{}", unit.id),
        title: format!("{}反诈联系画面", unit.name),
        qr_url: model
            .config
            .base_url
            .as_ref()
            .map(|b| format!("{b}{}", crate::units::unit_path(&unit.id))),
        data: SlideData::Unit {
            unit: unit.card(),
            rules,
        },
        source: model.units.table.clone().unwrap_or_default(),
        page: None,
        page_source: None,
    }
}

/// The campaign's slides, playlists and profile record.
fn render_campaign(
    model: &Model,
    engine: &Engine,
    profile: &ScreenProfile,
) -> Result<ScreenKit, Vec<Diagnostic>> {
    let c = &model.config;
    let slides: Vec<(usize, Slide)> = slides(model).into_iter().enumerate().collect();
    let made: Vec<Result<Vec<u8>, Diagnostic>> = crate::jobs::map(&slides, |(i, s)| {
        let label = paths::screen_file(&profile.name, &slide_name(*i, s));
        render_slide(model, engine, profile, s, &label)
    });
    let mut kit = ScreenKit::default();
    let mut errors = Vec::new();
    let seconds = c.screens.slide_seconds;
    let mut playlist = Vec::new();
    let mut m3u = String::from("#EXTM3U\n");
    for ((i, slide), png) in slides.iter().zip(made) {
        let png = match png {
            Ok(p) => p,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let name = slide_name(*i, slide);
        let file = paths::screen_file(&profile.name, &name);
        kit.records.push(ScreenRecord {
            profile: profile.name.clone(),
            kind: ScreenKind::Display,
            file: file.clone(),
            title: slide.title.clone(),
            role: ScreenRole::Slide,
            source: slide.page_source.clone(),
            unit: None,
            width: Some(profile.width),
            height: Some(profile.height),
            bytes: png.len(),
        });
        playlist.push(json!({ "file": name, "title": slide.title, "seconds": seconds }));
        m3u.push_str(&format!(
            "#EXTINF:{seconds},{}\n{name}\n",
            slide.title.replace('\n', " ")
        ));
        kit.files.push(OutFile::bytes(file, png));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let loop_seconds = seconds * playlist.len() as u32;
    let list = json!({
        "profile": profile.name,
        "width": profile.width,
        "height": profile.height,
        "seconds_per_slide": seconds,
        "loop_seconds": loop_seconds,
        "max_gap_seconds": c.screens.max_gap_seconds,
        "note": format!(
            "每张 {seconds} 秒，全部播完一轮 {loop_seconds} 秒。与本单位其他画面穿插播放时，两张反诈画面之间的其他内容不要超过 {} 秒。",
            c.screens.max_gap_seconds.saturating_sub(seconds)
        ),
        "slides": playlist,
    });
    let mut json = serde_json::to_string_pretty(&list).expect("playlist serializes");
    json.push('\n');
    let playlist_file = paths::screen_file(&profile.name, "playlist.m3u");
    kit.files.push(OutFile::bytes(
        paths::screen_file(&profile.name, "playlist.json"),
        json,
    ));
    kit.files.push(OutFile::bytes(playlist_file.clone(), m3u));
    kit.profiles.push(ProfileRecord {
        name: profile.name.clone(),
        kind: ScreenKind::Display,
        width: profile.width,
        height: profile.height,
        loop_seconds: Some(loop_seconds),
        max_gap_seconds: Some(c.screens.max_gap_seconds),
        playlist: Some(playlist_file),
        zip: paths::screen_zip(&profile.name),
    });
    Ok(kit)
}

/// The file name of the `i`-th slide: numbered, so players show them in order.
fn slide_name(i: usize, slide: &Slide) -> String {
    format!("{:02}-{}.png", i + 1, slide.stem)
}

fn render_slide(
    model: &Model,
    engine: &Engine,
    profile: &ScreenProfile,
    slide: &Slide,
    label: &str,
) -> Result<Vec<u8>, Diagnostic> {
    let inputs = slide_inputs(&model.config, engine, profile, slide);
    let mut blobs = engine.cached(label, TEMPLATE, &inputs, || {
        let doc = compile_slide(model, engine, profile, slide, &inputs)?;
        let what = format!("屏幕「{}」的画面 {}", profile.name, slide.stem);
        let (w, h, png) = engine.png_sized(&doc.pages()[0], profile.width as f32);
        if (w, h) != (profile.width, profile.height) {
            return Err(Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!("{what}：生成了 {w}×{h}，与屏幕尺寸不符"),
            ));
        }
        Ok(vec![png])
    })?;
    Ok(blobs.pop().unwrap_or_default())
}

fn slide_inputs<'a>(
    config: &Config,
    engine: &'a Engine,
    profile: &ScreenProfile,
    slide: &'a Slide,
) -> SlideInputs<'a> {
    SlideInputs {
        page: SlidePage {
            width: profile.width,
            height: profile.height,
        },
        fonts: &engine.families,
        issuer: crate::channels::issuer(config),
        hotlines: crate::channels::hotlines(config),
        qr: slide.qr_url.as_deref().map(crate::qr::encode),
        data: &slide.data,
    }
}

/// Lays out one slide: a one-page document.
fn compile_slide(
    model: &Model,
    engine: &Engine,
    profile: &ScreenProfile,
    slide: &Slide,
    inputs: &SlideInputs<'_>,
) -> Result<typst_layout::PagedDocument, Diagnostic> {
    let what = format!("屏幕「{}」的画面 {}", profile.name, slide.stem);
    let doc = engine
        .compile(TEMPLATE, typeset::inputs(inputs))
        .map_err(|e| match e {
            CompileError::Overflow { field, .. } => {
                overflow_error(model, profile, slide, &what, field)
            }
            CompileError::Template(d) => Diagnostic {
                message: format!("{what}: {}", d.message),
                ..d
            },
        })?;
    if doc.pages().len() != 1 {
        return Err(Diagnostic::error(
            &slide.source,
            format!("{what}：内容超出一屏"),
        ));
    }
    Ok(doc)
}

/// Text that cannot fit the screen, as an error naming the slide's file and, for a scam type's
/// slide, the front-matter key and its line (`print_title` for the headline, when the page has
/// one).
fn overflow_error(
    model: &Model,
    profile: &ScreenProfile,
    slide: &Slide,
    what: &str,
    field: String,
) -> Diagnostic {
    let page = slide.page.map(|id| &model.pages[id]);
    let field = match page {
        Some(p) if field == "title" => p.print_title_key().to_string(),
        _ => field,
    };
    let d = Diagnostic::error(
        &slide.source,
        format!(
            "{what}：文字太多，{}×{} 的屏幕放不下",
            profile.width, profile.height
        ),
    );
    match page.and_then(|p| p.field_line(&field)) {
        Some(line) => d.at_line(line).field(field),
        None => d.field(field),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::testing::{assert_roles, default_campaign, text_of};

    #[test]
    fn scam_slide_labels_each_number_by_its_role() {
        let (model, engine) = default_campaign();
        let profile = &model.config.screens.profiles[0];
        let slide = slides(&model)
            .into_iter()
            .find(|s| s.stem.starts_with("scam-"))
            .unwrap();
        let inputs = slide_inputs(&model.config, &engine, profile, &slide);
        let doc = compile_slide(&model, &engine, profile, &slide, &inputs).unwrap();
        assert_roles(&text_of(&engine, &doc));
    }
}
