//! Where a span sits in its document: the keys and indices from the root down to it.

use super::node::{Document, Node, NodeKind, NodeRef};
use super::source::Span;

/// One step from a collection to one of its children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

impl Document {
    /// The keys and indices from the root to the deepest node holding `span` (a key counts as
    /// its entry). Aliases are not followed: what they stand for is written elsewhere. Empty
    /// when `span` is the whole document or outside it.
    pub fn path_to(&self, span: Span) -> Vec<PathSegment> {
        let mut path = Vec::new();
        let mut node: &Node = &self.root;
        // Each step goes one level down, and the tree is at most `MAX_DEPTH` deep.
        loop {
            let next = match &node.kind {
                NodeKind::Map(entries) => entries.iter().find_map(|entry| {
                    let key = match entry.key.kind {
                        NodeKind::Scalar(_) => NodeRef::new(self, &entry.key).as_str(),
                        _ => None,
                    };
                    let key = key.unwrap_or_default();
                    if entry.key.span.contains(span) {
                        path.push(PathSegment::Key(key.to_owned()));
                        None
                    } else if full_span(&entry.value).contains(span) {
                        path.push(PathSegment::Key(key.to_owned()));
                        Some(&entry.value)
                    } else {
                        None
                    }
                }),
                NodeKind::Seq(items) => items
                    .iter()
                    .enumerate()
                    .find(|(_, item)| full_span(item).contains(span))
                    .map(|(index, item)| {
                        path.push(PathSegment::Index(index));
                        item
                    }),
                NodeKind::Scalar(_) | NodeKind::Alias(_) => None,
            };
            match next {
                Some(child) => node = child,
                None => return path,
            }
        }
    }
}

/// A node's span with its tag, read without following an alias.
fn full_span(node: &Node) -> Span {
    node.tag
        .as_deref()
        .map_or(node.span, |tag| tag.span.to(node.span))
}

/// `path` as a JSON Pointer (RFC 6901): `/Resources/Api/Properties/Name`, `~` and `/` in keys
/// escaped as `~0` and `~1`.
pub fn json_pointer(path: &[PathSegment]) -> String {
    let mut pointer = String::new();
    for segment in path {
        pointer.push('/');
        match segment {
            PathSegment::Key(key) => pointer.push_str(&key.replace('~', "~0").replace('/', "~1")),
            PathSegment::Index(index) => pointer.push_str(&index.to_string()),
        }
    }
    pointer
}
