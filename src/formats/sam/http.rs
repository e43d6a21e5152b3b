//! `AWS::Serverless::HttpApi` and the implicit `ServerlessHttpApi`, lowered as the translator's
//! HTTP API generator builds them: the OpenAPI definition (inline, from a file, or written from
//! the events, which also join an inline definition), JWT and Lambda authorizers, the IAM
//! authorizer, the default authorizer, and the stage (`$default` unless named, deployed
//! automatically) with its route settings and access logs.
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-httpapi.html>

use std::sync::Arc;

use super::api::{self, ApiSource};
use super::auth;
use super::context::{Context, Text, literal, reject, text, truthy};
use super::definition::{Definition, check_structure};
use super::events::{AuthorizerName, Event, EventKind, IMPLICIT_HTTP_API};
use super::globals::Merged;
use super::operation::{Operation, Operations};
use super::security::{self, Requirement, Scheme};
use super::settings::{may_throttle, sets_throttling, unknown_settings};
use crate::collections::HashSet;
use crate::diagnostic::InputError;
use crate::formats::cloudformation::Resource;
use crate::formats::cloudformation::gateway::{allowed_origins, jwt_issuer};
use crate::formats::cloudformation::include::is_include;
use crate::formats::defaults::DEFAULT_V2_AUTHORIZER_TTL;
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::formats::nodes::strings;
use crate::formats::openapi;
use crate::model::{
    Api, ApiKind, Authorizer, AuthorizerKind, CorsOrigin, CorsResponse, EndpointType, Method,
    Resolved, Stage, Workspace,
};
use crate::syntax::{Loc, NodeRef, ScalarStyle};

/// The stage an HTTP API gets when `StageName` is not set.
const DEFAULT_STAGE: &str = "$default";

/// The route that catches every request no other route matches.
const DEFAULT_ROUTE: &str = "$default";

const AUTH_KEYS: [&str; 3] = ["Authorizers", "DefaultAuthorizer", "EnableIamAuthorizer"];

/// The settings of a `CorsConfiguration` (the translator's `CorsProperties`).
const CORS_CONFIGURATION_KEYS: [&str; 6] = [
    "AllowMethods",
    "AllowHeaders",
    "AllowOrigins",
    "MaxAge",
    "ExposeHeaders",
    "AllowCredentials",
];

pub(super) fn lower(
    cx: &Context<'_, '_>,
    events: &[Event<'_>],
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) {
    let belongs = |event: &Event<'_>, id: &str| event.kind == EventKind::Http && event.api == id;
    for (source, own) in api::each(
        cx,
        events,
        "AWS::Serverless::HttpApi",
        "HttpApi",
        IMPLICIT_HTTP_API,
        belongs,
    ) {
        let api = HttpApi(source).lower(&own, workspace, errors);
        workspace.apis.push(api);
    }
}

/// One SAM HTTP API being lowered.
struct HttpApi<'c, 't, 'a>(ApiSource<'c, 't, 'a>);

impl<'c, 't, 'a> std::ops::Deref for HttpApi<'c, 't, 'a> {
    type Target = ApiSource<'c, 't, 'a>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// The API's `Auth`.
struct AuthSettings<'a> {
    auth: Merged<'a>,
    /// Authorizer names, with `AWS_IAM` when `EnableIamAuthorizer` is on.
    authorizers: Vec<&'a str>,
    iam_enabled: bool,
    default: Option<Scheme>,
    /// A `DefaultAuthorizer` whose name is known only at deployment: where it is written.
    unknown_default: Option<crate::syntax::Loc>,
    /// Where `Auth`, its `Authorizers` or one authorizer is an include that cannot be seen.
    unseen: Option<crate::syntax::Loc>,
}

impl<'c, 't, 'a> HttpApi<'c, 't, 'a> {
    fn lower(
        &self,
        events: &[&Event<'a>],
        workspace: &mut Workspace,
        errors: &mut Vec<InputError>,
    ) -> Api {
        let mut api = self.api(ApiKind::Http);
        // HTTP APIs have regional endpoints only.
        api.endpoint = Resolved::Known(EndpointType::Regional);
        let definition = self.definition(&mut api, workspace, errors);
        api.hidden_routes = definition
            .hidden_routes()
            .or_else(|| self.unknown_method_routes(EventKind::Http));
        let auth = self.auth_settings(&definition, errors);
        let mut operations = Operations::of(&definition, &mut api);
        // The translator's HTTP editor appends to a body operation's `security` as written.
        for operation in operations.iter_mut() {
            operation.security = operation.written_security().ok().flatten();
        }
        let edited = !events.is_empty() || !auth.auth.entries().is_empty();
        if let (Definition::NotOpenApi(at, _), true) = (&definition, edited) {
            reject(
                errors,
                at.clone(),
                format!(
                    "the DefinitionBody of {} is no OpenAPI 3 document (with `openapi` and \
                     `paths`) that SAM can add routes or authorizers to",
                    self.describe()
                ),
            );
        }
        if let Definition::Inline(spec) = &definition
            && edited
        {
            // The translator's OpenAPI editor takes OpenAPI 3 only.
            if spec.version == openapi::Version::Swagger2 {
                reject(
                    errors,
                    spec.root.loc(),
                    format!(
                        "the DefinitionBody of {} must be OpenAPI 3 for SAM to add routes or \
                         authorizers to it",
                        self.describe()
                    ),
                );
            }
            check_structure(*spec, errors);
        }
        if definition.editable() {
            self.event_operations(events, &definition, &auth, &mut operations, errors);
        }
        auth::define_each(
            auth.auth,
            &mut api,
            &self.describe(),
            errors,
            |name, key, config, errors| self.authorizer(name, key, config, errors),
        );
        if let Some(at) = &auth.unknown_default {
            for operation in operations.iter_mut() {
                let exempt = operation.method == Method::Options || !operation.integrated;
                let has_security = operation.security.as_ref().is_some_and(|s| !s.is_empty())
                    || operation.written_security().is_err();
                if !exempt && !has_security {
                    operation.unknown = Some(at.clone());
                    operation.edited = true;
                }
            }
        }
        if let Some(default) = &auth.default {
            for operation in operations.iter_mut() {
                let exempt = operation.method == Method::Options || !operation.integrated;
                let has_security = operation.security.as_ref().is_some_and(|s| !s.is_empty())
                    || operation.written_security().is_err();
                if exempt || has_security {
                    continue;
                }
                operation.security = Some(vec![Requirement {
                    schemes: vec![default.clone()],
                }]);
                operation.by_default = Some(default.origin.clone());
                operation.edited = true;
            }
        }
        // With FailOnWarnings the translator renames `$default` to `/$default`, a plain path.
        let fail_on_warnings = truthy(self.properties.get("FailOnWarnings").node());
        let root_security = definition.root_security();
        api.routes.reserve_exact(operations.count());
        for operation in operations {
            let mut route = operation.into_route(&api, root_security.as_deref());
            if fail_on_warnings && &*route.path == DEFAULT_ROUTE {
                route.path = format!("/{DEFAULT_ROUTE}").into();
            }
            api.routes.push(route);
        }
        let file_default = api.default_auth_origin.take();
        api.default_auth_origin = auth
            .default
            .as_ref()
            .map(|d| d.origin.clone())
            .or_else(|| self.properties.local_key("Auth").map(NodeRef::loc))
            .or_else(|| auth.auth.loc())
            .or_else(|| self.cx.globals.key_of("HttpApi"))
            .or_else(|| self.resource.map(Resource::loc));
        if matches!(definition, Definition::File) {
            api.default_auth_origin = file_default;
        }
        workspace.domain_names.extend(self.domain_name());
        api.custom_domains.extend(self.domain_mapping());
        self.default_endpoint(&mut api);
        self.cors(&definition, &mut api, errors);
        let stage = self.stage(&api, events);
        api.stages.push(stage);
        auth::unseen_references(&mut api, auth.unseen.as_ref());
        self.apply_condition(&mut api);
        api
    }

    /// Events join the definition: a route that is not there yet is added, one that is gets
    /// the event's authorizer.
    fn event_operations<'e>(
        &self,
        events: &[&'e Event<'a>],
        definition: &Definition<'a>,
        auth: &AuthSettings<'a>,
        operations: &mut Operations<'e, 'a>,
        errors: &mut Vec<InputError>,
    ) {
        let generated = matches!(definition, Definition::Generated);
        operations.reserve(events.len());
        for event in events.iter().copied() {
            match operations.of_event(event) {
                Some(existing) if existing.integrated => {
                    if generated {
                        reject(
                            errors,
                            event.loc(),
                            format!(
                                "{} {} of {} is declared twice (event {} of {})",
                                event.method,
                                event.path,
                                self.describe(),
                                event.id,
                                event.owner
                            ),
                        );
                        continue;
                    }
                }
                Some(existing) => {
                    existing.integrate(event);
                    existing.edited = true;
                }
                None => operations.push(Operation::from_event(event)),
            }
            if let (Some(event_auth), Some(operation)) = (event.auth, operations.of_event(event)) {
                self.event_auth(event, event_auth, auth, operation, errors);
            }
        }
    }

    fn event_auth(
        &self,
        event: &Event<'a>,
        event_auth: NodeRef<'a>,
        auth: &AuthSettings<'a>,
        operation: &mut Operation<'_, 'a>,
        errors: &mut Vec<InputError>,
    ) {
        // An event `Auth` in an include that cannot be seen: the route's authentication is
        // Unknown.
        if is_include(event_auth) {
            operation.unknown = Some(event_auth.loc());
            operation.edited = true;
            return;
        }
        let (name, origin) = match event_auth.get("Authorizer").filter(|a| !a.is_null()) {
            Some(node) => match event.authorizer_name(self.cx, node, &|| self.describe(), errors) {
                AuthorizerName::Named(name) => (Arc::from(name), node.loc()),
                AuthorizerName::Unknown => {
                    operation.unknown = Some(node.loc());
                    operation.edited = true;
                    return;
                }
                AuthorizerName::Invalid => return,
            },
            None => match &auth.default {
                Some(default) => (default.name.clone(), default.origin.clone()),
                None if auth.unknown_default.is_some() => {
                    operation.unknown.clone_from(&auth.unknown_default);
                    operation.edited = true;
                    return;
                }
                None => {
                    reject(
                        errors,
                        event_auth.loc(),
                        format!(
                            "the Auth of event {} names no Authorizer, and {} has no \
                             DefaultAuthorizer",
                            event.id,
                            self.describe()
                        ),
                    );
                    return;
                }
            },
        };
        if &*name == security::AWS_IAM
            && !auth.authorizers.contains(&security::AWS_IAM)
            && auth.unseen.is_none()
        {
            reject(
                errors,
                origin.clone(),
                format!(
                    "`Authorizer: AWS_IAM` on event {} needs `EnableIamAuthorizer: true` on {}",
                    event.id,
                    self.describe()
                ),
            );
        }
        if &*name == security::NONE && auth.default.is_none() && auth.unknown_default.is_none() {
            event.reject_needless_none(origin.clone(), &self.describe(), errors);
        }
        let event_scopes = event.scopes(errors);
        // Only a non-empty list of the event's own replaces the authorizer's scopes.
        let scopes = if &*name == security::NONE || &*name == security::AWS_IAM {
            Vec::new()
        } else {
            let own = event_scopes.map(strings).unwrap_or_default();
            if own.is_empty() {
                auth::scopes(auth.auth, &name)
            } else {
                own
            }
        };
        if !operation.integrated {
            return;
        }
        operation
            .security
            .get_or_insert_with(Vec::new)
            .push(Requirement::one(name, scopes, origin));
        operation.edited = true;
    }

    fn auth_settings(
        &self,
        definition: &Definition<'a>,
        errors: &mut Vec<InputError>,
    ) -> AuthSettings<'a> {
        let describe = self.describe();
        let written = self.properties.get("Auth");
        let auth = auth::read(
            written,
            &AUTH_KEYS,
            &describe,
            definition.held_by_sam(),
            errors,
        );
        let unseen = auth::unseen(written);
        let mut settings = AuthSettings {
            auth,
            authorizers: Vec::new(),
            iam_enabled: false,
            default: None,
            // Auth that cannot be seen may set a default authorizer: every route is Unknown.
            unknown_default: unseen.clone().filter(|_| written.is_unseen()),
            unseen,
        };
        settings.iam_enabled = auth
            .get("EnableIamAuthorizer")
            .node()
            .and_then(NodeRef::as_bool)
            == Some(true);
        if settings.iam_enabled {
            settings.authorizers.push(security::AWS_IAM);
        }
        settings
            .authorizers
            .extend(auth::authorizer_names(auth, &describe, errors));
        let default = auth.get("DefaultAuthorizer");
        // The IAM authorizer exists only with EnableIamAuthorizer.
        if let Some(node) = default.node()
            && literal(self.cx, Some(node)) == Some(security::AWS_IAM)
            && !settings.authorizers.contains(&security::AWS_IAM)
            && settings.unseen.is_none()
        {
            reject(
                errors,
                node.loc(),
                format!(
                    "DefaultAuthorizer AWS_IAM on {} needs `EnableIamAuthorizer: true`",
                    self.describe()
                ),
            );
        }
        // `!Ref AWS::NoValue` sets no default (`is_intrinsic_no_value`).
        let no_value =
            |n: NodeRef<'_>| matches!(intrinsic(n), Some(Intrinsic::Ref("AWS::NoValue")));
        if let Some(node) = default.node().filter(|n| !n.is_null() && !no_value(*n)) {
            // Unlike a REST API's, an HTTP API's `Auth` is not resolved before the translator
            // checks that `DefaultAuthorizer` is a string (`_set_default_authorizer`): a `Ref` to
            // a parameter is rejected as any other intrinsic is, whatever the parameters are.
            let rejected = if !is_include(node) && intrinsic(node).is_some() {
                Some(
                    "must be written out as the name of one of its authorizers: SAM does not \
                     resolve intrinsics in an HttpApi's Auth, so it rejects this one whatever the \
                     parameters are",
                )
            } else {
                match text(self.cx, node) {
                    // It may be one of the authorizers that cannot be seen.
                    Text::Literal(name)
                        if settings.unseen.is_some() && !settings.authorizers.contains(&name) =>
                    {
                        settings.unknown_default = Some(node.loc());
                        None
                    }
                    Text::Literal(name) => {
                        settings.default = Some(Scheme {
                            name: name.into(),
                            scopes: if name == security::AWS_IAM {
                                Default::default()
                            } else {
                                auth::scopes(settings.auth, name).into()
                            },
                            origin: node.loc(),
                        });
                        None
                    }
                    Text::Deployment | Text::Other => {
                        Some("must be the name of one of its authorizers")
                    }
                }
            };
            if let Some(why) = rejected {
                // Reported; the routes are not judged on a default never given.
                settings.unknown_default = Some(node.loc());
                reject(
                    errors,
                    node.loc(),
                    format!("the DefaultAuthorizer of {} {why}", self.describe()),
                );
            }
        }
        settings
    }

    /// One entry of `Auth.Authorizers`: a JWT authorizer (with `JwtConfiguration`) or a Lambda
    /// authorizer.
    fn authorizer(
        &self,
        name: &str,
        key: NodeRef<'a>,
        config: Merged<'a>,
        errors: &mut Vec<InputError>,
    ) -> Option<Authorizer> {
        if let Some(url) = config.get("OpenIdConnectUrl").node() {
            reject(
                errors,
                url.loc(),
                format!("OpenIdConnectUrl is no longer supported on authorizer {name}"),
            );
            return None;
        }
        let jwt = config.get("JwtConfiguration");
        let field = |n: &str| config.get(n).node().filter(|v| !v.is_null());
        if let Some(node) = jwt.node()
            && !node.is_null()
            && !jwt.is_map()
            && intrinsic(node).is_none()
        {
            reject(
                errors,
                node.loc(),
                format!("the JwtConfiguration of authorizer {name} must be a map"),
            );
            return None;
        }
        let is_jwt = jwt.node().is_some_and(|n| truthy(Some(n)));
        let misplaced: &[&str] = if is_jwt {
            &[
                "FunctionArn",
                "FunctionInvokeRole",
                "Identity",
                "AuthorizerPayloadFormatVersion",
                "EnableSimpleResponses",
            ]
        } else {
            &["AuthorizationScopes", "IdentitySource"]
        };
        for field_name in misplaced {
            if let Some(node) = field(field_name) {
                let kind = if is_jwt { "a JWT" } else { "a Lambda" };
                reject(
                    errors,
                    node.loc(),
                    format!("{field_name} does not belong on authorizer {name}, {kind} authorizer"),
                );
                return None;
            }
        }
        let kind = if is_jwt {
            AuthorizerKind::Jwt
        } else {
            AuthorizerKind::LambdaRequest
        };
        let mut authorizer = Authorizer::new(name, kind, key.loc());
        if is_jwt {
            if field("IdentitySource").is_none() {
                reject(
                    errors,
                    key.loc(),
                    format!("the JWT authorizer {name} needs an IdentitySource"),
                );
            }
            authorizer.identity_source = Resolved::Known(
                field("IdentitySource")
                    .and_then(NodeRef::as_str)
                    .map(str::to_owned),
            );
            let audience = jwt.get("audience");
            let issuer = jwt.get("issuer");
            // The translator writes `jwtConfiguration` into the definition as it is: CloudFormation
            // evaluates it.
            authorizer.audience = match audience.node() {
                None => Resolved::Known(Vec::new()),
                Some(node) => {
                    crate::formats::cloudformation::gateway::audience(&self.cx.eval, Some(node))
                }
            };
            authorizer.audience_origin = audience.loc();
            authorizer.issuer = match issuer.node() {
                None => Resolved::Unknown,
                Some(node) => jwt_issuer(&self.cx.eval, node),
            };
            authorizer.issuer_origin = issuer.loc();
            if issuer.node().is_none() && jwt.is_map() {
                authorizer.missing.push((
                    "JwtConfiguration.issuer".to_owned(),
                    jwt.loc().unwrap_or_else(|| key.loc()),
                ));
            }
        } else {
            if field("FunctionArn").is_none() {
                reject(
                    errors,
                    key.loc(),
                    format!("the Lambda authorizer {name} needs a FunctionArn"),
                );
            }
            if field("AuthorizerPayloadFormatVersion").is_none() {
                reject(
                    errors,
                    key.loc(),
                    format!("the Lambda authorizer {name} needs an AuthorizerPayloadFormatVersion"),
                );
            }
            let ttl = config.get("Identity").get("ReauthorizeEvery");
            authorizer.cache_ttl = self
                .cx
                .eval
                .number(ttl.node())
                .map(|t| t.unwrap_or(DEFAULT_V2_AUTHORIZER_TTL));
            authorizer.cache_ttl_origin = ttl.loc();
            let identity = config.get("Identity");
            let prefixes = [
                ("Headers", "$request.header."),
                ("QueryStrings", "$request.querystring."),
                ("StageVariables", "$stageVariables."),
                ("Context", "$context."),
            ];
            let sources: Vec<String> = prefixes
                .iter()
                .flat_map(|(key, prefix)| {
                    identity
                        .get(key)
                        .items()
                        .into_iter()
                        .filter_map(|item| item.as_str())
                        .map(move |item| format!("{prefix}{item}"))
                })
                .collect();
            authorizer.identity_source =
                Resolved::Known((!sources.is_empty()).then(|| sources.join(", ")));
            authorizer.identity_source_origin = identity.loc();
        }
        Some(authorizer)
    }

    /// The API's CORS: `CorsConfiguration` merged into the definition's
    /// `x-amazon-apigateway-cors` as the translator's `OpenApiEditor.add_cors` merges it. Origins
    /// SAM sets replace the definition's; SAM sets `allowCredentials` only when it is literally
    /// `true`, and otherwise the definition's stays.
    fn cors(&self, definition: &Definition<'a>, api: &mut Api, errors: &mut Vec<InputError>) {
        let written = definition.cors_extension_at().and_then(|at| {
            let index = api.cors.iter().position(|c| c.origin == at)?;
            Some(api.cors.remove(index))
        });
        if let Some((at, message)) = self.rejected_cors_configuration(definition) {
            reject(errors, at, message);
            api.cors.extend(written);
            return;
        }
        let Some(mut merged) = self.cors_configuration() else {
            api.cors.extend(written);
            return;
        };
        // The translator refuses credentials with the origin list `["*"]` written out (`_add_cors`;
        // a parameter there is resolved first, so only a literal list is refused whatever the
        // parameters are).
        let origins = self.properties.get("CorsConfiguration").get("AllowOrigins");
        let wildcard_only = origins.node().is_some_and(|list| {
            list.is_seq()
                && list.len() == 1
                && list
                    .items()
                    .all(|o| intrinsic(o).is_none() && o.as_str() == Some("*"))
        });
        if wildcard_only && merged.allow_credentials == Resolved::Known(true) {
            let at = merged
                .allow_credentials_at
                .clone()
                .unwrap_or_else(|| merged.origin.clone());
            reject(
                errors,
                at,
                "AllowCredentials cannot be true while AllowOrigins is [\"*\"]: browsers refuse \
                 credentials for a wildcard origin",
            );
            return;
        }
        if let Some(written) = written {
            merged.source = "the `CorsConfiguration`, merged into the definition's \
                             `x-amazon-apigateway-cors`,"
                .to_owned();
            let config = self.properties.get("CorsConfiguration");
            let sets_origins = !config.is_map() || truthy(config.get("AllowOrigins").node());
            if !sets_origins {
                merged.allow_origin = written.allow_origin;
                merged.allow_origin_at = written.allow_origin_at;
            }
            if merged.allow_credentials != Resolved::Known(true) {
                merged.allow_credentials = written.allow_credentials;
                merged.allow_credentials_at = written.allow_credentials_at;
            }
        }
        api.cors.push(merged);
    }

    /// A `CorsConfiguration` the translator refuses whatever the parameters (`_add_cors`): one
    /// set beside a definition SAM does not hold (a `DefinitionUri`, a body that is no OpenAPI
    /// document it can edit), a key that is none of its settings, or a value that is neither a
    /// boolean, an intrinsic nor a map.
    fn rejected_cors_configuration(&self, definition: &Definition<'a>) -> Option<(Loc, String)> {
        let config = self.properties.get("CorsConfiguration");
        let node = config.node().filter(|n| truthy(Some(*n)))?;
        if config.is_unseen() {
            return None;
        }
        if !definition.held_by_sam() {
            return Some((
                node.loc(),
                format!(
                    "CorsConfiguration on {} needs an inline DefinitionBody: SAM cannot add CORS \
                     to a definition it does not hold",
                    self.describe()
                ),
            ));
        }
        if config.is_map() {
            return unknown_settings(config, &CORS_CONFIGURATION_KEYS, "a CorsConfiguration")
                .next();
        }
        let boolean = node.scalar_style() == Some(ScalarStyle::Plain) && node.as_bool().is_some();
        (!boolean && intrinsic(node).is_none()).then(|| {
            (
                node.loc(),
                "CorsConfiguration must be true or a map of CORS settings".to_owned(),
            )
        })
    }

    /// `CorsConfiguration` as the translator reads it: `true` (or an intrinsic) allows every
    /// origin and a map lists them; `AllowCredentials` counts only when it is the boolean `true`
    /// (the translator tests `is True`, so a string or a function is dropped).
    /// <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-httpapi-httpapicorsconfiguration.html>
    fn cors_configuration(&self) -> Option<CorsResponse> {
        let config = self.properties.get("CorsConfiguration");
        let node = config.node().filter(|n| truthy(Some(*n)))?;
        let at = self
            .properties
            .key("CorsConfiguration")
            .map_or_else(|| node.loc(), NodeRef::loc);
        if !config.is_map() {
            return Some(CorsResponse {
                source: "the `CorsConfiguration`".to_owned(),
                origin: at,
                allow_origin: Resolved::Known(CorsOrigin::Any),
                allow_origin_at: Some(node.loc()),
                allow_credentials: Resolved::Known(false),
                allow_credentials_at: None,
            });
        }
        let origins = config.get("AllowOrigins");
        let credentials = config.get("AllowCredentials");
        Some(CorsResponse {
            source: "the `CorsConfiguration`".to_owned(),
            origin: at,
            allow_origin: allowed_origins(&self.cx.eval, origins.node()),
            allow_origin_at: origins.loc(),
            allow_credentials: Resolved::Known(credentials.node().is_some_and(|c| {
                c.scalar_style() == Some(ScalarStyle::Plain) && c.as_bool() == Some(true)
            })),
            allow_credentials_at: credentials.loc(),
        })
    }

    /// The one stage: `StageName` or `$default`, deployed automatically, with
    /// `DefaultRouteSettings`, `RouteSettings` (including those events add) and
    /// `AccessLogSettings`.
    fn stage(&self, api: &Api, events: &[&Event<'a>]) -> Stage {
        let name_node = self.properties.get("StageName").node();
        let name = match name_node {
            None => DEFAULT_STAGE.to_owned(),
            Some(node) => self.stage_name(node),
        };
        let default_settings = self.properties.get("DefaultRouteSettings");
        let route_settings = self.properties.get("RouteSettings");
        // The routes whose events throttle them through their own `RouteSettings`.
        let event_throttled: HashSet<(&str, Method)> = events
            .iter()
            .filter(|e| {
                e.properties
                    .and_then(|p| p.get("RouteSettings"))
                    .is_some_and(|s| {
                        may_throttle(&sets_throttling(self.cx, Merged::single(Some(s))))
                    })
            })
            .map(|e| (e.path, e.method))
            .collect();
        let every_route = !api.routes.is_empty()
            && api.routes.iter().all(|route| {
                let key = if route.method == Method::Any {
                    route.path.to_string()
                } else {
                    format!("{} {}", route.method, route.path)
                };
                may_throttle(&sets_throttling(self.cx, route_settings.get(&key)))
                    || event_throttled.contains(&(&*route.path, route.method))
            });
        let access_log = self.properties.get("AccessLogSettings");
        let (data_trace, data_trace_origin) =
            super::websocket::route_settings_data_trace(self.cx, &self.properties);
        Stage {
            implicit: None,
            name,
            origin: name_node
                .map(NodeRef::loc)
                .or_else(|| self.resource.map(Resource::loc))
                .unwrap_or_else(|| api.origin.clone()),
            throttle: sets_throttling(self.cx, default_settings).or(&Resolved::Known(every_route)),
            usage_plans: Vec::new(),
            access_log: super::settings::access_log(self.cx, access_log),
            auto_deploy: Resolved::Known(true),
            data_trace,
            data_trace_origin,
            web_acl: Resolved::Unknown,
        }
    }
}
