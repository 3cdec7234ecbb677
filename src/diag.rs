//! Diagnostics: errors and warnings that name a file, a line and a field, in the author's language.
//!
//! Every stage collects diagnostics instead of stopping at the first problem, so one run reports
//! everything that is wrong. Paths are shown relative to the campaign root.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the campaign, located as precisely as the source allows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub severity: Severity,
    /// The field (front-matter key, config key) concerned, if any.
    pub field: Option<String>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            severity: Severity::Error,
            field: None,
            message: message.into(),
        }
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at(mut self, pos: Option<Position>) -> Self {
        if let Some(p) = pos {
            self.line = Some(p.line);
            self.column = Some(p.column);
        }
        self
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl From<Diagnostic> for Vec<Diagnostic> {
    fn from(d: Diagnostic) -> Self {
        vec![d]
    }
}

/// Every value of `results`, or — when any failed — every error among them: a build reports all
/// its problems at once, not only the first. `E` is one [`Diagnostic`] or several.
pub fn all_or_every_error<T, E: Into<Vec<Diagnostic>>>(
    results: impl IntoIterator<Item = Result<T, E>>,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut made = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(t) => made.push(t),
            Err(e) => errors.extend(e.into()),
        }
    }
    if errors.is_empty() {
        Ok(made)
    } else {
        Err(errors)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", display_path(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        let label = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        write!(f, ": {label}: ")?;
        if let Some(field) = &self.field {
            write!(f, "字段 `{field}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// A path with forward slashes, as authors see it on every platform.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text`, with `first_line` the line number of the text's first line.
    pub fn of_offset(text: &str, offset: usize, first_line: usize) -> Position {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = first_line + before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The errors of a run that failed; warnings travel alongside in `Report`.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Sorted by file and line, errors before warnings at the same place, duplicates removed.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.diagnostics.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        self.diagnostics.dedup();
        self.diagnostics
    }
}

/// Suggests the known name closest to `unknown`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    unknown: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(unknown, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_results_or_every_error_of_them() {
        let ok: Vec<Result<u8, Diagnostic>> = vec![Ok(1), Ok(2)];
        assert_eq!(all_or_every_error(ok), Ok(vec![1, 2]));
        let a = Diagnostic::error("a.md", "甲");
        let b = Diagnostic::error("b.md", "乙");
        let c = Diagnostic::error("c.md", "丙");
        let one_each = vec![Ok(1), Err(a.clone()), Ok(3), Err(b.clone())];
        assert_eq!(
            all_or_every_error(one_each),
            Err(vec![a.clone(), b.clone()])
        );
        let several: Vec<Result<u8, Vec<Diagnostic>>> =
            vec![Err(vec![a.clone(), b.clone()]), Ok(2), Err(vec![c.clone()])];
        assert_eq!(all_or_every_error(several), Err(vec![a, b, c]));
    }

    #[test]
    fn position_counts_chars_and_lines() {
        let text = "a = 1\n标题 = 2\n";
        assert_eq!(
            Position::of_offset(text, 0, 1),
            Position { line: 1, column: 1 }
        );
        let off = text.find("= 2").unwrap();
        assert_eq!(
            Position::of_offset(text, off, 2),
            Position { line: 3, column: 4 }
        );
    }

    #[test]
    fn suggests_close_names_only() {
        let known = ["title", "description", "slogan"];
        assert_eq!(did_you_mean("titel", known), Some("title"));
        assert_eq!(did_you_mean("slgoan", known), Some("slogan"));
        assert_eq!(did_you_mean("zzz", known), None);
    }

    #[test]
    fn display_names_file_line_field() {
        let d = Diagnostic::error("content/a.md", "缺少必填字段")
            .at_line(3)
            .field("slug");
        assert_eq!(
            d.to_string(),
            "content/a.md:3: 错误: 字段 `slug`: 缺少必填字段"
        );
    }
}
