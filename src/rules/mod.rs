//! The rule set. A rule reads the [`Workspace`] and reports [`Finding`]s; it knows nothing of
//! file formats. Every rule is listed once, in [`RULES`], and documented in `rules/<id>.md`.

mod api_key_only;
mod authorizer_cache_key;
mod cognito_mfa_off;
mod cors_credentials_wildcard;
mod default_endpoint_enabled;
mod duplicate_key;
mod execution_log_data_trace;
pub mod fixes;
mod insecure_transport;
mod jwt_authorizer_audience;
mod lambda_permission_without_source_arn;
mod long_authorizer_cache;
mod long_lived_tokens;
mod missing_authorizer;
mod no_access_log;
mod no_rate_limit;
mod open_resource_policy;
mod private_api_without_vpc_condition;
mod public_function_url;
pub mod public_routes;
mod resource_policy;
mod rule;
mod settings;
mod token_revocation_disabled;
mod unauthenticated_identity_pool;
mod unauthenticated_route;
mod undeployed_routes;
mod unused_authorizer;
mod unused_suppression;
mod waf_not_associated;
mod weak_auth_scheme;
mod weak_cognito_client;

use crate::diagnostic::{Finding, RuleMeta};
use crate::model::Workspace;

pub use public_routes::PublicRoute;
pub use rule::Rule;
pub use settings::{Level, Settings};
pub use unused_suppression::UnusedSuppression;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_authorizer_cache_seconds: 300,
            max_access_token_minutes: 60,
            max_refresh_token_minutes: 30 * 24 * 60,
            token_validation_above_seconds: None,
            levels: RULES
                .iter()
                .map(|rule| rule.meta())
                .filter(|meta| meta.opt_in)
                .map(|meta| (meta.id.to_owned(), Level::Off))
                .collect(),
            public_routes: Vec::new(),
        }
    }
}

/// Every rule, in the order `gatelint rules` lists them.
pub static RULES: &[&dyn Rule] = &[
    &unauthenticated_route::UnauthenticatedRoute,
    &missing_authorizer::MissingAuthorizer,
    &unused_authorizer::UnusedAuthorizer,
    &api_key_only::ApiKeyOnly,
    &weak_auth_scheme::WeakAuthScheme,
    &insecure_transport::InsecureTransport,
    &long_authorizer_cache::LongAuthorizerCache,
    &jwt_authorizer_audience::JwtAuthorizerAudience,
    &token_revocation_disabled::TokenRevocationDisabled,
    &long_lived_tokens::LongLivedTokens,
    &public_function_url::PublicFunctionUrl,
    &open_resource_policy::OpenResourcePolicy,
    &private_api_without_vpc_condition::PrivateApiWithoutVpcCondition,
    &default_endpoint_enabled::DefaultEndpointEnabled,
    &cors_credentials_wildcard::CorsCredentialsWildcard,
    &authorizer_cache_key::AuthorizerCacheKey,
    &execution_log_data_trace::ExecutionLogDataTrace,
    &weak_cognito_client::WeakCognitoClient,
    &unauthenticated_identity_pool::UnauthenticatedIdentityPool,
    &lambda_permission_without_source_arn::LambdaPermissionWithoutSourceArn,
    &waf_not_associated::WafNotAssociated,
    &cognito_mfa_off::CognitoMfaOff,
    &no_rate_limit::NoRateLimit,
    &no_access_log::NoAccessLog,
    &undeployed_routes::UndeployedRoutes,
    &duplicate_key::DuplicateKey,
    &unused_suppression::UnusedSuppression,
];

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().id == id)
}

/// Every rule's metadata, in [`RULES`] order (what a renderer describes the rules by).
pub fn metas() -> Vec<&'static RuleMeta> {
    RULES.iter().map(|rule| rule.meta()).collect()
}

/// The registered rule id closest to `id`, if it is close enough to be a typo of it.
pub fn closest(id: &str) -> Option<&'static str> {
    RULES
        .iter()
        .map(|rule| rule.meta().id)
        .map(|known| (crate::text::edit_distance(id, known), known))
        .filter(|(distance, known)| *distance <= known.len() / 3)
        .min()
        .map(|(_, known)| known)
}

/// Run every enabled rule on `workspace`; findings get their configured severity.
pub fn check_all(workspace: &Workspace, settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES {
        if settings.is_enabled(rule.meta().id) {
            rule.check(workspace, settings, &mut findings);
        }
    }
    let mut findings: Vec<Finding> = findings
        .into_iter()
        .filter_map(|finding| settings.configure(finding))
        .collect();
    // They are kept until the file's findings are written.
    findings.shrink_to_fit();
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_a_suggestion_and_nonsense_none() {
        assert_eq!(
            closest("unauthenticated-routes"),
            Some("unauthenticated-route")
        );
        assert_eq!(closest("api-key"), None);
    }
}
