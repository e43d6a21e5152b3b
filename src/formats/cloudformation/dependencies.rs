//! The order CloudFormation creates resources in: `DependsOn`, plus the implicit dependencies
//! of `Ref`, `Fn::GetAtt` and `Fn::Sub` references.

use super::template::Template;
use crate::collections::{HashMap, HashSet};
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::syntax::NodeRef;

pub struct Dependencies<'a> {
    edges: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Dependencies<'a> {
    /// Scan every resource once.
    pub fn new(template: &Template<'a>) -> Self {
        let mut edges = HashMap::default();
        for resource in template.resources() {
            let mut targets = resource.depends_on();
            if let Some(properties) = resource.properties() {
                collect_references(properties, &mut targets);
            }
            targets.retain(|t| template.resource(t).is_some() && *t != resource.id);
            targets.sort_unstable();
            targets.dedup();
            edges.insert(resource.id, targets);
        }
        Dependencies { edges }
    }

    /// Every resource `id` waits for, directly or through others.
    pub fn waits_for(&self, id: &str) -> HashSet<&'a str> {
        self.any_waits_for(std::iter::once(id))
    }

    /// Every resource one of `ids` waits for, directly or through others (one walk for all).
    pub fn any_waits_for<'i>(&self, ids: impl IntoIterator<Item = &'i str>) -> HashSet<&'a str> {
        let mut seen = HashSet::default();
        let mut stack: Vec<&'a str> = ids
            .into_iter()
            .flat_map(|id| self.edges.get(id).into_iter().flatten().copied())
            .collect();
        while let Some(next) = stack.pop() {
            if seen.insert(next) {
                stack.extend(self.edges.get(next).into_iter().flatten().copied());
            }
        }
        seen
    }
}

/// The logical ids a value refers to.
fn collect_references<'a>(node: NodeRef<'a>, out: &mut Vec<&'a str>) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match intrinsic(node) {
            Some(Intrinsic::Ref(name)) => out.push(name),
            Some(Intrinsic::GetAtt { resource, .. }) => out.push(resource),
            Some(Intrinsic::Sub {
                template,
                variables,
            }) => {
                if let Some(text) = template.as_str() {
                    sub_references(text, out);
                }
                stack.extend(variables);
            }
            _ => {
                stack.extend(node.items());
                stack.extend(node.entries().map(|(_, v)| v));
                // A call's arguments sit under its tag or single key, both covered above.
            }
        }
    }
}

fn sub_references<'a>(text: &'a str, out: &mut Vec<&'a str>) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find('}') else { break };
        let name = after.get(..end).unwrap_or("");
        if !name.starts_with('!') {
            out.push(name.split('.').next().unwrap_or(name));
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
}
