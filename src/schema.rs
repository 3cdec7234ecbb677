//! Strict TOML: parses config and front matter, and turns every TOML or serde complaint into a
//! `Diagnostic` with file, line, column, field and a did-you-mean for unknown keys.

use std::path::Path;

use serde::de::{self, DeserializeOwned, Visitor};
use toml::Spanned;
use toml::de::DeTable;

use crate::diag::{Diagnostic, Position, did_you_mean};

/// A TOML document located in a file, possibly starting below the file's first line
/// (front matter starts on line 2, after the opening `+++`).
#[derive(Clone, Copy)]
pub struct Located<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub first_line: usize,
}

impl<'a> Located<'a> {
    pub fn position(&self, offset: usize) -> Position {
        Position::of_offset(self.text, offset, self.first_line)
    }

    /// Parses the document, reporting every syntax error the parser can recover from.
    pub fn parse(&self) -> Result<Spanned<DeTable<'a>>, Vec<Diagnostic>> {
        let (table, errors) = DeTable::parse_recoverable(self.text);
        if errors.is_empty() {
            return Ok(table);
        }
        // After the first error on a line the parser's recovery reports knock-on errors there.
        let mut diags: Vec<Diagnostic> = Vec::new();
        for d in errors.iter().map(|e| self.syntax_error(e)) {
            if !diags.iter().any(|seen| seen.line == d.line) {
                diags.push(d);
            }
        }
        Err(diags)
    }

    fn syntax_error(&self, e: &toml::de::Error) -> Diagnostic {
        Diagnostic::error(self.file, format!("TOML 格式错误: {}", e.message()))
            .at(e.span().map(|s| self.position(s.start)))
    }

    /// Deserializes `T` from an already parsed table, translating serde's complaint.
    pub fn deserialize<T: DeserializeOwned>(
        &self,
        table: &Spanned<DeTable<'a>>,
    ) -> Result<T, Diagnostic> {
        T::deserialize(toml::de::Deserializer::from(table.clone()))
            .map_err(|e| self.serde_error(&e))
    }

    /// Parses and deserializes in one go (for config files, whose structs deny unknown fields).
    pub fn load<T: DeserializeOwned>(&self) -> Result<T, Vec<Diagnostic>> {
        let table = self.parse()?;
        self.deserialize(&table).map_err(|d| vec![d])
    }

    /// Turns a serde error (unknown field, missing field, wrong type) into a diagnostic.
    pub fn serde_error(&self, e: &toml::de::Error) -> Diagnostic {
        let pos = e.span().map(|s| self.position(s.start));
        let msg = e.message();
        let d = if let Some((field, expected)) = parse_unknown_field(msg) {
            let hint = match did_you_mean(&field, expected.iter().map(String::as_str)) {
                Some(k) => format!("未知字段，你是不是想写 `{k}`？"),
                None if expected.is_empty() => "未知字段，这里不接受任何字段".to_string(),
                None => format!("未知字段；可用的字段有: {}", expected.join(", ")),
            };
            Diagnostic::error(self.file, hint).field(field)
        } else if let Some(field) = between(msg, "missing field `", "`") {
            Diagnostic::error(self.file, "缺少必填字段").field(field)
        } else if let Some(rest) = msg.strip_prefix("unknown variant ") {
            Diagnostic::error(self.file, format!("取值不在允许范围内: {rest}"))
        } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
            Diagnostic::error(self.file, format!("取值类型不对 ({msg})"))
        } else {
            Diagnostic::error(self.file, msg.to_string())
        };
        d.at(pos)
    }

    /// The position of a top-level key, for diagnostics about fields checked after deserializing.
    pub fn key_position(&self, table: &Spanned<DeTable<'a>>, key: &str) -> Option<Position> {
        table
            .get_ref()
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(k, _)| self.position(k.span().start))
    }
}

/// Reports every top-level key of `table` that is in none of `known`; keys in `tolerated` get a
/// warning instead (fields a Zola site may carry that fanzha does not implement).
pub fn check_keys(
    doc: &Located<'_>,
    table: &Spanned<DeTable<'_>>,
    known: &[&str],
    tolerated: &[&str],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (key, _) in table.get_ref().iter() {
        let name = key.get_ref().as_ref();
        let pos = Some(doc.position(key.span().start));
        if known.contains(&name) {
            continue;
        }
        if tolerated.contains(&name) {
            out.push(
                Diagnostic::warning(doc.file, "这是 Zola 的字段，fanzha 暂不支持，已忽略")
                    .field(name)
                    .at(pos),
            );
            continue;
        }
        let msg = match did_you_mean(name, known.iter().copied()) {
            Some(k) => format!("未知字段，你是不是想写 `{k}`？"),
            None => format!("未知字段；可用的字段有: {}", known.join(", ")),
        };
        out.push(Diagnostic::error(doc.file, msg).field(name).at(pos));
    }
    out
}

fn between<'m>(msg: &'m str, start: &str, end: &str) -> Option<&'m str> {
    let rest = &msg[msg.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// Parses serde's "unknown field `x`, expected one of `a`, `b`" (or "expected `a`", or
/// "there are no fields") into the field and the expected names.
fn parse_unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let field = between(msg, "unknown field `", "`")?.to_string();
    let tail = &msg[msg.find("`,").map_or(msg.len(), |i| i + 2)..];
    let expected = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((field, expected))
}

/// The field names serde knows for struct `T`, read through a deserializer that records them.
pub fn fields_of<'de, T: de::Deserialize<'de>>() -> &'static [&'static str] {
    struct Recorder<'a>(&'a mut &'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> de::Deserializer<'de> for Recorder<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Recorder(&mut fields));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Demo {
        title: String,
        weight: Option<i64>,
    }

    fn doc(text: &str) -> Located<'_> {
        Located {
            file: Path::new("x.md"),
            text,
            first_line: 2,
        }
    }

    #[test]
    fn unknown_field_names_line_and_suggestion() {
        let d = doc("title = \"a\"\nwieght = 3\n")
            .load::<Demo>()
            .unwrap_err();
        assert_eq!(
            d[0].to_string(),
            "x.md:3:1: 错误: 字段 `wieght`: 未知字段，你是不是想写 `weight`？"
        );
    }

    #[test]
    fn missing_field_is_named() {
        let d = doc("weight = 3\n").load::<Demo>().unwrap_err();
        assert_eq!(d[0].field.as_deref(), Some("title"));
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let d = doc("title = \"a\"\nweight = = 3\n")
            .load::<Demo>()
            .unwrap_err();
        assert_eq!((d[0].line, d[0].column), (Some(3), Some(10)));
        assert!(d[0].message.starts_with("TOML 格式错误"));
    }

    #[test]
    fn records_struct_fields() {
        assert_eq!(fields_of::<Demo>(), &["title", "weight"]);
    }

    #[test]
    fn check_keys_warns_for_tolerated_and_errs_for_unknown() {
        let d = doc("title = 1\ntaxonomies = {}\ntitel = 2\n");
        let t = d.parse().unwrap();
        let ds = check_keys(&d, &t, &["title"], &["taxonomies"]);
        assert_eq!(ds.len(), 2);
        assert!(ds.iter().any(|x| !x.is_error() && x.line == Some(3)));
        assert!(
            ds.iter()
                .any(|x| x.is_error() && x.line == Some(4) && x.message.contains("`title`"))
        );
    }
}
