//! `gatelint routes --diff REV` on a git repository made here: a base commit, then commits that
//! open a SAM route, change a route's authorizer, add an OpenAPI operation, tighten a route and
//! rename an API. Each format is a snapshot; the classes, `--fail-on-opened` and
//! `public-routes`, files only the revision has, a working tree left untouched, and the JSON
//! schema are asserted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

const GATELINT: &str = env!("CARGO_BIN_EXE_gatelint");

const SAM: &str = r#"AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: UserPool
        Authorizers:
          UserPool:
            UserPoolArn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc
          TokenAuth:
            FunctionArn: arn:aws:lambda:eu-west-1:123456789012:function:auth
  AdminApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
      Events:
        GetOrder:
          Type: Api
          Properties:
            RestApiId: !Ref OrdersApi
            Path: /orders/{id}
            Method: get
        DeleteOrder:
          Type: Api
          Properties:
            RestApiId: !Ref OrdersApi
            Path: /orders/{id}
            Method: delete
        Ping:
          Type: Api
          Properties:
            RestApiId: !Ref AdminApi
            Path: /admin/ping
            Method: get
"#;

const PETS: &str = r#"openapi: 3.0.1
info:
  title: Pets API
  version: "1.0"
paths:
  /pets:
    get:
      security:
        - bearer: []
      responses:
        "200": {description: OK}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
"#;

const LEGACY: &str = r#"openapi: 3.0.1
info:
  title: Legacy API
  version: "1.0"
security:
  - bearer: []
paths:
  /items:
    get:
      responses:
        "200": {description: OK}
  /items/{id}:
    get:
      responses:
        "200": {description: OK}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
"#;

/// A git repository in a temporary directory; git runs without the user's configuration.
pub(crate) struct GitRepo {
    dir: TempDir,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl GitRepo {
    fn new() -> GitRepo {
        let repo = GitRepo {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.git(&["init", "-q"]);
        repo
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", self.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn write(&self, path: &str, text: &str) -> &GitRepo {
        let full = self.path().join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, text).unwrap();
        self
    }

    fn read(&self, path: &str) -> String {
        fs::read_to_string(self.path().join(path)).unwrap()
    }

    /// Replace `from` (which must be there) with `to` in `path`.
    fn edit(&self, path: &str, from: &str, to: &str) -> &GitRepo {
        let text = self.read(path);
        assert!(text.contains(from), "{from:?} is not in {path}");
        self.write(path, &text.replacen(from, to, 1))
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn run_in(&self, folder: &str, args: &[&str]) -> Run {
        let out = Command::new(GATELINT)
            .args(args)
            .current_dir(self.path().join(folder))
            .env("NO_COLOR", "1")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        let clean = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: clean(&out.stdout),
            stderr: clean(&out.stderr),
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_in(".", args)
    }
}

/// The base commit (tagged `base`), then one commit per change; the last one's edits are left
/// uncommitted, since `--diff` compares the working tree.
pub(crate) fn changed_repo() -> GitRepo {
    let repo = GitRepo::new();
    repo.write("sam/template.yaml", SAM)
        .write("openapi/pets.yaml", PETS)
        .write("openapi/legacy.yaml", LEGACY);
    repo.commit("base");
    repo.git(&["tag", "base"]);
    // Opens a SAM route.
    repo.edit(
        "sam/template.yaml",
        "            Method: delete\n",
        "            Method: delete\n            Auth:\n              Authorizer: NONE\n",
    );
    repo.commit("DELETE /orders/{id} needs no sign-in");
    // Another authorizer.
    repo.edit(
        "sam/template.yaml",
        "            Method: get\n",
        "            Method: get\n            Auth:\n              Authorizer: TokenAuth\n",
    );
    repo.commit("GET /orders/{id} through the token authorizer");
    // A new OpenAPI operation.
    repo.edit(
        "openapi/pets.yaml",
        "components:",
        "    post:\n      security:\n        - bearer: []\n      responses:\n        \"201\": {description: Created}\ncomponents:",
    );
    repo.commit("POST /pets");
    // Tightens the admin ping and renames the legacy API, uncommitted.
    repo.edit(
        "sam/template.yaml",
        "            Path: /admin/ping\n            Method: get\n",
        "            Path: /admin/ping\n            Method: get\n            Auth:\n              Authorizer: AWS_IAM\n",
    );
    repo.edit(
        "openapi/legacy.yaml",
        "title: Legacy API",
        "title: Legacy Items API",
    );
    repo
}

/// The commit id, which changes with the clock, replaced.
pub(crate) fn scrub(text: &str, repo: &GitRepo) -> String {
    let commit = repo.git(&["rev-parse", "base"]).trim().to_owned();
    text.replace(&commit, "[COMMIT]")
        .replace(commit.get(..12).unwrap(), "[COMMIT]")
}

fn classes(json: &Value) -> Vec<(String, String, String)> {
    json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["class"].as_str().unwrap().to_owned(),
                c["api"].as_str().unwrap().to_owned(),
                format!(
                    "{} {}",
                    c["method"].as_str().unwrap(),
                    c["path"].as_str().unwrap()
                ),
            )
        })
        .collect()
}

#[test]
fn each_change_is_classed_and_the_rename_is_one_api() {
    let repo = changed_repo();
    let run = repo.run(&["routes", "--diff", "base", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let expect =
        |class: &str, api: &str, route: &str| (class.to_owned(), api.to_owned(), route.to_owned());
    assert_eq!(
        classes(&json),
        vec![
            expect("opened", "OrdersApi", "DELETE /orders/{id}"),
            expect("tightened", "AdminApi", "GET /admin/ping"),
            expect("changed", "OrdersApi", "GET /orders/{id}"),
            expect("added", "Pets API", "POST /pets"),
        ]
    );
    let renames = json["renames"].as_array().unwrap();
    assert_eq!(renames.len(), 1);
    assert_eq!(renames[0]["from"]["api"], "Legacy API");
    assert_eq!(renames[0]["to"]["api"], "Legacy Items API");
    assert_eq!(renames[0]["routes"], 2);
    assert_eq!(json["summary"]["opened"], 1);
    assert_eq!(json["base"], "base");
    let opened = &json["changes"][0];
    assert_eq!(opened["before"]["public"], false);
    assert_eq!(opened["after"]["public"], true);
    assert_eq!(opened["after"]["auth"], "NONE");
    assert_eq!(opened["location"]["path"], "sam/template.yaml");
}

#[test]
fn every_format() {
    let repo = changed_repo();
    for format in ["table", "markdown", "json", "github"] {
        let run = repo.run(&["routes", "--diff", "base", "--format", format]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        insta::assert_snapshot!(format!("routes_diff_{format}"), scrub(&run.stdout, &repo));
    }
}

#[test]
fn the_markdown_lists_the_opened_routes_first_and_keeps_its_table_whole() {
    let repo = changed_repo();
    let run = repo.run(&["routes", "--diff", "base", "--format", "markdown"]);
    let rows: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("| ")).collect();
    assert!(rows[1].starts_with("| **opened** |"), "{rows:?}");
    let cells = |line: &str| line.replace("\\|", "").matches('|').count();
    assert!(rows.iter().all(|r| cells(r) == 8), "{rows:?}");
}

#[test]
fn fail_on_opened_fails_until_public_routes_accepts_the_route() {
    let repo = changed_repo();
    let run = repo.run(&["routes", "--diff", "base", "--fail-on-opened"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Without the flag, an opened route is information.
    assert_eq!(repo.run(&["routes", "--diff", "base"]).code, 0);
    repo.write(
        ".gatelint.yaml",
        "public-routes:\n  - DELETE /orders/{id}\n",
    );
    let run = repo.run(&["routes", "--diff", "base", "--fail-on-opened"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("NONE (listed in public-routes)"),
        "{}",
        run.stdout
    );
    // Still listed as opened: the review sees it either way.
    assert!(run.stdout.contains("1 opened"), "{}", run.stdout);
}

#[test]
fn the_working_tree_and_the_repository_are_left_as_they_were() {
    let repo = changed_repo();
    let status = repo.git(&["status", "--porcelain", "--ignored"]);
    let head = repo.git(&["rev-parse", "HEAD"]);
    let worktrees = repo.git(&["worktree", "list", "--porcelain"]);
    let sam = repo.read("sam/template.yaml");
    assert_eq!(repo.run(&["routes", "--diff", "base"]).code, 0);
    assert_eq!(repo.git(&["status", "--porcelain", "--ignored"]), status);
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(repo.git(&["worktree", "list", "--porcelain"]), worktrees);
    assert_eq!(repo.read("sam/template.yaml"), sam);
}

#[test]
fn files_only_the_revision_has_are_read_from_it_and_their_routes_removed() {
    let repo = changed_repo();
    fs::remove_file(repo.path().join("openapi/legacy.yaml")).unwrap();
    let run = repo.run(&["routes", "--diff", "base", "--format", "json", "openapi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let removed: Vec<_> = classes(&json)
        .into_iter()
        .filter(|(class, ..)| class == "removed")
        .collect();
    assert_eq!(removed.len(), 2, "{removed:?}");
    assert!(removed.iter().all(|(_, api, _)| api == "Legacy API"));
    // Only the paths asked for: nothing of sam/.
    assert!(!run.stdout.contains("OrdersApi"));
    // Removed routes are located in the revision's file.
    assert_eq!(
        json["changes"][1]["location"]["path"],
        "openapi/legacy.yaml"
    );
    // Named explicitly, a file gone from the working tree is read from the revision alone.
    let run = repo.run(&[
        "routes",
        "--diff",
        "base",
        "--format",
        "json",
        "openapi/legacy.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["summary"]["removed"], 2, "{}", run.stdout);
    // Gone from both: still an error.
    let run = repo.run(&["routes", "--diff", "base", "openapi/never.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn paths_are_taken_relative_to_the_current_directory_in_both_trees() {
    let repo = changed_repo();
    let run = repo.run_in(
        "sam",
        &["routes", "--diff", "base", "--format", "json", "."],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["changes"].as_array().unwrap().len(),
        3,
        "{}",
        run.stdout
    );
    assert_eq!(json["changes"][0]["location"]["path"], "template.yaml");
    // A new file: nothing in the revision, every route added.
    repo.write("sam/extra/pets.yaml", PETS);
    let run = repo.run_in(
        "sam",
        &["routes", "--diff", "base", "--format", "json", "extra"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        classes(&json),
        vec![(
            "added".to_owned(),
            "Pets API".to_owned(),
            "GET /pets".to_owned()
        )]
    );
}

#[test]
fn a_definition_moved_to_s3_is_a_coverage_change() {
    let repo = changed_repo();
    repo.write(
        "cfn/api.yaml",
        "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: api\n      Body:\n        openapi: 3.0.1\n        info: {title: t, version: '1'}\n        paths:\n          /a:\n            get:\n              security: []\n              responses: {'200': {description: OK}}\n",
    );
    repo.commit("cfn api");
    repo.git(&["tag", "with-body"]);
    repo.write(
        "cfn/api.yaml",
        "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: api\n      BodyS3Location:\n        Bucket: b\n        Key: api.yaml\n",
    );
    let run = repo.run(&["routes", "--diff", "with-body", "--format", "json", "cfn"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let classes = classes(&json);
    assert!(
        classes.contains(&("coverage".to_owned(), "Api".to_owned(), " ".to_owned())),
        "{classes:?}"
    );
    assert!(
        classes.contains(&("removed".to_owned(), "Api".to_owned(), "GET /a".to_owned())),
        "{classes:?}"
    );
}

#[test]
fn a_revision_that_is_not_there_is_an_error_that_says_what_to_fetch() {
    let repo = changed_repo();
    let run = repo.run(&["routes", "--diff", "origin/main"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("fetch-depth"), "{}", run.stderr);
    let run = repo.run(&["routes", "--diff=--output=x"]);
    assert_eq!(run.code, 2);
    let outside = tempfile::tempdir().unwrap();
    let out = Command::new(GATELINT)
        .args(["routes", "--diff", "HEAD"])
        .current_dir(outside.path())
        .env("GIT_CEILING_DIRECTORIES", outside.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not inside a git repository"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_unparsable_file_in_the_revision_is_a_note_not_a_failure() {
    let repo = changed_repo();
    repo.write("openapi/broken.yaml", "openapi: 3.0.1\npaths: {\n");
    repo.commit("broken");
    repo.git(&["tag", "broken"]);
    repo.write(
        "openapi/broken.yaml",
        PETS.replace("Pets API", "Fixed API").as_str(),
    );
    let run = repo.run(&["routes", "--diff", "broken", "openapi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("in broken: "), "{}", run.stderr);
}

#[test]
fn the_json_follows_its_schema() {
    let repo = changed_repo();
    let run = repo.run(&["routes", "--diff", "base", "--format", "json"]);
    let document: Value = serde_json::from_str(&run.stdout).unwrap();
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/gatelint-routes-diff.schema.json");
    let schema: Value = serde_json::from_str(&fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

const TERRAFORM: &str = r#"resource "aws_api_gateway_rest_api" "orders" {
  name = "orders"
}

resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_rest_api.orders.root_resource_id
  path_part   = "items"
}

resource "aws_api_gateway_authorizer" "token" {
  name           = "token"
  rest_api_id    = aws_api_gateway_rest_api.orders.id
  type           = "TOKEN"
  authorizer_uri = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations"
}

resource "aws_api_gateway_authorizer" "cognito" {
  name          = "cognito"
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  type          = "COGNITO_USER_POOLS"
  provider_arns = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc"]
}

resource "aws_api_gateway_method" "get_items" {
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "GET"
  authorization = "CUSTOM"
  authorizer_id = aws_api_gateway_authorizer.token.id
}
"#;

#[test]
fn a_terraform_authorizer_change_is_changed() {
    let repo = GitRepo::new();
    repo.write("terraform/main.tf", TERRAFORM);
    repo.commit("base");
    repo.edit(
        "terraform/main.tf",
        "  authorization = \"CUSTOM\"\n  authorizer_id = aws_api_gateway_authorizer.token.id",
        "  authorization = \"COGNITO_USER_POOLS\"\n  authorizer_id = aws_api_gateway_authorizer.cognito.id",
    );
    let run = repo.run(&["routes", "--diff", "HEAD", "--format", "json", "terraform"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let changes = classes(&json);
    assert_eq!(changes.len(), 1, "{}", run.stdout);
    assert_eq!(changes[0].0, "changed", "{}", run.stdout);
    assert_eq!(changes[0].2, "GET /items", "{}", run.stdout);
    let change = &json["changes"][0];
    assert_ne!(change["before"]["auth"], change["after"]["auth"]);
    assert_eq!(change["location"]["path"], "terraform/main.tf");
}
