//! The order CloudFormation creates resources in: `DependsOn`, plus the implicit dependencies
//! of `Ref`, `Fn::GetAtt` and `Fn::Sub` references.

use super::template::Template;
use crate::collections::HashSet;
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::syntax::NodeRef;

/// Each resource's direct dependencies, by its position in the template: one list of
/// positions for all (a template can have tens of thousands of resources).
pub struct Dependencies<'t, 'a> {
    template: &'t Template<'a>,
    /// Where each resource's dependencies start in `targets`; one more entry ends the last.
    starts: Vec<u32>,
    targets: Vec<u32>,
}

impl<'t, 'a> Dependencies<'t, 'a> {
    /// Scan every resource once.
    pub fn new(template: &'t Template<'a>) -> Self {
        let resources = template.resources();
        let mut starts = Vec::with_capacity(resources.len() + 1);
        let mut targets = Vec::new();
        let mut named = Vec::new();
        for (position, resource) in resources.enumerate() {
            starts.push(to_u32(targets.len()));
            named.clear();
            named.extend(resource.depends_on());
            if let Some(properties) = resource.properties() {
                collect_references(properties, &mut named);
            }
            let first = targets.len();
            targets.extend(
                named
                    .iter()
                    .filter_map(|id| template.resource_position(id))
                    .filter(|&target| target != position)
                    .map(to_u32),
            );
            if let Some(own) = targets.get_mut(first..) {
                own.sort_unstable();
            }
            dedup_from(&mut targets, first);
        }
        starts.push(to_u32(targets.len()));
        Dependencies {
            template,
            starts,
            targets,
        }
    }

    /// Every resource `id` waits for, directly or through others.
    pub fn waits_for(&self, id: &str) -> HashSet<&'a str> {
        self.any_waits_for(std::iter::once(id))
    }

    /// Every resource one of `ids` waits for, directly or through others (one walk for all).
    pub fn any_waits_for<'i>(&self, ids: impl IntoIterator<Item = &'i str>) -> HashSet<&'a str> {
        let mut seen = HashSet::default();
        let mut stack: Vec<u32> = ids
            .into_iter()
            .filter_map(|id| self.template.resource_position(id))
            .flat_map(|position| self.of(to_u32(position)))
            .copied()
            .collect();
        while let Some(next) = stack.pop() {
            let Some(resource) = self.template.resource_at(next as usize) else {
                continue;
            };
            if seen.insert(resource.id) {
                stack.extend(self.of(next));
            }
        }
        seen
    }

    /// The direct dependencies of the resource at `position`.
    fn of(&self, position: u32) -> &[u32] {
        let at = position as usize;
        match (self.starts.get(at), self.starts.get(at + 1)) {
            (Some(&start), Some(&end)) => self.targets.get(start as usize..end as usize),
            _ => None,
        }
        .unwrap_or(&[])
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Remove repeats from the sorted `targets[first..]`.
fn dedup_from(targets: &mut Vec<u32>, first: usize) {
    let mut kept = first;
    for at in first..targets.len() {
        let Some(&value) = targets.get(at) else { break };
        let repeat = kept > first && targets.get(kept - 1) == Some(&value);
        if !repeat {
            if let Some(slot) = targets.get_mut(kept) {
                *slot = value;
            }
            kept += 1;
        }
    }
    targets.truncate(kept);
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
