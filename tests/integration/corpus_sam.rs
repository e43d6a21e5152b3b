//! Every SAM template of the shared corpus (`../shared/corpus`: the SAM translator's inputs and
//! the cfn-lint fixtures that use `AWS::Serverless`) goes through the whole pipeline without a
//! panic, and the templates cfn-lint calls good give no input error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::fs;
use std::path::{Path, PathBuf};

use gatelint::formats::{self, DocumentKind};
use gatelint::lint::lint_bytes;
use gatelint::model::Workspace;
use gatelint::rules::Settings;
use gatelint::syntax::{self, SourceFile};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The corpus files that use SAM resources.
fn sam_templates() -> Vec<PathBuf> {
    let mut all = Vec::new();
    for folder in [
        "sam-translator/input",
        "cfn-lint",
        "cfn-lint-good",
        "cfn-lint-bad",
    ] {
        files(&corpus().join(folder), &mut all);
    }
    all.retain(|path| {
        fs::read(path)
            .ok()
            .is_some_and(|bytes| String::from_utf8_lossy(&bytes).contains("AWS::Serverless"))
    });
    all.sort();
    all
}

#[test]
fn every_sam_template_lints_without_panicking() {
    if crate::common::shared("corpus").is_none() {
        return;
    }
    let templates = sam_templates();
    assert!(
        templates.len() > 150,
        "only {} SAM templates found",
        templates.len()
    );
    let mut problems = Vec::new();
    for path in &templates {
        let display = path.strip_prefix(corpus()).unwrap().display().to_string();
        let report = lint_bytes(&display, fs::read(path).unwrap(), &Settings::default());
        // cfn-lint's good templates are valid SAM: an input error there is ours.
        if display.starts_with("cfn-lint-good/") || display.starts_with("cfn-lint/good/") {
            for error in report
                .errors
                .iter()
                .filter(|e| !super::common::undeclared_sam_transform(&e.message))
            {
                let at = error.loc.start();
                problems.push(format!(
                    "{display}:{}:{}: {}",
                    at.line, at.column, error.message
                ));
            }
        }
        // The translator's inputs often leave out the Transform line: lower them as SAM too.
        if display.starts_with("sam-translator/") {
            let text = fs::read_to_string(path).unwrap();
            let file = SourceFile::new(display.as_str(), text);
            let mut workspace = Workspace::default();
            let mut errors = Vec::new();
            for doc in syntax::parse(&file).unwrap() {
                formats::lower(&doc, DocumentKind::Sam, &mut workspace, &mut errors);
            }
            let _ = gatelint::rules::check_all(&workspace, &Settings::default());
        }
    }
    println!("{} SAM templates linted", templates.len());
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}
