//! Source text to a located tree.
//!
//! YAML and JSON both become one [`Node`] type with byte spans on every key and value, tags,
//! comments and duplicate keys kept. Aliases stay unexpanded until a view follows one through a
//! [`NodeRef`], and every document has a budget for that, so an alias bomb costs nothing.
//! `yaml.rs` and `json.rs` are the only files that know a parser crate.

mod json;
mod node;
pub mod source;
mod yaml;

use std::sync::Arc;

pub use node::{Comment, Document, Entry, Node, NodeKind, NodeRef, Scalar, ScalarStyle, Tag};
pub use source::{LineCol, Loc, SourceFile, Span};

/// Collections nested deeper than this are refused with a located error. Real gateway
/// definitions stay far below it; the cap keeps recursion in the views bounded.
pub const MAX_DEPTH: usize = 200;

/// How many alias dereferences one document may make before aliases resolve to nothing.
pub const ALIAS_BUDGET: u32 = 100_000;

/// Why a file could not become a tree. The span points at the offending byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

impl SyntaxError {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        SyntaxError {
            span,
            message: message.into(),
        }
    }
}

/// Which parser reads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Json,
}

/// JSON when the first non-blank byte opens an object or array, else YAML (which also reads
/// most JSON, but without JSON's strictness).
pub fn detect_syntax(text: &str) -> Syntax {
    match text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .bytes()
        .next()
    {
        Some(b'{' | b'[') => Syntax::Json,
        _ => Syntax::Yaml,
    }
}

/// Decode raw bytes as UTF-8, or say where the first invalid byte is.
pub fn decode(bytes: Vec<u8>) -> Result<String, (String, SyntaxError)> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
        let byte = error.as_bytes().get(valid).copied().unwrap_or(0);
        (
            lossy,
            SyntaxError::new(
                Span::new(valid, valid + 1),
                format!("invalid UTF-8: byte 0x{byte:02x} at offset {valid}"),
            ),
        )
    })
}

/// Parse every document in `file`. A BOM is skipped; spans stay offsets into the full text.
pub fn parse(file: &Arc<SourceFile>) -> Result<Vec<Document>, SyntaxError> {
    let text = file.text();
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = text.get(bom..).unwrap_or("");
    let parsed = match detect_syntax(body) {
        Syntax::Json => json::parse(body).map(|doc| vec![doc]),
        Syntax::Yaml => yaml::parse(body),
    };
    let shift_error = |e: SyntaxError| SyntaxError::new(e.span.shifted(bom), e.message);
    let parsed = parsed.map_err(shift_error)?;
    Ok(parsed
        .into_iter()
        .map(|mut raw| {
            if bom > 0 {
                raw.shift(bom);
            }
            Document::new(Arc::clone(file), raw)
        })
        .collect())
}

/// A document as a parser hands it over, before it is tied to its file.
pub(crate) struct RawDocument {
    pub root: Node,
    /// For each anchor id, the path of child indices from the root to the anchored node.
    pub anchors: Vec<Option<Box<[u32]>>>,
    pub comments: Vec<Comment>,
}

impl RawDocument {
    fn shift(&mut self, by: usize) {
        self.root.shift(by);
        for comment in &mut self.comments {
            comment.span = comment.span.shifted(by);
        }
    }
}
