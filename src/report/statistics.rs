//! `--statistics`: how many findings each rule reported, most first (ruff's `--statistics`).

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use super::run::{INPUT_ERROR_ID, Report};
use crate::diagnostic::Severity;

#[derive(Debug, PartialEq, Eq, Serialize)]
struct Row<'a> {
    rule: &'a str,
    severity: Severity,
    count: usize,
}

/// One row per rule and severity (input errors under `input-error`), as a table or, with
/// `json`, as a JSON array of `{"rule", "severity", "count"}`.
pub fn render(report: &Report, json: bool, out: &mut dyn io::Write) -> io::Result<()> {
    let mut counts: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    for finding in &report.findings {
        *counts.entry((finding.rule, finding.severity)).or_default() += 1;
    }
    if !report.errors.is_empty() {
        counts.insert((INPUT_ERROR_ID, Severity::Error), report.errors.len());
    }
    let mut rows: Vec<Row<'_>> = counts
        .into_iter()
        .map(|((rule, severity), count)| Row {
            rule,
            severity,
            count,
        })
        .collect();
    rows.sort_by(|a, b| (b.count, a.rule, b.severity).cmp(&(a.count, b.rule, a.severity)));
    if json {
        serde_json::to_writer_pretty(&mut *out, &rows).map_err(io::Error::other)?;
        return writeln!(out);
    }
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let rule_width = rows.iter().map(|r| r.rule.len()).max().unwrap_or(0);
    for row in &rows {
        writeln!(
            out,
            "{:>count_width$}  {:rule_width$}  {}",
            row.count, row.rule, row.severity
        )?;
    }
    Ok(())
}
