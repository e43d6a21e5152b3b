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

/// How a format reads a policy document: its scalars (see [`ReadString`]; any such function is
/// a reader), and its mappings and lists, as written or, in a template, as CloudFormation sees
/// them once `AWS::Include` has put its snippets there (a statement, the `Statement` list, keys
/// beside others).
pub(crate) trait ReadPolicy<'a> {
    fn string(&self, node: NodeRef<'a>) -> Resolved<Option<String>>;

    /// `map`'s value at `key` (the snippet when it is an include that was read; the include
    /// itself where a snippet that cannot be seen may set it).
    fn get(&self, map: NodeRef<'a>, key: &str) -> Option<NodeRef<'a>> {
        map.get(key)
    }

    /// `map`'s entries, with what includes beside its keys merge in.
    fn entries(&self, map: NodeRef<'a>) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
        map.entries().collect()
    }

    /// `node`, or the snippet it includes when that was read.
    fn follow(&self, node: NodeRef<'a>) -> NodeRef<'a> {
        node
    }

    /// Whether `node` stands for what cannot be seen (an include whose snippet was not read):
    /// all of it is Unknown.
    fn unseen(&self, _node: NodeRef<'a>) -> bool {
        false
    }
}

impl<'a, F: Fn(NodeRef<'a>) -> Resolved<Option<String>> + ?Sized> ReadPolicy<'a> for F {
    fn string(&self, node: NodeRef<'a>) -> Resolved<Option<String>> {
        self(node)
    }
}

/// A scalar read literally: Unknown when it is a function call.
pub(crate) fn literal(node: NodeRef<'_>) -> Resolved<Option<String>> {
    if intrinsic(node).is_some() {
        return Resolved::Unknown;
    }
    Resolved::Known(node.as_str().map(str::to_owned))
}

/// The policy document `node` (a mapping with `Statement`), named at `at` (its key). A document
/// given as a JSON string or computed by a function is kept, with statements that cannot be read.
pub(crate) fn read<'a>(at: Loc, node: NodeRef<'a>, reader: &dyn ReadPolicy<'a>) -> ResourcePolicy {
    let node = reader.follow(node);
    let statements = if node.is_map() && intrinsic(node).is_none() {
        match reader.get(node, "Statement").map(|s| reader.follow(s)) {
            None => Resolved::Known(Vec::new()),
            // Each item is a statement, an included one too; one that cannot be seen is a
            // statement Unknown in every part.
            Some(list) if list.is_seq() => {
                Resolved::Known(list.items().map(|s| statement(s, reader)).collect())
            }
            Some(single) if single.is_map() && intrinsic(single).is_none() => {
                Resolved::Known(vec![statement(single, reader)])
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
pub(crate) fn statement<'a>(node: NodeRef<'a>, reader: &dyn ReadPolicy<'a>) -> PolicyStatement {
    let node = reader.follow(node);
    let string = |n: NodeRef<'a>| reader.string(n);
    let get = |key: &str| reader.get(node, key);
    let mut out = PolicyStatement {
        effect: Resolved::Unknown,
        anyone: Resolved::Unknown,
        invokes: Resolved::Unknown,
        condition_keys: Resolved::Unknown,
        every_resource: Resolved::Unknown,
        origin: node.loc(),
        principal_origin: None,
    };
    if !node.is_map() || intrinsic(node).is_some() || reader.unseen(node) {
        return out;
    }
    if let Some(effect) = get("Effect") {
        out.origin = effect.loc();
    }
    out.effect = get("Effect")
        .map_or(Resolved::Unknown, string)
        .and_then(&|effect| match effect.as_deref() {
            Some(e) if e.eq_ignore_ascii_case("allow") => Resolved::Known(Effect::Allow),
            Some(e) if e.eq_ignore_ascii_case("deny") => Resolved::Known(Effect::Deny),
            _ => Resolved::Unknown,
        });
    // `NotPrincipal` and `NotAction` name everyone but some: not read.
    if let Some(principal) = get("Principal") {
        out.principal_origin = Some(principal.loc());
        out.anyone = anyone(principal, reader);
    } else if get("NotPrincipal").is_none() {
        out.anyone = Resolved::Known(false);
    }
    if get("NotAction").is_none() {
        out.invokes = any_item(get("Action"), reader, &|action| {
            covers("execute-api:invoke", &action.to_ascii_lowercase())
        });
    }
    out.condition_keys = match get("Condition") {
        None => Resolved::Known(Vec::new()),
        Some(block) if block.is_map() && intrinsic(block).is_none() && !reader.unseen(block) => {
            let mut keys = Vec::new();
            let mut readable = true;
            for (_, operands) in reader.entries(block) {
                let operands = reader.follow(operands);
                if !operands.is_map() || intrinsic(operands).is_some() || reader.unseen(operands) {
                    readable = false;
                    continue;
                }
                keys.extend(
                    reader
                        .entries(operands)
                        .into_iter()
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
    out.every_resource = if get("NotResource").is_some() {
        Resolved::Unknown
    } else {
        any_item(get("Resource"), reader, &every_method)
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
fn anyone<'a>(principal: NodeRef<'a>, reader: &dyn ReadPolicy<'a>) -> Resolved<bool> {
    if reader.unseen(principal) {
        return Resolved::Unknown;
    }
    if principal.is_map() && intrinsic(principal).is_none() {
        return match reader.get(principal, "AWS") {
            Some(aws) => any_item(Some(aws), reader, &|p| p == "*"),
            None => Resolved::Known(false),
        };
    }
    reader.string(principal).map(|p| p.as_deref() == Some("*"))
}

/// Whether some item of a string-or-list value satisfies `test`: Known(true) as soon as one
/// does, Unknown when none does and some item cannot be read.
fn any_item<'a>(
    node: Option<NodeRef<'a>>,
    reader: &dyn ReadPolicy<'a>,
    test: &dyn Fn(&str) -> bool,
) -> Resolved<bool> {
    let Some(node) = node.map(|n| reader.follow(n)) else {
        return Resolved::Known(false);
    };
    let items: Vec<NodeRef<'a>> = if node.is_seq() {
        node.items().map(|i| reader.follow(i)).collect()
    } else {
        vec![node]
    };
    Resolved::any_of(
        items
            .into_iter()
            .map(|item| resource_text(item, reader).map(|text| test(&text))),
    )
}

/// A string item; an `Fn::Sub` that cannot be evaluated is read as its template (the
/// `${AWS::AccountId}` of an ARN does not change whether it ends in `/*`).
fn resource_text<'a>(item: NodeRef<'a>, reader: &dyn ReadPolicy<'a>) -> Option<String> {
    match reader.string(item) {
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
