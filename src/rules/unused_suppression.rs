use crate::diagnostic::Finding;
use crate::model::Workspace;

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

/// Registered so it has an id, a doc, a severity and a place in the configuration; its findings
/// come from the suppression filter (`suppress::apply`), which alone knows what each
/// suppression matched, so there is nothing to check in the model.
pub struct UnusedSuppression;

impl Rule for UnusedSuppression {
    rule_meta!("unused-suppression", Warning);

    fn check(&self, _workspace: &Workspace, _settings: &Settings, _findings: &mut Vec<Finding>) {}
}
