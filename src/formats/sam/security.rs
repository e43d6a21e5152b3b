//! The `security` of one operation as the SAM translator edits it — an event's authorizer and
//! API key setting, then the API's default authorizer and default API key requirement, with the
//! `NONE` and `api_key_false` markers that opt an event out of the defaults — and what API
//! Gateway makes of the result.
//!
//! API Gateway does not read security requirements as OpenAPI alternatives: an `api_key`
//! requirement next to an authorizer asks for both, and a name that is no security scheme (the
//! translator leaves its `NONE` marker in place when nothing replaces it) asks for nothing.

use std::sync::Arc;

use crate::formats::nodes::strings;
use crate::formats::openapi;
use crate::model::{Auth, AuthorizerUse, AuthorizerUses, OpenBecause, authorizer_uses};
use crate::syntax::{Loc, NodeRef};

/// The marker an event's `Authorizer: NONE` leaves: no default authorizer for this method.
pub(super) const NONE: &str = "NONE";
/// The scheme the translator defines for `ApiKeyRequired`.
pub(super) const API_KEY: &str = "api_key";
/// The marker of an event's `ApiKeyRequired: false`: no default API key for this method.
pub(super) const API_KEY_FALSE: &str = "api_key_false";
/// The built-in IAM authorizer.
pub(super) const AWS_IAM: &str = "AWS_IAM";

/// A scheme named in a requirement, with its scopes and where it was decided.
#[derive(Clone, Debug)]
pub(super) struct Scheme {
    /// Shared with the routes' authorizer uses, as is `scopes`.
    pub name: Arc<str>,
    pub scopes: Arc<[String]>,
    pub origin: Loc,
}

/// One security requirement object.
#[derive(Clone, Debug)]
pub(super) struct Requirement {
    pub schemes: Vec<Scheme>,
}

impl Requirement {
    pub fn one(name: Arc<str>, scopes: Vec<String>, origin: Loc) -> Self {
        Requirement {
            schemes: vec![Scheme {
                name,
                scopes: scopes.into(),
                origin,
            }],
        }
    }

    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        self.schemes.iter().map(|s| &*s.name)
    }

    fn has(&self, name: &str) -> bool {
        self.names().any(|n| n == name)
    }
}

/// Whether `requirements` name an authorizer (or opt out of the default one with `NONE`), not
/// only the API key markers: then a default authorizer does not replace them.
pub(super) fn chooses_authorizer(requirements: &[Requirement]) -> bool {
    requirements
        .iter()
        .any(|r| r.names().any(|n| n != API_KEY && n != API_KEY_FALSE))
}

/// The requirements written in a `security` list. `Err` carries the node that is not a list, or
/// the item that is not a map (the translator rejects both when it edits the operation). Read
/// through `spec`, the definition it is in (an item may be an included snippet).
pub(super) fn read<'a>(
    spec: openapi::Spec<'a>,
    security: NodeRef<'a>,
) -> Result<Vec<Requirement>, Loc> {
    if !security.is_seq() {
        return Err(security.loc());
    }
    spec.items(security)
        .map(|item| {
            if !item.is_map() {
                return Err(item.loc());
            }
            Ok(Requirement {
                schemes: spec
                    .entries(item)
                    .filter_map(|(name, scopes)| {
                        Some(Scheme {
                            name: name.as_str()?.into(),
                            scopes: strings(scopes).into(),
                            origin: name.loc(),
                        })
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The REST default authorizer, as `SwaggerEditor.set_path_default_authorizer` applies it to one
/// method: a method that names an authorizer (or the IAM one) keeps it, one marked `NONE` loses
/// the marker and gets nothing, any other gets the default.
pub(super) fn apply_rest_default(
    security: &mut Option<Vec<Requirement>>,
    default: &Scheme,
    authorizers: &[&str],
) -> Outcome {
    let is_authorizer =
        |r: &Requirement| r.names().any(|n| n == AWS_IAM || authorizers.contains(&n));
    let existing = security.take().unwrap_or_default();
    // The marker alone: it stays, as the translator writes no empty list.
    let mut others = existing.iter().filter(|r| !is_authorizer(r));
    if let (Some(marker), None) = (others.next(), others.next())
        && marker.has(NONE)
    {
        let at = marker.schemes.first().map(|s| s.origin.clone());
        *security = Some(existing);
        return Outcome::OptedOut(at);
    }
    let (mut others, named): (Vec<Requirement>, Vec<Requirement>) =
        existing.into_iter().partition(|r| !is_authorizer(r));
    let (outcome, chosen) = if let Some(none) = others.iter().position(|r| r.has(NONE)) {
        let marker = others.remove(none);
        let at = marker.schemes.first().map(|s| s.origin.clone());
        (Outcome::OptedOut(at), Vec::new())
    } else if !named.is_empty() {
        (Outcome::Own, named)
    } else {
        let default = Requirement {
            schemes: vec![default.clone()],
        };
        (Outcome::Default, vec![default])
    };
    // Not empty: the marker alone returned above.
    others.extend(chosen);
    *security = Some(others);
    outcome
}

/// How a default authorizer met a method.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Outcome {
    /// The method got the default.
    Default,
    /// The method names its own authorizer.
    Own,
    /// The method opted out with `Authorizer: NONE`, set here.
    OptedOut(Option<Loc>),
}

/// The REST default API key requirement (`SwaggerEditor.set_path_default_apikey_required`): a
/// method marked `api_key_false` keeps no key, any other gets exactly one `api_key`
/// requirement. `preflight` is an OPTIONS method whose key `AddApiKeyRequiredToCorsPreflight`
/// turned off.
pub(super) fn apply_rest_default_api_key(
    security: &mut Option<Vec<Requirement>>,
    origin: &Loc,
    preflight_exempt: bool,
) {
    let existing = security.as_deref().unwrap_or_default();
    let is_key = |r: &&Requirement| r.has(API_KEY) || r.has(API_KEY_FALSE);
    let others = || existing.iter().filter(|r| !is_key(r));
    let opted_out = existing.iter().any(|r| r.has(API_KEY_FALSE));
    let add_key = !opted_out && !preflight_exempt;
    // The requirements are the others and then, unless opted out, one `api_key`: they change
    // only where their names do.
    let kept = others().count();
    let same = kept + usize::from(add_key) == existing.len()
        && others().zip(existing).all(|(x, y)| x.names().eq(y.names()))
        && (!add_key || existing.last().is_some_and(|y| y.names().eq([API_KEY])));
    if !same {
        let mut result: Vec<Requirement> = Vec::with_capacity(kept + usize::from(add_key));
        result.extend(others().cloned());
        if add_key {
            result.push(Requirement::one(API_KEY.into(), Vec::new(), origin.clone()));
        }
        *security = Some(result);
    }
}

/// What API Gateway makes of a method's final requirements.
pub(super) struct Decision {
    pub auth: Auth,
    pub api_key_required: bool,
    /// Where the deciding scheme was set.
    pub origin: Option<Loc>,
    /// Every scheme named, for `missing-authorizer` and `unused-authorizer`: most often the
    /// uses of `auth` themselves.
    pub references: AuthorizerUses,
}

/// Decide the authentication of requirements; `is_api_key` tells API key schemes, `is_iam` the
/// IAM scheme, `defined` the schemes the API defines.
pub(super) fn decide(
    requirements: &[Requirement],
    is_api_key: &dyn Fn(&str) -> bool,
    is_iam: &dyn Fn(&str) -> bool,
    defined: &dyn Fn(&str) -> bool,
) -> Decision {
    // Every route is decided here (tens of thousands in a large template): the schemes are
    // walked again rather than collected, and what the route keeps is sized exactly.
    let schemes = || requirements.iter().flat_map(|r| &r.schemes);
    let marker = |name: &str| name == NONE || name == API_KEY_FALSE;
    let is_authorizer = |s: &&Scheme| !marker(&s.name) && !is_api_key(&s.name);
    let first_key = schemes().find(|s| is_api_key(&s.name));
    let references = schemes()
        .filter(|s| !marker(&s.name))
        // The translator defines `AWS_IAM` and `api_key` itself when it uses them.
        .filter(|s| defined(&s.name) || (&*s.name != AWS_IAM && &*s.name != API_KEY));
    let (auth, origin) =
        if requirements.is_empty() || requirements.iter().any(|r| r.schemes.is_empty()) {
            (Auth::Open(OpenBecause::Disabled), None)
        } else if let Some(first) = schemes().find(is_authorizer) {
            let auth = if schemes().filter(is_authorizer).all(|s| is_iam(&s.name)) {
                Auth::Iam
            } else {
                Auth::Authorizers(uses_of(schemes().filter(is_authorizer)))
            };
            (auth, Some(first.origin.clone()))
        } else if let Some(key) = first_key {
            (Auth::ApiKeyOnly, Some(key.origin.clone()))
        } else {
            let opted_out = schemes().find(|s| &*s.name == NONE);
            (
                Auth::Open(OpenBecause::Disabled),
                opted_out.map(|s| s.origin.clone()),
            )
        };
    // The references are the authorizer uses themselves unless they name more.
    let references = match &auth {
        Auth::Authorizers(uses)
            if references.clone().count() == uses.len()
                && references
                    .clone()
                    .zip(uses.iter())
                    .all(|(s, u)| use_of(s) == *u) =>
        {
            Arc::clone(uses)
        }
        _ => uses_of(references),
    };
    Decision {
        auth,
        api_key_required: first_key.is_some(),
        origin,
        references,
    }
}

/// The uses of `schemes`, shared.
fn uses_of<'s>(schemes: impl Iterator<Item = &'s Scheme> + Clone) -> AuthorizerUses {
    let mut uses = Vec::with_capacity(schemes.clone().count());
    uses.extend(schemes.map(use_of));
    authorizer_uses(uses)
}

fn use_of(scheme: &Scheme) -> AuthorizerUse {
    AuthorizerUse {
        name: scheme.name.clone(),
        scopes: scheme.scopes.clone(),
        origin: scheme.origin.clone(),
    }
}
