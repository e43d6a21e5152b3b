//! `.gatelint.yaml` through the real CLI: where it is found, what each key does, located errors,
//! and the published JSON Schema (generated from the code; `GATELINT_BLESS=1` rewrites it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::common;

use std::fs;

use common::{OPEN_API, Repo};
use gatelint::config;
use gatelint::syntax::{self, NodeRef, ScalarStyle, SourceFile};
use serde_json::Value;

const SCHEMA_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/docs/gatelint-config.schema.json"
);

fn concise(repo: &Repo, extra: &[&str]) -> common::Run {
    let mut args = vec!["check", "--format", "concise", "-q"];
    args.extend_from_slice(extra);
    repo.run(&args)
}

#[test]
fn the_schema_file_is_generated_from_the_code() {
    let wanted = format!(
        "{}\n",
        serde_json::to_string_pretty(&config::schema()).unwrap()
    );
    let current = fs::read_to_string(SCHEMA_PATH).unwrap_or_default();
    if current != wanted {
        if std::env::var_os("GATELINT_BLESS").is_some() {
            fs::write(SCHEMA_PATH, wanted).unwrap();
        } else {
            panic!(
                "docs/gatelint-config.schema.json is stale; run `GATELINT_BLESS=1 cargo test --test integration cli_config`"
            );
        }
    }
}

/// A YAML tree as JSON, reading plain scalars as YAML 1.2 core does.
fn to_json(node: NodeRef<'_>) -> Value {
    if node.is_map() {
        return Value::Object(
            node.entries()
                .map(|(k, v)| (k.as_str().unwrap().to_owned(), to_json(v)))
                .collect(),
        );
    }
    if node.is_seq() {
        return Value::Array(node.items().map(to_json).collect());
    }
    let text = node.as_str().unwrap();
    if node.scalar_style() != Some(ScalarStyle::Plain) {
        return Value::String(text.to_owned());
    }
    if node.is_null() {
        Value::Null
    } else if let Ok(number) = text.parse::<i64>() {
        Value::from(number)
    } else if let Some(boolean) = node.as_bool() {
        Value::Bool(boolean)
    } else {
        Value::String(text.to_owned())
    }
}

fn schema_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&fs::read_to_string(SCHEMA_PATH).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn yaml_json(text: &str) -> Value {
    let file = SourceFile::new("config.yaml", text.to_owned());
    let docs = syntax::parse(&file).unwrap();
    to_json(docs[0].root())
}

#[test]
fn the_readme_example_is_read_and_valid_against_the_schema() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("<!-- config-example:start -->").unwrap();
    let end = readme.find("<!-- config-example:end -->").unwrap();
    let block = &readme[start..end];
    let yaml = &block[block.find("```yaml\n").unwrap() + 8..block.rfind("```").unwrap()];

    let parsed = config::parse(&SourceFile::new(".gatelint.yaml", yaml.to_owned()));
    let parsed = parsed.unwrap_or_else(|errors| panic!("{errors:?}"));
    assert_eq!(parsed.settings.public_routes.len(), 3);
    assert_eq!(parsed.settings.max_authorizer_cache_seconds, 600);
    assert_eq!(parsed.fail_on, Some(config::FailOn::Error));

    let validator = schema_validator();
    let errors: Vec<String> = validator
        .iter_errors(&yaml_json(yaml))
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn the_schema_rejects_what_the_reader_rejects() {
    let validator = schema_validator();
    for bad in [
        "rules: {unauthenticated-routes: off}",
        "rules: {unauthenticated-route: fatal}",
        "rules: {long-authorizer-cache: {max-second: 5}}",
        "public-routes: [{api: Orders API}]",
        "public-routes: [/health]",
        "fail-on: sometimes",
        "failon: error",
    ] {
        assert!(!validator.is_valid(&yaml_json(bad)), "schema accepts {bad}");
        let read = config::parse(&SourceFile::new(".gatelint.yaml", bad.to_owned()));
        assert!(read.is_err(), "reader accepts {bad}");
    }
    for good in [
        "rules: {unauthenticated-route: warning}",
        "exclude: cdk.out/**",
        "{}",
    ] {
        assert!(
            validator.is_valid(&yaml_json(good)),
            "schema rejects {good}"
        );
        assert!(config::parse(&SourceFile::new(".gatelint.yaml", good.to_owned())).is_ok());
    }
}

#[test]
fn config_mistakes_are_located_errors_and_nothing_is_linted() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API).write(
        ".gatelint.yaml",
        "rules:\n  unauthenticated-routes: off\n  long-authorizer-cache:\n    severity: fatal\n    max-second: 600\npublic-routes:\n  - FETCH /health\n  - route: \"* /orders\"\n    apis: Orders API\nexclude: [\"[z\"]\nfail-on: sometimes\n",
    );
    let run = repo.run(&["check"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn the_config_is_found_in_a_parent_up_to_the_repository_root() {
    let repo = Repo::new();
    repo.write("services/api.yaml", OPEN_API)
        .write(".gatelint.yaml", "rules:\n  unauthenticated-route: off\n");
    // From a subdirectory, the root's configuration applies.
    let run = repo.run_in(
        "services",
        &["check", "--format", "concise", "-q", "api.yaml"],
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));

    // A nested repository (its own .git) does not look above its root.
    repo.write("nested/api.yaml", OPEN_API);
    fs::create_dir(repo.path().join("nested/.git")).unwrap();
    let run = repo.run_in(
        "nested",
        &["check", "--format", "concise", "-q", "api.yaml"],
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("unauthenticated-route").count(), 2);
}

#[test]
fn an_explicit_config_replaces_the_found_one() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API)
        .write(".gatelint.yaml", "rules:\n  unauthenticated-route: off\n")
        .write("strict.yaml", "fail-on: note\n");
    let run = concise(&repo, &["--config", "strict.yaml", "api.yaml"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("unauthenticated-route").count(), 2);
    let missing = repo.run(&["check", "--config", "nope.yaml", "api.yaml"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stdout.contains("nope.yaml"), "{}", missing.stdout);
}

#[test]
fn rule_levels_and_fail_on() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API).write(
        ".gatelint.yaml",
        "rules:\n  unauthenticated-route: note\nfail-on: warning\n",
    );
    let run = concise(&repo, &["api.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout.matches("note[unauthenticated-route]").count(), 2);
    // --fail-on overrides the configuration.
    assert_eq!(concise(&repo, &["--fail-on", "note", "api.yaml"]).code, 1);
}

#[test]
fn rule_options_reach_the_rules() {
    let repo = Repo::new();
    repo.fixture(
        "long-authorizer-cache/bad-token-authorizer-one-hour.yaml",
        "api.yaml",
    );
    assert_eq!(concise(&repo, &["api.yaml"]).code, 1);
    repo.write(
        ".gatelint.yaml",
        "rules:\n  long-authorizer-cache:\n    max-seconds: 3600\n",
    );
    let run = concise(&repo, &["api.yaml"]);
    assert!(
        !run.stdout.contains("long-authorizer-cache"),
        "{}",
        run.stdout
    );
}

#[test]
fn public_routes_are_accepted_by_method_path_api_and_file() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API).write(
        "other/api.yaml",
        &OPEN_API.replace("Orders API", "Other API"),
    );
    let open = |config: &str| {
        repo.write(".gatelint.yaml", config);
        let run = concise(&repo, &[]);
        let mut lines: Vec<String> = run
            .stdout
            .lines()
            .filter(|l| l.contains("unauthenticated-route"))
            .map(|l| l.split(": ").next().unwrap().to_owned())
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(open("{}").len(), 4);
    assert_eq!(
        open("public-routes: [GET /health]"),
        ["api.yaml:13:17", "other/api.yaml:13:17"]
    );
    assert_eq!(open("public-routes: [\"* /**\"]"), Vec::<String>::new());
    assert_eq!(open("public-routes: [POST /health]").len(), 4);
    assert_eq!(
        open("public-routes:\n  - route: \"* /**\"\n    api: Other API\n"),
        ["api.yaml:13:17", "api.yaml:8:17"]
    );
    assert_eq!(
        open("public-routes:\n  - route: GET /orders\n    file: \"other/**\"\n"),
        ["api.yaml:13:17", "api.yaml:8:17", "other/api.yaml:8:17"]
    );
}

#[test]
fn include_and_exclude_globs_select_the_walked_files() {
    let repo = Repo::new();
    repo.write("api/a.yaml", OPEN_API)
        .write("cdk.out/b.yaml", OPEN_API)
        .write("spec/c.oas", OPEN_API);
    let files = |config: &str| {
        repo.write(".gatelint.yaml", config);
        let run = concise(&repo, &[]);
        let mut files: Vec<String> = run
            .stdout
            .lines()
            .map(|l| l.split(':').next().unwrap().to_owned())
            .collect();
        files.dedup();
        files
    };
    assert_eq!(files("{}"), ["api/a.yaml", "cdk.out/b.yaml"]);
    assert_eq!(files("exclude: [\"cdk.out/**\"]"), ["api/a.yaml"]);
    assert_eq!(files("include: [\"**/*.oas\"]"), ["spec/c.oas"]);
}
