//! One operation of the OpenAPI definition the translator builds for a SAM API: an operation of
//! the `DefinitionBody`, one an event adds, or a CORS preflight. The translator edits the
//! operations' `security`; [`Operation::into_route`] says what API Gateway makes of the result.

use super::definition::Definition;
use super::events::Event;
use super::security::{self, Requirement};
use crate::collections::{HashMap, HashSet};
use crate::formats::openapi;
use crate::model::{
    Api, ApiKind, Auth, AuthorizerKind, Method, OpenBecause, Resolved, Route, RouteSource,
};
use crate::syntax::{Loc, NodeRef};

///
/// An API with an operation for each of thousands of events holds them all until its routes are
/// made, so the operation borrows its path from the tree, keeps a `DefinitionBody` route boxed
/// and says where it came from through its event.
pub(super) struct Operation<'e, 'a> {
    pub path: &'a str,
    pub method: Method,
    /// The translator edits only operations with an `x-amazon-apigateway-integration`.
    pub integrated: bool,
    /// Whether the translator changed the operation (then `lowered` no longer says it).
    pub edited: bool,
    /// Set when what decides the API key requirement cannot be seen either (an include): an
    /// authorizer that is Unknown alone leaves the requirement readable, as the two are
    /// independent.
    pub api_key_unseen: bool,
    pub cors_preflight: bool,
    /// The method-level `security` as the translator leaves it.
    pub security: Option<Vec<Requirement>>,
    /// What the OpenAPI view made of a `DefinitionBody` operation, kept when SAM leaves the
    /// operation alone.
    pub lowered: Option<Box<Route>>,
    /// The `DefinitionBody` operation's node, read through its definition, for its raw
    /// `security`.
    pub body: Option<(openapi::Spec<'a>, NodeRef<'a>)>,
    /// Set when the API's default authorizer was applied.
    pub by_default: Option<Loc>,
    /// Set when an event opted out of the default authorizer with `NONE`.
    pub opted_out: Option<Loc>,
    /// Set when the event's authorizer is an intrinsic gatelint cannot resolve: the route's
    /// authentication is Unknown, decided there.
    pub unknown: Option<Loc>,
    pub origin: Loc,
    /// The event that declares the route (and so its [`RouteSource`]); `None` for a body
    /// operation or a preflight.
    pub event: Option<&'e Event<'a>>,
}

impl<'e, 'a> Operation<'e, 'a> {
    /// An operation the translator writes (integrated, and edited by it), with no `security`
    /// yet.
    fn new(path: &'a str, method: Method, origin: Loc) -> Self {
        Operation {
            path,
            method,
            integrated: true,
            edited: true,
            api_key_unseen: false,
            cors_preflight: false,
            security: None,
            lowered: None,
            body: None,
            by_default: None,
            opted_out: None,
            unknown: None,
            origin,
            event: None,
        }
    }

    /// The operation an event adds.
    pub fn from_event(event: &'e Event<'a>) -> Self {
        Operation {
            event: Some(event),
            ..Operation::new(event.path, event.method, event.loc())
        }
    }

    /// The OPTIONS operation `Cors` adds to a path, answered by a mock integration.
    pub fn preflight(path: &'a str, at: Loc) -> Self {
        Operation {
            cors_preflight: true,
            ..Operation::new(path, Method::Options, at)
        }
    }

    /// A body operation without an integration gets `event`'s: the route is the event's now.
    pub fn integrate(&mut self, event: &'e Event<'a>) {
        self.integrated = true;
        self.event = Some(event);
    }

    /// The route the operation becomes. `root_security` is the definition's own default.
    pub fn into_route(self, api: &Api, root_security: Option<&[Requirement]>) -> Route {
        if !self.edited
            && let Some(route) = self.lowered
        {
            return *route;
        }
        let source = self.event.map_or(RouteSource::Operation, Event::source);
        let kind_of = |name: &str| api.authorizer(name).map(|a| &a.kind);
        // The translator's own API key scheme (REST APIs have API keys, HTTP APIs none).
        let sam_key = |name: &str| api.kind == ApiKind::Rest && name == security::API_KEY;
        let is_api_key = |name: &str| {
            sam_key(name) || matches!(kind_of(name), Some(AuthorizerKind::ApiKey { .. }))
        };
        if let Some(at) = self.unknown {
            let requirements = self.security.as_deref().or(root_security);
            let api_key_required = if self.api_key_unseen {
                Resolved::Unknown
            } else {
                // Whatever the authorizer turns out to be, an API key is asked for exactly when
                // an API key scheme is among the requirements.
                Resolved::Known(requirements.is_some_and(|requirements| {
                    requirements.iter().any(|r| r.names().any(&is_api_key))
                }))
            };
            return Route {
                method: self.method,
                path: self.path.into(),
                auth: Resolved::Unknown,
                auth_origin: Some(at),
                api_key_required,
                references: Default::default(),
                cors_preflight: self.cors_preflight,
                origin: self.origin,
                source,
                inherits_connection_auth: false,
            };
        }
        let decision = self
            .security
            .as_deref()
            .or(root_security)
            .map(|requirements| {
                security::decide(
                    requirements,
                    &is_api_key,
                    &|name| match kind_of(name) {
                        Some(kind) => *kind == AuthorizerKind::Iam,
                        None => name == security::AWS_IAM,
                    },
                    &|name| api.authorizer(name).is_some(),
                )
            });
        let (auth, api_key_required, origin, references) = match decision {
            Some(decision) => {
                let origin = match (&decision.auth, &self.by_default) {
                    (Auth::Authorizers(_) | Auth::Iam, Some(default)) => Some(default.clone()),
                    (Auth::Open(_), _) => self.opted_out.clone().or(decision.origin),
                    _ => decision.origin,
                };
                (
                    decision.auth,
                    decision.api_key_required,
                    origin,
                    decision.references,
                )
            }
            None => (
                Auth::Open(OpenBecause::Missing),
                false,
                self.opted_out.clone(),
                Default::default(),
            ),
        };
        // A route an event declares exists only when the event's function does.
        let auth = match self.event {
            Some(event) => event.under_condition(Resolved::Known(auth)),
            None => Resolved::Known(auth),
        };
        Route {
            method: self.method,
            path: self.path.into(),
            auth,
            auth_origin: origin,
            api_key_required: Resolved::Known(api_key_required),
            references,
            cors_preflight: self.cors_preflight,
            origin: self.origin,
            source,
            inherits_connection_auth: false,
        }
    }
}

/// The operations of one API's definition, in the order the translator writes them, found by
/// path and method through an index: a template with thousands of events would make a linear
/// search quadratic.
pub(super) struct Operations<'e, 'a> {
    /// `None` where an operation was taken out.
    slots: Vec<Option<Operation<'e, 'a>>>,
    /// The slot of each path and method (the first, if a body repeats one).
    index: HashMap<(&'a str, Method), usize>,
}

impl<'e, 'a> Operations<'e, 'a> {
    fn new() -> Self {
        Operations {
            slots: Vec::new(),
            index: HashMap::default(),
        }
    }

    /// The operations `definition` starts with: those of an inline `DefinitionBody`, else none.
    pub fn of(definition: &Definition<'a>, api: &mut Api) -> Self {
        match definition {
            Definition::Inline(spec) => Operations::from_body(*spec, api),
            _ => Operations::new(),
        }
    }

    /// The operations of an inline `DefinitionBody`, lowered through the OpenAPI view; the
    /// definition's security schemes and servers go to `api`.
    fn from_body(spec: openapi::Spec<'a>, api: &mut Api) -> Self {
        let mut body = Api::new(api.name.clone(), api.kind, api.origin.clone());
        body.aws = true;
        openapi::lower_into(&mut body, spec);
        api.authorizers.append(&mut body.authorizers);
        api.servers.append(&mut body.servers);
        // The definition's own access settings, which SAM's properties may then override or
        // merge into (its `DisableExecuteApiEndpoint`, `Cors`, `GatewayResponses`); its policy is
        // read with SAM's statements (`sam_resource_policy`).
        if body.default_endpoint_origin.is_some() {
            api.default_endpoint_disabled = body.default_endpoint_disabled;
            api.default_endpoint_origin = body.default_endpoint_origin.take();
        }
        api.cors.append(&mut body.cors);
        if api.default_auth_origin.is_none() {
            api.default_auth_origin = body.default_auth_origin.take();
        }
        let mut lowered: HashMap<Loc, Route> =
            HashMap::with_capacity_and_hasher(body.routes.len(), Default::default());
        for route in body.routes {
            lowered.entry(route.origin.clone()).or_insert(route);
        }
        let mut operations = Operations::new();
        operations.reserve(lowered.len());
        for op in spec.operations() {
            let at = op.method_key.loc();
            let integrated = spec
                .get(op.node, "x-amazon-apigateway-integration")
                .is_some_and(|i| !i.is_empty());
            operations.push(Operation {
                integrated,
                lowered: lowered.remove(&at).map(Box::new),
                body: Some((spec, op.node)),
                edited: false,
                ..Operation::new(op.path, op.method, at)
            });
        }
        operations
    }

    /// Room for `additional` more operations, so that a vector of thousands is not grown by
    /// doubling.
    pub fn reserve(&mut self, additional: usize) {
        self.slots.reserve_exact(additional);
        self.index.reserve(additional);
    }

    /// How many operations there are.
    pub fn count(&self) -> usize {
        self.iter().count()
    }

    /// Adds `operation` after the others.
    pub fn push(&mut self, operation: Operation<'e, 'a>) {
        let key = (operation.path, operation.method);
        self.index.entry(key).or_insert(self.slots.len());
        self.slots.push(Some(operation));
    }

    /// The operation of `path` and `method`.
    pub fn get_mut(&mut self, path: &'a str, method: Method) -> Option<&mut Operation<'e, 'a>> {
        let slot = *self.index.get(&(path, method))?;
        self.slots.get_mut(slot)?.as_mut()
    }

    /// The operation of `event`'s path and method.
    pub fn of_event(&mut self, event: &Event<'a>) -> Option<&mut Operation<'e, 'a>> {
        self.get_mut(event.path, event.method)
    }

    /// Takes the operation of `event`'s path and method out.
    pub fn take(&mut self, event: &Event<'a>) -> Option<Operation<'e, 'a>> {
        let slot = self.index.remove(&(event.path, event.method))?;
        self.slots.get_mut(slot)?.take()
    }

    /// The paths that have operations, each once, in order.
    pub fn paths(&self) -> Vec<&'a str> {
        let mut seen = HashSet::default();
        self.iter()
            .map(|o| o.path)
            .filter(|path| seen.insert(*path))
            .collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Operation<'e, 'a>> {
        self.slots.iter().flatten()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Operation<'e, 'a>> {
        self.slots.iter_mut().flatten()
    }
}

impl<'e, 'a> IntoIterator for Operations<'e, 'a> {
    type Item = Operation<'e, 'a>;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Option<Operation<'e, 'a>>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.slots.into_iter().flatten()
    }
}

impl Operation<'_, '_> {
    /// The operation's own `security` as written in the body: the translator reads it when it
    /// edits the operation. `Err` is where it is not a list of maps.
    pub fn written_security(&self) -> Result<Option<Vec<Requirement>>, Loc> {
        self.body
            .and_then(|(spec, body)| Some((spec, spec.get(body, "security")?)))
            .map(|(spec, written)| security::read(spec, written))
            .transpose()
    }
}
