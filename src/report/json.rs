//! A versioned JSON document; the schema is described in `docs/json-output.md` and
//! `docs/gatelint-output.schema.json`. Bump [`VERSION`] on any change that is not an addition.

use std::io;

use serde::Serialize;

use super::{Report, Tally, Writer, pretty};
use crate::diagnostic::{Applicability, Coverage, Finding, Fix, InputError, Label, Note, Severity};
use crate::syntax::{LineCol, Loc};

/// The schema version of this document.
pub const VERSION: u32 = 1;

/// The document, written a finding at a time: its findings come first, so they are written as
/// they come.
#[derive(Default)]
pub struct Json {
    document: Option<(pretty::Object, pretty::Array)>,
}

impl Writer for Json {
    fn head_reads_report(&self) -> bool {
        false
    }

    fn head(&mut self, _report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let mut document = pretty::Object::new(0);
        document.field(out, "version", &VERSION)?;
        document.field(
            out,
            "tool",
            &Tool {
                name: "gatelint",
                version: env!("CARGO_PKG_VERSION"),
            },
        )?;
        document.key(out, "findings")?;
        self.document = Some((document, pretty::Array::new(1)));
        Ok(())
    }

    fn finding(&mut self, finding: &Finding, out: &mut dyn io::Write) -> io::Result<()> {
        match &mut self.document {
            Some((_, findings)) => findings.item(out, &JsonFinding::new(finding)),
            None => Err(io::Error::other(
                "a finding before the head of the document",
            )),
        }
    }

    fn tail(&mut self, report: &Report, tally: &Tally, out: &mut dyn io::Write) -> io::Result<()> {
        let Some((mut document, findings)) = self.document.take() else {
            return Err(io::Error::other("the tail of a document without its head"));
        };
        findings.end(out)?;
        document.key(out, "errors")?;
        let mut errors = pretty::Array::new(1);
        for error in &report.errors {
            errors.item(out, &JsonInputError::new(error))?;
        }
        errors.end(out)?;
        document.key(out, "coverage")?;
        let mut coverage = pretty::Array::new(1);
        for hidden in &report.coverage {
            coverage.item(out, &JsonCoverage::new(hidden))?;
        }
        coverage.end(out)?;
        document.key(out, "notes")?;
        let mut notes = pretty::Array::new(1);
        for note in &report.notes {
            notes.item(out, &JsonNote::new(note))?;
        }
        notes.end(out)?;
        let summary = report.summary_with(tally);
        document.field(
            out,
            "summary",
            &JsonSummary {
                files_checked: summary.files_checked,
                findings: summary.findings(),
                by_severity: BySeverity {
                    error: summary.errors,
                    warning: summary.warnings,
                    note: summary.notes,
                },
                input_errors: summary.input_errors,
                not_visible: summary.not_visible,
                findings_shown: summary.shown,
            },
        )?;
        document.end(out)?;
        writeln!(out)
    }
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    subject: &'a str,
    label: &'a str,
    location: Location<'a>,
    related: Vec<Related<'a>>,
    logical_id: Option<&'a str>,
    property_path: Option<&'a str>,
    construct_path: Option<&'a str>,
    construct_type: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
}

/// A finding's fix: what `check --fix` (safe) or `--fix --unsafe-fixes` (unsafe) would apply.
#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
}

/// Replace the text at `location` (empty: insert there) with `replacement`.
#[derive(Serialize)]
struct JsonEdit<'a> {
    location: Location<'a>,
    replacement: &'a str,
}

impl<'a> JsonFix<'a> {
    fn new(fix: &'a Fix) -> Self {
        JsonFix {
            title: &fix.title,
            applicability: fix.applicability,
            edits: fix
                .edits
                .iter()
                .map(|edit| JsonEdit {
                    location: Location::new(&edit.range),
                    replacement: &edit.replacement,
                })
                .collect(),
        }
    }
}

impl<'a> JsonFinding<'a> {
    fn new(finding: &'a Finding) -> Self {
        JsonFinding {
            rule: finding.rule,
            severity: finding.severity,
            message: &finding.message,
            help: finding.help.as_deref(),
            subject: &finding.subject,
            label: &finding.primary.text,
            location: Location::new(&finding.primary.loc),
            related: finding.related.iter().map(Related::new).collect(),
            logical_id: finding.provenance.logical_id.as_deref(),
            property_path: finding.provenance.property_path.as_deref(),
            construct_path: finding.provenance.construct_path.as_deref(),
            construct_type: finding.provenance.construct_type.as_deref(),
            fix: finding.fix.as_deref().map(JsonFix::new),
        }
    }
}

#[derive(Serialize)]
struct Related<'a> {
    label: &'a str,
    location: Location<'a>,
}

impl<'a> Related<'a> {
    fn new(label: &'a Label) -> Self {
        Related {
            label: &label.text,
            location: Location::new(&label.loc),
        }
    }
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    start: Position,
    end: Position,
}

impl<'a> Location<'a> {
    fn new(loc: &'a Loc) -> Self {
        Location {
            path: loc.file.path(),
            start: Position::new(loc.start(), loc.span.start),
            end: Position::new(loc.end(), loc.span.end),
        }
    }
}

/// 1-based line, 1-based column in Unicode scalar values, 0-based byte offset.
#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
    offset: u32,
}

impl Position {
    fn new(at: LineCol, offset: u32) -> Self {
        Position {
            line: at.line,
            column: at.column,
            offset,
        }
    }
}

#[derive(Serialize)]
struct JsonInputError<'a> {
    rule: &'static str,
    message: &'a str,
    location: Location<'a>,
}

impl<'a> JsonInputError<'a> {
    fn new(error: &'a InputError) -> Self {
        JsonInputError {
            rule: super::INPUT_ERROR_ID,
            message: &error.message,
            location: Location::new(&error.loc),
        }
    }
}

/// Something gatelint could not see, where and why.
#[derive(Serialize)]
struct JsonCoverage<'a> {
    rule: &'static str,
    severity: Severity,
    message: &'a str,
    location: Location<'a>,
}

impl<'a> JsonCoverage<'a> {
    fn new(coverage: &'a Coverage) -> Self {
        JsonCoverage {
            rule: super::COVERAGE_ID,
            severity: Severity::Note,
            message: &coverage.message,
            location: Location::new(&coverage.loc),
        }
    }
}

#[derive(Serialize)]
struct JsonNote<'a> {
    /// `null` for a note about the whole run.
    path: Option<&'a str>,
    message: &'a str,
}

impl<'a> JsonNote<'a> {
    fn new(note: &'a Note) -> Self {
        JsonNote {
            path: note.path.as_deref(),
            message: &note.message,
        }
    }
}

#[derive(Serialize)]
struct JsonSummary {
    files_checked: usize,
    findings: usize,
    by_severity: BySeverity,
    input_errors: usize,
    not_visible: usize,
    /// How many of `findings` the output holds, when `--max-findings` left some out.
    #[serde(skip_serializing_if = "Option::is_none")]
    findings_shown: Option<usize>,
}

#[derive(Serialize)]
struct BySeverity {
    error: usize,
    warning: usize,
    note: usize,
}
