use crate::collections::HashSet;
use crate::diagnostic::Finding;
use crate::model::Workspace;

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct UnusedAuthorizer;

impl Rule for UnusedAuthorizer {
    rule_meta!("unused-authorizer", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            // Routes we cannot read may be the ones that use it.
            if api.hidden_routes.is_some() {
                continue;
            }
            // A route whose authentication is decided at deployment (a `DefaultAuthorizer`
            // given by a parameter) and names no authorizer may use any of them.
            if api
                .routes
                .iter()
                .any(|r| r.auth.has_unknown() && r.references.is_empty())
            {
                continue;
            }
            let used: HashSet<&str> = api
                .routes
                .iter()
                .flat_map(|r| r.references.iter().map(|u| &*u.name))
                .collect();
            for authorizer in &api.authorizers {
                if used.contains(authorizer.name.as_str()) {
                    continue;
                }
                let message = format!(
                    "the {} `{}` on {} is not used by any route",
                    authorizer.kind.describe(),
                    authorizer.name,
                    api.display
                );
                findings.push(
                    Finding::new(self.meta(), authorizer.origin.clone(), message)
                        .label("defined here, used nowhere")
                        .subject(format!("{} {}", api.name, authorizer.name))
                        .help(
                            "attach it to the routes it was meant to protect, or delete it; an unused \
                             authorizer usually means routes that were meant to be protected are not",
                        ),
                );
            }
        }
    }
}
