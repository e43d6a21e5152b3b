//! An API resource's OpenAPI `Body` (`AWS::ApiGateway::RestApi`, `AWS::ApiGatewayV2::Api`), or
//! the SAM `DefinitionBody` it becomes: written inline, included with `AWS::Include`, chosen by
//! `Fn::If` (each branch lowered, its routes under the branch's conditions), or kept where
//! gatelint cannot see it (S3, an intrinsic it does not evaluate), which is said with a reason.

use super::fn_if::{FnIf, fn_if_leaves};
use super::include::Included;
use super::template::{Resource, Template};
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::formats::{cdk, openapi};
use crate::model::{Api, Conditions, HiddenRoutes, Resolved};
use crate::syntax::NodeRef;

/// Why a definition with an `AWS::Include` inside it (beside other keys of one of its mappings,
/// standing for one of its values, or inside the snippet that is the definition) whose snippet
/// cannot be seen has no visible routes: the routes gatelint would read could be missing or
/// wrong. `reason` says where the snippet is ("from S3 (`s3://...`)").
pub fn unseen_in_body(reason: &str) -> String {
    format!(
        "the definition has an `AWS::Include` inside it that is not visible: it is included {reason}"
    )
}

/// How the OpenAPI view reads a definition written in `template`: through its `Fn::If` and its
/// `AWS::Include`s.
pub fn view<'a>(template: &Template<'a>) -> &'a dyn openapi::TemplateView {
    match template.includes() {
        Some(includes) => includes,
        None => &FnIf,
    }
}

/// What a body is, once `AWS::Include` and `Fn::If` are seen through.
#[derive(Default)]
pub struct Body<'a> {
    /// OpenAPI documents, each under the conditions of its `Fn::If` branch (none for a plain
    /// body).
    pub specs: Vec<(Conditions, openapi::Spec<'a>)>,
    /// Set when (a branch of) the body is no OpenAPI document gatelint can read.
    pub hidden: Option<HiddenRoutes>,
}

/// Read `body` (the value of a `Body` or `DefinitionBody` property).
pub fn read<'a>(template: &Template<'a>, body: NodeRef<'a>) -> Body<'a> {
    let mut leaves = Vec::new();
    if matches!(intrinsic(body), Some(Intrinsic::If { .. })) {
        fn_if_leaves(body, &mut Vec::new(), &mut leaves);
    } else {
        leaves.push((Vec::new(), Some(body)));
    }
    let mut read = Body::default();
    let mut hide = |why: HiddenRoutes| {
        read.hidden.get_or_insert(why);
    };
    let mut specs = Vec::new();
    for (when, leaf) in leaves {
        // A branch that is `AWS::NoValue` has no body, and so no routes.
        let Some(leaf) = leaf else { continue };
        let leaf = match template.includes().and_then(|i| i.get(leaf)) {
            Some(Included::Snippet(snippet)) => snippet,
            Some(Included::NotVisible { at, reason }) => {
                hide(HiddenRoutes::because(
                    at,
                    format!("the body is included {reason}"),
                ));
                continue;
            }
            None => leaf,
        };
        if let Some((at, reason)) = template.includes().and_then(|i| i.unseen_in_body(leaf)) {
            hide(HiddenRoutes::because(at.clone(), unseen_in_body(reason)));
            continue;
        }
        if let Some(call) = intrinsic(leaf) {
            hide(HiddenRoutes::because(
                leaf.loc(),
                format!(
                    "the body is computed by {}, which gatelint does not evaluate",
                    name(&call)
                ),
            ));
            continue;
        }
        match openapi::Spec::detect_in(leaf, view(template)) {
            Some(Ok(spec)) => specs.push((when, spec)),
            Some(Err(_)) | None => hide(HiddenRoutes::because(
                leaf.loc(),
                "the body is not an OpenAPI document gatelint reads",
            )),
        }
    }
    read.specs = specs;
    read
}

/// The definition a `BodyS3Location` of `resource` names: a CDK asset beside the template is
/// lowered into `api` like a `Body`; anything else is in S3, where gatelint does not look.
pub fn lower_s3_location(template: &Template<'_>, resource: Resource<'_>, api: &mut Api) {
    let Some(key) = resource.property_key(cdk::BODY_LOCATION) else {
        return;
    };
    let asset = resource
        .property(cdk::BODY_LOCATION)
        .and_then(|location| template.includes()?.asset_body(location));
    match asset {
        Some(Included::Snippet(root)) => {
            let read = read(template, root);
            api.definition_file = Some(root.loc());
            lower_into(api, read.specs);
            api.hidden_routes = read.hidden;
        }
        Some(Included::NotVisible { reason, .. }) => {
            api.hidden_routes = Some(HiddenRoutes::because(
                key.loc(),
                format!("the definition is a CDK asset, read {reason}"),
            ));
        }
        None => {
            api.hidden_routes = Some(HiddenRoutes::because(
                key.loc(),
                "the definition is in S3 (BodyS3Location)",
            ));
        }
    }
}

/// Lower every branch of `specs` into `api`, each route, CORS answer and default-endpoint
/// setting under its branch's conditions.
pub fn lower_into(api: &mut Api, specs: Vec<(Conditions, openapi::Spec<'_>)>) {
    let branched = specs.iter().any(|(when, _)| !when.is_empty());
    // What each branch says of the default endpoint (`Known(false)` when it says nothing).
    let mut endpoint: Vec<Resolved<bool>> = Vec::new();
    let mut sets_endpoint = false;
    // Where a finding points: the first branch that may leave the endpoint on (its setting, or
    // the branch's definition when it says nothing).
    let mut endpoint_origin = None;
    for (when, spec) in specs {
        let first = api.routes.len();
        let first_cors = api.cors.len();
        let root_loc = spec.root.loc();
        let earlier_origin = api.default_endpoint_origin.take();
        openapi::lower_into(api, spec);
        let origin = std::mem::replace(&mut api.default_endpoint_origin, earlier_origin);
        if !branched {
            if origin.is_some() {
                api.default_endpoint_origin = origin;
            }
            continue;
        }
        sets_endpoint |= origin.is_some();
        let (disabled, at) = match origin {
            Some(at) => (
                std::mem::replace(&mut api.default_endpoint_disabled, Resolved::Known(false)),
                at,
            ),
            None => (Resolved::Known(false), root_loc),
        };
        if disabled != Resolved::Known(true) {
            endpoint_origin.get_or_insert(at);
        }
        endpoint.push(disabled.under(&when));
        for route in api.routes.iter_mut().skip(first) {
            let auth = std::mem::replace(&mut route.auth, Resolved::Unknown);
            route.auth = auth.under(&when);
        }
        for cors in api.cors.iter_mut().skip(first_cors) {
            let origin = std::mem::replace(&mut cors.allow_origin, Resolved::Unknown);
            cors.allow_origin = origin.under(&when);
            let credentials = std::mem::replace(&mut cors.allow_credentials, Resolved::Unknown);
            cors.allow_credentials = credentials.under(&when);
        }
    }
    // Some branch sets it: each branch's value, under its conditions.
    if sets_endpoint {
        api.default_endpoint_origin = endpoint_origin;
        api.default_endpoint_disabled = Resolved::Conditional(
            endpoint
                .into_iter()
                .flat_map(|value| match value {
                    Resolved::Conditional(branches) => branches.into_vec(),
                    // A branch without conditions (not reached: `branched` means each has one).
                    _ => Vec::new(),
                })
                .collect(),
        );
    }
}

/// How a message names an intrinsic function.
pub fn name<'a>(call: &Intrinsic<'a>) -> &'a str {
    match call {
        Intrinsic::Ref(_) => "Ref",
        Intrinsic::GetAtt { .. } => "Fn::GetAtt",
        Intrinsic::Sub { .. } => "Fn::Sub",
        Intrinsic::Join { .. } => "Fn::Join",
        Intrinsic::If { .. } => "Fn::If",
        Intrinsic::FindInMap { .. } => "Fn::FindInMap",
        Intrinsic::Select { .. } => "Fn::Select",
        Intrinsic::Split { .. } => "Fn::Split",
        Intrinsic::Length(_) => "Fn::Length",
        Intrinsic::ToJsonString(_) => "Fn::ToJsonString",
        Intrinsic::ImportValue(_) => "Fn::ImportValue",
        Intrinsic::GetAzs => "Fn::GetAZs",
        Intrinsic::Base64(_) => "Fn::Base64",
        Intrinsic::Equals(..) => "Fn::Equals",
        Intrinsic::And(_) => "Fn::And",
        Intrinsic::Or(_) => "Fn::Or",
        Intrinsic::Not(_) => "Fn::Not",
        Intrinsic::Condition(_) => "Condition",
        Intrinsic::Opaque(name) => match *name {
            "Fn" | "malformed" => "an intrinsic function",
            other => other,
        },
    }
}
