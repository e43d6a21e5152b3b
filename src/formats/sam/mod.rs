//! SAM templates (`Transform: AWS::Serverless-2016-10-31`), lowered into the gateway model as
//! the SAM translator would expand them: a SAM template and the CloudFormation the translator
//! makes of it give the same routes, with the same authentication, stages and throttling.
//!
//! The translator's behaviour this module follows, step by step:
//! - Globals are merged into every Function, Api and HttpApi ([`globals`]).
//! - Function and state machine events of type `Api` and `HttpApi` add routes to the API they
//!   name, or to the implicit `ServerlessRestApi` / `ServerlessHttpApi` ([`events`]). A REST
//!   event adds a route only to an API whose definition SAM writes itself (no `DefinitionBody`,
//!   or `MergeDefinitions`); an HTTP event always does.
//! - Then each API applies its own settings: CORS preflights, authorizers, the default
//!   authorizer and API key requirement, usage plans and the stage ([`rest`], [`http`]).
//!
//! Every route, authorizer and stage keeps the location of the SAM node that decided it (the
//! event, its `Auth`, the API's `DefaultAuthorizer`, `Globals`). Templates the translator
//! rejects give located input errors, except where a rule says it better (an authorizer that is
//! named but not defined is a `missing-authorizer` finding).
//! <https://github.com/aws/serverless-application-model/tree/develop/samtranslator>

mod api;
mod auth;
mod definition;
mod events;
mod function_url;
mod generated;
mod globals;
mod http;
mod operation;
mod rest;
mod security;
mod usage_plans;
mod websocket;

use super::cloudformation::{self, Evaluator, Template};
use super::files::FileLoader;
use super::intrinsic;
use crate::diagnostic::InputError;
use crate::model::{Api, Workspace};
use crate::syntax::{Loc, NodeRef};

use globals::Globals;

/// What every part of the SAM lowering reads.
struct Context<'t, 'a> {
    template: &'t Template<'a>,
    eval: Evaluator<'t, 'a>,
    globals: Globals<'a>,
    files: &'t dyn FileLoader,
}

/// Lower a SAM template: its plain CloudFormation resources, then what its serverless
/// resources expand to.
pub fn lower(
    mut template: Template<'_>,
    files: &dyn FileLoader,
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) {
    // What the translator generates can be referred to from the rest of the template.
    let ids = generated::ids(&template);
    template.set_generated(ids);
    let template = &template;
    if let Some(kind) = template.undeclared_sam_type() {
        reject(
            errors,
            kind.loc(),
            format!(
                "`{}` is a SAM type, and the template does not declare `Transform: {}`: \
                 CloudFormation rejects the template until it does (gatelint reads it as SAM)",
                kind.as_str().unwrap_or("AWS::Serverless::*"),
                cloudformation::template::SAM_TRANSFORM
            ),
        );
    }
    cloudformation::lower_resources(template, workspace);
    let first_sam_api = workspace.apis.len();
    let cx = Context {
        template,
        eval: Evaluator::new(template),
        globals: Globals::new(template.globals(), template.includes()),
        files,
    };
    let events = events::collect(&cx, errors);
    rest::lower(&cx, &events, workspace, errors);
    http::lower(&cx, &events, workspace, errors);
    websocket::lower(&cx, workspace, errors);
    function_url::lower(&cx, workspace, errors);
    join_plain_resources(template, workspace, first_sam_api);
    usage_plans::attach(&cx, &mut workspace.apis);
    cloudformation::access::link(template, workspace);
}

/// The CloudFormation lowering ran on the template's plain resources and knows nothing of SAM.
/// Two of its results concern SAM APIs: an API lowered from a resource that an implicit API
/// replaces (the translator overwrites a `ServerlessRestApi` resource when events need the
/// implicit API) is dropped; and an API it could only name (plain `AWS::ApiGateway::Method`s
/// whose `RestApiId` is a SAM API by its logical id) is that SAM API, so its routes, authorizers
/// and stages join it.
fn join_plain_resources(template: &Template<'_>, workspace: &mut Workspace, first_sam_api: usize) {
    let plain: Vec<Api> = workspace.apis.drain(..first_sam_api).collect();
    let mut kept = Vec::new();
    for api in plain {
        let Some(sam) = workspace.apis.iter_mut().find(|sam| sam.name == api.name) else {
            kept.push(api);
            continue;
        };
        let declared = template
            .resource(&api.name)
            .is_some_and(|r| !r.kind.starts_with("AWS::Serverless::"));
        if declared {
            continue;
        }
        // An API from elsewhere is never a SAM API, even when a literal id spells its name:
        // CloudFormation passes the literal to API Gateway as it is. (Its hidden routes have a
        // reason, a coverage note; those of an API the plain lowering names by logical id have
        // none, as the SAM API defines them.)
        if api
            .hidden_routes
            .as_ref()
            .is_some_and(|h| h.reason.is_some())
        {
            kept.push(api);
            continue;
        }
        sam.routes.extend(api.routes);
        sam.authorizers.extend(api.authorizers);
        sam.stages.extend(api.stages);
        sam.deployments.extend(api.deployments);
    }
    kept.append(&mut workspace.apis);
    workspace.apis = kept;
}

/// A template the translator rejects, at the node that makes it do so. A `Globals` value that is
/// wrong for every API it reaches is reported once.
fn reject(errors: &mut Vec<InputError>, loc: Loc, message: impl Into<String>) {
    let message = message.into();
    if !errors.iter().any(|e| e.loc == loc && e.message == message) {
        errors.push(InputError::new(loc, message));
    }
}

/// A scalar as the translator reads it once it has replaced `Ref`s to parameters (and to the
/// pseudo-parameters it knows) by their values: `Auth`, `Domain` and the like are resolved so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Text<'a> {
    /// Written literally, or a `Ref` to a parameter with a default (the default is taken).
    Literal(&'a str),
    /// A `Ref` to a parameter without a default, or to a pseudo-parameter: a string, known only
    /// at deployment.
    Deployment,
    /// Any other intrinsic function (`Fn::If`, `Fn::Sub`, a `Ref` to a resource), a list or a
    /// map: not a string to the translator, whatever the parameters are.
    Other,
}

fn text<'a>(cx: &Context<'_, 'a>, node: NodeRef<'a>) -> Text<'a> {
    match intrinsic::intrinsic(node) {
        None if node.is_scalar() && !node.is_null() => {
            node.as_str().map_or(Text::Other, Text::Literal)
        }
        Some(intrinsic::Intrinsic::Ref(name)) => match cx.template.parameter(name) {
            Some(parameter) => match parameter.default {
                Some(default) if default.is_scalar() && !default.is_null() => {
                    default.as_str().map_or(Text::Deployment, Text::Literal)
                }
                _ => Text::Deployment,
            },
            None if name.starts_with("AWS::") => Text::Deployment,
            None => Text::Other,
        },
        _ => Text::Other,
    }
}

/// A scalar the translator reads as text, when it is known before deployment (see [`Text`]).
fn literal<'a>(cx: &Context<'_, 'a>, node: Option<NodeRef<'a>>) -> Option<&'a str> {
    match text(cx, node?) {
        Text::Literal(text) => Some(text),
        Text::Deployment | Text::Other => None,
    }
}

/// A boolean as the translator tests it: Python truthiness, so any intrinsic call is true.
fn truthy(node: Option<NodeRef<'_>>) -> bool {
    let Some(node) = node else { return false };
    if intrinsic::intrinsic(node).is_some() {
        return true;
    }
    match node.as_bool() {
        Some(value) => value,
        None if node.is_null() => false,
        None if node.is_scalar() => !node.as_str().unwrap_or("").is_empty(),
        None => !node.is_empty(),
    }
}

/// The keys of the settings map `settings` that are not among the `known` ones, each with the
/// message the translator rejects it with ("`X` is not `what` setting (those are ...)").
fn unknown_settings<'a>(
    settings: globals::Merged<'a>,
    known: &'a [&'a str],
    what: &'a str,
) -> impl Iterator<Item = (Loc, String)> + 'a {
    settings.entries().into_iter().filter_map(move |(key, _)| {
        let name = key.as_str().filter(|name| !known.contains(name))?;
        let message = format!(
            "`{name}` is not {what} setting (those are {})",
            known.join(", ")
        );
        Some((key.loc(), message))
    })
}

/// Whether route or stage settings set a throttling limit (`ThrottlingBurstLimit` or
/// `ThrottlingRateLimit`).
fn sets_throttling(
    cx: &Context<'_, '_>,
    settings: globals::Merged<'_>,
) -> crate::model::Resolved<bool> {
    use crate::formats::cloudformation::gateway::limit_set;
    let limits = |settings: globals::Merged<'_>| {
        limit_set(&cx.eval, settings.get("ThrottlingBurstLimit").node()).or(&limit_set(
            &cx.eval,
            settings.get("ThrottlingRateLimit").node(),
        ))
    };
    match settings.node() {
        // Settings chosen by `Fn::If`: each branch on its own.
        Some(node) if crate::formats::intrinsic::intrinsic(node).is_some() => cx
            .eval
            .mapping(Some(node))
            .and_then(&|branch| match branch {
                None => crate::model::Resolved::Known(false),
                Some(map) => limits(globals::Merged::single(Some(*map))),
            }),
        _ => limits(settings),
    }
}

/// Whether settings may throttle: in some branch, or in a way that cannot be read (which is
/// never taken for the lack of a limit).
fn may_throttle(throttle: &crate::model::Resolved<bool>) -> bool {
    throttle.any(|t| *t) || throttle.has_unknown()
}

/// Whether a stage's access log setting (`AccessLogSetting` or `AccessLogSettings`) names a
/// destination.
fn access_log(cx: &Context<'_, '_>, setting: globals::Merged<'_>) -> crate::model::Resolved<bool> {
    match setting.node() {
        None => crate::model::Resolved::Known(false),
        // A setting chosen by `Fn::If`: each branch on its own.
        Some(node) if crate::formats::intrinsic::intrinsic(node).is_some() => {
            crate::formats::cloudformation::gateway::access_log(&cx.eval, Some(node))
        }
        Some(_) => cx
            .eval
            .eval_opt(setting.get("DestinationArn").node())
            .map(Option::is_some),
    }
}
