//! GitHub Actions workflow commands, which the runner turns into annotations on the diff:
//! <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands>.

use std::io;

use super::{COVERAGE_ID, INPUT_ERROR_ID, Report, Tally, Writer};
use crate::diagnostic::{Finding, NoteKind, Severity};
use crate::syntax::Loc;

/// Input errors, findings, coverage notes and files not linted, a workflow command each.
pub struct Github;

impl Writer for Github {
    fn head_reads_report(&self) -> bool {
        true
    }

    fn head(&mut self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        for error in &report.errors {
            write_command(out, "error", &error.loc, INPUT_ERROR_ID, &error.message)?;
        }
        Ok(())
    }

    fn finding(&mut self, finding: &Finding, out: &mut dyn io::Write) -> io::Result<()> {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let message = match &finding.help {
            Some(help) => format!("{}\nhelp: {help}", finding.message),
            None => finding.message.clone(),
        };
        write_command(out, command, &finding.primary.loc, finding.rule, &message)
    }

    fn tail(&mut self, report: &Report, _: &Tally, out: &mut dyn io::Write) -> io::Result<()> {
        for coverage in &report.coverage {
            write_command(out, "notice", &coverage.loc, COVERAGE_ID, &coverage.message)?;
        }
        // Input that was not linted is a warning on the file: a green check must not hide it.
        for note in report.notes.iter().filter(|n| n.kind == NoteKind::Warning) {
            match &note.path {
                Some(path) => writeln!(
                    out,
                    "::warning file={},title={}::{}",
                    escape_property(path),
                    escape_property("gatelint (not linted)"),
                    escape_data(&note.message)
                )?,
                // About the run (findings left out), not a file.
                None => writeln!(
                    out,
                    "::warning title={}::{}",
                    escape_property("gatelint (not shown)"),
                    escape_data(&note.message)
                )?,
            }
        }
        Ok(())
    }
}

fn write_command(
    out: &mut dyn io::Write,
    command: &str,
    loc: &Loc,
    rule: &str,
    message: &str,
) -> io::Result<()> {
    let start = loc.start();
    let end = loc.end();
    write!(
        out,
        "::{command} file={},line={}",
        escape_property(loc.file.path()),
        start.line
    )?;
    // GitHub accepts columns only for an annotation on one line. Like SARIF's, the end
    // column is the one just past the span.
    if start.line == end.line {
        write!(
            out,
            ",col={},endLine={},endColumn={}",
            start.column, end.line, end.column
        )?;
    } else {
        write!(out, ",endLine={}", end.line)?;
    }
    writeln!(
        out,
        ",title={}::{}",
        escape_property(&format!("gatelint ({rule})")),
        escape_data(message)
    )
}

/// The message part of a workflow command: `%`, CR and LF are percent-encoded.
pub fn escape_data(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A property value (`file=`, `title=`): as [`escape_data`], and `:` and `,` too, which would
/// otherwise end the value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
