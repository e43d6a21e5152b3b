//! `websocket` events: the WebSocket API the framework generates (`WebsocketsApi`). Only
//! `$connect` is authorized (every other message travels on an authorized connection), by a
//! Lambda REQUEST authorizer named by a function of the service or an ARN; the stage is
//! `provider.stage`, with access logs when `provider.logs.websocket` is set.
//! <https://github.com/oss-serverless/serverless/blob/main/lib/plugins/aws/package/compile/events/websockets/lib/validate.js>

use super::generated::{define, generated_stage, name_from_arn, no_authorizer, uses, v2_api};
use super::rest::{access_log, data_trace};
use super::service::{Service, reject, string_list};
use crate::diagnostic::InputError;
use crate::formats::defaults::DEFAULT_V2_AUTHORIZER_TTL;
use crate::model::{
    ApiKind, Authorizer, AuthorizerKind, FrameworkEvent, Method, Resolved, Route, RouteSource,
    Workspace,
};

/// The logical id of the WebSocket API the framework generates.
pub(super) const WEBSOCKET_API: &str = "WebsocketsApi";

/// The identity source of a `$connect` authorizer when none is given.
const DEFAULT_IDENTITY_SOURCE: &str = "route.request.header.Auth";

pub(super) fn lower(
    service: &Service<'_>,
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) {
    let events: Vec<_> = service.events(FrameworkEvent::WebSocket).collect();
    if events.is_empty() {
        return;
    }
    let vars = &service.vars;
    let external = service.api_gateway("websocketApiId");
    // The framework has no setting for it: only `resources.extensions` can switch it off.
    let disable = vars.get(
        service.extension(WEBSOCKET_API),
        "DisableExecuteApiEndpoint",
    );
    let mut api = v2_api(
        service,
        ApiKind::WebSocket,
        (WEBSOCKET_API, "WebSocket API"),
        (external, "provider.apiGateway.websocketApiId"),
        disable,
    );
    for (function, event) in events {
        let map = vars.node(Some(event.value)).filter(|n| n.is_map());
        let route_key = match map {
            // `routeKey` is how the serverless-websockets-plugin (before the framework had
            // websocket events) writes it.
            Some(map) => vars.text(map.get("route").or_else(|| map.get("routeKey"))),
            None => vars.text(Some(event.value)),
        };
        let route_key = match route_key {
            Ok(Some(key)) => key,
            Ok(None) => {
                reject(
                    errors,
                    event.value.loc(),
                    "a websocket event needs a `route`",
                );
                continue;
            }
            Err(_) => continue,
        };
        let connect = route_key == "$connect";
        let authorizer_node = map
            .and_then(|m| m.get("authorizer"))
            .filter(|n| !n.is_null());
        let (auth, auth_origin, references) = match authorizer_node {
            Some(node) if connect => {
                let at = node.loc();
                match connect_authorizer(service, node) {
                    Some(authorizer) => {
                        let name = authorizer.name.clone();
                        define(&mut api, authorizer);
                        uses(name, Vec::new(), at)
                    }
                    None => (Resolved::Unknown, Some(at), Default::default()),
                }
            }
            _ => no_authorizer(),
        };
        api.routes.push(Route {
            method: Method::Any,
            path: route_key.into(),
            auth,
            auth_origin,
            api_key_required: Resolved::Known(false),
            references,
            cors_preflight: false,
            origin: event.key.loc(),
            source: RouteSource::FunctionEvent {
                function: function.name.clone().into(),
                event: FrameworkEvent::WebSocket,
            },
            inherits_connection_auth: !connect,
        });
    }
    if external.is_none() {
        let logs = vars.get(service.provider("logs"), "websocket");
        api.stages.push(generated_stage(
            service.stage(),
            // The framework sets no throttling on the stage it creates.
            service.throttles(service.extension("WebsocketsDeploymentStage")),
            access_log(service, logs),
            data_trace(service, logs),
        ));
    }
    service.hide_unseen_routes(&mut api);
    workspace.apis.push(api);
}

/// The `$connect` authorizer: a function name or ARN, or `{name | arn, identitySource}`.
fn connect_authorizer(
    service: &Service<'_>,
    node: crate::syntax::NodeRef<'_>,
) -> Option<Authorizer> {
    let vars = &service.vars;
    let map = vars.node(Some(node)).filter(|n| n.is_map());
    let name = match map {
        None => {
            let text = vars.text(Some(node)).ok()??;
            if text.contains(':') {
                name_from_arn(&text)
            } else {
                text
            }
        }
        Some(map) => match vars.text(map.get("name")).ok().flatten() {
            Some(name) => name,
            None => name_from_arn(&vars.text(map.get("arn")).ok()??),
        },
    };
    let identity_source = string_list(vars, map.and_then(|m| m.get("identitySource")));
    let mut authorizer = Authorizer::new(name, AuthorizerKind::LambdaRequest, node.loc());
    authorizer.cache_ttl = Resolved::Known(DEFAULT_V2_AUTHORIZER_TTL);
    authorizer.identity_source = Resolved::Known(Some(if identity_source.is_empty() {
        DEFAULT_IDENTITY_SOURCE.to_owned()
    } else {
        identity_source.join(", ")
    }));
    Some(authorizer)
}
