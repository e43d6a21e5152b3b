//! CloudFormation templates: the template view, intrinsic functions, static evaluation, and the
//! lowering of API Gateway, Cognito and Lambda URL resources into the gateway model.

mod dependencies;
pub mod eval;
mod identity;
pub mod intrinsic;
mod rest;
pub mod template;
mod v2;

pub use eval::{Evaluator, Target, Value};
pub use template::{Resource, Template};

use crate::model::{Branch, Condition, Resolved, Workspace};
use crate::report::InputError;

/// Lower every resource gatelint understands into `workspace`.
pub fn lower(template: &Template<'_>, workspace: &mut Workspace, _errors: &mut Vec<InputError>) {
    let evaluator = Evaluator::new(template);
    rest::lower(template, &evaluator, workspace);
    v2::lower(template, &evaluator, workspace);
    identity::lower(template, &evaluator, workspace);
}

/// A value that only exists when the resource's `Condition` holds.
pub fn under_resource_condition<T>(resource: Resource<'_>, value: Resolved<T>) -> Resolved<T> {
    match resource.condition() {
        Some(name) => Resolved::Conditional(vec![Branch {
            when: Condition {
                name: name.to_owned(),
                holds: true,
            },
            value,
        }]),
        None => value,
    }
}
