use crate::model::Workspace;
use crate::report::Finding;

use super::{Rule, Settings, rule_meta};

pub struct UnusedAuthorizer;

impl Rule for UnusedAuthorizer {
    rule_meta!("unused-authorizer", Warning);

    fn check(&self, _workspace: &Workspace, _settings: &Settings, _findings: &mut Vec<Finding>) {}
}
