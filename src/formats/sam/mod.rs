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
mod context;
mod definition;
mod events;
mod function_url;
mod generated;
mod globals;
mod http;
mod operation;
mod rest;
mod security;
mod settings;
mod usage_plans;
mod websocket;

use super::cloudformation::{self, Evaluator, Template};
use super::files::FileLoader;
use crate::diagnostic::InputError;
use crate::model::{Api, Workspace};

use context::{Context, reject};
use globals::Globals;

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
    for added in template.added_after_sam() {
        let (what, read) = match added.as_str() {
            Some("Globals") | None => ("`Globals`".to_owned(), "does not apply it"),
            Some(kind) => (format!("`{kind}`"), "reads it as SAM"),
        };
        reject(
            errors,
            added.loc(),
            format!(
                "{what} comes from an `AWS::Include` listed after `{}` in `Transform`: \
                 CloudFormation runs the transforms in that order, so SAM never sees it and the \
                 template is rejected (list the include first; gatelint {read})",
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
    for (kind, key) in cx.globals.unmerged_keys() {
        reject(
            errors,
            key.loc(),
            format!(
                "`{}` is not a property SAM takes from `Globals.{kind}`: the translator rejects \
                 the template whatever the value (write it on each AWS::Serverless::{kind})",
                key.as_str().unwrap_or("Definition")
            ),
        );
    }
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
