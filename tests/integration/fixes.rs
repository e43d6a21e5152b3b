//! `check --fix`, `--unsafe-fixes` and `--diff`: for every fixable rule, each bad fixture is
//! fixed in memory; the fixed text still parses, the findings that had a fix are gone, the
//! other findings are untouched, fixing again changes nothing, and the diffs are snapshotted
//! (`snapshots/integration__fixes__<rule-id>.snap`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fs;
use std::path::Path;

use gatelint::diagnostic::Applicability;
use gatelint::fix::{FixOptions, allowed, fix_text, unified_diff};
use gatelint::lint::{analyze, lint_bytes};
use gatelint::rules::Settings;

use crate::common::Repo;

/// The rules that offer fixes, what the fix does and whether it is safe: the README's fixes
/// table is generated from this list, and `fixes_are_the_ones_the_table_lists` holds every
/// rule's fixtures to it.
const FIXES: &[(&str, &str, Applicability)] = &[
    (
        "unused-suppression",
        "remove the suppression comment, or the unused rule id from its list; remove an unused \
         `x-gatelint-ignore` or `Metadata` entry (the whole `x-gatelint-ignore` when none of it \
         is used)",
        Applicability::Safe,
    ),
    (
        "token-revocation-disabled",
        "`EnableTokenRevocation: false` → `true` (Terraform: `enable_token_revocation`)",
        Applicability::Safe,
    ),
    (
        "long-authorizer-cache",
        "lower a literal cache TTL (`AuthorizerResultTtlInSeconds`, `ReauthorizeEvery`, \
         `resultTtlInSeconds`, `authorizerResultTtlInSeconds`, Terraform \
         `authorizer_result_ttl_in_seconds`) to the configured maximum",
        Applicability::Safe,
    ),
    (
        "undeployed-routes",
        "add the methods or routes the deployment does not wait for to its `DependsOn` (YAML or \
         JSON, as the template writes it); Terraform: `triggers` over the API's resources, \
         methods and integrations plus `lifecycle { create_before_destroy = true }`, or only \
         the `create_before_destroy`",
        Applicability::Safe,
    ),
    (
        "public-function-url",
        "`AuthType: NONE` → `AWS_IAM` (Terraform: `authorization_type`; callers must then sign \
         requests)",
        Applicability::Unsafe,
    ),
    (
        "insecure-transport",
        "an OpenAPI 3 server `url` from `http://` to `https://` (`ws://` to `wss://`)",
        Applicability::Unsafe,
    ),
    (
        "long-lived-tokens",
        "lower a literal access, ID or refresh token validity to the configured maximum in its \
         unit (in minutes, with the unit, when its unit is too coarse); clients must refresh \
         or sign in sooner",
        Applicability::Unsafe,
    ),
];

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
    insta::assert_snapshot!(fix_cases("undeployed-routes", cases));
}

/// The templates of the `--fix` acceptance test: (fixture, where it goes in the repository).
/// Every Terraform file gets its own module directory.
const FIXABLE_TEMPLATES: &[(&str, &str)] = &[
    // CloudFormation YAML
    (
        "token-revocation-disabled/bad-revocation-off.yaml",
        "cfn/client.yaml",
    ),
    (
        "undeployed-routes/bad-cfn-no-depends-on.yaml",
        "cfn/rest.yaml",
    ),
    (
        "long-authorizer-cache/bad-cfn-ttl-3600.yaml",
        "cfn/authorizer.yaml",
    ),
    // JSON
    (
        "undeployed-routes/bad-cfn-some-methods-missing.json",
        "json/rest.json",
    ),
    (
        "token-revocation-disabled/bad-revocation-off.json",
        "json/client.json",
    ),
    (
        "long-authorizer-cache/bad-swagger2-request-authorizer.json",
        "json/swagger.json",
    ),
    // SAM
    (
        "long-authorizer-cache/bad-sam-reauthorize-every-hour.yaml",
        "sam/api.yaml",
    ),
    (
        "token-revocation-disabled/bad-sam-user-pool-client.yaml",
        "sam/client.yaml",
    ),
    // OpenAPI with a suppression comment that suppresses nothing
    (
        "unused-suppression/bad-comment-on-protected-route.yaml",
        "openapi/api.yaml",
    ),
    // Terraform
    (
        "undeployed-routes/bad-tf-deployment-without-triggers.tf",
        "tf/deployment/main.tf",
    ),
    (
        "undeployed-routes/bad-tf-triggers-without-create-before-destroy.tf",
        "tf/lifecycle/main.tf",
    ),
    (
        "long-authorizer-cache/bad-tf-one-hour-cache.tf",
        "tf/authorizer/main.tf",
    ),
    (
        "token-revocation-disabled/bad-tf-revocation-off.tf",
        "tf/client/main.tf",
    ),
    // Only unsafe fixes: `--fix` leaves these alone.
    (
        "public-function-url/bad-auth-type-none.yaml",
        "unsafe/url.yaml",
    ),
    (
        "long-lived-tokens/bad-tf-access-token-days.tf",
        "unsafe/tf/main.tf",
    ),
];

/// One finding as `--format json` reports it, without its position (fixes move lines) and with
/// the applicability of its fix.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Reported {
    path: String,
    rule: String,
    subject: String,
    message: String,
    fix: Option<String>,
}

fn reported(repo: &Repo) -> Vec<Reported> {
    let run = repo.run(&["check", "--format", "json", "."]);
    assert!(run.code == 0 || run.code == 1, "{}", run.transcript());
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        document["errors"].as_array().map(Vec::len),
        Some(0),
        "a file does not parse: {}",
        run.stdout
    );
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let mut found: Vec<Reported> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| Reported {
            path: text(&f["location"]["path"]),
            rule: text(&f["rule"]),
            subject: text(&f["subject"]),
            message: text(&f["message"]),
            fix: f["fix"]["applicability"].as_str().map(str::to_owned),
        })
        .collect();
    found.sort();
    found
}

/// Issue 20's acceptance check: a copy of templates with fixable findings (CloudFormation YAML
/// and JSON, SAM, OpenAPI, Terraform), fixed with `check --fix`: the fixed findings are gone,
/// nothing else changed, every file still parses, and a second run changes nothing. Then
/// `--unsafe-fixes` fixes the rest that has a fix.
#[test]
fn check_fix_on_a_copy_of_fixable_templates() {
    let repo = Repo::new();
    for (fixture, to) in FIXABLE_TEMPLATES {
        repo.fixture(fixture, to);
    }
    let before = reported(&repo);
    let routes_before = route_auth(&repo);
    let safe: Vec<&Reported> = before
        .iter()
        .filter(|f| f.fix.as_deref() == Some("safe"))
        .collect();
    let fixed_paths: Vec<&str> = safe.iter().map(|f| f.path.as_str()).collect();
    for (_, to) in FIXABLE_TEMPLATES {
        assert_eq!(
            fixed_paths.contains(to),
            !to.starts_with("unsafe/"),
            "{to}: expected a safe fix in every file but the unsafe ones"
        );
    }
    let originals: Vec<String> = FIXABLE_TEMPLATES
        .iter()
        .map(|(_, to)| repo.read(to))
        .collect();

    let run = repo.run(&["check", "--fix", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    // `note: <path>: fixed N findings`, once per file, adding up to the safe fixes.
    let fixed_count: usize = run
        .stdout
        .lines()
        .filter_map(|line| line.split(": fixed ").nth(1))
        .filter_map(|rest| rest.split(' ').next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(fixed_count, safe.len(), "{}", run.transcript());
    let after = reported(&repo);
    let mut expected: Vec<Reported> = before
        .iter()
        .filter(|f| f.fix.as_deref() != Some("safe"))
        .cloned()
        .collect();
    expected.sort();
    assert_eq!(
        after, expected,
        "the safe fixes' findings are gone, the rest unchanged"
    );
    for ((_, to), original) in FIXABLE_TEMPLATES.iter().zip(&originals) {
        let now = repo.read(to);
        assert_eq!(
            now != *original,
            fixed_paths.contains(to),
            "{to}: changed exactly when it had a safe fix"
        );
    }

    // A second run changes nothing.
    let fixed: Vec<String> = FIXABLE_TEMPLATES
        .iter()
        .map(|(_, to)| repo.read(to))
        .collect();
    let again = repo.run(&["check", "--fix", "."]);
    assert_eq!(again.code, 1, "{}", again.transcript());
    let diff = repo.run(&["check", "--diff", "."]);
    assert_eq!(diff.code, 0, "{}", diff.transcript());
    assert!(diff.stdout.is_empty(), "{}", diff.stdout);
    for ((_, to), text) in FIXABLE_TEMPLATES.iter().zip(&fixed) {
        assert_eq!(repo.read(to), *text, "{to}: the second --fix changed it");
    }
    assert_eq!(reported(&repo), expected);

    // With --unsafe-fixes, every finding that has a fix is gone, the others stay.
    let run = repo.run(&["check", "--fix", "--unsafe-fixes", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    expected.retain(|f| f.fix.is_none());
    assert_eq!(reported(&repo), expected);
    assert!(repo.read("unsafe/url.yaml").contains("AuthType: AWS_IAM"));
    // No fix added or removed authentication on an API route (the function URL's unsafe
    // `AWS_IAM` is the one fix that changes who may call something, and it is not a route of
    // an API).
    assert_eq!(route_auth(&repo), routes_before);
}

/// Every API route of the repository with its authentication, API key and publicity.
fn route_auth(repo: &Repo) -> Vec<String> {
    let run = repo.run(&["routes", "--format", "json", "."]);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut routes: Vec<String> = document["routes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] != "function URL")
        .map(|r| {
            ["api", "method", "path", "auth", "public", "api_key"]
                .map(|field| r[field].to_string())
                .join(" ")
        })
        .collect();
    routes.sort();
    assert!(routes.len() > 5, "{routes:?}");
    routes
}

#[test]
fn unsafe_fixes_without_fix_or_diff_is_a_usage_error() {
    let repo = Repo::new();
    repo.fixture("public-function-url/bad-auth-type-none.yaml", "url.yaml");
    let original = repo.read("url.yaml");
    let run = repo.run(&["check", "--unsafe-fixes", "url.yaml"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("--fix|--diff"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert_eq!(repo.read("url.yaml"), original);
}

#[test]
fn human_output_marks_what_fix_would_fix() {
    let repo = Repo::new();
    repo.fixture(
        "token-revocation-disabled/bad-revocation-off.yaml",
        "client.yaml",
    );
    repo.fixture("public-function-url/bad-auth-type-none.yaml", "url.yaml");
    let run = repo.run(&["check", "."]);
    assert!(
        run.stdout
            .contains("error[token-revocation-disabled]: [*] the user pool client"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("error[public-function-url]: the Lambda function URL"),
        "an unsafe fix is not marked without --unsafe-fixes: {}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("= help: unsafe fix (--unsafe-fixes): require IAM-signed requests"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .ends_with("[*] 1 fixable with --fix (1 more with --unsafe-fixes)\n"),
        "{}",
        run.stdout
    );
    let json = repo.run(&["check", "--format", "json", "client.yaml"]);
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let fix = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "token-revocation-disabled")
        .map(|f| f["fix"].clone())
        .unwrap();
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(fix["title"], "switch token revocation on");
    let edit = &fix["edits"][0];
    assert_eq!(edit["replacement"], "true");
    assert_eq!(edit["location"]["path"], "client.yaml");
    assert_eq!(edit["location"]["start"]["line"], 16);
    assert_eq!(edit["location"]["start"]["column"], 30);
    let (start, end) = (
        edit["location"]["start"]["offset"].as_u64().unwrap() as usize,
        edit["location"]["end"]["offset"].as_u64().unwrap() as usize,
    );
    assert_eq!(&repo.read("client.yaml")[start..end], "false");
}

const FIXES_START: &str = "<!-- fixes:start -->";
const FIXES_END: &str = "<!-- fixes:end -->";

fn fixes_table() -> String {
    let mut table = String::from("| rule | fix | |\n|---|---|---|\n");
    for (rule, what, applicability) in FIXES {
        let kind = match applicability {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        };
        table.push_str(&format!(
            "| [`{rule}`](rules/{rule}.md) | {what} | {kind} |\n"
        ));
    }
    table
}

/// The README's fixes table is [`FIXES`]; `GATELINT_BLESS=1 cargo test --test integration
/// readme` rewrites it.
#[test]
fn readme_fixes_table_is_generated() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = fs::read_to_string(path).unwrap();
    let start = readme.find(FIXES_START).expect("fixes:start marker") + FIXES_START.len();
    let end = readme.find(FIXES_END).expect("fixes:end marker");
    let wanted = format!("\n{}", fixes_table());
    if readme[start..end] != wanted {
        if std::env::var_os("GATELINT_BLESS").is_some() {
            let updated = format!("{}{}{}", &readme[..start], wanted, &readme[end..]);
            fs::write(path, updated).unwrap();
        } else {
            panic!(
                "the README's fixes table is stale; run `GATELINT_BLESS=1 cargo test --test integration readme`"
            );
        }
    }
    let mut listed: Vec<&str> = FIXES.iter().map(|(rule, _, _)| *rule).collect();
    listed.sort_unstable();
    assert_eq!(listed, FIXABLE);
}

/// Over every rule's bad fixtures: a fix appears only on a rule the table lists, with the
/// applicability it says, and every listed rule has one.
#[test]
fn fixes_are_the_ones_the_table_lists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut seen: Vec<&str> = Vec::new();
    for rule in gatelint::rules::RULES {
        let id = rule.meta().id;
        if !root.join(id).is_dir() {
            continue;
        }
        for (path, text) in bad_fixtures(id) {
            let report = lint_bytes(&path, text.as_bytes().to_vec(), &Settings::default());
            for finding in &report.findings {
                let Some(fix) = &finding.fix else { continue };
                let listed = FIXES.iter().find(|(r, _, _)| *r == finding.rule);
                assert_eq!(
                    listed.map(|(_, _, a)| *a),
                    Some(fix.applicability),
                    "{path}: {} offers a {:?} fix the README does not list",
                    finding.rule,
                    fix.applicability
                );
                if !seen.contains(&finding.rule) {
                    seen.push(finding.rule);
                }
            }
        }
    }
    seen.sort_unstable();
    assert_eq!(seen, FIXABLE);
}

/// An unused entry of an `x-gatelint-ignore` or `Metadata` list is removed as the document
/// writes it (the whole `x-gatelint-ignore` when it is its only entry; the last `Metadata` entry
/// stays for you).
#[test]
fn unused_suppression_entries_are_removed_in_yaml_and_json() {
    let json_api = |extension: &str| {
        format!(
            "{{\n  \"openapi\": \"3.0.1\",\n  \"info\": {{ \"title\": \"T\", \"version\": \"1\" }},\n  \"paths\": {{\n    \"/items\": {{\n      \"get\": {{\n        {extension}\n        \"security\": [{{ \"key\": [] }}],\n        \"responses\": {{ \"200\": {{ \"description\": \"OK\" }} }}\n      }}\n    }}\n  }},\n  \"components\": {{ \"securitySchemes\": {{ \"key\": {{ \"type\": \"http\", \"scheme\": \"bearer\" }} }} }}\n}}\n"
        )
    };
    let cfn_json = |ignore: &str| {
        format!(
            "{{\n  \"Resources\": {{\n    \"Api\": {{ \"Type\": \"AWS::ApiGateway::RestApi\", \"Properties\": {{ \"Name\": \"a\" }} }},\n    \"Get\": {{\n      \"Type\": \"AWS::ApiGateway::Method\",\n      \"Metadata\": {{ \"gatelint\": {{ \"ignore\": {ignore} }} }},\n      \"Properties\": {{\n        \"RestApiId\": {{ \"Ref\": \"Api\" }},\n        \"ResourceId\": {{ \"Fn::GetAtt\": [\"Api\", \"RootResourceId\"] }},\n        \"HttpMethod\": \"GET\",\n        \"AuthorizationType\": \"NONE\"\n      }}\n    }}\n  }}\n}}\n"
        )
    };
    let yaml_api = |extension: &str| {
        format!(
            "openapi: 3.0.1\ninfo: {{title: T, version: '1'}}\npaths:\n  /items:\n    get:\n{extension}      security: [{{key: []}}]\n      responses:\n        '200': {{description: OK}}\ncomponents:\n  securitySchemes:\n    key: {{type: http, scheme: bearer}}\n"
        )
    };
    let cases: Vec<(&str, &str, String, bool)> = vec![
        (
            "JSON extension, its only entry",
            "api.json",
            json_api("\"x-gatelint-ignore\": [\"unauthenticated-route\"],"),
            true,
        ),
        (
            "YAML block extension, both unused",
            "api.yaml",
            yaml_api("      x-gatelint-ignore:\n        - unauthenticated-route\n        - api-key-only\n"),
            true,
        ),
        (
            "JSON extension, one of two",
            "api.json",
            json_api("\"x-gatelint-ignore\": [\"unauthenticated-route\", \"api-key-only\"],")
                .replace("\"security\": [{ \"key\": [] }]", "\"security\": []"),
            true,
        ),
        (
            "YAML flow extension, one of two",
            "api.yaml",
            yaml_api("      x-gatelint-ignore: [unauthenticated-route, api-key-only]  # public\n")
                .replace("security: [{key: []}]", "security: []"),
            true,
        ),
        (
            "YAML block extension, one of two",
            "api.yaml",
            yaml_api(
                "      x-gatelint-ignore:\n        - unauthenticated-route\n        - rule: api-key-only\n          reason: public\n",
            )
            .replace("security: [{key: []}]", "security: []"),
            true,
        ),
        (
            "JSON Metadata, the unused one of two",
            "t.json",
            cfn_json(
                "[\n          { \"rule\": \"unauthenticated-route\", \"reason\": \"health check\" },\n          { \"rule\": \"api-key-only\", \"reason\": \"no longer needed\" }\n        ]",
            ),
            true,
        ),
        (
            "JSON Metadata, its only entry: no fix",
            "t.json",
            cfn_json("[{ \"rule\": \"api-key-only\", \"reason\": \"no longer needed\" }]")
                .replace("\"NONE\"", "\"AWS_IAM\""),
            false,
        ),
    ];
    insta::assert_snapshot!(fix_cases("unused-suppression", cases));
}

/// Fix each of `cases` (name, path, text, whether a fix is expected) with the safe fixes: a
/// finding of `rule` is there before; where a fix is expected the result parses, has no finding
/// of `rule` left and every other finding unchanged, and fixing again changes nothing; elsewhere
/// nothing changes. Returns the diffs, each under its case's name.
fn fix_cases(rule: &str, cases: Vec<(&str, &str, String, bool)>) -> String {
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
        let mut others = before;
        others.retain(|(r, _)| r != rule);
        assert_eq!(after, others, "{name}: {}", result.fixed);
        let again = fix_text(path, &result.fixed, &Settings::default(), ALL);
        assert_eq!(again.fixed, result.fixed, "{name}: fixing twice changed it");
        diffs.push_str(&format!("# {name}\n"));
        diffs.push_str(&unified_diff(path, &text, &result.fixed));
    }
    diffs
}
