use crate::diagnostic::Finding;
use crate::model::{Api, EndpointType, Resolved, Workspace};

use super::resource_policy::{VPC_KEYS, allows_everyone_but};
use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct PrivateApiWithoutVpcCondition;

const HELP: &str = "attach a resource policy that allows `execute-api:Invoke` only from your VPC \
                    endpoints: a Deny with `StringNotEquals` on `aws:SourceVpce` (or `aws:SourceVpc`), \
                    or the same condition on the Allow";

impl Rule for PrivateApiWithoutVpcCondition {
    rule_meta!("private-api-without-vpc-condition", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            for (when, endpoint) in api.endpoint.cases() {
                if *endpoint != EndpointType::Private {
                    continue;
                }
                self.check_private(api, &when, findings);
            }
        }
    }
}

impl PrivateApiWithoutVpcCondition {
    fn check_private(&self, api: &Api, when: &str, findings: &mut Vec<Finding>) {
        let endpoint = api
            .endpoint_origin
            .clone()
            .unwrap_or_else(|| api.origin.clone());
        if api.resource_policies.is_empty() {
            // A policy may sit where gatelint cannot see (a body in S3).
            if api.hidden_routes.is_some() {
                return;
            }
            findings.push(
                Finding::new(
                    self.meta(),
                    endpoint,
                    format!(
                        "{} is a PRIVATE API{when} with no resource policy: nothing limits which VPC \
                         endpoints can reach it",
                        api.display
                    ),
                )
                .label("PRIVATE, no resource policy")
                .related(api.origin.clone(), "the API")
                .subject(format!("{} private", api.name))
                .help(HELP),
            );
            return;
        }
        for policy in &api.resource_policies {
            let Some(statements) = policy.statements.known() else {
                continue;
            };
            let restricted = statements
                .iter()
                .any(|s| s.conditions_on(&VPC_KEYS) != Resolved::Known(false));
            // A source IP is no VPC: private addresses repeat in every VPC of every account.
            let open = statements
                .iter()
                .find(|s| allows_everyone_but(s, &["aws:SourceIp", "aws:VpcSourceIp"]));
            let (false, Some(open)) = (restricted, open) else {
                continue;
            };
            findings.push(
                Finding::new(
                    self.meta(),
                    open.principal_origin
                        .clone()
                        .unwrap_or_else(|| open.origin.clone()),
                    format!(
                        "the resource policy of the PRIVATE API {}{when} does not restrict \
                         `aws:SourceVpce` or `aws:SourceVpc`: any VPC endpoint for API Gateway, in \
                         any AWS account, can reach it",
                        api.display
                    ),
                )
                .label("every principal, from any VPC endpoint")
                .related(open.origin.clone(), "the statement")
                .related(policy.origin.clone(), "the resource policy")
                .related(endpoint.clone(), "the API is PRIVATE here")
                .subject(format!("{} private", api.name))
                .help(HELP),
            );
        }
    }
}
