use crate::model::Workspace;
use crate::report::Finding;

use super::{Rule, Settings, rule_meta};

pub struct DuplicateKey;

impl Rule for DuplicateKey {
    rule_meta!("duplicate-key", Error);

    fn check(&self, _workspace: &Workspace, _settings: &Settings, _findings: &mut Vec<Finding>) {}
}
