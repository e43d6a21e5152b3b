//! Format views and their lowering into the gateway model. This file is the dispatcher: which
//! format a document is, and which front end lowers it. What the front ends share lies below
//! them, each in a file of its own: `files` (the files a document refers to), `nodes` (mappings
//! and lists as every format reads them), `defaults` (what API Gateway assumes), `intrinsic`
//! (CloudFormation's functions, which appear wherever a template can embed a document),
//! `policy` (resource policies) and `cors` (CORS header mappings).

pub mod cdk;
pub mod cloudformation;
pub(crate) mod cors;
pub(crate) mod defaults;
pub mod files;
pub mod intrinsic;
pub mod nodes;
pub mod openapi;
pub(crate) mod policy;
pub mod provenance;
pub mod sam;
pub mod serverless;
pub mod terraform;

pub use files::{FileLoader, LoadError, NoFiles};

use crate::diagnostic::InputError;
use crate::model::Workspace;
use crate::syntax::Document;

/// What a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    OpenApi,
    CloudFormation,
    Sam,
    /// A Serverless Framework service (`serverless.yml`).
    Serverless,
}

/// What gatelint reads, as messages name it when they say a file or a directory held none of
/// it: every front end.
pub const API_DOCUMENT_KINDS: &str = "OpenAPI, CloudFormation, SAM, a Serverless Framework \
                                      service, Terraform or a CDK cloud assembly";

/// Whether text that could not be parsed looks like an OpenAPI, CloudFormation, SAM or
/// Serverless Framework document (then its syntax error is an input error; anything else is
/// some other tool's file). Looked for: an `openapi`/`swagger` key, `AWSTemplateFormatVersion`,
/// an `AWS::` type, an `x-amazon-apigateway-*` extension, or both a `service` and a `provider`
/// key. (Terraform's files are told by their extension, a CDK assembly by its manifest.)
pub fn looks_like_api_document(text: &str) -> bool {
    if text.contains("AWSTemplateFormatVersion")
        || text.contains("AWS::")
        || text.contains("x-amazon-apigateway-")
    {
        return true;
    }
    let has_key = |names: &[&str]| {
        text.lines().any(|line| {
            let key = line
                .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '{' | '"' | '\''));
            names.iter().any(|name| {
                key.strip_prefix(name).is_some_and(|rest| {
                    rest.trim_start_matches(['"', '\''])
                        .trim_start()
                        .starts_with(':')
                })
            })
        })
    };
    has_key(&["openapi", "swagger"]) || (has_key(&["service"]) && has_key(&["provider"]))
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
    Some(if cloudformation::Template::classify(root)? {
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
            // CloudFormation merges `AWS::Include` snippets, then runs the transforms of the
            // `Transform` section in order (`AWS::LanguageExtensions` before the SAM one). The
            // template's own loops are expanded first here so that includes inside them are
            // found in every copy; a snippet's loops are expanded as it is read.
            cloudformation::logical_ids::check(doc.root(), errors);
            let expanded = cloudformation::language_extensions::expand(doc, workspace, errors);
            let source = expanded.as_ref().unwrap_or(doc);
            let includes = cloudformation::load_includes(
                source.root(),
                files,
                &mut workspace.not_visible,
                errors,
            );
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
    nodes::collect_duplicate_keys(doc, workspace);
}
