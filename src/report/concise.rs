//! One line per diagnostic: `path:line:col: severity[rule] message`, for editors and grep.

use std::io;

use annotate_snippets::renderer::{
    DEFAULT_ERROR_STYLE, DEFAULT_NOTE_STYLE, DEFAULT_WARNING_STYLE, Style,
};

use super::{COVERAGE_ID, INPUT_ERROR_ID, Report, Tally, Writer};
use crate::diagnostic::{Finding, Severity};
use crate::syntax::Loc;
use crate::text::terminal_safe;

/// Input errors, findings, coverage notes and notes, a line each.
pub struct Concise {
    color: bool,
}

impl Concise {
    pub fn new(color: bool) -> Self {
        Concise { color }
    }
}

impl Writer for Concise {
    fn head_reads_report(&self) -> bool {
        true
    }

    fn head(&mut self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        for error in &report.errors {
            write_line(
                out,
                self.color,
                &error.loc,
                Severity::Error,
                INPUT_ERROR_ID,
                &error.message,
            )?;
        }
        Ok(())
    }

    fn finding(&mut self, finding: &Finding, out: &mut dyn io::Write) -> io::Result<()> {
        write_line(
            out,
            self.color,
            &finding.primary.loc,
            finding.severity,
            finding.rule,
            &finding.message,
        )
    }

    fn tail(&mut self, report: &Report, _: &Tally, out: &mut dyn io::Write) -> io::Result<()> {
        for coverage in &report.coverage {
            write_line(
                out,
                self.color,
                &coverage.loc,
                Severity::Note,
                COVERAGE_ID,
                &coverage.message,
            )?;
        }
        for note in &report.notes {
            let style = severity_style(self.color, Severity::Note);
            if let Some(path) = &note.path {
                write!(out, "{}: ", one_line(path))?;
            }
            writeln!(out, "{style}note{style:#}: {}", one_line(&note.message))?;
        }
        Ok(())
    }
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
