//! A Serverless Framework service and the CloudFormation the framework generates for it
//! (`tests/serverless_differential/`, made with `serverless package`) lower to the same routes
//! (method, path, authentication, API key, CORS preflight), the same authorizers (kind and cache
//! TTL), the same function URLs and token issuers. (Scopes are left out: the CloudFormation view of
//! a REST method does not read `AuthorizationScopes`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use gatelint::lint::analyze;
use gatelint::model::{Api, Auth, Resolved, Workspace};

/// What must agree, independent of names the two sides spell differently (an authorizer is
/// `checkToken` in the service and `CheckTokenApiGatewayAuthorizer` in the template).
fn summary(workspace: &Workspace) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for api in &workspace.apis {
        for route in &api.routes {
            out.insert(format!(
                "{} route {} {} auth={} api_key={:?} preflight={}",
                api.kind,
                route.method,
                route.path,
                auth(api, &route.auth),
                route.api_key_required,
                route.cors_preflight
            ));
        }
        for authorizer in &api.authorizers {
            out.insert(format!(
                "{} authorizer {:?} ttl={:?}",
                api.kind, authorizer.kind, authorizer.cache_ttl
            ));
        }
    }
    for url in &workspace.function_urls {
        let auth = match &url.auth {
            Resolved::Known(Auth::Open(_)) => "open",
            Resolved::Known(Auth::Iam) => "iam",
            _ => "other",
        };
        out.insert(format!("function url auth={auth}"));
    }
    for issuer in &workspace.token_issuers {
        out.insert(format!(
            "token issuer revocation={:?} access={:?} id={:?} refresh={:?}",
            issuer.revocation,
            issuer.access_token.map(|t| t.minutes()),
            issuer.id_token.map(|t| t.minutes()),
            issuer.refresh_token.map(|t| t.minutes())
        ));
    }
    out
}

fn auth(api: &Api, auth: &Resolved<Auth>) -> String {
    match auth {
        // `NONE` written by the framework, or no authorizer written by the user: both open.
        Resolved::Known(Auth::Open(_)) => "open".into(),
        Resolved::Known(Auth::ApiKeyOnly) => "api-key-only".into(),
        Resolved::Known(Auth::Iam) => "iam".into(),
        // The template's bare `AuthorizerId` of a shared authorizer names nothing it defines.
        Resolved::Known(Auth::Authorizers(uses)) if uses.is_empty() => "shared".into(),
        Resolved::Known(Auth::Authorizers(uses)) => uses
            .iter()
            .map(|u| match api.authorizer(&u.name) {
                Some(a) if a.cache_ttl.is_unknown() => "shared".into(),
                Some(a) => format!("{:?}", a.kind),
                None => "undefined".into(),
            })
            .collect::<Vec<_>>()
            .join("|"),
        other => format!("{other:?}"),
    }
}

fn lower(path: &Path) -> Workspace {
    let analysis = analyze(&path.display().to_string(), fs::read(path).unwrap());
    assert!(
        analysis.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        analysis.errors
    );
    analysis.workspace
}

#[test]
fn each_service_lowers_like_the_template_the_framework_generates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pairs = 0;
    let mut problems = Vec::new();
    for entry in fs::read_dir(root.join("tests/serverless_differential")).unwrap() {
        let template = entry.unwrap().path();
        let name = template.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".json") else {
            continue;
        };
        let (rule, fixture) = stem.split_once("--").unwrap();
        let service = root
            .join("fixtures")
            .join(rule)
            .join(format!("{fixture}.yaml"));
        let (ours, theirs) = (summary(&lower(&service)), summary(&lower(&template)));
        // A shared authorizer (`authorizerId`) is a bare id in the template: its kind is only
        // known from the service, so only the service side has an authorizer for it.
        let ours: BTreeSet<String> = ours
            .into_iter()
            .filter(|line| !(line.contains("authorizer") && line.contains("ttl=Unknown")))
            .collect();
        if ours != theirs {
            problems.push(format!(
                "{stem}:\n  service only: {:?}\n  template only: {:?}",
                ours.difference(&theirs).collect::<Vec<_>>(),
                theirs.difference(&ours).collect::<Vec<_>>()
            ));
        }
        pairs += 1;
    }
    assert!(pairs >= 25, "only {pairs} pairs");
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}
