use crate::diagnostic::{Finding, Fix};
use crate::model::Workspace;

use super::fixes;
use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct LongAuthorizerCache;

impl Rule for LongAuthorizerCache {
    rule_meta!("long-authorizer-cache", Warning);

    fn check(&self, workspace: &Workspace, settings: &Settings, findings: &mut Vec<Finding>) {
        let limit = settings.max_authorizer_cache_seconds;
        for api in &workspace.apis {
            for authorizer in &api.authorizers {
                for (when, ttl) in authorizer.cache_ttl.cases() {
                    if *ttl <= limit {
                        continue;
                    }
                    let at = authorizer
                        .cache_ttl_origin
                        .clone()
                        .unwrap_or_else(|| authorizer.origin.clone());
                    findings.push(
                        Finding::new(
                            self.meta(),
                            at.clone(),
                            format!(
                                "the {} `{}` on {} caches its decision for {ttl} seconds{}",
                                authorizer.kind.describe(),
                                authorizer.name,
                                api.display,
                                when
                            ),
                        )
                        .label(format!("more than {limit} seconds"))
                        .related(authorizer.origin.clone(), "the authorizer")
                        .subject(format!("{} {}", api.name, authorizer.name))
                        .fix(cap(&at, limit))
                        .help(format!(
                            "lower the TTL to {limit} seconds or less: a revoked or logged-out token keeps \
                             working until the cached decision expires"
                        )),
                    );
                }
            }
        }
    }
}

/// A TTL written as a literal number is lowered to the configured maximum.
fn cap(at: &crate::syntax::Loc, limit: u64) -> Option<Fix> {
    let edit = fixes::replace_value(
        at,
        &[
            "AuthorizerResultTtlInSeconds",
            "authorizerResultTtlInSeconds",
            "ReauthorizeEvery",
            "resultTtlInSeconds",
            "authorizer_result_ttl_in_seconds",
        ],
        |text| text.parse::<u64>().is_ok_and(|ttl| ttl > limit),
        &limit.to_string(),
    )?;
    Some(Fix::safe(
        format!("lower the cache TTL to {limit} seconds"),
        vec![edit],
    ))
}
