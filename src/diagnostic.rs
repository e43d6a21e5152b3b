//! The vocabulary every stage speaks: findings and their labels, severities, input errors,
//! notes, and a rule's identity. It sits at the bottom, beside `syntax` and `model`, and
//! depends on nothing above it: formats, rules, suppression and the renderers all use it.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::syntax::{Loc, SourceFile, Span, SyntaxError};

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

/// A located piece of text in a diagnostic. Most label texts are fixed words ("the route"),
/// kept once in the binary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub loc: Loc,
    pub text: Cow<'static, str>,
}

/// One rule violation. A large file's findings (tens of thousands) are kept until the file's
/// are written: their texts are sized exactly, fixed texts are not copied, and what few have
/// (a fix) is kept aside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub related: Vec<Label>,
    /// How to fix it: most rules' help is fixed text, kept once in the binary.
    pub help: Option<Cow<'static, str>>,
    /// What the finding is about, independent of line numbers (e.g. "PetApi GET /pets"):
    /// with the rule and the file, it fingerprints the finding for baselines.
    pub subject: String,
    /// The resource, key path and CDK construct of the primary location, filled in after the
    /// rules ran.
    pub provenance: Provenance,
    /// The edit that resolves the finding, when there is one obviously right edit.
    pub fix: Option<Box<Fix>>,
}

impl Finding {
    /// A finding of `rule` at `primary`, with the rule's default severity.
    pub fn new(rule: &RuleMeta, primary: Loc, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.id,
            severity: rule.severity,
            message: exact(message.into()),
            primary: Label {
                loc: primary,
                text: Cow::Borrowed(""),
            },
            related: Vec::new(),
            help: None,
            subject: String::new(),
            provenance: Provenance::default(),
            fix: None,
        }
    }

    /// Attach the edit that resolves this finding.
    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix.map(Box::new);
        self
    }

    /// The text under the primary span.
    pub fn label(mut self, text: impl Into<Cow<'static, str>>) -> Self {
        self.primary.text = exact_text(text.into());
        self
    }

    pub fn related(mut self, loc: Loc, text: impl Into<Cow<'static, str>>) -> Self {
        let label = Label {
            loc,
            text: exact_text(text.into()),
        };
        if !self.related.contains(&label) && label.loc != self.primary.loc {
            // Findings are kept until their file is written, most with one or two labels.
            self.related.reserve_exact(1);
            self.related.push(label);
        }
        self
    }

    pub fn help(mut self, text: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(text.into());
        self
    }

    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = exact(subject.into());
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

/// `text` without the room `format!` left at its end.
fn exact(mut text: String) -> String {
    text.shrink_to_fit();
    text
}

/// [`exact`] for a text that may be fixed words.
fn exact_text(text: Cow<'static, str>) -> Cow<'static, str> {
    match text {
        Cow::Owned(text) => Cow::Owned(exact(text)),
        fixed => fixed,
    }
}

/// Whether a fix may be applied without review (`check --fix`) or only on request
/// (`--unsafe-fixes`), as ruff marks them: an unsafe fix changes what the deployed API does for
/// its callers (a function URL that now wants signed requests, a server URL that changes scheme).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// One replacement of a byte range of a source text. The range is in `range.file`; an empty
/// range inserts, an empty replacement deletes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Loc,
    pub replacement: String,
}

impl Edit {
    pub fn replace(range: Loc, replacement: impl Into<String>) -> Self {
        Edit {
            range,
            replacement: replacement.into(),
        }
    }

    pub fn delete(range: Loc) -> Self {
        Edit::replace(range, "")
    }
}

/// The edits that resolve a finding, all in the finding's file, applied together or not at
/// all. No fix adds or removes authentication on a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, in the imperative: "set `EnableTokenRevocation: true`".
    pub title: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            title: title.into(),
            edits,
            applicability: Applicability::Safe,
        }
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            title: title.into(),
            edits,
            applicability: Applicability::Unsafe,
        }
    }
}

/// The template resource and key path a finding's primary location is in, and for a template
/// the AWS CDK synthesized, the construct that made the resource. Every renderer can show it;
/// the JSON output always carries it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The logical id of the CloudFormation or SAM resource.
    pub logical_id: Option<Box<str>>,
    /// A JSON Pointer (RFC 6901) from the document root to the node the finding points at:
    /// `/Resources/ApiGET/Properties/AuthorizationType`, `/paths/~1pets/get`.
    pub property_path: Option<Box<str>>,
    /// The CDK construct path as CDK writes it (`/Stack/Api/Default/pets/GET/Resource`).
    pub construct_path: Option<Box<str>>,
    /// The construct's class from the assembly's `tree.json`
    /// (`aws-cdk-lib.aws_apigateway.Method`).
    pub construct_type: Option<Box<str>>,
}

/// A file that could not be read or parsed: exit code 2, the other files are still linted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub loc: Loc,
    pub message: String,
}

impl InputError {
    /// An error at `loc`.
    pub fn new(loc: Loc, message: impl Into<String>) -> Self {
        InputError {
            loc,
            message: message.into(),
        }
    }

    /// Why `file` could not be decoded or parsed, at the offending character.
    pub fn syntax(file: &Arc<SourceFile>, error: SyntaxError) -> Self {
        InputError::new(Loc::new(file, error.span), error.message)
    }

    /// An error about the file shown as `path` as a whole (it cannot be read, discovery
    /// refused it): there is no place in it to point at, so it is located at its start.
    pub fn whole_file(path: &str, message: impl Into<String>) -> Self {
        let file = SourceFile::new(path, String::new());
        InputError::new(Loc::new(&file, Span::empty(0)), message)
    }
}

/// What gatelint could not see that a rule needs, located at the cause: a coverage note
/// ("routes of PetApi not visible: the definition is in S3"). Shown in every format, never a
/// finding: it changes no exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub loc: Loc,
    pub message: String,
    /// The resource the note is on (its construct, on a CDK template).
    pub provenance: Provenance,
}

/// Something worth telling the user that is neither a finding nor an error (a skipped file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The file the note is about; none for a note about the whole run (`--max-findings`).
    pub path: Option<String>,
    pub message: String,
    pub kind: NoteKind,
}

/// Whether a note survives `--quiet`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoteKind {
    /// What was done (a suppression applied, a baseline written): `--quiet` drops it.
    Info,
    /// Something was not linted or not shown (a file skipped): `--quiet` keeps it, and the
    /// `github` format makes it a warning annotation.
    Warning,
}

impl Note {
    pub fn info(path: impl Into<String>, message: impl Into<String>) -> Note {
        Note {
            path: Some(path.into()),
            message: message.into(),
            kind: NoteKind::Info,
        }
    }

    /// Something about the whole run that was not shown (findings `--max-findings` left out):
    /// about no file, and kept under `--quiet`.
    pub fn run_warning(message: impl Into<String>) -> Note {
        Note {
            path: None,
            message: message.into(),
            kind: NoteKind::Warning,
        }
    }

    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Note {
        Note {
            path: Some(path.into()),
            message: message.into(),
            kind: NoteKind::Warning,
        }
    }

    /// Path, then the `line:column` a note about a place starts with (as numbers, so 9:17 comes
    /// before 14:17), then the text; notes about the whole file come first, and notes about
    /// the run last.
    pub fn sort_key(&self) -> (bool, &str, Option<(u64, u64)>, &str) {
        let position = self.message.split_once(": ").and_then(|(at, _)| {
            let (line, column) = at.split_once(':')?;
            Some((line.parse().ok()?, column.parse().ok()?))
        });
        (
            self.path.is_none(),
            self.path.as_deref().unwrap_or_default(),
            position,
            &self.message,
        )
    }
}

/// A rule's identity. The id is its one public name: configuration, suppressions, SARIF
/// `ruleId` and the docs all use it.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub severity: Severity,
    /// The rule's documentation, `rules/<id>.md`.
    pub doc: &'static str,
    /// Off unless the configuration or the command line switches it on.
    pub opt_in: bool,
}

impl RuleMeta {
    /// The one-line summary: the first paragraph after the doc's title.
    pub fn summary(&self) -> &'static str {
        self.doc
            .lines()
            .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large file's findings are all held until they are written.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_finding_stays_small() {
        assert!(size_of::<Finding>() <= 232, "{}", size_of::<Finding>());
    }

    #[test]
    fn texts_are_kept_exactly_and_fixed_labels_are_not_copied() {
        const META: RuleMeta = RuleMeta {
            id: "r",
            severity: Severity::Error,
            doc: "",
            opt_in: false,
        };
        let file = SourceFile::new("t.yaml", "x".to_owned());
        let at = Loc::new(&file, Span::new(0, 1));
        let mut message = String::with_capacity(100);
        message.push('m');
        let finding = Finding::new(&META, at.clone(), message)
            .label("fixed")
            .related(at, format!("{}", 1))
            .subject(String::with_capacity(50) + "s");
        assert_eq!(finding.message.capacity(), 1);
        assert_eq!(finding.subject.capacity(), 1);
        assert!(matches!(finding.primary.text, Cow::Borrowed("fixed")));
        assert!(
            finding.related.is_empty(),
            "a label at the primary location is dropped"
        );
    }
}
