//! IAM policy documents attached to APIs (resource policies), read into the model as far as
//! `execute-api:Invoke` is concerned: who each statement names, whether it covers invoking, and
//! which condition keys narrow it. Shared by every format that can attach one (a template's
//! `Policy`, an OpenAPI `x-amazon-apigateway-policy`, SAM's `Auth.ResourcePolicy`).
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html>

use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::model::{Effect, PolicyStatement, Resolved, ResourcePolicy};
use crate::syntax::{Loc, NodeRef};

/// How a format reads a scalar of the document: literally (OpenAPI), or through a template's
/// evaluator. `Known(None)` when the node is not a string at all.
pub(crate) type ReadString<'r, 'a> = &'r dyn Fn(NodeRef<'a>) -> Resolved<Option<String>>;

/// A scalar read literally: Unknown when it is a function call.
pub(crate) fn literal(node: NodeRef<'_>) -> Resolved<Option<String>> {
    if intrinsic(node).is_some() {
        return Resolved::Unknown;
    }
    Resolved::Known(node.as_str().map(str::to_owned))
}

/// The policy document `node` (a mapping with `Statement`), named at `at` (its key). A document
/// given as a JSON string or computed by a function is kept, with statements that cannot be read.
pub(crate) fn read<'a>(at: Loc, node: NodeRef<'a>, string: ReadString<'_, 'a>) -> ResourcePolicy {
    let statements = if node.is_map() && intrinsic(node).is_none() {
        match node.get("Statement") {
            None => Resolved::Known(Vec::new()),
            Some(list) if list.is_seq() => {
                Resolved::Known(list.items().map(|s| statement(s, string)).collect())
            }
            Some(single) if single.is_map() && intrinsic(single).is_none() => {
                Resolved::Known(vec![statement(single, string)])
            }
            Some(_) => Resolved::Unknown,
        }
    } else {
        Resolved::Unknown
    };
    ResourcePolicy {
        origin: at,
        statements,
    }
}

/// One statement, located at its `Effect` value; a statement written as a function call is
/// Unknown in every part.
pub(crate) fn statement<'a>(node: NodeRef<'a>, string: ReadString<'_, 'a>) -> PolicyStatement {
    let mut out = PolicyStatement {
        effect: Resolved::Unknown,
        anyone: Resolved::Unknown,
        invokes: Resolved::Unknown,
        condition_keys: Resolved::Unknown,
        every_resource: Resolved::Unknown,
        origin: node.loc(),
        principal_origin: None,
    };
    if !node.is_map() || intrinsic(node).is_some() {
        return out;
    }
    if let Some(effect) = node.get("Effect") {
        out.origin = effect.loc();
    }
    out.effect = node
        .get("Effect")
        .map_or(Resolved::Unknown, string)
        .and_then(&|effect| match effect.as_deref() {
            Some(e) if e.eq_ignore_ascii_case("allow") => Resolved::Known(Effect::Allow),
            Some(e) if e.eq_ignore_ascii_case("deny") => Resolved::Known(Effect::Deny),
            _ => Resolved::Unknown,
        });
    // `NotPrincipal` and `NotAction` name everyone but some: not read.
    if let Some(principal) = node.get("Principal") {
        out.principal_origin = Some(principal.loc());
        out.anyone = anyone(principal, string);
    } else if node.get("NotPrincipal").is_none() {
        out.anyone = Resolved::Known(false);
    }
    if node.get("NotAction").is_none() {
        out.invokes = any_item(node.get("Action"), string, &|action| {
            covers("execute-api:invoke", &action.to_ascii_lowercase())
        });
    }
    out.condition_keys = match node.get("Condition") {
        None => Resolved::Known(Vec::new()),
        Some(block) if block.is_map() && intrinsic(block).is_none() => {
            let mut keys = Vec::new();
            let mut readable = true;
            for (_, operands) in block.entries() {
                if !operands.is_map() || intrinsic(operands).is_some() {
                    readable = false;
                    continue;
                }
                keys.extend(
                    operands
                        .entries()
                        .filter_map(|(key, _)| key.as_str())
                        .map(str::to_owned),
                );
            }
            if readable {
                Resolved::Known(keys)
            } else {
                Resolved::Unknown
            }
        }
        Some(_) => Resolved::Unknown,
    };
    out.every_resource = if node.get("NotResource").is_some() {
        Resolved::Unknown
    } else {
        any_item(node.get("Resource"), string, &every_method)
    };
    out
}

/// Whether a resource names every method of every stage: `*`, `execute-api:/*`, or an ARN
/// whose path after the API id is only wildcards (`arn:aws:execute-api:...:api-id/*/*`).
pub(crate) fn every_method(resource: &str) -> bool {
    let path = match resource.split_once("execute-api:/") {
        Some((_, path)) => path,
        None if resource.starts_with("arn:") => match resource.split_once('/') {
            Some((_, path)) => path,
            // `arn:...:*`: every API.
            None => return resource.ends_with(":*"),
        },
        None => resource,
    };
    path.split('/')
        .all(|segment| segment == "*" || segment.is_empty())
}

/// Whether a `Principal` names everyone: `"*"`, or `AWS: "*"` (alone or in a list).
fn anyone<'a>(principal: NodeRef<'a>, string: ReadString<'_, 'a>) -> Resolved<bool> {
    if principal.is_map() && intrinsic(principal).is_none() {
        return match principal.get("AWS") {
            Some(aws) => any_item(Some(aws), string, &|p| p == "*"),
            None => Resolved::Known(false),
        };
    }
    string(principal).map(|p| p.as_deref() == Some("*"))
}

/// Whether some item of a string-or-list value satisfies `test`: Known(true) as soon as one
/// does, Unknown when none does and some item cannot be read.
fn any_item<'a>(
    node: Option<NodeRef<'a>>,
    string: ReadString<'_, 'a>,
    test: &dyn Fn(&str) -> bool,
) -> Resolved<bool> {
    let Some(node) = node else {
        return Resolved::Known(false);
    };
    let items: Vec<NodeRef<'a>> = if node.is_seq() {
        node.items().collect()
    } else {
        vec![node]
    };
    Resolved::any_of(
        items
            .into_iter()
            .map(|item| resource_text(item, string).map(|text| test(&text))),
    )
}

/// A string item; an `Fn::Sub` that cannot be evaluated is read as its template (the
/// `${AWS::AccountId}` of an ARN does not change whether it ends in `/*`).
fn resource_text<'a>(item: NodeRef<'a>, string: ReadString<'_, 'a>) -> Option<String> {
    match string(item) {
        Resolved::Known(text) => text,
        _ => match intrinsic(item) {
            Some(Intrinsic::Sub { template, .. }) => template.as_str().map(str::to_owned),
            _ => None,
        },
    }
}

/// Whether an IAM action pattern (`*` and `?` wildcards, lower-cased) covers `action`.
pub(crate) fn covers(action: &str, pattern: &str) -> bool {
    let text = action.as_bytes();
    // `reach[i]`: the pattern read so far can match the first `i` bytes of the action.
    let mut reach = vec![false; text.len() + 1];
    if let Some(first) = reach.first_mut() {
        *first = true;
    }
    for &p in pattern.as_bytes() {
        let mut next = vec![false; text.len() + 1];
        for i in 0..=text.len() {
            let here = reach.get(i).copied().unwrap_or(false);
            match p {
                b'*' => {
                    let before = i > 0 && next.get(i - 1).copied().unwrap_or(false);
                    if let Some(slot) = next.get_mut(i) {
                        *slot = here || before;
                    }
                }
                _ if here => {
                    if text.get(i).is_some_and(|&t| p == b'?' || t == p)
                        && let Some(slot) = next.get_mut(i + 1)
                    {
                        *slot = true;
                    }
                }
                _ => {}
            }
        }
        reach = next;
    }
    reach.last().copied().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn resources() {
        for every in [
            "*",
            "execute-api:/*",
            "arn:aws:execute-api:eu-west-1:1:abc/*",
        ] {
            assert!(every_method(every), "{every}");
        }
        for some in [
            "execute-api:/*/DELETE/*",
            "arn:aws:execute-api:eu-west-1:1:abc/prod/GET/x",
        ] {
            assert!(!every_method(some), "{some}");
        }
    }

    #[test]
    fn action_patterns() {
        for pattern in [
            "*",
            "execute-api:*",
            "execute-api:invoke",
            "execute-api:inv*",
        ] {
            assert!(covers("execute-api:invoke", pattern), "{pattern}");
        }
        for pattern in ["execute-api:managementconnections", "lambda:*", "s3:*"] {
            assert!(!covers("execute-api:invoke", pattern), "{pattern}");
        }
        assert!(!covers("execute-api:invoke", &"*a".repeat(100)));
    }
}
