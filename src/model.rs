//! The normalized gateway model: what every input format lowers into and every rule reads.
//!
//! Plain data, no parsing. Each element keeps the [`Loc`] of the source node that decided it,
//! so a rule can point at the exact `AuthorizationType: NONE` or `security: []`.

use std::fmt;
use std::sync::Arc;

use crate::diagnostic::Edit;
use crate::syntax::Loc;

/// Everything found in one linted file (and the files it pulls in, such as a SAM
/// `DefinitionUri`).
#[derive(Debug, Default)]
pub struct Workspace {
    pub apis: Vec<Api>,
    pub token_issuers: Vec<TokenIssuer>,
    pub function_urls: Vec<FunctionUrl>,
    pub domain_names: Vec<DomainName>,
    /// Cognito user pools (their MFA setting).
    pub user_pools: Vec<UserPool>,
    /// Cognito identity pools: who gets AWS credentials.
    pub identity_pools: Vec<IdentityPool>,
    /// Grants that let a service invoke a Lambda function (`AWS::Lambda::Permission`).
    pub lambda_permissions: Vec<LambdaPermission>,
    /// Keys repeated in one mapping, in any linted document.
    pub duplicate_keys: Vec<DuplicateKey>,
    /// What could not be seen apart from an API's routes (those are [`Api::hidden_routes`]):
    /// resources a `Fn::ForEach` over an unknown collection makes, a macro not expanded.
    pub not_visible: Vec<NotVisible>,
    /// Settings whose value a module's caller passes in (Terraform `var.x` given by a
    /// `module` block): a finding at the setting also points at the argument to change.
    pub passed_in: Vec<PassedIn>,
}

/// A setting written with a module input, and the caller's argument that gives it its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassedIn {
    /// The setting (`authorization = var.authorization`).
    pub setting: Loc,
    /// The argument in the calling `module` block (`authorization = "NONE"`).
    pub argument: Loc,
    /// The calling module's address (`module.api`).
    pub module: String,
}

impl Workspace {
    /// Give back the room vectors grew into while the model was built: it stays until the
    /// file's findings are written, and a large file has tens of thousands of routes, each with
    /// its own small vectors.
    pub fn shrink_to_fit(&mut self) {
        self.apis.shrink_to_fit();
        for api in &mut self.apis {
            api.routes.shrink_to_fit();
            api.typed_uses.shrink_to_fit();
            api.cors.shrink_to_fit();
        }
    }

    /// Every coverage note: each API whose routes are not visible, then the others.
    pub fn coverage_notes(&self) -> Vec<NotVisible> {
        let apis = self.apis.iter().filter_map(|api| {
            let hidden = api.hidden_routes.as_ref()?;
            let reason = hidden.reason.as_ref()?;
            Some(NotVisible {
                loc: hidden.at.clone(),
                message: format!("routes of {} not visible: {reason}", api.display),
            })
        });
        let parameters = self.apis.iter().flat_map(|api| {
            api.auth_parameters.iter().filter_map(move |parameter| {
                let routes = api
                    .routes
                    .iter()
                    .filter(|r| api.auth_parameter(r) == Some(parameter))
                    .count();
                (routes > 0).then(|| NotVisible {
                    loc: parameter.at.clone(),
                    message: format!(
                        "whether {routes} {} of {} {} credentials is decided at deployment: {} is \
                         the parameter `{}`, which has no default",
                        if routes == 1 { "route" } else { "routes" },
                        api.display,
                        if routes == 1 { "needs" } else { "need" },
                        parameter.setting,
                        parameter.parameter
                    ),
                })
            })
        });
        let mut notes: Vec<NotVisible> = apis
            .chain(parameters)
            .chain(self.not_visible.iter().cloned())
            .collect();
        notes.sort_by(|a, b| (a.loc.sort_key(), &a.message).cmp(&(b.loc.sort_key(), &b.message)));
        notes.dedup();
        notes
    }
}

/// A statically evaluated setting. CloudFormation values may depend on conditions (`Fn::If`)
/// or on things only known at deploy time (`Fn::ImportValue`, a parameter without default).
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved<T> {
    Known(T),
    /// Cannot be known before deployment. Never a finding by itself.
    Unknown,
    /// One value per branch of an `Fn::If` (boxed: a route holds two `Resolved`s, and most
    /// are `Known`).
    Conditional(Box<[Branch<T>]>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Branch<T> {
    pub when: Condition,
    pub value: Resolved<T>,
}

/// "the condition `name` evaluates to `holds`".
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Condition {
    pub name: String,
    pub holds: bool,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is {}", self.name, self.holds)
    }
}

/// The conditions under which a branch applies, outermost first; empty means always.
pub type Conditions = Vec<Condition>;

/// Render conditions for a message: "" when unconditional, else " when A is true and B is false".
fn describe_conditions(when: &[Condition]) -> String {
    if when.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = when.iter().map(ToString::to_string).collect();
    format!(" when {}", parts.join(" and "))
}

impl<T> Resolved<T> {
    /// Every known leaf with the conditions that lead to it. Unknown leaves are left out.
    pub fn branches(&self) -> Vec<(Conditions, &T)> {
        let mut out = Vec::new();
        self.collect_branches(&mut Vec::new(), &mut out);
        out
    }

    /// Every known leaf with its conditions in the words a message uses: "" when unconditional,
    /// else " when A is true and B is false". Unknown leaves are left out, so a rule that
    /// reports the bad cases never reports what it cannot see.
    pub fn cases(&self) -> Vec<(String, &T)> {
        self.branches()
            .into_iter()
            .map(|(when, value)| (describe_conditions(&when), value))
            .collect()
    }

    fn collect_branches<'a>(&'a self, path: &mut Conditions, out: &mut Vec<(Conditions, &'a T)>) {
        match self {
            Resolved::Known(value) => out.push((path.clone(), value)),
            Resolved::Unknown => {}
            Resolved::Conditional(branches) => {
                for branch in branches {
                    // A condition already decided on this path: the same answer adds nothing,
                    // the opposite one makes the branch unreachable.
                    match path.iter().find(|c| c.name == branch.when.name) {
                        Some(decided) if decided.holds == branch.when.holds => {
                            branch.value.collect_branches(path, out);
                        }
                        Some(_) => {}
                        None => {
                            path.push(branch.when.clone());
                            branch.value.collect_branches(path, out);
                            path.pop();
                        }
                    }
                }
            }
        }
    }

    pub fn known(&self) -> Option<&T> {
        match self {
            Resolved::Known(value) => Some(value),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Resolved::Unknown)
    }

    /// Whether some leaf (the whole value, or a branch) is Unknown.
    pub fn has_unknown(&self) -> bool {
        match self {
            Resolved::Known(_) => false,
            Resolved::Unknown => true,
            Resolved::Conditional(branches) => branches.iter().any(|b| b.value.has_unknown()),
        }
    }

    /// Whether some known leaf satisfies `f`.
    pub fn any(&self, f: impl Fn(&T) -> bool) -> bool {
        self.branches().into_iter().any(|(_, v)| f(v))
    }

    /// Whether every leaf is known and satisfies `f`.
    pub fn all_known(&self, f: impl Fn(&T) -> bool + Copy) -> bool {
        match self {
            Resolved::Known(value) => f(value),
            Resolved::Unknown => false,
            Resolved::Conditional(branches) => branches.iter().all(|b| b.value.all_known(f)),
        }
    }

    /// An `Fn::If`: `then` where the condition named `condition` holds, `otherwise` where it
    /// does not.
    pub fn either(condition: &str, then: Resolved<T>, otherwise: Resolved<T>) -> Resolved<T> {
        let branch = |holds, value| Branch {
            when: Condition {
                name: condition.to_owned(),
                holds,
            },
            value,
        };
        Resolved::Conditional(vec![branch(true, then), branch(false, otherwise)].into())
    }

    /// This value, applying only when every condition of `when` holds (outermost first).
    pub fn under(self, when: &[Condition]) -> Resolved<T> {
        when.iter().rev().fold(self, |value, condition| {
            Resolved::Conditional(
                vec![Branch {
                    when: condition.clone(),
                    value,
                }]
                .into(),
            )
        })
    }

    /// Replace every known leaf by what `f` makes of it (which may itself branch).
    pub fn and_then<U>(&self, f: &impl Fn(&T) -> Resolved<U>) -> Resolved<U> {
        match self {
            Resolved::Known(value) => f(value),
            Resolved::Unknown => Resolved::Unknown,
            Resolved::Conditional(branches) => each_branch(branches, |value| value.and_then(f)),
        }
    }

    /// The number of leaves, known or not.
    pub fn leaf_count(&self) -> usize {
        match self {
            Resolved::Known(_) | Resolved::Unknown => 1,
            Resolved::Conditional(branches) => branches.iter().map(|b| b.value.leaf_count()).sum(),
        }
    }

    pub fn map<U>(&self, f: impl Fn(&T) -> U + Copy) -> Resolved<U> {
        match self {
            Resolved::Known(value) => Resolved::Known(f(value)),
            Resolved::Unknown => Resolved::Unknown,
            Resolved::Conditional(branches) => each_branch(branches, |value| value.map(f)),
        }
    }
}

impl Resolved<bool> {
    /// True where every condition of `when` holds (outermost first), false elsewhere: whether
    /// something that exists only under those conditions (a resource's `Condition`, a Terraform
    /// `count` of `var.x ? 1 : 0`) is there.
    pub fn only_when(when: &[Condition]) -> Resolved<bool> {
        Resolved::false_unless(when, Resolved::Known(true))
    }

    /// `value` where every condition of `when` holds (outermost first), false elsewhere: a
    /// yes-or-no setting of something that exists only under those conditions (a Terraform
    /// nested block made by a conditional `for_each`).
    pub fn false_unless(when: &[Condition], value: Resolved<bool>) -> Resolved<bool> {
        when.iter().rev().fold(value, |value, condition| {
            let otherwise = Condition {
                name: condition.name.clone(),
                holds: !condition.holds,
            };
            Resolved::Conditional(
                vec![
                    Branch {
                        when: condition.clone(),
                        value,
                    },
                    Branch {
                        when: otherwise,
                        value: Resolved::Known(false),
                    },
                ]
                .into(),
            )
        })
    }

    /// Whether any of `tests` holds, each `None` where it cannot be told: true as soon as one
    /// does (the rest are not made), Unknown when none does and one cannot be told.
    pub fn any_of(tests: impl IntoIterator<Item = Option<bool>>) -> Resolved<bool> {
        let mut unknown = false;
        for test in tests {
            match test {
                Some(true) => return Resolved::Known(true),
                Some(false) => {}
                None => unknown = true,
            }
        }
        if unknown {
            Resolved::Unknown
        } else {
            Resolved::Known(false)
        }
    }

    /// True where either is true; Unknown where neither is true and one is Unknown.
    pub fn or(&self, other: &Resolved<bool>) -> Resolved<bool> {
        match self {
            Resolved::Known(true) => Resolved::Known(true),
            Resolved::Known(false) => other.clone(),
            Resolved::Unknown => other.and_then(&|value| {
                if *value {
                    Resolved::Known(true)
                } else {
                    Resolved::Unknown
                }
            }),
            Resolved::Conditional(branches) => each_branch(branches, |value| value.or(other)),
        }
    }
}

/// The same branches, each value replaced by what `f` makes of it.
fn each_branch<T, U>(
    branches: &[Branch<T>],
    f: impl Fn(&Resolved<T>) -> Resolved<U>,
) -> Resolved<U> {
    Resolved::Conditional(
        branches
            .iter()
            .map(|branch| Branch {
                when: branch.when.clone(),
                value: f(&branch.value),
            })
            .collect(),
    )
}

impl<T> From<Option<T>> for Resolved<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Resolved::Unknown, Resolved::Known)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiKind {
    Rest,
    Http,
    WebSocket,
}

impl fmt::Display for ApiKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApiKind::Rest => "REST",
            ApiKind::Http => "HTTP",
            ApiKind::WebSocket => "WebSocket",
        })
    }
}

/// How the API is reachable on the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointType {
    Edge,
    Regional,
    /// Reachable only through a VPC endpoint.
    Private,
}

/// One API: an OpenAPI document, a `RestApi` or `ApiGatewayV2::Api`, a SAM API (explicit or
/// implicit).
#[derive(Debug)]
pub struct Api {
    /// The name findings use: the logical id, or the OpenAPI `info.title`.
    pub name: String,
    /// How findings describe it, e.g. "PetApi" or "the implicit API ServerlessRestApi".
    pub display: String,
    /// For an API SAM creates from events (`ServerlessRestApi`, `ServerlessHttpApi`): the
    /// section of `Globals` its settings are written in (`Api`, `HttpApi`), as it has no
    /// resource of its own.
    pub globals: Option<&'static str>,
    /// Whether SAM makes the API (an `AWS::Serverless::*Api`, or an implicit API): its settings
    /// are the SAM resource's properties, not those of the resources SAM generates.
    pub sam: bool,
    pub kind: ApiKind,
    pub origin: Loc,
    pub notation: Notation,
    /// Whether the document is an AWS one (uses `x-amazon-apigateway-*` or is a template), in
    /// which case an API key identifies a caller but does not authenticate one.
    pub aws: bool,
    pub endpoint: Resolved<EndpointType>,
    /// Where the endpoint type is set (`Types: [PRIVATE]`), when it is.
    pub endpoint_origin: Option<Loc>,
    /// The resource policies attached (a template's `Policy`, a definition's
    /// `x-amazon-apigateway-policy`, SAM's `Auth.ResourcePolicy`), as far as they can be read.
    pub resource_policies: Vec<ResourcePolicy>,
    /// Whether the default `execute-api` endpoint is switched off (`DisableExecuteApiEndpoint`);
    /// `Known(false)` when nothing says so.
    pub default_endpoint_disabled: Resolved<bool>,
    /// Where `DisableExecuteApiEndpoint` is written, when it is.
    pub default_endpoint_origin: Option<Loc>,
    /// Custom domain names mapped to the API (base path or API mappings, SAM `Domain`).
    pub custom_domains: Vec<DomainMapping>,
    /// CORS answers the API gives: its CORS configuration, gateway responses and the responses
    /// of preflights API Gateway answers itself.
    pub cors: Vec<CorsResponse>,
    pub routes: Vec<Route>,
    pub authorizers: Vec<Authorizer>,
    pub stages: Vec<Stage>,
    pub deployments: Vec<Deployment>,
    /// Server URLs and schemes the API is declared to be served on.
    pub servers: Vec<ServerUrl>,
    /// Where the default authorization for routes was (or could have been) set.
    pub default_auth_origin: Option<Loc>,
    /// Authentication settings a parameter without a default gives at deployment (SAM's
    /// `DefaultAuthorizer: !Ref AuthName`): a route whose `auth` is Unknown because of one
    /// (its `auth_origin` is the setting) depends on that parameter.
    pub auth_parameters: Vec<ParameterSetting>,
    /// Set when the API has routes gatelint cannot read: where they are kept instead (a
    /// `BodyS3Location`, a `Body` computed by an intrinsic, the `RestApiId` of an API defined
    /// outside the file). Routes that are not seen are never findings, and checks that need
    /// every route (an authorizer nothing uses) stay silent.
    pub hidden_routes: Option<HiddenRoutes>,
    /// Schemes an OpenAPI 3 document defines under Swagger 2's `securityDefinitions`, which
    /// OpenAPI 3 ignores (they belong under `components.securitySchemes`): name and where.
    pub ignored_schemes: Vec<(String, Loc)>,
    /// REST methods whose `AuthorizationType` names the kind of authorizer their
    /// `AuthorizerId` must be (`CUSTOM`: a Lambda authorizer, `COGNITO_USER_POOLS`: a Cognito
    /// one), so that a method wired to an authorizer of the other kind can be reported.
    pub typed_uses: Vec<TypedAuthorizerUse>,
    /// The root of the API's definition when that is a file of its own (a CDK asset a
    /// `BodyS3Location` names): findings in that file are on this API's resource.
    pub definition_file: Option<Loc>,
}

/// A REST method's `AuthorizationType` together with the authorizer its `AuthorizerId` names.
#[derive(Clone, Debug, PartialEq)]
pub struct TypedAuthorizerUse {
    /// The method, by its `origin` (the route declared there).
    pub route_origin: Loc,
    /// The authorizer named by `AuthorizerId`.
    pub authorizer: String,
    /// The `AuthorizationType`, upper-cased: `CUSTOM` or `COGNITO_USER_POOLS`.
    pub authorization_type: String,
    /// Where the `AuthorizationType` is written.
    pub origin: Loc,
}

/// Where an API's unseen routes are kept, and why gatelint cannot see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HiddenRoutes {
    pub at: Loc,
    /// Why they are not visible ("the definition is in S3"), said in a coverage note; `None`
    /// for an API defined outside the file, whose own template shows its routes.
    pub reason: Option<String>,
}

impl HiddenRoutes {
    /// Routes not visible for `reason`: a coverage note says so.
    pub fn because(at: Loc, reason: impl Into<String>) -> Self {
        HiddenRoutes {
            at,
            reason: Some(reason.into()),
        }
    }

    /// Routes of an API defined elsewhere.
    pub fn elsewhere(at: Loc) -> Self {
        HiddenRoutes { at, reason: None }
    }
}

/// Something a rule needs that gatelint cannot see, located at its cause: what becomes a
/// coverage note ("routes not visible: the definition is in S3").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotVisible {
    pub loc: Loc,
    pub message: String,
}

/// A setting written as a `Ref` to a parameter without a default: its value is given at
/// deployment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterSetting {
    /// The `Ref`.
    pub at: Loc,
    /// The setting, as messages name it ("its DefaultAuthorizer").
    pub setting: String,
    pub parameter: String,
}

impl Api {
    pub fn new(name: impl Into<String>, kind: ApiKind, origin: Loc) -> Self {
        let name = name.into();
        Api {
            display: name.clone(),
            globals: None,
            sam: false,
            name,
            kind,
            origin,
            notation: Notation::Gateway,
            aws: false,
            endpoint: Resolved::Unknown,
            endpoint_origin: None,
            resource_policies: Vec::new(),
            default_endpoint_disabled: Resolved::Known(false),
            default_endpoint_origin: None,
            custom_domains: Vec::new(),
            cors: Vec::new(),
            routes: Vec::new(),
            authorizers: Vec::new(),
            stages: Vec::new(),
            deployments: Vec::new(),
            servers: Vec::new(),
            default_auth_origin: None,
            auth_parameters: Vec::new(),
            hidden_routes: None,
            ignored_schemes: Vec::new(),
            typed_uses: Vec::new(),
            definition_file: None,
        }
    }

    pub fn authorizer(&self, name: &str) -> Option<&Authorizer> {
        self.authorizers.iter().find(|a| a.name == name)
    }

    /// The parameter that decides `route`'s authentication at deployment, when that is why it
    /// is Unknown (in some branch).
    pub fn auth_parameter(&self, route: &Route) -> Option<&ParameterSetting> {
        let at = route.auth_origin.as_ref()?;
        if !route.auth.has_unknown() {
            return None;
        }
        self.auth_parameters.iter().find(|p| p.at == *at)
    }

    /// A stage setting's fix, `help`, said for where it goes: for an implicit SAM API, under
    /// its `Globals` section.
    pub fn stage_fix(&self, help: &str) -> String {
        match self.globals {
            Some(section) => format!(
                "{} is created by SAM from events and has no resource of its own; under \
                 `Globals: {section}:` (which SAM applies to it), {help}",
                self.name
            ),
            None => help.to_owned(),
        }
    }
}

/// An HTTP method, or `ANY`; WebSocket route keys use `Route::path` with method `Any`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
    Any,
}

impl Method {
    /// Parse a method name, case-insensitively (`x-amazon-apigateway-any-method` is `Any`).
    pub fn parse(text: &str) -> Option<Method> {
        Some(match text.to_ascii_lowercase().as_str() {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            "trace" => Method::Trace,
            "any" | "x-amazon-apigateway-any-method" | "*" => Method::Any,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
            Method::Any => "ANY",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One callable route. A large file has tens of thousands, kept until its findings are
/// written: what routes share (a path, the authorizer uses of `auth` and `references`) is
/// shared, not copied.
#[derive(Debug)]
pub struct Route {
    pub method: Method,
    /// `/pets/{id}`; for HTTP APIs also `$default`, for WebSocket APIs the route key.
    pub path: Arc<str>,
    pub auth: Resolved<Auth>,
    /// The node that decided `auth` (`security: []`, `AuthorizationType: NONE`, an event's
    /// `Auth`); `None` when nothing was said and the route is open by omission.
    pub auth_origin: Option<Loc>,
    pub api_key_required: Resolved<bool>,
    /// Every authorizer or security scheme the route names, in any requirement or branch
    /// (including API-key schemes and alternatives): what "used" and "defined" are checked on.
    /// Most often the very uses of `auth` (see [`references`]).
    pub references: AuthorizerUses,
    /// A CORS preflight answered by API Gateway itself (OPTIONS with a mock integration or no
    /// integration at all): no backend runs, so no credentials are needed.
    pub cors_preflight: bool,
    /// Where the route is declared (the operation key, the Method resource, the SAM event).
    pub origin: Loc,
    /// What declared the route, for messages and suppression (a resource's logical id, a SAM
    /// event and function).
    pub source: RouteSource,
    /// WebSocket routes other than `$connect` inherit the connection's authorization.
    pub inherits_connection_auth: bool,
}

impl Route {
    /// "GET /pets"
    pub fn describe(&self) -> String {
        if self.method == Method::Any && self.path.starts_with('$') {
            self.path.to_string()
        } else {
            format!("{} {}", self.method, self.path)
        }
    }

    /// " (event GetPets of PetsFunction)" when the route's name alone does not say which
    /// construct declared it; empty otherwise. Messages put it after the API.
    pub fn declared_by(&self) -> String {
        match &self.source {
            RouteSource::Event { function, event } => format!(" (event {event} of {function})"),
            RouteSource::FunctionEvent { function, event } => {
                format!(" (function {function}, {event} event)")
            }
            RouteSource::Operation | RouteSource::Resource(_) => String::new(),
        }
    }
}

/// Which source construct declared a route.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RouteSource {
    /// An OpenAPI operation.
    #[default]
    Operation,
    /// A template resource, e.g. an `AWS::ApiGateway::Method` with this logical id.
    Resource(Box<str>),
    /// A SAM function event.
    Event { function: Box<str>, event: Box<str> },
    /// A Serverless Framework function event (events are a list, so they have no name).
    FunctionEvent {
        function: Box<str>,
        event: FrameworkEvent,
    },
}

/// The Serverless Framework's API Gateway events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameworkEvent {
    /// `http`: a REST API route.
    Http,
    /// `httpApi`: an HTTP API route.
    HttpApi,
    /// `websocket`: a WebSocket API route.
    WebSocket,
}

impl fmt::Display for FrameworkEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FrameworkEvent::Http => "http",
            FrameworkEvent::HttpApi => "httpApi",
            FrameworkEvent::WebSocket => "websocket",
        })
    }
}

/// How the source writes an API's settings, so a finding can say what to change in the
/// user's own terms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Notation {
    /// API Gateway's own settings: OpenAPI, CloudFormation, SAM.
    #[default]
    Gateway,
    /// A Serverless Framework service (`serverless.yml`).
    ServerlessFramework,
    /// Terraform's AWS provider resources (`.tf`).
    Terraform,
}

/// How a route authenticates callers.
#[derive(Clone, Debug, PartialEq)]
pub enum Auth {
    /// Anyone can call it.
    Open(OpenBecause),
    /// Only an API key is asked for: it identifies a client but authenticates nobody.
    ApiKeyOnly,
    /// AWS Signature Version 4 (IAM).
    Iam,
    /// One of these named authorizers or security schemes must accept the caller.
    Authorizers(AuthorizerUses),
}

impl Auth {
    pub fn is_open(&self) -> bool {
        matches!(self, Auth::Open(_))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenBecause {
    /// Nothing asks for authentication.
    Missing,
    /// Authentication is switched off explicitly (`security: []`, `AuthorizationType: NONE`,
    /// `Authorizer: NONE`).
    Disabled,
    /// A type SAM accepts but does not recognise when it writes the route, so it writes `NONE`
    /// (a WebSocket `AuthType: custom`: checked case-insensitively, applied only in capitals).
    Miscased,
}

/// A reference from a route to an authorizer or security scheme, by name.
#[derive(Clone, Debug, PartialEq)]
pub struct AuthorizerUse {
    pub name: Arc<str>,
    pub scopes: Arc<[String]>,
    pub origin: Loc,
}

/// A route's authorizer uses, shared between its `auth` (in each branch) and its
/// `references`, and between routes that name the same ones at the same place. An empty list
/// ([`AuthorizerUses::default`]) takes no allocation.
pub type AuthorizerUses = Arc<[AuthorizerUse]>;

/// `uses` as a shared list (an empty one allocates nothing).
pub fn authorizer_uses(uses: Vec<AuthorizerUse>) -> AuthorizerUses {
    if uses.is_empty() {
        AuthorizerUses::default()
    } else {
        uses.into()
    }
}

/// `list` as a shared list: the very uses of `auth` (in some branch) when they are the same.
pub fn uses_shared_with(auth: &Resolved<Auth>, list: Vec<AuthorizerUse>) -> AuthorizerUses {
    fn same<'a>(auth: &'a Resolved<Auth>, list: &[AuthorizerUse]) -> Option<&'a AuthorizerUses> {
        match auth {
            Resolved::Known(Auth::Authorizers(uses)) => (**uses == *list).then_some(uses),
            Resolved::Known(_) | Resolved::Unknown => None,
            Resolved::Conditional(branches) => branches.iter().find_map(|b| same(&b.value, list)),
        }
    }
    match same(auth, &list) {
        Some(uses) if !list.is_empty() => Arc::clone(uses),
        _ => authorizer_uses(list),
    }
}

/// Every authorizer a route's auth names, in any branch, once: for an `auth` that is one list
/// of distinct names (the usual case) that very list, shared.
pub fn references(auth: &Resolved<Auth>) -> AuthorizerUses {
    if let Resolved::Known(Auth::Authorizers(uses)) = auth
        && uses
            .iter()
            .enumerate()
            .all(|(i, used)| uses.iter().take(i).all(|other| other.name != used.name))
    {
        return Arc::clone(uses);
    }
    let mut references: Vec<AuthorizerUse> = Vec::new();
    for (_, auth) in auth.branches() {
        if let Auth::Authorizers(uses) = auth {
            for used in uses.iter() {
                if !references.iter().any(|r| r.name == used.name) {
                    references.push(used.clone());
                }
            }
        }
    }
    authorizer_uses(references)
}

/// An authorizer or security scheme.
#[derive(Debug)]
pub struct Authorizer {
    pub name: String,
    pub kind: AuthorizerKind,
    /// Seconds an authorizer's decision is cached; `Known(0)` means not cached.
    pub cache_ttl: Resolved<u64>,
    pub cache_ttl_origin: Option<Loc>,
    /// The identity sources as API Gateway spells them, comma-separated
    /// (`method.request.header.Authorization, context.path`, `$request.header.Authorization`):
    /// `Known(None)` when none are set, one value per branch when an `Fn::If` (or a Terraform
    /// conditional) chooses them, Unknown when they are computed at deployment.
    pub identity_source: Resolved<Option<String>>,
    /// Where the identity sources (or a TOKEN authorizer's header) are set, when they are.
    pub identity_source_origin: Option<Loc>,
    /// A TOKEN authorizer's `IdentityValidationExpression`, where it is set.
    pub validation_expression: Option<Loc>,
    pub audience: Resolved<Vec<String>>,
    pub issuer: Resolved<String>,
    /// Where the audience list and the issuer are set, when they are.
    pub audience_origin: Option<Loc>,
    pub issuer_origin: Option<Loc>,
    pub origin: Loc,
    /// Where the authorizer's type is written, when it is (CloudFormation's `Type`).
    pub kind_origin: Option<Loc>,
    /// What the authorizer's type needs but it lacks (e.g. "authorizerUri"); each with where
    /// it should have been.
    pub missing: Vec<(String, Loc)>,
}

impl Authorizer {
    pub fn new(name: impl Into<String>, kind: AuthorizerKind, origin: Loc) -> Self {
        Authorizer {
            name: name.into(),
            kind,
            cache_ttl: Resolved::Known(0),
            cache_ttl_origin: None,
            identity_source: Resolved::Known(None),
            identity_source_origin: None,
            validation_expression: None,
            audience: Resolved::Unknown,
            issuer: Resolved::Unknown,
            audience_origin: None,
            issuer_origin: None,
            origin,
            kind_origin: None,
            missing: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthorizerKind {
    /// A Lambda authorizer given the bearer token.
    LambdaToken,
    /// A Lambda authorizer given request parameters.
    LambdaRequest,
    Cognito,
    Jwt,
    Iam,
    /// An API key. In an AWS document it identifies, not authenticates.
    ApiKey {
        location: ApiKeyLocation,
    },
    /// OpenAPI `type: http` with this (lower-cased) scheme: bearer, basic, digest, ...
    Http {
        scheme: String,
    },
    OAuth2 {
        flows: Vec<OAuthFlow>,
    },
    OpenIdConnect,
    MutualTls,
    /// A type the lowering did not recognise.
    Other(String),
}

impl AuthorizerKind {
    pub fn describe(&self) -> String {
        match self {
            AuthorizerKind::LambdaToken => "Lambda TOKEN authorizer".into(),
            AuthorizerKind::LambdaRequest => "Lambda REQUEST authorizer".into(),
            AuthorizerKind::Cognito => "Cognito user pool authorizer".into(),
            AuthorizerKind::Jwt => "JWT authorizer".into(),
            AuthorizerKind::Iam => "IAM (SigV4)".into(),
            AuthorizerKind::ApiKey { location } => {
                format!("API key in {location:?}").to_lowercase()
            }
            AuthorizerKind::Http { scheme } => format!("HTTP {scheme}"),
            AuthorizerKind::OAuth2 { .. } => "OAuth 2".into(),
            AuthorizerKind::OpenIdConnect => "OpenID Connect".into(),
            AuthorizerKind::MutualTls => "mutual TLS".into(),
            AuthorizerKind::Other(kind) => kind.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyLocation {
    Header,
    Query,
    Cookie,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthFlow {
    pub kind: OAuthFlowKind,
    pub origin: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OAuthFlowKind {
    Implicit,
    Password,
    ClientCredentials,
    AuthorizationCode,
}

/// A deployment stage.
#[derive(Debug)]
pub struct Stage {
    pub name: String,
    pub origin: Loc,
    /// For a stage the template creates without declaring it: why it exists and how to stop
    /// it being created (the usual fix, rather than configuring it).
    pub implicit: Option<String>,
    /// Stage-wide throttling (REST `MethodSettings` for `/*` `*`, V2 `DefaultRouteSettings`).
    pub throttle: Resolved<bool>,
    /// Usage plans attached to this stage, and whether each throttles.
    pub usage_plans: Vec<UsagePlanUse>,
    pub access_log: Resolved<bool>,
    pub auto_deploy: Resolved<bool>,
    /// Whether full request and response logging (`DataTraceEnabled`) is on for some method.
    pub data_trace: Resolved<bool>,
    /// Where `DataTraceEnabled` is switched on, when it is.
    pub data_trace_origin: Option<Loc>,
    /// Whether a WAFv2 web ACL is associated with the stage.
    pub web_acl: Resolved<bool>,
}

#[derive(Clone, Debug)]
pub struct UsagePlanUse {
    pub name: String,
    pub throttle: Resolved<bool>,
    pub origin: Loc,
}

/// A deployment of an API's routes.
#[derive(Debug)]
pub struct Deployment {
    pub name: String,
    pub origin: Loc,
    /// Routes (by [`RouteSource::Resource`] id) the deployment is not ordered after: they may
    /// not exist yet when it is created.
    pub routes_not_waited_for: Vec<String>,
    /// Terraform: `triggers` replace the deployment when routes change, but without
    /// `lifecycle { create_before_destroy = true }`; where the triggers are.
    pub replaced_without_create_before_destroy: Option<Loc>,
    /// The edits that make the deployment follow `routes_not_waited_for` (a `DependsOn` on
    /// them; Terraform `triggers` over the API's routes): empty unless they are unambiguous.
    pub follow_routes: Vec<Edit>,
    /// Terraform: the edits that add `create_before_destroy = true`; empty unless unambiguous.
    pub create_before_destroy: Vec<Edit>,
}

#[derive(Clone, Debug)]
pub struct ServerUrl {
    pub url: String,
    pub origin: Loc,
}

/// A custom domain name and its TLS policy.
#[derive(Debug)]
pub struct DomainName {
    pub name: String,
    pub origin: Loc,
    /// How the source writes the domain's settings, for the words of a fix.
    pub notation: Notation,
    pub security_policy: Resolved<String>,
    pub security_policy_origin: Option<Loc>,
}

/// A custom domain name an API is reachable through.
#[derive(Clone, Debug)]
pub struct DomainMapping {
    /// The domain name, or how the template names it.
    pub domain: String,
    /// The mapping (a `BasePathMapping`, an `ApiMapping`, SAM's `Domain`).
    pub origin: Loc,
    /// Where the domain asks for client certificates (`MutualTlsAuthentication`), if it does.
    pub mutual_tls: Option<Loc>,
    /// The domain's TLS security policy, when the template shows it.
    pub security_policy: Option<String>,
    /// The conditions under which the mapping exists (its resource's `Condition`).
    pub when: Conditions,
}

/// An IAM policy document attached to an API.
#[derive(Debug)]
pub struct ResourcePolicy {
    /// The policy (the property, the extension, SAM's `ResourcePolicy`).
    pub origin: Loc,
    /// The statements; Unknown when the document cannot be read statically (a JSON string, an
    /// intrinsic, a file elsewhere).
    pub statements: Resolved<Vec<PolicyStatement>>,
}

/// One statement of a resource policy, as far as `execute-api:Invoke` is concerned.
#[derive(Clone, Debug)]
pub struct PolicyStatement {
    pub effect: Resolved<Effect>,
    /// Whether the statement names every principal (`"*"`, `AWS: "*"`).
    pub anyone: Resolved<bool>,
    /// Whether its actions include `execute-api:Invoke` (`execute-api:*`, `*`).
    pub invokes: Resolved<bool>,
    /// The condition keys of its `Condition` block (as written, e.g. `aws:SourceVpce`), in any
    /// operator; Unknown when the block cannot be read.
    pub condition_keys: Resolved<Vec<String>>,
    /// Whether its resources are every method of the API (`*`, `execute-api:/*`, an ARN
    /// ending in `/*`); Unknown when computed.
    pub every_resource: Resolved<bool>,
    /// The statement.
    pub origin: Loc,
    /// Its `Principal`, when written.
    pub principal_origin: Option<Loc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

impl PolicyStatement {
    /// Whether some condition key matches one of `keys` (case-insensitively).
    pub fn conditions_on(&self, keys: &[&str]) -> Resolved<bool> {
        self.condition_keys.map(|written| {
            written
                .iter()
                .any(|w| keys.iter().any(|k| w.eq_ignore_ascii_case(k)))
        })
    }
}

/// One way an API answers CORS: the `Access-Control-Allow-Origin` it sends and whether it lets
/// the browser include credentials.
#[derive(Clone, Debug)]
pub struct CorsResponse {
    /// What sets it: "CorsConfiguration", "the gateway response DEFAULT_4XX", ...
    pub source: String,
    pub origin: Loc,
    /// The allowed origin: a literal (`*`, `https://example.com`), or [`CorsOrigin::Reflected`]
    /// when the request's `Origin` header is sent back.
    pub allow_origin: Resolved<CorsOrigin>,
    pub allow_origin_at: Option<Loc>,
    /// `Access-Control-Allow-Credentials: true`.
    pub allow_credentials: Resolved<bool>,
    pub allow_credentials_at: Option<Loc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorsOrigin {
    /// `*`, or a list that holds it.
    Any,
    /// The request's own `Origin` header, sent back.
    Reflected,
    /// Specific origins.
    Listed,
}

/// A Cognito user pool.
#[derive(Debug)]
pub struct UserPool {
    pub name: String,
    pub origin: Loc,
    /// How the source writes the pool's settings, for the words of a fix.
    pub notation: Notation,
    /// `MfaConfiguration` upper-cased: `OFF` (the default), `ON` or `OPTIONAL`.
    pub mfa: Resolved<String>,
    pub mfa_origin: Option<Loc>,
}

/// A Cognito identity pool.
#[derive(Debug)]
pub struct IdentityPool {
    pub name: String,
    pub origin: Loc,
    /// How the source writes the pool's settings, for the words of a fix.
    pub notation: Notation,
    pub allow_unauthenticated: Resolved<bool>,
    pub allow_unauthenticated_origin: Option<Loc>,
    /// The role unauthenticated identities assume, where the template attaches it.
    pub unauthenticated_role: Option<Loc>,
}

/// A grant that lets a principal invoke a Lambda function.
#[derive(Debug)]
pub struct LambdaPermission {
    pub name: String,
    pub origin: Loc,
    /// How the source writes the permission, for the words of a finding.
    pub notation: Notation,
    /// The principal, lower-cased (`apigateway.amazonaws.com`).
    pub principal: Resolved<String>,
    pub principal_origin: Option<Loc>,
    /// Whether `SourceArn` or `SourceAccount` limits which caller's resources may invoke (in
    /// each branch of an `Fn::If` that may leave them out).
    pub scoped: Resolved<bool>,
}

/// A setting written as one item of a list, with where it is written.
#[derive(Clone, Debug)]
pub struct Setting {
    pub value: String,
    pub origin: Loc,
}

/// An issuer of tokens that authorizers accept: a Cognito user pool app client.
#[derive(Debug)]
pub struct TokenIssuer {
    pub name: String,
    pub origin: Loc,
    /// How the source writes the client's settings, for the words of a fix.
    pub notation: Notation,
    pub revocation: Resolved<bool>,
    pub revocation_origin: Option<Loc>,
    /// Token lifetimes as they were written (value, unit and where each is set), so a finding
    /// can point at the number or at the unit that makes it long.
    pub access_token: Resolved<TokenLifetime>,
    pub id_token: Resolved<TokenLifetime>,
    pub refresh_token: Resolved<TokenLifetime>,
    /// How the client lets users sign in.
    pub flows: ClientFlows,
}

/// How an app client lets users sign in, and whether it has a secret.
#[derive(Debug)]
pub struct ClientFlows {
    /// `AllowedOAuthFlows` (`implicit`, `code`, `client_credentials`); Unknown when computed.
    pub oauth_flows: Resolved<Vec<Setting>>,
    /// `ExplicitAuthFlows` (`ALLOW_USER_PASSWORD_AUTH`, ...), upper-cased; empty when not
    /// written (the service then allows SRP, custom and refresh); Unknown when computed.
    pub auth_flows: Resolved<Vec<Setting>>,
    /// `PreventUserExistenceErrors` upper-cased: `LEGACY` (the default) or `ENABLED`.
    pub prevent_user_existence_errors: Resolved<String>,
    pub prevent_user_existence_errors_origin: Option<Loc>,
    /// Whether the client has a secret (`GenerateSecret`).
    pub generate_secret: Resolved<bool>,
    pub generate_secret_origin: Option<Loc>,
}

/// How long one kind of token stays valid: `value` `unit`s.
#[derive(Clone, Debug)]
pub struct TokenLifetime {
    pub value: u64,
    pub unit: TimeUnit,
    /// `None` when the value is the service default.
    pub value_origin: Option<Loc>,
    /// `None` when the unit is the service default.
    pub unit_origin: Option<Loc>,
}

impl TokenLifetime {
    /// The lifetime in whole minutes, rounded up (so 3601 seconds is longer than 60 minutes).
    pub fn minutes(&self) -> u64 {
        self.unit.minutes(self.value)
    }

    /// "2 days", "1 hour".
    pub fn describe(&self) -> String {
        let unit = self.unit.as_str();
        if self.value == 1 {
            format!("1 {}", unit.trim_end_matches('s'))
        } else {
            format!("{} {unit}", self.value)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl TimeUnit {
    /// Parse a unit name, case-insensitively.
    pub fn parse(text: &str) -> Option<TimeUnit> {
        Some(match text.to_ascii_lowercase().as_str() {
            "seconds" => TimeUnit::Seconds,
            "minutes" => TimeUnit::Minutes,
            "hours" => TimeUnit::Hours,
            "days" => TimeUnit::Days,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Seconds => "seconds",
            TimeUnit::Minutes => "minutes",
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
        }
    }

    /// `value` of this unit in whole minutes, rounded up; saturates instead of overflowing.
    pub fn minutes(self, value: u64) -> u64 {
        match self {
            TimeUnit::Seconds => value.div_ceil(60),
            TimeUnit::Minutes => value,
            TimeUnit::Hours => value.saturating_mul(60),
            TimeUnit::Days => value.saturating_mul(24 * 60),
        }
    }
}

/// A Lambda function URL.
#[derive(Debug)]
pub struct FunctionUrl {
    pub name: String,
    pub notation: Notation,
    pub origin: Loc,
    pub auth: Resolved<Auth>,
    pub auth_origin: Option<Loc>,
}

/// A key that appears twice in one mapping.
#[derive(Debug)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Loc,
    pub repeated: Loc,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large file's routes are all held until its findings are written (tens of thousands):
    /// a field added inline grows every one of them.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_route_stays_small() {
        assert!(size_of::<Route>() <= 160, "{}", size_of::<Route>());
        assert!(size_of::<Resolved<Auth>>() <= 24);
        assert!(size_of::<AuthorizerUse>() <= 48);
    }

    #[test]
    fn a_route_shares_the_uses_of_its_auth_as_its_references() {
        let file = crate::syntax::SourceFile::new("t.yaml", "x".to_owned());
        let at = Loc::new(&file, crate::syntax::Span::new(0, 1));
        let uses = authorizer_uses(vec![AuthorizerUse {
            name: "A".into(),
            scopes: Arc::default(),
            origin: at.clone(),
        }]);
        let auth = Resolved::Known(Auth::Authorizers(Arc::clone(&uses)));
        assert!(Arc::ptr_eq(&references(&auth), &uses));
        let same = uses.to_vec();
        assert!(Arc::ptr_eq(&uses_shared_with(&auth, same), &uses));
        // Under a condition, too.
        let conditional = Resolved::either("C", auth, Resolved::Unknown);
        assert_eq!(references(&conditional)[..], uses[..]);
        assert!(Arc::ptr_eq(
            &uses_shared_with(&conditional, uses.to_vec()),
            &uses
        ));
        // Other references are kept as they are.
        let other = vec![AuthorizerUse {
            name: "B".into(),
            scopes: Arc::default(),
            origin: at,
        }];
        assert_eq!(&*uses_shared_with(&conditional, other.clone()), &other[..]);
        assert!(references(&Resolved::Known(Auth::Iam)).is_empty());
    }
}
