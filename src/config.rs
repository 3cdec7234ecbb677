//! The campaign's `config.toml`: site identity, issuer, campaign dates, the reporting channels
//! and the settings of each kit (print, screens, page images, check).
//!
//! Every struct denies unknown keys, so a typo is an error with a did-you-mean, not a silent default.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::schema::Located;

pub const CONFIG_FILE: &str = "config.toml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in the header and the browser tab.
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// `zh-CN`; `zh` and `zh-Hans` are accepted and mean the same.
    #[serde(default = "default_language")]
    pub language: String,
    /// Where the site is published, e.g. `https://example.gov.cn/fanzha/`. Needed only for
    /// absolute links (sitemap, feed, share tags); pages link relatively and work anywhere.
    pub base_url: Option<String>,
    /// Name of a folder under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    pub issuer: Issuer,
    pub campaign: Campaign,
    /// Reporting and warning channels, in the order they are shown.
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Print kit settings (sizes, bleed, crop marks, fonts).
    #[serde(default)]
    pub print: PrintConfig,
    /// Screen kit settings: display and LED strip profiles, slide timing.
    #[serde(default)]
    pub screens: ScreensConfig,
    /// `fanzha check` settings.
    #[serde(default)]
    pub check: CheckConfig,
    /// The units table (schools, police stations, villages, bank branches…) and its types.
    #[serde(default)]
    pub units: UnitsConfig,
    /// Page images: the largest picture accepted, and the width they take on the page.
    #[serde(default)]
    pub images: ImagesConfig,
    /// How Markdown is turned into HTML.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// The activity photo gallery.
    #[serde(default)]
    pub gallery: GalleryConfig,
    /// Anti-fraud SMS texts for the carriers' bulk-sending platforms.
    #[serde(default)]
    pub sms: SmsConfig,
    /// Scripts for village loudspeakers and school radio.
    #[serde(default)]
    pub broadcast: BroadcastConfig,
    /// Free values for templates.
    #[serde(default)]
    pub extra: toml::Table,
}

/// The `[markdown]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// Keep raw HTML in content as written, scripts and outside pictures included (Hugo's
    /// `unsafe`). Off by default: content from many hands is untrusted.
    pub unsafe_html: bool,
}

/// The `[sms]` table: what each text says and how it is signed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmsConfig {
    /// The 【签名】 carriers require, without brackets; default the issuer's short name.
    pub signature: Option<String>,
    /// Which parts a text has, in order: `{text}` (a scam type's 凡是 rule, a guide's summary, a
    /// slogan), `{action}` (a scam type's first action; empty for others), `{call}` (the
    /// emergency numbers: 如遇诈骗请拨打110). Default `{text}{call}`.
    pub template: Option<String>,
    /// The campaign's own domain (`fanzha.example.gov.cn`): the only web address a text may
    /// carry. Without it, a text with a link is an error.
    pub domain: Option<String>,
}

/// The `[broadcast]` table: how fast announcers read and how long the scripts are.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BroadcastConfig {
    /// Reading pace in characters a minute (news reading is about 200 to 250).
    pub pace: u32,
    /// The lengths to write each script in, in minutes: `[1, 3]` makes a one-minute and a
    /// three-minute version.
    pub minutes: Vec<u32>,
    /// How the script greets its listeners.
    pub greeting: String,
}

impl Default for BroadcastConfig {
    fn default() -> Self {
        BroadcastConfig {
            pace: 220,
            minutes: vec![1, 3],
            greeting: "各位乡亲、各位朋友，现在播送防范电信网络诈骗提醒。".into(),
        }
    }
}

/// The `[check]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Numbers content may name that are no channel of the campaign, e.g. a bank's 95588 that
    /// a case says scammers impersonated. Every other phone number must be a channel.
    pub other_numbers: Vec<String>,
}

/// The `[images]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// The most pixels (width × height) a picture may have; a larger one is refused from its
    /// header, before it is decoded (a few kilobytes can claim gigapixels and take all memory).
    pub max_pixels: u64,
    /// The HTML `sizes` of page pictures: how wide the text column is at each screen width, so a
    /// phone downloads the picture made for its screen. The default fits the default theme's
    /// `main` column (46rem at 19px, less 1rem padding each side; full width less 36px on phones).
    pub sizes: String,
}

/// 50 megapixels: phone photos have 12 to 48.
pub const DEFAULT_MAX_PIXELS: u64 = 50_000_000;

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            max_pixels: DEFAULT_MAX_PIXELS,
            sizes: "(min-width: 874px) 836px, calc(100vw - 36px)".into(),
        }
    }
}

/// The `[units]` table: where the units table and the rosters are, and the types of unit.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct UnitsConfig {
    /// The table, relative to the root; default `units.xlsx`, else `units.csv`, when present.
    pub table: Option<String>,
    /// The folder of rosters (`<id>.csv` or `<id>.xlsx`: 班级, 姓名), relative to the root.
    pub rosters: String,
    /// The types a unit may have; without `[[units.types]]`, 学校, 派出所, 警务室, 村社区,
    /// 银行网点 and 企业 with the default campaign's audiences.
    pub types: Option<Vec<UnitTypeConfig>>,
    /// The size of each unit's contact poster: A4 or A3.
    pub poster_size: PaperSize,
    /// The size of a bank branch's counter card: A6, or 100x140 (millimetres).
    pub counter_size: PaperSize,
}

impl Default for UnitsConfig {
    fn default() -> Self {
        UnitsConfig {
            table: None,
            rosters: "rosters".into(),
            types: None,
            poster_size: PaperSize::parse("A4").expect("known size"),
            counter_size: PaperSize::parse("A6").expect("known size"),
        }
    }
}

impl UnitsConfig {
    /// The configured types, or the default ones.
    pub fn types(&self) -> Vec<UnitTypeConfig> {
        self.types.clone().unwrap_or_else(default_unit_types)
    }
}

/// One type of unit (`[[units.types]]`) and the campaign's key content for it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnitTypeConfig {
    /// As written in the table's 类型 column, e.g. `学校`.
    pub name: String,
    /// `@/` links to audience pages: a unit of this type shows these audiences and their scams.
    #[serde(default)]
    pub audiences: Vec<String>,
    /// `@/` links to scam pages, shown in this order instead of choosing by audience. With
    /// neither, the unit's page shows every scam type.
    #[serde(default)]
    pub scams: Vec<String>,
    /// How many scams a unit's page shows at most.
    pub max_scams: Option<usize>,
    /// The materials made for each unit of this type; without it, the type's defaults (every
    /// unit a contact poster; schools their letters, villages a notice-board card, bank
    /// branches a counter card, police stations and bank branches a display slide).
    pub materials: Option<Vec<UnitMaterial>>,
}

/// A material made for each unit of a type (`materials = ["poster", "letter"]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitMaterial {
    /// The contact poster (`[units] poster_size`) with the unit's block and QR code.
    Poster,
    /// The letter to parents, one page per student of the school's roster.
    Letter,
    /// The card for a village's notice board (村务公开栏): 片区民警 and 村干部.
    Notice,
    /// The card on a bank branch's counters (`[units] counter_size`).
    Counter,
    /// The display slide with the unit's contacts, for each display profile.
    Slide,
}

impl UnitTypeConfig {
    /// The materials of the type: as configured, else the defaults of its name.
    pub fn materials(&self) -> Vec<UnitMaterial> {
        use UnitMaterial::*;
        if let Some(m) = &self.materials {
            return m.clone();
        }
        match self.name.as_str() {
            "学校" => vec![Poster, Letter],
            "派出所" => vec![Poster, Slide],
            "村社区" => vec![Poster, Notice],
            "银行网点" => vec![Poster, Counter, Slide],
            _ => vec![Poster],
        }
    }
}

/// 学校, 派出所, 警务室, 村社区, 银行网点, 企业 with the audiences of the default campaign.
fn default_unit_types() -> Vec<UnitTypeConfig> {
    let t = |name: &str, audiences: &[&str]| UnitTypeConfig {
        name: name.into(),
        audiences: audiences
            .iter()
            .map(|a| format!("@/audiences/{a}.md"))
            .collect(),
        scams: Vec::new(),
        max_scams: None,
        materials: None,
    };
    vec![
        t("学校", &["students", "parents"]),
        t("派出所", &[]),
        t("警务室", &[]),
        t("村社区", &["villagers", "elderly"]),
        t("银行网点", &["elderly", "business-owners"]),
        t(
            "企业",
            &["finance-staff", "business-owners", "migrant-workers"],
        ),
    ]
}

/// The `[print]` table: what the print kit makes and how.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrintConfig {
    /// Bleed on each side, in millimetres.
    pub bleed_mm: f64,
    /// Crop marks in a slug outside the bleed (also `fanzha build --crop-marks`).
    pub crop_marks: bool,
    /// Font families in order of preference; empty means Noto Sans CJK SC, 微软雅黑, 苹方, ….
    pub fonts: Vec<String>,
    /// Poster sizes, e.g. `["A4", "A3", "A2"]` or `"500x700"` (millimetres).
    pub poster_sizes: Vec<PaperSize>,
    pub flyer_size: PaperSize,
    pub banner_width_cm: f64,
    pub banner_height_cm: f64,
    pub board_width_cm: f64,
    pub board_height_cm: f64,
    /// CSV of students (class, name) for personalised letters to parents, relative to the root.
    pub roster: Option<String>,
    /// The school that sends the letter to parents.
    pub school: Option<String>,
    /// The event printed on sign-in sheets.
    pub event: Option<EventConfig>,
    /// What the letter to parents says and which scams it lists.
    pub letter: LetterConfig,
    /// The tri-fold's fixed panels.
    pub trifold: TrifoldConfig,
}

/// The `[print.letter]` table: the letter to parents' own sentences, so a campaign can change them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LetterConfig {
    /// `@/` links to audience pages: the letter lists the scams that name one of them in their
    /// `audiences` (e.g. the students' and the parents' pages).
    pub audiences: Vec<String>,
    /// `@/` links to scam pages, listed in this order instead of choosing by audience.
    pub scams: Vec<String>,
    /// How many scams the letter lists at most (in the scam section's order).
    pub max_scams: Option<usize>,
    /// The first paragraph, before the list of scams.
    pub intro: String,
    /// What parents are asked to do, each a short bold title and its sentence.
    pub asks: Vec<LetterAsk>,
    /// What to do when cheated.
    pub if_scammed: String,
    /// The paragraph before the signature.
    pub closing: String,
    /// The sentence parents sign on the receipt.
    pub receipt: String,
    /// The small print under the receipt.
    pub receipt_note: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LetterAsk {
    pub title: String,
    pub text: String,
}

/// The `[print.trifold]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrifoldConfig {
    /// The three short lines to remember, on the red box of the inside flap.
    pub remember: Vec<String>,
    /// 防骗小贴士 on the back panel.
    pub tips: Vec<String>,
    /// What to do when cheated, when the campaign has no guide page.
    pub if_scammed: String,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig {
            bleed_mm: 3.0,
            crop_marks: false,
            fonts: Vec::new(),
            poster_sizes: ["A4", "A3", "A2"]
                .iter()
                .map(|s| PaperSize::parse(s).expect("known size"))
                .collect(),
            flyer_size: PaperSize::parse("A5").expect("known size"),
            banner_width_cm: 600.0,
            banner_height_cm: 70.0,
            board_width_cm: 90.0,
            board_height_cm: 120.0,
            roster: None,
            school: None,
            event: None,
            letter: LetterConfig::default(),
            trifold: TrifoldConfig::default(),
        }
    }
}

/// The `[screens]` table: the screens the campaign's slides are made for.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScreensConfig {
    /// The longest time, in seconds, anti-fraud content may be off a screen (many plans say 60).
    pub max_gap_seconds: u32,
    /// How long each display slide stays up, in seconds.
    pub slide_seconds: u32,
    pub profiles: Vec<ScreenProfile>,
}

impl Default for ScreensConfig {
    fn default() -> Self {
        let display = |name: &str, width, height| ScreenProfile {
            name: name.into(),
            kind: ScreenKind::Display,
            width,
            height,
            colours: StripColours::Red,
            text_px: None,
            scroll_px_per_second: 40,
        };
        let strip = |name: &str, width, height, colours| ScreenProfile {
            colours,
            kind: ScreenKind::Strip,
            ..display(name, width, height)
        };
        ScreensConfig {
            max_gap_seconds: 60,
            slide_seconds: 10,
            profiles: vec![
                display("display-1920x1080", 1920, 1080),
                display("display-1280x720", 1280, 720),
                strip("strip-192x32", 192, 32, StripColours::RedGreenYellow),
                strip("strip-96x16", 96, 16, StripColours::Red),
            ],
        }
    }
}

/// One screen the kit makes images for.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenProfile {
    /// Folder name under `screens/`: letters, digits and `-`.
    pub name: String,
    pub kind: ScreenKind,
    /// Size in pixels.
    pub width: u32,
    pub height: u32,
    /// Strips: `red` (single colour) or `red-green-yellow` (two-colour modules).
    #[serde(default)]
    pub colours: StripColours,
    /// Strips: text height in pixels (16 uses a bitmap font); default the strip's height, at most 32.
    pub text_px: Option<u32>,
    /// Strips: scrolling speed of the preview animation.
    #[serde(default = "default_scroll")]
    pub scroll_px_per_second: u32,
}

fn default_scroll() -> u32 {
    40
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScreenKind {
    /// A full-colour display fed images at its native resolution.
    Display,
    /// An LED strip (条屏) of 32×16 modules showing one line of text.
    Strip,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StripColours {
    #[default]
    Red,
    RedGreenYellow,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EventConfig {
    pub name: String,
    pub date: Option<Date>,
    pub place: Option<String>,
    /// Numbered rows on the sheet.
    #[serde(default = "default_rows")]
    pub rows: u32,
}

fn default_rows() -> u32 {
    25
}

/// A paper size: an ISO name (`A4`) or width × height in millimetres (`500x700`).
#[derive(Debug, Clone, PartialEq)]
pub struct PaperSize {
    /// Lowercase label used in file names: `a3`, `500x700mm`.
    pub label: String,
    pub width_mm: f64,
    pub height_mm: f64,
}

impl PaperSize {
    pub fn parse(s: &str) -> Result<PaperSize, String> {
        let iso = [
            ("A1", 594.0, 841.0),
            ("A2", 420.0, 594.0),
            ("A3", 297.0, 420.0),
            ("A4", 210.0, 297.0),
            ("A5", 148.0, 210.0),
            ("A6", 105.0, 148.0),
        ];
        if let Some((name, w, h)) = iso
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(s.trim()))
        {
            return Ok(PaperSize {
                label: name.to_lowercase(),
                width_mm: *w,
                height_mm: *h,
            });
        }
        let bad = || format!("纸张尺寸 `{s}` 无法识别；请写 A4、A3 这样的名字，或 500x700（毫米）");
        let (w, h) = s.trim().split_once(['x', 'X', '×']).ok_or_else(bad)?;
        let (w, h): (f64, f64) = (
            w.trim().parse().map_err(|_| bad())?,
            h.trim().parse().map_err(|_| bad())?,
        );
        if !(10.0..=5000.0).contains(&w) || !(10.0..=5000.0).contains(&h) {
            return Err(bad());
        }
        Ok(PaperSize {
            label: format!("{w}x{h}mm"),
            width_mm: w,
            height_mm: h,
        })
    }
}

impl Serialize for PaperSize {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label)
    }
}

impl<'de> Deserialize<'de> for PaperSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PaperSize, D::Error> {
        let s = String::deserialize(d)?;
        PaperSize::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The organisation that issues the campaign material.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    pub name: String,
    pub short_name: Option<String>,
    /// Path of a logo under `static/`.
    pub logo: Option<String>,
    pub address: Option<String>,
    /// The local police station's phone number.
    pub police_phone: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// The campaign's theme slogan (主题口号).
    pub slogan: String,
    pub start: Option<Date>,
    pub end: Option<Date>,
    /// The phases (阶段) in order, e.g. 动员部署, 集中宣传, 巩固提升; within the campaign's dates,
    /// not overlapping.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// The weekly push schedule: which scam type or audience each week stresses. Week 1 is the
    /// week (Monday to Sunday) the campaign starts in.
    #[serde(default)]
    pub weeks: Vec<WeekTheme>,
}

/// One phase of the campaign (`[[campaign.phases]]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub name: String,
    pub start: Date,
    pub end: Date,
    /// What the phase does, one sentence.
    #[serde(default)]
    pub description: String,
}

/// One entry of the weekly schedule (`[[campaign.weeks]]`): week `week` (to `until`) pushes a
/// scam type or an audience page.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WeekTheme {
    pub week: u32,
    /// The last week of the same theme, when it runs several weeks.
    pub until: Option<u32>,
    /// `@/scams/….md`
    pub scam: Option<String>,
    /// `@/audiences/….md`
    pub audience: Option<String>,
    /// What units do that week, one sentence.
    pub note: Option<String>,
}

impl WeekTheme {
    /// The last week the entry covers.
    pub fn last(&self) -> u32 {
        self.until.unwrap_or(self.week).max(self.week)
    }
}

/// The `[gallery]` table: the activity photos section.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct GalleryConfig {
    /// The content section holding one folder per event (`index.md` with date and place, and
    /// its photos).
    pub section: String,
    /// The consent note shown under every gallery (photos of pupils need their guardians'
    /// consent); `check` warns while it is empty.
    pub consent: String,
}

impl Default for GalleryConfig {
    fn default() -> Self {
        GalleryConfig {
            section: "gallery".into(),
            consent: String::new(),
        }
    }
}

/// One way to reach help: a number to call, a short code to text, a website, an app, a 公众号 or a
/// place. Its `role` says what it is for, and every material chooses channels by role.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Short id that content refers to, e.g. `"96110"` or `"app"`.
    pub id: String,
    pub name: String,
    pub role: ChannelRole,
    pub kind: ChannelKind,
    /// Number to dial (`phone`) or to text (`sms`).
    pub number: Option<String>,
    /// The web address (`web`), or a page about the channel.
    pub url: Option<String>,
    /// `sms`: what to write in the message, e.g. `诈骗号码*短信全文`.
    pub format: Option<String>,
    /// `wechat`: the 公众号's name; `app`: the name to search for in an app store.
    pub account: Option<String>,
    /// What the channel is for.
    pub purpose: String,
    /// When to use it.
    pub when: String,
}

/// What a channel is for. Only `emergency` channels stand under 报警.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelRole {
    /// 报警: 110.
    Emergency,
    /// The local police station (派出所).
    Local,
    /// 劝阻与咨询: 96110, which calls people to dissuade them and answers enquiries.
    Consult,
    /// 举报: 12321, the 国家反诈中心 App.
    Report,
    /// 预警 people receive: 12381 short messages.
    Warning,
}

impl ChannelRole {
    /// The label a channel of this role stands under.
    pub fn label(self) -> &'static str {
        match self {
            ChannelRole::Emergency => "报警",
            ChannelRole::Local => "派出所",
            ChannelRole::Consult => "劝阻咨询",
            ChannelRole::Report => "举报",
            ChannelRole::Warning => "预警",
        }
    }
}

/// How a channel is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Phone,
    Sms,
    Web,
    App,
    Wechat,
    /// A place to go in person (a police station without a published number).
    Place,
}

impl ChannelKind {
    pub fn label(self) -> &'static str {
        match self {
            ChannelKind::Phone => "电话",
            ChannelKind::Sms => "短信",
            ChannelKind::Web => "网站",
            ChannelKind::App => "App",
            ChannelKind::Wechat => "公众号",
            ChannelKind::Place => "当面",
        }
    }
}

fn default_language() -> String {
    "zh-CN".into()
}

fn default_theme() -> String {
    "default".into()
}

impl Config {
    /// Reads and validates `config.toml` under `root`.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let file = PathBuf::from(CONFIG_FILE);
        let text = std::fs::read_to_string(root.join(&file)).map_err(|e| {
            vec![Diagnostic::error(
                &file,
                format!("无法读取配置文件（{e}）；请在网站根目录放一个 config.toml"),
            )]
        })?;
        Config::parse(&file, &text)
    }

    pub fn parse(file: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let doc = Located {
            file,
            text,
            first_line: 1,
        };
        let table = doc.parse()?;
        let mut config: Config = doc.deserialize(&table).map_err(|d| vec![d])?;
        let mut errors = Vec::new();
        let mut complain = |key: &str, msg: String| {
            errors.push(
                Diagnostic::error(file, msg)
                    .field(key)
                    .at(doc.key_position(&table, key)),
            );
        };
        match normalise_language(&config.language) {
            Some(lang) => config.language = lang.into(),
            None => complain(
                "language",
                format!("不支持的语言 `{}`；请写 zh-CN", config.language),
            ),
        }
        if let Some(url) = &config.base_url {
            match normalise_base_url(url) {
                Ok(u) => config.base_url = Some(u),
                Err(m) => complain("base_url", m),
            }
        }
        if let (Some(s), Some(e)) = (&config.campaign.start, &config.campaign.end)
            && s > e
        {
            complain("campaign", format!("活动开始日期 {s} 晚于结束日期 {e}"));
        }
        let mut calendar = Vec::new();
        for (line, field, msg) in calendar_errors(&config.campaign, text) {
            calendar.push(
                Diagnostic::error(file, msg)
                    .field(field)
                    .at(line.map(|l| crate::diag::Position { line: l, column: 1 }))
                    .at(line
                        .is_none()
                        .then(|| doc.key_position(&table, "campaign"))
                        .flatten()),
            );
        }
        let p = &config.print;
        if !(0.0..=10.0).contains(&p.bleed_mm) {
            complain(
                "print",
                format!("出血 bleed_mm = {} 不合理；常用 3 毫米", p.bleed_mm),
            );
        }
        for (what, v) in [
            ("banner_width_cm", p.banner_width_cm),
            ("banner_height_cm", p.banner_height_cm),
            ("board_width_cm", p.board_width_cm),
            ("board_height_cm", p.board_height_cm),
        ] {
            if !(10.0..=5000.0).contains(&v) {
                complain("print", format!("{what} = {v} 不合理"));
            }
        }
        let sc = &config.screens;
        if sc.slide_seconds == 0 || sc.slide_seconds > sc.max_gap_seconds {
            complain(
                "screens",
                format!(
                    "每张幻灯片 {} 秒，应在 1 到 max_gap_seconds（{}）之间",
                    sc.slide_seconds, sc.max_gap_seconds
                ),
            );
        }
        let mut names = std::collections::BTreeSet::new();
        for pr in &sc.profiles {
            let ok_name = !pr.name.is_empty()
                && pr
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !ok_name || !names.insert(pr.name.as_str()) {
                complain(
                    "screens",
                    format!(
                        "屏幕名称 `{}` 重复或含有英文字母、数字、- 以外的字符",
                        pr.name
                    ),
                );
            }
            if !(8..=8192).contains(&pr.width) || !(8..=8192).contains(&pr.height) {
                complain(
                    "screens",
                    format!(
                        "屏幕 `{}` 的尺寸 {}×{} 不合理",
                        pr.name, pr.width, pr.height
                    ),
                );
            }
        }
        let b = &config.broadcast;
        if !(60..=600).contains(&b.pace) {
            complain(
                "broadcast",
                format!("播读速度 pace = {} 字/分钟不合理；常用 220", b.pace),
            );
        }
        if b.minutes.is_empty() || b.minutes.iter().any(|m| !(1..=30).contains(m)) {
            complain(
                "broadcast",
                format!(
                    "广播稿时长 minutes = {:?} 应为 1 到 30 分钟，例如 [1, 3]",
                    b.minutes
                ),
            );
        }
        let im = &config.images;
        if im.max_pixels < 1_000_000 {
            complain(
                "images",
                format!(
                    "max_pixels = {} 太小：手机照片有 1200 万到 4800 万像素；默认 {DEFAULT_MAX_PIXELS}",
                    im.max_pixels
                ),
            );
        }
        if im.sizes.trim().is_empty() || im.sizes.contains(['"', '<', '>']) {
            complain(
                "images",
                "sizes 应是 HTML 的 sizes 值，如 \"(min-width: 874px) 836px, calc(100vw - 36px)\""
                    .into(),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for ch in &config.channels {
            if !seen.insert(ch.id.as_str()) {
                complain("channels", format!("渠道 id `{}` 重复", ch.id));
            }
            if let Some(missing) = ch.missing_contact() {
                complain("channels", missing);
            }
        }
        let mut type_names = std::collections::BTreeSet::new();
        for t in config.units.types.iter().flatten() {
            if t.name.trim().is_empty() || !type_names.insert(t.name.as_str()) {
                complain("units", format!("单位类型 `{}` 为空或重复", t.name));
            }
        }
        errors.extend(calendar);
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }
}

impl Channel {
    /// What a channel of its kind must say and does not, as an error message.
    fn missing_contact(&self) -> Option<String> {
        let (ok, key) = match self.kind {
            ChannelKind::Phone | ChannelKind::Sms => (self.number.is_some(), "number"),
            ChannelKind::Web => (self.url.is_some(), "url"),
            ChannelKind::Wechat => (self.account.is_some(), "account（公众号名称）"),
            ChannelKind::App | ChannelKind::Place => (true, ""),
        };
        (!ok).then(|| format!("渠道 `{}` 是{}，必须填写 {key}", self.id, self.kind.label()))
    }
}

/// The line (1-based) of the `n`-th `[[name]]` header of `text`, for errors about one entry of an
/// array of tables. Inline arrays have no header: `None` then.
fn header_line(text: &str, name: &str, n: usize) -> Option<usize> {
    let header = format!("[[{name}]]");
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim();
            l.starts_with(&header) || l.replace(' ', "").starts_with(&header.replace(' ', ""))
        })
        .nth(n)
        .map(|(i, _)| i + 1)
}

/// What is wrong with the phases and the weekly schedule, each with the line of its entry: a
/// phase that ends before it starts, lies outside the campaign's dates or overlaps another; a
/// week without a theme, beyond the campaign, scheduled twice, or a gap in the schedule.
fn calendar_errors(c: &Campaign, text: &str) -> Vec<(Option<usize>, &'static str, String)> {
    let mut out = Vec::new();
    let phase_line = |i| header_line(text, "campaign.phases", i);
    let week_line = |i| header_line(text, "campaign.weeks", i);
    let dates = c.start.as_ref().zip(c.end.as_ref());
    if dates.is_none() && (!c.phases.is_empty() || !c.weeks.is_empty()) {
        out.push((
            None,
            "campaign",
            "写了阶段或每周主题，就要在 [campaign] 写活动的开始和结束日期 start、end".to_string(),
        ));
    }
    for (i, p) in c.phases.iter().enumerate() {
        if p.start > p.end {
            out.push((
                phase_line(i),
                "campaign.phases",
                format!(
                    "阶段「{}」的开始日期 {} 晚于结束日期 {}",
                    p.name, p.start, p.end
                ),
            ));
        }
        if let Some((s, e)) = dates
            && (p.start < *s || p.end > *e)
        {
            out.push((
                phase_line(i),
                "campaign.phases",
                format!(
                    "阶段「{}」（{} 至 {}）超出了活动时间 {s} 至 {e}",
                    p.name, p.start, p.end
                ),
            ));
        }
        for (j, q) in c.phases.iter().enumerate().take(i) {
            if p.start <= q.end && q.start <= p.end {
                out.push((
                    phase_line(i),
                    "campaign.phases",
                    format!(
                        "阶段「{}」（{} 至 {}）与第 {} 个阶段「{}」（{} 至 {}）时间重叠",
                        p.name,
                        p.start,
                        p.end,
                        j + 1,
                        q.name,
                        q.start,
                        q.end
                    ),
                ));
            }
        }
    }
    let total = dates.map_or(0, |(s, e)| {
        ((e.monday().unix_days() - s.monday().unix_days()) / 7 + 1) as u32
    });
    let mut covered = std::collections::BTreeMap::new();
    for (i, w) in c.weeks.iter().enumerate() {
        let line = week_line(i);
        match (&w.scam, &w.audience) {
            (None, None) => out.push((
                line,
                "campaign.weeks",
                format!(
                    "第 {} 周没有主题；请写 scam = \"@/scams/….md\" 或 audience = \"@/audiences/….md\"",
                    w.week
                ),
            )),
            (Some(_), Some(_)) => out.push((
                line,
                "campaign.weeks",
                format!("第 {} 周只能有一个主题：scam 和 audience 请只写一个", w.week),
            )),
            _ => {}
        }
        if w.week == 0 || w.until.is_some_and(|u| u < w.week) {
            out.push((
                line,
                "campaign.weeks",
                format!(
                    "周次 week = {} 不对：从 1 开始，until 不能小于 week",
                    w.week
                ),
            ));
            continue;
        }
        if total > 0 && w.last() > total {
            out.push((
                line,
                "campaign.weeks",
                format!("活动只有 {total} 周，第 {} 周超出了活动时间", w.last()),
            ));
        }
        for n in w.week..=w.last().min(w.week + 1000) {
            if covered.insert(n, i).is_some() {
                out.push((line, "campaign.weeks", format!("第 {n} 周的主题写了两次")));
                break;
            }
        }
    }
    // A gap inside the schedule is a week without a theme.
    if let (Some((&first, _)), Some((&last, _))) =
        (covered.first_key_value(), covered.last_key_value())
    {
        for n in first..=last {
            if !covered.contains_key(&n) {
                let next = covered.range(n..).next().map(|(_, &i)| i);
                out.push((
                    next.and_then(week_line),
                    "campaign.weeks",
                    format!("第 {n} 周没有主题：每周主题要一周接一周排，不能空着"),
                ));
                break;
            }
        }
    }
    out
}

/// `zh`, `zh-CN`, `zh-Hans` and `zh-Hans-CN` all mean Simplified Chinese; pages say `zh-CN`.
fn normalise_language(lang: &str) -> Option<&'static str> {
    match lang.to_ascii_lowercase().replace('_', "-").as_str() {
        "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" => Some("zh-CN"),
        _ => None,
    }
}

/// Checks the scheme and ends the URL with exactly one `/`.
pub fn normalise_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!("base_url `{url}` 应以 https:// 或 http:// 开头"));
    }
    Ok(format!("{}/", url.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
title = "反诈"
language = "zh-Hans"
base_url = "https://example.org/fanzha"
[issuer]
name = "某县公安局"
[campaign]
slogan = "全民反诈"
[[channels]]
id = "110"
name = "报警电话"
role = "emergency"
kind = "phone"
number = "110"
purpose = "报警"
when = "被骗后立即拨打"
"#;

    #[test]
    fn normalises_language_and_base_url() {
        let c = Config::parse(Path::new("config.toml"), MINIMAL).unwrap();
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.base_url.as_deref(), Some("https://example.org/fanzha/"));
        assert_eq!(c.channel("110").unwrap().number.as_deref(), Some("110"));
    }

    #[test]
    fn unknown_nested_key_names_line_and_suggestion() {
        let text = MINIMAL.replace("slogan = ", "slgan = ");
        let e = Config::parse(Path::new("config.toml"), &text).unwrap_err();
        assert_eq!(e[0].field.as_deref(), Some("slgan"));
        assert_eq!(e[0].line, Some(8));
        assert!(e[0].message.contains("`slogan`"), "{}", e[0]);
    }

    #[test]
    fn images_settings_default_and_are_checked() {
        let c = Config::parse(Path::new("config.toml"), MINIMAL).unwrap();
        assert_eq!(c.images.max_pixels, DEFAULT_MAX_PIXELS);
        let text = format!("{MINIMAL}[images]\nmax_pixels = 500\n");
        let e = Config::parse(Path::new("config.toml"), &text).unwrap_err();
        assert_eq!(e[0].field.as_deref(), Some("images"));
        assert!(e[0].message.contains("max_pixels = 500"), "{}", e[0]);
        let text = format!("{MINIMAL}[images]\nmax_pixel = 500\n");
        let e = Config::parse(Path::new("config.toml"), &text).unwrap_err();
        assert!(e[0].message.contains("max_pixels"), "{}", e[0]);
    }

    #[test]
    fn calendar_errors_name_the_entry_line() {
        let text = MINIMAL.replace(
            "slogan = \"全民反诈\"\n",
            "slogan = \"全民反诈\"\nstart = 2026-01-01\nend = 2026-03-31\n",
        ) + r#"
[[campaign.phases]]
name = "动员部署"
start = 2026-01-01
end = 2026-01-31

[[campaign.phases]]
name = "集中宣传"
start = 2026-01-20
end = 2026-04-30

[[campaign.weeks]]
week = 1
scam = "@/scams/a.md"

[[campaign.weeks]]
week = 3
"#;
        let e = Config::parse(Path::new("config.toml"), &text).unwrap_err();
        let got: Vec<(Option<usize>, &str)> = e
            .iter()
            .map(|d| (d.line, d.field.as_deref().unwrap_or("")))
            .collect();
        let phase = text.lines().position(|l| l.contains("集中宣传")).unwrap();
        let week = text.lines().position(|l| l == "week = 3").unwrap();
        assert_eq!(
            got,
            [
                (Some(phase), "campaign.phases"),
                (Some(phase), "campaign.phases"),
                (Some(week), "campaign.weeks"),
                (Some(week), "campaign.weeks"),
            ],
            "{e:?}"
        );
        assert!(e[0].message.contains("超出了活动时间"), "{}", e[0]);
        assert!(e[1].message.contains("时间重叠"), "{}", e[1]);
        assert!(e[2].message.contains("第 3 周没有主题"), "{}", e[2]);
        assert!(e[3].message.contains("第 2 周没有主题"), "{}", e[3]);
    }

    #[test]
    fn phone_channel_needs_number() {
        let text = MINIMAL.replace("number = \"110\"\n", "");
        let e = Config::parse(Path::new("config.toml"), &text).unwrap_err();
        assert!(e[0].message.contains("number"), "{}", e[0]);
    }
}
