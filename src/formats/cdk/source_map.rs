//! Source maps (revision 3), enough to take a compiled `.js` frame back to its `.ts` line.
//! <https://tc39.es/ecma426/>

use crate::syntax::{self, NodeRef, SourceFile};

/// Where a generated position came from: the `sources` entry (with `sourceRoot` prefixed), and
/// a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Original {
    pub source: String,
    pub line: usize,
    pub column: usize,
}

/// The original position of the generated 1-based `line` and `column` in the map `text`: the
/// last mapping on that line at or before the column, else the line's first one.
pub fn original_position(text: &str, line: usize, column: usize) -> Option<Original> {
    let file = SourceFile::new("source map", text.to_owned());
    let doc = syntax::parse(&file).ok()?.into_iter().next()?;
    let root = doc.root();
    let mappings = root.get("mappings")?.as_str()?;
    let sources: Vec<&str> = root
        .get("sources")?
        .items()
        .map(|source| source.as_str().unwrap_or_default())
        .collect();
    let source_root = root
        .get("sourceRoot")
        .and_then(NodeRef::as_str)
        .unwrap_or_default();
    let (target_line, target_column) = (line.checked_sub(1)?, column.checked_sub(1)?);
    // Fields after the first are deltas across the whole map, so every line before the
    // target is decoded too.
    let (mut source, mut source_line, mut source_column) = (0i64, 0i64, 0i64);
    let mut found = None;
    for (generated_line, segments) in mappings.split(';').enumerate() {
        if generated_line > target_line {
            break;
        }
        let mut generated_column = 0i64;
        for segment in segments.split(',').filter(|s| !s.is_empty()) {
            let fields = decode_vlq(segment)?;
            generated_column = generated_column.checked_add(*fields.first()?)?;
            if let [_, s, l, c, ..] = fields.as_slice() {
                source = source.checked_add(*s)?;
                source_line = source_line.checked_add(*l)?;
                source_column = source_column.checked_add(*c)?;
            } else {
                continue;
            }
            if generated_line == target_line {
                let at = (source, source_line, source_column);
                if usize::try_from(generated_column).is_ok_and(|g| g <= target_column) {
                    found = Some(at);
                } else {
                    found = found.or(Some(at));
                    break;
                }
            }
        }
    }
    let (source, line, column) = found?;
    let name = sources.get(usize::try_from(source).ok()?)?;
    let source = if source_root.is_empty() || name.starts_with('/') {
        (*name).to_owned()
    } else {
        format!("{}/{name}", source_root.trim_end_matches('/'))
    };
    Some(Original {
        source,
        line: usize::try_from(line).ok()?.checked_add(1)?,
        column: usize::try_from(column).ok()?.checked_add(1)?,
    })
}

/// The signed numbers of one mapping segment, base64 VLQ encoded.
fn decode_vlq(segment: &str) -> Option<Vec<i64>> {
    let mut values = Vec::new();
    let (mut value, mut shift) = (0i64, 0u32);
    for byte in segment.bytes() {
        let digit = i64::from(match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        });
        if shift > 55 {
            return None;
        }
        value |= (digit & 31) << shift;
        if digit & 32 == 0 {
            let magnitude = value >> 1;
            values.push(if value & 1 == 1 {
                -magnitude
            } else {
                magnitude
            });
            (value, shift) = (0, 0);
        } else {
            shift += 5;
        }
    }
    (shift == 0).then_some(values)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn vlq_values() {
        assert_eq!(decode_vlq("AAAA"), Some(vec![0, 0, 0, 0]));
        assert_eq!(decode_vlq("IAAM"), Some(vec![4, 0, 0, 6]));
        assert_eq!(decode_vlq("D"), Some(vec![-1]));
        assert_eq!(decode_vlq("gB"), Some(vec![16]));
        assert_eq!(decode_vlq("g"), None);
        assert_eq!(decode_vlq("gggggggggggggggB"), None);
    }

    #[test]
    fn maps_a_generated_position_back() {
        // Line 1 maps to source line 1; line 2 column 5 ("IACA": +4 columns, +1 line) maps to
        // source line 2, column 1; line 3 ("AAEI") to line 4, column 5.
        let map = r#"{"version":3,"sources":["api-stack.ts"],"sourceRoot":"../lib","mappings":"AAAA;IACA;AAEI"}"#;
        assert_eq!(
            original_position(map, 2, 7),
            Some(Original {
                source: "../lib/api-stack.ts".into(),
                line: 2,
                column: 1
            })
        );
        assert_eq!(
            original_position(map, 3, 1).map(|o| (o.line, o.column)),
            Some((4, 5))
        );
        assert_eq!(original_position(map, 9, 1), None);
        assert_eq!(original_position("{", 1, 1), None);
    }
}
