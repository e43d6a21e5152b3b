//! Every OpenAPI document in ../shared/corpus/openapi is processed without a panic; the valid
//! ones give no input error, and the deliberately invalid ones (named in that folder's README)
//! give a clean, located one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};

use gatelint::lint::lint_bytes;
use gatelint::rules::Settings;

/// The documents the corpus README calls deliberately invalid.
const INVALID: &[&str] = &[
    "APIDevTools__swagger-parser/test/specs/validate-schema/invalid/",
    "APIDevTools__swagger-parser/test/specs/validate-spec/invalid/",
    "Mermade__oas-kit/test/validator/invalidVersion/",
];

fn corpus() -> Option<PathBuf> {
    crate::common::shared("corpus/openapi")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_openapi_document_lints_cleanly_or_fails_with_a_located_error() {
    let Some(dir) = corpus() else { return };
    let files = files(&dir);
    assert!(
        files.len() >= 100,
        "expected the whole corpus, found {} files",
        files.len()
    );
    let mut recognized = 0;
    let mut invalid_seen = 0;
    for path in &files {
        let relative = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(path).unwrap();
        let report =
            std::panic::catch_unwind(|| lint_bytes(&relative, bytes, &Settings::default()))
                .unwrap_or_else(|_| panic!("{relative}: panicked"));
        let deliberately_invalid = INVALID.iter().any(|prefix| relative.starts_with(prefix));
        if deliberately_invalid {
            invalid_seen += 1;
            assert!(
                !report.errors.is_empty(),
                "{relative}: invalid on purpose, but no input error"
            );
            for error in &report.errors {
                let at = error.loc.start();
                assert!(
                    at.line >= 1 && error.loc.file.path() == relative,
                    "{relative}: error not located"
                );
                assert!(!error.message.is_empty());
            }
        } else {
            assert!(
                report.errors.is_empty(),
                "{relative}: unexpected input errors {:?}",
                report.errors
            );
        }
        recognized += usize::from(report.recognized);
    }
    assert_eq!(
        invalid_seen, 7,
        "the README names seven deliberately invalid documents"
    );
    // Every file in this folder is an OpenAPI document (the invalid version one is refused).
    assert!(
        recognized >= files.len() - 1,
        "{recognized} of {} recognised",
        files.len()
    );
}
