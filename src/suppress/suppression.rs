//! What a suppression is: where it was written, the rules it names, what it covers, and the
//! entries of ignore lists and the suppressions that could not be read.

use crate::diagnostic::{Edit, Finding};
use crate::syntax::{Loc, Span};

/// Where a suppression was written, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressionKind {
    /// `# gatelint: ignore[...]`
    Comment,
    /// `Metadata: {gatelint: {ignore: [...]}}` on a CloudFormation or SAM resource.
    Metadata,
    /// `x-gatelint-ignore` in OpenAPI.
    Extension,
}

/// What a suppression covers.
#[derive(Clone, Debug)]
pub enum Scope {
    /// Findings whose primary location starts on one of these lines (each span one line).
    Lines(Vec<Loc>),
    /// Findings with a location (the primary one or a related one, such as the route a finding
    /// is about) inside this node: a resource, an operation, a path item, a whole document.
    Node(Loc),
}

impl Scope {
    pub(super) fn covers(&self, finding: &Finding) -> bool {
        match self {
            Scope::Lines(lines) => lines.iter().any(|line| {
                same_file(line, &finding.primary.loc)
                    && line
                        .span
                        .contains(Span::empty(finding.primary.loc.span.start as usize))
            }),
            Scope::Node(node) => std::iter::once(&finding.primary)
                .chain(&finding.related)
                .any(|label| same_file(node, &label.loc) && node.span.contains(label.loc.span)),
        }
    }
}

fn same_file(a: &Loc, b: &Loc) -> bool {
    std::sync::Arc::ptr_eq(&a.file, &b.file) || a.file.path() == b.file.path()
}

/// A rule id as written in a suppression.
#[derive(Clone, Debug)]
pub struct SuppressedRule {
    pub id: String,
    pub loc: Loc,
}

/// One suppression: the rules it names, why, and what it covers.
#[derive(Clone, Debug)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub rules: Vec<SuppressedRule>,
    pub reason: Option<String>,
    pub scope: Scope,
    /// What it is on, independent of line numbers ("resource HealthFunction", "GET /health",
    /// the comment's text): with the rule id, the subject of an unused-suppression finding.
    pub target: String,
    /// The whole comment, for a suppression written as one (what a fix removes).
    pub comment: Option<Loc>,
    /// For an entry of an `x-gatelint-ignore` or `Metadata` list: how to remove it.
    pub removal: Option<ListEntry>,
}

/// An entry of an `x-gatelint-ignore` or `Metadata` ignore list, and the edits that remove it.
#[derive(Clone, Debug)]
pub struct ListEntry {
    /// The list it is in.
    pub list: Span,
    /// Removes the entry alone (`None` when it is the only one).
    pub item: Option<Edit>,
    /// Removes the whole list with its key (`None` where that is left to the user).
    pub whole: Option<Edit>,
}

/// A suppression gatelint could not read; reported as an `unused-suppression` error.
#[derive(Clone, Debug)]
pub struct MalformedSuppression {
    pub loc: Loc,
    pub message: String,
}
