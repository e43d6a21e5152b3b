//! The edit that removes one entry of an `x-gatelint-ignore` or `Metadata` ignore list, as the
//! document writes it (a YAML block list, a flow list, a JSON array), or the whole
//! `x-gatelint-ignore` key when the entry is its only one: the fix of an unused suppression that
//! is not a comment. `None` wherever the layout is not one of these plain shapes.

use std::sync::Arc;

use crate::diagnostic::Edit;
use crate::syntax::{Loc, NodeRef, SourceFile, Span};

/// Delete `list`'s item at `index`.
pub fn remove_item(list: NodeRef<'_>, index: usize) -> Option<Edit> {
    let items: Vec<NodeRef<'_>> = list.items().collect();
    let item = *items.get(index)?;
    let file = &list.loc().file;
    if file.slice(list.span()).starts_with('[') {
        let span = between_neighbours(
            item.full_span(),
            index
                .checked_sub(1)
                .and_then(|i| items.get(i))
                .map(|n| n.full_span()),
            items.get(index + 1).map(|n| n.full_span()),
        )?;
        return Some(Edit::delete(Loc::new(file, span)));
    }
    // A block list: the lines from the item's dash to the end of the item.
    let start = item.full_span().start as usize;
    let line = file.line_span(file.line_index(start));
    let before = file.text().get(line.start as usize..start)?;
    let indent = before.trim_end().strip_suffix('-')?;
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    whole_lines(file, line.start as usize, item.full_span().end as usize)
}

/// Delete the entry `key` of the mapping `map`.
pub fn remove_entry(map: NodeRef<'_>, key: &str) -> Option<Edit> {
    let entries: Vec<(NodeRef<'_>, NodeRef<'_>)> = map.entries().collect();
    let index = entries.iter().position(|(k, _)| k.as_str() == Some(key))?;
    let file = &map.loc().file;
    let (k, v) = entries.get(index)?;
    let entry = k.full_span().to(v.full_span());
    if file.slice(map.span()).starts_with('{') {
        let whole = |i: usize| entries.get(i).map(|(k, v)| k.full_span().to(v.full_span()));
        let span = between_neighbours(
            entry,
            index.checked_sub(1).and_then(whole),
            whole(index + 1),
        )?;
        return Some(Edit::delete(Loc::new(file, span)));
    }
    let start = entry.start as usize;
    let line = file.line_span(file.line_index(start));
    let before = file.text().get(line.start as usize..start)?;
    if !before.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    whole_lines(file, line.start as usize, entry.end as usize)
}

/// In a flow list or mapping: `item` with the separator up to the next element, or, for the
/// last one, from the end of the previous element (so no comma is left dangling).
fn between_neighbours(item: Span, previous: Option<Span>, next: Option<Span>) -> Option<Span> {
    Some(match (previous, next) {
        (_, Some(next)) => Span::new(item.start as usize, next.start as usize),
        (Some(previous), None) => Span::new(previous.end as usize, item.end as usize),
        (None, None) => item,
    })
}

/// From `start` (a line start) through the line break of the line `end` is on, when nothing
/// but a comment follows `end` there.
fn whole_lines(file: &Arc<SourceFile>, start: usize, end: usize) -> Option<Edit> {
    let last = file.line_index(end.saturating_sub(1).max(start));
    let line = file.line_span(last);
    let rest = if end >= line.end as usize {
        ""
    } else {
        file.text().get(end..line.end as usize)?.trim()
    };
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    let next = if last + 1 < file.line_count() {
        file.line_span(last + 1).start as usize
    } else {
        line.end as usize
    };
    Some(Edit::delete(Loc::new(file, Span::new(start, next))))
}
