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
mod generated;
mod http_api;
mod resources;
mod rest;
mod service;
pub(crate) mod variables;
mod websocket;

use super::files::{FileLoader, LoadError};
use crate::diagnostic::InputError;
use crate::model::Workspace;
use crate::syntax::{Document, NodeRef};

use service::Service;
use variables::{LoadedFile, Variables};

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

#[cfg(test)]
mod tests;
