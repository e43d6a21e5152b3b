//! One instance of a nested block (written out or made by a `dynamic` block) and the conditions
//! it exists under: what a setting read from it means where the block is not there.

use crate::formats::terraform::eval::Ctx;
use crate::model::{Conditions, Resolved};
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
        Resolved::false_unless(&self.when, value)
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
