use crate::diagnostic::Finding;
use crate::model::{Notation, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct CognitoMfaOff;

impl Rule for CognitoMfaOff {
    rule_meta!("cognito-mfa-off", Warning, opt_in);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for pool in &workspace.user_pools {
            for (when, mfa) in pool.mfa.cases() {
                if mfa == "ON" {
                    continue;
                }
                let (at, label) = match &pool.mfa_origin {
                    Some(at) => (at.clone(), format!("MFA is {mfa}")),
                    None => (pool.origin.clone(), "MFA is OFF by default".to_owned()),
                };
                let (what, why) = if mfa == "OPTIONAL" {
                    (
                        "is optional",
                        "users who never set up a second factor sign in with a password alone",
                    )
                } else {
                    (
                        "is off",
                        "a stolen or guessed password is all it takes to sign in",
                    )
                };
                findings.push(
                    Finding::new(
                        self.meta(),
                        at,
                        format!(
                            "multi-factor authentication in the user pool {} {what}{when}: {why}",
                            pool.name
                        ),
                    )
                    .label(label)
                    .related(pool.origin.clone(), "the user pool")
                    .subject(pool.name.clone())
                    .help(match pool.notation {
                        Notation::Terraform => {
                            "set `mfa_configuration = \"ON\"` with a `software_token_mfa_configuration` (TOTP) or SMS/email configuration"
                        }
                        Notation::Gateway | Notation::ServerlessFramework => {
                            "set `MfaConfiguration: ON` with `EnabledMfas` (TOTP, or SMS/email)"
                        }
                    }),
                );
            }
        }
    }
}
