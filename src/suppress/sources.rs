//! Where suppressions are written, per format: `# gatelint: ignore[...]` comments in any YAML
//! document, `Metadata: {gatelint: {ignore: [...]}}` on CloudFormation and SAM resources, and
//! `x-gatelint-ignore` on an OpenAPI root, path item or operation (also in a template's inline
//! `Body` or `DefinitionBody`). The filter that applies them is
//! [`super::apply`].

use std::sync::Arc;

use super::removal::{remove_entry, remove_item};
use super::suppression::{
    ListEntry, MalformedSuppression, Scope, SuppressedRule, Suppression, SuppressionKind,
};
use crate::diagnostic::Edit;
use crate::formats::DocumentKind;
use crate::formats::cloudformation::{Resource, language_extensions};
use crate::formats::openapi::Spec;
use crate::syntax::hcl::{Body, HclFile};
use crate::syntax::{Comment, Document, Loc, NodeRef, SourceFile, Span};

/// The OpenAPI extension that suppresses findings.
pub const EXTENSION: &str = "x-gatelint-ignore";
/// The `Metadata` key of a template resource that holds its suppressions.
pub const METADATA_KEY: &str = "gatelint";
/// The template properties that hold an inline OpenAPI definition.
const INLINE_OPENAPI_PROPERTIES: [&str; 2] = ["Body", "DefinitionBody"];

/// Every suppression in `doc`, and those that could not be read.
#[derive(Debug, Default)]
pub struct Suppressions {
    pub found: Vec<Suppression>,
    pub malformed: Vec<MalformedSuppression>,
}

/// Collect the suppressions of one recognised document into `out`.
pub fn collect(doc: &Document, kind: DocumentKind, out: &mut Suppressions) {
    let first = out.found.len();
    for comment in &doc.comments {
        comment_suppression(doc, comment, out);
    }
    // The parser kept which keys the document has: where no mapping has a suppression's key,
    // the walk over every operation or resource below would find nothing.
    let extension = doc.may_have_key(EXTENSION);
    match kind {
        DocumentKind::OpenApi if !extension => {}
        DocumentKind::CloudFormation | DocumentKind::Sam
            if !extension && !doc.may_have_key(METADATA_KEY) => {}
        // A file a template loads that is no whole OpenAPI document: a snippet included inside
        // a definition (a path item, an operation, its `paths`).
        DocumentKind::OpenApi if Spec::detect(doc.root()).is_none() => {
            snippet_suppressions(doc.root(), out);
        }
        DocumentKind::OpenApi => openapi_suppressions(doc.root(), out),
        DocumentKind::Serverless => {
            if let Some(found) = out.found.get_mut(first..) {
                function_suppressions(doc.root(), found);
            }
        }
        DocumentKind::CloudFormation | DocumentKind::Sam => template_suppressions(doc.root(), out),
    }
}

/// In a Serverless Framework service, a comment on the line of a function's name (or alone on
/// the line above it) covers the whole function: every finding about its events and its URL.
fn function_suppressions(root: NodeRef<'_>, found: &mut [Suppression]) {
    let Some(functions) = root.get("functions") else {
        return;
    };
    let maps: Vec<NodeRef<'_>> = if functions.is_seq() {
        functions.items().collect()
    } else {
        vec![functions]
    };
    for (key, value) in maps.into_iter().flat_map(NodeRef::entries) {
        let Some(name) = key.as_str() else { continue };
        for suppression in found.iter_mut() {
            let on_key = matches!(&suppression.scope, Scope::Lines(lines)
                if lines.iter().any(|line| line.span.contains(Span::empty(key.span().start as usize))));
            if on_key {
                suppression.scope = Scope::Node(key.doc().loc(key.span().to(value.full_span())));
                suppression.target = format!("function {name}");
            }
        }
    }
}

/// `# gatelint: ignore[a, b] reason`. It covers its own line and the line below; a comment alone
/// on its line covers the next line with code on it (so several can be stacked above one line).
fn comment_suppression(doc: &Document, comment: &Comment, out: &mut Suppressions) {
    comment_in(&doc.file, comment.span, &["#"], &|_| None, out);
}

/// The suppressions in a Terraform file's comments: `# gatelint: ignore[...] reason` or
/// `// gatelint: ...`. Written alone above a block, one covers the whole block; otherwise it
/// covers lines as in YAML.
pub fn collect_hcl(file: &Arc<SourceFile>, hcl: &HclFile, out: &mut Suppressions) {
    let block_on_line = |line: usize| block_starting_on(file, &hcl.body, line, 0);
    for span in &hcl.comments {
        comment_in(file, *span, &["#", "//"], &block_on_line, out);
    }
}

/// The outermost block whose header starts on 0-based `line`.
fn block_starting_on(file: &SourceFile, body: &Body, line: usize, depth: usize) -> Option<Span> {
    if depth > crate::syntax::MAX_DEPTH {
        return None;
    }
    body.blocks.iter().find_map(|block| {
        let first = file.line_index(block.span.start as usize);
        let last = file.line_index(block.span.end as usize);
        if first == line {
            Some(block.span)
        } else if first < line && line <= last {
            block_starting_on(file, &block.body, line, depth + 1)
        } else {
            None
        }
    })
}

/// One comment at `span` of `file`, opened by one of `prefixes`. `block_on_line` finds a block
/// that starts on a 0-based line, which a comment alone above it covers whole.
fn comment_in(
    file: &Arc<SourceFile>,
    span: Span,
    prefixes: &[&str],
    block_on_line: &dyn Fn(usize) -> Option<Span>,
    out: &mut Suppressions,
) {
    let text = file.slice(span);
    let Some(body) = prefixes.iter().find_map(|p| text.strip_prefix(p)) else {
        return;
    };
    let Some(directive) = body.trim_start().strip_prefix("gatelint:") else {
        return;
    };
    let loc = |span: Span| Loc::new(file, span);
    // Byte offset of `directive` in the file.
    let directive_start = span.start as usize + (text.len() - directive.len());
    let opener = prefixes.first().copied().unwrap_or("#");
    let malformed = |message: &str, out: &mut Suppressions| {
        out.malformed.push(MalformedSuppression {
            loc: loc(span),
            message: format!(
                "malformed gatelint comment: {message} (expected `{opener} gatelint: ignore[rule-id, ...] reason`)"
            ),
        });
    };
    let after = directive.trim_start();
    let Some(list) = after.strip_prefix("ignore[") else {
        malformed("it does not start with `ignore[`", out);
        return;
    };
    let Some(close) = list.find(']') else {
        malformed("the rule list has no closing `]`", out);
        return;
    };
    let list_start = directive_start + (directive.len() - list.len());
    let mut rules = Vec::new();
    let mut offset = 0;
    for part in list.get(..close).unwrap_or("").split(',') {
        let id = part.trim();
        if !id.is_empty() {
            let start = list_start + offset + (part.len() - part.trim_start().len());
            rules.push(SuppressedRule {
                id: id.to_owned(),
                loc: loc(Span::new(start, start + id.len())),
            });
        }
        offset += part.len() + 1;
    }
    if rules.is_empty() {
        malformed("it names no rule", out);
        return;
    }
    let reason = list
        .get(close + 1..)
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let line = file.line_index(span.start as usize);
    let line_span = file.line_span(line);
    let before = file.slice(Span::new(line_span.start as usize, span.start as usize));
    let alone = before.trim().is_empty();
    let mut covered = vec![line_span];
    let next = if alone {
        // Alone on its line: the next line with code on it.
        (line + 1..file.line_count()).find(|&index| {
            let code = file.slice(file.line_span(index)).trim();
            !code.is_empty() && !prefixes.iter().any(|p| code.starts_with(p))
        })
    } else {
        Some(line + 1).filter(|next| *next < file.line_count())
    };
    // The comment itself, not the line it covers: an edit on a neighbouring line must not change
    // the baseline identity of an unused suppression.
    let target = format!("comment `{}`", text.trim());
    if alone && let Some(block) = next.and_then(block_on_line) {
        out.found.push(Suppression {
            kind: SuppressionKind::Comment,
            rules,
            reason: reason.map(str::to_owned),
            scope: Scope::Node(loc(block)),
            target,
            removal: None,
            comment: Some(loc(span)),
        });
        return;
    }
    covered.extend(next.map(|index| file.line_span(index)));
    out.found.push(Suppression {
        kind: SuppressionKind::Comment,
        rules,
        reason: reason.map(str::to_owned),
        scope: Scope::Lines(covered.into_iter().map(loc).collect()),
        target,
        comment: Some(loc(span)),
        removal: None,
    });
}

/// `Metadata: {gatelint: {ignore: [{rule: id, reason: text}]}}` on each resource, and the
/// `x-gatelint-ignore` of inline OpenAPI definitions.
fn template_suppressions(root: NodeRef<'_>, out: &mut Suppressions) {
    let section = root.get("Resources");
    // The resources as the template reads them (of a logical id written twice, the later one),
    // without indexing the whole template: only their metadata is read here.
    let resources = section
        .filter(|s| s.is_map())
        .into_iter()
        .flat_map(NodeRef::entries)
        .filter(move |(key, _)| {
            key.as_str().is_some_and(|id| {
                section
                    .and_then(|s| s.entry(id))
                    .is_some_and(|(last, _)| last.identity() == key.identity())
            })
        })
        .map(|(key, node)| Resource::from_entry(key, node));
    // A resource a `Fn::ForEach` loop makes is read once, as its body is written: its
    // suppressions cover every copy, whose spans all point there.
    let loop_bodies = section
        .map(language_extensions::loop_bodies)
        .unwrap_or_default()
        .into_iter()
        .map(|(key, node)| Resource::from_entry(key, node))
        .filter(|resource| resource.node.is_map());
    for resource in resources.chain(loop_bodies) {
        let scope = resource.key.span().to(resource.node.span());
        if let Some(gatelint) = resource.metadata().and_then(|m| m.get(METADATA_KEY)) {
            let target = format!("resource {}", resource.id);
            for (key, value) in gatelint.entries() {
                if key.as_str() == Some("ignore") {
                    // The last entry stays: an empty `gatelint` metadata is for you to remove.
                    ignore_list(
                        value,
                        SuppressionKind::Metadata,
                        resource.node.doc().loc(scope),
                        &target,
                        None,
                        out,
                    );
                } else {
                    out.malformed.push(MalformedSuppression {
                        loc: key.loc(),
                        message: format!(
                            "unknown key `{}` in gatelint metadata (expected `ignore`)",
                            key.as_str().unwrap_or("")
                        ),
                    });
                }
            }
            if !gatelint.is_map() {
                out.malformed.push(MalformedSuppression {
                    loc: gatelint.loc(),
                    message: "gatelint metadata must be a mapping with an `ignore` list".into(),
                });
            }
        }
        for property in INLINE_OPENAPI_PROPERTIES {
            if let Some(body) = resource.property(property) {
                openapi_suppressions(body, out);
            }
        }
    }
}

/// `x-gatelint-ignore` on the root, a path item or an operation of the OpenAPI (sub)tree `root`.
fn openapi_suppressions(root: NodeRef<'_>, out: &mut Suppressions) {
    let Some(Ok(spec)) = Spec::detect(root) else {
        return;
    };
    let doc = root.doc();
    if let Some(value) = root.get(EXTENSION) {
        let whole = remove_entry(root, EXTENSION);
        ignore_list(
            value,
            SuppressionKind::Extension,
            root.loc(),
            "root",
            whole,
            out,
        );
    }
    // Only path items that carry the extension are remembered: few do.
    let mut path_items_seen = crate::collections::HashSet::default();
    spec.each_operation(|operation| {
        if let Some(value) = operation.path_item.get(EXTENSION)
            && path_items_seen.insert(operation.path_item.span())
        {
            let scope = operation.path_key.span().to(operation.path_item.span());
            ignore_list(
                value,
                SuppressionKind::Extension,
                doc.loc(scope),
                operation.path,
                remove_entry(operation.path_item, EXTENSION),
                out,
            );
        }
        if let Some(value) = operation.node.get(EXTENSION) {
            let scope = operation.method_key.span().to(operation.node.span());
            let target = format!("{} {}", operation.method, operation.path);
            ignore_list(
                value,
                SuppressionKind::Extension,
                doc.loc(scope),
                &target,
                remove_entry(operation.node, EXTENSION),
                out,
            );
        }
    });
}

/// Mappings deeper than this in a snippet are not searched for `x-gatelint-ignore`.
const MAX_SNIPPET_DEPTH: usize = 8;

/// `x-gatelint-ignore` in a snippet a template includes inside an OpenAPI definition (a path
/// item, an operation, or `paths`): where the snippet is read as part of the document, the
/// extension covers the mapping that holds it with its key (a path item or an operation, as in
/// a whole document), and at the snippet's root, the whole snippet.
fn snippet_suppressions(root: NodeRef<'_>, out: &mut Suppressions) {
    if let Some(value) = root.get(EXTENSION) {
        let whole = remove_entry(root, EXTENSION);
        let target = "the included snippet";
        ignore_list(
            value,
            SuppressionKind::Extension,
            root.loc(),
            target,
            whole,
            out,
        );
    }
    let doc = root.doc();
    let mut stack = vec![(root, 0usize)];
    while let Some((map, depth)) = stack.pop() {
        if depth >= MAX_SNIPPET_DEPTH {
            continue;
        }
        for (key, value) in map.entries().filter(|(_, value)| value.is_map()) {
            if let Some(list) = value.get(EXTENSION) {
                let scope = key.span().to(value.span());
                let target = key.as_str().unwrap_or("the included snippet");
                let whole = remove_entry(value, EXTENSION);
                ignore_list(
                    list,
                    SuppressionKind::Extension,
                    doc.loc(scope),
                    target,
                    whole,
                    out,
                );
            }
            stack.push((value, depth + 1));
        }
    }
}

/// A list of rule ids, each a string or `{rule: id, reason: text}`; one suppression per item.
/// `whole` removes the list with its key (the fix when its only entry is unused).
fn ignore_list(
    list: NodeRef<'_>,
    kind: SuppressionKind,
    scope: Loc,
    target: &str,
    whole: Option<Edit>,
    out: &mut Suppressions,
) {
    if !list.is_seq() {
        out.malformed.push(MalformedSuppression {
            loc: list.loc(),
            message: "expected a list of rule ids or `{rule: id, reason: text}` entries".into(),
        });
        return;
    }
    let count = list.items().len();
    for (index, item) in list.items().enumerate() {
        let removal = ListEntry {
            list: list.span(),
            item: (count > 1).then(|| remove_item(list, index)).flatten(),
            whole: whole.clone(),
        };
        let (rule, reason) = if item.is_map() {
            let mut rule = None;
            let mut reason = None;
            for (key, value) in item.entries() {
                match key.as_str() {
                    Some("rule") => rule = Some(value),
                    Some("reason") => reason = value.as_str().map(str::to_owned),
                    other => out.malformed.push(MalformedSuppression {
                        loc: key.loc(),
                        message: format!(
                            "unknown key `{}` in a suppression (expected `rule` and `reason`)",
                            other.unwrap_or("")
                        ),
                    }),
                }
            }
            let Some(rule) = rule else {
                out.malformed.push(MalformedSuppression {
                    loc: item.loc(),
                    message: "this suppression has no `rule`".into(),
                });
                continue;
            };
            (rule, reason)
        } else {
            (item, None)
        };
        let Some(id) = rule
            .as_str()
            .filter(|id| !id.trim().is_empty() && rule.is_scalar())
        else {
            out.malformed.push(MalformedSuppression {
                loc: rule.loc(),
                message: "a rule id must be a string such as `unauthenticated-route`".into(),
            });
            continue;
        };
        out.found.push(Suppression {
            kind,
            rules: vec![SuppressedRule {
                id: id.trim().to_owned(),
                loc: rule.loc(),
            }],
            reason: reason.filter(|r| !r.trim().is_empty()),
            scope: Scope::Node(scope.clone()),
            target: target.to_owned(),
            comment: None,
            removal: Some(removal),
        });
    }
}
