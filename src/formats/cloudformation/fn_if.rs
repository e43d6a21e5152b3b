//! The branches of `Fn::If`: each leaf with the conditions that lead to it. They lie below the
//! template and its includes (an include may sit in one branch), which read them too.

use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::model::{Condition, Conditions};
use crate::syntax::NodeRef;

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
