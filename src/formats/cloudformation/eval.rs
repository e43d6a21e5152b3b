//! Static evaluation of template values. A `Ref` to a parameter takes its `Default`;
//! pseudo-parameters (but `AWS::NoValue`), `Fn::ImportValue` and anything else that only exists
//! at deploy time are Unknown; `Fn::If` keeps both branches, each tagged with its condition.

use std::borrow::Cow;

use super::intrinsic::{Intrinsic, intrinsic};
use super::template::Template;
use crate::model::Resolved;
use crate::syntax::NodeRef;

/// Evaluation nests at most this deep (parameter defaults and nested functions); deeper is Unknown.
const MAX_EVAL_DEPTH: usize = 64;

/// Conditional results with more leaves than this are given up as Unknown.
const MAX_BRANCHES: usize = 64;

/// A statically known template value.
#[derive(Clone, Debug)]
pub enum Value<'a> {
    /// `AWS::NoValue`: as if the property were not there.
    Absent,
    /// A scalar (CloudFormation treats numbers and booleans as strings too).
    Str(Cow<'a, str>),
    /// A `Ref` to a resource: its logical id.
    Ref(&'a str),
    /// A `Fn::GetAtt` of a resource's attribute.
    GetAtt(&'a str, String),
    List(Vec<Value<'a>>),
    /// A mapping or sequence that is not a function call, to be read with the view.
    Node(NodeRef<'a>),
}

impl<'a> Value<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// What a reference property (`RestApiId`, `AuthorizerId`, `ParentId`) points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// `!Ref Resource`
    Resource(&'a str),
    /// `!GetAtt Resource.Attribute`
    Attribute(&'a str, String),
}

impl<'a> Target<'a> {
    pub fn resource(&self) -> &'a str {
        match self {
            Target::Resource(id) | Target::Attribute(id, _) => id,
        }
    }
}

pub struct Evaluator<'t, 'a> {
    template: &'t Template<'a>,
}

impl<'t, 'a> Evaluator<'t, 'a> {
    pub fn new(template: &'t Template<'a>) -> Self {
        Evaluator { template }
    }

    pub fn eval(&self, node: NodeRef<'a>) -> Resolved<Value<'a>> {
        self.eval_at(node, 0)
    }

    /// A possibly missing property: `None` when it is missing or `AWS::NoValue`.
    pub fn eval_opt(&self, node: Option<NodeRef<'a>>) -> Resolved<Option<Value<'a>>> {
        match node {
            None => Resolved::Known(None),
            Some(node) => self.eval(node).map(|v| match v {
                Value::Absent => None,
                other => Some(other.clone()),
            }),
        }
    }

    /// A string property. A `Ref` to a resource is Unknown (its physical id is not known).
    pub fn string(&self, node: Option<NodeRef<'a>>) -> Resolved<Option<String>> {
        self.eval_opt(node).and_then(&|v| match v {
            None => Resolved::Known(None),
            Some(Value::Str(s)) => Resolved::Known(Some(s.to_string())),
            Some(_) => Resolved::Unknown,
        })
    }

    /// A string property known whatever the conditions; `None` when it is absent, differs by
    /// condition, or cannot be known before deployment.
    pub fn known_string(&self, node: Option<NodeRef<'a>>) -> Option<String> {
        self.string(node).known().cloned().flatten()
    }

    /// A boolean property, in any of the spellings CloudFormation accepts.
    pub fn boolean(&self, node: Option<NodeRef<'a>>) -> Resolved<Option<bool>> {
        self.string(node).and_then(
            &|s| match s.as_deref().map(str::to_ascii_lowercase).as_deref() {
                None => Resolved::Known(None),
                Some("true") => Resolved::Known(Some(true)),
                Some("false") => Resolved::Known(Some(false)),
                Some(_) => Resolved::Unknown,
            },
        )
    }

    /// A non-negative whole number property.
    pub fn number(&self, node: Option<NodeRef<'a>>) -> Resolved<Option<u64>> {
        self.string(node).and_then(&|s| match s {
            None => Resolved::Known(None),
            Some(text) => match text.trim().parse::<f64>() {
                Ok(n) if n >= 0.0 && n.fract() == 0.0 => Resolved::Known(Some(n as u64)),
                _ => Resolved::Unknown,
            },
        })
    }

    /// A reference property: which resource it points at.
    pub fn target(&self, node: Option<NodeRef<'a>>) -> Resolved<Option<Target<'a>>> {
        self.eval_opt(node).and_then(&|v| match v {
            None => Resolved::Known(None),
            Some(Value::Ref(id)) => Resolved::Known(Some(Target::Resource(id))),
            Some(Value::GetAtt(id, attribute)) => {
                Resolved::Known(Some(Target::Attribute(id, attribute.clone())))
            }
            // A literal id or an imported one: not a resource of this template.
            Some(_) => Resolved::Unknown,
        })
    }

    /// The resource a reference property points at whatever the conditions; `None` as for
    /// [`Evaluator::known_string`].
    pub fn known_target(&self, node: Option<NodeRef<'a>>) -> Option<Target<'a>> {
        self.target(node).known().cloned().flatten()
    }

    /// A property that should be a mapping: `None` when it is absent or `AWS::NoValue`, Unknown
    /// when it is something else.
    pub fn mapping(&self, node: Option<NodeRef<'a>>) -> Resolved<Option<NodeRef<'a>>> {
        self.eval_opt(node).and_then(&|value| match value {
            None => Resolved::Known(None),
            Some(Value::Node(map)) if map.is_map() => Resolved::Known(Some(*map)),
            Some(_) => Resolved::Unknown,
        })
    }

    /// The items of a list property, each evaluated; `AWS::NoValue` items are dropped.
    pub fn list(&self, node: Option<NodeRef<'a>>) -> Resolved<Vec<Value<'a>>> {
        self.eval_opt(node).and_then(&|v| match v {
            None => Resolved::Known(Vec::new()),
            Some(Value::List(items)) => Resolved::Known(items.clone()),
            Some(Value::Node(seq)) if seq.is_seq() => {
                let items: Vec<Resolved<Value<'a>>> = seq.items().map(|i| self.eval(i)).collect();
                combine(items).map(|values| {
                    values
                        .iter()
                        .filter(|v| !matches!(v, Value::Absent))
                        .cloned()
                        .collect()
                })
            }
            Some(single) => Resolved::Known(vec![single.clone()]),
        })
    }

    fn eval_at(&self, node: NodeRef<'a>, depth: usize) -> Resolved<Value<'a>> {
        if depth > MAX_EVAL_DEPTH {
            return Resolved::Unknown;
        }
        let Some(function) = intrinsic(node) else {
            return Resolved::Known(match node.as_str() {
                Some(text) if !node.is_null() => Value::Str(Cow::Borrowed(text)),
                Some(_) => Value::Absent,
                None => Value::Node(node),
            });
        };
        let next = depth + 1;
        let result = match function {
            Intrinsic::Ref(name) => self.reference(name, next),
            Intrinsic::GetAtt {
                resource,
                attribute,
            } => match self.template.resource(resource) {
                Some(_) => Resolved::Known(Value::GetAtt(resource, attribute)),
                None => Resolved::Unknown,
            },
            Intrinsic::If {
                condition,
                then,
                otherwise,
            } => Resolved::either(
                condition,
                self.eval_at(then, next),
                self.eval_at(otherwise, next),
            ),
            Intrinsic::Sub {
                template,
                variables,
            } => self.sub(template, variables, next),
            Intrinsic::Join { delimiter, items } => {
                let delimiter = self.eval_at(delimiter, next);
                let parts = self.list_at(items, next);
                let Some(Value::Str(delimiter)) = delimiter.known().cloned() else {
                    return Resolved::Unknown;
                };
                parts.and_then(&|parts| {
                    let strings: Option<Vec<&str>> = parts.iter().map(Value::as_str).collect();
                    strings.map_or(Resolved::Unknown, |s| {
                        Resolved::Known(Value::Str(Cow::Owned(s.join(&delimiter))))
                    })
                })
            }
            Intrinsic::FindInMap { map, top, second } => {
                let keys = combine(vec![
                    self.eval_at(map, next),
                    self.eval_at(top, next),
                    self.eval_at(second, next),
                ]);
                keys.and_then(&|keys| {
                    let names: Option<Vec<&str>> = keys.iter().map(Value::as_str).collect();
                    let found = names.and_then(|n| {
                        let [map, top, second] = n.as_slice() else {
                            return None;
                        };
                        self.template.mappings()?.get(map)?.get(top)?.get(second)
                    });
                    found.map_or(Resolved::Unknown, |node| self.eval_at(node, next))
                })
            }
            Intrinsic::Select { index, list } => {
                let index = self.eval_at(index, next);
                let items = self.list_at(list, next);
                let Some(position) = index
                    .known()
                    .and_then(Value::as_str)
                    .and_then(|s| s.trim().parse::<usize>().ok())
                else {
                    return Resolved::Unknown;
                };
                items.and_then(&|items| {
                    items
                        .get(position)
                        .cloned()
                        .map_or(Resolved::Unknown, Resolved::Known)
                })
            }
            Intrinsic::Split { delimiter, source } => {
                let delimiter = self.eval_at(delimiter, next);
                let source = self.eval_at(source, next);
                match (delimiter.known(), source) {
                    (Some(Value::Str(d)), Resolved::Known(Value::Str(s))) if !d.is_empty() => {
                        Resolved::Known(Value::List(
                            s.split(d.as_ref())
                                .map(|p| Value::Str(Cow::Owned(p.to_owned())))
                                .collect(),
                        ))
                    }
                    _ => Resolved::Unknown,
                }
            }
            Intrinsic::ImportValue(_)
            | Intrinsic::GetAzs
            | Intrinsic::Base64(_)
            | Intrinsic::Equals(..)
            | Intrinsic::And(_)
            | Intrinsic::Or(_)
            | Intrinsic::Not(_)
            | Intrinsic::Condition(_)
            | Intrinsic::Opaque(_) => Resolved::Unknown,
        };
        if result.leaf_count() > MAX_BRANCHES {
            Resolved::Unknown
        } else {
            result
        }
    }

    fn list_at(&self, node: NodeRef<'a>, depth: usize) -> Resolved<Vec<Value<'a>>> {
        self.eval_at(node, depth).and_then(&|v| match v {
            Value::List(items) => Resolved::Known(items.clone()),
            Value::Node(seq) if seq.is_seq() => {
                combine(seq.items().map(|i| self.eval_at(i, depth + 1)).collect()).map(|values| {
                    values
                        .iter()
                        .filter(|v| !matches!(v, Value::Absent))
                        .cloned()
                        .collect()
                })
            }
            _ => Resolved::Unknown,
        })
    }

    fn reference(&self, name: &'a str, depth: usize) -> Resolved<Value<'a>> {
        if name == "AWS::NoValue" {
            return Resolved::Known(Value::Absent);
        }
        if let Some(parameter) = self.template.parameter(name) {
            return parameter
                .default
                .map_or(Resolved::Unknown, |d| self.eval_at(d, depth));
        }
        if self.template.resource(name).is_some() {
            return Resolved::Known(Value::Ref(name));
        }
        // Pseudo-parameters (AWS::Region, AWS::AccountId, ...) and undefined names.
        Resolved::Unknown
    }

    /// `Fn::Sub`: substitute `${Name}` where the name is a known variable or parameter.
    fn sub(
        &self,
        template: NodeRef<'a>,
        variables: Option<NodeRef<'a>>,
        depth: usize,
    ) -> Resolved<Value<'a>> {
        let Some(text) = template.as_str() else {
            return Resolved::Unknown;
        };
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(rest.get(..start).unwrap_or(""));
            let after = rest.get(start + 2..).unwrap_or("");
            let Some(end) = after.find('}') else {
                out.push_str(rest.get(start..).unwrap_or(""));
                rest = "";
                break;
            };
            let name = after.get(..end).unwrap_or("");
            rest = after.get(end + 1..).unwrap_or("");
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let value = match variables.and_then(|v| v.get(name)) {
                Some(node) => self.eval_at(node, depth + 1),
                None if name.contains('.') => Resolved::Unknown,
                None => match self.template.parameter(name) {
                    Some(p) => p
                        .default
                        .map_or(Resolved::Unknown, |d| self.eval_at(d, depth + 1)),
                    None => Resolved::Unknown,
                },
            };
            match value {
                Resolved::Known(Value::Str(s)) => out.push_str(&s),
                _ => return Resolved::Unknown,
            }
        }
        out.push_str(rest);
        Resolved::Known(Value::Str(Cow::Owned(out)))
    }
}

/// All combinations of the parts' branches, as one conditional list.
fn combine<T: Clone>(parts: Vec<Resolved<T>>) -> Resolved<Vec<T>> {
    parts
        .into_iter()
        .fold(Resolved::Known(Vec::new()), |acc, part| {
            acc.and_then(&|done: &Vec<T>| {
                part.map(|value| {
                    let mut next = done.clone();
                    next.push(value.clone());
                    next
                })
            })
        })
}
