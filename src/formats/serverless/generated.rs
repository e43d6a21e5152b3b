//! What the framework's compiler generates alike for every kind of event: an event's
//! authorizer use, one authorizer resource per name, the HTTP or WebSocket API (or the existing
//! one a setting names) and the stage that deploys it.

use std::sync::Arc;

use super::service::Service;
use super::variables::Unknown;
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::model::{
    Api, ApiKind, Auth, Authorizer, AuthorizerUse, AuthorizerUses, EndpointType, HiddenRoutes,
    Notation, OpenBecause, Resolved, Stage,
};
use crate::syntax::{Loc, NodeRef};

/// What an event's `authorizer` makes of its route: its auth, where that is decided, and the
/// authorizers it uses.
pub(crate) type EventAuth = (Resolved<Auth>, Option<Loc>, AuthorizerUses);

/// An event without `authorizer`: the route is open.
pub(crate) fn no_authorizer() -> EventAuth {
    (
        Resolved::Known(Auth::Open(OpenBecause::Missing)),
        None,
        AuthorizerUses::default(),
    )
}

/// An event that names the authorizer `name` at `at`.
pub(crate) fn uses(name: String, scopes: Vec<String>, at: Loc) -> EventAuth {
    let uses: AuthorizerUses = Arc::new([AuthorizerUse {
        name: name.into(),
        scopes: scopes.into(),
        origin: at.clone(),
    }]);
    (
        Resolved::Known(Auth::Authorizers(Arc::clone(&uses))),
        Some(at),
        uses,
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

/// The text after the last `:` of an ARN, which the framework names an authorizer by.
pub(super) fn name_from_arn(arn: &str) -> String {
    arn.rsplit(':').next().unwrap_or(arn).to_owned()
}
