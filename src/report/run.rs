//! What one run produced, as every renderer receives it: the [`Report`] in its one output order,
//! the counts of its summary line, and the ids renderers show for what is not a finding.

use crate::diagnostic::{Coverage, Finding, InputError, Note, Severity};

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
