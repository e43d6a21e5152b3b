//! `AWS::ApiGatewayV2::*`: HTTP and WebSocket APIs, their routes, authorizers, stages,
//! deployments, quick-create overrides and custom domain names.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/AWS_ApiGatewayV2.html>

use super::conditions::under_resource_condition;
use super::dependencies::Dependencies;
use super::eval::{Evaluator, Value};
use super::gateway::{
    ApiName, ApiNames, access_log, allowed_origins, auth_type_origin, authorization, data_trace,
    default_endpoint, follow_routes, jwt_issuer, routes_not_waited_for, security_policy,
};
use super::include::{distinct_entries_in, entry_in, follow, is_include};
use super::template::{Resource, Template};
use crate::collections::{HashMap, HashSet};
use crate::formats::defaults::DEFAULT_V2_AUTHORIZER_TTL;
use crate::model::{
    Api, ApiKind, Auth, Authorizer, AuthorizerKind, CorsResponse, Deployment, DomainName,
    EndpointType, Method, OpenBecause, Resolved, Route, RouteSource, Stage, Workspace, references,
};
use crate::syntax::{Loc, NodeRef};

/// The route a quick-create API (`Target` without `RouteKey`) gets.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-api.html>
const QUICK_CREATE_ROUTE_KEY: &str = "$default";

const ROUTE: &str = "AWS::ApiGatewayV2::Route";

/// The resource types an `ApiId` names an API of this template by: an HTTP or WebSocket API, or
/// a SAM one, which the SAM lowering defines.
const API_TYPES: [&str; 3] = [
    "AWS::ApiGatewayV2::Api",
    "AWS::Serverless::HttpApi",
    "AWS::Serverless::WebSocketApi",
];

/// The authorization types that call the authorizer a route's `AuthorizerId` names.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-route.html>
const AUTHORIZER_TYPES: [&str; 2] = ["JWT", "CUSTOM"];

struct Lowering<'t, 'a> {
    template: &'t Template<'a>,
    eval: &'t Evaluator<'t, 'a>,
    /// The API an `ApiId` names → its index in `workspace.apis`.
    apis: HashMap<ApiName<'a>, usize>,
    /// API index → the indexes of the route and the stage its quick create made.
    quick_create: HashMap<usize, (usize, usize)>,
    /// Indexes of the APIs defined in this template (the others stand for APIs from elsewhere).
    defined: Vec<usize>,
    websocket_route_apis: HashSet<ApiName<'a>>,
}

pub(super) fn lower(template: &Template<'_>, eval: &Evaluator<'_, '_>, workspace: &mut Workspace) {
    let mut lowering = Lowering {
        template,
        eval,
        apis: HashMap::default(),
        quick_create: HashMap::default(),
        defined: Vec::new(),
        websocket_route_apis: HashSet::default(),
    };
    lowering.websocket_route_apis = lowering.websocket_route_apis();
    for resource in template.resources_of("AWS::ApiGatewayV2::Api") {
        lowering.api(resource, workspace);
    }
    for resource in template.resources_of("AWS::ApiGatewayV2::Authorizer") {
        let authorizer = lowering.authorizer(resource);
        if let Some(api) = lowering.api_of(resource, workspace) {
            api.authorizers.push(authorizer);
        }
    }
    for resource in template.resources_of(ROUTE) {
        let Some(index) = lowering.api_index_or_external(resource, workspace) else {
            continue;
        };
        let Some(api) = workspace.apis.get_mut(index) else {
            continue;
        };
        let route = lowering.route(resource, api.kind);
        api.routes.push(route);
    }
    lowering.websocket_without_connect(workspace);
    for resource in template.resources_of("AWS::ApiGatewayV2::ApiGatewayManagedOverrides") {
        lowering.overrides(resource, workspace);
    }
    for resource in template.resources_of("AWS::ApiGatewayV2::Stage") {
        let Some(index) = lowering.api_index_or_external(resource, workspace) else {
            continue;
        };
        let stage = lowering.stage(resource, workspace.apis.get(index));
        if let Some(api) = workspace.apis.get_mut(index) {
            api.stages.push(stage);
        }
    }
    lowering.deployments(workspace);
    for resource in template.resources_of("AWS::ApiGatewayV2::DomainName") {
        lowering.domain_names(resource, workspace);
    }
}

impl<'t, 'a> Lowering<'t, 'a> {
    fn api(&mut self, resource: Resource<'a>, workspace: &mut Workspace) {
        let protocol = resource.property("ProtocolType");
        let declared = self
            .eval
            .known_string(protocol)
            .map(|p| p.to_ascii_uppercase());
        let body = resource.property("Body");
        let kind = match declared.as_deref() {
            Some("WEBSOCKET") => ApiKind::WebSocket,
            Some("HTTP") => ApiKind::Http,
            // An imported `Body` and a quick-create `Target` exist only for HTTP APIs.
            _ if body.is_some() || resource.property("Target").is_some() => ApiKind::Http,
            _ => self.kind_from_routes(&ApiName::Template(resource.id)),
        };
        let mut api = Api::new(resource.id, kind, resource.loc());
        api.aws = true;
        // V2 APIs have regional endpoints only.
        api.endpoint = Resolved::Known(EndpointType::Regional);
        if let Some(body) = body {
            let read = super::body::read(self.template, body);
            super::body::lower_into(&mut api, read.specs);
            api.hidden_routes = read.hidden;
        }
        super::body::lower_s3_location(self.template, resource, &mut api);
        default_endpoint(self.eval, resource, &mut api);
        if let Some(cors) = self.cors_configuration(resource) {
            api.cors = vec![cors];
        }
        let index = workspace.apis.len();
        if kind == ApiKind::Http
            && let Some((route, stage)) = self.quick_create(resource)
        {
            self.quick_create
                .insert(index, (api.routes.len(), api.stages.len()));
            api.routes.push(route);
            api.stages.push(stage);
        }
        self.apis.insert(ApiName::Template(resource.id), index);
        self.defined.push(index);
        workspace.apis.push(api);
    }

    /// `CorsConfiguration` of an HTTP API (it replaces the body's `x-amazon-apigateway-cors`).
    /// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigatewayv2-api-cors.html>
    fn cors_configuration(&self, resource: Resource<'a>) -> Option<CorsResponse> {
        let (key, config) = entry_in(
            self.eval.includes(),
            resource.properties()?,
            "CorsConfiguration",
        )?;
        let config = follow(self.eval.includes(), config);
        let origins = self.eval.get(config, "AllowOrigins");
        let credentials = self.eval.get(config, "AllowCredentials");
        Some(CorsResponse {
            source: "the `CorsConfiguration`".to_owned(),
            origin: key.loc(),
            allow_origin: allowed_origins(self.eval, origins),
            allow_origin_at: origins.map(NodeRef::loc),
            allow_credentials: under_resource_condition(
                resource,
                self.eval.boolean(credentials).map(|c| c.unwrap_or(false)),
            ),
            allow_credentials_at: credentials.map(NodeRef::loc),
        })
    }

    /// The `$default` route and stage a quick create (`Target`) makes: the route asks for no
    /// authorization, the stage deploys automatically.
    fn quick_create(&self, resource: Resource<'a>) -> Option<(Route, Stage)> {
        let (target_key, _) = entry_in(self.eval.includes(), resource.properties()?, "Target")?;
        // Whatever the target resolves to (a `!Sub`, `!GetAtt` or `!Join` of an ARN known only
        // at deployment), a target is there unless it is `AWS::NoValue`.
        let present = match self.eval.eval_opt(resource.property("Target")) {
            Resolved::Unknown => Resolved::Known(true),
            known => known.map(Option::is_some),
        };
        if !present.any(|p| *p) {
            return None;
        }
        let key = match resource.property("RouteKey") {
            Some(node) => self.eval.known_string(Some(node)),
            None => Some(QUICK_CREATE_ROUTE_KEY.to_owned()),
        };
        let (method, path) = parse_route_key(key.as_deref(), resource.id);
        let auth = present.and_then(&|p| {
            if *p {
                Resolved::Known(Auth::Open(OpenBecause::Missing))
            } else {
                Resolved::Unknown
            }
        });
        let route = Route {
            method,
            path: path.into(),
            auth: under_resource_condition(resource, auth),
            auth_origin: None,
            api_key_required: Resolved::Known(false),
            references: Default::default(),
            cors_preflight: false,
            origin: target_key.loc(),
            source: RouteSource::Resource(resource.id.into()),
            inherits_connection_auth: false,
        };
        let stage = Stage {
            implicit: None,
            name: "$default".to_owned(),
            origin: target_key.loc(),
            throttle: Resolved::Known(false),
            usage_plans: Vec::new(),
            access_log: Resolved::Known(false),
            auto_deploy: Resolved::Known(true),
            data_trace: Resolved::Known(false),
            data_trace_origin: None,
            web_acl: Resolved::Unknown,
        };
        Some((route, stage))
    }

    fn api_names(&self) -> ApiNames<'t, 'a> {
        ApiNames {
            template: self.template,
            eval: self.eval,
            types: &API_TYPES,
        }
    }

    fn api_name(&self, resource: Resource<'a>) -> Option<ApiName<'a>> {
        Some(self.api_names().of(resource.property("ApiId")?))
    }

    /// The API a resource's `ApiId` names, if it is known by now.
    fn known_api(&self, resource: Resource<'a>) -> Option<usize> {
        self.apis.get(&self.api_name(resource)?).copied()
    }

    /// The API a resource belongs to, through its `ApiId`. An API this lowering does not define
    /// (a SAM API, an API from elsewhere) is added the first time it is named, so what the
    /// template attaches to it is still checked; its kind is told by its routes.
    fn api_index_or_external(
        &mut self,
        resource: Resource<'a>,
        workspace: &mut Workspace,
    ) -> Option<usize> {
        let name = self.api_name(resource)?;
        if let Some(&index) = self.apis.get(&name) {
            return Some(index);
        }
        let at = resource.property("ApiId")?.loc();
        let kind = self.kind_from_routes(&name);
        let mut api = self
            .api_names()
            .api_not_defined_here(name.clone(), kind, at);
        api.endpoint = Resolved::Known(EndpointType::Regional);
        self.apis.insert(name, workspace.apis.len());
        workspace.apis.push(api);
        Some(workspace.apis.len() - 1)
    }

    fn api_of<'w>(
        &mut self,
        resource: Resource<'a>,
        workspace: &'w mut Workspace,
    ) -> Option<&'w mut Api> {
        let index = self.api_index_or_external(resource, workspace)?;
        workspace.apis.get_mut(index)
    }

    /// An API whose protocol is not stated is a WebSocket API when one of its routes has a
    /// WebSocket route key (`$connect`, `$disconnect`, or a key that is no `METHOD /path`).
    fn kind_from_routes(&self, api: &ApiName<'a>) -> ApiKind {
        if self.websocket_route_apis.contains(api) {
            ApiKind::WebSocket
        } else {
            ApiKind::Http
        }
    }

    /// The APIs that have a route with a WebSocket route key; read once, so telling kinds apart
    /// stays linear.
    fn websocket_route_apis(&self) -> HashSet<ApiName<'a>> {
        self.template
            .resources_of(ROUTE)
            .filter(|r| {
                self.eval
                    .known_string(r.property("RouteKey"))
                    .is_some_and(|key| key != "$default" && !key.contains(' '))
            })
            .filter_map(|r| self.api_name(r))
            .collect()
    }

    /// A WebSocket API without a `$connect` route lets anyone connect: then no route inherits
    /// any authorization, and each is judged on its own. (An API from elsewhere may have its
    /// `$connect` route elsewhere.)
    fn websocket_without_connect(&self, workspace: &mut Workspace) {
        for index in &self.defined {
            let Some(api) = workspace.apis.get_mut(*index) else {
                continue;
            };
            if api.kind == ApiKind::WebSocket && !api.routes.iter().any(|r| &*r.path == "$connect")
            {
                for route in &mut api.routes {
                    route.inherits_connection_auth = false;
                }
            }
        }
    }

    fn authorizer(&self, resource: Resource<'a>) -> Authorizer {
        let kind = match self
            .eval
            .known_string(resource.property("AuthorizerType"))
            .map(|t| t.to_ascii_uppercase())
            .as_deref()
        {
            Some("JWT") => AuthorizerKind::Jwt,
            Some("REQUEST") => AuthorizerKind::LambdaRequest,
            Some(other) => AuthorizerKind::Other(other.to_owned()),
            None => AuthorizerKind::Other("unknown".into()),
        };
        let mut authorizer = Authorizer::new(resource.id, kind, resource.loc());
        let type_key = resource
            .property_key("AuthorizerType")
            .map_or_else(|| resource.loc(), NodeRef::loc);
        match authorizer.kind {
            AuthorizerKind::LambdaRequest => {
                let ttl = resource.property("AuthorizerResultTtlInSeconds");
                authorizer.cache_ttl = under_resource_condition(
                    resource,
                    self.eval
                        .number(ttl)
                        .map(|t| t.unwrap_or(DEFAULT_V2_AUTHORIZER_TTL)),
                );
                authorizer.cache_ttl_origin = ttl.map(NodeRef::loc);
                authorizer.identity_source_origin =
                    resource.property("IdentitySource").map(NodeRef::loc);
                authorizer.identity_source = self
                    .eval
                    .list(resource.property("IdentitySource"))
                    .map(|sources| {
                        Some(
                            sources
                                .iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join(", "),
                        )
                        .filter(|s| !s.is_empty())
                    });
                if resource.property("AuthorizerUri").is_none() {
                    authorizer.missing.push(("AuthorizerUri".into(), type_key));
                }
            }
            AuthorizerKind::Jwt => {
                let config = resource.property("JwtConfiguration");
                let evaluated = self.eval.eval_opt(config);
                let audience = config.and_then(|c| self.eval.get(c, "Audience"));
                let issuer = config.and_then(|c| self.eval.get(c, "Issuer"));
                authorizer.audience = under_resource_condition(
                    resource,
                    evaluated.and_then(&|c| match c {
                        None => Resolved::Known(Vec::new()),
                        Some(Value::Node(map)) => {
                            super::gateway::audience(self.eval, self.eval.get(*map, "Audience"))
                        }
                        Some(_) => Resolved::Unknown,
                    }),
                );
                authorizer.issuer = under_resource_condition(
                    resource,
                    evaluated.and_then(&|c| match c {
                        Some(Value::Node(map)) => self
                            .eval
                            .get(*map, "Issuer")
                            .map_or(Resolved::Unknown, |node| jwt_issuer(self.eval, node)),
                        _ => Resolved::Unknown,
                    }),
                );
                // Where the audience is, or where it should have been.
                authorizer.audience_origin = audience
                    .or_else(|| resource.property_key("JwtConfiguration"))
                    .map(NodeRef::loc);
                authorizer.issuer_origin = issuer.map(NodeRef::loc);
                if issuer.is_none() && config.is_none_or(|c| c.is_map()) {
                    let at = config
                        .and(resource.property_key("JwtConfiguration"))
                        .map_or(type_key, NodeRef::loc);
                    authorizer
                        .missing
                        .push(("JwtConfiguration.Issuer".into(), at));
                }
            }
            _ => {}
        }
        authorizer
    }

    fn route(&self, resource: Resource<'a>, kind: ApiKind) -> Route {
        let key = self.eval.known_string(resource.property("RouteKey"));
        let (method, path) = parse_route_key(key.as_deref(), resource.id);
        // API keys exist for WebSocket APIs only.
        let api_key = if kind == ApiKind::WebSocket {
            self.eval
                .boolean(resource.property("ApiKeyRequired"))
                .map(|k| k.unwrap_or(false))
        } else {
            Resolved::Known(false)
        };
        let auth = self.route_auth(resource.properties(), &api_key, resource.loc());
        let references = references(&auth);
        Route {
            method,
            inherits_connection_auth: kind == ApiKind::WebSocket && path != "$connect",
            path: path.into(),
            auth: under_resource_condition(resource, auth),
            auth_origin: resource.property("AuthorizationType").map(auth_type_origin),
            api_key_required: api_key,
            references,
            cors_preflight: false,
            origin: resource.loc(),
            source: RouteSource::Resource(resource.id.into()),
        }
    }

    /// What `AuthorizationType`, `AuthorizerId` and `AuthorizationScopes` in `properties` (a
    /// Route's, or an override's `Route`) ask of callers.
    fn route_auth(
        &self,
        properties: Option<NodeRef<'a>>,
        api_key: &Resolved<bool>,
        fallback: Loc,
    ) -> Resolved<Auth> {
        let scopes = super::gateway::authorization_scopes(self.eval, properties);
        authorization(
            self.eval,
            properties,
            api_key,
            &AUTHORIZER_TYPES,
            &scopes,
            fallback,
        )
    }

    /// `AWS::ApiGatewayV2::ApiGatewayManagedOverrides`: changes to the route and stage a quick
    /// create made.
    fn overrides(&self, resource: Resource<'a>, workspace: &mut Workspace) {
        let Some(index) = self.known_api(resource) else {
            return;
        };
        let Some(&(route_index, stage_index)) = self.quick_create.get(&index) else {
            return;
        };
        let Some(api) = workspace.apis.get_mut(index) else {
            return;
        };
        if let Some(route) = resource.property("Route")
            && let Some(quick) = api.routes.get_mut(route_index)
            && (self.eval.get(route, "AuthorizationType").is_some()
                || self.eval.get(route, "AuthorizerId").is_some())
        {
            let auth = self.route_auth(Some(route), &Resolved::Known(false), route.loc());
            quick.references = references(&auth);
            // Overrides that exist only under a condition leave the quick-create route as it
            // was when the condition is false.
            quick.auth = match resource.condition() {
                Some(name) => {
                    let before = std::mem::replace(&mut quick.auth, Resolved::Unknown);
                    Resolved::either(name, auth, before)
                }
                None => auth,
            };
            quick.auth_origin = self
                .eval
                .get(route, "AuthorizationType")
                .map(auth_type_origin);
        }
        if let Some(settings) = resource.property("Stage")
            && let Some(stage) = api.stages.get_mut(stage_index)
        {
            let get = |key: &str| self.eval.get(settings, key);
            if let Some(defaults) = get("DefaultRouteSettings") {
                stage.throttle = self.throttles(Some(defaults));
            }
            if let Some(log) = get("AccessLogSettings") {
                stage.access_log = access_log(self.eval, Some(log));
            }
            if let Some(auto) = get("AutoDeploy") {
                stage.auto_deploy = self.eval.boolean(Some(auto)).map(|a| a.unwrap_or(true));
            }
        }
    }

    fn stage(&self, resource: Resource<'a>, api: Option<&Api>) -> Stage {
        let name = resource
            .property("StageName")
            .filter(|n| !n.is_null())
            .map(|n| super::gateway::stage_name(self.eval, n));
        let default_throttle = self.throttles(resource.property("DefaultRouteSettings"));
        let every_route = self.route_settings_throttle(resource.property("RouteSettings"), api);
        let (data_trace, data_trace_origin) = data_trace(
            self.eval,
            resource.property("DefaultRouteSettings").into_iter().chain(
                resource
                    .property("RouteSettings")
                    .into_iter()
                    .flat_map(NodeRef::entries)
                    .map(|(_, settings)| settings),
            ),
        );
        Stage {
            implicit: None,
            name: name.unwrap_or_else(|| resource.id.to_owned()),
            origin: resource.loc(),
            throttle: under_resource_condition(resource, default_throttle.or(&every_route)),
            usage_plans: Vec::new(),
            access_log: under_resource_condition(
                resource,
                access_log(self.eval, resource.property("AccessLogSettings")),
            ),
            auto_deploy: self
                .eval
                .boolean(resource.property("AutoDeploy"))
                .map(|a| a.unwrap_or(false)),
            data_trace: under_resource_condition(resource, data_trace),
            data_trace_origin,
            web_acl: Resolved::Unknown,
        }
    }

    /// Whether route settings set a throttling limit (`ThrottlingBurstLimit` or
    /// `ThrottlingRateLimit`). A negative limit means no throttling, as for REST stages.
    fn throttles(&self, settings: Option<NodeRef<'a>>) -> Resolved<bool> {
        let limits = |limit: Option<NodeRef<'a>>| {
            self.eval.eval_opt(limit).map(|value| match value {
                None => false,
                Some(Value::Str(text)) => text.trim().parse::<f64>().is_ok_and(|n| n >= 0.0),
                Some(_) => true,
            })
        };
        self.eval
            .mapping(settings)
            .and_then(&|settings| match settings {
                None => Resolved::Known(false),
                Some(map) => limits(self.eval.get(*map, "ThrottlingBurstLimit"))
                    .or(&limits(self.eval.get(*map, "ThrottlingRateLimit"))),
            })
    }

    /// Whether `RouteSettings` throttle every route of the API (keyed by route key).
    fn route_settings_throttle(
        &self,
        settings: Option<NodeRef<'a>>,
        api: Option<&Api>,
    ) -> Resolved<bool> {
        let Some(settings) = settings.filter(|s| s.is_map()) else {
            return Resolved::Known(false);
        };
        let Some(api) = api.filter(|a| !a.routes.is_empty()) else {
            return Resolved::Known(false);
        };
        // With what an include beside the route keys merges in; one that cannot be seen may
        // set any route's.
        let entries = distinct_entries_in(self.eval.includes(), settings);
        let unseen = entries.iter().any(|(_, value)| is_include(*value));
        let by_key: HashMap<&str, NodeRef<'a>> = entries
            .into_iter()
            .filter_map(|(key, value)| Some((key.as_str()?, value)))
            .collect();
        let mut all = Resolved::Known(true);
        for route in &api.routes {
            // A route without settings of its own ends the search (and keeps it linear).
            let Some(&setting) = by_key.get(route_key(route).as_str()) else {
                return if unseen {
                    Resolved::Unknown
                } else {
                    Resolved::Known(false)
                };
            };
            let throttled = self.throttles(Some(setting));
            all = all.and_then(&|so_far| {
                if *so_far {
                    throttled.clone()
                } else {
                    Resolved::Known(false)
                }
            });
        }
        all
    }

    /// Deployments, with the routes of their API they are not ordered after. A stage with
    /// `AutoDeploy` redeploys whenever a route changes, so then no route can be missed.
    fn deployments(&self, workspace: &mut Workspace) {
        let dependencies = std::cell::LazyCell::new(|| Dependencies::new(self.template));
        for resource in self.template.resources_of("AWS::ApiGatewayV2::Deployment") {
            let Some(index) = self.known_api(resource) else {
                continue;
            };
            let Some(api) = workspace.apis.get_mut(index) else {
                continue;
            };
            // An API from elsewhere may have an auto-deploying stage elsewhere.
            let manual = self.defined.contains(&index)
                && api.stages.iter().all(|s| s.auto_deploy.all_known(|a| !a));
            let waits_for = dependencies.waits_for(resource.id);
            let routes_not_waited_for = if manual {
                routes_not_waited_for(api, self.template, ROUTE, &waits_for)
            } else {
                Vec::new()
            };
            api.deployments.push(Deployment {
                name: resource.id.to_owned(),
                origin: resource.loc(),
                replaced_without_create_before_destroy: None,
                follow_routes: follow_routes(
                    self.template,
                    &dependencies,
                    resource,
                    &routes_not_waited_for,
                ),
                create_before_destroy: Vec::new(),
                routes_not_waited_for,
            });
        }
    }

    /// One domain name per `DomainNameConfigurations` entry (each has its own TLS policy).
    fn domain_names(&self, resource: Resource<'a>, workspace: &mut Workspace) {
        let name = self
            .eval
            .known_string(resource.property("DomainName"))
            .unwrap_or_else(|| resource.id.to_owned());
        let configurations: Vec<NodeRef<'a>> = resource
            .property("DomainNameConfigurations")
            .into_iter()
            .flat_map(NodeRef::items)
            .collect();
        if configurations.is_empty() {
            workspace.domain_names.push(DomainName {
                name,
                origin: resource.loc(),
                notation: crate::model::Notation::Gateway,
                security_policy: Resolved::Unknown,
                security_policy_origin: None,
            });
            return;
        }
        for configuration in configurations {
            let policy = self.eval.get(configuration, "SecurityPolicy");
            workspace.domain_names.push(DomainName {
                name: name.clone(),
                origin: resource.loc(),
                notation: crate::model::Notation::Gateway,
                security_policy: security_policy(self.eval, policy),
                security_policy_origin: policy.map(NodeRef::loc),
            });
        }
    }
}

/// `GET /pets` → (GET, "/pets"); `$default`, `$connect` and custom WebSocket keys are paths
/// of method ANY. An unreadable key names the resource instead.
pub(crate) fn parse_route_key(key: Option<&str>, resource: &str) -> (Method, String) {
    let Some(key) = key.map(str::trim) else {
        return (Method::Any, format!("<route key of {resource}>"));
    };
    if let Some((method, path)) = key.split_once(' ')
        && let Some(method) = Method::parse(method)
    {
        return (method, path.trim().to_owned());
    }
    (Method::Any, key.to_owned())
}

/// The route key a route was lowered from: the inverse of [`parse_route_key`].
pub(crate) fn route_key(route: &Route) -> String {
    if route.method == Method::Any && !route.path.starts_with('/') {
        route.path.to_string()
    } else {
        format!("{} {}", route.method, route.path)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::super::lower_text as lower;
    use super::*;

    fn auth(route: &Route) -> Vec<String> {
        route
            .auth
            .branches()
            .iter()
            .map(|(when, auth)| format!("{when:?} {auth:?}"))
            .collect()
    }

    #[test]
    fn route_keys() {
        assert_eq!(
            parse_route_key(Some("GET /pets/{id}"), "R"),
            (Method::Get, "/pets/{id}".to_owned())
        );
        assert_eq!(
            parse_route_key(Some("ANY /{proxy+}"), "R"),
            (Method::Any, "/{proxy+}".to_owned())
        );
        assert_eq!(
            parse_route_key(Some("$connect"), "R"),
            (Method::Any, "$connect".to_owned())
        );
        assert_eq!(
            parse_route_key(Some("sendMessage"), "R"),
            (Method::Any, "sendMessage".to_owned())
        );
        assert_eq!(
            parse_route_key(None, "R"),
            (Method::Any, "<route key of R>".to_owned())
        );
    }

    const HTTP: &str = "
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {ProtocolType: HTTP}
  Jwt:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Api
      AuthorizerType: JWT
      JwtConfiguration:
        Audience: [!Ref Client, app]
        Issuer: !Sub 'https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}'
  Client:
    Type: AWS::Cognito::UserPoolClient
  Get:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: GET /pets, AuthorizationType: jwt, AuthorizerId: !Ref Jwt, AuthorizationScopes: [pets/read]}
  Post:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: POST /pets}
  Deployment:
    Type: AWS::ApiGatewayV2::Deployment
    DependsOn: Get
    Properties: {ApiId: !Ref Api}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Api
      StageName: prod
      RouteSettings:
        GET /pets: {ThrottlingRateLimit: 10}
        POST /pets: {ThrottlingBurstLimit: 5}
";

    #[test]
    fn http_routes_authorizers_stages_and_deployments() {
        let workspace = lower(HTTP);
        let api = &workspace.apis[0];
        assert_eq!(api.kind, ApiKind::Http);
        let jwt = &api.authorizers[0];
        assert_eq!(jwt.kind, AuthorizerKind::Jwt);
        assert_eq!(
            jwt.audience,
            Resolved::Known(vec!["Ref Client".to_owned(), "app".to_owned()])
        );
        assert_eq!(
            jwt.issuer,
            Resolved::Known("https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}".to_owned())
        );
        assert!(jwt.missing.is_empty());
        let get = &api.routes[0];
        assert_eq!(get.describe(), "GET /pets");
        assert_eq!(&*get.references[0].name, "Jwt");
        assert_eq!(&*get.references[0].scopes, ["pets/read"]);
        assert_eq!(
            api.routes[1].auth,
            Resolved::Known(Auth::Open(OpenBecause::Missing))
        );
        // Every route is throttled through its own route settings.
        assert_eq!(api.stages[0].throttle, Resolved::Known(true));
        assert_eq!(api.stages[0].access_log, Resolved::Known(false));
        // The deployment waits for Get only, and no stage deploys by itself.
        assert_eq!(api.deployments[0].routes_not_waited_for, ["Post"]);

        let auto =
            lower(&HTTP.replace("StageName: prod", "StageName: prod\n      AutoDeploy: true"));
        assert!(auto.apis[0].deployments[0].routes_not_waited_for.is_empty());
        let partly =
            lower(&HTTP.replace("POST /pets: {ThrottlingBurstLimit: 5}", "POST /pets: {}"));
        assert_eq!(partly.apis[0].stages[0].throttle, Resolved::Known(false));
        let negative = lower(&HTTP.replace("ThrottlingBurstLimit: 5", "ThrottlingBurstLimit: -1"));
        assert_eq!(negative.apis[0].stages[0].throttle, Resolved::Known(false));
    }

    #[test]
    fn quick_create_with_a_target_known_only_at_deployment() {
        for target in [
            "!GetAtt Fn.Arn",
            "!Sub arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:f",
            "!Join ['', [arn:aws:lambda:, !Ref AWS::Region, ':1:function:f']]",
        ] {
            let template = format!(
                "Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      \
                 ProtocolType: HTTP\n      Target: {target}\n"
            );
            let workspace = lower(&template);
            let api = &workspace.apis[0];
            assert_eq!(api.routes.len(), 1, "{target}");
            assert_eq!(&*api.routes[0].path, "$default", "{target}");
            assert_eq!(auth(&api.routes[0]), ["[] Open(Missing)"], "{target}");
            assert_eq!(api.stages[0].name, "$default", "{target}");
        }
    }

    #[test]
    fn quick_create_and_its_overrides() {
        let template = "
Conditions:
  Locked: !Equals [a, b]
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Target: arn:aws:lambda:eu-west-1:1:function:f, RouteKey: GET /}
  Overrides:
    Type: AWS::ApiGatewayV2::ApiGatewayManagedOverrides
    Condition: Locked
    Properties:
      ApiId: !Ref Api
      Route: {AuthorizationType: AWS_IAM}
      Stage: {DefaultRouteSettings: {ThrottlingRateLimit: 5}}
";
        let workspace = lower(template);
        let api = &workspace.apis[0];
        assert_eq!(api.routes[0].describe(), "GET /");
        assert_eq!(
            auth(&api.routes[0]),
            [
                r#"[Condition { name: "Locked", holds: true }] Iam"#,
                r#"[Condition { name: "Locked", holds: false }] Open(Missing)"#,
            ]
        );
        assert_eq!(api.stages[0].name, "$default");
        assert_eq!(api.stages[0].auto_deploy, Resolved::Known(true));
        assert_eq!(api.stages[0].throttle, Resolved::Known(true));
    }

    #[test]
    fn websocket_routes_and_apis_from_elsewhere() {
        let template = "
Resources:
  Connect:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !ImportValue ChatApi, RouteKey: $connect, AuthorizationType: NONE, ApiKeyRequired: true}
  Send:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !ImportValue ChatApi, RouteKey: send}
  Custom:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: abc123, RouteKey: $default, AuthorizationType: CUSTOM, AuthorizerId: xyz}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: abc123, StageName: live, AccessLogSettings: {DestinationArn: arn:aws:logs:x}}
";
        let workspace = lower(template);
        assert_eq!(workspace.apis.len(), 2);
        let chat = &workspace.apis[0];
        assert_eq!(chat.kind, ApiKind::WebSocket);
        assert_eq!(chat.display, "the API `!ImportValue ChatApi`");
        assert_eq!(chat.routes[0].auth, Resolved::Known(Auth::ApiKeyOnly));
        assert!(!chat.routes[0].inherits_connection_auth);
        assert!(chat.routes[1].inherits_connection_auth);
        let other = &workspace.apis[1];
        assert_eq!(other.kind, ApiKind::Http);
        // An authorizer id that names no resource here: protected by something unseen.
        assert_eq!(
            other.routes[0].auth,
            Resolved::Known(Auth::Authorizers(Default::default()))
        );
        assert_eq!(other.stages[0].access_log, Resolved::Known(true));
    }

    #[test]
    fn websocket_without_connect_inherits_nothing() {
        let template = "
Resources:
  Chat:
    Type: AWS::ApiGatewayV2::Api
    Properties: {ProtocolType: WEBSOCKET}
  Default:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Chat, RouteKey: $default}
";
        let workspace = lower(template);
        assert!(!workspace.apis[0].routes[0].inherits_connection_auth);
        let with_connect = lower(&format!(
            "{template}  Connect:\n    Type: AWS::ApiGatewayV2::Route\n    Properties: {{ApiId: !Ref Chat, RouteKey: $connect, AuthorizationType: AWS_IAM}}\n"
        ));
        assert!(with_connect.apis[0].routes[0].inherits_connection_auth);
    }

    #[test]
    fn request_authorizers_and_domain_names() {
        let template = "
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {ProtocolType: HTTP}
  Lambda:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties: {ApiId: !Ref Api, AuthorizerType: REQUEST, IdentitySource: [$request.header.A, $request.querystring.b]}
  Cached:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties: {ApiId: !Ref Api, AuthorizerType: REQUEST, AuthorizerUri: arn:x, AuthorizerResultTtlInSeconds: '600'}
  Domain:
    Type: AWS::ApiGatewayV2::DomainName
    Properties:
      DomainName: api.example.com
      DomainNameConfigurations: [{SecurityPolicy: TLS_1_0}]
";
        let workspace = lower(template);
        let api = &workspace.apis[0];
        assert_eq!(api.authorizers[0].cache_ttl, Resolved::Known(0));
        assert_eq!(
            api.authorizers[0].identity_source,
            Resolved::Known(Some("$request.header.A, $request.querystring.b".to_owned()))
        );
        assert_eq!(api.authorizers[0].missing[0].0, "AuthorizerUri");
        assert_eq!(api.authorizers[1].cache_ttl, Resolved::Known(600));
        assert!(api.authorizers[1].missing.is_empty());
        assert_eq!(workspace.domain_names[0].name, "api.example.com");
        assert_eq!(
            workspace.domain_names[0].security_policy,
            Resolved::Known("TLS_1_0".to_owned())
        );
    }
}
