use crate::collections::HashMap;
use crate::diagnostic::Finding;
use crate::model::{Api, Deployment, Route, RouteSource, Workspace};

use super::{Rule, Settings, rule_meta};

/// How many routes a message names before it says "and N more".
const NAMED_ROUTES: usize = 3;

pub struct UndeployedRoutes;

impl Rule for UndeployedRoutes {
    rule_meta!("undeployed-routes", Error);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            if api
                .deployments
                .iter()
                .all(|d| d.routes_not_waited_for.is_empty())
            {
                continue;
            }
            // The first route each resource declares, looked up once per API rather than once
            // per route left out (which is quadratic on a template with thousands of methods).
            let mut declared: HashMap<&str, &Route> = HashMap::default();
            for route in &api.routes {
                if let RouteSource::Resource(source) = &route.source {
                    declared.entry(source.as_str()).or_insert(route);
                }
            }
            for deployment in &api.deployments {
                let routes: Vec<&Route> = deployment
                    .routes_not_waited_for
                    .iter()
                    .filter_map(|id| declared.get(id.as_str()).copied())
                    .collect();
                if !routes.is_empty() {
                    findings.push(self.finding(api, deployment, &routes));
                }
            }
        }
    }
}

impl UndeployedRoutes {
    fn finding(&self, api: &Api, deployment: &Deployment, routes: &[&Route]) -> Finding {
        let mut named: Vec<String> = routes
            .iter()
            .take(NAMED_ROUTES)
            .map(|r| r.describe())
            .collect();
        if routes.len() > NAMED_ROUTES {
            named.push(format!("{} more", routes.len() - NAMED_ROUTES));
        }
        let list = match named.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        };
        let mut finding = Finding::new(
            self.meta(),
            deployment.origin.clone(),
            format!(
                "the deployment `{}` of {} does not wait for {list}: CloudFormation may create it \
                 before them",
                deployment.name, api.display
            ),
        )
        .label(format!(
            "depends on none of these {} route{}",
            routes.len(),
            if routes.len() == 1 { "" } else { "s" }
        ))
        .subject(format!("{} {}", api.name, deployment.name))
        .help(
            "add the routes' resources to the deployment's `DependsOn` (or turn on `AutoDeploy` on \
             an HTTP or WebSocket stage): a deployment snapshots the routes that exist when it is \
             created, so the stage may serve none of them and every call answers 403 \"Missing \
             Authentication Token\" (404 on HTTP APIs)",
        );
        for route in routes {
            finding = finding.related(
                route.origin.clone(),
                format!("{} is not waited for", route.describe()),
            );
        }
        finding
    }
}
