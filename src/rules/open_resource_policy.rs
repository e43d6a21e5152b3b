use crate::diagnostic::Finding;
use crate::model::{Api, Auth, EndpointType, Resolved, Workspace};

use super::resource_policy::open_statements_when;
use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct OpenResourcePolicy;

impl Rule for OpenResourcePolicy {
    rule_meta!("open-resource-policy", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            // A PRIVATE API's open policy is `private-api-without-vpc-condition`'s finding.
            if api.endpoint == Resolved::Known(EndpointType::Private) {
                continue;
            }
            for policy in &api.resource_policies {
                for (when, statement) in open_statements_when(policy) {
                    let at = statement
                        .principal_origin
                        .clone()
                        .unwrap_or_else(|| statement.origin.clone());
                    let mut message = format!(
                        "the resource policy of {} allows `execute-api:Invoke` to every principal, \
                         with no condition that narrows who can call{when}",
                        api.display
                    );
                    let signed = signed_routes(api);
                    if !signed.is_empty() {
                        message.push_str(&format!(
                            "; its AWS_IAM routes ({}) accept requests signed by any AWS account, \
                             not only yours",
                            signed.join(", ")
                        ));
                    }
                    findings.push(
                        Finding::new(self.meta(), at, message)
                            .label("every principal, no narrowing condition")
                            .related(statement.origin.clone(), "the statement")
                            .related(policy.origin.clone(), "the resource policy")
                            .related(api.origin.clone(), "the API")
                            .subject(format!("{} resource policy", api.name))
                            .help(
                                "name the accounts that may call (`Principal: {AWS: [account ids]}`), or \
                                 add a condition on `aws:SourceVpce`, `aws:SourceVpc`, `aws:SourceIp`, \
                                 `aws:PrincipalOrgID` or `aws:PrincipalAccount` to the Allow (or to a Deny \
                                 of everyone else)",
                            ),
                    );
                }
            }
        }
    }
}

/// The routes (at most three, then "…") that authenticate callers with IAM in some branch.
fn signed_routes(api: &Api) -> Vec<String> {
    let mut routes: Vec<String> = api
        .routes
        .iter()
        .filter(|r| r.auth.any(|a| *a == Auth::Iam))
        .map(|r| r.describe())
        .collect();
    if routes.len() > 3 {
        routes.truncate(3);
        routes.push("…".to_owned());
    }
    routes
}
