//! `AWS::ApiGateway::*`: REST APIs, their resources, methods, authorizers, deployments,
//! stages, usage plans and custom domain names.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/AWS_ApiGateway.html>

use std::collections::HashMap;

use super::dependencies::Dependencies;
use super::eval::{Evaluator, Target, Value};
use super::template::{Resource, Template};
use super::under_resource_condition;
use crate::formats::openapi;
use crate::model::{
    Api, ApiKind, Auth, Authorizer, AuthorizerKind, AuthorizerUse, Deployment, DomainName,
    EndpointType, Method, OpenBecause, Resolved, Route, RouteSource, Stage, UsagePlanUse,
    Workspace,
};
use crate::syntax::NodeRef;

/// "If this field is not set, the default value is 300."
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-authorizer.html>
const DEFAULT_AUTHORIZER_TTL: u64 = 300;

struct Lowering<'t, 'a> {
    template: &'t Template<'a>,
    eval: &'t Evaluator<'t, 'a>,
    /// RestApi logical id, or the spelling of an id from outside the template, → index into
    /// `workspace.apis`.
    apis: HashMap<&'a str, usize>,
    /// Resource logical id → its full path, once computed.
    paths: HashMap<&'a str, Option<String>>,
}

pub(super) fn lower(template: &Template<'_>, eval: &Evaluator<'_, '_>, workspace: &mut Workspace) {
    let mut lowering = Lowering {
        template,
        eval,
        apis: HashMap::new(),
        paths: HashMap::new(),
    };
    for resource in template.resources_of("AWS::ApiGateway::RestApi") {
        let api = lowering.rest_api(resource);
        lowering.apis.insert(resource.id, workspace.apis.len());
        workspace.apis.push(api);
    }
    for resource in template.resources_of("AWS::ApiGateway::Authorizer") {
        let authorizer = lowering.authorizer(resource);
        if let Some(api) = lowering.api_of(resource, workspace) {
            api.authorizers.push(authorizer);
        }
    }
    for resource in template.resources_of("AWS::ApiGateway::Method") {
        let route = lowering.method(resource);
        if let Some(api) = lowering.api_of(resource, workspace) {
            api.routes.push(route);
        }
    }
    lowering.stages(workspace);
    lowering.deployments(workspace);
    for resource in template.resources_of("AWS::ApiGateway::DomainName") {
        let policy = resource.property("SecurityPolicy");
        workspace.domain_names.push(DomainName {
            name: eval
                .string(resource.property("DomainName"))
                .known()
                .cloned()
                .flatten()
                .unwrap_or_else(|| resource.id.to_owned()),
            origin: resource.loc(),
            security_policy: match policy {
                Some(_) => eval
                    .string(policy)
                    .and_then(&|p| p.clone().map_or(Resolved::Unknown, Resolved::Known)),
                None => Resolved::Unknown,
            },
            security_policy_origin: policy.map(NodeRef::loc),
        });
    }
}

impl<'t, 'a> Lowering<'t, 'a> {
    /// The API a resource belongs to, through its `RestApiId`. An id that names no RestApi of
    /// this template (a literal id, an import) stands for an API defined elsewhere; its methods
    /// are still routes, grouped under that id.
    fn api_of<'w>(
        &mut self,
        resource: Resource<'a>,
        workspace: &'w mut Workspace,
    ) -> Option<&'w mut Api> {
        let node = resource.property("RestApiId")?;
        let index = match self.api_index(resource) {
            Some(index) => index,
            None => {
                let spelling = node
                    .as_str()
                    .unwrap_or_else(|| node.doc().file.slice(node.full_span()).trim());
                match self.apis.get(spelling) {
                    Some(&index) => index,
                    None => {
                        let name = match node.as_str() {
                            Some(id) => format!("the API {id}"),
                            None => format!("the API `{spelling}`"),
                        };
                        let mut api = Api::new(spelling, ApiKind::Rest, node.loc());
                        api.display = name;
                        api.aws = true;
                        self.apis.insert(spelling, workspace.apis.len());
                        workspace.apis.push(api);
                        workspace.apis.len() - 1
                    }
                }
            }
        };
        workspace.apis.get_mut(index)
    }

    fn rest_api(&self, resource: Resource<'a>) -> Api {
        let mut api = Api::new(resource.id, ApiKind::Rest, resource.loc());
        api.aws = true;
        api.has_resource_policy = resource.property("Policy").is_some();
        let types = resource
            .property("EndpointConfiguration")
            .and_then(|e| e.get("Types"));
        api.endpoint = match types {
            None => Resolved::Known(EndpointType::Edge),
            Some(_) => self.eval.list(types).and_then(&|types| {
                let names: Vec<String> = types
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_ascii_uppercase)
                    .collect();
                match names.first().map(String::as_str) {
                    Some("PRIVATE") => Resolved::Known(EndpointType::Private),
                    Some("REGIONAL") => Resolved::Known(EndpointType::Regional),
                    Some("EDGE") => Resolved::Known(EndpointType::Edge),
                    _ => Resolved::Unknown,
                }
            }),
        };
        if let Some(body) = resource.property("Body")
            && let Some(Ok(spec)) = openapi::Spec::detect(body)
        {
            openapi::lower_into(&mut api, spec);
        }
        api
    }

    fn authorizer(&self, resource: Resource<'a>) -> Authorizer {
        let kind_text = self.eval.string(resource.property("Type"));
        let kind = match kind_text
            .known()
            .cloned()
            .flatten()
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
        let ttl = resource.property("AuthorizerResultTtlInSeconds");
        authorizer.cache_ttl = if lambda {
            self.eval
                .number(ttl)
                .map(|t| t.unwrap_or(DEFAULT_AUTHORIZER_TTL))
        } else {
            Resolved::Known(0)
        };
        authorizer.cache_ttl_origin = ttl.map(NodeRef::loc);
        authorizer.identity_source = self
            .eval
            .string(resource.property("IdentitySource"))
            .known()
            .cloned()
            .flatten();
        let required = match authorizer.kind {
            AuthorizerKind::LambdaToken | AuthorizerKind::LambdaRequest => Some("AuthorizerUri"),
            AuthorizerKind::Cognito => Some("ProviderARNs"),
            _ => None,
        };
        if let Some(field) = required
            && resource.property(field).is_none()
        {
            let at = resource
                .property_key("Type")
                .map_or_else(|| resource.loc(), NodeRef::loc);
            authorizer.missing.push((field.to_owned(), at));
        }
        authorizer
    }

    fn method(&mut self, resource: Resource<'a>) -> Route {
        let method = self
            .eval
            .string(resource.property("HttpMethod"))
            .known()
            .cloned()
            .flatten()
            .and_then(|m| Method::parse(&m))
            .unwrap_or(Method::Any);
        let path = self.method_path(resource).unwrap_or_else(|| {
            let id = resource.property("ResourceId");
            let spelling = id.and_then(NodeRef::as_str).unwrap_or("?");
            format!("<resource {spelling}>")
        });
        let auth_type_node = resource.property("AuthorizationType");
        let auth_type = self.eval.string(auth_type_node);
        let authorizer_node = resource.property("AuthorizerId");
        let authorizer_id = self.eval.target(authorizer_node);
        let api_key = self
            .eval
            .boolean(resource.property("ApiKeyRequired"))
            .map(|k| k.unwrap_or(false));
        let origin_for_use = authorizer_node.map_or_else(|| resource.loc(), NodeRef::loc);
        let authorizers = |id: &Resolved<Option<Target<'a>>>| -> Resolved<Auth> {
            match id {
                // An authorizer that is not in this template (imported, or a literal id): the
                // route is protected by something we cannot see.
                Resolved::Unknown => Resolved::Known(Auth::Authorizers(Vec::new())),
                known => known.map(|target| {
                    Auth::Authorizers(vec![AuthorizerUse {
                        name: target
                            .as_ref()
                            .map(|t| t.resource().to_owned())
                            .unwrap_or_default(),
                        scopes: Vec::new(),
                        origin: origin_for_use.clone(),
                    }])
                }),
            }
        };
        let auth = auth_type.and_then(&|t| {
            // API Gateway reads the authorization type case-insensitively.
            match t.as_deref().map(str::to_ascii_uppercase).as_deref() {
                None | Some("NONE") => {
                    let because = if t.is_none() {
                        OpenBecause::Missing
                    } else {
                        OpenBecause::Disabled
                    };
                    api_key.map(|required| {
                        if *required {
                            Auth::ApiKeyOnly
                        } else {
                            Auth::Open(because)
                        }
                    })
                }
                Some("AWS_IAM") => Resolved::Known(Auth::Iam),
                Some("CUSTOM" | "COGNITO_USER_POOLS") => authorizers(&authorizer_id),
                Some(_) => Resolved::Unknown,
            }
        });
        let mut references: Vec<AuthorizerUse> = Vec::new();
        for (_, auth) in auth.branches() {
            if let Auth::Authorizers(uses) = auth {
                for used in uses {
                    if !references.iter().any(|r| r.name == used.name) {
                        references.push(used.clone());
                    }
                }
            }
        }
        let integration_type = self
            .eval
            .string(resource.property("Integration").and_then(|i| i.get("Type")))
            .known()
            .cloned()
            .flatten();
        let mock_or_none = integration_type
            .as_deref()
            .is_none_or(|t| t.eq_ignore_ascii_case("MOCK"));
        Route {
            method,
            path,
            auth: under_resource_condition(resource, auth),
            auth_origin: auth_type_node.map(NodeRef::loc),
            api_key_required: api_key,
            references,
            cors_preflight: method == Method::Options && mock_or_none,
            origin: resource.loc(),
            source: RouteSource::Resource(resource.id.to_owned()),
            inherits_connection_auth: false,
        }
    }

    /// The path of a Method's `ResourceId`.
    fn method_path(&mut self, method: Resource<'a>) -> Option<String> {
        let target = self.eval.target(method.property("ResourceId"));
        match target.known()?.as_ref()? {
            Target::Attribute(_, attribute) if attribute == "RootResourceId" => {
                Some("/".to_owned())
            }
            Target::Resource(id) => self.resource_path(id, 0),
            Target::Attribute(..) => None,
        }
    }

    /// The full path of an `AWS::ApiGateway::Resource`, rebuilt from its `ParentId` chain.
    fn resource_path(&mut self, id: &'a str, depth: usize) -> Option<String> {
        if let Some(known) = self.paths.get(id) {
            return known.clone();
        }
        // A ParentId cycle, or absurd nesting, has no path.
        if depth > 64 {
            return None;
        }
        let resource = self.template.resource(id)?;
        let part = self
            .eval
            .string(resource.property("PathPart"))
            .known()
            .cloned()
            .flatten()?;
        let parent = self.eval.target(resource.property("ParentId"));
        let parent_path = match parent.known()?.as_ref()? {
            Target::Attribute(_, attribute) if attribute == "RootResourceId" => String::new(),
            Target::Resource(parent_id) => self.resource_path(parent_id, depth + 1)?,
            Target::Attribute(..) => return None,
        };
        let path = format!("{}/{part}", parent_path.trim_end_matches('/'));
        self.paths.insert(id, Some(path.clone()));
        Some(path)
    }

    /// Stages: `AWS::ApiGateway::Stage` resources and the stages a Deployment's `StageName`
    /// creates, with the usage plans attached to them.
    fn stages(&self, workspace: &mut Workspace) {
        let mut stages: Vec<(usize, Option<&'a str>, Stage)> = Vec::new();
        for resource in self.template.resources_of("AWS::ApiGateway::Stage") {
            let Some(api) = self.api_index(resource) else {
                continue;
            };
            let name = self
                .eval
                .string(resource.property("StageName"))
                .known()
                .cloned()
                .flatten();
            stages.push((
                api,
                Some(resource.id),
                Stage {
                    name: name.unwrap_or_else(|| resource.id.to_owned()),
                    origin: resource.loc(),
                    throttle: self.method_settings_throttle(resource.property("MethodSettings")),
                    usage_plans: Vec::new(),
                    access_log: self.has_access_log(resource.property("AccessLogSetting")),
                    auto_deploy: Resolved::Known(false),
                },
            ));
        }
        for resource in self.template.resources_of("AWS::ApiGateway::Deployment") {
            let Some(api) = self.api_index(resource) else {
                continue;
            };
            let Some(name_node) = resource.property("StageName") else {
                continue;
            };
            let Some(name) = self.eval.string(Some(name_node)).known().cloned().flatten() else {
                continue;
            };
            let description = resource.property("StageDescription");
            let direct = description.is_some_and(|d| {
                d.get("ThrottlingRateLimit").is_some() || d.get("ThrottlingBurstLimit").is_some()
            });
            let throttle = if direct {
                Resolved::Known(true)
            } else {
                self.method_settings_throttle(description.and_then(|d| d.get("MethodSettings")))
            };
            stages.push((
                api,
                None,
                Stage {
                    name,
                    origin: name_node.loc(),
                    throttle,
                    usage_plans: Vec::new(),
                    access_log: self
                        .has_access_log(description.and_then(|d| d.get("AccessLogSetting"))),
                    auto_deploy: Resolved::Known(false),
                },
            ));
        }
        for plan in self.template.resources_of("AWS::ApiGateway::UsagePlan") {
            let throttle = plan.property("Throttle");
            let plan_throttles = throttle
                .is_some_and(|t| t.get("RateLimit").is_some() || t.get("BurstLimit").is_some());
            for api_stage in plan
                .property("ApiStages")
                .into_iter()
                .flat_map(NodeRef::items)
            {
                let api_id = self.eval.target(api_stage.get("ApiId"));
                let Some(api) = api_id
                    .known()
                    .and_then(Option::as_ref)
                    .and_then(|t| self.apis.get(t.resource()))
                else {
                    continue;
                };
                let stage = self.eval.eval_opt(api_stage.get("Stage"));
                let stage_throttles = api_stage.get("Throttle").is_some_and(|t| !t.is_empty());
                for (_, target) in stage.branches() {
                    for (stage_api, stage_id, stage_model) in &mut stages {
                        let matches = *stage_api == *api
                            && match target {
                                Some(Value::Str(name)) => stage_model.name == *name,
                                Some(Value::Ref(id)) => *stage_id == Some(*id),
                                _ => false,
                            };
                        if matches {
                            stage_model.usage_plans.push(UsagePlanUse {
                                name: plan.id.to_owned(),
                                throttle: Resolved::Known(plan_throttles || stage_throttles),
                                origin: plan.loc(),
                            });
                        }
                    }
                }
            }
        }
        for (api, _, stage) in stages {
            if let Some(api) = workspace.apis.get_mut(api) {
                api.stages.push(stage);
            }
        }
    }

    fn deployments(&self, workspace: &mut Workspace) {
        let dependencies = Dependencies::new(self.template);
        for resource in self.template.resources_of("AWS::ApiGateway::Deployment") {
            let Some(index) = self.api_index(resource) else {
                continue;
            };
            let Some(api) = workspace.apis.get_mut(index) else {
                continue;
            };
            let waits_for = dependencies.waits_for(resource.id);
            let routes_not_waited_for = api
                .routes
                .iter()
                .filter_map(|route| match &route.source {
                    RouteSource::Resource(id) if !waits_for.contains(id.as_str()) => {
                        Some(id.clone())
                    }
                    _ => None,
                })
                .collect();
            api.deployments.push(Deployment {
                name: resource.id.to_owned(),
                origin: resource.loc(),
                routes_not_waited_for,
            });
        }
    }

    fn api_index(&self, resource: Resource<'a>) -> Option<usize> {
        let target = self.eval.target(resource.property("RestApiId"));
        self.apis.get(target.known()?.as_ref()?.resource()).copied()
    }

    /// Whether `MethodSettings` throttle every method (`/*` and `*`).
    fn method_settings_throttle(&self, settings: Option<NodeRef<'a>>) -> Resolved<bool> {
        let Some(settings) = settings else {
            return Resolved::Known(false);
        };
        let throttled = settings.items().any(|setting| {
            let path = self
                .eval
                .string(setting.get("ResourcePath"))
                .known()
                .cloned()
                .flatten();
            let method = self
                .eval
                .string(setting.get("HttpMethod"))
                .known()
                .cloned()
                .flatten();
            let all = path.as_deref() == Some("/*") && method.as_deref() == Some("*");
            all && (setting.get("ThrottlingRateLimit").is_some()
                || setting.get("ThrottlingBurstLimit").is_some())
        });
        Resolved::Known(throttled)
    }

    fn has_access_log(&self, setting: Option<NodeRef<'a>>) -> Resolved<bool> {
        match setting {
            None => Resolved::Known(false),
            Some(setting) => self
                .eval
                .eval_opt(setting.get("DestinationArn"))
                .map(|destination| destination.is_some()),
        }
    }
}
