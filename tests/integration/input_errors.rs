//! Every input error the SAM and CloudFormation lowerings raise, one fixture each under
//! `fixtures/input-errors/`: a template the translator (or CloudFormation) rejects whatever the
//! parameters are, with the rule it breaks (`# translator:`) and the one error expected at its
//! line and column (`# expect: LINE:COLUMN words of the message`). The `ok-*` fixtures write
//! intrinsics where the translator resolves them, and expect no input error at all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fs;
use std::path::Path;

use gatelint::lint::analyze;

#[test]
fn each_input_error_at_its_location_and_none_for_resolved_intrinsics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/input-errors");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 70, "{}", files.len());
    let mut failures = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&path).unwrap();
        let mut header = text.lines();
        assert!(
            header.next().unwrap().starts_with("# translator: "),
            "{name}: no translator rule"
        );
        let expect = header
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{name}: no expectation"));
        let analysis = analyze(&name, text.clone().into_bytes());
        let errors: Vec<String> = analysis
            .errors
            .iter()
            .map(|e| {
                let at = e.loc.start();
                format!("{}:{} {}", at.line, at.column, e.message)
            })
            .collect();
        let ok = if expect == "no input error" {
            errors.is_empty()
        } else {
            let (loc, words) = expect.split_once(' ').unwrap();
            errors.len() == 1
                && errors[0].starts_with(&format!("{loc} "))
                && errors[0].contains(words)
        };
        if !ok {
            failures.push(format!("{name}: expected `{expect}`, got {errors:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
