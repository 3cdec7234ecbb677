//! The share-card renderer: one 1200 × 630 PNG for the home page, each section, and each page
//! with a card of its own (`artifact::has_own_share_card`: cases and plain pages show their scam
//! type's or section's card), laid
//! out by the shared Typst engine from the theme's `share/card.typ`. Chat apps show it beside a
//! shared link (Open Graph `og:image`); WeChat takes the first large image of the page, so the
//! site also shows it in the page. It reads the model and returns files.

use serde::Serialize;

use crate::channels::{Hotlines, IssuerView};
use crate::config::Config;
use crate::content::{KindData, Model};
use crate::diag::Diagnostic;
use crate::output::{OutFile, Sink};
use crate::typeset::{self, CompileError, Engine};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
const TEMPLATE: &str = "share/card.typ";
/// Colours of a card's palette: its few flat colours and the anti-aliasing between them.
const COLOURS: usize = 64;

use crate::artifact::has_own_share_card;
use crate::artifact::paths::share_card as card_path;

/// `sys.inputs` of `card.typ`; also the card's key in the build cache, as it is all a card
/// depends on besides the template and fonts.
#[derive(Serialize)]
struct CardInputs<'a> {
    fonts: &'a [String],
    /// What the page is: the campaign, its section.
    kicker: &'a str,
    title: &'a str,
    /// The title's words, where `fit-headline` may break it into two lines.
    title_words: Vec<String>,
    /// The one thing to remember.
    line: &'a str,
    issuer: IssuerView,
    hotlines: &'a Hotlines,
}

/// What one card says.
struct Card {
    path: String,
    kicker: String,
    title: String,
    line: String,
    source: std::path::PathBuf,
}

fn cards(model: &Model) -> Vec<Card> {
    let c = &model.config;
    let home = model.home();
    let mut out = vec![Card {
        path: String::new(),
        kicker: c.issuer.name.clone(),
        title: c.title.clone(),
        line: c.campaign.slogan.clone(),
        source: home.source.clone(),
    }];
    out.extend(
        model
            .sections
            .iter()
            .skip(1)
            .filter(|s| s.front.render)
            .map(|s| Card {
                path: s.path.clone(),
                kicker: c.title.clone(),
                title: s.title.clone(),
                line: s
                    .front
                    .description
                    .clone()
                    .unwrap_or_else(|| c.campaign.slogan.clone()),
                source: s.source.clone(),
            }),
    );
    out.extend(
        model
            .pages
            .iter()
            .filter(|p| has_own_share_card(p))
            .map(|p| {
                let section = &model.sections[p.section];
                let line = match &p.kind {
                    KindData::Scam { fields, .. } => fields.rule.clone(),
                    KindData::Case { fields, .. } => fields.lesson.clone(),
                    KindData::Audience { fields, .. } => fields.who.clone(),
                    KindData::Guide { fields, .. } => fields.summary.clone(),
                    KindData::Plain => p
                        .front
                        .description
                        .clone()
                        .unwrap_or_else(|| c.campaign.slogan.clone()),
                };
                Card {
                    path: p.path.clone(),
                    kicker: format!("{} · {}", c.title, section.title),
                    title: p.print_title().to_string(),
                    line,
                    source: p.source.clone(),
                }
            }),
    );
    out
}

/// Renders every card, in parallel, handing each to `sink` as soon as it is made (a campaign of
/// thousands of pages would otherwise hold every card in memory); all problems are returned
/// together.
pub fn render(model: &Model, engine: &Engine, sink: &dyn Sink) -> Result<(), Vec<Diagnostic>> {
    if !engine.has_template(TEMPLATE) {
        return Err(vec![Diagnostic::error(
            engine.template_path(TEMPLATE),
            "主题缺少分享图模板 share/card.typ",
        )]);
    }
    let hotlines = crate::channels::hotlines(&model.config);
    let errors: Vec<Diagnostic> = crate::jobs::map(&cards(model), |card| {
        let file = render_card(model, engine, card, &hotlines);
        file.and_then(|f| {
            let path = f.path.clone();
            sink.put(f)
                .map_err(|e| Diagnostic::error(path, e.to_string()))
        })
        .err()
    })
    .into_iter()
    .flatten()
    .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn card_inputs<'a>(
    config: &Config,
    engine: &'a Engine,
    card: &'a Card,
    hotlines: &'a Hotlines,
) -> CardInputs<'a> {
    CardInputs {
        fonts: &engine.families,
        kicker: &card.kicker,
        title: &card.title,
        title_words: crate::zh::headline_words(&card.title),
        line: &card.line,
        issuer: crate::channels::issuer(config),
        hotlines,
    }
}

/// `hotlines` are the campaign's, the same on every card.
fn render_card(
    model: &Model,
    engine: &Engine,
    card: &Card,
    hotlines: &Hotlines,
) -> Result<OutFile, Diagnostic> {
    let inputs = card_inputs(&model.config, engine, card, hotlines);
    let mut blobs = engine.cached(&card_path(&card.path), TEMPLATE, &inputs, || {
        let doc = compile_card(engine, card, &inputs)?;
        let what = format!("分享图 {}", card_path(&card.path));
        let (w, h, png) = typeset::png_palette(&doc.pages()[0], WIDTH as f32, COLOURS);
        if (w, h) != (WIDTH, HEIGHT) || doc.pages().len() != 1 {
            return Err(Diagnostic::error(
                engine.template_path(TEMPLATE),
                format!("{what}：应为一页 {WIDTH}×{HEIGHT}，生成了 {w}×{h}"),
            ));
        }
        Ok(vec![png])
    })?;
    Ok(OutFile::bytes(
        card_path(&card.path),
        blobs.pop().unwrap_or_default(),
    ))
}

/// Lays out one card.
fn compile_card(
    engine: &Engine,
    card: &Card,
    inputs: &CardInputs<'_>,
) -> Result<typst_layout::PagedDocument, Diagnostic> {
    let what = format!("分享图 {}", card_path(&card.path));
    engine
        .compile(TEMPLATE, typeset::inputs(inputs))
        .map_err(|e| match e {
            CompileError::Overflow { field, .. } => {
                Diagnostic::error(&card.source, format!("{what}：文字太多")).field(field)
            }
            CompileError::Template(d) => Diagnostic {
                message: format!("{what}: {}", d.message),
                ..d
            },
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::testing::{assert_roles, default_campaign, text_of};

    #[test]
    fn cards_are_small_palette_pngs_of_the_exact_size() {
        let (model, engine) = default_campaign();
        let card = &cards(&model)[0];
        let hotlines = crate::channels::hotlines(&model.config);
        let inputs = card_inputs(&model.config, &engine, card, &hotlines);
        let doc = compile_card(&engine, card, &inputs).unwrap();
        let (w, h, png) = typeset::png_palette(&doc.pages()[0], WIDTH as f32, COLOURS);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        let again = typeset::png_palette(&doc.pages()[0], WIDTH as f32, COLOURS).2;
        assert_eq!(png, again, "the same card gives the same bytes");
        let reader = png::Decoder::new(std::io::Cursor::new(&png))
            .read_info()
            .unwrap();
        let info = reader.info();
        assert_eq!(info.color_type, png::ColorType::Indexed);
        assert!(info.palette.as_ref().unwrap().len() <= COLOURS * 3);
        assert!(png.len() < 60_000, "{} bytes", png.len());
    }

    #[test]
    fn card_labels_each_number_by_its_role() {
        let (model, engine) = default_campaign();
        let card = &cards(&model)[0];
        let hotlines = crate::channels::hotlines(&model.config);
        let inputs = card_inputs(&model.config, &engine, card, &hotlines);
        let doc = compile_card(&engine, card, &inputs).unwrap();
        assert_roles(&text_of(&engine, &doc));
    }
}
