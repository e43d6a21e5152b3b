//! One instance of a nested block (written out or made by a `dynamic` block) and the conditions
//! it exists under: what a setting read from it means where the block is not there.

use crate::formats::terraform::eval::Ctx;
use crate::model::{Branch, Condition, Conditions, Resolved};
use crate::syntax::Span;
use crate::syntax::hcl::Body;

/// One instance of a nested block.
pub(crate) struct Nested<'a> {
    pub body: &'a Body,
    pub ctx: Ctx<'a>,
    /// The block's header (`route_settings`, or the `dynamic "route_settings"` that makes it).
    pub header: Span,
    /// The conditions under which it exists (a conditional `for_each`).
    pub when: Conditions,
    /// Made by a `dynamic` block whose `for_each` is not known: it may not exist at all, and
    /// its iterator is unknown.
    pub unknown: bool,
}

impl Nested<'_> {
    /// A yes-or-no setting read from this block: as read where the block exists, false where
    /// its conditions do not hold (there is no block there), Unknown when it may not exist.
    pub fn settle_flag(&self, value: Resolved<bool>) -> Resolved<bool> {
        if self.unknown {
            return Resolved::Unknown;
        }
        false_unless(&self.when, value)
    }

    /// A setting read from this block, under the conditions it exists in; Unknown when the
    /// block may not exist at all.
    pub fn settle<T>(&self, value: Resolved<T>) -> Resolved<T> {
        if self.unknown {
            Resolved::Unknown
        } else {
            value.under(&self.when)
        }
    }
}

/// True where every condition of `when` holds, false elsewhere.
pub(crate) fn only_when(when: &[Condition]) -> Resolved<bool> {
    false_unless(when, Resolved::Known(true))
}

/// `value` where every condition of `when` holds, false elsewhere.
fn false_unless(when: &[Condition], value: Resolved<bool>) -> Resolved<bool> {
    when.iter().rev().fold(value, |value, condition| {
        Resolved::Conditional(
            vec![
                Branch {
                    when: condition.clone(),
                    value,
                },
                Branch {
                    when: Condition {
                        name: condition.name.clone(),
                        holds: !condition.holds,
                    },
                    value: Resolved::Known(false),
                },
            ]
            .into(),
        )
    })
}
