//! Conditions as the lowering applies them: a value that exists only when its resource's
//! `Condition` holds, and the branches of `Fn::If` inside an inline OpenAPI body.

use super::template::Resource;
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::model::{Condition, Conditions, Resolved};
use crate::syntax::NodeRef;

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

/// `Fn::If` inside an inline OpenAPI body (SAM wraps the path items and operations of a
/// function with a `Condition` in it): both branches, `AWS::NoValue` removing the value.
#[derive(Debug)]
pub struct FnIf;

impl crate::formats::openapi::TemplateView for FnIf {
    fn branches<'a>(&'a self, node: NodeRef<'a>) -> Option<Vec<(Conditions, Option<NodeRef<'a>>)>> {
        fn_if_branches(node)
    }
}

/// `None` when `node` is not an `Fn::If`; otherwise its leaves with the conditions that lead to
/// each (`None` for `AWS::NoValue`).
pub(crate) fn fn_if_branches(node: NodeRef<'_>) -> Option<Vec<(Conditions, Option<NodeRef<'_>>)>> {
    if !matches!(intrinsic(node), Some(Intrinsic::If { .. })) {
        return None;
    }
    let mut leaves = Vec::new();
    fn_if_leaves(node, &mut Vec::new(), &mut leaves);
    Some(leaves)
}

/// Nested `Fn::If` deeper than this is left as one opaque leaf.
const MAX_FN_IF_NESTING: usize = 8;

pub(crate) fn fn_if_leaves<'a>(
    node: NodeRef<'a>,
    path: &mut Conditions,
    leaves: &mut Vec<(Conditions, Option<NodeRef<'a>>)>,
) {
    match intrinsic(node) {
        Some(Intrinsic::If {
            condition,
            then,
            otherwise,
        }) if path.len() < MAX_FN_IF_NESTING => {
            for (holds, branch) in [(true, then), (false, otherwise)] {
                path.push(Condition {
                    name: condition.to_owned(),
                    holds,
                });
                fn_if_leaves(branch, path, leaves);
                path.pop();
            }
        }
        Some(Intrinsic::Ref("AWS::NoValue")) => leaves.push((path.clone(), None)),
        _ => leaves.push((path.clone(), Some(node))),
    }
}
