//! Every registered rule's documentation, `rules/<id>.md`: the fixed sections in order, a one-line
//! summary, and examples that do what their label says (each `bad` block is linted and must
//! produce the rule's finding, each `good` block must produce no finding at all). Also: no doc
//! without a rule, no rule without fixtures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use gatelint::lint::lint_bytes;
use gatelint::rules::RULES;

/// The `##` sections every doc has, in this order; `Configuration` only where a rule has options.
const SECTIONS: [&str; 5] = [
    "Why it matters",
    "Examples",
    "How to fix",
    "Configuration",
    "References",
];
const OPTIONAL_SECTION: &str = "Configuration";
/// The `###` subsections of `## Examples`, in this order.
const EXAMPLE_KINDS: [&str; 2] = ["Bad", "Good"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Bad,
    Good,
}

/// A fenced code block whose info string is `<lang> <verdict>`.
#[derive(Debug)]
struct Example {
    lang: String,
    verdict: Verdict,
    /// The `###` heading the block sits under (`None` outside `## Examples`).
    kind: Option<String>,
    /// 1-based line of the opening fence.
    line: usize,
    text: String,
}

#[derive(Debug, Default)]
struct Outline {
    title: Option<String>,
    /// The lines of the first paragraph after the title.
    summary: Vec<String>,
    /// `(level, text, 1-based line)` of every `##` and `###` heading outside code blocks.
    headings: Vec<(usize, String, usize)>,
    /// `##` section name → whether it has any text or code.
    filled: Vec<(String, bool)>,
    examples: Vec<Example>,
    /// Problems found while reading (bad info strings, unclosed fences).
    problems: Vec<String>,
}

fn outline(doc: &str) -> Outline {
    let mut out = Outline::default();
    let mut fence: Option<(String, usize, String)> = None;
    let mut section: Option<String> = None;
    let mut kind: Option<String> = None;
    let mut in_summary = false;
    for (index, line) in doc.lines().enumerate() {
        let number = index + 1;
        if let Some((info, start, body)) = &mut fence {
            if line.trim_start().starts_with("```") {
                let words: Vec<&str> = info.split_whitespace().collect();
                match words.as_slice() {
                    [lang, verdict] => {
                        let verdict = match *verdict {
                            "bad" => Some(Verdict::Bad),
                            "good" => Some(Verdict::Good),
                            other => {
                                out.problems.push(format!(
                                    "line {start}: unknown verdict `{other}` (use `bad` or `good`)"
                                ));
                                None
                            }
                        };
                        if !matches!(*lang, "yaml" | "json" | "hcl") {
                            out.problems
                                .push(format!("line {start}: a labelled example must be `yaml`, `json` or `hcl`, not `{lang}`"));
                        } else if let Some(verdict) = verdict {
                            let in_examples = section.as_deref() == Some("Examples");
                            out.examples.push(Example {
                                lang: (*lang).to_owned(),
                                verdict,
                                kind: if in_examples { kind.clone() } else { None },
                                line: *start,
                                text: body.clone(),
                            });
                        }
                    }
                    [] | [_] => {}
                    _ => out.problems.push(format!(
                        "line {start}: info string `{info}` is not `<lang> <verdict>`"
                    )),
                }
                fence = None;
            } else {
                body.push_str(line);
                body.push('\n');
            }
            continue;
        }
        if let Some(info) = line.trim_start().strip_prefix("```") {
            fence = Some((info.trim().to_owned(), number, String::new()));
            mark_filled(&mut out, &section);
            in_summary = false;
            continue;
        }
        if let Some(title) = line.strip_prefix("# ") {
            if out.title.is_none() && number == 1 {
                out.title = Some(title.trim().to_owned());
                in_summary = true;
            } else {
                out.problems
                    .push(format!("line {number}: a second `#` heading"));
            }
            continue;
        }
        if let Some(text) = line.strip_prefix("### ") {
            out.headings.push((3, text.trim().to_owned(), number));
            kind = Some(text.trim().to_owned());
            in_summary = false;
            continue;
        }
        if let Some(text) = line.strip_prefix("## ") {
            out.headings.push((2, text.trim().to_owned(), number));
            section = Some(text.trim().to_owned());
            out.filled.push((text.trim().to_owned(), false));
            kind = None;
            in_summary = false;
            continue;
        }
        if line.starts_with('#') {
            out.problems.push(format!(
                "line {number}: heading `{line}` is not `#`, `##` or `###`"
            ));
            continue;
        }
        if line.trim().is_empty() {
            if in_summary && !out.summary.is_empty() {
                in_summary = false;
            }
            continue;
        }
        if in_summary {
            out.summary.push(line.to_owned());
        } else if section.is_none() {
            out.problems.push(format!(
                "line {number}: text between the summary and the first section"
            ));
        }
        mark_filled(&mut out, &section);
    }
    if let Some((_, start, _)) = fence {
        out.problems
            .push(format!("line {start}: code block never closed"));
    }
    out
}

fn mark_filled(out: &mut Outline, section: &Option<String>) {
    if section.is_some()
        && let Some(last) = out.filled.last_mut()
    {
        last.1 = true;
    }
}

/// Everything wrong with the structure of `doc`, the documentation of rule `id`.
fn structure_problems(id: &str, doc: &str, summary: &str) -> Vec<String> {
    let outline = outline(doc);
    let mut problems = outline.problems.clone();
    if outline.title.as_deref() != Some(id) {
        problems.push(format!("the first line must be `# {id}`"));
    }
    match outline.summary.as_slice() {
        [] => problems.push("no summary paragraph after the title".into()),
        [line] => {
            if line.trim() != summary {
                problems.push(format!(
                    "RuleMeta::summary() is `{summary}`, the doc's first paragraph is `{line}`"
                ));
            }
            if !line.trim_end().ends_with('.') {
                problems.push("the summary must be one sentence ending with a full stop".into());
            }
            if line.contains("](") || line.contains("://") {
                problems.push("the summary must not contain links".into());
            }
        }
        lines => problems.push(format!(
            "the summary must be one line, it has {}",
            lines.len()
        )),
    }
    let sections: Vec<&str> = outline
        .headings
        .iter()
        .filter(|(level, _, _)| *level == 2)
        .map(|(_, text, _)| text.as_str())
        .collect();
    let with_optional: Vec<&str> = SECTIONS.to_vec();
    let without_optional: Vec<&str> = SECTIONS
        .iter()
        .copied()
        .filter(|s| *s != OPTIONAL_SECTION)
        .collect();
    if sections != with_optional && sections != without_optional {
        problems.push(format!("the `##` sections are {sections:?}, expected {with_optional:?} (`{OPTIONAL_SECTION}` optional)"));
    }
    for (name, filled) in &outline.filled {
        if !filled {
            problems.push(format!("section `{name}` is empty"));
        }
    }
    let mut current = None;
    let mut kinds = Vec::new();
    for (level, text, line) in &outline.headings {
        if *level == 2 {
            current = Some(text.as_str());
        } else if current == Some("Examples") {
            kinds.push(text.as_str());
        } else {
            problems.push(format!("line {line}: `### {text}` outside `## Examples`"));
        }
    }
    if kinds != EXAMPLE_KINDS {
        problems.push(format!(
            "`## Examples` has subsections {kinds:?}, expected {EXAMPLE_KINDS:?}"
        ));
    }
    for example in &outline.examples {
        let expected = match example.verdict {
            Verdict::Bad => "Bad",
            Verdict::Good => "Good",
        };
        if example.kind.as_deref() != Some(expected) {
            problems.push(format!(
                "line {}: a `{}` example must sit under `### {expected}` in `## Examples`",
                example.line,
                expected.to_lowercase()
            ));
        }
    }
    for verdict in [Verdict::Bad, Verdict::Good] {
        if !outline.examples.iter().any(|e| e.verdict == verdict) {
            problems.push(format!(
                "no `{verdict:?}` example (a ```yaml {0} or ```json {0} block)",
                format!("{verdict:?}").to_lowercase()
            ));
        }
    }
    let references = section_text(doc, "References");
    if !references.contains("https://") {
        problems.push("`## References` has no https:// link".into());
    }
    problems
}

/// The text of the `##` section called `name`, up to the next `##`.
fn section_text(doc: &str, name: &str) -> String {
    let heading = format!("## {name}");
    let mut inside = false;
    let mut text = String::new();
    for line in doc.lines() {
        if line.starts_with("## ") {
            inside = line.trim() == heading;
            continue;
        }
        if inside {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

/// Lint every labelled example of rule `id` and report the ones that do not behave as labelled.
fn example_problems(id: &str, doc: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (n, example) in outline(doc).examples.iter().enumerate() {
        // A Terraform example (`hcl`) is linted as a `.tf` file.
        let extension = if example.lang == "hcl" {
            "tf"
        } else {
            example.lang.as_str()
        };
        let path = format!("rules/{id}.md#example-{}.{extension}", n + 1);
        let report = lint_bytes(
            &path,
            example.text.clone().into_bytes(),
            &super::common::settings_with(id),
        );
        let at = format!(
            "{id}.md line {} ({:?} example)",
            example.line, example.verdict
        );
        if !report.recognized {
            problems.push(format!("{at}: not recognised as an API document"));
        }
        for error in &report.errors {
            let start = error.loc.start();
            problems.push(format!(
                "{at}: input error at {}:{}: {}",
                start.line, start.column, error.message
            ));
        }
        let own = report.findings.iter().filter(|f| f.rule == id).count();
        match example.verdict {
            Verdict::Bad if own == 0 => problems.push(format!("{at}: produces no `{id}` finding")),
            Verdict::Good if !report.findings.is_empty() => {
                let found: Vec<String> = report
                    .findings
                    .iter()
                    .map(|f| format!("[{}] {}", f.rule, f.message))
                    .collect();
                problems.push(format!(
                    "{at}: a good example must produce no findings, got {found:?}"
                ));
            }
            _ => {}
        }
    }
    problems
}

fn assert_no_problems(problems: &[String]) {
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn every_rule_doc_has_the_fixed_sections() {
    let mut problems = Vec::new();
    for rule in RULES {
        let meta = rule.meta();
        for problem in structure_problems(meta.id, meta.doc, meta.summary()) {
            problems.push(format!("rules/{}.md: {problem}", meta.id));
        }
    }
    assert_no_problems(&problems);
}

#[test]
fn every_doc_example_behaves_as_labelled() {
    let mut problems = Vec::new();
    for rule in RULES {
        let meta = rule.meta();
        problems.extend(example_problems(meta.id, meta.doc));
    }
    assert_no_problems(&problems);
}

#[test]
fn the_doc_checks_catch_a_broken_doc() {
    // A doc with a missing section, a two-line summary, a mislabelled example, an example that
    // does not fire and a good example that does: the checks above must see every one of them.
    let broken = "\
# unauthenticated-route

Routes can be open.
Really.

## Examples

### Good

```yaml bad
openapi: 3.0.1
info: {title: T, version: '1'}
paths: {}
```

### Bad

```yaml good
openapi: 3.0.1
info: {title: T, version: '1'}
paths:
  /x:
    get: {}
```

## References

none
";
    let structure = structure_problems("unauthenticated-route", broken, "Routes can be open.");
    let expect = |problems: &[String], needle: &str| {
        assert!(
            problems.iter().any(|p| p.contains(needle)),
            "expected a problem mentioning {needle:?}, got {problems:#?}"
        );
    };
    expect(&structure, "the summary must be one line");
    expect(&structure, "the `##` sections are");
    expect(&structure, "`## Examples` has subsections");
    expect(&structure, "must sit under `### Bad`");
    expect(&structure, "has no https:// link");
    let examples = example_problems("unauthenticated-route", broken);
    expect(&examples, "produces no `unauthenticated-route` finding");
    expect(&examples, "a good example must produce no findings");
}

#[test]
fn every_doc_belongs_to_a_registered_rule() {
    let registered: BTreeSet<&str> = RULES.iter().map(|r| r.meta().id).collect();
    let mut docs = BTreeSet::new();
    for entry in fs::read_dir(root().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let id = name.strip_suffix(".md").unwrap_or_else(|| {
            panic!("rules/{name} is not a rule doc (only <id>.md belongs there)")
        });
        docs.insert(id.to_owned());
    }
    let orphans: Vec<&String> = docs
        .iter()
        .filter(|d| !registered.contains(d.as_str()))
        .collect();
    assert!(
        orphans.is_empty(),
        "docs without a registered rule: {orphans:?}"
    );
    let missing: Vec<&&str> = registered
        .iter()
        .filter(|id| !docs.contains(**id))
        .collect();
    assert!(
        missing.is_empty(),
        "registered rules without rules/<id>.md: {missing:?}"
    );
}

#[test]
fn every_rule_has_bad_and_good_fixtures() {
    let mut problems = Vec::new();
    for rule in RULES {
        let id = rule.meta().id;
        let dir: PathBuf = root().join("fixtures").join(id);
        let Ok(entries) = fs::read_dir(&dir) else {
            problems.push(format!("fixtures/{id}/ does not exist"));
            continue;
        };
        let names: Vec<String> = entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        for verdict in ["bad-", "good-"] {
            if !names.iter().any(|n| n.starts_with(verdict)) {
                problems.push(format!("fixtures/{id}/ has no {verdict}* fixture"));
            }
        }
    }
    assert_no_problems(&problems);
}
