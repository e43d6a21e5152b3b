use crate::diagnostic::Finding;
use crate::model::{Auth, Notation, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct ApiKeyOnly;

impl Rule for ApiKeyOnly {
    rule_meta!("api-key-only", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            for route in &api.routes {
                if route.cors_preflight || route.inherits_connection_auth {
                    continue;
                }
                for (when, auth) in route.auth.cases() {
                    if *auth != Auth::ApiKeyOnly {
                        continue;
                    }
                    let message = format!(
                        "{} on {}{} is protected only by an API key{}",
                        route.describe(),
                        api.display,
                        route.declared_by(),
                        when
                    );
                    let primary = route
                        .auth_origin
                        .clone()
                        .unwrap_or_else(|| route.origin.clone());
                    findings.push(
                        Finding::new(self.meta(), primary, message)
                            .label("only an API key is required")
                            .related(route.origin.clone(), "the route")
                            .subject(format!("{} {}", api.name, route.describe()))
                            .help(match api.notation {
                                Notation::Gateway => {
                                    "add an authorizer, IAM or a JWT/Cognito scheme; API keys identify \
                                     clients for usage plans and are shared and long-lived, AWS says not \
                                     to use them for authorization"
                                }
                                Notation::Terraform => {
                                    "set `authorization` to `CUSTOM` or `COGNITO_USER_POOLS` with an \
                                     `authorizer_id`, or to `AWS_IAM`, and keep `api_key_required` only \
                                     for usage plans; API keys are shared and long-lived, AWS says not \
                                     to use them for authorization"
                                }
                                Notation::ServerlessFramework => {
                                    "`private: true` asks for an API key and nothing more: add an \
                                     `authorizer:` to the event (`aws_iam`, an authorizer function, or a \
                                     Cognito user pool ARN) and keep `private: true` only for usage plans; \
                                     API keys are shared and long-lived, AWS says not to use them for \
                                     authorization"
                                }
                            }),
                    );
                }
            }
        }
    }
}
