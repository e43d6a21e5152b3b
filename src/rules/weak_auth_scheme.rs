use crate::model::Workspace;
use crate::report::Finding;

use super::{Rule, Settings, rule_meta};

pub struct WeakAuthScheme;

impl Rule for WeakAuthScheme {
    rule_meta!("weak-auth-scheme", Warning);

    fn check(&self, _workspace: &Workspace, _settings: &Settings, _findings: &mut Vec<Finding>) {}
}
