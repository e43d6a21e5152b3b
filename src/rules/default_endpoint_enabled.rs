use crate::diagnostic::Finding;
use crate::model::{
    Api, ApiKind, Conditions, DomainMapping, EndpointType, Notation, Resolved, Workspace,
};
use crate::text;

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct DefaultEndpointEnabled;

impl Rule for DefaultEndpointEnabled {
    rule_meta!("default-endpoint-enabled", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            if api.custom_domains.is_empty()
                || api.endpoint == Resolved::Known(EndpointType::Private)
            {
                continue;
            }
            for (when, disabled) in api.default_endpoint_disabled.branches() {
                if *disabled {
                    continue;
                }
                // The mappings that can exist in this branch; their own condition (the same
                // for all of them, typically) joins the branch's.
                let mappings: Vec<&DomainMapping> = api
                    .custom_domains
                    .iter()
                    .filter(|d| {
                        d.when
                            .iter()
                            .all(|c| when.iter().all(|w| w.name != c.name || w.holds == c.holds))
                    })
                    .collect();
                let Some(first) = mappings.first() else {
                    continue;
                };
                let mut conditions = when.clone();
                if mappings.iter().all(|d| d.when == first.when) {
                    for condition in &first.when {
                        if !conditions.contains(condition) {
                            conditions.push(condition.clone());
                        }
                    }
                }
                findings.push(self.finding(api, &mappings, &describe(&conditions)));
            }
        }
    }
}

impl DefaultEndpointEnabled {
    fn finding(&self, api: &Api, mappings: &[&DomainMapping], when: &str) -> Finding {
        let mut domains: Vec<&str> = Vec::new();
        for mapping in mappings {
            if !domains.contains(&mapping.domain.as_str()) {
                domains.push(&mapping.domain);
            }
        }
        let mut skipped = Vec::new();
        if mappings.iter().any(|d| d.mutual_tls.is_some()) {
            skipped.push("its mutual TLS (client certificates)");
        }
        // The default endpoint of a REST API accepts TLS 1.0; HTTP and WebSocket APIs take
        // TLS 1.2 on every endpoint.
        // <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html>
        let stricter_tls = mappings.iter().any(|d| {
            d.security_policy
                .as_deref()
                .is_some_and(|p| !p.eq_ignore_ascii_case("TLS_1_0"))
        });
        if api.kind == ApiKind::Rest && stricter_tls {
            skipped.push("its TLS policy (the default endpoint still accepts TLS 1.0)");
        }
        let mut message = format!(
            "{} is served on the custom {} {} but also on its default `execute-api` endpoint{when}",
            api.display,
            if domains.len() == 1 {
                "domain"
            } else {
                "domains"
            },
            text::list(&domains, "and")
        );
        skipped.insert(
            0,
            if domains.len() == 1 {
                "the domain"
            } else {
                "the domains"
            },
        );
        let bypassed = text::list(&skipped, "and");
        message.push_str(&format!(": callers can bypass {bypassed}"));
        let (setting, help) = match (api.notation, api.kind) {
            (Notation::ServerlessFramework, ApiKind::Http) => (
                "`provider.httpApi.disableDefaultEndpoint: true`",
                "set `provider.httpApi.disableDefaultEndpoint: true` so the API is reachable only \
                 through its custom domain",
            ),
            (Notation::ServerlessFramework, ApiKind::WebSocket) => (
                "`DisableExecuteApiEndpoint: true`",
                "set `DisableExecuteApiEndpoint: true` on the generated API through \
                 `resources.extensions.WebsocketsApi.Properties` (the framework has no setting for \
                 it) so the API is reachable only through its custom domain",
            ),
            (Notation::ServerlessFramework, ApiKind::Rest) => (
                "`provider.apiGateway.disableDefaultEndpoint: true`",
                "set `provider.apiGateway.disableDefaultEndpoint: true` so the API is reachable \
                 only through its custom domain",
            ),
            (Notation::Terraform, _) => (
                "`disable_execute_api_endpoint = true`",
                "set `disable_execute_api_endpoint = true` on the `aws_api_gateway_rest_api` or \
                 `aws_apigatewayv2_api` so the API is reachable only through its custom domain",
            ),
            (Notation::Gateway, _) => (
                "`DisableExecuteApiEndpoint: true`",
                "set `DisableExecuteApiEndpoint: true` (OpenAPI: `disableExecuteApiEndpoint` in \
                 `x-amazon-apigateway-endpoint-configuration`) so the API is reachable only through \
                 its custom domain",
            ),
        };
        let help = if domains.len() == 1 {
            help.to_owned()
        } else {
            format!("{help}s")
        };
        let (primary, label) = match &api.default_endpoint_origin {
            Some(at) => (at.clone(), "the default endpoint stays on".to_owned()),
            None => (api.origin.clone(), format!("no {setting}")),
        };
        let mut finding = Finding::new(self.meta(), primary, message)
            .label(label)
            .related(api.origin.clone(), "the API")
            .subject(format!("{} default endpoint", api.name))
            .help(help);
        for domain in mappings {
            finding = finding.related(
                domain.origin.clone(),
                format!("mapped to {}", domain.domain),
            );
            if let Some(mtls) = &domain.mutual_tls {
                finding = finding.related(mtls.clone(), "mutual TLS that `execute-api` skips");
            }
        }
        finding
    }
}

/// " when A is true and B is false", as every rule words a case.
fn describe(conditions: &Conditions) -> String {
    Resolved::Known(())
        .under(conditions)
        .cases()
        .into_iter()
        .next()
        .map(|(when, _)| when)
        .unwrap_or_default()
}
