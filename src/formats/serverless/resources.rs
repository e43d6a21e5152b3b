//! `resources`: CloudFormation the framework merges into the template it generates (a mapping
//! with `Resources`, or a list of them, often read with `${file(...)}`). It is lowered as
//! CloudFormation; what it declares for the generated APIs, by their logical ids
//! (`ApiGatewayRestApi`, `HttpApi`, `WebsocketsApi`: an authorizer, a stage, a method) with
//! `Ref`, joins those APIs (an id written as a plain string is an API from elsewhere, as in any
//! template), and Cognito app clients are token issuers as in any template.

use super::http_api::HTTP_API;
use super::rest::REST_API;
use super::service::Service;
use super::websocket::WEBSOCKET_API;
use crate::formats::cloudformation::{self, Template};
use crate::model::{Api, Workspace};
use crate::syntax::NodeRef;

/// Lower `resources` into `workspace`, whose APIs from index `first` on are the service's.
pub(super) fn lower(service: &Service<'_>, workspace: &mut Workspace, first: usize) {
    let vars = &service.vars;
    let written = service.root.get("resources");
    super::service::note_unseen(vars, written, "resources are", &mut workspace.not_visible);
    let Some(resources) = vars.node(written) else {
        return;
    };
    let parts: Vec<NodeRef<'_>> = if resources.is_seq() {
        resources
            .items()
            .filter_map(|item| {
                super::service::note_unseen(
                    vars,
                    Some(item),
                    "resources are",
                    &mut workspace.not_visible,
                );
                vars.node(Some(item))
            })
            .collect()
    } else {
        vec![resources]
    };
    for part in parts {
        let Some(template) = Template::new(part) else {
            continue;
        };
        let mut declared = Workspace::default();
        cloudformation::lower(&template, &mut declared);
        for api in declared.apis {
            join(service, workspace, first, api);
        }
        workspace.token_issuers.append(&mut declared.token_issuers);
        workspace.function_urls.append(&mut declared.function_urls);
        workspace.domain_names.append(&mut declared.domain_names);
        workspace.user_pools.append(&mut declared.user_pools);
        workspace
            .identity_pools
            .append(&mut declared.identity_pools);
        workspace
            .lambda_permissions
            .append(&mut declared.lambda_permissions);
        workspace.not_visible.append(&mut declared.not_visible);
    }
}

/// An API the CloudFormation lowering found: when it is one of the generated APIs (named by its
/// logical id), what it has joins that API; when it is the API the service's events are added to
/// by `Ref` (`restApiId: {Ref: MyApi}`), the events join it; otherwise it is an API of its own.
fn join(service: &Service<'_>, workspace: &mut Workspace, first: usize, mut api: Api) {
    let generated = [REST_API, HTTP_API, WEBSOCKET_API].contains(&api.name.as_str());
    // The lowering makes an API it does not declare where the id is written.
    let declared = api
        .hidden_routes
        .as_ref()
        .is_none_or(|h| h.at != api.origin);
    let target = workspace.apis.iter_mut().skip(first).find(|own| {
        own.name == api.name
            && own.kind == api.kind
            && (generated || (declared && named_by_ref(own)))
    });
    let Some(own) = target else {
        workspace.apis.push(api);
        return;
    };
    if !generated {
        // The API the events are added to is declared here after all: it is the whole API.
        let mut events = std::mem::replace(own, api);
        for authorizer in std::mem::take(&mut events.authorizers) {
            // The declared authorizer an event names by `authorizerId: {Ref: X}` is X itself.
            if !own.authorizers.iter().any(|a| a.name == authorizer.name) {
                own.authorizers.push(authorizer);
            }
        }
        move_parts(own, events);
        service.hide_unseen_routes(own);
        return;
    }
    // A `RestApiId`/`ApiId` that spells the generated API's logical id literally names an API
    // from elsewhere: CloudFormation passes the literal to API Gateway as it is. The lowering made
    // that API where the id is written, with a reason; one named by `Ref` has none.
    if let Some(hidden) = api.hidden_routes.as_mut()
        && hidden.reason.is_some()
        && hidden.at == api.origin
    {
        let id = &api.name;
        hidden.reason = Some(format!(
            "the id `{id}` is written literally, and CloudFormation passes it to API Gateway as \
             it is (`Ref: {id}` names the framework's API)"
        ));
        workspace.apis.push(api);
        return;
    }
    for authorizer in std::mem::take(&mut api.authorizers) {
        // A shared authorizer an event named by `authorizerId: !Ref X` is this one.
        own.authorizers.retain(|a| a.name != authorizer.name);
        own.authorizers.push(authorizer);
    }
    move_parts(own, api);
}

/// Move what `from` holds besides its authorizers (routes, stages, deployments, domains, CORS
/// rules and policies) into `into`: the same API, lowered in two places.
fn move_parts(into: &mut Api, from: Api) {
    into.routes.extend(from.routes);
    into.stages.extend(from.stages);
    into.deployments.extend(from.deployments);
    into.custom_domains.extend(from.custom_domains);
    into.cors.extend(from.cors);
    into.resource_policies.extend(from.resource_policies);
}

/// Whether the service's events are added to `api` through a `Ref` (`restApiId: {Ref: MyApi}`):
/// an API the service does not create, whose other routes it does not say are elsewhere.
fn named_by_ref(api: &Api) -> bool {
    api.hidden_routes
        .as_ref()
        .is_some_and(|h| h.reason.is_none() && h.at == api.origin)
}
