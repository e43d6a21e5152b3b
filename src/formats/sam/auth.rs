//! What the `Auth` of a REST and of an HTTP API have in common: its shape as the translator
//! checks it, the names of its authorizers, and their scopes.

use std::sync::Arc;

use super::context::{Context, Text, reject, text};
use super::globals::Merged;
use super::security;
use super::settings::unknown_settings;
use crate::diagnostic::InputError;
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::model::{Api, ApiKind, Authorizer, ParameterSetting, Resolved, authorizer_uses};
use crate::syntax::{Loc, NodeRef};

/// An API's `Auth` as the translator accepts it: a map of the `keys` it knows, on an API whose
/// definition SAM edits (`editable`). What it rejects is reported; what is left to read comes
/// back (nothing, when `Auth` is absent, empty or not a map).
pub(super) fn read<'a>(
    auth: Merged<'a>,
    keys: &[&str],
    api: &str,
    editable: bool,
    errors: &mut Vec<InputError>,
) -> Merged<'a> {
    let Some(node) = auth.node().filter(|n| !n.is_null()) else {
        return Merged::default();
    };
    // An include that cannot be seen: its settings are Unknown (see `unseen`), not wrong.
    if auth.is_unseen() {
        return Merged::default();
    }
    if !auth.is_map() {
        reject(
            errors,
            node.loc(),
            format!("the Auth of {api} must be a map"),
        );
        return Merged::default();
    }
    if auth.entries().is_empty() {
        return Merged::default();
    }
    if !editable {
        reject(
            errors,
            node.loc(),
            format!(
                "Auth on {api} needs an inline DefinitionBody: SAM cannot add authorizers to a \
                 definition it does not hold"
            ),
        );
    }
    for (at, message) in unknown_settings(auth, keys, "an Auth") {
        reject(errors, at, message);
    }
    auth
}

/// The names of `Auth.Authorizers`, which must be a map.
pub(super) fn authorizer_names<'a>(
    auth: Merged<'a>,
    api: &str,
    errors: &mut Vec<InputError>,
) -> Vec<&'a str> {
    let authorizers = auth.get("Authorizers");
    let Some(node) = authorizers.node().filter(|n| !n.is_null()) else {
        return Vec::new();
    };
    if authorizers.is_unseen() {
        return Vec::new();
    }
    if !authorizers.is_map() {
        reject(
            errors,
            node.loc(),
            format!("the Authorizers of {api} must be a map"),
        );
        return Vec::new();
    }
    authorizers
        .entries()
        .into_iter()
        .filter_map(|(k, _)| k.as_str())
        .collect()
}

/// Where an API's `Auth` (given as it is written, before `read`), its `Authorizers` or one of
/// them is an `AWS::Include` that cannot be seen: the authorizers it may define are Unknown.
pub(super) fn unseen(auth: Merged<'_>) -> Option<Loc> {
    if auth.is_unseen() {
        return auth.loc();
    }
    let authorizers = auth.get("Authorizers");
    if authorizers.is_unseen() {
        return authorizers.loc();
    }
    if !authorizers.is_map() {
        return None;
    }
    authorizers
        .entries()
        .into_iter()
        .find(|(_, config)| config.is_unseen())
        .and_then(|(_, config)| config.loc())
}

/// With authorizers that cannot be seen (`unseen`), a route that names an authorizer the API
/// does not define may be protected by one of them: its authentication is Unknown, not open and
/// not a missing authorizer.
pub(super) fn unseen_references(api: &mut Api, unseen: Option<&Loc>) {
    if unseen.is_none() {
        return;
    }
    let defined = |name: &str| {
        name == security::AWS_IAM
            || name == security::NONE
            || (api.kind == ApiKind::Rest && name == security::API_KEY)
            || api.authorizer(name).is_some()
    };
    let mut unknown = Vec::new();
    for (index, route) in api.routes.iter().enumerate() {
        let undefined: Vec<Arc<str>> = route
            .references
            .iter()
            .filter(|r| !defined(&r.name))
            .map(|r| Arc::clone(&r.name))
            .collect();
        if let Some(reference) = route.references.iter().find(|r| !defined(&r.name)) {
            unknown.push((index, reference.origin.clone(), undefined));
        }
    }
    for (index, origin, undefined) in unknown {
        let Some(route) = api.routes.get_mut(index) else {
            continue;
        };
        route.auth = Resolved::Unknown;
        route.auth_origin = Some(origin);
        route.api_key_required = Resolved::Unknown;
        route.references = authorizer_uses(
            route
                .references
                .iter()
                .filter(|r| !undefined.contains(&r.name))
                .cloned()
                .collect(),
        );
    }
}

/// The `DefaultAuthorizer` of a REST API that a parameter without a default gives at
/// deployment (the translator resolves a REST API's `Auth`; an HTTP API's, or an event's
/// `Authorizer`, given so is rejected): the routes it leaves Unknown name that parameter
/// (`gatelint routes`, the coverage note).
pub(super) fn parameters(cx: &Context<'_, '_>, auth: Merged<'_>, api: &mut Api) {
    let Some(node) = auth.get("DefaultAuthorizer").node() else {
        return;
    };
    if let Some(Intrinsic::Ref(name)) = intrinsic(node)
        && text(cx, node) == Text::Deployment
        && cx.template.parameter(name).is_some()
    {
        api.auth_parameters.push(ParameterSetting {
            at: node.loc(),
            setting: "its DefaultAuthorizer".to_owned(),
            parameter: name.to_owned(),
        });
    }
}

/// The `AuthorizationScopes` an authorizer gives the routes that use it.
pub(super) fn scopes(auth: Merged<'_>, name: &str) -> Vec<String> {
    auth.get("Authorizers")
        .get(name)
        .get("AuthorizationScopes")
        .node()
        .map(crate::formats::nodes::strings)
        .unwrap_or_default()
}

/// Each entry of `Auth.Authorizers` that `lower` makes an authorizer of, defined on `api`. The
/// translator writes them as security schemes, over one of the same name that the
/// `DefinitionBody` defines. An entry that is not a map is rejected.
pub(super) fn define_each<'a>(
    auth: Merged<'a>,
    api: &mut Api,
    describe: &str,
    errors: &mut Vec<InputError>,
    mut lower: impl FnMut(&str, NodeRef<'a>, Merged<'a>, &mut Vec<InputError>) -> Option<Authorizer>,
) {
    let authorizers = auth.get("Authorizers");
    if !authorizers.is_map() {
        return;
    }
    for (key, config) in authorizers.entries() {
        let Some(name) = key.as_str() else { continue };
        if !config.is_map() {
            if config.is_unseen() {
                continue;
            }
            reject(
                errors,
                config.loc().unwrap_or_else(|| key.loc()),
                format!("the authorizer {name} of {describe} must be a map"),
            );
            continue;
        }
        if let Some(authorizer) = lower(name, key, config, errors) {
            api.authorizers.retain(|a| a.name != authorizer.name);
            api.authorizers.push(authorizer);
        }
    }
}
