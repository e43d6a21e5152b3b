use crate::diagnostic::Finding;
use crate::model::Workspace;

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct DuplicateKey;

impl Rule for DuplicateKey {
    rule_meta!("duplicate-key", Error);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for duplicate in &workspace.duplicate_keys {
            findings.push(
                Finding::new(
                    self.meta(),
                    duplicate.repeated.clone(),
                    format!("the key `{}` appears twice in one mapping", duplicate.key),
                )
                .label("repeated here")
                .related(duplicate.first.clone(), "first here")
                .subject(duplicate.key.clone())
                .help(
                    "keep one of them: most parsers silently keep the last value and drop the first, \
                     others reject the file, so a security setting may not be what it looks like",
                ),
            );
        }
    }
}
