//! The renderers: a run's [`Report`] as human-readable snippets, concise lines, JSON, SARIF or
//! GitHub workflow commands. They receive what they render (the report, the rule list) and
//! know nothing of how it was found.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod statistics;

use std::io;

use crate::diagnostic::{Coverage, Finding, InputError, Note, RuleMeta, Severity};

/// Everything one run produced, in output order.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
    /// What gatelint could not see (routes in S3, say), located at the cause: shown in every
    /// format, also under `-q`.
    pub coverage: Vec<Coverage>,
    pub notes: Vec<Note>,
    pub files_checked: usize,
}

impl Report {
    /// Sort everything into the one stable output order.
    pub fn sort(&mut self) {
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.findings.dedup();
        self.errors
            .sort_by(|a, b| (a.loc.sort_key(), &a.message).cmp(&(b.loc.sort_key(), &b.message)));
        self.errors.dedup();
        self.coverage
            .sort_by(|a, b| (a.loc.sort_key(), &a.message).cmp(&(b.loc.sort_key(), &b.message)));
        self.coverage.dedup();
        self.notes.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.notes.dedup();
    }
}

/// A JSON array whose items are made one at a time as they are written, so that a renderer
/// never holds the rendered form of every finding at once. It writes the same bytes as the
/// `Vec` of the same items.
pub(crate) struct Streamed<F>(pub F);

impl<F, I> serde::Serialize for Streamed<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// The rule id renderers show for an [`InputError`], so tools can filter on one name.
pub const INPUT_ERROR_ID: &str = "input-error";

/// The id renderers show for a [`Coverage`] note.
pub const COVERAGE_ID: &str = "not-visible";

/// How much a report holds, for the renderers' summary lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files_checked: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub input_errors: usize,
    /// Coverage notes: things gatelint could not see.
    pub not_visible: usize,
}

impl Summary {
    pub fn findings(&self) -> usize {
        self.errors + self.warnings + self.notes
    }
}

impl Report {
    pub fn summary(&self) -> Summary {
        let count = |severity| {
            self.findings
                .iter()
                .filter(|f| f.severity == severity)
                .count()
        };
        Summary {
            files_checked: self.files_checked,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            input_errors: self.errors.len(),
            not_visible: self.coverage.len(),
        }
    }
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
}

/// How to render, besides the format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Colour, for `human` and `concise`.
    pub color: bool,
    /// `--quiet`: no summary line.
    pub quiet: bool,
    /// `--unsafe-fixes`: unsafe fixes count as applicable (`[*]`) too.
    pub unsafe_fixes: bool,
}

/// Write `report` in `format`; `rules` are the rules of the run, described by SARIF.
pub fn render(
    report: &Report,
    format: Format,
    rules: &[&'static RuleMeta],
    options: RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let color = options.color;
    match format {
        Format::Human => human::render(report, options, out),
        Format::Concise => concise::render(report, color, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, rules, out),
        Format::Github => github::render(report, out),
        Format::Junit => junit::render(report, out),
        Format::Gitlab => gitlab::render(report, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_sort_by_path_then_numeric_position_then_text() {
        let note = |path: &str, message: &str| Note::info(path, message);
        let mut report = Report {
            notes: vec![
                note(
                    "b.yaml",
                    "skipped: not an OpenAPI, CloudFormation or SAM document",
                ),
                note("a.yaml", "14:17: api-key-only suppressed by a comment"),
                note(
                    "a.yaml",
                    "9:17: unauthenticated-route suppressed by a comment",
                ),
                note(
                    "a.yaml",
                    "9:3: unauthenticated-route suppressed by a comment",
                ),
                note("a.yaml", "skipped: larger than --max-file-size (10 bytes)"),
            ],
            ..Report::default()
        };
        report.sort();
        let order: Vec<&str> = report.notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(
            order,
            [
                "skipped: larger than --max-file-size (10 bytes)",
                "9:3: unauthenticated-route suppressed by a comment",
                "9:17: unauthenticated-route suppressed by a comment",
                "14:17: api-key-only suppressed by a comment",
                "skipped: not an OpenAPI, CloudFormation or SAM document",
            ]
        );
    }
}
