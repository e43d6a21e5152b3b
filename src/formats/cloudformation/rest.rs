//! `AWS::ApiGateway::*`: REST APIs, their resources, methods, authorizers, deployments,
//! stages, usage plans and custom domain names.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/AWS_ApiGateway.html>
//!
//! `UsagePlanKey` and `ApiKey` are not lowered: they decide which clients a usage plan
//! counts, not whether a route authenticates or a stage is throttled.

use std::sync::Arc;

use super::access::template_policy;
use super::conditions::under_resource_condition;
use super::dependencies::Dependencies;
use super::eval::{Evaluator, Target, Value};
use super::gateway::{
    ApiName, ApiNames, access_log, auth_type_origin, authorization, data_trace, default_endpoint,
    endpoint_type, follow_routes, header_entries, routes_not_waited_for, security_policy,
};
use super::include::{entry_in, is_include};
use super::template::{Resource, Template};
use crate::collections::HashMap;
use crate::formats::cors;
use crate::formats::defaults::DEFAULT_REST_AUTHORIZER_TTL;
use crate::formats::intrinsic::written;
use crate::model::{
    Api, ApiKind, Authorizer, AuthorizerKind, Deployment, DomainName, Method, Resolved, Route,
    RouteSource, Stage, TypedAuthorizerUse, UsagePlanUse, Workspace, references,
};
use crate::syntax::NodeRef;

/// A `ParentId` chain longer than this is given up (API Gateway allows far fewer levels).
const MAX_PATH_DEPTH: usize = 64;

/// Stands for a path segment, or the start of a path, that cannot be known statically.
const UNKNOWN_SEGMENT: &str = "…";

const METHOD: &str = "AWS::ApiGateway::Method";

/// The resource types a `RestApiId` names an API of this template by: a REST API, or a SAM API,
/// which the SAM lowering defines.
const API_TYPES: [&str; 2] = ["AWS::ApiGateway::RestApi", "AWS::Serverless::Api"];

/// The authorization types that call the authorizer a method's `AuthorizerId` names.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-method.html>
const AUTHORIZER_TYPES: [&str; 2] = ["CUSTOM", "COGNITO_USER_POOLS"];

/// `MethodSettings` that apply to every method of a stage.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-stage-methodsetting.html>
const ALL_PATHS: &str = "/*";
const ALL_METHODS: &str = "*";

struct Lowering<'t, 'a> {
    template: &'t Template<'a>,
    eval: &'t Evaluator<'t, 'a>,
    /// The API a `RestApiId` names → its index in `workspace.apis`.
    apis: HashMap<ApiName<'a>, usize>,
    /// `AWS::ApiGateway::Resource` logical id → its full path, once computed (shared with the
    /// routes of its methods).
    paths: HashMap<&'a str, Arc<str>>,
}

/// A stage before it is attached to its API: usage plans are matched to it first.
struct PendingStage<'a> {
    api: usize,
    /// The `AWS::ApiGateway::Stage` logical id; `None` for a stage a Deployment's `StageName`
    /// creates.
    resource: Option<&'a str>,
    stage: Stage,
}

pub(super) fn lower(template: &Template<'_>, eval: &Evaluator<'_, '_>, workspace: &mut Workspace) {
    let mut lowering = Lowering {
        template,
        eval,
        apis: HashMap::default(),
        paths: HashMap::default(),
    };
    for resource in template.resources_of("AWS::ApiGateway::RestApi") {
        let api = lowering.rest_api(resource);
        lowering
            .apis
            .insert(ApiName::Template(resource.id), workspace.apis.len());
        workspace.apis.push(api);
    }
    for resource in template.resources_of("AWS::ApiGateway::Authorizer") {
        let authorizer = lowering.authorizer(resource);
        if let Some(api) = lowering.api_of(resource, workspace) {
            api.authorizers.push(authorizer);
        }
    }
    // Each API's routes in a vector of their number: a large template has tens of thousands,
    // kept until its findings are written, and doubling would hold up to twice that. The API
    // of each method is found once, here.
    let mut methods = vec![0usize; workspace.apis.len()];
    let method_apis: Vec<Option<usize>> = template
        .resources_of(METHOD)
        .map(|resource| {
            let node = resource.property("RestApiId")?;
            let index = lowering.api_index_or_external(node, workspace);
            methods.resize(workspace.apis.len().max(methods.len()), 0);
            if let Some(count) = methods.get_mut(index) {
                *count += 1;
            }
            Some(index)
        })
        .collect();
    for (api, count) in workspace.apis.iter_mut().zip(methods) {
        api.routes.reserve_exact(count);
    }
    for (resource, index) in template.resources_of(METHOD).zip(method_apis) {
        if let Some(api) = index.and_then(|index| workspace.apis.get_mut(index)) {
            let route = lowering.method(resource, Some(&mut *api));
            if let Some(typed) = lowering.typed_use(resource, &route) {
                api.typed_uses.push(typed);
            }
            api.routes.push(route);
        }
    }
    lowering.stages(workspace);
    lowering.deployments(workspace);
    for resource in template.resources_of("AWS::ApiGateway::DomainName") {
        workspace.domain_names.push(lowering.domain_name(resource));
    }
}

impl<'t, 'a> Lowering<'t, 'a> {
    /// The API a resource belongs to, through its `RestApiId`. An API this lowering does not
    /// define (a SAM API, an API from elsewhere) is added the first time it is named, so what
    /// the template attaches to it is still checked.
    fn api_of<'w>(
        &mut self,
        resource: Resource<'a>,
        workspace: &'w mut Workspace,
    ) -> Option<&'w mut Api> {
        let index = self.api_index_or_external(resource.property("RestApiId")?, workspace);
        workspace.apis.get_mut(index)
    }

    fn api_index_or_external(&mut self, node: NodeRef<'a>, workspace: &mut Workspace) -> usize {
        let name = self.api_name(node);
        if let Some(&index) = self.apis.get(&name) {
            return index;
        }
        let index = workspace.apis.len();
        let api = self
            .api_names()
            .api_not_defined_here(name.clone(), ApiKind::Rest, node.loc());
        workspace.apis.push(api);
        self.apis.insert(name, index);
        index
    }

    fn api_names(&self) -> ApiNames<'t, 'a> {
        ApiNames {
            template: self.template,
            eval: self.eval,
            types: &API_TYPES,
        }
    }

    fn api_name(&self, node: NodeRef<'a>) -> ApiName<'a> {
        self.api_names().of(node)
    }

    /// The API a resource's `RestApiId` names, if it is known by now.
    fn known_api(&self, node: Option<NodeRef<'a>>) -> Option<usize> {
        self.apis.get(&self.api_name(node?)).copied()
    }

    fn rest_api(&self, resource: Resource<'a>) -> Api {
        let mut api = Api::new(resource.id, ApiKind::Rest, resource.loc());
        api.aws = true;
        let types = resource
            .property("EndpointConfiguration")
            .and_then(|e| self.eval.get(e, "Types"));
        api.endpoint_origin = types.map(NodeRef::loc);
        api.endpoint = self
            .eval
            .list(types)
            .and_then(&|types| endpoint_type(types.iter().find_map(Value::as_str)));
        super::body::lower_s3_location(self.template, resource, &mut api);
        if let Some(body) = resource.property("Body") {
            let read = super::body::read(self.template, body);
            super::body::lower_into(&mut api, read.specs);
            if read.hidden.is_some() {
                api.hidden_routes = read.hidden;
            }
        }
        // The properties are applied over the body's extensions.
        // <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-restapi.html>
        if let Some((key, policy)) = resource
            .properties()
            .and_then(|p| entry_in(self.eval.includes(), p, "Policy"))
        {
            api.resource_policies = vec![template_policy(self.eval, key, policy)];
        }
        default_endpoint(self.eval, resource, &mut api);
        api
    }

    fn authorizer(&self, resource: Resource<'a>) -> Authorizer {
        let kind = match self
            .eval
            .known_string(resource.property("Type"))
            .map(|t| t.to_ascii_uppercase())
            .as_deref()
        {
            Some("TOKEN") => AuthorizerKind::LambdaToken,
            Some("REQUEST") => AuthorizerKind::LambdaRequest,
            Some("COGNITO_USER_POOLS") => AuthorizerKind::Cognito,
            Some(other) => AuthorizerKind::Other(other.to_owned()),
            None => AuthorizerKind::Other("unknown".into()),
        };
        let lambda = matches!(
            kind,
            AuthorizerKind::LambdaToken | AuthorizerKind::LambdaRequest
        );
        let mut authorizer = Authorizer::new(resource.id, kind, resource.loc());
        authorizer.kind_origin = resource.property("Type").map(NodeRef::loc);
        let ttl = resource.property("AuthorizerResultTtlInSeconds");
        authorizer.cache_ttl = if lambda {
            under_resource_condition(
                resource,
                self.eval
                    .number(ttl)
                    .map(|t| t.unwrap_or(DEFAULT_REST_AUTHORIZER_TTL)),
            )
        } else {
            Resolved::Known(0)
        };
        authorizer.cache_ttl_origin = ttl.map(NodeRef::loc);
        let identity = resource.property("IdentitySource");
        authorizer.identity_source = self.eval.string(identity);
        authorizer.identity_source_origin = identity.map(NodeRef::loc);
        authorizer.validation_expression = resource
            .property("IdentityValidationExpression")
            .map(NodeRef::loc);
        let missing = match authorizer.kind {
            AuthorizerKind::LambdaToken | AuthorizerKind::LambdaRequest => {
                Some("AuthorizerUri").filter(|f| resource.property(f).is_none())
            }
            // An empty list names no user pool either.
            AuthorizerKind::Cognito => Some("ProviderARNs").filter(|f| {
                let arns = resource.property(f);
                arns.is_none() || self.eval.list(arns).known().is_some_and(Vec::is_empty)
            }),
            _ => None,
        };
        if let Some(field) = missing {
            let at = resource
                .property_key(field)
                .or_else(|| resource.property_key("Type"))
                .map_or_else(|| resource.loc(), NodeRef::loc);
            authorizer.missing.push((field.to_owned(), at));
        }
        authorizer
    }

    /// The CORS headers a method's integration responses send (a MOCK preflight's, typically).
    fn integration_cors(&self, resource: Resource<'a>, path: &str, method: Method, api: &mut Api) {
        let string = |node| self.eval.string(Some(node));
        let responses = resource
            .property("Integration")
            .and_then(|i| self.eval.get(i, "IntegrationResponses"));
        for response in responses.into_iter().flat_map(NodeRef::items) {
            let Some(parameters) = self.eval.get(response, "ResponseParameters") else {
                continue;
            };
            let status = self
                .eval
                .known_string(self.eval.get(response, "StatusCode"))
                .unwrap_or_default();
            let (entries, unseen) = header_entries(self.eval, parameters);
            api.cors.extend(cors::from_header_entries(
                format!("the {method} {path} integration response {status}"),
                response.loc(),
                &entries,
                "method.response.header.",
                &string,
                unseen,
            ));
        }
    }

    fn method(&mut self, resource: Resource<'a>, api: Option<&mut Api>) -> Route {
        let method = self
            .eval
            .known_string(resource.property("HttpMethod"))
            .and_then(|m| Method::parse(&m))
            .unwrap_or(Method::Any);
        let path = self.method_path(resource);
        let api_key = self
            .eval
            .boolean(resource.property("ApiKeyRequired"))
            .map(|k| k.unwrap_or(false));
        let scopes = super::gateway::authorization_scopes(self.eval, resource.properties());
        let auth = authorization(
            self.eval,
            resource.properties(),
            &api_key,
            &AUTHORIZER_TYPES,
            &scopes,
            resource.loc(),
        );
        // A preflight is answered by API Gateway itself when the integration is a MOCK (or
        // there is none); any other known integration runs a backend without credentials.
        let integration_type = self.eval.string(
            resource
                .property("Integration")
                .and_then(|i| self.eval.get(i, "Type")),
        );
        let runs_backend = integration_type.any(|t| {
            t.as_deref()
                .is_some_and(|t| !t.eq_ignore_ascii_case("MOCK"))
        });
        if let Some(api) = api {
            self.integration_cors(resource, &path, method, api);
        }
        Route {
            method,
            path,
            references: references(&auth),
            auth: under_resource_condition(resource, auth),
            auth_origin: resource.property("AuthorizationType").map(auth_type_origin),
            api_key_required: api_key,
            cors_preflight: method == Method::Options && !runs_backend,
            origin: resource.loc(),
            source: RouteSource::Resource(resource.id.into()),
            inherits_connection_auth: false,
        }
    }

    /// A method's `AuthorizationType` (when it is a literal `CUSTOM` or `COGNITO_USER_POOLS`)
    /// with the authorizer of this template its `AuthorizerId` names.
    fn typed_use(&self, resource: Resource<'a>, route: &Route) -> Option<TypedAuthorizerUse> {
        let node = resource.property("AuthorizationType")?;
        let authorization_type = self.eval.known_string(Some(node))?.to_ascii_uppercase();
        if !AUTHORIZER_TYPES.contains(&authorization_type.as_str()) {
            return None;
        }
        let target = self.eval.known_target(resource.property("AuthorizerId"))?;
        Some(TypedAuthorizerUse {
            route_origin: route.origin.clone(),
            authorizer: target.resource().to_owned(),
            authorization_type,
            origin: node.loc(),
        })
    }

    /// The path of a Method's `ResourceId`.
    fn method_path(&mut self, method: Resource<'a>) -> Arc<str> {
        let node = method.property("ResourceId");
        // A resource from outside the template (a literal id, a parameter, an import): named
        // as written, in the short form of its intrinsic.
        let outside = || {
            let spelling = node.map_or_else(|| UNKNOWN_SEGMENT.to_owned(), written);
            format!("<resource {spelling}>")
        };
        match self.eval.known_target(node) {
            Some(target) => match self.resource_target(&target) {
                ResourceTarget::Root => "/".into(),
                ResourceTarget::Resource(id) if self.template.resource(id).is_some() => {
                    self.resource_path(id)
                }
                ResourceTarget::Resource(_) | ResourceTarget::Unknown => outside().into(),
            },
            None => outside().into(),
        }
    }

    /// What a `ResourceId` or `ParentId` reference points at.
    fn resource_target(&self, target: &Target<'a>) -> ResourceTarget<'a> {
        match target {
            Target::Attribute(_, attribute) if attribute == "RootResourceId" => {
                ResourceTarget::Root
            }
            // `!Ref R` and `!GetAtt R.ResourceId` both give the resource's id.
            Target::Resource(id) => ResourceTarget::Resource(id),
            Target::Attribute(id, attribute) if attribute == "ResourceId" => {
                ResourceTarget::Resource(id)
            }
            Target::Attribute(..) => ResourceTarget::Unknown,
        }
    }

    /// The full path of an `AWS::ApiGateway::Resource`, rebuilt from its `ParentId` chain. Each
    /// resource's path is computed once; a part that cannot be known is `…`.
    fn resource_path(&mut self, id: &'a str) -> Arc<str> {
        let mut chain: Vec<(&'a str, Resource<'a>)> = Vec::new();
        let mut current = id;
        let mut prefix = loop {
            if let Some(known) = self.paths.get(current) {
                if chain.is_empty() {
                    return Arc::clone(known);
                }
                break known.to_string();
            }
            // A ParentId cycle, or absurd nesting, has no known start.
            if chain.len() > MAX_PATH_DEPTH || chain.iter().any(|(seen, _)| *seen == current) {
                break format!("/{UNKNOWN_SEGMENT}");
            }
            let Some(resource) = self.template.resource(current) else {
                break format!("/{UNKNOWN_SEGMENT}");
            };
            chain.push((current, resource));
            let parent = self.eval.known_target(resource.property("ParentId"));
            match parent.map(|t| self.resource_target(&t)) {
                Some(ResourceTarget::Root) => break String::new(),
                Some(ResourceTarget::Resource(parent)) => current = parent,
                Some(ResourceTarget::Unknown) | None => break format!("/{UNKNOWN_SEGMENT}"),
            }
        };
        // The last one made is `id`'s own, the first of the chain.
        let mut made = None;
        for (id, resource) in chain.into_iter().rev() {
            let part = self
                .eval
                .known_string(resource.property("PathPart"))
                .unwrap_or_else(|| UNKNOWN_SEGMENT.to_owned());
            prefix = format!("{}/{part}", prefix.trim_end_matches('/'));
            let path = Arc::<str>::from(prefix.as_str());
            self.paths.insert(id, Arc::clone(&path));
            made = Some(path);
        }
        if prefix.is_empty() {
            prefix.push('/');
        }
        made.unwrap_or_else(|| prefix.into())
    }

    /// Stages: `AWS::ApiGateway::Stage` resources and the stages a Deployment's `StageName`
    /// creates, with the usage plans attached to them.
    fn stages(&mut self, workspace: &mut Workspace) {
        let mut stages: Vec<PendingStage<'a>> = Vec::new();
        for resource in self.template.resources_of("AWS::ApiGateway::Stage") {
            let Some(node) = resource.property("RestApiId") else {
                continue;
            };
            let api = self.api_index_or_external(node, workspace);
            let name = resource
                .property("StageName")
                .filter(|n| !n.is_null())
                .map(|n| super::gateway::stage_name(self.eval, n));
            let throttle = self.method_settings_throttle(resource.property("MethodSettings"));
            let access_log = access_log(self.eval, resource.property("AccessLogSetting"));
            let (data_trace, data_trace_origin) = data_trace(
                self.eval,
                self.eval.items(resource.property("MethodSettings")),
            );
            stages.push(PendingStage {
                api,
                resource: Some(resource.id),
                stage: Stage {
                    implicit: None,
                    name: name.unwrap_or_else(|| resource.id.to_owned()),
                    origin: resource.loc(),
                    throttle: under_resource_condition(resource, throttle),
                    usage_plans: Vec::new(),
                    access_log: under_resource_condition(resource, access_log),
                    auto_deploy: Resolved::Known(false),
                    data_trace: under_resource_condition(resource, data_trace),
                    data_trace_origin,
                    web_acl: Resolved::Unknown,
                },
            });
        }
        for resource in self.template.resources_of("AWS::ApiGateway::Deployment") {
            let Some(api_node) = resource.property("RestApiId") else {
                continue;
            };
            let Some(name_node) = resource.property("StageName") else {
                continue;
            };
            let Some(name) = self.eval.known_string(Some(name_node)) else {
                continue;
            };
            let api = self.api_index_or_external(api_node, workspace);
            let description = self.eval.mapping(resource.property("StageDescription"));
            // Stage-wide limits sit directly in the description, or in its MethodSettings.
            let throttle = description.and_then(&|description| match description {
                None => Resolved::Known(false),
                Some(d) => self
                    .limit_set(self.eval.get(*d, "ThrottlingRateLimit"))
                    .or(&self.limit_set(self.eval.get(*d, "ThrottlingBurstLimit")))
                    .or(&self.method_settings_throttle(self.eval.get(*d, "MethodSettings"))),
            });
            let access_log = description.and_then(&|description| match description {
                None => Resolved::Known(false),
                Some(d) => access_log(self.eval, self.eval.get(*d, "AccessLogSetting")),
            });
            // The description's own setting applies to every method, as its MethodSettings do.
            let description_node = resource.property("StageDescription").filter(|d| d.is_map());
            let (data_trace, data_trace_origin) = data_trace(
                self.eval,
                description_node.into_iter().chain(
                    self.eval
                        .items(description_node.and_then(|d| self.eval.get(d, "MethodSettings"))),
                ),
            );
            stages.push(PendingStage {
                api,
                resource: None,
                stage: Stage {
                    implicit: None,
                    name,
                    origin: name_node.loc(),
                    throttle: under_resource_condition(resource, throttle),
                    usage_plans: Vec::new(),
                    access_log: under_resource_condition(resource, access_log),
                    auto_deploy: Resolved::Known(false),
                    data_trace: under_resource_condition(resource, data_trace),
                    data_trace_origin,
                    web_acl: Resolved::Unknown,
                },
            });
        }
        for plan in self.template.resources_of("AWS::ApiGateway::UsagePlan") {
            self.usage_plan(plan, &mut stages);
        }
        for pending in stages {
            if let Some(api) = workspace.apis.get_mut(pending.api) {
                api.stages.push(pending.stage);
            }
        }
    }

    /// Attach a usage plan to the stages its `ApiStages` name. Only the plan-wide `Throttle`
    /// limits every method; `ApiStages[].Throttle` limits the methods it lists.
    fn usage_plan(&self, plan: Resource<'a>, stages: &mut [PendingStage<'a>]) {
        let throttle = self
            .eval
            .mapping(plan.property("Throttle"))
            .and_then(&|t| match t {
                None => Resolved::Known(false),
                Some(t) => self
                    .limit_set(self.eval.get(*t, "RateLimit"))
                    .or(&self.limit_set(self.eval.get(*t, "BurstLimit"))),
            });
        let throttle = under_resource_condition(plan, throttle);
        let use_of = |throttle: &Resolved<bool>| UsagePlanUse {
            name: plan.id.to_owned(),
            throttle: throttle.clone(),
            origin: plan.loc(),
        };
        for api_stage in self.eval.items(plan.property("ApiStages")) {
            // An item that cannot be seen may attach the plan to any stage: one that may
            // throttle makes their throttling Unknown, not missing.
            if is_include(api_stage) {
                if throttle != Resolved::Known(false) {
                    for pending in stages.iter_mut() {
                        add_plan(&mut pending.stage, use_of(&Resolved::Unknown));
                    }
                }
                continue;
            }
            let Some(api) = self.known_api(self.eval.get(api_stage, "ApiId")) else {
                continue;
            };
            let stage = self.eval.eval_opt(self.eval.get(api_stage, "Stage"));
            for (_, target) in stage.branches() {
                for pending in stages.iter_mut() {
                    let matches = pending.api == api
                        && match target {
                            Some(Value::Str(name)) => pending.stage.name == *name,
                            Some(Value::Ref(id)) => pending.resource == Some(*id),
                            _ => false,
                        };
                    if matches {
                        add_plan(&mut pending.stage, use_of(&throttle));
                    }
                }
            }
            // A `Stage` known only at deployment (a parameter without a default, an
            // `Fn::ImportValue`) may name any stage of the API: a plan that may throttle makes
            // their throttling Unknown, not missing (as on the SAM path).
            if stage.has_unknown() && throttle != Resolved::Known(false) {
                for pending in stages.iter_mut().filter(|p| p.api == api) {
                    add_plan(&mut pending.stage, use_of(&Resolved::Unknown));
                }
            }
        }
    }

    /// Deployments, and the methods of their API each one is not ordered after.
    fn deployments(&mut self, workspace: &mut Workspace) {
        let dependencies = std::cell::LazyCell::new(|| Dependencies::new(self.template));
        for resource in self.template.resources_of("AWS::ApiGateway::Deployment") {
            let Some(node) = resource.property("RestApiId") else {
                continue;
            };
            let index = self.api_index_or_external(node, workspace);
            let Some(api) = workspace.apis.get_mut(index) else {
                continue;
            };
            let waits_for = dependencies.waits_for(resource.id);
            let missing = routes_not_waited_for(api, self.template, METHOD, &waits_for);
            api.deployments.push(Deployment {
                name: resource.id.to_owned(),
                origin: resource.loc(),
                replaced_without_create_before_destroy: None,
                follow_routes: follow_routes(self.template, &dependencies, resource, &missing),
                create_before_destroy: Vec::new(),
                routes_not_waited_for: missing,
            });
        }
    }

    fn domain_name(&self, resource: Resource<'a>) -> DomainName {
        let policy = resource.property("SecurityPolicy");
        DomainName {
            name: self
                .eval
                .known_string(resource.property("DomainName"))
                .unwrap_or_else(|| resource.id.to_owned()),
            origin: resource.loc(),
            notation: crate::model::Notation::Gateway,
            security_policy: match policy {
                Some(_) => under_resource_condition(resource, security_policy(self.eval, policy)),
                None => Resolved::Unknown,
            },
            security_policy_origin: policy.map(NodeRef::loc),
        }
    }

    /// Whether a throttling limit is set. A negative limit switches throttling off.
    fn limit_set(&self, node: Option<NodeRef<'a>>) -> Resolved<bool> {
        super::gateway::limit_set(self.eval, node)
    }

    /// Whether `MethodSettings` throttle every method (`/*` and `*`).
    fn method_settings_throttle(&self, settings: Option<NodeRef<'a>>) -> Resolved<bool> {
        self.eval.list(settings).and_then(&|items| {
            items
                .iter()
                .fold(Resolved::Known(false), |throttled, item| {
                    let item = match item {
                        Value::Node(setting) if setting.is_map() => {
                            self.setting_throttles_all(*setting)
                        }
                        _ => Resolved::Unknown,
                    };
                    throttled.or(&item)
                })
        })
    }

    fn setting_throttles_all(&self, setting: NodeRef<'a>) -> Resolved<bool> {
        let path = self.eval.string(self.eval.get(setting, "ResourcePath"));
        let method = self.eval.string(self.eval.get(setting, "HttpMethod"));
        let limits = self
            .limit_set(self.eval.get(setting, "ThrottlingRateLimit"))
            .or(&self.limit_set(self.eval.get(setting, "ThrottlingBurstLimit")));
        path.and_then(&|path| {
            method.and_then(&|method| {
                if path.as_deref() == Some(ALL_PATHS) && method.as_deref() == Some(ALL_METHODS) {
                    limits.clone()
                } else {
                    Resolved::Known(false)
                }
            })
        })
    }
}

enum ResourceTarget<'a> {
    /// The API's root resource, `/`.
    Root,
    /// An `AWS::ApiGateway::Resource` of this template.
    Resource(&'a str),
    Unknown,
}

/// Attach `plan` to `stage`, once.
fn add_plan(stage: &mut Stage, plan: UsagePlanUse) {
    if !stage.usage_plans.iter().any(|u| u.name == plan.name) {
        stage.usage_plans.push(plan);
    }
}
#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use crate::model::{Auth, Condition, EndpointType, Resolved, Workspace};

    fn lower(text: &str) -> Workspace {
        super::super::lower_text(text)
    }

    const API: &str = "
Parameters:
  Stage: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      EndpointConfiguration: {Types: [PRIVATE]}
  Pets:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: pets}
  Pet:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Pets.ResourceId, PathPart: '{id}'}
  Loop:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !Ref Loop, PathPart: again}
  GetPet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Pet
      HttpMethod: get
      AuthorizationType: !If [IsProd, aws_iam, NONE]
  LoopMethod:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: !Ref Api, ResourceId: !Ref Loop, HttpMethod: ANY}
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      StageName: prod
      MethodSettings:
        - ResourcePath: /*
          HttpMethod: '*'
          ThrottlingRateLimit: !If [IsProd, 100, !Ref AWS::NoValue]
      AccessLogSetting: {DestinationArn: !ImportValue Logs}
  Plan:
    Type: AWS::ApiGateway::UsagePlan
    Properties:
      ApiStages: [{ApiId: !Ref Api, Stage: !Ref Prod}]
      Throttle: {RateLimit: -1}
";

    #[test]
    fn paths_auth_stages_and_plans() {
        let workspace = lower(API);
        let api = &workspace.apis[0];
        assert_eq!(api.endpoint, Resolved::Known(EndpointType::Private));
        let paths: Vec<String> = api.routes.iter().map(|r| r.describe()).collect();
        assert_eq!(paths, ["GET /pets/{id}", "ANY /…/again"]);
        let open: Vec<_> = api.routes[0]
            .auth
            .branches()
            .into_iter()
            .filter(|(_, auth)| auth.is_open())
            .map(|(when, _)| when)
            .collect();
        assert_eq!(
            open,
            [vec![Condition {
                name: "IsProd".into(),
                holds: false
            }]]
        );
        assert_eq!(
            api.routes[1].auth,
            Resolved::Known(Auth::Open(crate::model::OpenBecause::Missing))
        );
        let stage = &api.stages[0];
        assert!(stage.access_log.is_unknown());
        let throttled: Vec<_> = stage
            .throttle
            .branches()
            .into_iter()
            .map(|(w, t)| (w.len(), *t))
            .collect();
        assert_eq!(throttled, [(1, true), (1, false)]);
        assert_eq!(stage.usage_plans.len(), 1);
        assert_eq!(stage.usage_plans[0].throttle, Resolved::Known(false));
        assert!(api.hidden_routes.is_none());
    }

    #[test]
    fn a_cognito_method_keeps_its_authorization_scopes() {
        let workspace = lower(
            "
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
  Pool:
    Type: AWS::ApiGateway::Authorizer
    Properties: {RestApiId: !Ref Api, Type: COGNITO_USER_POOLS, ProviderARNs: [arn]}
  Get:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: COGNITO_USER_POOLS
      AuthorizerId: !Ref Pool
      AuthorizationScopes: [orders/read, orders/write]
",
        );
        let Resolved::Known(Auth::Authorizers(uses)) = &workspace.apis[0].routes[0].auth else {
            panic!("{:?}", workspace.apis[0].routes[0].auth);
        };
        assert_eq!(&*uses[0].name, "Pool");
        assert_eq!(&*uses[0].scopes, ["orders/read", "orders/write"]);
    }

    #[test]
    fn external_and_hidden_apis() {
        let workspace = lower(
            "
Resources:
  S3Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {BodyS3Location: {Bucket: b, Key: k}}
  Method:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: abc123, ResourceId: r, HttpMethod: GET, AuthorizationType: NONE}
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: abc123, StageName: prod}
",
        );
        assert!(workspace.apis[0].hidden_routes.is_some());
        let external = &workspace.apis[1];
        assert_eq!(external.display, "the API abc123");
        assert!(external.hidden_routes.is_some());
        assert_eq!(external.routes.len(), 1);
        assert_eq!(external.stages.len(), 1);
        assert_eq!(external.stages[0].access_log, Resolved::Known(false));
    }

    #[test]
    fn any_of_is_true_first_then_unknown() {
        assert_eq!(
            Resolved::any_of([None, Some(false), Some(true)]),
            Resolved::Known(true)
        );
        assert!(Resolved::any_of([Some(false), None]).is_unknown());
        assert_eq!(Resolved::any_of([Some(false)]), Resolved::Known(false));
        // The tests after the first that holds are not made.
        let made = std::cell::Cell::new(0);
        let tests = (0..3).map(|_| {
            made.set(made.get() + 1);
            Some(true)
        });
        assert_eq!(Resolved::any_of(tests), Resolved::Known(true));
        assert_eq!(made.get(), 1);
    }

    #[test]
    fn or_keeps_unknown_and_prunes_contradictions() {
        let when = |holds| Condition {
            name: "C".into(),
            holds,
        };
        let conditional = |a: bool, b: bool| {
            Resolved::Conditional(
                vec![
                    crate::model::Branch {
                        when: when(true),
                        value: Resolved::Known(a),
                    },
                    crate::model::Branch {
                        when: when(false),
                        value: Resolved::Known(b),
                    },
                ]
                .into(),
            )
        };
        assert_eq!(
            Resolved::Unknown.or(&Resolved::Known(true)),
            Resolved::Known(true)
        );
        assert!(Resolved::Unknown.or(&Resolved::Known(false)).is_unknown());
        // (C ? false : true) or (C ? false : false): only "C is true → false" and
        // "C is false → true" are reachable.
        let both = conditional(false, true).or(&conditional(false, false));
        let leaves: Vec<_> = both.branches().into_iter().map(|(w, v)| (w, *v)).collect();
        assert_eq!(
            leaves,
            [(vec![when(true)], false), (vec![when(false)], true)]
        );
    }
}
