//! `httpApi` events: the HTTP API the framework generates (`HttpApi`, one `$default` stage that
//! deploys itself), or routes added to an existing one (`provider.httpApi.id`).
//! - `provider.httpApi.authorizers` defines JWT authorizers (`issuerUrl`, `audience`) and
//!   Lambda authorizers (`type: request`, `resultTtlInSeconds`, `enableSimpleResponses`);
//! - an event's `authorizer` names one of them (`name`, `scopes`), is `{type: aws_iam}`, or an
//!   external authorizer's `id`; without it the route is open;
//! - `*` is the catch-all `$default` route;
//! - `provider.logs.httpApi` turns on access logs.
//!
//! <https://github.com/oss-serverless/serverless/blob/main/lib/plugins/aws/package/compile/events/http-api.js>

use super::generated::{EventAuth, generated_stage, no_authorizer, uses, v2_api};
use super::service::{Service, reject, string_list};
use super::variables::Unknown;
use crate::diagnostic::InputError;
use crate::formats::cors;
use crate::formats::defaults::DEFAULT_V2_AUTHORIZER_TTL;
use crate::formats::intrinsic::intrinsic;
use crate::model::{
    Api, ApiKind, Auth, Authorizer, AuthorizerKind, CorsOrigin, CorsResponse, FrameworkEvent,
    Method, Resolved, Route, RouteSource, Workspace,
};
use crate::syntax::NodeRef;

/// The framework sets up no authorizers, CORS or access logs for an HTTP API created elsewhere
/// (`provider.httpApi.id`): it stops with `EXTERNAL_HTTP_API_AUTHORIZERS_CONFIG`,
/// `EXTERNAL_HTTP_API_CORS_CONFIG` or `EXTERNAL_HTTP_API_LOGS_CONFIG`. It tests the settings as
/// JavaScript does (any mapping is set, `false` is not); an id or setting that is a variable
/// without a static value may be empty, so it decides nothing.
fn reject_settings_of_an_external_api(
    service: &Service<'_>,
    config: Option<NodeRef<'_>>,
    external: Option<NodeRef<'_>>,
    errors: &mut Vec<InputError>,
) {
    let vars = &service.vars;
    let Some(id) = external else {
        return;
    };
    if intrinsic(id).is_none() && vars.truthy(Some(id)) != Ok(true) {
        return;
    }
    let logs = service
        .provider("logs")
        .and_then(|logs| vars.node(Some(logs)));
    for (holder, key, what) in [
        (config, "authorizers", "authorizers"),
        (config, "cors", "CORS rules"),
        (logs, "httpApi", "access logs"),
    ] {
        if let Some((written, value)) = holder.and_then(|h| h.entry(key))
            && vars.truthy(Some(value)) == Ok(true)
        {
            reject(
                errors,
                written.loc(),
                format!(
                    "the framework cannot set up {what} for an HTTP API created elsewhere \
                     (`provider.httpApi.id`); they belong with that API"
                ),
            );
        }
    }
}

/// The logical id of the HTTP API the framework generates.
pub(super) const HTTP_API: &str = "HttpApi";

pub(super) fn lower(
    service: &Service<'_>,
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) {
    let events: Vec<_> = service.events(FrameworkEvent::HttpApi).collect();
    if events.is_empty() {
        return;
    }
    let vars = &service.vars;
    let config_entry = service
        .provider
        .and_then(|p| p.entry("httpApi"))
        .map(|(key, value)| (key, vars.node(Some(value))));
    let config = config_entry.and_then(|(_, value)| value);
    let external = vars.get(config, "id");
    let disable = vars
        .get(config, "disableDefaultEndpoint")
        .or_else(|| vars.get(service.extension(HTTP_API), "DisableExecuteApiEndpoint"));
    reject_settings_of_an_external_api(service, config, external, errors);
    let mut api = v2_api(
        service,
        ApiKind::Http,
        (HTTP_API, "HTTP API"),
        (external, "provider.httpApi.id"),
        disable,
    );
    if external.is_none()
        && let Some(cors) = vars.get(config, "cors")
        && vars.truthy(Some(cors)) != Ok(false)
    {
        api.cors.push(cors_configuration(service, cors));
    }
    api.default_auth_origin = Some(service.provider_loc.clone());
    for (name, settings) in vars.entries(vars.get(config, "authorizers")) {
        if let Some(authorizer) = authorizer(service, name, settings) {
            api.authorizers.push(authorizer);
        }
    }
    for (function, event) in events {
        let Some((method, path, spec_at)) = route_key(service, event.value) else {
            continue;
        };
        let Some(method) = method else {
            reject(
                errors,
                spec_at,
                "an httpApi event needs a `method` unless its path is `*`",
            );
            continue;
        };
        let Some(method) = Method::parse(&method).filter(|m| *m != Method::Trace) else {
            reject(
                errors,
                spec_at,
                format!("`{method}` is not a method an httpApi event accepts"),
            );
            continue;
        };
        let (auth, auth_origin, references) = route_auth(service, &mut api, event.value);
        api.routes.push(Route {
            method,
            path: path.into(),
            auth,
            auth_origin,
            api_key_required: Resolved::Known(false),
            references,
            cors_preflight: false,
            origin: event.key.loc(),
            source: RouteSource::FunctionEvent {
                function: function.name.clone().into(),
                event: FrameworkEvent::HttpApi,
            },
            inherits_connection_auth: false,
        });
    }
    if external.is_none() {
        let origin = config_entry.map_or_else(|| service.provider_loc.clone(), |(k, _)| k.loc());
        let logs = vars.get(service.provider("logs"), "httpApi");
        let extension = service.extension("HttpApiStage");
        let extended_log = vars.get(extension, "AccessLogSettings").is_some();
        let access_log = match vars.truthy(logs) {
            Ok(on) => Resolved::Known(on || extended_log),
            Err(Unknown) => Resolved::Unknown,
        };
        api.stages.push(generated_stage(
            ("$default".to_owned(), origin),
            // The framework sets no throttling on the stage it creates.
            service.throttles(extension),
            access_log,
            // HTTP APIs have no execution logs.
            (Resolved::Known(false), None),
        ));
    }
    service.hide_unseen_routes(&mut api);
    workspace.apis.push(api);
}

/// `GET /path`, `*`, or `{method, path}`: the method and the route's path (`$default` for the
/// catch-all), and where they are written.
fn route_key(
    service: &Service<'_>,
    value: NodeRef<'_>,
) -> Option<(Option<String>, String, crate::syntax::Loc)> {
    let vars = &service.vars;
    let (method, path) = match vars.node(Some(value)) {
        Some(map) if map.is_map() => (
            vars.text(map.get("method")).ok()?,
            vars.text(map.get("path")).ok()??,
        ),
        _ => {
            let text = vars.text(Some(value)).ok()??;
            let mut words = text.split_whitespace();
            match (words.next(), words.next()) {
                (Some("*"), None) => (None, "*".to_owned()),
                (Some(method), Some(path)) => (Some(method.to_owned()), path.to_owned()),
                _ => return None,
            }
        }
    };
    if path == "*" {
        return Some((Some("ANY".to_owned()), "$default".to_owned(), value.loc()));
    }
    let method = method.map(|m| if m == "*" { "ANY".to_owned() } else { m });
    Some((method, path, value.loc()))
}

/// What an event's `authorizer` makes of its route.
fn route_auth(service: &Service<'_>, api: &mut Api, value: NodeRef<'_>) -> EventAuth {
    let vars = &service.vars;
    let Some(node) = vars.get(Some(value), "authorizer").filter(|n| !n.is_null()) else {
        return no_authorizer();
    };
    let at = node.loc();
    let resolved = vars.resolve(node);
    if resolved.is_unknown() {
        return (Resolved::Unknown, Some(at), Default::default());
    }
    let map = vars.node(Some(node)).filter(|n| n.is_map());
    let text = |key: &str| vars.text(map.and_then(|m| m.get(key))).ok().flatten();
    let kind = text("type").map(|t| t.to_ascii_lowercase());
    if kind.as_deref() == Some("aws_iam") {
        return (Resolved::Known(Auth::Iam), Some(at), Default::default());
    }
    let scopes = string_list(vars, map.and_then(|m| m.get("scopes")));
    let name = match map {
        None => resolved.text(),
        Some(map) => match map.get("id") {
            // An authorizer of an external API: defined with it, elsewhere.
            Some(id) => {
                let name = vars
                    .text(Some(id))
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| "authorizer id".to_owned());
                if api.authorizer(&name).is_none() {
                    let kind = if kind.as_deref() == Some("request") {
                        AuthorizerKind::LambdaRequest
                    } else {
                        AuthorizerKind::Jwt
                    };
                    let mut authorizer = Authorizer::new(name.clone(), kind, id.loc());
                    authorizer.cache_ttl = Resolved::Unknown;
                    api.authorizers.push(authorizer);
                }
                Some(name)
            }
            None => text("name"),
        },
    };
    match name {
        Some(name) => uses(name, scopes, at),
        None => (Resolved::Unknown, Some(at), Default::default()),
    }
}

/// One entry of `provider.httpApi.authorizers`: JWT unless `type: request`.
fn authorizer<'a>(
    service: &Service<'a>,
    name: NodeRef<'a>,
    settings: NodeRef<'a>,
) -> Option<Authorizer> {
    let vars = &service.vars;
    let key = name.as_str()?;
    let settings = vars.node(Some(settings));
    let get = |field: &str| vars.get(settings, field);
    let text = |field: &str| vars.text(get(field)).ok().flatten();
    let request = text("type").is_some_and(|t| t.eq_ignore_ascii_case("request"));
    let identity_source = string_list(vars, get("identitySource"));
    let identity_source = (!identity_source.is_empty()).then(|| identity_source.join(", "));
    if request {
        let mut authorizer = Authorizer::new(key, AuthorizerKind::LambdaRequest, name.loc());
        let ttl = get("resultTtlInSeconds");
        authorizer.cache_ttl = match vars.text(ttl) {
            Ok(Some(ttl)) => ttl.trim().parse::<u64>().ok().into(),
            Ok(None) => Resolved::Known(DEFAULT_V2_AUTHORIZER_TTL),
            Err(Unknown) => Resolved::Unknown,
        };
        authorizer.cache_ttl_origin = ttl.map(NodeRef::loc);
        authorizer.identity_source = Resolved::Known(identity_source);
        if get("functionName").is_none() && get("functionArn").is_none() {
            authorizer
                .missing
                .push(("functionName".to_owned(), name.loc()));
        }
        return Some(authorizer);
    }
    let mut authorizer = Authorizer::new(key, AuthorizerKind::Jwt, name.loc());
    authorizer.identity_source = Resolved::Known(identity_source);
    let issuer = get("issuerUrl");
    authorizer.issuer_origin = issuer.map(NodeRef::loc);
    authorizer.issuer = match vars.text(issuer) {
        Ok(Some(issuer)) => Resolved::Known(issuer),
        Ok(None) => {
            authorizer
                .missing
                .push(("issuerUrl".to_owned(), name.loc()));
            Resolved::Unknown
        }
        Err(Unknown) => Resolved::Unknown,
    };
    let audience = get("audience");
    authorizer.audience_origin = audience.map(NodeRef::loc);
    authorizer.audience = match audience {
        None => Resolved::Known(Vec::new()),
        Some(node) if vars.resolve(node).is_unknown() => Resolved::Unknown,
        Some(node) => {
            let all_static = match vars.node(Some(node)) {
                Some(list) if list.is_seq() => {
                    list.items().all(|item| !vars.resolve(item).is_unknown())
                }
                _ => true,
            };
            if all_static {
                Resolved::Known(string_list(vars, Some(node)))
            } else {
                Resolved::Unknown
            }
        }
    };
    Some(authorizer)
}

/// `provider.httpApi.cors`: the API's `CorsConfiguration`; `true` allows every origin
/// without credentials, a mapping lists `allowedOrigins` (default `*`) and `allowCredentials`.
/// <https://github.com/oss-serverless/serverless/blob/main/lib/plugins/aws/package/compile/events/http-api.js>
fn cors_configuration(service: &Service<'_>, cors: NodeRef<'_>) -> CorsResponse {
    let vars = &service.vars;
    let map = vars.node(Some(cors)).filter(|n| n.is_map());
    let origins = vars.get(map, "allowedOrigins");
    let allow_origin = match origins {
        None if vars.resolve(cors).is_unknown() => Resolved::Unknown,
        None => Resolved::Known(CorsOrigin::Any),
        Some(list) => {
            let texts: Result<Vec<Option<String>>, Unknown> = vars
                .items(Some(list))
                .iter()
                .map(|item| vars.text(Some(*item)))
                .collect();
            match texts {
                Err(Unknown) => Resolved::Unknown,
                Ok(texts) => Resolved::Known(cors::listed_origins(texts.iter().flatten())),
            }
        }
    };
    let credentials = vars.get(map, "allowCredentials");
    CorsResponse {
        source: "`provider.httpApi.cors`".to_owned(),
        origin: cors.loc(),
        allow_origin,
        allow_origin_at: origins.map(NodeRef::loc),
        allow_credentials: match vars.truthy(credentials) {
            Ok(on) => Resolved::Known(on),
            Err(Unknown) => Resolved::Unknown,
        },
        allow_credentials_at: credentials.map(NodeRef::loc),
    }
}
