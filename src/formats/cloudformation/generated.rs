//! Logical ids a transform generates: the rest of the template may refer to them (`!Ref
//! MyApiprodStage`, `!GetAtt ServerlessRestApi.RootResourceId`, `!Ref MyApi.Stage`) although
//! no resource of the template declares them. The SAM lowering fills the table; the evaluator
//! reads it, so such a reference is a resource of the template rather than an unknown name.

use crate::collections::HashMap;

/// A generated resource: its CloudFormation type, the resource it is generated from, and for a
/// stage the name it is deployed under (when it is known before deployment).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    pub kind: &'static str,
    /// The logical id of the resource (or implicit API) it is generated from.
    pub owner: String,
    /// A stage's name: what a `Ref` to the stage gives.
    pub stage_name: Option<String>,
}

/// The generated logical ids of one template.
#[derive(Clone, Debug, Default)]
pub struct GeneratedIds {
    exact: HashMap<String, Generated>,
    /// Ids made of a prefix and a hash of what the translator deploys (`MyApiDeployment` and
    /// ten hex digits): the hash cannot be computed here, so any hash is accepted.
    hashed: Vec<(String, Generated)>,
}

/// The length of the hash the translator appends to a logical id.
const HASH_LENGTH: usize = 10;

impl GeneratedIds {
    /// `id` stands for `generated`.
    pub fn insert(&mut self, id: String, generated: Generated) {
        self.exact.entry(id).or_insert(generated);
    }

    /// Every id made of `prefix` and a hash stands for `generated`.
    pub fn insert_hashed(&mut self, prefix: String, generated: Generated) {
        self.hashed.push((prefix, generated));
    }

    pub fn get(&self, id: &str) -> Option<&Generated> {
        self.exact.get(id).or_else(|| {
            self.hashed.iter().find_map(|(prefix, generated)| {
                let hash = id.strip_prefix(prefix.as_str())?;
                (hash.len() == HASH_LENGTH && hash.bytes().all(|b| b.is_ascii_hexdigit()))
                    .then_some(generated)
            })
        })
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.hashed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_hashed_ids() {
        let stage = Generated {
            kind: "AWS::ApiGateway::Stage",
            owner: "Api".into(),
            stage_name: Some("prod".into()),
        };
        let mut ids = GeneratedIds::default();
        ids.insert("ApiprodStage".into(), stage.clone());
        ids.insert_hashed("ApiDeployment".into(), stage.clone());
        assert_eq!(ids.get("ApiprodStage"), Some(&stage));
        assert_eq!(ids.get("ApiDeployment0123456789"), Some(&stage));
        assert_eq!(ids.get("ApiDeploymentabcdef012"), None);
        assert_eq!(ids.get("ApiDeployment"), None);
        assert_eq!(ids.get("ApiDeploymentxyzxyzxyzx"), None);
    }
}
