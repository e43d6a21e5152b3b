//! What the `Auth` of a REST and of an HTTP API have in common: its shape as the translator
//! checks it, the names of its authorizers, and their scopes.

use super::globals::Merged;
use super::{reject, unknown_settings};
use crate::diagnostic::InputError;
use crate::model::{Api, Authorizer};
use crate::syntax::NodeRef;

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

/// The `AuthorizationScopes` an authorizer gives the routes that use it.
pub(super) fn scopes(auth: Merged<'_>, name: &str) -> Vec<String> {
    auth.get("Authorizers")
        .get(name)
        .get("AuthorizationScopes")
        .node()
        .map(crate::formats::strings)
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
