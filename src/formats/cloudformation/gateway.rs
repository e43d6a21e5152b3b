//! What REST resources (`AWS::ApiGateway::*`) and HTTP and WebSocket resources
//! (`AWS::ApiGatewayV2::*`) say alike, read once for both: a method's or route's authorization,
//! a stage's access log, a custom domain's TLS policy, a JWT issuer, the API a `RestApiId` or
//! `ApiId` names, and the routes a deployment may miss.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-method.html>
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-route.html>

use super::dependencies::Dependencies;
use super::eval::{Evaluator, Target, Value};
use super::include::get_in;
use super::template::{Resource, Template};
use crate::collections::HashSet;
use crate::diagnostic::Edit;
use crate::formats::cors;
use crate::formats::intrinsic::{Intrinsic, intrinsic, written};
use std::sync::Arc;

use crate::model::{
    Api, ApiKind, Auth, AuthorizerUse, AuthorizerUses, CorsOrigin, EndpointType, HiddenRoutes,
    OpenBecause, Resolved, RouteSource,
};
use crate::syntax::{Loc, NodeRef};

/// What the `AuthorizationType` and `AuthorizerId` in `properties` (a method's, a route's, or an
/// override's `Route`) ask of callers. API Gateway reads the type case-insensitively, and
/// CloudFormation creates a method or route without one as `NONE`. The `authorizer_types` call
/// the authorizer `AuthorizerId` names, which the route uses with `scopes`; `fallback` is where
/// a missing `AuthorizerId` is reported when no authorization type is written either.
pub(super) fn authorization<'a>(
    eval: &Evaluator<'_, 'a>,
    properties: Option<NodeRef<'a>>,
    api_key: &Resolved<bool>,
    authorizer_types: &[&str],
    scopes: &[String],
    fallback: Loc,
) -> Resolved<Auth> {
    let property = |name: &str| properties.and_then(|p| get_in(eval.includes(), p, name));
    let auth_type = property("AuthorizationType");
    let authorizer_node = property("AuthorizerId");
    let origin = authorizer_node.or(auth_type).map_or(fallback, NodeRef::loc);
    let authorizer = named_authorizer(&eval.target(authorizer_node), scopes, &origin);
    eval.string(auth_type).and_then(
        &|t| match t.as_deref().map(str::to_ascii_uppercase).as_deref() {
            None | Some("NONE") => unauthenticated(t.is_some(), api_key),
            Some("AWS_IAM") => Resolved::Known(Auth::Iam),
            Some(kind) if authorizer_types.contains(&kind) => authorizer.clone(),
            Some(_) => Resolved::Unknown,
        },
    )
}

/// The `AuthorizationScopes` of a method's or route's `properties` (a Cognito or JWT
/// authorizer checks them), as far as they are known before deployment.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-method.html#cfn-apigateway-method-authorizationscopes>
pub(super) fn authorization_scopes<'a>(
    eval: &Evaluator<'_, 'a>,
    properties: Option<NodeRef<'a>>,
) -> Vec<String> {
    eval.list(properties.and_then(|p| get_in(eval.includes(), p, "AuthorizationScopes")))
        .known()
        .map(|scopes| {
            scopes
                .iter()
                .filter_map(super::eval::Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Where an `AuthorizationType` switches authentication off: the `NONE` of an `Fn::If` (nested
/// ones too) when it is written there, so that a finding points at the branch, else the whole
/// property.
pub(super) fn auth_type_origin(node: NodeRef<'_>) -> Loc {
    none_branch(node, 0).unwrap_or_else(|| node.loc())
}

fn none_branch(node: NodeRef<'_>, depth: usize) -> Option<Loc> {
    // As deep as the evaluator follows functions.
    const MAX_DEPTH: usize = 64;
    match intrinsic(node) {
        Some(Intrinsic::If {
            then, otherwise, ..
        }) if depth < MAX_DEPTH => {
            none_branch(then, depth + 1).or_else(|| none_branch(otherwise, depth + 1))
        }
        Some(_) => None,
        None => node
            .as_str()
            .filter(|t| t.eq_ignore_ascii_case("NONE"))
            .map(|_| node.loc()),
    }
}

/// The authorizer an `AuthorizerId` names. One that is no resource of this template (imported,
/// or a literal id) protects the route with something we cannot see; no `AuthorizerId` at all is
/// an empty name, which `missing-authorizer` reports as "names none".
fn named_authorizer(
    id: &Resolved<Option<Target<'_>>>,
    scopes: &[String],
    at: &Loc,
) -> Resolved<Auth> {
    match id {
        Resolved::Unknown => Resolved::Known(Auth::Authorizers(AuthorizerUses::default())),
        known => known.map(|target| {
            Auth::Authorizers(Arc::new([AuthorizerUse {
                name: target
                    .as_ref()
                    .map(|t| t.resource())
                    .unwrap_or_default()
                    .into(),
                scopes: scopes.into(),
                origin: at.clone(),
            }]))
        }),
    }
}

/// What an authorization type of `NONE` asks of callers (`declared`: it was written, rather
/// than left out): nothing, or only an API key where one is required.
fn unauthenticated(declared: bool, api_key: &Resolved<bool>) -> Resolved<Auth> {
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

/// Whether a stage's access log setting (REST `AccessLogSetting`, V2 `AccessLogSettings`) names
/// a destination.
pub(crate) fn access_log<'a>(
    eval: &Evaluator<'_, 'a>,
    setting: Option<NodeRef<'a>>,
) -> Resolved<bool> {
    eval.mapping(setting).and_then(&|setting| match setting {
        None => Resolved::Known(false),
        Some(setting) => eval
            .eval_opt(eval.get(*setting, "DestinationArn"))
            .map(Option::is_some),
    })
}

/// The entries of a `ResponseParameters` mapping (header mappings), with what an include beside
/// its keys merges in, and whether an include there cannot be seen (it may set more headers).
pub(crate) fn header_entries<'a>(
    eval: &Evaluator<'_, 'a>,
    parameters: NodeRef<'a>,
) -> (Vec<(NodeRef<'a>, NodeRef<'a>)>, bool) {
    let entries = super::include::entries_in(eval.includes(), parameters);
    let unseen = entries.iter().any(|(key, value)| {
        key.as_str() == Some("Fn::Transform") && super::include::is_include(*value)
    });
    (entries, unseen)
}

/// Whether any of these method or route settings turns on full request and response logging
/// (`DataTraceEnabled`), and where the first one that may do so is written.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-stage-methodsetting.html>
pub(crate) fn data_trace<'a>(
    eval: &Evaluator<'_, 'a>,
    settings: impl IntoIterator<Item = NodeRef<'a>>,
) -> (Resolved<bool>, Option<Loc>) {
    let mut on = Resolved::Known(false);
    let mut at = None;
    for setting in settings {
        let Some(flag) = eval.get(setting, "DataTraceEnabled") else {
            continue;
        };
        let value = eval.boolean(Some(flag)).map(|v| v.unwrap_or(false));
        if at.is_none() && value.any(|v| *v) {
            at = Some(flag.loc());
        }
        on = on.or(&value);
    }
    (on, at)
}

/// `DisableExecuteApiEndpoint` of a REST or V2 API resource, over what its body says.
pub(super) fn default_endpoint<'a>(
    eval: &Evaluator<'_, 'a>,
    resource: Resource<'a>,
    api: &mut Api,
) {
    if let Some(flag) = resource.property("DisableExecuteApiEndpoint") {
        api.default_endpoint_disabled = super::conditions::under_resource_condition(
            resource,
            eval.boolean(Some(flag)).map(|d| d.unwrap_or(false)),
        );
        api.default_endpoint_origin = Some(flag.loc());
    }
}

/// A custom domain's `SecurityPolicy`. Without one the service picks a policy; we do not guess
/// which.
pub(crate) fn security_policy<'a>(
    eval: &Evaluator<'_, 'a>,
    policy: Option<NodeRef<'a>>,
) -> Resolved<String> {
    eval.string(policy)
        .and_then(&|p| p.clone().map_or(Resolved::Unknown, Resolved::Known))
}

/// A REST API's endpoint type by name, read case-insensitively; EDGE, the default, when no name
/// is given.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-restapi-endpointconfiguration.html>
pub(crate) fn endpoint_type(name: Option<&str>) -> Resolved<EndpointType> {
    match name.map(str::to_ascii_uppercase).as_deref() {
        Some("PRIVATE") => Resolved::Known(EndpointType::Private),
        Some("REGIONAL") => Resolved::Known(EndpointType::Regional),
        Some("EDGE") | None => Resolved::Known(EndpointType::Edge),
        Some(_) => Resolved::Unknown,
    }
}

/// A JWT issuer URL. An `Fn::Sub` that cannot be evaluated (it names the region or a user pool)
/// is kept as written when its scheme is literal, so `https://cognito-idp.${AWS::Region}...` is
/// still known to be https.
pub(crate) fn jwt_issuer<'a>(eval: &Evaluator<'_, 'a>, node: NodeRef<'a>) -> Resolved<String> {
    match eval.string(Some(node)) {
        Resolved::Unknown => match intrinsic(node) {
            Some(Intrinsic::Sub { template, .. }) => template
                .as_str()
                .filter(|t| {
                    t.get(..t.find("${").unwrap_or(t.len()))
                        .is_some_and(|literal| literal.contains("://"))
                })
                .map(str::to_owned)
                .into(),
            _ => Resolved::Unknown,
        },
        known => known.and_then(&|s| s.clone().into()),
    }
}

/// A template's list of allowed origins (`AllowOrigins` of an HTTP API's CORS configuration).
pub(crate) fn allowed_origins<'a>(
    eval: &Evaluator<'_, 'a>,
    list: Option<NodeRef<'a>>,
) -> Resolved<CorsOrigin> {
    eval.list(list).and_then(&|items| {
        let texts: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
        match texts {
            Some(texts) => Resolved::Known(cors::listed_origins(texts)),
            None => Resolved::Unknown,
        }
    })
}

/// The API a resource's `RestApiId` (REST) or `ApiId` (HTTP, WebSocket) names, as CloudFormation
/// resolves it; REST and V2 lowering file their APIs under it, through [`ApiNames`].
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-ref.html>
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum ApiName<'a> {
    /// An API of this template, by its logical id: a `Ref` or `GetAtt` of a resource of one of
    /// the lowering's API types (a SAM API among them, whose lowering joins what is attached to
    /// it), or a `Ref` to an id that no resource or parameter declares, which only a generator
    /// defines (the SAM translator's `ServerlessRestApi`, the Serverless Framework's
    /// `ApiGatewayRestApi`).
    Template(&'a str),
    /// A literal API id: CloudFormation passes it to API Gateway as it is, so it names an API
    /// created outside this template, even when it equals a logical id here.
    Literal(&'a str),
    /// A value known only when the stack is deployed, as written: an import, a parameter, a
    /// nested stack's output, a resource that is no API of the lowering's types (API Gateway
    /// rejects that one). Never an API of this template: `!ImportValue PetApi` is not `PetApi`.
    /// Written in the short form whatever the spelling (see [`written`]): a JSON template's
    /// `{"Ref": "Api"}` (a CDK nested stack's parameter) and YAML's `!Ref Api` are one API.
    Computed(String),
}

/// Resolves the API a `RestApiId` or `ApiId` names, and makes the API a name stands for when
/// the lowering does not define it.
pub(super) struct ApiNames<'t, 'a> {
    pub template: &'t Template<'a>,
    pub eval: &'t Evaluator<'t, 'a>,
    /// The resource types the lowering reads as APIs.
    pub types: &'static [&'static str],
}

impl<'a> ApiNames<'_, 'a> {
    pub(super) fn of(&self, node: NodeRef<'a>) -> ApiName<'a> {
        if let Resolved::Known(Some(target)) = self.eval.target(Some(node))
            && self.is_api(target.resource())
        {
            return ApiName::Template(target.resource());
        }
        if let Some(Intrinsic::Ref(id)) = intrinsic(node)
            && self.template.parameter(id).is_none()
            && self.template.resource(id).is_none()
            && !id.starts_with("AWS::")
        {
            return ApiName::Template(id);
        }
        match node.as_str() {
            Some(id) if node.tag().is_none() && !node.is_null() => ApiName::Literal(id),
            // A function call, in either spelling.
            _ => ApiName::Computed(written(node)),
        }
    }

    /// Whether `id` is an API of the lowering's types, declared or generated by a transform.
    fn is_api(&self, id: &str) -> bool {
        match self.template.resource(id) {
            Some(resource) => self.types.contains(&resource.kind),
            None => self
                .template
                .generated(id)
                .is_some_and(|g| self.types.contains(&g.kind)),
        }
    }

    /// The API `name` stands for when the lowering does not define it, first named at `at`:
    /// what the template attaches to it is checked all the same, and its other routes are not
    /// visible. An API of this template is one a SAM or Serverless Framework lowering defines
    /// and joins; for an API from elsewhere a coverage note says why its routes are not seen.
    pub(super) fn api_not_defined_here(&self, name: ApiName<'a>, kind: ApiKind, at: Loc) -> Api {
        let (name, display, hidden) = match name {
            ApiName::Template(id) => (
                id.to_owned(),
                format!("the API {id}"),
                HiddenRoutes::elsewhere(at.clone()),
            ),
            ApiName::Literal(id) => {
                let reason = if self.is_api(id) {
                    format!(
                        "the id `{id}` is written literally, and CloudFormation passes it to API \
                         Gateway as it is (`!Ref {id}` names the API of this template)"
                    )
                } else {
                    NOT_HERE.to_owned()
                };
                (
                    id.to_owned(),
                    format!("the API {id}"),
                    HiddenRoutes::because(at.clone(), reason),
                )
            }
            ApiName::Computed(call) => {
                let display = format!("the API `{call}`");
                (call, display, HiddenRoutes::because(at.clone(), NOT_HERE))
            }
        };
        let mut api = Api::new(name, kind, at);
        api.display = display;
        api.aws = true;
        api.hidden_routes = Some(hidden);
        api
    }
}

const NOT_HERE: &str = "the API is not defined in this template";

/// The routes of `api` whose resource (of type `route_type`) a deployment is not ordered after
/// (`waits_for`): they may not exist yet when it is created.
pub(super) fn routes_not_waited_for(
    api: &Api,
    template: &Template<'_>,
    route_type: &str,
    waits_for: &HashSet<&str>,
) -> Vec<String> {
    api.routes
        .iter()
        .filter_map(|route| match &route.source {
            RouteSource::Resource(id)
                if !waits_for.contains(&**id)
                    && template.resource(id).is_some_and(|r| r.kind == route_type) =>
            {
                Some(id.to_string())
            }
            _ => None,
        })
        .collect()
}

/// The edits that add the routes `ids` to the `DependsOn` of `deployment`, unless one of them
/// exists under another condition than the deployment (CloudFormation rejects a `DependsOn` on
/// a resource it does not create) or already waits for the deployment (a cycle).
pub(super) fn follow_routes(
    template: &Template<'_>,
    dependencies: &Dependencies<'_, '_>,
    deployment: Resource<'_>,
    ids: &[String],
) -> Vec<Edit> {
    if ids.is_empty() {
        return Vec::new();
    }
    let condition = deployment.condition();
    let unambiguous = ids.iter().all(|id| {
        template
            .resource(id)
            .is_some_and(|route| route.condition().is_none_or(|c| Some(c) == condition))
    }) && !dependencies
        .any_waits_for(ids.iter().map(String::as_str))
        .contains(&deployment.id);
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    unambiguous
        .then(|| super::depends_on::add_depends_on(deployment, &ids))
        .flatten()
        .unwrap_or_default()
}

/// Whether a throttling limit (`RateLimit`, `ThrottlingBurstLimit`...) is set. A negative limit
/// switches throttling off.
pub(crate) fn limit_set<'a>(eval: &Evaluator<'_, 'a>, node: Option<NodeRef<'a>>) -> Resolved<bool> {
    eval.string(node).and_then(&|limit| match limit {
        None => Resolved::Known(false),
        Some(text) => match text.trim().parse::<f64>() {
            Ok(limit) => Resolved::Known(limit >= 0.0),
            Err(_) => Resolved::Unknown,
        },
    })
}

/// The name of the stage a `StageName` names, as messages give it: its value; the values of an
/// `Fn::If`'s branches ("prod or dev"); `${Name}` for a parameter without a default; else the
/// function as written. Never a logical id that stands for the stage.
pub(crate) fn stage_name<'a>(eval: &Evaluator<'_, 'a>, name: NodeRef<'a>) -> String {
    let value = eval.string(Some(name));
    if let Some(Some(known)) = value.known() {
        return known.clone();
    }
    let mut branches: Vec<&str> = Vec::new();
    for (_, leaf) in value.branches() {
        if let Some(leaf) = leaf.as_deref()
            && !branches.contains(&leaf)
        {
            branches.push(leaf);
        }
    }
    if !branches.is_empty() && value.branches().len() == value.leaf_count() {
        return branches.join(" or ");
    }
    match intrinsic(name) {
        Some(Intrinsic::Ref(parameter)) => format!("${{{parameter}}}"),
        _ => name
            .doc()
            .file
            .slice(name.full_span())
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// A JWT authorizer's `Audience`: the strings as written; a reference to a resource (an app
/// client) counts as one audience, named after the resource. Each branch of an `Fn::If` on its
/// own.
pub(crate) fn audience<'a>(
    eval: &Evaluator<'_, 'a>,
    node: Option<NodeRef<'a>>,
) -> Resolved<Vec<String>> {
    eval.list(node).and_then(&|items| {
        let mut audience = Vec::new();
        for item in items {
            audience.push(match item {
                Value::Str(s) => s.to_string(),
                Value::Ref(id) => format!("Ref {id}"),
                Value::GetAtt(id, attribute) => format!("{id}.{attribute}"),
                Value::Absent => continue,
                Value::List(_) | Value::Node(_) => return Resolved::Unknown,
            });
        }
        Resolved::Known(audience)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::super::lower_text as lower;
    use crate::model::{ApiKind, Workspace};

    /// Each API by name, with its kind, its number of routes, authorizers and stages, and the
    /// reason its other routes are not visible.
    fn apis(workspace: &Workspace) -> Vec<String> {
        workspace
            .apis
            .iter()
            .map(|a| {
                let hidden = match &a.hidden_routes {
                    None => "all seen".to_owned(),
                    Some(h) => h.reason.clone().unwrap_or_else(|| "elsewhere".into()),
                };
                format!(
                    "{} {:?} r{} a{} s{}: {hidden}",
                    a.name,
                    a.kind,
                    a.routes.len(),
                    a.authorizers.len(),
                    a.stages.len()
                )
            })
            .collect()
    }

    /// REST and V2 lowering resolve a `RestApiId`/`ApiId` alike: an import, a literal id and a
    /// parameter name APIs from elsewhere, never the API of this template their text spells,
    /// whichever form the call is written in.
    #[test]
    fn ids_from_elsewhere_never_join_a_same_named_api_of_the_template() {
        let workspace = lower(
            "
Parameters:
  SharedApi: {Type: String, Default: abc123}
Resources:
  PetApi:
    Type: AWS::ApiGateway::RestApi
  ChatApi:
    Type: AWS::ApiGatewayV2::Api
    Properties: {ProtocolType: WEBSOCKET}
  Local:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: {Ref: PetApi}, ResourceId: r, HttpMethod: GET, AuthorizationType: AWS_IAM}
  Imported:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: !ImportValue PetApi, ResourceId: r, HttpMethod: GET, AuthorizationType: AWS_IAM}
  ImportedLongForm:
    Type: AWS::ApiGateway::Authorizer
    Properties: {RestApiId: {Fn::ImportValue: PetApi}, Type: TOKEN}
  Literal:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: PetApi, StageName: prod}
  Parameter:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref SharedApi, StageName: prod}
  Connect:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !GetAtt ChatApi.ApiId, RouteKey: $connect, AuthorizationType: AWS_IAM}
  Send:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !ImportValue ChatApi, RouteKey: send}
",
        );
        assert_eq!(
            apis(&workspace),
            [
                "PetApi Rest r1 a0 s0: all seen",
                // The import in either spelling is one API (authorizers are lowered before
                // methods).
                "!ImportValue PetApi Rest r1 a1 s0: the API is not defined in this template",
                "PetApi Rest r0 a0 s1: the id `PetApi` is written literally, and CloudFormation \
                 passes it to API Gateway as it is (`!Ref PetApi` names the API of this template)",
                "!Ref SharedApi Rest r0 a0 s1: the API is not defined in this template",
                "ChatApi WebSocket r1 a0 s0: all seen",
                "!ImportValue ChatApi WebSocket r1 a0 s0: the API is not defined in this template",
            ]
        );
        assert_eq!(workspace.apis[1].display, "the API `!ImportValue PetApi`");
        assert_eq!(workspace.coverage_notes().len(), 4);
    }

    /// A resource that is no API of the lowering's kind (a nested stack's output, a REST API
    /// named by a V2 route, a function) names an API gatelint cannot see: what is attached to
    /// it is checked under the id as written, with a coverage note, never dropped or joined.
    #[test]
    fn resources_that_are_no_api_of_the_kind_name_apis_from_elsewhere() {
        let workspace = lower(
            "
Resources:
  Shared:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: https://example.com/api.yaml}
  Rest:
    Type: AWS::ApiGateway::RestApi
  Nested:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !GetAtt Shared.Outputs.ApiId, RouteKey: GET /a}
  Crossed:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Rest, RouteKey: GET /b}
  Function:
    Type: AWS::Lambda::Function
  Wrong:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: !Ref Function, ResourceId: r, HttpMethod: GET}
",
        );
        assert_eq!(
            apis(&workspace),
            [
                "Rest Rest r0 a0 s0: all seen",
                "!Ref Function Rest r1 a0 s0: the API is not defined in this template",
                "!GetAtt Shared.Outputs.ApiId Http r1 a0 s0: the API is not defined in this template",
                "!Ref Rest Http r1 a0 s0: the API is not defined in this template",
            ]
        );
        assert!(
            workspace
                .apis
                .iter()
                .skip(2)
                .all(|a| a.kind == ApiKind::Http)
        );
    }

    /// A `Ref` to an id no resource or parameter declares names an API a generator defines (SAM's
    /// implicit API): by its logical id, with no coverage note, its routes left to that API.
    #[test]
    fn a_ref_to_a_generated_api_names_it_by_logical_id() {
        let workspace = lower(
            "
Resources:
  Method:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: !Ref ServerlessRestApi, ResourceId: r, HttpMethod: GET}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: {Ref: ServerlessHttpApi}, RouteKey: GET /a}
",
        );
        assert_eq!(
            apis(&workspace),
            [
                "ServerlessRestApi Rest r1 a0 s0: elsewhere",
                "ServerlessHttpApi Http r1 a0 s0: elsewhere",
            ]
        );
        assert!(workspace.coverage_notes().is_empty());
    }
}
