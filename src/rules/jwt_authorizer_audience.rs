use crate::diagnostic::Finding;
use crate::model::{Api, Authorizer, AuthorizerKind, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct JwtAuthorizerAudience;

impl Rule for JwtAuthorizerAudience {
    rule_meta!("jwt-authorizer-audience", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            for authorizer in &api.authorizers {
                if authorizer.kind != AuthorizerKind::Jwt {
                    continue;
                }
                for (when, audience) in authorizer.audience.cases() {
                    if audience.is_empty() {
                        findings.push(self.no_audience(api, authorizer, &when));
                    }
                }
                for (when, issuer) in authorizer.issuer.cases() {
                    if !is_https(issuer) {
                        findings.push(self.plain_issuer(api, authorizer, issuer, &when));
                    }
                }
            }
        }
    }
}

impl JwtAuthorizerAudience {
    fn no_audience(&self, api: &Api, authorizer: &Authorizer, when: &str) -> Finding {
        let at = authorizer
            .audience_origin
            .clone()
            .unwrap_or_else(|| authorizer.origin.clone());
        Finding::new(
            self.meta(),
            at,
            format!(
                "the JWT authorizer `{}` on {} names no audience{when}",
                authorizer.name, api.display
            ),
        )
        .label("no audience to check tokens against")
        .related(authorizer.origin.clone(), "the authorizer")
        .subject(format!("{} {} audience", api.name, authorizer.name))
        .help(
            "list the app client ids (or API identifiers) the tokens must be issued for under the \
             audience: API Gateway accepts a token only when its `aud` (or, without one, its \
             `client_id`) matches an entry, so a token the same issuer minted for another \
             application cannot be replayed against this API",
        )
    }

    fn plain_issuer(
        &self,
        api: &Api,
        authorizer: &Authorizer,
        issuer: &str,
        when: &str,
    ) -> Finding {
        let at = authorizer
            .issuer_origin
            .clone()
            .unwrap_or_else(|| authorizer.origin.clone());
        Finding::new(
            self.meta(),
            at,
            format!(
                "the JWT authorizer `{}` on {} trusts the issuer `{issuer}`{when}, which is not an https URL",
                authorizer.name, api.display
            ),
        )
        .label("not https")
        .related(authorizer.origin.clone(), "the authorizer")
        .subject(format!("{} {} issuer", api.name, authorizer.name))
        .help(
            "use the identity provider's https issuer URL (for Cognito \
             `https://cognito-idp.<region>.amazonaws.com/<user pool id>`): the signing keys are \
             discovered from the issuer, and keys fetched over plain text can be replaced in transit",
        )
    }
}

fn is_https(url: &str) -> bool {
    url.trim()
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}
