//! Serverless Framework services (`serverless.yml`, `.yaml`, `.json`; framework versions 3
//! and 4 and the open-source fork, which share the format), lowered into the gateway model as
//! the framework's CloudFormation compiler would expand them:
//! - variables are resolved where they are static ([`variables`]);
//! - `http` events become routes of the REST API `ApiGatewayRestApi`, with their authorizers,
//!   `private` API keys, CORS preflights, `provider.apiGateway` usage plans and the stage
//!   ([`rest`]);
//! - `httpApi` events become routes of the HTTP API `HttpApi` with `provider.httpApi`'s
//!   authorizers ([`http_api`]); `websocket` events routes of `WebsocketsApi` ([`websocket`]);
//! - a function's `url` is a Lambda function URL ([`function_url`]);
//! - `resources.Resources` is CloudFormation, lowered as such; what it declares for the
//!   generated APIs (by their logical ids) joins them ([`resources`]).
//!
//! Every route keeps the location of the event that declared it, in the file the user wrote.
//! `serverless.ts` and `serverless.js` are code and are not read.
//! <https://github.com/oss-serverless/serverless/tree/main/lib/plugins/aws/package/compile/events>

mod domain_manager;
mod function_url;
mod http_api;
mod resources;
mod rest;
pub(crate) mod variables;
mod websocket;

use super::files::{FileLoader, LoadError};
use super::intrinsic::{Intrinsic, intrinsic};
use crate::diagnostic::InputError;
use crate::model::{
    Api, ApiKind, Auth, Authorizer, AuthorizerUse, EndpointType, FrameworkEvent, HiddenRoutes,
    NotVisible, Notation, OpenBecause, Resolved, Stage, Workspace,
};
use crate::syntax::{Document, Loc, NodeRef};

use variables::{LoadedFile, Unknown, Variables};

/// Whether `root` is a Serverless Framework service for AWS: a `service` and an AWS
/// `provider`.
pub fn is_service(root: NodeRef<'_>) -> bool {
    let Some(provider) = root.get("provider") else {
        return false;
    };
    let name = if provider.is_map() {
        provider.get("name").and_then(NodeRef::as_str)
    } else {
        provider.as_str()
    };
    root.get("service").is_some() && name == Some("aws")
}

/// How many files `${file(...)}` may read for one service, and in how many rounds (a path
/// built from a value in a file read in the round before).
const MAX_FILES: usize = 64;
const MAX_ROUNDS: usize = 4;

/// Lower one service file.
pub fn lower(
    doc: &Document,
    files: &dyn FileLoader,
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) {
    let loaded = load_files(doc, files, errors);
    for file in &loaded {
        for document in file.documents.iter().flatten() {
            super::nodes::collect_duplicate_keys(document, workspace);
        }
    }
    let service = Service::new(doc.root(), &loaded, errors);
    let first = workspace.apis.len();
    rest::lower(&service, workspace, errors);
    http_api::lower(&service, workspace, errors);
    websocket::lower(&service, workspace, errors);
    function_url::lower(&service, workspace);
    domain_manager::lower(&service, workspace, first);
    resources::lower(&service, workspace, first);
    workspace.not_visible.extend(service.unseen);
}

/// Read every file the service's `${file(...)}` variables name, in rounds: a path may depend
/// on a value read from another file.
fn load_files(
    doc: &Document,
    files: &dyn FileLoader,
    errors: &mut Vec<InputError>,
) -> Vec<LoadedFile> {
    let mut loaded: Vec<LoadedFile> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let wanted: Vec<String> = {
            let vars = Variables::new(doc.root(), &loaded);
            let mut wanted = variables::file_references(&vars, doc.root());
            for file in &loaded {
                for document in file.documents.iter().flatten() {
                    wanted.extend(variables::file_references(&vars, document.root()));
                }
            }
            wanted.retain(|reference| !loaded.iter().any(|f| &f.reference == reference));
            wanted.sort();
            wanted.dedup();
            wanted
        };
        if wanted.is_empty() {
            break;
        }
        for reference in wanted {
            if loaded.len() >= MAX_FILES {
                return loaded;
            }
            let documents = if is_data_file(&reference) {
                match files.load(&reference) {
                    Ok(documents) => Some(documents),
                    // The framework fails on a file it cannot parse, whatever the parameters.
                    Err(LoadError::Syntax(error)) => {
                        errors.push(error);
                        None
                    }
                    // Outside the directory gatelint may read, missing (often git-ignored
                    // secrets), or no directory at all: its values are Unknown.
                    Err(
                        LoadError::NotAvailable | LoadError::Outside | LoadError::Unreadable(_),
                    ) => None,
                }
            } else {
                // `.js`/`.ts` files are code: what they export is Unknown.
                None
            };
            loaded.push(LoadedFile {
                reference,
                documents,
            });
        }
    }
    loaded
}

fn is_data_file(reference: &str) -> bool {
    let lower = reference.to_ascii_lowercase();
    [".yml", ".yaml", ".json"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// What an event's `authorizer` makes of its route: its auth, where that is decided, and the
/// authorizers it uses.
pub(crate) type EventAuth = (Resolved<Auth>, Option<Loc>, Vec<AuthorizerUse>);

/// An event without `authorizer`: the route is open.
pub(crate) fn no_authorizer() -> EventAuth {
    (
        Resolved::Known(Auth::Open(OpenBecause::Missing)),
        None,
        Vec::new(),
    )
}

/// An event that names the authorizer `name` at `at`.
pub(crate) fn uses(name: String, scopes: Vec<String>, at: Loc) -> EventAuth {
    let use_of = AuthorizerUse {
        name,
        scopes,
        origin: at.clone(),
    };
    (
        Resolved::Known(Auth::Authorizers(vec![use_of.clone()])),
        Some(at),
        vec![use_of],
    )
}

/// Events compile to one authorizer resource per name: the last one written wins.
pub(crate) fn define(api: &mut Api, authorizer: Authorizer) {
    api.authorizers.retain(|a| a.name != authorizer.name);
    api.authorizers.push(authorizer);
}

/// Why the routes of an existing API that `id` (`provider.apiGateway.restApiId`,
/// `provider.httpApi.id`, `provider.websocketApiId`) names are not all visible. The API, with
/// its authorizers, stages, throttling and policy, is created elsewhere, so a coverage note says
/// so; only a `Ref` names a logical id of this service's own stack (a resource of `resources`),
/// whose template is this file.
pub(crate) fn shared_api_routes(id: NodeRef<'_>) -> HiddenRoutes {
    match intrinsic(id) {
        Some(Intrinsic::Ref(_)) => HiddenRoutes::elsewhere(id.loc()),
        _ => HiddenRoutes::because(id.loc(), "the API is not defined in this service"),
    }
}

/// The HTTP or WebSocket API the framework generates (`logical_id`, called `what` in
/// messages), or the existing one `external` names (`setting` says where), whose other routes
/// are not in this file. `disable` is where `DisableExecuteApiEndpoint` is set, if anywhere.
pub(crate) fn v2_api(
    service: &Service<'_>,
    kind: ApiKind,
    (logical_id, what): (&str, &str),
    (external, setting): (Option<NodeRef<'_>>, &str),
    disable: Option<NodeRef<'_>>,
) -> Api {
    let mut api = match external {
        Some(id) => {
            let name = match intrinsic(id) {
                // A logical id of the service's own stack: `resources` may declare the API.
                Some(Intrinsic::Ref(name)) => Some(name.to_owned()),
                _ => service.text(Some(id)).ok().flatten(),
            }
            .unwrap_or_else(|| setting.to_owned());
            let mut api = Api::new(name.clone(), kind, id.loc());
            api.display = format!("the shared {what} {name}");
            api.hidden_routes = Some(shared_api_routes(id));
            api
        }
        None => {
            let mut api = Api::new(logical_id, kind, service.provider_loc.clone());
            api.display = format!("the {what} of service {}", service.name);
            // V2 APIs have regional endpoints only.
            api.endpoint = Resolved::Known(EndpointType::Regional);
            api
        }
    };
    api.aws = true;
    api.notation = Notation::ServerlessFramework;
    api.default_endpoint_origin = disable.map(NodeRef::loc);
    api.default_endpoint_disabled = match service.vars.boolean(disable) {
        // An existing API's endpoint is switched where that API is defined.
        _ if external.is_some() => Resolved::Unknown,
        Ok(disabled) => Resolved::Known(disabled.unwrap_or(false)),
        Err(Unknown) => Resolved::Unknown,
    };
    api
}

/// The stage the framework creates for an API: it deploys itself, and has no WAF in the
/// service file.
pub(crate) fn generated_stage(
    (name, origin): (String, Loc),
    throttle: Resolved<bool>,
    access_log: Resolved<bool>,
    (data_trace, data_trace_origin): (Resolved<bool>, Option<Loc>),
) -> Stage {
    Stage {
        name,
        origin,
        implicit: None,
        throttle,
        usage_plans: Vec::new(),
        access_log,
        auto_deploy: Resolved::Known(true),
        data_trace,
        data_trace_origin,
        web_acl: Resolved::Unknown,
    }
}

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
    fn new(root: NodeRef<'a>, loaded: &'a [LoadedFile], errors: &mut Vec<InputError>) -> Self {
        let vars = Variables::new(root, loaded);
        let provider_entry = root.entry("provider");
        let provider = vars.node(provider_entry.map(|(_, v)| v));
        let provider_loc = provider_entry.map_or_else(|| root.loc(), |(k, _)| k.loc());
        let service = root.get("service");
        let name = match vars.node(service) {
            Some(node) if node.is_map() => vars.text(node.get("name")),
            _ => vars.text(service),
        }
        .ok()
        .flatten()
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
                .unwrap_or(variables::DEFAULT_STAGE)
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
fn reject(errors: &mut Vec<InputError>, loc: Loc, message: impl Into<String>) {
    let message = message.into();
    if !errors.iter().any(|e| e.loc == loc && e.message == message) {
        errors.push(InputError::new(loc, message));
    }
}

/// The text after the last `:` of an ARN, which the framework names an authorizer by.
fn name_from_arn(arn: &str) -> String {
    arn.rsplit(':').next().unwrap_or(arn).to_owned()
}

/// The strings of a list (or of one string), resolved; what is not static is left out.
fn string_list<'a>(vars: &Variables<'a>, node: Option<NodeRef<'a>>) -> Vec<String> {
    match vars.node(node) {
        Some(list) if list.is_seq() => list
            .items()
            .filter_map(|item| vars.text(Some(item)).ok().flatten())
            .collect(),
        Some(one) => vars.text(Some(one)).ok().flatten().into_iter().collect(),
        None => vars.text(node).ok().flatten().into_iter().collect(),
    }
}

#[cfg(test)]
mod tests;
