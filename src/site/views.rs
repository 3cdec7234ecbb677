//! What templates see: plain serializable views of the model, computed in Rust so templates stay
//! simple (links resolved, money formatted, summaries chosen).

use std::borrow::Cow;

use serde::Serialize;

use crate::artifact::{Artifacts, PrintRecord, ProfileRecord, ScreenRecord, ScreenRole};
use crate::channels::{ChannelView, Hotlines};
use crate::config::{Campaign, Config, Issuer, ScreenKind};
use crate::content::{
    AudienceFields, CaseFields, GuideFields, Kind, KindData, Model, Page, PageId, ScamFields,
    Section, Slogan,
};
use crate::units::{UNITS_PATH, Unit, unit_path};
use crate::zh::{bytes_text, loss_text};

/// A link to a page or section: its title and its site path (no leading slash).
#[derive(Serialize, Clone)]
pub struct Link {
    pub title: String,
    pub path: String,
}

/// A page as listed in a section or on the home page.
#[derive(Serialize, Clone)]
pub struct Card {
    pub title: String,
    pub path: String,
    pub summary: String,
    pub date: Option<String>,
    pub date_zh: Option<String>,
    pub kind: Option<Kind>,
    /// Scam types: the short slogan. Cases: region and loss.
    pub slogan: Option<String>,
    pub region: Option<String>,
    pub loss: Option<String>,
}

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: Option<&'a str>,
    pub issuer: &'a Issuer,
    pub campaign: CampaignView<'a>,
    /// The campaign's channels by role (`hotlines.emergency` stand under 报警).
    pub hotlines: Hotlines,
    pub extra: &'a toml::Table,
    /// Top-level sections, in weight order, for the main navigation.
    pub nav: Vec<Link>,
    pub scams: Vec<Card>,
    pub audiences: Vec<Card>,
    pub guides: Vec<Card>,
    /// Site path of the 下载中心 page, when there is one.
    pub downloads_path: Option<&'static str>,
    /// Site path of the search page.
    pub search_path: &'static str,
    /// Site path of the units index, when the campaign has a units table.
    pub units_path: Option<&'static str>,
    /// Site path of the calendar page, when the campaign has phases or weekly themes.
    pub calendar_path: Option<&'static str>,
}

/// Where the search page lives.
pub const SEARCH_PATH: &str = "search/";

/// A screen slide made from a page, as its page lists it.
#[derive(Serialize)]
pub struct Slide {
    pub title: String,
    pub file: String,
    pub size: String,
    pub bytes_text: String,
}

/// The display slides made from the page whose source file is `source`.
fn slides_of(source: &str, screens: &[ScreenRecord]) -> Vec<Slide> {
    screens
        .iter()
        .filter(|e| e.source.as_deref() == Some(source))
        .map(|e| Slide {
            title: e.title.clone(),
            file: e.file.clone(),
            size: match (e.width, e.height) {
                (Some(w), Some(h)) => format!("{w}×{h} 像素"),
                _ => String::new(),
            },
            bytes_text: bytes_text(e.bytes),
        })
        .collect()
}

/// Where the 下载中心 page lives.
pub const DOWNLOADS_PATH: &str = "downloads/";

/// A printable file as the site lists it.
#[derive(Serialize)]
pub struct Download {
    pub title: String,
    pub material: String,
    pub file: String,
    pub preview: String,
    pub size: String,
    pub pages: usize,
    pub bytes_text: String,
    /// The forwardable pictures of its pages (one, or a few for a long booklet).
    pub pictures: Vec<Picture>,
    /// Whether the pictures are shown: once for the same material of the same page in several
    /// sizes (the picture is the same design), and not for a banner made at 1:10 (a strip too
    /// thin to read as a picture; its JPEG is in the manifest).
    pub show_jpeg: bool,
    /// Made at real size (not a scaled-down banner).
    #[serde(skip)]
    pub readable: bool,
}

/// A forwardable JPEG as pages show it.
#[derive(Serialize)]
pub struct Picture {
    pub file: String,
    pub width: u32,
    pub height: u32,
    pub bytes_text: String,
}

/// Downloads of one material, for the 下载中心 page.
#[derive(Serialize)]
pub struct DownloadGroup {
    pub label: String,
    pub zips: Vec<String>,
    pub items: Vec<Download>,
}

fn download(e: &PrintRecord) -> Download {
    Download {
        title: e.title.clone(),
        material: e.material_label.to_string(),
        file: e.file.clone(),
        preview: e.preview.clone(),
        size: size_text(e),
        pages: e.pages,
        bytes_text: bytes_text(e.bytes),
        pictures: e
            .jpegs
            .iter()
            .map(|j| Picture {
                file: j.file.clone(),
                width: j.width,
                height: j.height,
                bytes_text: bytes_text(j.bytes),
            })
            .collect(),
        show_jpeg: e.scale == "1:1",
        readable: e.scale == "1:1",
    }
}

/// Downloads of one page or group, each design's picture shown once (its first size).
fn downloads_of<'a>(entries: impl Iterator<Item = &'a PrintRecord>) -> Vec<Download> {
    let mut seen = std::collections::HashSet::new();
    entries
        .map(|e| Download {
            show_jpeg: e.scale == "1:1"
                && seen.insert((e.material.clone(), e.source.clone(), e.title.clone())),
            ..download(e)
        })
        .collect()
}

fn size_text(e: &PrintRecord) -> String {
    let [w, h] = e.trim_mm;
    let dims = if w >= 500.0 || h >= 500.0 {
        format!("{}×{} 厘米", w / 10.0, h / 10.0)
    } else {
        format!("{w}×{h} 毫米")
    };
    let name = if e.size.starts_with('a') {
        format!("{} ", e.size.to_uppercase())
    } else {
        String::new()
    };
    let scale = if e.scale == "1:1" {
        String::new()
    } else {
        format!("，按 {} 缩小", e.scale)
    };
    format!("{name}{dims}{scale}")
}

/// Downloads grouped by material, in manifest order, with the shops' zips of each group.
pub fn download_groups(entries: &[PrintRecord]) -> Vec<DownloadGroup> {
    let mut groups: Vec<DownloadGroup> = Vec::new();
    // A unit's materials are on its own page.
    for e in entries.iter().filter(|e| e.unit.is_none()) {
        let zip = e.zip.clone();
        match groups.last_mut() {
            Some(g) if g.label == e.material_label => {
                if !g.zips.contains(&zip) {
                    g.zips.push(zip);
                }
                g.items.push(download(e));
            }
            _ => groups.push(DownloadGroup {
                label: e.material_label.to_string(),
                zips: vec![zip],
                items: vec![download(e)],
            }),
        }
    }
    for g in &mut groups {
        let mut seen = std::collections::HashSet::new();
        for d in &mut g.items {
            d.show_jpeg = d.readable && seen.insert(d.title.clone());
        }
    }
    groups
}

/// A 公众号 article as the preview page lists it.
#[derive(Serialize)]
pub struct ArticleView {
    pub title: String,
    pub section: String,
    pub file: String,
    pub bytes_text: String,
    pub read_more: Option<String>,
    pub images: Vec<String>,
}

pub fn articles(records: &[crate::artifact::ArticleRecord]) -> Vec<ArticleView> {
    records
        .iter()
        .map(|r| ArticleView {
            title: r.title.clone(),
            section: r.section.clone(),
            file: r.file.clone(),
            bytes_text: bytes_text(r.bytes),
            read_more: r.read_more.clone(),
            images: r.images.clone(),
        })
        .collect()
}

/// A file of the text channels (SMS lists, broadcast scripts) as the 下载中心 lists it.
#[derive(Serialize)]
pub struct TextFile {
    pub title: String,
    pub file: String,
    pub bytes_text: String,
}

/// The 下载中心's text channels: the SMS lists, and the broadcast scripts' PDF and zip.
pub fn text_files(made: &crate::artifact::Artifacts) -> (Vec<TextFile>, Vec<TextFile>) {
    use crate::artifact::ChannelFileKind as K;
    let file = |c: &crate::artifact::ChannelFile| TextFile {
        title: c.title.clone(),
        file: c.file.clone(),
        bytes_text: bytes_text(c.bytes),
    };
    let sms = made
        .channel_files
        .iter()
        .filter(|c| matches!(c.kind, K::SmsCsv | K::SmsCsvGb18030))
        .map(file)
        .collect();
    let scripts = made
        .channel_files
        .iter()
        .filter(|c| matches!(c.kind, K::ScriptsPdf | K::ScriptsZip))
        .map(file)
        .collect();
    (sms, scripts)
}

/// Where the 公众号 preview page lives.
pub const WECHAT_PATH: &str = crate::artifact::paths::WECHAT_DIR;

/// One screen profile's files, for the 下载中心 page.
#[derive(Serialize)]
pub struct ScreenGroup {
    pub label: String,
    pub zip: String,
    /// Displays: how long one pass of the playlist takes.
    pub note: Option<String>,
    pub playlist: Option<String>,
    pub rows: Vec<ScreenRow>,
}

/// The files of one slide or one slogan: a title and labelled links.
#[derive(Serialize)]
pub struct ScreenRow {
    pub title: String,
    pub links: Vec<ScreenLink>,
}

#[derive(Serialize)]
pub struct ScreenLink {
    pub label: String,
    pub file: String,
    pub bytes_text: String,
}

/// How the 下载中心 labels a screen file; BMP pages (for old controllers) and the strip's
/// settings are left to the profile's zip.
fn screen_link_label(role: ScreenRole) -> Option<String> {
    let label = match role {
        ScreenRole::Slide => "PNG".into(),
        ScreenRole::Page { page } => format!("第{page}屏"),
        ScreenRole::Strip => "长条图".into(),
        ScreenRole::Scroll => "滚动动画".into(),
        ScreenRole::TextUtf8 => "UTF-8".into(),
        ScreenRole::TextGb18030 => "GB18030".into(),
        ScreenRole::PageBmp { .. } | ScreenRole::Settings => return None,
    };
    Some(label)
}

/// Screen files grouped by profile, each slide or slogan a row, in manifest order.
pub fn screen_groups(entries: &[ScreenRecord], profiles: &[ProfileRecord]) -> Vec<ScreenGroup> {
    profiles
        .iter()
        .map(|p| {
            let mut rows: Vec<ScreenRow> = Vec::new();
            let files = entries
                .iter()
                .filter(|e| e.profile == p.name && e.unit.is_none());
            for e in files {
                let Some(label) = screen_link_label(e.role) else {
                    continue;
                };
                let link = ScreenLink {
                    label,
                    file: e.file.clone(),
                    bytes_text: bytes_text(e.bytes),
                };
                match rows.last_mut() {
                    Some(r) if r.title == e.title => r.links.push(link),
                    _ => rows.push(ScreenRow {
                        title: e.title.clone(),
                        links: vec![link],
                    }),
                }
            }
            let kind = match p.kind {
                ScreenKind::Display => "全彩显示屏",
                ScreenKind::Strip => "LED 条屏",
            };
            ScreenGroup {
                label: format!("{kind} {}×{} 像素", p.width, p.height),
                zip: p.zip.clone(),
                note: p.loop_seconds.map(|s| {
                    format!(
                        "{} 张，播完一轮 {s} 秒；与其他画面穿插时，反诈画面的间隔不要超过 {} 秒",
                        rows.len(),
                        p.max_gap_seconds.unwrap_or(s)
                    )
                }),
                playlist: p.playlist.clone(),
                rows,
            }
        })
        .collect()
}

#[derive(Serialize)]
pub struct CampaignView<'a> {
    #[serde(flatten)]
    pub campaign: &'a Campaign,
    pub start_zh: Option<String>,
    pub end_zh: Option<String>,
}

#[derive(Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: String,
    pub path: &'a str,
    pub permalink: String,
    pub date: Option<String>,
    pub date_zh: Option<String>,
    pub updated: Option<String>,
    pub weight: Option<i64>,
    /// The body as HTML, with its pictures' `<img>` made `<picture>` (see `pictures`).
    pub content: Cow<'a, str>,
    pub kind: Option<Kind>,
    pub extra: &'a toml::Table,
    pub section: Link,
    pub scam: Option<ScamView<'a>>,
    pub case: Option<CaseView<'a>>,
    pub audience: Option<AudienceView<'a>>,
    pub guide: Option<GuideView<'a>>,
    /// Printable materials made from this page.
    pub downloads: Vec<Download>,
    /// Screen slides made from this page.
    pub slides: Vec<Slide>,
}

#[derive(Serialize)]
pub struct ScamView<'a> {
    #[serde(flatten)]
    pub fields: &'a ScamFields,
    pub audience_pages: Vec<Link>,
    pub cases: Vec<Card>,
}

#[derive(Serialize)]
pub struct CaseView<'a> {
    #[serde(flatten)]
    pub fields: &'a CaseFields,
    pub scam_page: Link,
    pub loss_text: String,
    /// What an adapted case says about where it comes from: the cases section's `extra.note`,
    /// so the section and each case use one wording.
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct AudienceView<'a> {
    #[serde(flatten)]
    pub fields: &'a AudienceFields,
    pub scam_pages: Vec<Card>,
}

#[derive(Serialize)]
pub struct GuideView<'a> {
    #[serde(flatten)]
    pub fields: &'a GuideFields,
    pub channel_list: Vec<ChannelView>,
}

#[derive(Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub description: String,
    pub path: &'a str,
    pub permalink: String,
    /// The body as HTML, with its pictures' `<img>` made `<picture>` (see `pictures`).
    pub content: Cow<'a, str>,
    pub kind: Option<Kind>,
    pub extra: &'a toml::Table,
    pub pages: Vec<Card>,
    pub subsections: Vec<Link>,
    pub slogans: &'a [Slogan],
}

/// What `<head>` says about a page: title, description, canonical address, and the Open Graph
/// tags that chat apps read for a link preview.
#[derive(Serialize)]
pub struct Meta {
    pub title: String,
    pub description: String,
    /// The full address, when `base_url` is known.
    pub canonical: Option<String>,
    /// The share card's full address, when `base_url` is known (templates fall back to a
    /// relative one).
    pub image: Option<String>,
    /// `website` for home and lists, `article` for pages.
    pub og_type: &'static str,
}

/// The head of the page at site path `path`; `title` is `None` for the home page, `share` is
/// the site path of its share card.
pub fn meta(
    config: &Config,
    title: Option<&str>,
    description: &str,
    path: &str,
    share: Option<&str>,
    article: bool,
) -> Meta {
    let description = if description.trim().is_empty() {
        config.description.clone()
    } else {
        description.trim().to_string()
    };
    Meta {
        title: match title {
            Some(t) => format!("{t} - {}", config.title),
            None => config.title.clone(),
        },
        description,
        canonical: config.base_url.as_ref().map(|b| format!("{b}{path}")),
        image: config
            .base_url
            .as_ref()
            .zip(share)
            .map(|(b, s)| format!("{b}{s}")),
        og_type: if article { "article" } else { "website" },
    }
}

pub fn permalink(config: &Config, path: &str) -> String {
    match &config.base_url {
        Some(base) => format!("{base}{path}"),
        None => format!("/{path}"),
    }
}

pub fn site<'a>(model: &'a Model, has_downloads: bool, has_calendar: bool) -> SiteView<'a> {
    let c = &model.config;
    let home = model.home();
    let mut top: Vec<&Section> = home
        .subsections
        .iter()
        .map(|&i| &model.sections[i])
        .filter(|s| s.front.render)
        .collect();
    top.sort_by_key(|s| (s.front.weight.unwrap_or(i64::MAX), s.path.clone()));
    let cards = |kind| {
        model
            .pages_of(kind)
            .into_iter()
            .map(|id| card(model, id))
            .collect()
    };
    SiteView {
        title: &c.title,
        description: &c.description,
        language: &c.language,
        base_url: c.base_url.as_deref(),
        issuer: &c.issuer,
        campaign: CampaignView {
            campaign: &c.campaign,
            start_zh: c.campaign.start.as_ref().map(|d| d.chinese()),
            end_zh: c.campaign.end.as_ref().map(|d| d.chinese()),
        },
        hotlines: crate::channels::hotlines(c),
        extra: &c.extra,
        nav: top
            .iter()
            .map(|s| Link {
                title: s.title.clone(),
                path: s.path.clone(),
            })
            .collect(),
        scams: cards(Kind::Scam),
        audiences: cards(Kind::Audience),
        guides: cards(Kind::Guide),
        downloads_path: has_downloads.then_some(DOWNLOADS_PATH),
        search_path: SEARCH_PATH,
        units_path: (!model.units.is_empty()).then_some(UNITS_PATH),
        calendar_path: has_calendar.then_some(crate::artifact::paths::CALENDAR_PAGE),
    }
}

fn link(page: &Page) -> Link {
    Link {
        title: page.title.clone(),
        path: page.path.clone(),
    }
}

/// The one-line summary shown in lists: the description, else the kind's own summary line.
pub fn summary(page: &Page) -> String {
    if let Some(d) = &page.front.description {
        return d.clone();
    }
    match &page.kind {
        KindData::Scam { fields, .. } => fields.summary.clone(),
        KindData::Case { fields, .. } => fields.lesson.clone(),
        KindData::Audience { fields, .. } => fields.who.clone(),
        KindData::Guide { fields, .. } => fields.summary.clone(),
        KindData::Plain => truncate_chars(&crate::markdown::plain_text(&page.body), 80),
    }
}

fn truncate_chars(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

pub fn card(model: &Model, id: PageId) -> Card {
    let page = &model.pages[id];
    let (slogan, region, loss) = match &page.kind {
        KindData::Scam { fields, .. } => (Some(fields.slogan.clone()), None, None),
        KindData::Case { fields, .. } => (
            None,
            Some(fields.region.clone()),
            Some(loss_text(fields.loss)),
        ),
        _ => (None, None, None),
    };
    Card {
        title: page.title.clone(),
        path: page.path.clone(),
        summary: summary(page),
        date: page.front.date.as_ref().map(ToString::to_string),
        date_zh: page.front.date.as_ref().map(|d| d.chinese()),
        kind: page.kind.kind(),
        slogan,
        region,
        loss,
    }
}

pub fn page<'a>(
    model: &'a Model,
    id: PageId,
    downloads: &[PrintRecord],
    screens: &[ScreenRecord],
) -> PageView<'a> {
    let p = &model.pages[id];
    let section = &model.sections[p.section];
    let links = |ids: &[PageId]| {
        ids.iter()
            .map(|&i| link(&model.pages[i]))
            .collect::<Vec<_>>()
    };
    let cards = |ids: &[PageId]| ids.iter().map(|&i| card(model, i)).collect::<Vec<_>>();
    let source = crate::diag::display_path(&p.source);
    let mut view = PageView {
        title: &p.title,
        description: summary(p),
        path: &p.path,
        permalink: permalink(&model.config, &p.path),
        date: p.front.date.as_ref().map(ToString::to_string),
        date_zh: p.front.date.as_ref().map(|d| d.chinese()),
        updated: p.front.updated.as_ref().map(ToString::to_string),
        weight: p.front.weight,
        content: Cow::Borrowed(&p.content),
        kind: p.kind.kind(),
        extra: &p.front.extra,
        section: Link {
            title: section.title.clone(),
            path: section.path.clone(),
        },
        scam: None,
        case: None,
        audience: None,
        guide: None,
        downloads: downloads_of(
            downloads
                .iter()
                .filter(|e| e.source.as_deref() == Some(source.as_str())),
        ),
        slides: slides_of(&source, screens),
    };
    match &p.kind {
        KindData::Plain => {}
        KindData::Scam {
            fields,
            audiences,
            cases,
        } => {
            view.scam = Some(ScamView {
                fields,
                audience_pages: links(audiences),
                cases: cards(cases),
            })
        }
        KindData::Case { fields, scam } => {
            view.case = Some(CaseView {
                fields,
                scam_page: link(&model.pages[*scam]),
                loss_text: loss_text(fields.loss),
                note: model.sections[p.section]
                    .front
                    .extra
                    .get("note")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
            })
        }
        KindData::Audience { fields, scams } => {
            view.audience = Some(AudienceView {
                fields,
                scam_pages: cards(scams),
            })
        }
        KindData::Guide { fields, channels } => {
            let channel_list = channels
                .iter()
                .map(|&i| crate::channels::view(&model.config.channels[i]))
                .collect();
            view.guide = Some(GuideView {
                fields,
                channel_list,
            })
        }
    }
    view
}

pub fn section<'a>(model: &'a Model, s: &'a Section) -> SectionView<'a> {
    SectionView {
        title: &s.title,
        description: s.front.description.clone().unwrap_or_default(),
        path: &s.path,
        permalink: permalink(&model.config, &s.path),
        content: Cow::Borrowed(&s.content),
        kind: s.front.kind,
        extra: &s.front.extra,
        pages: s.pages.iter().map(|&id| card(model, id)).collect(),
        subsections: s
            .subsections
            .iter()
            .map(|&i| Link {
                title: model.sections[i].title.clone(),
                path: model.sections[i].path.clone(),
            })
            .collect(),
        slogans: &s.slogans,
    }
}

/// A unit's page: who it is, how to reach it and its 片区民警, and the campaign's key content
/// for its type.
#[derive(Serialize)]
pub struct UnitView<'a> {
    #[serde(flatten)]
    pub unit: &'a Unit,
    pub path: String,
    pub permalink: String,
    pub parent: Option<Link>,
    pub children: Vec<Link>,
    /// The audience pages of the unit's type.
    pub audiences: Vec<Link>,
    /// The scam types the unit's type is most concerned with.
    pub scams: Vec<Card>,
    /// The materials made for the unit: PDFs with previews, then slides.
    pub downloads: Vec<Download>,
    pub slides: Vec<ScreenLink>,
    /// The zip of its PDFs, to print locally.
    pub zip: Option<ScreenLink>,
}

fn unit_link(unit: &Unit) -> Link {
    Link {
        title: unit.name.clone(),
        path: unit_path(&unit.id),
    }
}

/// The view of the unit `index` of the units table, with what the renderers made for it.
pub fn unit<'a>(model: &'a Model, index: usize, made: &Artifacts) -> UnitView<'a> {
    let units = &model.units;
    let u = &units.list[index];
    let path = unit_path(&u.id);
    let (audiences, scams) = units.type_of(u).map_or((&[][..], &[][..]), |t| {
        (t.audiences.as_slice(), t.scams.as_slice())
    });
    UnitView {
        unit: u,
        permalink: permalink(&model.config, &path),
        path,
        parent: u
            .parent
            .as_deref()
            .and_then(|p| units.get(p))
            .map(unit_link),
        children: units.children(&u.id).map(unit_link).collect(),
        audiences: audiences.iter().map(|&i| link(&model.pages[i])).collect(),
        scams: scams.iter().map(|&i| card(model, i)).collect(),
        downloads: made
            .print
            .iter()
            .filter(|e| e.unit.as_ref() == Some(&u.id))
            .map(download)
            .collect(),
        slides: made
            .screens
            .iter()
            .filter(|e| e.unit.as_ref() == Some(&u.id))
            .map(|e| ScreenLink {
                label: format!(
                    "{}（{}×{}）",
                    e.profile,
                    e.width.unwrap_or(0),
                    e.height.unwrap_or(0)
                ),
                file: e.file.clone(),
                bytes_text: bytes_text(e.bytes),
            })
            .collect(),
        zip: made
            .print_zips
            .iter()
            .find(|z| z.unit.as_ref() == Some(&u.id))
            .map(|z| ScreenLink {
                label: format!("全部印刷品（{} 个 PDF）", z.members),
                file: z.file.clone(),
                bytes_text: bytes_text(z.bytes),
            }),
    }
}

/// The units of one type on the index, by parent.
#[derive(Serialize)]
pub struct UnitGroup {
    pub kind: String,
    pub count: usize,
    pub parents: Vec<UnitParentGroup>,
}

/// The units of one type under one parent (none: `parent` is `None`), in table order.
#[derive(Serialize)]
pub struct UnitParentGroup {
    pub parent: Option<Link>,
    pub units: Vec<Link>,
}

/// The units index: a group per type in `[[units.types]]` order (types without units left
/// out), in each the units without a parent first, then those of each parent in the order the
/// parents first appear.
pub fn unit_groups(model: &Model) -> Vec<UnitGroup> {
    let units = &model.units;
    units
        .types
        .iter()
        .filter_map(|t| {
            let mut parents: Vec<UnitParentGroup> = Vec::new();
            let of_type = units.list.iter().filter(|u| u.kind == t.name);
            let mut count = 0;
            for u in of_type {
                count += 1;
                let parent = u
                    .parent
                    .as_deref()
                    .and_then(|p| units.get(p))
                    .map(unit_link);
                let at = parents.iter().position(|g| {
                    g.parent.as_ref().map(|l| &l.path) == parent.as_ref().map(|l| &l.path)
                });
                match at {
                    Some(i) => parents[i].units.push(unit_link(u)),
                    None => parents.push(UnitParentGroup {
                        parent,
                        units: vec![unit_link(u)],
                    }),
                }
            }
            parents.sort_by_key(|g| g.parent.is_some());
            (count > 0).then(|| UnitGroup {
                kind: t.name.clone(),
                count,
                parents,
            })
        })
        .collect()
}
