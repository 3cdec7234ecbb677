//! What each print template reads as `sys.inputs.data`: one struct per template family (the
//! templates in `themes/default/print/`), holding exactly the fields its template reads. What
//! every material shares — title, issuer, fonts, page, hotlines, QR code — is in [`Inputs`].
//! Page titles here are the pages' print titles (`print_title`, else `title`); a headline comes
//! with its words (`zh::headline_words`), where `fit-headline` may break it into two lines.

use serde::Serialize;

use super::materials::Material;
use crate::channels::{Hotlines, IssuerView};
use crate::config::{LetterAsk, TrifoldConfig};
use crate::markdown::{Block, Section};
use crate::qr::QrRects;

/// `sys.inputs` of a print template.
#[derive(Clone, Serialize)]
pub struct Inputs<'a> {
    pub title: &'a str,
    pub issuer: IssuerView,
    pub fonts: &'a [String],
    pub page: Page,
    pub hotlines: Hotlines,
    pub qr: Option<QrRects>,
    /// The address the QR code leads to.
    pub url: Option<&'a str>,
    pub data: &'a Data,
}

/// The page as the template lays it out: the trim size divided by the scale, in millimetres.
#[derive(Clone, Copy, Serialize)]
pub struct Page {
    pub width_mm: f64,
    pub height_mm: f64,
    pub bleed_mm: f64,
    pub crop_marks: bool,
    pub scale: u32,
}

/// The data of one material, for its template.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Data {
    Poster(Poster),
    Flyer(Flyer),
    Trifold(Trifold),
    Letter(Letter),
    Pledge(Pledge),
    SignIn(SignIn),
    Banner(Banner),
    Board(Board),
    Handbook(Handbook),
    UnitPoster(UnitSheet),
    NoticeCard(UnitSheet),
    CounterCard(UnitSheet),
}

impl Data {
    /// The material whose template reads this data.
    pub fn material(&self) -> Material {
        match self {
            Data::Poster(_) => Material::Poster,
            Data::Flyer(_) => Material::Flyer,
            Data::Trifold(_) => Material::Trifold,
            Data::Letter(_) => Material::Letter,
            Data::Pledge(_) => Material::Pledge,
            Data::SignIn(_) => Material::SignIn,
            Data::Banner(_) => Material::Banner,
            Data::Board(_) => Material::Board,
            Data::Handbook(_) => Material::Handbook,
            Data::UnitPoster(_) => Material::UnitPoster,
            Data::NoticeCard(_) => Material::NoticeCard,
            Data::CounterCard(_) => Material::CounterCard,
        }
    }
}

/// `poster.typ`: one scam type.
#[derive(Clone, Debug, Serialize)]
pub struct Poster {
    /// What the headline warns of: 警惕 + this.
    pub kind_label: &'static str,
    pub title: String,
    pub title_words: Vec<String>,
    pub rule: String,
    pub red_flags: Vec<String>,
    pub actions: Vec<String>,
    pub slogan: String,
}

/// `flyer.typ`: one audience and the scams that target it.
#[derive(Clone, Debug, Serialize)]
pub struct Flyer {
    pub audience: String,
    pub audience_words: Vec<String>,
    pub who: String,
    pub tips: Vec<String>,
    pub scams: Vec<FlyerScam>,
    pub slogan: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FlyerScam {
    pub title: String,
    pub summary: String,
    pub rule: String,
    pub red_flags: Vec<String>,
}

/// `trifold.typ`: the campaign on six panels.
#[derive(Clone, Debug, Serialize)]
pub struct Trifold {
    pub title: String,
    pub title_words: Vec<String>,
    pub slogan: String,
    pub intro: String,
    pub scams: Vec<TrifoldScam>,
    /// The 「凡是」 rules.
    pub rules: Vec<String>,
    pub guides: Vec<Guide>,
    pub texts: TrifoldConfig,
    /// Widths of the inside panels, left to right, in proportion.
    pub panels_mm: [f64; 3],
}

#[derive(Clone, Debug, Serialize)]
pub struct TrifoldScam {
    pub title: String,
    pub summary: String,
    pub rule: String,
}

/// A guide page (被骗后怎么办, 如何举报) by its blocks.
#[derive(Clone, Debug, Serialize)]
pub struct Guide {
    pub title: String,
    pub title_words: Vec<String>,
    /// The guide's file, which fitting errors name.
    pub source: String,
    pub summary: String,
    pub blocks: Vec<Block>,
}

/// `letter.typ`: the letter to parents, generic or one page per student.
#[derive(Clone, Debug, Serialize)]
pub struct Letter {
    pub school: String,
    pub scams: Vec<LetterScam>,
    /// Empty for the generic letter.
    pub students: Vec<Student>,
    pub year: Option<u16>,
    pub texts: LetterTexts,
    /// The school as a unit of the units table: its contacts and 片区民警 are printed.
    pub unit: Option<crate::units::Card>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LetterScam {
    pub title: String,
    pub summary: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Student {
    pub class: String,
    pub name: String,
    /// The receipt number, `2026-0001`.
    pub receipt: String,
}

/// The sentences of `[print.letter]`.
#[derive(Clone, Debug, Serialize)]
pub struct LetterTexts {
    pub intro: String,
    pub asks: Vec<LetterAsk>,
    pub if_scammed: String,
    pub closing: String,
    pub receipt: String,
    pub receipt_note: String,
}

/// `pledge.typ`.
#[derive(Clone, Debug, Serialize)]
pub struct Pledge {
    pub rules: Vec<String>,
    pub year: Option<u16>,
}

/// `signin.typ`.
#[derive(Clone, Debug, Serialize)]
pub struct SignIn {
    pub event: String,
    /// In Chinese, `2026年3月5日`; none leaves a line to write on.
    pub date: Option<String>,
    pub place: Option<String>,
    pub rows: u32,
}

/// `banner.typ`: one slogan.
#[derive(Clone, Debug, Serialize)]
pub struct Banner {
    pub text: String,
}

/// What a display board and a handbook chapter both tell of a scam type.
#[derive(Clone, Debug, Serialize)]
pub struct ScamSheet {
    pub title: String,
    pub title_words: Vec<String>,
    /// The scam page's file, which fitting errors name.
    pub source: String,
    pub summary: String,
    pub other_names: Vec<String>,
    pub steps: Vec<String>,
    pub red_flags: Vec<String>,
    pub actions: Vec<String>,
    pub never: Vec<String>,
    pub rule: String,
    /// The scam's first case.
    pub case: Option<Case>,
}

/// `board.typ`: one scam type on a display board.
#[derive(Clone, Debug, Serialize)]
pub struct Board {
    #[serde(flatten)]
    pub sheet: ScamSheet,
    pub slogan: String,
    /// The quotes of the scam page's body (what scammers say).
    pub quotes: Vec<String>,
}

/// A case as boards and the handbook tell it.
#[derive(Clone, Debug, Serialize)]
pub struct Case {
    pub title: String,
    /// The case page's file, which fitting errors name.
    pub source: String,
    pub region: String,
    /// In words, `3.8万元`.
    pub loss: String,
    pub lesson: String,
    /// The story by its sections (经过, 发现与处置).
    pub story: Vec<Section>,
}

/// `handbook.typ`: the booklet.
#[derive(Clone, Debug, Serialize)]
pub struct Handbook {
    pub title: String,
    pub title_words: Vec<String>,
    pub slogan: String,
    pub intro: String,
    pub scams: Vec<HandbookScam>,
    pub guides: Vec<Guide>,
    pub rules: Vec<String>,
    /// Blank pages before the back cover, to make the page count a multiple of 4.
    pub pad: usize,
}

/// A scam type's spread in the handbook.
#[derive(Clone, Debug, Serialize)]
pub struct HandbookScam {
    #[serde(flatten)]
    pub sheet: ScamSheet,
    /// The scam page's body: its quotes and explanations.
    pub blocks: Vec<Block>,
}

/// `unit-poster.typ`, `notice-card.typ` and `counter-card.typ`: one unit, whom to call there,
/// and the rules of the scams its type is most concerned with.
#[derive(Clone, Debug, Serialize)]
pub struct UnitSheet {
    pub unit: crate::units::Card,
    pub scams: Vec<UnitScam>,
    pub slogan: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnitScam {
    pub title: String,
    pub rule: String,
}
