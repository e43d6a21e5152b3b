use crate::diagnostic::{Finding, Severity};
use crate::model::{Api, Auth, CorsOrigin, CorsResponse, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct CorsCredentialsWildcard;

impl Rule for CorsCredentialsWildcard {
    rule_meta!("cors-credentials-wildcard", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            for cors in &api.cors {
                for (when, origin) in cors.allow_origin.cases() {
                    if *origin == CorsOrigin::Listed {
                        continue;
                    }
                    for (credentials_when, credentials) in cors.allow_credentials.cases() {
                        let when = if credentials_when.is_empty() {
                            &when
                        } else {
                            &credentials_when
                        };
                        if *credentials {
                            findings.push(self.with_credentials(api, cors, origin, when));
                        } else if requires_credentials(api) {
                            findings.push(self.any_origin(api, cors, origin, when));
                        }
                    }
                }
            }
        }
    }
}

/// Whether some route of the API asks callers for credentials.
fn requires_credentials(api: &Api) -> bool {
    api.routes.iter().any(|r| {
        r.auth
            .any(|a| matches!(a, Auth::Iam | Auth::Authorizers(_)))
    })
}

fn describe(origin: &CorsOrigin) -> &'static str {
    match origin {
        CorsOrigin::Reflected => "echoes the request's `Origin` back",
        CorsOrigin::Any | CorsOrigin::Listed => "allows every origin (`*`)",
    }
}

impl CorsCredentialsWildcard {
    fn with_credentials(
        &self,
        api: &Api,
        cors: &CorsResponse,
        origin: &CorsOrigin,
        when: &str,
    ) -> Finding {
        let at = cors
            .allow_credentials_at
            .clone()
            .or_else(|| cors.allow_origin_at.clone())
            .unwrap_or_else(|| cors.origin.clone());
        let mut finding = Finding::new(
            self.meta(),
            at,
            format!(
                "{} of {} {} and allows credentials{when}: any web page can make its visitors' \
                 browsers call the API with their cookies and read the answers",
                cors.source,
                api.display,
                describe(origin)
            ),
        )
        .label("credentials allowed")
        .related(cors.origin.clone(), "the CORS answer")
        .subject(format!("{} {} credentials", api.name, cors.source))
        .help("list the origins that may call the API instead of `*` or the request's `Origin`");
        if let Some(origin_at) = &cors.allow_origin_at {
            finding = finding.related(origin_at.clone(), "for any origin");
        }
        finding
    }

    fn any_origin(
        &self,
        api: &Api,
        cors: &CorsResponse,
        origin: &CorsOrigin,
        when: &str,
    ) -> Finding {
        let at = cors
            .allow_origin_at
            .clone()
            .unwrap_or_else(|| cors.origin.clone());
        Finding::new(
            self.meta(),
            at,
            format!(
                "{} of {} {}{when}, and the API's routes require credentials: scripts on any site \
                 can call them with a token they hold and read the answers",
                cors.source,
                api.display,
                describe(origin)
            ),
        )
        .label("any origin")
        .related(cors.origin.clone(), "the CORS answer")
        .subject(format!("{} {} origin", api.name, cors.source))
        .severity(Severity::Note)
        .help("list the web origins of your front ends instead of `*`")
    }
}
