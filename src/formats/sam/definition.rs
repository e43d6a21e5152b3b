//! Where a SAM API's OpenAPI definition comes from: an inline `DefinitionBody` (read through the
//! OpenAPI view, with spans in the template), a local `DefinitionUri` file (loaded through the
//! caller's [`FileLoader`](crate::formats::files::FileLoader) and linted as part of the template), an
//! S3 location (not visible here), or nothing — then SAM writes the definition itself from the
//! events.
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-api.html#sam-api-definitionuri>

use super::context::{Context, reject, truthy};
use super::globals::Merged;
use super::security::{self, Requirement};
use crate::diagnostic::InputError;
use crate::formats::cloudformation::body;
use crate::formats::cloudformation::include::{Included, may_be_set_by_unseen};
use crate::formats::files::LoadError;
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::formats::nodes::collect_duplicate_keys;
use crate::formats::openapi;
use crate::model::{Api, HiddenRoutes, Method, Workspace};
use crate::syntax::{Loc, NodeRef};

/// An API's definition.
pub(super) enum Definition<'a> {
    /// Neither `DefinitionBody` nor `DefinitionUri`: SAM writes the definition from the events,
    /// applies the API's settings to it, and events may add routes to it.
    Generated,
    /// An inline `DefinitionBody` that is an OpenAPI document (written in the template, or
    /// included with `AWS::Include`, which CloudFormation expands before SAM reads it).
    Inline(openapi::Spec<'a>),
    /// An inline `DefinitionBody` gatelint cannot see (an `AWS::Include` from S3, say), which
    /// SAM sees and edits: its settings apply, but its routes are not visible here.
    Unseen(HiddenRoutes),
    /// Routes that cannot be seen here, in a definition SAM does not edit either (an S3
    /// location, an intrinsic, a file that was not loaded): where they are declared, and why.
    Hidden(HiddenRoutes),
    /// An inline `DefinitionBody` that is not an OpenAPI document (no `swagger`/`openapi` or no
    /// `paths`, or an `Fn::If` whose branches are): SAM passes it on, but cannot edit it. The
    /// branches of an `Fn::If` are already lowered into the API, each under its condition.
    NotOpenApi(Loc, Option<HiddenRoutes>),
    /// A `DefinitionUri` file, already lowered into the API.
    File,
}

impl Definition<'_> {
    /// Whether gatelint holds a definition SAM may edit (add CORS preflights, authorizers, API
    /// keys) and applies SAM's edits to it.
    pub fn editable(&self) -> bool {
        matches!(self, Definition::Generated | Definition::Inline(_))
    }

    /// Whether SAM may edit the definition, seen here or not: where it may not, the
    /// translator refuses settings that need it to (`Auth`, `Cors`).
    pub fn held_by_sam(&self) -> bool {
        self.editable() || matches!(self, Definition::Unseen(_))
    }

    /// Where the routes are kept when they cannot be seen here, and why.
    pub fn hidden_routes(&self) -> Option<HiddenRoutes> {
        match self {
            Definition::Hidden(hidden) | Definition::Unseen(hidden) => Some(hidden.clone()),
            Definition::NotOpenApi(_, hidden) => hidden.clone(),
            Definition::Generated | Definition::Inline(_) | Definition::File => None,
        }
    }

    /// Where an inline definition's `x-amazon-apigateway-cors` (the CORS of an HTTP API) is:
    /// the origin of the CORS answer its lowering gives.
    pub fn cors_extension_at(&self) -> Option<Loc> {
        match self {
            Definition::Inline(spec) => spec
                .get(spec.root, "x-amazon-apigateway-cors")
                .filter(|c| c.is_map())
                .map(NodeRef::loc),
            _ => None,
        }
    }

    /// Where an inline definition declares its gateway response of type `kind`: the origin of
    /// the CORS answer its lowering gives.
    pub fn gateway_response_at(&self, kind: &str) -> Option<Loc> {
        match self {
            Definition::Inline(spec) => spec
                .entry(
                    spec.get(spec.root, "x-amazon-apigateway-gateway-responses")?,
                    kind,
                )
                .map(|(key, _)| key.loc()),
            _ => None,
        }
    }

    /// The root `security` of an inline definition: the default of the operations that have
    /// none, as the translator leaves them.
    pub fn root_security(&self) -> Option<Vec<Requirement>> {
        match self {
            Definition::Inline(spec) => spec
                .get(spec.root, "security")
                .and_then(|s| security::read(*spec, s).ok()),
            _ => None,
        }
    }
}

/// The definition of an API resource whose properties are `body` and `uri` (the latter may come
/// from Globals). A `DefinitionUri` file is loaded and lowered into `api` here.
pub(super) fn resolve<'a>(
    cx: &Context<'_, 'a>,
    id: &str,
    body: Option<NodeRef<'a>>,
    uri: Merged<'a>,
    api: &mut Api,
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) -> Definition<'a> {
    // The translator tests both with Python truthiness: a null or empty `DefinitionBody` (or
    // `DefinitionUri`) is no definition at all, so it neither conflicts with the other nor stops
    // SAM from writing one from the events.
    let body = body.filter(|b| truthy(Some(*b)));
    match (body, uri.node().filter(|u| truthy(Some(*u)))) {
        // What an `AWS::Include` beside the API's properties that cannot be seen may set.
        (Some(body), Some(uri)) if body.identity() == uri.identity() => {
            let reason = match cx.template.includes().and_then(|i| i.get(body)) {
                Some(Included::NotVisible { reason, .. }) => reason,
                _ => "from where gatelint does not read",
            };
            Definition::Unseen(HiddenRoutes::because(
                body.loc(),
                format!(
                    "the definition may be set by an `AWS::Include` beside the API's \
                     properties, included {reason}"
                ),
            ))
        }
        // Only one of them is written; the other is what an unseen include beside the
        // properties may set (and if it does, the translator rejects the template): the
        // written one is the definition.
        (Some(body), Some(uri)) if may_be_set_by_unseen(uri) => inline(cx, id, body, api, errors),
        (Some(body), Some(uri)) if may_be_set_by_unseen(body) => {
            from_uri(cx, id, uri, api, workspace, errors)
        }
        (Some(body), Some(uri)) => {
            reject(
                errors,
                uri.loc(),
                format!(
                    "{id} has both a DefinitionBody and a DefinitionUri: SAM takes one or the other"
                ),
            );
            inline(cx, id, body, api, errors)
        }
        (Some(body), None) => inline(cx, id, body, api, errors),
        (None, Some(uri)) => from_uri(cx, id, uri, api, workspace, errors),
        (None, None) => Definition::Generated,
    }
}

fn inline<'a>(
    cx: &Context<'_, 'a>,
    id: &str,
    body: NodeRef<'a>,
    api: &mut Api,
    errors: &mut Vec<InputError>,
) -> Definition<'a> {
    let included = cx.template.includes().and_then(|i| i.get(body));
    if let Some(Included::NotVisible { at, reason }) = included {
        return Definition::Unseen(HiddenRoutes::because(
            at,
            format!("the DefinitionBody is included {reason}"),
        ));
    }
    if let Some((at, reason)) = cx.template.includes().and_then(|i| i.unseen_in_body(body)) {
        return Definition::Unseen(HiddenRoutes::because(
            at.clone(),
            body::unseen_in_body(reason),
        ));
    }
    if let Some(call) = intrinsic(body) {
        if let Intrinsic::If { .. } = call {
            // SAM passes an `Fn::If` body on without editing it; each branch is a body.
            let read = body::read(cx.template, body);
            body::lower_into(api, read.specs);
            return Definition::NotOpenApi(body.loc(), read.hidden);
        }
        return Definition::Hidden(HiddenRoutes::because(
            body.loc(),
            format!(
                "the DefinitionBody is computed by {}, which gatelint does not evaluate",
                body::name(&call)
            ),
        ));
    }
    if !body.is_map() {
        reject(
            errors,
            body.loc(),
            format!("the DefinitionBody of {id} must be a map (an OpenAPI document)"),
        );
        return Definition::Hidden(HiddenRoutes::elsewhere(body.loc()));
    }
    let not_openapi = || {
        Definition::NotOpenApi(
            body.loc(),
            Some(HiddenRoutes::because(
                body.loc(),
                "the DefinitionBody is not an OpenAPI document with `paths`",
            )),
        )
    };
    match openapi::Spec::detect_in(body, body::view(cx.template)) {
        Some(Ok(spec)) if spec.get(spec.root, "paths").is_some_and(|p| p.is_map()) => {
            Definition::Inline(spec)
        }
        Some(Ok(_)) | None => not_openapi(),
        Some(Err((loc, message))) => {
            reject(errors, loc, message);
            not_openapi()
        }
    }
}

fn from_uri<'a>(
    cx: &Context<'_, 'a>,
    id: &str,
    uri: NodeRef<'a>,
    api: &mut Api,
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) -> Definition<'a> {
    let at = uri.loc();
    let hidden = |why: String| Definition::Hidden(HiddenRoutes::because(at.clone(), why));
    // `{Bucket, Key}`, and intrinsics: an S3 object we do not fetch.
    let Some(reference) = uri.as_str().filter(|_| intrinsic(uri).is_none()) else {
        if let Some(call) = intrinsic(uri) {
            return hidden(format!(
                "the DefinitionUri is computed by {}, which gatelint does not evaluate",
                body::name(&call)
            ));
        }
        if uri.is_map() {
            let has = |key: &str| uri.get(key).is_some_and(|v| !v.is_null());
            if !has("Bucket") || !has("Key") {
                reject(
                    errors,
                    at.clone(),
                    format!("the DefinitionUri of {id} needs both a Bucket and a Key"),
                );
                return Definition::Hidden(HiddenRoutes::elsewhere(at));
            }
        }
        return hidden("the definition is in S3 (DefinitionUri)".to_owned());
    };
    if reference.starts_with("s3://") {
        return hidden(format!("the definition is in S3 (`{reference}`)"));
    }
    if reference.contains("://") {
        reject(
            errors,
            at.clone(),
            format!(
                "the DefinitionUri of {id} must be an S3 location (s3://bucket/key) or a local \
                 file, not `{reference}`"
            ),
        );
        return Definition::Hidden(HiddenRoutes::elsewhere(at));
    }
    let documents = match cx.files.load(reference) {
        Ok(documents) => documents,
        Err(LoadError::NotAvailable) => {
            return hidden(format!(
                "the DefinitionUri file `{reference}` is not read (no directory to read it from)"
            ));
        }
        Err(LoadError::Outside) => {
            return hidden(format!(
                "the DefinitionUri file `{reference}` is outside the template's directory \
                 (gatelint reads no further)"
            ));
        }
        Err(LoadError::Unreadable(why)) => {
            return hidden(format!(
                "the DefinitionUri file `{reference}` cannot be read: {why}"
            ));
        }
        Err(LoadError::Syntax(error)) => {
            errors.push(error);
            return Definition::Hidden(HiddenRoutes::elsewhere(at));
        }
    };
    let Some(document) = documents.first() else {
        return hidden(format!("the DefinitionUri file `{reference}` is empty"));
    };
    match openapi::Spec::detect(document.root()) {
        Some(Ok(spec)) => {
            openapi::lower_into(api, spec);
            for document in &documents {
                collect_duplicate_keys(document, workspace);
            }
            Definition::File
        }
        Some(Err((loc, message))) => {
            errors.push(InputError::new(loc, message));
            Definition::Hidden(HiddenRoutes::elsewhere(at))
        }
        None => hidden(format!(
            "the DefinitionUri file `{reference}` is not an OpenAPI document"
        )),
    }
}

/// The structure the translator's editor insists on: every path item and operation a map, and
/// `securityDefinitions` a map.
pub(super) fn check_structure(spec: openapi::Spec<'_>, errors: &mut Vec<InputError>) {
    if let Some(definitions) = spec.get(spec.root, "securityDefinitions")
        && !definitions.is_map()
        && !definitions.is_null()
    {
        reject(
            errors,
            definitions.loc(),
            "securityDefinitions must be a map",
        );
    }
    let Some(paths) = spec.get(spec.root, "paths").filter(|p| p.is_map()) else {
        return;
    };
    for (path, item) in spec.distinct_entries(paths) {
        let name = path.as_str().unwrap_or("");
        if !item.is_map() {
            reject(
                errors,
                item.loc(),
                format!("the path item of `{name}` must be a map"),
            );
            continue;
        }
        if let Some(Intrinsic::If { .. }) = intrinsic(item) {
            continue;
        }
        if let Some((key, _)) = spec
            .entries(item)
            .find(|(k, v)| k.as_str().is_some_and(|m| m.starts_with("Fn::If")) && !v.is_seq())
        {
            reject(errors, key.loc(), "the value of Fn::If must be a list");
        }
        for (method, operation) in spec.distinct_entries(item) {
            let Some(method_name) = method.as_str() else {
                continue;
            };
            let is_operation = Method::parse(method_name).is_some();
            if is_operation && !operation.is_map() {
                reject(
                    errors,
                    operation.loc(),
                    format!("the `{method_name}` operation of `{name}` must be a map"),
                );
            }
        }
    }
}
