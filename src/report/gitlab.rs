//! GitLab Code Quality (`artifacts:reports:codequality`), the subset of the Code Climate issue
//! format GitLab reads: <https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>.
//! A JSON array of issues with a description, a check name, a severity, a location and a
//! fingerprint. GitLab compares fingerprints between the source and target branch of a merge
//! request, so they must not change when lines move: they hash what the baseline records (rule,
//! file, subject), and the occurrence, for findings that share all three.

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use super::run::{COVERAGE_ID, INPUT_ERROR_ID, Report};
use super::sarif::hash_parts;
use crate::diagnostic::Severity;
use crate::syntax::Loc;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'a str,
    description: String,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

impl<'a> Location<'a> {
    fn new(loc: &'a Loc) -> Self {
        Location {
            path: loc.file.path(),
            lines: Lines {
                begin: loc.start().line,
                end: loc.end().line,
            },
        }
    }
}

/// GitLab's severities are info, minor, major, critical and blocker.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Note => "minor",
    }
}

pub fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut issues = Vec::new();
    // How often each identity was seen so far, so equal ones get distinct fingerprints.
    let mut seen: BTreeMap<[String; 3], usize> = BTreeMap::new();
    let mut fingerprint = |id: &str, path: &str, what: &str| {
        let occurrence = seen
            .entry([id.to_owned(), path.to_owned(), what.to_owned()])
            .or_default();
        *occurrence += 1;
        hash_parts(&[id, path, what, &occurrence.to_string()])
    };
    for error in &report.errors {
        issues.push(Issue {
            kind: "issue",
            check_name: INPUT_ERROR_ID,
            description: error.message.clone(),
            categories: ["Bug Risk"],
            severity: "blocker",
            fingerprint: fingerprint(INPUT_ERROR_ID, error.loc.file.path(), &error.message),
            location: Location::new(&error.loc),
        });
    }
    for finding in &report.findings {
        issues.push(Issue {
            kind: "issue",
            check_name: finding.rule,
            description: finding.message.clone(),
            categories: ["Security"],
            severity: severity(finding.severity),
            fingerprint: fingerprint(
                finding.rule,
                finding.primary.loc.file.path(),
                finding.identity(),
            ),
            location: Location::new(&finding.primary.loc),
        });
    }
    for coverage in &report.coverage {
        issues.push(Issue {
            kind: "issue",
            check_name: COVERAGE_ID,
            description: coverage.message.clone(),
            categories: ["Bug Risk"],
            severity: "info",
            fingerprint: fingerprint(COVERAGE_ID, coverage.loc.file.path(), &coverage.message),
            location: Location::new(&coverage.loc),
        });
    }
    serde_json::to_writer_pretty(&mut *out, &issues).map_err(io::Error::other)?;
    writeln!(out)
}
