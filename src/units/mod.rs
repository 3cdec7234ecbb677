//! The units of a campaign — schools, police stations, villages, bank branches, companies — read
//! from the units table (`units.xlsx` or `units.csv`) and the schools' rosters into typed
//! records of the model, with the campaign's key content for each type of unit resolved to
//! pages. Input only: renderers read `Model::units`, nothing here renders.

mod rows;
pub mod table;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::{CONFIG_FILE, Config, UnitTypeConfig};
use crate::content::{Kind, Model, PageId};
use crate::diag::Diagnostic;
use table::Table;

/// Where the unit pages live: `units/<id>/`, and the index at `units/`.
pub const UNITS_PATH: &str = "units/";

/// The units of the campaign; empty when it has no units table.
#[derive(Debug, Default)]
pub struct Units {
    /// The table read, relative to the root.
    pub table: Option<PathBuf>,
    /// In the order of `[[units.types]]`.
    pub types: Vec<UnitType>,
    /// In the table's order.
    pub list: Vec<Unit>,
    /// Each unit's index in `list` by id, and the indexes of the units under it, so pages of
    /// thousands of units look their neighbours up without scanning the list.
    by_id: HashMap<String, usize>,
    children: HashMap<String, Vec<usize>>,
}

/// A type of unit and the campaign's key content for it.
#[derive(Debug, Clone)]
pub struct UnitType {
    pub name: String,
    /// The audience pages of the type.
    pub audiences: Vec<PageId>,
    /// The scam types a unit of this type shows, in order.
    pub scams: Vec<PageId>,
    /// The materials made for each unit of the type.
    pub materials: Vec<crate::config::UnitMaterial>,
}

/// One row of the units table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unit {
    /// ASCII, used in paths: `units/<id>/`.
    pub id: String,
    pub name: String,
    /// The type as written in the table, one of the configured types.
    pub kind: String,
    /// The parent unit's id.
    pub parent: Option<String>,
    pub address: Option<String>,
    /// 联系人 and 联系电话.
    pub contact: Person,
    /// 片区民警 and 民警电话.
    pub police: Person,
    /// The table's other columns that have a value in this row, in column order.
    pub extras: Vec<Extra>,
    /// The row in the table, for diagnostics.
    pub line: usize,
    /// The roster `rosters/<id>.csv|xlsx`, for a school's letters; never shown on the site.
    #[serde(skip)]
    pub roster: Vec<Student>,
}

/// A person with phone numbers; either part may be missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Person {
    pub name: Option<String>,
    pub phones: Vec<Phone>,
}

impl Person {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.phones.is_empty()
    }
}

/// A phone number as written, and the digits to dial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phone {
    pub written: String,
    pub digits: String,
}

/// A free column's value in one row; a column whose name ends with 电话 has its numbers checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extra {
    pub column: String,
    pub value: String,
    pub phones: Vec<Phone>,
}

/// One student of a school's roster.
#[derive(Debug, Clone, PartialEq)]
pub struct Student {
    pub class: String,
    pub name: String,
}

/// What a printed material or a slide shows of a unit: who it is and whom to call there. The
/// table's row number is left out, so a unit's materials are made again only when its own row
/// changes, not when a row above it is added.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Card {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub address: Option<String>,
    /// 联系人, 片区民警, then each free column `X电话` as X (村干部 with the 村干部 column's
    /// name): those with a name or a phone.
    pub people: Vec<Contact>,
}

/// One person to call, under their role.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    pub role: String,
    pub name: Option<String>,
    /// As written in the table.
    pub phones: Vec<String>,
}

impl Unit {
    /// The unit as its materials show it.
    pub fn card(&self) -> Card {
        let person = |role: &str, p: &Person| Contact {
            role: role.to_string(),
            name: p.name.clone(),
            phones: p.phones.iter().map(|ph| ph.written.clone()).collect(),
        };
        let mut people = vec![
            person("联系人", &self.contact),
            person("片区民警", &self.police),
        ];
        for e in self.extras.iter().filter(|e| !e.phones.is_empty()) {
            let role = e.column.strip_suffix("电话").filter(|r| !r.is_empty());
            let name = role.and_then(|r| self.extras.iter().find(|n| n.column == r));
            people.push(Contact {
                role: role.unwrap_or(&e.column).to_string(),
                name: name.map(|n| n.value.clone()),
                phones: e.phones.iter().map(|ph| ph.written.clone()).collect(),
            });
        }
        people.retain(|c| c.name.is_some() || !c.phones.is_empty());
        Card {
            id: self.id.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
            address: self.address.clone(),
            people,
        }
    }
}

/// The table and rosters as read, before the types' pages are resolved.
pub struct Read {
    table: PathBuf,
    list: Vec<Unit>,
}

impl Units {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Unit> {
        self.by_id.get(id).map(|&i| &self.list[i])
    }

    pub fn type_of(&self, unit: &Unit) -> Option<&UnitType> {
        self.types.iter().find(|t| t.name == unit.kind)
    }

    /// The units whose parent is `id`, in table order.
    pub fn children<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a Unit> {
        self.children
            .get(id)
            .into_iter()
            .flatten()
            .map(|&i| &self.list[i])
    }

    fn new(table: PathBuf, types: Vec<UnitType>, list: Vec<Unit>) -> Units {
        let by_id = list
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.clone(), i))
            .collect();
        let mut children: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, u) in list.iter().enumerate() {
            if let Some(p) = &u.parent {
                children.entry(p.clone()).or_default().push(i);
            }
        }
        Units {
            table: Some(table),
            types,
            list,
            by_id,
            children,
        }
    }
}

/// The site path of a unit's page.
pub fn unit_path(id: &str) -> String {
    format!("{UNITS_PATH}{id}/")
}

/// The units table named in config.toml, else `units.xlsx`, else `units.csv`, if present.
fn table_path(root: &Path, config: &Config) -> Result<Option<PathBuf>, Diagnostic> {
    if let Some(t) = &config.units.table {
        let rel = PathBuf::from(t);
        if !root.join(&rel).is_file() {
            return Err(
                Diagnostic::error(CONFIG_FILE, format!("找不到单位表 {t}")).field("units.table")
            );
        }
        return Ok(Some(rel));
    }
    Ok(["units.xlsx", "units.csv"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| root.join(p).is_file()))
}

/// Reads the units table and the rosters, if the campaign has a table. Every problem found is
/// pushed to `diags`; `None` when there is no table or it has errors.
pub fn read(root: &Path, config: &Config, diags: &mut Vec<Diagnostic>) -> Option<Read> {
    let rel = match table_path(root, config) {
        Ok(rel) => rel?,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let table = match table::read(root, &rel) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let types: Vec<String> = config.units.types().into_iter().map(|t| t.name).collect();
    let mut errors = Vec::new();
    let mut list = units_of(&table, &types, &mut errors);
    read_rosters(root, &config.units.rosters, &mut list, &mut errors);
    let ok = errors.is_empty();
    diags.extend(errors);
    ok.then_some(Read { table: rel, list })
}

/// The rows of `table` as units, every bad cell an error.
fn units_of(table: &Table, types: &[String], errors: &mut Vec<Diagnostic>) -> Vec<Unit> {
    let Some((head, rows)) = table::split_header(&table.rows, rows::is_unit_header) else {
        errors.push(Diagnostic::error(&table.file, "单位表是空的"));
        return Vec::new();
    };
    let before = errors.len();
    let header = rows::header(table, head, &rows::unit_required(), errors);
    if errors.len() > before {
        return Vec::new();
    }
    let mut list: Vec<Unit> = rows
        .iter()
        .filter_map(|row| rows::unit(table, &header, row, errors))
        .collect();
    rows::check_all(table, &header, &mut list, types, errors);
    list
}

/// Reads `rosters/<id>.csv|xlsx` into the units they belong to; a roster whose id is no unit's,
/// or two rosters of one unit, are errors.
fn read_rosters(root: &Path, dir: &str, units: &mut [Unit], errors: &mut Vec<Diagnostic>) {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| Path::new(dir).join(e.file_name()))
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            !name.starts_with('.') && !name.starts_with("~$") && table::is_table_file(p)
        })
        .collect();
    files.sort();
    let mut seen: Vec<(String, PathBuf)> = Vec::new();
    for rel in files {
        let id = rel.file_stem().unwrap_or_default().to_string_lossy();
        let Some(unit) = units.iter_mut().find(|u| u.id == id) else {
            errors.push(Diagnostic::error(
                &rel,
                format!("单位表里没有编号为「{id}」的单位；花名册的文件名应是单位编号"),
            ));
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
            errors.push(Diagnostic::error(
                &rel,
                format!(
                    "单位「{id}」已有花名册 {}；每个单位只能有一个",
                    crate::diag::display_path(first)
                ),
            ));
            continue;
        }
        seen.push((id.to_string(), rel.clone()));
        match table::read(root, &rel) {
            Ok(t) => {
                unit.roster = rows::roster(&t, errors)
                    .into_iter()
                    .map(|(class, name)| Student { class, name })
                    .collect();
            }
            Err(d) => errors.push(d),
        }
    }
}

/// The units of the model: the types' key content resolved to pages. A link of a configured
/// type that is no page of its kind is an error; the default types skip the audience pages
/// the campaign does not have.
pub fn finish(read: Option<Read>, model: &Model, diags: &mut Vec<Diagnostic>) -> Units {
    let Some(read) = read else {
        return Units::default();
    };
    let configured = model.config.units.types.is_some();
    let types = model
        .config
        .units
        .types()
        .iter()
        .map(|t| unit_type(model, t, configured, diags))
        .collect();
    diags.extend(path_conflicts(model));
    if model.config.base_url.is_none() && !read.list.is_empty() {
        diags.push(Diagnostic::warning(
            CONFIG_FILE,
            "有单位表但没有 base_url：单位页面上的二维码要用完整网址，请在 config.toml 写 base_url，或构建时加 --base-url",
        ));
    }
    Units::new(read.table, types, read.list)
}

/// Content pages and sections whose address would be a unit page's or the units index's.
fn path_conflicts(model: &Model) -> Vec<Diagnostic> {
    let sections = model.sections.iter().map(|s| (&s.source, &s.path));
    let pages = model.pages.iter().map(|p| (&p.source, &p.path));
    sections
        .chain(pages)
        .filter(|(_, path)| path.starts_with(UNITS_PATH))
        .map(|(source, path)| {
            Diagnostic::error(
                source,
                format!("地址 {path} 与单位页面（{UNITS_PATH}）冲突；有单位表时，请给这个栏目或页面换个地址"),
            )
        })
        .collect()
}

fn unit_type(
    model: &Model,
    t: &UnitTypeConfig,
    strict: bool,
    diags: &mut Vec<Diagnostic>,
) -> UnitType {
    let mut resolve = |links: &[String], kind: Kind, key: &str| -> Vec<PageId> {
        let mut ids = Vec::new();
        for l in links {
            match model.page_by_link(l) {
                Some(id) if model.pages[id].kind.kind() == Some(kind) => ids.push(id),
                _ if !strict => {}
                _ => diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        format!(
                            "单位类型「{}」的 {key} 里的 `{l}` 不是{}页面；请写成 @/….md",
                            t.name,
                            kind.label()
                        ),
                    )
                    .field(format!("units.types.{key}")),
                ),
            }
        }
        ids
    };
    let audiences = resolve(&t.audiences, Kind::Audience, "audiences");
    let chosen = resolve(&t.scams, Kind::Scam, "scams");
    let scams = if !chosen.is_empty() {
        chosen
    } else if !audiences.is_empty() {
        model.scams_of_audiences(&audiences)
    } else {
        model.pages_of(Kind::Scam)
    };
    UnitType {
        name: t.name.clone(),
        materials: t.materials(),
        audiences,
        scams: scams
            .into_iter()
            .take(t.max_scams.unwrap_or(usize::MAX))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table {
            file: PathBuf::from("units.csv"),
            rows: text
                .lines()
                .enumerate()
                .map(|(i, l)| table::Row {
                    line: i + 1,
                    cells: l
                        .split(',')
                        .map(|c| table::Cell {
                            text: c.to_string(),
                            numeric: false,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn types() -> Vec<String> {
        ["学校", "派出所"].map(String::from).to_vec()
    }

    fn errors_of(text: &str) -> Vec<String> {
        let mut errors = Vec::new();
        units_of(&table(text), &types(), &mut errors);
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn reads_chinese_and_english_headers_and_keeps_extras() {
        let mut errors = Vec::new();
        let list = units_of(
            &table(
                "id,名称,类型,上级,联系电话,村干部电话,备注\n\
                 pcs,城关派出所,派出所,,0731-12345678,,\n\
                 s1,第一小学,学校,城关派出所,13800138000、110,13900139000,二楼",
            ),
            &types(),
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(list.len(), 2);
        let s1 = &list[1];
        assert_eq!(s1.parent.as_deref(), Some("pcs"));
        assert_eq!(s1.contact.phones.len(), 2);
        assert_eq!(s1.extras.len(), 2);
        assert_eq!(s1.extras[0].phones[0].digits, "13900139000");
        assert_eq!(s1.extras[1].column, "备注");
    }

    #[test]
    fn every_bad_cell_names_row_and_column() {
        let errors = errors_of(
            "编号,名称,类型,上级,联系电话\n\
             a,甲,学校,,\n\
             a,乙,学样,,\n\
             b,,派出所,nowhere,1234\n\
             C D,丙,学校,,",
        );
        let want = [
            "units.csv:3:1: 错误: 第 3 行第 A 列（编号）：编号「a」与第 2 行重复",
            "units.csv:3:3: 错误: 第 3 行第 C 列（类型）：未知的单位类型「学样」；可用的类型：学校、派出所",
            "units.csv:4:2: 错误: 第 4 行第 B 列（名称）：名称不能为空",
            "units.csv:4:5: 错误: 第 4 行第 E 列（联系电话）：「1234」不是电话号码",
            "units.csv:5:1: 错误: 第 5 行第 A 列（编号）：「C D」不能作编号",
        ];
        for w in want {
            assert!(errors.iter().any(|e| e.starts_with(w)), "{w}\n{errors:#?}");
        }
        assert_eq!(errors.len(), want.len(), "{errors:#?}");
    }

    #[test]
    fn parents_exist_and_do_not_loop() {
        let errors = errors_of("编号,名称,类型,上级\na,甲,学校,b\nb,乙,学校,a\nc,丙,学校,无此单位");
        assert!(
            errors
                .iter()
                .any(|e| e.contains("第 4 行第 D 列（上级）：上级单位「无此单位」不存在")),
            "{errors:#?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("第 2 行第 D 列（上级）") && e.contains("绕成了圈")),
            "{errors:#?}"
        );
    }

    #[test]
    fn title_rows_above_the_header_are_skipped() {
        let mut errors = Vec::new();
        let list = units_of(
            &table("某县反诈宣传单位名单\n编号,名称,类型\na,甲,学校"),
            &types(),
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(list[0].line, 3);
    }

    #[test]
    fn a_missing_required_column_is_named_once() {
        let errors = errors_of("编号,名称\na,甲");
        assert_eq!(
            errors,
            ["units.csv:1: 错误: 第 1 行（表头）：缺少「类型」列"]
        );
    }
}
