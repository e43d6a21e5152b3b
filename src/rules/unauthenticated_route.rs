use crate::diagnostic::{Finding, Severity};
use crate::model::{
    Api, Auth, EndpointType, OpenBecause, Resolved, Route, Workspace, describe_conditions,
};

use super::{Rule, Settings, rule_meta};

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
                for (when, auth) in route.auth.branches() {
                    if let Auth::Open(because) = auth {
                        findings.push(self.finding(
                            api,
                            route,
                            *because,
                            &describe_conditions(&when),
                        ));
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
            (None, _) => (
                route.origin.clone(),
                "no authentication is declared for this route",
            ),
        };
        let mut finding = Finding::new(self.meta(), primary, message)
            .label(label)
            .related(route.origin.clone(), "the route")
            .subject(format!("{} {}", api.name, route.describe()))
            .help(
                "require credentials on this route (an authorizer, IAM or a security scheme); if it is \
                 meant to be public, list it under `public-routes` in .gatelint.yaml",
            );
        if let Some(default) = &api.default_auth_origin {
            finding = finding.related(default.clone(), "the API's default authentication");
        }
        if private {
            finding = finding.severity(Severity::Warning);
        }
        finding
    }
}
