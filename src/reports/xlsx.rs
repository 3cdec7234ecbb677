//! A unit's forms as one workbook for Excel and WPS: a sheet per form with a title row, bold
//! headers, column widths, 宋体 throughout, dates and 是/否 checked as they are typed, and a
//! 合计 row that adds the counts (and counts the 是). Same inputs, same bytes: the document's
//! creation time is the campaign's start, not the clock.

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::sheets::{ColumnKind, Sheet};
use crate::content::Model;
use crate::date::Date;

/// The font of every cell: installed with every Chinese Windows and WPS.
const FONT: &str = "宋体";

/// The workbook of `unit_name`'s forms.
pub fn workbook(model: &Model, unit_name: &str, sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = model
        .calendar
        .start
        .as_ref()
        .map_or(Ok(ExcelDateTime::from_ymd(2000, 1, 1)?), excel_date)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{unit_name}宣传工作台账"))
            .set_author(&model.config.issuer.name)
            .set_creation_datetime(&created),
    );
    for sheet in sheets {
        let ws = book.add_worksheet();
        fill(ws, model, unit_name, sheet)?;
    }
    book.save_to_buffer()
}

fn excel_date(d: &Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year, d.month, d.day)
}

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(11)
}

fn last_col(sheet: &Sheet) -> u16 {
    sheet.columns.len() as u16 - 1
}

/// Writes one form: title (row 0), note (row 1), headers (row 2), rows, 合计.
fn fill(
    ws: &mut Worksheet,
    model: &Model,
    unit_name: &str,
    sheet: &Sheet,
) -> Result<(), XlsxError> {
    ws.set_name(sheet.name)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    let title = base()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let note = base().set_font_size(10);
    let head = base()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(0xF2DCDB);
    let cell = base().set_border(FormatBorder::Thin);
    let date = cell.clone().set_num_format("yyyy-mm-dd");
    let rate = cell.clone().set_num_format("0%");
    let total = cell.clone().set_bold();
    let total_rate = rate.clone().set_bold();
    let last = last_col(sheet);
    ws.merge_range(
        0,
        0,
        0,
        last,
        &format!("{unit_name} {}", sheet.name),
        &title,
    )?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        &format!("{}　{}", model.config.title, sheet.note),
        &note,
    )?;
    for (c, column) in sheet.columns.iter().enumerate() {
        ws.set_column_width(c as u16, column.width)?;
        ws.write_string_with_format(2, c as u16, column.header, &head)?;
    }
    ws.set_row_height(2, 32)?;
    ws.set_repeat_rows(2, 2)?;
    ws.set_freeze_panes(3, 0)?;
    let first = 3u32;
    let count = sheet.known.len() as u32 + sheet.blank_rows;
    let end = first + count - 1;
    for r in 0..count {
        let row = first + r;
        for (c, column) in sheet.columns.iter().enumerate() {
            let c16 = c as u16;
            match column.kind {
                ColumnKind::Number => {
                    ws.write_number_with_format(row, c16, f64::from(r + 1), &cell)?;
                }
                ColumnKind::Date => {
                    ws.write_blank(row, c16, &date)?;
                }
                ColumnKind::Rate { part, whole } => {
                    let (p, w) = (cell_name(row, part), cell_name(row, whole));
                    ws.write_formula_with_format(
                        row,
                        c16,
                        format!("=IF(N({w})>0,{p}/{w},\"\")").as_str(),
                        &rate,
                    )?;
                }
                _ if c == 1 && (r as usize) < sheet.known.len() => {
                    ws.write_string_with_format(row, c16, &sheet.known[r as usize], &cell)?;
                }
                _ => {
                    ws.write_blank(row, c16, &cell)?;
                }
            }
        }
    }
    let sum_row = end + 1;
    ws.write_string_with_format(sum_row, 0, "合计", &total)?;
    for (c, column) in sheet.columns.iter().enumerate().skip(1) {
        let c16 = c as u16;
        let range = format!("{}:{}", cell_name(first, c), cell_name(end, c));
        match column.kind {
            ColumnKind::Count => {
                ws.write_formula_with_format(
                    sum_row,
                    c16,
                    format!("=SUM({range})").as_str(),
                    &total,
                )?;
            }
            ColumnKind::YesNo => {
                ws.write_formula_with_format(
                    sum_row,
                    c16,
                    format!("=COUNTIF({range},\"是\")").as_str(),
                    &total,
                )?;
            }
            ColumnKind::Rate { part, whole } => {
                let (p, w) = (cell_name(sum_row, part), cell_name(sum_row, whole));
                ws.write_formula_with_format(
                    sum_row,
                    c16,
                    format!("=IF(N({w})>0,{p}/{w},\"\")").as_str(),
                    &total_rate,
                )?;
            }
            _ => {
                ws.write_blank(sum_row, c16, &total)?;
            }
        }
    }
    validate(ws, model, sheet, first, end)
}

/// Dates within the campaign (any date without campaign dates), 是/否 from a list, counts as
/// whole numbers of zero or more.
fn validate(
    ws: &mut Worksheet,
    model: &Model,
    sheet: &Sheet,
    first: u32,
    end: u32,
) -> Result<(), XlsxError> {
    let (from, to) = match (&model.calendar.start, &model.calendar.end) {
        (Some(s), Some(e)) => (excel_date(s)?, excel_date(e)?),
        _ => (
            ExcelDateTime::from_ymd(2000, 1, 1)?,
            ExcelDateTime::from_ymd(2099, 12, 31)?,
        ),
    };
    for (c, column) in sheet.columns.iter().enumerate() {
        let c16 = c as u16;
        let rule = match column.kind {
            ColumnKind::Date => DataValidation::new()
                .allow_date(DataValidationRule::Between(from.clone(), to.clone()))
                .set_input_message("请填写活动期间的日期，如 2026-03-15")?
                .set_error_message("日期要在活动期间内，格式如 2026-03-15")?,
            ColumnKind::YesNo => DataValidation::new()
                .allow_list_strings(&["是", "否"])?
                .set_error_message("请填写“是”或“否”")?,
            ColumnKind::Count => DataValidation::new()
                .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
                .set_error_message("请填写0或正整数")?,
            _ => continue,
        };
        ws.add_data_validation(first, c16, end, c16, &rule)?;
    }
    Ok(())
}

/// `D4` for row 3, column 3 (both from 0).
fn cell_name(row: u32, col: usize) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        letters.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cell_names() {
        assert_eq!(super::cell_name(3, 3), "D4");
        assert_eq!(super::cell_name(0, 26), "AA1");
    }
}
