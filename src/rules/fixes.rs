//! Building fixes: the value written right after one of a few known keys, replaced in place.
//! A rule offers a fix only when the finding's location is such a literal (never a `!Ref`, a
//! condition or a variable, whose other uses an edit would change), so the edit is a byte-range
//! replacement that keeps the comments and formatting around it.

use crate::diagnostic::Edit;
use crate::syntax::{Loc, Span};

/// The literal scalar at `at`, when it is the value of one of `keys` (`Key: value`,
/// `"Key": value`, `key = value`): the span of its text without quotes, and that text. `at` is
/// either the value itself (YAML, JSON) or a whole Terraform attribute `key = value` (its
/// value then has to be a literal: a number, `true`/`false`, or a string without `${`).
pub fn literal_value<'a>(at: &'a Loc, keys: &[&str]) -> Option<(Span, &'a str)> {
    if let Some(found) = attribute_value(at, keys) {
        return found;
    }
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
    unquoted(at.span.start as usize, raw)
}

/// `text` (at byte `start`) without its quotes: its span and text, when it is one token.
fn unquoted(start: usize, text: &str) -> Option<(Span, &str)> {
    let (start, inner) = match text.chars().next() {
        Some(quote @ ('"' | '\'')) => (start + 1, text.get(1..)?.strip_suffix(quote)?),
        _ => (start, text),
    };
    if inner.is_empty() || inner.contains(char::is_whitespace) {
        return None;
    }
    Some((Span::new(start, start + inner.len()), inner))
}

/// For a Terraform attribute `key = value` at `at`: `Some` of its literal value (`None` inside
/// when the value is not a literal one token long); `None` when `at` is not such an attribute.
#[allow(clippy::option_option)]
fn attribute_value<'a>(at: &'a Loc, keys: &[&str]) -> Option<Option<(Span, &'a str)>> {
    let raw = at.file.slice(at.span);
    let rest = keys.iter().find_map(|key| {
        raw.strip_prefix(key)
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('='))
            .filter(|r| !r.starts_with('='))
    })?;
    let value = rest.trim_start();
    let start = at.span.start as usize + (raw.len() - value.len());
    let len = match value.chars().next() {
        Some('"') => value.get(1..)?.find('"').map(|end| end + 2)?,
        _ => value
            .find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_' || c == '-'))
            .unwrap_or(value.len()),
    };
    let (token, after) = (value.get(..len)?, value.get(len..)?.trim_start());
    let literal = !token.contains("${")
        && !token.contains("%{")
        && (after.is_empty() || after.starts_with('#') || after.starts_with("//"));
    Some(literal.then(|| unquoted(start, token)).flatten())
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::syntax::SourceFile;

    /// The literal value of `key` in `text`, with `at` spanning the first occurrence of `whole`.
    fn value_of(text: &str, whole: &str, key: &str) -> Option<String> {
        let file = SourceFile::new("main.tf", text.to_owned());
        let start = text.find(whole).unwrap();
        let at = Loc::new(&file, Span::new(start, start + whole.len()));
        literal_value(&at, &[key]).map(|(span, value)| {
            assert_eq!(file.slice(span), value);
            value.to_owned()
        })
    }

    #[test]
    fn a_terraform_attribute_yields_its_literal_value_only() {
        let attr = |line: &str| {
            let text = format!("resource \"a\" \"b\" {{\n  {line}\n}}\n");
            value_of(&text, line.split(" #").next().unwrap(), "ttl")
        };
        assert_eq!(attr("ttl = 3600").as_deref(), Some("3600"));
        assert_eq!(attr("ttl   =   \"NONE\"").as_deref(), Some("NONE"));
        assert_eq!(attr("ttl = false # off").as_deref(), Some("false"));
        assert_eq!(attr("ttl = var.ttl").as_deref(), Some("var.ttl"));
        assert_eq!(attr("ttl = \"${var.ttl}\""), None);
        assert_eq!(attr("ttl = 60 * 60"), None);
        assert_eq!(attr("ttl = max(1, 2)"), None);
        assert_eq!(attr("ttl_max = 1"), None);
    }

    #[test]
    fn a_yaml_or_json_value_is_named_by_its_key() {
        assert_eq!(
            value_of("A:\n  Ttl: '600'\n", "'600'", "Ttl").as_deref(),
            Some("600")
        );
        assert_eq!(
            value_of("{\"Ttl\": 600}", "600", "Ttl").as_deref(),
            Some("600")
        );
        assert_eq!(value_of("A:\n  MaxTtl: 600\n", "600", "Ttl"), None);
    }
}
