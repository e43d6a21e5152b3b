//! Findings, input errors, and the renderers that print them.

pub mod baseline;
pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod routes;
pub mod sarif;
pub mod suppress;

use std::fmt;
use std::io;

use serde::Serialize;

use crate::rules::RuleMeta;
use crate::syntax::Loc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A located piece of text in a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub loc: Loc,
    pub text: String,
}

/// One rule violation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub related: Vec<Label>,
    pub help: Option<String>,
    /// What the finding is about, independent of line numbers (e.g. "PetApi GET /pets"):
    /// with the rule and the file, it fingerprints the finding for baselines.
    pub subject: String,
}

impl Finding {
    /// A finding of `rule` at `primary`, with the rule's default severity.
    pub fn new(rule: &RuleMeta, primary: Loc, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.id,
            severity: rule.severity,
            message: message.into(),
            primary: Label {
                loc: primary,
                text: String::new(),
            },
            related: Vec::new(),
            help: None,
            subject: String::new(),
        }
    }

    /// The text under the primary span.
    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.primary.text = text.into();
        self
    }

    pub fn related(mut self, loc: Loc, text: impl Into<String>) -> Self {
        let label = Label {
            loc,
            text: text.into(),
        };
        if !self.related.contains(&label) && label.loc != self.primary.loc {
            self.related.push(label);
        }
        self
    }

    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = subject.into();
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// What the finding is about, for fingerprints (baseline entries, SARIF
    /// `partialFingerprints`): the subject, or the message for a rule that set none.
    pub fn identity(&self) -> &str {
        if self.subject.is_empty() {
            &self.message
        } else {
            &self.subject
        }
    }

    /// Output order: file, line, column, rule, then message for a total order.
    pub fn sort_key(&self) -> (&str, u32, &str, &str) {
        let (path, start, _) = self.primary.loc.sort_key();
        (path, start, self.rule, &self.message)
    }
}

/// A file that could not be read or parsed: exit code 2, the other files are still linted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub loc: Loc,
    pub message: String,
}

/// Something worth telling the user that is neither a finding nor an error (a skipped file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub path: String,
    pub message: String,
}

/// Everything one run produced, in output order.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
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
        self.notes.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.notes.dedup();
    }
}

impl Note {
    /// Path, then the `line:column` a note about a place starts with (as numbers, so 9:17 comes
    /// before 14:17), then the text; notes about the whole file come first.
    fn sort_key(&self) -> (&str, Option<(u64, u64)>, &str) {
        let position = self.message.split_once(": ").and_then(|(at, _)| {
            let (line, column) = at.split_once(':')?;
            Some((line.parse().ok()?, column.parse().ok()?))
        });
        (&self.path, position, &self.message)
    }
}

/// The rule id renderers show for an [`InputError`], so tools can filter on one name.
pub const INPUT_ERROR_ID: &str = "input-error";

/// How much a report holds, for the renderers' summary lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files_checked: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub input_errors: usize,
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
        }
    }
}

/// `text` with control characters (ANSI escapes among them) and bidirectional overrides shown
/// as `\u{..}`, so input-derived text cannot restyle or reorder a terminal. Keeps `\n`, `\t`.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            safe.extend(c.escape_unicode());
        } else {
            safe.push(c);
        }
    }
    std::borrow::Cow::Owned(safe)
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with labels (the default).
    Human,
    /// One line per finding: `file:line:col: severity[rule] message`.
    Concise,
    /// A versioned JSON document.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

/// Write `report` in `format`. `color` applies to `human` and `concise` only.
pub fn render(
    report: &Report,
    format: Format,
    color: bool,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, color, out),
        Format::Concise => concise::render(report, color, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Github => github::render(report, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_sort_by_path_then_numeric_position_then_text() {
        let note = |path: &str, message: &str| Note {
            path: path.to_owned(),
            message: message.to_owned(),
        };
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
