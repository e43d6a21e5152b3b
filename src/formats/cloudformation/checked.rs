//! The resource types gatelint checks: what an include or a loop it cannot see would hide.

/// Resource type prefixes of what gatelint checks.
const CHECKED_TYPES: [&str; 5] = [
    "AWS::Serverless::",
    "AWS::ApiGateway",
    "AWS::Lambda::Url",
    "AWS::Lambda::Permission",
    "AWS::Cognito::",
];

/// Whether resources of type `kind` are ones gatelint checks.
pub fn makes_checked_resources(kind: &str) -> bool {
    CHECKED_TYPES.iter().any(|prefix| kind.starts_with(prefix))
}

/// Whether template text names a type gatelint checks (what a loop it cannot expand makes).
pub fn mentions_checked_type(text: &str) -> bool {
    CHECKED_TYPES.iter().any(|prefix| text.contains(prefix))
}
