//! Logical ids a transform generates: the rest of the template may refer to them (`!Ref
//! MyApiprodStage`, `!GetAtt ServerlessRestApi.RootResourceId`, `!Ref MyApi.Stage`) although
//! no resource of the template declares them. The SAM lowering fills the table; the evaluator
//! reads it, so such a reference is a resource of the template rather than an unknown name.
//!
//! An API's ids are few and kept as written. A function's (its role, URL, alias, version and a
//! permission per event) are many in a large template, so they are not spelled out: a lookup
//! takes the id apart instead (a function's logical id, then what the translator appends), and
//! answers as a table of every spelled-out id would, the first one made winning.

use crate::collections::HashMap;

/// A generated resource: its CloudFormation type, the resource it is generated from, and for a
/// stage the name it is deployed under (when it is known before deployment).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated<'a> {
    pub kind: &'static str,
    /// The logical id of the resource (or implicit API) it is generated from.
    pub owner: &'a str,
    /// A stage's name: what a `Ref` to the stage gives.
    pub stage_name: Option<String>,
}

/// What one function generates (see [`GeneratedIds::insert_function`]).
#[derive(Clone, Debug, Default)]
pub struct FunctionIds<'a> {
    /// The function's logical id.
    pub id: &'a str,
    /// It names no `Role`: the translator makes `<Function>Role`.
    pub role: bool,
    /// It has a `FunctionUrlConfig`: `<Function>Url` and its public permissions.
    pub url: bool,
    /// The alphanumeric characters of its `AutoPublishAlias`: `<Function>Alias<these>`,
    /// `<Function>.Alias`, `<Function>.Version` and `<Function>Version<hash>`.
    pub alias: Option<String>,
    /// Its events' names: `<Function><Event>Permission`, with `Prod` or a hash appended too.
    pub events: Vec<&'a str>,
}

const ROLE: &str = "AWS::IAM::Role";
const URL: &str = "AWS::Lambda::Url";
const PERMISSION: &str = "AWS::Lambda::Permission";
const ALIAS: &str = "AWS::Lambda::Alias";
const VERSION: &str = "AWS::Lambda::Version";
/// What a REST event's permission id ends with besides the hash: the implicit API's stage.
const PROD: &str = "Prod";

/// The generated logical ids of one template.
#[derive(Clone, Debug, Default)]
pub struct GeneratedIds<'a> {
    exact: HashMap<String, Generated<'a>>,
    /// Ids made of a prefix and a hash of what the translator deploys (`MyApiDeployment` and
    /// ten hex digits): the hash cannot be computed here, so any hash is accepted.
    hashed: Vec<(String, Generated<'a>)>,
    /// Every function's ids, in template order, after every API's (exact or hashed).
    functions: Vec<FunctionIds<'a>>,
    /// A function's position in `functions` by logical id.
    function_index: HashMap<&'a str, usize>,
}

/// The length of the hash the translator appends to a logical id.
const HASH_LENGTH: usize = 10;

fn is_hash(text: &str) -> bool {
    text.len() == HASH_LENGTH && text.bytes().all(|b| b.is_ascii_hexdigit())
}

impl<'a> GeneratedIds<'a> {
    /// `id` stands for `generated`.
    pub fn insert(&mut self, id: String, generated: Generated<'a>) {
        self.exact.entry(id).or_insert(generated);
    }

    /// Every id made of `prefix` and a hash stands for `generated`.
    pub fn insert_hashed(&mut self, prefix: String, generated: Generated<'a>) {
        self.hashed.push((prefix, generated));
    }

    /// The ids a function generates; every API's must be inserted before.
    pub fn insert_function(&mut self, function: FunctionIds<'a>) {
        self.function_index
            .entry(function.id)
            .or_insert(self.functions.len());
        self.functions.push(function);
    }

    pub fn get(&self, id: &str) -> Option<Generated<'a>> {
        if let Some(generated) = self.exact.get(id) {
            return Some(generated.clone());
        }
        if let Some(generated) = self.function_id(id, false) {
            return Some(generated);
        }
        let hashed = self.hashed.iter().find_map(|(prefix, generated)| {
            let hash = id.strip_prefix(prefix.as_str())?;
            is_hash(hash).then_some(generated)
        });
        match hashed {
            Some(generated) => Some(generated.clone()),
            None => self.function_id(id, true),
        }
    }

    /// The function id `id` is (a hashed one when `hashed`): of the functions whose logical id
    /// starts it, the first in the template, and of its ids the first made.
    fn function_id(&self, id: &str, hashed: bool) -> Option<Generated<'a>> {
        if self.functions.is_empty() {
            return None;
        }
        let mut first: Option<(usize, usize, &'static str)> = None;
        for at in (0..=id.len()).filter(|&at| id.is_char_boundary(at)) {
            let (Some(prefix), Some(rest)) = (id.get(..at), id.get(at..)) else {
                continue;
            };
            let Some(&index) = self.function_index.get(prefix) else {
                continue;
            };
            let Some(function) = self.functions.get(index) else {
                continue;
            };
            let made = if hashed {
                function.hashed_id(rest)
            } else {
                function.exact_id(rest)
            };
            if let Some((order, kind)) = made
                && first.is_none_or(|(i, o, _)| (index, order) < (i, o))
            {
                first = Some((index, order, kind));
            }
        }
        let (index, _, kind) = first?;
        let function = self.functions.get(index)?;
        Some(Generated {
            kind,
            owner: function.id,
            stage_name: None,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.hashed.is_empty() && self.functions.is_empty()
    }
}

impl FunctionIds<'_> {
    /// Whether the function makes the id of its logical id followed by `rest`: in which order
    /// it is made, and the resource type.
    fn exact_id(&self, rest: &str) -> Option<(usize, &'static str)> {
        let fixed = [
            (self.role && rest == "Role", ROLE),
            (self.url && rest == "Url", URL),
            (self.url && rest == "UrlPublicPermissions", PERMISSION),
            (self.url && rest == "URLInvokeAllowPublicAccess", PERMISSION),
            (
                self.alias
                    .as_deref()
                    .is_some_and(|alias| rest.strip_prefix("Alias") == Some(alias)),
                ALIAS,
            ),
            (self.alias.is_some() && rest == ".Alias", ALIAS),
            (self.alias.is_some() && rest == ".Version", VERSION),
        ];
        if let Some(order) = fixed.iter().position(|&(made, _)| made) {
            return fixed.get(order).map(|&(_, kind)| (order, kind));
        }
        self.events.iter().enumerate().find_map(|(k, event)| {
            let permission = rest.strip_prefix(event)?.strip_prefix("Permission")?;
            match permission {
                PROD => Some((fixed.len() + 2 * k, PERMISSION)),
                "" => Some((fixed.len() + 2 * k + 1, PERMISSION)),
                _ => None,
            }
        })
    }

    /// [`Self::exact_id`] for the ids that end in a hash.
    fn hashed_id(&self, rest: &str) -> Option<(usize, &'static str)> {
        if self.alias.is_some() && rest.strip_prefix("Version").is_some_and(is_hash) {
            return Some((0, VERSION));
        }
        self.events.iter().enumerate().find_map(|(k, event)| {
            let hash = rest.strip_prefix(event)?.strip_prefix("Permission")?;
            is_hash(hash).then_some((k + 1, PERMISSION))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_hashed_ids() {
        let stage = Generated {
            kind: "AWS::ApiGateway::Stage",
            owner: "Api",
            stage_name: Some("prod".into()),
        };
        let mut ids = GeneratedIds::default();
        ids.insert("ApiprodStage".into(), stage.clone());
        ids.insert_hashed("ApiDeployment".into(), stage.clone());
        assert_eq!(ids.get("ApiprodStage"), Some(stage.clone()));
        assert_eq!(ids.get("ApiDeployment0123456789"), Some(stage.clone()));
        assert_eq!(ids.get("ApiDeploymentabcdef012"), None);
        assert_eq!(ids.get("ApiDeployment"), None);
        assert_eq!(ids.get("ApiDeploymentxyzxyzxyzx"), None);
    }
}
