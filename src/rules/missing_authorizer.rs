use crate::model::Workspace;
use crate::report::Finding;

use super::{Rule, Settings, rule_meta};

pub struct MissingAuthorizer;

impl Rule for MissingAuthorizer {
    rule_meta!("missing-authorizer", Error);

    fn check(&self, _workspace: &Workspace, _settings: &Settings, _findings: &mut Vec<Finding>) {}
}
