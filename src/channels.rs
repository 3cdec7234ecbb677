//! Channels by role: which numbers stand under 报警, which under 劝阻咨询, which are for 举报 —
//! chosen here once for every renderer (site, print, screens, share cards), never as "the first
//! N phone channels"; and the issuer who signs beside them, in the one shape every typeset
//! template (print, screens, share cards) receives.

use serde::Serialize;

use crate::config::{Channel, ChannelKind, ChannelRole, Config};

/// A channel as templates (HTML and Typst) show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChannelView {
    pub id: String,
    pub name: String,
    pub role: ChannelRole,
    /// 报警, 派出所, 劝阻咨询, 举报, 预警.
    pub role_label: &'static str,
    pub kind: ChannelKind,
    /// 电话, 短信, 网站, App, 公众号, 当面.
    pub kind_label: &'static str,
    /// What to print large: the number, the web address without its scheme, the 公众号 or app
    /// name, or the channel's name for a place.
    pub contact: String,
    /// Where a tap leads: `tel:` for phones, `sms:` for short codes one texts, the address of a
    /// website; none for warnings one only receives, apps and places.
    pub href: Option<String>,
    /// SMS: what to write, e.g. `诈骗号码*短信全文`.
    pub format: Option<String>,
    pub purpose: String,
    pub when: String,
}

/// The campaign's channels grouped by role, in config order within each group.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Hotlines {
    /// Numbers to call for help, each under its own role label: 报警 (emergency), then the local
    /// station, then 劝阻咨询. What posters, slides and cards print large.
    pub call: Vec<ChannelView>,
    /// Only what stands under 报警: emergency numbers and the local station's phone.
    pub emergency: Vec<ChannelView>,
    pub consult: Vec<ChannelView>,
    pub report: Vec<ChannelView>,
    /// Report channels one uses on a phone or computer (web, app, 公众号): the short 举报 line of
    /// posters, slides and cards; text and phone routes are listed where every channel is.
    pub report_online: Vec<ChannelView>,
    pub warning: Vec<ChannelView>,
    /// Every channel, in config order (the local station's phone from `issuer.police_phone` last).
    pub all: Vec<ChannelView>,
    /// Every channel under its heading, for lists of all channels: 报警 (emergency and local),
    /// 劝阻与咨询, 举报, 预警; empty groups left out.
    pub groups: Vec<Group>,
}

/// Channels under one heading.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub title: &'static str,
    pub channels: Vec<ChannelView>,
}

/// One channel as shown.
pub fn view(ch: &Channel) -> ChannelView {
    ChannelView {
        id: ch.id.clone(),
        name: ch.name.clone(),
        role: ch.role,
        role_label: ch.role.label(),
        kind: ch.kind,
        kind_label: ch.kind.label(),
        contact: contact(ch),
        href: href(ch),
        format: ch.format.clone(),
        purpose: ch.purpose.clone(),
        when: ch.when.clone(),
    }
}

fn contact(ch: &Channel) -> String {
    let or_name = |v: &Option<String>| v.clone().unwrap_or_else(|| ch.name.clone());
    match ch.kind {
        ChannelKind::Phone | ChannelKind::Sms => or_name(&ch.number),
        ChannelKind::Web => ch.url.as_deref().map_or_else(|| ch.name.clone(), web_label),
        ChannelKind::Wechat => format!("公众号「{}」", or_name(&ch.account)),
        ChannelKind::App => ch.name.clone(),
        ChannelKind::Place => ch.name.clone(),
    }
}

/// `https://www.12321.cn/` → `www.12321.cn`.
fn web_label(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.trim_end_matches('/').to_string()
}

fn href(ch: &Channel) -> Option<String> {
    match (ch.kind, ch.role) {
        (ChannelKind::Phone, _) => ch.number.as_ref().map(|n| format!("tel:{n}")),
        // A warning short code only sends; nobody writes to it.
        (ChannelKind::Sms, ChannelRole::Warning) => None,
        (ChannelKind::Sms, _) => ch.number.as_ref().map(|n| format!("sms:{n}")),
        (ChannelKind::Web, _) => ch.url.clone(),
        _ => None,
    }
}

/// Who issues the campaign, as Typst templates show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IssuerView {
    pub name: String,
    /// For tight places; the full name when the campaign gives no short one.
    pub short_name: String,
}

/// The campaign's issuer.
pub fn issuer(config: &Config) -> IssuerView {
    let i = &config.issuer;
    IssuerView {
        name: i.name.clone(),
        short_name: i.short_name.clone().unwrap_or_else(|| i.name.clone()),
    }
}

/// The local station's phone from `issuer.police_phone`, unless a local channel already has it.
fn police_phone(config: &Config) -> Option<ChannelView> {
    let number = config.issuer.police_phone.as_ref()?;
    let known = config
        .channels
        .iter()
        .any(|c| c.number.as_ref() == Some(number));
    (!known).then(|| {
        view(&Channel {
            id: "police-phone".into(),
            name: "派出所电话".into(),
            role: ChannelRole::Local,
            kind: ChannelKind::Phone,
            number: Some(number.clone()),
            url: None,
            format: None,
            account: None,
            purpose: format!("{}所在地派出所", config.issuer.name),
            when: "需要当面报案或咨询时拨打。".into(),
        })
    })
}

/// Every channel of the campaign, grouped by role.
pub fn hotlines(config: &Config) -> Hotlines {
    let mut all: Vec<ChannelView> = config.channels.iter().map(view).collect();
    all.extend(police_phone(config));
    let of = |role: ChannelRole| -> Vec<ChannelView> {
        all.iter().filter(|c| c.role == role).cloned().collect()
    };
    let phones = |role| -> Vec<ChannelView> {
        of(role)
            .into_iter()
            .filter(|c| c.kind == ChannelKind::Phone)
            .collect()
    };
    let mut emergency = phones(ChannelRole::Emergency);
    emergency.extend(phones(ChannelRole::Local));
    let mut call = emergency.clone();
    call.extend(phones(ChannelRole::Consult));
    let groups = [
        ("报警", vec![ChannelRole::Emergency, ChannelRole::Local]),
        ("劝阻与咨询", vec![ChannelRole::Consult]),
        ("举报", vec![ChannelRole::Report]),
        ("预警", vec![ChannelRole::Warning]),
    ]
    .into_iter()
    .map(|(title, roles)| Group {
        title,
        channels: all
            .iter()
            .filter(|c| roles.contains(&c.role))
            .cloned()
            .collect(),
    })
    .filter(|g| !g.channels.is_empty())
    .collect();
    Hotlines {
        groups,
        call,
        emergency,
        consult: of(ChannelRole::Consult),
        report: of(ChannelRole::Report),
        report_online: of(ChannelRole::Report)
            .into_iter()
            .filter(|c| {
                matches!(
                    c.kind,
                    ChannelKind::Web | ChannelKind::App | ChannelKind::Wechat
                )
            })
            .collect(),
        warning: of(ChannelRole::Warning),
        all,
    }
}

/// The numbers a tap should dial: every phone channel's number and the local station's phone.
pub fn phone_numbers(config: &Config) -> Vec<String> {
    hotlines(config)
        .all
        .into_iter()
        .filter(|c| c.kind == ChannelKind::Phone)
        .map(|c| c.contact)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let text = r#"
title = "反诈"
[issuer]
name = "某县公安局"
police_phone = "0571-12345678"
[campaign]
slogan = "全民反诈"
[[channels]]
id = "96110"
name = "反诈预警劝阻专线"
role = "consult"
kind = "phone"
number = "96110"
purpose = "劝阻"
when = "接听"
[[channels]]
id = "110"
name = "报警电话"
role = "emergency"
kind = "phone"
number = "110"
purpose = "报警"
when = "被骗后立即拨打"
[[channels]]
id = "12321"
name = "12321举报"
role = "report"
kind = "web"
url = "https://www.12321.cn/"
purpose = "举报"
when = "收到诈骗信息"
[[channels]]
id = "12321-sms"
name = "12321短信举报"
role = "report"
kind = "sms"
number = "12321"
format = "诈骗号码*短信全文"
purpose = "举报"
when = "收到诈骗短信"
[[channels]]
id = "12381"
name = "预警短信"
role = "warning"
kind = "sms"
number = "12381"
purpose = "预警"
when = "收到后停止转账"
"#;
        Config::parse(std::path::Path::new("config.toml"), text).unwrap()
    }

    #[test]
    fn only_emergency_and_local_numbers_stand_under_baojing() {
        let h = hotlines(&config());
        let under = |l: &[ChannelView]| l.iter().map(|c| c.contact.clone()).collect::<Vec<_>>();
        assert_eq!(under(&h.emergency), ["110", "0571-12345678"]);
        assert_eq!(under(&h.call), ["110", "0571-12345678", "96110"]);
        assert_eq!(h.call[2].role_label, "劝阻咨询");
        assert_eq!(under(&h.report), ["www.12321.cn", "12321"]);
    }

    #[test]
    fn links_follow_the_kind() {
        let h = hotlines(&config());
        let href = |id: &str| h.all.iter().find(|c| c.id == id).unwrap().href.clone();
        assert_eq!(href("110").as_deref(), Some("tel:110"));
        assert_eq!(href("12321-sms").as_deref(), Some("sms:12321"));
        assert_eq!(href("12321").as_deref(), Some("https://www.12321.cn/"));
        assert_eq!(href("12381"), None);
        assert!(!phone_numbers(&config()).contains(&"12321".to_string()));
    }
}

/// For tests of every renderer: the repository's own campaign, and the rule that what stands
/// under 报警 is an emergency number only.
#[cfg(test)]
pub mod testing {
    use std::path::Path;

    use crate::content::Model;
    use crate::typeset::Engine;

    /// The default campaign (this repository) and a Typst engine for its theme.
    pub fn default_campaign() -> (Model, Engine) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = crate::config::Config::load(root).expect("config.toml loads");
        let (model, _) = crate::content::load(root, &config).expect("content loads");
        let engine = Engine::new(
            &root.join("themes/default"),
            Some(&root.join("fonts")),
            &model.config.print.fonts,
        )
        .expect("fonts are installed (scripts/install-deps)");
        (model, engine)
    }

    /// The text of a one-page Typst document, as `pdftotext` reads it from the exported PDF.
    pub fn text_of(engine: &Engine, doc: &typst_layout::PagedDocument) -> String {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("doc.pdf");
        std::fs::write(&pdf, engine.pdf(doc, "test").unwrap()).unwrap();
        let out = std::process::Command::new("pdftotext")
            .arg("-raw")
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) is installed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// 报警 stands before 110 only, 96110 under its own 劝阻咨询 label, 12321 never as a number to
    /// dial at once.
    #[track_caller]
    pub fn assert_roles(text: &str) {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(t.contains("报警110"), "报警 110 missing:\n{text}");
        assert!(
            t.contains("劝阻咨询96110"),
            "96110 without its consult label:\n{text}"
        );
        assert!(
            !t.contains("报警96110") && !t.contains("11096110"),
            "96110 under 报警:\n{text}"
        );
        for (at, _) in t.match_indices("拨打") {
            let after: String = t[at..].chars().take(40).collect();
            assert!(
                !after.contains("12321"),
                "12321 as a number to dial:\n{text}"
            );
        }
    }
}

#[cfg(test)]
mod rule_tests {
    use super::testing::assert_roles;

    #[test]
    fn the_rule_holds_for_labelled_numbers() {
        assert_roles("报警 110 报警电话 劝阻咨询 96110 举报：www.12321.cn");
    }

    #[test]
    #[should_panic(expected = "96110 under 报警")]
    fn the_rule_catches_96110_under_baojing() {
        assert_roles("报警 110 劝阻咨询 96110 报警 96110");
    }

    #[test]
    #[should_panic(expected = "12321 as a number to dial")]
    fn the_rule_catches_12321_to_dial() {
        assert_roles("报警 110 劝阻咨询 96110 遇到可疑情况，请立即拨打 12321");
    }
}
