//! The three forms a unit reports back with, described once for both the PDF template and the
//! workbook: their columns (with width, and what a cell holds, for validation and sums), the rows
//! known in advance (a school's classes, a police station's villages) and the blank rows to fill.

use serde::Serialize;

use crate::content::Model;
use crate::units::Unit;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColumnKind {
    /// The row number.
    Number,
    Text,
    /// A date within the campaign.
    Date,
    /// 是 or 否; the sum row counts the 是.
    YesNo,
    /// A whole number; the sum row adds it up.
    Count,
    /// The share of one count column in another (安装率 = 已安装 / 应安装).
    Rate {
        part: usize,
        whole: usize,
    },
    /// A signature, on paper only.
    Signature,
}

/// One column of a form.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub header: &'static str,
    /// Width in characters (Excel's unit), and the PDF's relative width.
    pub width: u32,
    pub kind: ColumnKind,
}

/// One form: a sheet of the workbook and a part of the PDF.
#[derive(Debug, Clone, Serialize)]
pub struct Sheet {
    /// The sheet's name (at most 31 characters for Excel).
    pub name: &'static str,
    /// One sentence under the title: what the form is for.
    pub note: &'static str,
    pub columns: Vec<Column>,
    /// Rows known in advance: the value of the second column (a class, a village).
    pub known: Vec<String>,
    /// Empty rows after the known ones, in the workbook.
    pub blank_rows: u32,
    /// `table`: one row per line; `record`: one activity per half page with boxes for photos.
    pub layout: &'static str,
}

fn col(header: &'static str, width: u32, kind: ColumnKind) -> Column {
    Column {
        header,
        width,
        kind,
    }
}

/// The forms of `unit` (or of the campaign without a units table): 入户宣传登记表,
/// 宣传活动记录表 and 国家反诈中心 App 安装统计表, whose rows are the unit's classes (from its
/// roster) or the units under it, when it has any.
pub fn forms_of(model: &Model, unit: Option<&Unit>) -> Vec<Sheet> {
    use ColumnKind::*;
    let visits = Sheet {
        name: "入户宣传登记表",
        note: "每走访一户登记一行，做到一户一单、入户率100%；“已装反诈App”指国家反诈中心App。",
        columns: vec![
            col("序号", 6, Number),
            col("户主姓名", 12, Text),
            col("住址", 28, Text),
            col("走访日期", 13, Date),
            col("发放资料", 18, Text),
            col("已装反诈App", 14, YesNo),
            col("宣传人员", 12, Text),
            col("户主签名", 14, Signature),
        ],
        known: Vec::new(),
        blank_rows: 100,
        layout: "table",
    };
    let activities = Sheet {
        name: "宣传活动记录表",
        note: "每次活动记一条，照片贴在纸质表上，电子照片按活动编号命名后一并报送。",
        columns: vec![
            col("序号", 6, Number),
            col("活动名称", 22, Text),
            col("日期", 13, Date),
            col("地点", 18, Text),
            col("宣传对象", 14, Text),
            col("参加人数", 10, Count),
            col("发放资料（份）", 12, Count),
            col("照片（张）", 10, Count),
            col("负责人", 10, Text),
        ],
        known: Vec::new(),
        blank_rows: 50,
        layout: "record",
    };
    let known = app_rows(model, unit);
    let app = Sheet {
        name: "App安装统计表",
        note: "国家反诈中心App：下载安装、实名注册、开启预警，三个100%。",
        columns: vec![
            col("序号", 6, Number),
            col("村（社区）、班级或部门", 24, Text),
            col("应安装人数", 11, Count),
            col("已安装", 9, Count),
            col("已实名注册", 11, Count),
            col("已开启预警", 11, Count),
            col("安装率", 9, Rate { part: 3, whole: 2 }),
            col("统计日期", 13, Date),
            col("填报人", 10, Text),
        ],
        blank_rows: if known.is_empty() { 30 } else { 5 },
        known,
        layout: "table",
    };
    vec![visits, activities, app]
}

/// The rows of the App tally known in advance: the classes of a school's roster, else the
/// units under the unit.
fn app_rows(model: &Model, unit: Option<&Unit>) -> Vec<String> {
    let Some(unit) = unit else {
        return Vec::new();
    };
    let mut classes: Vec<String> = Vec::new();
    for s in &unit.roster {
        if !classes.contains(&s.class) {
            classes.push(s.class.clone());
        }
    }
    if !classes.is_empty() {
        return classes;
    }
    model
        .units
        .children(&unit.id)
        .map(|u| u.name.clone())
        .collect()
}
