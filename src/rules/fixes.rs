//! Building fixes: the value written right after one of a few known keys, replaced in place.
//! A rule offers a fix only when the finding's location is such a literal (never a `!Ref`, a
//! condition or a variable, whose other uses an edit would change), so the edit is a byte-range
//! replacement that keeps the comments and formatting around it.

use crate::diagnostic::Edit;
use crate::syntax::{Loc, Span};

/// The literal scalar at `at`, when it is the value of one of `keys` (`Key: value`,
/// `"Key": value`, `key = value`): the span of its text without quotes, and that text.
pub fn literal_value<'a>(at: &'a Loc, keys: &[&str]) -> Option<(Span, &'a str)> {
    let file = &at.file;
    let raw = file.slice(at.span);
    let line_start = file
        .line_span(file.line_index(at.span.start as usize))
        .start as usize;
    let before = file
        .slice(Span::new(line_start, at.span.start as usize))
        .trim_end();
    let before = before
        .strip_suffix(':')
        .or_else(|| before.strip_suffix('='))?
        .trim_end();
    let key = before.trim_end_matches(['"', '\'']);
    let named = keys.iter().any(|k| {
        key.strip_suffix(k).is_some_and(|rest| {
            !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-')
        })
    });
    if !named {
        return None;
    }
    let (start, text) = match raw.chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let inner = raw.get(1..)?.strip_suffix(quote)?;
            (at.span.start as usize + 1, inner)
        }
        _ => (at.span.start as usize, raw),
    };
    if text.is_empty() || text.contains(char::is_whitespace) {
        return None;
    }
    Some((Span::new(start, start + text.len()), text))
}

/// Replace the literal value of one of `keys` at `at` by `replacement`, when `accept` takes
/// its current text.
pub fn replace_value(
    at: &Loc,
    keys: &[&str],
    accept: impl Fn(&str) -> bool,
    replacement: &str,
) -> Option<Edit> {
    let (span, text) = literal_value(at, keys)?;
    accept(text).then(|| Edit::replace(Loc::new(&at.file, span), replacement))
}
