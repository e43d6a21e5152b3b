//! A parsed document's mappings and lists read the same way by every format: the last of
//! repeated keys wins, every repeated key is recorded for `duplicate-key`, the strings of a list.

use crate::model::{DuplicateKey, Workspace};
use crate::syntax::{Document, HashedKey, NodeKind, NodeRef};

/// The strings of a list (scopes, say); items that are not strings are left out.
pub(crate) fn strings(list: NodeRef<'_>) -> Vec<String> {
    list.items()
        .filter_map(NodeRef::as_str)
        .map(str::to_owned)
        .collect()
}

/// A mapping's entries as a parser that keeps the last duplicate sees them: a key repeated
/// later is skipped here (`duplicate-key` reports it), so views agree with [`NodeRef::get`].
pub fn distinct_entries<'a>(map: NodeRef<'a>) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
    if !map.may_repeat_keys() {
        // No two keys have the same hash (the parser saw it): nothing to skip.
        return map.entries().collect();
    }
    let (keys, values): (Vec<HashedKey<'a>>, Vec<NodeRef<'a>>) = map.hashed_entries().unzip();
    let mut repeated_later = vec![false; keys.len()];
    for earlier in HashedKey::latest_earlier(&keys).into_iter().flatten() {
        if let Some(repeated) = repeated_later.get_mut(earlier) {
            *repeated = true;
        }
    }
    keys.iter()
        .zip(values)
        .zip(repeated_later)
        .filter(|(_, repeated)| !repeated)
        .map(|((key, value), _)| (key.key, value))
        .collect()
}

/// `entries` with a key repeated later skipped (the last one wins), in their order.
pub fn distinct<'a>(entries: Vec<(NodeRef<'a>, NodeRef<'a>)>) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
    if entries.len() <= SMALL_MAP {
        // Compared pairwise: cheaper than hashing, and most mappings have no duplicate.
        let repeated_later = |i: usize, key: &str| {
            entries
                .iter()
                .skip(i + 1)
                .any(|(later, _)| later.as_str() == Some(key))
        };
        return entries
            .iter()
            .enumerate()
            .filter(|(i, (key, _))| key.as_str().is_none_or(|k| !repeated_later(*i, k)))
            .map(|(_, entry)| *entry)
            .collect();
    }
    let mut seen = crate::collections::HashSet::default();
    let mut distinct: Vec<_> = entries
        .into_iter()
        .rev()
        .filter(|(key, _)| key.as_str().is_none_or(|k| seen.insert(k)))
        .collect();
    distinct.reverse();
    distinct
}

/// Mappings with at most this many entries are checked for repeated keys pairwise, without
/// hashing: most mappings are small, and a template has hundreds of thousands of them.
const SMALL_MAP: usize = 16;

/// Every key that appears twice in one mapping, anywhere in the document.
pub(crate) fn collect_duplicate_keys<'a>(doc: &'a Document, workspace: &mut Workspace) {
    // The keys of a mapping, reused from one mapping to the next.
    let mut keys: Vec<HashedKey<'_>> = Vec::new();
    let mut search = |map: NodeRef<'a>| {
        keys.clear();
        keys.extend(map.hashed_keys());
        for (key, earlier) in keys.iter().zip(HashedKey::latest_earlier(&keys)) {
            let Some(first) = earlier.and_then(|earlier| keys.get(earlier)) else {
                continue;
            };
            workspace.duplicate_keys.push(DuplicateKey {
                key: key.text().unwrap_or_default().to_owned(),
                first: doc.loc(first.written.span()),
                repeated: key.key.loc(),
            });
        }
    };
    // The parser noted the mappings two of whose keys have the same hash: only those can
    // repeat a key (the order they are searched in does not matter: every repeat is at a key
    // of its own, and findings are sorted by place).
    if let Some(maps) = doc.maps_with_repeated_keys() {
        maps.for_each(search);
        return;
    }
    // A mapping has an alias as a key: every mapping is searched, in the order of the walk
    // (a key followed through an alias spends the document's alias budget in that order).
    let mut stack = vec![doc.written_root()];
    while let Some(node) = stack.pop() {
        if node.is_map() {
            search(node);
        }
        // Only collections can hold a mapping; scalars (most nodes) are not worth a visit.
        stack.extend(
            node.written_children()
                .filter(|child| matches!(child.kind(), NodeKind::Map | NodeKind::Seq)),
        );
    }
}
