//! Hostile input through the real CLI: each bad file gets a located error (or a note when it
//! is skipped), exit code 2, and the other files are still linted and reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::Path;

use assert_cmd::Command;

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn alias_bomb() -> String {
    let mut text = String::from(
        "openapi: 3.0.0\ninfo: {title: bomb, version: '1'}\nx-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for level in 1..12 {
        let prev = format!("*a{}", level - 1);
        let items = [prev.as_str(); 9].join(", ");
        writeln!(text, "x-a{level}: &a{level} [{items}]").unwrap();
    }
    text.push_str("paths:\n  /x:\n    get:\n      security: *a11\n");
    text
}

/// Five nested `Fn::ForEach` loops of 40 items each: 10^8 resources if expanded.
fn foreach_bomb() -> String {
    let items = (0..40)
        .map(|i| format!("i{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = String::from(
        "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\nResources:\n",
    );
    let mut indent = String::from("  ");
    for level in 0..5 {
        writeln!(text, "{indent}Fn::ForEach::L{level}:\n{indent}  - X{level}\n{indent}  - [{items}]\n{indent}  -").unwrap();
        indent.push_str("    ");
    }
    let id: String = (0..5).map(|l| format!("${{X{l}}}")).collect();
    writeln!(text, "{indent}Api{id}:\n{indent}  Type: AWS::Serverless::Api\n{indent}  Properties: {{StageName: prod}}").unwrap();
    text
}

#[test]
fn hostile_files_fail_alone_and_located() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a-alias-bomb.yaml", alias_bomb());
    // Deep nesting in what looks like an API document (elsewhere it is skipped, see below).
    write(
        root,
        "b-deep-flow.yaml",
        format!("openapi: 3.0.0\nx: {}", "[".repeat(100_000)),
    );
    write(
        root,
        "c-deep-json.json",
        format!(
            "{{\"openapi\": \"3.0.0\", \"x\": {}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    // Binary, but it looks like an API document (a binary file that does not is skipped, see
    // below).
    write(root, "d-binary.json", b"{\"openapi\": \0\xff\x13\x37\0\x01");
    write(
        root,
        "e-invalid-utf8.yaml",
        b"openapi: 3.0.0\ninfo:\n  title: caf\xe9\n",
    );
    write(root, "f-empty.yaml", "");
    let mut huge = String::from("openapi: 3.0.0\ninfo: {title: huge, version: '1'}\npaths:\n");
    while huge.len() < 20 * 1024 * 1024 {
        let n = huge.len();
        writeln!(huge, "  /p{n}:\n    get:\n      security: []").unwrap();
    }
    write(root, "g-huge.yaml", huge);
    write(root, "i-foreach-bomb.yaml", foreach_bomb());
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/pets-api.yaml"),
        root.join("z-demo.yaml"),
    )
    .unwrap();

    let output = Command::cargo_bin("gatelint")
        .unwrap()
        .current_dir(root)
        .args(["check", ".", "--format", "concise", "--color", "never"])
        // The old default limit: the 20 MB file is over it, and stays quick to skip.
        .args(["--max-file-size", "10485760"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    let line_of = |file: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(file))
            .unwrap_or_else(|| panic!("nothing reported for {file}:\n{stdout}"))
            .to_owned()
    };
    assert!(line_of("a-alias-bomb.yaml:").contains("alias"), "{stdout}");
    assert!(
        line_of("b-deep-flow.yaml:2:").contains("nesting"),
        "{stdout}"
    );
    assert!(
        line_of("c-deep-json.json:1:").contains("nesting"),
        "{stdout}"
    );
    assert!(
        line_of("d-binary.json:1:13:").contains("binary"),
        "{stdout}"
    );
    assert!(
        line_of("e-invalid-utf8.yaml:3:").contains("UTF-8"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("f-empty.yaml"),
        "an empty file is skipped silently:\n{stdout}"
    );
    assert!(
        line_of("i-foreach-bomb.yaml:3:3:").contains("more than 500000 nodes"),
        "{stdout}"
    );
    // The demo is still linted and reported.
    assert!(
        stdout.contains("z-demo.yaml:13:17: error[unauthenticated-route]"),
        "{stdout}"
    );

    // The oversized file is skipped with a note in the human output.
    let human = Command::cargo_bin("gatelint")
        .unwrap()
        .current_dir(root)
        .args(["check", "g-huge.yaml", "--color", "never"])
        .args(["--max-file-size", "10485760"])
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    // Its first bytes say it is an API document: a limit never skips one silently.
    assert_eq!(human.status.code(), Some(2), "{text}");
    assert!(
        text.contains("g-huge.yaml")
            && text.contains("larger than --max-file-size (10485760 bytes), so it was not checked"),
        "{text}"
    );
    // A large file that is not an API document is only noted.
    write(
        root,
        "h-huge-data.json",
        format!("[{}1]", "1, ".repeat(4 * 1024 * 1024)),
    );
    let data = Command::cargo_bin("gatelint")
        .unwrap()
        .current_dir(root)
        .args(["check", "h-huge-data.json", "--color", "never"])
        .args(["--max-file-size", "10485760"])
        .output()
        .unwrap();
    let text = String::from_utf8(data.stdout).unwrap();
    assert_eq!(data.status.code(), Some(0), "{text}");
    assert!(
        text.contains("skipped: larger than --max-file-size"),
        "{text}"
    );
}

#[test]
fn files_that_are_not_api_documents_never_fail_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // JSON with comments and trailing commas is read like JSON (and is not ours).
    write(
        root,
        "tsconfig.json",
        "// TypeScript\n{\n  \"compilerOptions\": {\"strict\": true, /* all */},\n}\n",
    );
    std::fs::create_dir_all(root.join(".vscode")).unwrap();
    write(
        &root.join(".vscode"),
        "settings.json",
        "{\n  // editor\n  \"editor.tabSize\": 2,\n}\n",
    );
    // Not YAML at all, and nothing like an API document.
    write(
        root,
        "deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: {{ .Values.replicas }\n",
    );
    write(
        root,
        "docker-compose.yml",
        "services:\n  web:\n    image: nginx\n   ports: [80]\n",
    );
    // Binary: a git-crypt encrypted `secrets.yaml`, and UTF-16 text that is not an API document.
    write(root, "secrets.yaml", b"\0GITCRYPT\0\x8a\x01\xfe");
    let utf16 = |text: &str| -> Vec<u8> {
        [0xff, 0xfe]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect()
    };
    write(root, "notes.yaml", utf16("kind: notes\nitems: [a, b]\n"));
    write(
        root,
        "z-demo.yaml",
        include_str!("../../fixtures/demo/pets-api.yaml"),
    );
    // A broken file that looks like an API document stays an input error.
    let run = |args: &[&str]| {
        let output = Command::cargo_bin("gatelint")
            .unwrap()
            .current_dir(root)
            .args(args)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8(output.stdout).unwrap(),
        )
    };
    let (code, stdout) = run(&["check", ".", "--format", "concise", "--color", "never"]);
    assert_eq!(
        code,
        Some(1),
        "the demo's findings, no input error:\n{stdout}"
    );
    assert!(!stdout.contains("input-error"), "{stdout}");
    // Named explicitly (as pre-commit does), they are skipped with a note.
    let (code, stdout) = run(&[
        "check",
        "deployment.yaml",
        "docker-compose.yml",
        "tsconfig.json",
        "--format",
        "concise",
    ]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("deployment.yaml: note: skipped: not valid YAML or JSON"),
        "{stdout}"
    );
    assert!(
        stdout.contains("tsconfig.json: note: skipped: not an API document (OpenAPI, CloudFormation, SAM, a Serverless Framework service, Terraform or a CDK cloud assembly)"),
        "{stdout}"
    );
    let (code, stdout) = run(&["check", "secrets.yaml", "notes.yaml", "--format", "concise"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("secrets.yaml: note: skipped: not valid YAML or JSON (1:1: a NUL byte"),
        "{stdout}"
    );
    assert!(
        stdout.contains("notes.yaml: note: skipped: not valid YAML or JSON (1:1: UTF-16"),
        "{stdout}"
    );
    // A UTF-16 template is an API document that gatelint cannot read: an input error that says
    // why, not "binary".
    write(
        root,
        "template.yaml",
        utf16("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n"),
    );
    let (code, stdout) = run(&["check", ".", "--format", "concise"]);
    assert_eq!(code, Some(2), "{stdout}");
    assert!(
        stdout.contains("template.yaml:1:1: error[input-error] the file is UTF-16"),
        "{stdout}"
    );
    std::fs::remove_file(root.join("template.yaml")).unwrap();
    write(
        root,
        "broken-api.yaml",
        "openapi: 3.0.0\npaths:\n  /x:\n   get: {\n",
    );
    let (code, stdout) = run(&["check", ".", "--format", "concise"]);
    assert_eq!(code, Some(2), "{stdout}");
    assert!(
        stdout.contains("broken-api.yaml:") && stdout.contains("input-error"),
        "{stdout}"
    );
    // So does a broken Serverless Framework service (a `service` and a `provider`), where a
    // broken docker-compose.yml (`services`) was skipped above.
    std::fs::remove_file(root.join("broken-api.yaml")).unwrap();
    write(
        root,
        "serverless.yml",
        "service: orders\nprovider:\n  name: aws\nfunctions: {list: [\n",
    );
    let (code, stdout) = run(&["check", ".", "--format", "concise"]);
    assert_eq!(code, Some(2), "{stdout}");
    assert!(
        stdout.contains("serverless.yml:4:") && stdout.contains("input-error"),
        "{stdout}"
    );
}

/// A document with more keys and values than its size allows (one for every 4 bytes) is
/// refused while it is read, at the first value over the budget: an input error when the file
/// is an API document, a skipped file otherwise. A file as dense but under the budget's floor
/// (2^20 keys and values) is read.
#[test]
fn a_degenerate_document_is_refused_by_its_node_budget() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let ones = |count: usize| format!("{}1", "1,".repeat(count - 1));
    let count = (1 << 20) + 100;
    write(
        root,
        "dense-api.json",
        format!(
            "{{\"openapi\": \"3.0.1\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}},\n\"paths\": {{}}, \"x-data\": [{}]}}\n",
            ones(count)
        ),
    );
    write(root, "dense-data.json", format!("[{}]", ones(count)));
    write(
        root,
        "small-dense-api.json",
        format!(
            "{{\"openapi\": \"3.0.1\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"x-data\": [{}]}}\n",
            ones(1000)
        ),
    );
    let run = |file: &str| {
        let output = Command::cargo_bin("gatelint")
            .unwrap()
            .current_dir(root)
            .args(["check", file, "--format", "concise", "--color", "never"])
            .output()
            .unwrap();
        let text =
            String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
        (output.status.code(), text)
    };
    let (code, text) = run("dense-api.json");
    assert_eq!(code, Some(2), "{text}");
    // The first value over the budget of 2^20 nodes (the floor): `info`'s four keys and values
    // and the root's seven before the array take 11, so it is the 1,048,565th one, at column
    // 25 + 2 × 1,048,564 of line 2.
    assert!(
        text.contains("dense-api.json:2:2097153:")
            && text.contains("more keys and values than a file of"),
        "{text}"
    );
    let (code, text) = run("dense-data.json");
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = run("small-dense-api.json");
    assert_eq!(code, Some(0), "{text}");
}
