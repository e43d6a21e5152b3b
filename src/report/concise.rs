//! One line per diagnostic: `path:line:col: severity[rule] message`, for editors and grep.

use std::io;

use annotate_snippets::renderer::{
    DEFAULT_ERROR_STYLE, DEFAULT_NOTE_STYLE, DEFAULT_WARNING_STYLE, Style,
};

use super::run::{COVERAGE_ID, INPUT_ERROR_ID, Report};
use crate::diagnostic::Severity;
use crate::syntax::Loc;
use crate::text::terminal_safe;

pub fn render(report: &Report, color: bool, out: &mut dyn io::Write) -> io::Result<()> {
    for error in &report.errors {
        write_line(
            out,
            color,
            &error.loc,
            Severity::Error,
            INPUT_ERROR_ID,
            &error.message,
        )?;
    }
    for finding in &report.findings {
        write_line(
            out,
            color,
            &finding.primary.loc,
            finding.severity,
            finding.rule,
            &finding.message,
        )?;
    }
    for coverage in &report.coverage {
        write_line(
            out,
            color,
            &coverage.loc,
            Severity::Note,
            COVERAGE_ID,
            &coverage.message,
        )?;
    }
    for note in &report.notes {
        let style = severity_style(color, Severity::Note);
        writeln!(
            out,
            "{}: {style}note{style:#}: {}",
            one_line(&note.path),
            one_line(&note.message)
        )?;
    }
    Ok(())
}

fn write_line(
    out: &mut dyn io::Write,
    color: bool,
    loc: &Loc,
    severity: Severity,
    rule: &str,
    message: &str,
) -> io::Result<()> {
    let at = loc.start();
    let style = severity_style(color, severity);
    writeln!(
        out,
        "{}:{}:{}: {style}{severity}{style:#}[{rule}] {}",
        one_line(loc.file.path()),
        at.line,
        at.column,
        one_line(message)
    )
}

/// The same colours as the human output's titles.
fn severity_style(color: bool, severity: Severity) -> Style {
    match (color, severity) {
        (false, _) => Style::new(),
        (true, Severity::Error) => DEFAULT_ERROR_STYLE,
        (true, Severity::Warning) => DEFAULT_WARNING_STYLE,
        (true, Severity::Note) => DEFAULT_NOTE_STYLE,
    }
}

/// Terminal-safe text on one line: a line break would start what looks like another record.
fn one_line(text: &str) -> String {
    terminal_safe(text).replace(['\n', '\t'], " ")
}
