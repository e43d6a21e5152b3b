//! Static evaluation of template values. A `Ref` to a parameter takes its `Default`;
//! pseudo-parameters (but `AWS::NoValue`), `Fn::ImportValue` and anything else that only exists
//! at deploy time are Unknown; `Fn::If` keeps both branches, each tagged with its condition.

use std::borrow::Cow;

use super::template::{Parameter, Template};
use crate::formats::intrinsic::{Intrinsic, intrinsic};
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
    /// The identifiers of the `Fn::ForEach` loops being expanded, innermost last, with the
    /// item each stands for: `Ref` and `Fn::Sub` read them before parameters.
    bindings: &'t [(String, String)],
}

impl<'t, 'a> Evaluator<'t, 'a> {
    pub fn new(template: &'t Template<'a>) -> Self {
        Evaluator {
            template,
            bindings: &[],
        }
    }

    /// An evaluator inside `Fn::ForEach` loops (see [`Evaluator::bindings`]).
    pub fn with_bindings(template: &'t Template<'a>, bindings: &'t [(String, String)]) -> Self {
        Evaluator { template, bindings }
    }

    /// The template's `AWS::Include` snippets, for reading a mapping with what an include
    /// beside its keys merges in.
    pub fn includes(&self) -> Option<&'a super::include::Includes> {
        self.template.includes()
    }

    /// The value of `key` in `map`, a mapping inside a property (a stage's `AccessLogSetting`, a
    /// `MethodSettings` item, a usage plan's `Throttle`), as CloudFormation sees it: with what an
    /// include beside its keys merges in (the mapping's own keys win; a key a snippet that cannot
    /// be seen may set is Unknown), an include of the whole value followed.
    /// `map` may itself be an include: the snippet's value is read, and where the snippet
    /// cannot be seen, the include is the value (Unknown), as it may set any key.
    pub fn get(&self, map: NodeRef<'a>, key: &str) -> Option<NodeRef<'a>> {
        let includes = self.includes();
        let map = super::include::follow(includes, map);
        if super::include::is_include(map) {
            return Some(map);
        }
        super::include::get_in(includes, map, key).map(|v| super::include::follow(includes, v))
    }

    /// The items of a list property as CloudFormation sees them: the list an include stands
    /// for, and each item an include stands for (an item that cannot be seen stays the include,
    /// which [`Evaluator::get`] and the evaluation read as Unknown). Nothing when it is no list.
    pub fn items(&self, node: Option<NodeRef<'a>>) -> Vec<NodeRef<'a>> {
        let includes = self.includes();
        node.map(|n| super::include::follow(includes, n))
            .filter(|n| n.is_seq())
            .into_iter()
            .flat_map(NodeRef::items)
            .map(|item| super::include::follow(includes, item))
            .collect()
    }

    fn bound(&self, name: &str) -> Option<&'t str> {
        self.bindings
            .iter()
            .rev()
            .find(|(identifier, _)| identifier == name)
            .map(|(_, value)| value.as_str())
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
        // An include that was read stands for its snippet (one that cannot be seen is a
        // `Fn::Transform` call: Unknown).
        let node = super::include::follow(self.includes(), node);
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
            } => {
                let declared = self.template.resource(resource).is_some()
                    || self.template.generated(resource).is_some();
                if declared {
                    Resolved::Known(Value::GetAtt(resource, attribute))
                } else {
                    Resolved::Unknown
                }
            }
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
            Intrinsic::FindInMap {
                map,
                top,
                second,
                default,
            } => {
                let keys = combine(vec![
                    self.eval_at(map, next),
                    self.eval_at(top, next),
                    self.eval_at(second, next),
                ]);
                keys.and_then(&|keys| {
                    let Some(names) = keys.iter().map(Value::as_str).collect::<Option<Vec<_>>>()
                    else {
                        return Resolved::Unknown;
                    };
                    let found = match names.as_slice() {
                        [map, top, second] => self
                            .template
                            .mapping(map)
                            .and_then(|m| m.get(top)?.get(second)),
                        _ => None,
                    };
                    // Keys that are not in the map take the `DefaultValue`, if there is one.
                    match found.or(default) {
                        Some(node) => self.eval_at(node, next),
                        None => Resolved::Unknown,
                    }
                })
            }
            // In the tag form (`!Length [a, b]`) the argument is the tagged node itself.
            Intrinsic::Length(list) => {
                let items = if list.tag() == Some("!Length") {
                    self.items_at(list, next)
                } else {
                    self.list_at(list, next)
                };
                items.map(|items| Value::Str(Cow::Owned(items.len().to_string())))
            }
            Intrinsic::ToJsonString(value) => match self.json(value, next, value.tag().is_some()) {
                Some(json) => Resolved::Known(Value::Str(Cow::Owned(json.to_string()))),
                None => Resolved::Unknown,
            },
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

    /// `node` as JSON, when every value in it is known whatever the conditions (what
    /// `Fn::ToJsonString` makes of it).
    /// `literal`: read the node as data even if it is tagged (the tag form's argument).
    fn json(&self, node: NodeRef<'a>, depth: usize, literal: bool) -> Option<serde_json::Value> {
        if depth > MAX_EVAL_DEPTH {
            return None;
        }
        if literal || intrinsic(node).is_none() {
            if node.is_map() {
                let mut object = serde_json::Map::new();
                for (key, value) in node.entries() {
                    object.insert(
                        key.as_str()?.to_owned(),
                        self.json(value, depth + 1, false)?,
                    );
                }
                return Some(serde_json::Value::Object(object));
            }
            if node.is_seq() {
                let items = node.items().map(|item| self.json(item, depth + 1, false));
                return items
                    .collect::<Option<Vec<_>>>()
                    .map(serde_json::Value::Array);
            }
            if let Some(typed) = typed_scalar(node) {
                return Some(typed);
            }
        }
        match self.eval_at(node, depth + 1).known()? {
            Value::Str(text) => Some(serde_json::Value::String(text.to_string())),
            Value::Node(inner) if inner.identity() != node.identity() => {
                self.json(*inner, depth + 1, false)
            }
            Value::List(items) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(|s| serde_json::Value::String(s.to_owned()))
                })
                .collect::<Option<Vec<_>>>()
                .map(serde_json::Value::Array),
            _ => None,
        }
    }

    fn list_at(&self, node: NodeRef<'a>, depth: usize) -> Resolved<Vec<Value<'a>>> {
        self.eval_at(node, depth).and_then(&|v| match v {
            Value::List(items) => Resolved::Known(items.clone()),
            Value::Node(seq) if seq.is_seq() => self.items_at(*seq, depth),
            _ => Resolved::Unknown,
        })
    }

    /// The items of the sequence `seq`, each evaluated; `AWS::NoValue` items are dropped.
    fn items_at(&self, seq: NodeRef<'a>, depth: usize) -> Resolved<Vec<Value<'a>>> {
        combine(seq.items().map(|i| self.eval_at(i, depth + 1)).collect()).map(|values| {
            values
                .iter()
                .filter(|v| !matches!(v, Value::Absent))
                .cloned()
                .collect()
        })
    }

    fn reference(&self, name: &'a str, depth: usize) -> Resolved<Value<'a>> {
        if name == "AWS::NoValue" {
            return Resolved::Known(Value::Absent);
        }
        if let Some(item) = self.bound(name) {
            return Resolved::Known(Value::Str(Cow::Owned(item.to_owned())));
        }
        if let Some(parameter) = self.template.parameter(name) {
            return self.parameter(parameter, depth);
        }
        if self.template.resource(name).is_some() {
            return Resolved::Known(Value::Ref(name));
        }
        // A resource the transform generates: a stage's `Ref` is its name.
        if let Some(generated) = self.template.generated(name) {
            return match (&generated.stage_name, generated.kind.ends_with("::Stage")) {
                (Some(stage), true) => Resolved::Known(Value::Str(Cow::Owned(stage.clone()))),
                (None, true) => Resolved::Unknown,
                (_, false) => Resolved::Known(Value::Ref(name)),
            };
        }
        // Pseudo-parameters (AWS::Region, AWS::AccountId, ...) and undefined names.
        Resolved::Unknown
    }

    /// A parameter's value: its `Default`, a list for the list types. The default of an SSM
    /// parameter type is the name of the SSM parameter, not its value: Unknown.
    /// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>
    fn parameter(&self, parameter: Parameter<'a>, depth: usize) -> Resolved<Value<'a>> {
        if parameter.kind.starts_with("AWS::SSM::") {
            return Resolved::Unknown;
        }
        let Some(default) = parameter.default else {
            return Resolved::Unknown;
        };
        let value = self.eval_at(default, depth);
        if parameter.kind != "CommaDelimitedList" && !parameter.kind.starts_with("List<") {
            return value;
        }
        value.map(|value| match value {
            Value::Str(text) => Value::List(
                text.split(',')
                    .map(|item| Value::Str(Cow::Owned(item.trim().to_owned())))
                    .collect(),
            ),
            other => other.clone(),
        })
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
                None => match (self.bound(name), self.template.parameter(name)) {
                    (Some(item), _) if !name.contains('.') => {
                        Resolved::Known(Value::Str(Cow::Owned(item.to_owned())))
                    }
                    (None, Some(p)) if !name.contains('.') => self.parameter(p, depth + 1),
                    // A stage the transform generates (`${MyApi.Stage}`): its name.
                    _ => self
                        .template
                        .generated(name)
                        .and_then(|g| g.stage_name.clone())
                        .map_or(Resolved::Unknown, |stage| {
                            Resolved::Known(Value::Str(Cow::Owned(stage)))
                        }),
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

/// A number, boolean or null written as such (a plain YAML scalar, a JSON literal): what
/// `Fn::ToJsonString` writes without quotes, as the template's JSON form holds it. A quoted
/// `"1"` stays a string.
fn typed_scalar(node: NodeRef<'_>) -> Option<serde_json::Value> {
    if node.scalar_style() != Some(crate::syntax::ScalarStyle::Plain) || node.tag().is_some() {
        return None;
    }
    if node.is_null() {
        return Some(serde_json::Value::Null);
    }
    if let Some(flag) = node.as_bool() {
        return Some(serde_json::Value::Bool(flag));
    }
    let text = node.as_str()?;
    // JSON's number grammar only: YAML's `0x1F`, `1_000` or `.inf` are left as strings.
    let json_number = text
        .strip_prefix('-')
        .unwrap_or(text)
        .starts_with(|c: char| c.is_ascii_digit());
    if !json_number {
        return None;
    }
    serde_json::from_str::<serde_json::Number>(text)
        .ok()
        .map(serde_json::Value::Number)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::syntax::SourceFile;

    /// The value of output `name` of the template `text`, as a known string.
    fn output(text: &str, names: &[&str]) -> Vec<Option<String>> {
        let file = SourceFile::new("t.yaml", text.to_owned());
        let documents = crate::syntax::parse(&file).unwrap();
        let template = Template::new(documents[0].root()).unwrap();
        let evaluator = Evaluator::new(&template);
        let outputs = template.root.get("Outputs").unwrap();
        names
            .iter()
            .map(|name| evaluator.known_string(outputs.get(name)))
            .collect()
    }

    #[test]
    fn language_extensions_functions() {
        let text = "AWSTemplateFormatVersion: '2010-09-09'\n\
            Parameters:\n  Names: {Type: CommaDelimitedList, Default: 'a, b,c'}\n  \
            Secret: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /app/secret}\n\
            Mappings:\n  Auth: {prod: {Type: AWS_IAM}}\n\
            Outputs:\n  \
            Length: !Length [x, y, z]\n  \
            ParameterLength: {Fn::Length: !Ref Names}\n  \
            Second: !Select [1, !Ref Names]\n  \
            Json: !ToJsonString {a: [1, !Ref Names], b: !FindInMap [Auth, prod, Type], c: [true, '2', -1.5, null, 0x1F]}\n  \
            Found: !FindInMap [Auth, prod, Type, {DefaultValue: NONE}]\n  \
            Missing: !FindInMap [Auth, dev, Type, {DefaultValue: NONE}]\n  \
            NoDefault: !FindInMap [Auth, dev, Type]\n  \
            Ssm: !Ref Secret\n";
        let values = output(
            text,
            &[
                "Length",
                "ParameterLength",
                "Second",
                "Json",
                "Found",
                "Missing",
                "NoDefault",
                "Ssm",
            ],
        );
        let expected = [
            Some("3"),
            Some("3"),
            Some("b"),
            Some(r#"{"a":[1,["a","b","c"]],"b":"AWS_IAM","c":[true,"2",-1.5,null,"0x1F"]}"#),
            Some("AWS_IAM"),
            Some("NONE"),
            None,
            None,
        ];
        assert_eq!(
            values,
            expected.map(|v| v.map(str::to_owned)).to_vec(),
            "{values:?}"
        );
    }
}
