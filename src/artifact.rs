//! Typed records of what the renderers made — PDFs, previews, slides, strip images, texts, zips,
//! share cards, page pictures at several widths — and the one place their paths are named. Renderers fill the records; the site
//! lists them; nothing parses a file name.

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::config::ScreenKind;
use crate::content::{KindData, Model, Page, PageId};
use crate::date::Date;
use crate::output::OutFile;

/// Every artifact of a build that the site lists, by the renderer that made it.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct Artifacts {
    pub print: Vec<PrintRecord>,
    pub print_zips: Vec<ZipRecord>,
    pub screens: Vec<ScreenRecord>,
    pub screen_profiles: Vec<ProfileRecord>,
    pub screen_zips: Vec<ZipRecord>,
    /// Whether every page has a share card at [`paths::share_card`].
    pub share_cards: bool,
    /// A shard without the campaign's files: another shard makes the 下载中心's files, and this
    /// one's pages link it all the same.
    #[serde(skip)]
    pub downloads_elsewhere: bool,
    /// The pictures pages use, each at the widths made for screens, sorted by path.
    pub images: Vec<ImageRecord>,
    /// The calendar as of the build date, when the campaign has one.
    pub calendar: Option<CalendarRecord>,
    /// The reporting kit: calendar file, printed schedule, forms per unit, summary draft.
    pub reports: Vec<ReportRecord>,
    /// The 公众号 articles, one for the home and each scam, case and guide page.
    pub wechat: Vec<ArticleRecord>,
    /// The SMS texts, in the CSV's order.
    pub sms: Vec<SmsRecord>,
    /// The broadcast scripts, each at each configured length.
    pub broadcast: Vec<ScriptRecord>,
    /// The files of the text channels that are not one article or script: the SMS lists, the
    /// announcer's PDF.
    pub channel_files: Vec<ChannelFile>,
}

impl Artifacts {
    /// Takes in what another renderer made (renderers fill different fields).
    pub fn absorb(&mut self, other: Artifacts) {
        self.print.extend(other.print);
        self.print_zips.extend(other.print_zips);
        self.screens.extend(other.screens);
        self.screen_profiles.extend(other.screen_profiles);
        self.screen_zips.extend(other.screen_zips);
        self.share_cards |= other.share_cards;
        self.images.extend(other.images);
        self.calendar = self.calendar.take().or(other.calendar);
        self.reports.extend(other.reports);
        self.wechat.extend(other.wechat);
        self.sms.extend(other.sms);
        self.broadcast.extend(other.broadcast);
        self.channel_files.extend(other.channel_files);
    }

    /// Puts the records of several shards in the order one build gives them: the campaign's
    /// (which one shard made, in their order) first, then each unit's by id (each unit's in
    /// the order its shard made them).
    pub fn canonical(&mut self) {
        self.print.sort_by(|a, b| a.unit.cmp(&b.unit));
        self.print_zips.sort_by(|a, b| a.unit.cmp(&b.unit));
        self.screens.sort_by(|a, b| a.unit.cmp(&b.unit));
        self.reports.sort_by(|a, b| a.unit.cmp(&b.unit));
    }

    /// The manifests: `print/manifest.json` for print shops, `screens/manifest.json` for
    /// screen operators (each when there is a kit), and `manifest.json` of everything.
    pub fn manifests(&self) -> Vec<OutFile> {
        let mut all = serde_json::to_value(self).expect("artifacts serialize");
        all.as_object_mut()
            .expect("an object")
            .insert("generator".into(), "fanzha".into());
        [self.print_manifest(), self.screens_manifest()]
            .into_iter()
            .flatten()
            .chain([OutFile::bytes(paths::MANIFEST, manifest_json(all))])
            .collect()
    }

    /// `print/manifest.json`, when there are PDFs.
    pub fn print_manifest(&self) -> Option<OutFile> {
        let m = serde_json::json!({ "generator": "fanzha", "materials": self.print });
        (!self.print.is_empty()).then(|| OutFile::bytes(paths::PRINT_MANIFEST, manifest_json(m)))
    }

    /// `screens/manifest.json`, when there are screen files.
    pub fn screens_manifest(&self) -> Option<OutFile> {
        let m = serde_json::json!({
            "generator": "fanzha",
            "profiles": self.screen_profiles,
            "files": self.screens,
        });
        (!self.screens.is_empty())
            .then(|| OutFile::bytes(paths::SCREENS_MANIFEST, manifest_json(m)))
    }

    /// Whether there is anything for the 下载中心 to list.
    pub fn has_downloads(&self) -> bool {
        self.downloads_elsewhere
            || !self.print.is_empty()
            || !self.screens.is_empty()
            || !self.reports.is_empty()
            || !self.wechat.is_empty()
            || !self.sms.is_empty()
            || !self.broadcast.is_empty()
    }

    /// How many files of each kind of report were made.
    pub fn reports_of(&self, kind: ReportKind) -> impl Iterator<Item = &ReportRecord> {
        self.reports.iter().filter(move |r| r.kind == kind)
    }
}

/// The calendar as the build date sees it: the site shows this week's theme from it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CalendarRecord {
    /// The day of the build (`--date`, `SOURCE_DATE_EPOCH` or the clock, in China).
    pub build_date: Date,
    /// The week of the campaign the build date falls in.
    pub this_week: Option<u32>,
    /// The phase the build date falls in.
    pub this_phase: Option<String>,
    /// The `.ics` file, when the calendar has events.
    pub ics: Option<String>,
}

/// What a file of the reporting kit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    /// The phases and weekly themes as an iCalendar file.
    Calendar,
    /// The phases and weekly themes on A4.
    Schedule,
    /// 入户宣传登记表, 宣传活动记录表, App 安装统计表 of one unit.
    Forms,
    /// The 工作总结 draft.
    Summary,
}

impl ReportKind {
    pub fn label(self) -> &'static str {
        match self {
            ReportKind::Calendar => "活动日历",
            ReportKind::Schedule => "活动日程表",
            ReportKind::Forms => "工作台账",
            ReportKind::Summary => "工作总结草稿",
        }
    }
}

/// One file of the reporting kit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReportRecord {
    pub kind: ReportKind,
    pub title: String,
    /// The unit of the units table it is for (id and name).
    pub unit: Option<String>,
    pub unit_name: Option<String>,
    /// `ics`, `pdf`, `xlsx` or `docx`.
    pub format: String,
    pub file: String,
    /// PDFs: their pages; workbooks: their sheets.
    pub pages: Option<usize>,
    pub bytes: usize,
    pub sha256: String,
}

/// One printable PDF, as `print/manifest.json` lists it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct PrintRecord {
    /// Folder and manifest name of the material: `poster`, `flyer`, …
    pub material: String,
    pub material_label: String,
    /// The unit of the units table it was made for (its id); none for the campaign's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub title: String,
    /// The content page it was made from.
    pub source: Option<String>,
    pub file: String,
    pub preview: String,
    /// Size label used in file names: `a3`, `90x120cm`.
    pub size: String,
    /// Trim size in millimetres at real size.
    pub trim_mm: [f64; 2],
    pub bleed_mm: f64,
    /// `1:1`, or `1:10` for banners longer than a PDF page can be.
    pub scale: String,
    pub pages: usize,
    pub bytes: usize,
    pub sha256: String,
    /// The zip of its material and size.
    pub zip: String,
    /// Its pages as pictures to save and forward in WeChat (whose Android app opens no PDF):
    /// one, or a few for a long booklet, each at most 1 MB.
    pub jpegs: Vec<JpegRecord>,
}

/// A forwardable picture of a print material: JPEG, [`FORWARD_WIDTH`] wide, its pages (or some
/// of them) one under another, at most [`FORWARD_MAX_BYTES`].
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct JpegRecord {
    pub file: String,
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
    /// The JPEG quality it was encoded at (lower only when a long picture would pass 1 MB).
    pub quality: u8,
}

/// Width of forwardable pictures: what WeChat shows at full width on a phone without scaling up.
pub const FORWARD_WIDTH: u32 = 1080;
/// WeChat's limit for a picture uploaded through the 公众号 platform: 1 MB.
pub const FORWARD_MAX_BYTES: usize = 1024 * 1024;

/// A 公众号 article made from one page.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct ArticleRecord {
    pub file: String,
    pub title: String,
    /// The content file it was made from.
    pub source: String,
    /// 诈骗类型, 典型案例, 指南, or the campaign's home.
    pub section: String,
    pub bytes: usize,
    /// The page's web address, for the editor's 「阅读原文」 field; none without `base_url`.
    pub read_more: Option<String>,
    /// Site paths of the pictures the article shows (the editor uploads each).
    pub images: Vec<String>,
}

/// One anti-fraud text message.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct SmsRecord {
    pub id: String,
    /// The whole text as sent, 【签名】 included.
    pub text: String,
    /// Characters as carriers count them (one segment holds 70).
    pub length: usize,
    /// The content file and field its words come from.
    pub source: String,
    pub field: String,
}

/// One broadcast script at one length.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct ScriptRecord {
    pub id: String,
    pub title: String,
    pub source: String,
    /// The length it was written for.
    pub minutes: u32,
    /// Characters read aloud (punctuation and spaces not counted).
    pub chars: usize,
    /// Reading time at the configured pace.
    pub seconds: u32,
    pub file: String,
    pub file_gb18030: String,
    pub bytes: usize,
}

/// What a file of the text channels is.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelFileKind {
    /// The SMS list as UTF-8 CSV with a byte-order mark (Excel, WPS).
    SmsCsv,
    /// The same list in GB18030, for platforms on Chinese Windows.
    SmsCsvGb18030,
    /// All broadcast scripts as one A4 PDF for the announcer.
    ScriptsPdf,
    /// Every script's text files (UTF-8 and GB18030) in one zip.
    ScriptsZip,
}

/// A file of the text channels that is not one article or script.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct ChannelFile {
    pub file: String,
    pub kind: ChannelFileKind,
    pub title: String,
    pub bytes: usize,
}

/// A zip of a group of files: one material and size, or one screen profile.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct ZipRecord {
    pub file: String,
    /// The material or the screen profile it holds, or the unit whose files it holds.
    pub group: String,
    /// The unit whose files it holds (its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub members: usize,
    pub bytes: usize,
}

/// What a screen file is for an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "role", rename_all = "kebab-case")]
pub enum ScreenRole {
    /// A full-screen display slide.
    Slide,
    /// One screen of a strip text, numbered from 1, as a palette PNG.
    Page { page: usize },
    /// The same screen as a 1-bit BMP, for older controllers.
    PageBmp { page: usize },
    /// The whole line as one long image, for controllers that scroll it themselves.
    Strip,
    /// A scrolling preview animation.
    Scroll,
    /// All slogans as UTF-8 text.
    TextUtf8,
    /// All slogans as GB18030 text, for control software on Chinese Windows.
    TextGb18030,
    /// The strip's parameters for the operator.
    Settings,
}

/// One file of the screen kit, as `screens/manifest.json` lists it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct ScreenRecord {
    pub profile: String,
    pub kind: ScreenKind,
    pub file: String,
    pub title: String,
    #[serde(flatten)]
    pub role: ScreenRole,
    /// The content file the image was made from, when it is one page's (a scam type's slide).
    pub source: Option<String>,
    /// The unit of the units table the slide is for (its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Pixel size, for images.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub bytes: usize,
}

/// What one screen profile contributes to the manifest besides its files.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct ProfileRecord {
    pub name: String,
    pub kind: ScreenKind,
    pub width: u32,
    pub height: u32,
    /// Displays: seconds for one pass through all slides.
    pub loop_seconds: Option<u32>,
    pub max_gap_seconds: Option<u32>,
    /// Displays: the M3U playlist beside the slides (a JSON one is beside it too).
    pub playlist: Option<String>,
    /// The zip of the profile's files.
    pub zip: String,
}

/// A raster picture pages use, as the images renderer made it: upright, without metadata, at a
/// few widths. The largest file in its own format is published at the picture's own path, so
/// links to it keep working; the original is never published.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct ImageRecord {
    /// Site path of the picture as pages name it: `cases/a/photo.jpg`.
    pub path: String,
    /// The file it was made from (`content/…`, `static/…`), for messages.
    pub source: String,
    /// The MIME type of the files in its own format (`image/jpeg`, `image/png`, `image/webp`,
    /// `image/gif`).
    pub mime: String,
    /// Narrowest first; the last is at `path`.
    pub variants: Vec<ImageVariant>,
}

/// One width of a picture.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct ImageVariant {
    pub width: u32,
    pub height: u32,
    /// In the picture's own format, for browsers without WebP.
    pub file: String,
    /// The same pixels as lossy WebP, when the picture's own format is not WebP already (an
    /// animated GIF is kept as it is and has none).
    pub webp: Option<String>,
}

impl ImageRecord {
    /// The largest variant, whose size a page states in `width` and `height`.
    pub fn largest(&self) -> &ImageVariant {
        self.variants
            .last()
            .expect("a picture has at least one width")
    }
}

/// Whether a page has a share card of its own: scam types, audiences and guides do. A case shows
/// its scam type's card (the rule to remember is the scam's), a plain page its section's, so a
/// campaign of thousands of case bulletins makes dozens of cards, not thousands.
pub fn has_own_share_card(page: &Page) -> bool {
    matches!(
        page.kind,
        KindData::Scam { .. } | KindData::Audience { .. } | KindData::Guide { .. }
    )
}

/// The site path of the page or section whose share card page `id` shows (see
/// [`has_own_share_card`]); its card is at [`paths::share_card`] of that path.
pub fn share_card_owner(model: &Model, id: PageId) -> &str {
    let page = &model.pages[id];
    match &page.kind {
        _ if has_own_share_card(page) => &page.path,
        KindData::Case { scam, .. } if *scam < model.pages.len() => &model.pages[*scam].path,
        _ if model.sections[page.section].front.render => &model.sections[page.section].path,
        _ => "",
    }
}

/// Where each artifact lives in the output: named here and nowhere else.
pub mod paths {
    /// Every artifact of the build, for scripts: `manifest.json` at the root.
    pub const MANIFEST: &str = "manifest.json";
    pub const PRINT_MANIFEST: &str = "print/manifest.json";
    pub const SCREENS_MANIFEST: &str = "screens/manifest.json";

    pub fn print_pdf(material: &str, stem: &str) -> String {
        format!("print/{material}/{stem}.pdf")
    }

    pub fn print_preview(material: &str, stem: &str) -> String {
        format!("print/{material}/{stem}.png")
    }

    /// The `part`-th picture (from 1) of the material at `path_stem` (its path without `.pdf`):
    /// `….jpg`, then `…-2.jpg`.
    pub fn jpeg_part(path_stem: &str, part: usize) -> String {
        match part {
            1 => format!("{path_stem}.jpg"),
            n => format!("{path_stem}-{n}.jpg"),
        }
    }

    /// The folder of the 公众号 articles, whose index page (rendered by the site) lists them.
    pub const WECHAT_DIR: &str = "wechat/";

    /// The 公众号 article of the page at `page_path` (`""` for home, `scams/shuadan/`):
    /// `wechat/home.html`, `wechat/scams/shuadan.html`.
    pub fn wechat_article(page_path: &str) -> String {
        match page_path.trim_end_matches('/') {
            "" => "wechat/home.html".into(),
            p => format!("wechat/{p}.html"),
        }
    }

    pub const SMS_CSV: &str = "sms/sms.csv";
    pub const SMS_CSV_GB18030: &str = "sms/sms-gb18030.csv";

    /// A broadcast script at one length, as UTF-8 text.
    pub fn broadcast_script(id: &str, minutes: u32) -> String {
        format!("broadcast/{id}-{minutes}min.txt")
    }

    /// The same script in GB18030.
    pub fn broadcast_script_gb18030(id: &str, minutes: u32) -> String {
        format!("broadcast/gb18030/{id}-{minutes}min.txt")
    }

    pub const BROADCAST_PDF: &str = "broadcast/scripts.pdf";
    pub const BROADCAST_ZIP: &str = "broadcast/scripts.zip";

    pub fn print_zip(material: &str, size: &str) -> String {
        format!("print/zip/{material}-{size}.zip")
    }

    pub fn screen_file(profile: &str, name: &str) -> String {
        format!("screens/{profile}/{name}")
    }

    /// The campaign's calendar for phones.
    pub const CALENDAR_ICS: &str = "reports/calendar.ics";
    /// The printed schedule.
    pub const SCHEDULE_PDF: &str = "reports/schedule.pdf";
    /// The summary draft.
    pub const SUMMARY_DOCX: &str = "reports/summary.docx";
    /// The calendar page of the site.
    pub const CALENDAR_PAGE: &str = "calendar/";

    /// The forms of a unit, beside its other files (`downloads/units/<id>/forms.pdf`), or the
    /// one set of a campaign without a units table (`reports/forms/forms.pdf`), as `ext`.
    pub fn forms(unit: Option<&str>, ext: &str) -> String {
        match unit {
            Some(id) => unit_file(id, &format!("forms.{ext}")),
            None => format!("reports/forms/forms.{ext}"),
        }
    }

    pub fn screen_zip(profile: &str) -> String {
        format!("screens/zip/{profile}.zip")
    }

    /// The share card of the page at `page_path` (`""` for home, `scams/shuadan/`).
    pub fn share_card(page_path: &str) -> String {
        format!("{page_path}share.png")
    }

    /// Where the files made for one unit live: `downloads/units/<id>/`.
    pub const UNIT_DOWNLOADS: &str = "downloads/units/";

    /// A file made for the unit `unit`: `downloads/units/<id>/<name>`.
    pub fn unit_file(unit: &str, name: &str) -> String {
        format!("{UNIT_DOWNLOADS}{unit}/{name}")
    }

    /// The zip of everything made for the unit, to print locally.
    pub fn unit_zip(unit: &str) -> String {
        unit_file(unit, &format!("{unit}.zip"))
    }

    /// The unit an output file belongs to: its page (`units/<id>/…`) or its downloads
    /// (`downloads/units/<id>/…`). `None` for the units index and every campaign-wide file.
    pub fn unit_of(path: &str) -> Option<&str> {
        let rest = path
            .strip_prefix(UNIT_DOWNLOADS)
            .or_else(|| path.strip_prefix(crate::units::UNITS_PATH))?;
        let (id, file) = rest.split_once('/')?;
        (!id.is_empty() && !file.is_empty()).then_some(id)
    }

    /// A picture at one width, beside it: `cases/a/photo.jpg` at 720 as WebP is
    /// `cases/a/photo-720w.webp`.
    pub fn image_variant(image_path: &str, width: u32, ext: &str) -> String {
        let (dir, name) = image_path
            .rsplit_once('/')
            .map_or(("", image_path), |(d, n)| (d, n));
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        let sep = if dir.is_empty() { "" } else { "/" };
        format!("{dir}{sep}{stem}-{width}w.{ext}")
    }
}

/// A manifest as pretty JSON with a final newline.
fn manifest_json(value: serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(&value).expect("manifest serializes");
    text.push('\n');
    text
}

/// A stored (uncompressed: PDFs and PNGs are compressed already) zip with fixed timestamps, so
/// the same members give the same bytes.
pub fn zip_stored(members: &[(String, &[u8])]) -> Vec<u8> {
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

/// Hex of a SHA-256 digest, as manifests print it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
