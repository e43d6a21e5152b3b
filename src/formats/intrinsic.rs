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
