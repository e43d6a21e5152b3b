//! `gatelint server`: editor sessions scripted over the Language Server Protocol, in memory
//! (lsp-server's `Connection::memory`) and over the real binary's standard input and output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

use crate::common::Repo;

/// How long a test waits for the server's next message.
const PATIENCE: Duration = Duration::from_secs(60);

const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: Lambda
        Authorizers:
          Lambda:
            FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:auth
            Identity:
              ReauthorizeEvery: 3600
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /pets
            Method: get
        Health:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /health
            Method: get
            Auth:
              Authorizer: NONE
"#;

/// Only the findings the tests talk about (the stage findings are noise here).
const CONFIG: &str = "rules:\n  no-access-log: off\n  no-rate-limit: off\n";

/// How a message travels: in memory or through the binary's pipes.
enum Transport {
    Memory {
        client: Connection,
        server: Option<JoinHandle<Result<(), String>>>,
    },
    Stdio {
        child: Child,
        stdin: ChildStdin,
        messages: std::sync::mpsc::Receiver<Message>,
    },
}

/// The editor's side of a session.
struct Session {
    transport: Transport,
    root: PathBuf,
    next_id: i32,
    /// Messages read while waiting for another one.
    backlog: Vec<Message>,
}

impl Session {
    fn in_memory(root: &Path) -> Session {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || {
            gatelint::server::serve(&server).map_err(|error| error.to_string())
        });
        Session::start(
            Transport::Memory {
                client,
                server: Some(handle),
            },
            root,
        )
    }

    fn over_stdio(root: &Path) -> Session {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gatelint"))
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Ok(Some(message)) = Message::read(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Session::start(
            Transport::Stdio {
                child,
                stdin,
                messages,
            },
            root,
        )
    }

    fn start(transport: Transport, root: &Path) -> Session {
        let mut session = Session {
            transport,
            root: root.to_path_buf(),
            next_id: 0,
            backlog: Vec::new(),
        };
        let root_uri = session.uri("");
        let capabilities = json!({
            "workspace": {
                "didChangeWatchedFiles": {"dynamicRegistration": true},
                "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}
            }
        });
        let result = session.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "root"}],
                "capabilities": capabilities,
            }),
        );
        assert_eq!(result["serverInfo"]["name"], "gatelint");
        assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2);
        session.notify("initialized", json!({}));
        // The server asks to watch the configuration and the files templates load.
        let registration = session
            .wait(|m| matches!(m, Message::Request(r) if r.method == "client/registerCapability"));
        let Message::Request(request) = registration else {
            unreachable!()
        };
        let watchers = &request.params["registrations"][0]["registerOptions"]["watchers"];
        assert_eq!(watchers[0]["globPattern"], "**/.gatelint.yaml");
        session.send(Message::Response(Response::new_ok(request.id, ())));
        session
    }

    fn uri(&self, relative: &str) -> String {
        let path = self.root.join(relative);
        format!("file://{}", path.to_string_lossy().trim_end_matches('/'))
    }

    fn send(&mut self, message: Message) {
        match &mut self.transport {
            Transport::Memory { client, .. } => client.sender.send(message).unwrap(),
            Transport::Stdio { stdin, .. } => {
                message.write(stdin).unwrap();
                stdin.flush().unwrap();
            }
        }
    }

    fn receive(&mut self) -> Message {
        let received = match &self.transport {
            Transport::Memory { client, .. } => client.receiver.recv_timeout(PATIENCE).ok(),
            Transport::Stdio { messages, .. } => messages.recv_timeout(PATIENCE).ok(),
        };
        received.expect("the server said nothing in time")
    }

    /// The next message that `wanted` accepts; the others are kept.
    fn wait(&mut self, wanted: impl Fn(&Message) -> bool) -> Message {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            let message = self.receive();
            if wanted(&message) {
                return message;
            }
            self.backlog.push(message);
        }
        panic!("no such message in time");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.to_owned(),
            params,
        )));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(
            id.clone(),
            method.to_owned(),
            params,
        )));
        let response = self.wait(|m| matches!(m, Message::Response(r) if r.id == id));
        let Message::Response(response) = response else {
            unreachable!()
        };
        response.response_result.unwrap()
    }

    /// The next diagnostics published for `relative`.
    fn diagnostics(&mut self, relative: &str) -> Value {
        let uri = self.uri(relative);
        let message = self.wait(|m| {
            matches!(m, Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
        });
        let Message::Notification(notification) = message else {
            unreachable!()
        };
        notification.params
    }

    fn open(&mut self, relative: &str, language: &str, text: &str) {
        let uri = self.uri(relative);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, relative: &str, version: i32, changes: Value) {
        let uri = self.uri(relative);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    fn code_actions(&mut self, relative: &str, range: &Value, only: Option<&str>) -> Value {
        let uri = self.uri(relative);
        let mut context = json!({"diagnostics": []});
        if let Some(only) = only {
            context["only"] = json!([only]);
        }
        self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range, "context": context}),
        )
    }

    /// Shut down as an editor does; the server must end cleanly.
    fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        match self.transport {
            Transport::Memory { server, .. } => {
                let outcome = server.unwrap().join().unwrap();
                assert_eq!(outcome, Ok(()));
            }
            Transport::Stdio {
                mut child, stdin, ..
            } => {
                drop(stdin);
                let status = child.wait().unwrap();
                assert!(status.success(), "{status}");
            }
        }
    }

    /// Code actions for a snapshot: each quick fix names the one diagnostic it resolves, which
    /// is shown by its code only.
    fn redact_actions(&self, actions: &Value) -> String {
        let mut actions = actions.clone();
        for action in actions.as_array_mut().unwrap() {
            let action = action.as_object_mut().unwrap();
            if let Some(diagnostics) = action.remove("diagnostics") {
                let codes: Vec<&Value> = diagnostics
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| &d["code"])
                    .collect();
                action.insert("diagnostics".to_owned(), json!(codes));
            }
        }
        self.redact(&actions)
    }

    /// Text for a snapshot: the root's path replaced.
    fn redact(&self, value: &Value) -> String {
        serde_json::to_string_pretty(value)
            .unwrap()
            .replace(&*self.root.to_string_lossy(), "[ROOT]")
    }
}

fn repo() -> (Repo, PathBuf) {
    let repo = Repo::new();
    let root = repo.path().canonicalize().unwrap();
    (repo, root)
}

/// Rule ids of published diagnostics, in order.
fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn range(line: u32, start: u32, end: u32) -> Value {
    json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end}})
}

#[test]
fn an_edited_template_is_linted_again() {
    let (repo, root) = repo();
    repo.write(".gatelint.yaml", CONFIG)
        .write("template.yaml", TEMPLATE);
    let mut session = Session::in_memory(&root);
    // Unsaved text is what is linted: the buffer differs from the file on disk.
    session.open("template.yaml", "yaml", TEMPLATE);
    let opened = session.diagnostics("template.yaml");
    insta::assert_snapshot!("opened", session.redact(&opened));

    // Incremental edit: `3600` → `300` on line 14 (0-based 13).
    session.change(
        "template.yaml",
        2,
        json!([{"range": range(13, 32, 36), "text": "300"}]),
    );
    let edited = session.diagnostics("template.yaml");
    assert_eq!(edited["version"], 2);
    assert_eq!(codes(&edited), ["unauthenticated-route"]);

    // Hover on the finding shows the rule's documentation.
    let hover = session.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": session.uri("template.yaml")}, "position": {"line": 34, "character": 28}}),
    );
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        markdown.starts_with("# unauthenticated-route"),
        "{markdown}"
    );
    assert_eq!(hover["contents"]["kind"], "markdown");

    // Suppress it, or accept the route as public in the configuration.
    let actions = session.code_actions("template.yaml", &range(34, 28, 28), None);
    insta::assert_snapshot!("route_actions", session.redact_actions(&actions));
    session.shutdown();
}

#[test]
fn fixes_are_code_actions() {
    let (repo, root) = repo();
    repo.write(".gatelint.yaml", CONFIG);
    let mut session = Session::in_memory(&root);
    session.open("template.yaml", "yaml", TEMPLATE);
    let opened = session.diagnostics("template.yaml");
    assert_eq!(
        codes(&opened),
        ["long-authorizer-cache", "unauthenticated-route"]
    );
    let actions = session.code_actions("template.yaml", &range(13, 33, 33), Some("quickfix"));
    insta::assert_snapshot!("cache_actions", session.redact_actions(&actions));
    // Every safe fix at once.
    let all = session.code_actions(
        "template.yaml",
        &range(0, 0, 0),
        Some("source.fixAll.gatelint"),
    );
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["kind"], "source.fixAll.gatelint");
    let edit = &all[0]["edit"]["changes"][session.uri("template.yaml")][0];
    // `3600` → `300`: the least edit.
    assert_eq!(edit["range"], range(13, 33, 34));
    assert_eq!(edit["newText"], "");
    session.shutdown();
}

#[test]
fn the_configuration_is_reloaded_when_it_changes() {
    let (repo, root) = repo();
    let mut session = Session::in_memory(&root);
    session.open("template.yaml", "yaml", TEMPLATE);
    let opened = session.diagnostics("template.yaml");
    assert!(codes(&opened).contains(&"no-access-log".to_owned()));
    repo.write(".gatelint.yaml", CONFIG);
    let config = session.uri(".gatelint.yaml");
    session.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config, "type": 1}]}),
    );
    let reloaded = session.diagnostics("template.yaml");
    assert_eq!(
        codes(&reloaded),
        ["long-authorizer-cache", "unauthenticated-route"]
    );
    // A mistake in the configuration is shown on it.
    repo.write(".gatelint.yaml", "rules:\n  no-such-rule: off\n");
    session.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config}}),
    );
    let errors = session.diagnostics(".gatelint.yaml");
    assert_eq!(codes(&errors), ["input-error"]);
    assert_eq!(errors["diagnostics"][0]["range"]["start"]["line"], 1);
    session.shutdown();
}

const DEFINITION_TEMPLATE: &str = r#"Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionUri: openapi.yaml
"#;

const DEFINITION: &str = r#"openapi: 3.0.1
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      responses: {"200": {description: OK}}
"#;

#[test]
fn a_definition_is_linted_through_the_template_that_loads_it() {
    let (repo, root) = repo();
    repo.write(".gatelint.yaml", CONFIG)
        .write("template.yaml", DEFINITION_TEMPLATE)
        .write("openapi.yaml", DEFINITION);
    let mut session = Session::in_memory(&root);
    session.open("template.yaml", "yaml", DEFINITION_TEMPLATE);
    assert_eq!(
        codes(&session.diagnostics("template.yaml")),
        Vec::<String>::new()
    );
    session.open("openapi.yaml", "yaml", DEFINITION);
    let definition = session.diagnostics("openapi.yaml");
    assert_eq!(codes(&definition), ["unauthenticated-route"]);
    // Under the template's API name, as `check` reports it.
    let message = definition["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("on Api"), "{message}");
    // An unsaved edit of the definition re-lints the template that loads it.
    session.change(
        "openapi.yaml",
        2,
        json!([{"range": range(5, 6, 6), "text": "security: [{key: []}]\n      "}]),
    );
    let edited = session.diagnostics("openapi.yaml");
    assert_eq!(edited["version"], 2);
    assert_ne!(codes(&edited), ["unauthenticated-route"]);
    session.shutdown();
}

const OPENAPI_JSON: &str = r#"{
  "openapi": "3.0.1",
  "info": {"title": "Pets", "version": "1"},
  "paths": {
    "/pets": {
      "get": {
        "security": [],
        "responses": {"200": {"description": "OK"}}
      }
    }
  }
}
"#;

#[test]
fn json_is_suppressed_with_the_openapi_extension() {
    let (_repo, root) = repo();
    let mut session = Session::in_memory(&root);
    session.open("api.json", "json", OPENAPI_JSON);
    let opened = session.diagnostics("api.json");
    assert_eq!(codes(&opened), ["unauthenticated-route"]);
    let start = opened["diagnostics"][0]["range"]["start"].clone();
    let at = json!({"start": start, "end": start});
    let actions = session.code_actions("api.json", &at, Some("quickfix"));
    insta::assert_snapshot!("json_actions", session.redact_actions(&actions));
    session.shutdown();
}

#[test]
fn terraform_modules_and_broken_input() {
    let (repo, root) = repo();
    let variables = "variable \"auth\" {\n  default = \"NONE\"\n}\n";
    repo.write("infra/variables.tf", variables);
    let main = r#"resource "aws_api_gateway_rest_api" "api" {
  name = "pets"
}

resource "aws_api_gateway_resource" "pets" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "pets"
}

resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.pets.id
  http_method   = "GET"
  authorization = var.auth
}
"#;
    let mut session = Session::in_memory(&root);
    // The variable is defined in a sibling file that is not open: read from disk.
    session.open("infra/main.tf", "terraform", main);
    let opened = session.diagnostics("infra/main.tf");
    assert!(
        codes(&opened).contains(&"unauthenticated-route".to_owned()),
        "{opened}"
    );
    // Broken YAML in an API document is an error on the document, never a crash.
    session.open("broken.yaml", "yaml", "openapi: 3.0.1\npaths: {\n");
    let broken = session.diagnostics("broken.yaml");
    assert_eq!(codes(&broken), ["input-error"]);
    assert_eq!(broken["diagnostics"][0]["severity"], 1);
    // A file that is no API document has no diagnostics.
    session.open("notes.yaml", "yaml", "just: text\n");
    assert_eq!(
        codes(&session.diagnostics("notes.yaml")),
        Vec::<String>::new()
    );
    session.shutdown();
}

/// The real binary over its standard input and output: open, diagnostics, edit, update.
#[test]
fn scripted_session_over_stdio() {
    let (repo, root) = repo();
    repo.write(".gatelint.yaml", CONFIG);
    let mut session = Session::over_stdio(&root);
    session.open("template.yaml", "yaml", TEMPLATE);
    let opened = session.diagnostics("template.yaml");
    assert_eq!(
        codes(&opened),
        ["long-authorizer-cache", "unauthenticated-route"]
    );
    // A full-text change this time.
    let fixed = TEMPLATE.replace("3600", "300").replace(
        "              Authorizer: NONE\n",
        "              Authorizer: Lambda\n",
    );
    session.change("template.yaml", 2, json!([{"text": fixed}]));
    let edited = session.diagnostics("template.yaml");
    assert_eq!(edited["version"], 2);
    assert_eq!(codes(&edited), Vec::<String>::new());
    session.shutdown();
}

/// Requests and changes no editor should send are answered or ignored; the session goes on.
#[test]
fn odd_messages_never_stop_the_server() {
    let (_repo, root) = repo();
    let mut session = Session::in_memory(&root);
    // A change to a document that is not open, and parameters of the wrong shape.
    session.change("missing.yaml", 2, json!([{"text": "openapi: 3.0.1"}]));
    session.notify("textDocument/didOpen", json!({"textDocument": 42}));
    // Ranges past the end, reversed, in the middle of a surrogate pair.
    session.open("api.yaml", "yaml", "openapi: 3.0.1\n");
    assert_eq!(
        codes(&session.diagnostics("api.yaml")),
        Vec::<String>::new()
    );
    session.change(
        "api.yaml",
        2,
        json!([
            {"range": range(0, 0, 0), "text": "# \u{1f600}\n"},
            {"range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 1}}, "text": "x"},
            {"range": range(99, 5, 9), "text": "\npaths: {/a: {get: {security: []}}}\n"},
        ]),
    );
    let edited = session.diagnostics("api.yaml");
    assert_eq!(codes(&edited), ["unauthenticated-route"]);
    // An unknown request is an error response; a bad one too; neither ends the session.
    session.next_id += 1;
    let id = RequestId::from(session.next_id);
    session.send(Message::Request(Request::new(
        id.clone(),
        "gatelint/unknown".to_owned(),
        Value::Null,
    )));
    let Message::Response(response) =
        session.wait(|m| matches!(m, Message::Response(r) if r.id == id))
    else {
        unreachable!()
    };
    assert_eq!(response.response_result.unwrap_err().code, -32601);
    session.next_id += 1;
    let id = RequestId::from(session.next_id);
    session.send(Message::Request(Request::new(
        id.clone(),
        "textDocument/hover".to_owned(),
        json!({"nonsense": true}),
    )));
    let Message::Response(response) =
        session.wait(|m| matches!(m, Message::Response(r) if r.id == id))
    else {
        unreachable!()
    };
    assert_eq!(response.response_result.unwrap_err().code, -32602);
    // Hover and code actions where there is nothing.
    let nothing = session.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": session.uri("other.yaml")}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(nothing, Value::Null);
    assert_eq!(
        session.code_actions("other.yaml", &range(0, 0, 0), None),
        json!([])
    );
    // Closing clears the document's diagnostics.
    let uri = session.uri("api.yaml");
    session.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(
        codes(&session.diagnostics("api.yaml")),
        Vec::<String>::new()
    );
    session.shutdown();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A finding `check` tells at a CDK construct's source line (a file the editor does not give
/// the server) is shown in the synthesized template, pointing at that line.
#[test]
fn a_cdk_template_shows_the_findings_told_at_the_construct_code() {
    let (_repo, root) = repo();
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cdk/app");
    copy_dir(&app, &root.join("app"));
    let template = "app/cdk.out/ApiStack.template.json";
    let text = std::fs::read_to_string(root.join(template)).unwrap();
    let mut session = Session::in_memory(&root);
    session.open(template, "json", &text);
    let published = session.diagnostics(template);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    let told_in_code: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| {
            d["relatedInformation"][0]["location"]["uri"]
                .as_str()
                .is_some_and(|uri| uri.ends_with(".ts"))
        })
        .collect();
    assert!(!told_in_code.is_empty(), "{}", session.redact(&published));
    assert!(
        codes(&published).contains(&"unauthenticated-route".to_owned()),
        "{}",
        session.redact(&published)
    );
    session.shutdown();
}
