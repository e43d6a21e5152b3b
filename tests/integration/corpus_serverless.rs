//! The Serverless Framework services of the shared corpus (`../shared/corpus/serverless-framework`:
//! real `serverless.yml` files and the files their `${file(...)}` variables read) go through the
//! whole pipeline as `gatelint` runs it on a directory: every service is recognised, none gives an
//! input error (they are services the framework deploys), and every finding and coverage note is
//! in a reviewed snapshot, one line each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::fs;
use std::path::{Path, PathBuf};

use gatelint::discover::{DiscoverOptions, discover};
use gatelint::formats::DocumentKind;
use gatelint::lint::{LintOptions, analyze_input, lint_inputs};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/serverless-framework")
}

/// The service files the corpus lists in `FEATURES.tsv` (role `service`).
fn listed_services() -> Vec<String> {
    let features = fs::read_to_string(corpus().join("FEATURES.tsv")).unwrap();
    let mut services: Vec<String> = features
        .lines()
        .filter_map(|line| {
            let mut columns = line.split('\t');
            let file = columns.next()?;
            (columns.next()? == "service").then(|| file.to_owned())
        })
        .collect();
    services.sort();
    services
}

#[test]
fn every_service_is_recognised_and_lints_without_input_errors() {
    if crate::common::shared("corpus/serverless-framework").is_none() {
        return;
    }
    let root = corpus();
    let discovery = discover(&[&root], &DiscoverOptions::default());
    assert!(discovery.problems.is_empty(), "{:?}", discovery.problems);
    let relative = |display: &str| {
        Path::new(display)
            .strip_prefix(&root)
            .map_or_else(|_| display.to_owned(), |p| p.display().to_string())
    };
    let mut recognised = Vec::new();
    for input in &discovery.inputs {
        let Ok(analysis) = analyze_input(input, u64::MAX) else {
            continue;
        };
        if analysis
            .documents
            .iter()
            .any(|(_, kind)| *kind == DocumentKind::Serverless)
        {
            recognised.push(relative(&input.display));
        }
    }
    recognised.sort();
    assert_eq!(recognised, listed_services());

    let report = lint_inputs(&discovery.inputs, &LintOptions::default());
    let errors: Vec<String> = report
        .errors
        .iter()
        .map(|e| {
            let at = e.loc.start();
            format!(
                "{}:{}:{}: {}",
                relative(e.loc.file.path()),
                at.line,
                at.column,
                e.message
            )
        })
        .collect();
    assert!(errors.is_empty(), "\n{}\n", errors.join("\n"));

    let findings: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            let at = f.primary.loc.start();
            format!(
                "{}:{}:{} {} {}",
                relative(f.primary.loc.file.path()),
                at.line,
                at.column,
                f.rule,
                f.message
            )
        })
        .collect();
    let coverage: Vec<String> = report
        .coverage
        .iter()
        .map(|c| {
            let at = c.loc.start();
            format!(
                "{}:{}:{} not-visible {}",
                relative(c.loc.file.path()),
                at.line,
                at.column,
                c.message
            )
        })
        .collect();
    insta::assert_snapshot!("findings", findings.join("\n"));
    insta::assert_snapshot!("coverage", coverage.join("\n"));
}
