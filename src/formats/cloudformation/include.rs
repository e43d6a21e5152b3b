//! `AWS::Include`: `Fn::Transform: {Name: AWS::Include, Parameters: {Location: ...}}` stands for
//! the snippet at `Location`. CloudFormation replaces it before any other transform runs (SAM's
//! among them), so a snippet read from a local file is lowered exactly as if it were written
//! where the transform is, with spans that point into its own file.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/create-reusable-transform-function-snippets-and-add-to-your-template-with-aws-include-transform.html>
//!
//! The snippets are read once, before the template is lowered, and kept here: the views borrow
//! them like the template itself. An S3 location, one computed by an intrinsic that cannot be
//! resolved, and a file that may not or cannot be read leave the snippet not visible, with the
//! reason (a coverage note where it matters), never an input error: the template may deploy.

use crate::diagnostic::InputError;
use crate::formats::cdk;
use crate::formats::files::{FileLoader, LoadError};
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::formats::openapi::TemplateView;
use crate::model::Conditions;
use crate::syntax::{Document, Loc, NodeIdentity, NodeKind, NodeRef};

/// The name of the include transform.
pub const INCLUDE: &str = "AWS::Include";

/// The key of a transform call written in a mapping.
const TRANSFORM: &str = "Fn::Transform";

/// Why the content of an include inside an included snippet is not visible.
const NESTED: &str = "by an include inside an included snippet, which gatelint does not follow";

/// Includes deeper in the template than this are not looked for (the tree depth is capped far
/// below anyway).
const MAX_WALK: usize = 1_000_000;

/// The snippets of one template's `AWS::Include` transforms.
#[derive(Debug, Default)]
pub struct Includes {
    /// Keyed by the transform's node in the template, with what the snippet stands for there.
    snippets: Vec<(NodeIdentity, SnippetKind, Snippet)>,
    /// The API definitions in CDK assets, keyed by the `BodyS3Location` node that names each.
    bodies: Vec<(NodeIdentity, Snippet)>,
    /// The snippets that cannot be seen where they hold settings gatelint reads (in `Globals`,
    /// in a resource it checks, or a whole resource), but for bodies, which their API notes:
    /// where each is, and the reason.
    unseen: Vec<(Loc, String)>,
    /// The template-level includes (`Transform: {Name: AWS::Include, ...}`, or a `Fn::Transform`
    /// beside the template's sections), in the order they run: each merges its sections into
    /// the template's.
    template_level: Vec<(NodeIdentity, Option<usize>)>,
    /// The includes inside API definitions whose snippets cannot be seen (those that can are
    /// read through the OpenAPI view as if inline): where each is, the reason, and where the
    /// include of the template it is read through is (itself, unless it is inside a snippet).
    /// That definition's routes are not visible.
    unseen_in_bodies: Vec<UnseenInBody>,
}

/// An include inside an API definition whose snippet cannot be seen.
#[derive(Debug)]
struct UnseenInBody {
    at: Loc,
    /// "from S3 (`s3://...`)".
    reason: String,
    /// The include written in the template that `at` is read through: `at` itself, or the one
    /// whose snippet holds it.
    through: Loc,
}

/// What a value of the template is, for saying what an include there hides.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The template's root.
    Root,
    /// The `Resources` section.
    Resources,
    /// A resource.
    Resource,
    /// Settings gatelint reads: `Globals`, or in a resource of a type it checks.
    Checked,
    /// The `Properties` of a plain CloudFormation resource of a type gatelint checks (read
    /// through includes beside its keys, like SAM's).
    CfnProperties,
    /// A value inside one of those properties (read through includes beside the keys of its
    /// mappings with `Evaluator::get`).
    CfnNested,
    /// An API's `Body` or `DefinitionBody` (its API says when it cannot be seen).
    Body,
    /// A value inside an API definition, read through the OpenAPI view (its API says when it
    /// cannot be seen).
    InBody,
    Other,
}

impl Place {
    /// The place of the value under `key` of a mapping at `self`, which is `parent`.
    fn child(self, key: Option<&str>, parent: NodeRef<'_>) -> Place {
        match self {
            Place::Root => match key {
                Some("Globals") => Place::Checked,
                Some("Resources") => Place::Resources,
                _ => Place::Other,
            },
            Place::Resources => Place::Resource,
            Place::Resource => {
                let kind = parent.get("Type").and_then(NodeRef::as_str).unwrap_or("");
                if !super::checked::makes_checked_resources(kind) {
                    Place::Other
                } else if key == Some("Properties") && !kind.starts_with("AWS::Serverless::") {
                    Place::CfnProperties
                } else {
                    Place::Checked
                }
            }
            Place::Checked | Place::CfnProperties
                if matches!(key, Some("Body" | "DefinitionBody")) =>
            {
                Place::Body
            }
            Place::CfnProperties => Place::CfnNested,
            Place::Body | Place::InBody => Place::InBody,
            other => other,
        }
    }

    /// Whether an include here that cannot be seen hides what gatelint checks.
    fn noted(self) -> bool {
        matches!(
            self,
            Place::Resources
                | Place::Resource
                | Place::Checked
                | Place::CfnProperties
                | Place::CfnNested
        )
    }
}

/// What a snippet stands for where it is included, for expanding its `Fn::ForEach` loops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnippetKind {
    /// Sections of the template (a template-level include, or one beside the template's
    /// sections); `listed` is its place in the `Transform` list, `None` for the latter, which
    /// runs before every listed transform.
    Sections { listed: Option<usize> },
    /// Resources of the `Resources` section (the whole section, or beside its resources).
    Resources,
    /// Any other value: a resource, properties, a definition.
    Value,
}

#[derive(Debug)]
enum Snippet {
    Loaded(Box<Document>),
    NotVisible(String),
}

/// What an include stands for.
#[derive(Clone, Debug)]
pub enum Included<'a> {
    /// The snippet, read from a local file.
    Snippet(NodeRef<'a>),
    /// A snippet gatelint cannot see: where the transform is, and where it is included from
    /// ("from S3 (`s3://...`)").
    NotVisible { at: Loc, reason: &'a str },
}

/// The `AWS::Include` calls of the value of a `Fn::Transform`: the call itself
/// (`{Name: AWS::Include, Parameters: ...}`), or those of its list form, which CloudFormation
/// runs in the order listed.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-macros.html>
fn include_calls(transform: NodeRef<'_>) -> Vec<NodeRef<'_>> {
    if transform.is_seq() {
        transform.items().filter(|item| is_call(*item)).collect()
    } else {
        std::iter::once(transform).filter(|t| is_call(*t)).collect()
    }
}

/// Whether `node` is an `AWS::Include` call (the value of a `Fn::Transform`).
fn is_call(node: NodeRef<'_>) -> bool {
    node.is_map() && node.get("Name").and_then(NodeRef::as_str) == Some(INCLUDE)
}

/// Whether `node` is what [`Includes::entry_in`] gives for a key that an include beside a
/// mapping's keys, whose snippet cannot be seen, may set: whether the key is there at all is
/// not known.
pub fn may_be_set_by_unseen(node: NodeRef<'_>) -> bool {
    is_call(node)
}

/// The `Location` of an include call. A missing one is CloudFormation's error; to us the
/// snippet is not visible.
fn call_location(call: NodeRef<'_>) -> NodeRef<'_> {
    call.get("Parameters")
        .and_then(|p| p.get("Location"))
        .unwrap_or(call)
}

/// The `Location` of an `AWS::Include` transform call, if `node` is one standing for a whole
/// value (`Fn::Transform` alone in its mapping, or `!Transform`; in the list form, one include
/// and nothing else).
fn include_location(node: NodeRef<'_>) -> Option<NodeRef<'_>> {
    let transform = if node.tag() == Some("!Transform") {
        node
    } else {
        let mut entries = node.entries();
        let (key, value) = entries.next()?;
        if entries.next().is_some() || key.as_str() != Some(TRANSFORM) {
            return None;
        }
        value
    };
    if transform.is_seq() && transform.len() != 1 {
        return None;
    }
    let calls = include_calls(transform);
    let [call] = calls.as_slice() else {
        return None;
    };
    Some(call_location(*call))
}

/// The `AWS::Include` calls under `root` (at `place`), in no particular order: each call, its
/// `Location`, its place, and whether it sits beside other keys of a mapping (CloudFormation
/// merges that snippet into the mapping) rather than standing for a whole value.
fn calls_in(root: NodeRef<'_>, place: Place) -> Vec<(NodeRef<'_>, NodeRef<'_>, Place, bool)> {
    let mut calls = Vec::new();
    let mut stack = vec![(root, place)];
    let mut visited = 0usize;
    while let Some((node, place)) = stack.pop() {
        visited += 1;
        if visited > MAX_WALK {
            break;
        }
        if let Some(location) = include_location(node) {
            calls.push((node, location, place, false));
            continue;
        }
        if let Some((_, beside)) = transform_beside_keys(node) {
            calls.extend(
                beside
                    .into_iter()
                    .map(|call| (call, call_location(call), place, true)),
            );
        }
        match node.kind() {
            NodeKind::Map => stack.extend(
                node.entries()
                    .map(|(key, value)| (value, place.child(key.as_str(), node))),
            ),
            NodeKind::Seq => stack.extend(node.items().map(|item| (item, place))),
            NodeKind::Scalar | NodeKind::Alias => {}
        }
    }
    calls
}

/// The `Fn::Transform` key and its `AWS::Include` calls, where `map` holds one beside other keys
/// (CloudFormation merges each snippet's entries into the mapping).
fn transform_beside_keys(map: NodeRef<'_>) -> Option<(NodeRef<'_>, Vec<NodeRef<'_>>)> {
    if !map.is_map() || map.len() < 2 {
        return None;
    }
    let (key, value) = map.entry(TRANSFORM)?;
    let calls = include_calls(value);
    (!calls.is_empty()).then_some((key, calls))
}

/// The template-level `AWS::Include` transforms of `root`: its `Transform` section, or an item
/// of it, written as `{Name: AWS::Include, Parameters: {Location: ...}}`.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-include.html>
pub fn template_level(root: NodeRef<'_>) -> Vec<NodeRef<'_>> {
    super::transforms::listed(root)
        .into_iter()
        .filter(|t| is_call(*t))
        .collect()
}

/// `node`, or the snippet it includes when that was read (see [`Includes::follow`]).
pub fn follow<'a>(includes: Option<&'a Includes>, node: NodeRef<'a>) -> NodeRef<'a> {
    match includes {
        Some(includes) => includes.follow(node),
        None => node,
    }
}

/// `map.get(key)`, with what the includes beside its keys merge in (see
/// [`Includes::entry_in`]).
pub fn get_in<'a>(
    includes: Option<&'a Includes>,
    map: NodeRef<'a>,
    key: &str,
) -> Option<NodeRef<'a>> {
    entry_in(includes, map, key).map(|(_, value)| value)
}

/// `map.entry(key)`, with what the includes beside its keys merge in.
pub fn entry_in<'a>(
    includes: Option<&'a Includes>,
    map: NodeRef<'a>,
    key: &str,
) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
    match includes {
        Some(includes) => includes.entry_in(map, key),
        None => map.entry(key),
    }
}

/// `map.entries()`, with what the includes beside its keys merge in (see
/// [`Includes::merged_entries`]).
pub fn entries_in<'a>(
    includes: Option<&'a Includes>,
    map: NodeRef<'a>,
) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
    includes
        .and_then(|includes| includes.merged_entries(map))
        .unwrap_or_else(|| map.entries().collect())
}

/// [`crate::formats::nodes::distinct_entries`], with what the includes beside its keys merge in.
pub fn distinct_entries_in<'a>(
    includes: Option<&'a Includes>,
    map: NodeRef<'a>,
) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
    includes
        .and_then(|includes| includes.merged_entries(map))
        .unwrap_or_else(|| crate::formats::nodes::distinct_entries(map))
}

/// Whether `node` is an `AWS::Include` transform call, or the call itself (what
/// [`Includes::entry_in`] gives for a key a snippet beside other keys may set). Once includes are
/// followed, one that is still there is one whose snippet cannot be seen: its value is Unknown.
pub fn is_include(node: NodeRef<'_>) -> bool {
    include_location(node).is_some() || is_call(node)
}

impl Includes {
    /// Read the snippet of every `AWS::Include` in `root` through `files`; `locate` gives the
    /// value of a call's `Location` node, when it can be known (see
    /// `cloudformation::load_includes`). A snippet that is not YAML or JSON is an input error
    /// located in its file.
    pub fn load<'a>(
        root: NodeRef<'a>,
        locate: &dyn Fn(NodeRef<'a>) -> Option<String>,
        files: &dyn FileLoader,
        errors: &mut Vec<InputError>,
    ) -> Self {
        let mut includes = Includes::default();
        let mut calls = Vec::new();
        for (call, location, place, beside) in calls_in(root, Place::Root) {
            // Beside other keys, each snippet merges into the mapping (see
            // `Includes::entry_in`); at the root, its sections merge into the template's like
            // a template-level one.
            if beside && place == Place::Root {
                includes.template_level.push((call.identity(), None));
            }
            let place = match place {
                Place::Root if beside => Place::Resources,
                other => other,
            };
            let in_body = (beside && place == Place::Body) || place == Place::InBody;
            calls.push((call, location, place, in_body));
        }
        // The template-level ones merge whole sections: what they hide is always noted.
        for (listed, transform) in super::transforms::listed(root).into_iter().enumerate() {
            if is_call(transform) {
                includes
                    .template_level
                    .push((transform.identity(), Some(listed)));
                calls.push((transform, call_location(transform), Place::Resources, false));
            }
        }
        calls.sort_by_key(|(node, _, _, _)| node.span().start);
        let mut nested = Vec::new();
        for (node, location, place, in_body) in calls {
            let snippet = match locate(location) {
                None => Snippet::NotVisible(
                    "from a Location computed by an intrinsic function gatelint cannot resolve"
                        .to_owned(),
                ),
                Some(location) => read(&location, files, errors),
            };
            if let Snippet::NotVisible(reason) = &snippet {
                if place.noted() {
                    includes.unseen.push((node.loc(), reason.clone()));
                } else if in_body {
                    includes.unseen_in_bodies.push(UnseenInBody {
                        at: node.loc(),
                        reason: reason.clone(),
                        through: node.loc(),
                    });
                }
            }
            let identity = node.identity();
            let kind = match includes
                .template_level
                .iter()
                .find(|(at, _)| *at == identity)
            {
                Some(&(_, listed)) => SnippetKind::Sections { listed },
                None if place == Place::Resources => SnippetKind::Resources,
                None => SnippetKind::Value,
            };
            if let Snippet::Loaded(document) = &snippet {
                // The snippet's root stands where the include is (or, merged, in the mapping
                // beside it).
                let root = match kind {
                    SnippetKind::Sections { .. } => Place::Root,
                    SnippetKind::Resources | SnippetKind::Value => place,
                };
                nested.extend(
                    calls_in(document.root(), root)
                        .into_iter()
                        .map(|(call, _, place, _)| {
                            (call.identity(), call.loc(), place, node.loc())
                        }),
                );
            }
            includes.snippets.push((identity, kind, snippet));
        }
        // An include inside an included snippet is not followed: what it holds is not
        // visible, and said so (inside a definition, by the definition's API).
        for (identity, at, place, through) in nested {
            if matches!(place, Place::Body | Place::InBody) {
                includes.unseen_in_bodies.push(UnseenInBody {
                    at,
                    reason: NESTED.to_owned(),
                    through,
                });
            } else if place.noted() || place == Place::Root {
                includes.unseen.push((at, NESTED.to_owned()));
            }
            let hidden = Snippet::NotVisible(NESTED.to_owned());
            includes
                .snippets
                .push((identity, SnippetKind::Value, hidden));
        }
        includes
    }

    /// Replace each snippet read with what `expand` makes of it (its `Fn::ForEach` loops
    /// expanded, say), where it makes something.
    pub fn expand_snippets(
        &mut self,
        expand: &mut dyn FnMut(&Document, SnippetKind) -> Option<Document>,
    ) {
        for (_, kind, snippet) in &mut self.snippets {
            if let Snippet::Loaded(document) = snippet
                && let Some(expanded) = expand(document, *kind)
            {
                **document = expanded;
            }
        }
    }

    /// Read the definition each API's `BodyS3Location` names, where it is a file asset of the
    /// CDK cloud assembly the template is in; `key_of` gives the value of its `Key`, when it
    /// can be known.
    pub fn load_asset_bodies<'a>(
        &mut self,
        root: NodeRef<'a>,
        key_of: &dyn Fn(NodeRef<'a>) -> Option<String>,
        files: &dyn FileLoader,
        errors: &mut Vec<InputError>,
    ) {
        let mut assets = None;
        let resources = root.get("Resources");
        for (_, resource) in resources.into_iter().flat_map(NodeRef::entries) {
            let Some(location) = resource
                .get("Properties")
                .and_then(|p| p.get(cdk::BODY_LOCATION))
            else {
                continue;
            };
            let assets = assets.get_or_insert_with(|| cdk::AssetFiles::read(files));
            let key = location.get("Key").and_then(key_of);
            let bucket_parameter = match location.get("Bucket").and_then(intrinsic) {
                Some(Intrinsic::Ref(parameter)) => Some(parameter),
                _ => None,
            };
            if let Some(file) = assets.body_file(resource, key.as_deref(), bucket_parameter) {
                let body = read(&file, files, errors);
                self.bodies.push((location.identity(), body));
            }
        }
    }

    /// The definition a `BodyS3Location` names, if it is a CDK asset.
    pub fn asset_body<'a>(&'a self, location: NodeRef<'a>) -> Option<Included<'a>> {
        let wanted = location.identity();
        let (_, body) = self.bodies.iter().find(|(at, _)| *at == wanted)?;
        Some(match body {
            Snippet::Loaded(document) => Included::Snippet(document.root()),
            Snippet::NotVisible(reason) => Included::NotVisible {
                at: location.loc(),
                reason,
            },
        })
    }

    /// What `node` stands for, if it is an `AWS::Include` transform.
    pub fn get<'a>(&'a self, node: NodeRef<'a>) -> Option<Included<'a>> {
        let wanted = node.identity();
        let (_, _, snippet) = self.snippets.iter().find(|(at, _, _)| *at == wanted)?;
        Some(match snippet {
            Snippet::Loaded(document) => Included::Snippet(document.root()),
            Snippet::NotVisible(reason) => Included::NotVisible {
                at: node.loc(),
                reason,
            },
        })
    }

    /// The snippets of the template-level includes that were read, in the order they run,
    /// each with its place in the `Transform` list (`None`: beside the template's sections):
    /// mappings of sections (`Resources`, `Parameters`, `Mappings`, `Globals`) that
    /// CloudFormation merges into the template's.
    pub fn template_level(&self) -> Vec<(NodeRef<'_>, Option<usize>)> {
        let mut found: Vec<(NodeRef<'_>, Option<usize>)> = self
            .template_level
            .iter()
            .filter_map(|(wanted, listed)| {
                let (_, _, snippet) = self.snippets.iter().find(|(at, _, _)| at == wanted)?;
                match snippet {
                    Snippet::Loaded(document) => {
                        Some((document.root(), *listed)).filter(|(r, _)| r.is_map())
                    }
                    Snippet::NotVisible(_) => None,
                }
            })
            .collect();
        // Those beside the sections run first, then the listed ones in order.
        found.sort_by_key(|(_, listed)| listed.map_or(0, |at| at + 1));
        found
    }

    /// The entry of `key` in `map` as CloudFormation sees it once the `AWS::Include`s written as
    /// a `Fn::Transform` key beside the others merge their snippets in: the mapping's own entry,
    /// else the snippet's (a later include's before an earlier one's). Where a snippet that
    /// cannot be seen may set it, the entry is the `Fn::Transform` key and the include call,
    /// which readers take as Unknown (see [`is_include`]). Which of the mapping and a snippet
    /// wins when both set a key is gatelint's choice (the mapping).
    pub fn entry_in<'a>(
        &'a self,
        map: NodeRef<'a>,
        key: &str,
    ) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        if let Some(own) = map.entry(key) {
            return Some(own);
        }
        if self.snippets.is_empty() {
            return None;
        }
        let (transform, calls) = transform_beside_keys(map)?;
        for call in calls.into_iter().rev() {
            match self.get(call) {
                // A snippet's own includes beside its keys count too (those were not followed:
                // they read as not visible).
                Some(Included::Snippet(snippet)) if snippet.is_map() => {
                    if let Some(found) = self.entry_in(snippet, key) {
                        return Some(found);
                    }
                }
                Some(Included::Snippet(_)) => {}
                Some(Included::NotVisible { .. }) | None => return Some((transform, call)),
            }
        }
        None
    }

    /// The entries of `map` once the includes beside its keys merge their snippets in: its own,
    /// with each readable snippet's entries in place of the `Fn::Transform` key (those the
    /// mapping does not set itself). A snippet that cannot be seen stays as the key and its
    /// call, which readers take as Unknown; a key set twice, once (the later). `None` when no
    /// include sits beside its keys.
    pub fn merged_entries<'a>(
        &'a self,
        map: NodeRef<'a>,
    ) -> Option<Vec<(NodeRef<'a>, NodeRef<'a>)>> {
        if self.snippets.is_empty() {
            return None;
        }
        let (transform, calls) = transform_beside_keys(map)?;
        let mut entries = Vec::with_capacity(map.len());
        for (key, value) in map.entries() {
            if key.identity() != transform.identity() {
                entries.push((key, value));
                continue;
            }
            for call in &calls {
                match self.get(*call) {
                    Some(Included::Snippet(snippet)) if snippet.is_map() => entries.extend(
                        self.merged_entries(snippet)
                            .unwrap_or_else(|| snippet.entries().collect())
                            .into_iter()
                            .filter(|(k, _)| {
                                k.as_str()
                                    .is_none_or(|k| k == TRANSFORM || map.get(k).is_none())
                            }),
                    ),
                    Some(Included::Snippet(_)) => {}
                    Some(Included::NotVisible { .. }) | None => entries.push((key, *call)),
                }
            }
        }
        // A key set twice (by two snippets, say) once: the later one.
        Some(crate::formats::nodes::distinct(entries))
    }

    /// Where `body` (an API definition) has an include inside it (beside other keys of one of
    /// its mappings, or standing for one of its values) whose snippet cannot be seen, and the
    /// reason ("from S3 (`s3://...`)"): written in the body, or inside a snippet read into it
    /// (never followed).
    pub fn unseen_in_body(&self, body: NodeRef<'_>) -> Option<(&Loc, &str)> {
        let span = body.full_span();
        let inside = |at: &Loc| {
            std::sync::Arc::ptr_eq(&at.file, &body.doc().file)
                && span.start <= at.span.start
                && at.span.end <= span.end
        };
        self.unseen_in_bodies
            .iter()
            .find(|unseen| inside(&unseen.at) || inside(&unseen.through))
            .map(|unseen| (&unseen.at, unseen.reason.as_str()))
    }

    /// `node`, or the snippet it includes when that was read.
    pub fn follow<'a>(&'a self, node: NodeRef<'a>) -> NodeRef<'a> {
        // Only a one-entry mapping (`Fn::Transform: ...`) or a `!Transform` stands for a
        // snippet: the OpenAPI view follows every value it reads, so the rest is told apart
        // without searching the snippets.
        let may_stand_for_one = (node.is_map() && node.len() == 1) || node.tag().is_some();
        if self.snippets.is_empty() || !may_stand_for_one {
            return node;
        }
        match self.get(node) {
            Some(Included::Snippet(snippet)) => snippet,
            _ => node,
        }
    }

    /// The includes that cannot be seen where they hold settings or resources gatelint
    /// checks (bodies excepted: their API says so), with the reason, in template order.
    pub fn unseen(&self) -> &[(Loc, String)] {
        &self.unseen
    }

    /// Whether any include was found.
    pub fn is_empty(&self) -> bool {
        self.snippets.is_empty()
    }
}

/// An API definition in the template reads through its includes: a snippet that stands for a
/// value is read in its place, one beside a mapping's keys merges into the mapping, as
/// CloudFormation expands them before API Gateway (or SAM) sees the document.
impl TemplateView for Includes {
    fn branches<'a>(&'a self, node: NodeRef<'a>) -> Option<Vec<(Conditions, Option<NodeRef<'a>>)>> {
        let mut leaves = super::fn_if::fn_if_branches(node)?;
        for (_, leaf) in &mut leaves {
            *leaf = leaf.map(|leaf| self.follow(leaf));
        }
        Some(leaves)
    }

    fn follow<'a>(&'a self, node: NodeRef<'a>) -> NodeRef<'a> {
        Includes::follow(self, node)
    }

    fn entry<'a>(&'a self, map: NodeRef<'a>, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        self.entry_in(map, key)
    }

    fn merged_entries<'a>(&'a self, map: NodeRef<'a>) -> Option<Vec<(NodeRef<'a>, NodeRef<'a>)>> {
        Includes::merged_entries(self, map)
    }
}

/// Read a snippet at `location` as the template writes it. Reasons read as "... is included
/// <reason>".
fn read(location: &str, files: &dyn FileLoader, errors: &mut Vec<InputError>) -> Snippet {
    let lower = location.to_ascii_lowercase();
    if lower.starts_with("s3://") || lower.starts_with("https://") || lower.starts_with("http://") {
        return Snippet::NotVisible(format!("from S3 (`{location}`)"));
    }
    match files.load(location) {
        Ok(documents) => match documents.into_iter().next() {
            Some(document) => Snippet::Loaded(Box::new(document)),
            None => Snippet::NotVisible(format!("from `{location}`, which is empty")),
        },
        Err(LoadError::NotAvailable) => Snippet::NotVisible(format!(
            "from `{location}`, which is not read (no directory to read it from)"
        )),
        Err(LoadError::Outside) => Snippet::NotVisible(format!(
            "from `{location}`, outside the template's directory (gatelint reads no further)"
        )),
        Err(LoadError::Unreadable(why)) => {
            Snippet::NotVisible(format!("from `{location}`, which cannot be read: {why}"))
        }
        Err(LoadError::Syntax(error)) => {
            errors.push(error);
            Snippet::NotVisible(format!(
                "from `{location}`, which is not valid YAML or JSON"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::syntax::SourceFile;

    /// Snippets served by name, parsed on each load.
    struct Snippets(&'static [(&'static str, &'static str)]);

    impl FileLoader for Snippets {
        fn load(&self, reference: &str) -> Result<Vec<Document>, LoadError> {
            let (_, text) = self
                .0
                .iter()
                .find(|(name, _)| *name == reference)
                .ok_or(LoadError::NotAvailable)?;
            let file = SourceFile::new(reference, (*text).to_owned());
            Ok(crate::syntax::parse(&file).unwrap())
        }
    }

    fn load(root: NodeRef<'_>, files: &Snippets) -> Includes {
        let locate = |location: NodeRef<'_>| location.as_str().map(str::to_owned);
        Includes::load(root, &locate, files, &mut Vec::new())
    }

    /// `load_includes` skips the search when the text cannot hold an include: one whose name is
    /// spelled with an escape is read all the same.
    #[test]
    fn an_include_spelled_with_an_escape_is_read() {
        for name in ["AWS::Include", "\"AWS::\\x49nclude\""] {
            let text = format!(
                "Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      \
                 Fn::Transform: {{Name: {name}, Parameters: {{Location: one}}}}\n"
            );
            let file = SourceFile::new("t.yaml", text);
            let documents = crate::syntax::parse(&file).unwrap();
            let root = documents[0].root();
            let files = Snippets(&[("one", "TopicName: t\n")]);
            let (mut notes, mut errors) = (Vec::new(), Vec::new());
            let includes = super::super::load_includes(root, &files, &mut notes, &mut errors);
            let properties = root.get("Resources").unwrap().get("T").unwrap();
            let properties = properties.get("Properties").unwrap();
            assert!(
                matches!(includes.get(properties), Some(Included::Snippet(_))),
                "{name}"
            );
        }
    }

    #[test]
    fn beside_other_keys_the_mapping_wins_then_the_later_snippet_and_unseen_is_the_call() {
        let file = SourceFile::new(
            "t.yaml",
            "Props:\n  A: own\n  Fn::Transform:\n    - {Name: AWS::Include, Parameters: {Location: one}}\n    - {Name: AWS::Include, Parameters: {Location: two}}\n\
             Hidden:\n  A: own\n  Fn::Transform: {Name: AWS::Include, Parameters: {Location: 's3://b/k'}}\n\
             Value: {Fn::Transform: [{Name: AWS::Include, Parameters: {Location: one}}]}\n"
                .to_owned(),
        );
        let documents = crate::syntax::parse(&file).unwrap();
        let root = documents[0].root();
        let files = Snippets(&[("one", "A: one\nB: one\nC: one\n"), ("two", "B: two\n")]);
        let includes = load(root, &files);
        let props = root.get("Props").unwrap();
        let text = |key: &str| get_in(Some(&includes), props, key).and_then(NodeRef::as_str);
        assert_eq!(text("A"), Some("own"));
        assert_eq!(text("B"), Some("two"));
        assert_eq!(text("C"), Some("one"));
        assert_eq!(text("D"), None);
        let keys: Vec<_> = includes
            .merged_entries(props)
            .unwrap()
            .into_iter()
            .filter_map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, ["A", "C", "B"]);
        // A snippet that cannot be seen: the mapping's own keys, else the call (Unknown).
        let hidden = root.get("Hidden").unwrap();
        assert_eq!(
            get_in(Some(&includes), hidden, "A").unwrap().as_str(),
            Some("own")
        );
        let unknown = get_in(Some(&includes), hidden, "B").unwrap();
        assert!(is_include(unknown));
        assert!(crate::formats::intrinsic::intrinsic(unknown).is_some());
        // The list form with one include stands for the snippet.
        let value = includes.follow(root.get("Value").unwrap());
        assert_eq!(value.get("C").unwrap().as_str(), Some("one"));
    }

    #[test]
    fn a_definition_reads_through_its_includes_as_if_inline() {
        use crate::formats::openapi::Spec;
        let file = SourceFile::new(
            "t.yaml",
            "Body:\n  info: {title: t}\n  Fn::Transform: {Name: AWS::Include, Parameters: {Location: head}}\n  \
             paths:\n    /inline: {get: {}}\n    /item: {Fn::Transform: {Name: AWS::Include, Parameters: {Location: item}}}\n    \
             /alias: {$ref: '#/x-items/shared'}\n"
                .to_owned(),
        );
        let documents = crate::syntax::parse(&file).unwrap();
        let body = documents[0].root().get("Body").unwrap();
        let files = Snippets(&[
            (
                "head",
                "openapi: 3.0.1\ninfo: {title: ignored}\nx-items: {shared: {post: {}}}\n",
            ),
            ("item", "put: {}\ndelete: {}\n"),
        ]);
        let includes = load(body, &files);
        // Without the template, the definition is not even an OpenAPI document.
        assert!(Spec::detect(body).is_none());
        let spec = Spec::detect_in(body, &includes).unwrap().unwrap();
        // The mapping's own key wins over the snippet's.
        let title = spec.get(spec.get(body, "info").unwrap(), "title").unwrap();
        assert_eq!(title.as_str(), Some("t"));
        let operations: Vec<String> = spec
            .operations()
            .iter()
            .map(|op| {
                format!(
                    "{} {} {}",
                    op.method,
                    op.path,
                    op.method_key.doc().file.path()
                )
            })
            .collect();
        assert_eq!(
            operations,
            [
                "GET /inline t.yaml",
                "PUT /item item",
                "DELETE /item item",
                "POST /alias head"
            ]
        );
    }
}
