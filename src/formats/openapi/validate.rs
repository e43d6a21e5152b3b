//! Structural checks that make an OpenAPI document invalid: API Gateway's import refuses such a
//! document, so it is reported as an input error (exit code 2), located, and linting goes on.

use super::spec::{Spec, Version, operation_method};
use crate::collections::HashSet;
use crate::diagnostic::InputError;
use crate::syntax::NodeRef;

pub(super) fn check(spec: Spec<'_>, errors: &mut Vec<InputError>) {
    let mut report = |node: NodeRef<'_>, message: String| {
        errors.push(InputError::new(
            node.loc(),
            format!("invalid OpenAPI: {message}"),
        ));
    };
    let Some(paths) = spec.root.get("paths").filter(|p| !p.is_null()) else {
        return;
    };
    if !paths.is_map() {
        report(paths, "`paths` must be a mapping".into());
        return;
    }
    for (path_key, item) in paths.entries() {
        let Some(path) = path_key.as_str() else {
            continue;
        };
        if !path.starts_with('/') {
            continue;
        }
        check_placeholders(path, path_key, &mut report);
        let Some(item) = spec.resolve_or_none(item) else {
            continue;
        };
        check_parameters(spec, item.get("parameters"), &mut report);
        for (key, operation) in item.entries() {
            if operation_method(key.as_str().unwrap_or("")).is_none() {
                continue;
            }
            if !operation.is_map() {
                report(
                    operation,
                    format!(
                        "operation `{}` must be a mapping",
                        key.as_str().unwrap_or("")
                    ),
                );
                continue;
            }
            check_parameters(spec, operation.get("parameters"), &mut report);
            for (code, _) in operation
                .get("responses")
                .into_iter()
                .flat_map(NodeRef::entries)
            {
                let text = code.as_str().unwrap_or("");
                if !valid_response_code(text, spec.version) {
                    report(code, format!("`{text}` is not an HTTP status code"));
                }
            }
        }
    }
}

fn check_placeholders(path: &str, key: NodeRef<'_>, report: &mut impl FnMut(NodeRef<'_>, String)) {
    let mut seen = HashSet::default();
    for name in path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split('}').next())
    {
        if !seen.insert(name) {
            report(
                key,
                format!("the placeholder `{{{name}}}` appears twice in `{path}`"),
            );
        }
    }
}

fn check_parameters(
    spec: Spec<'_>,
    parameters: Option<NodeRef<'_>>,
    report: &mut impl FnMut(NodeRef<'_>, String),
) {
    let mut seen = HashSet::default();
    for declared in parameters.into_iter().flat_map(NodeRef::items) {
        let Some(parameter) = spec.resolve_or_none(declared) else {
            continue;
        };
        let shared = declared.get("$ref").is_some();
        let name = parameter
            .get("name")
            .and_then(NodeRef::as_str)
            .unwrap_or("");
        let location = parameter.get("in").and_then(NodeRef::as_str).unwrap_or("");
        if !seen.insert((name, location)) {
            report(
                parameter,
                format!("the parameter `{name}` in `{location}` is declared twice"),
            );
        }
        // Shared definitions under `parameters:` often omit `required` and every tool we know of
        // treats path parameters as required anyway; an inline one is held to the letter.
        if location == "path"
            && !shared
            && parameter.get("required").and_then(NodeRef::as_bool) != Some(true)
        {
            report(
                parameter,
                format!("the path parameter `{name}` must say `required: true`"),
            );
        }
        if spec.version == Version::Swagger2
            && location != "formData"
            && parameter.get("type").and_then(NodeRef::as_str) == Some("file")
        {
            report(
                parameter,
                format!("the parameter `{name}` has type `file`, which only `formData` allows"),
            );
        }
        if let Some(schema) = parameter
            .get("schema")
            .and_then(|s| spec.resolve_or_none(s))
        {
            check_required_properties(schema, report);
        }
    }
}

/// A `required` property must be one the schema declares, unless the schema leaves room for
/// more (composition or additional properties).
fn check_required_properties(schema: NodeRef<'_>, report: &mut impl FnMut(NodeRef<'_>, String)) {
    let Some(properties) = schema.get("properties") else {
        return;
    };
    let open = [
        "allOf",
        "anyOf",
        "oneOf",
        "additionalProperties",
        "patternProperties",
        "$ref",
    ]
    .iter()
    .any(|k| schema.get(k).is_some());
    if open {
        return;
    }
    for required in schema.get("required").into_iter().flat_map(NodeRef::items) {
        let Some(name) = required.as_str() else {
            continue;
        };
        if properties.get(name).is_none() {
            report(
                required,
                format!("the required property `{name}` is not among the schema's properties"),
            );
        }
    }
}

fn valid_response_code(code: &str, version: Version) -> bool {
    if code == "default" || code.starts_with("x-") {
        return true;
    }
    let bytes = code.as_bytes();
    match bytes {
        [first @ b'1'..=b'5', rest @ ..] if rest.len() == 2 => {
            let _ = first;
            rest.iter().all(u8::is_ascii_digit)
                || (version != Version::Swagger2 && rest.iter().all(|b| *b == b'X' || *b == b'x'))
        }
        _ => false,
    }
}
