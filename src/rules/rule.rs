//! What a rule is: the [`Rule`] trait every rule implements, and the macro that declares its
//! metadata with the doc compiled in from `rules/<id>.md`.

use super::settings::Settings;
use crate::diagnostic::{Finding, RuleMeta};
use crate::model::Workspace;

/// Declares a rule's unit struct metadata; the doc is compiled in from `rules/<id>.md`, so a
/// rule without a doc does not build.
macro_rules! rule_meta {
    ($id:literal, $severity:ident) => {
        $crate::rules::rule::rule_meta!($id, $severity, false);
    };
    ($id:literal, $severity:ident, opt_in) => {
        $crate::rules::rule::rule_meta!($id, $severity, true);
    };
    ($id:literal, $severity:ident, $opt_in:literal) => {
        fn meta(&self) -> &'static $crate::diagnostic::RuleMeta {
            static META: $crate::diagnostic::RuleMeta = $crate::diagnostic::RuleMeta {
                id: $id,
                severity: $crate::diagnostic::Severity::$severity,
                doc: include_str!(concat!("../../rules/", $id, ".md")),
                opt_in: $opt_in,
            };
            &META
        }
    };
}
pub(crate) use rule_meta;

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, workspace: &Workspace, settings: &Settings, findings: &mut Vec<Finding>);
}
