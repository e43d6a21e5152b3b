//! GitLab Code Quality (`artifacts:reports:codequality`), the subset of the Code Climate issue
//! format GitLab reads: <https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>.
//! A JSON array of issues with a description, a check name, a severity, a location and a
//! fingerprint. GitLab compares fingerprints between the source and target branch of a merge
//! request, so they must not change when lines move: they hash what the baseline records (rule,
//! file, subject), and the occurrence, for findings that share all three.

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use super::sarif::hash_parts;
use super::{COVERAGE_ID, INPUT_ERROR_ID, Report, Spool, Tally, Writer, pretty};
use crate::diagnostic::{Finding, Severity};
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

/// The array of issues: input errors, findings, then coverage notes.
pub struct Gitlab {
    issues: pretty::Array,
    /// Whether the head (the input errors) is written; findings written before it wait in a
    /// spool, each after a separator, to follow the input errors.
    head_written: bool,
    spooled: usize,
    /// How often each identity was seen so far, so equal ones get distinct fingerprints. Input
    /// errors and coverage notes have ids no rule has, so findings are counted apart, and only
    /// in the file they are in (findings come sorted by file).
    seen: BTreeMap<[String; 3], usize>,
    seen_findings: BTreeMap<[String; 3], usize>,
}

impl Default for Gitlab {
    fn default() -> Self {
        Gitlab {
            issues: pretty::Array::new(0),
            head_written: false,
            spooled: 0,
            seen: BTreeMap::new(),
            seen_findings: BTreeMap::new(),
        }
    }
}

fn fingerprint(
    seen: &mut BTreeMap<[String; 3], usize>,
    id: &str,
    path: &str,
    what: &str,
) -> String {
    let occurrence = seen
        .entry([id.to_owned(), path.to_owned(), what.to_owned()])
        .or_default();
    *occurrence += 1;
    hash_parts(&[id, path, what, &occurrence.to_string()])
}

impl Writer for Gitlab {
    fn head_reads_report(&self) -> bool {
        true
    }

    fn head(&mut self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        for error in &report.errors {
            self.issues.item(
                out,
                &Issue {
                    kind: "issue",
                    check_name: INPUT_ERROR_ID,
                    description: error.message.clone(),
                    categories: ["Bug Risk"],
                    severity: "blocker",
                    fingerprint: fingerprint(
                        &mut self.seen,
                        INPUT_ERROR_ID,
                        error.loc.file.path(),
                        &error.message,
                    ),
                    location: Location::new(&error.loc),
                },
            )?;
        }
        self.head_written = true;
        Ok(())
    }

    fn splice(&mut self, spool: Spool, out: &mut dyn io::Write) -> io::Result<()> {
        if self.spooled == 0 {
            return Ok(());
        }
        // Spooled findings each start with a separator; the first issue opens the array.
        let skip = if self.issues.is_empty() {
            out.write_all(b"[")?;
            1
        } else {
            0
        };
        self.issues.add(std::mem::take(&mut self.spooled));
        spool.copy_to(out, skip)
    }

    fn finding(&mut self, finding: &Finding, out: &mut dyn io::Write) -> io::Result<()> {
        let path = finding.primary.loc.file.path();
        if self
            .seen_findings
            .keys()
            .next()
            .is_some_and(|[_, seen, _]| seen != path)
        {
            self.seen_findings.clear();
        }
        let issue = Issue {
            kind: "issue",
            check_name: finding.rule,
            description: finding.message.clone(),
            categories: ["Security"],
            severity: severity(finding.severity),
            fingerprint: fingerprint(
                &mut self.seen_findings,
                finding.rule,
                path,
                finding.identity(),
            ),
            location: Location::new(&finding.primary.loc),
        };
        if self.head_written {
            return self.issues.item(out, &issue);
        }
        self.spooled += 1;
        self.issues.separated_item(out, &issue)
    }

    fn tail(&mut self, report: &Report, _: &Tally, out: &mut dyn io::Write) -> io::Result<()> {
        let mut issues = std::mem::replace(&mut self.issues, pretty::Array::new(0));
        for coverage in &report.coverage {
            let issue = Issue {
                kind: "issue",
                check_name: COVERAGE_ID,
                description: coverage.message.clone(),
                categories: ["Bug Risk"],
                severity: "info",
                fingerprint: fingerprint(
                    &mut self.seen,
                    COVERAGE_ID,
                    coverage.loc.file.path(),
                    &coverage.message,
                ),
                location: Location::new(&coverage.loc),
            };
            issues.item(out, &issue)?;
        }
        issues.end(out)?;
        writeln!(out)
    }
}
