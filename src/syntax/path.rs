//! Where a span sits in its document: the keys and indices from the root down to it.

use super::node::{Document, NodeKind};
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
        let mut node = self.written_root();
        // Each step goes one level down, and the tree is at most `MAX_DEPTH` deep.
        loop {
            let next = match node.kind() {
                NodeKind::Map => {
                    let entries = node.written_entries();
                    let len = entries.len();
                    // Children are in source order: skip those that end before the span.
                    let first = partition(len, |i| {
                        node.written_child(2 * i + 1)
                            .is_some_and(|value| value.full_span().end < span.start)
                    });
                    (first..len)
                        .filter_map(|i| {
                            Some((node.written_child(2 * i)?, node.written_child(2 * i + 1)?))
                        })
                        .take_while(|(key, _)| key.full_span().start <= span.start)
                        .find_map(|(key, value)| {
                            let text = match key.kind() {
                                NodeKind::Scalar => key.as_str(),
                                _ => None,
                            };
                            let text = text.unwrap_or_default();
                            if key.span().contains(span) {
                                path.push(PathSegment::Key(text.to_owned()));
                                Some(None)
                            } else if value.full_span().contains(span) {
                                path.push(PathSegment::Key(text.to_owned()));
                                Some(Some(value))
                            } else {
                                None
                            }
                        })
                        .flatten()
                }
                NodeKind::Seq => {
                    let len = node.written_items().len();
                    let first = partition(len, |i| {
                        node.written_child(i)
                            .is_some_and(|item| item.full_span().end < span.start)
                    });
                    (first..len)
                        .filter_map(|i| Some((i, node.written_child(i)?)))
                        .take_while(|(_, item)| item.full_span().start <= span.start)
                        .find(|(_, item)| item.full_span().contains(span))
                        .map(|(index, item)| {
                            path.push(PathSegment::Index(index));
                            item
                        })
                }
                NodeKind::Scalar | NodeKind::Alias => None,
            };
            match next {
                Some(child) => node = child,
                None => return path,
            }
        }
    }
}

/// The first of `0..len` for which `before` is false, where it holds for a prefix of them.
fn partition(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        let mid = low + (high - low) / 2;
        if before(mid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

/// `path` as a JSON Pointer (RFC 6901): `/Resources/Api/Properties/Name`, `~` and `/` in keys
/// escaped as `~0` and `~1`.
pub fn json_pointer(path: &[PathSegment]) -> String {
    let mut pointer = String::new();
    for segment in path {
        pointer.push('/');
        match segment {
            PathSegment::Key(key) if !key.contains(['~', '/']) => pointer.push_str(key),
            PathSegment::Key(key) => pointer.push_str(&key.replace('~', "~0").replace('/', "~1")),
            PathSegment::Index(index) => pointer.push_str(&index.to_string()),
        }
    }
    pointer
}
