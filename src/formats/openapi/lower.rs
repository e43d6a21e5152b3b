//! Lowering an OpenAPI document into the gateway model.

use std::sync::Arc;

use super::spec::{Operation, Spec, Version};
use super::validate;
use crate::collections::HashMap;
use crate::diagnostic::InputError;
use crate::formats::defaults::{DEFAULT_REST_AUTHORIZER_TTL, DEFAULT_V2_AUTHORIZER_TTL};
use crate::formats::nodes::strings;
use crate::formats::{cors, policy};
use crate::model::{
    Api, ApiKeyLocation, ApiKind, Auth, Authorizer, AuthorizerKind, AuthorizerUse, AuthorizerUses,
    Branch, Condition, CorsOrigin, CorsResponse, Method, OAuthFlow, OAuthFlowKind, OpenBecause,
    Resolved, Route, RouteSource, ServerUrl, Workspace, authorizer_uses, uses_shared_with,
};
use crate::syntax::{Loc, NodeRef};

/// The scheme name SAM writes for `Authorizer: NONE`: API Gateway finds no such scheme and
/// applies no authorizer, so in an AWS document it means "no authentication", not a typo.
const NONE_SCHEME: &str = "NONE";

/// Lower a standalone OpenAPI file into one API.
pub fn lower_document(spec: Spec<'_>, workspace: &mut Workspace, errors: &mut Vec<InputError>) {
    let title = spec
        .get(spec.root, "info")
        .and_then(|i| spec.get(i, "title"));
    let name = title
        .and_then(NodeRef::as_str)
        .filter(|t| !t.trim().is_empty())
        .map_or_else(|| file_stem(spec.root.doc().file.path()), str::to_owned);
    let origin = title
        .or_else(|| {
            spec.entry(spec.root, "openapi")
                .or_else(|| spec.entry(spec.root, "swagger"))
                .map(|(k, _)| k)
        })
        .map_or_else(|| spec.root.loc(), NodeRef::loc);
    let kind = if looks_like_http_api(spec) {
        ApiKind::Http
    } else {
        ApiKind::Rest
    };
    let mut api = Api::new(name, kind, origin);
    api.aws = spec.is_aws();
    // A standalone document is held to the OpenAPI specification; a template's inline body is
    // judged by API Gateway's importer, which accepts what SAM itself generates.
    validate::check(spec, errors);
    lower_into(&mut api, spec);
    workspace.apis.push(api);
}

fn file_stem(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.split('.').next().unwrap_or(file).to_owned()
}

/// HTTP APIs are the ones with a JWT authorizer or a 2.0 payload format in an integration, or
/// with `x-amazon-apigateway-cors`, which only HTTP APIs read.
fn looks_like_http_api(spec: Spec<'_>) -> bool {
    spec.get(spec.root, "x-amazon-apigateway-importexport-version")
        .is_some()
        || spec.get(spec.root, "x-amazon-apigateway-cors").is_some()
        || {
            let mut found = false;
            spec.each_operation(|op| {
                found = found
                    || spec
                        .get(op.node, "x-amazon-apigateway-integration")
                        .and_then(|i| spec.get(i, "payloadFormatVersion"))
                        .is_some();
            });
            found
        }
}

/// The security schemes a document defines, by name: whether each only identifies a caller (an
/// API key in an AWS document), and its name, which every route's uses of it share.
type Schemes = HashMap<String, (bool, Arc<str>)>;

/// The name of the scheme `text`, shared when the document defines it.
fn scheme_name(schemes: &Schemes, text: &str) -> Arc<str> {
    schemes
        .get(text)
        .map_or_else(|| text.into(), |(_, name)| Arc::clone(name))
}

/// Lower `spec`'s schemes, routes and servers into `api` (whose `aws` flag says whether an API
/// key counts as authentication).
pub fn lower_into(api: &mut Api, spec: Spec<'_>) {
    let default_ttl = if api.kind == ApiKind::Rest {
        DEFAULT_REST_AUTHORIZER_TTL
    } else {
        DEFAULT_V2_AUTHORIZER_TTL
    };
    let mut identifies_only = HashMap::default();
    for (name, scheme) in spec.security_schemes() {
        let Some(name_text) = name.as_str() else {
            continue;
        };
        let authorizer = lower_scheme(spec, name_text, name, scheme, default_ttl);
        let api_key = matches!(authorizer.kind, AuthorizerKind::ApiKey { .. });
        identifies_only.insert(name_text.to_owned(), (api.aws && api_key, name_text.into()));
        api.authorizers.push(authorizer);
    }
    if spec.version != Version::Swagger2 {
        for (name, _) in spec
            .get(spec.root, "securityDefinitions")
            .into_iter()
            .flat_map(|definitions| spec.distinct_entries(definitions))
        {
            if let Some(text) = name.as_str() {
                api.ignored_schemes.push((text.to_owned(), name.loc()));
            }
        }
    }
    if let Some(security) = spec.entry(spec.root, "security") {
        api.default_auth_origin = Some(security.0.loc());
    }
    // A scheme that is a `$ref` to another uses that other one too.
    let aliases: HashMap<&str, &str> = spec
        .get(spec.root, "components")
        .and_then(|c| spec.get(c, "securitySchemes"))
        .or_else(|| spec.get(spec.root, "securityDefinitions"))
        .into_iter()
        .flat_map(|schemes| spec.entries(schemes))
        .filter_map(|(name, scheme)| Some((name.as_str()?, spec.scheme_alias(scheme)?)))
        .collect();
    lower_servers(api, spec, spec.root, None);
    lower_access(api, spec);
    let mut last_path: Option<(&str, Arc<str>)> = None;
    spec.each_operation(|operation| {
        // `$default` is the catch-all route of an HTTP API; a REST API has resources only
        // under `/`, so API Gateway imports no route from it.
        if api.kind == ApiKind::Rest && operation.path == "$default" {
            return;
        }
        let (auth, auth_origin, api_key_required) =
            operation_auth(spec, operation.node, &identifies_only, api.aws);
        let references =
            security_references(spec, operation.node, &aliases, &identifies_only, api.aws);
        let integration = spec.get(operation.node, "x-amazon-apigateway-integration");
        let mock = integration
            .and_then(|i| spec.get(i, "type"))
            .and_then(NodeRef::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("mock"));
        // The methods of a path item share its path.
        let path = match &last_path {
            Some((text, shared)) if std::ptr::eq(*text, operation.path) => Arc::clone(shared),
            _ => Arc::from(operation.path),
        };
        last_path = Some((operation.path, Arc::clone(&path)));
        api.routes.push(Route {
            method: operation.method,
            path,
            references: uses_shared_with(&auth, references),
            auth: auth.under(&operation.when),
            auth_origin,
            api_key_required: api_key_required.under(&operation.when),
            cors_preflight: operation.method == Method::Options && (integration.is_none() || mock),
            origin: operation.method_key.loc(),
            source: RouteSource::Operation,
            inherits_connection_auth: false,
        });
        lower_servers(api, spec, operation.path_item, Some(operation.node));
        lower_integration_cors(api, spec, &operation);
    });
}

/// Who may reach the API besides its routes' authentication: the resource policy, whether the
/// default endpoint is on, and CORS (HTTP API `x-amazon-apigateway-cors`, gateway responses).
/// <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-policy.html>
/// <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-endpoint-configuration.html>
fn lower_access(api: &mut Api, spec: Spec<'_>) {
    let root = spec.root;
    if let Some((key, policy)) = spec.entry(root, "x-amazon-apigateway-policy") {
        api.resource_policies
            .push(policy::read(key.loc(), policy, &policy::literal));
    }
    // OpenAPI 3 writes the endpoint configuration on a Server object (where SAM writes its
    // `DisableExecuteApiEndpoint` too), Swagger 2 at the root.
    let servers = match spec.version {
        Version::Swagger2 => None,
        Version::OpenApi30 | Version::OpenApi31 => spec.get(root, "servers"),
    };
    if let Some(disable) = servers
        .into_iter()
        .flat_map(|servers| spec.items(servers))
        .chain(Some(root))
        .find_map(|at| {
            spec.get(at, "x-amazon-apigateway-endpoint-configuration")
                .and_then(|c| spec.get(c, "disableExecuteApiEndpoint"))
        })
    {
        api.default_endpoint_disabled = disable.as_bool().into();
        api.default_endpoint_origin = Some(disable.loc());
    }
    // Only HTTP APIs read `x-amazon-apigateway-cors`; a REST API imports the body without it.
    // <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-cors-configuration.html>
    if let Some(cors) = spec
        .get(root, "x-amazon-apigateway-cors")
        .filter(|c| c.is_map() && api.kind != ApiKind::Rest)
    {
        let origins = spec.get(cors, "allowOrigins");
        let credentials = spec.get(cors, "allowCredentials");
        api.cors.push(CorsResponse {
            source: "the `x-amazon-apigateway-cors`".to_owned(),
            origin: cors.loc(),
            allow_origin: match origins {
                None => Resolved::Known(CorsOrigin::Listed),
                Some(list) if list.is_seq() => {
                    let any = spec.items(list).any(|o| {
                        o.as_str()
                            .is_some_and(|o| cors::origin_literal(o) == CorsOrigin::Any)
                    });
                    Resolved::Known(if any {
                        CorsOrigin::Any
                    } else {
                        CorsOrigin::Listed
                    })
                }
                Some(_) => Resolved::Unknown,
            },
            allow_origin_at: origins.map(NodeRef::loc),
            allow_credentials: credentials.map_or(Resolved::Known(false), |c| c.as_bool().into()),
            allow_credentials_at: credentials.map(NodeRef::loc),
        });
    }
    for (kind, response) in spec
        .get(root, "x-amazon-apigateway-gateway-responses")
        .into_iter()
        .flat_map(|responses| spec.entries(responses))
    {
        let Some(parameters) = spec.get(response, "responseParameters") else {
            continue;
        };
        let source = format!("the gateway response {}", kind.as_str().unwrap_or("?"));
        api.cors.extend(cors::from_header_entries(
            source,
            kind.loc(),
            &spec.entries(parameters).collect::<Vec<_>>(),
            "gatewayresponse.header.",
            &policy::literal,
            false,
        ));
    }
}

/// The CORS headers an operation's integration responses send (a MOCK preflight's, typically).
fn lower_integration_cors(api: &mut Api, spec: Spec<'_>, operation: &Operation<'_>) {
    let responses = spec
        .get(operation.node, "x-amazon-apigateway-integration")
        .and_then(|i| spec.get(i, "responses"));
    for (status, response) in responses
        .into_iter()
        .flat_map(|responses| spec.entries(responses))
    {
        let Some(parameters) = spec.get(response, "responseParameters") else {
            continue;
        };
        let source = format!(
            "the {} {} integration response {}",
            operation.method,
            operation.path,
            status.as_str().unwrap_or("?")
        );
        api.cors.extend(cors::from_header_entries(
            source,
            status.loc(),
            &spec.entries(parameters).collect::<Vec<_>>(),
            "method.response.header.",
            &policy::literal,
            false,
        ));
    }
}

/// What an operation's authentication comes to: who may call it, where that is decided, and
/// whether it asks for an API key.
type OperationAuth = (Resolved<Auth>, Option<Loc>, Resolved<bool>);

/// The effective authentication of one operation: `x-amazon-apigateway-auth`, else its own
/// `security`, else the root `security`.
fn operation_auth(
    spec: Spec<'_>,
    operation: NodeRef<'_>,
    identifies_only: &Schemes,
    aws: bool,
) -> OperationAuth {
    let kind = spec
        .get(operation, "x-amazon-apigateway-auth")
        .and_then(|a| spec.get(a, "type"));
    // A type a template chooses with `Fn::If`: each branch on its own.
    if let Some(branches) = kind.and_then(|node| spec.branches(node)) {
        let results = branches.into_iter().map(|(when, leaf)| {
            let result = leaf
                .and_then(typed_auth)
                .unwrap_or_else(|| security_of(spec, operation, identifies_only, aws));
            (when, result)
        });
        return conditional(results);
    }
    if let Some(result) = kind.and_then(typed_auth) {
        return result;
    }
    security_of(spec, operation, identifies_only, aws)
}

/// What an `x-amazon-apigateway-auth` `type` decides by itself (`NONE`, `AWS_IAM`).
fn typed_auth(kind: NodeRef<'_>) -> Option<OperationAuth> {
    // "Values are case insensitive."
    // <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-auth.html>
    let auth = match kind.as_str().map(str::to_ascii_uppercase).as_deref() {
        Some("NONE") => Auth::Open(OpenBecause::Disabled),
        Some("AWS_IAM") => Auth::Iam,
        _ => return None,
    };
    Some((
        Resolved::Known(auth),
        Some(kind.loc()),
        Resolved::Known(false),
    ))
}

/// The branches' results as one conditional result, pointing at a branch that lets callers
/// in, if one does.
fn conditional(results: impl Iterator<Item = (Vec<Condition>, OperationAuth)>) -> OperationAuth {
    let mut auth = Vec::new();
    let mut api_key = Vec::new();
    let mut open_at = None;
    let mut first_at = None;
    for (when, (branch_auth, at, branch_key)) in results {
        if open_at.is_none() && branch_auth.any(Auth::is_open) {
            open_at.clone_from(&at);
        }
        first_at = first_at.or(at);
        auth.extend(branches_under(branch_auth, &when));
        api_key.extend(branches_under(branch_key, &when));
    }
    (
        Resolved::Conditional(auth.into()),
        open_at.or(first_at),
        Resolved::Conditional(api_key.into()),
    )
}

/// The authentication an operation's own `security` (or the root's) gives.
fn security_of(
    spec: Spec<'_>,
    operation: NodeRef<'_>,
    identifies_only: &Schemes,
    aws: bool,
) -> OperationAuth {
    let own = spec.get(operation, "security");
    let security = own.or_else(|| spec.get(spec.root, "security"));
    // A `security` a template chooses with `Fn::If`: each branch on its own (one that removes
    // the operation's own falls back to the root's), and the route names the condition.
    if let Some(branches) = security.and_then(|node| spec.branches(node)) {
        let results = branches.into_iter().map(|(when, leaf)| {
            let leaf = leaf.or_else(|| own.and(spec.get(spec.root, "security")));
            (when, security_auth(spec, leaf, identifies_only, aws))
        });
        return conditional(results);
    }
    security_auth(spec, security, identifies_only, aws)
}

/// The branches that make `value` apply under the conditions `when` (not empty, outermost
/// first).
fn branches_under<T>(value: Resolved<T>, when: &[Condition]) -> Vec<Branch<T>> {
    match value.under(when) {
        Resolved::Conditional(branches) => branches.into_vec(),
        // Unreachable with conditions; kept total.
        Resolved::Known(_) | Resolved::Unknown => Vec::new(),
    }
}

/// The authentication a `security` list gives (`None`: there is none).
fn security_auth(
    spec: Spec<'_>,
    security: Option<NodeRef<'_>>,
    identifies_only: &Schemes,
    aws: bool,
) -> OperationAuth {
    let Some(security) = security else {
        return (
            Resolved::Known(Auth::Open(OpenBecause::Missing)),
            None,
            Resolved::Known(false),
        );
    };
    if !security.is_seq() {
        return (Resolved::Unknown, Some(security.loc()), Resolved::Unknown);
    }
    if security.is_empty() {
        return (
            Resolved::Known(Auth::Open(OpenBecause::Disabled)),
            Some(security.loc()),
            Resolved::Known(false),
        );
    }
    // An empty requirement object makes the whole list optional: anonymous access is allowed.
    if let Some(anonymous) = spec.items(security).find(|r| r.is_map() && r.is_empty()) {
        return (
            Resolved::Known(Auth::Open(OpenBecause::Disabled)),
            Some(anonymous.loc()),
            Resolved::Known(false),
        );
    }
    let requirements: Vec<Requirement> = spec
        .items(security)
        .map(|requirement| Requirement::read(spec, requirement, identifies_only, aws))
        .collect();
    let (auth, api_key_required) = if aws {
        aws_requirements(&requirements)
    } else {
        // Requirements are alternatives: a caller may pick the weakest one.
        let uses = all_uses(&requirements);
        if requirements.iter().any(|r| r.authenticates.is_empty()) {
            (Auth::ApiKeyOnly, false)
        } else {
            (Auth::Authorizers(uses), false)
        }
    };
    (
        Resolved::Known(auth),
        Some(security.loc()),
        Resolved::Known(api_key_required),
    )
}

/// One security requirement object: the schemes that authenticate, and whether it names an
/// API key scheme.
struct Requirement {
    authenticates: Vec<AuthorizerUse>,
    api_key: bool,
}

impl Requirement {
    fn read(
        spec: Spec<'_>,
        requirement: NodeRef<'_>,
        identifies_only: &Schemes,
        aws: bool,
    ) -> Self {
        let mut read = Requirement {
            authenticates: Vec::new(),
            api_key: false,
        };
        for (name, scopes) in spec.entries(requirement) {
            let Some(name_text) = name.as_str() else {
                continue;
            };
            match identifies_only.get(name_text).map(|(only, _)| *only) {
                Some(true) => read.api_key = true,
                // SAM writes `NONE: []` for `Authorizer: NONE`; API Gateway finds no such
                // scheme and applies no authorizer.
                None if aws && name_text == NONE_SCHEME => {}
                // Undefined names are kept: `missing-authorizer` reports them.
                Some(false) | None => read.authenticates.push(AuthorizerUse {
                    name: scheme_name(identifies_only, name_text),
                    scopes: strings(scopes).into(),
                    origin: name.loc(),
                }),
            }
        }
        read
    }
}

/// The authorizer uses of every requirement, in order.
fn all_uses(requirements: &[Requirement]) -> AuthorizerUses {
    let mut uses = Vec::with_capacity(requirements.iter().map(|r| r.authenticates.len()).sum());
    for requirement in requirements {
        uses.extend(requirement.authenticates.iter().cloned());
    }
    authorizer_uses(uses)
}

/// API Gateway does not choose between requirement objects: its import applies the authorizer
/// any of them names and requires an API key when any of them names an API key scheme (SAM
/// writes an authorizer and a required key as `[{Auth: []}, {api_key: []}]`).
fn aws_requirements(requirements: &[Requirement]) -> (Auth, bool) {
    let uses = all_uses(requirements);
    let api_key = requirements.iter().any(|r| r.api_key);
    if !uses.is_empty() {
        (Auth::Authorizers(uses), api_key)
    } else if api_key {
        (Auth::ApiKeyOnly, true)
    } else {
        // Only the `NONE` pseudo-scheme (or nothing readable) was named.
        (Auth::Open(OpenBecause::Disabled), false)
    }
}

/// Every scheme name in the operation's effective `security`.
fn security_references(
    spec: Spec<'_>,
    operation: NodeRef<'_>,
    aliases: &HashMap<&str, &str>,
    defined: &Schemes,
    aws: bool,
) -> Vec<AuthorizerUse> {
    let security = spec
        .get(operation, "security")
        .or_else(|| spec.get(spec.root, "security"));
    let mut references = Vec::new();
    // Every branch of a `security` chosen by `Fn::If`.
    for (name, scopes) in security
        .into_iter()
        .flat_map(|node| spec.expand(node))
        .flat_map(|(_, node)| spec.items(node))
        .flat_map(|requirement| spec.entries(requirement))
    {
        let Some(mut text) = name.as_str() else {
            continue;
        };
        if aws && text == NONE_SCHEME && !defined.contains_key(text) {
            continue;
        }
        let scopes: Arc<[String]> = strings(scopes).into();
        // Follow aliases (bounded: a cycle of aliases is not a scheme anyway).
        for _ in 0..8 {
            references.push(AuthorizerUse {
                name: scheme_name(defined, text),
                scopes: scopes.clone(),
                origin: name.loc(),
            });
            match aliases.get(text) {
                Some(target) if *target != text && defined.contains_key(*target) => text = target,
                _ => break,
            }
        }
    }
    references
}

fn lower_scheme(
    spec: Spec<'_>,
    name: &str,
    key: NodeRef<'_>,
    scheme: NodeRef<'_>,
    default_ttl: u64,
) -> Authorizer {
    let aws_authorizer = spec.get(scheme, "x-amazon-apigateway-authorizer");
    let authtype = spec
        .get(scheme, "x-amazon-apigateway-authtype")
        .and_then(NodeRef::as_str)
        .map(str::to_ascii_lowercase);
    let kind = match (aws_authorizer, authtype.as_deref()) {
        (Some(authorizer), _) => aws_authorizer_kind(spec, authorizer, authtype.as_deref()),
        (None, Some("awssigv4")) => AuthorizerKind::Iam,
        (None, Some("cognito_user_pools")) => AuthorizerKind::Cognito,
        (None, Some(other)) => AuthorizerKind::Other(other.to_owned()),
        (None, None) => openapi_scheme_kind(spec, scheme),
    };
    let mut authorizer = Authorizer::new(name, kind, key.loc());
    let Some(config) = aws_authorizer else {
        return authorizer;
    };
    let lambda = matches!(
        authorizer.kind,
        AuthorizerKind::LambdaToken | AuthorizerKind::LambdaRequest
    );
    match spec.entry(config, "authorizerResultTtlInSeconds") {
        Some((_, ttl)) => {
            authorizer.cache_ttl = ttl.as_u64().into();
            authorizer.cache_ttl_origin = Some(ttl.loc());
        }
        None if lambda => authorizer.cache_ttl = Resolved::Known(default_ttl),
        None => {}
    }
    let identity = spec.get(config, "identitySource");
    // A template body's identity source may be computed (an intrinsic): Unknown.
    authorizer.identity_source = match identity {
        None => Resolved::Known(None),
        Some(node) => node.as_str().map(|s| Some(s.to_owned())).into(),
    };
    authorizer.identity_source_origin = identity.map(NodeRef::loc);
    // A TOKEN authorizer without `identitySource` reads the header its scheme names.
    if identity.is_none() && authorizer.kind == AuthorizerKind::LambdaToken {
        authorizer.identity_source = Resolved::Known(
            spec.get(scheme, "name")
                .and_then(NodeRef::as_str)
                .map(|header| format!("method.request.header.{header}")),
        );
    }
    authorizer.validation_expression = spec
        .get(config, "identityValidationExpression")
        .map(NodeRef::loc);
    let jwt = spec.get(config, "jwtConfiguration");
    if let Some(jwt) = jwt {
        let issuer = spec.get(jwt, "issuer");
        // A computed issuer (a template's `Fn::Sub`) is Unknown, not absent.
        authorizer.issuer = issuer.and_then(NodeRef::as_str).map(str::to_owned).into();
        authorizer.issuer_origin = issuer.map(NodeRef::loc);
        let audience = spec.get(jwt, "audience");
        authorizer.audience_origin = audience.map(NodeRef::loc);
        authorizer.audience = match audience {
            // A computed item (`{"Ref": "Client"}` in a template body) is an audience all the
            // same; keep its spelling.
            Some(audience) if audience.is_seq() => Resolved::Known(
                spec.items(audience)
                    .map(|item| match item.as_str() {
                        Some(text) => text.to_owned(),
                        None => item.doc().file.slice(item.full_span()).to_owned(),
                    })
                    .collect(),
            ),
            Some(audience) => match audience.as_str() {
                Some(text) => Resolved::Known(vec![text.to_owned()]),
                None => Resolved::Unknown,
            },
            None => Resolved::Known(Vec::new()),
        };
    }
    let needs = match authorizer.kind {
        AuthorizerKind::LambdaToken | AuthorizerKind::LambdaRequest => Some("authorizerUri"),
        AuthorizerKind::Cognito => Some("providerARNs"),
        AuthorizerKind::Jwt => Some("jwtConfiguration.issuer"),
        _ => None,
    };
    let present = match needs {
        Some("authorizerUri") => spec.get(config, "authorizerUri").is_some(),
        Some("providerARNs") => spec
            .get(config, "providerARNs")
            .is_some_and(|p| !p.is_empty()),
        Some(_) => jwt.and_then(|j| spec.get(j, "issuer")).is_some(),
        None => true,
    };
    if let (Some(field), false) = (needs, present) {
        authorizer.missing.push((field.to_owned(), config.loc()));
    }
    authorizer
}

fn aws_authorizer_kind(
    spec: Spec<'_>,
    config: NodeRef<'_>,
    authtype: Option<&str>,
) -> AuthorizerKind {
    let declared = spec
        .get(config, "type")
        .and_then(NodeRef::as_str)
        .map(str::to_ascii_lowercase);
    match declared.as_deref().or(authtype) {
        Some("token") => AuthorizerKind::LambdaToken,
        Some("request") => AuthorizerKind::LambdaRequest,
        Some("cognito_user_pools") => AuthorizerKind::Cognito,
        Some("jwt") => AuthorizerKind::Jwt,
        Some("awssigv4") => AuthorizerKind::Iam,
        // A `custom` authtype with no type is a TOKEN authorizer, API Gateway's default.
        Some("custom") | None => AuthorizerKind::LambdaToken,
        Some(other) => AuthorizerKind::Other(other.to_owned()),
    }
}

fn openapi_scheme_kind(spec: Spec<'_>, scheme: NodeRef<'_>) -> AuthorizerKind {
    let kind = spec
        .get(scheme, "type")
        .and_then(NodeRef::as_str)
        .unwrap_or("");
    match kind {
        "apiKey" => AuthorizerKind::ApiKey {
            location: match spec.get(scheme, "in").and_then(NodeRef::as_str) {
                Some("query") => ApiKeyLocation::Query,
                Some("cookie") => ApiKeyLocation::Cookie,
                _ => ApiKeyLocation::Header,
            },
        },
        "basic" => AuthorizerKind::Http {
            scheme: "basic".into(),
        },
        "http" => AuthorizerKind::Http {
            scheme: spec
                .get(scheme, "scheme")
                .and_then(NodeRef::as_str)
                .unwrap_or("")
                .to_ascii_lowercase(),
        },
        "oauth2" => AuthorizerKind::OAuth2 {
            flows: oauth_flows(spec, scheme),
        },
        "openIdConnect" => AuthorizerKind::OpenIdConnect,
        "mutualTLS" => AuthorizerKind::MutualTls,
        other => AuthorizerKind::Other(other.to_owned()),
    }
}

fn oauth_flows(spec: Spec<'_>, scheme: NodeRef<'_>) -> Vec<OAuthFlow> {
    let flow_kind = |name: &str| match name {
        "implicit" => Some(OAuthFlowKind::Implicit),
        "password" => Some(OAuthFlowKind::Password),
        "clientCredentials" | "application" => Some(OAuthFlowKind::ClientCredentials),
        "authorizationCode" | "accessCode" => Some(OAuthFlowKind::AuthorizationCode),
        _ => None,
    };
    match spec.version {
        Version::Swagger2 => spec
            .get(scheme, "flow")
            .and_then(|f| {
                Some(OAuthFlow {
                    kind: flow_kind(f.as_str()?)?,
                    origin: f.loc(),
                })
            })
            .into_iter()
            .collect(),
        Version::OpenApi30 | Version::OpenApi31 => spec
            .get(scheme, "flows")
            .into_iter()
            .flat_map(|flows| spec.entries(flows))
            .filter_map(|(k, _)| {
                Some(OAuthFlow {
                    kind: flow_kind(k.as_str()?)?,
                    origin: k.loc(),
                })
            })
            .collect(),
    }
}

/// Record the URLs the API is served on: Swagger `schemes` with `host`, OpenAPI `servers`, at
/// the root, a path item or an operation.
fn lower_servers(api: &mut Api, spec: Spec<'_>, at: NodeRef<'_>, operation: Option<NodeRef<'_>>) {
    let nodes = [Some(at), operation];
    for node in nodes.into_iter().flatten() {
        match spec.version {
            Version::Swagger2 => {
                let host = spec
                    .get(spec.root, "host")
                    .and_then(NodeRef::as_str)
                    .unwrap_or("");
                let base = spec
                    .get(spec.root, "basePath")
                    .and_then(NodeRef::as_str)
                    .unwrap_or("");
                for scheme in spec
                    .get(node, "schemes")
                    .into_iter()
                    .flat_map(|schemes| spec.items(schemes))
                {
                    let Some(scheme_text) = scheme.as_str() else {
                        continue;
                    };
                    push_server(api, format!("{scheme_text}://{host}{base}"), scheme.loc());
                }
            }
            Version::OpenApi30 | Version::OpenApi31 => {
                for server in spec
                    .get(node, "servers")
                    .into_iter()
                    .flat_map(|servers| spec.items(servers))
                {
                    if let Some(url) = spec.get(server, "url") {
                        push_server(api, url.as_str().unwrap_or("").to_owned(), url.loc());
                    }
                }
            }
        }
    }
}

fn push_server(api: &mut Api, url: String, origin: Loc) {
    if !api.servers.iter().any(|s| s.origin == origin) {
        api.servers.push(ServerUrl { url, origin });
    }
}
