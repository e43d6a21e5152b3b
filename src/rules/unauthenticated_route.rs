use crate::model::Workspace;
use crate::report::Finding;

use super::{Rule, Settings, rule_meta};

pub struct UnauthenticatedRoute;

impl Rule for UnauthenticatedRoute {
    rule_meta!("unauthenticated-route", Error);

    fn check(&self, _workspace: &Workspace, _settings: &Settings, _findings: &mut Vec<Finding>) {}
}
