//! Turns the units table's rows into `Unit` records: headers in Chinese or English mapped to
//! fields, unknown columns kept as extras, and every bad cell an error naming the file, the row
//! and the column (第 N 行第 C 列（列名）, as Excel shows them).

use std::collections::BTreeMap;

use super::table::{Row, Table, column_letters};
use super::{Extra, Person, Phone, Unit};
use crate::diag::{Diagnostic, Position, did_you_mean};

/// A column fanzha knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Id,
    Name,
    Type,
    Parent,
    Address,
    Contact,
    Phone,
    Police,
    PolicePhone,
}

impl Field {
    const ALL: [Field; 9] = [
        Field::Id,
        Field::Name,
        Field::Type,
        Field::Parent,
        Field::Address,
        Field::Contact,
        Field::Phone,
        Field::Police,
        Field::PolicePhone,
    ];

    /// The header names that mean this field; the first is the one messages use.
    fn headers(self) -> &'static [&'static str] {
        match self {
            Field::Id => &["编号", "id", "单位编号"],
            Field::Name => &["名称", "name", "单位名称"],
            Field::Type => &["类型", "type", "单位类型"],
            Field::Parent => &["上级", "parent", "上级单位"],
            Field::Address => &["地址", "address"],
            Field::Contact => &["联系人", "contact"],
            Field::Phone => &["联系电话", "phone", "电话"],
            Field::Police => &["片区民警", "police", "社区民警"],
            Field::PolicePhone => &["民警电话", "police_phone", "片区民警电话"],
        }
    }

    fn label(self) -> &'static str {
        self.headers()[0]
    }

    fn required(self) -> bool {
        matches!(self, Field::Id | Field::Name | Field::Type)
    }

    fn of_header(header: &str) -> Option<Field> {
        let h = normalise_header(header);
        Field::ALL
            .into_iter()
            .find(|f| f.headers().iter().any(|n| *n == h))
    }
}

/// Header text without spaces and required marks (`*编号`), English in lower case.
fn normalise_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Whether a free column holds phone numbers: its header ends with 电话 or 手机(号).
fn is_phone_header(header: &str) -> bool {
    let h = normalise_header(header);
    ["电话", "手机", "手机号", "phone"]
        .iter()
        .any(|end| h.ends_with(end))
}

/// Whether a row names the id and name columns: the units table's header.
pub fn is_unit_header(row: &Row) -> bool {
    let has = |f: Field| {
        row.cells
            .iter()
            .any(|c| Field::of_header(&c.text) == Some(f))
    };
    has(Field::Id) && has(Field::Name)
}

/// The roster column a header cell names: 班级 or 姓名 (also `class`, `name`).
fn roster_column(header: &str) -> String {
    match normalise_header(header).as_str() {
        "class" => "班级".to_string(),
        "name" => "姓名".to_string(),
        other => other.to_string(),
    }
}

/// Whether a row names both roster columns.
fn is_roster_header(row: &Row) -> bool {
    let names: Vec<String> = row.cells.iter().map(|c| roster_column(&c.text)).collect();
    ["班级", "姓名"]
        .iter()
        .all(|n| names.iter().any(|m| m == n))
}

/// Where each column is: known fields and extras, in column order.
pub struct Header {
    fields: BTreeMap<Field, usize>,
    names: Vec<String>,
    extras: Vec<usize>,
}

/// A cell's place for messages: `第 3 行第 C 列（联系电话）`, and its position.
pub struct At<'a> {
    pub file: &'a std::path::Path,
    pub line: usize,
    pub column: usize,
    pub header: &'a str,
}

impl At<'_> {
    pub fn error(&self, what: impl std::fmt::Display) -> Diagnostic {
        Diagnostic::error(
            self.file,
            format!(
                "第 {} 行第 {} 列（{}）：{what}",
                self.line,
                column_letters(self.column),
                self.header
            ),
        )
        .at(Some(Position {
            line: self.line,
            column: self.column + 1,
        }))
    }
}

/// Reads the header row: every column with a name, the required ones present, none twice.
pub fn header(
    table: &Table,
    row: &Row,
    required: &[&'static str],
    errors: &mut Vec<Diagnostic>,
) -> Header {
    let mut h = Header {
        fields: BTreeMap::new(),
        names: row.cells.iter().map(|c| c.text.clone()).collect(),
        extras: Vec::new(),
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (col, name) in h.names.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        let at = At {
            file: &table.file,
            line: row.line,
            column: col,
            header: name,
        };
        let key = normalise_header(name);
        let field = Field::of_header(name);
        let key = field.map_or(key, |f| f.label().to_string());
        if let Some(&first) = seen.get(&key) {
            errors.push(at.error(format!("与第 {} 列重复", column_letters(first))));
            continue;
        }
        seen.insert(key, col);
        match field {
            Some(f) => {
                h.fields.insert(f, col);
            }
            None => h.extras.push(col),
        }
    }
    for label in required {
        if !seen.contains_key(*label) {
            errors.push(
                Diagnostic::error(
                    &table.file,
                    format!("第 {} 行（表头）：缺少「{label}」列", row.line),
                )
                .at_line(row.line),
            );
        }
    }
    h
}

/// The required fields' header names, for [`header`].
pub fn unit_required() -> Vec<&'static str> {
    Field::ALL
        .into_iter()
        .filter(|f| f.required())
        .map(Field::label)
        .collect()
}

/// One data row as a unit; `None` (with errors) when a required cell is empty or the id is not
/// usable. Types and parents are checked once every row is read.
pub fn unit(table: &Table, h: &Header, row: &Row, errors: &mut Vec<Diagnostic>) -> Option<Unit> {
    let at = |f: Field| {
        h.fields.get(&f).map(|&col| At {
            file: &table.file,
            line: row.line,
            column: col,
            header: &h.names[col],
        })
    };
    let get = |f: Field| h.fields.get(&f).map_or("", |&col| row.cell(col));
    let mut complete = true;
    for f in Field::ALL.into_iter().filter(|f| f.required()) {
        if let Some(at) = at(f)
            && get(f).is_empty()
        {
            errors.push(at.error(format!("{}不能为空", f.label())));
            complete = false;
        }
    }
    let id = get(Field::Id);
    if !id.is_empty() && !crate::content::valid_slug(id) {
        errors.push(at(Field::Id)?.error(format!(
            "「{id}」不能作编号：编号用在网址里，只能有小写英文字母、数字、- 和 _（如 school-01）"
        )));
        complete = false;
    }
    let person = |name: Field, phone: Field, errors: &mut Vec<Diagnostic>| Person {
        name: Some(get(name).to_string()).filter(|s| !s.is_empty()),
        phones: at(phone).map_or_else(Vec::new, |at| {
            phones(&at, get(phone), row.is_numeric(at.column), errors)
        }),
    };
    let contact = person(Field::Contact, Field::Phone, errors);
    let police = person(Field::Police, Field::PolicePhone, errors);
    let extras = extras(table, h, row, errors);
    complete.then(|| Unit {
        id: id.to_string(),
        name: get(Field::Name).to_string(),
        kind: get(Field::Type).to_string(),
        parent: Some(get(Field::Parent).to_string()).filter(|s| !s.is_empty()),
        address: Some(get(Field::Address).to_string()).filter(|s| !s.is_empty()),
        contact,
        police,
        extras,
        line: row.line,
        roster: Vec::new(),
    })
}

/// The free columns of a row that have a value; those whose header says 电话 are checked.
fn extras(table: &Table, h: &Header, row: &Row, errors: &mut Vec<Diagnostic>) -> Vec<Extra> {
    h.extras
        .iter()
        .filter(|&&col| !row.cell(col).is_empty())
        .map(|&col| {
            let header = &h.names[col];
            let at = At {
                file: &table.file,
                line: row.line,
                column: col,
                header,
            };
            let value = row.cell(col);
            let phones = if is_phone_header(header) {
                phones(&at, value, row.is_numeric(col), errors)
            } else {
                Vec::new()
            };
            Extra {
                column: header.clone(),
                value: value.to_string(),
                phones,
            }
        })
        .collect()
}

/// The numbers of a phone cell, several separated by 、，,;；/ or new lines; each one that is not a
/// phone number is an error.
fn phones(at: &At<'_>, cell: &str, numeric: bool, errors: &mut Vec<Diagnostic>) -> Vec<Phone> {
    let mut out = Vec::new();
    for written in cell
        .split(['、', '，', ',', ';', '；', '/', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match crate::check::phone::dialable(written) {
            Some(digits) => out.push(Phone {
                written: written.to_string(),
                digits,
            }),
            None => {
                let hint = if numeric {
                    "；这一格存成了数字，Excel 会去掉开头的 0，请把这一列设成文本格式再填写"
                } else {
                    ""
                };
                errors.push(at.error(format!(
                    "「{written}」不是电话号码：手机号是 1 开头的 11 位数字，座机要带区号（如 0731-12345678）{hint}"
                )));
            }
        }
    }
    out
}

/// Checks what needs every row: ids once, known types, parents that exist (by id or by name,
/// replaced by the parent's id) and no unit its own ancestor.
pub fn check_all(
    table: &Table,
    h: &Header,
    units: &mut [Unit],
    types: &[String],
    errors: &mut Vec<Diagnostic>,
) {
    let at = |unit: &Unit, f: Field| {
        let col = h.fields[&f];
        At {
            file: &table.file,
            line: unit.line,
            column: col,
            header: &h.names[col],
        }
    };
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for u in units.iter() {
        if let Some(line) = first.get(u.id.as_str()) {
            errors.push(at(u, Field::Id).error(format!("编号「{}」与第 {line} 行重复", u.id)));
        } else {
            first.insert(&u.id, u.line);
        }
        if !types.contains(&u.kind) {
            let known = types.join("、");
            let hint = did_you_mean(&u.kind, types.iter().map(String::as_str))
                .map(|t| format!("你是不是想写「{t}」？"))
                .unwrap_or_default();
            errors.push(at(u, Field::Type).error(format!(
                "未知的单位类型「{}」；{hint}可用的类型：{known}（在 config.toml 的 [[units.types]] 里设置）",
                u.kind
            )));
        }
    }
    resolve_parents(units, &mut |u, msg| {
        errors.push(at(u, Field::Parent).error(msg))
    });
}

/// Replaces each parent written as an id or a name by the parent's id.
fn resolve_parents(units: &mut [Unit], error: &mut dyn FnMut(&Unit, String)) {
    let ids: BTreeMap<String, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.clone(), i))
        .collect();
    let mut names: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, u) in units.iter().enumerate() {
        names.entry(u.name.clone()).or_default().push(i);
    }
    let mut parent_of: Vec<Option<usize>> = vec![None; units.len()];
    for (i, u) in units.iter().enumerate() {
        let Some(p) = &u.parent else { continue };
        let found = ids.get(p).copied().or_else(|| match names.get(p) {
            Some(v) if v.len() == 1 => Some(v[0]),
            _ => None,
        });
        match (found, names.get(p).map(Vec::len)) {
            (Some(j), _) => parent_of[i] = Some(j),
            (None, Some(n)) if n > 1 => {
                error(u, format!("有 {n} 个单位叫「{p}」，请写上级单位的编号"))
            }
            _ => error(
                u,
                format!("上级单位「{p}」不存在；请写表中某个单位的编号或名称"),
            ),
        }
    }
    for (i, u) in units.iter().enumerate() {
        if in_cycle(&parent_of, i) {
            let p = u.parent.as_deref().unwrap_or_default();
            error(
                u,
                format!("上级单位「{p}」又是本单位的下级，上下级绕成了圈"),
            );
        }
    }
    let parent_ids: Vec<Option<String>> = parent_of
        .iter()
        .map(|p| p.map(|j| units[j].id.clone()))
        .collect();
    for (u, p) in units.iter_mut().zip(parent_ids) {
        if p.is_some() {
            u.parent = p;
        }
    }
}

/// Whether following parents from `start` comes back to it.
fn in_cycle(parent_of: &[Option<usize>], start: usize) -> bool {
    let mut at = parent_of[start];
    for _ in 0..parent_of.len() {
        match at {
            Some(i) if i == start => return true,
            Some(i) => at = parent_of[i],
            None => return false,
        }
    }
    false
}

/// Reads a roster's rows (班级, 姓名; also class, name) as (class, name) pairs.
pub fn roster(table: &Table, errors: &mut Vec<Diagnostic>) -> Vec<(String, String)> {
    let Some((head, rows)) = super::table::split_header(&table.rows, is_roster_header) else {
        return Vec::new();
    };
    let names: Vec<String> = head.cells.iter().map(|c| roster_column(&c.text)).collect();
    let col = |label: &str| names.iter().position(|n| n == label);
    let (Some(class), Some(name)) = (col("班级"), col("姓名")) else {
        errors.push(
            Diagnostic::error(
                &table.file,
                format!(
                    "第 {} 行（表头）：花名册要有「班级」和「姓名」两列",
                    head.line
                ),
            )
            .at_line(head.line),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in rows {
        let mut ok = true;
        for (col, label) in [(class, "班级"), (name, "姓名")] {
            if row.cell(col).is_empty() {
                let at = At {
                    file: &table.file,
                    line: row.line,
                    column: col,
                    header: &head.cells[col].text,
                };
                errors.push(at.error(format!("{label}不能为空")));
                ok = false;
            }
        }
        if ok {
            out.push((row.cell(class).to_string(), row.cell(name).to_string()));
        }
    }
    out
}
