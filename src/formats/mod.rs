//! Format views and their lowering into the gateway model.

pub mod cdk;
pub mod cloudformation;
pub(crate) mod cors;
pub mod openapi;
pub(crate) mod policy;
pub mod provenance;
pub mod sam;
pub mod serverless;
pub mod terraform;

use crate::diagnostic::InputError;
use crate::model::{DuplicateKey, Workspace};
use std::sync::Arc;

use crate::syntax::{Document, NodeKind, NodeRef, SourceFile, Span};

/// Seconds a REST API caches a Lambda authorizer's decision when no TTL is given: "If this
/// field is not set, the default value is 300."
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-authorizer.html>
/// <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html>
pub(crate) const DEFAULT_REST_AUTHORIZER_TTL: u64 = 300;

/// HTTP and WebSocket API Lambda authorizers cache nothing unless given a TTL: "If it equals 0,
/// authorization caching is disabled", and no other default is documented for them.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-authorizer.html>
pub(crate) const DEFAULT_V2_AUTHORIZER_TTL: u64 = 0;

/// The strings of a list (scopes, say); items that are not strings are left out.
pub(crate) fn strings(list: NodeRef<'_>) -> Vec<String> {
    list.items()
        .filter_map(NodeRef::as_str)
        .map(str::to_owned)
        .collect()
}

/// What a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    OpenApi,
    CloudFormation,
    Sam,
    /// A Serverless Framework service (`serverless.yml`).
    Serverless,
}

/// Whether text that could not be parsed looks like an OpenAPI, CloudFormation or SAM document
/// (then its syntax error is an input error; anything else is some other tool's file). Looked
/// for: an `openapi`/`swagger` key, `AWSTemplateFormatVersion`, an `AWS::` type, an
/// `x-amazon-apigateway-*` extension.
pub fn looks_like_api_document(text: &str) -> bool {
    if text.contains("AWSTemplateFormatVersion")
        || text.contains("AWS::")
        || text.contains("x-amazon-apigateway-")
    {
        return true;
    }
    text.lines().any(|line| {
        let key =
            line.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '{' | '"' | '\''));
        ["openapi", "swagger"].iter().any(|name| {
            key.strip_prefix(name).is_some_and(|rest| {
                rest.trim_start_matches(['"', '\''])
                    .trim_start()
                    .starts_with(':')
            })
        })
    })
}

/// Recognise a document by its top-level keys.
pub fn classify(doc: &Document) -> Option<DocumentKind> {
    let root = doc.root();
    if root.get("swagger").is_some() || root.get("openapi").is_some() {
        return Some(DocumentKind::OpenApi);
    }
    if serverless::is_service(root) {
        return Some(DocumentKind::Serverless);
    }
    let template = cloudformation::Template::new(root)?;
    Some(if template.is_sam() {
        DocumentKind::Sam
    } else {
        DocumentKind::CloudFormation
    })
}

/// Lower one recognised document into `workspace`. Problems that make (part of) the document
/// unreadable become located input errors; everything else is the rules' business.
pub fn lower(
    doc: &Document,
    kind: DocumentKind,
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) {
    lower_with_files(doc, kind, &NoFiles, workspace, errors);
}

/// Reads the local files a document refers to (a SAM `DefinitionUri`), so they are linted as
/// part of it. The lowering never touches the file system itself: the caller decides what may
/// be read, how much of it, and from where.
pub trait FileLoader {
    /// Read and parse `reference`, a path as the document writes it (relative to the
    /// document's directory).
    fn load(&self, reference: &str) -> Result<Vec<Document>, LoadError>;

    /// Read `reference` as text (a Terraform `file()`, a module's `.tf` file).
    fn read_source(&self, _reference: &str) -> Result<Arc<SourceFile>, LoadError> {
        Err(LoadError::NotAvailable)
    }

    /// The names of the files in directory `reference` (a Terraform module's), sorted.
    fn list_dir(&self, _reference: &str) -> Result<Vec<String>, LoadError> {
        Err(LoadError::NotAvailable)
    }

    /// Read and parse `reference` to learn about the document (a CDK asset manifest), not as
    /// part of it: unlike [`FileLoader::load`], the file is still linted on its own.
    fn peek(&self, _reference: &str) -> Result<Vec<Document>, LoadError> {
        Err(LoadError::NotAvailable)
    }
}

/// Why a referenced file was not loaded.
#[derive(Debug)]
pub enum LoadError {
    /// Reading files is off (standard input, or a caller that gives no directory).
    NotAvailable,
    /// The path leaves the directory that may be read (`..`, an absolute path, a symlink).
    Outside,
    /// The file cannot be read; the message says why.
    Unreadable(String),
    /// The file is not YAML or JSON; the error is located in that file.
    Syntax(InputError),
}

/// Loads nothing: for input that has no directory, and for callers that lint bytes alone.
pub struct NoFiles;

impl FileLoader for NoFiles {
    fn load(&self, _reference: &str) -> Result<Vec<Document>, LoadError> {
        Err(LoadError::NotAvailable)
    }
}

/// [`lower`], reading the files the document refers to through `files`. A loaded document is
/// dropped once lowered: the model keeps only locations, which hold their file.
pub fn lower_with_files(
    doc: &Document,
    kind: DocumentKind,
    files: &dyn FileLoader,
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) {
    match kind {
        DocumentKind::OpenApi => match openapi::Spec::detect(doc.root()) {
            Some(Ok(spec)) => openapi::lower_document(spec, workspace, errors),
            Some(Err((loc, message))) => errors.push(InputError::new(loc, message)),
            None => {}
        },
        DocumentKind::CloudFormation | DocumentKind::Sam => {
            // CloudFormation runs `AWS::LanguageExtensions` (listed before the SAM transform)
            // and expands `AWS::Include` before anything else reads the template.
            let expanded = cloudformation::language_extensions::expand(doc, workspace, errors);
            let source = expanded.as_ref().unwrap_or(doc);
            let includes = cloudformation::load_includes(source.root(), files, errors);
            let template = cloudformation::Template::with_includes(source.root(), Some(&includes));
            if let Some(template) = &template {
                cloudformation::unexpanded::note(template, workspace);
            }
            match template {
                // SAM resources may only appear once loops are expanded.
                Some(template) if kind == DocumentKind::Sam || template.is_sam() => {
                    sam::lower(template, files, workspace, errors);
                }
                Some(template) => cloudformation::lower(&template, workspace),
                None => {}
            }
        }
        DocumentKind::Serverless => serverless::lower(doc, files, workspace, errors),
    }
    collect_duplicate_keys(doc, workspace);
}

/// A mapping's entries as a parser that keeps the last duplicate sees them: a key repeated
/// later is skipped here (`duplicate-key` reports it), so views agree with [`NodeRef::get`].
pub fn distinct_entries<'a>(map: NodeRef<'a>) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
    let entries: Vec<_> = map.entries().collect();
    if entries.len() <= SMALL_MAP {
        // Compared pairwise: cheaper than hashing, and most mappings have no duplicate.
        let repeated_later = |i: usize, key: &str| {
            entries
                .iter()
                .skip(i + 1)
                .any(|(later, _)| later.as_str() == Some(key))
        };
        return entries
            .iter()
            .enumerate()
            .filter(|(i, (key, _))| key.as_str().is_none_or(|k| !repeated_later(*i, k)))
            .map(|(_, entry)| *entry)
            .collect();
    }
    let mut seen = crate::collections::HashSet::default();
    let mut distinct: Vec<_> = entries
        .into_iter()
        .rev()
        .filter(|(key, _)| key.as_str().is_none_or(|k| seen.insert(k)))
        .collect();
    distinct.reverse();
    distinct
}

/// Mappings with at most this many entries are checked for repeated keys pairwise, without
/// hashing: most mappings are small, and a template has hundreds of thousands of them.
const SMALL_MAP: usize = 16;

/// Every key that appears twice in one mapping, anywhere in the document.
fn collect_duplicate_keys(doc: &Document, workspace: &mut Workspace) {
    let mut stack = vec![doc.written_root()];
    // The keys of a small mapping, reused from one mapping to the next.
    let mut small: Vec<(&str, Span)> = Vec::with_capacity(SMALL_MAP);
    while let Some(node) = stack.pop() {
        if node.is_map() {
            let entries = node.written_entries();
            let is_small = entries.len() <= SMALL_MAP;
            let mut seen: crate::collections::HashMap<&str, Span> =
                crate::collections::HashMap::default();
            small.clear();
            for (written, _) in entries {
                let key = written.followed();
                let Some(text) = key.as_str() else {
                    continue;
                };
                // The latest earlier entry with the same key, if any.
                let earlier = if is_small {
                    let found = small
                        .iter()
                        .rev()
                        .find(|(k, _)| *k == text)
                        .map(|(_, n)| *n);
                    small.push((text, written.span()));
                    found
                } else {
                    seen.insert(text, written.span())
                };
                if let Some(first) = earlier {
                    workspace.duplicate_keys.push(DuplicateKey {
                        key: text.to_owned(),
                        first: doc.loc(first),
                        repeated: key.loc(),
                    });
                }
            }
        }
        // Only collections can hold a mapping; scalars (most nodes) are not worth a visit.
        stack.extend(
            node.written_children()
                .filter(|child| matches!(child.kind(), NodeKind::Map | NodeKind::Seq)),
        );
    }
}
