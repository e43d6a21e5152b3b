//! `FunctionUrlConfig` on an `AWS::Serverless::Function` (or in `Globals.Function`): the
//! function URL the translator creates as `<Function>Url`, open with `AuthType: NONE`.
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-functionurlconfig.html>

use super::context::{Context, reject};
use crate::diagnostic::InputError;
use crate::formats::cloudformation::under_resource_condition;
use crate::model::{Auth, FunctionUrl, OpenBecause, Resolved, Workspace};
use crate::syntax::NodeRef;

pub(super) fn lower(cx: &Context<'_, '_>, workspace: &mut Workspace, errors: &mut Vec<InputError>) {
    for function in cx.template.resources_of("AWS::Serverless::Function") {
        let properties = cx.globals.merged_into(Some(function), "Function");
        let config = properties.get("FunctionUrlConfig");
        let Some(node) = config.node().filter(|n| !n.is_null()) else {
            continue;
        };
        let auth_type = config.get("AuthType").node();
        // <https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html>
        let auth = cx
            .eval
            .string(auth_type)
            .and_then(&|text| match text.as_deref() {
                Some("NONE") => Resolved::Known(Auth::Open(OpenBecause::Disabled)),
                Some("AWS_IAM") => Resolved::Known(Auth::Iam),
                _ => Resolved::Unknown,
            });
        let literal = auth_type.and_then(NodeRef::as_str);
        let known_type = matches!(literal, Some("NONE" | "AWS_IAM"));
        let plain = auth_type.is_none_or(|t| t.is_scalar());
        if config.is_map() && plain && !known_type {
            reject(
                errors,
                auth_type.map_or_else(|| node.loc(), NodeRef::loc),
                format!(
                    "the FunctionUrlConfig of {} needs an AuthType of AWS_IAM or NONE",
                    function.id
                ),
            );
        }
        workspace.function_urls.push(FunctionUrl {
            name: format!("{}Url", function.id),
            notation: crate::model::Notation::Gateway,
            origin: properties
                .key("FunctionUrlConfig")
                .map_or_else(|| node.loc(), NodeRef::loc),
            auth: under_resource_condition(function, auth),
            auth_origin: auth_type.map(NodeRef::loc),
        });
    }
}
