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
