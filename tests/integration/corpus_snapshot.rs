//! Every data file of the shared corpus (`../shared/corpus`, real third-party templates and
//! specs) through the whole pipeline, summarised in one snapshot: files, recognised documents by
//! kind, input errors, findings per rule, per folder. Any change of behaviour on real inputs
//! shows up in review as a change of this snapshot. No file may panic: each is linted under
//! `catch_unwind`, and the test names every file that did.
//!
//! Skipped, with a message, when the corpus is not there. Files are read and linted in
//! parallel, so the test stays fast in a debug build.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::Instant;

use gatelint::discover::{DEFAULT_EXTENSIONS, Input, InputSource};
use gatelint::formats::DocumentKind;
use gatelint::lint::{DEFAULT_MAX_FILE_SIZE, Unit, analyze_unit, units};
use gatelint::rules::{self, Settings};
use rayon::prelude::*;

/// Every file under `dir` with a data extension, sorted, as paths relative to `root`.
fn data_files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| DEFAULT_EXTENSIONS.iter().any(|d| e.eq_ignore_ascii_case(d)))
            {
                let relative = path.strip_prefix(root).unwrap();
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

/// What one file (or one Terraform module: the files of a directory) came to.
#[derive(Default)]
struct Outcome {
    files: usize,
    /// Terraform files read as part of a module.
    terraform: usize,
    kinds: Vec<DocumentKind>,
    /// The first input error's message, with its line and column.
    first_error: Option<String>,
    errors: usize,
    /// Coverage notes: APIs whose routes (or resources) gatelint could not see.
    not_visible: usize,
    /// The first coverage note, with its line and column.
    first_not_visible: Option<String>,
    findings: BTreeMap<&'static str, usize>,
    panicked: Option<String>,
}

fn input(root: &Path, relative: &str) -> Input {
    Input {
        source: InputSource::File(root.join(relative)),
        display: format!("corpus/{relative}"),
        explicit: true,
        len: None,
    }
}

/// As the CLI reads a unit: with the size cap, a SAM `DefinitionUri` loaded from beside it, and
/// a directory's Terraform files as one module.
fn lint(unit: &Unit<'_>) -> Outcome {
    let (files, terraform) = match unit {
        Unit::File(_) => (1, 0),
        Unit::Module(inputs) => (inputs.len(), inputs.len()),
    };
    let result = catch_unwind(AssertUnwindSafe(|| {
        let analysis = match analyze_unit(unit, DEFAULT_MAX_FILE_SIZE) {
            Ok(analysis) => analysis,
            Err(report) => panic!("could not be read: {:?}", report.errors),
        };
        let findings = rules::check_all(&analysis.workspace, &Settings::default());
        (analysis, findings)
    }));
    let (analysis, findings) = match result {
        Ok(done) => done,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "a panic".to_owned());
            return Outcome {
                files,
                panicked: Some(message),
                ..Outcome::default()
            };
        }
    };
    let mut outcome = Outcome {
        files,
        terraform: if analysis.recognized() { terraform } else { 0 },
        kinds: analysis.documents.iter().map(|(_, kind)| *kind).collect(),
        errors: analysis.errors.len(),
        not_visible: analysis.workspace.coverage_notes().len(),
        ..Outcome::default()
    };
    if let Some(note) = analysis.workspace.coverage_notes().first() {
        let at = note.loc.start();
        outcome.first_not_visible = Some(format!("{}:{}: {}", at.line, at.column, note.message));
    }
    if let Some(error) = analysis.errors.first() {
        let at = error.loc.start();
        outcome.first_error = Some(format!("{}:{}: {}", at.line, at.column, error.message));
    }
    for finding in findings {
        *outcome.findings.entry(finding.rule).or_default() += 1;
    }
    outcome
}

/// The folder a file is counted under: the corpus's top folder, and for the SAM translator
/// pairs its input/output half.
fn group(relative: &str) -> String {
    let mut parts = relative.split('/');
    let top = parts.next().unwrap_or("");
    match (top, parts.next()) {
        ("sam-translator", Some(half)) => format!("{top}/{half}"),
        _ => top.to_owned(),
    }
}

fn kind_name(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::OpenApi => "openapi",
        DocumentKind::CloudFormation => "cloudformation",
        DocumentKind::Sam => "sam",
        DocumentKind::Serverless => "serverless",
    }
}

#[derive(Default)]
struct Totals {
    files: usize,
    documents: BTreeMap<&'static str, usize>,
    files_with_errors: usize,
    errors: usize,
    not_visible: usize,
    findings: BTreeMap<&'static str, usize>,
}

impl Totals {
    fn add(&mut self, outcome: &Outcome) {
        self.files += outcome.files;
        for kind in &outcome.kinds {
            *self.documents.entry(kind_name(*kind)).or_default() += 1;
        }
        if outcome.terraform > 0 {
            *self.documents.entry("terraform").or_default() += outcome.terraform;
        }
        self.files_with_errors += usize::from(outcome.errors > 0);
        self.errors += outcome.errors;
        self.not_visible += outcome.not_visible;
        for (rule, count) in &outcome.findings {
            *self.findings.entry(rule).or_default() += count;
        }
    }

    fn write(&self, out: &mut String, indent: &str) {
        let documents: Vec<String> = self
            .documents
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        let findings: usize = self.findings.values().sum();
        writeln!(out, "{indent}files: {}", self.files).unwrap();
        writeln!(
            out,
            "{indent}documents: {}",
            none_if_empty(&documents.join(", "))
        )
        .unwrap();
        writeln!(
            out,
            "{indent}input errors: {} in {} files",
            self.errors, self.files_with_errors
        )
        .unwrap();
        writeln!(out, "{indent}not visible: {}", self.not_visible).unwrap();
        writeln!(out, "{indent}findings: {findings}").unwrap();
        for (rule, count) in &self.findings {
            writeln!(out, "{indent}  {rule}: {count}").unwrap();
        }
    }
}

fn none_if_empty(text: &str) -> &str {
    if text.is_empty() { "none" } else { text }
}

#[test]
fn corpus_summary() {
    let Some(root) = crate::common::shared("corpus") else {
        return;
    };
    let started = Instant::now();
    let files = data_files(&root);
    assert!(!files.is_empty(), "no data files under {}", root.display());
    let inputs: Vec<Input> = files.iter().map(|f| input(&root, f)).collect();
    let units = units(&inputs);
    let outcomes: Vec<(String, Outcome)> = units
        .par_iter()
        .map(|unit| {
            let first = match unit {
                Unit::File(input) => input.display.clone(),
                Unit::Module(inputs) => inputs
                    .first()
                    .map(|i| i.display.clone())
                    .unwrap_or_default(),
            };
            let relative = first.strip_prefix("corpus/").unwrap_or(&first).to_owned();
            (relative, lint(unit))
        })
        .collect();
    eprintln!(
        "linted {} corpus files in {:.1?}",
        outcomes.len(),
        started.elapsed()
    );

    let panicked: Vec<String> = outcomes
        .iter()
        .filter_map(|(path, o)| o.panicked.as_ref().map(|m| format!("{path}: {m}")))
        .collect();
    assert!(
        panicked.is_empty(),
        "{} corpus files panicked:\n{}",
        panicked.len(),
        panicked.join("\n")
    );

    let mut total = Totals::default();
    let mut groups: BTreeMap<String, Totals> = BTreeMap::new();
    for (path, outcome) in &outcomes {
        total.add(outcome);
        groups.entry(group(path)).or_default().add(outcome);
    }
    let mut summary = String::new();
    writeln!(summary, "panics: 0").unwrap();
    total.write(&mut summary, "");
    for (name, totals) in &groups {
        writeln!(summary, "\n{name}/").unwrap();
        totals.write(&mut summary, "  ");
    }
    writeln!(
        summary,
        "\nfiles with input errors (the first error of each):"
    )
    .unwrap();
    for (path, outcome) in &outcomes {
        if let Some(error) = &outcome.first_error {
            writeln!(summary, "  {path}:{error}").unwrap();
        }
    }
    writeln!(summary, "\nfiles with coverage notes (the first of each):").unwrap();
    for (path, outcome) in &outcomes {
        if let Some(note) = &outcome.first_not_visible {
            writeln!(summary, "  {path}:{note}").unwrap();
        }
    }
    insta::assert_snapshot!("corpus", summary);
}
