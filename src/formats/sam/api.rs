//! Which SAM APIs of a kind a template has: its `AWS::Serverless::Api` (or `HttpApi`) resources,
//! with Globals merged in, and the implicit API when events without an API id need one. The
//! implicit API replaces a resource of its logical id, as the translator overwrites it.

use super::Context;
use super::events::Event;
use super::globals::Properties;
use crate::formats::cloudformation::Resource;
use crate::syntax::Loc;

/// One SAM API to lower.
pub(super) struct ApiSource<'c, 't, 'a> {
    pub cx: &'c Context<'t, 'a>,
    pub id: &'a str,
    /// The explicit resource; `None` for the implicit API.
    pub resource: Option<Resource<'a>>,
    /// Where the API is declared: the resource, or the first event of the implicit API.
    pub origin: Loc,
    pub properties: Properties<'a>,
}

impl ApiSource<'_, '_, '_> {
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
    let implicit_events = named(implicit);
    let mut apis = Vec::new();
    for resource in cx.template.resources_of(resource_type) {
        if resource.id == implicit && !implicit_events.is_empty() {
            continue;
        }
        let properties = Properties::new(
            resource.properties(),
            cx.globals.of(section),
            resource.node.get("IgnoreGlobals"),
        );
        let source = ApiSource {
            cx,
            id: resource.id,
            resource: Some(resource),
            origin: resource.loc(),
            properties,
        };
        apis.push((source, named(resource.id)));
    }
    if let Some(first) = implicit_events.first() {
        let source = ApiSource {
            cx,
            id: implicit,
            resource: None,
            origin: first.loc(),
            properties: Properties::new(None, cx.globals.of(section), None),
        };
        apis.push((source, implicit_events));
    }
    apis
}
