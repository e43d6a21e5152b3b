//! AWS CDK cloud assemblies: `gatelint check cdk.out` lints each stack template once, names the
//! construct of every finding, and where the manifest holds a creation stack, points at the
//! line of the app that created the construct. `fixtures/cdk/app/` is a hand-made app: its
//! `cdk.out` keeps stack metadata in `manifest.json` (with `trace` and `aws:cdk:creationStack`
//! entries) and its Stage's `assembly-Prod` in a per-stack `*.metadata.json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::Repo;
use gatelint::discover::{DiscoverOptions, discover};
use gatelint::lint::{LintOptions, lint_inputs};
use serde_json::Value;

const ASSEMBLY: &str = "fixtures/cdk/app/cdk.out";

/// Run gatelint from the repository root.
fn gatelint(args: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("gatelint")
        .unwrap()
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
    )
}

fn json_findings(args: &[&str]) -> Vec<Value> {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    let (_, stdout) = gatelint(&args);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    report["findings"].as_array().unwrap().clone()
}

#[test]
fn assembly_findings_point_at_the_code_that_created_the_construct() {
    let (code, stdout) = gatelint(&["check", ASSEMBLY]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

#[test]
fn every_finding_names_its_construct_logical_id_and_property_path() {
    let findings = json_findings(&["check", ASSEMBLY]);
    let found: Vec<(&str, &str, &str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
                f["construct_path"].as_str().unwrap(),
                f["logical_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "no-access-log",
                "fixtures/cdk/app/cdk.out/ApiStack.template.json",
                "/ApiStack/Api/DeploymentStage.prod/Resource",
                "ApiDeploymentStageprod3EB9684E"
            ),
            (
                "no-rate-limit",
                "fixtures/cdk/app/cdk.out/ApiStack.template.json",
                "/ApiStack/Api/DeploymentStage.prod/Resource",
                "ApiDeploymentStageprod3EB9684E"
            ),
            (
                "unused-suppression",
                "fixtures/cdk/app/cdk.out/ApiStack.template.json",
                "/ApiStack/Api/DeploymentStage.prod/Resource",
                "ApiDeploymentStageprod3EB9684E"
            ),
            // `trace` on the manifest's aws:cdk:logicalId entry.
            (
                "unauthenticated-route",
                "fixtures/cdk/app/lib/api-stack.ts",
                "/ApiStack/Api/Default/pets/GET/Resource",
                "ApipetsGET1D1A7C3E"
            ),
            // An aws:cdk:creationStack entry on the Method construct.
            (
                "api-key-only",
                "fixtures/cdk/app/lib/api-stack.ts",
                "/ApiStack/Api/Default/pets/POST/Resource",
                "ApipetsPOST8B1E0A4C"
            ),
            // A nested stack's template; the frame is compiled JavaScript with a source map.
            (
                "token-revocation-disabled",
                "fixtures/cdk/app/lib/auth.ts",
                "/ApiStack/Auth/Users/WebClient/Resource",
                "UsersWebClient8E6B4C2A"
            ),
            (
                "weak-cognito-client",
                "fixtures/cdk/app/lib/auth.ts",
                "/ApiStack/Auth/Users/WebClient/Resource",
                "UsersWebClient8E6B4C2A"
            ),
            // The Stage's nested assembly, metadata in ProdHttpStack.metadata.json.
            (
                "jwt-authorizer-audience",
                "fixtures/cdk/app/lib/http-stack.ts",
                "/Prod/HttpStack/Orders/Jwt/Resource",
                "OrdersJwt6D4B5C2F"
            ),
        ]
    );
    for finding in &findings {
        assert!(
            finding["property_path"]
                .as_str()
                .unwrap()
                .starts_with("/Resources/"),
            "{finding}"
        );
        assert!(
            finding["message"].as_str().unwrap().contains(" (CDK "),
            "{finding}"
        );
        // A finding moved to the code keeps the template as its first related location.
        let path = finding["location"]["path"].as_str().unwrap();
        if path.ends_with(".ts") {
            let template = finding["related"][0]["location"]["path"].as_str().unwrap();
            assert!(template.ends_with(".template.json"), "{finding}");
        }
    }
    let revocation = &findings[5];
    assert_eq!(revocation["location"]["start"]["line"], 11);
    assert_eq!(revocation["location"]["start"]["column"], 5);
    assert_eq!(
        revocation["construct_type"],
        "aws-cdk-lib.aws_cognito.UserPoolClient"
    );
    assert_eq!(
        findings[7]["construct_type"],
        "aws-cdk-lib.aws_apigatewayv2.HttpAuthorizer"
    );
}

#[test]
fn a_template_named_by_a_glob_as_well_is_linted_once() {
    let once = json_findings(&["check", ASSEMBLY]);
    let twice = json_findings(&[
        "check",
        ASSEMBLY,
        "fixtures/cdk/app/cdk.out/ApiStack.template.json",
        "./fixtures/cdk/app/cdk.out/assembly-Prod/ProdHttpStack.template.json",
    ]);
    assert_eq!(once, twice);
}

/// `--verbose` says why the assembly's own files are skipped: they are read for its templates,
/// not "no API document" (which names CDK cloud assemblies among what gatelint reads).
#[test]
fn verbose_tells_the_assemblys_metadata_files_from_other_skipped_files() {
    let (_, stdout) = gatelint(&["check", ASSEMBLY, "--verbose", "--format", "concise"]);
    for file in ["manifest.json", "tree.json", "assembly-Prod/manifest.json"] {
        assert!(
            stdout.contains(&format!(
                "cdk.out/{file}: note: skipped: a metadata file of the CDK cloud assembly in \
                 this directory (its templates are linted on their own)"
            )),
            "{file}: {stdout}"
        );
    }
    assert!(!stdout.contains("not an API document"), "{stdout}");
}

#[test]
fn a_template_named_alone_is_still_told_at_its_construct() {
    let findings = json_findings(&["check", "fixtures/cdk/app/cdk.out/ApiStack.template.json"]);
    assert_eq!(findings.len(), 5);
    assert!(findings.iter().all(|f| f["construct_path"].is_string()));
    assert_eq!(
        findings[3]["location"]["path"],
        "fixtures/cdk/app/lib/api-stack.ts"
    );
}

#[test]
fn sarif_carries_the_code_and_the_template() {
    let (_, stdout) = gatelint(&["check", ASSEMBLY, "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let open = results
        .iter()
        .find(|r| r["ruleId"] == "unauthenticated-route")
        .unwrap();
    assert_eq!(
        open["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/cdk/app/lib/api-stack.ts"
    );
    assert_eq!(
        open["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/cdk/app/cdk.out/ApiStack.template.json"
    );
    assert_eq!(
        open["properties"]["constructPath"],
        "/ApiStack/Api/Default/pets/GET/Resource"
    );
}

/// A synthesized template outside any assembly still names the construct its `aws:cdk:path`
/// metadata gives; frames that leave the app, point at missing files or are not frames at all
/// leave the template primary; a malformed manifest is no error.
#[test]
fn hostile_and_partial_assemblies() {
    let repo = Repo::new();
    repo.write(
        "loose/Api.template.json",
        r#"{"Resources": {
  "Open": {"Type": "AWS::ApiGateway::Method",
    "Metadata": {"aws:cdk:path": "Stack/Api/Default/GET/Resource"},
    "Properties": {"RestApiId": {"Ref": "Api"}, "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
      "HttpMethod": "GET", "AuthorizationType": "NONE"}},
  "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "api"}}}}"#,
    )
    .write(
        "out/manifest.json",
        r#"{"version": "36.0.0", "artifacts": {
  "Stack": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Stack.template.json"},
    "additionalMetadataFile": "../../etc/passwd",
    "metadata": {
      "/Stack/Api/Default/GET/Resource": [{"type": "aws:cdk:logicalId", "data": "Open",
        "trace": ["new X (/elsewhere/../../../etc/passwd:1:1)", "new Y (/home/u/app/lib/missing.ts:3:4)", 7, "stack traces disabled"]}],
      "/Stack/Api/Resource": [{"type": "aws:cdk:logicalId", "data": ["not", "a", "string"]}],
      "bad": "entries"}},
  "Other": {"type": "aws:cloudformation:stack", "properties": {"templateFile": 3}},
  "Nested": "not an artifact"}}"#,
    )
    .write("out/tree.json", r#"{"tree": {"children": [1, 2]}}"#)
    .write(
        "out/Stack.template.json",
        &repo.read("loose/Api.template.json").replace(
            r#""Metadata": {"aws:cdk:path": "Stack/Api/Default/GET/Resource"},"#,
            "",
        ),
    )
    .write("out/broken/manifest.json", r#"{"version": "36.0.0", "artifacts": [1]}"#)
    .write(
        "out/broken/S.template.json",
        &repo.read("out/Stack.template.json"),
    );
    let run = repo.run(&["check", "loose", "out", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let located: Vec<(&str, Option<&str>)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "unauthenticated-route")
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap(),
                f["construct_path"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        located,
        [
            (
                "loose/Api.template.json",
                Some("/Stack/Api/Default/GET/Resource")
            ),
            (
                "out/Stack.template.json",
                Some("/Stack/Api/Default/GET/Resource")
            ),
            ("out/broken/S.template.json", None),
        ]
    );
    assert_eq!(report["errors"], Value::Array(Vec::new()));
}

/// The corpus's real assemblies (integration-test snapshots: no `aws:cdk:path`, no creation
/// stacks): nothing panics, and every finding on a stack template names its construct, which
/// can only come from the manifest's `aws:cdk:logicalId` entries.
#[test]
fn corpus_assemblies_name_the_construct_of_every_template_finding() {
    let Some(root) = common::shared("corpus/cdk-out") else {
        return;
    };
    let mut assemblies: Vec<PathBuf> = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        if dir.join("manifest.json").is_file() {
            assemblies.push(dir.clone());
        }
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            }
        }
    }
    assemblies.sort();
    assert!(assemblies.len() >= 60, "{}", assemblies.len());
    let (mut findings, mut on_templates) = (0, 0);
    for assembly in &assemblies {
        let discovery = discover(&[assembly], &DiscoverOptions::default());
        let report = lint_inputs(&discovery.inputs, &LintOptions::default());
        for finding in &report.findings {
            findings += 1;
            if !finding.primary.loc.file.path().ends_with(".template.json") {
                continue;
            }
            on_templates += 1;
            let path = finding.provenance.construct_path.as_deref();
            assert!(
                path.is_some_and(|p| p.starts_with('/')),
                "{}: {} has no construct path",
                finding.primary.loc.file.path(),
                finding.message
            );
            assert!(finding.message.contains(" (CDK "), "{}", finding.message);
            assert!(finding.provenance.logical_id.is_some());
        }
    }
    assert!(on_templates > 100, "{on_templates} of {findings}");
}

/// `SpecRestApi` definitions: one `ApiDefinition.fromAsset` (the template's `BodyS3Location`
/// names the object, `SpecStack.assets.json` the file in `cdk.out`), one inline. Both open
/// operations are found, named by their API's construct and told at the line that created it.
const SPEC_ASSEMBLY: &str = "fixtures/cdk/spec/cdk.out";

#[test]
fn a_spec_rest_api_asset_is_linted_as_its_api_body() {
    let (code, stdout) = gatelint(&["check", SPEC_ASSEMBLY]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

#[test]
fn asset_findings_carry_the_api_construct_and_the_asset_is_not_linted_alone() {
    let asset = "fixtures/cdk/spec/cdk.out/asset.87e3f50dfe31fbdfdc1b645b02cdbd01138ca321a41075ad0aa983838d2e699c.yaml";
    let once = json_findings(&["check", SPEC_ASSEMBLY]);
    // Named on its own as well, the asset is still linted only through its API.
    assert_eq!(json_findings(&["check", SPEC_ASSEMBLY, asset]), once);
    let found: Vec<(&str, &str, &str, &str)> = once
        .iter()
        .map(|f| {
            (
                f["message"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
                f["logical_id"].as_str().unwrap(),
                f["construct_path"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "GET /pets on Pets8A7B3C91 can be called without credentials (CDK SpecRestApi `SpecStack/Pets`)",
                "fixtures/cdk/spec/lib/spec-stack.ts",
                "Pets8A7B3C91",
                "/SpecStack/Pets/Resource"
            ),
            (
                "GET /status on StatusB2C3D4E5 can be called without credentials (CDK SpecRestApi `SpecStack/Status`)",
                "fixtures/cdk/spec/lib/spec-stack.ts",
                "StatusB2C3D4E5",
                "/SpecStack/Status/Resource"
            ),
        ]
    );
    assert_eq!(once[0]["related"][0]["location"]["path"], asset);
}

/// The legacy synthesizer: the bucket and key are template parameters, and the manifest's
/// `aws:cdk:asset` entry names the file; an API whose definition is in a bucket of its own
/// keeps its coverage note, named by its construct.
#[test]
fn a_legacy_asset_is_found_through_the_manifest_and_s3_stays_a_named_note() {
    let (code, stdout) = gatelint(&["check", "fixtures/cdk/legacy/cdk.out"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

/// An asset manifest that names a file `cdk.out` does not hold: the routes are not visible,
/// said at the `BodyS3Location`, with the construct.
#[test]
fn a_missing_asset_leaves_a_coverage_note_at_its_construct() {
    let repo = Repo::new();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(SPEC_ASSEMBLY);
    for entry in std::fs::read_dir(&fixture).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.starts_with("asset.") {
            repo.write(
                &format!("cdk.out/{name}"),
                &std::fs::read_to_string(fixture.join(&name)).unwrap(),
            );
        }
    }
    let run = repo.run(&["check", "cdk.out", "--format", "json"]);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let notes: Vec<&str> = report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"].as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 1, "{}", run.transcript());
    assert!(
        notes[0].starts_with(
            "routes of Pets8A7B3C91 not visible: the definition is a CDK asset, read from \
             `asset.87e3f50dfe31fbdfdc1b645b02cdbd01138ca321a41075ad0aa983838d2e699c.yaml`, which \
             cannot be read"
        ),
        "{notes:?}"
    );
    assert!(
        notes[0].ends_with("(CDK SpecRestApi `SpecStack/Pets`)"),
        "{notes:?}"
    );
}

/// Every finding and coverage note on the hand-made assemblies names its construct; where the
/// manifest records a creation stack, the finding is told at the line of code.
#[test]
fn every_hand_made_assembly_finding_names_its_construct() {
    for assembly in [ASSEMBLY, SPEC_ASSEMBLY, "fixtures/cdk/legacy/cdk.out"] {
        let (_, stdout) = gatelint(&["check", assembly, "--format", "json"]);
        let report: Value = serde_json::from_str(&stdout).unwrap();
        let findings = report["findings"].as_array().unwrap();
        assert!(!findings.is_empty(), "{assembly}");
        for finding in findings {
            assert!(
                finding["construct_path"].is_string(),
                "{assembly}: {finding}"
            );
        }
        for note in report["coverage"].as_array().unwrap() {
            assert!(
                note["message"].as_str().unwrap().contains("(CDK "),
                "{assembly}: {note}"
            );
        }
    }
    let at_code = json_findings(&["check", SPEC_ASSEMBLY]);
    assert!(
        at_code
            .iter()
            .all(|f| f["location"]["path"] == "fixtures/cdk/spec/lib/spec-stack.ts")
    );
}

/// A stack inside a CDK Stage: its template is in the nested assembly `assembly-Prod/`, which
/// the top `manifest.json` names, and CDK stages its asset in the top assembly and names it
/// `../asset.<hash>` (relative to the nested one). The asset is read as the API's body, not
/// refused as outside the template's directory.
#[test]
fn an_asset_of_a_stack_in_a_stage_is_read_from_the_top_assembly() {
    let (code, stdout) = gatelint(&["check", "--format", "concise", "fixtures/cdk/stage/cdk.out"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains(
            "fixtures/cdk/stage/cdk.out/asset.5b1c9a0e7d2f4c6b8a3e1d0f9c8b7a6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a.yaml:5:5: \
             error[unauthenticated-route] GET /orders on OrdersA1B2C3D4 can be called without \
             credentials (CDK construct `Prod/OrdersStack/Orders`)"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("not-visible"), "{stdout}");
    // Linted once, through its API.
    assert_eq!(stdout.matches("GET /orders").count(), 1, "{stdout}");
}
