//! Suppression, the stage between the rules and the renderers.
//!
//! [`collect`] finds the suppressions written in the sources (`sources.rs`): a comment
//! `# gatelint: ignore[rule-id, ...] reason`, resource `Metadata`, an OpenAPI
//! `x-gatelint-ignore`. Each has a [`Scope`]; [`apply`] removes the findings a suppression
//! covers and reports every rule id that covered nothing as `unused-suppression`. The
//! [`baseline`] removes the findings accepted earlier.

pub mod baseline;
mod removal;
mod sources;
mod suppression;

pub use sources::{EXTENSION, METADATA_KEY, Suppressions, collect, collect_hcl};
pub use suppression::{
    ListEntry, MalformedSuppression, Scope, SuppressedRule, Suppression, SuppressionKind,
};

use crate::collections::HashMap;
use crate::diagnostic::{Edit, Finding, Fix, Severity};
use crate::rules::{self, Rule, Settings, UnusedSuppression};
use crate::syntax::{Loc, Span};

/// A finding a suppression removed, with the suppression's reason.
#[derive(Clone, Debug)]
pub struct Suppressed {
    pub finding: Finding,
    pub kind: SuppressionKind,
    pub reason: Option<String>,
}

/// Remove from `findings` those a suppression covers; add an `unused-suppression` finding for
/// every suppressed rule id that covered nothing (unless its rule is off in `settings`) and for
/// every malformed suppression. Findings of `unused-suppression` itself are never suppressed.
pub fn apply(
    findings: Vec<Finding>,
    suppressions: &[Suppression],
    malformed: &[MalformedSuppression],
    settings: &Settings,
) -> (Vec<Finding>, Vec<Suppressed>) {
    let unused_id = UnusedSuppression.meta().id;
    let mut used: HashMap<(usize, usize), bool> = HashMap::default();
    let mut kept = findings;
    // The suppressions of the findings taken out, in order. The findings are taken out of
    // the vector they are in: a large file's findings are not copied into a second one.
    let mut by_each = Vec::new();
    let taken: Vec<Finding> = kept
        .extract_if(.., |finding| {
            let mut by = None;
            if finding.rule != unused_id {
                for (s, suppression) in suppressions.iter().enumerate() {
                    if !suppression.scope.covers(finding) {
                        continue;
                    }
                    for (r, rule) in suppression.rules.iter().enumerate() {
                        if rule.id == finding.rule {
                            used.insert((s, r), true);
                            by.get_or_insert(suppression);
                        }
                    }
                }
            }
            by_each.extend(by);
            by.is_some()
        })
        .collect();
    let suppressed: Vec<Suppressed> = taken
        .into_iter()
        .zip(by_each)
        .map(|(finding, suppression)| Suppressed {
            finding,
            kind: suppression.kind,
            reason: suppression.reason.clone(),
        })
        .collect();
    let mut unused = Vec::new();
    // Whether each suppression suppresses nothing at all (every rule it names is reported).
    let all_unused: Vec<bool> = suppressions
        .iter()
        .enumerate()
        .map(|(s, suppression)| {
            suppression.rules.iter().enumerate().all(|(r, rule)| {
                !used.contains_key(&(s, r))
                    && rules::find(&rule.id).is_some()
                    && settings.is_enabled(&rule.id)
            })
        })
        .collect();
    for (s, suppression) in suppressions.iter().enumerate() {
        if suppression.rules.iter().any(|rule| rule.id == unused_id) {
            continue;
        }
        let reported = |r: usize, rule: &SuppressedRule| {
            !used.contains_key(&(s, r))
                && rules::find(&rule.id).is_some()
                && settings.is_enabled(&rule.id)
        };
        let whole = suppression
            .rules
            .iter()
            .enumerate()
            .all(|(r, rule)| reported(r, rule));
        for (r, rule) in suppression.rules.iter().enumerate() {
            if used.contains_key(&(s, r)) {
                continue;
            }
            if rules::find(&rule.id).is_none() {
                unused.push(unknown_rule(suppression, rule));
            } else if settings.is_enabled(&rule.id) {
                let fix = match &suppression.comment {
                    Some(comment) if whole => remove_comment(comment),
                    Some(comment) => remove_rule_id(comment, &rule.loc),
                    None => suppression.removal.as_ref().and_then(|entry| {
                        // When every entry of the list is unused, the list goes as a whole (an
                        // emptied list would be malformed); else this entry alone.
                        let whole_list =
                            suppressions.iter().zip(&all_unused).all(|(other, unused)| {
                                *unused
                                    || other.removal.as_ref().is_none_or(|o| o.list != entry.list)
                            });
                        let edit = if whole_list {
                            &entry.whole
                        } else {
                            &entry.item
                        };
                        edit.clone().map(|edit| {
                            Fix::safe("remove the unused suppression entry", vec![edit])
                        })
                    }),
                };
                unused.push(suppresses_nothing(suppression, rule).fix(fix));
            }
        }
    }
    for problem in malformed {
        unused.push(
            Finding::new(
                UnusedSuppression.meta(),
                problem.loc.clone(),
                problem.message.clone(),
            )
            .label("gatelint cannot read this suppression")
            .severity(Severity::Error)
            .subject(format!("malformed {}", problem.loc.text()))
            .help(
                "write `# gatelint: ignore[rule-id, ...] reason`, `x-gatelint-ignore: [rule-id]` \
                 or `Metadata: {gatelint: {ignore: [{rule: rule-id, reason: ...}]}}`",
            ),
        );
    }
    let unused: Vec<Finding> = unused
        .into_iter()
        .filter_map(|f| settings.configure(f))
        .collect();
    kept.reserve_exact(unused.len());
    kept.extend(unused);
    (kept, suppressed)
}

fn where_it_is(suppression: &Suppression) -> String {
    match suppression.kind {
        // A comment written alone above a Terraform block covers the whole block.
        SuppressionKind::Comment => match &suppression.scope {
            Scope::Node(block) if !suppression.target.starts_with("function ") => format!(
                "anywhere in the block it is written above (`{}`)",
                block
                    .text()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches('{')
                    .trim()
            ),
            _ => "on this line or the next".into(),
        },
        SuppressionKind::Metadata => "on this resource".into(),
        SuppressionKind::Extension if suppression.target == "root" => "in this API".into(),
        SuppressionKind::Extension => format!("on {}", suppression.target),
    }
}

fn suppresses_nothing(suppression: &Suppression, rule: &SuppressedRule) -> Finding {
    let reason = suppression
        .reason
        .as_deref()
        .map(|r| format!(" (reason given: {r})"))
        .unwrap_or_default();
    Finding::new(
        UnusedSuppression.meta(),
        rule.loc.clone(),
        format!(
            "the suppression of `{}` suppresses nothing: there is no such finding {}{reason}",
            rule.id,
            where_it_is(suppression)
        ),
    )
    .label("unused")
    .subject(format!("{} {}", rule.id, suppression.target))
    .help("remove it (or this rule id from its list); if the finding moved, move it along")
}

fn unknown_rule(suppression: &Suppression, rule: &SuppressedRule) -> Finding {
    let suggestion = rules::closest(&rule.id)
        .map(|id| format!("; did you mean `{id}`?"))
        .unwrap_or_default();
    Finding::new(
        UnusedSuppression.meta(),
        rule.loc.clone(),
        format!("`{}` is not a gatelint rule{suggestion}", rule.id),
    )
    .label("no such rule")
    .severity(Severity::Error)
    .subject(format!("{} {}", rule.id, suppression.target))
    .help("`gatelint rules` lists the rule ids")
}

/// Delete a suppression comment: its whole line when it is alone on it, else the comment and
/// the blanks before it.
fn remove_comment(comment: &Loc) -> Option<Fix> {
    let file = &comment.file;
    let start = comment.span.start as usize;
    let line = file.line_index(start);
    let line_span = file.line_span(line);
    let before = file.slice(Span::new(line_span.start as usize, start));
    let span = if before.trim().is_empty() {
        let next = if line + 1 < file.line_count() {
            file.line_span(line + 1).start as usize
        } else {
            line_span.end as usize
        };
        Span::new(line_span.start as usize, next)
    } else {
        let code_end = line_span.start as usize + before.trim_end().len();
        Span::new(code_end, comment.span.end.max(line_span.end) as usize)
    };
    Some(Fix::safe(
        "remove the unused suppression comment",
        vec![Edit::delete(Loc::new(file, span))],
    ))
}

/// Delete one rule id from a comment's `ignore[...]` list, with the comma that separates it
/// from its neighbour.
fn remove_rule_id(comment: &Loc, id: &Loc) -> Option<Fix> {
    let file = &comment.file;
    let text = file.text();
    let (start, end) = (id.span.start as usize, id.span.end as usize);
    let after = text.get(end..comment.span.end as usize)?;
    let trimmed = after.trim_start();
    let span = if let Some(rest) = trimmed.strip_prefix(',') {
        let next = rest.len() - rest.trim_start().len();
        Span::new(start, comment.span.end as usize - rest.len() + next)
    } else {
        let before = text.get(comment.span.start as usize..start)?;
        let comma = before.trim_end().strip_suffix(',')?;
        Span::new(comment.span.start as usize + comma.len(), end)
    };
    Some(Fix::safe(
        format!("remove `{}` from the suppression", file.slice(id.span)),
        vec![Edit::delete(Loc::new(file, span))],
    ))
}
