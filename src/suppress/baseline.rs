//! The baseline: findings accepted as they are, recorded so that only new ones are reported.
//!
//! An entry identifies a finding without line numbers: its rule, its file (relative to the
//! baseline's own directory, so the baseline works from any working directory) and its subject,
//! the API and route or resource it is about (the message, for a finding without one). Unrelated
//! edits keep a baseline valid; renaming a route or moving a file does not. Entries are a
//! multiset: two findings with the same identity (one per `Fn::If` branch) take two entries.
//!
//! The file is JSON with one entry per line, sorted, so a review shows exactly which findings
//! were accepted or fixed. It is read through our own located tree, so a damaged baseline gets
//! a located error.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{Finding, InputError};
use crate::paths::RelativeTo;
use crate::syntax::{self, Loc, NodeRef, SourceFile, Span};
use crate::text::plural;

/// The format version written in every baseline.
pub const VERSION: u64 = 1;

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub subject: String,
}

/// Turns display paths into the paths a baseline records: relative to the baseline's directory.
#[derive(Clone, Debug)]
pub struct Paths(RelativeTo);

impl Paths {
    /// Paths for a baseline at `baseline` (as given on the command line) in a run in `cwd`.
    pub fn new(cwd: &Path, baseline: &Path) -> Self {
        Paths(RelativeTo::file(cwd, baseline))
    }

    /// `display` (a path as findings show it) relative to the baseline's directory, with `/`.
    pub fn relative(&self, display: &str) -> String {
        self.0.relative(display)
    }

    pub fn entry(&self, finding: &Finding) -> Entry {
        Entry {
            path: self.relative(finding.primary.loc.file.path()),
            rule: finding.rule.to_owned(),
            subject: finding.identity().to_owned(),
        }
    }
}

/// A baseline: accepted findings, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeMap<Entry, usize>,
}

/// What applying a baseline did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Findings the baseline accepted (removed from the report).
    pub baselined: usize,
    /// Baseline entries that matched no finding: fixed, renamed or moved.
    pub stale: usize,
}

impl Baseline {
    pub fn from_findings(findings: &[Finding], paths: &Paths) -> Self {
        let mut baseline = Baseline::default();
        for finding in findings {
            *baseline.entries.entry(paths.entry(finding)).or_default() += 1;
        }
        baseline
    }

    pub fn len(&self) -> usize {
        self.entries.values().sum()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The file's text: pretty JSON with one entry per line, sorted.
    pub fn to_json(&self) -> String {
        let mut out = format!("{{\n  \"version\": {VERSION},\n  \"findings\": [");
        let mut first = true;
        for (entry, count) in &self.entries {
            let line = serde_json::to_string(entry).unwrap_or_default();
            for _ in 0..*count {
                out.push_str(if first { "\n    " } else { ",\n    " });
                out.push_str(&line);
                first = false;
            }
        }
        out.push_str(if first { "]\n}\n" } else { "\n  ]\n}\n" });
        out
    }

    /// Read a baseline from `file`; errors point into it.
    pub fn parse(file: &Arc<SourceFile>) -> Result<Baseline, InputError> {
        let error = |loc: Loc, message: &str| {
            InputError::new(loc, format!("not a gatelint baseline: {message}"))
        };
        let documents =
            syntax::parse(file).map_err(|e| error(Loc::new(file, e.span), &e.message))?;
        let Some(root) = documents.first().map(syntax::Document::root) else {
            return Err(error(Loc::new(file, Span::empty(0)), "the file is empty"));
        };
        match root.get("version") {
            Some(v) if v.as_u64() == Some(VERSION) => {}
            Some(v) => {
                return Err(error(
                    v.loc(),
                    &format!("this gatelint reads baseline version {VERSION}"),
                ));
            }
            None => return Err(error(root.loc(), "it has no `version`")),
        }
        let Some(findings) = root.get("findings").filter(|f| f.is_seq()) else {
            return Err(error(root.loc(), "it has no `findings` list"));
        };
        let mut baseline = Baseline::default();
        for item in findings.items() {
            let field = |name: &str| -> Result<String, InputError> {
                item.get(name)
                    .filter(|v| v.is_scalar())
                    .and_then(NodeRef::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| error(item.loc(), &format!("this entry has no `{name}` string")))
            };
            let entry = Entry {
                path: field("path")?,
                rule: field("rule")?,
                subject: field("subject")?,
            };
            *baseline.entries.entry(entry).or_default() += 1;
        }
        Ok(baseline)
    }

    /// Remove the findings the baseline accepts, each entry accepting one finding.
    pub fn apply(&self, findings: &mut Vec<Finding>, paths: &Paths) -> Applied {
        let mut left = self.entries.clone();
        let before = findings.len();
        findings.retain(|finding| match left.get_mut(&paths.entry(finding)) {
            Some(count) if *count > 0 => {
                *count -= 1;
                false
            }
            _ => true,
        });
        Applied {
            baselined: before - findings.len(),
            stale: left.values().sum(),
        }
    }
}

impl Applied {
    /// "3 findings in the baseline are not shown; 1 baseline entry matches nothing any more ..."
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{} not shown (in the baseline)",
            plural(self.baselined, "finding", "findings")
        );
        if self.stale > 0 {
            let _ = write!(
                text,
                "; {} no longer {} anything: fixed, renamed or moved (rewrite the baseline with \
                 --write-baseline to drop {})",
                plural(self.stale, "baseline entry", "baseline entries"),
                if self.stale == 1 { "matches" } else { "match" },
                if self.stale == 1 { "it" } else { "them" },
            );
        }
        text
    }
}
