//! Checks shared by the fuzz targets.

use std::sync::Arc;

use gatelint::lint::FileReport;
use gatelint::report::{self, Format, Report};
use gatelint::syntax::{self, Document, Loc, NodeRef, SourceFile, Span};

/// Walking a tree stops after this many nodes: an alias bomb that stays within the alias
/// budget can still describe far more nodes than are worth visiting per fuzz input.
const WALK_LIMIT: usize = 200_000;

/// The input as UTF-8 text, or `None` (invalid UTF-8 is the decoder's business, fuzzed by
/// the `lint_bytes` target).
pub fn text_of(data: &[u8]) -> Option<String> {
    std::str::from_utf8(data).ok().map(str::to_owned)
}

/// Parse `text`; whatever comes back must be well-formed.
pub fn check_tree(text: String) {
    let len = text.len();
    let file = SourceFile::new("fuzz", text);
    match syntax::parse(&file) {
        Ok(documents) => {
            for doc in &documents {
                walk(doc, len);
            }
        }
        Err(error) => assert_span(error.span, len, &file),
    }
}

fn walk(doc: &Document, len: usize) {
    let mut stack = vec![doc.root()];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > WALK_LIMIT {
            break;
        }
        assert_span(node.span(), len, &doc.file);
        let _ = (node.as_str(), node.tag(), node.full_span(), node.is_null());
        let children: Vec<NodeRef<'_>> = if node.is_map() {
            node.entries().flat_map(|(k, v)| [k, v]).collect()
        } else {
            node.items().collect()
        };
        stack.extend(children);
    }
    for comment in &doc.comments {
        assert_span(comment.span, len, &doc.file);
    }
}

fn assert_span(span: Span, len: usize, file: &Arc<SourceFile>) {
    assert!(
        span.range().start <= span.range().end,
        "reversed span {span:?}"
    );
    assert!(
        span.range().end <= len,
        "span {span:?} past the end ({len} bytes)"
    );
    // Line and column must be computable for both ends.
    let _ = file.line_col(span.range().start);
    let _ = file.line_col(span.range().end);
}

/// Every finding and error is located inside its file, and every renderer copes. SARIF is
/// rendered only for non-ASCII input, where its UTF-16 columns differ from byte columns: the
/// rest of a SARIF log (every rule's documentation) does not depend on the input and would
/// take most of each run.
pub fn check_report(file: &FileReport, non_ascii: bool) {
    for finding in &file.findings {
        assert_loc(&finding.primary.loc);
        for label in &finding.related {
            assert_loc(&label.loc);
        }
    }
    for error in &file.errors {
        assert_loc(&error.loc);
    }
    if file.findings.is_empty() && file.errors.is_empty() {
        return;
    }
    let mut report = Report::default();
    report.findings.extend(file.findings.iter().cloned());
    report.errors.extend(file.errors.iter().cloned());
    report.sort();
    let mut formats = vec![Format::Human, Format::Concise, Format::Json, Format::Github];
    if non_ascii {
        formats.push(Format::Sarif);
    }
    for format in formats {
        let mut out = Vec::new();
        if let Err(error) = report::render(
            &report,
            format,
            &gatelint::rules::metas(),
            report::RenderOptions::default(),
            &mut out,
        ) {
            panic!("rendering {format:?} failed: {error}");
        }
    }
}

fn assert_loc(loc: &Loc) {
    assert_span(loc.span, loc.file.text().len(), &loc.file);
}
