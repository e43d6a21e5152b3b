//! The custom domains of the `serverless-domain-manager` plugin (the usual way a service gets
//! one): `custom.customDomain`, or the list `custom.customDomains`, each for the REST API unless
//! its `apiType` (or the `rest:`/`http:`/`websocket:` key it sits under) says otherwise, with a
//! `securityPolicy` (`tls_1_2` unless set) and client certificates when `tlsTruststoreUri` is
//! set. Read only when the service lists the plugin.
//! <https://github.com/amplify-education/serverless-domain-manager#readme>

use super::service::Service;
use super::variables::Unknown;
use crate::model::{ApiKind, DomainMapping, DomainName, Resolved, Workspace};
use crate::syntax::NodeRef;

const PLUGIN: &str = "serverless-domain-manager";

pub(super) fn lower(service: &Service<'_>, workspace: &mut Workspace, first: usize) {
    if !uses_plugin(service) {
        return;
    }
    let vars = &service.vars;
    let custom = service.root.get("custom");
    let mut configs = Vec::new();
    if let Some((key, single)) = vars.node(custom).and_then(|c| c.entry("customDomain")) {
        add_config(service, key, single, &mut configs);
    }
    for item in vars.items(vars.get(custom, "customDomains")) {
        add_config(service, item, item, &mut configs);
    }
    for (under, key, config) in configs {
        let get = |field: &str| vars.get(Some(config), field);
        if vars.boolean(get("enabled")) == Ok(Some(false)) {
            continue;
        }
        let api_type = under
            .map(str::to_owned)
            .or_else(|| vars.text(get("apiType")).ok().flatten())
            .unwrap_or_else(|| "rest".to_owned());
        let kind = match api_type.to_ascii_lowercase().as_str() {
            "rest" => ApiKind::Rest,
            "http" => ApiKind::Http,
            "websocket" => ApiKind::WebSocket,
            _ => continue,
        };
        let Some(api) = workspace
            .apis
            .iter_mut()
            .skip(first)
            .find(|api| api.kind == kind)
        else {
            continue;
        };
        let name_node = get("domainName");
        let domain = vars
            .text(name_node)
            .ok()
            .flatten()
            .or_else(|| name_node.and_then(NodeRef::as_str).map(str::to_owned))
            .unwrap_or_else(|| "customDomain".to_owned());
        let policy_node = get("securityPolicy");
        let policy = match vars.text(policy_node) {
            Ok(Some(policy)) => Resolved::Known(policy.to_ascii_uppercase()),
            Ok(None) => Resolved::Known("TLS_1_2".to_owned()),
            Err(Unknown) => Resolved::Unknown,
        };
        let mutual_tls = get("tlsTruststoreUri").map(NodeRef::loc);
        api.custom_domains.push(DomainMapping {
            domain: domain.clone(),
            origin: key.loc(),
            mutual_tls,
            security_policy: policy.known().cloned(),
            when: Vec::new(),
        });
        workspace.domain_names.push(DomainName {
            name: domain,
            origin: key.loc(),
            notation: crate::model::Notation::ServerlessFramework,
            security_policy: policy,
            security_policy_origin: policy_node.map(NodeRef::loc),
        });
    }
}

/// One domain's settings, or a mapping of `rest`/`http`/`websocket` to them: each with the
/// API type it is under, and where it is written.
type Config<'a> = (Option<&'a str>, NodeRef<'a>, NodeRef<'a>);

fn add_config<'a>(
    service: &Service<'a>,
    key: NodeRef<'a>,
    node: NodeRef<'a>,
    configs: &mut Vec<Config<'a>>,
) {
    let vars = &service.vars;
    let Some(map) = vars.node(Some(node)).filter(|n| n.is_map()) else {
        return;
    };
    if map.get("domainName").is_some() {
        configs.push((None, key, map));
        return;
    }
    for (kind, inner) in map.entries() {
        if let Some(inner) = vars.node(Some(inner)).filter(|n| n.is_map()) {
            configs.push((kind.as_str(), kind, inner));
        }
    }
}

/// `plugins: [...]`, or `plugins: {modules: [...]}`.
fn uses_plugin(service: &Service<'_>) -> bool {
    let vars = &service.vars;
    let plugins = service.root.get("plugins");
    let list = match vars.node(plugins) {
        Some(map) if map.is_map() => vars.items(map.get("modules")),
        _ => vars.items(plugins),
    };
    list.into_iter()
        .any(|p| vars.text(Some(p)).ok().flatten().as_deref() == Some(PLUGIN))
}
