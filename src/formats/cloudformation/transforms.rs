//! The `Transform` section: the transforms a template lists, in the order CloudFormation runs
//! them. Macros run from the most deeply nested outward, so every `Fn::Transform` in the
//! template (an `AWS::Include` there) runs before these, and these run in the order listed: a
//! transform sees what those listed before it made, and nothing that those after it add.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-macros.html>
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/transform-section-structure.html>

use crate::syntax::NodeRef;

/// The SAM transform.
pub const SAM: &str = "AWS::Serverless-2016-10-31";

/// The transform that defines `Fn::ForEach`.
pub const LANGUAGE_EXTENSIONS: &str = "AWS::LanguageExtensions";

/// The transforms the template lists, in order: a name, or a call with parameters
/// (`{Name: AWS::Include, Parameters: ...}`).
pub fn listed(root: NodeRef<'_>) -> Vec<NodeRef<'_>> {
    match root.get("Transform") {
        Some(list) if list.is_seq() => list.items().filter(|t| !t.is_null()).collect(),
        Some(one) if !one.is_null() => vec![one],
        _ => Vec::new(),
    }
}

/// The name of a listed transform.
pub fn name(transform: NodeRef<'_>) -> Option<&str> {
    transform
        .as_str()
        .or_else(|| transform.get("Name").and_then(NodeRef::as_str))
}

/// Where the transform `wanted` is in the list, if the template lists it.
pub fn position(root: NodeRef<'_>, wanted: &str) -> Option<usize> {
    listed(root)
        .into_iter()
        .position(|t| name(t) == Some(wanted))
}
