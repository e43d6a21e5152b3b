//! Terraform: a module's `.tf` (and `.tf.json`) files, with its `terraform.tfvars` and
//! `*.auto.tfvars`, evaluated as far as a plan is not needed and lowered into the model.
//!
//! A directory's Terraform files are one module, linted together; local modules it calls are
//! followed, with the arguments it passes them. Source, not a plan, is read: findings point at
//! the `.tf` line to change, and no credentials or backend are needed.

pub mod eval;
mod lower;
pub mod modules;
mod triggers;

pub use modules::{ModuleFile, is_terraform_path, is_vars_path, parse_file};

use crate::diagnostic::InputError;
use crate::formats::files::FileLoader;
use crate::model::Workspace;
use crate::model::{NotVisible, PassedIn};

/// Whether Terraform text mentions a resource type gatelint lowers (so a file it cannot parse
/// is an input error rather than someone else's configuration).
pub fn mentions_gateway(text: &str) -> bool {
    [
        "aws_api_gateway_",
        "aws_apigatewayv2_",
        "aws_lambda_function_url",
        "aws_cognito_user_pool",
    ]
    .iter()
    .any(|kind| text.contains(kind))
}

/// Lower one root module (its files already parsed) into `workspace`. Modules it calls are
/// read through `loader`; what cannot be seen becomes a coverage note of the workspace.
pub fn lower_module(
    files: Vec<ModuleFile>,
    loader: &dyn FileLoader,
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) -> Vec<ModuleFile> {
    let mut notes: Vec<NotVisible> = Vec::new();
    let loaded = modules::load_tree(files, loader, errors, &mut notes);
    {
        let scopes = modules::scopes(&loaded);
        let evaluator = eval::Evaluator::new(&scopes, loader);
        let instances = lower::instances(&evaluator, &mut notes);
        lower::Lowering::new(&evaluator, &instances).lower(workspace, &mut notes);
        workspace
            .passed_in
            .extend(lower::passed_in(&evaluator, &instances));
        if evaluator.exhausted()
            && let Some(first) = loaded.first().and_then(|m| m.files.first())
        {
            notes.push(NotVisible {
                loc: crate::syntax::Loc::new(&first.file, crate::syntax::Span::empty(0)),
                message: "the module's expressions were too many to evaluate; values past the \
                          limit are treated as unknown"
                    .to_owned(),
            });
        }
    }
    workspace.not_visible.extend(notes);
    // Every file read (the called modules' too): their comments hold suppressions.
    loaded.into_iter().flat_map(|m| m.files).collect()
}

/// Parse and lower Terraform text given as one file (tests, standard input).
pub fn lower_text(path: &str, text: &str) -> (Workspace, Vec<InputError>) {
    let file = crate::syntax::SourceFile::new(path, text.to_owned());
    let mut workspace = Workspace::default();
    let mut errors = Vec::new();
    match parse_file(&file) {
        Some(Ok(parsed)) => {
            lower_module(
                vec![parsed],
                &crate::formats::files::NoFiles,
                &mut workspace,
                &mut errors,
            );
        }
        Some(Err(error)) => errors.push(InputError::syntax(&file, error)),
        None => {}
    }
    (workspace, errors)
}

/// Point each finding at a setting written with a module input also at the caller's argument
/// that gives it its value (and on up through callers that pass their own inputs along), so the
/// user sees where to change it.
pub fn label_passed_in(findings: &mut [crate::diagnostic::Finding], passed_in: &[PassedIn]) {
    if passed_in.is_empty() {
        return;
    }
    let within = |loc: &crate::syntax::Loc, setting: &crate::syntax::Loc| {
        loc.file.path() == setting.file.path() && setting.span.contains(loc.span)
    };
    for finding in findings {
        let mut frontier: Vec<crate::syntax::Loc> = std::iter::once(finding.primary.loc.clone())
            .chain(finding.related.iter().map(|l| l.loc.clone()))
            .collect();
        let mut added = 0;
        while let Some(loc) = frontier.pop() {
            for input in passed_in.iter().filter(|p| within(&loc, &p.setting)) {
                if added >= 8 || finding.related.iter().any(|l| l.loc == input.argument) {
                    continue;
                }
                finding.related.push(crate::diagnostic::Label {
                    loc: input.argument.clone(),
                    text: format!("`{}` is given this value here", input.module).into(),
                });
                frontier.push(input.argument.clone());
                added += 1;
            }
        }
    }
}
