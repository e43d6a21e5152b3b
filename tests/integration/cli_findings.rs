//! Living with findings through the real CLI: suppressions (comments, resource Metadata,
//! `x-gatelint-ignore`), `--no-ignore`, unused suppressions, the baseline, how they combine, and
//! adopting gatelint on a repository with mixed OpenAPI, CloudFormation and SAM files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::common;

use common::{OPEN_API, Repo};
use serde_json::Value;

/// A REST API with one open method, `GET /status` (`StatusGet`).
const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  StatusApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: status
  Status:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref StatusApi
      ParentId: !GetAtt StatusApi.RootResourceId
      PathPart: status
  StatusGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref StatusApi
      ResourceId: !Ref Status
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: MOCK
"#;

/// A SAM function whose event adds `GET /reports` to the implicit API, without authentication.
const SAM: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ReportsFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        ListReports:
          Type: Api
          Properties:
            Path: /reports
            Method: get
"#;

/// `(rule, path, line)` of every finding of a `--format json` run.
fn findings(run: &common::Run) -> Vec<(String, String, u64)> {
    let json: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", run.stdout, run.stderr);
    });
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["location"]["path"].as_str().unwrap().to_owned(),
                f["location"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn notes(run: &common::Run) -> Vec<String> {
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{}: {}",
                n["path"].as_str().unwrap(),
                n["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn json(repo: &Repo, extra: &[&str]) -> common::Run {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    repo.run(&args)
}

#[test]
fn a_comment_suppresses_its_line_and_the_next_and_shows_its_reason() {
    let repo = Repo::new();
    let text = OPEN_API
        .replacen(
            "      security: []\n",
            "      # gatelint: ignore[unauthenticated-route] load balancer health check\n      security: []\n",
            1,
        )
        .replacen(
            "      security: []\n      responses:\n        \"200\": {description: OK}\n    post",
            "      security: []  # gatelint: ignore[unauthenticated-route]\n      responses:\n        \"200\": {description: OK}\n    post",
            1,
        );
    repo.write("api.yaml", &text);
    let run = repo.run(&["check", "--verbose", "api.yaml"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.transcript());
    // --no-ignore brings both back.
    let all = json(&repo, &["--no-ignore", "api.yaml"]);
    assert_eq!(
        findings(&all),
        [
            ("unauthenticated-route".into(), "api.yaml".into(), 9),
            ("unauthenticated-route".into(), "api.yaml".into(), 14),
        ]
    );
}

#[test]
fn a_comment_two_lines_away_covers_nothing_and_is_reported() {
    let repo = Repo::new();
    let text = OPEN_API.replacen(
        "    get:\n      security: []",
        "    # gatelint: ignore[unauthenticated-route]\n    get:\n      summary: health\n      security: []",
        1,
    );
    repo.write("api.yaml", &text);
    let run = json(&repo, &["api.yaml"]);
    assert_eq!(
        findings(&run),
        [
            ("unused-suppression".into(), "api.yaml".into(), 7),
            ("unauthenticated-route".into(), "api.yaml".into(), 10),
            ("unauthenticated-route".into(), "api.yaml".into(), 15),
        ]
    );
}

#[test]
fn resource_metadata_suppresses_every_finding_of_the_resource_also_in_json() {
    let repo = Repo::new();
    let suppressed = TEMPLATE.replacen(
        "  StatusGet:\n    Type: AWS::ApiGateway::Method\n",
        "  StatusGet:\n    Type: AWS::ApiGateway::Method\n    Metadata:\n      gatelint:\n        ignore:\n          - rule: unauthenticated-route\n            reason: status page\n",
        1,
    );
    repo.write("template.yaml", &suppressed);
    let run = repo.run(&["check", "-v", "template.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    insta::assert_snapshot!(run.transcript());
    assert_eq!(
        findings(&json(&repo, &["--no-ignore", "template.yaml"]))[0].0,
        "unauthenticated-route"
    );

    // The same in a JSON template, with a misspelt rule next to the right one.
    repo.fixture(
        "unused-suppression/bad-unknown-rule-in-metadata.json",
        "template.json",
    );
    let run = json(&repo, &["template.json"]);
    assert_eq!(
        findings(&run),
        [("unused-suppression".into(), "template.json".into(), 22)]
    );
    assert!(run.stdout.contains("did you mean `unauthenticated-route`"));
}

#[test]
fn x_gatelint_ignore_on_the_root_a_path_item_and_an_operation() {
    let repo = Repo::new();
    let on_operation = OPEN_API.replacen(
        "    get:\n      security: []",
        "    get:\n      x-gatelint-ignore: [unauthenticated-route]\n      security: []",
        1,
    );
    repo.write("op.yaml", &on_operation);
    let on_path = OPEN_API.replacen(
        "  /orders:\n",
        "  /orders:\n    x-gatelint-ignore:\n      - rule: unauthenticated-route\n        reason: public catalogue\n",
        1,
    );
    repo.write("path.yaml", &on_path);
    let on_root = OPEN_API.replacen(
        "paths:\n",
        "x-gatelint-ignore: [unauthenticated-route, unused-authorizer]\npaths:\n",
        1,
    );
    repo.write("root.yaml", &on_root);
    let run = json(&repo, &["op.yaml", "path.yaml", "root.yaml"]);
    assert_eq!(
        findings(&run),
        [
            ("unauthenticated-route".into(), "op.yaml".into(), 14),
            ("unauthenticated-route".into(), "path.yaml".into(), 8),
            ("unused-suppression".into(), "root.yaml".into(), 5),
        ]
    );
}

#[test]
fn a_suppression_of_a_rule_switched_off_is_not_reported_as_unused() {
    // Decision: the rule did not run, so whether the suppression would match is unknown; it is
    // right again once the rule is switched back on.
    let repo = Repo::new();
    let text = OPEN_API.replace(
        "      security: []\n",
        "      security: []  # gatelint: ignore[unauthenticated-route, weak-auth-scheme]\n",
    );
    repo.write("api.yaml", &text);
    repo.write(
        ".gatelint.yaml",
        "rules:\n  unauthenticated-route: off\n  weak-auth-scheme: off\n",
    );
    let run = json(&repo, &["api.yaml"]);
    assert_eq!(findings(&run), []);
    // With the rules on, the one that matches nothing is reported, for each line.
    repo.write(".gatelint.yaml", "{}\n");
    let run = json(&repo, &["api.yaml"]);
    assert_eq!(
        findings(&run),
        [
            ("unused-suppression".into(), "api.yaml".into(), 8),
            ("unused-suppression".into(), "api.yaml".into(), 13),
        ]
    );
    assert!(
        run.stdout
            .contains("suppression of `weak-auth-scheme` suppresses nothing")
    );
}

#[test]
fn unused_suppression_can_be_switched_off_and_no_ignore_reports_none() {
    let repo = Repo::new();
    repo.fixture(
        "unused-suppression/bad-comment-on-protected-route.yaml",
        "api.yaml",
    );
    assert_eq!(findings(&json(&repo, &["api.yaml"])).len(), 1);
    assert_eq!(findings(&json(&repo, &["--no-ignore", "api.yaml"])), []);
    repo.write(".gatelint.yaml", "rules:\n  unused-suppression: off\n");
    assert_eq!(findings(&json(&repo, &["api.yaml"])), []);
}

#[test]
fn the_baseline_hides_recorded_findings_and_counts_stale_entries() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API)
        .write("infra/template.yaml", TEMPLATE);
    let written = repo.run(&["check", "--write-baseline", "gatelint-baseline.json"]);
    assert_eq!(written.code, 0);
    insta::assert_snapshot!("baseline_written", written.transcript());
    insta::assert_snapshot!("baseline_file", repo.read("gatelint-baseline.json"));

    // Unrelated edits (lines move) keep the baseline valid.
    repo.write("api.yaml", &format!("# Orders\n\n{OPEN_API}"));
    let run = repo.run(&["check", "--baseline", "gatelint-baseline.json"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("baseline_applied", run.transcript());

    // Fixing one finding leaves a stale entry; a new one is reported.
    let fixed = OPEN_API
        .replacen("      security: []\n", "      security:\n        - bearer: []\n", 1)
        .replace("  /orders:", "  /admin:\n    delete:\n      security: []\n      responses:\n        \"204\": {description: Gone}\n  /orders:");
    repo.write("api.yaml", &fixed);
    let run = json(&repo, &["--baseline", "gatelint-baseline.json"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&run),
        [("unauthenticated-route".into(), "api.yaml".into(), 14)]
    );
    assert!(run.stdout.contains("DELETE /admin"));
    assert_eq!(
        notes(&run),
        [
            "gatelint-baseline.json: 2 findings not shown (in the baseline); 1 baseline entry no longer matches anything: fixed, renamed or moved (rewrite the baseline with --write-baseline to drop it)"
        ]
    );
}

#[test]
fn the_baseline_works_from_another_directory() {
    let repo = Repo::new();
    repo.write("services/api.yaml", OPEN_API);
    assert_eq!(
        repo.run(&["check", "--write-baseline", "ci/baseline.json"])
            .code,
        0
    );
    assert!(
        repo.read("ci/baseline.json")
            .contains("\"../services/api.yaml\"")
    );
    let run = repo.run_in(
        "services",
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "../ci/baseline.json",
            "api.yaml",
        ],
    );
    assert_eq!(findings(&run), []);
    assert_eq!(run.code, 0);
}

#[test]
fn a_damaged_baseline_is_a_located_error() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API).write(
        "baseline.json",
        "{\n  \"version\": 1,\n  \"findings\": [\n    {\"path\": \"api.yaml\", \"rule\": \"unauthenticated-route\"}\n  ]\n}\n",
    );
    let run = repo.run(&[
        "check",
        "--format",
        "concise",
        "--baseline",
        "baseline.json",
        "api.yaml",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("baseline.json:4:5: error[input-error] not a gatelint baseline: this entry has no `subject` string"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_baselined_finding_that_is_also_suppressed_is_suppressed_and_its_entry_is_stale() {
    // Order: suppressions come before the baseline, so the suppression is used (not reported as
    // unused) and the baseline entry matches nothing any more.
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API);
    repo.run(&["check", "--write-baseline", "baseline.json"]);
    let text = OPEN_API.replacen(
        "      security: []\n",
        "      security: []  # gatelint: ignore[unauthenticated-route] health check\n",
        1,
    );
    repo.write("api.yaml", &text);
    let run = json(&repo, &["--baseline", "baseline.json", "--verbose"]);
    assert_eq!(run.code, 0);
    assert_eq!(findings(&run), []);
    assert_eq!(
        notes(&run),
        [
            "api.yaml: 8:17: unauthenticated-route suppressed by a comment: health check",
            "baseline.json: 1 finding not shown (in the baseline); 1 baseline entry no longer matches anything: fixed, renamed or moved (rewrite the baseline with --write-baseline to drop it)",
            "baseline.json: skipped: not an API document (OpenAPI, CloudFormation, SAM, a Serverless Framework service, Terraform or a CDK cloud assembly)",
        ]
    );
}

/// The issue's acceptance check: a repository with OpenAPI, CloudFormation and SAM files is
/// adopted in three steps and then fails only on new problems.
#[test]
fn a_mixed_repository_is_adopted_in_three_steps() {
    let repo = Repo::new();
    repo.write("services/orders/openapi.yaml", OPEN_API)
        .write("infra/status.yaml", TEMPLATE)
        .write("functions/template.yaml", SAM)
        .fixture(
            "long-authorizer-cache/bad-cfn-ttl-3600.json",
            "infra/auth.json",
        )
        .write("docs/notes.yaml", "title: not an API\n");
    let before = json(&repo, &[]);
    assert_eq!(before.code, 1);
    let total = findings(&before).len();
    assert!(total >= 4, "{}", before.stdout);

    // 1. Record what is there.
    assert_eq!(
        repo.run(&["check", "--write-baseline", "gatelint-baseline.json"])
            .code,
        0
    );
    let run = json(&repo, &["--baseline", "gatelint-baseline.json"]);
    assert_eq!((run.code, findings(&run)), (0, vec![]));

    // 2. The health check is public on purpose.
    repo.write(".gatelint.yaml", "public-routes:\n  - GET /health\n");
    // 3. So is the status method: say so where it is declared.
    let status = TEMPLATE.replace(
        "      AuthorizationType: NONE",
        "      AuthorizationType: NONE  # gatelint: ignore[unauthenticated-route] status page",
    );
    repo.write("infra/status.yaml", &status);
    let run = json(&repo, &["--baseline", "gatelint-baseline.json"]);
    assert_eq!((run.code, findings(&run)), (0, vec![]));
    assert!(
        notes(&run)[0].contains(&format!(
            "{} findings not shown (in the baseline); 2 baseline entries no longer match anything",
            total - 2
        )),
        "{:?}",
        notes(&run)
    );

    // The baseline is rewritten without the two accepted findings; then a new problem fails.
    repo.run(&["check", "--write-baseline", "gatelint-baseline.json"]);
    assert_eq!(
        repo.read("gatelint-baseline.json")
            .matches("\"rule\"")
            .count(),
        total - 2
    );
    let new_route = OPEN_API.replace(
        "  /orders:",
        "  /refunds:\n    post:\n      security: []\n      responses:\n        \"201\": {description: Created}\n  /orders:",
    );
    repo.write("services/orders/openapi.yaml", &new_route);
    let run = json(&repo, &["--baseline", "gatelint-baseline.json"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&run),
        [(
            "unauthenticated-route".into(),
            "services/orders/openapi.yaml".into(),
            13
        )]
    );
    assert!(run.stdout.contains("POST /refunds"));
}

#[test]
fn metadata_on_a_sam_function_covers_the_findings_of_its_events() {
    let repo = Repo::new();
    let suppressed = SAM.replacen(
        "    Type: AWS::Serverless::Function\n",
        "    Type: AWS::Serverless::Function\n    Metadata:\n      gatelint:\n        ignore:\n          - rule: unauthenticated-route\n            reason: read-only reports\n",
        1,
    );
    repo.write("template.yaml", &suppressed);
    let all = json(&repo, &["--no-ignore", "template.yaml"]);
    let open: Vec<_> = findings(&all)
        .into_iter()
        .filter(|f| f.0 == "unauthenticated-route")
        .collect();
    // The finding is on the event, inside the function's resource.
    assert_eq!(
        open,
        [("unauthenticated-route".into(), "template.yaml".into(), 16)]
    );
    let run = json(&repo, &["--verbose", "template.yaml"]);
    assert!(
        findings(&run)
            .iter()
            .all(|f| f.0 != "unauthenticated-route" && f.0 != "unused-suppression"),
        "{}",
        run.stdout
    );
    assert!(notes(&run).contains(
        &"template.yaml: 16:9: unauthenticated-route suppressed by resource metadata: read-only reports".to_owned()
    ), "{:?}", notes(&run));
}

/// A SAM API whose definition is a file beside the template.
const SAM_WITH_DEFINITION_URI: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  PetsApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionUri: pets.yaml
"#;

/// `GET /pets` and `GET /owners`, both open.
const PETS: &str = r#"openapi: 3.0.1
info: {title: pets, version: "1"}
paths:
  /pets:
    # gatelint: ignore[unauthenticated-route] the public catalogue
    get:
      x-amazon-apigateway-integration: {type: mock}
  /owners:
    get:
      x-amazon-apigateway-integration: {type: mock}
"#;

#[test]
fn a_definition_uri_file_is_linted_once_through_its_template_and_obeys_its_own_comments() {
    let repo = Repo::new();
    repo.write("template.yaml", SAM_WITH_DEFINITION_URI);
    repo.write("pets.yaml", PETS);
    let run = json(&repo, &["--verbose", "."]);
    let open: Vec<_> = findings(&run)
        .into_iter()
        .filter(|(rule, _, _)| rule == "unauthenticated-route")
        .collect();
    // Once, not again as an API of its own; the commented route stays suppressed.
    assert_eq!(
        open,
        [("unauthenticated-route".into(), "pets.yaml".into(), 9)]
    );
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        output["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("PetsApi"),
        "{}",
        run.stdout
    );
    let notes = notes(&run);
    assert!(
        notes.contains(
            &"pets.yaml: linted through the template or module that loads it: its findings are \
              reported there"
                .to_owned()
        ),
        "{notes:?}"
    );
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.contains("suppressed by a comment"))
            .count(),
        1,
        "{notes:?}"
    );
    // The inventory lists each route once, under the template's API.
    let routes = repo.run(&["routes", "--format", "json", "."]);
    let rows: Value = serde_json::from_str(&routes.stdout).unwrap();
    let apis: Vec<&str> = rows["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["api"].as_str().unwrap())
        .collect();
    assert_eq!(apis, ["PetsApi", "PetsApi"], "{}", routes.stdout);
    // Linted on its own, the file is an API of its own.
    let alone = json(&repo, &["pets.yaml"]);
    assert_eq!(findings(&alone).len(), 1);
}
