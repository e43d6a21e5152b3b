//! `check --fix`, `--unsafe-fixes` and `--diff`: for every fixable rule, each bad fixture is
//! fixed in memory; the fixed text still parses, the findings that had a fix are gone, the
//! other findings are untouched, fixing again changes nothing, and the diffs are snapshotted
//! (`snapshots/integration__fixes__<rule-id>.snap`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use gatelint::diagnostic::Applicability;
use gatelint::fix::{FixOptions, allowed, fix_text, unified_diff};
use gatelint::lint::{analyze, lint_bytes};
use gatelint::rules::Settings;

use crate::common::Repo;

/// The rules that offer fixes.
const FIXABLE: &[&str] = &[
    "insecure-transport",
    "long-authorizer-cache",
    "long-lived-tokens",
    "public-function-url",
    "token-revocation-disabled",
    "undeployed-routes",
    "unused-suppression",
];

const ALL: FixOptions = FixOptions {
    unsafe_fixes: true,
    apply_suppressions: true,
};

const SAFE: FixOptions = FixOptions {
    unsafe_fixes: false,
    apply_suppressions: true,
};

/// The (rule, message) of every finding in `text`, sorted.
fn findings(path: &str, text: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> =
        lint_bytes(path, text.as_bytes().to_vec(), &Settings::default())
            .findings
            .iter()
            .map(|f| (f.rule.to_owned(), f.message.clone()))
            .collect();
    found.sort();
    found
}

fn bad_fixtures(rule: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rule);
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("bad-"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = fs::read_to_string(dir.join(&name)).unwrap();
            (format!("fixtures/{rule}/{name}"), text)
        })
        .collect()
}

#[test]
fn every_fix_resolves_its_finding_and_nothing_else() {
    for rule in FIXABLE {
        let mut diffs = String::new();
        let mut fixed_any = false;
        for (path, text) in bad_fixtures(rule) {
            let before = lint_bytes(&path, text.as_bytes().to_vec(), &Settings::default());
            let fixable = before
                .findings
                .iter()
                .filter(|f| f.rule == *rule && allowed(f, ALL))
                .count();
            let result = fix_text(&path, &text, &Settings::default(), ALL);
            assert!(result.dropped.is_empty(), "{path}: {:?}", result.dropped);
            if fixable == 0 {
                assert_eq!(
                    result.fixed, text,
                    "{path}: changed without a fixable finding"
                );
                continue;
            }
            fixed_any = true;
            assert_ne!(
                result.fixed, text,
                "{path}: a fixable finding but no change"
            );
            assert_eq!(result.applied, fixable, "{path}");
            // Still parses, still the same kind of document.
            let analysis = analyze(&path, result.fixed.as_bytes().to_vec());
            assert!(analysis.errors.is_empty(), "{path}: {:?}", analysis.errors);
            assert!(
                analysis.unparsed.is_none() && analysis.recognized(),
                "{path}"
            );
            // The fixed findings are gone and nothing else changed.
            let mut expected = findings(&path, &text);
            let after = findings(&path, &result.fixed);
            let remaining = after.iter().filter(|(r, _)| r == rule).count();
            let had = expected.iter().filter(|(r, _)| r == rule).count();
            assert_eq!(remaining, had - fixable, "{path}: {after:?}");
            expected.retain(|(r, _)| r != rule);
            let others: Vec<_> = after.iter().filter(|(r, _)| r != rule).cloned().collect();
            assert_eq!(others, expected, "{path}: other findings changed");
            // Idempotent.
            let again = fix_text(&path, &result.fixed, &Settings::default(), ALL);
            assert_eq!(again.fixed, result.fixed, "{path}: fixing twice changed it");
            assert_eq!(again.applied, 0, "{path}");
            diffs.push_str(&unified_diff(&path, &text, &result.fixed));
        }
        assert!(fixed_any, "{rule}: no bad fixture has a fix");
        insta::assert_snapshot!(*rule, diffs);
    }
}

#[test]
fn safe_mode_leaves_unsafe_fixes_alone() {
    for rule in FIXABLE {
        for (path, text) in bad_fixtures(rule) {
            let report = lint_bytes(&path, text.as_bytes().to_vec(), &Settings::default());
            let only_unsafe = report.findings.iter().all(|f| {
                f.fix
                    .as_ref()
                    .is_none_or(|fix| fix.applicability == Applicability::Unsafe)
            });
            if only_unsafe {
                let result = fix_text(&path, &text, &Settings::default(), SAFE);
                assert_eq!(result.fixed, text, "{path}: an unsafe fix was applied");
            }
        }
    }
}

#[test]
fn no_fix_changes_authentication_of_a_route() {
    // Routes' authentication is never an autofix: the fixable rules are the ones above, and
    // none of unauthenticated-route, missing-authorizer, api-key-only, weak-auth-scheme offers
    // a fix on any fixture.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for rule in [
        "unauthenticated-route",
        "missing-authorizer",
        "api-key-only",
        "weak-auth-scheme",
    ] {
        for (path, text) in bad_fixtures(rule) {
            let report = lint_bytes(&path, text.as_bytes().to_vec(), &Settings::default());
            assert!(
                report.findings.iter().all(|f| f.fix.is_none()),
                "{path} ({})",
                root.display()
            );
        }
    }
}

#[test]
fn unused_rule_id_is_removed_from_a_list_that_still_suppresses() {
    let path = "api.yaml";
    let text = "openapi: 3.0.1\ninfo: {title: T, version: '1'}\npaths:\n  /health:\n    get:\n      # gatelint: ignore[api-key-only, unauthenticated-route] health checks are public\n      security: []\n      responses:\n        '200': {description: OK}\n";
    let result = fix_text(path, text, &Settings::default(), SAFE);
    assert_eq!(result.applied, 1);
    assert!(
        result
            .fixed
            .contains("# gatelint: ignore[unauthenticated-route] health checks are public"),
        "{}",
        result.fixed
    );
    assert!(findings(path, &result.fixed).is_empty());
}

#[test]
fn cli_fix_writes_diff_does_not() {
    let repo = Repo::new();
    repo.fixture(
        "token-revocation-disabled/bad-revocation-off.yaml",
        "client.yaml",
    );
    repo.fixture("public-function-url/bad-auth-type-none.yaml", "url.yaml");
    let original = repo.read("client.yaml");
    let sarif = repo.run(&["check", "--format", "sarif", "client.yaml"]);
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let result = log
        .pointer("/runs/0/results")
        .and_then(|r| r.as_array())
        .unwrap()
        .iter()
        .find(|r| r.get("ruleId").and_then(|id| id.as_str()) == Some("token-revocation-disabled"))
        .unwrap();
    let fix = result.pointer("/fixes/0").unwrap();
    assert_eq!(
        fix.pointer("/description/text").unwrap(),
        "switch token revocation on"
    );
    let replacement = fix.pointer("/artifactChanges/0/replacements/0").unwrap();
    assert_eq!(
        replacement.pointer("/insertedContent/text").unwrap(),
        "true"
    );
    assert_eq!(replacement.pointer("/deletedRegion/startLine").unwrap(), 16);
    let diff = repo.run(&["check", "--diff", "."]);
    assert_eq!(diff.code, 1, "{}", diff.transcript());
    assert!(
        diff.stdout.contains("+      EnableTokenRevocation: true"),
        "{}",
        diff.stdout
    );
    assert!(
        !diff.stdout.contains("AWS_IAM"),
        "unsafe without --unsafe-fixes"
    );
    assert_eq!(repo.read("client.yaml"), original, "--diff wrote");

    let fixed = repo.run(&["check", "--fix", "."]);
    assert!(
        !fixed.stdout.contains("token-revocation-disabled"),
        "{}",
        fixed.transcript()
    );
    assert!(
        fixed.stdout.contains("public-function-url"),
        "{}",
        fixed.transcript()
    );
    assert!(
        repo.read("client.yaml")
            .contains("EnableTokenRevocation: true")
    );

    let fixed = repo.run(&["check", "--fix", "--unsafe-fixes", "."]);
    assert!(
        !fixed.stdout.contains("public-function-url"),
        "{}",
        fixed.transcript()
    );
    assert!(repo.read("url.yaml").contains("AuthType: AWS_IAM"));
    let clean = repo.run(&["check", "--diff", "--unsafe-fixes", "."]);
    assert_eq!(clean.code, 0, "{}", clean.transcript());
    assert!(clean.stdout.is_empty());
}

/// A REST API with the methods `ListPets` and `CreatePet`, and `deployment` (YAML lines under
/// `Resources`).
fn rest_api_yaml(deployment: &str) -> String {
    let mut text = String::from(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  PetApi:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: pets\n",
    );
    for (id, verb) in [("ListPets", "GET"), ("CreatePet", "POST")] {
        text.push_str(&format!(
            "  {id}:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref PetApi\n      ResourceId: !GetAtt PetApi.RootResourceId\n      HttpMethod: {verb}\n      AuthorizationType: AWS_IAM\n      Integration:\n        Type: MOCK\n"
        ));
    }
    text.push_str(deployment);
    text
}

/// The same API in JSON, with `deployment` (the JSON members of the deployment resource).
fn rest_api_json(deployment: &str) -> String {
    let method = |verb: &str| {
        format!(
            "{{\n      \"Type\": \"AWS::ApiGateway::Method\",\n      \"Properties\": {{\n        \"RestApiId\": {{ \"Ref\": \"PetApi\" }},\n        \"ResourceId\": {{ \"Fn::GetAtt\": [\"PetApi\", \"RootResourceId\"] }},\n        \"HttpMethod\": \"{verb}\",\n        \"AuthorizationType\": \"AWS_IAM\",\n        \"Integration\": {{ \"Type\": \"MOCK\" }}\n      }}\n    }}"
        )
    };
    format!(
        "{{\n  \"Resources\": {{\n    \"PetApi\": {{ \"Type\": \"AWS::ApiGateway::RestApi\", \"Properties\": {{ \"Name\": \"pets\" }} }},\n    \"ListPets\": {},\n    \"CreatePet\": {},\n    \"PetDeployment\": {deployment}\n  }}\n}}\n",
        method("GET"),
        method("POST")
    )
}

const TF_REST_API: &str = "resource \"aws_api_gateway_rest_api\" \"pets\" {\n  name = \"pets\"\n}\n\nresource \"aws_api_gateway_resource\" \"pets\" {\n  rest_api_id = aws_api_gateway_rest_api.pets.id\n  parent_id   = aws_api_gateway_rest_api.pets.root_resource_id\n  path_part   = \"pets\"\n}\n\nresource \"aws_api_gateway_method\" \"list\" {\n  rest_api_id   = aws_api_gateway_rest_api.pets.id\n  resource_id   = aws_api_gateway_resource.pets.id\n  http_method   = \"GET\"\n  authorization = \"AWS_IAM\"\n}\n\nresource \"aws_api_gateway_integration\" \"list\" {\n  rest_api_id = aws_api_gateway_rest_api.pets.id\n  resource_id = aws_api_gateway_resource.pets.id\n  http_method = aws_api_gateway_method.list.http_method\n  type        = \"MOCK\"\n}\n\n";

/// The fix of undeployed-routes on each way a template can write (or not write) `DependsOn`,
/// `triggers` and `lifecycle`: either the finding is fixed and the file is clean of it, or
/// (where the edit would be a guess) nothing changes. The diffs are snapshotted.
#[test]
fn undeployed_routes_fix_keeps_each_notation() {
    let cases: Vec<(&str, &str, String, bool)> = vec![
        (
            "scalar DependsOn becomes a list",
            "t.yaml",
            rest_api_yaml(
                "  PetDeployment:\n    Type: AWS::ApiGateway::Deployment\n    DependsOn: ListPets # the first method\n    Properties:\n      RestApiId: !Ref PetApi\n",
            ),
            true,
        ),
        (
            "block list gains an item",
            "t.yaml",
            rest_api_yaml(
                "  PetDeployment:\n    Type: AWS::ApiGateway::Deployment\n    DependsOn:\n    - ListPets   # indented like its key\n    Properties:\n      RestApiId: !Ref PetApi\n",
            ),
            true,
        ),
        (
            "flow list gains an item",
            "t.yaml",
            rest_api_yaml(
                "  PetDeployment:\n    Type: AWS::ApiGateway::Deployment\n    DependsOn: [ListPets]\n    Properties:\n      RestApiId: !Ref PetApi\n",
            ),
            true,
        ),
        (
            "flow-style resource",
            "t.yaml",
            rest_api_yaml(
                "  PetDeployment: {Type: AWS::ApiGateway::Deployment, Properties: {RestApiId: !Ref PetApi}}\n",
            ),
            true,
        ),
        (
            "last line without a line break",
            "t.yaml",
            rest_api_yaml(
                "  PetDeployment:\n    Properties:\n      RestApiId: !Ref PetApi\n    Type: AWS::ApiGateway::Deployment",
            ),
            true,
        ),
        (
            "a method under a condition the deployment is not under: no fix",
            "t.yaml",
            rest_api_yaml(
                "  PetDeployment:\n    Type: AWS::ApiGateway::Deployment\n    Properties:\n      RestApiId: !Ref PetApi\n",
            )
            .replace(
                "  CreatePet:\n    Type: AWS::ApiGateway::Method\n",
                "  CreatePet:\n    Type: AWS::ApiGateway::Method\n    Condition: WithCreate\n",
            )
            .replace(
                "Resources:\n",
                "Conditions:\n  WithCreate: !Equals [!Ref AWS::Region, eu-west-1]\nResources:\n",
            ),
            false,
        ),
        (
            "a method that waits for the deployment: no fix (a cycle)",
            "t.yaml",
            rest_api_yaml(
                "  PetDeployment:\n    Type: AWS::ApiGateway::Deployment\n    Properties:\n      RestApiId: !Ref PetApi\n",
            )
            .replace(
                "  CreatePet:\n    Type: AWS::ApiGateway::Method\n",
                "  CreatePet:\n    Type: AWS::ApiGateway::Method\n    DependsOn: PetDeployment\n",
            ),
            false,
        ),
        (
            "JSON without DependsOn",
            "t.json",
            rest_api_json(
                "{\n      \"Type\": \"AWS::ApiGateway::Deployment\",\n      \"Properties\": { \"RestApiId\": { \"Ref\": \"PetApi\" } }\n    }",
            ),
            true,
        ),
        (
            "JSON one-line resource",
            "t.json",
            rest_api_json(
                "{ \"Type\": \"AWS::ApiGateway::Deployment\", \"Properties\": { \"RestApiId\": { \"Ref\": \"PetApi\" } } }",
            ),
            true,
        ),
        (
            "JSON scalar DependsOn",
            "t.json",
            rest_api_json(
                "{\n      \"Type\": \"AWS::ApiGateway::Deployment\",\n      \"DependsOn\": \"ListPets\",\n      \"Properties\": { \"RestApiId\": { \"Ref\": \"PetApi\" } }\n    }",
            ),
            true,
        ),
        (
            "JSON multi-line list",
            "t.json",
            rest_api_json(
                "{\n      \"Type\": \"AWS::ApiGateway::Deployment\",\n      \"DependsOn\": [\n        \"ListPets\"\n      ],\n      \"Properties\": { \"RestApiId\": { \"Ref\": \"PetApi\" } }\n    }",
            ),
            true,
        ),
        (
            "HTTP API route",
            "t.yaml",
            "Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: pets\n      ProtocolType: HTTP\n  ListPets:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Api\n      RouteKey: GET /pets\n      AuthorizationType: AWS_IAM\n  Deployment:\n    Type: AWS::ApiGatewayV2::Deployment\n    Properties:\n      ApiId: !Ref Api\n".to_owned(),
            true,
        ),
        (
            "Terraform lifecycle without create_before_destroy",
            "main.tf",
            format!(
                "{TF_REST_API}resource \"aws_api_gateway_deployment\" \"pets\" {{\n  rest_api_id = aws_api_gateway_rest_api.pets.id\n\n  lifecycle {{\n    ignore_changes = [description]\n  }}\n}}\n"
            ),
            true,
        ),
        (
            "Terraform deployment with count: no fix",
            "main.tf",
            format!(
                "{TF_REST_API}resource \"aws_api_gateway_deployment\" \"pets\" {{\n  count       = 1\n  rest_api_id = aws_api_gateway_rest_api.pets.id\n}}\n"
            ),
            false,
        ),
        (
            "Terraform HTTP API",
            "main.tf",
            "resource \"aws_apigatewayv2_api\" \"pets\" {\n  name          = \"pets\"\n  protocol_type = \"HTTP\"\n}\n\nresource \"aws_apigatewayv2_route\" \"list\" {\n  api_id             = aws_apigatewayv2_api.pets.id\n  route_key          = \"GET /pets\"\n  authorization_type = \"AWS_IAM\"\n}\n\nresource \"aws_apigatewayv2_deployment\" \"pets\" {\n    api_id = aws_apigatewayv2_api.pets.id\n}\n".to_owned(),
            true,
        ),
    ];
    let rule = "undeployed-routes";
    let mut diffs = String::new();
    for (name, path, text, fixable) in cases {
        let before = findings(path, &text);
        assert!(
            before.iter().any(|(r, _)| r == rule),
            "{name}: no finding to fix: {before:?}"
        );
        let result = fix_text(path, &text, &Settings::default(), SAFE);
        assert!(result.dropped.is_empty(), "{name}: {:?}", result.dropped);
        if !fixable {
            assert_eq!(result.fixed, text, "{name}: fixed where it should not be");
            continue;
        }
        let analysis = analyze(path, result.fixed.as_bytes().to_vec());
        assert!(analysis.errors.is_empty(), "{name}: {:?}", analysis.errors);
        let after = findings(path, &result.fixed);
        assert!(
            after.iter().all(|(r, _)| r != rule),
            "{name}: still {after:?}\n{}",
            result.fixed
        );
        let mut others = before;
        others.retain(|(r, _)| r != rule);
        assert_eq!(after, others, "{name}: other findings changed");
        let again = fix_text(path, &result.fixed, &Settings::default(), ALL);
        assert_eq!(again.fixed, result.fixed, "{name}: fixing twice changed it");
        diffs.push_str(&format!("# {name}\n"));
        diffs.push_str(&unified_diff(path, &text, &result.fixed));
    }
    insta::assert_snapshot!(diffs);
}
