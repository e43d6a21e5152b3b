use crate::model::Workspace;
use crate::report::Finding;

use super::{Rule, Settings, rule_meta};

pub struct ApiKeyOnly;

impl Rule for ApiKeyOnly {
    rule_meta!("api-key-only", Warning);

    fn check(&self, _workspace: &Workspace, _settings: &Settings, _findings: &mut Vec<Finding>) {}
}
