//! Machine-read files: `sitemap.xml`, `robots.txt` and the Atom feed of cases. Dates come from the
//! content, never from the clock, so rebuilding unchanged content gives identical bytes.

use crate::content::{Kind, Model};
use crate::site::views::permalink;

pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

pub fn sitemap(model: &Model) -> String {
    let mut entries: Vec<(String, Option<String>)> = Vec::new();
    for s in model.sections.iter().filter(|s| s.front.render) {
        entries.push((s.path.clone(), None));
    }
    for p in &model.pages {
        let last = p
            .front
            .updated
            .as_ref()
            .or(p.front.date.as_ref())
            .map(ToString::to_string);
        entries.push((p.path.clone(), last));
    }
    if !model.units.is_empty() {
        entries.push((crate::units::UNITS_PATH.to_string(), None));
    }
    for u in &model.units.list {
        entries.push((crate::units::unit_path(&u.id), None));
    }
    entries.sort();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, last) in entries {
        xml.push_str(&format!(
            "  <url>\n    <loc>{}</loc>\n",
            escape_xml(&permalink(&model.config, &path))
        ));
        if let Some(d) = last {
            xml.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(model: &Model) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}\n",
        permalink(&model.config, "sitemap.xml")
    )
}

/// Atom feed of the newest cases (典型案例), for WeChat public accounts and aggregators.
pub fn atom(model: &Model) -> String {
    const MAX_ENTRIES: usize = 30;
    let mut cases = model.pages_of(Kind::Case);
    cases.sort_by(|&a, &b| model.page_date(b).cmp(&model.page_date(a)).then(a.cmp(&b)));
    cases.truncate(MAX_ENTRIES);
    let c = &model.config;
    let updated = cases
        .first()
        .and_then(|&id| model.page_date(id))
        .or(c.campaign.start.as_ref())
        .map_or_else(|| "2000-01-01T00:00:00Z".to_string(), |d| d.rfc3339());
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        c.language
    ));
    xml.push_str(&format!(
        "  <title>{} · 典型案例</title>\n",
        escape_xml(&c.title)
    ));
    xml.push_str(&format!(
        "  <link href=\"{}\"/>\n",
        escape_xml(&permalink(c, ""))
    ));
    xml.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        escape_xml(&permalink(c, "atom.xml"))
    ));
    xml.push_str(&format!(
        "  <id>{}</id>\n",
        escape_xml(&permalink(c, "atom.xml"))
    ));
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape_xml(&c.issuer.name)
    ));
    for id in cases {
        let p = &model.pages[id];
        let url = permalink(c, &p.path);
        let date = p
            .front
            .date
            .as_ref()
            .map_or_else(|| updated.clone(), |d| d.rfc3339());
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", escape_xml(&p.title)));
        xml.push_str(&format!("    <link href=\"{}\"/>\n", escape_xml(&url)));
        xml.push_str(&format!("    <id>{}</id>\n", escape_xml(&url)));
        xml.push_str(&format!("    <updated>{date}</updated>\n"));
        if let crate::content::KindData::Case { fields, .. } = &p.kind {
            xml.push_str(&format!(
                "    <summary>{}</summary>\n",
                escape_xml(&fields.lesson)
            ));
        }
        xml.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            escape_xml(&p.content)
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(super::escape_xml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
    }
}
