//! API, stage and route settings as the translator checks them: keys it does not know, whether
//! throttling limits are set, whether an access log names a destination.

use super::context::Context;
use super::globals;
use crate::syntax::Loc;

/// The keys of the settings map `settings` that are not among the `known` ones, each with the
/// message the translator rejects it with ("`X` is not `what` setting (those are ...)").
pub(super) fn unknown_settings<'a>(
    settings: globals::Merged<'a>,
    known: &'a [&'a str],
    what: &'a str,
) -> impl Iterator<Item = (Loc, String)> + 'a {
    settings.entries().into_iter().filter_map(move |(key, _)| {
        let name = key.as_str().filter(|name| !known.contains(name))?;
        let message = format!(
            "`{name}` is not {what} setting (those are {})",
            known.join(", ")
        );
        Some((key.loc(), message))
    })
}

/// Whether route or stage settings set a throttling limit (`ThrottlingBurstLimit` or
/// `ThrottlingRateLimit`).
pub(super) fn sets_throttling(
    cx: &Context<'_, '_>,
    settings: globals::Merged<'_>,
) -> crate::model::Resolved<bool> {
    use crate::formats::cloudformation::gateway::limit_set;
    let limits = |settings: globals::Merged<'_>| {
        limit_set(&cx.eval, settings.get("ThrottlingBurstLimit").node()).or(&limit_set(
            &cx.eval,
            settings.get("ThrottlingRateLimit").node(),
        ))
    };
    match settings.node() {
        // Settings chosen by `Fn::If`: each branch on its own.
        Some(node) if crate::formats::intrinsic::intrinsic(node).is_some() => cx
            .eval
            .mapping(Some(node))
            .and_then(&|branch| match branch {
                None => crate::model::Resolved::Known(false),
                Some(map) => limits(globals::Merged::single(Some(*map))),
            }),
        _ => limits(settings),
    }
}

/// Whether settings may throttle: in some branch, or in a way that cannot be read (which is
/// never taken for the lack of a limit).
pub(super) fn may_throttle(throttle: &crate::model::Resolved<bool>) -> bool {
    throttle.any(|t| *t) || throttle.has_unknown()
}

/// Whether a stage's access log setting (`AccessLogSetting` or `AccessLogSettings`) names a
/// destination.
pub(super) fn access_log(
    cx: &Context<'_, '_>,
    setting: globals::Merged<'_>,
) -> crate::model::Resolved<bool> {
    match setting.node() {
        None => crate::model::Resolved::Known(false),
        // A setting chosen by `Fn::If`: each branch on its own.
        Some(node) if crate::formats::intrinsic::intrinsic(node).is_some() => {
            crate::formats::cloudformation::gateway::access_log(&cx.eval, Some(node))
        }
        Some(_) => cx
            .eval
            .eval_opt(setting.get("DestinationArn").node())
            .map(Option::is_some),
    }
}
