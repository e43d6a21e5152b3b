use crate::diagnostic::Finding;
use crate::model::{Notation, TokenIssuer, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct WeakCognitoClient;

impl Rule for WeakCognitoClient {
    rule_meta!("weak-cognito-client", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for client in &workspace.token_issuers {
            let words = Words::of(client.notation);
            for (when, flows) in client.flows.oauth_flows.cases() {
                for flow in flows.iter().filter(|f| f.value == "implicit") {
                    findings.push(
                        self.finding(
                            client,
                            flow.origin.clone(),
                            format!(
                                "the user pool client `{}` allows the OAuth implicit grant{when}: tokens \
                                 come back in the redirect URL, where history, logs and referrers see \
                                 them, with no proof of who asked",
                                client.name
                            ),
                            "implicit grant",
                        )
                        .help(format!("use the authorization code grant with PKCE (`{}`)", words.code_flow)),
                    );
                }
                let confidential = flows.iter().find(|f| f.value == "client_credentials");
                if let Some(flow) = confidential {
                    for (secret_when, secret) in client.flows.generate_secret.cases() {
                        if *secret {
                            continue;
                        }
                        let when = if secret_when.is_empty() {
                            &when
                        } else {
                            &secret_when
                        };
                        let mut finding = self
                            .finding(
                                client,
                                flow.origin.clone(),
                                format!(
                                    "the user pool client `{}` allows `client_credentials` without a \
                                     client secret{when}: a machine-to-machine client authenticates \
                                     with nothing",
                                    client.name
                                ),
                                "confidential flow, no secret",
                            )
                            .help(format!("set `{}` (Cognito requires a secret for client credentials)", words.secret));
                        if let Some(at) = &client.flows.generate_secret_origin {
                            finding = finding.related(at.clone(), "no secret");
                        }
                        findings.push(finding);
                    }
                }
            }
            for (when, flows) in client.flows.auth_flows.cases() {
                for flow in flows.iter().filter(|f| {
                    f.value == "ALLOW_USER_PASSWORD_AUTH" || f.value == "USER_PASSWORD_AUTH"
                }) {
                    findings.push(
                        self.finding(
                            client,
                            flow.origin.clone(),
                            format!(
                                "the user pool client `{}` allows `{}`{when}: the password itself is \
                                 sent to Cognito instead of an SRP proof, so whatever sits in between \
                                 (a proxy, a log, a compromised front end) sees it",
                                client.name, flow.value
                            ),
                            "plain password sign-in",
                        )
                        .help("allow `ALLOW_USER_SRP_AUTH` instead (and `ALLOW_REFRESH_TOKEN_AUTH`)"),
                    );
                }
            }
            for (when, setting) in client.flows.prevent_user_existence_errors.cases() {
                if setting == "ENABLED" {
                    continue;
                }
                let at = client
                    .flows
                    .prevent_user_existence_errors_origin
                    .clone()
                    .unwrap_or_else(|| client.origin.clone());
                let label = if client.flows.prevent_user_existence_errors_origin.is_some() {
                    "user existence errors on"
                } else {
                    words.existence_default
                };
                findings.push(
                    self.finding(
                        client,
                        at,
                        format!(
                            "the user pool client `{}` does not set `{}`{when}: sign-in and password \
                             reset answer differently for unknown users, so anyone can find out \
                             which accounts exist",
                            client.name, words.existence
                        ),
                        label,
                    )
                    .help(format!("set `{}`", words.existence)),
                );
            }
        }
    }
}

impl WeakCognitoClient {
    fn finding(
        &self,
        client: &TokenIssuer,
        at: crate::syntax::Loc,
        message: String,
        label: &'static str,
    ) -> Finding {
        Finding::new(self.meta(), at, message)
            .label(label)
            .related(client.origin.clone(), "the app client")
            .subject(format!("{} {label}", client.name))
    }
}

/// The settings this rule names, as the client's source writes them.
struct Words {
    code_flow: &'static str,
    secret: &'static str,
    existence: &'static str,
    existence_default: &'static str,
}

impl Words {
    fn of(notation: Notation) -> Self {
        match notation {
            Notation::Terraform => Words {
                code_flow: "allowed_oauth_flows = [\"code\"]",
                secret: "generate_secret = true",
                existence: "prevent_user_existence_errors = \"ENABLED\"",
                existence_default: "`prevent_user_existence_errors` defaults to LEGACY",
            },
            Notation::Gateway | Notation::ServerlessFramework => Words {
                code_flow: "AllowedOAuthFlows: [code]",
                secret: "GenerateSecret: true",
                existence: "PreventUserExistenceErrors: ENABLED",
                existence_default: "`PreventUserExistenceErrors` defaults to LEGACY",
            },
        }
    }
}
