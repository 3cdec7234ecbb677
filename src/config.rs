//! The campaign's `config.toml`: site identity, issuer, campaign dates and the reporting channels.
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
    /// Free values for templates.
    #[serde(default)]
    pub extra: toml::Table,
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
}

/// One way to report fraud or receive warnings: a hotline, an SMS short code, an app, a place.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Short id that content refers to, e.g. `"96110"` or `"app"`.
    pub id: String,
    pub name: String,
    pub kind: ChannelKind,
    /// Number to dial or text; absent for apps and places.
    pub number: Option<String>,
    pub url: Option<String>,
    /// What the channel is for.
    pub purpose: String,
    /// When to use it.
    pub when: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Phone,
    Sms,
    App,
    Web,
    Place,
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
        let mut seen = std::collections::BTreeSet::new();
        for ch in &config.channels {
            if !seen.insert(ch.id.as_str()) {
                complain("channels", format!("渠道 id `{}` 重复", ch.id));
            }
            if matches!(ch.kind, ChannelKind::Phone | ChannelKind::Sms) && ch.number.is_none() {
                complain(
                    "channels",
                    format!("渠道 `{}` 是电话或短信，必须填写 number", ch.id),
                );
            }
        }
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
    fn phone_channel_needs_number() {
        let text = MINIMAL.replace("number = \"110\"\n", "");
        let e = Config::parse(Path::new("config.toml"), &text).unwrap_err();
        assert!(e[0].message.contains("number"), "{}", e[0]);
    }
}
