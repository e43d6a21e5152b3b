//! CloudFormation templates: the template view, static evaluation of its intrinsic functions, and the
//! lowering of API Gateway, Cognito and Lambda URL resources into the gateway model.

pub(crate) mod access;
pub mod body;
mod checked;
mod conditions;
mod dependencies;
mod depends_on;
pub mod eval;
mod fn_if;
pub(crate) mod gateway;
pub mod generated;
mod identity;
pub mod include;
pub mod language_extensions;
pub mod logical_ids;
mod rest;
pub mod template;
pub mod transforms;
pub mod unexpanded;
pub(crate) mod v2;

pub use conditions::{under_condition, under_resource_condition};
pub use eval::{Evaluator, Target, Value};
pub use fn_if::FnIf;
pub use template::{Resource, Template};

use crate::diagnostic::InputError;
use crate::formats::files::FileLoader;
use crate::formats::intrinsic::intrinsic;
use crate::model::{NotVisible, Workspace};
use crate::syntax::NodeRef;

/// The snippets of the `AWS::Include` transforms in the template `root`, and the API
/// definitions its `BodyS3Location`s name in a CDK cloud assembly, read through `files`.
/// Each `Location` is evaluated like any value of the template (a parameter's default, `!Sub`);
/// the template view is built only when there is an include. The `Fn::ForEach` loops of a
/// snippet are expanded as if written inline (CloudFormation merges it before
/// `AWS::LanguageExtensions` runs); what cannot be expanded is noted in `notes`.
pub fn load_includes(
    root: NodeRef<'_>,
    files: &dyn FileLoader,
    notes: &mut Vec<NotVisible>,
    errors: &mut Vec<InputError>,
) -> include::Includes {
    let template = std::cell::LazyCell::new(|| Template::new(root));
    let locate = |location: NodeRef<'_>| match &*template {
        Some(template) => Evaluator::new(template).known_string(Some(location)),
        None => location
            .as_str()
            .filter(|_| intrinsic(location).is_none())
            .map(str::to_owned),
    };
    let mut includes = include::Includes::load(root, &locate, files, errors);
    if let Some(template) = &*template {
        includes.expand_snippets(&mut |snippet, kind| {
            language_extensions::expand_snippet(snippet, kind, template, notes, errors)
        });
    }
    includes.load_asset_bodies(root, &locate, files, errors);
    includes
}

/// Lower every resource gatelint understands into `workspace`. Plain CloudFormation gives no
/// input errors: what the service would reject is left to the rules, or read as Unknown.
pub fn lower(template: &Template<'_>, workspace: &mut Workspace) {
    lower_resources(template, workspace);
    access::link(template, workspace);
}

/// [`lower`] without joining the resources that name an API from beside it (domain mappings,
/// gateway responses, web ACL associations): SAM joins them once its own APIs are lowered too.
pub(crate) fn lower_resources(template: &Template<'_>, workspace: &mut Workspace) {
    let evaluator = Evaluator::new(template);
    rest::lower(template, &evaluator, workspace);
    v2::lower(template, &evaluator, workspace);
    identity::lower(template, &evaluator, workspace);
}

/// Lower a template given as text, for tests.
#[cfg(test)]
pub(crate) fn lower_text(text: &str) -> Workspace {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    let file = crate::syntax::SourceFile::new("t.yaml", text.to_owned());
    let documents = crate::syntax::parse(&file).unwrap();
    let template = Template::new(documents[0].root()).unwrap();
    let mut workspace = Workspace::default();
    lower(&template, &mut workspace);
    workspace
}
