//! Rule options a configuration can change: limits, public routes, and which rules are off or
//! have another severity.

use std::collections::BTreeMap;

use super::public_routes::PublicRoute;
use crate::diagnostic::{Finding, Severity};

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
