use crate::diagnostic::{Finding, Fix};
use crate::model::{Notation, Workspace};

use super::fixes;
use super::rule::{Rule, rule_meta};
use super::settings::Settings;

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
                        at.clone(),
                        format!(
                            "the user pool client `{}` cannot revoke the tokens it issues{}",
                            issuer.name, when
                        ),
                    )
                    .label("token revocation is switched off")
                    .related(issuer.origin.clone(), "the app client")
                    .subject(issuer.name.clone())
                    .fix(switch_on(&at))
                    .help(format!(
                        "set `{}` to true, or leave it out (revocation is on by default): without \
                         it a stolen refresh token keeps minting access tokens until it expires, \
                         and signing out cannot end a session",
                        match issuer.notation {
                            Notation::Terraform => "enable_token_revocation",
                            Notation::Gateway | Notation::ServerlessFramework => {
                                "EnableTokenRevocation"
                            }
                        }
                    )),
                );
            }
        }
    }
}

/// `EnableTokenRevocation: false` (or `enable_token_revocation = false`) written as a literal
/// becomes `true`.
fn switch_on(at: &crate::syntax::Loc) -> Option<Fix> {
    let edit = fixes::replace_value(
        at,
        &["EnableTokenRevocation", "enable_token_revocation"],
        |text| text.eq_ignore_ascii_case("false"),
        "true",
    )?;
    Some(Fix::safe("switch token revocation on", vec![edit]))
}
