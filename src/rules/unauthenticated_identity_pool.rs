use crate::diagnostic::Finding;
use crate::model::{Notation, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct UnauthenticatedIdentityPool;

impl Rule for UnauthenticatedIdentityPool {
    rule_meta!("unauthenticated-identity-pool", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for pool in &workspace.identity_pools {
            for (when, allowed) in pool.allow_unauthenticated.cases() {
                if !allowed {
                    continue;
                }
                let at = pool
                    .allow_unauthenticated_origin
                    .clone()
                    .unwrap_or_else(|| pool.origin.clone());
                let mut finding = Finding::new(
                    self.meta(),
                    at,
                    format!(
                        "the identity pool {} gives AWS credentials to unauthenticated identities{when}: \
                         anyone who knows its id can get them",
                        pool.name
                    ),
                )
                .label("unauthenticated identities allowed")
                .related(pool.origin.clone(), "the identity pool")
                .subject(pool.name.clone())
                .help(format!(
                    "set `{}`, or give the unauthenticated role only what a stranger may do (and \
                     nothing that invokes IAM-authorized routes)",
                    match pool.notation {
                        Notation::Terraform => "allow_unauthenticated_identities = false",
                        Notation::Gateway | Notation::ServerlessFramework => {
                            "AllowUnauthenticatedIdentities: false"
                        }
                    }
                ));
                if let Some(role) = &pool.unauthenticated_role {
                    finding = finding.related(role.clone(), "the role those credentials are for");
                }
                findings.push(finding);
            }
        }
    }
}
