use crate::diagnostic::Finding;
use crate::model::Workspace;

use super::{Rule, Settings, rule_meta};

pub struct TokenRevocationDisabled;

impl Rule for TokenRevocationDisabled {
    rule_meta!("token-revocation-disabled", Error);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for issuer in &workspace.token_issuers {
            for (when, enabled) in issuer.revocation.cases() {
                if *enabled {
                    continue;
                }
                let at = issuer
                    .revocation_origin
                    .clone()
                    .unwrap_or_else(|| issuer.origin.clone());
                findings.push(
                    Finding::new(
                        self.meta(),
                        at,
                        format!(
                            "the user pool client `{}` cannot revoke the tokens it issues{}",
                            issuer.name, when
                        ),
                    )
                    .label("token revocation is switched off")
                    .related(issuer.origin.clone(), "the app client")
                    .subject(issuer.name.clone())
                    .help(
                        "set `EnableTokenRevocation` to true, or leave it out (revocation is on by \
                         default): without it a stolen refresh token keeps minting access tokens \
                         until it expires, and signing out cannot end a session",
                    ),
                );
            }
        }
    }
}
