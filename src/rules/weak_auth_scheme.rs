use crate::diagnostic::Finding;
use crate::model::{ApiKeyLocation, AuthorizerKind, OAuthFlowKind, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct WeakAuthScheme;

impl Rule for WeakAuthScheme {
    rule_meta!("weak-auth-scheme", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            for authorizer in &api.authorizers {
                let subject = format!("{} {}", api.name, authorizer.name);
                let weakness = match &authorizer.kind {
                    AuthorizerKind::Http { scheme } => match scheme.as_str() {
                        "basic" => Some("sends a reusable password with every request"),
                        "digest" => Some("relies on MD5 and a shared password"),
                        "negotiate" => {
                            Some("depends on Kerberos/NTLM, which does not belong on a public API")
                        }
                        "oauth" => Some("is OAuth 1, which is deprecated"),
                        _ => None,
                    },
                    AuthorizerKind::ApiKey {
                        location: ApiKeyLocation::Query,
                    } => Some(
                        "puts the key in the query string, where logs, proxies and browser history keep it",
                    ),
                    AuthorizerKind::OAuth2 { flows } => {
                        for flow in flows {
                            let reason = match flow.kind {
                                OAuthFlowKind::Implicit => {
                                    "the implicit flow returns tokens in the URL"
                                }
                                OAuthFlowKind::Password => {
                                    "the password flow hands the user's password to the client"
                                }
                                _ => continue,
                            };
                            findings.push(
                                Finding::new(
                                    self.meta(),
                                    flow.origin.clone(),
                                    format!("the OAuth 2 scheme `{}` on {} allows a deprecated flow", authorizer.name, api.display),
                                )
                                .label(reason)
                                .related(authorizer.origin.clone(), "the scheme")
                                .subject(format!("{subject} {:?}", flow.kind))
                                .help("use the authorization code flow with PKCE (OAuth 2.0 Security BCP, RFC 9700)"),
                            );
                        }
                        None
                    }
                    _ => None,
                };
                if let Some(weakness) = weakness {
                    findings.push(
                        Finding::new(
                            self.meta(),
                            authorizer.origin.clone(),
                            format!("the {} `{}` on {} is a weak scheme", authorizer.kind.describe(), authorizer.name, api.display),
                        )
                        .label(weakness)
                        .subject(subject)
                        .help("use bearer tokens from an identity provider (OAuth 2 / OpenID Connect, JWT), IAM, or mutual TLS"),
                    );
                }
            }
        }
    }
}
