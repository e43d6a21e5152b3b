//! What one run produced, as every renderer receives it: the [`Report`] in its one output order,
//! the counts of its summary line, and the ids renderers show for what is not a finding.

use crate::diagnostic::{Applicability, Coverage, Finding, InputError, Note, Severity};

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
    /// The findings `--max-findings` left out of the output: not in `findings`, but counted
    /// in the summary, which then says how many were shown.
    pub left_out: Option<LeftOut>,
}

/// How many findings of each severity `--max-findings` left out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
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
    /// How many findings were shown, when `--max-findings` left some out (the counts above
    /// are of all of them).
    pub shown: Option<usize>,
}

impl Summary {
    /// Every finding, shown or not.
    pub fn findings(&self) -> usize {
        self.errors + self.warnings + self.notes
    }
}

/// What the summary lines count of the findings, kept as they are written: a run that writes
/// its findings as they come never holds them all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Findings with a fix `--fix` applies, and with one only `--unsafe-fixes` applies.
    pub safe_fixes: usize,
    pub unsafe_fixes: usize,
}

impl Tally {
    pub fn of(findings: &[Finding]) -> Self {
        let mut tally = Tally::default();
        for finding in findings {
            tally.add(finding);
        }
        tally
    }

    pub fn add(&mut self, finding: &Finding) {
        match finding.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note => self.notes += 1,
        }
        match finding.fix.as_ref().map(|fix| fix.applicability) {
            Some(Applicability::Safe) => self.safe_fixes += 1,
            Some(Applicability::Unsafe) => self.unsafe_fixes += 1,
            None => {}
        }
    }
}

impl Report {
    pub fn summary(&self) -> Summary {
        self.summary_with(&Tally::of(&self.findings))
    }

    /// The summary of this report's errors and coverage notes with findings counted by `tally`.
    pub fn summary_with(&self, tally: &Tally) -> Summary {
        let left_out = self.left_out.unwrap_or_default();
        Summary {
            files_checked: self.files_checked,
            errors: tally.errors + left_out.errors,
            warnings: tally.warnings + left_out.warnings,
            notes: tally.notes + left_out.notes,
            input_errors: self.errors.len(),
            not_visible: self.coverage.len(),
            shown: self
                .left_out
                .map(|_| tally.errors + tally.warnings + tally.notes),
        }
    }
}
