use crate::diagnostic::Finding;
use crate::model::{Api, Authorizer, AuthorizerKind, Notation, Workspace};
use crate::text;

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct AuthorizerCacheKey;

/// Request headers that carry no credential: a cache keyed only on them is shared by callers.
const NOT_CREDENTIALS: [&str; 15] = [
    "host",
    "user-agent",
    "accept",
    "accept-language",
    "accept-encoding",
    "content-type",
    "content-length",
    "origin",
    "referer",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-port",
    "x-amzn-trace-id",
    "via",
    "cache-control",
];

/// Where an identity source is read from.
#[derive(Debug, PartialEq, Eq)]
enum Source {
    Header(String),
    Query(String),
    /// A stage variable or a `$context` value: the same for every caller of a stage.
    Shared(String),
    Other,
}

/// Read one identity source as REST (`method.request.header.X`, `stageVariables.x`,
/// `context.x`), HTTP (`$request.header.X`, `$stageVariables.x`, `$context.x`) or WebSocket
/// (`route.request.header.X`) APIs spell it. Header names are case-insensitive.
fn source(text: &str) -> Source {
    let text = text.trim().trim_start_matches('$');
    let lower = text.to_ascii_lowercase();
    for prefix in [
        "method.request.header.",
        "method.request.multivalueheader.",
        "request.header.",
        "route.request.header.",
    ] {
        if let Some(name) = lower.strip_prefix(prefix) {
            return Source::Header(name.to_owned());
        }
    }
    for prefix in [
        "method.request.querystring.",
        "method.request.multivaluequerystring.",
        "request.querystring.",
        "route.request.querystring.",
    ] {
        if let Some(name) = lower.strip_prefix(prefix) {
            return Source::Query(name.to_owned());
        }
    }
    if lower.starts_with("stagevariables.") || lower.starts_with("context.") {
        return Source::Shared(text.to_owned());
    }
    Source::Other
}

impl Rule for AuthorizerCacheKey {
    rule_meta!("authorizer-cache-key", Warning);

    fn check(&self, workspace: &Workspace, settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            for authorizer in &api.authorizers {
                if authorizer.kind == AuthorizerKind::LambdaRequest {
                    // The TTL and the identity sources may each be chosen by a condition: every
                    // reachable pair is judged, under the conditions of both.
                    let keyed = authorizer.cache_ttl.and_then(&|ttl| {
                        let ttl = *ttl;
                        authorizer.identity_source.map(move |s| (ttl, s.clone()))
                    });
                    for (when, (ttl, written)) in keyed.cases() {
                        if *ttl == 0 {
                            continue;
                        }
                        let Some(written) = written.as_deref() else {
                            continue;
                        };
                        if let Some(finding) = self.request(api, authorizer, written, *ttl, &when) {
                            findings.push(finding);
                        }
                    }
                    continue;
                }
                for (when, ttl) in authorizer.cache_ttl.cases() {
                    if *ttl == 0 {
                        continue;
                    }
                    match authorizer.kind {
                        AuthorizerKind::LambdaToken
                            if authorizer.validation_expression.is_none()
                                && settings
                                    .token_validation_above_seconds
                                    .is_some_and(|limit| *ttl > limit) =>
                        {
                            findings.push(self.token(api, authorizer, *ttl, &when));
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

impl AuthorizerCacheKey {
    /// A cached REQUEST authorizer keyed on nothing that tells callers apart.
    fn request(
        &self,
        api: &Api,
        authorizer: &Authorizer,
        written: &str,
        ttl: u64,
        when: &str,
    ) -> Option<Finding> {
        let sources: Vec<(&str, Source)> = written
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| (s, source(s)))
            .collect();
        if sources.is_empty() {
            return None;
        }
        let shared = sources.iter().all(|(_, s)| matches!(s, Source::Shared(_)));
        let no_credential = sources.iter().all(|(_, s)| match s {
            Source::Shared(_) => true,
            Source::Header(name) => NOT_CREDENTIALS.contains(&name.as_str()),
            Source::Query(_) | Source::Other => false,
        });
        if !no_credential {
            return None;
        }
        let names: Vec<String> = sources.iter().map(|(s, _)| format!("`{s}`")).collect();
        let why = if shared {
            "stage variables and context values are the same for every caller, so the first \
             caller's decision is reused for all of them"
        } else if sources.len() == 1 {
            "it carries no credential, so one caller's allow is reused for every caller who sends \
             the same value"
        } else {
            "none of them carries a credential, so one caller's allow is reused for every caller \
             who sends the same values"
        };
        let at = authorizer
            .identity_source_origin
            .clone()
            .unwrap_or_else(|| authorizer.origin.clone());
        Some(
            Finding::new(
                self.meta(),
                at,
                format!(
                    "the {} `{}` on {} caches its decision for {ttl} seconds{when} keyed only on {}: {why}",
                    authorizer.kind.describe(),
                    authorizer.name,
                    api.display,
                    text::list(&names, "and")
                ),
            )
            .label("the cache key")
            .related(authorizer.origin.clone(), "the authorizer")
            .subject(format!("{} {}", api.name, authorizer.name))
            .help(
                "add the header, query string or cookie that carries the caller's credential to the \
                 identity sources, or turn caching off (TTL 0)",
            ),
        )
    }

    /// A cached TOKEN authorizer that accepts any string as a token.
    fn token(&self, api: &Api, authorizer: &Authorizer, ttl: u64, when: &str) -> Finding {
        let at = authorizer
            .cache_ttl_origin
            .clone()
            .unwrap_or_else(|| authorizer.origin.clone());
        Finding::new(
            self.meta(),
            at,
            format!(
                "the {} `{}` on {} caches its decision for {ttl} seconds{when} without an \
                 `{}`: every malformed token costs an authorizer call and takes a cache entry",
                authorizer.kind.describe(),
                authorizer.name,
                api.display,
                match api.notation {
                    Notation::Terraform => "identity_validation_expression",
                    Notation::ServerlessFramework => "identityValidationExpression",
                    Notation::Gateway => "IdentityValidationExpression",
                }
            ),
        )
        .label("cached, no validation expression")
        .related(authorizer.origin.clone(), "the authorizer")
        .subject(format!("{} {} validation", api.name, authorizer.name))
        .help(match api.notation {
            Notation::Terraform => {
                "set `identity_validation_expression` on the `aws_api_gateway_authorizer` to the \
                 token's shape, e.g. `^Bearer [-0-9A-Za-z._~+/]+=*$`"
            }
            Notation::ServerlessFramework => {
                "set `identityValidationExpression` on the http event's `authorizer` to the \
                 token's shape, e.g. `^Bearer [-0-9A-Za-z._~+/]+=*$`"
            }
            Notation::Gateway => {
                "set `IdentityValidationExpression` (OpenAPI: `identityValidationExpression`, SAM: \
                 `Identity.ValidationExpression`) to the token's shape, e.g. \
                 `^Bearer [-0-9A-Za-z._~+/]+=*$`"
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        assert_eq!(
            source("method.request.header.Authorization"),
            Source::Header("authorization".into())
        );
        assert_eq!(
            source("$request.header.Host"),
            Source::Header("host".into())
        );
        assert_eq!(
            source("route.request.querystring.token"),
            Source::Query("token".into())
        );
        assert!(matches!(source("$stageVariables.env"), Source::Shared(_)));
        assert!(matches!(source("context.path"), Source::Shared(_)));
        assert_eq!(source("something.else"), Source::Other);
    }
}
