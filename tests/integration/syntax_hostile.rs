//! Hostile and unusual input for the located tree: every case ends in a located error or a
//! clean result, within bounded time and memory, never a panic or a stack overflow.
//!
//! Large inputs are generated in memory. The 20 MB cases use 20 MB in release builds and 1 MB
//! in debug builds, so the suite stays fast; run
//! `cargo test --release --test integration syntax_hostile -- --nocapture` to see the full-size
//! timings, and add `--ignored` for the throughput report on the shared corpus.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use gatelint::syntax::{
    self, ALIAS_BUDGET, Document, LineCol, MAX_DEPTH, NodeRef, SourceFile, SyntaxError,
};

fn parse(text: impl Into<String>) -> (Arc<SourceFile>, Result<Vec<Document>, SyntaxError>) {
    let file = SourceFile::new("hostile", text.into());
    let parsed = syntax::parse(&file);
    (file, parsed)
}

fn parse_ok(text: impl Into<String>) -> Vec<Document> {
    let (_, parsed) = parse(text);
    parsed.unwrap()
}

/// The error, checked to lie inside the file and on char boundaries.
fn located_error(text: impl Into<String>) -> (Arc<SourceFile>, SyntaxError) {
    let (file, parsed) = parse(text);
    let error = parsed.expect_err("expected a syntax error");
    assert_located(&file, &error);
    (file, error)
}

fn assert_located(file: &SourceFile, error: &SyntaxError) {
    let text = file.text();
    let range = error.span.range();
    assert!(range.end <= text.len(), "{error:?} outside the file");
    assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
    assert!(!error.message.is_empty());
}

/// Visit every node reachable through the cursor, following aliases, depth first.
fn walk(node: NodeRef<'_>, depth: usize, visited: &mut usize, deepest: &mut usize) {
    *visited += 1;
    *deepest = (*deepest).max(depth);
    for item in node.items() {
        walk(item, depth + 1, visited, deepest);
    }
    for (key, value) in node.entries() {
        walk(key, depth + 1, visited, deepest);
        walk(value, depth + 1, visited, deepest);
    }
}

fn billion_laughs(levels: usize) -> String {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for level in 1..=levels {
        let prev = format!("*a{}", level - 1);
        let items = [prev.as_str(); 9].join(", ");
        writeln!(text, "a{level}: &a{level} [{items}]").unwrap();
    }
    text
}

#[test]
fn alias_bomb_stops_at_the_budget() {
    let text = billion_laughs(12);
    let docs = parse_ok(text.clone());
    let doc = &docs[0];
    // A lookup resolves only what it returns.
    assert_eq!(doc.root().get("a0").unwrap().len(), 9);
    assert!(doc.alias_budget_exhausted().is_none());

    let start = Instant::now();
    let (mut visited, mut deepest) = (0, 0);
    walk(doc.root(), 0, &mut visited, &mut deepest);
    println!(
        "alias bomb (9^12 leaves): walked {visited} nodes, depth {deepest}, in {:?}",
        start.elapsed()
    );
    // Every dereference past the budget resolves to nothing, so the walk is bounded by
    // about nine nodes per dereference.
    assert!(visited <= (ALIAS_BUDGET as usize + 200) * 10, "{visited}");
    let at = doc
        .alias_budget_exhausted()
        .expect("the walk exhausts the budget");
    assert_eq!(&text[at.start as usize..at.start as usize + 2], "*a");
    let loc = doc.loc(at);
    assert!(loc.start().line > 1, "{loc:?}");
}

#[test]
fn recursive_alias_is_a_located_error() {
    for (text, line) in [
        ("a: &a [x, *a]\n", 1),
        ("a: &a {k: *a}\n", 1),
        ("- &a\n  - [[*a]]\n", 2),
        ("a: &a\n  b:\n    c: *a\n", 3),
        ("k: &a\n  *a : v\n", 2),
    ] {
        let (file, error) = located_error(text);
        assert_eq!(file.slice(error.span), "*a", "{text}");
        assert_eq!(
            file.line_col(error.span.start as usize).line,
            line,
            "{text}"
        );
        assert!(error.message.contains("recursive alias"), "{error:?}");
    }
}

fn deep_error(text: String, what: &str) -> SyntaxError {
    let start = Instant::now();
    let (file, error) = located_error(text);
    println!("{what}: {:?} after {:?}", error.message, start.elapsed());
    assert!(
        error.message.contains("nesting deeper than"),
        "{what}: {error:?}"
    );
    let at = file.line_col(error.span.start as usize);
    assert!(at.line >= 1, "{what}");
    error
}

#[test]
fn deep_nesting_is_refused_at_the_cap() {
    const DEEP: usize = 100_000;
    // YAML flow (after a key: a leading bracket would make the file JSON). The error is at the
    // first bracket past the cap, counted with or without the enclosing mapping (granit-parser's
    // scanner, which looks ahead of the tree builder, counts flow levels only).
    let error = deep_error(
        "k: ".to_owned() + &"[".repeat(DEEP) + &"]".repeat(DEEP),
        "YAML flow [[[",
    );
    assert!((3 + MAX_DEPTH - 1..=3 + MAX_DEPTH).contains(&(error.span.start as usize)));
    let error = deep_error(
        "k: ".to_owned() + &"{a: ".repeat(DEEP) + "x" + &"}".repeat(DEEP),
        "YAML flow {a: {a:",
    );
    assert!(
        [MAX_DEPTH - 1, MAX_DEPTH]
            .map(|n| 3 + n * 4)
            .contains(&(error.span.start as usize))
    );
    // YAML block sequences on one line: `- - - - x`.
    let error = deep_error("- ".repeat(DEEP) + "x\n", "YAML block - - -");
    assert_eq!(error.span.start as usize, MAX_DEPTH * 2);
    // YAML block mappings need growing indentation, so only a few times the cap fit.
    let mut nested = String::new();
    for level in 0..1_000 {
        writeln!(nested, "{}a{level}:", " ".repeat(level)).unwrap();
    }
    nested.push_str(&" ".repeat(1_000));
    nested.push_str("leaf: x\n");
    let error = deep_error(nested.clone(), "YAML block mappings");
    let (file, _) = parse(nested);
    assert_eq!(file.line_col(error.span.start as usize).line, MAX_DEPTH + 1);
    // The same nesting below the cap parses, and the walk reaches the bottom.
    let mut shallow = String::new();
    for level in 0..MAX_DEPTH - 1 {
        writeln!(shallow, "{}a:", " ".repeat(level)).unwrap();
    }
    shallow.push_str(&" ".repeat(MAX_DEPTH - 1));
    shallow.push_str("- x\n");
    let docs = parse_ok(shallow);
    let (mut visited, mut deepest) = (0, 0);
    walk(docs[0].root(), 0, &mut visited, &mut deepest);
    assert_eq!(deepest, MAX_DEPTH);
    // JSON.
    let error = deep_error("[".repeat(DEEP) + &"]".repeat(DEEP), "JSON [[[");
    assert_eq!(error.span.start as usize, MAX_DEPTH);
    let error = deep_error(
        r#"{"a":"#.repeat(DEEP) + "1" + &"}".repeat(DEEP),
        "JSON {\"a\":",
    );
    assert_eq!(error.span.start as usize, MAX_DEPTH * 5);
    // Unterminated deep input fails the same way.
    deep_error("[".repeat(DEEP), "JSON unterminated");
    deep_error("k: ".to_owned() + &"[".repeat(DEEP), "YAML unterminated");
}

/// A CloudFormation-like template of about `size` bytes.
fn cloudformation_yaml(size: usize) -> String {
    let mut text = String::with_capacity(size + 2_000);
    text.push_str(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::Serverless-2016-10-31\n\
         Description: generated — ünïcode too\nParameters:\n  Stage:\n    Type: String\n    \
         Default: prod\nResources:\n",
    );
    let mut i = 0;
    while text.len() < size {
        write!(
            text,
            "  Api{i}:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      \
             Name: !Sub \"${{AWS::StackName}}-api-{i}\"\n      EndpointConfiguration:\n        \
             Types: [REGIONAL]\n  Method{i}:\n    Type: AWS::ApiGateway::Method\n    \
             Properties:\n      RestApiId: !Ref Api{i}\n      ResourceId: !GetAtt [Api{i}, \
             RootResourceId]\n      HttpMethod: GET\n      AuthorizationType: NONE  # \
             gatelint: ignore[unauthenticated-route] health check\n      ApiKeyRequired: \
             false\n      Integration:\n        Type: AWS_PROXY\n        \
             IntegrationHttpMethod: POST\n        Uri: !Sub |\n          \
             arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{Fn{i}.Arn}}/invocations\n      \
             MethodResponses:\n        - StatusCode: '200'\n        - StatusCode: \"500\"\n"
        )
        .unwrap();
        i += 1;
    }
    text
}

fn openapi_json(size: usize) -> String {
    let mut text = String::with_capacity(size + 1_000);
    text.push_str("{\"openapi\": \"3.0.1\", \"info\": {\"title\": \"big \\u00e9\", \"version\": \"1\"}, \"paths\": {");
    let mut i = 0;
    while text.len() < size {
        if i > 0 {
            text.push(',');
        }
        write!(
            text,
            "\n  \"/pets/{i}/{{id}}\": {{\"get\": {{\"operationId\": \"get{i}\", \"security\": \
             [{{\"api_key\": []}}], \"parameters\": [{{\"name\": \"id\", \"in\": \"path\", \
             \"required\": true, \"schema\": {{\"type\": \"integer\", \"minimum\": -1.5e3}}}}], \
             \"responses\": {{\"200\": {{\"description\": \"a \\\"quoted\\\" ok\"}}}}, \
             \"x-amazon-apigateway-integration\": {{\"type\": \"aws_proxy\", \"httpMethod\": \
             \"POST\", \"uri\": \"arn:aws:lambda\", \"passthroughBehavior\": null}}}}}}"
        )
        .unwrap();
        i += 1;
    }
    text.push_str("\n}}\n");
    text
}

fn big_size() -> usize {
    if cfg!(debug_assertions) {
        1 << 20
    } else {
        20 << 20
    }
}

fn count_nodes(doc: &Document) -> usize {
    let (mut visited, mut deepest) = (0, 0);
    walk(doc.root(), 0, &mut visited, &mut deepest);
    visited
}

#[test]
fn large_yaml_parses() {
    let text = cloudformation_yaml(big_size());
    let len = text.len();
    let start = Instant::now();
    let docs = parse_ok(text);
    let elapsed = start.elapsed();
    println!(
        "YAML {:.1} MB: parsed in {elapsed:?} ({:.1} MB/s)",
        len as f64 / 1e6,
        len as f64 / 1e6 / elapsed.as_secs_f64()
    );
    let doc = &docs[0];
    let resources = doc.root().get("Resources").unwrap();
    assert!(resources.len() > 1_000);
    let method = resources.get("Method7").unwrap().get("Properties").unwrap();
    assert_eq!(method.get("RestApiId").unwrap().tag(), Some("!Ref"));
    assert_eq!(
        method.get("AuthorizationType").unwrap().as_str(),
        Some("NONE")
    );
    assert_eq!(doc.comments.len(), resources.len() / 2);
    assert!(count_nodes(doc) > 20 * resources.len());
}

#[test]
fn large_json_parses() {
    let text = openapi_json(big_size());
    let len = text.len();
    let start = Instant::now();
    let docs = parse_ok(text);
    let elapsed = start.elapsed();
    println!(
        "JSON {:.1} MB: parsed in {elapsed:?} ({:.1} MB/s)",
        len as f64 / 1e6,
        len as f64 / 1e6 / elapsed.as_secs_f64()
    );
    let paths = docs[0].root().get("paths").unwrap();
    assert!(paths.len() > 1_000);
    let get = paths.get("/pets/3/{id}").unwrap().get("get").unwrap();
    assert_eq!(get.get("operationId").unwrap().as_str(), Some("get3"));
}

/// A small deterministic generator, so failures reproduce.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn binary_input_fails_located() {
    for seed in 1..=20 {
        let bytes = random_bytes(seed, 4_096);
        match syntax::decode(bytes.clone()) {
            Err((lossy, error)) => {
                let file = SourceFile::new("bin", lossy);
                assert_located(&file, &error);
                // The lossy text still must not break the parser.
                if let Err(error) = syntax::parse(&file) {
                    assert_located(&file, &error);
                }
            }
            Ok(text) => {
                let (file, parsed) = parse(text);
                if let Err(error) = parsed {
                    assert_located(&file, &error);
                }
            }
        }
        // The same bytes, made valid UTF-8 with every control character kept.
        let text: String = bytes.iter().map(|&b| char::from(b)).collect();
        let (file, parsed) = parse(text);
        if let Err(error) = parsed {
            assert_located(&file, &error);
        }
    }
    for text in [
        "a: 1\n\0\0\0b: 2\n",
        "\0",
        "{\"a\": \"\0\"}",
        "[\u{1}]",
        "a: \"\u{7f}\u{0}\"\n",
    ] {
        let (file, parsed) = parse(text);
        if let Err(error) = parsed {
            assert_located(&file, &error);
        }
    }
    let (_, error) = located_error("a: 1\n\0\0\0b: 2\n");
    assert_eq!(error.span.start, 5, "{error:?}");
}

#[test]
fn invalid_utf8_is_located_at_its_line_and_column() {
    let bytes = b"openapi: 3.0.0\ninfo:\n  title: caf\xc3\xa9 \xe2\x82 broken\n".to_vec();
    let (lossy, error) = syntax::decode(bytes).unwrap_err();
    let file = SourceFile::new("bad", lossy);
    assert_eq!(
        file.line_col(error.span.start as usize),
        LineCol {
            line: 3,
            column: 15
        }
    );
    assert_eq!(file.slice(error.span), "\u{fffd}");
}

#[test]
fn empty_and_comment_only_files_have_no_documents() {
    for text in [
        "",
        "\n\n",
        "   \t\n",
        "# only a comment\n",
        "# one\n\n   # two\n",
        "\u{feff}",
        "\u{feff}\n# c\n",
        "\r\n\r\n",
    ] {
        let docs = parse_ok(text);
        assert!(docs.is_empty(), "{text:?}: {docs:?}");
    }
}

#[test]
fn multi_document_stream() {
    let text = "%YAML 1.2\n---\na: 1\n...\n---\n- b\n--- c\n---\n";
    let docs = parse_ok(text);
    assert_eq!(docs.len(), 4);
    assert_eq!(docs[0].root().get("a").unwrap().as_str(), Some("1"));
    assert_eq!(docs[1].root().items().next().unwrap().as_str(), Some("b"));
    assert_eq!(docs[2].root().as_str(), Some("c"));
    assert!(docs[3].root().is_null());
    let b = docs[1].root().items().next().unwrap();
    assert_eq!(
        docs[1].loc(b.span()).start(),
        LineCol { line: 6, column: 3 }
    );
}

#[test]
fn crlf_yaml_spans_are_exact() {
    let text = "Resources:\r\n  Api:\r\n    Type: AWS::Serverless::Api\r\n    Properties:\r\n      Auth: {DefaultAuthorizer: \"Jwt\"}\r\n      Tags:\r\n        - x\r\n        - !Ref 'y'\r\n";
    let docs = parse_ok(text);
    let root = docs[0].root();
    let api = root.get("Resources").unwrap().get("Api").unwrap();
    let file = &docs[0].file;
    let kind = api.get("Type").unwrap();
    assert_eq!(file.slice(kind.span()), "AWS::Serverless::Api");
    assert_eq!(
        docs[0].loc(kind.span()).start(),
        LineCol {
            line: 3,
            column: 11
        }
    );
    let auth = api.get("Properties").unwrap().get("Auth").unwrap();
    assert_eq!(file.slice(auth.span()), "{DefaultAuthorizer: \"Jwt\"}");
    let tags = api.get("Properties").unwrap().get("Tags").unwrap();
    assert_eq!(file.slice(tags.span()), "- x\r\n        - !Ref 'y'");
    let y = tags.items().nth(1).unwrap();
    assert_eq!((y.tag(), y.as_str()), (Some("!Ref"), Some("y")));
    assert_eq!(
        docs[0].loc(y.tag_span().unwrap()).start(),
        LineCol {
            line: 8,
            column: 11
        }
    );
    assert_eq!(file.slice(root.span()), text.trim_end());
}

#[test]
fn json_with_bom() {
    let text = "\u{feff}{\"paths\": {\"/a\": {\"get\": {}}}}\n";
    let docs = parse_ok(text);
    let get = docs[0]
        .root()
        .get("paths")
        .unwrap()
        .get("/a")
        .unwrap()
        .get("get")
        .unwrap();
    assert_eq!(docs[0].file.slice(get.span()), "{}");
    assert_eq!(
        docs[0].loc(get.span()).start(),
        LineCol {
            line: 1,
            column: 26
        }
    );
    let (_, error) = located_error("\u{feff}{\"a\": }");
    assert_eq!(error.span.start, 9);
}

#[test]
fn duplicate_keys_are_kept() {
    for text in [
        "Resources:\n  A: 1\n  B: 2\n  A: 3\n",
        "{\"Resources\": {\"A\": 1, \"B\": 2, \"A\": 3}}",
    ] {
        let docs = parse_ok(text);
        let resources = docs[0].root().get("Resources").unwrap();
        assert_eq!(resources.len(), 3);
        assert_eq!(resources.get("A").unwrap().as_str(), Some("3"));
        let keys: Vec<_> = resources
            .entries()
            .map(|(k, _)| k.as_str().unwrap())
            .collect();
        assert_eq!(keys, ["A", "B", "A"]);
    }
}

#[test]
fn many_anchors_and_aliases() {
    let mut text = String::new();
    for i in 0..20_000 {
        writeln!(text, "k{i}: &a{i} v{i}").unwrap();
    }
    for i in 0..20_000 {
        writeln!(text, "r{i}: *a{i}").unwrap();
    }
    let docs = parse_ok(text);
    assert_eq!(
        docs[0].root().get("r19999").unwrap().as_str(),
        Some("v19999")
    );
    assert_eq!(count_nodes(&docs[0]), 1 + 4 * 20_000);
    assert!(docs[0].alias_budget_exhausted().is_none());
}

#[test]
fn long_lines_and_keys() {
    let long = "x".repeat(1 << 20);
    let docs = parse_ok(format!("a: {long}\nb: \"{long}\"\n"));
    assert_eq!(
        docs[0].root().get("b").unwrap().as_str().map(str::len),
        Some(1 << 20)
    );
    // A plain key longer than YAML's 1024-character limit is an error, not a hang.
    let (_, error) = located_error(format!("{long}: 1\n"));
    assert!(error.message.starts_with("invalid YAML"), "{error:?}");
}
