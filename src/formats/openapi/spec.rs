//! The OpenAPI document view: which version a document is, its operations (one per branch of a
//! template's `Fn::If`) and local `$ref`s followed with a hop limit. Inside a template, the
//! document is read as CloudFormation hands it on: through the template's `Fn::If` and
//! `AWS::Include`s, so every lookup of the lowering goes through [`Spec::get`],
//! [`Spec::entries`] and [`Spec::items`].

use crate::model::{Conditions, Method};
use crate::syntax::{Loc, NodeRef};

/// How many `$ref` hops a chain may take before it counts as a cycle.
const MAX_REF_HOPS: usize = 32;

const AWS_EXTENSION_PREFIX: &str = "x-amazon-apigateway-";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    Swagger2,
    OpenApi30,
    OpenApi31,
}

/// An OpenAPI document, or the OpenAPI subtree of a template.
#[derive(Clone, Copy, Debug)]
pub struct Spec<'a> {
    pub root: NodeRef<'a>,
    pub version: Version,
    /// How the enclosing template changes what the document says; `None` for a standalone
    /// document.
    pub template: Option<&'a dyn TemplateView>,
}

/// What a template does to the OpenAPI document written in it before API Gateway reads it:
/// `Fn::If` makes a value depend on a condition (the view expands path items and operations
/// into one per branch, so a route that exists only under a condition is still seen, and its
/// findings name the condition), and `AWS::Include` puts a snippet in place of a value or merges
/// one into a mapping (read as if written inline, with spans in the snippet).
pub trait TemplateView: std::fmt::Debug + Sync {
    /// `None` when `node` is not conditional; otherwise every leaf with the conditions that lead
    /// to it, and `None` for a leaf that removes the value (`AWS::NoValue`).
    fn branches<'a>(&'a self, node: NodeRef<'a>) -> Option<Vec<(Conditions, Option<NodeRef<'a>>)>>;

    /// What `node` stands for: the snippet an include there puts in its place, else `node`.
    fn follow<'a>(&'a self, node: NodeRef<'a>) -> NodeRef<'a> {
        node
    }

    /// The entry of `key` in `map`, with what includes beside its keys merge in (the value not
    /// followed).
    fn entry<'a>(&'a self, map: NodeRef<'a>, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        map.entry(key)
    }

    /// The entries of `map` with what includes beside its keys merge in, each key once (the
    /// values not followed); `None` when no include sits beside its keys.
    fn merged_entries<'a>(&'a self, map: NodeRef<'a>) -> Option<Vec<(NodeRef<'a>, NodeRef<'a>)>> {
        let _ = map;
        None
    }
}

/// Why a `$ref` could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    /// Points into another file; we never fetch those.
    External(String),
    /// Names nothing in this document.
    Dangling(String),
    /// Leads back to itself.
    Cycle(String),
}

impl<'a> Spec<'a> {
    /// Recognise an OpenAPI document. `None`: it is not one. `Err`: it says it is, but in a
    /// version we do not read (the location is the version value).
    pub fn detect(root: NodeRef<'a>) -> Option<Result<Spec<'a>, (Loc, String)>> {
        Spec::detect_within(root, None)
    }

    /// [`Spec::detect`] for a document written in a template, read through `template` (its
    /// `openapi` key may come from an included snippet, say).
    pub fn detect_in(
        root: NodeRef<'a>,
        template: &'a dyn TemplateView,
    ) -> Option<Result<Spec<'a>, (Loc, String)>> {
        Spec::detect_within(root, Some(template))
    }

    fn detect_within(
        root: NodeRef<'a>,
        template: Option<&'a dyn TemplateView>,
    ) -> Option<Result<Spec<'a>, (Loc, String)>> {
        let view = Spec {
            root,
            version: Version::OpenApi30,
            template,
        };
        if let Some(version) = view.get(root, "swagger") {
            let text = version.as_str().unwrap_or("");
            return Some(if text == "2.0" || text == "2" {
                Ok(Spec {
                    root,
                    version: Version::Swagger2,
                    template,
                })
            } else {
                Err((
                    version.loc(),
                    format!("unsupported Swagger version `{text}`; gatelint reads 2.0"),
                ))
            });
        }
        let version = view.get(root, "openapi")?;
        let text = version.as_str().unwrap_or("");
        let parsed = if text.starts_with("3.0") {
            Some(Version::OpenApi30)
        } else if text.starts_with("3.1") {
            Some(Version::OpenApi31)
        } else {
            None
        };
        Some(match parsed {
            Some(version) => Ok(Spec {
                root,
                version,
                template,
            }),
            None => Err((
                version.loc(),
                format!("unsupported OpenAPI version `{text}`; gatelint reads 2.0, 3.0 and 3.1"),
            )),
        })
    }

    /// The key and value of `key` in `map` as the document reads once the template is
    /// expanded: with what includes beside its keys merge in, the value followed.
    #[inline]
    pub fn entry(self, map: NodeRef<'a>, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        match self.template {
            Some(template) => template
                .entry(map, key)
                .map(|(key, value)| (key, template.follow(value))),
            None => map.entry(key),
        }
    }

    /// The value of `key` in `map` (see [`Spec::entry`]).
    #[inline]
    pub fn get(self, map: NodeRef<'a>, key: &str) -> Option<NodeRef<'a>> {
        self.entry(map, key).map(|(_, value)| value)
    }

    /// The entries of `map` (see [`Spec::entry`]): as written, or, where includes sit beside its
    /// keys, merged with their snippets (each key once).
    pub fn entries(
        self,
        map: NodeRef<'a>,
    ) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + use<'a> {
        let template = self.template;
        let merged = template.and_then(|t| t.merged_entries(map));
        let written = match merged {
            Some(_) => None,
            None => Some(map.entries()),
        };
        written
            .into_iter()
            .flatten()
            .chain(merged.into_iter().flatten())
            .map(move |(key, value)| match template {
                Some(template) => (key, template.follow(value)),
                None => (key, value),
            })
    }

    /// The entries of `map` with a key repeated later left out (see
    /// [`crate::formats::nodes::distinct_entries`] and [`Spec::entries`]).
    pub fn distinct_entries(self, map: NodeRef<'a>) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
        let Some(template) = self.template else {
            return crate::formats::nodes::distinct_entries(map);
        };
        let mut entries = template
            .merged_entries(map)
            .unwrap_or_else(|| crate::formats::nodes::distinct_entries(map));
        for (_, value) in &mut entries {
            *value = template.follow(*value);
        }
        entries
    }

    /// The items of `seq`, each read through the template (an item may be an included snippet).
    pub fn items(self, seq: NodeRef<'a>) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        let template = self.template;
        seq.items().map(move |item| match template {
            Some(template) => template.follow(item),
            None => item,
        })
    }

    /// `node`'s branches (one unconditional branch when it is not conditional); branches that
    /// remove the value are left out.
    pub(super) fn expand(self, node: NodeRef<'a>) -> Vec<(Conditions, NodeRef<'a>)> {
        match self.template.and_then(|c| c.branches(node)) {
            Some(branches) => branches
                .into_iter()
                .filter_map(|(when, node)| Some((when, node?)))
                .collect(),
            None => vec![(Vec::new(), node)],
        }
    }

    /// `node`'s branches when a condition chooses it (each under at least one condition), with
    /// `None` for a branch that removes the value; `None` when it is not conditional.
    pub(super) fn branches(
        self,
        node: NodeRef<'a>,
    ) -> Option<Vec<(Conditions, Option<NodeRef<'a>>)>> {
        self.template
            .and_then(|c| c.branches(node))
            .filter(|branches| branches.iter().all(|(when, _)| !when.is_empty()))
    }

    /// Whether the document uses any `x-amazon-apigateway-*` extension.
    pub fn is_aws(self) -> bool {
        let mut stack = vec![self.root];
        while let Some(node) = stack.pop() {
            if node.is_map() {
                for (key, value) in node.written_entries() {
                    if key
                        .followed()
                        .as_str()
                        .is_some_and(|k| k.starts_with(AWS_EXTENSION_PREFIX))
                    {
                        return true;
                    }
                    stack.push(value);
                }
            } else {
                stack.extend(node.written_children());
            }
        }
        false
    }

    /// Follow `node`'s `$ref` chain (local references only) to the node it stands for.
    pub fn resolve(self, node: NodeRef<'a>) -> Result<NodeRef<'a>, RefError> {
        let mut current = node;
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = self.get(current, "$ref").and_then(NodeRef::as_str) else {
                return Ok(current);
            };
            current = self.pointer(reference)?;
        }
        Err(RefError::Cycle(
            self.get(node, "$ref")
                .and_then(NodeRef::as_str)
                .unwrap_or("")
                .to_owned(),
        ))
    }

    /// Like [`Spec::resolve`], for callers that treat an unresolvable node as absent.
    pub fn resolve_or_none(self, node: NodeRef<'a>) -> Option<NodeRef<'a>> {
        self.resolve(node).ok()
    }

    fn pointer(self, reference: &str) -> Result<NodeRef<'a>, RefError> {
        let Some(pointer) = reference.strip_prefix('#') else {
            return Err(RefError::External(reference.to_owned()));
        };
        let mut node = self.root;
        for token in pointer.split('/').skip(1) {
            let token = percent_decode(token).replace("~1", "/").replace("~0", "~");
            let next = if node.is_seq() {
                token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| self.items(node).nth(i))
            } else {
                self.get(node, &token)
            };
            node = next.ok_or_else(|| RefError::Dangling(reference.to_owned()))?;
        }
        Ok(node)
    }

    /// The scheme name a security scheme definition aliases through a local `$ref`
    /// (`legacy: {$ref: '#/components/securitySchemes/sso'}` → `sso`).
    pub fn scheme_alias(self, scheme: NodeRef<'a>) -> Option<&'a str> {
        let reference = self.get(scheme, "$ref")?.as_str()?;
        let prefix = match self.version {
            Version::Swagger2 => "#/securityDefinitions/",
            Version::OpenApi30 | Version::OpenApi31 => "#/components/securitySchemes/",
        };
        reference.strip_prefix(prefix)
    }

    /// The security scheme definitions: (name key, resolved scheme).
    pub fn security_schemes(self) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
        let container = match self.version {
            Version::Swagger2 => self.get(self.root, "securityDefinitions"),
            Version::OpenApi30 | Version::OpenApi31 => self
                .get(self.root, "components")
                .and_then(|c| self.get(c, "securitySchemes")),
        };
        container
            .into_iter()
            .flat_map(|c| self.distinct_entries(c))
            .filter_map(|(name, scheme)| Some((name, self.resolve_or_none(scheme)?)))
            .collect()
    }

    /// Every operation, in document order.
    pub fn operations(self) -> Vec<Operation<'a>> {
        let mut operations = Vec::new();
        self.each_operation(|operation| operations.push(operation));
        operations
    }

    /// Hand every operation to `visit`, in document order, without collecting them (a large
    /// document has tens of thousands).
    pub fn each_operation(self, mut visit: impl FnMut(Operation<'a>)) {
        let Some(paths) = self.get(self.root, "paths") else {
            return;
        };
        for (path_key, item) in self.distinct_entries(paths) {
            let Some(path) = path_key.as_str() else {
                continue;
            };
            // `x-` extensions sit among the paths; `$default` is an HTTP API's catch-all route.
            if !path.starts_with('/') && path != "$default" {
                continue;
            }
            for (item_when, item) in self.expand(item) {
                let Some(item) = self.resolve_or_none(item) else {
                    continue;
                };
                for (method_key, operation) in self.distinct_entries(item) {
                    let Some(method) = method_key.as_str().and_then(operation_method) else {
                        continue;
                    };
                    for (operation_when, node) in self.expand(operation) {
                        let Some(when) = combine_conditions(&item_when, operation_when) else {
                            continue; // a condition that would have to be true and false
                        };
                        visit(Operation {
                            path,
                            path_key,
                            path_item: item,
                            method,
                            method_key,
                            node,
                            when,
                        });
                    }
                }
            }
        }
    }
}

/// `outer` and then `inner`, each condition once; `None` when they contradict each other.
fn combine_conditions(outer: &Conditions, inner: Conditions) -> Option<Conditions> {
    let mut when = outer.clone();
    for condition in inner {
        match when.iter().find(|c| c.name == condition.name) {
            Some(existing) if existing.holds != condition.holds => return None,
            Some(_) => {}
            None => when.push(condition),
        }
    }
    Some(when)
}

/// The method an operation key names, or `None` for other path item keys (`parameters`,
/// `servers`, `summary`, extensions).
pub(super) fn operation_method(key: &str) -> Option<Method> {
    match key {
        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => {
            Method::parse(key)
        }
        "x-amazon-apigateway-any-method" => Some(Method::Any),
        _ => None,
    }
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let decoded = (b == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One operation: a method under a path.
#[derive(Clone, Debug)]
pub struct Operation<'a> {
    pub path: &'a str,
    pub path_key: NodeRef<'a>,
    pub path_item: NodeRef<'a>,
    pub method: Method,
    pub method_key: NodeRef<'a>,
    pub node: NodeRef<'a>,
    /// The conditions under which the template includes this operation; empty for always.
    pub when: Conditions,
}
