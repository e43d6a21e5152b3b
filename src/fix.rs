//! Applying fixes (`check --fix`, `--unsafe-fixes`, `--diff`): the findings' edits are applied
//! to the source text as byte-range replacements (comments and formatting stay as they are),
//! the text is linted again and the fixes of the new findings applied, until nothing changes.
//! After every round the text is parsed again: a fix that would make the document unreadable
//! (or no longer an API document) is dropped and reported. Only edits in the file being fixed
//! are applied, never in a file it loads.

use crate::diagnostic::{Applicability, Finding};
use crate::lint;
use crate::rules::Settings;
use crate::syntax::Span;

/// At most this many rounds of lint-and-fix per file (each round applies every fix that does
/// not overlap another; a fix that uncovers another is taken in the next round).
const MAX_ROUNDS: usize = 10;

/// Which fixes to apply.
#[derive(Clone, Copy, Debug)]
pub struct FixOptions {
    /// Apply the unsafe fixes as well (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// Honour the suppressions (unless `--ignore-suppressions`): a suppressed finding is not
    /// fixed.
    pub apply_suppressions: bool,
}

/// A fix that was not applied because the result would not parse (or would no longer be an
/// API document).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    pub rule: &'static str,
    pub line: usize,
    pub column: usize,
    pub title: String,
    pub why: String,
}

/// The result of fixing one file's text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileFixes {
    pub fixed: String,
    /// How many findings the applied fixes resolved.
    pub applied: usize,
    pub dropped: Vec<Dropped>,
}

/// Whether `finding` has a fix `options` allows.
pub fn allowed(finding: &Finding, options: FixOptions) -> bool {
    finding
        .fix
        .as_ref()
        .is_some_and(|fix| fix.applicability == Applicability::Safe || options.unsafe_fixes)
}

/// Fix the text of the file `path` (the display path its findings carry) until nothing changes.
pub fn fix_text(path: &str, text: &str, settings: &Settings, options: FixOptions) -> FileFixes {
    let mut result = FileFixes {
        fixed: text.to_owned(),
        ..FileFixes::default()
    };
    for _ in 0..MAX_ROUNDS {
        let current = result.fixed.clone();
        let report = lint::lint_bytes_with(
            path,
            current.clone().into_bytes(),
            settings,
            options.apply_suppressions,
        );
        let before = Health::of(path, &current);
        let mut candidates: Vec<(&Finding, Vec<(Span, &str)>)> = report
            .findings
            .iter()
            .filter(|finding| allowed(finding, options))
            .filter_map(|finding| {
                let fix = finding.fix.as_ref()?;
                let mut edits = Vec::new();
                for edit in &fix.edits {
                    // Never an edit in another file (a DefinitionUri, a CDK source).
                    if edit.range.file.path() != path || edit.range.file.text() != current {
                        return None;
                    }
                    edits.push((edit.range.span, edit.replacement.as_str()));
                }
                edits.sort_by_key(|(span, _)| (span.start, span.end));
                (!edits.is_empty()).then_some((finding, edits))
            })
            .collect();
        candidates.sort_by(|a, b| a.1.first().map(|e| e.0).cmp(&b.1.first().map(|e| e.0)));
        let mut chosen: Vec<Vec<(Span, &str)>> = Vec::new();
        let mut resolved = 0;
        for (finding, edits) in candidates {
            if chosen.contains(&edits) {
                // The same edit for another finding (one comment, two unused rule ids).
                resolved += 1;
                continue;
            }
            if chosen
                .iter()
                .flatten()
                .any(|(taken, _)| edits.iter().any(|(span, _)| overlaps(*taken, *span)))
            {
                continue;
            }
            let Some(trial) = apply(&current, &edits) else {
                continue;
            };
            if let Some(why) = before.broken_by(&Health::of(path, &trial)) {
                let at = finding.primary.loc.start();
                let dropped = Dropped {
                    rule: finding.rule,
                    line: at.line,
                    column: at.column,
                    title: finding
                        .fix
                        .as_ref()
                        .map(|f| f.title.clone())
                        .unwrap_or_default(),
                    why,
                };
                if !result.dropped.contains(&dropped) {
                    result.dropped.push(dropped);
                }
                continue;
            }
            chosen.push(edits);
            resolved += 1;
        }
        let all: Vec<(Span, &str)> = chosen.iter().flatten().copied().collect();
        let Some(mut next) = apply(&current, &all) else {
            break;
        };
        if before.broken_by(&Health::of(path, &next)).is_some() {
            // Each fix parses alone but not together: take the first one this round.
            match chosen.first().and_then(|edits| apply(&current, edits)) {
                Some(one) => {
                    next = one;
                    resolved = 1;
                }
                None => break,
            }
        }
        if next == current {
            break;
        }
        result.fixed = next;
        result.applied += resolved;
    }
    result
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start == b.start || (a.start < b.end && b.start < a.end)
}

/// `text` with the sorted, non-overlapping `edits` applied; `None` if an edit is out of
/// bounds or not on character boundaries.
fn apply(text: &str, edits: &[(Span, &str)]) -> Option<String> {
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|(span, _)| (span.start, span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (span, replacement) in sorted {
        let range = span.range();
        if range.start < at {
            return None;
        }
        out.push_str(text.get(at..range.start)?);
        text.get(range.clone())?;
        out.push_str(replacement);
        at = range.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// How well a text parses, to tell whether a fix broke it.
struct Health {
    errors: usize,
    unreadable: bool,
    recognized: bool,
    first_error: Option<String>,
}

impl Health {
    fn of(path: &str, text: &str) -> Health {
        let analysis = lint::analyze(path, text.as_bytes().to_vec());
        Health {
            errors: analysis.errors.len(),
            unreadable: analysis.unparsed.is_some(),
            recognized: analysis.recognized(),
            first_error: analysis
                .errors
                .first()
                .map(|e| e.message.clone())
                .or(analysis.unparsed.clone()),
        }
    }

    fn broken_by(&self, after: &Health) -> Option<String> {
        let worse = after.errors > self.errors
            || (after.unreadable && !self.unreadable)
            || (self.recognized && !after.recognized);
        worse.then(|| {
            after
                .first_error
                .clone()
                .unwrap_or_else(|| "the document would no longer be an API document".into())
        })
    }
}

/// A unified diff of `old` and `new`, with `path` in the headers (empty when they are equal).
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let mut diff = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    if !diff.ends_with('\n') {
        diff.push('\n');
    }
    diff
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const DOC: &str = "openapi: 3.0.1\ninfo: {title: T, version: '1'}\npaths: {}\n";

    #[test]
    fn an_edit_that_breaks_the_document_is_detected() {
        let before = Health::of("api.yaml", DOC);
        assert!(before.broken_by(&Health::of("api.yaml", DOC)).is_none());
        // Unbalanced flow mapping: no longer parses.
        let broken = apply(DOC, &[(Span::new(44, 45), "")]).unwrap();
        assert_ne!(broken, DOC);
        assert!(before.broken_by(&Health::of("api.yaml", &broken)).is_some());
        // Still YAML, but no longer an API document.
        let renamed = apply(DOC, &[(Span::new(0, 7), "swag")]).unwrap();
        assert!(
            before
                .broken_by(&Health::of("api.yaml", &renamed))
                .is_some()
        );
    }

    #[test]
    fn edits_apply_in_order_and_never_overlap_or_split_a_char() {
        assert_eq!(
            apply("abcdef", &[(Span::new(4, 5), "E"), (Span::new(0, 1), "")]).unwrap(),
            "bcdEf"
        );
        assert!(apply("abcdef", &[(Span::new(0, 3), ""), (Span::new(2, 4), "")]).is_none());
        assert!(apply("é", &[(Span::new(1, 2), "")]).is_none());
        assert!(apply("ab", &[(Span::new(1, 9), "")]).is_none());
    }
}
