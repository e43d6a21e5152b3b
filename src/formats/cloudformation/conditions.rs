//! Conditions as the lowering applies them: a value that exists only when its resource's
//! `Condition` holds. The branches of `Fn::If` are read in [`super::fn_if`], below the template
//! and its includes, which follow them too.

use super::template::Resource;
use crate::model::{Condition, Resolved};

/// A value that only exists when the resource's `Condition` holds.
pub fn under_resource_condition<T>(resource: Resource<'_>, value: Resolved<T>) -> Resolved<T> {
    under_condition(resource.condition(), value)
}

/// `value` under the condition of that name, if any (a resource's `Condition`, read earlier).
pub fn under_condition<T>(condition: Option<&str>, value: Resolved<T>) -> Resolved<T> {
    match condition {
        Some(name) => value.under(&[Condition {
            name: name.to_owned(),
            holds: true,
        }]),
        None => value,
    }
}
