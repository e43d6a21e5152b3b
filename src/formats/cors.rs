//! CORS answers written as API Gateway header mappings (`'*'`, `method.request.header.Origin`),
//! shared by the formats that write them: integration responses of a preflight, gateway
//! responses, in OpenAPI, CloudFormation and SAM alike.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html>

use super::policy::ReadString;
use crate::model::{CorsOrigin, CorsResponse, Resolved};
use crate::syntax::{Loc, NodeRef};

const ALLOW_ORIGIN: &str = "access-control-allow-origin";
const ALLOW_CREDENTIALS: &str = "access-control-allow-credentials";

/// What a mapping expression for `Access-Control-Allow-Origin` sends: a quoted literal, or the
/// request's own `Origin` header; another expression cannot be known.
pub(crate) fn mapped_origin(expression: &str) -> Resolved<CorsOrigin> {
    let expression = expression.trim();
    if let Some(literal) = quoted(expression) {
        return Resolved::Known(origin_literal(literal));
    }
    if expression.eq_ignore_ascii_case("method.request.header.origin") {
        return Resolved::Known(CorsOrigin::Reflected);
    }
    Resolved::Unknown
}

/// An origin written literally (`*`, `https://example.com`).
pub(crate) fn origin_literal(origin: &str) -> CorsOrigin {
    if origin.trim() == "*" {
        CorsOrigin::Any
    } else {
        CorsOrigin::Listed
    }
}

/// What a list of origins written literally allows: every origin when one of them is `*`.
pub(crate) fn listed_origins<S: AsRef<str>>(origins: impl IntoIterator<Item = S>) -> CorsOrigin {
    if origins
        .into_iter()
        .any(|o| origin_literal(o.as_ref()) == CorsOrigin::Any)
    {
        CorsOrigin::Any
    } else {
        CorsOrigin::Listed
    }
}

/// Whether a mapping expression for `Access-Control-Allow-Credentials` sends `true`.
pub(crate) fn mapped_true(expression: &str) -> Resolved<bool> {
    match quoted(expression.trim()) {
        Some(literal) => Resolved::Known(literal.trim().eq_ignore_ascii_case("true")),
        None => Resolved::Unknown,
    }
}

fn quoted(expression: &str) -> Option<&str> {
    expression
        .strip_prefix('\'')
        .and_then(|rest| rest.strip_suffix('\''))
}

/// The CORS answer in a map of header mappings whose keys are `prefix` + header name
/// (`method.response.header.`, `gatewayresponse.header.`, or nothing for SAM's `Headers`);
/// `None` when it sends no `Access-Control-Allow-Origin`.
pub(crate) fn from_header_mappings<'a>(
    source: String,
    at: Loc,
    mappings: NodeRef<'a>,
    prefix: &str,
    string: ReadString<'_, 'a>,
) -> Option<CorsResponse> {
    let entries: Vec<_> = mappings.entries().collect();
    from_header_entries(source, at, &entries, prefix, string, false)
}

/// [`from_header_mappings`] over the mapping's entries as a front end reads them (with what an
/// include beside its keys merges in, say); `unseen`: more headers may be set where they cannot
/// be seen, so a missing `Access-Control-Allow-Credentials` is Unknown rather than not sent.
pub(crate) fn from_header_entries<'a>(
    source: String,
    at: Loc,
    entries: &[(NodeRef<'a>, NodeRef<'a>)],
    prefix: &str,
    string: ReadString<'_, 'a>,
    unseen: bool,
) -> Option<CorsResponse> {
    let header = |name: &str| {
        entries.iter().copied().find(|(key, _)| {
            key.as_str().is_some_and(|k| {
                k.len() == prefix.len() + name.len()
                    && k.get(..prefix.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
                    && k.get(prefix.len()..)
                        .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
        })
    };
    let (_, origin) = header(ALLOW_ORIGIN)?;
    let credentials = header(ALLOW_CREDENTIALS);
    let read = |node: NodeRef<'a>| string(node);
    Some(CorsResponse {
        source,
        origin: at,
        allow_origin: read(origin).and_then(&|text| match text {
            Some(text) => mapped_origin(text),
            None => Resolved::Unknown,
        }),
        allow_origin_at: Some(origin.loc()),
        allow_credentials: match credentials {
            None if unseen => Resolved::Unknown,
            None => Resolved::Known(false),
            Some((_, value)) => read(value).and_then(&|text| match text {
                Some(text) => mapped_true(text),
                None => Resolved::Unknown,
            }),
        },
        allow_credentials_at: credentials.map(|(_, value)| value.loc()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings() {
        assert_eq!(mapped_origin("'*'"), Resolved::Known(CorsOrigin::Any));
        assert_eq!(
            mapped_origin("'https://example.com'"),
            Resolved::Known(CorsOrigin::Listed)
        );
        assert_eq!(
            mapped_origin("method.request.header.origin"),
            Resolved::Known(CorsOrigin::Reflected)
        );
        assert_eq!(mapped_origin("stageVariables.origin"), Resolved::Unknown);
        assert_eq!(mapped_true("'true'"), Resolved::Known(true));
        assert_eq!(mapped_true("'false'"), Resolved::Known(false));
    }
}
