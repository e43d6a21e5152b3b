use crate::model::Workspace;
use crate::report::Finding;

use super::{Rule, Settings, rule_meta};

pub struct LongAuthorizerCache;

impl Rule for LongAuthorizerCache {
    rule_meta!("long-authorizer-cache", Warning);

    fn check(&self, _workspace: &Workspace, _settings: &Settings, _findings: &mut Vec<Finding>) {}
}
