//! The edits that add logical ids to a resource's `DependsOn`, as the template writes it: a
//! new `DependsOn` after `Type`, a scalar turned into a list, or items appended to a block or
//! flow list, in YAML or JSON, keeping the comments and layout around them. Used by the fix of
//! `undeployed-routes`; `None` wherever the edit would be a guess (an alias, a duplicate key, a
//! `DependsOn` that is not a plain id or list of ids).

use super::template::Resource;
use crate::diagnostic::Edit;
use crate::syntax::{Loc, NodeRef, SourceFile, Span};

/// The edits that make `resource` depend on `ids` as well (ids it already names are skipped).
pub fn add_depends_on(resource: Resource<'_>, ids: &[&str]) -> Option<Vec<Edit>> {
    let node = resource.node;
    let file = &node.loc().file;
    // The resource written where its id is (not an alias of a node elsewhere).
    if node.span().start < resource.key.span().end || !node.is_map() {
        return None;
    }
    let existing = resource.depends_on();
    let mut new: Vec<&str> = Vec::new();
    for id in ids {
        if !existing.contains(id) && !new.contains(id) {
            new.push(id);
        }
    }
    if new.is_empty() {
        return None;
    }
    let json = file
        .text()
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .starts_with(['{', '[']);
    let mut depends_on = node
        .entries()
        .filter(|(key, _)| key.as_str() == Some("DependsOn"));
    let edit = match (depends_on.next(), depends_on.next()) {
        (None, _) => insert_after_type(node, file, &new, json)?,
        (Some((_, value)), None) => extend(value, file, &new, json)?,
        (Some(_), Some(_)) => return None,
    };
    Some(vec![edit])
}

/// `"Id"` in JSON, `Id` in YAML (logical ids are alphanumeric).
fn id_text(id: &str, json: bool) -> String {
    if json {
        format!("\"{id}\"")
    } else {
        id.to_owned()
    }
}

/// A flow list of `ids`: `[A, B]`, `["A", "B"]`.
fn flow_list<'a>(ids: impl IntoIterator<Item = &'a str>, json: bool) -> String {
    let items: Vec<String> = ids.into_iter().map(|id| id_text(id, json)).collect();
    format!("[{}]", items.join(", "))
}

/// The whitespace before `offset` on its line, when only whitespace precedes it there.
fn indentation(file: &SourceFile, offset: usize) -> Option<&str> {
    let line = file.line_span(file.line_index(offset));
    let before = file.text().get(line.start as usize..offset)?;
    before
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then_some(before)
}

/// Where the line holding `offset` ends (before its line break), and whether a break follows.
fn line_end(file: &SourceFile, offset: usize) -> (usize, bool) {
    let end = file.line_span(file.line_index(offset)).end as usize;
    (end, end < file.text().len())
}

/// A new `DependsOn` entry right after the resource's `Type`.
fn insert_after_type(
    node: NodeRef<'_>,
    file: &std::sync::Arc<SourceFile>,
    ids: &[&str],
    json: bool,
) -> Option<Edit> {
    let (key, value) = node.entry("Type")?;
    let value_end = value.full_span().end as usize;
    let flow = file.slice(node.span()).starts_with('{');
    if flow {
        // `"Type": "X"` + `, "DependsOn": [...]`, on its own line when the entries are.
        let separator = match indentation(file, key.span().start as usize) {
            Some(indent) => format!("\n{indent}"),
            None => " ".to_owned(),
        };
        let key_text = if json { "\"DependsOn\"" } else { "DependsOn" };
        let text = format!(
            ",{separator}{key_text}: {}",
            flow_list(ids.iter().copied(), json)
        );
        return Some(Edit::replace(Loc::new(file, Span::empty(value_end)), text));
    }
    // A block mapping: a new line under `Type`, after any comment that ends its line.
    let indent = indentation(file, key.span().start as usize)?;
    let value = match ids {
        [one] => (*one).to_owned(),
        many => many
            .iter()
            .map(|id| format!("\n{indent}  - {id}"))
            .collect(),
    };
    let entry = format!("{indent}DependsOn: {value}");
    let entry = entry.replace(": \n", ":\n");
    let (end, has_break) = line_end(file, value_end);
    let (at, text) = if has_break {
        let next = file.line_span(file.line_index(end) + 1).start as usize;
        (next, format!("{entry}\n"))
    } else {
        (end, format!("\n{entry}"))
    };
    Some(Edit::replace(Loc::new(file, Span::empty(at)), text))
}

/// An existing `DependsOn` (`value`) extended by `ids`.
fn extend(
    value: NodeRef<'_>,
    file: &std::sync::Arc<SourceFile>,
    ids: &[&str],
    json: bool,
) -> Option<Edit> {
    if value.tag().is_some() {
        return None;
    }
    if value.is_scalar() {
        value.as_str().filter(|s| !s.is_empty())?;
        let raw = file.slice(value.span());
        let items: Vec<String> = std::iter::once(raw.to_owned())
            .chain(ids.iter().map(|id| id_text(id, json)))
            .collect();
        return Some(Edit::replace(
            value.loc(),
            format!("[{}]", items.join(", ")),
        ));
    }
    if !value.is_seq()
        || value
            .items()
            .any(|item| item.as_str().is_none() || item.tag().is_some())
    {
        return None;
    }
    let text = file.slice(value.span());
    if text.starts_with('[') {
        let close = (value.span().end as usize).checked_sub(1)?;
        if file.text().get(close..=close) != Some("]") {
            return None;
        }
        let Some(last) = value.items().last() else {
            return Some(Edit::replace(
                Loc::new(file, Span::empty(close)),
                ids.iter()
                    .map(|id| id_text(id, json))
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        };
        let last_end = last.full_span().end as usize;
        let separator = match indentation(file, last.span().start as usize) {
            Some(indent)
                if file.line_index(last.span().start as usize)
                    != file.line_index(value.span().start as usize) =>
            {
                format!("\n{indent}")
            }
            _ => " ".to_owned(),
        };
        let added: String = ids
            .iter()
            .map(|id| format!(",{separator}{}", id_text(id, json)))
            .collect();
        return Some(Edit::replace(Loc::new(file, Span::empty(last_end)), added));
    }
    // A block list: `- Id` lines after the last item, at its dash's indentation.
    let last = value.items().last()?;
    let start = last.span().start as usize;
    let line = file.line_span(file.line_index(start));
    let before = file.text().get(line.start as usize..start)?;
    let dash = before.trim_end().strip_suffix('-')?;
    if !dash.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let lines: String = ids.iter().map(|id| format!("{dash}- {id}\n")).collect();
    let (end, has_break) = line_end(file, last.full_span().end as usize);
    let (at, text) = if has_break {
        let next = file.line_span(file.line_index(end) + 1).start as usize;
        (next, lines)
    } else {
        (end, format!("\n{}", lines.trim_end_matches('\n')))
    };
    Some(Edit::replace(Loc::new(file, Span::empty(at)), text))
}
