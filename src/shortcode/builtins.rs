//! The built-in shortcodes' arguments checked and their data made: `figure`, `gallery`,
//! `hotline`, `case` and `qr`. Their markup is the theme's (`shortcodes/NAME.html`), so a
//! campaign may restyle one by writing its own template; what they show is decided here, the
//! same whichever template draws it.

use std::collections::BTreeMap;

use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;

use super::Host;
use super::parse::{Call, Literal};
use crate::channels::Group;
use crate::config::ChannelRole;

/// A problem: where in the body, and what.
type Fail = (usize, String);

/// Checks the arguments of a built-in shortcode and adds what its template shows to `vars`;
/// other shortcodes pass unchanged.
pub(super) fn prepare(
    call: &Call,
    host: &dyn Host,
    vars: &mut BTreeMap<String, Value>,
) -> Result<(), Fail> {
    match call.name.as_str() {
        "figure" => figure(call, host, vars),
        "gallery" => gallery(call, host, vars),
        "hotline" => hotline(call, host, vars),
        "case" => case(call, host, vars),
        "qr" => qr(call, host, vars),
        _ => Ok(()),
    }
}

/// `figure(src, alt, caption?)`: one picture with its description and an optional caption.
fn figure(call: &Call, host: &dyn Host, vars: &mut BTreeMap<String, Value>) -> Result<(), Fail> {
    let (src, at) = required(call, "src", "图片文件，如 photo.jpg")?;
    let src = image(host, src, at)?;
    required(call, "alt", ALT)?;
    string(call, "caption")?;
    vars.insert("src".into(), Value::from(src));
    Ok(())
}

const ALT: &str = "图片说明：看不见图片的读者靠它知道图上是什么";

/// One picture of a gallery.
#[derive(Serialize)]
struct Picture {
    src: String,
    alt: String,
    caption: Option<String>,
}

/// `gallery(images=[…], alts=[…], captions=[…]?)`: pictures side by side, each with its
/// description (and caption) at the same place in the other lists.
fn gallery(call: &Call, host: &dyn Host, vars: &mut BTreeMap<String, Value>) -> Result<(), Fail> {
    let Some((images, at)) = strings(call, "images")? else {
        return Err(missing(
            call,
            "images",
            "图片文件的列表，如 [\"a.jpg\", \"b.jpg\"]",
        ));
    };
    if images.is_empty() {
        return Err((at, "参数 `images` 至少要有一张图片".into()));
    }
    let Some((alts, alts_at)) = strings(call, "alts")? else {
        return Err(missing(call, "alts", "每张图片的说明，与 images 一一对应"));
    };
    let captions = strings(call, "captions")?;
    let same_length = |name: &str, n: usize, at: usize| {
        if n == images.len() {
            Ok(())
        } else {
            Err((
                at,
                format!(
                    "参数 `{name}` 有 {n} 项，应与 images 的 {} 张图片一一对应",
                    images.len()
                ),
            ))
        }
    };
    same_length("alts", alts.len(), alts_at)?;
    if let Some((c, at)) = &captions {
        same_length("captions", c.len(), *at)?;
    }
    if alts.iter().any(|a| a.trim().is_empty()) {
        return Err((alts_at, format!("参数 `alts` 里每一项都要写（{ALT}）")));
    }
    let mut pictures = Vec::new();
    for (i, (src, alt)) in images.iter().zip(&alts).enumerate() {
        pictures.push(Picture {
            src: image(host, src, at)?,
            alt: alt.to_string(),
            caption: captions
                .as_ref()
                .map(|(c, _)| c[i].to_string())
                .filter(|c| !c.is_empty()),
        });
    }
    vars.insert("images".into(), serde_value(&pictures));
    Ok(())
}

const ROLES: &[(&str, ChannelRole)] = &[
    ("emergency", ChannelRole::Emergency),
    ("local", ChannelRole::Local),
    ("consult", ChannelRole::Consult),
    ("report", ChannelRole::Report),
    ("warning", ChannelRole::Warning),
];

/// `hotline(role?)`: the campaign's channels of one role (`emergency`, `local`, `consult`,
/// `report`, `warning`), or all of them under their headings.
fn hotline(call: &Call, host: &dyn Host, vars: &mut BTreeMap<String, Value>) -> Result<(), Fail> {
    let hotlines = host.hotlines();
    let groups: Vec<Group> = match string(call, "role")? {
        None => hotlines.groups.clone(),
        Some((role, at)) => {
            let Some(&(_, role)) = ROLES.iter().find(|(name, _)| *name == role) else {
                let names = ROLES.iter().map(|(n, _)| *n);
                let hint = crate::diag::did_you_mean(role, names.clone())
                    .map(|n| format!("你是不是想写 `{n}`？"))
                    .unwrap_or_default();
                let all: Vec<&str> = names.collect();
                return Err((
                    at,
                    format!(
                        "没有 role = \"{role}\" 的渠道用途；{hint}可用: {}",
                        all.join(", ")
                    ),
                ));
            };
            let channels: Vec<_> = hotlines
                .all
                .iter()
                .filter(|c| c.role == role)
                .cloned()
                .collect();
            if channels.is_empty() {
                return Err((
                    at,
                    format!(
                        "config.toml 里没有 role = \"{}\" 的渠道（{}）",
                        role_name(role),
                        role.label()
                    ),
                ));
            }
            vec![Group {
                title: role.label(),
                channels,
            }]
        }
    };
    vars.insert("groups".into(), serde_value(&groups));
    Ok(())
}

fn role_name(role: ChannelRole) -> &'static str {
    ROLES
        .iter()
        .find(|(_, r)| *r == role)
        .map_or("", |(n, _)| n)
}

/// `case(path="@/cases/x.md")`: a card of a case page.
fn case(call: &Call, host: &dyn Host, vars: &mut BTreeMap<String, Value>) -> Result<(), Fail> {
    let (path, at) = required(call, "path", "案例页面，如 @/cases/example.md")?;
    let card = host.case(path).map_err(|m| (at, m))?;
    vars.insert("case".into(), serde_value(&card));
    Ok(())
}

/// `qr(path?)`: the QR code of the full address of a page (`@/…md`), a site path (`/…`), a
/// full URL, or, without `path`, the page it is on.
fn qr(call: &Call, host: &dyn Host, vars: &mut BTreeMap<String, Value>) -> Result<(), Fail> {
    let arg = string(call, "path")?;
    let at = arg.map_or(call.span.start, |(_, at)| at);
    let full = |path: &str| -> Result<String, Fail> {
        host.base_url().map(|b| format!("{b}{path}")).ok_or((
            at,
            "二维码要用网站的完整网址：请在 config.toml 写 base_url = \"https://…/\"，或构建时加 --base-url"
                .to_string(),
        ))
    };
    let (title, url) = match arg {
        None => {
            let here = host.here();
            (here.title, full(&here.path)?)
        }
        Some((p, _)) if p.starts_with("https://") || p.starts_with("http://") => {
            (p.to_string(), p.to_string())
        }
        Some((p, at)) if p.starts_with("@/") => {
            let t = host.target(p).map_err(|m| (at, m))?;
            (t.title, full(&t.path)?)
        }
        Some((p, _)) if p.starts_with('/') => (p.to_string(), full(p.trim_start_matches('/'))?),
        Some((p, at)) => {
            return Err((
                at,
                format!(
                    "参数 `path` 的 `{p}` 应是页面（@/….md）、以 / 开头的网站路径或 https:// 网址"
                ),
            ));
        }
    };
    let svg = crate::qr::svg_labelled(&url, &format!("「{title}」的二维码"));
    vars.insert("svg".into(), Value::from_safe_string(svg));
    vars.insert("url".into(), Value::from(url));
    vars.insert("title".into(), Value::from(title));
    Ok(())
}

/// An image address resolved as Markdown images are; a picture from outside the site only with
/// `unsafe_html = true`, as for raw HTML.
fn image(host: &dyn Host, src: &str, at: usize) -> Result<String, Fail> {
    match host.resolve(src, true) {
        Ok(Some(url)) => Ok(url),
        Ok(None) if host.sanitize() && is_outside(src) => Err((
            at,
            format!(
                "图片 `{src}` 在网站之外：网页不从站外加载图片，请把图片放到页面旁边或 static/ 里"
            ),
        )),
        Ok(None) => Ok(src.to_string()),
        Err(m) if m.is_empty() => Ok(src.to_string()),
        Err(m) => Err((at, m)),
    }
}

fn is_outside(url: &str) -> bool {
    url.starts_with("//") || url.contains(':')
}

fn missing(call: &Call, name: &str, what: &str) -> Fail {
    (
        call.span.start,
        format!("短代码 `{}` 缺少参数 `{name}`（{what}）", call.name),
    )
}

/// A string argument, if given.
fn string<'c>(call: &'c Call, name: &str) -> Result<Option<(&'c str, usize)>, Fail> {
    match call.arg(name) {
        None => Ok(None),
        Some(a) => match &a.value {
            Literal::Str(s) => Ok(Some((s, a.at))),
            _ => Err((a.at, format!("参数 `{name}` 应是放在引号里的文字"))),
        },
    }
}

/// A string argument that must be given and not be empty.
fn required<'c>(call: &'c Call, name: &str, what: &str) -> Result<(&'c str, usize), Fail> {
    match string(call, name)? {
        None => Err(missing(call, name, what)),
        Some((s, at)) if s.trim().is_empty() => {
            Err((at, format!("参数 `{name}` 不能为空（{what}）")))
        }
        Some(found) => Ok(found),
    }
}

/// A list of strings, if given.
fn strings<'c>(call: &'c Call, name: &str) -> Result<Option<(Vec<&'c str>, usize)>, Fail> {
    let Some(a) = call.arg(name) else {
        return Ok(None);
    };
    let bad = || {
        (
            a.at,
            format!("参数 `{name}` 应是文字的列表，如 [\"a\", \"b\"]"),
        )
    };
    match &a.value {
        Literal::Array(items) => items
            .iter()
            .map(|i| i.as_str().ok_or_else(bad))
            .collect::<Result<Vec<_>, _>>()
            .map(|v| Some((v, a.at))),
        _ => Err(bad()),
    }
}

/// Any serializable data as a template value.
fn serde_value<T: Serialize>(t: T) -> Value {
    Value::from(Serde(t))
}
