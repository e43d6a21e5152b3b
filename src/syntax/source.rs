//! Source text, byte spans and the line table that turns offsets into line and column.

use std::fmt;
use std::sync::Arc;

/// A half-open byte range into one [`SourceFile`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        // Files are capped far below 4 GiB (`--max-file-size`), so offsets fit in u32.
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { start, end }
    }

    pub fn empty(at: usize) -> Self {
        Span::new(at, at)
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn shifted(self, by: usize) -> Self {
        Span::new(self.start as usize + by, self.end as usize + by)
    }

    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One input file: its display path, its text and a table of line starts.
pub struct SourceFile {
    path: String,
    text: String,
    line_starts: Vec<u32>,
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFile")
            .field("path", &self.path)
            .finish()
    }
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: String) -> Arc<Self> {
        let line_starts = line_starts(&text);
        Arc::new(SourceFile {
            path: path.into(),
            text,
            line_starts,
        })
    }

    /// The path as given on the command line or found by the walk, with `/` separators.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// The 0-based index of the line holding `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// The byte range of 0-based line `index`, without its line break (nor a leading BOM);
    /// an empty span at the end of the file past the last line.
    pub fn line_span(&self, index: usize) -> Span {
        if index >= self.line_starts.len() {
            return Span::empty(self.text.len());
        }
        let start = self.line_content_start(index);
        let next = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |&s| s as usize);
        let line = self.text.get(start..next).unwrap_or("");
        let trimmed = line.trim_end_matches(['\n', '\r']);
        Span::new(start, start + trimmed.len())
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 1-based line and column of `offset` (rounded down to a char boundary). A leading
    /// BOM takes no column, as editors do not show it.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let (index, prefix) = self.line_prefix(offset);
        LineCol {
            line: index + 1,
            column: prefix.chars().count() + 1,
        }
    }

    /// The 0-based line of `offset` and the text from that line's first column to `offset`.
    fn line_prefix(&self, offset: usize) -> (usize, &str) {
        let offset = self.floor_char_boundary(offset);
        let index = self.line_index(offset);
        let start = self.line_content_start(index);
        (
            index,
            self.text.get(start.min(offset)..offset).unwrap_or(""),
        )
    }

    /// Where 0-based line `index` starts, past the BOM on the first line.
    fn line_content_start(&self, index: usize) -> usize {
        let start = self.line_starts.get(index).copied().unwrap_or(0) as usize;
        if index == 0 && self.text.starts_with('\u{feff}') {
            start + '\u{feff}'.len_utf8()
        } else {
            start
        }
    }

    /// The byte offset of a 1-based line and column; `None` when it is outside the file. The
    /// inverse of [`Self::line_col`] on every char boundary (but a leading BOM: line 1, column 1
    /// is just after it), line breaks included (in CRLF the `\n` is the column after the `\r`);
    /// the column after a line's last char is the end of the file only on the last line.
    pub fn offset(&self, at: LineCol) -> Option<usize> {
        let index = at.line.checked_sub(1)?;
        self.line_starts.get(index)?;
        let start = self.line_content_start(index);
        let next = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |&s| s as usize);
        let line = self.text.get(start..next)?;
        let skip = at.column.checked_sub(1)?;
        let mut chars = line.char_indices();
        match chars.nth(skip) {
            Some((i, _)) => Some(start + i),
            None if next == self.text.len() && skip == line.chars().count() => Some(next),
            None => None,
        }
    }

    /// The 1-based column of `offset` counted in UTF-16 code units, as SARIF and LSP count.
    pub fn utf16_column(&self, offset: usize) -> usize {
        let (_, prefix) = self.line_prefix(offset);
        prefix.chars().map(char::len_utf16).sum::<usize>() + 1
    }

    fn floor_char_boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

fn line_starts(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        // LF, CRLF and a lone CR all end a line, as YAML says.
        let ends_line = bytes.get(at) == Some(&b'\n') || bytes.get(at + 1) != Some(&b'\n');
        if ends_line {
            starts.push(u32::try_from(at + 1).unwrap_or(u32::MAX));
        }
    }
    starts
}

/// A span in a particular file: what diagnostics and the model point at.
#[derive(Clone)]
pub struct Loc {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

impl Loc {
    pub fn new(file: &Arc<SourceFile>, span: Span) -> Self {
        Loc {
            file: Arc::clone(file),
            span,
        }
    }

    pub fn start(&self) -> LineCol {
        self.file.line_col(self.span.start as usize)
    }

    pub fn end(&self) -> LineCol {
        self.file.line_col(self.span.end as usize)
    }

    pub fn text(&self) -> &str {
        self.file.slice(self.span)
    }

    /// Sort key: path, then offset.
    pub fn sort_key(&self) -> (&str, u32, u32) {
        (self.file.path(), self.span.start, self.span.end)
    }
}

impl fmt::Debug for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.start();
        write!(f, "{}:{}:{}", self.file.path(), at.line, at.column)
    }
}

impl PartialEq for Loc {
    fn eq(&self, other: &Self) -> bool {
        self.span == other.span && self.file.path() == other.file.path()
    }
}

impl Eq for Loc {}

impl std::hash::Hash for Loc {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.file.path().hash(state);
        self.span.hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_and_all_line_breaks() {
        let file = SourceFile::new("t", "a: é\r\nb: 1\rc: 2\n".to_owned());
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(7), LineCol { line: 2, column: 1 });
        assert_eq!(file.line_col(12), LineCol { line: 3, column: 1 });
        // Inside `é` counts as its start; just after it is the next column.
        assert_eq!(file.line_col(4), LineCol { line: 1, column: 4 });
        assert_eq!(file.line_col(5), LineCol { line: 1, column: 5 });
        assert_eq!(file.offset(LineCol { line: 2, column: 4 }), Some(10));
        assert_eq!(file.slice(file.line_span(0)), "a: é");
        assert_eq!(file.offset(LineCol { line: 1, column: 6 }), Some(6));
        assert_eq!(file.offset(LineCol { line: 1, column: 7 }), None);
        assert_eq!(file.offset(LineCol { line: 4, column: 1 }), Some(17));
        assert_eq!(file.offset(LineCol { line: 4, column: 2 }), None);
    }

    #[test]
    fn a_bom_takes_no_column() {
        let file = SourceFile::new("t", "\u{feff}ab\nc".to_owned());
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(3), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(4), LineCol { line: 1, column: 2 });
        assert_eq!(file.offset(LineCol { line: 1, column: 1 }), Some(3));
        assert_eq!(file.utf16_column(4), 2);
        assert_eq!(file.line_col(6), LineCol { line: 2, column: 1 });
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let file = SourceFile::new("t", "a: \u{1f600}x\né".to_owned());
        assert_eq!(file.utf16_column(7), 6);
        assert_eq!(file.line_col(7).column, 5);
        assert_eq!(file.utf16_column(file.text().len()), 2);
    }
}
