//! What a template asks CloudFormation to generate that gatelint does not expand: resources a
//! `Fn::ForEach` loop makes (`AWS::LanguageExtensions`), and transforms that are macros of the
//! account. Each is a located coverage note, never silence.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-foreach.html>
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/transform-section-structure.html>

use super::template::{SAM_TRANSFORM, Template};
use crate::model::{NotVisible, Workspace};
use crate::syntax::NodeRef;

/// Transforms gatelint applies itself (SAM, `AWS::Include`) or whose effect on APIs it does not
/// need (`AWS::LanguageExtensions` adds functions; its `Fn::ForEach` loops are noted one by
/// one, and `AWS::CodeDeployBlueGreen` and `AWS::SecretsManager-*` make no API).
fn understood(name: &str) -> bool {
    name == SAM_TRANSFORM
        || name == "AWS::Include"
        || name == "AWS::LanguageExtensions"
        || name == "AWS::CodeDeployBlueGreen"
        || name == "AWS::CodeStar"
        || name.starts_with("AWS::SecretsManager-")
        || name.starts_with("AWS::ServiceCatalog")
}

/// Resource type prefixes of what gatelint checks.
const CHECKED_TYPES: [&str; 5] = [
    "AWS::Serverless::",
    "AWS::ApiGateway",
    "AWS::Lambda::Url",
    "AWS::Lambda::Permission",
    "AWS::Cognito::",
];

/// Record a coverage note for every `Fn::ForEach` loop in `Resources` and every template-level
/// transform that is a macro.
pub fn note(template: &Template<'_>, workspace: &mut Workspace) {
    let transforms: Vec<NodeRef<'_>> = match template.root.get("Transform") {
        Some(list) if list.is_seq() => list.items().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for transform in transforms.into_iter().filter(|t| !t.is_null()) {
        let Some(name) = transform
            .as_str()
            .or_else(|| transform.get("Name").and_then(NodeRef::as_str))
        else {
            continue;
        };
        if understood(name) {
            continue;
        }
        workspace.not_visible.push(NotVisible {
            loc: transform.loc(),
            message: format!(
                "what the macro `{name}` generates is not visible: gatelint does not run \
                 CloudFormation macros, so APIs and routes it adds or changes are not checked"
            ),
        });
    }
    let Some(resources) = template.root.get("Resources") else {
        return;
    };
    for (key, body) in resources.entries() {
        let Some(name) = key.as_str().filter(|k| k.starts_with("Fn::ForEach::")) else {
            continue;
        };
        // Only a loop that makes something gatelint checks (buckets and queues are not ours).
        let text = body.doc().file.slice(body.full_span());
        if !CHECKED_TYPES.iter().any(|kind| text.contains(kind)) {
            continue;
        }
        workspace.not_visible.push(NotVisible {
            loc: key.loc(),
            message: format!(
                "resources made by the loop `{name}` are not visible: gatelint does not expand \
                 Fn::ForEach, so APIs and routes it makes are not checked"
            ),
        });
    }
}
