//! Hostile input, two ways:
//!
//! - every input the fuzzers (`fuzz/`, see `fuzz/README.md`) ever found crashing is kept under
//!   `tests/fuzz_regressions/<target>/` and replayed through the same checks as its fuzz target
//!   (`yaml_tree`, `json_tree` or `lint_bytes`);
//! - a short, bounded smoke run of those checks over generated inputs: arbitrary bytes, fixtures
//!   with random damage, and random documents built from API Gateway vocabulary, so the views
//!   and the lowering see odd shapes, not just parse errors.
//!
//! The checks are the fuzz targets' own (`fuzz/src/lib.rs`): no panic, every span inside its
//! file, every renderer copes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "../../fuzz/src/lib.rs"]
mod checks;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gatelint::lint::lint_bytes;
use gatelint::rules::Settings;
use gatelint::syntax::{self, Syntax};
use proptest::prelude::*;

fn regressions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions")
}

/// Replay one input as its fuzz target does.
fn replay(target: &str, data: &[u8]) {
    match target {
        "yaml_tree" => {
            if let Some(mut text) = checks::text_of(data) {
                if syntax::detect_syntax(&text) == Syntax::Json {
                    text.insert_str(0, "#\n");
                }
                checks::check_tree(text);
            }
        }
        "json_tree" => {
            if let Some(mut text) = checks::text_of(data) {
                if syntax::detect_syntax(&text) == Syntax::Yaml {
                    text.insert(0, '[');
                }
                checks::check_tree(text);
            }
        }
        "lint_bytes" => lint(data),
        other => panic!("{other}: not a fuzz target"),
    }
}

fn lint(data: &[u8]) {
    let report = lint_bytes("fuzz.yaml", data.to_vec(), &Settings::default());
    checks::check_report(&report, !data.is_ascii());
}

/// The fuzz targets, each with its folder of kept inputs.
const TARGETS: [&str; 3] = ["yaml_tree", "json_tree", "lint_bytes"];

#[test]
fn every_kept_crash_input_is_handled() {
    let mut replayed = 0;
    for entry in fs::read_dir(regressions()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name == "README.md" || (path.is_dir() && TARGETS.contains(&name.as_str())),
            "{}: inputs go in a folder named after their fuzz target ({})",
            path.display(),
            TARGETS.join(", ")
        );
    }
    for target in TARGETS {
        let dir = regressions().join(target);
        if !dir.is_dir() {
            continue;
        }
        let mut inputs: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        inputs.sort();
        for input in inputs {
            let data = fs::read(&input).unwrap();
            let outcome = std::panic::catch_unwind(|| replay(target, &data));
            assert!(outcome.is_ok(), "{} crashes again", input.display());
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} kept fuzz inputs");
}

/// The fixtures' bytes, read once: the seeds for damaged inputs.
fn fixtures() -> &'static [Vec<u8>] {
    static FIXTURES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let mut found = Vec::new();
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    found.push((path.clone(), fs::read(path).unwrap()));
                }
            }
        }
        found.sort();
        found.into_iter().map(|(_, bytes)| bytes).collect()
    })
}

/// One edit of a byte string; positions are taken modulo the length.
#[derive(Clone, Debug)]
enum Damage {
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Truncate { at: usize },
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), 1..64usize).prop_map(|(at, len)| Damage::Delete { at, len }),
        (any::<usize>(), 1..256usize).prop_map(|(at, len)| Damage::Duplicate { at, len }),
        (
            any::<usize>(),
            prop::collection::vec(
                prop_oneof![
                    Just(b'\n'),
                    Just(b' '),
                    Just(b':'),
                    Just(b'-'),
                    Just(b'{'),
                    Just(b'['),
                    Just(b'&'),
                    Just(b'*'),
                    Just(b'!'),
                    Just(b'"'),
                    Just(b'#'),
                    any::<u8>()
                ],
                1..8
            )
        )
            .prop_map(|(at, bytes)| Damage::Insert { at, bytes }),
        any::<usize>().prop_map(|at| Damage::Truncate { at }),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Damage]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len().max(1);
        match edit {
            Damage::Delete { at, len: n } => {
                let start = at % len;
                let end = (start + n).min(bytes.len());
                bytes.drain(start.min(end)..end);
            }
            Damage::Duplicate { at, len: n } => {
                let start = (at % len).min(bytes.len());
                let end = (start + n).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Damage::Insert { at, bytes: new } => {
                let at = (at % len).min(bytes.len());
                bytes.splice(at..at, new.iter().copied());
            }
            Damage::Truncate { at } => bytes.truncate(at % len),
        }
    }
    bytes
}

/// A random document made of the words gatelint's views look for.
#[derive(Clone, Debug)]
enum Doc {
    Scalar(&'static str),
    Tagged(&'static str, Box<Doc>),
    Seq(Vec<Doc>),
    Map(Vec<(&'static str, Doc)>),
}

const KEYS: &[&str] = &[
    "openapi",
    "swagger",
    "paths",
    "/pets",
    "/pets/{id}",
    "get",
    "options",
    "security",
    "securitySchemes",
    "securityDefinitions",
    "components",
    "api_key",
    "type",
    "in",
    "name",
    "$ref",
    "x-amazon-apigateway-authorizer",
    "x-amazon-apigateway-authtype",
    "x-amazon-apigateway-integration",
    "servers",
    "url",
    "schemes",
    "AWSTemplateFormatVersion",
    "Transform",
    "Globals",
    "Conditions",
    "Parameters",
    "Default",
    "Resources",
    "Api",
    "Method",
    "Type",
    "Properties",
    "Condition",
    "DependsOn",
    "RestApiId",
    "ResourceId",
    "ParentId",
    "PathPart",
    "HttpMethod",
    "AuthorizationType",
    "AuthorizerId",
    "ApiKeyRequired",
    "Auth",
    "Authorizer",
    "Authorizers",
    "DefaultAuthorizer",
    "Events",
    "Path",
    "DefinitionBody",
    "Body",
    "StageName",
    "MethodSettings",
    "Fn::If",
    "Fn::GetAtt",
    "Ref",
    "<<",
];

const SCALARS: &[&str] = &[
    "3.0.1",
    "2.0",
    "\"2010-09-09\"",
    "AWS::Serverless-2016-10-31",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Authorizer",
    "AWS::ApiGatewayV2::Route",
    "AWS::Serverless::Api",
    "AWS::Serverless::Function",
    "AWS::Lambda::Url",
    "NONE",
    "AWS_IAM",
    "CUSTOM",
    "COGNITO_USER_POOLS",
    "JWT",
    "GET",
    "OPTIONS",
    "ANY",
    "true",
    "false",
    "~",
    "\"\"",
    "Api",
    "Method",
    "IsProd",
    "Api.RootResourceId",
    "apiKey",
    "http",
    "basic",
    "#/components/securitySchemes/api_key",
    "#/paths/~1pets",
    "http://example.com",
    "${Api}",
    "300",
    "-1",
    "1e999",
];

const TAGS: &[&str] = &[
    "!Ref", "!GetAtt", "!If", "!Sub", "!Join", "!Select", "!Equals", "!!str",
];

fn doc() -> impl Strategy<Value = Doc> {
    let leaf = prop_oneof![
        prop::sample::select(SCALARS).prop_map(Doc::Scalar),
        prop::sample::select(KEYS).prop_map(Doc::Scalar),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Doc::Seq),
            prop::collection::vec((prop::sample::select(KEYS), inner.clone()), 0..6)
                .prop_map(Doc::Map),
            (prop::sample::select(TAGS), inner).prop_map(|(t, d)| Doc::Tagged(t, Box::new(d))),
        ]
    })
}

/// Block YAML (with anchors on some maps, aliased later), the way templates are written.
fn yaml(doc: &Doc, indent: usize, anchors: &mut usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match doc {
        Doc::Scalar(s) => {
            out.push(' ');
            out.push_str(s);
            out.push('\n');
        }
        Doc::Tagged(tag, inner) => {
            out.push(' ');
            out.push_str(tag);
            match inner.as_ref() {
                Doc::Scalar(s) => {
                    out.push(' ');
                    out.push_str(s);
                    out.push('\n');
                }
                other => {
                    out.push('\n');
                    yaml(other, indent, anchors, out);
                }
            }
        }
        Doc::Seq(items) if items.is_empty() => out.push_str(" []\n"),
        Doc::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        Doc::Seq(items) => {
            out.push('\n');
            for item in items {
                out.push_str(&pad);
                out.push('-');
                yaml(item, indent + 2, anchors, out);
            }
        }
        Doc::Map(entries) => {
            *anchors += 1;
            if (*anchors).is_multiple_of(5) {
                out.push_str(&format!(" &a{anchors}"));
            }
            out.push('\n');
            for (key, value) in entries {
                out.push_str(&pad);
                out.push_str(key);
                out.push(':');
                if (*anchors).is_multiple_of(7) && *anchors > 5 {
                    out.push_str(&format!(" *a{}\n", *anchors - *anchors % 5));
                    continue;
                }
                yaml(value, indent + 2, anchors, out);
            }
        }
    }
}

/// JSON, with tags spelled as CloudFormation's long forms.
fn json(doc: &Doc, out: &mut String) {
    match doc {
        Doc::Scalar(s) => out.push_str(&serde_json::to_string(s.trim_matches('"')).unwrap()),
        Doc::Tagged(tag, inner) => {
            let name = match *tag {
                "!Ref" => "Ref".to_owned(),
                "!!str" => "x".to_owned(),
                other => format!("Fn::{}", other.trim_start_matches('!')),
            };
            out.push_str(&format!("{{{}:", serde_json::to_string(&name).unwrap()));
            json(inner, out);
            out.push('}');
        }
        Doc::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json(item, out);
            }
            out.push(']');
        }
        Doc::Map(entries) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key).unwrap());
                out.push(':');
                json(value, out);
            }
            out.push('}');
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_lint_without_panic(data in prop::collection::vec(any::<u8>(), 0..512)) {
        lint(&data);
    }

    #[test]
    fn damaged_fixtures_lint_without_panic(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec(damage(), 1..6),
    ) {
        let seeds = fixtures();
        let seed = seeds[pick.index(seeds.len())].clone();
        lint(&apply(seed, &edits));
    }

    #[test]
    fn vocabulary_documents_lint_without_panic(doc in doc(), as_json in any::<bool>()) {
        let mut text = String::new();
        if as_json {
            json(&doc, &mut text);
        } else {
            text.push_str("---");
            yaml(&doc, 0, &mut 0, &mut text);
        }
        lint(text.as_bytes());
    }
}
