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
///
/// Once a file is linted, the findings that point into it need only a few of its lines (to say
/// where, and to show a snippet): [`SourceFile::excerpt`] keeps just those, so a directory run
/// does not hold every file's text until the report is written.
pub struct SourceFile {
    path: String,
    /// The text; for an excerpt, its kept lines one after the other.
    text: String,
    /// Where every [`LINE_STRIDE`]th line starts (offsets into the file); for an excerpt,
    /// where each kept line starts.
    line_starts: Vec<u32>,
    /// The number of lines (of an excerpt, the number of kept lines).
    line_count: usize,
    excerpt: Option<Box<Excerpt>>,
}

/// The line table of a file keeps the start of one line in this many: the lines between are
/// found by scanning at most this many lines of text, and the table of a file of a million
/// lines takes 256 KiB instead of 4 MiB.
const LINE_STRIDE: usize = 16;

/// What an excerpt keeps of its file.
struct Excerpt {
    /// The file's length in bytes and number of lines.
    len: usize,
    line_count: usize,
    /// Whether the file starts with a byte-order mark.
    bom: bool,
    /// The 0-based number of each kept line (`line_starts` holds where it starts).
    numbers: Vec<u32>,
    /// Each run of consecutive kept lines: its byte range in the file and where it starts in
    /// the excerpt's text.
    runs: Vec<(u32, u32, u32)>,
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFile")
            .field("path", &self.path)
            .finish()
    }
}

/// A span of this many bytes or fewer keeps all of its lines in an excerpt (SARIF quotes a
/// region's text up to 4 KiB).
const EXCERPT_SPAN_BYTES: usize = 4096;
/// A span whose lines take this many bytes or fewer keeps them all (the human renderer shows a
/// window of up to 16 KiB).
const EXCERPT_WINDOW_BYTES: usize = 16 * 1024;
/// Kept lines this close are kept with the lines between them (the human renderer shows
/// labels up to 8 lines apart in one snippet).
const EXCERPT_GAP_LINES: usize = 8;

impl SourceFile {
    pub fn new(path: impl Into<String>, text: String) -> Arc<Self> {
        let (line_starts, line_count) = line_starts(&text);
        Arc::new(SourceFile {
            path: path.into(),
            text,
            line_starts,
            line_count,
            excerpt: None,
        })
    }

    /// The file as far as diagnostics at `spans` need it: the lines each span is on (all of
    /// them for a short span, else its first and last), with the lines between any two kept
    /// lines a few lines apart. Every method answers for offsets on the kept lines as it does
    /// for the whole file; `text` is then only the kept lines. The file itself when an
    /// excerpt would not be much smaller.
    pub fn excerpt(self: &Arc<Self>, spans: impl IntoIterator<Item = Span>) -> Arc<SourceFile> {
        if self.excerpt.is_some() {
            return Arc::clone(self);
        }
        let mut lines: Vec<(usize, usize)> = Vec::new();
        for span in spans {
            let first = self.line_index(span.start as usize);
            let last = self.line_index(span.end as usize);
            let window = self.line_next(last).saturating_sub(self.line_start(first));
            if span.range().len() <= EXCERPT_SPAN_BYTES || window <= EXCERPT_WINDOW_BYTES {
                lines.push((first, last));
            } else {
                lines.push((first, first));
                lines.push((last, last));
            }
        }
        lines.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (first, last) in lines {
            match merged.last_mut() {
                Some((_, end)) if first <= end.saturating_add(EXCERPT_GAP_LINES + 1) => {
                    *end = (*end).max(last);
                }
                _ => merged.push((first, last)),
            }
        }
        let kept: usize = merged
            .iter()
            .map(|&(first, last)| self.line_next(last).saturating_sub(self.line_start(first)))
            .sum();
        if kept.saturating_mul(2) > self.text.len() {
            return Arc::clone(self);
        }
        let mut text = String::with_capacity(kept);
        let mut line_starts = Vec::new();
        let mut numbers = Vec::new();
        let mut runs = Vec::with_capacity(merged.len());
        for (first, last) in merged {
            let (start, end) = (self.line_start(first), self.line_next(last));
            runs.push((to_u32(start), to_u32(end), to_u32(text.len())));
            text.push_str(self.text.get(start..end).unwrap_or(""));
            line_starts.push(to_u32(start));
            numbers.push(to_u32(first));
            // The lines after the first start after the line breaks of the run, read once.
            for (line, at) in (first + 1..=last).zip(line_ends(&self.text, start, end)) {
                line_starts.push(to_u32(at + 1));
                numbers.push(to_u32(line));
            }
        }
        Arc::new(SourceFile {
            path: self.path.clone(),
            text,
            line_count: line_starts.len(),
            line_starts,
            excerpt: Some(Box::new(Excerpt {
                len: self.text.len(),
                line_count: self.line_count(),
                bom: self.text.starts_with('\u{feff}'),
                numbers,
                runs,
            })),
        })
    }

    /// The path as given on the command line or found by the walk, with `/` separators.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The whole text (for an excerpt, only its kept lines: read it through [`Self::slice`]).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text at `span` (empty when the span is not in the file, or not kept in an excerpt).
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.start as usize, span.end as usize)
            .unwrap_or("")
    }

    /// The file's length in bytes.
    fn len(&self) -> usize {
        self.excerpt.as_ref().map_or(self.text.len(), |e| e.len)
    }

    fn get(&self, start: usize, end: usize) -> Option<&str> {
        let Some(excerpt) = &self.excerpt else {
            return self.text.get(start..end);
        };
        let (run_start, run_end, at) = excerpt.run_of(start)?;
        if end > run_end || end < start {
            return None;
        }
        self.text
            .get(at + (start - run_start)..at + (end - run_start))
    }

    /// The 0-based index of the line holding `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        let kept = self
            .line_starts
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1);
        match &self.excerpt {
            None => {
                let from = self.line_starts.get(kept).map_or(0, |&s| s as usize);
                let until = offset.min(self.text.len());
                kept * LINE_STRIDE + line_ends(&self.text, from, until).count()
            }
            Some(excerpt) => excerpt.numbers.get(kept).map_or(0, |&n| n as usize),
        }
    }

    /// Where 0-based line `index` starts (its BOM included), or the end of the file.
    fn line_start(&self, index: usize) -> usize {
        let Some(excerpt) = &self.excerpt else {
            if index >= self.line_count {
                return self.text.len();
            }
            let from = self
                .line_starts
                .get(index / LINE_STRIDE)
                .map_or(0, |&s| s as usize);
            return match (index % LINE_STRIDE).checked_sub(1) {
                None => from,
                Some(skip) => line_ends(&self.text, from, self.text.len())
                    .nth(skip)
                    .map_or(self.text.len(), |end| end + 1),
            };
        };
        excerpt
            .numbers
            .binary_search(&to_u32(index))
            .ok()
            .and_then(|k| self.line_starts.get(k))
            .map_or(self.len(), |&s| s as usize)
    }

    /// Where the line after 0-based line `index` starts, or the end of the file.
    fn line_next(&self, index: usize) -> usize {
        match &self.excerpt {
            None => self.line_start(index + 1),
            Some(excerpt) => {
                let start = self.line_start(index);
                // Runs hold whole lines: the next line starts where the run goes on, or ends.
                match excerpt.numbers.binary_search(&to_u32(index + 1)) {
                    Ok(next) => self
                        .line_starts
                        .get(next)
                        .map_or(excerpt.len, |&s| s as usize),
                    Err(_) => excerpt.run_of(start).map_or(excerpt.len, |(_, end, _)| end),
                }
            }
        }
    }

    fn starts_with_bom(&self) -> bool {
        match &self.excerpt {
            None => self.text.starts_with('\u{feff}'),
            Some(excerpt) => excerpt.bom,
        }
    }

    /// The byte range of 0-based line `index`, without its line break (nor a leading BOM);
    /// an empty span at the end of the file past the last line.
    pub fn line_span(&self, index: usize) -> Span {
        if index >= self.line_count() {
            return Span::empty(self.len());
        }
        let start = self.line_content_start(index);
        let next = self.line_next(index);
        let line = self.get(start, next).unwrap_or("");
        let trimmed = line.trim_end_matches(['\n', '\r']);
        Span::new(start, start + trimmed.len())
    }

    pub fn line_count(&self) -> usize {
        self.excerpt
            .as_ref()
            .map_or(self.line_count, |e| e.line_count)
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
        (index, self.get(start.min(offset), offset).unwrap_or(""))
    }

    /// Where 0-based line `index` starts, past the BOM on the first line.
    fn line_content_start(&self, index: usize) -> usize {
        let start = self.line_start(index);
        if index == 0 && self.starts_with_bom() {
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
        if index >= self.line_count() {
            return None;
        }
        let start = self.line_content_start(index);
        let next = self.line_next(index);
        let line = self.get(start, next)?;
        let skip = at.column.checked_sub(1)?;
        let mut chars = line.char_indices();
        match chars.nth(skip) {
            Some((i, _)) => Some(start + i),
            None if next == self.len() && skip == line.chars().count() => Some(next),
            None => None,
        }
    }

    /// The 1-based column of `offset` counted in UTF-16 code units, as SARIF and LSP count.
    pub fn utf16_column(&self, offset: usize) -> usize {
        let (_, prefix) = self.line_prefix(offset);
        prefix.chars().map(char::len_utf16).sum::<usize>() + 1
    }

    /// `offset`, moved back to the start of the char it falls in.
    pub fn floor_char_boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.len());
        let (text, base, from) = match &self.excerpt {
            None => (self.text.as_str(), 0, 0),
            Some(excerpt) => match excerpt.run_of(offset) {
                Some((start, _, at)) => (self.text.as_str(), start, at),
                None => return offset,
            },
        };
        while offset > base && !text.is_char_boundary(from + (offset - base)) {
            offset -= 1;
        }
        offset
    }
}

impl Excerpt {
    /// The run holding `offset` (its end included): its file range and its start in the text.
    fn run_of(&self, offset: usize) -> Option<(usize, usize, usize)> {
        let offset = to_u32(offset);
        let index = self
            .runs
            .partition_point(|&(start, _, _)| start <= offset)
            .checked_sub(1)?;
        let &(start, end, at) = self.runs.get(index)?;
        (offset <= end).then_some((start as usize, end as usize, at as usize))
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Where every [`LINE_STRIDE`]th line of `text` starts, and the number of lines.
fn line_starts(text: &str) -> (Vec<u32>, usize) {
    let mut starts = vec![0];
    let mut count = 1;
    for end in line_ends(text, 0, text.len()) {
        if count % LINE_STRIDE == 0 {
            starts.push(to_u32(end + 1));
        }
        count += 1;
    }
    (starts, count)
}

/// The offset of the last byte of each line break in `text[from..until]`: LF, CRLF (its LF)
/// and a lone CR all end a line, as YAML says.
fn line_ends(text: &str, from: usize, until: usize) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let window = bytes.get(from..until).unwrap_or(&[]);
    memchr::memchr2_iter(b'\n', b'\r', window)
        .map(move |at| from + at)
        .filter(move |&at| bytes.get(at) == Some(&b'\n') || bytes.get(at + 1) != Some(&b'\n'))
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
    #[allow(clippy::indexing_slicing)]
    fn the_sparse_line_table_answers_like_a_full_one() {
        // Lines of every length and break (LF, CRLF, lone CR), across many table strides.
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&"x".repeat(i % 7));
            text.push_str(["\n", "\r\n", "\r"][i % 3]);
        }
        text.push_str("last");
        let file = SourceFile::new("t", text.clone());
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (at, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(at + 1) != Some(&b'\n')) {
                starts.push(at + 1);
            }
        }
        assert_eq!(file.line_count(), starts.len());
        for offset in 0..=text.len() + 2 {
            let line = starts.partition_point(|&s| s <= offset) - 1;
            assert_eq!(file.line_index(offset), line, "offset {offset}");
        }
        for (line, &start) in starts.iter().enumerate() {
            assert_eq!(file.line_start(line), start, "line {line}");
            let next = starts.get(line + 1).copied().unwrap_or(text.len());
            assert_eq!(file.line_next(line), next, "line {line}");
        }
        assert_eq!(file.line_start(starts.len()), text.len());
    }

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
    fn an_excerpt_answers_like_its_file_on_the_kept_lines() {
        let mut text = "\u{feff}first: é\r\n".to_owned();
        for i in 0..200 {
            text.push_str(&format!("line{i}: \u{1f600} value\n"));
        }
        text.push_str("last: x");
        let file = SourceFile::new("t", text.clone());
        let at = |needle: &str| {
            let start = text.find(needle).unwrap_or(0);
            Span::new(start, start + needle.len())
        };
        let spans = [
            at("first"),
            at("line50: \u{1f600}"),
            at("line58"),
            at("last: x"),
        ];
        let excerpt = file.excerpt(spans);
        assert!(
            excerpt.text().len() < text.len() / 4,
            "{}",
            excerpt.text().len()
        );
        assert_eq!(excerpt.line_count(), file.line_count());
        // Lines 50 to 58 are close enough to be kept with the lines between them.
        for span in spans.into_iter().chain([at("line54")]) {
            assert_eq!(excerpt.slice(span), file.slice(span));
            for offset in span.start as usize..=span.end as usize {
                assert_eq!(excerpt.line_col(offset), file.line_col(offset), "{offset}");
                assert_eq!(excerpt.utf16_column(offset), file.utf16_column(offset));
                assert_eq!(
                    excerpt.floor_char_boundary(offset),
                    file.floor_char_boundary(offset)
                );
                let line = file.line_index(offset);
                assert_eq!(excerpt.line_index(offset), line);
                assert_eq!(excerpt.line_span(line), file.line_span(line));
                let at = file.line_col(offset);
                assert_eq!(excerpt.offset(at), file.offset(at));
            }
        }
        assert_eq!(excerpt.slice(at("line20")), "");
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let file = SourceFile::new("t", "a: \u{1f600}x\né".to_owned());
        assert_eq!(file.utf16_column(7), 6);
        assert_eq!(file.line_col(7).column, 5);
        assert_eq!(file.utf16_column(file.text().len()), 2);
    }
}
