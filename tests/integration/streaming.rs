//! A directory run writes each finding as soon as nothing still being linted can come before
//! it. Its output is the same, byte for byte, as writing the whole sorted report at the end
//! (what `--max-findings` does, since it must see every finding first), in every format; and a
//! file loaded by a template sorted after it is still reported once, through the template.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use serde_json::Value;

use crate::common::{Repo, Run};

const FORMATS: [&str; 7] = [
    "human", "concise", "json", "sarif", "github", "gitlab", "junit",
];

fn fixtures() -> String {
    format!("{}/fixtures", env!("CARGO_MANIFEST_DIR"))
}

/// The same run, written as it goes and written whole.
fn both(repo: &Repo, args: &[&str]) -> (Run, Run) {
    let streamed = repo.run(args);
    let mut whole_args = args.to_vec();
    whole_args.extend(["--max-findings", "1000000"]);
    (streamed, repo.run(&whole_args))
}

#[test]
fn every_format_writes_as_it_goes_what_it_writes_whole() {
    let repo = Repo::new();
    let fixtures = fixtures();
    // The fixtures hold input errors, coverage notes, fixes and every rule; the demo has no
    // input errors (the first finding opens the GitLab array).
    for dir in [fixtures.clone(), format!("{fixtures}/demo")] {
        for format in FORMATS {
            let (streamed, whole) = both(&repo, &["check", "--format", format, &dir]);
            assert!(!streamed.stdout.is_empty(), "{format}");
            assert_eq!(
                streamed.transcript(),
                whole.transcript(),
                "{format} on {dir}"
            );
        }
    }
    for extra in [
        ["--verbose", "--format=human"],
        ["--quiet", "--format=json"],
    ] {
        let mut args = vec!["check", fixtures.as_str()];
        args.extend(extra);
        let (streamed, whole) = both(&repo, &args);
        assert_eq!(streamed.transcript(), whole.transcript(), "{extra:?}");
    }
}

/// `GET /items` and `GET /other`, both open.
fn open_api(title: &str) -> String {
    format!(
        "openapi: 3.0.1\ninfo: {{title: {title}, version: \"1\"}}\npaths:\n  /items:\n    get:\n      \
         x-amazon-apigateway-integration: {{type: mock}}\n  /other:\n    get:\n      \
         x-amazon-apigateway-integration: {{type: mock}}\n"
    )
}

fn sam_loading(body: &str) -> String {
    format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::Serverless-2016-10-31\n\
         Resources:\n  LoadedApi:\n    Type: AWS::Serverless::Api\n    Properties:\n      \
         StageName: prod\n      DefinitionUri: {body}\n"
    )
}

/// Every finding's (path, line, column, rule), in output order.
fn located(run: &Run) -> Vec<(String, u64, u64, String)> {
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    output["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let start = &f["location"]["start"];
            (
                f["location"]["path"].as_str().unwrap().to_owned(),
                start["line"].as_u64().unwrap(),
                start["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_file_loaded_by_a_template_after_it_in_a_long_run_is_reported_once_through_it() {
    let repo = Repo::new();
    // More files than are linted at once, around two templates that load a file sorted
    // before them: one at the top, one in a folder between the others.
    repo.write("a-body.yaml", &open_api("top"));
    for i in 0..40 {
        repo.write(&format!("m{i:02}.yaml"), &open_api(&format!("m{i}")));
        repo.write(&format!("n/m{i:02}.yaml"), &open_api(&format!("n{i}")));
    }
    repo.write("n/b-body.yaml", &open_api("nested"));
    repo.write("n/t-template.yaml", &sam_loading("b-body.yaml"));
    repo.write("z-template.yaml", &sam_loading("a-body.yaml"));
    let run = repo.run(&["check", "--format", "json", "--verbose", "."]);
    let found = located(&run);
    let mut sorted = found.clone();
    sorted.sort();
    assert_eq!(found, sorted, "{}", run.stdout);
    let mut unique = found.clone();
    unique.dedup();
    assert_eq!(found, unique);
    let routes = |path: &str| {
        found
            .iter()
            .filter(|(p, _, _, rule)| p == path && rule == "unauthenticated-route")
            .count()
    };
    // Both routes of every file, once; the loaded ones through their templates' API.
    for path in [
        "a-body.yaml",
        "n/b-body.yaml",
        "m00.yaml",
        "m39.yaml",
        "n/m17.yaml",
    ] {
        assert_eq!(routes(path), 2, "{path}: {}", run.stdout);
    }
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    let messages: Vec<&str> = output["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["location"]["path"]
                .as_str()
                .unwrap()
                .ends_with("body.yaml")
        })
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().all(|m| m.contains("LoadedApi")),
        "{messages:?}"
    );
    let notes: Vec<&str> = output["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["path"].as_str().unwrap())
        .collect();
    assert!(notes.contains(&"a-body.yaml") && notes.contains(&"n/b-body.yaml"));
    // The same as written whole, in every format.
    for format in FORMATS {
        let (streamed, whole) = both(&repo, &["check", "--format", format, "."]);
        assert_eq!(streamed.transcript(), whole.transcript(), "{format}");
    }
}
