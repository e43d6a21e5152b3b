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
    let template = std::cell::OnceCell::new();
    let locate = |location: NodeRef<'_>| match template.get_or_init(|| Template::new(root)) {
        Some(template) => Evaluator::new(template).known_string(Some(location)),
        None => location
            .as_str()
            .filter(|_| intrinsic(location).is_none())
            .map(str::to_owned),
    };
    // Both searches walk the whole template (a large one has a million nodes), and most
    // templates have neither: a document whose text does not spell the word holds none, as a
    // scalar differs from its text only through an escape, and a `Fn::ForEach` expansion
    // (made before this) builds strings from its loops' items.
    let text = root.doc().file.text();
    let may_hold = |word: &str| {
        text.contains(word) || text.contains('\\') || text.contains(template::FOR_EACH)
    };
    let mut includes = if may_hold(include::INCLUDE) {
        include::Includes::load(root, &locate, files, errors)
    } else {
        include::Includes::default()
    };
    // A snippet was read only once a `Location` was evaluated, through the template view.
    if let Some(Some(template)) = template.get() {
        includes.expand_snippets(&mut |snippet, kind| {
            language_extensions::expand_snippet(snippet, kind, template, notes, errors)
        });
    }
    if may_hold(crate::formats::cdk::BODY_LOCATION) {
        includes.load_asset_bodies(root, &locate, files, errors);
    }
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
