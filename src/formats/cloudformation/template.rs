//! The template view: parameters, mappings and resources, indexed once.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html>

use std::hash::BuildHasher;

use super::generated::{Generated, GeneratedIds};
use super::include::{Includes, entries_in, entry_in, follow, get_in};
use crate::collections::HashMap;
use crate::syntax::{Loc, NodeRef};

/// The transform that makes a template SAM.
pub const SAM_TRANSFORM: &str = super::transforms::SAM;

/// The prefix of a `Fn::ForEach::Name` key (`AWS::LanguageExtensions`).
pub const FOR_EACH: &str = "Fn::ForEach::";

/// A CloudFormation (or SAM) template.
pub struct Template<'a> {
    pub root: NodeRef<'a>,
    parameters: HashMap<&'a str, Parameter<'a>>,
    /// The `Mappings` sections: the template's, then those of its template-level includes.
    mappings: Vec<NodeRef<'a>>,
    /// The SAM `Globals` section (a template-level include's replaces the template's).
    globals: Option<NodeRef<'a>>,
    /// The snippets of template-level includes listed after the SAM transform, which merge
    /// into the template once SAM has run.
    after_sam: Vec<NodeRef<'a>>,
    resources: Resources<'a>,
    includes: Option<&'a Includes>,
    /// The logical ids a transform generates, which the template may refer to.
    generated: GeneratedIds<'a>,
}

/// The resources of a template, in the order they are written (a repeated logical id takes the
/// place of its first one). A large template has tens of thousands, read by every lowering:
/// each is kept as its two nodes and the number of its type (40 bytes, where a [`Resource`] is
/// 72), and the index by logical id is the sorted hashes of the ids with their positions (8
/// bytes a resource, where a hash map of `&str` took about 56).
#[derive(Default)]
struct Resources<'a> {
    kept: Vec<Kept<'a>>,
    /// Each distinct `Type`; [`Kept::kind`] is a position here.
    kinds: Vec<&'a str>,
    /// `(hash of the logical id, position in kept)`, sorted.
    index: Vec<(u32, u32)>,
}

/// One resource as [`Resources`] keeps it.
#[derive(Clone, Copy)]
struct Kept<'a> {
    key: NodeRef<'a>,
    node: NodeRef<'a>,
    kind: u32,
}

/// The hash [`Resources::index`] keeps of a logical id (a match is confirmed on the text).
fn id_hash(id: &str) -> u32 {
    foldhash::fast::FixedState::with_seed(0).hash_one(id) as u32
}

impl<'a> Resources<'a> {
    /// Keep `entries` (logical id key, resource node, `Type`) in order; of a repeated logical
    /// id the last one counts, in the place of the first, as with any duplicate key.
    fn new(entries: Vec<(NodeRef<'a>, NodeRef<'a>, &'a str)>) -> Self {
        let mut kinds: Vec<&'a str> = Vec::new();
        let mut kept = Vec::with_capacity(entries.len());
        for (key, node, kind) in entries {
            let kind = match kinds.iter().position(|k| *k == kind) {
                Some(at) => at,
                None => {
                    kinds.push(kind);
                    kinds.len() - 1
                }
            };
            kept.push(Kept {
                key,
                node,
                kind: to_u32(kind),
            });
        }
        let mut index: Vec<(u32, u32)> = (0..)
            .zip(&kept)
            .map(|(position, k)| (id_hash(k.id()), position))
            .collect();
        index.sort_unstable();
        let mut resources = Resources { kept, kinds, index };
        resources.merge_repeated_ids();
        resources
    }

    /// Give each repeated logical id's first place its last resource, and drop the others.
    fn merge_repeated_ids(&mut self) {
        let mut dropped = vec![false; self.kept.len()];
        let mut any = false;
        for run in self
            .index
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|r| r.len() > 1)
        {
            // In order of position within a run of one hash; ids may still differ.
            for (n, &(_, first)) in run.iter().enumerate() {
                if dropped.get(first as usize) == Some(&true) {
                    continue;
                }
                let Some(id) = self.kept.get(first as usize).map(Kept::id) else {
                    continue;
                };
                let mut last = None;
                for &(_, later) in run.iter().skip(n + 1) {
                    if self.kept.get(later as usize).map(Kept::id) == Some(id) {
                        if let Some(flag) = dropped.get_mut(later as usize) {
                            *flag = true;
                        }
                        last = Some(later);
                    }
                }
                if let Some(last) = last.and_then(|l| self.kept.get(l as usize).copied())
                    && let Some(slot) = self.kept.get_mut(first as usize)
                {
                    *slot = last;
                    any = true;
                }
            }
        }
        if !any {
            return;
        }
        let mut flags = dropped.iter();
        self.kept.retain(|_| flags.next() != Some(&true));
        self.index = (0..)
            .zip(&self.kept)
            .map(|(position, k)| (id_hash(k.id()), position))
            .collect();
        self.index.sort_unstable();
    }

    fn len(&self) -> usize {
        self.kept.len()
    }

    /// Where the resource `id` is.
    fn position(&self, id: &str) -> Option<usize> {
        let hash = id_hash(id);
        let from = self.index.partition_point(|&(h, _)| h < hash);
        self.index
            .get(from..)?
            .iter()
            .take_while(|&&(h, _)| h == hash)
            .map(|&(_, position)| position as usize)
            .find(|&position| self.kept.get(position).is_some_and(|k| k.id() == id))
    }

    /// The number of the type `kind`, if a resource has it.
    fn kind_number(&self, kind: &str) -> Option<u32> {
        self.kinds.iter().position(|k| *k == kind).map(to_u32)
    }
}

impl<'a> Kept<'a> {
    fn id(&self) -> &'a str {
        self.key.as_str().unwrap_or("")
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// One entry under `Parameters`: what a `Ref` to it evaluates to statically.
#[derive(Clone, Copy, Debug)]
pub struct Parameter<'a> {
    pub default: Option<NodeRef<'a>>,
    /// `Type`, e.g. `String` or `CommaDelimitedList` ("" when missing).
    pub kind: &'a str,
}

/// One entry under `Resources`.
#[derive(Clone, Copy, Debug)]
pub struct Resource<'a> {
    /// The logical id.
    pub id: &'a str,
    /// The logical id's key node: where findings about the resource point.
    pub key: NodeRef<'a>,
    pub node: NodeRef<'a>,
    /// `Type`, e.g. `AWS::ApiGateway::Method`.
    pub kind: &'a str,
    /// The template's `AWS::Include` snippets, which its properties may be.
    includes: Option<&'a Includes>,
}

impl<'a> Resource<'a> {
    /// The resource written as `key: node` (the body of a `Fn::ForEach` loop, say), read
    /// without includes.
    pub fn from_entry(key: NodeRef<'a>, node: NodeRef<'a>) -> Self {
        Resource {
            id: key.as_str().unwrap_or(""),
            key,
            node,
            kind: node.get("Type").and_then(NodeRef::as_str).unwrap_or(""),
            includes: None,
        }
    }

    pub fn loc(self) -> Loc {
        self.key.loc()
    }

    /// `Properties`, read through an `AWS::Include` of it (as of any property value).
    pub fn properties(self) -> Option<NodeRef<'a>> {
        self.get("Properties").map(|p| self.follow(p))
    }

    pub fn property(self, name: &str) -> Option<NodeRef<'a>> {
        self.property_as_written(name).map(|p| self.follow(p))
    }

    /// The property's key node, for pointing at `Name:` rather than its value.
    pub fn property_key(self, name: &str) -> Option<NodeRef<'a>> {
        entry_in(self.includes, self.properties()?, name).map(|(key, _)| key)
    }

    /// The property as written, an `AWS::Include` transform not followed.
    pub fn property_as_written(self, name: &str) -> Option<NodeRef<'a>> {
        self.properties()
            .and_then(|p| get_in(self.includes, p, name))
    }

    /// An attribute of the resource (`Properties`, `Condition`...), with what an include beside
    /// them merges in.
    fn get(self, name: &str) -> Option<NodeRef<'a>> {
        get_in(self.includes, self.node, name)
    }

    fn follow(self, node: NodeRef<'a>) -> NodeRef<'a> {
        follow(self.includes, node)
    }

    /// `DependsOn` as a list of logical ids (it may be a string or a list).
    pub fn depends_on(self) -> Vec<&'a str> {
        match self.get("DependsOn") {
            Some(node) if node.is_seq() => node.items().filter_map(NodeRef::as_str).collect(),
            Some(node) => node.as_str().into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// The resource-level `Condition`, if any.
    pub fn condition(self) -> Option<&'a str> {
        self.get("Condition").and_then(NodeRef::as_str)
    }

    pub fn metadata(self) -> Option<NodeRef<'a>> {
        self.get("Metadata")
    }
}

impl<'a> Template<'a> {
    /// Index `root` as a template; `None` when it is not one (no `Resources` mapping with
    /// typed resources and no `AWSTemplateFormatVersion`).
    pub fn new(root: NodeRef<'a>) -> Option<Template<'a>> {
        Template::with_includes(root, None)
    }

    /// What [`Template::new`] and then [`Template::is_sam`] say of `root`, without indexing
    /// its resources (every document is asked, and a large template has tens of thousands):
    /// `None` when it is no template, else whether it is SAM.
    pub fn classify(root: NodeRef<'a>) -> Option<bool> {
        let resources = root.get("Resources").filter(|s| s.is_map());
        let kind_of = |resource: NodeRef<'a>| resource.get("Type").and_then(NodeRef::as_str);
        let typed = resources.is_some_and(|r| {
            r.entries().any(|(key, resource)| {
                key.as_str().is_some_and(|k| k.starts_with(FOR_EACH))
                    || kind_of(resource).is_some_and(|t| t.contains("::"))
            })
        });
        if !typed
            && root.get("AWSTemplateFormatVersion").is_none()
            && super::include::template_level(root).is_empty()
        {
            return None;
        }
        if super::transforms::position(root, SAM_TRANSFORM).is_some() {
            return Some(true);
        }
        let sam = |(key, resource): &(NodeRef<'a>, NodeRef<'a>)| {
            key.as_str().is_some()
                && kind_of(*resource).is_some_and(|t| t.starts_with("AWS::Serverless::"))
        };
        // Of a repeated logical id the last resource counts, as in the index; most templates
        // have no SAM type at all and are told without looking for repeated ids.
        Some(resources.is_some_and(|r| {
            r.entries().any(|entry| sam(&entry))
                && crate::formats::nodes::distinct_entries(r).iter().any(sam)
        }))
    }

    /// [`Template::new`], with the snippets of its `AWS::Include` transforms read: a
    /// `Resources` section, a resource or a property that is one is read from its snippet.
    pub fn with_includes(
        root: NodeRef<'a>,
        includes: Option<&'a Includes>,
    ) -> Option<Template<'a>> {
        // The template, then the snippets its template-level includes merge into it, each
        // with whether it is merged once the SAM transform has run (listed after it).
        let sam_at = super::transforms::position(root, SAM_TRANSFORM);
        let roots: Vec<(NodeRef<'a>, bool)> = std::iter::once((root, false))
            .chain(includes.into_iter().flat_map(Includes::template_level).map(
                |(snippet, listed)| {
                    let after_sam = matches!((listed, sam_at), (Some(i), Some(s)) if i > s);
                    (snippet, after_sam)
                },
            ))
            .collect();
        let sections_of = |name: &str, before_sam: bool| -> Vec<NodeRef<'a>> {
            roots
                .iter()
                .filter(|(_, after_sam)| !(before_sam && *after_sam))
                .filter_map(|(r, _)| r.get(name))
                .map(|section| follow(includes, section))
                .filter(|s| s.is_map())
                .collect()
        };
        let sections = |name: &str| sections_of(name, false);
        let resource_sections = sections("Resources");
        // A `Fn::ForEach` loop makes typed resources too (`AWS::LanguageExtensions`).
        let typed = resource_sections.iter().any(|r| {
            r.entries().any(|(key, res)| {
                key.as_str().is_some_and(|k| k.starts_with(FOR_EACH))
                    || res
                        .get("Type")
                        .and_then(NodeRef::as_str)
                        .is_some_and(|t| t.contains("::"))
            })
        });
        if !typed
            && root.get("AWSTemplateFormatVersion").is_none()
            && super::include::template_level(root).is_empty()
        {
            return None;
        }
        // An `AWS::Include` beside the resources merges the snippet's resources in its place.
        let entries = resource_sections
            .iter()
            .flat_map(|section| entries_in(includes, *section))
            .filter(|(key, _)| key.as_str().is_some())
            .map(|(key, node)| {
                let node = follow(includes, node);
                let kind = get_in(includes, node, "Type")
                    .and_then(NodeRef::as_str)
                    .unwrap_or("");
                (key, node, kind)
            })
            .collect();
        let resources = Resources::new(entries);
        let parameters = sections("Parameters")
            .into_iter()
            .flat_map(NodeRef::entries)
            .filter_map(|(name, param)| {
                let default = param.get("Default");
                let kind = param.get("Type").and_then(NodeRef::as_str).unwrap_or("");
                Some((name.as_str()?, Parameter { default, kind }))
            })
            .collect();
        Some(Template {
            root,
            parameters,
            mappings: sections("Mappings"),
            // Only SAM reads `Globals`: a section merged after it ran is never applied.
            globals: sections_of("Globals", true).last().copied(),
            after_sam: roots
                .iter()
                .filter(|(_, after_sam)| *after_sam)
                .map(|(snippet, _)| *snippet)
                .collect(),
            resources,
            includes,
            generated: GeneratedIds::default(),
        })
    }

    /// Whether the template is SAM: it declares the SAM transform, or uses a SAM resource type
    /// (then it is lowered as SAM all the same, so its routes are found; see
    /// [`Template::undeclared_sam_type`]).
    pub fn is_sam(&self) -> bool {
        self.declares_sam_transform() || self.undeclared_sam_type().is_some()
    }

    /// The `Type` of the first `AWS::Serverless::*` resource of a template that does not
    /// declare the SAM transform: CloudFormation rejects such a template.
    pub fn undeclared_sam_type(&self) -> Option<NodeRef<'a>> {
        if self.declares_sam_transform() {
            return None;
        }
        self.resources()
            .filter(|r| r.kind.starts_with("AWS::Serverless::"))
            .find_map(|r| r.node.get("Type"))
    }

    /// What only the SAM transform understands (an `AWS::Serverless::*` type, a `Globals`
    /// section) in the snippet of an include listed after it in `Transform`: SAM has run before
    /// the snippet is merged, so CloudFormation rejects the template.
    pub fn added_after_sam(&self) -> Vec<NodeRef<'a>> {
        let mut found = Vec::new();
        for snippet in &self.after_sam {
            found.extend(snippet.entry("Globals").map(|(key, _)| key));
            found.extend(
                self.resources()
                    .filter(|r| std::ptr::eq(r.key.doc(), snippet.doc()))
                    .filter(|r| r.kind.starts_with("AWS::Serverless::"))
                    .filter_map(|r| r.node.get("Type")),
            );
        }
        found
    }

    /// Whether the template declares the SAM transform (as a string or in a list).
    pub fn declares_sam_transform(&self) -> bool {
        super::transforms::position(self.root, SAM_TRANSFORM).is_some()
    }

    /// The resources in the order they are written (a repeated logical id in the place of its
    /// first one).
    pub fn resources(&self) -> impl ExactSizeIterator<Item = Resource<'a>> + '_ {
        self.resources.kept.iter().map(|kept| self.view(*kept))
    }

    /// The resources of type `kind`, in order.
    pub fn resources_of(&self, kind: &str) -> impl Iterator<Item = Resource<'a>> + '_ {
        let number = self.resources.kind_number(kind);
        self.resources
            .kept
            .iter()
            .filter(move |kept| Some(kept.kind) == number)
            .map(|kept| self.view(*kept))
    }

    /// The number of resources.
    pub fn resource_count(&self) -> usize {
        self.resources.len()
    }

    /// The resource at `position` in [`Template::resources`].
    pub fn resource_at(&self, position: usize) -> Option<Resource<'a>> {
        self.resources
            .kept
            .get(position)
            .map(|kept| self.view(*kept))
    }

    /// Where the resource `id` is in [`Template::resources`].
    pub fn resource_position(&self, id: &str) -> Option<usize> {
        self.resources.position(id)
    }

    pub fn resource(&self, id: &str) -> Option<Resource<'a>> {
        self.resource_at(self.resources.position(id)?)
    }

    fn view(&self, kept: Kept<'a>) -> Resource<'a> {
        Resource {
            id: kept.id(),
            key: kept.key,
            node: kept.node,
            kind: self
                .resources
                .kinds
                .get(kept.kind as usize)
                .copied()
                .unwrap_or(""),
            includes: self.includes,
        }
    }

    pub fn parameter(&self, name: &str) -> Option<Parameter<'a>> {
        self.parameters.get(name).copied()
    }

    /// The mapping `name` of the `Mappings` section (read through an `AWS::Include` of it); a
    /// template-level include's comes before the template's own.
    pub fn mapping(&self, name: &str) -> Option<NodeRef<'a>> {
        self.mappings
            .iter()
            .rev()
            .find_map(|section| section.get(name))
            .map(|mapping| follow(self.includes, mapping))
    }

    /// The SAM `Globals` section, if any.
    pub fn globals(&self) -> Option<NodeRef<'a>> {
        self.globals
    }

    /// What a logical id that no resource declares stands for, when a transform generates it.
    pub fn generated(&self, id: &str) -> Option<Generated<'a>> {
        if self.generated.is_empty() {
            return None;
        }
        self.generated.get(id)
    }

    /// The logical ids the template's transform generates (see [`Template::generated`]).
    pub fn set_generated(&mut self, ids: GeneratedIds<'a>) {
        self.generated = ids;
    }

    /// The template's `AWS::Include` snippets, if they were read.
    pub fn includes(&self) -> Option<&'a Includes> {
        self.includes
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::Template;
    use crate::syntax::SourceFile;

    /// A repeated logical id keeps the place of its first resource and the content of its last;
    /// the index finds every id, and no other.
    #[test]
    fn repeated_ids_keep_the_first_place_and_the_last_resource() {
        let text = "Resources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Type: AWS::SQS::Queue\n  A:\n    Type: AWS::SNS::Subscription\n  C:\n    Type: AWS::SNS::Topic\n  A:\n    Type: AWS::ApiGateway::RestApi\n";
        let file = SourceFile::new("t.yaml", text.to_owned());
        let documents = crate::syntax::parse(&file).unwrap();
        let template = Template::new(documents[0].root()).unwrap();
        let listed: Vec<(&str, &str)> = template.resources().map(|r| (r.id, r.kind)).collect();
        assert_eq!(
            listed,
            [
                ("A", "AWS::ApiGateway::RestApi"),
                ("B", "AWS::SQS::Queue"),
                ("C", "AWS::SNS::Topic")
            ]
        );
        for (position, id) in ["A", "B", "C"].into_iter().enumerate() {
            assert_eq!(template.resource_position(id), Some(position));
        }
        assert_eq!(
            template.resource("A").unwrap().key.span().range().start,
            text.rfind("A:").unwrap()
        );
        assert!(template.resource("D").is_none());
        let topics: Vec<&str> = template
            .resources_of("AWS::SNS::Topic")
            .map(|r| r.id)
            .collect();
        assert_eq!(topics, ["C"]);
        assert_eq!(template.resources_of("AWS::SNS::Subscription").count(), 0);
    }

    /// `classify` says what indexing the template and asking `is_sam` says.
    #[test]
    fn classify_agrees_with_the_indexed_template() {
        let cases = [
            ("AWSTemplateFormatVersion: '2010-09-09'\n", Some(false)),
            ("Resources:\n  A:\n    Type: AWS::SNS::Topic\n", Some(false)),
            ("Resources:\n  A:\n    Type: Custom\n", None),
            ("openapi: 3.0.0\n", None),
            (
                "Transform: AWS::Serverless-2016-10-31\nResources:\n  T:\n    Type: AWS::SNS::Topic\n",
                Some(true),
            ),
            (
                "Resources:\n  F:\n    Type: AWS::Serverless::Function\n",
                Some(true),
            ),
            // The last of a repeated logical id counts.
            (
                "Resources:\n  F:\n    Type: AWS::Serverless::Function\n  F:\n    Type: AWS::SNS::Topic\n",
                Some(false),
            ),
            (
                "Resources:\n  F:\n    Type: AWS::SNS::Topic\n  F:\n    Type: AWS::Serverless::Api\n",
                Some(true),
            ),
            (
                "Resources:\n  Fn::ForEach::Topics: [T, [a], {}]\n",
                Some(false),
            ),
        ];
        for (text, expected) in cases {
            let file = SourceFile::new("t.yaml", text.to_owned());
            let documents = crate::syntax::parse(&file).unwrap();
            let root = documents[0].root();
            let indexed = Template::new(root).map(|t| t.is_sam());
            assert_eq!(indexed, expected, "{text}");
            assert_eq!(Template::classify(root), expected, "{text}");
        }
    }
}
