//! A function's `url`: a Lambda function URL, public (`AuthType: NONE`) unless
//! `url: {authorizer: aws_iam}`.
//! <https://www.serverless.com/framework/docs/providers/aws/guide/functions#lambda-function-urls>

use super::service::Service;
use super::variables::Unknown;
use crate::model::{Auth, FunctionUrl, Notation, OpenBecause, Resolved, Workspace};
use crate::syntax::NodeRef;

pub(super) fn lower(service: &Service<'_>, workspace: &mut Workspace) {
    let vars = &service.vars;
    for function in &service.functions {
        let Some((key, value)) = function.node.and_then(|n| n.entry("url")) else {
            continue;
        };
        match vars.truthy(Some(value)) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(Unknown) => {
                workspace.function_urls.push(FunctionUrl {
                    name: function.name.clone(),
                    notation: Notation::ServerlessFramework,
                    origin: key.loc(),
                    auth: Resolved::Unknown,
                    auth_origin: Some(value.loc()),
                });
                continue;
            }
        }
        let authorizer = vars.get(Some(value), "authorizer");
        let auth = match vars.text(authorizer) {
            Ok(Some(kind)) if kind.eq_ignore_ascii_case("aws_iam") => Resolved::Known(Auth::Iam),
            Ok(Some(_)) | Err(Unknown) => Resolved::Unknown,
            Ok(None) => Resolved::Known(Auth::Open(OpenBecause::Missing)),
        };
        workspace.function_urls.push(FunctionUrl {
            name: function.name.clone(),
            notation: Notation::ServerlessFramework,
            origin: key.loc(),
            auth,
            auth_origin: Some(authorizer.map_or_else(|| value.loc(), NodeRef::loc)),
        });
    }
}
