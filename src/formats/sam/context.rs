//! What every part of the SAM lowering reads (the template, its evaluator, `Globals`, the files
//! beside it), how the translator reads a scalar, and its rejections.

use super::globals::Globals;
use crate::diagnostic::InputError;
use crate::formats::cloudformation::{Evaluator, Template};
use crate::formats::files::FileLoader;
use crate::formats::intrinsic;
use crate::syntax::{Loc, NodeRef};

/// What every part of the SAM lowering reads.
pub(super) struct Context<'t, 'a> {
    pub(super) template: &'t Template<'a>,
    pub(super) eval: Evaluator<'t, 'a>,
    pub(super) globals: Globals<'a>,
    pub(super) files: &'t dyn FileLoader,
}

/// A template the translator rejects, at the node that makes it do so. A `Globals` value that is
/// wrong for every API it reaches is reported once.
pub(super) fn reject(errors: &mut Vec<InputError>, loc: Loc, message: impl Into<String>) {
    let message = message.into();
    if !errors.iter().any(|e| e.loc == loc && e.message == message) {
        errors.push(InputError::new(loc, message));
    }
}

/// A scalar as the translator reads it once it has replaced `Ref`s to parameters (and to the
/// pseudo-parameters it knows) by their values: `Auth`, `Domain` and the like are resolved so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Text<'a> {
    /// Written literally, or a `Ref` to a parameter with a default (the default is taken).
    Literal(&'a str),
    /// A `Ref` to a parameter without a default, or to a pseudo-parameter: a string, known only
    /// at deployment.
    Deployment,
    /// Any other intrinsic function (`Fn::If`, `Fn::Sub`, a `Ref` to a resource), a list or a
    /// map: not a string to the translator, whatever the parameters are.
    Other,
}

pub(super) fn text<'a>(cx: &Context<'_, 'a>, node: NodeRef<'a>) -> Text<'a> {
    match intrinsic::intrinsic(node) {
        None if node.is_scalar() && !node.is_null() => {
            node.as_str().map_or(Text::Other, Text::Literal)
        }
        Some(intrinsic::Intrinsic::Ref(name)) => match cx.template.parameter(name) {
            Some(parameter) => match parameter.default {
                Some(default) if default.is_scalar() && !default.is_null() => {
                    default.as_str().map_or(Text::Deployment, Text::Literal)
                }
                _ => Text::Deployment,
            },
            None if name.starts_with("AWS::") => Text::Deployment,
            None => Text::Other,
        },
        _ => Text::Other,
    }
}

/// A scalar the translator reads as text, when it is known before deployment (see [`Text`]).
pub(super) fn literal<'a>(cx: &Context<'_, 'a>, node: Option<NodeRef<'a>>) -> Option<&'a str> {
    match text(cx, node?) {
        Text::Literal(text) => Some(text),
        Text::Deployment | Text::Other => None,
    }
}

/// A boolean as the translator tests it: Python truthiness, so any intrinsic call is true.
pub(super) fn truthy(node: Option<NodeRef<'_>>) -> bool {
    let Some(node) = node else { return false };
    if intrinsic::intrinsic(node).is_some() {
        return true;
    }
    match node.as_bool() {
        Some(value) => value,
        None if node.is_null() => false,
        None if node.is_scalar() => !node.as_str().unwrap_or("").is_empty(),
        None => !node.is_empty(),
    }
}
