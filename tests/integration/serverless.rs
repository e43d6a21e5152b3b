//! The Serverless Framework front end through the real binary: a service that reads files with
//! `${file(...)}` (settings, an authorizer, CloudFormation `resources`), variables with defaults,
//! and a file outside the service's directory (Unknown, never read, never an error).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::Repo;

const SERVICE: &str = r#"service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs20.x
  stage: ${opt:stage, self:custom.defaults.stage}
  logs:
    restApi: ${file(./config/${sls:stage}.yml):accessLogs}
  apiGateway:
    usagePlan: ${file(./config/${sls:stage}.yml):usagePlan}
  httpApi:
    authorizers:
      cognito:
        issuerUrl: ${file(./config/${sls:stage}.yml):issuer}
        audience: ${env:AUDIENCE, 'orders-web'}
custom:
  defaults: ${file(./defaults.json)}
  shared: ${file(../shared.yml):authorizer}
functions:
  checkToken:
    handler: src/auth.check
  listOrders:
    handler: src/orders.list
    events:
      - http:
          path: orders
          method: get
          authorizer: ${file(./auth.yml):authorizer}
      - http: POST /orders
      - http:
          path: orders/{id}
          method: delete
          authorizer: ${self:custom.shared}
      - httpApi:
          method: GET
          path: /v2/orders
          authorizer:
            name: cognito
  # gatelint: ignore[unauthenticated-route] the status page is public
  status:
    handler: src/status.handler
    events:
      - http: GET /status
resources:
  - ${file(./resources/cognito.yml)}
"#;

fn service_repo() -> Repo {
    let repo = Repo::new();
    repo.write("svc/serverless.yml", SERVICE)
        .write("svc/defaults.json", r#"{"stage": "prod"}"#)
        .write(
            "svc/config/prod.yml",
            "accessLogs: true\nusagePlan:\n  throttle:\n    rateLimit: 100\n    burstLimit: 200\n\
             issuer: https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf\n",
        )
        .write(
            "svc/auth.yml",
            "authorizer:\n  name: checkToken\n  resultTtlInSeconds: 7200\n",
        )
        .write("shared.yml", "authorizer: aws_iam\n")
        .write(
            "svc/resources/cognito.yml",
            "Resources:\n  UserPool:\n    Type: AWS::Cognito::UserPool\n  WebClient:\n    \
             Type: AWS::Cognito::UserPoolClient\n    Properties:\n      UserPoolId: !Ref UserPool\n      \
             EnableTokenRevocation: false\n",
        );
    repo
}

#[test]
fn a_service_with_file_variables_and_resources() {
    let repo = service_repo();
    let run = repo.run(&["check", "svc"]);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn routes_of_a_service() {
    let repo = service_repo();
    let run = repo.run(&["routes", "svc"]);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn a_file_the_service_reads_is_linted_through_it_once() {
    let repo = service_repo();
    let run = repo.run(&["check", "--format", "concise", "svc"]);
    // The resources file is CloudFormation on its own too; its client is reported once, from
    // the service that reads it.
    assert_eq!(run.stdout.matches("token-revocation-disabled").count(), 1);
}

#[test]
fn a_service_the_framework_rejects_is_an_input_error_located_in_it() {
    let repo = Repo::new();
    repo.write(
        "serverless.yml",
        "service: x\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: h\n    events:\n      \
         - http:\n          path: x\n          method: fetch\n      - http: GET\n",
    );
    let run = repo.run(&["check", "--format", "concise", "serverless.yml"]);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn other_providers_and_plain_yaml_are_not_services() {
    let repo = Repo::new();
    repo.write(
        "azure/serverless.yml",
        "service: x\nprovider:\n  name: azure\nfunctions:\n  f:\n    handler: h\n",
    )
    .write("compose.yml", "services:\n  web:\n    image: nginx\n");
    let run = repo.run(&["check", "--verbose", "azure/serverless.yml", "compose.yml"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("azure/serverless.yml: skipped"),
        "{}",
        run.transcript()
    );
}

#[test]
fn what_variables_hide_is_a_coverage_note() {
    let repo = Repo::new();
    repo.write(
        "svc/serverless.yml",
        "service: s\nprovider:\n  name: aws\n  httpApi:\n    authorizers:\n      jwt:\n        \
         issuerUrl: https://issuer.example.com\n        audience: [a]\nfunctions:\n  a:\n    \
         handler: h\n    events: ${file(../events.yml)}\n  b:\n    handler: h\n    events:\n      \
         - httpApi: GET /x\n      - ${ssm:/events/b}\n",
    )
    .write("events.yml", "- httpApi: GET /y\n");
    let run = repo.run(&["check", "--format", "concise", "svc"]);
    insta::assert_snapshot!(run.transcript());
}

/// An http event authorizer's `identityValidationExpression` is the authorizer's
/// `IdentityValidationExpression` (the framework passes it on): with the opt-in setting, only the
/// authorizer without one is reported, in the framework's words.
#[test]
fn identity_validation_expression_is_read() {
    let repo = Repo::new();
    repo.write(
        ".gatelint.yaml",
        "rules:\n  authorizer-cache-key:\n    token-validation-above-seconds: 60\n",
    )
    .write(
        "serverless.yml",
        "service: s\nprovider:\n  name: aws\nfunctions:\n  checked:\n    handler: a\n  \
         unchecked:\n    handler: b\n  orders:\n    handler: h\n    events:\n      - http:\n          \
         path: orders\n          method: get\n          authorizer:\n            name: checked\n            \
         identityValidationExpression: '^Bearer [-0-9A-Za-z._~+/]+=*$'\n      - http:\n          \
         path: items\n          method: get\n          authorizer:\n            name: unchecked\n",
    );
    let run = repo.run(&[
        "check",
        "--format",
        "concise",
        "--select",
        "authorizer-cache-key",
        "serverless.yml",
    ]);
    insta::assert_snapshot!(run.transcript());
}

/// A service name that does not resolve is shown as written, not as the word "service".
#[test]
fn an_unresolved_service_name_is_shown_as_written() {
    let repo = Repo::new();
    repo.write(
        "serverless.yml",
        "service: ${env:PREFIX}-orders\nprovider:\n  name: aws\nfunctions:\n  list:\n    handler: h.list\n    events:\n      - http:\n          path: orders\n          method: get\n",
    );
    let run = repo.run(&["check", "serverless.yml", "--format", "concise"]);
    assert!(
        run.stdout
            .contains("GET /orders on the REST API of service ${env:PREFIX}-orders (function list"),
        "{}",
        run.transcript()
    );
}
