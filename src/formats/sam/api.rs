//! Which SAM APIs of a kind a template has: its `AWS::Serverless::Api` (or `HttpApi`) resources,
//! with Globals merged in, and the implicit API when events without an API id need one. The
//! implicit API replaces a resource of its logical id, as the translator overwrites it. Also
//! what the translator does alike for REST and HTTP APIs: where the definition comes from, the
//! custom domain, the stage name, and the API's `Condition` on all it generates.

use super::context::{Context, truthy};
use super::definition::{self, Definition};
use super::events::{Event, EventKind};
use super::globals::{Merged, Properties};
use crate::diagnostic::InputError;
use crate::formats::cloudformation::gateway::security_policy;
use crate::formats::cloudformation::include::is_include;
use crate::formats::cloudformation::{Resource, under_resource_condition};
use crate::model::{Api, ApiKind, DomainMapping, DomainName, HiddenRoutes, Resolved, Workspace};
use crate::syntax::{Loc, NodeRef};

/// One SAM API to lower.
pub(super) struct ApiSource<'c, 't, 'a> {
    pub cx: &'c Context<'t, 'a>,
    pub id: &'a str,
    /// The explicit resource; `None` for the implicit API.
    pub resource: Option<Resource<'a>>,
    /// Where the API is declared: the resource, or the first event of the implicit API.
    pub origin: Loc,
    pub properties: Properties<'a>,
    /// The events of this API whose `Method` names no HTTP method: left out of its events.
    pub unknown_methods: Vec<(EventKind, NodeRef<'a>, &'a str)>,
}

impl<'a> ApiSource<'_, '_, 'a> {
    pub fn implicit(&self) -> bool {
        self.resource.is_none()
    }

    /// How messages name the API.
    pub fn describe(&self) -> String {
        if self.implicit() {
            format!("the implicit API {}", self.id)
        } else {
            self.id.to_owned()
        }
    }

    /// The API before its definition, routes and stages are read.
    pub fn api(&self, kind: ApiKind) -> Api {
        let mut api = Api::new(self.id, kind, self.origin.clone());
        api.display = self.describe();
        if self.implicit() {
            api.globals = match kind {
                ApiKind::Rest => Some("Api"),
                ApiKind::Http | ApiKind::WebSocket => Some("HttpApi"),
            };
        }
        api.aws = true;
        api.sam = true;
        api
    }

    /// Where the API's definition comes from; a `DefinitionUri` file is lowered into `api`.
    pub fn definition(
        &self,
        api: &mut Api,
        workspace: &mut Workspace,
        errors: &mut Vec<InputError>,
    ) -> Definition<'a> {
        if let Some(resource) = self.resource {
            self.endpoint_flag_beside_uri(resource, errors);
        }
        // Once that is reported, the API is read as if `Globals` had no URI.
        let uri = if api.kind == ApiKind::Rest && self.global_uri_beside_generated_body(errors) {
            Merged::single(None)
        } else {
            self.properties.get("DefinitionUri")
        };
        match self.resource {
            Some(resource) => definition::resolve(
                self.cx,
                self.id,
                resource.property("DefinitionBody"),
                uri,
                api,
                workspace,
                errors,
            ),
            None => Definition::Generated,
        }
    }

    /// `DisableExecuteApiEndpoint` beside a `DefinitionUri` and no `DefinitionBody`: the
    /// translator writes the flag into the definition it holds, and with a `DefinitionUri` it
    /// holds none, so it rejects the API whatever the flag's value ("DisableExecuteApiEndpoint
    /// works only within 'DefinitionBody' property", `api_generator._add_endpoint_extension`
    /// and `http_api_generator._add_endpoint_configuration`). With neither property the
    /// translator generates the body and accepts the flag. Only the resource's own properties
    /// count: the translator generates the body before `Globals` are merged, and neither
    /// `Globals.Api` nor `Globals.HttpApi` takes the flag. A flag or URI that an include beside
    /// the properties may set is not known to be there.
    fn endpoint_flag_beside_uri(&self, resource: Resource<'a>, errors: &mut Vec<InputError>) {
        let (Some(flag), Some(uri)) = (
            resource.property("DisableExecuteApiEndpoint"),
            resource.property("DefinitionUri"),
        ) else {
            return;
        };
        // The translator tests the body and the URI with Python truthiness.
        if truthy(resource.property("DefinitionBody"))
            || !truthy(Some(uri))
            || flag.is_null()
            || flag.identity() == uri.identity()
            || flag.get("Fn::Transform").is_some()
            || uri.get("Fn::Transform").is_some()
        {
            return;
        }
        let at = resource
            .property_key("DisableExecuteApiEndpoint")
            .map_or_else(|| flag.loc(), NodeRef::loc);
        errors.push(InputError::new(
            at,
            format!(
                "DisableExecuteApiEndpoint on {} works only with an inline DefinitionBody: SAM \
                 rejects it beside a DefinitionUri, whatever its value (set \
                 `disableExecuteApiEndpoint` under `x-amazon-apigateway-endpoint-configuration` \
                 in the definition instead)",
                self.id
            ),
        ));
    }

    /// `Globals.Api.DefinitionUri` reaching a REST API that writes no `DefinitionUri` of its
    /// own (the implicit API never does): the translator gives every such API a definition
    /// (its own `DefinitionBody`, or one it generates) before it merges `Globals`
    /// (`DefaultDefinitionBodyPlugin` runs first), then finds both properties and rejects the
    /// template ("Specify either 'DefinitionUri' or 'DefinitionBody' property and not both"),
    /// whatever the values. A resource that sets the key, even to null, keeps its own value;
    /// `IgnoreGlobals` keeps the global one out. Reported once, at the global key.
    fn global_uri_beside_generated_body(&self, errors: &mut Vec<InputError>) -> bool {
        let uri = self.properties.get("DefinitionUri");
        let Some(global) = uri.global_only() else {
            return false;
        };
        if !truthy(Some(global)) || is_include(global) {
            return false;
        }
        let at = self
            .properties
            .key("DefinitionUri")
            .map_or_else(|| global.loc(), NodeRef::loc);
        if errors.iter().any(|e| e.loc == at) {
            return true;
        }
        errors.push(InputError::new(
            at,
            format!(
                "Globals.Api.DefinitionUri reaches {}, which sets no DefinitionUri of its own: \
                 SAM gives such an API a DefinitionBody (its own, or one it writes from the \
                 events) before it merges Globals, and then rejects it for having both, \
                 whatever the values (set DefinitionUri on each AWS::Serverless::Api instead)",
                self.describe()
            ),
        ));
        true
    }

    /// Where the API's routes are not all visible because an event of `kind` adds one under a
    /// method that is no HTTP method (see [`Event::unknown_method`]).
    pub fn unknown_method_routes(&self, kind: EventKind) -> Option<HiddenRoutes> {
        let (_, method, event) = self.unknown_methods.iter().find(|(k, _, _)| *k == kind)?;
        Some(HiddenRoutes::because(
            method.loc(),
            format!(
                "event {event} declares the Method `{}`, which is no HTTP method: the \
                 translator writes it into the definition as it is, and what API Gateway makes \
                 of it is not documented",
                method.as_str().unwrap_or_default()
            ),
        ))
    }

    /// The name of the stage `StageName` names (see [`stage_name`]).
    pub fn stage_name(&self, name: NodeRef<'a>) -> String {
        stage_name(self.cx, name)
    }

    /// The custom domain name `Domain` makes the translator create, with its TLS policy.
    pub fn domain_name(&self) -> Option<DomainName> {
        let domain = self.properties.get("Domain");
        let node = domain.node().filter(|d| domain.is_map() && !d.is_empty())?;
        let name = domain.get("DomainName");
        let policy = domain.get("SecurityPolicy").node();
        Some(DomainName {
            name: self
                .cx
                .eval
                .known_string(name.node())
                .unwrap_or_else(|| format!("the domain of {}", self.id)),
            origin: name.loc().unwrap_or_else(|| node.loc()),
            notation: crate::model::Notation::Gateway,
            security_policy: security_policy(&self.cx.eval, policy),
            security_policy_origin: policy.map(NodeRef::loc),
        })
    }

    /// What the API's `Domain` maps to it: the domain, its mutual TLS and TLS policy.
    pub fn domain_mapping(&self) -> Option<DomainMapping> {
        let domain = self.properties.get("Domain");
        let node = domain.node().filter(|d| domain.is_map() && !d.is_empty())?;
        Some(DomainMapping {
            domain: self
                .cx
                .eval
                .known_string(domain.get("DomainName").node())
                .unwrap_or_else(|| format!("the domain of {}", self.id)),
            origin: self
                .properties
                .key("Domain")
                .map_or_else(|| node.loc(), NodeRef::loc),
            mutual_tls: domain
                .get("MutualTlsAuthentication")
                .node()
                .filter(|m| !m.is_null())
                .map(NodeRef::loc),
            security_policy: self
                .cx
                .eval
                .known_string(domain.get("SecurityPolicy").node()),
            when: self
                .resource
                .and_then(Resource::condition)
                .map(|name| crate::model::Condition {
                    name: name.to_owned(),
                    holds: true,
                })
                .into_iter()
                .collect(),
        })
    }

    /// `DisableExecuteApiEndpoint`, which SAM passes on to the API resource.
    pub fn default_endpoint(&self, api: &mut Api) {
        let flag = self.properties.get("DisableExecuteApiEndpoint");
        if let Some(node) = flag.node() {
            api.default_endpoint_disabled =
                self.cx.eval.boolean(Some(node)).map(|d| d.unwrap_or(false));
            api.default_endpoint_origin = Some(node.loc());
        }
    }

    /// An API resource with a `Condition` exists only when it holds, and so do its routes and
    /// stages (the translator passes the condition on to every resource it generates).
    pub fn apply_condition(&self, api: &mut Api) {
        let Some(resource) = self.resource.filter(|r| r.condition().is_some()) else {
            return;
        };
        fn wrap<T>(resource: Resource<'_>, value: &mut Resolved<T>) {
            let unconditional = std::mem::replace(value, Resolved::Unknown);
            *value = under_resource_condition(resource, unconditional);
        }
        for route in &mut api.routes {
            wrap(resource, &mut route.auth);
        }
        for stage in &mut api.stages {
            wrap(resource, &mut stage.throttle);
            wrap(resource, &mut stage.access_log);
        }
    }
}

/// The APIs of `resource_type` (merged with `Globals.<section>`), each with the events that
/// name it (`belongs` picks them); then the implicit API `implicit`, when events name it.
pub(super) fn each<'c, 't, 'a, 'e>(
    cx: &'c Context<'t, 'a>,
    events: &'e [Event<'a>],
    resource_type: &'a str,
    section: &str,
    implicit: &'a str,
    belongs: impl Fn(&Event<'a>, &str) -> bool,
) -> Vec<(ApiSource<'c, 't, 'a>, Vec<&'e Event<'a>>)> {
    let named =
        |id: &str| -> Vec<&'e Event<'a>> { events.iter().filter(|e| belongs(e, id)).collect() };
    // An event whose method is no HTTP method still makes the implicit API, but no route.
    let split = |events: Vec<&'e Event<'a>>| {
        let (unknown, known): (Vec<_>, Vec<_>) =
            events.into_iter().partition(|e| e.unknown_method.is_some());
        let unknown = unknown
            .into_iter()
            .filter_map(|e| Some((e.kind, e.unknown_method?, e.id)))
            .collect();
        (known, unknown)
    };
    let implicit_events = named(implicit);
    let mut apis = Vec::new();
    for resource in cx.template.resources_of(resource_type) {
        if resource.id == implicit && !implicit_events.is_empty() {
            continue;
        }
        let (own, unknown_methods) = split(named(resource.id));
        let source = ApiSource {
            cx,
            id: resource.id,
            resource: Some(resource),
            origin: resource.loc(),
            properties: cx.globals.merged_into(Some(resource), section),
            unknown_methods,
        };
        apis.push((source, own));
    }
    if let Some(first) = implicit_events.first() {
        let origin = first.loc();
        let (own, unknown_methods) = split(implicit_events);
        let source = ApiSource {
            cx,
            id: implicit,
            resource: None,
            origin,
            properties: cx.globals.merged_into(None, section),
            unknown_methods,
        };
        apis.push((source, own));
    }
    apis
}

/// The name of the stage a `StageName` names (see [`stage_name`]).
pub(super) fn stage_name(cx: &Context<'_, '_>, name: NodeRef<'_>) -> String {
    crate::formats::cloudformation::gateway::stage_name(&cx.eval, name)
}
