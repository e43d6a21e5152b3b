use crate::collections::HashMap;
use crate::diagnostic::{Finding, Fix};
use crate::model::{Api, Deployment, Notation, Route, RouteSource, Workspace};
use crate::syntax::Loc;
use crate::text;

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

/// How many routes a message names before it says "and N more".
const NAMED_ROUTES: usize = 3;

pub struct UndeployedRoutes;

impl Rule for UndeployedRoutes {
    rule_meta!("undeployed-routes", Error);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            for deployment in &api.deployments {
                if let Some(triggers) = &deployment.replaced_without_create_before_destroy {
                    findings.push(self.replaced_in_place(api, deployment, triggers));
                }
            }
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
                    declared.entry(&**source).or_insert(route);
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
        let list = text::list(&named, "and");
        let plural = if routes.len() == 1 { "" } else { "s" };
        let (message, label, help, fix_title) = match api.notation {
            Notation::Gateway | Notation::ServerlessFramework => (
                format!(
                    "the deployment `{}` of {} does not wait for {list}: CloudFormation may create \
                     it before them",
                    deployment.name, api.display
                ),
                format!("depends on none of these {} route{plural}", routes.len()),
                "add the routes' resources to the deployment's `DependsOn` (or turn on \
                 `AutoDeploy` on an HTTP or WebSocket stage): a deployment snapshots the routes \
                 that exist when it is created, so the stage may serve none of them and every call \
                 answers 403 \"Missing Authentication Token\" (404 on HTTP APIs)",
                format!(
                    "add the {} route{plural} to the deployment's `DependsOn`",
                    routes.len()
                ),
            ),
            Notation::Terraform => (
                format!(
                    "the deployment `{}` of {} is not redeployed when {list} change, and may be \
                     created before them: it has no `triggers` that follow them and no \
                     `depends_on` on them",
                    deployment.name, api.display
                ),
                format!(
                    "neither triggered by nor depending on these {} route{plural}",
                    routes.len()
                ),
                "add `triggers = { redeployment = sha1(jsonencode([...])) }` over the API's \
                 resources, methods and integrations (or its `body`), with `lifecycle { \
                 create_before_destroy = true }`: Terraform creates a deployment once and keeps \
                 it, so routes added or changed later are never deployed and answer 403 \"Missing \
                 Authentication Token\" (404 on HTTP APIs, or turn on `auto_deploy` there)",
                "redeploy when the API's routes change: add `triggers` over them (and \
                 `create_before_destroy`)"
                    .to_owned(),
            ),
        };
        let fix = (!deployment.follow_routes.is_empty())
            .then(|| Fix::safe(fix_title, deployment.follow_routes.clone()));
        let mut finding = Finding::new(self.meta(), deployment.origin.clone(), message)
            .label(label)
            .fix(fix)
            .subject(format!("{} {}", api.name, deployment.name))
            .help(help);
        for route in routes {
            finding = finding.related(
                route.origin.clone(),
                format!("{} is not waited for", route.describe()),
            );
        }
        finding
    }

    /// Terraform replaces a deployment when its triggers change; without
    /// `create_before_destroy` it first destroys the one the stage serves, which API Gateway
    /// refuses while a stage points at it (or the stage serves nothing meanwhile).
    fn replaced_in_place(&self, api: &Api, deployment: &Deployment, triggers: &Loc) -> Finding {
        Finding::new(
            self.meta(),
            triggers.clone(),
            format!(
                "the deployment `{}` of {} is replaced when its triggers change, but without \
                 `create_before_destroy`: Terraform destroys the deployment the stage serves \
                 before it creates the new one",
                deployment.name, api.display
            ),
        )
        .label("replaced when these change")
        .fix((!deployment.create_before_destroy.is_empty()).then(|| {
            Fix::safe(
                "add `lifecycle { create_before_destroy = true }`",
                deployment.create_before_destroy.clone(),
            )
        }))
        .related(deployment.origin.clone(), "the deployment")
        .subject(format!(
            "{} {} create_before_destroy",
            api.name, deployment.name
        ))
        .help(
            "add `lifecycle { create_before_destroy = true }` to the deployment: otherwise the \
             replacement fails (\"Active stages pointing to this deployment must be moved or \
             deleted\") or leaves the stage without routes until the new deployment exists",
        )
    }
}
