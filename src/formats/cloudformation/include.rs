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
use crate::syntax::{Document, Loc, NodeIdentity, NodeKind, NodeRef};

/// The name of the include transform.
pub const INCLUDE: &str = "AWS::Include";

/// Includes deeper in the template than this are not looked for (the tree depth is capped far
/// below anyway).
const MAX_WALK: usize = 1_000_000;

/// The snippets of one template's `AWS::Include` transforms.
#[derive(Debug, Default)]
pub struct Includes {
    /// Keyed by the transform's node in the template.
    snippets: Vec<(NodeIdentity, Snippet)>,
    /// The API definitions in CDK assets, keyed by the `BodyS3Location` node that names each.
    bodies: Vec<(NodeIdentity, Snippet)>,
    /// The snippets that cannot be seen where they hold settings gatelint reads (in `Globals`,
    /// in a resource it checks, or a whole resource), but for bodies, which their API notes:
    /// where each is, and the reason.
    unseen: Vec<(Loc, String)>,
    /// The template-level includes (`Transform: {Name: AWS::Include, ...}`), in the order the
    /// `Transform` section lists them: each merges its sections into the template's.
    template_level: Vec<NodeIdentity>,
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
    /// An API's `Body` or `DefinitionBody` (its API says when it cannot be seen).
    Body,
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
                if super::checked::makes_checked_resources(kind) {
                    Place::Checked
                } else {
                    Place::Other
                }
            }
            Place::Checked if matches!(key, Some("Body" | "DefinitionBody")) => Place::Body,
            other => other,
        }
    }

    /// Whether an include here that cannot be seen hides what gatelint checks.
    fn noted(self) -> bool {
        matches!(self, Place::Resources | Place::Resource | Place::Checked)
    }
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

/// The `Location` of an `AWS::Include` transform call, if `node` is one.
fn include_location(node: NodeRef<'_>) -> Option<NodeRef<'_>> {
    let transform = if node.tag() == Some("!Transform") {
        node
    } else {
        let mut entries = node.entries();
        let (key, value) = entries.next()?;
        if entries.next().is_some() || key.as_str() != Some("Fn::Transform") {
            return None;
        }
        value
    };
    if transform.get("Name").and_then(NodeRef::as_str) != Some(INCLUDE) {
        return None;
    }
    // A missing Location is CloudFormation's error; to us the snippet is not visible.
    Some(
        transform
            .get("Parameters")
            .and_then(|p| p.get("Location"))
            .unwrap_or(transform),
    )
}

/// The `Fn::Transform` key and its `AWS::Include` call, where `map` holds one beside other keys
/// (CloudFormation merges the snippet's entries into the mapping).
fn transform_beside_keys(map: NodeRef<'_>) -> Option<(NodeRef<'_>, NodeRef<'_>)> {
    if !map.is_map() || map.entries().nth(1).is_none() {
        return None;
    }
    map.entries().find(|(key, value)| {
        key.as_str() == Some("Fn::Transform")
            && value.get("Name").and_then(NodeRef::as_str) == Some(INCLUDE)
    })
}

/// The resources an `AWS::Include` beside other resources of `Resources` merges into the
/// section, when `key` is its `Fn::Transform` key and the snippet was read.
pub fn merged_resources<'a>(
    includes: Option<&'a Includes>,
    key: NodeRef<'a>,
    call: NodeRef<'a>,
) -> Option<NodeRef<'a>> {
    if key.as_str() != Some("Fn::Transform") {
        return None;
    }
    match includes?.get(call)? {
        Included::Snippet(snippet) if snippet.is_map() => Some(snippet),
        _ => None,
    }
}

/// The template-level `AWS::Include` transforms of `root`: its `Transform` section, or an item
/// of it, written as `{Name: AWS::Include, Parameters: {Location: ...}}`.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-include.html>
pub fn template_level(root: NodeRef<'_>) -> Vec<NodeRef<'_>> {
    let Some(section) = root.get("Transform") else {
        return Vec::new();
    };
    let transforms: Vec<NodeRef<'_>> = if section.is_seq() {
        section.items().collect()
    } else {
        vec![section]
    };
    transforms
        .into_iter()
        .filter(|t| t.get("Name").and_then(NodeRef::as_str) == Some(INCLUDE))
        .collect()
}

/// Whether `node` is an `AWS::Include` transform call. Once includes are followed, one that is
/// still there is one whose snippet cannot be seen.
pub fn is_include(node: NodeRef<'_>) -> bool {
    include_location(node).is_some()
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
        let mut stack = vec![(root, Place::Root)];
        let mut visited = 0usize;
        while let Some((node, place)) = stack.pop() {
            visited += 1;
            if visited > MAX_WALK {
                break;
            }
            if let Some(location) = include_location(node) {
                calls.push((node, location, place));
                continue;
            }
            if let Some((key, call)) = transform_beside_keys(node) {
                if place == Place::Resources {
                    // Merged into the section: the template lists the snippet's resources.
                    let location = call
                        .get("Parameters")
                        .and_then(|p| p.get("Location"))
                        .unwrap_or(call);
                    calls.push((call, location, Place::Resources));
                } else if place.noted() || place == Place::Root {
                    includes.unseen.push((
                        key.loc(),
                        "beside other keys of its mapping, which gatelint merges only in \
                         `Resources`"
                            .to_owned(),
                    ));
                }
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
        // The template-level ones merge whole sections: what they hide is always noted.
        for transform in template_level(root) {
            let location = transform
                .get("Parameters")
                .and_then(|p| p.get("Location"))
                .unwrap_or(transform);
            includes.template_level.push(transform.identity());
            calls.push((transform, location, Place::Resources));
        }
        calls.sort_by_key(|(node, _, _)| node.span().start);
        for (node, location, place) in calls {
            let snippet = match locate(location) {
                None => Snippet::NotVisible(
                    "from a Location computed by an intrinsic function gatelint cannot resolve"
                        .to_owned(),
                ),
                Some(location) => read(&location, files, errors),
            };
            if let Snippet::NotVisible(reason) = &snippet
                && place.noted()
            {
                includes.unseen.push((node.loc(), reason.clone()));
            }
            includes.snippets.push((node.identity(), snippet));
        }
        includes
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
        let (_, snippet) = self.snippets.iter().find(|(at, _)| *at == wanted)?;
        Some(match snippet {
            Snippet::Loaded(document) => Included::Snippet(document.root()),
            Snippet::NotVisible(reason) => Included::NotVisible {
                at: node.loc(),
                reason,
            },
        })
    }

    /// The snippets of the template-level includes that were read, in the order they are
    /// listed: mappings of sections (`Resources`, `Parameters`, `Mappings`, `Globals`) that
    /// CloudFormation merges into the template's.
    pub fn template_level(&self) -> Vec<NodeRef<'_>> {
        self.template_level
            .iter()
            .filter_map(|wanted| self.snippets.iter().find(|(at, _)| at == wanted))
            .filter_map(|(_, snippet)| match snippet {
                Snippet::Loaded(document) => Some(document.root()).filter(|r| r.is_map()),
                Snippet::NotVisible(_) => None,
            })
            .collect()
    }

    /// `node`, or the snippet it includes when that was read.
    pub fn follow<'a>(&'a self, node: NodeRef<'a>) -> NodeRef<'a> {
        if self.snippets.is_empty() {
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
