//! Agreement with another scanner's labelled Terraform samples (`../shared/corpus/terraform`,
//! `LABELS.tsv`), for the questions gatelint also asks: KICS "API Gateway With Open Access" and
//! trivy's "No unauthorized access to API Gateway methods" (`unauthenticated-route`), and trivy's
//! "stages ... should have access logging enabled" (`no-access-log`). Each sample is linted on its
//! own. Agreement is printed as a number; every disagreement must be explained in
//! `terraform_labels_allowlist.txt`, and an entry that no longer disagrees must be removed (the
//! list may only shrink). Skipped when the corpus is not there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use gatelint::lint::lint_bytes;
use gatelint::rules::Settings;
use gatelint::syntax::{SourceFile, parse};

/// Query title → the rule that asks the same question.
const QUESTIONS: [(&str, &str); 3] = [
    ("API Gateway With Open Access", "unauthenticated-route"),
    (
        "No unauthorized access to API Gateway methods",
        "unauthenticated-route",
    ),
    (
        "API Gateway stages for V1 and V2 should have access logging enabled",
        "no-access-log",
    ),
];

struct Sample {
    /// `file` or `file#bad-2`.
    id: String,
    text: String,
    positive: bool,
    rule: &'static str,
}

fn samples(root: &Path) -> Vec<Sample> {
    let labels = fs::read_to_string(root.join("LABELS.tsv")).unwrap();
    let mut out = Vec::new();
    for line in labels.lines().skip(1) {
        let columns: Vec<&str> = line.split('\t').collect();
        let (file, title, expected) = (columns[0], columns[2], columns[3]);
        let Some((_, rule)) = QUESTIONS.iter().find(|(t, _)| *t == title) else {
            continue;
        };
        let text = fs::read_to_string(root.join(file)).unwrap();
        if expected.starts_with("mixed") {
            // trivy's check files: HCL snippets under terraform.good[] and terraform.bad[].
            let source = SourceFile::new(file, text);
            let documents = parse(&source).unwrap();
            let terraform = documents[0].root().get("terraform").unwrap();
            for (verdict, positive) in [("good", false), ("bad", true)] {
                for (n, snippet) in terraform.get(verdict).unwrap().items().enumerate() {
                    out.push(Sample {
                        id: format!("{file}#{verdict}-{}", n + 1),
                        text: snippet.as_str().unwrap().to_owned(),
                        positive,
                        rule,
                    });
                }
            }
        } else {
            out.push(Sample {
                id: file.to_owned(),
                text,
                positive: expected == "positive",
                rule,
            });
        }
    }
    out
}

#[test]
fn agreement_with_labelled_samples() {
    let Some(root) = crate::common::shared("corpus/terraform") else {
        return;
    };
    let allowlist_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/integration/terraform_labels_allowlist.txt");
    let allowed: BTreeSet<String> = fs::read_to_string(&allowlist_path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect();
    let samples = samples(&root);
    assert!(samples.len() >= 10, "{} samples", samples.len());
    let mut disagreements = BTreeSet::new();
    for sample in &samples {
        let report = lint_bytes(
            "sample.tf",
            sample.text.clone().into_bytes(),
            &Settings::default(),
        );
        assert!(
            report.errors.is_empty(),
            "{}: {:?}",
            sample.id,
            report.errors
        );
        let found = report.findings.iter().any(|f| f.rule == sample.rule);
        if found != sample.positive {
            disagreements.insert(sample.id.clone());
        }
    }
    let agreed = samples.len() - disagreements.len();
    eprintln!(
        "terraform labels: gatelint agrees on {agreed} of {} samples ({:.0} %)",
        samples.len(),
        100.0 * agreed as f64 / samples.len() as f64
    );
    let unexplained: Vec<_> = disagreements.difference(&allowed).collect();
    assert!(
        unexplained.is_empty(),
        "disagreements not in the allowlist: {unexplained:?}"
    );
    let stale: Vec<_> = allowed.difference(&disagreements).collect();
    assert!(
        stale.is_empty(),
        "allowlist entries that now agree (remove them): {stale:?}"
    );
}
