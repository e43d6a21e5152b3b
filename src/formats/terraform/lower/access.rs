//! What decides who reaches an API besides its routes' authentication, and who gets in without
//! one, read from the resources around the API: custom domains and their mappings, CORS
//! answers (an HTTP API's `cors_configuration`, MOCK integration responses, gateway
//! responses), WAFv2 web ACL associations, Cognito app client flows, user pool MFA, identity
//! pools and Lambda permissions. The same facts CloudFormation's lowering fills.

use std::sync::Arc;

use super::nested::Nested;
use super::{Instance, Lowering, bool_setting};
use crate::formats::cors;
use crate::formats::policy;
use crate::formats::terraform::eval::{Ctx, Value};
use crate::model::{
    ApiKind, ClientFlows, CorsOrigin, CorsResponse, DomainMapping, DomainName, IdentityPool,
    LambdaPermission, Notation, Resolved, Setting, UserPool, Workspace,
};
use crate::syntax::hcl::{Attribute, Expr, ExprKind};
use crate::syntax::{Document, Loc};

impl<'e, 'a> Lowering<'e, 'a> {
    /// `disable_execute_api_endpoint` of a REST or V2 API.
    pub(crate) fn default_endpoint(
        &self,
        instance: &Instance<'a>,
    ) -> (Resolved<bool>, Option<Loc>) {
        (
            bool_setting(&self.value(instance, "disable_execute_api_endpoint"), false)
                .under(&instance.when),
            instance.attribute_loc("disable_execute_api_endpoint"),
        )
    }

    /// Custom domain names (`aws_api_gateway_domain_name`, `aws_apigatewayv2_domain_name`)
    /// and the mappings that put APIs behind them.
    pub(crate) fn domains(&mut self, workspace: &mut Workspace) {
        for instance in self.instances_of("aws_api_gateway_domain_name") {
            let (policy, policy_origin) =
                self.string_setting(instance, instance.body(), "security_policy", &instance.ctx);
            workspace.domain_names.push(DomainName {
                name: self.domain_text(instance),
                origin: instance.origin(),
                notation: Notation::Terraform,
                security_policy: policy,
                security_policy_origin: policy_origin,
            });
        }
        for instance in self.instances_of("aws_apigatewayv2_domain_name") {
            let configurations = self.nested(
                instance.body(),
                "domain_name_configuration",
                &instance.ctx,
                instance.file,
                &instance.address(),
            );
            for configuration in configurations {
                let (policy, policy_origin) = self.string_setting(
                    instance,
                    configuration.body,
                    "security_policy",
                    &configuration.ctx,
                );
                workspace.domain_names.push(DomainName {
                    name: self.domain_text(instance),
                    origin: instance.origin(),
                    notation: Notation::Terraform,
                    security_policy: configuration.settle(policy),
                    security_policy_origin: policy_origin,
                });
            }
        }
        let mappings = [
            (
                "aws_api_gateway_base_path_mapping",
                "aws_api_gateway_domain_name",
                ApiKind::Rest,
            ),
            (
                "aws_apigatewayv2_api_mapping",
                "aws_apigatewayv2_domain_name",
                ApiKind::Http,
            ),
        ];
        for (kind, domain_kind, api_kind) in mappings {
            for mapping in self.instances_of(kind) {
                let domain_value = self.value(mapping, "domain_name");
                let domain = match self
                    .target(&domain_value, domain_kind)
                    .and_then(|i| self.instance(i))
                {
                    Some(domain) => {
                        let policy = if domain_kind == "aws_api_gateway_domain_name" {
                            self.value(domain, "security_policy").to_text()
                        } else {
                            domain
                                .body()
                                .blocks_of("domain_name_configuration")
                                .next()
                                .and_then(|c| {
                                    self.value_in(domain, &c.body, "security_policy", &domain.ctx)
                                        .to_text()
                                })
                        };
                        DomainMapping {
                            domain: self.domain_text(domain),
                            origin: mapping.origin(),
                            mutual_tls: domain
                                .body()
                                .blocks_of("mutual_tls_authentication")
                                .next()
                                .map(|b| domain.loc(b.header)),
                            security_policy: policy,
                            when: mapping.when.clone(),
                        }
                    }
                    None => DomainMapping {
                        domain: domain_value
                            .to_text()
                            .unwrap_or_else(|| spelling(mapping, "domain_name")),
                        origin: mapping.origin(),
                        mutual_tls: None,
                        security_policy: None,
                        when: mapping.when.clone(),
                    },
                };
                let api = if api_kind == ApiKind::Rest {
                    self.api_of(
                        mapping,
                        "api_id",
                        "aws_api_gateway_rest_api",
                        ApiKind::Rest,
                        workspace,
                    )
                } else {
                    self.v2_api_of(mapping, workspace)
                };
                if let Some(api) = api.and_then(|i| workspace.apis.get_mut(i)) {
                    api.custom_domains.push(domain);
                }
            }
        }
    }

    fn domain_text(&self, domain: &Instance<'a>) -> String {
        self.value(domain, "domain_name")
            .to_text()
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| domain.address())
    }

    /// A string setting of `body` with where it is; Unknown when it is not set (the service
    /// picks a default we do not guess).
    fn string_setting(
        &self,
        instance: &Instance<'a>,
        body: &'a crate::syntax::hcl::Body,
        name: &str,
        ctx: &Ctx<'a>,
    ) -> (Resolved<String>, Option<Loc>) {
        let Some(attribute) = body.attribute(name) else {
            return (Resolved::Unknown, None);
        };
        let value = self
            .eval
            .eval(&attribute.value, ctx)
            .resolve(&|v| v.to_text().into())
            .under(&instance.when);
        (value, Some(instance.loc(attribute.span)))
    }

    /// An HTTP API's `cors_configuration`.
    pub(crate) fn cors_configuration(&self, instance: &Instance<'a>) -> Option<CorsResponse> {
        let blocks = self.nested(
            instance.body(),
            "cors_configuration",
            &instance.ctx,
            instance.file,
            &instance.address(),
        );
        let block: &Nested<'a> = blocks.first()?;
        let origins = block.body.attribute("allow_origins");
        let credentials = block.body.attribute("allow_credentials");
        let allow_origin = origins
            .map_or(Value::Null, |a| self.eval.eval(&a.value, &block.ctx))
            .resolve(&|v| match v {
                Value::Null => Resolved::Known(CorsOrigin::Listed),
                Value::List(items) => {
                    let texts: Option<Vec<String>> = items.iter().map(Value::to_text).collect();
                    match texts {
                        Some(texts) => Resolved::Known(cors::listed_origins(texts)),
                        None if items.iter().any(|i| i.as_str() == Some("*")) => {
                            Resolved::Known(CorsOrigin::Any)
                        }
                        None => Resolved::Unknown,
                    }
                }
                _ => Resolved::Unknown,
            });
        let allow_credentials = bool_setting(
            &credentials.map_or(Value::Null, |a| self.eval.eval(&a.value, &block.ctx)),
            false,
        );
        Some(CorsResponse {
            source: "the `cors_configuration`".to_owned(),
            origin: instance.loc(block.header),
            allow_origin: block.settle(allow_origin).under(&instance.when),
            allow_origin_at: origins.map(|a| instance.loc(a.span)),
            allow_credentials: block.settle_flag(allow_credentials).under(&instance.when),
            allow_credentials_at: credentials.map(|a| instance.loc(a.span)),
        })
    }

    /// The CORS headers MOCK integration responses and gateway responses send.
    pub(crate) fn rest_cors(&mut self, workspace: &mut Workspace) {
        let kinds = [
            (
                "aws_api_gateway_integration_response",
                "method.response.header.",
            ),
            (
                "aws_api_gateway_gateway_response",
                "gatewayresponse.header.",
            ),
        ];
        for (kind, prefix) in kinds {
            for instance in self.instances_of(kind) {
                let Some(parameters) = instance.attribute("response_parameters") else {
                    continue;
                };
                let source = if kind == "aws_api_gateway_gateway_response" {
                    let response = self
                        .value(instance, "response_type")
                        .to_text()
                        .unwrap_or_else(|| instance.address());
                    format!("the gateway response {response}")
                } else {
                    let method = self
                        .value(instance, "http_method")
                        .to_text()
                        .unwrap_or_else(|| "OPTIONS".to_owned());
                    let path = match self.resource_target(&self.value(instance, "resource_id")) {
                        super::ResourceTarget::Root => "/".to_owned(),
                        super::ResourceTarget::Resource(index) => self.resource_path(index),
                        super::ResourceTarget::Unknown => format!("/{}", super::UNKNOWN_SEGMENT),
                    };
                    let status = self
                        .value(instance, "status_code")
                        .to_text()
                        .unwrap_or_default();
                    format!("the {method} {path} integration response {status}")
                };
                let Some(found) = self.header_mappings(instance, parameters, source, prefix) else {
                    continue;
                };
                if let Some(api) = self
                    .rest_api_of(instance, workspace)
                    .and_then(|i| workspace.apis.get_mut(i))
                {
                    api.cors.push(found);
                }
            }
        }
    }

    fn header_mappings(
        &self,
        instance: &Instance<'a>,
        parameters: &'a Attribute,
        source: String,
        prefix: &str,
    ) -> Option<CorsResponse> {
        let mut budget = 10_000;
        let node = self.node_of(&parameters.value, instance.file, &instance.ctx, &mut budget)?;
        let document = Document::built(Arc::clone(instance.file), node);
        let mut found = cors::from_header_mappings(
            source,
            instance.origin(),
            document.root(),
            prefix,
            &policy::literal,
        )?;
        found.allow_origin = found.allow_origin.under(&instance.when);
        found.allow_credentials = found.allow_credentials.under(&instance.when);
        Some(found)
    }

    /// WAFv2 associations with REST stages: the stage instances an association's
    /// `resource_arn` names, each with whether the association exists (always, or under the
    /// conditions of its `count`), and whether some association's target cannot be read (then
    /// any stage may be the one protected).
    pub(crate) fn web_acl_targets(&self) -> (Vec<(usize, Resolved<bool>)>, bool) {
        let mut stages = Vec::new();
        let mut unreadable = false;
        for association in self.instances_of("aws_wafv2_web_acl_association") {
            let arn = self.value(association, "resource_arn");
            match self.target(&arn, "aws_api_gateway_stage") {
                Some(stage) => stages.push((stage, Resolved::only_when(&association.when))),
                None => {
                    // A literal ARN of something else (a load balancer) protects no stage.
                    let other = arn.as_str().is_some_and(|a| !a.contains(":apigateway:"));
                    if !other {
                        unreadable = true;
                    }
                }
            }
        }
        (stages, unreadable)
    }

    /// App client flows and secret.
    pub(crate) fn client_flows(&self, instance: &Instance<'a>) -> ClientFlows {
        // "Defaults to LEGACY when you don't provide a value."
        let existence = self
            .value(instance, "prevent_user_existence_errors")
            .resolve(&|v| match v {
                Value::Null => Resolved::Known("LEGACY".to_owned()),
                v => v.to_text().map(|t| t.to_ascii_uppercase()).into(),
            })
            .under(&instance.when);
        ClientFlows {
            oauth_flows: self
                .settings(instance, "allowed_oauth_flows", str::to_ascii_lowercase)
                .under(&instance.when),
            auth_flows: self
                .settings(instance, "explicit_auth_flows", str::to_ascii_uppercase)
                .under(&instance.when),
            prevent_user_existence_errors: existence,
            prevent_user_existence_errors_origin: instance
                .attribute_loc("prevent_user_existence_errors"),
            generate_secret: bool_setting(&self.value(instance, "generate_secret"), false)
                .under(&instance.when),
            generate_secret_origin: instance.attribute_loc("generate_secret"),
        }
    }

    /// A list of strings, each with where it is written (the item in a literal list, else the
    /// attribute); empty when not set.
    fn settings(
        &self,
        instance: &Instance<'a>,
        name: &str,
        case: fn(&str) -> String,
    ) -> Resolved<Vec<Setting>> {
        let Some(attribute) = instance.attribute(name) else {
            return Resolved::Known(Vec::new());
        };
        if let ExprKind::Array(items) = &attribute.value.kind {
            let mut out = Vec::new();
            for item in items {
                match self.eval.eval(item, &instance.ctx).to_text() {
                    Some(text) => out.push(Setting {
                        value: case(&text),
                        origin: instance.loc(item.span),
                    }),
                    None => return Resolved::Unknown,
                }
            }
            return Resolved::Known(out);
        }
        let at = instance.loc(attribute.span);
        self.eval
            .eval(&attribute.value, &instance.ctx)
            .resolve(&|v| match v {
                Value::Null => Resolved::Known(Vec::new()),
                Value::List(items) => {
                    let texts: Option<Vec<Setting>> = items
                        .iter()
                        .map(|i| {
                            i.to_text().map(|t| Setting {
                                value: case(&t),
                                origin: at.clone(),
                            })
                        })
                        .collect();
                    texts.into()
                }
                _ => Resolved::Unknown,
            })
    }

    /// User pools (MFA), identity pools (unauthenticated identities) and Lambda permissions.
    pub(crate) fn identity(&self, workspace: &mut Workspace) {
        for instance in self.instances_of("aws_cognito_user_pool") {
            workspace.user_pools.push(UserPool {
                name: instance.address(),
                origin: instance.origin(),
                notation: Notation::Terraform,
                // "OFF: MFA won't be used for any users" is the default.
                mfa: self
                    .value(instance, "mfa_configuration")
                    .resolve(&|v| match v {
                        Value::Null => Resolved::Known("OFF".to_owned()),
                        v => v.to_text().map(|t| t.to_ascii_uppercase()).into(),
                    })
                    .under(&instance.when),
                mfa_origin: instance.attribute_loc("mfa_configuration"),
            });
        }
        let attachments = self.instances_of("aws_cognito_identity_pool_roles_attachment");
        for index in self.of("aws_cognito_identity_pool") {
            let Some(instance) = self.instance(index) else {
                continue;
            };
            let unauthenticated_role = attachments
                .iter()
                .filter(|a| {
                    self.target(
                        &self.value(a, "identity_pool_id"),
                        "aws_cognito_identity_pool",
                    ) == Some(index)
                })
                .find_map(|a| self.unauthenticated_role(a));
            workspace.identity_pools.push(IdentityPool {
                name: instance.address(),
                origin: instance.origin(),
                notation: Notation::Terraform,
                allow_unauthenticated: bool_setting(
                    &self.value(instance, "allow_unauthenticated_identities"),
                    false,
                )
                .under(&instance.when),
                allow_unauthenticated_origin: instance
                    .attribute_loc("allow_unauthenticated_identities"),
                unauthenticated_role,
            });
        }
        for instance in self.instances_of("aws_lambda_permission") {
            // A conditional may leave either out (`null`) in a branch.
            let scoped = ["source_arn", "source_account"]
                .iter()
                .map(|key| {
                    self.value(instance, key)
                        .resolve(&|v| Resolved::Known(!matches!(v, Value::Null)))
                })
                .fold(Resolved::Known(false), |scoped, set| scoped.or(&set));
            workspace.lambda_permissions.push(LambdaPermission {
                name: instance.address(),
                origin: instance.origin(),
                notation: Notation::Terraform,
                principal: self
                    .value(instance, "principal")
                    .resolve(&|p| p.to_text().map(|p| p.to_ascii_lowercase()).into())
                    .under(&instance.when),
                principal_origin: instance.attribute_loc("principal"),
                scoped: scoped.under(&instance.when),
            });
        }
    }

    /// The role `roles = { unauthenticated = ... }` names: its resource block when it is in the
    /// configuration, else the entry.
    fn unauthenticated_role(&self, attachment: &Instance<'a>) -> Option<Loc> {
        let roles = attachment.attribute("roles")?;
        let ExprKind::Object(entries) = &roles.value.kind else {
            return None;
        };
        let (_, role): &(Expr, Expr) = entries.iter().find(|(key, _)| {
            self.eval.eval(key, &attachment.ctx).as_str() == Some("unauthenticated")
        })?;
        if let Value::Ref(reference) = self.eval.eval(role, &attachment.ctx)
            && let Some(scope) = self.eval.scopes.iter().find(|s| s.path == reference.module)
            && let Some(block) = scope.config.resources.iter().find(|r| {
                r.item.labels.first() == Some(&reference.kind)
                    && r.item.labels.get(1) == Some(&reference.name)
            })
        {
            return Some(block.loc(block.item.header));
        }
        Some(attachment.loc(role.span))
    }
}

/// How an attribute is written, for a name when its value is not known.
fn spelling(instance: &Instance<'_>, name: &str) -> String {
    instance
        .attribute(name)
        .map(|a| instance.file.slice(a.value.span).to_owned())
        .unwrap_or_else(|| instance.address())
}
