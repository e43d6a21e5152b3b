//! `websocket` events: the WebSocket API the framework generates (`WebsocketsApi`). Only
//! `$connect` is authorized (every other message travels on an authorized connection), by a
//! Lambda REQUEST authorizer named by a function of the service or an ARN; the stage is
//! `provider.stage`, with access logs when `provider.logs.websocket` is set.
//! <https://github.com/oss-serverless/serverless/blob/main/lib/plugins/aws/package/compile/events/websockets/lib/validate.js>

use super::rest::access_log;
use super::{Service, name_from_arn, reject, string_list};
use crate::diagnostic::InputError;
use crate::formats::DEFAULT_V2_AUTHORIZER_TTL;
use crate::model::{
    Api, ApiKind, Auth, Authorizer, AuthorizerKind, AuthorizerUse, EndpointType, FrameworkEvent,
    HiddenRoutes, Method, Notation, OpenBecause, Resolved, Route, RouteSource, Stage, Workspace,
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
    let mut api = match external {
        Some(id) => {
            let name = service
                .text(Some(id))
                .ok()
                .flatten()
                .unwrap_or_else(|| "provider.apiGateway.websocketApiId".to_owned());
            let mut api = Api::new(name.clone(), ApiKind::WebSocket, id.loc());
            api.display = format!("the shared WebSocket API {name}");
            api.hidden_routes = Some(HiddenRoutes::elsewhere(id.loc()));
            api
        }
        None => {
            let mut api = Api::new(
                WEBSOCKET_API,
                ApiKind::WebSocket,
                service.provider_loc.clone(),
            );
            api.display = format!("the WebSocket API of service {}", service.name);
            api.endpoint = Resolved::Known(EndpointType::Regional);
            api
        }
    };
    api.aws = true;
    api.notation = Notation::ServerlessFramework;
    // The framework has no setting for it: only `resources.extensions` can switch it off.
    let disable = vars.get(
        service.extension(WEBSOCKET_API),
        "DisableExecuteApiEndpoint",
    );
    api.default_endpoint_origin = disable.map(crate::syntax::NodeRef::loc);
    api.default_endpoint_disabled = match vars.boolean(disable) {
        _ if external.is_some() => Resolved::Unknown,
        Ok(disabled) => Resolved::Known(disabled.unwrap_or(false)),
        Err(_) => Resolved::Unknown,
    };
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
                        let use_of = AuthorizerUse {
                            name: authorizer.name.clone(),
                            scopes: Vec::new(),
                            origin: at.clone(),
                        };
                        api.authorizers.retain(|a| a.name != authorizer.name);
                        api.authorizers.push(authorizer);
                        (
                            Resolved::Known(Auth::Authorizers(vec![use_of.clone()])),
                            Some(at),
                            vec![use_of],
                        )
                    }
                    None => (Resolved::Unknown, Some(at), Vec::new()),
                }
            }
            _ => (
                Resolved::Known(Auth::Open(OpenBecause::Missing)),
                None,
                Vec::new(),
            ),
        };
        api.routes.push(Route {
            method: Method::Any,
            path: route_key,
            auth,
            auth_origin,
            api_key_required: Resolved::Known(false),
            references,
            cors_preflight: false,
            origin: event.key.loc(),
            source: RouteSource::FunctionEvent {
                function: function.name.clone(),
                event: FrameworkEvent::WebSocket,
            },
            inherits_connection_auth: !connect,
        });
    }
    if external.is_none() {
        let (name, origin) = service.stage();
        api.stages.push(Stage {
            name,
            origin,
            implicit: None,
            // The framework sets no throttling on the stage it creates.
            throttle: service.throttles(service.extension("WebsocketsDeploymentStage")),
            usage_plans: Vec::new(),
            access_log: access_log(service, vars.get(service.provider("logs"), "websocket")),
            auto_deploy: Resolved::Known(true),
            // Not lowered from serverless.yml yet (`provider.logs.restApi.fullExecutionData`).
            data_trace: Resolved::Unknown,
            data_trace_origin: None,
            web_acl: Resolved::Unknown,
        });
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
    authorizer.identity_source = Some(if identity_source.is_empty() {
        DEFAULT_IDENTITY_SOURCE.to_owned()
    } else {
        identity_source.join(", ")
    });
    Some(authorizer)
}
