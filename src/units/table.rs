//! Reads a table file as staff save it into rows of text cells, each with the row and column
//! Excel shows: xlsx/xls/ods through `calamine` (the first sheet), CSV in UTF-8 with or without
//! a byte-order mark or in GB18030 (what Excel on a Chinese Windows saves), detected from the
//! bytes.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

use crate::diag::Diagnostic;

/// One non-empty row of a table.
#[derive(Debug, Clone)]
pub struct Row {
    /// The row number as the spreadsheet shows it (for a CSV file, its line).
    pub line: usize,
    /// Cells from column A on, trimmed; missing cells are empty.
    pub cells: Vec<Cell>,
}

/// One cell's text, and whether the spreadsheet stored it as a number (a phone number typed as
/// a number loses its leading 0).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub text: String,
    pub numeric: bool,
}

impl Row {
    pub fn cell(&self, column: usize) -> &str {
        self.cells.get(column).map_or("", |c| c.text.as_str())
    }

    pub fn is_numeric(&self, column: usize) -> bool {
        self.cells.get(column).is_some_and(|c| c.numeric)
    }
}

/// A table read from a file: its path relative to the campaign root (for diagnostics) and its
/// non-empty rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub file: PathBuf,
    pub rows: Vec<Row>,
}

/// The spreadsheet formats read by extension; everything else is read as CSV.
const SPREADSHEETS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Whether `path` names a table file fanzha reads (CSV or a spreadsheet).
pub fn is_table_file(path: &Path) -> bool {
    let ext = extension(path);
    ext == "csv" || SPREADSHEETS.contains(&ext.as_str())
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Reads `rel` under `root`.
pub fn read(root: &Path, rel: &Path) -> Result<Table, Diagnostic> {
    let rows = if SPREADSHEETS.contains(&extension(rel).as_str()) {
        read_spreadsheet(&root.join(rel))
    } else {
        std::fs::read(root.join(rel))
            .map_err(|e| format!("无法读取（{e}）"))
            .and_then(|bytes| read_csv(&bytes))
    }
    .map_err(|m| Diagnostic::error(rel, m))?;
    Ok(Table {
        file: rel.to_path_buf(),
        rows,
    })
}

fn read_spreadsheet(path: &Path) -> Result<Vec<Row>, String> {
    let mut book = calamine::open_workbook_auto(path)
        .map_err(|e| format!("无法打开表格（{e}）；请用 Excel 或 WPS 另存为 xlsx 或 csv"))?;
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| format!("无法读取第一个工作表（{e}）"))?,
        None => return Err("表格里没有工作表".into()),
    };
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let rows = range.rows().enumerate().map(|(i, row)| {
        let mut cells = vec![Cell::default(); first_col as usize];
        cells.extend(row.iter().map(cell_of));
        Row {
            line: first_row as usize + i + 1,
            cells,
        }
    });
    Ok(rows.filter(|r| !is_blank(r)).collect())
}

fn cell_of(data: &Data) -> Cell {
    let (text, numeric) = match data {
        Data::Empty => (String::new(), false),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => (s.clone(), false),
        // f64's Display writes 13800138000.0 as "13800138000".
        Data::Float(f) => (f.to_string(), true),
        Data::Int(i) => (i.to_string(), true),
        other => (other.to_string(), false),
    };
    Cell {
        text: text.trim().to_string(),
        numeric,
    }
}

fn is_blank(row: &Row) -> bool {
    row.cells.iter().all(|c| c.text.is_empty())
}

/// CSV text in UTF-8 (a byte-order mark is dropped) or, when the bytes are not UTF-8, GB18030.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec())
            .map_err(|_| "文件开头标明是 UTF-8，内容却不是；请重新另存为 CSV UTF-8".to_string());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(
            "文字编码既不是 UTF-8 也不是 GB18030（GBK）；请用 Excel 或 WPS 另存为 CSV UTF-8".into(),
        );
    }
    Ok(text.into_owned())
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("第 {} 行不是正确的 CSV（{e}）", p.line()),
            None => format!("不是正确的 CSV（{e}）"),
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cells = record
            .iter()
            .map(|s| Cell {
                text: s.trim().to_string(),
                numeric: false,
            })
            .collect();
        let row = Row { line, cells };
        if !is_blank(&row) {
            rows.push(row);
        }
    }
    Ok(rows)
}

/// How many rows above the header a table may have (a title, a date, a note).
const MAX_TITLE_ROWS: usize = 5;

/// The header row and the rows below it: the first of the top rows that `is_header` accepts (a
/// table often opens with a title row), else the first row.
pub fn split_header(rows: &[Row], is_header: impl Fn(&Row) -> bool) -> Option<(&Row, &[Row])> {
    let at = rows
        .iter()
        .take(MAX_TITLE_ROWS + 1)
        .position(is_header)
        .unwrap_or(0);
    let (head, rest) = rows.get(at..)?.split_first()?;
    Some((head, rest))
}

/// The letters Excel shows for the 0-based `column`: A … Z, AA, AB, ….
pub fn column_letters(column: usize) -> String {
    let mut n = column + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_excel_shows_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn decodes_utf8_with_and_without_bom_and_gb18030() {
        let text = "编号,名称\nxx-1,第一小学\n";
        let (gb, _, _) = encoding_rs::GB18030.encode(text);
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(text.as_bytes()).unwrap(), text);
        assert_eq!(decode(&with_bom).unwrap(), text);
        assert_eq!(decode(&gb).unwrap(), text);
        assert!(decode(b"\xEF\xBB\xBF\xff\xfe").is_err());
    }

    #[test]
    fn csv_rows_keep_their_lines_and_skip_blank_ones() {
        let rows = read_csv("a,b\n\n,\n\"多\n行\",c\nd\n".as_bytes()).unwrap();
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 4, 6]);
        assert_eq!(rows[1].cell(0), "多\n行");
        assert_eq!(rows[2].cell(1), "");
    }
}
