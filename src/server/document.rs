//! An open document: the editor's text of it (saved or not), kept in step with the editor's
//! changes. LSP positions count UTF-16 code units on lines ended by `\n`, `\r\n` or `\r`.

use std::path::PathBuf;

use lsp_types::{Position, TextDocumentContentChangeEvent, Uri};

use super::uri;

pub struct Document {
    pub uri: Uri,
    /// The file it is, for a `file:` URI (absolute, as the editor names it).
    pub path: Option<PathBuf>,
    /// The file with symlinks resolved, when it exists on disk: how the files a template loads
    /// are compared with open documents.
    pub real: Option<PathBuf>,
    pub text: String,
    pub version: i32,
}

impl Document {
    pub fn new(uri: Uri, text: String, version: i32) -> Document {
        let path = uri::to_path(&uri);
        let real = path.as_ref().and_then(|p| p.canonicalize().ok());
        Document {
            uri,
            path,
            real,
            text,
            version,
        }
    }

    /// The path findings show for the document: its file's path, else the URI.
    pub fn display(&self) -> String {
        match &self.path {
            Some(path) => path.to_string_lossy().into_owned(),
            None => self.uri.as_str().to_owned(),
        }
    }

    /// Apply the editor's changes in order: a change without a range replaces the whole text,
    /// one with a range replaces that range (positions past a line's end mean its end).
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, version: i32) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let start = offset(&self.text, range.start);
                    let end = offset(&self.text, range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
            }
        }
        self.version = version;
    }
}

/// The byte offset of an LSP position in `text`, clamped to the end of its line (and of the
/// text); a position inside a surrogate pair means the character's start.
pub fn offset(text: &str, position: Position) -> usize {
    let mut line_start = 0;
    let bytes = text.as_bytes();
    for _ in 0..position.line {
        let Some(rest) = bytes.get(line_start..) else {
            return text.len();
        };
        let Some(brk) = rest.iter().position(|&b| b == b'\n' || b == b'\r') else {
            return text.len();
        };
        let at = line_start + brk;
        line_start = if bytes.get(at) == Some(&b'\r') && bytes.get(at + 1) == Some(&b'\n') {
            at + 2
        } else {
            at + 1
        };
    }
    let line = text.get(line_start..).unwrap_or("");
    let mut units = 0;
    for (i, c) in line.char_indices() {
        if c == '\n' || c == '\r' {
            return line_start + i;
        }
        units += c.len_utf16();
        if units > position.character as usize {
            return line_start + i;
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::str::FromStr;

    use lsp_types::Range;

    use super::*;

    fn change(from: (u32, u32), to: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(from.0, from.1),
                Position::new(to.0, to.1),
            )),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn positions_count_utf16_units_and_every_line_break() {
        let text = "a\u{1f600}b\r\nc\rd\né";
        assert_eq!(offset(text, Position::new(0, 0)), 0);
        // The emoji is two UTF-16 units and four bytes.
        assert_eq!(offset(text, Position::new(0, 1)), 1);
        assert_eq!(offset(text, Position::new(0, 3)), 5);
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(offset(text, Position::new(0, 2)), 1);
        // Past the end of a line: its end, before the line break.
        assert_eq!(offset(text, Position::new(0, 99)), 6);
        assert_eq!(offset(text, Position::new(1, 0)), 8);
        assert_eq!(offset(text, Position::new(2, 1)), 11);
        assert_eq!(offset(text, Position::new(3, 1)), text.len());
        assert_eq!(offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let uri = Uri::from_str("untitled:doc").unwrap();
        let mut doc = Document::new(uri, "x: \u{1f600}1\ny: 2\n".to_owned(), 1);
        doc.apply(
            vec![
                change((0, 5), (0, 6), "42"),
                change((1, 3), (1, 4), "3"),
                change((2, 0), (2, 0), "z: 4\n"),
            ],
            2,
        );
        assert_eq!(doc.text, "x: \u{1f600}42\ny: 3\nz: 4\n");
        assert_eq!(doc.version, 2);
        doc.apply(
            vec![TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "new".into(),
            }],
            3,
        );
        assert_eq!(doc.text, "new");
    }
}
