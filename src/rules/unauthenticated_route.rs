use crate::diagnostic::{Finding, Severity};
use crate::model::{
    Api, Auth, EndpointType, FrameworkEvent, Notation, OpenBecause, Resolved, Route, RouteSource,
    Workspace,
};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct UnauthenticatedRoute;

impl Rule for UnauthenticatedRoute {
    rule_meta!("unauthenticated-route", Error);

    fn check(&self, workspace: &Workspace, settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            for route in &api.routes {
                // A preflight is answered by API Gateway itself; other WebSocket routes are
                // judged through `$connect`; `public-routes` are meant to be open.
                if route.cors_preflight
                    || route.inherits_connection_auth
                    || settings.public_routes.iter().any(|p| p.matches(api, route))
                {
                    continue;
                }
                for (when, auth) in route.auth.cases() {
                    if let Auth::Open(because) = auth {
                        findings.push(self.finding(api, route, *because, &when));
                    }
                }
            }
        }
    }
}

impl UnauthenticatedRoute {
    fn finding(&self, api: &Api, route: &Route, because: OpenBecause, when: &str) -> Finding {
        let private = api.endpoint == Resolved::Known(EndpointType::Private);
        let mut message = format!(
            "{} on {}{} can be called without credentials{when}",
            route.describe(),
            api.display,
            route.declared_by()
        );
        if private {
            message.push_str(" (the API is PRIVATE: reachable only through a VPC endpoint)");
        }
        let (primary, label) = match (&route.auth_origin, because) {
            (Some(origin), OpenBecause::Disabled) => {
                (origin.clone(), "authentication is switched off here")
            }
            (Some(origin), OpenBecause::Missing) => {
                (origin.clone(), "no authentication is required here")
            }
            (Some(origin), OpenBecause::Miscased) => (
                origin.clone(),
                "SAM recognises this type only in capitals: it makes the route `NONE`",
            ),
            (None, _) => (
                route.origin.clone(),
                "no authentication is declared for this route",
            ),
        };
        let mut finding = Finding::new(self.meta(), primary, message)
            .label(label)
            .related(route.origin.clone(), "the route")
            .subject(format!("{} {}", api.name, route.describe()))
            .help(help(route));
        if let Some(default) = &api.default_auth_origin {
            let label = match api.notation {
                Notation::Gateway | Notation::Terraform => "the API's default authentication",
                Notation::ServerlessFramework => "the API's settings (`provider`)",
            };
            finding = finding.related(default.clone(), label);
        }
        if private {
            finding = finding.severity(Severity::Warning);
        }
        finding
    }
}

/// How to require credentials, in the terms of what declared the route.
fn help(route: &Route) -> &'static str {
    match &route.source {
        RouteSource::FunctionEvent {
            event: FrameworkEvent::Http,
            ..
        } => {
            "add an `authorizer:` to the http event: `authorizer: aws_iam`, the name of an \
             authorizer function of the service (`authorizer: checkToken`), or \
             `authorizer: {type: COGNITO_USER_POOLS, arn: <user pool ARN>}`; if it is meant to be \
             public, list it under `public-routes` in .gatelint.yaml"
        }
        RouteSource::FunctionEvent {
            event: FrameworkEvent::HttpApi,
            ..
        } => {
            "add an `authorizer:` to the httpApi event: `authorizer: {name: <authorizer>}` with the \
             authorizer (JWT, or `type: request`) under `provider.httpApi.authorizers`, or \
             `authorizer: {type: aws_iam}`; if it is meant to be public, list it under \
             `public-routes` in .gatelint.yaml"
        }
        RouteSource::FunctionEvent {
            event: FrameworkEvent::WebSocket,
            ..
        } => {
            "add an `authorizer:` to the `$connect` websocket event: the name of an authorizer \
             function of the service, or `{name: <function>, identitySource: [...]}`; if it is \
             meant to be public, list it under `public-routes` in .gatelint.yaml"
        }
        RouteSource::Operation | RouteSource::Resource(_) | RouteSource::Event { .. } => {
            "require credentials on this route (an authorizer, IAM or a security scheme); if it is \
             meant to be public, list it under `public-routes` in .gatelint.yaml"
        }
    }
}
