//! The routes gatelint sees in each CloudFormation template the SAM translator produced
//! (`../shared/corpus/sam-translator/output`, its error outputs left out): one line per route
//! with the API, the method and path, how callers authenticate and whether an API key is
//! required. The snapshot was reviewed against the templates; the SAM lowering is compared with
//! it, since a SAM template and its translation must give the same routes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::fmt::Write as _;
use std::fs;

use gatelint::lint::analyze;
use gatelint::model::{Api, Auth, OpenBecause, Resolved, Route};

/// How a route authenticates, in the snapshot's words.
fn auth(api: &Api, auth: &Auth) -> String {
    match auth {
        Auth::Open(OpenBecause::Missing) => "NONE (nothing declared)".into(),
        // The translator writes a miscased type as `NONE`.
        Auth::Open(OpenBecause::Disabled | OpenBecause::Miscased) => "NONE".into(),
        Auth::ApiKeyOnly => "API key only".into(),
        Auth::Iam => "IAM".into(),
        Auth::Authorizers(uses) if uses.is_empty() => "authorizer (not in the template)".into(),
        Auth::Authorizers(uses) => {
            let names: Vec<String> = uses
                .iter()
                .map(|u| {
                    let kind = api
                        .authorizer(&u.name)
                        .map_or_else(|| "undefined".to_owned(), |a| a.kind.describe());
                    let scopes = if u.scopes.is_empty() {
                        String::new()
                    } else {
                        format!(" scopes {}", u.scopes.join(","))
                    };
                    format!("{} ({kind}){scopes}", u.name)
                })
                .collect();
            names.join(" or ")
        }
    }
}

/// A resolved value: the value, "unknown", or each branch with its condition.
fn resolved<T>(value: &Resolved<T>, show: &dyn Fn(&T) -> String) -> String {
    match value {
        Resolved::Known(v) => show(v),
        Resolved::Unknown => "unknown".into(),
        Resolved::Conditional(branches) => {
            let parts: Vec<String> = branches
                .iter()
                .map(|b| {
                    let name = if b.when.holds {
                        b.when.name.clone()
                    } else {
                        format!("!{}", b.when.name)
                    };
                    format!("{name}: {}", resolved(&b.value, show))
                })
                .collect();
            format!("if {{ {} }}", parts.join("; "))
        }
    }
}

fn route_line(api: &Api, route: &Route) -> String {
    let mut line = format!(
        "  {} {}: auth {}; api key {}",
        api.name,
        route.describe(),
        resolved(&route.auth, &|a| auth(api, a)),
        resolved(&route.api_key_required, &|k| if *k {
            "required"
        } else {
            "no"
        }
        .to_owned()),
    );
    if route.cors_preflight {
        line.push_str("; CORS preflight");
    }
    if route.inherits_connection_auth {
        line.push_str("; inherits $connect");
    }
    line
}

#[test]
fn translator_output_routes() {
    let Some(dir) = crate::common::shared("corpus/sam-translator/output") else {
        return;
    };
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && !n.starts_with("error_"))
        .collect();
    names.sort();
    assert!(names.len() >= 100, "found only {} outputs", names.len());
    let mut text = String::new();
    let mut routes = 0;
    for name in &names {
        let analysis = analyze(name, fs::read(dir.join(name)).unwrap());
        assert!(analysis.errors.is_empty(), "{name}: {:?}", analysis.errors);
        let apis: Vec<&Api> = analysis
            .workspace
            .apis
            .iter()
            .filter(|a| !a.routes.is_empty() || a.hidden_routes.is_some())
            .collect();
        if apis.is_empty() {
            continue;
        }
        writeln!(text, "{name}").unwrap();
        for api in apis {
            if api.hidden_routes.is_some() {
                let which = if api.routes.is_empty() {
                    "its"
                } else {
                    "other"
                };
                writeln!(
                    text,
                    "  {} ({}): {which} routes not visible",
                    api.name, api.kind
                )
                .unwrap();
            }
            let mut lines: Vec<String> = api.routes.iter().map(|r| route_line(api, r)).collect();
            lines.sort();
            routes += lines.len();
            for line in lines {
                writeln!(text, "{line}").unwrap();
            }
        }
    }
    assert!(routes >= 200, "found only {routes} routes");
    insta::assert_snapshot!("translator_output_routes", text);
}
