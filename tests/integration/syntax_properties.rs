//! Properties of the located tree on generated input: spans are well formed and nested, line
//! and column round-trip, and the YAML and JSON spellings of one value give the same tree.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fmt::Write as _;
use std::sync::Arc;

use gatelint::syntax::{self, Document, LineCol, NodeKind, NodeRef, ScalarStyle, SourceFile, Span};
use proptest::prelude::*;
use serde_json::Value;

/// 256 cases, or `PROPTEST_CASES` for a longer hunt.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok());
    ProptestConfig {
        cases: cases.unwrap_or(256),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generated values and their two spellings.

/// Characters that are awkward in YAML, JSON or both.
const AWKWARD: &[char] = &[
    'a', 'Z', '0', '9', ' ', ' ', ':', '#', '-', '?', ',', '[', ']', '{', '}', '&', '*', '!', '|',
    '>', '\'', '"', '%', '@', '`', '\\', '/', '\t', '\n', '\r', '~', '.', 'é', 'ß', '中', '😀',
    '\u{7f}', '\u{85}', '\u{a0}', '\u{2028}', '\u{feff}', '\u{1}',
];

fn awkward_string() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(AWKWARD), 0..10).prop_map(String::from_iter)
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        awkward_string().prop_map(Value::String),
        prop::sample::select(
            &[
                "yes", "no", "null", "true", "0777", "1e3", "", "~", "- x", "a: b"
            ][..]
        )
        .prop_map(|s| Value::String(s.to_owned())),
    ]
}

fn collection(inner: impl Strategy<Value = Value> + Clone) -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
        prop::collection::vec((awkward_string(), inner), 0..5)
            .prop_map(|entries| Value::Object(entries.into_iter().collect())),
    ]
}

/// A document: always a collection, since a scalar alone is never read as JSON.
fn value() -> impl Strategy<Value = Value> {
    collection(scalar().prop_recursive(4, 64, 5, collection))
}

/// A double-quoted YAML string: JSON's escaping, plus `\uXXXX` for what YAML does not allow
/// raw in a double-quoted scalar (C0/C1 controls, DEL, line and paragraph separators, BOM).
fn yaml_quoted(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        let code = u32::from(c);
        if code == 0x7f
            || (0x80..0xa0).contains(&code)
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
        {
            write!(out, "\\u{code:04x}").unwrap();
        } else {
            out.push(c);
        }
    }
    out
}

fn yaml_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => yaml_quoted(s),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
        other => other.to_string(),
    }
}

fn is_block(value: &Value) -> bool {
    match value {
        Value::Array(items) => !items.is_empty(),
        Value::Object(entries) => !entries.is_empty(),
        _ => false,
    }
}

/// Block-style YAML: every non-empty collection on its own lines, two spaces deeper.
fn emit_yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let child = |item: &Value, out: &mut String| {
        if is_block(item) {
            out.push('\n');
            emit_yaml(item, indent + 2, out);
        } else {
            out.push(' ');
            out.push_str(&yaml_scalar(item));
            out.push('\n');
        }
    };
    match value {
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                child(item, out);
            }
        }
        Value::Object(entries) if !entries.is_empty() => {
            for (key, item) in entries {
                out.push_str(&pad);
                out.push_str(&yaml_quoted(key));
                out.push(':');
                child(item, out);
            }
        }
        scalar => {
            out.push_str(&pad);
            out.push_str(&yaml_scalar(scalar));
            out.push('\n');
        }
    }
}

fn yaml_text(value: &Value) -> String {
    let mut out = String::new();
    emit_yaml(value, 0, &mut out);
    out
}

fn parse(text: String) -> (Arc<SourceFile>, Vec<Document>) {
    let file = SourceFile::new("prop", text);
    let docs = syntax::parse(&file).unwrap_or_else(|e| panic!("{:?}: {e:?}", file.text()));
    (file, docs)
}

/// The generated value as the tree should hold it.
fn assert_matches(node: NodeRef<'_>, expected: &Value) {
    match expected {
        Value::String(s) => {
            assert_eq!(node.as_str(), Some(s.as_str()), "at {:?}", node.loc());
            assert_eq!(node.scalar_style(), Some(ScalarStyle::DoubleQuoted));
        }
        Value::Array(items) => {
            assert!(node.is_seq(), "at {:?}", node.loc());
            assert_eq!(node.len(), items.len());
            for (item, expected) in node.items().zip(items) {
                assert_matches(item, expected);
            }
        }
        Value::Object(entries) => {
            assert!(node.is_map(), "at {:?}", node.loc());
            assert_eq!(node.len(), entries.len());
            for ((key, item), (expected_key, expected)) in node.entries().zip(entries) {
                assert_eq!(key.as_str(), Some(expected_key.as_str()));
                assert_matches(item, expected);
            }
        }
        scalar => {
            assert_eq!(node.as_str(), Some(scalar.to_string().as_str()));
            assert_eq!(node.scalar_style(), Some(ScalarStyle::Plain));
        }
    }
}

/// Both trees have the same shape, scalar values and styles.
fn assert_same_tree(yaml: NodeRef<'_>, json: NodeRef<'_>) {
    assert_eq!(yaml.is_map(), json.is_map());
    assert_eq!(yaml.is_seq(), json.is_seq());
    assert_eq!(yaml.as_str(), json.as_str());
    assert_eq!(yaml.scalar_style(), json.scalar_style());
    assert_eq!(yaml.len(), json.len());
    for (y, j) in yaml.items().zip(json.items()) {
        assert_same_tree(y, j);
    }
    for ((yk, yv), (jk, jv)) in yaml.entries().zip(json.entries()) {
        assert_same_tree(yk, jk);
        assert_same_tree(yv, jv);
    }
}

// ---------------------------------------------------------------------------------------------
// Span invariants.

fn assert_span(file: &SourceFile, span: Span, what: &str) {
    let text = file.text();
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= text.len(),
        "{what} {span:?} outside {text:?}"
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what} {span:?} splits a char in {text:?}"
    );
}

/// Every node's span (and tag span) is well formed, and every child lies inside its parent.
fn assert_spans(file: &SourceFile, node: NodeRef<'_>) {
    assert_span(file, node.span(), "node");
    if let Some(tag) = node.tag_span() {
        assert_span(file, tag, "tag");
        assert_eq!(Some(file.slice(tag)), node.tag());
        assert!(
            tag.end <= node.span().start,
            "tag after its node in {:?}",
            file.text()
        );
    }
    for child in node.written_children() {
        let full = child.full_span();
        assert!(
            node.span().contains(full),
            "child {:?} ({:?}) outside parent {:?} ({:?}) in {:?}",
            child.span(),
            file.slice(child.span()),
            node.span(),
            file.slice(node.span()),
            file.text()
        );
        assert_spans(file, child);
    }
}

fn assert_document_spans(file: &SourceFile, docs: &[Document]) {
    for doc in docs {
        assert_spans(file, doc.written_root());
        for comment in &doc.comments {
            assert_span(file, comment.span, "comment");
            let text = file.slice(comment.span);
            assert_eq!(text.strip_prefix('#'), Some(&*comment.text));
        }
        // Every scalar's text is reachable and quoted scalars span their quotes.
        check_scalars(doc.root(), file);
    }
}

fn check_scalars(node: NodeRef<'_>, file: &SourceFile) {
    if let Some(style) = node.scalar_style() {
        let raw = file.slice(node.span());
        let quote = match style {
            ScalarStyle::SingleQuoted => Some('\''),
            ScalarStyle::DoubleQuoted => Some('"'),
            _ => None,
        };
        if let Some(q) = quote {
            assert!(
                raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q),
                "{raw:?}"
            );
        }
        assert!(node.as_str().is_some());
    }
    for child in node.written_children() {
        // Raw children only: a walk through aliases is the hostile tests' business.
        if child.kind() != NodeKind::Alias {
            check_scalars(child, file);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Line and column.

/// Text made of line breaks of every kind, multibyte chars and a possible BOM.
fn lines_text() -> impl Strategy<Value = String> {
    let pieces =
        prop::sample::select(&["a", "é", "中", "😀", " ", "\n", "\r\n", "\r", "\t", "#"][..]);
    (any::<bool>(), prop::collection::vec(pieces, 0..40)).prop_map(|(bom, pieces)| {
        let mut text = if bom {
            "\u{feff}".to_owned()
        } else {
            String::new()
        };
        text.extend(pieces);
        text
    })
}

/// Line and column the slow way: a line ends after `\n`, or after a `\r` not followed by `\n`.
fn naive_line_col(text: &str, offset: usize) -> LineCol {
    let mut line = 1;
    let mut line_start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i >= offset {
            break;
        }
        let ends = c == '\n' || (c == '\r' && chars.peek().map(|&(_, n)| n) != Some('\n'));
        if ends {
            line += 1;
            line_start = i + 1;
        }
    }
    let prefix = &text[line_start..offset];
    let prefix = if line == 1 {
        prefix.trim_start_matches('\u{feff}')
    } else {
        prefix
    };
    LineCol {
        line,
        column: prefix.chars().count() + 1,
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn yaml_and_json_spellings_give_the_same_tree(value in value(), pretty in any::<bool>(), crlf in any::<bool>()) {
        let mut json = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        let mut yaml = yaml_text(&value);
        if crlf {
            json = json.replace('\n', "\r\n");
            yaml = yaml.replace('\n', "\r\n");
        }
        let (json_file, json_docs) = parse(json);
        let (yaml_file, yaml_docs) = parse(yaml);
        prop_assert_eq!(yaml_docs.len(), 1);
        prop_assert_eq!(json_docs.len(), 1);
        assert_matches(yaml_docs[0].root(), &value);
        assert_matches(json_docs[0].root(), &value);
        assert_same_tree(yaml_docs[0].root(), json_docs[0].root());
        assert_document_spans(&yaml_file, &yaml_docs);
        assert_document_spans(&json_file, &json_docs);
    }

    #[test]
    fn spans_stay_inside_the_source_for_any_input(
        pieces in prop::collection::vec(
            prop::sample::select(&[
                "a", "k", "1", " ", "  ", "\n", "\r\n", "\r", "\t", "-", "- ", ": ", ":", "?", ",",
                "[", "]", "{", "}", "#", " # c", "&a ", "*a", "!Ref ", "!", "|", "|-", ">", "'",
                "\"", "\\", "é", "中", "😀", "\u{feff}", "\0", "---", "...", "%YAML 1.2", "<<: ",
            ][..]),
            0..40,
        )
    ) {
        let text: String = pieces.concat();
        let file = SourceFile::new("fuzz", text);
        match syntax::parse(&file) {
            Ok(docs) => assert_document_spans(&file, &docs),
            Err(error) => {
                assert_span(&file, error.span, "error");
                prop_assert!(!error.message.is_empty());
            }
        }
    }

    #[test]
    fn generated_yaml_variants_keep_spans_nested(
        value in value(),
        comments in any::<bool>(),
        bom in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        let mut yaml = yaml_text(&value);
        if comments {
            // A comment first (so `[]  # c` is not taken for JSON), one after every line and one
            // on a line of its own after it.
            yaml = yaml.lines().map(|l| format!("{l}  # note: \"{}\"\n# between\n", l.len())).collect();
            yaml.insert_str(0, "# generated\n");
        }
        if bom {
            yaml.insert(0, '\u{feff}');
        }
        if crlf {
            yaml = yaml.replace('\n', "\r\n");
        }
        let lines = yaml.lines().count();
        let (file, docs) = parse(yaml);
        assert_document_spans(&file, &docs);
        assert_matches(docs[0].root(), &value);
        if comments {
            prop_assert_eq!(docs[0].comments.len(), lines);
        }
    }

    #[test]
    fn offset_line_column_round_trip(text in lines_text()) {
        let file = SourceFile::new("lines", text.clone());
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let at = file.line_col(offset);
            prop_assert_eq!(at, naive_line_col(&text, offset), "offset {} in {:?}", offset, text);
            let back = file.offset(at);
            // The BOM itself shares line 1, column 1 with the first character after it.
            let expected = if offset < bom { bom } else { offset };
            prop_assert_eq!(back, Some(expected), "offset {} at {:?} in {:?}", offset, at, text);
            let line = file.line_span(at.line - 1);
            prop_assert!(line.start as usize <= expected);
            prop_assert!(!file.slice(line).contains(['\n', '\r']));
            prop_assert_eq!(file.line_index(offset), at.line - 1);
        }
        prop_assert_eq!(file.offset(LineCol { line: file.line_count() + 1, column: 1 }), None);
        prop_assert_eq!(file.offset(LineCol { line: 1, column: 0 }), None);
    }
}
