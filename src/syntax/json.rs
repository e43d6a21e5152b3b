//! JSON to [`Node`] through jsonc-parser in strict mode (no comments, no trailing commas, no
//! JSON5 extensions). Duplicate keys are kept, numbers keep their source spelling.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::node::{Entry, Node, NodeKind, Scalar, ScalarStyle};
use super::source::Span;
use super::{MAX_DEPTH, RawDocument, SyntaxError};

pub(super) fn parse(text: &str) -> Result<RawDocument, SyntaxError> {
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = parse_to_ast(text, &CollectOptions::default(), &strict).map_err(|e| {
        let range = e.range();
        SyntaxError::new(
            Span::new(range.start, range.end),
            format!("invalid JSON: {}", e.kind()),
        )
    })?;
    let Some(value) = parsed.value else {
        return Err(SyntaxError::new(
            Span::empty(0),
            "invalid JSON: the file holds no value",
        ));
    };
    let root = convert(&value, text, 0)?;
    Ok(RawDocument {
        root,
        anchors: Vec::new(),
        comments: Vec::new(),
    })
}

fn convert(value: &Value<'_>, text: &str, depth: usize) -> Result<Node, SyntaxError> {
    let scalar = |range: &jsonc_parser::common::Range, style, value: &str| {
        let span = Span::new(range.start, range.end);
        Node {
            span,
            tag: None,
            kind: NodeKind::Scalar(Scalar::new(style, value, span, text)),
        }
    };
    Ok(match value {
        Value::StringLit(s) => scalar(&s.range, ScalarStyle::DoubleQuoted, &s.value),
        Value::NumberLit(n) => scalar(&n.range, ScalarStyle::Plain, n.value),
        Value::BooleanLit(b) => scalar(
            &b.range,
            ScalarStyle::Plain,
            if b.value { "true" } else { "false" },
        ),
        Value::NullKeyword(n) => scalar(&n.range, ScalarStyle::Plain, "null"),
        Value::Array(array) => {
            let span = Span::new(array.range.start, array.range.end);
            check_depth(depth, span)?;
            let items = array
                .elements
                .iter()
                .map(|v| convert(v, text, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Node {
                span,
                tag: None,
                kind: NodeKind::Seq(items.into_boxed_slice()),
            }
        }
        Value::Object(object) => {
            let span = Span::new(object.range.start, object.range.end);
            check_depth(depth, span)?;
            let entries = object
                .properties
                .iter()
                .map(|prop| {
                    let key = match &prop.name {
                        ObjectPropName::String(s) => {
                            scalar(&s.range, ScalarStyle::DoubleQuoted, &s.value)
                        }
                        ObjectPropName::Word(w) => scalar(&w.range, ScalarStyle::Plain, w.value),
                    };
                    Ok(Entry {
                        key,
                        value: convert(&prop.value, text, depth + 1)?,
                    })
                })
                .collect::<Result<Vec<_>, SyntaxError>>()?;
            Node {
                span,
                tag: None,
                kind: NodeKind::Map(entries.into_boxed_slice()),
            }
        }
    })
}

fn check_depth(depth: usize, span: Span) -> Result<(), SyntaxError> {
    if depth >= MAX_DEPTH {
        return Err(SyntaxError::new(
            Span::new(span.start as usize, span.start as usize + 1),
            format!("nesting deeper than {MAX_DEPTH} levels is not supported"),
        ));
    }
    Ok(())
}
