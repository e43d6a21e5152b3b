//! gatelint and checkov on checkov's own API Gateway fixtures
//! (`../shared/corpus/checkov/tests/cloudformation/checks/resource/aws/example_APIGateway*`):
//! for each resource that `EXPECTED.md` gives a verdict, the rule that corresponds to the check
//! reports the resource exactly when checkov fails it, except where the table says why we differ
//! (the same reason is in the rule's documentation).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::collections::BTreeSet;
use std::fs;

use gatelint::lint::{analyze, lint_bytes};
use gatelint::rules::Settings;

const FIXTURES: &str = "corpus/checkov/tests/cloudformation/checks/resource/aws";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Checkov {
    Pass,
    Fail,
}

/// One resource checkov judges, and what gatelint does with it.
struct Case {
    check: &'static str,
    /// Relative to `FIXTURES`.
    file: &'static str,
    resource: &'static str,
    checkov: Checkov,
    rule: &'static str,
    /// Whether `rule` reports the resource.
    reported: bool,
    /// Why gatelint differs from checkov here; empty when it agrees.
    difference: &'static str,
}

const fn agree(
    check: &'static str,
    file: &'static str,
    resource: &'static str,
    checkov: Checkov,
    rule: &'static str,
) -> Case {
    Case {
        check,
        file,
        resource,
        checkov,
        rule,
        reported: matches!(checkov, Checkov::Fail),
        difference: "",
    }
}

/// `EXPECTED.md`, resource by resource. CKV_AWS_59 is `unauthenticated-route`; CKV_AWS_76 (REST)
/// and CKV_AWS_95 (HTTP and WebSocket) are `no-access-log`.
const CASES: &[Case] = &[
    agree(
        "CKV_AWS_59",
        "example_APIGatewayAuthorization/APIGatewayAuthorization-FAILED.yaml",
        "MyMethod0",
        Checkov::Fail,
        "unauthenticated-route",
    ),
    agree(
        "CKV_AWS_59",
        "example_APIGatewayAuthorization/APIGatewayAuthorization-FAILED.yaml",
        "MyMethod1",
        Checkov::Fail,
        "unauthenticated-route",
    ),
    // OPTIONS without an integration: a CORS preflight that API Gateway answers itself.
    agree(
        "CKV_AWS_59",
        "example_APIGatewayAuthorization/APIGatewayAuthorization-PASSED.yaml",
        "MyMethod0",
        Checkov::Pass,
        "unauthenticated-route",
    ),
    agree(
        "CKV_AWS_59",
        "example_APIGatewayAuthorization/APIGatewayAuthorization-PASSED.yaml",
        "MyMethod1",
        Checkov::Pass,
        "unauthenticated-route",
    ),
    agree(
        "CKV_AWS_59",
        "example_APIGatewayAuthorization/APIGatewayAuthorization-PASSED.yaml",
        "MyMethod2",
        Checkov::Pass,
        "unauthenticated-route",
    ),
    agree(
        "CKV_AWS_59",
        "example_APIGatewayAuthorization/APIGatewayAuthorization-PASSED.yaml",
        "MyMethod3",
        Checkov::Pass,
        "unauthenticated-route",
    ),
    Case {
        check: "CKV_AWS_59",
        file: "example_APIGatewayAuthorization/APIGatewayAuthorization-PASSED.yaml",
        resource: "MyMethod3",
        checkov: Checkov::Pass,
        rule: "api-key-only",
        reported: true,
        difference: "NONE with ApiKeyRequired passes checkov; an API key identifies a client and \
                     authenticates nobody, so gatelint warns (rules/api-key-only.md)",
    },
    agree(
        "CKV_AWS_76",
        "example_APIGatewayAccessLogging/APIGatewayAccessLogging-FAILED.yaml",
        "Default",
        Checkov::Fail,
        "no-access-log",
    ),
    agree(
        "CKV_AWS_76",
        "example_APIGatewayAccessLogging/APIGatewayAccessLogging-PASSED.yaml",
        "Enabled",
        Checkov::Pass,
        "no-access-log",
    ),
    agree(
        "CKV_AWS_76",
        "example_APIGatewayAccessLogging/sam.yaml",
        "Default",
        Checkov::Fail,
        "no-access-log",
    ),
    Case {
        check: "CKV_AWS_76",
        file: "example_APIGatewayAccessLogging/sam.yaml",
        resource: "Enabled",
        checkov: Checkov::Pass,
        rule: "no-access-log",
        reported: true,
        difference: "without OpenApiVersion, SAM's deployment also creates a stage named Stage \
                     that keeps no access log; checkov looks at the named stage only \
                     (rules/no-access-log.md)",
    },
    agree(
        "CKV_AWS_95",
        "example_APIGatewayV2AccessLogging/APIGatewayV2AccessLogging-FAILED.yaml",
        "Default",
        Checkov::Fail,
        "no-access-log",
    ),
    agree(
        "CKV_AWS_95",
        "example_APIGatewayV2AccessLogging/APIGatewayV2AccessLogging-PASSED.yaml",
        "Enabled",
        Checkov::Pass,
        "no-access-log",
    ),
    agree(
        "CKV_AWS_95",
        "example_APIGatewayV2AccessLogging/sam.yaml",
        "Default",
        Checkov::Fail,
        "no-access-log",
    ),
    agree(
        "CKV_AWS_95",
        "example_APIGatewayV2AccessLogging/sam.yaml",
        "Enabled",
        Checkov::Pass,
        "no-access-log",
    ),
];

/// The logical ids of `text`'s resources with the 1-based line each starts on (these fixtures
/// are block YAML with resources indented by two spaces).
fn resource_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_resources = false;
    for (index, line) in text.lines().enumerate() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            in_resources = line.trim_end() == "Resources:";
            continue;
        }
        if in_resources
            && let Some(id) = line.strip_prefix("  ")
            && !id.starts_with(' ')
            && let Some(id) = id.trim_end().strip_suffix(':')
        {
            out.push((index + 1, id.to_owned()));
        }
    }
    out
}

/// The resource whose block holds `line`.
fn resource_at(resources: &[(usize, String)], line: usize) -> Option<&str> {
    resources
        .iter()
        .rev()
        .find(|(start, _)| *start <= line)
        .map(|(_, id)| id.as_str())
}

#[test]
fn gatelint_agrees_with_checkov_on_its_api_gateway_fixtures() {
    let Some(root) = crate::common::shared(FIXTURES) else {
        return;
    };
    let mut problems = Vec::new();
    let files: BTreeSet<&str> = CASES.iter().map(|c| c.file).collect();
    for file in files {
        let text = fs::read_to_string(root.join(file)).unwrap();
        let resources = resource_lines(&text);
        // checkov's SAM fixtures count only once SAM templates are lowered at all.
        if analyze(file, text.clone().into_bytes())
            .workspace
            .apis
            .is_empty()
        {
            println!("skipped: {file} lowers to no API (SAM is not lowered yet)");
            assert!(file.ends_with("sam.yaml"), "{file}: no API");
            continue;
        }
        let report = lint_bytes(file, text.clone().into_bytes(), &Settings::default());
        assert!(report.errors.is_empty(), "{file}: {:?}", report.errors);
        for case in CASES.iter().filter(|c| c.file == file) {
            assert!(
                resources.iter().any(|(_, id)| id == case.resource),
                "{file}: no resource {}",
                case.resource
            );
            let reported = report.findings.iter().any(|f| {
                f.rule == case.rule
                    && resource_at(&resources, f.primary.loc.start().line) == Some(case.resource)
            });
            if reported != case.reported {
                problems.push(format!(
                    "{file} {}: checkov {:?} ({}), so `{}` should {}report it{}",
                    case.resource,
                    case.checkov,
                    case.check,
                    case.rule,
                    if case.reported { "" } else { "not " },
                    if case.difference.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", case.difference)
                    }
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn every_documented_difference_is_in_the_rule_doc() {
    for case in CASES.iter().filter(|c| !c.difference.is_empty()) {
        let meta = gatelint::rules::find(case.rule).unwrap().meta();
        assert!(
            meta.doc.contains(case.check),
            "rules/{}.md does not explain how it differs from checkov's {}",
            case.rule,
            case.check
        );
    }
}

#[test]
fn resources_are_found_by_line() {
    let text = "Resources:\n  A:\n    Type: X\n  B:\n    Type: Y\nOutputs:\n  C: 1\n";
    let resources = resource_lines(text);
    assert_eq!(resources, [(2, "A".to_owned()), (4, "B".to_owned())]);
    assert_eq!(resource_at(&resources, 3), Some("A"));
    assert_eq!(resource_at(&resources, 5), Some("B"));
    assert_eq!(resource_at(&resources, 1), None);
}
