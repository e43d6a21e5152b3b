//! CloudFormation intrinsic functions, normalised once: `!Ref X` and `{"Ref": "X"}` are the same
//! [`Intrinsic::Ref`], `!GetAtt A.B`, `!GetAtt [A, B]` and `{"Fn::GetAtt": ...}` the same
//! [`Intrinsic::GetAtt`]. They lie below every front end, not inside the CloudFormation one:
//! they appear wherever a document can sit inside a template or beside one (an OpenAPI body,
//! a resource policy, SAM properties, a Serverless service's `resources`).

use crate::syntax::NodeRef;

#[derive(Clone, Debug)]
pub enum Intrinsic<'a> {
    Ref(&'a str),
    GetAtt {
        resource: &'a str,
        attribute: String,
    },
    /// `Fn::Sub`: the template string, and the variable map of the list form.
    Sub {
        template: NodeRef<'a>,
        variables: Option<NodeRef<'a>>,
    },
    Join {
        delimiter: NodeRef<'a>,
        items: NodeRef<'a>,
    },
    If {
        condition: &'a str,
        then: NodeRef<'a>,
        otherwise: NodeRef<'a>,
    },
    /// `Fn::FindInMap`; `default` is the `DefaultValue` of the four-argument form
    /// (`AWS::LanguageExtensions`), used when the keys are not in the map.
    FindInMap {
        map: NodeRef<'a>,
        top: NodeRef<'a>,
        second: NodeRef<'a>,
        default: Option<NodeRef<'a>>,
    },
    /// `Fn::Length` (`AWS::LanguageExtensions`): the number of items of a list.
    Length(NodeRef<'a>),
    /// `Fn::ToJsonString` (`AWS::LanguageExtensions`): an object or list as a JSON string.
    ToJsonString(NodeRef<'a>),
    Select {
        index: NodeRef<'a>,
        list: NodeRef<'a>,
    },
    Split {
        delimiter: NodeRef<'a>,
        source: NodeRef<'a>,
    },
    ImportValue(NodeRef<'a>),
    GetAzs,
    Base64(NodeRef<'a>),
    Equals(NodeRef<'a>, NodeRef<'a>),
    And(Vec<NodeRef<'a>>),
    Or(Vec<NodeRef<'a>>),
    Not(NodeRef<'a>),
    /// A reference to a named condition (`!Condition C` / `{"Condition": "C"}` in conditions).
    Condition(&'a str),
    /// Any other function (`Fn::Cidr`, `Fn::Transform`...) or
    /// a malformed call: its value is not known statically.
    Opaque(&'a str),
}

/// The function a node calls, if it is an intrinsic function call in either spelling.
pub fn intrinsic(node: NodeRef<'_>) -> Option<Intrinsic<'_>> {
    if let Some(tag) = node.tag() {
        let name = tag.strip_prefix('!')?;
        // `!!str` and other YAML core tags are not functions.
        if name.starts_with('!') {
            return None;
        }
        let long = match name {
            "Ref" | "Condition" => name.to_owned(),
            other => format!("Fn::{other}"),
        };
        return Some(call(&long, node).unwrap_or(Intrinsic::Opaque("malformed")));
    }
    let mut entries = node.entries();
    let (key, argument) = entries.next()?;
    if let Some((other, value)) = entries.next() {
        // An `AWS::Include` call (`{Name: AWS::Include, Parameters: ...}`) stands for what a
        // snippet that cannot be seen may set beside other keys: not known statically.
        let include = |(key, value): (NodeRef<'_>, NodeRef<'_>)| {
            key.as_str() == Some("Name") && value.as_str() == Some("AWS::Include")
        };
        let call =
            entries.next().is_none() && (include((key, argument)) || include((other, value)));
        return call.then_some(Intrinsic::Opaque("Fn::Transform"));
    }
    let name = key.as_str()?;
    if name != "Ref" && name != "Condition" && !name.starts_with("Fn::") {
        return None;
    }
    Some(call(name, argument).unwrap_or(Intrinsic::Opaque(name_static(name))))
}

fn name_static(name: &str) -> &'static str {
    match name {
        "Ref" => "Ref",
        "Condition" => "Condition",
        _ => "Fn",
    }
}

fn call<'a>(name: &str, argument: NodeRef<'a>) -> Option<Intrinsic<'a>> {
    let items: Vec<NodeRef<'a>> = argument.items().collect();
    let item = |i: usize| items.get(i).copied();
    Some(match name {
        "Ref" => Intrinsic::Ref(argument.as_str()?),
        "Condition" => Intrinsic::Condition(argument.as_str()?),
        "Fn::GetAtt" => match argument.as_str() {
            Some(text) => {
                let (resource, attribute) = text.split_once('.')?;
                Intrinsic::GetAtt {
                    resource,
                    attribute: attribute.to_owned(),
                }
            }
            None => Intrinsic::GetAtt {
                resource: item(0)?.as_str()?,
                attribute: item(1)?.as_str().unwrap_or("").to_owned(),
            },
        },
        "Fn::Sub" => {
            if argument.is_seq() {
                Intrinsic::Sub {
                    template: item(0)?,
                    variables: item(1),
                }
            } else {
                Intrinsic::Sub {
                    template: argument,
                    variables: None,
                }
            }
        }
        "Fn::Join" => Intrinsic::Join {
            delimiter: item(0)?,
            items: item(1)?,
        },
        "Fn::If" => Intrinsic::If {
            condition: item(0)?.as_str()?,
            then: item(1)?,
            otherwise: item(2)?,
        },
        "Fn::FindInMap" => Intrinsic::FindInMap {
            map: item(0)?,
            top: item(1)?,
            second: item(2)?,
            default: item(3).and_then(|options| options.get("DefaultValue")),
        },
        "Fn::Select" => Intrinsic::Select {
            index: item(0)?,
            list: item(1)?,
        },
        "Fn::Split" => Intrinsic::Split {
            delimiter: item(0)?,
            source: item(1)?,
        },
        "Fn::ImportValue" => Intrinsic::ImportValue(argument),
        "Fn::GetAZs" => Intrinsic::GetAzs,
        "Fn::Base64" => Intrinsic::Base64(argument),
        "Fn::Equals" => Intrinsic::Equals(item(0)?, item(1)?),
        "Fn::And" => Intrinsic::And(items),
        "Fn::Or" => Intrinsic::Or(items),
        "Fn::Not" => Intrinsic::Not(item(0)?),
        "Fn::Cidr" => Intrinsic::Opaque("Fn::Cidr"),
        "Fn::Length" => Intrinsic::Length(argument),
        "Fn::ToJsonString" => Intrinsic::ToJsonString(argument),
        "Fn::Transform" => Intrinsic::Opaque("Fn::Transform"),
        _ => Intrinsic::Opaque("Fn"),
    })
}

/// A value as messages show it when it cannot be resolved: on one line, with every intrinsic
/// function call in YAML's short form whatever its spelling, so `{"Ref": "Api"}` in a JSON
/// template (a CDK nested stack's parameter, say) reads `!Ref Api` as it does in YAML.
pub fn written(node: NodeRef<'_>) -> String {
    let mut out = String::new();
    write_value(node, true, &mut out);
    out
}

fn write_value(node: NodeRef<'_>, with_tag: bool, out: &mut String) {
    if with_tag
        && let Some(tag) = node
            .tag()
            .filter(|t| t.starts_with('!') && !t.starts_with("!!"))
    {
        out.push_str(tag);
        out.push(' ');
        return write_argument(tag, node, out);
    }
    if let Some((key, argument)) = node.entries().next().filter(|_| node.len() == 1)
        && let Some(name) = key.as_str().and_then(short_name)
    {
        out.push('!');
        out.push_str(name);
        out.push(' ');
        return write_argument(name, argument, out);
    }
    if node.is_map() {
        out.push('{');
        for (i, (key, value)) in node.entries().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_value(key, true, out);
            out.push_str(": ");
            write_value(value, true, out);
        }
        out.push('}');
    } else if node.is_seq() {
        out.push('[');
        for (i, item) in node.items().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_value(item, true, out);
        }
        out.push(']');
    } else {
        let text = node.as_str().unwrap_or_default();
        let plain = !text.is_empty()
            && !text.contains(": ")
            && !text.contains(", ")
            && !text.starts_with(['{', '[', '!', '&', '*', '\'', '"', '#', '|', '>', '%', '@']);
        if plain {
            out.push_str(text);
        } else {
            out.push('\'');
            out.push_str(&text.replace('\'', "''"));
            out.push('\'');
        }
    }
}

/// The argument of a call to `name` (`!GetAtt [A, B]` is written `!GetAtt A.B`).
fn write_argument(name: &str, argument: NodeRef<'_>, out: &mut String) {
    let name = name.trim_start_matches('!');
    if name == "GetAtt" && argument.is_seq() && argument.len() == 2 {
        let mut parts = argument.items().filter_map(NodeRef::as_str);
        if let (Some(resource), Some(attribute)) = (parts.next(), parts.next()) {
            out.push_str(resource);
            out.push('.');
            out.push_str(attribute);
            return;
        }
    }
    write_value(argument, false, out);
}

/// The short-form name of a long-form call's key (`Fn::ImportValue` is `ImportValue`).
fn short_name(key: &str) -> Option<&str> {
    match key {
        "Ref" | "Condition" => Some(key),
        _ => key.strip_prefix("Fn::").filter(|name| !name.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::syntax::{self, SourceFile};

    fn written_in(name: &str, text: &str) -> Vec<String> {
        let file = SourceFile::new(name, text.to_owned());
        let doc = syntax::parse(&file).unwrap().remove(0);
        doc.root().items().map(written).collect()
    }

    #[test]
    fn calls_read_alike_in_either_spelling() {
        let json = written_in(
            "t.json",
            r#"[{"Ref": "referencetoRootStackRestApiRef"}, {"Fn::ImportValue": "Shared-ApiId"},
                {"Fn::GetAtt": ["Api", "RootResourceId"]}, {"Fn::Sub": "${Env}-api"},
                {"Fn::Join": ["", ["a", {"Ref": "B"}]]}, "plain", {"Not": "a call"}]"#,
        );
        let yaml = written_in(
            "t.yaml",
            "- !Ref referencetoRootStackRestApiRef\n- !ImportValue Shared-ApiId\n\
             - !GetAtt Api.RootResourceId\n- !Sub '${Env}-api'\n- !Join ['', [a, !Ref B]]\n\
             - plain\n- {Not: a call}\n",
        );
        assert_eq!(
            json,
            [
                "!Ref referencetoRootStackRestApiRef",
                "!ImportValue Shared-ApiId",
                "!GetAtt Api.RootResourceId",
                "!Sub ${Env}-api",
                "!Join ['', [a, !Ref B]]",
                "plain",
                "{Not: a call}",
            ]
        );
        assert_eq!(yaml, json);
    }
}
