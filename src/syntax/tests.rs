//! Exact spans, values, tags and comments of the located tree, one notation at a time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::Arc;

use super::*;

fn docs(text: &str) -> Vec<Document> {
    let file = SourceFile::new("t", text.to_owned());
    parse(&file).unwrap_or_else(|e| panic!("{text:?} failed: {e:?}"))
}

fn doc(text: &str) -> Document {
    let mut all = docs(text);
    assert_eq!(all.len(), 1, "{text:?}");
    all.remove(0)
}

fn error(text: &str) -> SyntaxError {
    let file = SourceFile::new("t", text.to_owned());
    parse(&file).expect_err(text)
}

/// The source text a node's span covers.
fn src(node: NodeRef<'_>) -> &str {
    node.doc().file.slice(node.span())
}

fn at<'a>(node: NodeRef<'a>, path: &[&str]) -> NodeRef<'a> {
    path.iter()
        .fold(node, |node, step| match step.parse::<usize>() {
            Ok(i) => node.items().nth(i).unwrap_or_else(|| panic!("no item {i}")),
            Err(_) => node.get(step).unwrap_or_else(|| panic!("no key {step}")),
        })
}

#[test]
fn block_mapping_spans_first_key_to_last_value() {
    let text = "# head\na: 1\nb:\n  c: x\n  d: [1, 2]\n\n# gap\ne: end   \n";
    let d = doc(text);
    let root = d.root();
    assert_eq!(src(root), "a: 1\nb:\n  c: x\n  d: [1, 2]\n\n# gap\ne: end");
    assert_eq!(src(at(root, &["b"])), "c: x\n  d: [1, 2]");
    assert_eq!(src(at(root, &["b", "d"])), "[1, 2]");
    assert_eq!(src(at(root, &["b", "d", "1"])), "2");
    let (key, value) = root.entry("e").unwrap();
    assert_eq!((src(key), src(value)), ("e", "end"));
}

#[test]
fn block_sequence_spans_first_dash_to_last_value() {
    let d = doc("k:\n  - a\n  - - b\n    - {x: y}\nz: 1\n");
    let seq = at(d.root(), &["k"]);
    assert_eq!(src(seq), "- a\n  - - b\n    - {x: y}");
    assert_eq!(src(at(seq, &["1"])), "- b\n    - {x: y}");
    assert_eq!(src(at(seq, &["1", "1"])), "{x: y}");
    // A sequence at the same indentation as its key.
    let d = doc("k:\n- a\n- b\nz: 1\n");
    assert_eq!(src(at(d.root(), &["k"])), "- a\n- b");
}

#[test]
fn flow_collections_include_their_brackets() {
    let d = doc("a: [ 1, {b: c} , [] ]\nd: {}\n");
    assert_eq!(src(at(d.root(), &["a"])), "[ 1, {b: c} , [] ]");
    assert_eq!(src(at(d.root(), &["a", "1"])), "{b: c}");
    assert_eq!(src(at(d.root(), &["a", "2"])), "[]");
    assert_eq!(src(at(d.root(), &["d"])), "{}");
}

#[test]
fn quoted_scalars_span_their_quotes_and_decode() {
    let d = doc("a: 'it''s'\nb: \"q\\\"z\\n\\u00e9\"\nc: \"plain\"\nd: 'x'\n\"k y\": 1\n");
    let root = d.root();
    let cases = [
        ("a", "'it''s'", "it's", ScalarStyle::SingleQuoted),
        (
            "b",
            "\"q\\\"z\\n\\u00e9\"",
            "q\"z\né",
            ScalarStyle::DoubleQuoted,
        ),
        ("c", "\"plain\"", "plain", ScalarStyle::DoubleQuoted),
        ("d", "'x'", "x", ScalarStyle::SingleQuoted),
    ];
    for (key, span, value, style) in cases {
        let node = at(root, &[key]);
        assert_eq!(src(node), span, "{key}");
        assert_eq!(node.as_str(), Some(value), "{key}");
        assert_eq!(node.scalar_style(), Some(style), "{key}");
    }
    let (key, _) = root.entry("k y").unwrap();
    assert_eq!(src(key), "\"k y\"");
}

#[test]
fn multi_line_flow_scalars() {
    let d = doc("p: plain\n  more\nq: \"dq\n  x\"\n");
    assert_eq!(src(at(d.root(), &["p"])), "plain\n  more");
    assert_eq!(at(d.root(), &["p"]).as_str(), Some("plain more"));
    assert_eq!(at(d.root(), &["q"]).as_str(), Some("dq x"));
}

#[test]
fn block_scalars_span_header_to_last_content_line() {
    let text = "lit: |\n  one\n   two\n\n\nfold: >-  # why | not\n  a\n  b\n\n  c\nkeep: |+\n  k\n\nstrip: |-\n  s\nempty: |\nend: |";
    let d = doc(text);
    let root = d.root();
    let cases = [
        ("lit", "|\n  one\n   two", "one\n two\n"),
        ("fold", ">-  # why | not\n  a\n  b\n\n  c", "a b\nc"),
        ("keep", "|+\n  k", "k\n\n"),
        ("strip", "|-\n  s", "s"),
        ("empty", "|", ""),
        ("end", "|", ""),
    ];
    for (key, span, value) in cases {
        let node = at(root, &[key]);
        assert_eq!(src(node), span, "{key}");
        assert_eq!(node.as_str(), Some(value), "{key}");
    }
    assert_eq!(
        at(root, &["lit"]).scalar_style(),
        Some(ScalarStyle::Literal)
    );
    assert_eq!(
        at(root, &["fold"]).scalar_style(),
        Some(ScalarStyle::Folded)
    );
    // The comment on the header line is kept, in source order.
    let comments: Vec<&str> = d.comments.iter().map(|c| &*c.text).collect();
    assert_eq!(comments, [" why | not"]);
}

#[test]
fn block_scalar_in_sequences_with_properties() {
    let d = doc("- |\n  a\n- &x !Sub >\n    b ${C}\n- - |2\n     c\n");
    let root = d.root();
    assert_eq!(src(at(root, &["0"])), "|\n  a");
    let sub = at(root, &["1"]);
    assert_eq!(src(sub), ">\n    b ${C}");
    assert_eq!(sub.tag(), Some("!Sub"));
    assert_eq!(sub.as_str(), Some("b ${C}\n"));
    assert_eq!(src(at(root, &["2", "0"])), "|2\n     c");
    assert_eq!(at(root, &["2", "0"]).as_str(), Some(" c\n"));
}

#[test]
fn empty_values_are_null_just_after_the_colon() {
    let text = "a:\nb:   # c\nc: !Ref\nd: {x, y: , z: 1}\ne:\n- \n-\n";
    let d = doc(text);
    let root = d.root();
    let a = at(root, &["a"]);
    assert!(a.is_null());
    assert_eq!(a.span(), Span::empty(2));
    let b = at(root, &["b"]);
    assert!(b.is_null());
    assert_eq!(b.span(), Span::empty(text.find("b:").unwrap() + 2));
    let c = at(root, &["c"]);
    assert_eq!(c.tag(), Some("!Ref"));
    assert_eq!(c.as_str(), Some(""));
    let flow = at(root, &["d"]);
    let y = flow.get("y").unwrap();
    assert!(y.is_null());
    assert_eq!(y.span(), Span::empty(text.find("y:").unwrap() + 2));
    assert!(flow.get("x").unwrap().is_null());
    let items: Vec<_> = at(root, &["e"]).items().collect();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|n| n.is_null()));
    assert_eq!(items[0].span(), Span::empty(text.find("- \n").unwrap() + 2));
    assert_eq!(items[1].span(), Span::empty(text.len() - 1));
}

#[test]
fn tags_keep_their_name_and_span() {
    let text = "A: !Ref x\nB: !GetAtt [Res, Arn]\nC: !GetAtt Res.Arn\nD: !Sub |\n  ${X}-y\nE: !If [Cond, !Ref Y, !Ref AWS::NoValue]\nF: !Base64\n  k: v\nG: !!str 12\n";
    let d = doc(text);
    let root = d.root();
    for (key, tag, body) in [
        ("A", "!Ref", "x"),
        ("B", "!GetAtt", "[Res, Arn]"),
        ("C", "!GetAtt", "Res.Arn"),
        ("D", "!Sub", "|\n  ${X}-y"),
        ("E", "!If", "[Cond, !Ref Y, !Ref AWS::NoValue]"),
        ("F", "!Base64", "k: v"),
        ("G", "!!str", "12"),
    ] {
        let node = at(root, &[key]);
        assert_eq!(node.tag(), Some(tag), "{key}");
        assert_eq!(d.file.slice(node.tag_span().unwrap()), tag, "{key}");
        assert_eq!(src(node), body, "{key}");
        let full = d.file.slice(node.full_span());
        assert!(
            full.starts_with(tag) && full.ends_with(body),
            "{key}: {full}"
        );
    }
    let novalue = at(root, &["E", "2"]);
    assert_eq!(
        (novalue.tag(), novalue.as_str()),
        (Some("!Ref"), Some("AWS::NoValue"))
    );
    assert_eq!(
        at(root, &["B"])
            .items()
            .map(|n| n.as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Res", "Arn"]
    );
    assert!(at(root, &["F"]).is_map());
    assert_eq!(at(root, &["A"]).tag(), Some("!Ref"));
}

#[test]
fn comments_keep_text_and_span_in_every_document() {
    let text =
        "# head\n---\na: 1 # right\n# above\nb: 2\n...\n# between\n--- # doc2\nz\n...\n# tail\n";
    let all = docs(text);
    assert_eq!(all.len(), 2);
    let first: Vec<(&str, &str)> = all[0]
        .comments
        .iter()
        .map(|c| (&*c.text, all[0].file.slice(c.span)))
        .collect();
    assert_eq!(
        first,
        [
            (" head", "# head"),
            (" right", "# right"),
            (" above", "# above")
        ]
    );
    let second: Vec<&str> = all[1]
        .comments
        .iter()
        .map(|c| all[1].file.slice(c.span))
        .collect();
    assert_eq!(second, ["# between", "# doc2", "# tail"]);
    assert_eq!(all[1].root().as_str(), Some("z"));
}

#[test]
fn many_consecutive_comments_inside_a_mapping() {
    // granit-parser's default buffer (96 comments) would reject this ordinary file.
    let mut text = String::from("a:\n");
    for i in 0..500 {
        text.push_str(&format!("  # comment {i}\n"));
    }
    text.push_str("  b: 1\n");
    let d = doc(&text);
    assert_eq!(d.comments.len(), 500);
    assert_eq!(at(d.root(), &["a", "b"]).as_str(), Some("1"));
}

#[test]
fn aliases_resolve_through_the_cursor() {
    let d = doc(
        "base: &b\n  x: 1\n  y: [2]\nname: &n hello\nuse: *b\nlist: [*n, *b]\n*n : key alias\n",
    );
    let root = d.root();
    assert_eq!(at(root, &["use", "x"]).as_str(), Some("1"));
    assert_eq!(at(root, &["use"]).span(), at(root, &["base"]).span());
    assert_eq!(at(root, &["list", "0"]).as_str(), Some("hello"));
    assert_eq!(at(root, &["list", "1", "y", "0"]).as_str(), Some("2"));
    assert_eq!(at(root, &["hello"]).as_str(), Some("key alias"));
    assert!(d.alias_budget_exhausted().is_none());
}

#[test]
fn anchors_are_scoped_to_their_document() {
    let all = docs("a: &x 1\nb: *x\n---\nc: &x 2\nd: *x\n");
    assert_eq!(at(all[0].root(), &["b"]).as_str(), Some("1"));
    assert_eq!(at(all[1].root(), &["d"]).as_str(), Some("2"));
    let e = error("a: &x 1\n---\nb: *x\n");
    assert!(e.message.contains("invalid YAML"), "{e:?}");
}

#[test]
fn recursive_alias_is_a_located_error() {
    let text = "a: &a [x, *a]\n";
    let e = error(text);
    assert_eq!(e.span, Span::new(10, 12));
    assert!(e.message.contains("recursive alias"), "{e:?}");
    let e = error("a: &a\n  b:\n    c: *a\n");
    assert!(e.message.contains("recursive alias"), "{e:?}");
}

#[test]
fn depth_through_aliases_is_capped() {
    // Each anchor nests 150 levels around an alias to the one before: fine once, too deep twice.
    let nest = |inner: &str| format!("{}{inner}{}", "[".repeat(150), "]".repeat(150));
    let ok = format!("a: &a {}\nb: &b {}\n", nest("1"), nest(""));
    assert!(parse(&SourceFile::new("t", ok)).is_ok());
    let bad = format!("a: &a {}\nb: &b {}\n", nest("1"), nest("*a"));
    let e = error(&bad);
    assert!(e.message.contains("through this alias"), "{e:?}");
    assert_eq!(&bad[e.span.range()], "*a");
}

#[test]
fn duplicate_keys_are_kept_and_get_returns_the_last() {
    for text in ["a: 1\nb: 2\na: 3\n", "{\"a\": 1, \"b\": 2, \"a\": 3}"] {
        let d = doc(text);
        let keys: Vec<_> = d
            .root()
            .entries()
            .map(|(k, _)| k.as_str().unwrap())
            .collect();
        assert_eq!(keys, ["a", "b", "a"]);
        assert_eq!(d.root().get("a").unwrap().as_str(), Some("3"));
        assert_eq!(src(d.root().entry("a").unwrap().0).trim_matches('"'), "a");
        assert_eq!(
            d.root().entry("a").unwrap().0.span().start as usize,
            text.rfind('a').unwrap() - usize::from(text.starts_with('{'))
        );
    }
}

#[test]
fn mappings_that_may_repeat_a_key_are_noted_while_parsing() {
    let d = doc("a: 1\nb:\n  c: 1\n  c: 2\nd: {e: 1, f: 2}\nl: [{g: 1}, {h: 1, h: 2}]\n");
    let noted: Vec<_> = d
        .maps_with_repeated_keys()
        .unwrap()
        .map(NodeRef::identity)
        .collect();
    let b = at(d.root(), &["b"]);
    let second = at(d.root(), &["l", "1"]);
    assert_eq!(noted.len(), 2);
    assert!(noted.contains(&b.identity()) && noted.contains(&second.identity()));
    assert!(b.may_repeat_keys() && second.may_repeat_keys());
    assert!(!d.root().may_repeat_keys());
    assert!(!at(d.root(), &["d"]).may_repeat_keys());
    assert!(!at(d.root(), &["l", "0"]).may_repeat_keys());
    assert!(!at(d.root(), &["a"]).may_repeat_keys());
    // A key that needed unescaping is compared by its decoded text.
    let json = doc(r#"{"a": 1, "\u0061": 2, "b": {"c": 1}}"#);
    assert!(json.root().may_repeat_keys());
    assert!(!at(json.root(), &["b"]).may_repeat_keys());
    // So is a large mapping's.
    let keys: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
    let large = doc(&format!("{{{}, \"k7\": 0}}", keys.join(", ")));
    assert!(large.root().may_repeat_keys());
    let large = doc(&format!("{{{}}}", keys.join(", ")));
    assert!(!large.root().may_repeat_keys());
    assert_eq!(large.maps_with_repeated_keys().unwrap().count(), 0);
    // An alias as a key is only known once followed: every mapping must be searched.
    let aliased = doc("x: &k y\nm:\n  *k : 1\n  y: 2\n");
    assert!(aliased.maps_with_repeated_keys().is_none());
    assert!(aliased.root().may_repeat_keys());
}

#[test]
fn the_keys_a_document_has_are_kept_in_a_filter() {
    let d = doc("a: 1\nb:\n  - {x-gatelint-ignore: [r]}\n");
    assert!(d.may_have_key("a") && d.may_have_key("b") && d.may_have_key("x-gatelint-ignore"));
    // Values are not keys; a filter may say yes wrongly, but not for all of these.
    assert!(
        ["1", "r", "c", "gatelint", "Resources", "paths"]
            .iter()
            .any(|key| !d.may_have_key(key))
    );
    assert!(!doc("[1, 2]").may_have_key("1"));
    // Every key stays in as the filter grows, and each document has its own.
    let keys: Vec<String> = (0..5000).map(|i| format!("k{i}: {i}")).collect();
    let all = docs(&format!("{}\n---\nother: 1\n", keys.join("\n")));
    assert!((0..5000).all(|i| all[0].may_have_key(&format!("k{i}"))));
    assert!(all[1].may_have_key("other"));
    assert!(
        (0..5000)
            .filter(|i| all[1].may_have_key(&format!("k{i}")))
            .count()
            < 100
    );
    // A key that needed unescaping is there by its decoded text.
    assert!(doc(r#"{"\u0061b": 1}"#).may_have_key("ab"));
    // An alias as a key may be any key.
    assert!(doc("x: &k y\nm:\n  *k : 1\n").may_have_key("anything"));
}

#[test]
fn json_spans_and_values() {
    let text = "{\n  \"s\": \"a\\\"b\\u00e9\",\n  \"n\": -1.5e3,\n  \"t\": true,\n  \"z\": null,\n  \"l\": [1, {\"k\": []}],\n  \"e\": \"\"\n}\n";
    let d = doc(text);
    let root = d.root();
    assert_eq!(src(root), text.trim_end());
    let cases = [
        ("s", "\"a\\\"b\\u00e9\"", "a\"bé", ScalarStyle::DoubleQuoted),
        ("n", "-1.5e3", "-1.5e3", ScalarStyle::Plain),
        ("t", "true", "true", ScalarStyle::Plain),
        ("z", "null", "null", ScalarStyle::Plain),
        ("e", "\"\"", "", ScalarStyle::DoubleQuoted),
    ];
    for (key, span, value, style) in cases {
        let node = at(root, &[key]);
        assert_eq!(
            (src(node), node.as_str(), node.scalar_style()),
            (span, Some(value), Some(style)),
            "{key}"
        );
    }
    assert_eq!(at(root, &["t"]).as_bool(), Some(true));
    assert!(at(root, &["z"]).is_null());
    assert_eq!(src(at(root, &["l"])), "[1, {\"k\": []}]");
    assert_eq!(src(at(root, &["l", "1"])), "{\"k\": []}");
    let (key, _) = root.entry("s").unwrap();
    assert_eq!(src(key), "\"s\"");
}

#[test]
fn json_with_comments_and_trailing_commas_is_read() {
    for text in [
        "{\"a\": 1,}",
        "[1, 2,]",
        "{\"a\": 1 // c\n}",
        "/* tsconfig */ {\"a\": [1, /* two */ 2,], // end\n}",
    ] {
        let file = SourceFile::new("t.json", text.to_owned());
        let documents = parse(&file).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert_eq!(documents.len(), 1, "{text}");
    }
    for text in ["[,]", "[1,,]", "{,}", "{\"a\": 1,,}"] {
        let file = SourceFile::new("t.json", text.to_owned());
        assert!(parse(&file).is_err(), "{text}");
    }
}

#[test]
fn json_is_strict_and_errors_are_located() {
    let cases = [
        ("{'a': 1}", "'", "ingle"),
        ("{a: 1}", "a", "key"),
        ("[01]", "1", "expected ',' or ']'"),
        ("[1] [2]", "[", "more than one value"),
        ("[1, 2", "", "end of file"),
        ("{\"a\" 1}", "1", "':'"),
        ("[0x10]", "0", "exadecimal"),
        ("[+1]", "+", "plus"),
        ("[NaN]", "NaN", ""),
        ("{\"a\": }", "}", "expected a value"),
    ];
    for (text, at, message) in cases {
        let e = error(text);
        assert!(e.message.contains(message), "{text}: {e:?}");
        assert!(text[e.span.range()].starts_with(at), "{text}: {e:?}");
        assert!(e.message.starts_with("invalid JSON"), "{text}: {e:?}");
    }
}

#[test]
fn bom_is_skipped_and_spans_count_it() {
    for text in ["\u{feff}a: x\n", "\u{feff}{\"a\": \"x\"}"] {
        let d = doc(text);
        let a = at(d.root(), &["a"]);
        assert_eq!(a.as_str(), Some("x"));
        assert_eq!(&text[a.span().range()].trim_matches('"'), &"x");
        assert_eq!(d.file.line_col(a.span().start as usize).line, 1);
    }
    assert!(docs("\u{feff}").is_empty());
    let e = error("\u{feff}[1,,]");
    assert_eq!(e.span, Span::new(6, 7));
}

#[test]
fn syntax_is_picked_by_content() {
    assert_eq!(detect_syntax("  \n{\"a\": 1}"), Syntax::Json);
    assert_eq!(detect_syntax("// c\n/* d */ {\"a\": 1}"), Syntax::Json);
    assert_eq!(detect_syntax("/* c */"), Syntax::Yaml);
    assert_eq!(detect_syntax("\u{feff}[1]"), Syntax::Json);
    assert_eq!(detect_syntax("a: {b: 1}"), Syntax::Yaml);
    assert_eq!(detect_syntax("# {\n"), Syntax::Yaml);
    assert_eq!(detect_syntax(""), Syntax::Yaml);
}

#[test]
fn crlf_spans_exclude_line_breaks() {
    let text = "a: 1\r\nb:\r\n  - \"x\"\r\n  - |\r\n    lit\r\n    two\r\nc: 2\r\n";
    let d = doc(text);
    let root = d.root();
    assert_eq!(
        src(at(root, &["b"])),
        "- \"x\"\r\n  - |\r\n    lit\r\n    two"
    );
    assert_eq!(at(root, &["b", "1"]).as_str(), Some("lit\ntwo\n"));
    let c = at(root, &["c"]);
    assert_eq!(
        d.file.line_col(c.span().start as usize),
        LineCol { line: 7, column: 4 }
    );
}

#[test]
fn yaml_errors_are_located() {
    let e = error("a: 1\nb: [1, 2\nc: 3\n");
    assert!(e.message.starts_with("invalid YAML"), "{e:?}");
    let e = error("a: \"unterminated\n");
    assert!(e.message.starts_with("invalid YAML"), "{e:?}");
    let e = error("a: *nope\n");
    assert!(e.message.starts_with("invalid YAML"), "{e:?}");
}

#[test]
fn decode_locates_invalid_utf8() {
    let mut bytes = b"a: 1\nb: \xc3\xa9\nc: x".to_vec();
    bytes.extend_from_slice(b"\xff\xfe rest\n");
    let (lossy, e) = decode(bytes).unwrap_err();
    let file = SourceFile::new("t", lossy);
    assert_eq!(
        file.line_col(e.span.start as usize),
        LineCol { line: 3, column: 5 }
    );
    assert_eq!(file.slice(e.span), "\u{fffd}");
    assert!(e.message.contains("0xff"), "{e:?}");
    assert_eq!(decode(b"ok".to_vec()).unwrap(), "ok");
    let (_, e) = decode(b"\xff\xfea\x00".to_vec()).unwrap_err();
    assert!(e.message.contains("UTF-16"), "{e:?}");
    assert_eq!(e.span, Span::new(0, 3));
}

#[test]
fn a_document_can_be_shared_across_threads() {
    fn assert_sync<T: Send + Sync>() {}
    assert_sync::<Document>();
    let d = Arc::new(doc("a: 1"));
    assert_eq!(d.root().len(), 1);
}

#[test]
fn a_degenerate_document_is_refused_at_the_node_over_its_budget() {
    // A JSON array of one-digit numbers: two bytes a node, over the budget of one per 4 bytes
    // (and over the budget every file has, 2^20 nodes).
    let count = (1 << 20) + 10;
    let json = format!("[{}1]", "1,".repeat(count));
    let err = error(&json);
    assert!(
        err.message.contains("more keys and values than a file of"),
        "{err:?}"
    );
    // The node that went over: the 2^20th value, after the `[` and 2^20 - 1 values before it.
    assert_eq!(err.span, Span::new(1 + 2 * ((1 << 20) - 1), 2 * (1 << 20)));
    // The same in YAML, four bytes a node: a block sequence of numbers.
    let yaml = "- 1\n".repeat(count);
    assert!(error(&yaml).message.contains("more keys and values"));
    // Under the budget: a file this size with a node for every 5 bytes is read.
    let wide = format!("[{}1]", "1,   ".repeat(count));
    assert_eq!(doc(&wide).root().len(), count + 1);
}
