//! The kinds of content an anti-fraud campaign is made of, each a Rust type whose required fields
//! serde enforces: scam types, cases, audiences, guides and the slogans collection.
//!
//! Links to other pages are written `@/path.md` and are resolved into `PageId`s by `content::link`.

use serde::{Deserialize, Serialize};

/// Longest short slogan, in characters: it must fit an LED strip.
pub const MAX_SLOGAN_CHARS: usize = 16;

/// What a section's pages are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Scam,
    Case,
    Audience,
    Guide,
    Slogans,
}

impl Kind {
    /// The Chinese name authors know the kind by.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Scam => "诈骗类型",
            Kind::Case => "典型案例",
            Kind::Audience => "人群",
            Kind::Guide => "指南",
            Kind::Slogans => "宣传口号",
        }
    }

    /// The kind-specific front-matter keys of a page of this kind.
    pub fn page_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Scam => crate::schema::fields_of::<ScamFields>(),
            Kind::Case => crate::schema::fields_of::<CaseFields>(),
            Kind::Audience => crate::schema::fields_of::<AudienceFields>(),
            Kind::Guide => crate::schema::fields_of::<GuideFields>(),
            Kind::Slogans => &[],
        }
    }

    /// Whether pages of this kind must name their slug explicitly.
    pub fn needs_slug(self) -> bool {
        matches!(self, Kind::Scam)
    }
}

/// A scam type (诈骗类型).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ScamFields {
    /// One line saying what the scam is.
    pub summary: String,
    /// Other names people know it by.
    pub other_names: Vec<String>,
    /// `@/` links to the audience pages it targets.
    pub audiences: Vec<String>,
    /// How it works, step by step.
    pub steps: Vec<String>,
    /// 识别要点; the first three are used on screens.
    pub red_flags: Vec<String>,
    /// What to do.
    pub actions: Vec<String>,
    /// What never to do.
    pub never: Vec<String>,
    /// The 「凡是……就是诈骗」 rule.
    pub rule: String,
    /// Short slogan for LED strips, at most 16 characters.
    pub slogan: String,
    /// Extra `@/` links to cases; cases that name this scam are added automatically.
    #[serde(default)]
    pub related_cases: Vec<String>,
}

/// A case study (典型案例).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CaseFields {
    pub region: String,
    /// Money lost, in yuan; 0 when stopped in time.
    pub loss: u64,
    /// `@/` link to the scam type it illustrates.
    pub scam: String,
    pub lesson: String,
    /// True when the case is an adapted or composite example rather than a verbatim report.
    #[serde(default)]
    pub adapted: bool,
}

/// An audience page (人群).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AudienceFields {
    /// Who they are and why scammers target them.
    pub who: String,
    /// `@/` links to the scams that target them.
    pub scams: Vec<String>,
    pub tips: Vec<String>,
}

/// A guide (被骗后怎么办, 如何举报).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct GuideFields {
    pub summary: String,
    /// Ids of config channels shown with the guide.
    #[serde(default)]
    pub channels: Vec<String>,
}

/// The slogans collection: the `slogans` key of a `kind = "slogans"` section.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SlogansFields {
    pub slogans: Vec<Slogan>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Slogan {
    /// Empty when the slogan is a scam type's rule (`scam`), which the linker fills in.
    #[serde(default)]
    pub text: String,
    /// At most 16 characters, for LED strips; the scam type's `slogan` when `scam` is given.
    #[serde(default)]
    pub short: String,
    /// `@/` link to a scam type whose `rule` and `slogan` this slogan is, so both are written
    /// once, on the scam's page.
    #[serde(default)]
    pub scam: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A case's date is required; other kinds take it from the common `date` key if given.
pub fn required_date(kind: Kind) -> bool {
    kind == Kind::Case
}

/// Characters as a reader counts them (each 汉字 and each punctuation mark is one).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Checks the rule shape 「凡是……就是诈骗」, allowing closing punctuation.
pub fn is_fanshi_rule(rule: &str) -> bool {
    let body = rule.trim().trim_end_matches(['！', '!', '。', '.']);
    body.starts_with("凡是") && body.ends_with("就是诈骗") && char_len(body) > 6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fanshi_rule_shape() {
        assert!(is_fanshi_rule("凡是网络兼职刷单返还佣金就是诈骗！"));
        assert!(!is_fanshi_rule("刷单就是诈骗"));
        assert!(!is_fanshi_rule("凡是就是诈骗"));
    }

    #[test]
    fn page_fields_come_from_the_structs() {
        assert!(Kind::Scam.page_fields().contains(&"red_flags"));
        assert!(Kind::Case.page_fields().contains(&"loss"));
    }
}
