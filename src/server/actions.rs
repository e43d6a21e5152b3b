//! Code actions on a finding: apply its fix, suppress it where it is written (with a reason to
//! fill in), accept its route in `public-routes`; and apply every safe fix of a document
//! (`source.fixAll.gatelint`). An action is offered only when the edited text has been linted
//! and the finding is gone.

use std::collections::HashMap as StdHashMap;
use std::path::PathBuf;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CreateFile,
    CreateFileOptions, Diagnostic, DocumentChangeOperation, DocumentChanges,
    OptionalVersionedTextDocumentIdentifier, Range, ResourceOp, TextDocumentEdit, TextEdit, Uri,
    WorkspaceEdit,
};

use super::document::{Document, offset};
use super::{FIX_ALL, Server, diagnostics, guarded, uri};
use crate::config::{self, CONFIG_FILENAME};
use crate::diagnostic::{Applicability, Finding};
use crate::fix::{self, FixOptions};
use crate::lint::FileReport;
use crate::syntax::{self, NodeRef, SourceFile, Span, Syntax};

/// The reason a new suppression or public route carries until the user writes theirs.
pub const REASON_PLACEHOLDER: &str = "TODO: say why this is acceptable";

impl Server<'_> {
    pub(super) fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let (Some(doc), Some(published)) = (self.docs.get(uri), self.published.get(uri)) else {
            return Vec::new();
        };
        let wants = |kind: &str| {
            params.context.only.as_ref().is_none_or(|only| {
                only.iter().any(|o| {
                    kind == o.as_str()
                        || kind
                            .strip_prefix(o.as_str())
                            .is_some_and(|rest| rest.starts_with('.'))
                })
            })
        };
        let start = offset(&doc.text, params.range.start);
        let end = offset(&doc.text, params.range.end);
        let mut actions = Vec::new();
        if wants(CodeActionKind::QUICKFIX.as_str()) {
            for finding in &published.findings {
                let span = finding.primary.loc.span;
                if (span.start as usize) > end || start > span.end as usize {
                    continue;
                }
                let diagnostic = diagnostics::finding(finding, &|loc| self.uri_of(loc));
                actions.extend(self.fix_action(doc, finding, &diagnostic));
                actions.extend(self.suppress_action(doc, finding, &diagnostic));
                actions.extend(self.public_route_action(doc, finding, &diagnostic));
            }
        }
        if wants(FIX_ALL) {
            actions.extend(self.fix_all(doc));
        }
        actions
            .into_iter()
            .map(CodeActionOrCommand::CodeAction)
            .collect()
    }

    /// The finding's own fix, when all its edits are in this document's current text.
    fn fix_action(
        &self,
        doc: &Document,
        finding: &Finding,
        diagnostic: &Diagnostic,
    ) -> Option<CodeAction> {
        let fix = finding.fix.as_ref()?;
        let mut edits = Vec::new();
        for edit in &fix.edits {
            if edit.range.file.text() != doc.text || edit.range.file.path() != doc.display() {
                return None;
            }
            edits.push(TextEdit::new(
                diagnostics::range(&edit.range),
                edit.replacement.clone(),
            ));
        }
        let safe = fix.applicability == Applicability::Safe;
        let title = if safe {
            format!("Fix {}: {}", finding.rule, fix.title)
        } else {
            format!(
                "Fix {} (unsafe: changes what callers must do): {}",
                finding.rule, fix.title
            )
        };
        Some(quickfix(title, diagnostic, edits_in(&doc.uri, edits), safe))
    }

    /// A suppression of the finding's rule where the finding is: a `#` comment on the line
    /// above in YAML and HCL; in JSON, which has no comments, `x-gatelint-ignore` on the
    /// OpenAPI operation or `Metadata` on the template resource.
    fn suppress_action(
        &self,
        doc: &Document,
        finding: &Finding,
        diagnostic: &Diagnostic,
    ) -> Option<CodeAction> {
        if finding.rule == "unused-suppression" {
            return None;
        }
        let file = &finding.primary.loc.file;
        if file.text() != doc.text {
            return None;
        }
        let (span, text) = match syntax::detect_syntax(&doc.text) {
            Syntax::Yaml => comment_above(file, finding),
            Syntax::Json => json_suppression(file, finding)?,
        };
        let edited = splice(&doc.text, span, &text)?;
        if !self.resolves(doc, &edited, finding) {
            return None;
        }
        let edit = TextEdit::new(span_range(file, span), text);
        Some(quickfix(
            format!("Suppress {} here (give the reason)", finding.rule),
            diagnostic,
            edits_in(&doc.uri, vec![edit]),
            false,
        ))
    }

    /// Whether `edited` (the document's text after an edit) still parses as well and no longer
    /// has the finding.
    fn resolves(&self, doc: &Document, edited: &str, finding: &Finding) -> bool {
        let Some(before) = self.reports.get(&super::unit_of(doc)) else {
            return false;
        };
        let Some(after) = guarded("checking a code action", || self.lint_edited(doc, edited))
        else {
            return false;
        };
        let count = |report: &FileReport| {
            report
                .findings
                .iter()
                .filter(|f| f.rule == finding.rule && f.identity() == finding.identity())
                .count()
        };
        after.errors.len() <= before.errors.len() && count(&after) < count(before)
    }

    /// Accept the finding's route as public: an entry in `public-routes` of the
    /// `.gatelint.yaml` that applies to the document (created when there is none).
    fn public_route_action(
        &self,
        doc: &Document,
        finding: &Finding,
        diagnostic: &Diagnostic,
    ) -> Option<CodeAction> {
        if finding.rule != "unauthenticated-route" {
            return None;
        }
        let (api, route) = route_of(&finding.subject)?;
        let config = self.configs.for_path(&doc.display());
        let (path, existing) = match &config.path {
            Some(display) => {
                let path = super::paths_join(&self.root, display);
                let text = self
                    .docs
                    .values()
                    .find(|d| d.path.as_ref() == Some(&path))
                    .map(|d| d.text.clone())
                    .or_else(|| std::fs::read_to_string(&path).ok())?;
                (path, Some(text))
            }
            None => (self.new_config_path(doc)?, None),
        };
        let entry = PublicRouteEntry {
            route: &route,
            api: &api,
        };
        let current = existing.clone().unwrap_or_default();
        let (span, text) = add_public_route(&path, &current, &entry)?;
        let edited = splice(&current, span, &text)?;
        // The edited configuration must still be valid.
        config::parse(&SourceFile::new(path.to_string_lossy(), edited)).ok()?;
        let config_uri = uri::from_path(&path)?;
        let old = SourceFile::new(path.to_string_lossy(), current);
        let edit = TextEdit::new(span_range(&old, span), text);
        let workspace_edit = if existing.is_some() {
            edits_in(&config_uri, vec![edit])
        } else {
            if !self.create_files {
                return None;
            }
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Operations(vec![
                    DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                        uri: config_uri.clone(),
                        options: Some(CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    })),
                    DocumentChangeOperation::Edit(TextDocumentEdit {
                        text_document: OptionalVersionedTextDocumentIdentifier {
                            uri: config_uri,
                            version: None,
                        },
                        edits: vec![lsp_types::OneOf::Left(edit)],
                    }),
                ])),
                ..WorkspaceEdit::default()
            }
        };
        Some(quickfix(
            format!(
                "Accept {route} of {api} as public (add it to public-routes in {CONFIG_FILENAME})"
            ),
            diagnostic,
            workspace_edit,
            false,
        ))
    }

    /// Where a new configuration goes: the workspace root when the document is under it (the
    /// root's configuration applies to it), else the document's directory.
    fn new_config_path(&self, doc: &Document) -> Option<PathBuf> {
        let path = doc.path.as_ref()?;
        let dir = if path.starts_with(&self.root) {
            self.root.clone()
        } else {
            path.parent()?.to_path_buf()
        };
        Some(dir.join(CONFIG_FILENAME))
    }

    /// Every safe fix of the document, applied until nothing changes, as one edit.
    fn fix_all(&self, doc: &Document) -> Option<CodeAction> {
        let display = doc.display();
        let config = self.configs.for_path(&display);
        let options = FixOptions {
            unsafe_fixes: false,
            apply_suppressions: true,
        };
        let result = guarded("fixing", || {
            fix::fix_text(&display, &doc.text, &config.settings, options)
        })?;
        if result.fixed == doc.text {
            return None;
        }
        let (span, text) = difference(&doc.text, &result.fixed);
        let file = SourceFile::new(display, doc.text.clone());
        let edit = TextEdit::new(span_range(&file, span), text.to_owned());
        Some(CodeAction {
            title: format!(
                "Fix all safe gatelint findings ({})",
                crate::text::plural(result.applied, "finding", "findings")
            ),
            kind: Some(CodeActionKind::new(FIX_ALL)),
            edit: Some(edits_in(&doc.uri, vec![edit])),
            ..CodeAction::default()
        })
    }
}

fn quickfix(
    title: String,
    diagnostic: &Diagnostic,
    edit: WorkspaceEdit,
    preferred: bool,
) -> CodeAction {
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(edit),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    }
}

fn edits_in(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    let mut changes = StdHashMap::new();
    changes.insert(uri.clone(), edits);
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}

fn span_range(file: &SourceFile, span: Span) -> Range {
    Range::new(
        diagnostics::position(file, span.start as usize),
        diagnostics::position(file, span.end as usize),
    )
}

/// `text` with `span` replaced by `with`; `None` when the span is not on char boundaries.
fn splice(text: &str, span: Span, with: &str) -> Option<String> {
    let range = span.range();
    Some(format!(
        "{}{with}{}",
        text.get(..range.start)?,
        text.get(range.end..)?
    ))
}

/// The one span of `old` to replace, and with what, to get `new`: what lies between their
/// common start and common end.
fn difference<'n>(old: &str, new: &'n str) -> (Span, &'n str) {
    let prefix = old
        .char_indices()
        .zip(new.chars())
        .find(|((_, a), b)| a != b)
        .map_or(old.len().min(new.len()), |((i, _), _)| i);
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .chars()
        .rev()
        .zip(new.chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .scan(0, |total, len| {
            *total += len;
            Some(*total)
        })
        .take_while(|total| *total <= max_suffix)
        .last()
        .unwrap_or(0);
    (
        Span::new(prefix, old.len() - suffix),
        new.get(prefix..new.len() - suffix).unwrap_or(""),
    )
}

/// `# gatelint: ignore[rule] reason` on a line of its own above the finding's line, indented
/// as that line (it covers the next line with code on it).
fn comment_above(file: &SourceFile, finding: &Finding) -> (Span, String) {
    let line = file.line_index(finding.primary.loc.span.start as usize);
    let line_span = file.line_span(line);
    let indent: String = file
        .slice(line_span)
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let newline = if file.text().contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    (
        Span::empty(line_span.start as usize),
        format!(
            "{indent}# gatelint: ignore[{}] {REASON_PLACEHOLDER}{newline}",
            finding.rule
        ),
    )
}

const METHODS: [&str; 9] = [
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "x-amazon-apigateway-any-method",
];

/// In JSON: `x-gatelint-ignore` on the OpenAPI operation that holds the finding, else
/// `Metadata` on the template resource; `None` when there is neither (or it already has one,
/// which is left for the user to extend).
fn json_suppression(
    file: &std::sync::Arc<SourceFile>,
    finding: &Finding,
) -> Option<(Span, String)> {
    let pointer = finding.provenance.property_path.as_deref()?;
    let (_, documents) = syntax::read(file.path(), file.text().as_bytes().to_vec());
    let documents = documents.ok()?;
    let doc = documents.first()?;
    // The chain of nodes from the root along the pointer, with the key that led to each.
    let mut chain: Vec<(String, NodeRef<'_>)> = vec![(String::new(), doc.root())];
    for segment in pointer.split('/').skip(1) {
        let key = segment.replace("~1", "/").replace("~0", "~");
        let (_, node) = chain.last()?;
        let next = if node.is_map() {
            node.get(&key)
        } else {
            key.parse::<usize>().ok().and_then(|i| node.items().nth(i))
        };
        let Some(next) = next else {
            break;
        };
        chain.push((key, next));
    }
    let entry = format!(
        "[{{\"rule\": \"{}\", \"reason\": \"{REASON_PLACEHOLDER}\"}}]",
        finding.rule
    );
    let keys: Vec<&str> = chain.iter().map(|(k, _)| k.as_str()).collect();
    // The deepest operation: `paths`, a path, a method.
    let operation = (2..keys.len()).rev().find(|&i| {
        keys.get(i).is_some_and(|m| METHODS.contains(m)) && keys.get(i - 2) == Some(&"paths")
    });
    if let Some(i) = operation {
        let (_, node) = chain.get(i)?;
        if node.get(crate::suppress::EXTENSION).is_some() {
            return None;
        }
        return insert_first_key(
            file,
            *node,
            &format!("\"{}\": {entry}", crate::suppress::EXTENSION),
        );
    }
    if keys.get(1) == Some(&"Resources") {
        let (_, resource) = chain.get(2)?;
        if resource.get("Metadata").is_some() {
            return None;
        }
        return insert_first_key(
            file,
            *resource,
            &format!(
                "\"Metadata\": {{\"{}\": {{\"ignore\": {entry}}}}}",
                crate::suppress::METADATA_KEY
            ),
        );
    }
    None
}

/// Insert `member` as the first member of the JSON object `map`, on a line of its own when
/// the object's members are.
fn insert_first_key(file: &SourceFile, map: NodeRef<'_>, member: &str) -> Option<(Span, String)> {
    if !map.is_map() {
        return None;
    }
    let Some((first_key, _)) = map.entries().next() else {
        let open = map.span().start as usize + 1;
        return Some((Span::empty(open), member.to_owned()));
    };
    let at = first_key.span().start as usize;
    let line = file.line_span(file.line_index(at));
    let before = file.text().get(line.start as usize..at)?;
    if before.trim().is_empty() {
        let newline = if file.text().contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        Some((Span::empty(at), format!("{member},{newline}{before}")))
    } else {
        Some((Span::empty(at), format!("{member}, ")))
    }
}

/// `("PetApi", "GET /pets")` from an `unauthenticated-route` subject `PetApi GET /pets`
/// (`PetApi $connect` for a WebSocket route key).
fn route_of(subject: &str) -> Option<(String, String)> {
    let (rest, path) = subject.rsplit_once(' ')?;
    if path.starts_with('$') {
        return Some((rest.to_owned(), format!("* {path}")));
    }
    let (api, method) = rest.rsplit_once(' ')?;
    if !path.starts_with('/') || api.is_empty() {
        return None;
    }
    Some((api.to_owned(), format!("{method} {path}")))
}

struct PublicRouteEntry<'a> {
    route: &'a str,
    api: &'a str,
}

impl PublicRouteEntry<'_> {
    /// The entry as a block sequence item, each line after the first indented by `indent`.
    fn block(&self, indent: &str, newline: &str) -> String {
        format!(
            "- route: {}{newline}{indent}  api: {}{newline}{indent}  reason: {}",
            quoted(self.route),
            quoted(self.api),
            quoted(REASON_PLACEHOLDER)
        )
    }

    fn flow(&self) -> String {
        format!(
            "{{route: {}, api: {}, reason: {}}}",
            quoted(self.route),
            quoted(self.api),
            quoted(REASON_PLACEHOLDER)
        )
    }
}

/// A YAML double-quoted scalar (JSON's escapes are YAML's).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The edit that adds `entry` to the `public-routes` of the configuration text `text`.
fn add_public_route(
    path: &std::path::Path,
    text: &str,
    entry: &PublicRouteEntry<'_>,
) -> Option<(Span, String)> {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let (file, documents) = syntax::read(path.to_string_lossy(), text.as_bytes().to_vec());
    let documents = documents.ok()?;
    let root = documents.first().map(|doc| doc.root());
    let append = |text: &str| {
        let separator = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            newline
        };
        Some((
            Span::empty(text.len()),
            format!(
                "{separator}public-routes:{newline}  {}{newline}",
                entry.block("  ", newline)
            ),
        ))
    };
    let Some(root) = root.filter(|root| !root.is_null()) else {
        return append(text);
    };
    if !root.is_map() || syntax::detect_syntax(text) == Syntax::Json {
        return None;
    }
    if root.scalar_style().is_some() || file.slice(root.span()).trim_start().starts_with('{') {
        return None;
    }
    let Some((key, list)) = root.entry("public-routes") else {
        return append(text);
    };
    if list.is_null() {
        let line = file.line_span(file.line_index(key.span().start as usize));
        return Some((
            Span::empty(line.end as usize),
            format!("{newline}  {}", entry.block("  ", newline)),
        ));
    }
    if !list.is_seq() {
        return None;
    }
    let flow = file.slice(list.span()).starts_with('[');
    let last = list.items().last();
    match (flow, last) {
        (true, None) => Some((
            list.span(),
            format!("{newline}  {}", entry.block("  ", newline)),
        )),
        (true, Some(_)) => {
            let close = (list.span().end as usize).checked_sub(1)?;
            Some((Span::empty(close), format!(", {}", entry.flow())))
        }
        (false, Some(last)) => {
            let first = list.items().next()?;
            let first_line = file.line_span(file.line_index(first.span().start as usize));
            let indent: String = file
                .slice(first_line)
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let end = (last.span().end as usize)
                .saturating_sub(1)
                .max(last.span().start as usize);
            let line = file.line_span(file.line_index(end));
            Some((
                Span::empty(line.end as usize),
                format!("{newline}{indent}{}", entry.block(&indent, newline)),
            ))
        }
        (false, None) => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_difference_is_one_span() {
        assert_eq!(difference("abcdef", "abXdef"), (Span::new(2, 3), "X"));
        assert_eq!(difference("abc", "abc\nd"), (Span::new(3, 3), "\nd"));
        assert_eq!(difference("aaa", "aa"), (Span::new(2, 3), ""));
        assert_eq!(difference("é1é", "é2é"), (Span::new(2, 3), "2"));
    }

    #[test]
    fn routes_are_read_from_the_subject() {
        assert_eq!(
            route_of("Pet API GET /pets/{id}"),
            Some(("Pet API".into(), "GET /pets/{id}".into()))
        );
        assert_eq!(
            route_of("Chat $connect"),
            Some(("Chat".into(), "* $connect".into()))
        );
        assert_eq!(route_of("nothing"), None);
    }

    fn added(text: &str) -> String {
        let entry = PublicRouteEntry {
            route: "GET /health",
            api: "Api",
        };
        let (span, with) = add_public_route(std::path::Path::new("c.yaml"), text, &entry).unwrap();
        let edited = splice(text, span, &with).unwrap();
        config::parse(&SourceFile::new("c.yaml", edited.clone())).unwrap();
        edited
    }

    #[test]
    fn a_public_route_is_added_to_any_configuration() {
        insta::assert_snapshot!(added(""), @r#"
        public-routes:
          - route: "GET /health"
            api: "Api"
            reason: "TODO: say why this is acceptable"
        "#);
        insta::assert_snapshot!(added("fail-on: error"), @r#"
        fail-on: error
        public-routes:
          - route: "GET /health"
            api: "Api"
            reason: "TODO: say why this is acceptable"
        "#);
        insta::assert_snapshot!(added("public-routes:\n- GET /a\n- route: POST /b\n  reason: x\nfail-on: error\n"), @r#"
        public-routes:
        - GET /a
        - route: POST /b
          reason: x
        - route: "GET /health"
          api: "Api"
          reason: "TODO: say why this is acceptable"
        fail-on: error
        "#);
        insta::assert_snapshot!(added("public-routes: [GET /a]\n"), @r#"public-routes: [GET /a, {route: "GET /health", api: "Api", reason: "TODO: say why this is acceptable"}]"#);
        insta::assert_snapshot!(added("public-routes:\nfail-on: error\n"), @r#"
        public-routes:
          - route: "GET /health"
            api: "Api"
            reason: "TODO: say why this is acceptable"
        fail-on: error
        "#);
    }
}
