//! The service file as every event compiler reads it: its variables, `provider`, the functions
//! and their API Gateway events, with a located coverage note for what has no static value, and
//! the framework's own rejections.

use super::variables::{DEFAULT_STAGE, LoadedFile, Unknown, Variables};
use crate::diagnostic::InputError;
use crate::model::{FrameworkEvent, NotVisible, Resolved};
use crate::syntax::{Loc, NodeRef};

/// The service file, with its variables.
pub(crate) struct Service<'a> {
    pub vars: Variables<'a>,
    pub root: NodeRef<'a>,
    /// The `provider` mapping (resolved) and where its key is written.
    pub provider: Option<NodeRef<'a>>,
    pub provider_loc: Loc,
    /// The service's name, for messages.
    pub name: String,
    pub functions: Vec<Function<'a>>,
    /// Parts of `functions` that have no static value: their routes cannot be seen.
    pub unseen: Vec<NotVisible>,
}

/// One function of `functions`.
pub(crate) struct Function<'a> {
    pub name: String,
    /// The function's settings (resolved).
    pub node: Option<NodeRef<'a>>,
    pub events: Vec<Event<'a>>,
}

/// One API Gateway event of a function.
pub(crate) struct Event<'a> {
    pub kind: FrameworkEvent,
    /// The `http:` (or `httpApi:`, `websocket:`) key: where findings about the event point.
    pub key: NodeRef<'a>,
    /// The event's settings as written (a string or a mapping, possibly a variable).
    pub value: NodeRef<'a>,
}

impl<'a> Service<'a> {
    pub(super) fn new(
        root: NodeRef<'a>,
        loaded: &'a [LoadedFile],
        errors: &mut Vec<InputError>,
    ) -> Self {
        let vars = Variables::new(root, loaded);
        let provider_entry = root.entry("provider");
        let provider = vars.node(provider_entry.map(|(_, v)| v));
        let provider_loc = provider_entry.map_or_else(|| root.loc(), |(k, _)| k.loc());
        let service = root.get("service");
        let name_node = match vars.node(service) {
            Some(node) if node.is_map() => node.get("name"),
            _ => service,
        };
        // A name that does not resolve (`${env:STAGE}-api`) is shown as written.
        let name = vars
            .text(name_node)
            .ok()
            .flatten()
            .or_else(|| name_node.and_then(|n| n.as_str()).map(str::to_owned))
            .unwrap_or_else(|| "service".to_owned());
        let mut unseen = Vec::new();
        let functions = functions(&vars, root.get("functions"), errors, &mut unseen);
        state_machine_routes(&vars, root, &mut unseen);
        Service {
            vars,
            root,
            provider,
            provider_loc,
            name,
            functions,
            unseen,
        }
    }

    /// A `provider` setting (as written).
    pub fn provider(&self, key: &str) -> Option<NodeRef<'a>> {
        self.vars.get(self.provider, key)
    }

    /// A setting of `provider.apiGateway`, or its older place directly under `provider`
    /// (framework versions before 2 read `provider.apiKeys`, `provider.usagePlan`,
    /// `provider.resourcePolicy`).
    pub fn api_gateway(&self, key: &str) -> Option<NodeRef<'a>> {
        self.vars
            .get(self.provider("apiGateway"), key)
            .or_else(|| self.provider(key))
    }

    /// The stage name, or how it is written when it is not static.
    pub fn stage(&self) -> (String, Loc) {
        let written = self.provider("stage");
        let at = written.map_or_else(|| self.provider_loc.clone(), NodeRef::loc);
        let name = match self.vars.stage() {
            Ok(name) => name,
            Err(Unknown) => written
                .and_then(NodeRef::as_str)
                .unwrap_or(DEFAULT_STAGE)
                .to_owned(),
        };
        (name, at)
    }

    /// The `Properties` that `resources.extensions` adds to a resource the framework generates
    /// (its documented way to set what it has no setting for).
    /// <https://www.serverless.com/framework/docs/providers/aws/guide/resources#override-aws-cloudformation-resource>
    pub fn extension(&self, logical_id: &str) -> Option<NodeRef<'a>> {
        let vars = &self.vars;
        let resources = vars.node(self.root.get("resources"))?;
        let parts: Vec<NodeRef<'a>> = if resources.is_seq() {
            resources
                .items()
                .filter_map(|i| vars.node(Some(i)))
                .collect()
        } else {
            vec![resources]
        };
        parts.into_iter().rev().find_map(|part| {
            let extension = vars.get(vars.get(Some(part), "extensions"), logical_id)?;
            vars.get(Some(extension), "Properties")
        })
    }

    /// Whether stage `Properties` set throttling in `DefaultRouteSettings`.
    pub fn throttles(&self, properties: Option<NodeRef<'a>>) -> Resolved<bool> {
        let settings = self.vars.get(properties, "DefaultRouteSettings");
        let set = |key: &str| self.vars.get(settings, key).is_some_and(|n| !n.is_null());
        Resolved::Known(set("ThrottlingBurstLimit") || set("ThrottlingRateLimit"))
    }

    /// Events that cannot be seen may add routes to `api` (and use its authorizers).
    pub fn hide_unseen_routes(&self, api: &mut crate::model::Api) {
        if api.hidden_routes.is_none()
            && let Some(first) = self.unseen.first()
        {
            // The coverage note is the service's own, at the unseen value.
            api.hidden_routes = Some(crate::model::HiddenRoutes::elsewhere(first.loc.clone()));
        }
    }

    /// The function called `name`.
    pub fn function(&self, name: &str) -> Option<&Function<'a>> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// Every event of `kind`, with its function.
    pub fn events(
        &self,
        kind: FrameworkEvent,
    ) -> impl Iterator<Item = (&Function<'a>, &Event<'a>)> {
        self.functions.iter().flat_map(move |function| {
            function
                .events
                .iter()
                .filter(move |event| event.kind == kind)
                .map(move |event| (function, event))
        })
    }

    /// `text` of a value, Unknown kept apart.
    pub fn text(&self, node: Option<NodeRef<'a>>) -> Result<Option<String>, Unknown> {
        self.vars.text(node)
    }
}

/// `functions`: a mapping of name to settings, or (as older services write it) a list of such
/// mappings.
fn functions<'a>(
    vars: &Variables<'a>,
    written: Option<NodeRef<'a>>,
    errors: &mut Vec<InputError>,
    unseen: &mut Vec<NotVisible>,
) -> Vec<Function<'a>> {
    note_unseen(vars, written, "the functions are", unseen);
    let Some(node) = vars.node(written) else {
        return Vec::new();
    };
    let mut budget = MAX_EVENTS;
    let maps: Vec<NodeRef<'a>> = if node.is_seq() {
        node.items()
            .filter_map(|item| {
                note_unseen(vars, Some(item), "functions are", unseen);
                vars.node(Some(item))
            })
            .collect()
    } else {
        vec![node]
    };
    let mut out = Vec::new();
    for map in maps {
        for (key, value) in crate::formats::nodes::distinct_entries(map) {
            let Some(name) = key.as_str() else { continue };
            note_unseen(
                vars,
                Some(value),
                &format!("the function {name} is"),
                unseen,
            );
            let node = vars.node(Some(value)).filter(|n| n.is_map());
            let written_events = vars.get(node, "events");
            note_unseen(
                vars,
                written_events,
                &format!("the events of function {name} are"),
                unseen,
            );
            let items = vars.items(written_events);
            if items.len() > budget {
                reject(
                    errors,
                    key.loc(),
                    format!(
                        "the service has more than {MAX_EVENTS} events (counting those YAML \
                         aliases repeat): the events from here on are not read"
                    ),
                );
                return out;
            }
            budget -= items.len();
            let events = items
                .into_iter()
                .filter_map(|item| {
                    note_unseen(
                        vars,
                        Some(item),
                        &format!("an event of function {name} is"),
                        unseen,
                    );
                    event(vars, item)
                })
                .collect();
            out.push(Function {
                name: name.to_owned(),
                node,
                events,
            });
        }
    }
    out
}

fn event<'a>(vars: &Variables<'a>, item: NodeRef<'a>) -> Option<Event<'a>> {
    let item = vars.node(Some(item))?;
    let (key, value) = item.entries().next()?;
    let kind = match key.as_str()? {
        "http" => FrameworkEvent::Http,
        "httpApi" => FrameworkEvent::HttpApi,
        "websocket" => FrameworkEvent::WebSocket,
        _ => return None,
    };
    Some(Event { kind, key, value })
}

/// When `node` is written but has no static value: a coverage note that `what` ("the events
/// of function f are") cannot be seen.
pub(super) fn note_unseen<'a>(
    vars: &Variables<'a>,
    node: Option<NodeRef<'a>>,
    what: &str,
    unseen: &mut Vec<NotVisible>,
) {
    let Some(node) = node.filter(|n| vars.resolve(*n).is_unknown()) else {
        return;
    };
    let written = node.as_str().unwrap_or("the value");
    unseen.push(NotVisible {
        loc: node.loc(),
        message: format!(
            "{what} not visible: `{written}` has no static value (a variable decided at deploy \
             time, or a file gatelint does not read)"
        ),
    });
}

/// `http` events of state machines (the serverless-step-functions plugin,
/// `stepFunctions.stateMachines.<name>.events`) add routes to the REST API that gatelint does
/// not lower: each is a located coverage note.
/// <https://github.com/serverless-operations/serverless-step-functions#api-gateway>
fn state_machine_routes<'a>(vars: &Variables<'a>, root: NodeRef<'a>, unseen: &mut Vec<NotVisible>) {
    let machines = vars.get(root.get("stepFunctions"), "stateMachines");
    for (name, machine) in vars.entries(machines) {
        let name = name.as_str().unwrap_or("state machine");
        for event in vars.items(vars.get(Some(machine), "events")) {
            let Some((key, _)) = vars.node(Some(event)).and_then(|e| e.entry("http")) else {
                continue;
            };
            unseen.push(NotVisible {
                loc: key.loc(),
                message: format!(
                    "the http route of state machine {name} is not visible: gatelint does not \
                     lower the serverless-step-functions plugin's events"
                ),
            });
        }
    }
}

/// Events one service may have in all; a file that repeats a long list of events through YAML
/// aliases could otherwise make billions of routes.
const MAX_EVENTS: usize = 100_000;

/// A service the framework rejects, at the node that makes it do so.
pub(super) fn reject(errors: &mut Vec<InputError>, loc: Loc, message: impl Into<String>) {
    let message = message.into();
    if !errors.iter().any(|e| e.loc == loc && e.message == message) {
        errors.push(InputError::new(loc, message));
    }
}

/// The strings of a list (or of one string), resolved; what is not static is left out.
pub(super) fn string_list<'a>(vars: &Variables<'a>, node: Option<NodeRef<'a>>) -> Vec<String> {
    match vars.node(node) {
        Some(list) if list.is_seq() => list
            .items()
            .filter_map(|item| vars.text(Some(item)).ok().flatten())
            .collect(),
        Some(one) => vars.text(Some(one)).ok().flatten().into_iter().collect(),
        None => vars.text(node).ok().flatten().into_iter().collect(),
    }
}
