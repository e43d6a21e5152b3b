//! The `Api` and `HttpApi` events of `AWS::Serverless::Function`s (and the `Api` events of
//! `AWS::Serverless::StateMachine`s): each names a path, a method and the API it belongs to.
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-api.html>
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-httpapi.html>

use super::context::{Context, literal, reject};
use super::globals::follow;
use crate::diagnostic::InputError;
use crate::formats::cloudformation::Resource;
use crate::formats::cloudformation::include::{distinct_entries_in, get_in, is_include};
use crate::formats::cloudformation::under_condition;
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::model::{Method, Resolved, RouteSource};
use crate::syntax::{Loc, NodeRef};

/// The implicit APIs' logical ids.
pub(super) const IMPLICIT_REST_API: &str = "ServerlessRestApi";
pub(super) const IMPLICIT_HTTP_API: &str = "ServerlessHttpApi";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum EventKind {
    /// `Type: Api`, a REST API route.
    Rest,
    /// `Type: HttpApi`.
    Http,
}

/// One API event. A template may have tens of thousands, all held while its APIs are lowered:
/// the event keeps only what the lowering reads, borrowed from the tree.
#[derive(Clone, Debug)]
pub(super) struct Event<'a> {
    pub kind: EventKind,
    /// The method; `Any` stands in for one that is not an HTTP method (see `unknown_method`).
    pub method: Method,
    /// A `Method` string that names no HTTP method (`fetch`): the translator writes it into
    /// the definition as it is, and what API Gateway makes of it is not documented, so the
    /// event adds no route gatelint can see (its API's routes are not all visible).
    pub unknown_method: Option<NodeRef<'a>>,
    /// The logical id of the function or state machine that declares it.
    pub owner: &'a str,
    /// The owner's `Condition`: the event's routes exist only when it holds.
    pub owner_condition: Option<&'a str>,
    /// The event's logical id, and its key.
    pub id: &'a str,
    pub key: NodeRef<'a>,
    /// The logical id of the API (`RestApiId` / `ApiId`, or the implicit API).
    pub api: &'a str,
    pub path: &'a str,
    pub auth: Option<NodeRef<'a>>,
    pub properties: Option<NodeRef<'a>>,
}

impl<'a> Event<'a> {
    pub fn source(&self) -> RouteSource {
        RouteSource::Event {
            function: self.owner.into(),
            event: self.id.into(),
        }
    }

    /// `value` under the owner's `Condition`, if it has one.
    pub fn under_condition<T>(&self, value: Resolved<T>) -> Resolved<T> {
        under_condition(self.owner_condition, value)
    }

    pub fn loc(&self) -> Loc {
        self.key.loc()
    }

    /// The `Auth.AuthorizationScopes` of the event, rejected unless a list (or null).
    pub fn scopes(&self, errors: &mut Vec<InputError>) -> Option<NodeRef<'a>> {
        let scopes = self.auth?.get("AuthorizationScopes")?;
        if !scopes.is_seq() && !scopes.is_null() {
            reject(
                errors,
                scopes.loc(),
                format!(
                    "the AuthorizationScopes of event {} must be a list",
                    self.id
                ),
            );
        }
        Some(scopes)
    }

    /// The name an `Auth.Authorizer` gives, which must be written out: the translator looks it
    /// up among the authorizers of the API (`describe` names it, for messages) without resolving any intrinsic in the event (not even
    /// a `Ref` to a parameter), and rejects one that is not a string
    /// (`push.py` `_check_valid_authorizer_types`), whatever the parameters are.
    pub fn authorizer_name(
        &self,
        cx: &Context<'_, 'a>,
        node: NodeRef<'a>,
        describe: &dyn Fn() -> String,
        errors: &mut Vec<InputError>,
    ) -> AuthorizerName<'a> {
        // CloudFormation expands an include before SAM reads the event: a name, unseen here.
        if is_include(node) {
            return AuthorizerName::Unknown;
        }
        if intrinsic(node).is_some() {
            reject(
                errors,
                node.loc(),
                format!(
                    "the Authorizer of event {} must be written out as the name of an authorizer \
                     of {}: SAM does not resolve intrinsics in an event's Auth, so it rejects \
                     this one whatever the parameters are",
                    self.id,
                    describe()
                ),
            );
            // Reported; the route's authentication is not judged on a name never given.
            return AuthorizerName::Unknown;
        }
        if let Some(name) = literal(cx, Some(node)) {
            return AuthorizerName::Named(name);
        }
        reject(
            errors,
            node.loc(),
            format!(
                "the Authorizer of event {} must be the name of an authorizer of {}",
                self.id,
                describe()
            ),
        );
        AuthorizerName::Invalid
    }

    /// Reject `Authorizer: NONE` (at `at`) on an API with no default authorizer to opt out of.
    pub fn reject_needless_none(&self, at: Loc, api: &str, errors: &mut Vec<InputError>) {
        reject(
            errors,
            at,
            format!(
                "`Authorizer: NONE` on event {} opts out of a default authorizer, but {api} has \
                 no DefaultAuthorizer",
                self.id
            ),
        );
    }
}

/// What an event's `Authorizer` names.
pub(super) enum AuthorizerName<'a> {
    Named(&'a str),
    /// Not known here: an `AWS::Include` gatelint cannot see (CloudFormation expands it before
    /// SAM reads it), or an intrinsic the translator rejects (reported).
    Unknown,
    /// Not a name at all: the translator rejects the template (reported).
    Invalid,
}

/// Every API event of the template, in template order. Events the translator rejects are
/// reported and left out.
pub(super) fn collect<'a>(cx: &Context<'_, 'a>, errors: &mut Vec<InputError>) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    for owner in cx.template.resources() {
        let state_machine = match owner.kind {
            "AWS::Serverless::Function" => false,
            "AWS::Serverless::StateMachine" => true,
            _ => continue,
        };
        let Some(declared) = owner.property("Events").filter(|e| e.is_map()) else {
            continue;
        };
        let includes = cx.template.includes();
        for (key, event) in distinct_entries_in(includes, declared) {
            let Some(id) = key.as_str() else { continue };
            let event = follow(includes, event);
            let kind = match get_in(includes, event, "Type").and_then(NodeRef::as_str) {
                Some("Api") => EventKind::Rest,
                // State machines have no HttpApi events.
                Some("HttpApi") if !state_machine => EventKind::Http,
                _ => continue,
            };
            if let Some(event) = read_event(cx, owner, id, key, event, kind, errors) {
                events.push(event);
            }
        }
    }
    // Held until every API is lowered: give back what doubling left over.
    events.shrink_to_fit();
    events
}

fn read_event<'a>(
    cx: &Context<'_, 'a>,
    owner: Resource<'a>,
    id: &'a str,
    key: NodeRef<'a>,
    event: NodeRef<'a>,
    kind: EventKind,
    errors: &mut Vec<InputError>,
) -> Option<Event<'a>> {
    let includes = cx.template.includes();
    let properties = get_in(includes, event, "Properties").map(|p| follow(includes, p));
    if let Some(props) = properties
        && !props.is_map()
        && !props.is_null()
    {
        reject(
            errors,
            props.loc(),
            format!("the properties of event {id} must be a map"),
        );
        return None;
    }
    let field = |name: &str| {
        properties
            .and_then(|p| get_in(includes, p, name))
            .map(|f| follow(includes, f))
    };
    let (path, method) = match kind {
        EventKind::Rest => {
            let (Some(path), Some(method)) = (field("Path"), field("Method")) else {
                let missing = if field("Path").is_none() {
                    "Path"
                } else {
                    "Method"
                };
                reject(
                    errors,
                    properties.map_or_else(|| key.loc(), NodeRef::loc),
                    format!(
                        "event {id} has no `{missing}`: an Api event needs a Path and a Method"
                    ),
                );
                return None;
            };
            (path, method)
        }
        EventKind::Http => match (field("Path"), field("Method")) {
            // Neither: the `$default` route, which catches every request.
            (None, None) => {
                return Some(Event {
                    kind,
                    method: Method::Any,
                    unknown_method: None,
                    owner: owner.id,
                    owner_condition: owner.condition(),
                    id,
                    key,
                    api: api_target(cx, id, field("ApiId"), kind, errors)?,
                    path: "$default",
                    auth: auth_of(id, field("Auth"), errors)?,
                    properties,
                });
            }
            (Some(path), Some(method)) => (path, method),
            (path, _) => {
                let missing = if path.is_none() { "Path" } else { "Method" };
                reject(
                    errors,
                    properties.map_or_else(|| key.loc(), NodeRef::loc),
                    format!(
                        "event {id} has no `{missing}`: an HttpApi event needs both a Path and \
                         a Method, or neither (for the `$default` route)"
                    ),
                );
                return None;
            }
        },
    };
    let Some(path_text) = path.as_str().filter(|_| is_string(path)) else {
        reject(
            errors,
            path.loc(),
            format!("the `Path` of event {id} must be a string"),
        );
        return None;
    };
    // The translator checks only that the method is a string ("Property 'Method' should be a
    // string"), and writes any string into the definition as the operation's key.
    let Some(method_text) = method.as_str().filter(|_| is_string(method)) else {
        reject(
            errors,
            method.loc(),
            format!("the `Method` of event {id} must be a string"),
        );
        return None;
    };
    let parsed = Method::parse(method_text);
    let unknown_method = parsed.is_none().then_some(method);
    let api_field = match kind {
        EventKind::Rest => field("RestApiId"),
        EventKind::Http => field("ApiId"),
    };
    Some(Event {
        kind,
        method: parsed.unwrap_or(Method::Any),
        unknown_method,
        owner: owner.id,
        owner_condition: owner.condition(),
        id,
        key,
        api: api_target(cx, id, api_field, kind, errors)?,
        path: path_text,
        auth: auth_of(id, field("Auth"), errors)?,
        properties,
    })
}

/// Whether a node is a string to the translator: a scalar that YAML does not read as a
/// number, a boolean or null (a plain `12.12` is a float), and not an intrinsic call.
pub(super) fn is_string(node: NodeRef<'_>) -> bool {
    let Some(text) = node.as_str() else {
        return false;
    };
    if intrinsic(node).is_some() || node.tag().is_some_and(|t| t != "!!str") {
        return false;
    }
    match node.scalar_style() {
        Some(crate::syntax::ScalarStyle::Plain) => {
            !node.is_null() && node.as_bool().is_none() && text.trim().parse::<f64>().is_err()
        }
        _ => true,
    }
}

/// The event's `Auth`, which must be a map when present.
fn auth_of<'a>(
    id: &str,
    auth: Option<NodeRef<'a>>,
    errors: &mut Vec<InputError>,
) -> Option<Option<NodeRef<'a>>> {
    match auth {
        Some(auth) if auth.is_null() => Some(None),
        // An include that cannot be seen: the route's authentication is Unknown.
        Some(auth) if is_include(auth) => Some(Some(auth)),
        Some(auth) if !auth.is_map() || intrinsic(auth).is_some() => {
            reject(
                errors,
                auth.loc(),
                format!("the `Auth` of event {id} must be a map"),
            );
            None
        }
        other => Some(other),
    }
}

/// The API an event belongs to: its `RestApiId` / `ApiId` (`!Ref Api` or the logical id as a
/// string) or, without one, the implicit API. It must name a SAM API of the event's kind.
fn api_target<'a>(
    cx: &Context<'_, 'a>,
    id: &str,
    node: Option<NodeRef<'a>>,
    kind: EventKind,
    errors: &mut Vec<InputError>,
) -> Option<&'a str> {
    let (field, implicit, expected) = match kind {
        EventKind::Rest => ("RestApiId", IMPLICIT_REST_API, "AWS::Serverless::Api"),
        EventKind::Http => ("ApiId", IMPLICIT_HTTP_API, "AWS::Serverless::HttpApi"),
    };
    let Some(node) = node else {
        return Some(implicit);
    };
    let name = match intrinsic(node) {
        Some(Intrinsic::Ref(name)) => Some(name),
        None => node.as_str(),
        Some(_) => None,
    };
    let Some(name) = name else {
        reject(
            errors,
            node.loc(),
            format!(
                "the `{field}` of event {id} must be `!Ref` to an {expected} of this template \
                 (SAM cannot merge the route into an API it cannot see)"
            ),
        );
        return None;
    };
    // `!Ref ServerlessRestApi` names the implicit API, which the translator adds to the
    // template before it reads the events.
    if name == implicit {
        return Some(implicit);
    }
    match cx.template.resource(name) {
        Some(api) if api.kind == expected => Some(name),
        // The translator accepts an HttpApi event on a REST API: see `rest`.
        Some(api) if kind == EventKind::Http && api.kind == "AWS::Serverless::Api" => Some(name),
        Some(api) if kind == EventKind::Http && api.kind.starts_with("AWS::") => None,
        // A REST event on a plain (not SAM) API only grants the invoke permission.
        Some(api) if kind == EventKind::Rest && api.kind != "AWS::Serverless::HttpApi" => None,
        _ => {
            reject(
                errors,
                node.loc(),
                format!(
                    "the `{field}` of event {id} must name an {expected} of this template, and \
                     `{name}` is not one"
                ),
            );
            None
        }
    }
}
