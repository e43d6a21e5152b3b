//! Nested blocks as the lowering reads them: written out (`route_settings { ... }`) or made by a
//! `dynamic "route_settings" { for_each = ...; content { ... } }`, each instance with its
//! iterator bound. A `for_each` known only at plan time makes one instance read with an unknown
//! iterator, marked so that what it says is not taken as known, and a located coverage note.
//! <https://developer.hashicorp.com/terraform/language/expressions/dynamic-blocks>

use std::sync::Arc;

use super::nested::Nested;
use super::{Lowering, located_note};
use crate::formats::terraform::eval::{Ctx, MAX_INSTANCES, Value};
use crate::model::Resolved;
use crate::syntax::hcl::{Body, ExprKind};
use crate::syntax::{Loc, SourceFile};

impl<'e, 'a> Lowering<'e, 'a> {
    /// The blocks `name` of `body`, written out or made by `dynamic` blocks. `owner` names the
    /// resource in a coverage note.
    pub(crate) fn nested(
        &self,
        body: &'a Body,
        name: &str,
        ctx: &Ctx<'a>,
        file: &'a Arc<SourceFile>,
        owner: &str,
    ) -> Vec<Nested<'a>> {
        let mut out: Vec<Nested<'a>> = body
            .blocks
            .iter()
            .filter(|b| b.kind == name)
            .map(|block| Nested {
                body: &block.body,
                ctx: ctx.clone(),
                header: block.header,
                when: Vec::new(),
                unknown: false,
            })
            .collect();
        for dynamic in body
            .blocks_of("dynamic")
            .filter(|d| d.labels.first().map(String::as_str) == Some(name))
        {
            let Some(content) = dynamic.body.blocks_of("content").next() else {
                continue;
            };
            // `iterator = x` names the iterator; by default it is the block's label.
            let iterator = dynamic
                .body
                .attribute("iterator")
                .and_then(|a| match &a.value.kind {
                    ExprKind::Variable(v) => Some(v.clone()),
                    ExprKind::String(s) => Some(s.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| name.to_owned());
            let for_each = dynamic
                .body
                .attribute("for_each")
                .map_or(Value::Unknown, |a| self.eval.eval(&a.value, ctx));
            for (when, leaf) in for_each.leaves() {
                let pairs: Option<Vec<(Value, Value)>> = match leaf {
                    Value::List(items) => Some(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (Value::Number(i as f64), v.clone()))
                            .collect(),
                    ),
                    Value::Map(entries) => Some(
                        entries
                            .iter()
                            .map(|(k, v)| (Value::str(k), v.clone()))
                            .collect(),
                    ),
                    Value::Null => Some(Vec::new()),
                    _ => None,
                };
                match pairs {
                    Some(pairs) => {
                        for (key, value) in pairs.into_iter().take(MAX_INSTANCES) {
                            let bound = Value::map(vec![
                                ("key".to_owned(), key),
                                ("value".to_owned(), value),
                            ]);
                            out.push(Nested {
                                body: &content.body,
                                ctx: ctx.bind(&iterator, bound),
                                header: dynamic.header,
                                when: when.clone(),
                                unknown: false,
                            });
                        }
                    }
                    None => {
                        let at = dynamic
                            .body
                            .attribute("for_each")
                            .map_or(dynamic.header, |a| a.span);
                        self.dynamic_notes.borrow_mut().push(located_note(
                            &Loc::new(file, at),
                            format!(
                                "the `{name}` blocks of {owner} are not visible: the dynamic \
                                 block's for_each is known only at plan time"
                            ),
                        ));
                        out.push(Nested {
                            body: &content.body,
                            ctx: ctx.bind(&iterator, Value::Unknown),
                            header: dynamic.header,
                            when: when.clone(),
                            unknown: true,
                        });
                    }
                }
            }
        }
        out
    }

    /// Whether a block `name` is present (written out or made by a `dynamic` block).
    pub(crate) fn present(
        &self,
        body: &'a Body,
        name: &str,
        ctx: &Ctx<'a>,
        file: &'a Arc<SourceFile>,
        owner: &str,
    ) -> Resolved<bool> {
        let blocks = self.nested(body, name, ctx, file, owner);
        if blocks.iter().any(|b| !b.unknown && b.when.is_empty()) {
            return Resolved::Known(true);
        }
        if blocks.iter().any(|b| b.unknown) {
            return Resolved::Unknown;
        }
        // Present where some block's conditions hold, absent elsewhere.
        blocks.iter().fold(Resolved::Known(false), |so_far, block| {
            so_far.or(&Resolved::only_when(&block.when))
        })
    }
}
