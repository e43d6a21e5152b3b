//! What a template asks CloudFormation to generate that gatelint does not expand: transforms
//! that are macros of the account. Each is a located coverage note, never silence.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/transform-section-structure.html>

use super::include::Includes;
use super::template::{SAM_TRANSFORM, Template};
use crate::model::{NotVisible, Workspace};

/// Transforms gatelint applies itself (SAM, `AWS::Include`, `AWS::LanguageExtensions`) or whose
/// effect on APIs it does not need (`AWS::CodeDeployBlueGreen` and `AWS::SecretsManager-*`
/// make no API).
fn understood(name: &str) -> bool {
    name == SAM_TRANSFORM
        || name == "AWS::Include"
        || name == "AWS::LanguageExtensions"
        || name == "AWS::CodeDeployBlueGreen"
        || name == "AWS::CodeStar"
        || name.starts_with("AWS::SecretsManager-")
        || name.starts_with("AWS::ServiceCatalog")
}

/// Record a coverage note for every template-level transform that is a macro, and for every
/// `AWS::Include` that cannot be seen where it holds what gatelint checks. (A
/// `Fn::ForEach` loop that cannot be expanded is noted by
/// [`super::language_extensions::expand`].)
pub fn note(template: &Template<'_>, workspace: &mut Workspace) {
    for (loc, reason) in template
        .includes()
        .map(Includes::unseen)
        .unwrap_or_default()
    {
        workspace.not_visible.push(NotVisible {
            loc: loc.clone(),
            message: format!(
                "what `AWS::Include` puts here is not visible: it is included {reason}, so the \
                 settings, resources and routes it holds are not checked"
            ),
        });
    }
    for transform in super::transforms::listed(template.root) {
        let Some(name) = super::transforms::name(transform) else {
            continue;
        };
        // A template-level `AWS::Include` is followed like the others (see `include`).
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
}
