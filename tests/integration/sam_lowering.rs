//! SAM semantics the translator's golden files do not pin down one by one: how Globals merge,
//! what an event's `Auth` does next to the API's defaults, CORS preflights, conditions, and the
//! local `DefinitionUri` files read through the CLI (inside the template's directory only).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use std::fs;
use std::process::Command;

use gatelint::lint::analyze;
use gatelint::model::{Api, Auth, OpenBecause, Resolved, Route, Workspace};

fn lower(template: &str) -> (Workspace, Vec<String>) {
    let analysis = analyze("template.yaml", template.as_bytes().to_vec());
    let errors = analysis
        .errors
        .iter()
        .map(|e| {
            let at = e.loc.start();
            format!("{}:{} {}", at.line, at.column, e.message)
        })
        .collect();
    (analysis.workspace, errors)
}

fn api<'w>(workspace: &'w Workspace, name: &str) -> &'w Api {
    workspace
        .apis
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no API {name}"))
}

fn route<'a>(api: &'a Api, method: &str, path: &str) -> &'a Route {
    api.routes
        .iter()
        .find(|r| r.method.as_str() == method && &*r.path == path)
        .unwrap_or_else(|| panic!("no route {method} {path} on {}", api.name))
}

fn authorizers(route: &Route) -> Vec<String> {
    match &route.auth {
        Resolved::Known(Auth::Authorizers(uses)) => {
            uses.iter().map(|u| u.name.to_string()).collect()
        }
        other => panic!("{} is not behind authorizers: {other:?}", route.describe()),
    }
}

const HEADER: &str = "Transform: AWS::Serverless-2016-10-31\n";

#[test]
fn globals_maps_merge_lists_concatenate_and_the_resource_wins_scalars() {
    let template = format!(
        "{HEADER}{}",
        r#"
Globals:
  Api:
    MethodSettings:
      - ResourcePath: /*
        HttpMethod: "*"
        ThrottlingRateLimit: 10
    Auth:
      DefaultAuthorizer: Global
      Authorizers:
        Global:
          FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:global
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      MethodSettings:
        - ResourcePath: /pets
          HttpMethod: GET
          LoggingLevel: INFO
      Auth:
        DefaultAuthorizer: Local
        Authorizers:
          Local:
            FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:local
  Ignoring:
    Type: AWS::Serverless::Api
    IgnoreGlobals: "*"
    Properties:
      StageName: prod
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.b
      Runtime: python3.12
      Events:
        Get:
          Type: Api
          Properties: {RestApiId: !Ref Api, Path: /pets, Method: get}
        Other:
          Type: Api
          Properties: {RestApiId: !Ref Ignoring, Path: /pets, Method: get}
"#
    );
    let (workspace, errors) = lower(&template);
    assert!(errors.is_empty(), "{errors:?}");
    let merged = api(&workspace, "Api");
    // The resource's DefaultAuthorizer wins; both authorizers exist.
    assert_eq!(authorizers(route(merged, "GET", "/pets")), ["Local"]);
    let mut names: Vec<&str> = merged.authorizers.iter().map(|a| a.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["Global", "Local"]);
    // The global `/*` throttle is kept next to the resource's own entry.
    let prod = merged.stages.iter().find(|s| s.name == "prod").unwrap();
    assert_eq!(prod.throttle, Resolved::Known(true));
    // `IgnoreGlobals: "*"` keeps none of it.
    let ignoring = api(&workspace, "Ignoring");
    assert_eq!(
        route(ignoring, "GET", "/pets").auth,
        Resolved::Known(Auth::Open(OpenBecause::Missing))
    );
    assert!(ignoring.authorizers.is_empty());
}

#[test]
fn event_auth_against_the_api_defaults() {
    let template = format!(
        "{HEADER}{}",
        r#"
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Cors: "'https://example.com'"
      Auth:
        DefaultAuthorizer: Token
        AddDefaultAuthorizerToCorsPreflight: false
        ApiKeyRequired: true
        Authorizers:
          Token:
            FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:token
          Pool:
            UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/p
            AuthorizationScopes: [read]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.b
      Runtime: python3.12
      Events:
        Default:
          Type: Api
          Properties: {RestApiId: !Ref Api, Path: /a, Method: get}
        Own:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /b
            Method: get
            Auth: {Authorizer: Pool}
        Public:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /c
            Method: get
            Auth: {Authorizer: NONE, ApiKeyRequired: false}
        Iam:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /d
            Method: get
            Auth: {Authorizer: AWS_IAM}
"#
    );
    let (workspace, errors) = lower(&template);
    assert!(errors.is_empty(), "{errors:?}");
    let api = api(&workspace, "Api");
    let default = route(api, "GET", "/a");
    assert_eq!(authorizers(default), ["Token"]);
    assert_eq!(default.api_key_required, Resolved::Known(true));
    // The auth origin of a defaulted route is the DefaultAuthorizer.
    assert_eq!(default.auth_origin.as_ref().unwrap().start().line, 10);
    let own = route(api, "GET", "/b");
    assert_eq!(authorizers(own), ["Pool"]);
    let scopes = match &own.auth {
        Resolved::Known(Auth::Authorizers(uses)) => uses[0].scopes.clone(),
        _ => unreachable!(),
    };
    assert_eq!(&*scopes, ["read"]);
    let public = route(api, "GET", "/c");
    assert_eq!(
        public.auth,
        Resolved::Known(Auth::Open(OpenBecause::Disabled))
    );
    assert_eq!(public.api_key_required, Resolved::Known(false));
    assert_eq!(public.auth_origin.as_ref().unwrap().text(), "NONE");
    assert_eq!(route(api, "GET", "/d").auth, Resolved::Known(Auth::Iam));
    // A preflight per path; without the default authorizer, but still with the API key.
    let preflight = route(api, "OPTIONS", "/a");
    assert!(preflight.cors_preflight);
    assert_eq!(preflight.auth, Resolved::Known(Auth::ApiKeyOnly));
}

#[test]
fn conditions_and_translator_errors() {
    let template = format!(
        "{HEADER}{}",
        r#"
Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "123456789012"]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties:
      Handler: a.b
      Runtime: python3.12
      Events:
        Get:
          Type: Api
          Properties: {Path: /a, Method: get}
        Bad:
          Type: Api
          Properties:
            Path: /b
            Method: get
            Auth: {Authorizer: NONE}
"#
    );
    let (workspace, errors) = lower(&template);
    let implicit = api(&workspace, "ServerlessRestApi");
    assert_eq!(implicit.display, "the implicit API ServerlessRestApi");
    let branches = route(implicit, "GET", "/a").auth.branches();
    assert_eq!(branches.len(), 1);
    assert_eq!(branches[0].0[0].to_string(), "IsProd is true");
    // NONE needs a DefaultAuthorizer: the translator rejects the template.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("21:32 "), "{errors:?}");
}

#[test]
fn http_events_join_an_inline_definition_and_take_the_default_authorizer() {
    let template = format!(
        "{HEADER}{}",
        r#"
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: {issuer: "https://issuer.example.com", audience: [app]}
      DefinitionBody:
        openapi: 3.0.1
        info: {title: t, version: "1"}
        paths:
          /health:
            get:
              security: []
              x-amazon-apigateway-integration: {type: HTTP_PROXY, uri: "https://example.com", httpMethod: GET, payloadFormatVersion: "1.0"}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.b
      Runtime: python3.12
      Events:
        Orders:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: /orders, Method: post}
"#
    );
    let (workspace, errors) = lower(&template);
    assert!(errors.is_empty(), "{errors:?}");
    let api = api(&workspace, "Api");
    assert_eq!(authorizers(route(api, "POST", "/orders")), ["Jwt"]);
    // The translator's HTTP editor skips only a non-empty `security`: `security: []` gets the
    // default authorizer too.
    assert_eq!(authorizers(route(api, "GET", "/health")), ["Jwt"]);
    let stage = &api.stages[0];
    assert_eq!(stage.name, "$default");
    assert_eq!(stage.auto_deploy, Resolved::Known(true));
    let jwt = api.authorizer("Jwt").unwrap();
    assert_eq!(jwt.audience, Resolved::Known(vec!["app".to_owned()]));
}

/// gatelint on `template`, written with `files` into a fresh directory: (exit code, concise
/// output with the directory replaced by `<dir>`).
fn check_directory(template: &str, files: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("app");
    fs::create_dir_all(&root).unwrap();
    fs::write(root.join("template.yaml"), template).unwrap();
    for (path, text) in files {
        let target = if let Some(outside) = path.strip_prefix("../") {
            dir.path().join(outside)
        } else {
            root.join(path)
        };
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, text).unwrap();
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("secret.yaml"), root.join("link.yaml")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(["check", "--format", "concise", "template.yaml"])
        .current_dir(&root)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    (out.status.code().unwrap_or(-1), text)
}

const API_FILE: &str = "openapi: 3.0.1
info: {title: pets, version: '1'}
paths:
  /pets:
    get:
      responses: {}
";

#[test]
fn definition_uri_is_read_inside_the_template_directory_only() {
    let template = format!(
        "{HEADER}{}",
        r#"Resources:
  Inside:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      OpenApiVersion: "3.0"
      DefinitionUri: ./specs/../specs/api.yaml
  Parent:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      OpenApiVersion: "3.0"
      DefinitionUri: ../secret.yaml
  Absolute:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      OpenApiVersion: "3.0"
      DefinitionUri: /etc/passwd
  Linked:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      OpenApiVersion: "3.0"
      DefinitionUri: link.yaml
  OnS3:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      OpenApiVersion: "3.0"
      DefinitionUri: s3://bucket/api.yaml
"#
    );
    let (code, out) = check_directory(
        &template,
        &[("specs/api.yaml", API_FILE), ("../secret.yaml", API_FILE)],
    );
    println!("{out}");
    // A file that may not be read is no error (the template deploys): its routes are not
    // visible, and a coverage note says so where the DefinitionUri is.
    assert_eq!(
        code, 1,
        "the open route inside is a finding, nothing is an error"
    );
    assert!(!out.contains("input-error"), "{out}");
    // The file is linted as part of the template, with its own path in the location.
    assert!(
        out.contains("specs/api.yaml:5:5: error[unauthenticated-route] GET /pets on Inside can be called without credentials"),
        "{out}"
    );
    for line in [14, 20] {
        assert!(
            out.contains(&format!(
                "template.yaml:{line}:22: note[not-visible] routes of "
            )),
            "line {line}: {out}"
        );
    }
    #[cfg(unix)]
    assert!(
        out.contains("template.yaml:26:22: note[not-visible] routes of Linked not visible: the DefinitionUri file `link.yaml` is outside the template's directory"),
        "{out}"
    );
    assert!(
        out.contains("template.yaml:32:22: note[not-visible] routes of OnS3 not visible: the definition is in S3 (`s3://bucket/api.yaml`)"),
        "{out}"
    );
    // Nothing from the files outside.
    assert_eq!(out.matches("GET /pets").count(), 1, "{out}");
    assert!(!out.contains("OnS3 can be called"), "{out}");
}

#[test]
fn definition_uri_syntax_errors_are_located_in_the_loaded_file() {
    let template = format!(
        "{HEADER}{}",
        r#"Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionUri: api.yaml
"#
    );
    let (code, out) = check_directory(&template, &[("api.yaml", "openapi: [\n")]);
    assert_eq!(code, 2);
    assert!(
        out.contains("api.yaml:1:10: error[input-error] invalid YAML"),
        "{out}"
    );
    assert!(!out.contains("template.yaml:7:22"), "{out}");
}

#[test]
fn the_shared_usage_plan_takes_the_last_apis_settings() {
    let template = format!(
        "{HEADER}{}",
        r#"
Resources:
  First:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        UsagePlan: {CreateUsagePlan: SHARED}
  Second:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        UsagePlan:
          CreateUsagePlan: SHARED
          Throttle: {RateLimit: 10}
  Own:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        UsagePlan: {CreateUsagePlan: PER_API}
"#
    );
    let (workspace, errors) = lower(&template);
    assert!(errors.is_empty(), "{errors:?}");
    let plan = |name: &str| {
        let stage = api(&workspace, name)
            .stages
            .iter()
            .find(|s| s.name == "prod")
            .unwrap();
        let plan = &stage.usage_plans[0];
        (plan.name.clone(), plan.throttle.clone())
    };
    // One plan, deployed with the last API's Throttle, on both stages.
    assert_eq!(
        plan("First"),
        ("ServerlessUsagePlan".to_owned(), Resolved::Known(true))
    );
    assert_eq!(
        plan("Second"),
        ("ServerlessUsagePlan".to_owned(), Resolved::Known(true))
    );
    assert_eq!(
        plan("Own"),
        ("OwnUsagePlan".to_owned(), Resolved::Known(false))
    );
}

/// Plain resources join a SAM API when they name it by its logical id (`!Ref`, in either
/// spelling); a literal id or an import that spells its name is an API from elsewhere, as
/// CloudFormation passes either to API Gateway as it is.
#[test]
fn plain_resources_join_a_sam_api_they_name_by_logical_id_only() {
    let template = format!(
        "{HEADER}{}",
        r#"
Resources:
  PetsApi:
    Type: AWS::Serverless::Api
    Properties: {StageName: prod}
  Short:
    Type: AWS::ApiGateway::Authorizer
    Properties: {RestApiId: !Ref PetsApi, Type: TOKEN, AuthorizerUri: arn:x}
  Long:
    Type: AWS::ApiGateway::Authorizer
    Properties: {RestApiId: {Ref: PetsApi}, Type: TOKEN, AuthorizerUri: arn:y}
  Literal:
    Type: AWS::ApiGateway::Authorizer
    Properties: {RestApiId: PetsApi, Type: TOKEN, AuthorizerUri: arn:z}
  Imported:
    Type: AWS::ApiGateway::Authorizer
    Properties: {RestApiId: !ImportValue PetsApi, Type: TOKEN, AuthorizerUri: arn:z}
"#
    );
    let (workspace, errors) = lower(&template);
    assert!(errors.is_empty(), "{errors:?}");
    let names: Vec<(&str, usize)> = workspace
        .apis
        .iter()
        .map(|a| (a.display.as_str(), a.authorizers.len()))
        .collect();
    assert_eq!(
        names,
        [
            ("the API PetsApi", 1),
            ("the API `!ImportValue PetsApi`", 1),
            ("PetsApi", 2)
        ]
    );
}

#[test]
fn a_websocket_apis_generated_resources_can_be_referred_to() {
    // The ids the translator gives a WebSocket API's authorizer and stage, as its
    // websocket_api_* outputs show them: a route written beside the SAM API names the
    // generated authorizer, and a stage's `Ref` is its name.
    let (workspace, errors) = lower(&format!(
        "{HEADER}{}",
        r#"
Resources:
  Chat:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      RouteSelectionExpression: $request.body.action
      StageName: live
      Auth: {AuthType: CUSTOM, AuthArn: arn:aws:lambda:eu-west-1:123456789012:function:auth}
      Routes: {$connect: {FunctionArn: arn:aws:lambda:eu-west-1:123456789012:function:connect}}
  Ping:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Chat
      RouteKey: ping
      AuthorizationType: CUSTOM
      AuthorizerId: !Ref ChatConnectAuthorizer
  Mapping:
    Type: AWS::ApiGatewayV2::ApiMapping
    Properties:
      ApiId: !Ref Chat
      DomainName: chat.example.com
      Stage: !Ref ChatliveStage
"#
    ));
    assert!(errors.is_empty(), "{errors:?}");
    let chat = api(&workspace, "Chat");
    let ping = chat.routes.iter().find(|r| &*r.path == "ping").unwrap();
    assert_eq!(
        ping.references.iter().map(|r| &*r.name).collect::<Vec<_>>(),
        ["ChatConnectAuthorizer"]
    );
    assert!(chat.authorizer("ChatConnectAuthorizer").is_some());
    assert_eq!(
        chat.custom_domains
            .iter()
            .map(|d| d.domain.as_str())
            .collect::<Vec<_>>(),
        ["chat.example.com"]
    );
}

#[test]
fn an_event_method_that_is_no_http_method_hides_its_route_with_a_note() {
    // The translator writes `fetch` into the definition as it is; API Gateway's handling of it
    // is not documented: no route, no error, and the API's routes are not all visible (so
    // nothing is called unused), with the reason at the Method.
    let (workspace, errors) = lower(&format!(
        r#"{HEADER}Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        Authorizers:
          Tokens: {{FunctionArn: arn:aws:lambda:us-east-1:1:function:a}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: python3.12
      InlineCode: x
      Events:
        Known:
          Type: Api
          Properties: {{RestApiId: !Ref Api, Path: /a, Method: get}}
        Fetch:
          Type: Api
          Properties: {{RestApiId: !Ref Api, Path: /b, Method: fetch}}
"#
    ));
    assert!(errors.is_empty(), "{errors:?}");
    let api = api(&workspace, "Api");
    assert_eq!(
        api.routes.iter().map(Route::describe).collect::<Vec<_>>(),
        ["GET /a"]
    );
    let hidden = api
        .hidden_routes
        .as_ref()
        .expect("a note for the unknown method");
    assert_eq!(hidden.at.start().line, 22);
    assert!(
        hidden.reason.as_deref().unwrap().contains("Method `fetch`"),
        "{hidden:?}"
    );
}
