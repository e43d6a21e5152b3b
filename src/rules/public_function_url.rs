use crate::diagnostic::{Finding, Fix};
use crate::model::{Auth, Notation, Workspace};

use super::fixes;
use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct PublicFunctionUrl;

impl Rule for PublicFunctionUrl {
    rule_meta!("public-function-url", Error);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for url in &workspace.function_urls {
            for (when, auth) in url.auth.cases() {
                if !matches!(auth, Auth::Open(_)) {
                    continue;
                }
                let at = url
                    .auth_origin
                    .clone()
                    .unwrap_or_else(|| url.origin.clone());
                findings.push(
                    Finding::new(
                        self.meta(),
                        at.clone(),
                        format!(
                            "the Lambda function URL `{}` can be invoked without credentials{}",
                            url.name, when
                        ),
                    )
                    .label("no authentication")
                    .related(url.origin.clone(), "the function URL")
                    .subject(url.name.clone())
                    .fix(require_iam(&at))
                    .help(match url.notation {
                        Notation::Gateway => {
                            "set `AuthType: AWS_IAM` and sign requests (or put CloudFront with \
                             origin access control in front); if the function must be public, let \
                             an API Gateway route with an authorizer or throttling call it instead"
                        }
                        Notation::Terraform => {
                            "set `authorization_type = \"AWS_IAM\"` and sign requests (or put \
                             CloudFront with origin access control in front); if the function must \
                             be public, let an API Gateway route with an authorizer or throttling \
                             call it instead"
                        }
                        Notation::ServerlessFramework => {
                            "write `url: {authorizer: aws_iam}` and sign requests (or put \
                             CloudFront with origin access control in front); if the function must \
                             be public, let an http or httpApi event with an authorizer call it \
                             instead"
                        }
                    }),
                );
            }
        }
    }
}

/// `AuthType: NONE` (or `authorization_type = "NONE"`) written as a literal becomes
/// `AWS_IAM`: unsafe, as every caller must then sign its requests.
fn require_iam(at: &crate::syntax::Loc) -> Option<Fix> {
    let edit = fixes::replace_value(
        at,
        &["AuthType", "authorization_type"],
        |text| text == "NONE",
        "AWS_IAM",
    )?;
    Some(Fix::unsafe_(
        "require IAM-signed requests (AuthType: AWS_IAM)",
        vec![edit],
    ))
}
