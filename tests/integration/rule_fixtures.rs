//! The fixtures under `fixtures/<rule-id>/`: a `bad-*` file produces at least one finding of its
//! rule, a `good-*` file none, and no fixture is unreadable. Every fixture's human rendering is
//! snapshotted (`snapshots/integration__rule_fixtures__<rule-id>__<file>.snap`), so a reviewer
//! sees every span and label.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fs;
use std::path::{Path, PathBuf};

use gatelint::lint::{FileReport, lint_bytes};
use gatelint::report::{Format, RenderOptions, Report, render};
use gatelint::rules;

/// Fixture folders that do not belong to a rule (`templates/` holds whole templates with the
/// files they include, checked by `tests/real_templates.rs`; `cdk/` a CDK app and its cloud
/// assembly, checked by `tests/cdk.rs`).
const NOT_RULES: [&str; 5] = ["cdk", "demo", "input-errors", "templates", "terraform"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Bad,
    Good,
}

#[derive(Debug)]
struct Fixture {
    rule: String,
    /// The file name, e.g. `bad-security-empty-list.yaml`.
    name: String,
    verdict: Verdict,
    path: PathBuf,
}

impl Fixture {
    /// The path findings show: relative to the repository, with `/` on every platform.
    fn display(&self) -> String {
        format!("fixtures/{}/{}", self.rule, self.name)
    }

    fn lint(&self) -> FileReport {
        lint_bytes(
            &self.display(),
            fs::read(&self.path).unwrap(),
            &super::common::settings_with(&self.rule),
        )
    }
}

/// Every rule fixture, sorted; problems with the layout itself (unknown rule folders, badly
/// named files) go to `problems`.
fn fixtures(problems: &mut Vec<String>) -> Vec<Fixture> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut fixtures = Vec::new();
    for dir in fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        let rule = dir.file_name().unwrap().to_string_lossy().into_owned();
        if !dir.is_dir() || NOT_RULES.contains(&rule.as_str()) {
            continue;
        }
        if rules::find(&rule).is_none() {
            problems.push(format!("fixtures/{rule}/ does not name a registered rule"));
            continue;
        }
        for file in fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let verdict = if name.starts_with("bad-") {
                Verdict::Bad
            } else if name.starts_with("good-") {
                Verdict::Good
            } else {
                problems.push(format!(
                    "fixtures/{rule}/{name}: name must start with `bad-` or `good-`"
                ));
                continue;
            };
            let well_formed =
                (name.ends_with(".yaml") || name.ends_with(".json") || name.ends_with(".tf"))
                    && name.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
                    });
            if !well_formed {
                problems.push(format!(
                    "fixtures/{rule}/{name}: name must be kebab-case `.yaml` or `.json`"
                ));
                continue;
            }
            fixtures.push(Fixture {
                rule: rule.clone(),
                name,
                verdict,
                path,
            });
        }
    }
    fixtures.sort_by(|a, b| (&a.rule, &a.name).cmp(&(&b.rule, &b.name)));
    fixtures
}

#[test]
fn fixtures_behave_as_named() {
    let mut problems = Vec::new();
    let fixtures = fixtures(&mut problems);
    assert!(
        fixtures.len() >= 2 * rules::RULES.len(),
        "found only {} fixtures",
        fixtures.len()
    );
    for fixture in &fixtures {
        let report = fixture.lint();
        let at = fixture.display();
        if !report.recognized {
            problems.push(format!("{at}: not recognised as an API document"));
        }
        for error in &report.errors {
            let start = error.loc.start();
            problems.push(format!(
                "{at}:{}:{}: input error: {}",
                start.line, start.column, error.message
            ));
        }
        let own: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.rule == fixture.rule)
            .map(|f| {
                let start = f.primary.loc.start();
                format!("{}:{} {}", start.line, start.column, f.message)
            })
            .collect();
        match fixture.verdict {
            Verdict::Bad if own.is_empty() => {
                problems.push(format!("{at}: no `{}` finding", fixture.rule))
            }
            Verdict::Good if !own.is_empty() => problems.push(format!(
                "{at}: unexpected `{}` findings {own:?}",
                fixture.rule
            )),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn fixture_renderings() {
    let mut problems = Vec::new();
    let fixtures = fixtures(&mut problems);
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
    for fixture in &fixtures {
        let file = fixture.lint();
        let mut report = Report {
            findings: file.findings,
            errors: file.errors,
            coverage: file.coverage,
            notes: file.notes,
            files_checked: usize::from(file.recognized),
            ..Report::default()
        };
        report.sort();
        let mut out = Vec::new();
        render(
            &report,
            Format::Human,
            &rules::metas(),
            RenderOptions::default(),
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        insta::assert_snapshot!(format!("{}__{}", fixture.rule, fixture.name), text);
    }
}
