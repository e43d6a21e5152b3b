//! The `junit` and `gitlab` formats: read back by an independent JUnit parser (the
//! `junit-parser` crate) and checked against GitLab's Code Quality format, on the renderers'
//! sample report, on hostile text and through the CLI.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Cursor;
use std::sync::Arc;

use gatelint::diagnostic::{Coverage, Finding, InputError, RuleMeta};
use gatelint::report::{Format, Report};
use gatelint::rules;
use gatelint::syntax::{Loc, SourceFile, Span};
use serde_json::Value;

use crate::common::{OPEN_API, Repo};
use crate::render::{rendered, sample_report};

fn junit(report: &Report) -> junit_parser::TestSuites {
    let xml = rendered(report, Format::Junit, false);
    junit_parser::from_reader(Cursor::new(xml.as_bytes())).unwrap_or_else(|e| panic!("{e}\n{xml}"))
}

fn gitlab_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(include_str!("schemas/gitlab-code-quality.schema.json")).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_gitlab_valid(output: &str) -> Vec<Value> {
    let json: Value = serde_json::from_str(output).unwrap();
    let errors: Vec<String> = gitlab_validator()
        .iter_errors(&json)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{output}");
    json.as_array().unwrap().clone()
}

fn meta(id: &str) -> &'static RuleMeta {
    rules::find(id).unwrap().meta()
}

/// A report whose every text is hostile to XML and JSON.
fn hostile_report() -> Report {
    let text = "paths:\n  \"/a]]><x>\":\n    get: {security: []}\n";
    let file: Arc<SourceFile> = SourceFile::new("dir/<&'\"\x1b>.yaml", text.to_owned());
    let loc = Loc::new(&file, Span::new(8, 17));
    Report {
        findings: vec![
            Finding::new(
                meta("unauthenticated-route"),
                loc.clone(),
                "GET /a]]><x> is open \x1b[31m\u{0}\u{7}\"quoted\" & 'single'",
            )
            .help("close it </failure>")
            .subject("GET /a"),
        ],
        errors: vec![InputError {
            loc: loc.clone(),
            message: "bad \x0c thing <!-- -->".to_owned(),
        }],
        coverage: vec![Coverage {
            loc,
            message: "not visible: ${self:custom}".to_owned(),
            provenance: Default::default(),
        }],
        ..Report::default()
    }
}

#[test]
fn junit_output() {
    insta::assert_snapshot!(rendered(&sample_report(), Format::Junit, false));
}

#[test]
fn gitlab_output() {
    insta::assert_snapshot!(rendered(&sample_report(), Format::Gitlab, false));
}

#[test]
fn junit_is_read_back_with_a_case_per_diagnostic() {
    let report = sample_report();
    let suites = junit(&report);
    let cases: Vec<&junit_parser::TestCase> = suites.suites.iter().flat_map(|s| &s.cases).collect();
    assert_eq!(
        cases.len(),
        report.findings.len() + report.errors.len() + report.coverage.len()
    );
    assert_eq!(suites.failures as usize, report.findings.len());
    assert_eq!(suites.errors as usize, report.errors.len());
    assert_eq!(suites.skipped as usize, report.coverage.len());
    for finding in &report.findings {
        let case = cases
            .iter()
            .find(|c| {
                c.classname.as_deref() == Some(finding.primary.loc.file.path())
                    && c.original_name.starts_with(finding.rule)
            })
            .unwrap_or_else(|| panic!("no case for {}", finding.rule));
        let junit_parser::TestStatus::Failure(failure) = &case.status else {
            panic!("{} is not a failure: {:?}", finding.rule, case.status);
        };
        assert_eq!(failure.failure_type, finding.rule);
        assert_eq!(failure.message, finding.message);
        assert!(failure.text.contains(&finding.message), "{}", failure.text);
    }
    // Suites are files, each with its own counts.
    for suite in &suites.suites {
        assert_eq!(suite.tests as usize, suite.cases.len(), "{}", suite.name);
    }
}

#[test]
fn junit_and_gitlab_keep_hostile_text_intact_and_well_formed() {
    let report = hostile_report();
    let suites = junit(&report);
    let suite = &suites.suites[0];
    assert_eq!(suite.name, "dir/<&'\"\\u{1b}>.yaml");
    let failure = suite
        .cases
        .iter()
        .find_map(|c| match &c.status {
            junit_parser::TestStatus::Failure(f) => Some(f),
            _ => None,
        })
        .unwrap();
    assert!(
        failure
            .message
            .starts_with("GET /a]]><x> is open \\u{1b}[31m\\u{0}\\u{7}\"quoted\" & 'single'"),
        "{}",
        failure.message
    );
    assert!(
        failure.text.contains("help: close it </failure>"),
        "{failure:?}"
    );

    let issues = assert_gitlab_valid(&rendered(&report, Format::Gitlab, false));
    assert_eq!(issues.len(), 3);
    assert_eq!(issues[0]["severity"], "blocker");
    assert_eq!(issues[1]["check_name"], "unauthenticated-route");
    assert_eq!(issues[2]["severity"], "info");
}

#[test]
fn a_clean_run_is_one_passing_junit_case() {
    let report = Report {
        files_checked: 3,
        ..Report::default()
    };
    let suites = junit(&report);
    assert_eq!((suites.tests, suites.failures, suites.errors), (1, 0, 0));
    assert_eq!(
        suites.suites[0].cases[0].original_name,
        "no problems found in 3 files"
    );
    assert!(matches!(
        suites.suites[0].cases[0].status,
        junit_parser::TestStatus::Success
    ));
    assert_eq!(rendered(&report, Format::Gitlab, false), "[]\n");
}

#[test]
fn gitlab_fingerprints_are_unique_and_survive_moved_lines() {
    let repo = Repo::new();
    // The two branches of a condition give two findings with the same subject.
    repo.fixture("demo/orders-service.yaml", "a.yaml")
        .write("b.yaml", OPEN_API);
    let run = |repo: &Repo| {
        let out = repo.run(&["check", "--format", "gitlab", "."]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert_gitlab_valid(&out.stdout)
    };
    let before = run(&repo);
    let mut fingerprints: Vec<&str> = before
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    let count = fingerprints.len();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), count, "duplicate fingerprints");

    repo.write("b.yaml", &format!("# moved\n\n{OPEN_API}"));
    let after = run(&repo);
    let key = |issues: &[Value]| -> Vec<(String, String)> {
        issues
            .iter()
            .map(|i| {
                (
                    i["fingerprint"].as_str().unwrap().to_owned(),
                    i["check_name"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(key(&before), key(&after));
    let lines = |issues: &[Value]| -> Vec<u64> {
        issues
            .iter()
            .filter(|i| i["location"]["path"] == "b.yaml")
            .map(|i| i["location"]["lines"]["begin"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(
        lines(&after),
        lines(&before).iter().map(|l| l + 2).collect::<Vec<_>>()
    );
}

#[test]
fn junit_through_the_cli_names_every_file_with_findings() {
    let repo = Repo::new();
    repo.write("a.yaml", OPEN_API)
        .write("b/c.yaml", OPEN_API)
        .write("broken.yaml", "openapi: 3.0.0\npaths: [");
    let out = repo.run(&["check", "--format", "junit", "-o", "report.xml"]);
    assert_eq!(out.code, 2);
    let xml = repo.read("report.xml");
    let suites = junit_parser::from_reader(Cursor::new(xml.as_bytes())).unwrap();
    let names: Vec<&str> = suites.suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a.yaml", "b/c.yaml", "broken.yaml"]);
    assert_eq!((suites.failures, suites.errors), (4, 1));
}
