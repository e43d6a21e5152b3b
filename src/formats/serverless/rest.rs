//! `http` events: the REST API the framework generates (`ApiGatewayRestApi`), or routes added
//! to an existing one (`provider.apiGateway.restApiId`).
//! - An event without `authorizer` is `AuthorizationType: NONE`; `private: true` sets
//!   `ApiKeyRequired` and nothing else.
//! - `authorizer` is a function of the service, an ARN (a Lambda function, or a Cognito user
//!   pool), `aws_iam`, or a mapping with `name`/`arn`, `type` (TOKEN, REQUEST,
//!   COGNITO_USER_POOLS), `resultTtlInSeconds` (default 300), `identitySource`, `scopes`; or a
//!   shared authorizer through `authorizerId` and `type`.
//! - `cors` adds an `OPTIONS` method with a MOCK integration per path.
//! - `provider.apiGateway.apiKeys` or `usagePlan` create usage plans on the stage; the stage is
//!   `provider.stage`, with access logs when `provider.logs.restApi` is set.
//!
//! <https://github.com/oss-serverless/serverless/blob/main/lib/plugins/aws/package/compile/events/api-gateway/lib/validate.js>
//! <https://github.com/oss-serverless/serverless/blob/main/lib/plugins/aws/package/compile/events/api-gateway/lib/method/authorization.js>

use super::generated::{EventAuth, define, generated_stage, name_from_arn, no_authorizer, uses};
use super::service::{Service, reject, string_list};
use super::variables::Unknown;
use crate::diagnostic::InputError;
use crate::formats::defaults::DEFAULT_REST_AUTHORIZER_TTL;
use crate::formats::policy;
use crate::model::{
    Api, ApiKind, Auth, Authorizer, AuthorizerKind, CorsOrigin, CorsResponse, EndpointType,
    FrameworkEvent, Method, Notation, OpenBecause, Resolved, ResourcePolicy, Route, RouteSource,
    Stage, UsagePlanUse, Workspace,
};
use crate::syntax::NodeRef;

/// The logical id of the REST API the framework generates.
pub(super) const REST_API: &str = "ApiGatewayRestApi";

/// The identity source of a Lambda authorizer when none is given.
const DEFAULT_IDENTITY_SOURCE: &str = "method.request.header.Authorization";

pub(super) fn lower(
    service: &Service<'_>,
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) {
    let events: Vec<_> = service.events(FrameworkEvent::Http).collect();
    if events.is_empty() {
        return;
    }
    let mut api = new_api(service);
    let mut preflights: Vec<(String, crate::syntax::Loc, RouteSource)> = Vec::new();
    for (function, event) in events {
        let Some(spec) = http_spec(service, event.value, errors) else {
            continue;
        };
        let source = RouteSource::FunctionEvent {
            function: function.name.clone().into(),
            event: FrameworkEvent::Http,
        };
        let authorizer_node = service.vars.get(Some(event.value), "authorizer");
        let (auth, auth_origin, references) =
            match authorizer(service, &mut api, authorizer_node, errors) {
                Some(found) => found,
                None => continue,
            };
        let private_node = service.vars.get(Some(event.value), "private");
        let api_key_required: Resolved<bool> = match service.vars.boolean(private_node) {
            Ok(private) => Resolved::Known(private.unwrap_or(false)),
            Err(Unknown) => Resolved::Unknown,
        };
        // Without an authorizer, a required API key is all a caller needs.
        let auth = auth.and_then(&|auth| match (auth, &api_key_required) {
            (Auth::Open(_), Resolved::Known(true)) => Resolved::Known(Auth::ApiKeyOnly),
            (Auth::Open(_), Resolved::Unknown) => Resolved::Unknown,
            (other, _) => Resolved::Known(other.clone()),
        });
        let auth_origin = match (&auth, private_node) {
            (Resolved::Known(Auth::ApiKeyOnly), Some(private)) => Some(private.loc()),
            _ => auth_origin,
        };
        let cors = service.vars.get(Some(event.value), "cors");
        if service.vars.truthy(cors).unwrap_or(false)
            && let Some(cors) = cors
        {
            preflights.push((spec.path.clone(), cors.loc(), source.clone()));
            api.cors.push(preflight_cors(
                service,
                cors,
                format!("the `cors` of the http event {} {}", spec.method, spec.path),
            ));
        }
        api.routes.push(Route {
            method: spec.method,
            path: spec.path.into(),
            auth,
            auth_origin,
            api_key_required,
            references,
            cors_preflight: false,
            origin: event.key.loc(),
            source,
            inherits_connection_auth: false,
        });
    }
    // One preflight per path, unless an event declares the OPTIONS method itself.
    for (path, origin, source) in preflights {
        let declared = api
            .routes
            .iter()
            .any(|r| *r.path == *path && r.method == Method::Options);
        if declared {
            continue;
        }
        api.routes.push(Route {
            method: Method::Options,
            path: path.into(),
            auth: Resolved::Known(Auth::Open(OpenBecause::Disabled)),
            auth_origin: None,
            api_key_required: Resolved::Known(false),
            references: Default::default(),
            cors_preflight: true,
            origin,
            source,
            inherits_connection_auth: false,
        });
    }
    if service.api_gateway("restApiId").is_none() {
        api.stages.push(stage(service));
    }
    service.hide_unseen_routes(&mut api);
    workspace.apis.push(api);
}

fn new_api(service: &Service<'_>) -> Api {
    let rest_api_id = service.api_gateway("restApiId");
    let mut api = match rest_api_id {
        // Routes added to an API that other stacks own: its other routes, its stage and its
        // authorizers are not in this file.
        Some(id) => {
            let name = referenced_name(id)
                .or_else(|| service.text(Some(id)).ok().flatten())
                .unwrap_or_else(|| "provider.apiGateway.restApiId".to_owned());
            let mut api = Api::new(name.clone(), ApiKind::Rest, id.loc());
            api.display = format!("the shared REST API {name}");
            api.hidden_routes = Some(super::generated::shared_api_routes(id));
            api
        }
        None => {
            let mut api = Api::new(REST_API, ApiKind::Rest, service.provider_loc.clone());
            api.display = format!("the REST API of service {}", service.name);
            api.endpoint = endpoint(service);
            api.endpoint_origin = service.provider("endpointType").map(NodeRef::loc);
            api.resource_policies.extend(resource_policy(service));
            api
        }
    };
    api.aws = true;
    api.notation = Notation::ServerlessFramework;
    let disable = service
        .vars
        .get(service.provider("apiGateway"), "disableDefaultEndpoint")
        .or_else(|| {
            let extension = service.extension(REST_API);
            service.vars.get(extension, "DisableExecuteApiEndpoint")
        });
    api.default_endpoint_origin = disable.map(NodeRef::loc);
    api.default_endpoint_disabled = match service.vars.boolean(disable) {
        // An existing API's endpoint is switched where that API is defined.
        _ if rest_api_id.is_some() => Resolved::Unknown,
        Ok(disabled) => Resolved::Known(disabled.unwrap_or(false)),
        Err(Unknown) => Resolved::Unknown,
    };
    api.default_auth_origin = Some(service.provider_loc.clone());
    api
}

/// `provider.apiGateway.resourcePolicy`: the statements of the REST API's resource policy.
/// <https://www.serverless.com/framework/docs/providers/aws/events/apigateway#resource-policy>
fn resource_policy(service: &Service<'_>) -> Option<ResourcePolicy> {
    let node = service.api_gateway("resourcePolicy")?;
    let string = |node| match service.text(Some(node)) {
        Ok(text) => Resolved::Known(text),
        Err(Unknown) => Resolved::Unknown,
    };
    let items = service.vars.items(Some(node));
    let statements = if service.vars.node(Some(node)).is_some_and(NodeRef::is_seq) {
        Resolved::Known(
            items
                .into_iter()
                .map(|item| {
                    policy::statement(service.vars.node(Some(item)).unwrap_or(item), &string)
                })
                .collect(),
        )
    } else {
        Resolved::Unknown
    };
    Some(ResourcePolicy {
        origin: node.loc(),
        statements,
    })
}

/// `provider.endpointType`: EDGE unless it says REGIONAL or PRIVATE.
fn endpoint(service: &Service<'_>) -> Resolved<EndpointType> {
    match service.text(service.provider("endpointType")) {
        Ok(None) => Resolved::Known(EndpointType::Edge),
        Ok(Some(kind)) => match kind.to_ascii_uppercase().as_str() {
            "REGIONAL" => Resolved::Known(EndpointType::Regional),
            "PRIVATE" => Resolved::Known(EndpointType::Private),
            "EDGE" => Resolved::Known(EndpointType::Edge),
            _ => Resolved::Unknown,
        },
        Err(Unknown) => Resolved::Unknown,
    }
}

struct HttpSpec {
    method: Method,
    path: String,
}

/// `http: GET /path` or `http: {method, path}`; the path without its outer slashes, as the
/// framework keeps it, under `/`.
fn http_spec(
    service: &Service<'_>,
    value: NodeRef<'_>,
    errors: &mut Vec<InputError>,
) -> Option<HttpSpec> {
    let vars = &service.vars;
    let (method, path, method_at) = match vars.node(Some(value)) {
        Some(map) if map.is_map() => {
            let method = vars.text(map.get("method")).ok()?;
            let path = vars.text(map.get("path")).ok()?;
            let (Some(method), Some(path)) = (method, path) else {
                reject(
                    errors,
                    value.loc(),
                    "an http event needs a `method` and a `path`",
                );
                return None;
            };
            let at = map.get("method").map_or_else(|| value.loc(), NodeRef::loc);
            (method, path, at)
        }
        _ => {
            let text = vars.text(Some(value)).ok()??;
            let mut words = text.split_whitespace();
            let (Some(method), Some(path)) = (words.next(), words.next()) else {
                reject(
                    errors,
                    value.loc(),
                    "an http event is written `METHOD /path` or as a mapping with `method` and `path`",
                );
                return None;
            };
            (method.to_owned(), path.to_owned(), value.loc())
        }
    };
    let Some(method) = Method::parse(&method).filter(|m| *m != Method::Trace) else {
        reject(
            errors,
            method_at,
            format!("`{method}` is not a method an http event accepts"),
        );
        return None;
    };
    let path = format!("/{}", path.trim_start_matches('/').trim_end_matches('/'));
    Some(HttpSpec { method, path })
}

/// What an event's `authorizer` makes of the route, defining on the API the authorizer the
/// framework creates for it. `None` when the framework rejects it.
fn authorizer(
    service: &Service<'_>,
    api: &mut Api,
    node: Option<NodeRef<'_>>,
    errors: &mut Vec<InputError>,
) -> Option<EventAuth> {
    let Some(node) = node.filter(|n| !n.is_null()) else {
        return Some(no_authorizer());
    };
    let vars = &service.vars;
    let at = node.loc();
    let resolved = vars.resolve(node);
    if resolved.is_unknown() {
        return Some((Resolved::Unknown, Some(at), Default::default()));
    }
    let map = vars.node(Some(node)).filter(|n| n.is_map());
    let Some(map) = map else {
        // A string: `aws_iam`, a function of the service, or an ARN.
        let text = resolved.text()?;
        if text.eq_ignore_ascii_case("aws_iam") {
            return Some((Resolved::Known(Auth::Iam), Some(at), Default::default()));
        }
        let (name, kind) = if text.contains(':') {
            (name_from_arn(&text), kind_of_arn(&text, None))
        } else {
            if service.function(&text).is_none() {
                return Some(uses(text, Vec::new(), at));
            }
            (text, AuthorizerKind::LambdaToken)
        };
        let ttl = if kind == AuthorizerKind::Cognito {
            0
        } else {
            DEFAULT_REST_AUTHORIZER_TTL
        };
        let mut authorizer = Authorizer::new(name.clone(), kind, at.clone());
        authorizer.cache_ttl = Resolved::Known(ttl);
        authorizer.identity_source = Resolved::Known(Some(DEFAULT_IDENTITY_SOURCE.to_owned()));
        define(api, authorizer);
        return Some(uses(name, Vec::new(), at));
    };
    let text = |key: &str| vars.text(map.get(key)).ok().flatten();
    let kind_text = text("type").map(|t| t.to_ascii_uppercase());
    let scopes = string_list(vars, map.get("scopes"));
    if let Some(id) = map.get("authorizerId")
        && kind_text.is_some()
    {
        // A shared authorizer, defined elsewhere: what it checks is not in this file.
        if kind_text.as_deref() == Some("AWS_IAM") {
            return Some((Resolved::Known(Auth::Iam), Some(at), Default::default()));
        }
        let name = shared_name(service, id);
        let kind = kind_of_type(kind_text.as_deref());
        if api.authorizer(&name).is_none() {
            let mut authorizer = Authorizer::new(name.clone(), kind, id.loc());
            authorizer.cache_ttl = Resolved::Unknown;
            api.authorizers.push(authorizer);
        }
        return Some(uses(name, scopes, at));
    }
    if kind_text.as_deref() == Some("AWS_IAM") {
        return Some((Resolved::Known(Auth::Iam), Some(at), Default::default()));
    }
    let arn_node = map.get("arn");
    let (name, kind) = if let Some(arn) = arn_node {
        let arn_text = vars.text(Some(arn)).ok().flatten();
        let name = text("name").or_else(|| arn_text.as_deref().map(name_from_arn));
        let Some(name) = name else {
            return Some((Resolved::Unknown, Some(at), Default::default()));
        };
        (
            name,
            kind_of_arn(arn_text.as_deref().unwrap_or(""), kind_text.as_deref()),
        )
    } else if let Some(name) = text("name") {
        if service.function(&name).is_none() {
            return Some(uses(name, scopes, at));
        }
        (name, kind_of_type(kind_text.as_deref()))
    } else {
        reject(
            errors,
            at,
            "an http event's authorizer needs a `name` (a function of the service) or an `arn`",
        );
        return None;
    };
    let ttl_node = map.get("resultTtlInSeconds");
    let cache_ttl = match vars.text(ttl_node) {
        // The framework reads it with parseInt, and takes 300 for anything else.
        Ok(Some(ttl)) => Resolved::Known(
            ttl.trim()
                .parse::<u64>()
                .unwrap_or(DEFAULT_REST_AUTHORIZER_TTL),
        ),
        Ok(None) => Resolved::Known(DEFAULT_REST_AUTHORIZER_TTL),
        Err(Unknown) => Resolved::Unknown,
    };
    let identity_source = text("identitySource").or_else(|| {
        let uncached_request =
            kind == AuthorizerKind::LambdaRequest && cache_ttl == Resolved::Known(0);
        (!uncached_request).then(|| DEFAULT_IDENTITY_SOURCE.to_owned())
    });
    let lambda = matches!(
        kind,
        AuthorizerKind::LambdaToken | AuthorizerKind::LambdaRequest
    );
    let mut authorizer = Authorizer::new(name.clone(), kind, at.clone());
    // Only a Lambda authorizer's decision is cached (as the CloudFormation view says).
    if lambda {
        authorizer.cache_ttl = cache_ttl;
        authorizer.cache_ttl_origin = ttl_node.map(NodeRef::loc);
    } else {
        authorizer.cache_ttl = Resolved::Known(0);
    }
    authorizer.identity_source = Resolved::Known(identity_source);
    // The framework passes it on as the authorizer's `IdentityValidationExpression`.
    authorizer.validation_expression = map.get("identityValidationExpression").map(NodeRef::loc);
    define(api, authorizer);
    Some(uses(name, scopes, at))
}

/// The name a shared `authorizerId` is known by: its value, or the logical id it refers to.
fn shared_name(service: &Service<'_>, id: NodeRef<'_>) -> String {
    if let Some(name) = referenced_name(id) {
        return name;
    }
    // Decided at deploy time (`${cf:...}`, `!ImportValue`...): known by how it is written.
    service
        .text(Some(id))
        .ok()
        .flatten()
        .or_else(|| id.as_str().map(str::to_owned))
        .unwrap_or_else(|| "authorizerId".to_owned())
}

/// A Cognito user pool ARN (or `type: COGNITO_USER_POOLS`) makes a Cognito authorizer; any
/// other ARN is a Lambda function, TOKEN unless the type says REQUEST.
fn kind_of_arn(arn: &str, kind: Option<&str>) -> AuthorizerKind {
    if kind == Some("COGNITO_USER_POOLS") || arn.contains(":cognito-idp:") {
        AuthorizerKind::Cognito
    } else {
        kind_of_type(kind)
    }
}

fn kind_of_type(kind: Option<&str>) -> AuthorizerKind {
    match kind {
        None | Some("TOKEN") => AuthorizerKind::LambdaToken,
        Some("REQUEST") => AuthorizerKind::LambdaRequest,
        Some("COGNITO_USER_POOLS") => AuthorizerKind::Cognito,
        Some(other) => AuthorizerKind::Other(other.to_owned()),
    }
}

/// The stage the deployment creates, with its usage plans and logs.
fn stage(service: &Service<'_>) -> Stage {
    let logs = service.vars.get(service.provider("logs"), "restApi");
    let mut stage = generated_stage(
        service.stage(),
        // The framework has no stage-wide throttling setting for REST APIs.
        Resolved::Known(false),
        access_log(service, logs),
        data_trace(service, logs),
    );
    stage.usage_plans = usage_plans(service);
    stage
}

/// `provider.logs.restApi` (or `websocket`): access logs unless `accessLogging: false`.
/// <https://github.com/oss-serverless/serverless/blob/main/lib/plugins/aws/package/compile/events/api-gateway/lib/hack/update-stage.js>
pub(super) fn access_log(service: &Service<'_>, logs: Option<NodeRef<'_>>) -> Resolved<bool> {
    let vars = &service.vars;
    match vars.truthy(logs) {
        Ok(false) => Resolved::Known(false),
        Err(Unknown) => Resolved::Unknown,
        Ok(true) => {
            let setting = vars.get(logs, "accessLogging");
            match setting {
                None => Resolved::Known(true),
                Some(_) => match vars.truthy(setting) {
                    Ok(on) => Resolved::Known(on),
                    Err(Unknown) => Resolved::Unknown,
                },
            }
        }
    }
}

/// What the preflight the framework writes for an http event's `cors` answers: `true` is
/// origin `*` without credentials; a mapping names `origin` (several, comma-separated) or
/// `origins`, and `allowCredentials`. With several origins the answer sends back the request's
/// `Origin` when it matches one of them, and `*` among them matches every origin.
/// <https://github.com/oss-serverless/serverless/blob/main/lib/plugins/aws/package/compile/events/api-gateway/lib/cors.js>
fn preflight_cors(service: &Service<'_>, cors: NodeRef<'_>, source: String) -> CorsResponse {
    let vars = &service.vars;
    let map = vars.node(Some(cors)).filter(|n| n.is_map());
    let origin_node = vars.get(map, "origin");
    let origins_node = vars.get(map, "origins");
    // A list (or a comma-separated `origin`) is matched by a response template that echoes
    // the request's `Origin`; a single `origin` is sent as written.
    let origins: Result<Vec<String>, Unknown> = match (origin_node, origins_node) {
        (Some(origin), _) => vars.text(Some(origin)).map(|origin| {
            origin
                .map(|o| o.split(',').map(|o| o.trim().to_owned()).collect())
                .unwrap_or_default()
        }),
        (None, Some(list)) => {
            let items = vars.items(Some(list));
            let texts: Result<Vec<Option<String>>, Unknown> =
                items.iter().map(|item| vars.text(Some(*item))).collect();
            texts.map(|texts| texts.into_iter().flatten().collect())
        }
        (None, None) => Ok(vec!["*".to_owned()]),
    };
    let allow_origin = match origins {
        Err(Unknown) => Resolved::Unknown,
        Ok(origins) if origins.iter().any(|o| o == "*") => {
            let listed = origin_node.is_none() && origins_node.is_some() || origins.len() > 1;
            Resolved::Known(if listed {
                CorsOrigin::Reflected
            } else {
                CorsOrigin::Any
            })
        }
        Ok(_) => Resolved::Known(CorsOrigin::Listed),
    };
    let credentials = vars.get(map, "allowCredentials");
    CorsResponse {
        source,
        origin: cors.loc(),
        allow_origin,
        allow_origin_at: origin_node.or(origins_node).map(NodeRef::loc),
        allow_credentials: match vars.truthy(credentials) {
            Ok(on) => Resolved::Known(on),
            Err(Unknown) => Resolved::Unknown,
        },
        allow_credentials_at: credentials.map(NodeRef::loc),
    }
}

/// `provider.logs.restApi` (or `websocket`): execution logging with full requests and
/// responses (`DataTraceEnabled`) unless `executionLogging` or `fullExecutionData` is false:
/// both default to true once the logs are switched on.
/// <https://github.com/oss-serverless/serverless/blob/main/lib/plugins/aws/package/compile/events/websockets/lib/stage.js>
pub(super) fn data_trace(
    service: &Service<'_>,
    logs: Option<NodeRef<'_>>,
) -> (Resolved<bool>, Option<crate::syntax::Loc>) {
    let vars = &service.vars;
    let at = logs.map(NodeRef::loc);
    match vars.truthy(logs) {
        Ok(false) => return (Resolved::Known(false), None),
        Err(Unknown) => return (Resolved::Unknown, at),
        Ok(true) => {}
    }
    // With execution logging off the level is OFF: nothing is written, traced or not.
    let execution = vars.get(logs, "executionLogging");
    if execution.is_some() {
        match vars.truthy(execution) {
            Ok(false) => return (Resolved::Known(false), None),
            Err(Unknown) => return (Resolved::Unknown, execution.map(NodeRef::loc)),
            Ok(true) => {}
        }
    }
    let Some(full) = vars.get(logs, "fullExecutionData") else {
        return (Resolved::Known(true), at);
    };
    match vars.truthy(Some(full)) {
        Ok(on) => (Resolved::Known(on), on.then(|| full.loc())),
        Err(Unknown) => (Resolved::Unknown, Some(full.loc())),
    }
}

/// `usagePlan` (one plan, or a list of named plans) and `apiKeys`: either creates usage
/// plans on the stage; a plan throttles when it has a `throttle`.
/// <https://github.com/oss-serverless/serverless/blob/main/lib/plugins/aws/package/compile/events/api-gateway/lib/usage-plan.js>
fn usage_plans(service: &Service<'_>) -> Vec<UsagePlanUse> {
    let vars = &service.vars;
    let plan = service.api_gateway("usagePlan");
    let keys = service.api_gateway("apiKeys");
    let throttles =
        |settings: Option<NodeRef<'_>>| match vars.truthy(vars.get(settings, "throttle")) {
            Ok(on) => Resolved::Known(on),
            Err(Unknown) => Resolved::Unknown,
        };
    match vars.node(plan) {
        Some(list) if list.is_seq() => list
            .items()
            .filter_map(|item| vars.node(Some(item)))
            .filter_map(|item| item.entries().next())
            .map(|(name, settings)| UsagePlanUse {
                name: usage_plan_id(name.as_str().unwrap_or("")),
                throttle: throttles(Some(settings)),
                origin: name.loc(),
            })
            .collect(),
        _ => match plan.or(keys) {
            Some(at) => vec![UsagePlanUse {
                name: usage_plan_id(""),
                throttle: match plan {
                    Some(plan) if vars.resolve(plan).is_unknown() => Resolved::Unknown,
                    _ => throttles(plan),
                },
                origin: at.loc(),
            }],
            None => Vec::new(),
        },
    }
}

/// The logical id a `Ref` names, or the export an `Fn::ImportValue` reads: how a shared API or
/// authorizer is known in the template.
pub(super) fn referenced_name(node: NodeRef<'_>) -> Option<String> {
    use crate::formats::intrinsic::{Intrinsic, intrinsic};
    match intrinsic(node)? {
        Intrinsic::Ref(name) => Some(name.to_owned()),
        Intrinsic::ImportValue(export) => export.as_str().map(str::to_owned),
        _ => None,
    }
}

/// The logical id the framework gives a usage plan: `ApiGatewayUsagePlan`, then the plan's
/// name with its first letter in upper case for a plan of a list.
fn usage_plan_id(name: &str) -> String {
    let mut chars = name.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    format!(
        "ApiGatewayUsagePlan{}{}",
        first.unwrap_or_default(),
        chars.as_str()
    )
}
