//! `gatelint routes`, `rules`, `explain` and `completions` through the real CLI.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::common;

use common::Repo;
use serde_json::Value;

/// A REST API: `GET /items` is IAM in production and open otherwise; `POST /items` needs a
/// Cognito authorizer and an API key; the `prod` stage throttles.
const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: dev
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  ShopApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: shop
  Items:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref ShopApi
      ParentId: !GetAtt ShopApi.RootResourceId
      PathPart: items
  ItemsGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref ShopApi
      ResourceId: !Ref Items
      HttpMethod: GET
      AuthorizationType: !If [IsProd, AWS_IAM, NONE]
      Integration:
        Type: MOCK
  ItemsPost:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref ShopApi
      ResourceId: !Ref Items
      HttpMethod: POST
      AuthorizationType: COGNITO_USER_POOLS
      AuthorizerId: !Ref ShopAuthorizer
      AuthorizationScopes: [items/write]
      ApiKeyRequired: true
      Integration:
        Type: MOCK
  ShopAuthorizer:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      RestApiId: !Ref ShopApi
      Name: shop-users
      Type: COGNITO_USER_POOLS
      IdentitySource: method.request.header.Authorization
      ProviderARNs:
        - arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [ItemsGet, ItemsPost]
    Properties:
      RestApiId: !Ref ShopApi
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref ShopApi
      DeploymentId: !Ref Deployment
      StageName: prod
      MethodSettings:
        - ResourcePath: "/*"
          HttpMethod: "*"
          ThrottlingRateLimit: 100
          ThrottlingBurstLimit: 50
"#;

/// An OpenAPI document whose title and path would break a markdown table.
const PIPES: &str = r#"openapi: 3.0.1
info:
  title: Pipes | API
  version: "1.0"
paths:
  /a|b:
    get:
      security: []
      responses:
        "200": {description: OK}
"#;

fn inventory_repo() -> Repo {
    let repo = Repo::new();
    repo.write("infra/shop.yaml", TEMPLATE)
        .write("specs/pipes.yaml", PIPES)
        .fixture("demo/pets-api.yaml", "specs/pets.yaml")
        .fixture(
            "unauthenticated-route/good-cfn-v2-websocket-connect-authorized.json",
            "infra/chat.json",
        )
        .fixture(
            "public-function-url/bad-public-when-condition.yaml",
            "infra/export.yaml",
        );
    repo
}

#[test]
fn routes_as_a_table() {
    let run = inventory_repo().run(&["routes"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn routes_as_markdown_escape_cells_and_public_keeps_open_routes() {
    let repo = inventory_repo();
    let run = repo.run(&["routes", "--format", "markdown", "--public"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.transcript());
    // Every row has the header's number of cells: nothing broke the table.
    let lines: Vec<&str> = run.stdout.lines().take_while(|l| !l.is_empty()).collect();
    let cells = |line: &str| line.replace("\\|", "").matches('|').count();
    assert!(lines.len() > 2);
    assert!(
        lines.iter().all(|l| cells(l) == cells(lines[0])),
        "{lines:?}"
    );
}

#[test]
fn routes_as_json() {
    let repo = inventory_repo();
    repo.write(".gatelint.yaml", "public-routes: [GET /pets]\n");
    let run = repo.run(&["routes", "--format", "json"]);
    assert_eq!(run.code, 0);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["version"], 1);
    let routes = json["routes"].as_array().unwrap();
    let get_items = routes
        .iter()
        .find(|r| r["path"] == "/items" && r["method"] == "GET")
        .unwrap();
    assert_eq!(get_items["public"], true);
    assert_eq!(get_items["accepted_public"], false);
    assert_eq!(
        get_items["auth"],
        "IAM (SigV4) when IsProd is true; NONE when IsProd is false"
    );
    let get_pets = routes
        .iter()
        .find(|r| r["path"] == "/pets" && r["method"] == "GET")
        .unwrap();
    assert_eq!(get_pets["accepted_public"], true);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn routes_report_unreadable_files_on_stderr_and_exit_2() {
    let repo = inventory_repo();
    repo.write("specs/broken.yaml", "openapi: 3.0.1\npaths: [\n");
    let run = repo.run(&["routes", "--format", "json", "specs"]);
    assert_eq!(run.code, 2);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["routes"].as_array().unwrap().len(),
        6,
        "the files under specs/"
    );
    assert!(
        run.stderr.starts_with("specs/broken.yaml:"),
        "{}",
        run.stderr
    );
}

/// A SAM API with `Cors` and a default Cognito authorizer; `PREFLIGHT` is replaced by the
/// `AddDefaultAuthorizerToCorsPreflight` setting.
const SAM_CORS: &str = r#"Transform: AWS::Serverless-2016-10-31
Resources:
  PetsApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Cors: "'*'"
      Auth:
        DefaultAuthorizer: Users
        PREFLIGHT
        Authorizers:
          Users:
            UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc
  Pets:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: .
      Events:
        List:
          Type: Api
          Properties:
            RestApiId: !Ref PetsApi
            Path: /pets
            Method: get
"#;

#[test]
fn routes_show_the_default_authorizer_sam_puts_on_cors_preflights() {
    let preflight_auth = |setting: &str| {
        let repo = Repo::new();
        repo.write("template.yaml", &SAM_CORS.replace("PREFLIGHT", setting));
        let run = repo.run(&["routes", "--format", "json"]);
        let json: Value = serde_json::from_str(&run.stdout).unwrap();
        let routes = json["routes"].as_array().unwrap().clone();
        let options = routes.iter().find(|r| r["method"] == "OPTIONS").unwrap();
        assert_eq!(options["public"], false);
        options["auth"].as_str().unwrap().to_owned()
    };
    // By default SAM adds the default authorizer to the preflight too.
    assert_eq!(
        preflight_auth("AddDefaultAuthorizerToCorsPreflight: true"),
        "Cognito user pool authorizer Users"
    );
    assert_eq!(
        preflight_auth("AddDefaultAuthorizerToCorsPreflight: false"),
        "NONE (CORS preflight answered by API Gateway)"
    );
}

#[test]
fn rules_as_a_table_and_as_json() {
    let repo = Repo::new();
    let table = repo.run(&["rules"]);
    assert_eq!(table.code, 0);
    let json = repo.run(&["rules", "--format", "json"]);
    let rules: Value = serde_json::from_str(&json.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), gatelint::rules::RULES.len());
    assert_eq!(table.stdout.lines().count(), rules.len());
    let unused = rules
        .iter()
        .find(|r| r["id"] == "unused-suppression")
        .unwrap();
    assert_eq!(unused["severity"], "warning");
    let line = table
        .stdout
        .lines()
        .find(|l| l.starts_with("unused-suppression "))
        .unwrap();
    assert!(line.contains(" warning "), "{line}");
}

#[test]
fn explain_prints_the_doc_and_suggests_on_a_typo() {
    let repo = Repo::new();
    let run = repo.run(&["explain", "unused-suppression"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        include_str!("../../rules/unused-suppression.md"),
        "printed as written when not on a terminal"
    );
    let typo = repo.run(&["explain", "unauthenticated-routes"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr
            .contains("did you mean `unauthenticated-route`?"),
        "{}",
        typo.stderr
    );
}

#[test]
fn completions_for_bash_zsh_and_fish_know_the_subcommands_and_flags() {
    let repo = Repo::new();
    for shell in ["bash", "zsh", "fish"] {
        let run = repo.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}");
        // fish spells long flags `-l write-baseline`.
        for word in [
            "routes",
            "explain",
            "write-baseline",
            "ignore-suppressions",
            "markdown",
        ] {
            assert!(run.stdout.contains(word), "{shell} completion lacks {word}");
        }
    }
    assert_eq!(repo.run(&["completions", "tcsh"]).code, 2);
}

#[test]
fn a_directory_without_candidate_files_is_an_error_like_a_missing_path() {
    let repo = Repo::new();
    repo.write("docs/README.md", "# not ours\n");
    let run = repo.run(&["check", "docs", "--format", "concise"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("docs: no candidate file in this directory (none ends in .yaml, .yml, .json, .template, .tf or .tfvars"),
        "{}",
        run.transcript()
    );
    let typo = repo.run(&["check", "infra", "--format", "concise"]);
    assert_eq!(typo.code, 2, "{}", typo.transcript());
    // Files, but no API document: `routes` says so, as `check` does, instead of a bare
    // "0 routes".
    repo.write("config/app.yaml", "name: app\nreplicas: 2\n");
    for command in ["check", "routes"] {
        let run = repo.run(&[command, "config"]);
        assert_eq!(run.code, 0, "{}", run.transcript());
        assert!(
            run.stderr.contains(
                "no API document (OpenAPI, CloudFormation, SAM, a Serverless Framework service, Terraform or a CDK cloud assembly) found under config: nothing was checked"
            ),
            "{command}: {}",
            run.transcript()
        );
    }
}

#[test]
fn a_directory_with_no_api_document_is_said_on_stderr() {
    let repo = Repo::new();
    repo.write(
        "k8s/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\n",
    );
    let run = repo.run(&["check", "k8s"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("no API document (OpenAPI, CloudFormation, SAM, a Serverless Framework service, Terraform or a CDK cloud assembly) found under k8s"),
        "{}",
        run.transcript()
    );
    // With a document, nothing is said.
    repo.write("k8s/api.yaml", common::OPEN_API);
    let run = repo.run(&["check", "k8s"]);
    assert!(run.stderr.is_empty(), "{}", run.transcript());
}
