//! Every CloudFormation and SAM template of the shared corpus (`../shared/corpus`: the cfn-lint
//! fixtures, checkov's CloudFormation fixtures and the SAM translator's CloudFormation outputs)
//! goes through the whole pipeline without a panic and without an input error, except the four
//! files that do not parse on purpose (named in the corpus README), which fail alone with a
//! located error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::fs;
use std::path::{Path, PathBuf};

use gatelint::lint::{FileReport, lint_bytes};
use gatelint::rules::Settings;
use rayon::prelude::*;

/// The folders of templates, relative to the corpus.
const FOLDERS: [&str; 5] = [
    "cfn-lint",
    "cfn-lint-good",
    "cfn-lint-bad",
    "checkov/tests/cloudformation",
    "sam-translator/output",
];

/// The files that are not YAML or JSON on purpose (corpus README, `cfn-lint/`).
const UNPARSABLE: [&str; 4] = [
    "cfn-lint-bad/bad/template.yaml",
    "cfn-lint-bad/bad/json_parse.json",
    "cfn-lint-bad/bad/core/config_invalid_json.json",
    "cfn-lint-bad/bad/core/config_invalid_yaml.yaml",
];

/// Templates CloudFormation (or the SAM translator) rejects whatever the parameters, with the
/// input error each gets.
const REJECTED: [(&str, &str); 8] = [
    (
        "cfn-lint-bad/bad/functions/foreach_no_transform.yaml",
        "`Fn::ForEach` needs `Transform: AWS::LanguageExtensions`",
    ),
    (
        "cfn-lint-bad/bad/mappings/name.yaml",
        "the mapping logical id `Bad.Name` is not alphanumeric",
    ),
    // An AWS::Serverless::Api without Properties: the translator stops at the missing StageName.
    (
        "cfn-lint/bad/transform/no_properties.yaml",
        "AWS::Serverless::Api MyApi has no StageName",
    ),
    // Logical ids with `.`, `_` or `-` (cfn-lint's tests of names, and two templates that test
    // other rules with such a resource): CloudFormation rejects them as non alphanumeric.
    (
        "cfn-lint-bad/bad/outputs/name.yaml",
        "the output logical id `dns.Name` is not alphanumeric",
    ),
    (
        "cfn-lint-bad/bad/parameters/name.yaml",
        "the parameter logical id `image.Id` is not alphanumeric",
    ),
    (
        "cfn-lint-bad/bad/properties_az.yaml",
        "the resource logical id `mySubnet2-2` is not alphanumeric",
    ),
    (
        "cfn-lint-bad/bad/properties_ec2_network.yaml",
        "the resource logical id `mySubnet",
    ),
    (
        "cfn-lint-bad/bad/resources/name.yaml",
        "the resource logical id `my",
    ),
];

fn corpus() -> Option<PathBuf> {
    crate::common::shared("corpus")
}

fn templates(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            templates(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json" | "template")
        ) {
            out.push(path);
        }
    }
}

#[test]
fn every_corpus_template_lints_without_panic_or_input_error() {
    let Some(corpus) = corpus() else { return };
    let mut files = Vec::new();
    for folder in FOLDERS {
        templates(&corpus.join(folder), &mut files);
    }
    files.sort();
    assert!(
        files.len() >= 600,
        "expected the whole corpus, found {} templates",
        files.len()
    );
    let reports: Vec<(String, Option<FileReport>)> = files
        .par_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(&corpus)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = fs::read(path).unwrap();
            let report =
                std::panic::catch_unwind(|| lint_bytes(&relative, bytes, &Settings::default()))
                    .ok();
            (relative, report)
        })
        .collect();
    let mut problems = Vec::new();
    let mut unparsable_seen = 0;
    for (relative, report) in &reports {
        let Some(report) = report else {
            problems.push(format!("{relative}: panicked"));
            continue;
        };
        // The translator's error outputs are its error messages, not templates; every other
        // output is a template.
        let translator_template = relative.starts_with("sam-translator/output/")
            && !relative.starts_with("sam-translator/output/error_");
        if translator_template && !report.recognized {
            problems.push(format!("{relative}: not recognised as a template"));
        }
        if UNPARSABLE.contains(&relative.as_str()) {
            unparsable_seen += 1;
            if report.errors.is_empty() {
                problems.push(format!(
                    "{relative}: unparsable on purpose, but no input error"
                ));
            }
            for error in &report.errors {
                let at = error.loc.start();
                if at.line < 1 || error.loc.file.path() != relative || error.message.is_empty() {
                    problems.push(format!("{relative}: error not located: {error:?}"));
                }
            }
        } else {
            let rejected = REJECTED
                .iter()
                .find(|(file, _)| *file == relative.as_str())
                .map(|(_, message)| *message);
            if let Some(message) = rejected
                && !report.errors.iter().any(|e| e.message.starts_with(message))
            {
                problems.push(format!("{relative}: no input error `{message}`"));
            }
            for error in report.errors.iter().filter(|e| {
                !super::common::undeclared_sam_transform(&e.message)
                    && rejected.is_none_or(|message| !e.message.starts_with(message))
            }) {
                let at = error.loc.start();
                problems.push(format!(
                    "{relative}:{}:{}: input error: {}",
                    at.line, at.column, error.message
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
    assert_eq!(unparsable_seen, UNPARSABLE.len());
    let recognized = reports
        .iter()
        .filter(|(_, r)| r.as_ref().is_some_and(|r| r.recognized))
        .count();
    // Besides the translator's error outputs, only a few cfn-lint fixtures (empty files,
    // snippets, module schemas) are not templates.
    assert!(
        recognized >= 590,
        "only {recognized} of {} files were recognised as templates",
        files.len()
    );
}
