use crate::model::Workspace;
use crate::report::Finding;

use super::{Rule, Settings, rule_meta};

pub struct InsecureTransport;

impl Rule for InsecureTransport {
    rule_meta!("insecure-transport", Warning);

    fn check(&self, _workspace: &Workspace, _settings: &Settings, _findings: &mut Vec<Finding>) {}
}
