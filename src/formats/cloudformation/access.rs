//! What decides who reaches an API besides its routes' authentication, read from resources
//! that sit beside the API and name it: custom domain mappings, gateway responses (their CORS
//! headers) and WAFv2 web ACL associations. Run after every API of the template is lowered
//! (SAM's too), so a plain resource that names a SAM API is joined to it.

use super::eval::{Evaluator, Value};
use super::include;
use super::template::{Resource, Template};
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::formats::{cors, policy};
use crate::model::{Api, ApiKind, Condition, Conditions, DomainMapping, Resolved, Workspace};
use crate::syntax::NodeRef;

/// Mapping resources: type, the property naming the API, the property naming the domain.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-basepathmapping.html>
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-apimapping.html>
const MAPPINGS: [(&str, &str, &str); 3] = [
    (
        "AWS::ApiGateway::BasePathMapping",
        "RestApiId",
        "DomainName",
    ),
    (
        "AWS::ApiGateway::BasePathMappingV2",
        "RestApiId",
        "DomainNameArn",
    ),
    ("AWS::ApiGatewayV2::ApiMapping", "ApiId", "DomainName"),
];

const DOMAIN_TYPES: [&str; 3] = [
    "AWS::ApiGateway::DomainName",
    "AWS::ApiGatewayV2::DomainName",
    "AWS::ApiGateway::DomainNameV2",
];

pub(crate) fn link(template: &Template<'_>, workspace: &mut Workspace) {
    let eval = Evaluator::new(template);
    domain_mappings(template, &eval, workspace);
    gateway_responses(template, &eval, workspace);
    web_acls(template, &eval, workspace);
}

/// The API of this template a reference property names, by logical id.
fn api_named<'w>(
    eval: &Evaluator<'_, '_>,
    node: Option<NodeRef<'_>>,
    workspace: &'w mut Workspace,
) -> Option<&'w mut Api> {
    let target = eval.known_target(node)?;
    let id = target.resource();
    workspace.apis.iter_mut().find(|api| api.name == id)
}

fn domain_mappings(template: &Template<'_>, eval: &Evaluator<'_, '_>, workspace: &mut Workspace) {
    for (kind, api_key, domain_key) in MAPPINGS {
        for mapping in template.resources_of(kind) {
            let domain_node = mapping.property(domain_key);
            let domain = domain_node.and_then(|node| match eval.known_target(Some(node)) {
                Some(target) => template
                    .resource(target.resource())
                    .filter(|r| DOMAIN_TYPES.contains(&r.kind))
                    .map(|r| domain_of(eval, r, mapping)),
                None => eval.known_string(Some(node)).map(|name| DomainMapping {
                    domain: name,
                    origin: mapping.loc(),
                    mutual_tls: None,
                    security_policy: None,
                    when: resource_conditions(mapping),
                }),
            });
            let Some(domain) = domain else { continue };
            if let Some(api) = api_named(eval, mapping.property(api_key), workspace) {
                api.custom_domains.push(domain);
            }
        }
    }
}

/// A mapping to a domain name resource of this template: its name, mutual TLS and TLS policy.
fn domain_of(
    eval: &Evaluator<'_, '_>,
    domain: Resource<'_>,
    mapping: Resource<'_>,
) -> DomainMapping {
    let policy = domain.property("SecurityPolicy").or_else(|| {
        domain
            .property("DomainNameConfigurations")
            .and_then(|c| c.items().next())
            .and_then(|c| eval.get(c, "SecurityPolicy"))
    });
    DomainMapping {
        domain: eval
            .known_string(domain.property("DomainName"))
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| domain.id.to_owned()),
        when: resource_conditions(mapping),
        origin: mapping.loc(),
        mutual_tls: domain
            .property_key("MutualTlsAuthentication")
            .map(NodeRef::loc),
        security_policy: eval.known_string(policy),
    }
}

fn resource_conditions(resource: Resource<'_>) -> Conditions {
    resource
        .condition()
        .map(|name| Condition {
            name: name.to_owned(),
            holds: true,
        })
        .into_iter()
        .collect()
}

/// `AWS::ApiGateway::GatewayResponse`: the CORS headers API Gateway adds to its own errors.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-gatewayresponse.html>
fn gateway_responses(template: &Template<'_>, eval: &Evaluator<'_, '_>, workspace: &mut Workspace) {
    let string = |node| eval.string(Some(node));
    for resource in template.resources_of("AWS::ApiGateway::GatewayResponse") {
        let Some(parameters) = resource.property("ResponseParameters") else {
            continue;
        };
        let kind = eval
            .known_string(resource.property("ResponseType"))
            .unwrap_or_else(|| resource.id.to_owned());
        let (entries, unseen) = super::gateway::header_entries(eval, parameters);
        let found = cors::from_header_entries(
            format!("the gateway response {kind}"),
            resource.loc(),
            &entries,
            "gatewayresponse.header.",
            &string,
            unseen,
        );
        if let Some(found) = found
            && let Some(api) = api_named(eval, resource.property("RestApiId"), workspace)
        {
            api.cors.push(found);
        }
    }
}

/// `AWS::WAFv2::WebACLAssociation`: which REST stages a web ACL protects. An association whose
/// `ResourceArn` cannot be read could protect any stage, so every REST stage is then Unknown.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-wafv2-webaclassociation.html>
fn web_acls(template: &Template<'_>, eval: &Evaluator<'_, '_>, workspace: &mut Workspace) {
    // Each association's API and stage, and whether it exists: always, or under its
    // resource's `Condition`.
    let mut associated: Vec<(String, Option<String>, Resolved<bool>)> = Vec::new();
    let mut unreadable = false;
    for association in template.resources_of("AWS::WAFv2::WebACLAssociation") {
        match association
            .property("ResourceArn")
            .and_then(|arn| arn_text(eval, arn))
            .and_then(|arn| stage_of_arn(&arn))
        {
            Some((api, stage)) => {
                let exists = Resolved::only_when(&resource_conditions(association));
                associated.push((api, stage, exists));
            }
            None => unreadable = true,
        }
    }
    for api in workspace
        .apis
        .iter_mut()
        .filter(|a| a.kind == ApiKind::Rest)
    {
        for stage in &mut api.stages {
            let protected = associated.iter().filter(|(arn_api, arn_stage, _)| {
                *arn_api == api.name
                    && arn_stage.as_ref().is_none_or(|s| {
                        *s == stage.name
                            || template
                                .resource(s)
                                .is_some_and(|r| stage_resource_named(eval, r, &stage.name))
                            // The stage SAM generates for the API's `StageName` (not its extra
                            // stage named `Stage`), by its logical id or as `<Api>.Stage`.
                            || template.generated(s).is_some_and(|g| {
                                g.owner == api.name
                                    && g.kind.ends_with("::Stage")
                                    && stage.implicit.is_none()
                            })
                    })
            });
            let otherwise = if unreadable {
                Resolved::Unknown
            } else {
                Resolved::Known(false)
            };
            // A stage that exists only under a `Condition` is judged only then.
            let stage_conditions = template
                .resources_of("AWS::ApiGateway::Stage")
                .find(|r| r.loc() == stage.origin)
                .map(resource_conditions)
                .unwrap_or_default();
            stage.web_acl = protected
                .fold(Resolved::Known(false), |protected, (_, _, exists)| {
                    protected.or(exists)
                })
                .or(&otherwise)
                .under(&stage_conditions);
        }
    }
}

fn stage_resource_named(eval: &Evaluator<'_, '_>, resource: Resource<'_>, name: &str) -> bool {
    resource.kind == "AWS::ApiGateway::Stage"
        && eval.known_string(resource.property("StageName")).as_deref() == Some(name)
}

/// A stage ARN as text, with references kept as `${Id}`: a literal, an `Fn::Sub` template, or
/// an `Fn::Join` of literals and references.
fn arn_text(eval: &Evaluator<'_, '_>, node: NodeRef<'_>) -> Option<String> {
    if let Some(text) = eval.known_string(Some(node)) {
        return Some(text);
    }
    match intrinsic(node)? {
        Intrinsic::Sub { template, .. } => template.as_str().map(str::to_owned),
        Intrinsic::Join { delimiter, items } => {
            let delimiter = delimiter.as_str()?;
            let parts: Option<Vec<String>> = items
                .items()
                .map(|item| match eval.eval(item).known() {
                    Some(Value::Str(text)) => Some(text.to_string()),
                    Some(Value::Ref(id)) => Some(format!("${{{id}}}")),
                    _ => match intrinsic(item) {
                        Some(Intrinsic::Ref(name)) => Some(format!("${{{name}}}")),
                        _ => None,
                    },
                })
                .collect();
            Some(parts?.join(delimiter))
        }
        _ => None,
    }
}

/// The API and stage of a REST stage ARN (`arn:aws:apigateway:<region>::/restapis/<api>/stages/
/// <stage>`): each as a logical id when written `${Id}`, else as written; the stage is `None`
/// when it is computed otherwise.
fn stage_of_arn(arn: &str) -> Option<(String, Option<String>)> {
    let rest = arn.split_once("/restapis/")?.1;
    let (api, rest) = rest.split_once('/')?;
    let stage = rest.strip_prefix("stages/")?;
    // The API as a logical id (`${Api}`, `${Api.RootResourceId}`...); the stage as a logical id
    // or SAM's `${Api.Stage}`.
    let name = |part: &str, whole: bool| -> Option<String> {
        match part.strip_prefix("${").and_then(|p| p.strip_suffix('}')) {
            Some(variable) if variable.starts_with("AWS::") => None,
            Some(variable) if whole => Some(variable.to_owned()),
            Some(variable) => Some(variable.split('.').next().unwrap_or(variable).to_owned()),
            None if part.contains("${") => None,
            None => Some(part.to_owned()),
        }
    };
    Some((
        name(api, false)?,
        name(stage.split('/').next().unwrap_or(stage), true),
    ))
}

/// A resource policy written in a template property: a policy document, evaluated as the
/// template evaluates it.
pub(crate) fn template_policy<'a>(
    eval: &Evaluator<'_, 'a>,
    key: NodeRef<'a>,
    node: NodeRef<'a>,
) -> crate::model::ResourcePolicy {
    let reader = TemplatePolicy(eval);
    let mut policy = policy::read(key.loc(), node, &reader);
    if matches!(intrinsic(node), Some(Intrinsic::If { .. })) {
        policy.statements = branch_statements(node, &reader, 0);
    }
    policy
}

/// A policy document in a template as CloudFormation sees it: its scalars through the
/// evaluator, and its mappings and lists with the template's `AWS::Include` snippets put in
/// (an included statement is read as that statement; one that cannot be seen is Unknown).
pub(crate) struct TemplatePolicy<'e, 't, 'a>(pub &'e Evaluator<'t, 'a>);

impl<'a> policy::ReadPolicy<'a> for TemplatePolicy<'_, '_, 'a> {
    fn string(&self, node: NodeRef<'a>) -> Resolved<Option<String>> {
        self.0.string(Some(node))
    }

    fn get(&self, map: NodeRef<'a>, key: &str) -> Option<NodeRef<'a>> {
        self.0.get(map, key)
    }

    fn entries(&self, map: NodeRef<'a>) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
        include::entries_in(self.0.includes(), map)
    }

    fn follow(&self, node: NodeRef<'a>) -> NodeRef<'a> {
        include::follow(self.0.includes(), node)
    }

    fn unseen(&self, node: NodeRef<'a>) -> bool {
        include::is_include(node)
    }
}

/// The statements of a policy chosen by `Fn::If` (nested ones too), each branch read as a
/// policy; `AWS::NoValue` is no policy, no statement.
fn branch_statements<'a>(
    node: NodeRef<'a>,
    reader: &dyn policy::ReadPolicy<'a>,
    depth: usize,
) -> Resolved<Vec<crate::model::PolicyStatement>> {
    const MAX_DEPTH: usize = 8;
    match intrinsic(node) {
        Some(Intrinsic::If {
            condition,
            then,
            otherwise,
        }) if depth < MAX_DEPTH => Resolved::either(
            condition,
            branch_statements(then, reader, depth + 1),
            branch_statements(otherwise, reader, depth + 1),
        ),
        Some(Intrinsic::Ref("AWS::NoValue")) => Resolved::Known(Vec::new()),
        _ => policy::read(node.loc(), node, reader).statements,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn stage_arns() {
        assert_eq!(
            stage_of_arn("arn:aws:apigateway:${AWS::Region}::/restapis/${Api}/stages/${Stage}"),
            Some(("Api".into(), Some("Stage".into())))
        );
        assert_eq!(
            stage_of_arn("arn:aws:apigateway:eu-west-1::/restapis/${Api}/stages/prod"),
            Some(("Api".into(), Some("prod".into())))
        );
        assert_eq!(
            stage_of_arn("arn:aws:apigateway:eu-west-1::/restapis/${Api}/stages/${AWS::StackName}"),
            Some(("Api".into(), None))
        );
        assert_eq!(
            stage_of_arn("arn:aws:apigateway:eu-west-1::/restapis/${Api}/stages/${Api.Stage}"),
            Some(("Api".into(), Some("Api.Stage".into())))
        );
        assert_eq!(stage_of_arn("arn:aws:elasticloadbalancing:x"), None);
    }
}
