use crate::diagnostic::Finding;
use crate::model::{Auth, Notation, Workspace};

use super::{Rule, Settings, rule_meta};

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
                        at,
                        format!(
                            "the Lambda function URL `{}` can be invoked without credentials{}",
                            url.name, when
                        ),
                    )
                    .label("no authentication")
                    .related(url.origin.clone(), "the function URL")
                    .subject(url.name.clone())
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
