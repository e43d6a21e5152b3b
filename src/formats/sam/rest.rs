//! `AWS::Serverless::Api` and the implicit `ServerlessRestApi`, lowered as the translator's API
//! generator builds them: the definition (inline, from a file, or written from the events),
//! CORS preflights, authorizers, the default authorizer and API key requirement, the resource
//! policy, the stage (and the extra `Stage` stage), usage plans and the endpoint type.
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-api.html>

use std::sync::Arc;

use super::api::{self, ApiSource};
use super::auth;
use super::context::{Context, Text, reject, text, truthy};
use super::definition::{Definition, check_structure};
use super::events::{AuthorizerName, Event, EventKind, IMPLICIT_REST_API};
use super::generated::IMPLICIT_REST_STAGE;
use super::globals::{Merged, Properties};
use super::operation::{Operation, Operations};
use super::security::{self, Outcome, Requirement, Scheme};
use super::settings::{sets_throttling, unknown_settings};
use crate::collections::HashMap;
use crate::diagnostic::InputError;
use crate::formats::cloudformation::Resource;
use crate::formats::cloudformation::access::{TemplatePolicy, template_policy};
use crate::formats::cloudformation::gateway::{data_trace, endpoint_type};
use crate::formats::cloudformation::include::is_include;
use crate::formats::defaults::DEFAULT_REST_AUTHORIZER_TTL;
use crate::formats::intrinsic::intrinsic;
use crate::formats::nodes::strings;
use crate::formats::{cors, openapi, policy};
use crate::model::{
    Api, ApiKind, Authorizer, AuthorizerKind, AuthorizerUse, CorsOrigin, CorsResponse, Effect,
    EndpointType, Method, PolicyStatement, Resolved, ResourcePolicy, Stage, UsagePlanUse,
    Workspace,
};
use crate::syntax::{Loc, NodeRef};

/// The stage every SAM REST API also gets, from its deployment's `StageName`, unless
/// `OpenApiVersion` is set.
/// <https://github.com/aws/serverless-application-model/issues/191>
const EXTRA_STAGE: &str = "Stage";

/// The keys `Auth` may have.
const AUTH_KEYS: [&str; 8] = [
    "Authorizers",
    "DefaultAuthorizer",
    "InvokeRole",
    "AddDefaultAuthorizerToCorsPreflight",
    "AddApiKeyRequiredToCorsPreflight",
    "ApiKeyRequired",
    "ResourcePolicy",
    "UsagePlan",
];

const CORS_KEYS: [&str; 5] = [
    "AllowMethods",
    "AllowHeaders",
    "AllowOrigin",
    "MaxAge",
    "AllowCredentials",
];

/// The logical id of the usage plan every `CreateUsagePlan: SHARED` API shares.
const SHARED_USAGE_PLAN: &str = "ServerlessUsagePlan";

const USAGE_PLAN_KEYS: [&str; 6] = [
    "CreateUsagePlan",
    "Description",
    "Quota",
    "Tags",
    "Throttle",
    "UsagePlanName",
];

pub(super) fn lower(
    cx: &Context<'_, '_>,
    events: &[Event<'_>],
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) {
    let first_api = workspace.apis.len();
    // HttpApi events may name a REST API too (see `http_event_operations`).
    let belongs = |event: &Event<'_>, id: &str| {
        event.api == id && (event.kind == EventKind::Rest || id != IMPLICIT_REST_API)
    };
    for (source, own) in api::each(
        cx,
        events,
        "AWS::Serverless::Api",
        "Api",
        IMPLICIT_REST_API,
        belongs,
    ) {
        let api = RestApi(source).lower(&own, workspace, errors);
        workspace.apis.push(api);
    }
    share_usage_plan(workspace.apis.get_mut(first_api..).unwrap_or_default());
}

/// The SHARED usage plan is one resource for every API that asks for it, and the translator
/// writes it once per API: the last API's settings (its `Throttle`) are the ones deployed, on
/// every API's stage.
fn share_usage_plan(apis: &mut [Api]) {
    let shared = |plan: &UsagePlanUse| plan.name == SHARED_USAGE_PLAN;
    let last = apis
        .iter()
        .flat_map(|api| &api.stages)
        .flat_map(|stage| &stage.usage_plans)
        .rfind(|plan| shared(plan))
        .cloned();
    let Some(last) = last else { return };
    for plan in apis
        .iter_mut()
        .flat_map(|api| &mut api.stages)
        .flat_map(|stage| &mut stage.usage_plans)
        .filter(|plan| shared(plan))
    {
        plan.throttle = last.throttle.clone();
        plan.origin = last.origin.clone();
    }
}

/// One SAM REST API being lowered.
struct RestApi<'c, 't, 'a>(ApiSource<'c, 't, 'a>);

impl<'c, 't, 'a> std::ops::Deref for RestApi<'c, 't, 'a> {
    type Target = ApiSource<'c, 't, 'a>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// The API's `Auth`, read once.
struct AuthSettings<'a> {
    auth: Merged<'a>,
    /// SAM authorizer names (and `AWS_IAM` when it is the default).
    authorizers: Vec<&'a str>,
    default: Option<Scheme>,
    /// A `DefaultAuthorizer` the translator ignores because no authorizer is defined at all.
    ignored_default: Option<Scheme>,
    /// A `DefaultAuthorizer` whose name is known only at deployment (a parameter without a
    /// default): where it is written.
    unknown_default: Option<Loc>,
    /// Where `Auth`, its `Authorizers` or one authorizer is an include that cannot be seen.
    unseen: Option<Loc>,
    /// Whether the whole `Auth` is such an include.
    all_unseen: bool,
    api_key_required: bool,
    default_to_preflight: bool,
    api_key_to_preflight: bool,
}

impl<'c, 't, 'a> RestApi<'c, 't, 'a> {
    fn lower(
        &self,
        events: &[&Event<'a>],
        workspace: &mut Workspace,
        errors: &mut Vec<InputError>,
    ) -> Api {
        let mut api = self.api(ApiKind::Rest);
        api.endpoint = self.endpoint();
        let definition = self.definition(&mut api, workspace, errors);
        let auth = self.auth_settings(&definition, errors);
        let mut operations = Operations::of(&definition, &mut api);
        // SAM adds events to a definition it writes, or merges them into an inline one with
        // `MergeDefinitions` (when it is a document it can edit: `paths` must be a map).
        let merges = truthy(self.properties.get("MergeDefinitions").node())
            && matches!(&definition, Definition::Inline(spec) if spec.get(spec.root, "paths").is_some_and(|p| p.is_map()));
        let rest_events: Vec<&Event<'a>> = events
            .iter()
            .copied()
            .filter(|e| e.kind == EventKind::Rest)
            .collect();
        if matches!(definition, Definition::Generated) || merges {
            self.event_operations(&rest_events, &auth, &mut operations, errors);
            api.hidden_routes = self.unknown_method_routes(EventKind::Rest);
        } else if let Definition::Inline(_) = &definition {
            self.override_operations(&rest_events, &auth, &mut operations, errors);
        }
        self.http_event_operations(events, &definition, &mut operations, errors);
        if let Definition::Inline(spec) = &definition
            && (definition_edited(&auth, self.properties)
                || spec.version != openapi::Version::Swagger2)
        {
            check_structure(*spec, errors);
        }
        api.hidden_routes = definition
            .hidden_routes()
            .or_else(|| api.hidden_routes.take())
            .or_else(|| self.unknown_method_routes(EventKind::Http));
        self.cors(&definition, &mut operations, errors);
        auth::define_each(
            auth.auth,
            &mut api,
            &self.describe(),
            errors,
            |name, key, config, errors| self.authorizer(name, key, config, errors),
        );
        if definition.editable() {
            self.apply_defaults(&auth, &mut operations, errors);
        }
        let root_security = definition.root_security();
        api.routes.reserve_exact(operations.count());
        for operation in operations {
            // A REST API has resources only under `/` (an HttpApi event's `$default` is not one).
            if !operation.path.starts_with('/') {
                continue;
            }
            let preflight = operation.cors_preflight;
            let mut route = operation.into_route(&api, root_security.as_deref());
            // A DefaultAuthorizer the translator ignores still names an authorizer that is not
            // there: `missing-authorizer` says so.
            if let Some(ignored) = auth.ignored_default.as_ref().filter(|_| !preflight) {
                let mut references = route.references.to_vec();
                references.push(AuthorizerUse {
                    name: Arc::clone(&ignored.name),
                    scopes: Default::default(),
                    origin: ignored.origin.clone(),
                });
                route.references = references.into();
            }
            api.routes.push(route);
        }
        // `Policy` is passed on to the RestApi as it is written.
        if let Some(node) = self
            .properties
            .get("Policy")
            .node()
            .filter(|p| !p.is_null())
        {
            let key = self.properties.key("Policy").unwrap_or(node);
            api.resource_policies
                .push(template_policy(&self.cx.eval, key, node));
        }
        self.sam_resource_policy(&definition, &auth, &rest_events, merges, &mut api);
        workspace.domain_names.extend(self.domain_name());
        api.custom_domains.extend(self.domain_mapping());
        self.default_endpoint(&mut api);
        api.endpoint_origin = self
            .properties
            .key("EndpointConfiguration")
            .map(NodeRef::loc);
        self.cors_responses(&definition, &mut api);
        // A DefinitionUri file sets its own default (its root `security`), if any.
        if !matches!(definition, Definition::File) {
            api.default_auth_origin = self.default_auth_origin(&auth);
        }
        self.stages(&auth, &mut api, errors);
        auth::unseen_references(&mut api, auth.unseen.as_ref());
        auth::parameters(self.cx, auth.auth, &mut api);
        self.apply_condition(&mut api);
        api
    }

    /// The definition's policy: its own `x-amazon-apigateway-policy`, with the statements SAM
    /// adds from the API's `Auth.ResourcePolicy` and from the `Auth.ResourcePolicy` of each
    /// event it applies (each on its own route). Where part
    /// of it cannot be seen (an include from S3 in `Auth`, an event's `Auth` or the policy
    /// itself, or a body gatelint cannot see that SAM adds the statements to), the API's
    /// policy is Unknown: the policy rules judge none of it.
    fn sam_resource_policy(
        &self,
        definition: &Definition<'a>,
        auth: &AuthSettings<'a>,
        events: &[&Event<'a>],
        merges: bool,
        api: &mut Api,
    ) {
        let follow = |node: NodeRef<'a>| match self.cx.template.includes() {
            Some(includes) => includes.follow(node),
            None => node,
        };
        let written = auth.auth.get("ResourcePolicy");
        let mut unseen = if auth.all_unseen {
            auth.unseen.clone()
        } else {
            written.is_unseen().then(|| written.loc()).flatten()
        };
        let mut origin = None;
        let mut statements = Vec::new();
        if written.is_map() {
            // Point at the `ResourcePolicy` key where the API's own `Auth` writes it.
            origin = self
                .properties
                .local_key("Auth")
                .and_then(|_| self.properties.get("Auth").node())
                .and_then(|auth| auth.entry("ResourcePolicy"))
                .map(|(key, _)| key.loc())
                .or_else(|| written.loc());
            statements.extend(sam_statements(self.cx, written, true));
        }
        // Events add theirs to a definition SAM writes or merges into, or with
        // `OverrideApiAuth` to an inline one.
        let all_events = matches!(definition, Definition::Generated) || merges;
        for event in events {
            let Some(event_auth) = event.auth else {
                continue;
            };
            if is_include(event_auth) {
                if all_events || matches!(definition, Definition::Inline(_)) {
                    unseen = unseen.or_else(|| Some(event_auth.loc()));
                }
                continue;
            }
            let overrides = event_auth
                .get("OverrideApiAuth")
                .is_some_and(|flag| truthy(Some(flag)));
            let applied = all_events || (overrides && matches!(definition, Definition::Inline(_)));
            if !applied {
                continue;
            }
            let Some((key, policy)) = event_auth.entry("ResourcePolicy") else {
                continue;
            };
            let policy = follow(policy);
            if is_include(policy) {
                unseen = unseen.or_else(|| Some(policy.loc()));
            } else if policy.is_map() {
                origin.get_or_insert_with(|| key.loc());
                statements.extend(sam_statements(self.cx, Merged::single(Some(policy)), false));
            }
        }
        // SAM adds the statements to a body gatelint cannot see, which may have its own.
        if origin.is_some()
            && let Definition::Unseen(hidden) = definition
        {
            unseen = unseen.or_else(|| Some(hidden.at.clone()));
        }
        // The inline definition's own policy is the one SAM adds the statements to.
        let string = |node| self.cx.eval.string(Some(node));
        let body_policy = match definition {
            Definition::Inline(spec) => spec
                .entry(spec.root, "x-amazon-apigateway-policy")
                .map(|(key, node)| policy::read(key.loc(), node, &string)),
            _ => None,
        };
        match (body_policy, origin) {
            (Some(mut body), _) => {
                body.statements = body
                    .statements
                    .map(|written| written.iter().cloned().chain(statements.clone()).collect());
                api.resource_policies.push(body);
            }
            (None, Some(at)) => api.resource_policies.push(ResourcePolicy {
                origin: at,
                statements: Resolved::Known(statements),
            }),
            (None, None) => {}
        }
        if let Some(at) = unseen {
            for policy in &mut api.resource_policies {
                policy.statements = Resolved::Unknown;
            }
            api.resource_policies.push(ResourcePolicy {
                origin: at,
                statements: Resolved::Unknown,
            });
        }
    }

    /// `EndpointConfiguration`: a type name, or a map with `Type`; EDGE when absent.
    fn endpoint(&self) -> Resolved<EndpointType> {
        let config = self.properties.get("EndpointConfiguration");
        let node = if config.is_map() {
            config.get("Type").node()
        } else {
            config.node()
        };
        self.cx
            .eval
            .string(node)
            .and_then(&|text| endpoint_type(text.as_deref()))
    }

    /// The routes events add to a definition SAM writes (or merges, with `MergeDefinitions`).
    fn event_operations<'e>(
        &self,
        events: &[&'e Event<'a>],
        auth: &AuthSettings<'a>,
        operations: &mut Operations<'e, 'a>,
        errors: &mut Vec<InputError>,
    ) {
        let mut seen: HashMap<(&str, Method), &Event<'a>> =
            HashMap::with_capacity_and_hasher(events.len(), Default::default());
        operations.reserve(events.len());
        for event in events.iter().copied() {
            if let Some(earlier) = seen.get(&(event.path, event.method)) {
                reject(
                    errors,
                    event.loc(),
                    format!(
                        "{} {} of {} is declared twice: by event {} of {} and by event {} of {}",
                        event.method,
                        event.path,
                        self.describe(),
                        earlier.id,
                        earlier.owner,
                        event.id,
                        event.owner
                    ),
                );
                continue;
            }
            seen.insert((event.path, event.method), event);
            let mut operation = Operation::from_event(event);
            // With `MergeDefinitions`, the event's operation replaces the keys of the body's that
            // it sets: without an `Auth`, the body's `security` stays.
            let body = operations.take(event);
            if let Some(body) = body
                && event.auth.is_none()
            {
                operation.lowered = body.lowered;
                operation.body = body.body;
                operation.edited = false;
            }
            self.event_auth(event, auth, &mut operation, errors);
            operations.push(operation);
        }
    }

    /// An event on an API whose `DefinitionBody` SAM does not manage adds no route; with
    /// `Auth.OverrideApiAuth` its `Auth` still applies to the body's operation of its path and
    /// method (so `Authorizer: NONE` opts that operation out of the default authorizer).
    fn override_operations(
        &self,
        events: &[&Event<'a>],
        auth: &AuthSettings<'a>,
        operations: &mut Operations<'_, 'a>,
        errors: &mut Vec<InputError>,
    ) {
        for event in events.iter().copied() {
            let Some(event_auth) = event.auth else {
                continue;
            };
            let Some(flag) = event_auth
                .get("OverrideApiAuth")
                .filter(|f| truthy(Some(*f)))
            else {
                continue;
            };
            let overrides = ["Authorizer", "ApiKeyRequired", "ResourcePolicy"];
            if !overrides.iter().any(|k| event_auth.get(k).is_some()) {
                reject(
                    errors,
                    flag.loc(),
                    format!(
                        "OverrideApiAuth on event {} needs an Authorizer, ApiKeyRequired or \
                         ResourcePolicy to override with",
                        event.id
                    ),
                );
                continue;
            }
            let Some(operation) = operations.of_event(event).filter(|o| o.integrated) else {
                continue;
            };
            let mut event_operation = Operation::from_event(event);
            self.event_auth(event, auth, &mut event_operation, errors);
            let existing = operation
                .written_security()
                .ok()
                .flatten()
                .unwrap_or_default();
            if let Some(added) = event_operation.security {
                operation.security = Some(existing.into_iter().chain(added).collect());
                operation.edited = true;
            }
        }
    }

    /// HttpApi events may name a REST API too: the translator then adds their routes to its
    /// definition when that is OpenAPI 3 (it rejects a Swagger 2 one).
    fn http_event_operations<'e>(
        &self,
        events: &[&'e Event<'a>],
        definition: &Definition<'a>,
        operations: &mut Operations<'e, 'a>,
        errors: &mut Vec<InputError>,
    ) {
        for event in events.iter().copied().filter(|e| e.kind == EventKind::Http) {
            let openapi3 = matches!(definition, Definition::Inline(spec) if spec.version != openapi::Version::Swagger2);
            if !openapi3 {
                if definition.editable() {
                    reject(
                        errors,
                        event.loc(),
                        format!(
                            "event {} is an HttpApi event, and {} is a REST API with a Swagger 2 \
                             definition",
                            event.id,
                            self.describe()
                        ),
                    );
                }
                continue;
            }
            match operations.of_event(event) {
                Some(existing) if existing.integrated => {}
                Some(existing) => existing.integrate(event),
                None => operations.push(Operation::from_event(event)),
            }
        }
    }

    /// An event's `Auth`: its authorizer, scopes and API key setting, checked as the translator
    /// checks them.
    fn event_auth(
        &self,
        event: &Event<'a>,
        auth: &AuthSettings<'a>,
        operation: &mut Operation<'_, 'a>,
        errors: &mut Vec<InputError>,
    ) {
        let Some(event_auth) = event.auth else { return };
        // An event `Auth` in an include that cannot be seen: the route's authentication is
        // Unknown.
        if is_include(event_auth) {
            operation.unknown = Some(event_auth.loc());
            operation.api_key_unseen = true;
            operation.edited = true;
            return;
        }
        let mut security: Vec<Requirement> = Vec::new();
        check_resource_policy(
            self.cx,
            Merged::single(Some(event_auth)).get("ResourcePolicy"),
            errors,
        );
        let scopes_node = event.scopes(errors);
        let authorizer = event_auth.get("Authorizer").filter(|a| !a.is_null());
        let mut touched = false;
        let named = match authorizer {
            Some(node) => match event.authorizer_name(self.cx, node, &|| self.describe(), errors) {
                AuthorizerName::Named(name) => Some((node, name)),
                // Unknown authentication; the event's `ApiKeyRequired` is still read below, as
                // the API key requirement does not hang on the authorizer.
                AuthorizerName::Unknown => {
                    operation.unknown = Some(node.loc());
                    operation.edited = true;
                    None
                }
                AuthorizerName::Invalid => return,
            },
            None => None,
        };
        if let Some((node, name)) = named {
            if name == security::NONE
                && auth.default.is_none()
                && auth.ignored_default.is_none()
                && auth.unknown_default.is_none()
            {
                event.reject_needless_none(node.loc(), &self.describe(), errors);
            }
            // A list of the event's own, even an empty one, replaces the authorizer's scopes.
            let scopes = if name == security::NONE {
                Vec::new()
            } else {
                match scopes_node.filter(|s| s.is_seq()) {
                    Some(scopes) => strings(scopes),
                    None => auth::scopes(auth.auth, name),
                }
            };
            security.push(Requirement::one(name.into(), scopes, node.loc()));
            touched = true;
        }
        if let Some(required) = event_auth.get("ApiKeyRequired").filter(|k| !k.is_null()) {
            let wanted = truthy(Some(required));
            if !wanted && !auth.api_key_required {
                reject(
                    errors,
                    required.loc(),
                    format!(
                        "`ApiKeyRequired: false` on event {} opts out of an API key requirement, \
                         but {} does not require one",
                        event.id,
                        self.describe()
                    ),
                );
            }
            let marker = if wanted {
                security::API_KEY
            } else {
                security::API_KEY_FALSE
            };
            security.push(Requirement::one(marker.into(), Vec::new(), required.loc()));
            touched = true;
        }
        if touched {
            operation.security = Some(security);
        }
    }

    /// `Cors`: an OPTIONS preflight, answered by API Gateway (a mock integration), on every path
    /// that has none.
    fn cors(
        &self,
        definition: &Definition<'a>,
        operations: &mut Operations<'_, 'a>,
        errors: &mut Vec<InputError>,
    ) {
        let cors = self.properties.get("Cors");
        let Some(node) = cors.node().filter(|n| truthy(Some(*n))) else {
            return;
        };
        if !definition.held_by_sam() {
            reject(
                errors,
                node.loc(),
                format!(
                    "Cors on {} needs an inline DefinitionBody: SAM cannot add preflights to a \
                     definition it does not hold",
                    self.describe()
                ),
            );
            return;
        }
        let origin = if cors.is_map() {
            if let Some((at, message)) = unknown_settings(cors, &CORS_KEYS, "a Cors").next() {
                reject(errors, at, message);
                return;
            }
            cors.get("AllowOrigin").node()
        } else if node.is_scalar() || intrinsic(node).is_some() {
            Some(node)
        } else {
            reject(
                errors,
                node.loc(),
                "Cors must be an origin or a map of Cors settings",
            );
            return;
        };
        let wildcard = origin.is_none_or(|o| o.as_str() == Some("'*'"));
        if wildcard && truthy(cors.get("AllowCredentials").node()) {
            let at = cors
                .get("AllowCredentials")
                .loc()
                .unwrap_or_else(|| node.loc());
            reject(
                errors,
                at,
                "AllowCredentials cannot be true while AllowOrigin is '*' (or not set): browsers \
                 refuse credentials for a wildcard origin",
            );
            return;
        }
        // Preflights are declared by the `Cors` key (of the API, or of Globals).
        let at = self
            .properties
            .key("Cors")
            .map_or_else(|| node.loc(), NodeRef::loc);
        for path in operations.paths() {
            if operations.get_mut(path, Method::Options).is_some() {
                continue;
            }
            if origin.is_some_and(|o| o.is_null() || o.as_str() == Some("")) {
                reject(
                    errors,
                    node.loc(),
                    "Cors needs a non-empty AllowOrigin to answer preflights",
                );
                return;
            }
            operations.push(Operation::preflight(path, at.clone()));
        }
    }

    /// The CORS answers SAM writes: the preflights `Cors` adds, and `GatewayResponses` headers,
    /// over those of an inline definition.
    /// <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-corsconfiguration.html>
    fn cors_responses(&self, definition: &Definition<'a>, api: &mut Api) {
        let cors = self.properties.get("Cors");
        if let Some(node) = cors.node().filter(|n| truthy(Some(*n))) {
            let origin_node = if cors.is_map() {
                cors.get("AllowOrigin").node()
            } else {
                Some(node)
            };
            let credentials = cors.get("AllowCredentials");
            let response = CorsResponse {
                source: "the `Cors` setting".to_owned(),
                origin: self
                    .properties
                    .key("Cors")
                    .map_or_else(|| node.loc(), NodeRef::loc),
                allow_origin: self.cx.eval.string(origin_node).and_then(&|o| match o {
                    Some(text) => cors::mapped_origin(text),
                    None => Resolved::Unknown,
                }),
                allow_origin_at: origin_node.map(NodeRef::loc),
                allow_credentials: if cors.is_map() {
                    self.cx
                        .eval
                        .boolean(credentials.node())
                        .map(|c| c.unwrap_or(false))
                } else {
                    Resolved::Known(false)
                },
                allow_credentials_at: credentials.loc(),
            };
            // The translator rejects credentials with a wildcard origin (see `cors`).
            let rejected = response.allow_origin == Resolved::Known(CorsOrigin::Any)
                && response.allow_credentials == Resolved::Known(true);
            if !rejected {
                api.cors.push(response);
            }
        }
        let string = |node| self.cx.eval.string(Some(node));
        for (kind, response) in self.properties.get("GatewayResponses").entries() {
            // The translator writes each response over the definition's of the same type.
            if let Some(at) = kind
                .as_str()
                .and_then(|k| definition.gateway_response_at(k))
            {
                api.cors.retain(|c| c.origin != at);
            }
            let Some(headers) = response.get("ResponseParameters").get("Headers").node() else {
                continue;
            };
            api.cors.extend(cors::from_header_mappings(
                format!("the gateway response {}", kind.as_str().unwrap_or("?")),
                kind.loc(),
                headers,
                "",
                &string,
            ));
        }
    }

    /// `Auth`, checked and read once.
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
        let all_unseen = written.is_unseen();
        let mut settings = AuthSettings {
            auth,
            authorizers: auth::authorizer_names(auth, &describe, errors),
            default: None,
            ignored_default: None,
            // Auth that cannot be seen may set a default authorizer: every route is Unknown.
            unknown_default: unseen.clone().filter(|_| all_unseen),
            unseen,
            all_unseen,
            api_key_required: false,
            default_to_preflight: true,
            api_key_to_preflight: true,
        };
        if let Some(node) = auth
            .get("DefaultAuthorizer")
            .node()
            .filter(|n| !n.is_null())
        {
            match text(self.cx, node) {
                Text::Literal(name) => {
                    let scheme = Scheme {
                        name: name.into(),
                        scopes: auth::scopes(settings.auth, name).into(),
                        origin: node.loc(),
                    };
                    if name == security::AWS_IAM && !settings.authorizers.contains(&name) {
                        settings.authorizers.push(name);
                    }
                    if settings.unseen.is_some() && !settings.authorizers.contains(&name) {
                        // It may be one of the authorizers that cannot be seen.
                        settings.unknown_default = Some(node.loc());
                    } else if settings.authorizers.is_empty() {
                        settings.ignored_default = Some(scheme);
                    } else {
                        settings.default = Some(scheme);
                    }
                }
                // A name given at deployment: the routes it would protect are Unknown.
                Text::Deployment => {
                    if !settings.authorizers.is_empty() {
                        settings.unknown_default = Some(node.loc());
                    }
                }
                // The translator only reads the default when the API has authorizers, and then
                // it must be a string ("DefaultAuthorizer is not a string").
                Text::Other if settings.authorizers.is_empty() => {}
                Text::Other => reject(
                    errors,
                    node.loc(),
                    format!(
                        "the DefaultAuthorizer of {} must be the name of one of its authorizers",
                        self.describe()
                    ),
                ),
            }
        }
        settings.api_key_required = truthy(auth.get("ApiKeyRequired").node());
        if let Some(flag) = auth.get("AddDefaultAuthorizerToCorsPreflight").node() {
            settings.default_to_preflight = truthy(Some(flag));
        }
        if let Some(flag) = auth.get("AddApiKeyRequiredToCorsPreflight").node() {
            settings.api_key_to_preflight = truthy(Some(flag));
        }
        if let Some(policy) = auth.get("ResourcePolicy").node()
            && !policy.is_null()
            && !auth.get("ResourcePolicy").is_map()
            && !auth.get("ResourcePolicy").is_unseen()
        {
            reject(
                errors,
                policy.loc(),
                "ResourcePolicy must be a map of policy statements",
            );
        }
        check_resource_policy(self.cx, auth.get("ResourcePolicy"), errors);
        settings
    }

    /// One entry of `Auth.Authorizers`: a Lambda TOKEN or REQUEST authorizer, or a Cognito user
    /// pool.
    fn authorizer(
        &self,
        name: &str,
        key: NodeRef<'a>,
        config: Merged<'a>,
        errors: &mut Vec<InputError>,
    ) -> Option<Authorizer> {
        let identity = config.get("Identity");
        if let Some(node) = identity.node()
            && !node.is_null()
            && !identity.is_map()
        {
            reject(
                errors,
                node.loc(),
                format!("the Identity of authorizer {name} must be a map"),
            );
            return None;
        }
        if let Some(scopes) = config.get("AuthorizationScopes").node()
            && !scopes.is_seq()
            && !scopes.is_null()
        {
            reject(
                errors,
                scopes.loc(),
                format!("the AuthorizationScopes of authorizer {name} must be a list"),
            );
        }
        let payload = config.get("FunctionPayloadType");
        let payload_text = match payload
            .node()
            .filter(|n| !n.is_null())
            .map(|n| text(self.cx, n))
        {
            None | Some(Text::Deployment) => None,
            Some(Text::Literal(text)) => Some(text),
            // Not a string: not one of the translator's TOKEN and REQUEST.
            Some(Text::Other) => Some("an intrinsic function"),
        };
        let cognito = config
            .get("UserPoolArn")
            .node()
            .is_some_and(|n| truthy(Some(n)));
        let kind = if cognito {
            AuthorizerKind::Cognito
        } else {
            match payload_text {
                None | Some("TOKEN") => AuthorizerKind::LambdaToken,
                Some("REQUEST") => AuthorizerKind::LambdaRequest,
                Some(other) => {
                    reject(
                        errors,
                        payload.loc().unwrap_or_else(|| key.loc()),
                        format!(
                            "the FunctionPayloadType of authorizer {name} is `{other}`; it must be \
                             TOKEN or REQUEST"
                        ),
                    );
                    return None;
                }
            }
        };
        let mut authorizer = Authorizer::new(name, kind.clone(), key.loc());
        let ttl = identity.get("ReauthorizeEvery");
        match kind {
            AuthorizerKind::LambdaToken | AuthorizerKind::LambdaRequest => {
                authorizer.cache_ttl = self
                    .cx
                    .eval
                    .number(ttl.node())
                    .map(|t| t.unwrap_or(DEFAULT_REST_AUTHORIZER_TTL));
                authorizer.cache_ttl_origin = ttl.loc();
                if config.get("FunctionArn").node().is_none_or(|n| n.is_null()) {
                    authorizer
                        .missing
                        .push(("FunctionArn".to_owned(), key.loc()));
                }
            }
            _ => {}
        }
        let sources = identity_sources(identity);
        authorizer.identity_source_origin = identity.loc();
        if kind == AuthorizerKind::LambdaRequest {
            let caches = ttl
                .node()
                .and_then(|n| self.cx.eval.number(Some(n)).known().copied().flatten())
                .is_none_or(|t| t > 0);
            if sources.is_empty() && caches {
                reject(
                    errors,
                    identity.loc().unwrap_or_else(|| key.loc()),
                    format!(
                        "the REQUEST authorizer {name} needs an Identity with at least one of \
                         Headers, QueryStrings, StageVariables or Context"
                    ),
                );
            }
            authorizer.identity_source =
                Resolved::Known((!sources.is_empty()).then(|| sources.join(", ")));
        } else {
            let header = identity.get("Header").as_str().unwrap_or("Authorization");
            authorizer.identity_source =
                Resolved::Known(Some(format!("method.request.header.{header}")));
            authorizer.validation_expression = identity.get("ValidationExpression").loc();
        }
        Some(authorizer)
    }

    /// The API's defaults on every operation the translator edits: the default authorizer
    /// (with its scopes), then the default API key requirement.
    fn apply_defaults(
        &self,
        auth: &AuthSettings<'a>,
        operations: &mut Operations<'_, 'a>,
        errors: &mut Vec<InputError>,
    ) {
        let mut rejected_security: Vec<Loc> = Vec::new();
        for operation in operations.iter_mut() {
            if !operation.integrated {
                continue;
            }
            let preflight = operation.method == Method::Options;
            let own = if operation.edited {
                operation.security.clone()
            } else {
                operation.written_security().ok().flatten()
            };
            if let Some(at) = &auth.unknown_default
                && (auth.default_to_preflight || !preflight)
                && !own.as_deref().is_some_and(security::chooses_authorizer)
            {
                operation.unknown = Some(at.clone());
                if auth.all_unseen {
                    // The hidden `Auth` may require an API key too.
                    operation.api_key_unseen = true;
                    operation.edited = true;
                    continue;
                }
                // The authorizer is given at deployment; the API key requirement is not.
                if !operation.edited {
                    let Ok(requirements) = operation.written_security() else {
                        operation.edited = true;
                        continue;
                    };
                    operation.security = requirements;
                    operation.edited = true;
                }
                api_key_default(auth, operation, preflight);
                continue;
            }
            let editing_default =
                auth.default.is_some() && (auth.default_to_preflight || !preflight);
            if !editing_default && !auth.api_key_required {
                continue;
            }
            if !operation.edited {
                // A body operation: the translator reads its `security` as it stands.
                match operation.written_security() {
                    Err(at) => {
                        if !rejected_security.contains(&at) {
                            rejected_security.push(at.clone());
                            reject(
                                errors,
                                at,
                                format!(
                                    "the security of {} {} must be a list of maps for SAM to add \
                                     the API's authorizers to it",
                                    operation.method, operation.path
                                ),
                            );
                        }
                        continue;
                    }
                    Ok(requirements) => operation.security = requirements,
                }
                operation.edited = true;
            }
            if let Some(default) = auth.default.as_ref().filter(|_| editing_default) {
                match security::apply_rest_default(
                    &mut operation.security,
                    default,
                    &auth.authorizers,
                ) {
                    Outcome::Default => operation.by_default = Some(default.origin.clone()),
                    Outcome::OptedOut(at) => operation.opted_out = at,
                    Outcome::Own => {}
                }
            }
            api_key_default(auth, operation, preflight);
        }
    }

    /// Where the API's default authentication is set, or could be: its `DefaultAuthorizer`, its
    /// `Auth`, `Globals.Api`, or the API itself.
    fn default_auth_origin(&self, auth: &AuthSettings<'a>) -> Option<Loc> {
        let set = auth
            .default
            .as_ref()
            .or(auth.ignored_default.as_ref())
            .map(|d| d.origin.clone());
        set.or_else(|| {
            self.properties
                .local_key("Auth")
                .map(NodeRef::loc)
                .or_else(|| auth.auth.loc())
        })
        .or_else(|| self.cx.globals.key_of("Api"))
        .or_else(|| self.resource.map(Resource::loc))
    }

    /// The stage `StageName` names, the extra `Stage` stage, and their usage plans.
    fn stages(&self, auth: &AuthSettings<'a>, api: &mut Api, errors: &mut Vec<InputError>) {
        let access_log = self.properties.get("AccessLogSetting");
        let method_settings = self.properties.get("MethodSettings");
        // Settings given by an intrinsic (or hidden in an include) may throttle.
        let throttle = if method_settings
            .node()
            .is_some_and(|n| intrinsic(n).is_some())
        {
            Resolved::Unknown
        } else {
            method_settings_throttle(self.cx, &method_settings.items())
        };
        let usage_plans = self.usage_plans(auth, errors);
        let (data_trace, data_trace_origin) =
            data_trace(&self.cx.eval, self.properties.get("MethodSettings").items());
        let (name, origin) = match self.resource {
            None => (Some(IMPLICIT_REST_STAGE.to_owned()), api.origin.clone()),
            // Without a StageName (or with a null one) the translator stops, whatever the
            // parameters: "Missing required property 'StageName'". An intrinsic is a name
            // known at deployment; one an unseen include may set is not known to be missing.
            Some(resource) => match self.properties.get("StageName").node() {
                Some(node) if !node.is_null() => (Some(self.stage_name(node)), node.loc()),
                written => {
                    let at = written.map_or_else(|| resource.loc(), NodeRef::loc);
                    reject(
                        errors,
                        at.clone(),
                        format!(
                            "AWS::Serverless::Api {} has no StageName: the translator rejects \
                             the template (\"Missing required property 'StageName'\"); name the \
                             stage it deploys, e.g. `StageName: prod`",
                            self.id
                        ),
                    );
                    (None, at)
                }
            },
        };
        if let Some(name) = name {
            api.stages.push(Stage {
                implicit: None,
                name,
                origin,
                throttle,
                usage_plans,
                access_log: super::settings::access_log(self.cx, access_log),
                auto_deploy: Resolved::Known(false),
                data_trace,
                data_trace_origin,
                web_acl: Resolved::Unknown,
            });
        }
        // `OpenApiVersion` removes the deployment's `StageName: Stage`.
        if self
            .properties
            .get("OpenApiVersion")
            .node()
            .is_none_or(|v| !truthy(Some(v)))
        {
            api.stages.push(Stage {
                implicit: Some(
                    "SAM creates this extra stage, named `Stage`, for every REST API whose `OpenApiVersion` is not set; set `OpenApiVersion` (for example under `Globals: Api:`) and it is no longer created".to_owned(),
                ),
                name: EXTRA_STAGE.to_owned(),
                origin: api.origin.clone(),
                throttle: Resolved::Known(false),
                usage_plans: Vec::new(),
                access_log: Resolved::Known(false),
                auto_deploy: Resolved::Known(false),
                // The extra stage is deployed without the API's MethodSettings.
                data_trace: Resolved::Known(false),
                data_trace_origin: None,
                web_acl: Resolved::Unknown,
            });
        }
    }

    /// `Auth.UsagePlan`: a plan for this API (PER_API), one plan shared by every API that asks
    /// for it (SHARED), or none.
    fn usage_plans(
        &self,
        auth: &AuthSettings<'a>,
        errors: &mut Vec<InputError>,
    ) -> Vec<UsagePlanUse> {
        let plan = auth.auth.get("UsagePlan");
        // A plan in an include that cannot be seen (or in an unseen `Auth`): whether it exists
        // and throttles is Unknown.
        if auth.all_unseen || plan.is_unseen() {
            let origin = plan.loc().or_else(|| auth.unseen.clone());
            return origin
                .map(|origin| UsagePlanUse {
                    name: format!("{}UsagePlan", self.id),
                    throttle: Resolved::Unknown,
                    origin,
                })
                .into_iter()
                .collect();
        }
        let Some(node) = plan.node().filter(|n| !n.is_null()) else {
            return Vec::new();
        };
        if !plan.is_map() {
            reject(errors, node.loc(), "UsagePlan must be a map");
            return Vec::new();
        }
        if let Some((at, message)) = unknown_settings(plan, &USAGE_PLAN_KEYS, "a UsagePlan").next()
        {
            reject(errors, at, message);
            return Vec::new();
        }
        let create = plan.get("CreateUsagePlan");
        let mut known = true;
        let name = match create.node().map(|n| text(self.cx, n)) {
            Some(Text::Literal("PER_API")) => format!("{}UsagePlan", self.id),
            Some(Text::Literal("SHARED")) => SHARED_USAGE_PLAN.to_owned(),
            Some(Text::Literal("NONE")) => return Vec::new(),
            // PER_API, SHARED or NONE, chosen at deployment: whether the plan exists is Unknown.
            Some(Text::Deployment) => {
                known = false;
                format!("{}UsagePlan", self.id)
            }
            _ => {
                reject(
                    errors,
                    create.loc().unwrap_or_else(|| node.loc()),
                    "CreateUsagePlan must be PER_API, SHARED or NONE",
                );
                return Vec::new();
            }
        };
        let throttle = plan.get("Throttle");
        let throttles = throttle.node().is_some_and(|t| truthy(Some(t)))
            && (throttle.get("RateLimit").is_present()
                || throttle.get("BurstLimit").is_present()
                || intrinsic(throttle.node().unwrap_or(node)).is_some());
        vec![UsagePlanUse {
            name,
            throttle: if known || !throttles {
                Resolved::Known(throttles)
            } else {
                Resolved::Unknown
            },
            origin: plan.loc().unwrap_or_else(|| node.loc()),
        }]
    }
}

/// Whether the translator edits an inline definition: it reads it then, and rejects one whose
/// structure it cannot edit.
fn definition_edited(auth: &AuthSettings<'_>, properties: Properties<'_>) -> bool {
    !auth.auth.entries().is_empty() || truthy(properties.get("Cors").node())
}

/// A `ResourcePolicy`'s VPC lists name VPCs and VPC endpoints literally; intrinsics go in the
/// `Intrinsic…` lists (the translator sorts the literal ones by prefix).
fn check_resource_policy(cx: &Context<'_, '_>, policy: Merged<'_>, errors: &mut Vec<InputError>) {
    for list in ["SourceVpcWhitelist", "SourceVpcBlacklist"] {
        let Some(node) = policy.get(list).node().filter(|n| !n.is_null()) else {
            continue;
        };
        // The translator checks that each item is a string once parameters are resolved; a
        // list that is itself an intrinsic function (or a string) passes its check.
        let strings = !node.is_seq()
            || node.items().all(|item| {
                item.is_null() || matches!(text(cx, item), Text::Literal(_) | Text::Deployment)
            });
        if !strings {
            let intrinsic_list = list.replace("Source", "Intrinsic");
            reject(
                errors,
                node.loc(),
                format!("{list} must be a list of strings; put intrinsics in {intrinsic_list}"),
            );
        }
    }
}

/// The statements SAM writes from a `ResourcePolicy` (the API's, or an event's, on its route
/// alone): for each allow or block list, an `Allow` to everyone and a `Deny` conditioned on the
/// listed IPs or VPCs (the account lists name their accounts as principals), then the
/// `CustomStatements` as written.
/// <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-resourcepolicystatement.html>
fn sam_statements(
    cx: &Context<'_, '_>,
    policy: Merged<'_>,
    every_resource: bool,
) -> Vec<PolicyStatement> {
    let mut statements = Vec::new();
    let generated = |effect, anyone, keys: &[&str], at: Loc| PolicyStatement {
        effect: Resolved::Known(effect),
        anyone: Resolved::Known(anyone),
        invokes: Resolved::Known(true),
        condition_keys: Resolved::Known(keys.iter().map(|k| (*k).to_owned()).collect()),
        every_resource: Resolved::Known(every_resource),
        origin: at.clone(),
        principal_origin: Some(at),
    };
    for (list, key) in [
        ("IpRangeWhitelist", "aws:SourceIp"),
        ("IpRangeBlacklist", "aws:SourceIp"),
        ("SourceVpcWhitelist", "aws:SourceVpc"),
        ("SourceVpcBlacklist", "aws:SourceVpc"),
        ("IntrinsicVpcWhitelist", "aws:SourceVpc"),
        ("IntrinsicVpcBlacklist", "aws:SourceVpc"),
        ("IntrinsicVpceWhitelist", "aws:SourceVpce"),
        ("IntrinsicVpceBlacklist", "aws:SourceVpce"),
    ] {
        let Some(at) = policy.get(list).loc() else {
            continue;
        };
        // `vpce-` ids are matched on the endpoint, `vpc-` ids on the VPC.
        let key = if list.starts_with("SourceVpc")
            && policy
                .get(list)
                .items()
                .iter()
                .any(|i| i.as_str().is_some_and(|v| v.starts_with("vpce-")))
        {
            "aws:SourceVpce"
        } else {
            key
        };
        statements.push(generated(Effect::Allow, true, &[], at.clone()));
        statements.push(generated(Effect::Deny, true, &[key], at));
    }
    if let Some(at) = policy.get("AwsAccountWhitelist").loc() {
        statements.push(generated(Effect::Allow, false, &[], at));
    }
    if let Some(at) = policy.get("AwsAccountBlacklist").loc() {
        statements.push(generated(Effect::Deny, false, &[], at));
    }
    let reader = TemplatePolicy(&cx.eval);
    let custom = policy.get("CustomStatements");
    match custom.node() {
        None => {}
        Some(list) if list.is_seq() => statements.extend(
            list.items()
                .map(|statement| policy::statement(statement, &reader)),
        ),
        Some(single) => statements.push(policy::statement(single, &reader)),
    }
    statements
}

/// Whether `MethodSettings` throttle every method of the stage (`/*` and `*`).
fn method_settings_throttle(cx: &Context<'_, '_>, settings: &[NodeRef<'_>]) -> Resolved<bool> {
    settings
        .iter()
        .filter(|setting| {
            let field = |name: &str| cx.eval.known_string(setting.get(name));
            field("ResourcePath").as_deref() == Some("/*")
                && field("HttpMethod").as_deref() == Some("*")
        })
        .fold(Resolved::Known(false), |throttled, setting| {
            throttled.or(&sets_throttling(cx, Merged::single(Some(*setting))))
        })
}

/// A Lambda REQUEST authorizer's identity sources, as the translator writes them.
fn identity_sources(identity: Merged<'_>) -> Vec<String> {
    let prefixes = [
        ("Headers", "method.request.header."),
        ("QueryStrings", "method.request.querystring."),
        ("StageVariables", "stageVariables."),
        ("Context", "context."),
    ];
    let mut sources = Vec::new();
    for (key, prefix) in prefixes {
        for item in identity.get(key).items() {
            if let Some(text) = item.as_str() {
                sources.push(format!("{prefix}{text}"));
            }
        }
    }
    sources
}

/// The API's `ApiKeyRequired`, applied to one operation's requirements (the translator's
/// `add_apikey_security`; a preflight only with `AddApiKeyRequiredToCorsPreflight`).
fn api_key_default(auth: &AuthSettings<'_>, operation: &mut Operation<'_, '_>, preflight: bool) {
    if !auth.api_key_required {
        return;
    }
    let at = auth
        .auth
        .get("ApiKeyRequired")
        .loc()
        .unwrap_or_else(|| operation.origin.clone());
    security::apply_rest_default_api_key(
        &mut operation.security,
        &at,
        preflight && !auth.api_key_to_preflight,
    );
}
