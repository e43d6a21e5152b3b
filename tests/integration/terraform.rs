//! Terraform through the binary: a root module with a local module, tfvars, a conditional, a
//! `for_each` and an OpenAPI body read with `templatefile` (`fixtures/terraform/module/`), and
//! hostile HCL. Findings and routes are snapshotted as a user sees them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::Command;

use gatelint::lint::lint_bytes;
use gatelint::rules::Settings;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/terraform"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_module_with_a_local_module_is_linted_as_one() {
    let (code, stdout, stderr) = run(&["check", "--no-config", "--format", "concise", "module"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    // The caller passes NONE into the module's for_each methods.
    assert!(
        stdout.contains(
            "module/modules/api/main.tf:16:3: error[unauthenticated-route] GET /orders on \
             module.api.aws_api_gateway_rest_api.this can be called without credentials\n"
        ),
        "{stdout}"
    );
    // Both branches of a conditional on a root variable; the finding names the open one.
    assert!(
        stdout.contains("GET /health on module.api.aws_api_gateway_rest_api.this can be called without credentials when var.public_health is true"),
        "{stdout}"
    );
    // The templatefile body is linted through the HTTP API, located in the YAML file.
    assert!(
        stdout.contains("module/openapi.yaml:8:17: error[unauthenticated-route] GET /reports on aws_apigatewayv2_api.http"),
        "{stdout}"
    );
    // The called module is reported once (through its caller), not again on its own.
    assert_eq!(stdout.matches("POST /orders").count(), 1, "{stdout}");
    // A deployment whose triggers follow the methods, with create_before_destroy: no finding.
    assert!(!stdout.contains("undeployed-routes"), "{stdout}");
    insta::assert_snapshot!("module_check", stdout);
}

#[test]
fn routes_lists_the_module_routes() {
    let (code, stdout, _) = run(&["routes", "--no-config", "module"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("module_routes", stdout);
}

#[test]
fn hostile_hcl_is_a_located_error_not_a_panic() {
    let deep = format!(
        "resource \"aws_api_gateway_method\" \"m\" {{\n  x = {}1{}\n}}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    for (name, bytes) in [
        ("deep.tf", deep.into_bytes()),
        (
            "bad.tf",
            b"resource \"aws_api_gateway_method\" {{{".to_vec(),
        ),
        (
            "utf8.tf",
            b"resource \"aws_api_gateway_rest_api\" \"a\" { name = \"\xff\" }".to_vec(),
        ),
        (
            "json.tf.json",
            b"{\"resource\": {\"aws_api_gateway_rest_api\": [1, 2".to_vec(),
        ),
    ] {
        let report = lint_bytes(name, bytes, &Settings::default());
        assert_eq!(report.errors.len(), 1, "{name}: {:?}", report.errors);
        let at = report.errors[0].loc.start();
        assert!(at.line >= 1 && at.column >= 1, "{name}");
    }
    // Not an API file: a parse error is no input error.
    let other = lint_bytes(
        "other.tf",
        b"resource \"aws_s3_bucket\" {{{".to_vec(),
        &Settings::default(),
    );
    assert!(other.errors.is_empty(), "{:?}", other.errors);
}

#[test]
fn terraform_json_syntax_is_read_like_hcl() {
    let text = r#"{
  "resource": {
    "aws_api_gateway_rest_api": {"pets": {"name": "pets"}},
    "aws_api_gateway_method": {
      "get": {
        "rest_api_id": "${aws_api_gateway_rest_api.pets.id}",
        "resource_id": "${aws_api_gateway_rest_api.pets.root_resource_id}",
        "http_method": "GET",
        "authorization": "NONE"
      }
    }
  }
}"#;
    let report = lint_bytes(
        "main.tf.json",
        text.as_bytes().to_vec(),
        &Settings::default(),
    );
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        ["GET / on aws_api_gateway_rest_api.pets can be called without credentials"]
    );
}

fn lint_tf(text: &str, rules: &[&str]) -> gatelint::lint::FileReport {
    let mut report = lint_bytes("main.tf", text.as_bytes().to_vec(), &Settings::default());
    report.findings.retain(|f| rules.contains(&f.rule));
    report
}

fn rule_ids(report: &gatelint::lint::FileReport) -> Vec<String> {
    let mut ids: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{}:{}", f.rule, f.primary.loc.start().line))
        .collect();
    ids.sort();
    ids
}

/// Every nested block the lowering reads may be written as a `dynamic` block: its `content` is
/// read once per element of `for_each`, with the iterator (the label, or `iterator = x`) bound.
#[test]
fn dynamic_blocks_are_expanded_with_their_iterator() {
    let text = r#"
variable "limits" {
  default = { rate = 100, burst = 50 }
}

locals {
  origins = ["*"]
}

resource "aws_apigatewayv2_api" "http" {
  name          = "pets"
  protocol_type = "HTTP"
  dynamic "cors_configuration" {
    for_each = [local.origins]
    iterator = cors
    content {
      allow_origins     = cors.value
      allow_credentials = true
    }
  }
}

resource "aws_apigatewayv2_stage" "prod" {
  api_id = aws_apigatewayv2_api.http.id
  name   = "prod"
  dynamic "default_route_settings" {
    for_each = [var.limits]
    content {
      throttling_rate_limit  = default_route_settings.value.rate
      throttling_burst_limit = default_route_settings.value.burst
    }
  }
  dynamic "access_log_settings" {
    for_each = toset(["one"])
    content {
      destination_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:pets"
      format          = "$context.requestId"
    }
  }
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id           = aws_apigatewayv2_api.http.id
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  name             = "jwt"
  dynamic "jwt_configuration" {
    for_each = { main = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc" }
    content {
      issuer   = jwt_configuration.value
      audience = []
    }
  }
}

resource "aws_apigatewayv2_route" "get" {
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = "GET /pets"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
}

data "aws_iam_policy_document" "open" {
  dynamic "statement" {
    for_each = ["execute-api:Invoke"]
    content {
      actions   = [statement.value]
      resources = ["execute-api:/*"]
      dynamic "principals" {
        for_each = ["*"]
        iterator = who
        content {
          type        = "AWS"
          identifiers = [who.value]
        }
      }
    }
  }
}

resource "aws_api_gateway_rest_api" "orders" {
  name   = "orders"
  policy = data.aws_iam_policy_document.open.json
}
"#;
    let report = lint_tf(
        text,
        &[
            "cors-credentials-wildcard",
            "no-rate-limit",
            "no-access-log",
            "jwt-authorizer-audience",
            "open-resource-policy",
        ],
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    // The CORS wildcard, the empty audience and the open policy come from dynamic blocks; the
    // stage's throttling and access log do too, so it has no finding.
    assert_eq!(
        rule_ids(&report),
        [
            "cors-credentials-wildcard:18",
            "jwt-authorizer-audience:51",
            "open-resource-policy:69",
        ],
        "{:#?}",
        report.findings
    );
    assert!(report.coverage.is_empty(), "{:?}", report.coverage);
}

/// A `dynamic` block whose `for_each` is known only at plan time: a located coverage note, and
/// what its content would say is Unknown (never a finding, never taken as protection).
#[test]
fn dynamic_blocks_over_unknown_collections_are_not_visible() {
    let text = r#"
variable "settings" {}

resource "aws_apigatewayv2_api" "http" {
  name          = "pets"
  protocol_type = "HTTP"
  dynamic "cors_configuration" {
    for_each = var.settings
    content {
      allow_origins     = ["*"]
      allow_credentials = true
    }
  }
}

resource "aws_apigatewayv2_stage" "prod" {
  api_id = aws_apigatewayv2_api.http.id
  name   = "prod"
  dynamic "default_route_settings" {
    for_each = var.settings
    content {
      throttling_rate_limit = 10
    }
  }
  dynamic "access_log_settings" {
    for_each = []
    content {
      destination_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:pets"
    }
  }
}
"#;
    let report = lint_tf(
        text,
        &[
            "cors-credentials-wildcard",
            "no-rate-limit",
            "no-access-log",
        ],
    );
    // An empty for_each makes no block: no access log. The unknown ones decide nothing.
    assert_eq!(
        rule_ids(&report),
        ["no-access-log:16"],
        "{:#?}",
        report.findings
    );
    let notes: Vec<String> = report
        .coverage
        .iter()
        .map(|c| format!("{}: {}", c.loc.start().line, c.message))
        .collect();
    assert_eq!(
        notes,
        [
            "8: the `cors_configuration` blocks of aws_apigatewayv2_api.http are not visible: the \
             dynamic block's for_each is known only at plan time",
            "20: the `default_route_settings` blocks of aws_apigatewayv2_stage.prod are not \
             visible: the dynamic block's for_each is known only at plan time",
        ]
    );
}

/// An `api_id`/`rest_api_id` that names no API resource of the configuration (a literal, a
/// variable, a data source, a module's output) stands for an API created elsewhere: a located
/// note says so, once per API, and rules that need the whole API (unused-authorizer) leave it.
#[test]
fn apis_from_elsewhere_are_located_coverage_notes() {
    let text = r#"
variable "api_id" {}

resource "aws_api_gateway_authorizer" "token" {
  name           = "token"
  rest_api_id    = var.api_id
  authorizer_uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"
}

resource "aws_api_gateway_resource" "items" {
  rest_api_id = var.api_id
  parent_id   = "root"
  path_part   = "items"
}

resource "aws_apigatewayv2_route" "literal" {
  api_id             = "a1b2c3"
  route_key          = "GET /x"
  authorization_type = "AWS_IAM"
}

resource "aws_apigatewayv2_authorizer" "from_module" {
  api_id           = module.gateway.api_id
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  name             = "jwt"
  jwt_configuration {
    audience = ["a"]
    issuer   = "https://issuer.example.com/"
  }
}

resource "aws_apigatewayv2_api" "own" {
  name          = "own"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_route" "own" {
  api_id             = aws_apigatewayv2_api.own.id
  route_key          = "GET /own"
  authorization_type = "AWS_IAM"
}
"#;
    let report = lint_tf(text, &["unused-authorizer"]);
    assert_eq!(
        rule_ids(&report),
        Vec::<String>::new(),
        "{:#?}",
        report.findings
    );
    let notes: Vec<String> = report
        .coverage
        .iter()
        .map(|c| format!("{}: {}", c.loc.start().line, c.message))
        .collect();
    assert_eq!(
        notes,
        [
            "6: routes of the API `var.api_id` not visible: the API is not defined in this \
             configuration",
            "17: routes of the API `\"a1b2c3\"` not visible: the API is not defined in this \
             configuration",
            "23: routes of the API `module.gateway.api_id` not visible: the id is an output of \
             `module.gateway`, which gatelint does not follow",
        ]
    );
}

/// An API or a resource outside the module is named as the module's own are, by its address
/// (`aws_api_gateway_rest_api.shared`, not `aws_api_gateway_rest_api.shared.id`), or by the
/// expression as written; a method on a resource from elsewhere is on `<resource ...>`, as in
/// CloudFormation, not on a made-up `/…`.
#[test]
fn apis_and_resources_from_elsewhere_are_named_by_their_address() {
    let text = r#"
variable "resource_id" {}

resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.shared.id
  resource_id   = var.resource_id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_method" "post" {
  rest_api_id   = data.aws_api_gateway_rest_api.other.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "POST"
  authorization = "NONE"
}
"#;
    let report = lint_tf(text, &["unauthenticated-route"]);
    let messages: Vec<String> = report
        .findings
        .iter()
        .map(|f| f.message.clone())
        .chain(report.coverage.iter().map(|c| c.message.clone()))
        .collect();
    assert_eq!(
        messages,
        [
            "GET <resource var.resource_id> on aws_api_gateway_rest_api.shared can be called \
             without credentials",
            "POST <resource aws_api_gateway_resource.items> on data.aws_api_gateway_rest_api.other \
             can be called without credentials",
            "routes of aws_api_gateway_rest_api.shared not visible: the API is not defined in \
             this configuration",
            "routes of data.aws_api_gateway_rest_api.other not visible: the API is not defined in \
             this configuration",
        ]
    );
}

/// A finding whose value a module's caller passes in also points at the caller's argument.
#[test]
fn a_value_passed_into_a_module_points_at_the_caller() {
    let (_, stdout, _) = run(&["check", "--no-config", "--format", "json", "module"]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .starts_with("GET /orders on module.api")
        })
        .unwrap();
    let related: Vec<String> = finding["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let at = &l["location"];
            format!(
                "{}:{} {}",
                at["path"].as_str().unwrap(),
                at["start"]["line"],
                l["label"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        related.contains(&"module/main.tf:15 `module.api` is given this value here".to_owned()),
        "{related:?}"
    );
}
