//! The AWS provider's API Gateway, Lambda function URL and Cognito resources, lowered into the
//! model. Each resource's address (`aws_api_gateway_rest_api.pets`, `module.api.aws_x.y["k"]`)
//! is its name in findings, and every setting points at the attribute that decided it.
//! <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_method>

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

mod access;
mod blocks;
mod nested;
mod policy;

use nested::Nested;

use super::eval::{Ctx, Evaluator, InstanceKey, MAX_INSTANCES, Reference, Value};
use super::modules::located_note;
use crate::collections::HashMap;
use crate::formats::cloudformation::v2::{parse_route_key, route_key};
use crate::formats::defaults::{DEFAULT_REST_AUTHORIZER_TTL, DEFAULT_V2_AUTHORIZER_TTL};
use crate::formats::openapi;
use crate::model::references;
use crate::model::{
    Api, ApiKind, Auth, Authorizer, AuthorizerKind, AuthorizerUse, Conditions, Deployment,
    EndpointType, FunctionUrl, HiddenRoutes, Method, NotVisible, Notation, OpenBecause, PassedIn,
    Resolved, ResourcePolicy, Route, RouteSource, Stage, TimeUnit, TokenIssuer, TokenLifetime,
    UsagePlanUse, Workspace,
};
use crate::syntax::hcl::{Attribute, Block, Body, Expr, ExprKind};
use crate::syntax::{Document, Entry, Loc, Node, ScalarStyle, SourceFile, Span};

/// Stands for a path segment that cannot be known statically.
const UNKNOWN_SEGMENT: &str = "…";

/// A `parent_id` chain longer than this is given up.
const MAX_PATH_DEPTH: usize = 64;

/// The expression an instance's `attribute` is written as, on one line, with a reference to a
/// resource's (or data source's) `id` as the resource's address
/// (`aws_api_gateway_rest_api.shared.id` is `aws_api_gateway_rest_api.shared`).
fn written(instance: &Instance<'_>, attribute: &str) -> Option<String> {
    let at = instance.attribute_loc(attribute)?;
    let text = instance.file.slice(at.span);
    let text = text.split_once('=').map_or(text, |(_, v)| v);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match text.strip_suffix(".id") {
        Some(address) if is_address(address) => address.to_owned(),
        _ => text,
    })
}

/// Whether `text` is the address of a resource or a data source of the AWS provider
/// (`aws_api_gateway_resource.items`, `data.aws_api_gateway_rest_api.shared`, with an index).
fn is_address(text: &str) -> bool {
    let text = text.strip_prefix("data.").unwrap_or(text);
    let Some((kind, name)) = text.split_once('.') else {
        return false;
    };
    let name = name.split_once('[').map_or(name, |(name, _)| name);
    kind.starts_with("aws_")
        && [kind, name].iter().all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
        && !text.contains(' ')
}

/// Nodes an HCL-written OpenAPI body may have.
const MAX_BODY_NODES: usize = 200_000;
/// How many locals (or a variable's default) a body or policy may be passed through before
/// it is not followed.
const MAX_INDIRECTION: usize = 8;

/// The resources that make up an API's routes, which a deployment's `triggers` hash.
struct RouteResources {
    kinds: &'static [&'static str],
    /// The attribute that names the API, and the API's resource type.
    api_attribute: &'static str,
    api_kind: &'static str,
}

const REST_ROUTE_RESOURCES: &RouteResources = &RouteResources {
    kinds: &[
        "aws_api_gateway_resource",
        "aws_api_gateway_method",
        "aws_api_gateway_integration",
    ],
    api_attribute: "rest_api_id",
    api_kind: "aws_api_gateway_rest_api",
};

const V2_ROUTE_RESOURCES: &RouteResources = &RouteResources {
    kinds: &["aws_apigatewayv2_route", "aws_apigatewayv2_integration"],
    api_attribute: "api_id",
    api_kind: "aws_apigatewayv2_api",
};

/// One instance of a resource block (`count` and `for_each` make several).
pub struct Instance<'a> {
    pub scope: usize,
    pub file: &'a Arc<SourceFile>,
    pub block: &'a Block,
    pub kind: &'a str,
    pub name: &'a str,
    pub module: String,
    pub key: Option<InstanceKey>,
    /// The conditions under which the instance exists (a conditional `count`).
    pub when: Conditions,
    pub ctx: Ctx<'a>,
}

impl<'a> Instance<'a> {
    pub fn address(&self) -> String {
        let mut address = String::new();
        if !self.module.is_empty() {
            address.push_str(&self.module);
            address.push('.');
        }
        address.push_str(self.kind);
        address.push('.');
        address.push_str(self.name);
        if let Some(key) = &self.key {
            address.push_str(&key.to_string());
        }
        address
    }

    fn body(&self) -> &'a Body {
        &self.block.body
    }

    fn attribute(&self, name: &str) -> Option<&'a Attribute> {
        self.block.body.attribute(name)
    }

    fn loc(&self, span: Span) -> Loc {
        Loc::new(self.file, span)
    }

    fn origin(&self) -> Loc {
        self.loc(self.block.header)
    }

    fn attribute_loc(&self, name: &str) -> Option<Loc> {
        self.attribute(name).map(|a| self.loc(a.span))
    }

    /// Whether `reference` names this instance.
    fn is(&self, reference: &Reference, count: usize) -> bool {
        reference.module == self.module
            && reference.kind == self.kind
            && reference.name == self.name
            && match (&reference.key, &self.key) {
                (Some(a), Some(b)) => a == b,
                (None, None) => true,
                // `aws_x.y.id` of a resource with one instance.
                (None, Some(_)) => count == 1,
                (Some(_), None) => false,
            }
    }
}

/// Expand every resource block into its instances.
pub fn instances<'a>(eval: &Evaluator<'a>, notes: &mut Vec<NotVisible>) -> Vec<Instance<'a>> {
    let mut out = Vec::new();
    for (scope_index, scope) in eval.scopes.iter().enumerate() {
        for resource in &scope.config.resources {
            let (Some(kind), Some(name)) =
                (resource.item.labels.first(), resource.item.labels.get(1))
            else {
                continue;
            };
            if !kind.starts_with("aws_api") && !RESOURCES.contains(&kind.as_str()) {
                continue;
            }
            let ctx = Ctx::new(scope_index, resource.file);
            let new = |key, when, ctx| Instance {
                scope: scope_index,
                file: resource.file,
                block: resource.item,
                kind,
                name,
                module: scope.path.clone(),
                key,
                when,
                ctx,
            };
            let body = &resource.item.body;
            if let Some(count) = body.attribute("count") {
                let value = eval.eval(&count.value, &ctx);
                for (when, leaf) in value.leaves() {
                    match leaf.as_number() {
                        Some(n) => {
                            for index in 0..(n.max(0.0) as usize).min(MAX_INSTANCES) {
                                let mut ctx = ctx.clone();
                                ctx.count = Some(Value::Number(index as f64));
                                out.push(new(
                                    Some(InstanceKey::Index(index as u64)),
                                    when.clone(),
                                    ctx,
                                ));
                            }
                        }
                        // An unknown count: the block is read once, for its settings.
                        None => {
                            let mut ctx = ctx.clone();
                            ctx.count = Some(Value::Unknown);
                            out.push(new(None, when.clone(), ctx));
                        }
                    }
                }
            } else if let Some(for_each) = body.attribute("for_each") {
                let value = eval.eval(&for_each.value, &ctx);
                for (when, leaf) in value.leaves() {
                    match each_pairs(leaf) {
                        Some(pairs) => {
                            for (key, value) in pairs.into_iter().take(MAX_INSTANCES) {
                                let mut ctx = ctx.clone();
                                ctx.each = Some(Rc::new((Value::str(&key), value)));
                                out.push(new(Some(InstanceKey::Key(key)), when.clone(), ctx));
                            }
                        }
                        None => {
                            notes.push(located_note(
                                &Loc::new(resource.file, for_each.span),
                                format!(
                                    "the instances of {kind}.{name} are not visible: its for_each \
                                     is known only at plan time; its settings are checked once"
                                ),
                            ));
                            let mut ctx = ctx.clone();
                            ctx.each = Some(Rc::new((Value::Unknown, Value::Unknown)));
                            out.push(new(None, when.clone(), ctx));
                        }
                    }
                }
            } else {
                out.push(new(None, Vec::new(), ctx));
            }
        }
    }
    out
}

/// The resource types lowered besides `aws_api_gateway_*` and `aws_apigatewayv2_*`.
const RESOURCES: [&str; 7] = [
    "aws_lambda_function_url",
    "aws_cognito_user_pool_client",
    "aws_cognito_user_pool",
    "aws_cognito_identity_pool",
    "aws_cognito_identity_pool_roles_attachment",
    "aws_lambda_permission",
    "aws_wafv2_web_acl_association",
];

/// A `for_each` value's keys and values: a map, or a set of strings (each its own key).
fn each_pairs(value: &Value) -> Option<Vec<(String, Value)>> {
    match value {
        Value::Map(entries) => Some(entries.iter().cloned().collect()),
        Value::List(items) => items
            .iter()
            .map(|item| item.to_text().map(|key| (key, item.clone())))
            .collect(),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

pub struct Lowering<'e, 'a> {
    eval: &'e Evaluator<'a>,
    instances: &'e [Instance<'a>],
    by_kind: HashMap<&'a str, Vec<usize>>,
    /// (module, type, name) → the instances of that resource block.
    by_address: HashMap<(&'e str, &'a str, &'a str), Vec<usize>>,
    /// Instance index → index into `workspace.apis`.
    apis: HashMap<usize, usize>,
    /// `aws_api_gateway_resource` instance → its path.
    paths: HashMap<usize, String>,
    /// Coverage notes for `dynamic` blocks whose `for_each` is not known.
    dynamic_notes: RefCell<Vec<NotVisible>>,
}

impl<'e, 'a> Lowering<'e, 'a> {
    pub fn new(eval: &'e Evaluator<'a>, instances: &'e [Instance<'a>]) -> Self {
        let mut by_kind: HashMap<&'a str, Vec<usize>> = HashMap::default();
        let mut by_address: HashMap<(&'e str, &'a str, &'a str), Vec<usize>> = HashMap::default();
        for (index, instance) in instances.iter().enumerate() {
            by_kind.entry(instance.kind).or_default().push(index);
            by_address
                .entry((instance.module.as_str(), instance.kind, instance.name))
                .or_default()
                .push(index);
        }
        Lowering {
            eval,
            instances,
            by_kind,
            by_address,
            apis: HashMap::default(),
            paths: HashMap::default(),
            dynamic_notes: RefCell::default(),
        }
    }

    fn of(&self, kind: &str) -> Vec<usize> {
        self.by_kind.get(kind).cloned().unwrap_or_default()
    }

    fn instance(&self, index: usize) -> Option<&'e Instance<'a>> {
        self.instances.get(index)
    }

    /// Every instance of the resources of type `kind`.
    fn instances_of(&self, kind: &str) -> Vec<&'e Instance<'a>> {
        self.of(kind)
            .into_iter()
            .filter_map(|index| self.instance(index))
            .collect()
    }

    fn value(&self, instance: &Instance<'a>, name: &str) -> Value {
        instance
            .attribute(name)
            .map_or(Value::Null, |a| self.eval.eval(&a.value, &instance.ctx))
    }

    fn value_in(
        &self,
        instance: &Instance<'a>,
        body: &'a Body,
        name: &str,
        ctx: &Ctx<'a>,
    ) -> Value {
        let _ = instance;
        body.attribute(name)
            .map_or(Value::Null, |a| self.eval.eval(&a.value, ctx))
    }

    /// The instance a reference names (by any of its attributes).
    fn target(&self, value: &Value, kind: &str) -> Option<usize> {
        let Value::Ref(reference) = value else {
            return None;
        };
        if reference.kind != kind {
            return None;
        }
        let candidates = self.by_address.get(&(
            reference.module.as_str(),
            reference.kind.as_str(),
            reference.name.as_str(),
        ))?;
        candidates.iter().copied().find(|&i| {
            self.instance(i)
                .is_some_and(|x| x.is(reference, candidates.len()))
        })
    }

    /// The REST API an instance's `rest_api_id` names (see [`Self::api_of`]).
    fn rest_api_of(&mut self, instance: &Instance<'a>, workspace: &mut Workspace) -> Option<usize> {
        self.api_of(
            instance,
            "rest_api_id",
            "aws_api_gateway_rest_api",
            ApiKind::Rest,
            workspace,
        )
    }

    /// The HTTP or WebSocket API an instance's `api_id` names (see [`Self::api_of`]).
    fn v2_api_of(&mut self, instance: &Instance<'a>, workspace: &mut Workspace) -> Option<usize> {
        self.api_of(
            instance,
            "api_id",
            "aws_apigatewayv2_api",
            ApiKind::Http,
            workspace,
        )
    }

    /// The API an `rest_api_id` / `api_id` names; an id from outside the configuration stands
    /// for an API whose other routes are not visible.
    fn api_of(
        &mut self,
        instance: &Instance<'a>,
        attribute: &str,
        kind: &str,
        api_kind: ApiKind,
        workspace: &mut Workspace,
    ) -> Option<usize> {
        let value = self.value(instance, attribute);
        if let Some(target) = self.target(&value, kind) {
            return self.apis.get(&target).copied();
        }
        let at = instance.attribute_loc(attribute)?;
        let spelling = written(instance, attribute)?;
        if let Some(existing) = workspace
            .apis
            .iter()
            .position(|a| a.name == spelling && a.kind == api_kind)
        {
            return Some(existing);
        }
        let mut api = Api::new(spelling.clone(), api_kind, at.clone());
        // A resource or data source outside this module is named by its address, as the
        // configuration's own APIs are; any other expression as written.
        api.display = if is_address(&spelling) {
            spelling.clone()
        } else {
            format!("the API `{spelling}`")
        };
        api.aws = true;
        api.notation = Notation::Terraform;
        // A literal id, a `var.`, a `data.` source: the API, with its authorizers, stages,
        // throttling and policy, is created elsewhere. A module's output may name one of the
        // configuration's own APIs, which gatelint does not trace through it.
        let reason = match spelling.strip_prefix("module.") {
            Some(output) => {
                let module = output.split('.').next().unwrap_or(output);
                format!("the id is an output of `module.{module}`, which gatelint does not follow")
            }
            None => "the API is not defined in this configuration".to_owned(),
        };
        api.hidden_routes = Some(HiddenRoutes::because(at, reason));
        workspace.apis.push(api);
        Some(workspace.apis.len() - 1)
    }

    pub fn lower(&mut self, workspace: &mut Workspace, notes: &mut Vec<NotVisible>) {
        self.rest_apis(workspace, notes);
        self.v2_apis(workspace, notes);
        for instance in self.instances_of("aws_api_gateway_authorizer") {
            let authorizer = self.rest_authorizer(instance);
            if let Some(api) = self.rest_api_of(instance, workspace)
                && let Some(api) = workspace.apis.get_mut(api)
            {
                api.authorizers.push(authorizer);
            }
        }
        for instance in self.instances_of("aws_api_gateway_method") {
            let route = self.method(instance);
            if let Some(api) = self.rest_api_of(instance, workspace)
                && let Some(api) = workspace.apis.get_mut(api)
            {
                api.routes.push(route);
            }
        }
        for instance in self.instances_of("aws_apigatewayv2_authorizer") {
            let authorizer = self.v2_authorizer(instance);
            if let Some(api) = self.v2_api_of(instance, workspace)
                && let Some(api) = workspace.apis.get_mut(api)
            {
                api.authorizers.push(authorizer);
            }
        }
        for instance in self.instances_of("aws_apigatewayv2_route") {
            if let Some(api) = self.v2_api_of(instance, workspace)
                && let Some(api) = workspace.apis.get_mut(api)
            {
                let route = self.v2_route(instance, api.kind);
                api.routes.push(route);
            }
        }
        self.rest_stages(workspace);
        self.v2_stages(workspace);
        self.rest_deployments(workspace);
        self.v2_deployments(workspace);
        for instance in self.instances_of("aws_lambda_function_url") {
            workspace.function_urls.push(self.function_url(instance));
        }
        for instance in self.instances_of("aws_cognito_user_pool_client") {
            workspace
                .token_issuers
                .push(self.user_pool_client(instance));
        }
        self.domains(workspace);
        self.rest_cors(workspace);
        self.identity(workspace);
        notes.append(&mut self.dynamic_notes.borrow_mut());
    }

    fn rest_apis(&mut self, workspace: &mut Workspace, notes: &mut Vec<NotVisible>) {
        // Policies attached through `aws_api_gateway_rest_api_policy`: the API they name and
        // the policy.
        let policies: Vec<(Value, ResourcePolicy)> = self
            .of("aws_api_gateway_rest_api_policy")
            .into_iter()
            .filter_map(|i| self.instance(i))
            .map(|p| {
                let policy = match p.attribute("policy") {
                    Some(attribute) => self.resource_policy(p, attribute),
                    None => ResourcePolicy {
                        origin: p.origin(),
                        statements: Resolved::Unknown,
                    },
                };
                (self.value(p, "rest_api_id"), policy)
            })
            .collect();
        let mut policies: Vec<Option<(Value, ResourcePolicy)>> =
            policies.into_iter().map(Some).collect();
        for index in self.of("aws_api_gateway_rest_api") {
            let Some(instance) = self.instance(index) else {
                continue;
            };
            let mut api = Api::new(instance.address(), ApiKind::Rest, instance.origin());
            api.aws = true;
            api.notation = Notation::Terraform;
            let (endpoint, endpoint_origin) = self.endpoint(instance);
            api.endpoint = endpoint;
            api.endpoint_origin = endpoint_origin;
            if let Some(attribute) = instance.attribute("policy")
                && !self.value(instance, "policy").is_null()
            {
                api.resource_policies
                    .push(self.resource_policy(instance, attribute));
            }
            for slot in &mut policies {
                if slot.as_ref().is_some_and(|(api, _)| {
                    self.target(api, "aws_api_gateway_rest_api") == Some(index)
                }) && let Some((_, policy)) = slot.take()
                {
                    api.resource_policies.push(policy);
                }
            }
            let (disabled, disabled_origin) = self.default_endpoint(instance);
            api.default_endpoint_disabled = disabled;
            api.default_endpoint_origin = disabled_origin;
            self.body(instance, &mut api, notes);
            self.apis.insert(index, workspace.apis.len());
            workspace.apis.push(api);
        }
    }

    /// `endpoint_configuration { types = [...] }` and where the types are written; EDGE when
    /// there is none.
    fn endpoint(&self, instance: &Instance<'a>) -> (Resolved<EndpointType>, Option<Loc>) {
        let blocks = self.nested(
            instance.body(),
            "endpoint_configuration",
            &instance.ctx,
            instance.file,
            &instance.address(),
        );
        let Some(config) = blocks.first() else {
            return (Resolved::Known(EndpointType::Edge), None);
        };
        let types = self.value_in(instance, config.body, "types", &config.ctx);
        let endpoint = types.resolve(&|types| match types {
            Value::List(items) => crate::formats::cloudformation::gateway::endpoint_type(
                items.first().and_then(Value::as_str),
            ),
            _ => Resolved::Unknown,
        });
        let at = config
            .body
            .attribute("types")
            .map_or_else(|| instance.loc(config.header), |a| instance.loc(a.span));
        (config.settle(endpoint).under(&instance.when), Some(at))
    }

    /// An OpenAPI `body`, lowered through the OpenAPI view: written in HCL under
    /// `jsonencode`/`yamlencode` (spans in the `.tf` file), or read with `file` or
    /// `templatefile` (spans in that file; placeholders stay as written). Anything else hides
    /// the API's routes.
    fn body(&self, instance: &Instance<'a>, api: &mut Api, notes: &mut Vec<NotVisible>) {
        let Some(attribute) = instance.attribute("body") else {
            return;
        };
        let value = self.eval.eval(&attribute.value, &instance.ctx);
        if value.is_null() {
            return;
        }
        let document = self.body_document(&attribute.value, instance.file, &instance.ctx, 0);
        let Some(document) = document else {
            let _ = notes;
            api.hidden_routes = Some(HiddenRoutes::because(
                instance.loc(attribute.span),
                "its body is computed in a way gatelint does not evaluate",
            ));
            return;
        };
        match openapi::Spec::detect(document.root()) {
            Some(Ok(spec)) => {
                openapi::lower_into(api, spec);
            }
            _ => {
                api.hidden_routes = Some(HiddenRoutes::because(
                    instance.loc(attribute.span),
                    "its body is not an OpenAPI document gatelint can read",
                ));
            }
        }
    }

    fn body_document(
        &self,
        expr: &'a Expr,
        file: &'a Arc<SourceFile>,
        ctx: &Ctx<'a>,
        depth: usize,
    ) -> Option<Document> {
        if depth > MAX_INDIRECTION {
            return None;
        }
        match &expr.kind {
            ExprKind::Call { name, args, .. } if name == "jsonencode" || name == "yamlencode" => {
                let arg = args.first()?;
                let mut budget = MAX_BODY_NODES;
                let root = self.node_of(arg, file, ctx, &mut budget)?;
                Some(Document::built(Arc::clone(file), root))
            }
            ExprKind::Call { name, args, .. } if name == "file" || name == "templatefile" => {
                let path = self.eval.eval(args.first()?, ctx);
                let source = self.eval.loader().read_source(path.as_str()?).ok()?;
                crate::syntax::parse(&source).ok()?.into_iter().next()
            }
            ExprKind::Traversal(base, steps) => {
                let ExprKind::Variable(root) = &base.kind else {
                    return None;
                };
                let Some(crate::syntax::hcl::Step::Attr(name)) = steps.first() else {
                    return None;
                };
                if steps.len() != 1 {
                    return None;
                }
                let scope = self.eval.scopes.get(ctx.scope)?;
                match root.as_str() {
                    "local" => {
                        let local = scope.config.locals.get(name.as_str())?;
                        self.body_document(
                            &local.item.value,
                            local.file,
                            &Ctx::new(ctx.scope, local.file),
                            depth + 1,
                        )
                    }
                    "var" if scope.call.is_none() => {
                        let variable = scope.config.variables.get(name.as_str())?;
                        let default = variable.item.body.attribute("default")?;
                        self.body_document(
                            &default.value,
                            variable.file,
                            &Ctx::new(ctx.scope, variable.file),
                            depth + 1,
                        )
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// An HCL expression as a located tree: objects and arrays keep their spans, other values
    /// are evaluated and placed at the expression.
    fn node_of(
        &self,
        expr: &'a Expr,
        file: &'a Arc<SourceFile>,
        ctx: &Ctx<'a>,
        budget: &mut usize,
    ) -> Option<Node> {
        *budget = budget.checked_sub(1)?;
        match &expr.kind {
            ExprKind::Object(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    let key_text = self.eval.eval(key, ctx).to_text()?;
                    out.push(Entry {
                        key: Node::scalar(
                            ScalarStyle::DoubleQuoted,
                            &key_text,
                            key.span,
                            file.text(),
                        ),
                        value: self.node_of(value, file, ctx, budget)?,
                    });
                }
                Some(Node::map(out, expr.span))
            }
            ExprKind::Array(items) => {
                let items: Option<Vec<Node>> = items
                    .iter()
                    .map(|i| self.node_of(i, file, ctx, budget))
                    .collect();
                Some(Node::seq(items?, expr.span))
            }
            _ => value_node(&self.eval.eval(expr, ctx), expr.span, file.text(), budget),
        }
    }

    fn rest_authorizer(&self, instance: &Instance<'a>) -> Authorizer {
        let kind = match self
            .value(instance, "type")
            .to_text()
            .map(|t| t.to_ascii_uppercase())
            .as_deref()
        {
            // The provider's default type is TOKEN.
            None if self.value(instance, "type").is_null() => AuthorizerKind::LambdaToken,
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
        let mut authorizer = Authorizer::new(instance.address(), kind, instance.origin());
        if lambda {
            authorizer.cache_ttl = self
                .value(instance, "authorizer_result_ttl_in_seconds")
                .resolve(&|v| match v {
                    Value::Null => Resolved::Known(DEFAULT_REST_AUTHORIZER_TTL),
                    v => v.as_number().map(|n| n.max(0.0) as u64).into(),
                })
                .under(&instance.when);
            authorizer.cache_ttl_origin =
                instance.attribute_loc("authorizer_result_ttl_in_seconds");
        }
        authorizer.identity_source =
            self.value(instance, "identity_source")
                .resolve(&|v| match v {
                    Value::Null => Resolved::Known(None),
                    v => v.to_text().map(Some).into(),
                });
        authorizer.identity_source_origin = instance.attribute_loc("identity_source");
        authorizer.validation_expression = instance.attribute_loc("identity_validation_expression");
        let missing = match authorizer.kind {
            AuthorizerKind::LambdaToken | AuthorizerKind::LambdaRequest => {
                Some("authorizer_uri").filter(|f| instance.attribute(f).is_none())
            }
            AuthorizerKind::Cognito => Some("provider_arns").filter(|f| {
                instance.attribute(f).is_none()
                    || matches!(self.value(instance, f), Value::List(items) if items.is_empty())
            }),
            _ => None,
        };
        if let Some(field) = missing {
            let at = instance
                .attribute_loc("type")
                .unwrap_or_else(|| instance.origin());
            authorizer.missing.push((field.to_owned(), at));
        }
        authorizer
    }

    /// The name a route uses for the authorizer `authorizer_id` refers to: its address when it
    /// is in the configuration, nothing known otherwise.
    fn authorizer_use(&self, instance: &Instance<'a>, kind: &str, scopes: &[String]) -> Auth {
        let Some(attribute) = instance.attribute("authorizer_id") else {
            return Auth::Authorizers(
                vec![AuthorizerUse {
                    name: String::new().into(),
                    scopes: scopes.to_vec().into(),
                    origin: instance
                        .attribute_loc("authorization")
                        .or_else(|| instance.attribute_loc("authorization_type"))
                        .unwrap_or_else(|| instance.origin()),
                }]
                .into(),
            );
        };
        let value = self.eval.eval(&attribute.value, &instance.ctx);
        match self.target(&value, kind).and_then(|i| self.instance(i)) {
            Some(target) => Auth::Authorizers(
                vec![AuthorizerUse {
                    name: target.address().into(),
                    scopes: scopes.to_vec().into(),
                    origin: instance.loc(attribute.span),
                }]
                .into(),
            ),
            None => Auth::Authorizers(Default::default()),
        }
    }

    fn scopes(&self, instance: &Instance<'a>) -> Vec<String> {
        match self.value(instance, "authorization_scopes") {
            Value::List(items) => items.iter().filter_map(Value::to_text).collect(),
            _ => Vec::new(),
        }
    }

    /// What an authorization type asks of callers. `types` are those that call the authorizer
    /// `authorizer_id` names.
    fn authorization(
        &self,
        instance: &Instance<'a>,
        attribute: &str,
        api_key: &Resolved<bool>,
        authorizer_kind: &str,
    ) -> Resolved<Auth> {
        let scopes = self.scopes(instance);
        let declared = instance.attribute(attribute).is_some();
        let authorizer = self.authorizer_use(instance, authorizer_kind, &scopes);
        self.value(instance, attribute).resolve(&|t| match t
            .to_text()
            .map(|t| t.to_ascii_uppercase())
            .as_deref()
        {
            Some("NONE") => none(declared, api_key),
            None if t.is_null() => none(false, api_key),
            Some("AWS_IAM") => Resolved::Known(Auth::Iam),
            Some("CUSTOM" | "COGNITO_USER_POOLS" | "JWT") => Resolved::Known(authorizer.clone()),
            _ => Resolved::Unknown,
        })
    }

    fn method(&mut self, instance: &Instance<'a>) -> Route {
        let method = self
            .value(instance, "http_method")
            .to_text()
            .and_then(|m| Method::parse(&m))
            .unwrap_or(Method::Any);
        let path = self.method_path(instance);
        let api_key = bool_setting(&self.value(instance, "api_key_required"), false);
        let auth = self.authorization(
            instance,
            "authorization",
            &api_key,
            "aws_api_gateway_authorizer",
        );
        let runs_backend = method == Method::Options && self.options_runs_backend(instance);
        Route {
            method,
            path: path.into(),
            references: references(&auth),
            auth: auth.under(&instance.when),
            auth_origin: instance.attribute_loc("authorization"),
            api_key_required: api_key,
            cors_preflight: method == Method::Options && !runs_backend,
            origin: instance.origin(),
            source: RouteSource::Resource(instance.address().into()),
            inherits_connection_auth: false,
        }
    }

    /// Whether an integration of this OPTIONS method runs a backend (anything but MOCK).
    fn options_runs_backend(&self, method: &Instance<'a>) -> bool {
        let resource = self.value(method, "resource_id");
        self.of("aws_api_gateway_integration")
            .into_iter()
            .filter_map(|i| self.instance(i))
            .any(|integration| {
                let same_resource = self.value(integration, "resource_id") == resource;
                let http_method = self.value(integration, "http_method");
                let same_method = match &http_method {
                    Value::Ref(r) => {
                        r.kind == "aws_api_gateway_method"
                            && r.name == method.name
                            && r.module == method.module
                    }
                    other => other
                        .to_text()
                        .is_some_and(|m| m.eq_ignore_ascii_case("OPTIONS")),
                };
                same_resource
                    && same_method
                    && self
                        .value(integration, "type")
                        .to_text()
                        .is_some_and(|t| !t.eq_ignore_ascii_case("MOCK"))
            })
    }

    fn method_path(&mut self, method: &Instance<'a>) -> String {
        let value = self.value(method, "resource_id");
        match self.resource_target(&value) {
            ResourceTarget::Root => "/".to_owned(),
            ResourceTarget::Resource(index) => self.resource_path(index),
            // A resource outside this module (a variable, a data source, another module's
            // output): named as written, as CloudFormation's lowering names one.
            ResourceTarget::Unknown => format!(
                "<resource {}>",
                written(method, "resource_id").unwrap_or_else(|| UNKNOWN_SEGMENT.to_owned())
            ),
        }
    }

    fn resource_target(&self, value: &Value) -> ResourceTarget {
        match value {
            Value::Ref(r)
                if r.kind == "aws_api_gateway_rest_api"
                    && r.attributes.last().map(String::as_str) == Some("root_resource_id") =>
            {
                ResourceTarget::Root
            }
            Value::Ref(r) if r.kind == "aws_api_gateway_resource" => self
                .target(value, "aws_api_gateway_resource")
                .map_or(ResourceTarget::Unknown, ResourceTarget::Resource),
            _ => ResourceTarget::Unknown,
        }
    }

    fn resource_path(&mut self, index: usize) -> String {
        let mut chain: Vec<usize> = Vec::new();
        let mut current = index;
        let mut prefix = loop {
            if let Some(known) = self.paths.get(&current) {
                break known.clone();
            }
            if chain.len() > MAX_PATH_DEPTH || chain.contains(&current) {
                break format!("/{UNKNOWN_SEGMENT}");
            }
            let Some(resource) = self.instance(current) else {
                break format!("/{UNKNOWN_SEGMENT}");
            };
            chain.push(current);
            match self.resource_target(&self.value(resource, "parent_id")) {
                ResourceTarget::Root => break String::new(),
                ResourceTarget::Resource(parent) => current = parent,
                ResourceTarget::Unknown => break format!("/{UNKNOWN_SEGMENT}"),
            }
        };
        for index in chain.into_iter().rev() {
            let part = self
                .instance(index)
                .and_then(|r| self.value(r, "path_part").to_text())
                .unwrap_or_else(|| UNKNOWN_SEGMENT.to_owned());
            prefix = format!("{}/{part}", prefix.trim_end_matches('/'));
            self.paths.insert(index, prefix.clone());
        }
        if prefix.is_empty() {
            prefix.push('/');
        }
        prefix
    }

    fn v2_apis(&mut self, workspace: &mut Workspace, notes: &mut Vec<NotVisible>) {
        for index in self.of("aws_apigatewayv2_api") {
            let Some(instance) = self.instance(index) else {
                continue;
            };
            let protocol = self
                .value(instance, "protocol_type")
                .to_text()
                .map(|p| p.to_ascii_uppercase());
            let kind = if protocol.as_deref() == Some("WEBSOCKET") {
                ApiKind::WebSocket
            } else {
                ApiKind::Http
            };
            let mut api = Api::new(instance.address(), kind, instance.origin());
            api.aws = true;
            api.notation = Notation::Terraform;
            api.endpoint = Resolved::Known(EndpointType::Regional);
            self.body(instance, &mut api, notes);
            let (disabled, disabled_origin) = self.default_endpoint(instance);
            api.default_endpoint_disabled = disabled;
            api.default_endpoint_origin = disabled_origin;
            api.cors.extend(self.cors_configuration(instance));
            // Quick create: `target` makes a `$default` route (or `route_key`) with no
            // authorization, and an auto-deployed `$default` stage.
            if let Some(target) = instance.attribute("target")
                && !self.value(instance, "target").is_null()
            {
                let key = self
                    .value(instance, "route_key")
                    .to_text()
                    .unwrap_or_else(|| "$default".to_owned());
                let (method, path) = parse_route_key(Some(&key), &instance.address());
                let at = instance.loc(target.span);
                api.routes.push(Route {
                    method,
                    path: path.into(),
                    auth: Resolved::Known(Auth::Open(OpenBecause::Missing)).under(&instance.when),
                    auth_origin: None,
                    api_key_required: Resolved::Known(false),
                    references: Default::default(),
                    cors_preflight: false,
                    origin: at.clone(),
                    source: RouteSource::Resource(instance.address().into()),
                    inherits_connection_auth: false,
                });
                api.stages.push(Stage {
                    implicit: None,
                    name: "$default".to_owned(),
                    origin: at,
                    throttle: Resolved::Known(false),
                    usage_plans: Vec::new(),
                    access_log: Resolved::Known(false),
                    auto_deploy: Resolved::Known(true),
                    data_trace: Resolved::Known(false),
                    data_trace_origin: None,
                    web_acl: Resolved::Unknown,
                });
            }
            self.apis.insert(index, workspace.apis.len());
            workspace.apis.push(api);
        }
    }

    fn v2_authorizer(&self, instance: &Instance<'a>) -> Authorizer {
        let kind = match self
            .value(instance, "authorizer_type")
            .to_text()
            .map(|t| t.to_ascii_uppercase())
            .as_deref()
        {
            Some("JWT") => AuthorizerKind::Jwt,
            Some("REQUEST") => AuthorizerKind::LambdaRequest,
            Some(other) => AuthorizerKind::Other(other.to_owned()),
            None => AuthorizerKind::Other("unknown".into()),
        };
        let mut authorizer = Authorizer::new(instance.address(), kind, instance.origin());
        let type_at = instance
            .attribute_loc("authorizer_type")
            .unwrap_or_else(|| instance.origin());
        match authorizer.kind {
            AuthorizerKind::LambdaRequest => {
                authorizer.cache_ttl = self
                    .value(instance, "authorizer_result_ttl_in_seconds")
                    .resolve(&|v| match v {
                        Value::Null => Resolved::Known(DEFAULT_V2_AUTHORIZER_TTL),
                        v => v.as_number().map(|n| n.max(0.0) as u64).into(),
                    })
                    .under(&instance.when);
                authorizer.cache_ttl_origin =
                    instance.attribute_loc("authorizer_result_ttl_in_seconds");
                authorizer.identity_source =
                    self.value(instance, "identity_sources")
                        .resolve(&|v| match v {
                            Value::List(sources) => {
                                let joined: Vec<String> =
                                    sources.iter().filter_map(Value::to_text).collect();
                                Resolved::Known(Some(joined.join(", ")).filter(|s| !s.is_empty()))
                            }
                            Value::Null => Resolved::Known(None),
                            _ => Resolved::Unknown,
                        });
                authorizer.identity_source_origin = instance.attribute_loc("identity_sources");
                if instance.attribute("authorizer_uri").is_none() {
                    authorizer.missing.push(("authorizer_uri".into(), type_at));
                }
            }
            AuthorizerKind::Jwt => {
                let configs = self.nested(
                    instance.body(),
                    "jwt_configuration",
                    &instance.ctx,
                    instance.file,
                    &instance.address(),
                );
                match configs.first() {
                    // Made by a `dynamic` block gatelint cannot expand: nothing is known.
                    Some(block) if block.unknown => {}
                    None => {
                        authorizer.audience = Resolved::Known(Vec::new());
                        authorizer.audience_origin = Some(type_at.clone());
                        authorizer
                            .missing
                            .push(("jwt_configuration.issuer".into(), type_at));
                    }
                    Some(block) => {
                        let audience = self.value_in(instance, block.body, "audience", &block.ctx);
                        authorizer.audience = audience
                            .resolve(&|a| match a {
                                Value::Null => Resolved::Known(Vec::new()),
                                Value::List(items) => {
                                    let mut out = Vec::new();
                                    for item in items.iter() {
                                        match item {
                                            Value::Ref(r) => {
                                                out.push(format!("{}.{}", r.kind, r.name))
                                            }
                                            other => match other.to_text() {
                                                Some(t) => out.push(t),
                                                None => return Resolved::Unknown,
                                            },
                                        }
                                    }
                                    Resolved::Known(out)
                                }
                                _ => Resolved::Unknown,
                            })
                            .under(&instance.when);
                        authorizer.audience_origin =
                            Some(block.body.attribute("audience").map_or_else(
                                || instance.loc(block.header),
                                |a| instance.loc(a.span),
                            ));
                        let issuer = block.body.attribute("issuer");
                        authorizer.issuer_origin = issuer.map(|a| instance.loc(a.span));
                        match issuer {
                            Some(issuer) => {
                                authorizer.issuer =
                                    issuer_value(issuer, instance, &block.ctx, self.eval)
                            }
                            None => authorizer.missing.push((
                                "jwt_configuration.issuer".into(),
                                instance.loc(block.header),
                            )),
                        }
                    }
                }
            }
            _ => {}
        }
        authorizer
    }

    fn v2_route(&self, instance: &Instance<'a>, kind: ApiKind) -> Route {
        let key = self.value(instance, "route_key").to_text();
        let (method, path) = parse_route_key(key.as_deref(), &instance.address());
        let api_key = if kind == ApiKind::WebSocket {
            bool_setting(&self.value(instance, "api_key_required"), false)
        } else {
            Resolved::Known(false)
        };
        let auth = self.authorization(
            instance,
            "authorization_type",
            &api_key,
            "aws_apigatewayv2_authorizer",
        );
        Route {
            method,
            inherits_connection_auth: kind == ApiKind::WebSocket && path != "$connect",
            path: path.into(),
            references: references(&auth),
            auth: auth.under(&instance.when),
            auth_origin: instance.attribute_loc("authorization_type"),
            api_key_required: api_key,
            cors_preflight: false,
            origin: instance.origin(),
            source: RouteSource::Resource(instance.address().into()),
        }
    }

    fn rest_stages(&mut self, workspace: &mut Workspace) {
        // Stage-wide throttling set by aws_api_gateway_method_settings for `*/*`.
        let settings: Vec<(Value, Value, Resolved<bool>)> = self
            .of("aws_api_gateway_method_settings")
            .into_iter()
            .filter_map(|i| self.instance(i))
            .filter(|s| self.value(s, "method_path").as_str() == Some("*/*"))
            .map(|s| {
                let throttle = self
                    .nested(s.body(), "settings", &s.ctx, s.file, &s.address())
                    .iter()
                    .fold(Resolved::Known(false), |so_far, block| {
                        let set = limit_set(&self.value_in(
                            s,
                            block.body,
                            "throttling_rate_limit",
                            &block.ctx,
                        ))
                        .or(&limit_set(&self.value_in(
                            s,
                            block.body,
                            "throttling_burst_limit",
                            &block.ctx,
                        )));
                        so_far.or(&block.settle_flag(set))
                    });
                (
                    self.value(s, "rest_api_id"),
                    self.value(s, "stage_name"),
                    throttle.under(&s.when),
                )
            })
            .collect();
        let plans: Vec<PlanStages> = self
            .of("aws_api_gateway_usage_plan")
            .into_iter()
            .filter_map(|i| self.instance(i))
            .map(|plan| {
                let owner = plan.address();
                let throttle = self
                    .nested(
                        plan.body(),
                        "throttle_settings",
                        &plan.ctx,
                        plan.file,
                        &owner,
                    )
                    .iter()
                    .fold(Resolved::Known(false), |so_far, block| {
                        let set =
                            limit_set(&self.value_in(plan, block.body, "rate_limit", &block.ctx))
                                .or(&limit_set(&self.value_in(
                                    plan,
                                    block.body,
                                    "burst_limit",
                                    &block.ctx,
                                )));
                        so_far.or(&block.settle_flag(set))
                    });
                let stages = self
                    .nested(plan.body(), "api_stages", &plan.ctx, plan.file, &owner)
                    .iter()
                    .map(|b| {
                        (
                            self.value_in(plan, b.body, "api_id", &b.ctx),
                            self.value_in(plan, b.body, "stage", &b.ctx),
                        )
                    })
                    .collect();
                (
                    plan.address(),
                    plan.origin(),
                    throttle.under(&plan.when),
                    stages,
                )
            })
            .collect();
        // Full request logging set by aws_api_gateway_method_settings, for any method.
        let traces: Vec<(Value, Value, Resolved<bool>, Option<Loc>)> = self
            .instances_of("aws_api_gateway_method_settings")
            .into_iter()
            .map(|s| {
                let mut on = Resolved::Known(false);
                let mut at = None;
                for block in self.nested(s.body(), "settings", &s.ctx, s.file, &s.address()) {
                    let Some(flag) = block.body.attribute("data_trace_enabled") else {
                        continue;
                    };
                    let value = block.settle_flag(bool_setting(
                        &self.eval.eval(&flag.value, &block.ctx),
                        false,
                    ));
                    if at.is_none() && value.any(|v| *v) {
                        at = Some(s.loc(flag.span));
                    }
                    on = on.or(&value);
                }
                (
                    self.value(s, "rest_api_id"),
                    self.value(s, "stage_name"),
                    on.under(&s.when),
                    at,
                )
            })
            .collect();
        let (protected, unreadable) = self.web_acl_targets();
        for stage_index in self.of("aws_api_gateway_stage") {
            let Some(instance) = self.instance(stage_index) else {
                continue;
            };
            let Some(api_index) = self.rest_api_of(instance, workspace) else {
                continue;
            };
            let rest_api = self.value(instance, "rest_api_id");
            let name_value = self.value(instance, "stage_name");
            let name = name_value.to_text().unwrap_or_else(|| instance.address());
            let stage_ref = |v: &Value| matches!(v, Value::Ref(r) if r.kind == "aws_api_gateway_stage" && instance.is(r, 1));
            let throttle = settings
                .iter()
                .filter(|(api, stage, _)| {
                    *api == rest_api
                        && (stage_ref(stage)
                            || (stage.to_text().is_some()
                                && stage.to_text() == name_value.to_text()))
                })
                .fold(Resolved::Known(false), |so_far, (_, _, t)| so_far.or(t));
            let names_stage = |api: &Value, stage: &Value| {
                *api == rest_api
                    && (stage_ref(stage)
                        || (stage.to_text().is_some() && stage.to_text() == name_value.to_text()))
            };
            let mut data_trace_origin = None;
            let data_trace = traces
                .iter()
                .filter(|(api, stage, _, _)| names_stage(api, stage))
                .fold(Resolved::Known(false), |so_far, (_, _, on, at)| {
                    if data_trace_origin.is_none() && on.any(|v| *v) {
                        data_trace_origin = at.clone();
                    }
                    so_far.or(on)
                });
            let otherwise = if unreadable {
                Resolved::Unknown
            } else {
                Resolved::Known(false)
            };
            let web_acl = protected
                .iter()
                .filter(|(stage, _)| *stage == stage_index)
                .fold(Resolved::Known(false), |so_far, (_, exists)| {
                    so_far.or(exists)
                })
                .or(&otherwise);
            let usage_plans = plans
                .iter()
                .filter(|(_, _, _, stages)| {
                    stages.iter().any(|(api, stage)| {
                        *api == rest_api
                            && (stage_ref(stage)
                                || (stage.to_text().is_some()
                                    && stage.to_text() == name_value.to_text()))
                    })
                })
                .map(|(name, origin, throttle, _)| UsagePlanUse {
                    name: name.clone(),
                    throttle: throttle.clone(),
                    origin: origin.clone(),
                })
                .collect();
            let stage = Stage {
                implicit: None,
                name,
                origin: instance.origin(),
                throttle: throttle.under(&instance.when),
                usage_plans,
                access_log: self
                    .present(
                        instance.body(),
                        "access_log_settings",
                        &instance.ctx,
                        instance.file,
                        &instance.address(),
                    )
                    .under(&instance.when),
                auto_deploy: Resolved::Known(false),
                data_trace: data_trace.under(&instance.when),
                data_trace_origin,
                web_acl: web_acl.under(&instance.when),
            };
            if let Some(api) = workspace.apis.get_mut(api_index) {
                api.stages.push(stage);
            }
        }
    }

    fn v2_stages(&mut self, workspace: &mut Workspace) {
        for instance in self.instances_of("aws_apigatewayv2_stage") {
            let Some(api_index) = self.v2_api_of(instance, workspace) else {
                continue;
            };
            let owner = instance.address();
            let throttles = |block: &Nested<'a>| {
                limit_set(&self.value_in(instance, block.body, "throttling_rate_limit", &block.ctx))
                    .or(&limit_set(&self.value_in(
                        instance,
                        block.body,
                        "throttling_burst_limit",
                        &block.ctx,
                    )))
            };
            let defaults = self.nested(
                instance.body(),
                "default_route_settings",
                &instance.ctx,
                instance.file,
                &owner,
            );
            let default_throttle = defaults
                .iter()
                .fold(Resolved::Known(false), |so_far, block| {
                    so_far.or(&block.settle_flag(throttles(block)))
                });
            let routes = self.nested(
                instance.body(),
                "route_settings",
                &instance.ctx,
                instance.file,
                &owner,
            );
            // Route settings that throttle every route of the API; one made by a `dynamic`
            // block that cannot be read could be any route's.
            let routes_unknown = routes.iter().any(|b| b.unknown);
            let route_settings: Vec<(Option<String>, Resolved<bool>)> = routes
                .iter()
                .map(|b| {
                    let key = self
                        .value_in(instance, b.body, "route_key", &b.ctx)
                        .to_text();
                    (key, b.settle(throttles(b)))
                })
                .collect();
            // Full request logging (WebSocket APIs), in the default or a route's settings.
            let mut data_trace_origin = None;
            let data_trace = defaults.iter().chain(routes.iter()).fold(
                Resolved::Known(false),
                |so_far, block| {
                    let Some(flag) = block.body.attribute("data_trace_enabled") else {
                        return so_far;
                    };
                    let on = block.settle_flag(bool_setting(
                        &self.eval.eval(&flag.value, &block.ctx),
                        false,
                    ));
                    if data_trace_origin.is_none() && on.any(|v| *v) {
                        data_trace_origin = Some(instance.loc(flag.span));
                    }
                    so_far.or(&on)
                },
            );
            let Some(api) = workspace.apis.get_mut(api_index) else {
                continue;
            };
            let every_route = if routes_unknown {
                Resolved::Unknown
            } else if api.routes.is_empty() || route_settings.is_empty() {
                Resolved::Known(false)
            } else {
                api.routes.iter().fold(Resolved::Known(true), |all, route| {
                    let key = route_key(route);
                    match route_settings
                        .iter()
                        .find(|(k, _)| k.as_deref() == Some(key.as_str()))
                    {
                        Some((_, t)) => all.and_then(&|so_far| {
                            if *so_far {
                                t.clone()
                            } else {
                                Resolved::Known(false)
                            }
                        }),
                        None => Resolved::Known(false),
                    }
                })
            };
            let auto_deploy = bool_setting(&self.value(instance, "auto_deploy"), false);
            api.stages.push(Stage {
                implicit: None,
                name: self
                    .value(instance, "name")
                    .to_text()
                    .unwrap_or_else(|| instance.address()),
                origin: instance.origin(),
                throttle: default_throttle.or(&every_route).under(&instance.when),
                usage_plans: Vec::new(),
                access_log: self
                    .present(
                        instance.body(),
                        "access_log_settings",
                        &instance.ctx,
                        instance.file,
                        &owner,
                    )
                    .under(&instance.when),
                auto_deploy: auto_deploy.under(&instance.when),
                data_trace: data_trace.under(&instance.when),
                data_trace_origin,
                web_acl: Resolved::Unknown,
            });
        }
    }

    /// REST deployments. Terraform creates a deployment once and replaces it only when its
    /// `triggers` change, so a deployment whose triggers do not follow the API's methods and
    /// integrations keeps serving the routes it was first created with; without triggers,
    /// `depends_on` on the methods at least orders the first deployment after them.
    /// <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_deployment>
    fn rest_deployments(&mut self, workspace: &mut Workspace) {
        for instance in self.instances_of("aws_api_gateway_deployment") {
            let Some(api_index) = self.rest_api_of(instance, workspace) else {
                continue;
            };
            let triggers = instance.attribute("triggers");
            let follows_routes =
                triggers.is_some_and(|t| self.follows_routes(&t.value, instance, api_index));
            let waits_for = depends_on(instance.body());
            let create_before_destroy = instance.body().blocks_of("lifecycle").any(|l| {
                l.body.attribute("create_before_destroy").is_some_and(|a| {
                    self.eval.eval(&a.value, &instance.ctx).as_bool() == Some(true)
                })
            });
            let Some(api) = workspace.apis.get_mut(api_index) else {
                continue;
            };
            let routes_not_waited_for = if follows_routes {
                Vec::new()
            } else {
                api.routes
                    .iter()
                    .filter_map(|route| match &route.source {
                        RouteSource::Resource(address)
                            if address.contains("aws_api_gateway_method.")
                                && !waits_for
                                    .iter()
                                    .any(|w| address_matches(address, w, &instance.module)) =>
                        {
                            Some(address.to_string())
                        }
                        _ => None,
                    })
                    .collect()
            };
            let replaced_in_place = triggers.is_some() && !create_before_destroy;
            let follow_routes = if routes_not_waited_for.is_empty() {
                Vec::new()
            } else {
                self.route_resources_of(instance, api_index, REST_ROUTE_RESOURCES)
                    .and_then(|refs| {
                        super::triggers::add_triggers(instance.file, instance.block, &refs)
                    })
                    .unwrap_or_default()
            };
            api.deployments.push(Deployment {
                name: instance.address(),
                origin: instance.origin(),
                routes_not_waited_for,
                replaced_without_create_before_destroy: match triggers {
                    Some(t) if replaced_in_place => Some(instance.loc(t.span)),
                    _ => None,
                },
                follow_routes,
                create_before_destroy: if replaced_in_place {
                    super::triggers::add_create_before_destroy(instance.file, instance.block)
                        .unwrap_or_default()
                } else {
                    Vec::new()
                },
            });
        }
    }

    /// The resources of `route_resources` (kind, and the attribute that names the API) that
    /// belong to the API `api_index`, as `kind.name` once per block, for a deployment's
    /// `triggers`; `None` when one is in another module than `deployment` (its own references
    /// could not name it).
    fn route_resources_of(
        &self,
        deployment: &Instance<'a>,
        api_index: usize,
        route_resources: &RouteResources,
    ) -> Option<Vec<String>> {
        let mut references = Vec::new();
        for kind in route_resources.kinds {
            for instance in self.instances_of(kind) {
                let api = self.target(
                    &self.value(instance, route_resources.api_attribute),
                    route_resources.api_kind,
                );
                if api.and_then(|a| self.apis.get(&a)) != Some(&api_index) {
                    continue;
                }
                if instance.module != deployment.module {
                    return None;
                }
                let reference = format!("{}.{}", instance.kind, instance.name);
                if !references.contains(&reference) {
                    references.push(reference);
                }
            }
        }
        Some(references)
    }

    /// Whether a `triggers` expression changes with the API's routes: it refers to the REST API
    /// (its body or id), or to its resources, methods or integrations (directly or through a
    /// local), or changes on every apply (`timestamp()`).
    fn follows_routes(&self, expr: &'a Expr, instance: &Instance<'a>, _api: usize) -> bool {
        let mut found = false;
        let mut stack = vec![(expr, 0usize)];
        let scope = self.eval.scopes.get(instance.scope);
        while let Some((expr, depth)) = stack.pop() {
            match &expr.kind {
                ExprKind::Variable(name) if ROUTE_KINDS.contains(&name.as_str()) => found = true,
                ExprKind::Call { name, args, .. } => {
                    found |= name == "timestamp" || name == "uuid";
                    stack.extend(args.iter().map(|a| (a, depth)));
                }
                ExprKind::Traversal(base, steps) => {
                    if let ExprKind::Variable(root) = &base.kind {
                        found |= ROUTE_KINDS.contains(&root.as_str());
                        if root == "local"
                            && depth < 8
                            && let Some(crate::syntax::hcl::Step::Attr(name)) = steps.first()
                            && let Some(local) =
                                scope.and_then(|s| s.config.locals.get(name.as_str()))
                        {
                            stack.push((&local.item.value, depth + 1));
                        }
                    }
                    stack.push((base, depth));
                }
                ExprKind::Template(parts) => stack.extend(parts.iter().filter_map(|p| match p {
                    crate::syntax::hcl::Part::Interpolation(e) => Some((e, depth)),
                    _ => None,
                })),
                ExprKind::Array(items) => stack.extend(items.iter().map(|a| (a, depth))),
                ExprKind::Object(entries) => {
                    stack.extend(entries.iter().flat_map(|(k, v)| [(k, depth), (v, depth)]))
                }
                ExprKind::Conditional(a, b, c) => {
                    stack.extend([(&**a, depth), (&**b, depth), (&**c, depth)])
                }
                ExprKind::Binary(_, a, b) => stack.extend([(&**a, depth), (&**b, depth)]),
                ExprKind::Unary(_, a) => stack.push((a, depth)),
                ExprKind::For(f) => stack.extend([(&f.collection, depth), (&f.value, depth)]),
                _ => {}
            }
        }
        found
    }

    /// HTTP and WebSocket deployments; a stage with `auto_deploy` redeploys on every change.
    fn v2_deployments(&mut self, workspace: &mut Workspace) {
        for instance in self.instances_of("aws_apigatewayv2_deployment") {
            let Some(api_index) = self.v2_api_of(instance, workspace) else {
                continue;
            };
            let triggers = instance.attribute("triggers");
            let follows_routes =
                triggers.is_some_and(|t| self.follows_routes(&t.value, instance, api_index));
            let waits_for = depends_on(instance.body());
            let Some(api) = workspace.apis.get_mut(api_index) else {
                continue;
            };
            let manual = api.hidden_routes.is_none()
                && api.stages.iter().all(|s| s.auto_deploy.all_known(|a| !a));
            let routes_not_waited_for = if follows_routes || !manual {
                Vec::new()
            } else {
                api.routes
                    .iter()
                    .filter_map(|route| match &route.source {
                        RouteSource::Resource(address)
                            if address.contains("aws_apigatewayv2_route.")
                                && !waits_for
                                    .iter()
                                    .any(|w| address_matches(address, w, &instance.module)) =>
                        {
                            Some(address.to_string())
                        }
                        _ => None,
                    })
                    .collect()
            };
            let follow_routes = if routes_not_waited_for.is_empty() {
                Vec::new()
            } else {
                self.route_resources_of(instance, api_index, V2_ROUTE_RESOURCES)
                    .and_then(|refs| {
                        super::triggers::add_triggers(instance.file, instance.block, &refs)
                    })
                    .unwrap_or_default()
            };
            api.deployments.push(Deployment {
                name: instance.address(),
                origin: instance.origin(),
                routes_not_waited_for,
                replaced_without_create_before_destroy: None,
                follow_routes,
                create_before_destroy: Vec::new(),
            });
        }
    }

    fn function_url(&self, instance: &Instance<'a>) -> FunctionUrl {
        // <https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html>
        let auth = self
            .value(instance, "authorization_type")
            .resolve(
                &|t| match t.to_text().map(|t| t.to_ascii_uppercase()).as_deref() {
                    Some("NONE") => Resolved::Known(Auth::Open(OpenBecause::Disabled)),
                    Some("AWS_IAM") => Resolved::Known(Auth::Iam),
                    _ => Resolved::Unknown,
                },
            );
        FunctionUrl {
            name: instance.address(),
            notation: Notation::Terraform,
            origin: instance.origin(),
            auth: auth.under(&instance.when),
            auth_origin: instance.attribute_loc("authorization_type"),
        }
    }

    fn user_pool_client(&self, instance: &Instance<'a>) -> TokenIssuer {
        // "When you create a new user pool client, token revocation is activated by default."
        let revocation = bool_setting(&self.value(instance, "enable_token_revocation"), true);
        let units = self
            .nested(
                instance.body(),
                "token_validity_units",
                &instance.ctx,
                instance.file,
                &instance.address(),
            )
            .into_iter()
            .next();
        let lifetime = |attribute: &str,
                        unit_key: &str,
                        default_value: u64,
                        default_unit: TimeUnit|
         -> Resolved<TokenLifetime> {
            let value_origin = instance.attribute_loc(attribute);
            let unit_attribute = units
                .as_ref()
                .and_then(|u| Some((u.body.attribute(unit_key)?, &u.ctx)));
            let unit = match unit_attribute {
                _ if units.as_ref().is_some_and(|u| u.unknown) => Resolved::Unknown,
                Some((a, ctx)) => self.eval.eval(&a.value, ctx).resolve(&|u| match u {
                    Value::Null => Resolved::Known((default_unit, None)),
                    u => u
                        .to_text()
                        .and_then(|t| TimeUnit::parse(&t))
                        .map(|unit| (unit, Some(instance.loc(a.span))))
                        .into(),
                }),
                None => Resolved::Known((default_unit, None)),
            };
            self.value(instance, attribute)
                .resolve(&|v| match v {
                    Value::Null => Resolved::Known(TokenLifetime {
                        value: default_value,
                        unit: default_unit,
                        value_origin: None,
                        unit_origin: None,
                    }),
                    v => match v.as_number() {
                        Some(n) => unit.map(|(unit, unit_origin): &(TimeUnit, Option<Loc>)| {
                            TokenLifetime {
                                value: n.max(0.0) as u64,
                                unit: *unit,
                                value_origin: value_origin.clone(),
                                unit_origin: unit_origin.clone(),
                            }
                        }),
                        None => Resolved::Unknown,
                    },
                })
                .under(&instance.when)
        };
        let access_token = lifetime("access_token_validity", "access_token", 1, TimeUnit::Hours);
        let id_token = lifetime("id_token_validity", "id_token", 1, TimeUnit::Hours);
        let refresh_token = lifetime(
            "refresh_token_validity",
            "refresh_token",
            30,
            TimeUnit::Days,
        );
        TokenIssuer {
            name: instance.address(),
            origin: instance.origin(),
            notation: Notation::Terraform,
            revocation: revocation.under(&instance.when),
            revocation_origin: instance.attribute_loc("enable_token_revocation"),
            access_token,
            id_token,
            refresh_token,
            flows: self.client_flows(instance),
        }
    }
}

/// The resource types whose change a REST or V2 deployment must follow.
const ROUTE_KINDS: [&str; 6] = [
    "aws_api_gateway_rest_api",
    "aws_api_gateway_resource",
    "aws_api_gateway_method",
    "aws_api_gateway_integration",
    "aws_apigatewayv2_route",
    "aws_apigatewayv2_integration",
];

/// A usage plan: its address, where it is, whether it throttles, and its `api_stages` (API
/// and stage values).
type PlanStages = (String, Loc, Resolved<bool>, Vec<(Value, Value)>);

enum ResourceTarget {
    Root,
    Resource(usize),
    Unknown,
}

/// What an authorization of NONE asks of callers: nothing, or only an API key.
fn none(declared: bool, api_key: &Resolved<bool>) -> Resolved<Auth> {
    let because = if declared {
        OpenBecause::Disabled
    } else {
        OpenBecause::Missing
    };
    api_key.map(|required| {
        if *required {
            Auth::ApiKeyOnly
        } else {
            Auth::Open(because)
        }
    })
}

/// A boolean setting, `default` when it is not set.
fn bool_setting(value: &Value, default: bool) -> Resolved<bool> {
    value.resolve(&|v| match v {
        Value::Null => Resolved::Known(default),
        v => v.as_bool().into(),
    })
}

/// Whether a throttling limit is set; a negative limit switches throttling off.
fn limit_set(value: &Value) -> Resolved<bool> {
    value.resolve(&|v| match v {
        Value::Null => Resolved::Known(false),
        v => v.as_number().map(|n| n >= 0.0).into(),
    })
}

/// The addresses `depends_on` lists (`aws_api_gateway_method.get`, `module.api`).
fn depends_on(body: &Body) -> Vec<String> {
    let Some(attribute) = body.attribute("depends_on") else {
        return Vec::new();
    };
    let ExprKind::Array(items) = &attribute.value.kind else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match &item.kind {
            ExprKind::Traversal(base, steps) => {
                let ExprKind::Variable(root) = &base.kind else {
                    return None;
                };
                let mut address = root.clone();
                for step in steps {
                    match step {
                        crate::syntax::hcl::Step::Attr(a) => {
                            address.push('.');
                            address.push_str(a);
                        }
                        _ => break,
                    }
                }
                Some(address)
            }
            ExprKind::Variable(root) => Some(root.clone()),
            _ => None,
        })
        .collect()
}

/// Whether the route declared at `address` is covered by a `depends_on` entry written in
/// `module` (the entry names the resource, all its instances, or a module holding it).
fn address_matches(address: &str, entry: &str, module: &str) -> bool {
    let full = if module.is_empty() {
        entry.to_owned()
    } else {
        format!("{module}.{entry}")
    };
    address == full
        || address
            .strip_prefix(&full)
            .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
}

/// A JWT issuer: the URL, or a template whose scheme is literal (`https://cognito-idp...${}`).
fn issuer_value<'a>(
    attribute: &'a Attribute,
    instance: &Instance<'a>,
    ctx: &Ctx<'a>,
    eval: &Evaluator<'a>,
) -> Resolved<String> {
    let value = eval.eval(&attribute.value, ctx);
    let literal_prefix = match &attribute.value.kind {
        ExprKind::Template(parts) => match parts.first() {
            Some(crate::syntax::hcl::Part::Literal(text)) if text.contains("://") => Some(
                instance
                    .file
                    .slice(attribute.value.span)
                    .trim_matches('"')
                    .to_owned(),
            ),
            _ => None,
        },
        _ => None,
    };
    value
        .resolve(&|v| match v.to_text() {
            Some(t) => Resolved::Known(t),
            None => literal_prefix.clone().into(),
        })
        .under(&instance.when)
}

/// A value as a located tree node placed at `span`.
fn value_node(value: &Value, span: Span, source: &str, budget: &mut usize) -> Option<Node> {
    *budget = budget.checked_sub(1)?;
    Some(match value {
        Value::Map(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries.iter() {
                out.push(Entry {
                    key: Node::scalar(ScalarStyle::DoubleQuoted, k, span, source),
                    value: value_node(v, span, source, budget)?,
                });
            }
            Node::map(out, span)
        }
        Value::List(items) => {
            let items: Option<Vec<Node>> = items
                .iter()
                .map(|i| value_node(i, span, source, budget))
                .collect();
            Node::seq(items?, span)
        }
        Value::Str(s) => Node::scalar(ScalarStyle::DoubleQuoted, s, span, source),
        Value::Number(_) | Value::Bool(_) => Node::scalar(
            ScalarStyle::Plain,
            &value.to_text().unwrap_or_default(),
            span,
            source,
        ),
        Value::Null | Value::Unknown | Value::Ref(_) | Value::Cond(_) => {
            Node::scalar(ScalarStyle::Plain, "null", span, source)
        }
    })
}

/// How many module calls a value is followed up through.
const MAX_PASSED_IN_DEPTH: usize = 8;

/// The settings of lowered resources in called modules that are written with a module input
/// (`authorization = var.authorization`) the caller passes, each with the caller's argument;
/// an argument that is itself its module's input is followed up to that module's caller.
pub fn passed_in<'a>(eval: &Evaluator<'a>, instances: &[Instance<'a>]) -> Vec<PassedIn> {
    let mut out: Vec<PassedIn> = Vec::new();
    let mut seen: crate::collections::HashSet<(usize, &str, u32)> = Default::default();
    for instance in instances {
        if !seen.insert((
            instance.scope,
            instance.kind,
            instance.block.header.range().start as u32,
        )) {
            continue;
        }
        let mut stack: Vec<&Body> = vec![instance.body()];
        while let Some(body) = stack.pop() {
            stack.extend(body.blocks.iter().map(|b| &b.body));
            for attribute in &body.attributes {
                let mut setting = Loc::new(instance.file, attribute.span);
                let mut expr = &attribute.value;
                let mut scope = instance.scope;
                for _ in 0..MAX_PASSED_IN_DEPTH {
                    let Some(found) = argument_for(eval, scope, expr) else {
                        break;
                    };
                    let (argument, file, parent, module) = found;
                    let at = Loc::new(file, argument.span);
                    out.push(PassedIn {
                        setting: setting.clone(),
                        argument: at.clone(),
                        module,
                    });
                    setting = at;
                    expr = &argument.value;
                    scope = parent;
                }
            }
        }
    }
    out
}

/// The caller's argument for the first module input `expr` reads, in the module at `scope`.
fn argument_for<'a>(
    eval: &Evaluator<'a>,
    scope: usize,
    expr: &'a Expr,
) -> Option<(&'a Attribute, &'a Arc<SourceFile>, usize, String)> {
    let module = eval.scopes.get(scope)?;
    let (parent, call) = (module.parent?, module.call?);
    let mut stack = vec![expr];
    while let Some(expr) = stack.pop() {
        match &expr.kind {
            ExprKind::Traversal(base, steps) => {
                if let ExprKind::Variable(root) = &base.kind
                    && root == "var"
                    && let Some(crate::syntax::hcl::Step::Attr(name)) = steps.first()
                    && let Some(argument) = call.item.body.attribute(name)
                {
                    return Some((argument, call.file, parent, module.path.clone()));
                }
                stack.push(base);
            }
            ExprKind::Template(parts) => stack.extend(parts.iter().filter_map(|p| match p {
                crate::syntax::hcl::Part::Interpolation(e) => Some(e),
                _ => None,
            })),
            ExprKind::Conditional(a, b, c) => stack.extend([&**a, &**b, &**c]),
            ExprKind::Call { args, .. } => stack.extend(args.iter()),
            ExprKind::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    None
}
