//! Resource policies of REST APIs (`policy` of `aws_api_gateway_rest_api`, or an
//! `aws_api_gateway_rest_api_policy`), read into the same statements as a template's `Policy`:
//! written with `jsonencode(...)`, as a JSON string or heredoc, read with `file`, or taken
//! from an `aws_iam_policy_document` data source, whose `statement` blocks are read directly.
//! <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document>

use std::sync::Arc;

use super::{Instance, Lowering};
use crate::formats::policy;
use crate::formats::terraform::eval::{Ctx, Value};
use crate::model::{Effect, PolicyStatement, Resolved, ResourcePolicy};
use crate::syntax::hcl::{Attribute, Body, Expr, ExprKind, Step};
use crate::syntax::{Loc, SourceFile, Span};

impl<'e, 'a> Lowering<'e, 'a> {
    /// The policy an attribute sets, located at the attribute; statements Unknown where the
    /// document cannot be read.
    pub(crate) fn resource_policy(
        &self,
        instance: &Instance<'a>,
        attribute: &'a Attribute,
    ) -> ResourcePolicy {
        let at = instance.loc(attribute.span);
        let statements = self
            .policy_statements(&attribute.value, instance.file, &instance.ctx, 0)
            .unwrap_or(Resolved::Unknown);
        ResourcePolicy {
            origin: at,
            statements: statements.under(&instance.when),
        }
    }

    fn policy_statements(
        &self,
        expr: &'a Expr,
        file: &'a Arc<SourceFile>,
        ctx: &Ctx<'a>,
        depth: usize,
    ) -> Option<Resolved<Vec<PolicyStatement>>> {
        if depth > super::MAX_INDIRECTION {
            return None;
        }
        match &expr.kind {
            ExprKind::Call { name, .. }
                if matches!(name.as_str(), "jsonencode" | "file" | "templatefile") =>
            {
                let document = self.body_document(expr, file, ctx, 0)?;
                let at = document.root().loc();
                Some(policy::read(at, document.root(), &policy::literal).statements)
            }
            ExprKind::Traversal(base, steps) => {
                let ExprKind::Variable(root) = &base.kind else {
                    return None;
                };
                let attr = |i: usize| match steps.get(i) {
                    Some(Step::Attr(a)) => Some(a.as_str()),
                    _ => None,
                };
                let scope = self.eval.scopes.get(ctx.scope)?;
                match root.as_str() {
                    "data" if attr(0) == Some("aws_iam_policy_document") => {
                        let name = attr(1)?;
                        let data = scope.config.data.get(&("aws_iam_policy_document", name))?;
                        Some(self.policy_document(
                            &data.item.body,
                            data.file,
                            ctx.scope,
                            &format!("data.aws_iam_policy_document.{name}"),
                        ))
                    }
                    "local" => {
                        let local = scope.config.locals.get(attr(0)?)?;
                        if steps.len() != 1 {
                            return None;
                        }
                        self.policy_statements(
                            &local.item.value,
                            local.file,
                            &Ctx::new(ctx.scope, local.file),
                            depth + 1,
                        )
                    }
                    _ => self.policy_text(expr, file, ctx),
                }
            }
            _ => self.policy_text(expr, file, ctx),
        }
    }

    /// A policy written as a string: a heredoc is parsed where it is written (so statements
    /// point into the `.tf` file); another string is parsed as evaluated, and its statements
    /// are located at the expression.
    fn policy_text(
        &self,
        expr: &'a Expr,
        file: &'a Arc<SourceFile>,
        ctx: &Ctx<'a>,
    ) -> Option<Resolved<Vec<PolicyStatement>>> {
        if let Some(span) = heredoc_content(file, expr.span) {
            // The heredoc's text at its own offsets, the rest blanked: spans are the file's.
            let mut padded = String::with_capacity(file.text().len());
            for (i, c) in file.text().char_indices() {
                if span.range().contains(&i) || c == '\n' {
                    padded.push(c);
                } else {
                    // As many bytes as the character, so offsets stay the file's.
                    padded.extend(std::iter::repeat_n(' ', c.len_utf8()));
                }
            }
            let text = SourceFile::new(file.path(), padded);
            if let Ok(documents) = crate::syntax::parse(&text)
                && let Some(document) = documents.first()
                && document.root().is_map()
            {
                let read = policy::read(document.root().loc(), document.root(), &policy::literal);
                return Some(relocate(read.statements, file, None));
            }
            return None;
        }
        let value = self.eval.eval(expr, ctx);
        let text = value.as_str()?;
        let parsed = SourceFile::new(file.path(), text.to_owned());
        let documents = crate::syntax::parse(&parsed).ok()?;
        let document = documents.first()?;
        if !document.root().is_map() {
            return None;
        }
        let read = policy::read(document.root().loc(), document.root(), &policy::literal);
        Some(relocate(read.statements, file, Some(expr.span)))
    }

    /// The statements of an `aws_iam_policy_document` data source.
    fn policy_document(
        &self,
        body: &'a Body,
        file: &'a Arc<SourceFile>,
        scope: usize,
        owner: &str,
    ) -> Resolved<Vec<PolicyStatement>> {
        // Documents merged in from elsewhere could say anything.
        let merged = [
            "source_policy_documents",
            "override_policy_documents",
            "source_json",
            "override_json",
        ];
        if merged.iter().any(|m| body.attribute(m).is_some()) {
            return Resolved::Unknown;
        }
        let ctx = Ctx::new(scope, file);
        let blocks = self.nested(body, "statement", &ctx, file, owner);
        if blocks.iter().any(|b| b.unknown || !b.when.is_empty()) {
            return Resolved::Unknown;
        }
        Resolved::Known(
            blocks
                .iter()
                .map(|b| self.data_statement(b.body, &b.ctx, file, b.header, owner))
                .collect(),
        )
    }

    fn data_statement(
        &self,
        body: &'a Body,
        ctx: &Ctx<'a>,
        file: &'a Arc<SourceFile>,
        header: Span,
        owner: &str,
    ) -> PolicyStatement {
        let loc = |span: Span| Loc::new(file, span);
        let value = |name: &str| {
            body.attribute(name)
                .map_or(Value::Null, |a| self.eval.eval(&a.value, ctx))
        };
        // "effect - (Optional) Whether this statement allows or denies the given actions.
        // Valid values are Allow and Deny. Defaults to Allow."
        let effect = value("effect").resolve(&|e| match e {
            Value::Null => Resolved::Known(Effect::Allow),
            e => match e.to_text() {
                Some(t) if t.eq_ignore_ascii_case("allow") => Resolved::Known(Effect::Allow),
                Some(t) if t.eq_ignore_ascii_case("deny") => Resolved::Known(Effect::Deny),
                _ => Resolved::Unknown,
            },
        });
        let principals = self.nested(body, "principals", ctx, file, owner);
        let (anyone, principal_origin) = if body.blocks_of("not_principals").next().is_some()
            || body
                .blocks_of("dynamic")
                .any(|d| d.labels.first().map(String::as_str) == Some("not_principals"))
        {
            (Resolved::Unknown, None)
        } else if principals.is_empty() {
            (Resolved::Known(false), None)
        } else {
            let mut anyone = Resolved::Known(false);
            let mut at = None;
            for block in &principals {
                let read = |name: &str| {
                    block
                        .body
                        .attribute(name)
                        .map_or(Value::Null, |a| self.eval.eval(&a.value, &block.ctx))
                };
                let kind = read("type").to_text();
                let everyone = match (kind.as_deref(), read("identifiers")) {
                    (Some(kind), Value::List(ids))
                        if kind == "*" || kind.eq_ignore_ascii_case("AWS") =>
                    {
                        if ids.iter().any(|i| i.as_str() == Some("*")) {
                            Resolved::Known(true)
                        } else if ids.iter().all(|i| i.to_text().is_some()) {
                            Resolved::Known(false)
                        } else {
                            Resolved::Unknown
                        }
                    }
                    (Some(_), _) if kind.as_deref() != Some("*") => Resolved::Known(false),
                    _ => Resolved::Unknown,
                };
                let everyone = block.settle_flag(everyone);
                if at.is_none() || everyone == Resolved::Known(true) {
                    at = Some(loc(block.header));
                }
                anyone = anyone.or(&everyone);
            }
            (anyone, at)
        };
        let invokes = if body.attribute("not_actions").is_some() {
            Resolved::Unknown
        } else {
            any_text(&value("actions"), &|action| {
                policy::covers("execute-api:invoke", &action.to_ascii_lowercase())
            })
        };
        let conditions = self.nested(body, "condition", ctx, file, owner);
        let condition_keys = if conditions.iter().any(|c| c.unknown || !c.when.is_empty()) {
            Resolved::Unknown
        } else {
            let keys: Option<Vec<String>> = conditions
                .iter()
                .map(|c| {
                    c.body
                        .attribute("variable")
                        .and_then(|a| self.eval.eval(&a.value, &c.ctx).to_text())
                })
                .collect();
            keys.into()
        };
        let every_resource = if body.attribute("not_resources").is_some() {
            Resolved::Unknown
        } else {
            match body.attribute("resources") {
                None => Resolved::Known(false),
                Some(attribute) => self.resources_every_method(attribute, file, ctx),
            }
        };
        PolicyStatement {
            effect,
            anyone,
            invokes,
            condition_keys,
            every_resource,
            origin: body
                .attribute("effect")
                .map_or_else(|| loc(header), |a| loc(a.span)),
            principal_origin,
        }
    }

    /// Whether `resources` names every method; an ARN written as
    /// `"${aws_api_gateway_rest_api.x.execution_arn}/*"` is read as the API's ARN.
    fn resources_every_method(
        &self,
        attribute: &'a Attribute,
        file: &'a Arc<SourceFile>,
        ctx: &Ctx<'a>,
    ) -> Resolved<bool> {
        let items: Vec<&'a Expr> = match &attribute.value.kind {
            ExprKind::Array(items) => items.iter().collect(),
            _ => {
                return any_text(
                    &self.eval.eval(&attribute.value, ctx),
                    &policy::every_method,
                );
            }
        };
        Resolved::any_of(items.into_iter().map(|item| {
            let text = self.eval.eval(item, ctx).to_text().or_else(|| {
                let source = file.slice(item.span).trim_matches('"');
                let (before, after) = source.split_once("${")?;
                let (inside, rest) = after.split_once('}')?;
                (before.is_empty() && inside.trim().ends_with("execution_arn"))
                    .then(|| format!("arn:aws:execute-api:region:account:api{rest}"))
            });
            text.map(|text| policy::every_method(&text))
        }))
    }
}

/// Whether some item of a string or list value satisfies `test` (Unknown when none does and
/// some item cannot be read).
fn any_text(value: &Value, test: &dyn Fn(&str) -> bool) -> Resolved<bool> {
    match value {
        Value::Null => Resolved::Known(false),
        Value::List(items) => Resolved::any_of(
            items
                .iter()
                .map(|item| item.to_text().map(|text| test(&text))),
        ),
        other => match other.to_text() {
            Some(text) => Resolved::Known(test(&text)),
            None => Resolved::Unknown,
        },
    }
}

/// The text between a heredoc's opening line and its closing marker, if `span` is a heredoc.
fn heredoc_content(file: &SourceFile, span: Span) -> Option<Span> {
    let source = file.slice(span);
    if !source.starts_with("<<") {
        return None;
    }
    let first = source.find('\n')? + 1;
    let last = source.rfind('\n')?;
    let start = span.range().start;
    (last >= first).then(|| Span::new(start + first, start + last))
}

/// Statements read from a stand-in file, pointed back into `file`: at their own spans (which
/// are the file's), or all at `at` when the text was evaluated and has no place of its own.
fn relocate(
    statements: Resolved<Vec<PolicyStatement>>,
    file: &Arc<SourceFile>,
    at: Option<Span>,
) -> Resolved<Vec<PolicyStatement>> {
    let place = |loc: &Loc| Loc::new(file, at.unwrap_or(loc.span));
    statements.map(|statements| {
        statements
            .iter()
            .map(|s| PolicyStatement {
                origin: place(&s.origin),
                principal_origin: s.principal_origin.as_ref().map(place),
                ..s.clone()
            })
            .collect()
    })
}
