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
mod token_revocation_disabled;
mod unauthenticated_identity_pool;
mod unauthenticated_route;
mod undeployed_routes;
mod unused_authorizer;
mod unused_suppression;
mod waf_not_associated;
mod weak_auth_scheme;
mod weak_cognito_client;

use std::collections::BTreeMap;

use crate::diagnostic::{Finding, RuleMeta, Severity};
use crate::model::Workspace;

pub use public_routes::PublicRoute;
pub use unused_suppression::UnusedSuppression;

/// Declares a rule's unit struct metadata; the doc is compiled in from `rules/<id>.md`, so a
/// rule without a doc does not build.
macro_rules! rule_meta {
    ($id:literal, $severity:ident) => {
        $crate::rules::rule_meta!($id, $severity, false);
    };
    ($id:literal, $severity:ident, opt_in) => {
        $crate::rules::rule_meta!($id, $severity, true);
    };
    ($id:literal, $severity:ident, $opt_in:literal) => {
        fn meta(&self) -> &'static $crate::diagnostic::RuleMeta {
            static META: $crate::diagnostic::RuleMeta = $crate::diagnostic::RuleMeta {
                id: $id,
                severity: $crate::diagnostic::Severity::$severity,
                doc: include_str!(concat!("../../rules/", $id, ".md")),
                opt_in: $opt_in,
            };
            &META
        }
    };
}
pub(crate) use rule_meta;

/// Rule options a configuration can change.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `long-authorizer-cache`: the longest acceptable authorizer result TTL, in seconds.
    pub max_authorizer_cache_seconds: u64,
    /// `long-lived-tokens`: the longest acceptable access and ID token lifetime, in minutes.
    pub max_access_token_minutes: u64,
    /// `long-lived-tokens`: the longest acceptable refresh token lifetime, in minutes.
    pub max_refresh_token_minutes: u64,
    /// `authorizer-cache-key`: report a cached TOKEN authorizer without an
    /// `IdentityValidationExpression` when its TTL is longer than this many seconds; `None` (the
    /// default) does not ask for one.
    pub token_validation_above_seconds: Option<u64>,
    /// Rules the configuration switches off or gives another severity, by id. Opt-in rules
    /// start `off`.
    pub levels: BTreeMap<String, Level>,
    /// `unauthenticated-route`: routes that are meant to be callable without credentials.
    pub public_routes: Vec<PublicRoute>,
}

/// What the configuration says of one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    /// On, every finding with this severity.
    On(Severity),
}

impl Settings {
    /// Whether the rule `id` runs (every rule does unless configured `off`).
    pub fn is_enabled(&self, id: &str) -> bool {
        self.levels.get(id) != Some(&Level::Off)
    }

    /// `finding` as configured: `None` when its rule is off, else with the configured severity.
    pub fn configure(&self, mut finding: Finding) -> Option<Finding> {
        match self.levels.get(finding.rule) {
            Some(Level::Off) => None,
            Some(Level::On(severity)) => {
                finding.severity = *severity;
                Some(finding)
            }
            None => Some(finding),
        }
    }
}

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

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, workspace: &Workspace, settings: &Settings, findings: &mut Vec<Finding>);
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
    findings
        .into_iter()
        .filter_map(|finding| settings.configure(finding))
        .collect()
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
