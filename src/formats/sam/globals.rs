//! SAM `Globals`: properties written once for every `AWS::Serverless::Function`, `Api` or
//! `HttpApi` (implicit APIs included), merged into each resource the way the translator merges
//! them: maps merge key by key, lists concatenate (the global items first), and anything else —
//! scalars, intrinsic function calls, values of different shapes — is the resource's own.
//! A resource's `IgnoreGlobals` (`"*"` or a list of property names) opts out.
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html>

use crate::formats::cloudformation::Resource;
use crate::formats::cloudformation::include::{
    Includes, distinct_entries_in, entry_in, get_in, is_include,
};
use crate::formats::intrinsic::intrinsic;
use crate::syntax::{Loc, NodeRef};

/// `node`, or the snippet it includes when it is an `AWS::Include` that was read.
/// CloudFormation accepts the transform as any value of the template, so every value SAM reads
/// (a Globals section, `Auth.Authorizers`, one authorizer, an event's `Properties`) goes
/// through this.
pub(super) use crate::formats::cloudformation::include::follow;

/// The `Globals` section, by resource kind (`Function`, `Api`, `HttpApi`).
#[derive(Clone, Copy, Default)]
pub(super) struct Globals<'a> {
    section: Option<NodeRef<'a>>,
    includes: Option<&'a Includes>,
}

impl<'a> Globals<'a> {
    /// The template's `Globals` section (see `Template::globals`), whose values are read
    /// through `includes`.
    pub fn new(section: Option<NodeRef<'a>>, includes: Option<&'a Includes>) -> Self {
        Globals {
            section: section.map(|g| follow(includes, g)).filter(|g| g.is_map()),
            includes,
        }
    }

    /// `Globals.<kind>`, e.g. `Globals.Api`.
    fn of(self, kind: &str) -> Option<NodeRef<'a>> {
        get_in(self.includes, self.section?, kind)
            .map(|s| follow(self.includes, s))
            .filter(|s| s.is_map())
    }

    /// The properties of `resource` (none for an implicit API) with `Globals.<kind>` merged in,
    /// as far as its `IgnoreGlobals` lets them.
    pub fn merged_into(self, resource: Option<Resource<'a>>, kind: &str) -> Properties<'a> {
        Properties::new(
            resource.and_then(Resource::properties),
            self.of(kind),
            resource.and_then(|r| r.node.get("IgnoreGlobals")),
            self.includes,
        )
    }

    /// The key of `Globals.<kind>`, for pointing at where a default could be set.
    pub fn key_of(self, kind: &str) -> Option<Loc> {
        entry_in(self.includes, self.section?, kind).map(|(key, _)| key.loc())
    }

    /// The keys of `Globals` that gatelint would merge but the translator takes from no
    /// `Globals` section: it checks every key of `Globals.Api` and `Globals.HttpApi` against the
    /// properties it merges, and rejects the template for any other, whether or not an API
    /// exists (`GlobalsPlugin._parse`). A definition is never among them but for `Globals.Api`'s
    /// `DefinitionUri` ("its hard to reason about merge of Swagger dictionaries"), nor is a
    /// `StageName`: each API names its own stage.
    pub fn unmerged_keys(self) -> Vec<(&'static str, NodeRef<'a>)> {
        let mut found = Vec::new();
        for (kind, keys) in [
            ("Api", &["DefinitionBody", "StageName"][..]),
            (
                "HttpApi",
                &["DefinitionBody", "DefinitionUri", "StageName"][..],
            ),
        ] {
            let Some(section) = self.of(kind) else {
                continue;
            };
            for key in keys {
                // A key an unseen snippet may set is not known to be there.
                if let Some((key, _)) =
                    entry_in(self.includes, section, key).filter(|(_, value)| !is_include(*value))
                {
                    found.push((kind, key));
                }
            }
        }
        found
    }
}

/// A resource's properties as the translator sees them once Globals are merged in.
#[derive(Clone, Copy)]
pub(super) struct Properties<'a> {
    local: Option<NodeRef<'a>>,
    global: Option<NodeRef<'a>>,
    ignore: Option<NodeRef<'a>>,
    includes: Option<&'a Includes>,
}

impl<'a> Properties<'a> {
    /// `local` is the resource's `Properties` (none for an implicit API), `global` the section of
    /// Globals for its kind, `ignore` its `IgnoreGlobals` attribute.
    fn new(
        local: Option<NodeRef<'a>>,
        global: Option<NodeRef<'a>>,
        ignore: Option<NodeRef<'a>>,
        includes: Option<&'a Includes>,
    ) -> Self {
        Properties {
            local,
            global,
            ignore,
            includes,
        }
    }

    pub fn get(self, key: &str) -> Merged<'a> {
        let ignored = self.ignore.is_some_and(|ignore| {
            ignore.as_str() == Some("*") || ignore.items().any(|i| i.as_str() == Some(key))
        });
        let follow = |node: NodeRef<'a>| follow(self.includes, node);
        let get = |map: NodeRef<'a>| get_in(self.includes, map, key).map(follow);
        Merged {
            local: self.local.and_then(get),
            global: if ignored {
                None
            } else {
                self.global.and_then(get)
            },
            includes: self.includes,
        }
    }

    /// The key node of a property the resource itself sets.
    pub fn local_key(self, key: &str) -> Option<NodeRef<'a>> {
        entry_in(self.includes, self.local?, key).map(|(k, _)| k)
    }

    /// The key node of a property, on the resource or else in Globals.
    pub fn key(self, key: &str) -> Option<NodeRef<'a>> {
        self.local_key(key).or_else(|| {
            self.get(key).node()?;
            entry_in(self.includes, self.global?, key).map(|(k, _)| k)
        })
    }
}

/// One property value: the resource's layered over the global one.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Merged<'a> {
    local: Option<NodeRef<'a>>,
    global: Option<NodeRef<'a>>,
    includes: Option<&'a Includes>,
}

/// How the translator tells values apart when merging.
#[derive(PartialEq, Eq)]
enum Shape {
    Map,
    List,
    Primitive,
}

fn shape(node: NodeRef<'_>) -> Shape {
    // An intrinsic call resolves to a value at deploy time: it merges like a scalar.
    if intrinsic(node).is_some() {
        Shape::Primitive
    } else if node.is_map() {
        Shape::Map
    } else if node.is_seq() {
        Shape::List
    } else {
        Shape::Primitive
    }
}

impl<'a> Merged<'a> {
    /// A value that is not merged with anything.
    pub fn single(node: Option<NodeRef<'a>>) -> Self {
        Merged {
            local: node,
            global: None,
            includes: None,
        }
    }

    /// A value that is not merged, read through `includes` like a merged one.
    fn alone(self, node: Option<NodeRef<'a>>) -> Self {
        Merged {
            local: node.map(|n| self.follow(n)),
            global: None,
            includes: self.includes,
        }
    }

    fn follow(self, node: NodeRef<'a>) -> NodeRef<'a> {
        follow(self.includes, node)
    }

    /// Both values, when both are maps or both lists; otherwise the one that wins.
    fn layered(self) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        let (local, global) = (self.local?, self.global?);
        let same = shape(local) == shape(global) && shape(local) != Shape::Primitive;
        same.then_some((local, global))
    }

    /// The global value, when the resource does not set the property itself (and does not
    /// ignore Globals for it).
    pub fn global_only(self) -> Option<NodeRef<'a>> {
        self.global.filter(|_| self.local.is_none())
    }

    /// The value that decides a scalar (or the only value present).
    pub fn node(self) -> Option<NodeRef<'a>> {
        self.local.or(self.global)
    }

    pub fn is_present(self) -> bool {
        self.node().is_some()
    }

    /// Where the value is written: on the resource when it sets it, else in Globals.
    pub fn loc(self) -> Option<Loc> {
        self.node().map(NodeRef::loc)
    }

    pub fn as_str(self) -> Option<&'a str> {
        self.node().and_then(NodeRef::as_str)
    }

    pub fn is_map(self) -> bool {
        self.node().is_some_and(|n| shape(n) == Shape::Map)
    }

    /// Whether the value is an `AWS::Include` whose snippet cannot be seen (from S3, or from a
    /// Location gatelint cannot resolve): what it holds is Unknown.
    pub fn is_unseen(self) -> bool {
        self.node().is_some_and(is_include)
    }

    pub fn get(self, key: &str) -> Merged<'a> {
        let get = |map: NodeRef<'a>| get_in(self.includes, map, key);
        match self.layered() {
            Some((local, global)) if local.is_map() => Merged {
                local: get(local).map(|n| self.follow(n)),
                global: get(global).map(|n| self.follow(n)),
                includes: self.includes,
            },
            _ => self.alone(self.node().and_then(get)),
        }
    }

    /// The map's entries: the global keys first, in their order, then the resource's own.
    pub fn entries(self) -> Vec<(NodeRef<'a>, Merged<'a>)> {
        let Some((local, global)) = self.layered().filter(|(l, _)| l.is_map()) else {
            return self
                .node()
                .into_iter()
                .flat_map(|map| self.distinct_entries(map))
                .map(|(k, v)| (k, self.alone(Some(v))))
                .collect();
        };
        let mut out: Vec<(NodeRef<'a>, Merged<'a>)> = Vec::new();
        for (key, value) in self.distinct_entries(global) {
            let local_value = key.as_str().and_then(|k| get_in(self.includes, local, k));
            out.push((
                key,
                Merged {
                    local: local_value.map(|n| self.follow(n)),
                    global: Some(self.follow(value)),
                    includes: self.includes,
                },
            ));
        }
        for (key, value) in self.distinct_entries(local) {
            let seen = key
                .as_str()
                .is_some_and(|k| out.iter().any(|(o, _)| o.as_str() == Some(k)));
            if !seen {
                out.push((key, self.alone(Some(value))));
            }
        }
        out
    }

    /// The entries of `map`, a repeated key once (the last), with what an include beside its
    /// keys merges in.
    fn distinct_entries(self, map: NodeRef<'a>) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
        distinct_entries_in(self.includes, map)
    }

    /// The list's items: the global ones, then the resource's.
    pub fn items(self) -> Vec<NodeRef<'a>> {
        match self.layered() {
            Some((local, global)) if local.is_seq() => global
                .items()
                .chain(local.items())
                .map(|n| self.follow(n))
                .collect(),
            _ => self
                .node()
                .into_iter()
                .flat_map(NodeRef::items)
                .map(|n| self.follow(n))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::syntax::{self, Document, SourceFile};

    fn document(text: &str) -> Document {
        let file = SourceFile::new("t.yaml", text.to_owned());
        syntax::parse(&file).unwrap().remove(0)
    }

    const TEMPLATE: &str = "
Globals:
  Api:
    Auth:
      DefaultAuthorizer: Global
      Authorizers: {Global: {FunctionArn: g}}
    MethodSettings: [{ResourcePath: /*}]
    Cors: \"'*'\"
    Variables: {A: '1'}
Resources:
  Api:
    Properties:
      Auth:
        DefaultAuthorizer: Local
        Authorizers: {Local: {FunctionArn: l}}
      MethodSettings: [{ResourcePath: /pets}]
      Variables: !Ref Vars
";

    fn properties(doc: &Document, ignore: bool) -> Properties<'_> {
        let root = doc.root();
        let resource = root.get("Resources").unwrap().get("Api").unwrap();
        let ignore = ignore.then(|| resource.get("IgnoreGlobals").unwrap());
        Properties::new(
            resource.get("Properties"),
            Globals::new(root.get("Globals"), None).of("Api"),
            ignore,
            None,
        )
    }

    #[test]
    fn maps_merge_lists_concatenate_scalars_are_the_resources() {
        let doc = document(TEMPLATE);
        let props = properties(&doc, false);
        let auth = props.get("Auth");
        assert_eq!(auth.get("DefaultAuthorizer").as_str(), Some("Local"));
        let names: Vec<_> = auth
            .get("Authorizers")
            .entries()
            .iter()
            .map(|(k, _)| k.as_str().unwrap())
            .collect();
        assert_eq!(names, ["Global", "Local"]);
        let paths: Vec<_> = props
            .get("MethodSettings")
            .items()
            .iter()
            .map(|i| i.get("ResourcePath").unwrap().as_str().unwrap())
            .collect();
        assert_eq!(paths, ["/*", "/pets"]);
        // Only in Globals: taken from there, and located there.
        assert_eq!(props.get("Cors").as_str(), Some("'*'"));
        assert_eq!(props.get("Cors").loc().unwrap().start().line, 8);
        // An intrinsic merges like a scalar: the resource's replaces the global map.
        assert!(!props.get("Variables").is_map());
        assert!(props.get("Variables").get("A").node().is_none());
    }

    #[test]
    fn ignore_globals_drops_all_or_the_named_properties() {
        let star = TEMPLATE.replace(
            "  Api:\n    Properties:",
            "  Api:\n    IgnoreGlobals: '*'\n    Properties:",
        );
        let doc = document(&star);
        let props = properties(&doc, true);
        assert!(!props.get("Cors").is_present());
        assert_eq!(props.get("Auth").get("Authorizers").entries().len(), 1);
        let named = TEMPLATE.replace(
            "  Api:\n    Properties:",
            "  Api:\n    IgnoreGlobals: [Cors]\n    Properties:",
        );
        let doc = document(&named);
        let props = properties(&doc, true);
        assert!(!props.get("Cors").is_present());
        assert_eq!(props.get("Auth").get("Authorizers").entries().len(), 2);
    }
}
