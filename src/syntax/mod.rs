//! Source text to a located tree.
//!
//! YAML and JSON both become one [`Node`] type with byte spans on every key and value, tags,
//! comments and duplicate keys kept. Aliases stay unexpanded until a view follows one through a
//! [`NodeRef`], and every document has a budget for that, so an alias bomb costs nothing.
//! `yaml.rs` and `json.rs` are the only files that know a parser crate.

mod error;
pub mod hcl;
mod json;
mod limits;
mod node;
mod path;
pub mod source;
mod yaml;

use std::sync::Arc;

pub use error::SyntaxError;
pub use limits::{ALIAS_BUDGET, MAX_DEPTH};
pub use node::{
    Comment, Document, Entry, HashedKey, MAX_NODES, Node, NodeIdentity, NodeKind, NodeRef,
    ScalarStyle,
};
pub use path::{PathSegment, json_pointer};
pub use source::{LineCol, Loc, SourceFile, Span};

/// Which parser reads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Json,
}

/// JSON when the first non-blank byte opens an object or array (after any `//` and `/* */`
/// comments, as JSON with comments writes them), else YAML (which also reads most JSON, but
/// without JSON's strictness).
pub fn detect_syntax(text: &str) -> Syntax {
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(comment) = rest.strip_prefix("//") {
            rest = comment.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(comment) = rest.strip_prefix("/*") {
            rest = comment.split_once("*/").map_or("", |(_, after)| after);
        } else {
            break;
        }
        rest = rest.trim_start();
    }
    match rest.bytes().next() {
        Some(b'{' | b'[') => Syntax::Json,
        _ => Syntax::Yaml,
    }
}

/// Decode raw bytes as UTF-8, or say where the first invalid byte is. On error the text is
/// the lossy decoding (each bad sequence becomes U+FFFD), identical to the input up to the
/// error, so the error's span (the replacement character) has the right line and column.
pub fn decode(bytes: Vec<u8>) -> Result<String, (String, SyntaxError)> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let byte = error.as_bytes().get(valid).copied().unwrap_or(0);
        let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
        let message = match error.as_bytes() {
            [0xff, 0xfe, ..] | [0xfe, 0xff, ..] => {
                "the file is UTF-16 (it starts with a UTF-16 byte-order mark); only UTF-8 is read"
                    .to_owned()
            }
            _ => format!("invalid UTF-8: byte 0x{byte:02x} at offset {valid}"),
        };
        let error = SyntaxError::at(&lossy, valid, message);
        (lossy, error)
    })
}

/// Parse every document in `file`. A BOM is skipped; spans stay offsets into the full text.
pub fn parse(file: &Arc<SourceFile>) -> Result<Vec<Document>, SyntaxError> {
    let text = file.text();
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let parsed = match detect_syntax(text) {
        Syntax::Json => vec![json::parse(text, bom)?],
        // granit-parser skips a leading BOM itself and counts it in its offsets.
        Syntax::Yaml => yaml::parse(text)?,
    };
    Ok(parsed
        .into_iter()
        .map(|raw| Document::new(Arc::clone(file), raw))
        .collect())
}

/// The bytes of the file shown as `path`, decoded and parsed: the one way a linted file, a file
/// it loads and the configuration are read. The file comes back either way (its text as far as
/// it decodes), so that an error can be located in it.
pub fn read(
    path: impl Into<String>,
    bytes: Vec<u8>,
) -> (Arc<SourceFile>, Result<Vec<Document>, SyntaxError>) {
    match decode(bytes) {
        Ok(text) => {
            let file = SourceFile::new(path, text);
            let documents = parse(&file);
            (file, documents)
        }
        Err((lossy, error)) => (SourceFile::new(path, lossy), Err(error)),
    }
}

#[cfg(test)]
mod tests;
