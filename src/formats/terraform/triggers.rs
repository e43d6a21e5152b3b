//! The edits that make a Terraform API Gateway deployment follow its routes, as the provider's
//! documentation recommends: `triggers` hashing the API's route resources, and
//! `lifecycle { create_before_destroy = true }` so the replacement is created before the
//! deployment the stage serves is destroyed. Used by the fix of `undeployed-routes`; `None`
//! wherever the edit would be a guess (a one-line block, `count`/`for_each`, a
//! `create_before_destroy` that is written but not `true`).
//! <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_deployment>

use std::sync::Arc;

use crate::diagnostic::Edit;
use crate::syntax::hcl::Block;
use crate::syntax::{Loc, SourceFile, Span};

/// `triggers` over `references` (whole resources, not their `.id`: a method's id does not
/// change when its authorization does, the resource does, so a tightened authorization gets
/// deployed), plus `create_before_destroy` unless the block already has it.
pub fn add_triggers(
    file: &Arc<SourceFile>,
    deployment: &Block,
    references: &[String],
) -> Option<Vec<Edit>> {
    if references.is_empty()
        || ["triggers", "count", "for_each"]
            .iter()
            .any(|name| deployment.body.attribute(name).is_some())
    {
        return None;
    }
    let (at, indent) = before_closing_line(file, deployment)?;
    let inner = format!("{indent}  ");
    let items: String = references
        .iter()
        .map(|r| format!("{inner}  {r},\n"))
        .collect();
    let mut text = format!(
        "{}{indent}triggers = {{\n{inner}redeployment = sha1(jsonencode([\n{items}{inner}]))\n{indent}}}\n",
        blank_line_unless_after_one(file, at)
    );
    let mut edits = Vec::new();
    match lifecycle_edit(file, deployment, &indent)? {
        Lifecycle::AlreadyCreatedFirst => {}
        Lifecycle::NewBlock(block) => {
            text.push('\n');
            text.push_str(&block);
        }
        Lifecycle::Insert(edit) => edits.push(edit),
    }
    edits.push(Edit::replace(Loc::new(file, Span::empty(at)), text));
    Some(edits)
}

/// `create_before_destroy = true`, in the deployment's `lifecycle` block or a new one.
pub fn add_create_before_destroy(file: &Arc<SourceFile>, deployment: &Block) -> Option<Vec<Edit>> {
    let (at, indent) = before_closing_line(file, deployment)?;
    match lifecycle_edit(file, deployment, &indent)? {
        Lifecycle::AlreadyCreatedFirst => None,
        Lifecycle::NewBlock(block) => Some(vec![Edit::replace(
            Loc::new(file, Span::empty(at)),
            format!("{}{block}", blank_line_unless_after_one(file, at)),
        )]),
        Lifecycle::Insert(edit) => Some(vec![edit]),
    }
}

enum Lifecycle {
    /// `create_before_destroy = true` is there.
    AlreadyCreatedFirst,
    /// No `lifecycle` block: this text adds one before the deployment's closing brace.
    NewBlock(String),
    /// A `lifecycle` block without `create_before_destroy`: this edit adds it.
    Insert(Edit),
}

fn lifecycle_edit(file: &Arc<SourceFile>, deployment: &Block, indent: &str) -> Option<Lifecycle> {
    let mut blocks = deployment.body.blocks_of("lifecycle");
    let Some(lifecycle) = blocks.next() else {
        return Some(Lifecycle::NewBlock(format!(
            "{indent}lifecycle {{\n{indent}  create_before_destroy = true\n{indent}}}\n"
        )));
    };
    if blocks.next().is_some() {
        return None;
    }
    if let Some(attribute) = lifecycle.body.attribute("create_before_destroy") {
        let value = file.slice(attribute.value.span).trim();
        return (value == "true").then_some(Lifecycle::AlreadyCreatedFirst);
    }
    let (at, inner) = before_closing_line(file, lifecycle)?;
    Some(Lifecycle::Insert(Edit::replace(
        Loc::new(file, Span::empty(at)),
        format!("{inner}create_before_destroy = true\n"),
    )))
}

/// Where a new line goes in `block` (the start of the line of its closing brace, which must
/// stand alone on it) and the indentation of the block's contents.
fn before_closing_line(file: &Arc<SourceFile>, block: &Block) -> Option<(usize, String)> {
    let close = (block.span.end as usize).checked_sub(1)?;
    if file.text().get(close..=close) != Some("}") {
        return None;
    }
    let line = file.line_span(file.line_index(close));
    let before_close = file.text().get(line.start as usize..close)?;
    if !before_close.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    // The indentation of the first attribute or block inside, else the brace's plus two.
    let first = block
        .body
        .attributes
        .iter()
        .map(|a| a.span.start)
        .chain(block.body.blocks.iter().map(|b| b.span.start))
        .min();
    let indent = first
        .and_then(|start| {
            let line = file.line_span(file.line_index(start as usize));
            file.text()
                .get(line.start as usize..start as usize)
                .filter(|s| s.chars().all(|c| c == ' ' || c == '\t'))
        })
        .map_or_else(|| format!("{before_close}  "), str::to_owned);
    Some((line.start as usize, indent))
}

/// A line break to start a new paragraph at the line start `at`, unless the line before is
/// blank (or is the block's opening line).
fn blank_line_unless_after_one(file: &SourceFile, at: usize) -> &'static str {
    let line = file.line_index(at);
    let previous = line
        .checked_sub(1)
        .map(|l| file.slice(file.line_span(l)).trim())
        .unwrap_or("");
    if previous.is_empty() || previous.ends_with('{') {
        ""
    } else {
        "\n"
    }
}
