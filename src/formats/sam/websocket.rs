//! `AWS::Serverless::WebSocketApi`: one route per entry of `Routes`, authorization on `$connect`
//! only (every other message inherits the connection's), and one automatically deployed stage.
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-websocketapi.html>

use std::sync::Arc;

use super::context::{Context, Text, literal, reject, text};
use super::globals::{Merged, Properties};
use super::settings::sets_throttling;
use crate::diagnostic::InputError;
use crate::formats::cloudformation::under_resource_condition;
use crate::model::{
    Api, ApiKind, Auth, Authorizer, AuthorizerKind, AuthorizerUse, AuthorizerUses, EndpointType,
    Method, OpenBecause, Resolved, Route, RouteSource, Stage, Workspace, authorizer_uses,
};
use crate::syntax::NodeRef;

/// The stage a WebSocket API gets when `StageName` is not set.
const DEFAULT_STAGE: &str = "default";

/// The route that carries the connection's authorization.
const CONNECT: &str = "$connect";

pub(super) fn lower(cx: &Context<'_, '_>, workspace: &mut Workspace, errors: &mut Vec<InputError>) {
    for resource in cx.template.resources_of("AWS::Serverless::WebSocketApi") {
        let properties = cx.globals.merged_into(Some(resource), "WebSocketApi");
        let mut api = Api::new(resource.id, ApiKind::WebSocket, resource.loc());
        api.aws = true;
        api.sam = true;
        api.endpoint = Resolved::Known(EndpointType::Regional);
        let routes = properties.get("Routes");
        if routes.entries().is_empty() {
            reject(
                errors,
                routes.loc().unwrap_or_else(|| resource.loc()),
                format!("the WebSocket API {} has no routes", resource.id),
            );
        }
        let has_connect = routes
            .entries()
            .iter()
            .any(|(key, _)| key.as_str() == Some(CONNECT));
        let auth = properties.get("Auth");
        let connect_auth = connect_auth(cx, resource.id, auth, has_connect, errors);
        if let Some((_, Some(authorizer))) = &connect_auth {
            api.authorizers.push(Authorizer {
                identity_source: Resolved::Known(
                    auth.get("IdentitySource")
                        .items()
                        .iter()
                        .filter_map(|i| i.as_str())
                        .map(str::to_owned)
                        .reduce(|a, b| format!("{a}, {b}")),
                ),
                ..Authorizer::new(
                    &*authorizer.name,
                    AuthorizerKind::LambdaRequest,
                    authorizer.origin.clone(),
                )
            });
        }
        for (key, spec) in routes.entries() {
            let Some(route_key) = key.as_str() else {
                continue;
            };
            if spec.get("FunctionArn").node().is_none() {
                reject(
                    errors,
                    key.loc(),
                    format!(
                        "the route {route_key} of {} has no FunctionArn",
                        resource.id
                    ),
                );
            }
            let connect = route_key == CONNECT;
            let (route_auth, auth_origin) = match (&connect_auth, connect) {
                (Some((auth_value, authorizer)), true) => (
                    (
                        auth_value.clone(),
                        authorizer_uses(authorizer.iter().cloned().collect()),
                    ),
                    auth.get("AuthType").loc().or_else(|| auth.loc()),
                ),
                _ => (
                    (Auth::Open(OpenBecause::Missing), AuthorizerUses::default()),
                    None,
                ),
            };
            let (auth_value, references) = route_auth;
            let api_key_required = cx
                .eval
                .boolean(spec.get("ApiKeyRequired").node())
                .map(|k| k.unwrap_or(false));
            // Without authentication, a required API key is all a caller needs.
            let auth_value = api_key_required.map(|required| match &auth_value {
                Auth::Open(_) if *required => Auth::ApiKeyOnly,
                other => other.clone(),
            });
            api.routes.push(Route {
                method: Method::Any,
                path: route_key.into(),
                auth: under_resource_condition(resource, auth_value),
                auth_origin,
                api_key_required,
                references,
                cors_preflight: false,
                origin: key.loc(),
                source: RouteSource::Operation,
                inherits_connection_auth: !connect,
            });
        }
        api.default_auth_origin = auth.loc();
        api.stages.push(stage(cx, resource.loc(), &properties));
        workspace.apis.push(api);
    }
}

/// `Auth` as the translator checks it, and what `$connect` gets from it: the authorization and,
/// for CUSTOM, the authorizer the translator creates (`<Api>ConnectAuthorizer`).
fn connect_auth(
    cx: &Context<'_, '_>,
    id: &str,
    auth: Merged<'_>,
    has_connect: bool,
    errors: &mut Vec<InputError>,
) -> Option<(Auth, Option<AuthorizerUse>)> {
    let node = auth.node().filter(|n| !n.is_null() && !n.is_empty())?;
    if !has_connect {
        reject(
            errors,
            node.loc(),
            format!("Auth on the WebSocket API {id} needs a $connect route to apply to"),
        );
        return None;
    }
    let kind_node = auth.get("AuthType").node();
    // A type given at deployment: `$connect` is protected by what we cannot see.
    if kind_node.is_some_and(|k| text(cx, k) == Text::Deployment) {
        return Some((Auth::Authorizers(AuthorizerUses::default()), None));
    }
    let Some(written) = literal(cx, kind_node) else {
        reject(
            errors,
            kind_node.map_or_else(|| node.loc(), NodeRef::loc),
            format!(
                "the Auth of the WebSocket API {id} needs an AuthType (NONE, AWS_IAM or CUSTOM)"
            ),
        );
        return None;
    };
    let at = kind_node.map_or_else(|| node.loc(), NodeRef::loc);
    let alone = auth.entries().len() == 1;
    // The translator checks the type in capitals, but writes the route from the type as it is
    // written: only `CUSTOM` and `AWS_IAM` are recognised there, anything else becomes `NONE`.
    // <https://github.com/aws/serverless-application-model/blob/develop/samtranslator/model/api/websocket_api_generator.py>
    let kind = written.to_ascii_uppercase();
    match kind.as_str() {
        "NONE" | "AWS_IAM" if !alone => {
            reject(
                errors,
                node.loc(),
                format!("AuthType {kind} takes no other Auth settings"),
            );
            None
        }
        "CUSTOM" if auth.get("AuthArn").node().is_none() => {
            reject(
                errors,
                at,
                "AuthType CUSTOM needs an AuthArn (the authorizer function)",
            );
            None
        }
        "NONE" => Some((Auth::Open(OpenBecause::Disabled), None)),
        "AWS_IAM" | "CUSTOM" if written != kind => Some((Auth::Open(OpenBecause::Miscased), None)),
        "AWS_IAM" => Some((Auth::Iam, None)),
        "CUSTOM" => {
            let use_of = AuthorizerUse {
                name: format!("{id}ConnectAuthorizer").into(),
                scopes: Default::default(),
                origin: at,
            };
            Some((Auth::Authorizers(Arc::new([use_of.clone()])), Some(use_of)))
        }
        other => {
            reject(
                errors,
                at,
                format!("AuthType is `{other}`; it must be NONE, AWS_IAM or CUSTOM"),
            );
            None
        }
    }
}

/// `DataTraceEnabled` in `DefaultRouteSettings` or any of `RouteSettings` (HTTP and WebSocket
/// APIs alike).
pub(super) fn route_settings_data_trace(
    cx: &Context<'_, '_>,
    properties: &Properties<'_>,
) -> (Resolved<bool>, Option<crate::syntax::Loc>) {
    let routes = properties.get("RouteSettings");
    let settings = properties
        .get("DefaultRouteSettings")
        .node()
        .into_iter()
        .chain(routes.entries().into_iter().filter_map(|(_, s)| s.node()));
    crate::formats::cloudformation::gateway::data_trace(&cx.eval, settings)
}

fn stage(cx: &Context<'_, '_>, fallback: crate::syntax::Loc, properties: &Properties<'_>) -> Stage {
    let name_node = properties.get("StageName").node();
    let name = name_node.filter(|n| !n.is_null()).map_or_else(
        || DEFAULT_STAGE.to_owned(),
        |node| super::api::stage_name(cx, node),
    );
    let throttle = sets_throttling(cx, properties.get("DefaultRouteSettings"));
    let access_log = properties.get("AccessLogSettings");
    let (data_trace, data_trace_origin) = route_settings_data_trace(cx, properties);
    Stage {
        implicit: None,
        name,
        origin: name_node.map_or(fallback, NodeRef::loc),
        throttle,
        usage_plans: Vec::new(),
        access_log: super::settings::access_log(cx, access_log),
        auto_deploy: Resolved::Known(true),
        data_trace,
        data_trace_origin,
        web_acl: Resolved::Unknown,
    }
}
