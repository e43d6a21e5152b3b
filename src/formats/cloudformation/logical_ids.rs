//! Logical ids as CloudFormation checks them before anything else: the keys of `Resources`,
//! `Parameters`, `Outputs` and `Mappings` are letters and digits only (`A-Za-z0-9`), whatever
//! the parameters, or the template is rejected ("Template format error: Resource name my-api is
//! non alphanumeric"). The keys a template writes only: what a `Fn::ForEach` loop makes is
//! checked where it is expanded, and keys that are no logical ids (a `Fn::ForEach::Name` loop, a
//! `Fn::Transform` beside the entries, a YAML merge key) are left alone.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html>
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html>

use crate::diagnostic::InputError;
use crate::syntax::NodeRef;

/// The sections whose keys are logical ids, with how a message names one of them.
/// A mapping's name is one too: the CloudFormation guide said so ("The logical name must be
/// alphanumeric and unique among all logical names within the template"), and cfn-lint's E7001
/// holds names to `^[a-zA-Z0-9]+$`. `Conditions` are not checked: CloudFormation deploys
/// condition names with `_`, `-` and `&` (AWS's own Quick Start VPC template has
/// `NATGateway&3AZCondition`), and cfn-lint's E8001 accepts `^[a-zA-Z0-9&_]{1,255}$`.
const SECTIONS: [(&str, &str); 4] = [
    ("Resources", "resource"),
    ("Parameters", "parameter"),
    ("Outputs", "output"),
    ("Mappings", "mapping"),
];

/// An input error at each key of the template `root`'s `Resources`, `Parameters`, `Outputs`
/// and `Mappings` that is not alphanumeric.
pub fn check(root: NodeRef<'_>, errors: &mut Vec<InputError>) {
    for (section, what) in SECTIONS {
        let Some(entries) = root.get(section).filter(|s| s.is_map()) else {
            continue;
        };
        for (key, _) in entries.entries() {
            let Some(name) = key.as_str() else {
                continue;
            };
            if name.is_empty()
                || name.starts_with("Fn::")
                || name == "<<"
                || name.chars().all(|c| c.is_ascii_alphanumeric())
            {
                continue;
            }
            errors.push(InputError::new(
                key.loc(),
                format!(
                    "the {what} logical id `{name}` is not alphanumeric (letters and digits \
                     only): CloudFormation rejects the template whatever the parameters{}",
                    // The translator checks the ids of what it transforms; it passes
                    // `Mappings` on untouched.
                    if section == "Mappings" {
                        ""
                    } else {
                        ", and so does the SAM translator"
                    }
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn errors(name: &str, text: &str) -> Vec<String> {
        let file = crate::syntax::SourceFile::new(name, text.to_owned());
        let documents = crate::syntax::parse(&file).unwrap();
        let mut errors = Vec::new();
        check(documents[0].root(), &mut errors);
        errors
            .iter()
            .map(|e| {
                let at = e.loc.start();
                format!("{}:{} {}", at.line, at.column, e.message)
            })
            .collect()
    }

    #[test]
    fn json_keys_are_located_at_the_key() {
        let text = "{\n  \"Parameters\": {\"Stage_Name\": {\"Type\": \"String\"}},\n  \
                    \"Resources\": {\n    \"My-Api\": {\"Type\": \"AWS::ApiGateway::RestApi\"},\n    \
                    \"Ok1\": {\"Type\": \"AWS::SNS::Topic\"}\n  },\n  \
                    \"Outputs\": {\"Api.Url\": {\"Value\": \"x\"}}\n}\n";
        let found = errors("t.json", text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].starts_with("4:5 the resource logical id `My-Api`"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("2:18 the parameter logical id `Stage_Name`"),
            "{found:?}"
        );
        assert!(
            found[2].starts_with("7:15 the output logical id `Api.Url`"),
            "{found:?}"
        );
    }

    #[test]
    fn loops_transforms_and_alphanumeric_keys_are_not_flagged() {
        let text = "Resources:\n  Fn::ForEach::Topics:\n    - N\n    - [a, b]\n    - \
                    Topic${N}: {Type: AWS::SNS::Topic}\n  Fn::Transform:\n    Name: \
                    AWS::Include\n    Parameters: {Location: x.yaml}\n  Api2: {Type: \
                    AWS::Serverless::Api}\nOutputs:\n  Fn::ForEach::Urls:\n    - N\n    - \
                    [a]\n    - Url${N}: {Value: x}\n";
        assert_eq!(errors("t.yaml", text), Vec::<String>::new());
    }
}
