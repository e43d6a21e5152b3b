//! Running the real `gatelint` binary in a throw-away repository.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// An OpenAPI document: `GET /health` and `GET /orders` are open, `POST /orders` is protected.
pub const OPEN_API: &str = r#"openapi: 3.0.1
info:
  title: Orders API
  version: "1.0"
paths:
  /health:
    get:
      security: []
      responses:
        "200": {description: OK}
  /orders:
    get:
      security: []
      responses:
        "200": {description: OK}
    post:
      security:
        - bearer: []
      responses:
        "201": {description: Created}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
"#;

/// A temporary directory with a `.git` folder, so configuration lookup stops there.
pub struct Repo {
    dir: TempDir,
}

/// What one run printed, and its exit code.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Everything, for a snapshot.
    pub fn transcript(&self) -> String {
        format!(
            "exit code: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Repo {
    pub fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(".git")).unwrap();
        Repo { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) -> &Repo {
        let full = self.dir.path().join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, text).unwrap();
        self
    }

    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.dir.path().join(path)).unwrap()
    }

    /// Copy a file of the repository's `fixtures/` to `to`.
    pub fn fixture(&self, fixture: &str, to: &str) -> &Repo {
        let from: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures", fixture]
            .iter()
            .collect();
        self.write(to, &fs::read_to_string(from).unwrap())
    }

    /// Run gatelint with `args` in the repository (or a folder of it).
    pub fn run_in(&self, folder: &str, args: &[&str]) -> Run {
        let output = Command::cargo_bin("gatelint")
            .unwrap()
            .args(args)
            .current_dir(self.dir.path().join(folder))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let tmp = self.dir.path().to_string_lossy().into_owned();
        let clean = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(&tmp, "[REPO]");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: clean(&output.stdout),
            stderr: clean(&output.stderr),
        }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in(".", args)
    }
}

/// Whether an input error is the one a template gets for using SAM types without declaring the
/// SAM transform. CloudFormation rejects such templates, but test suites of other tools leave
/// the line out (the SAM translator's inputs; a cfn-lint fixture about `Fn::Join`).
pub fn undeclared_sam_transform(message: &str) -> bool {
    message.contains("the template does not declare `Transform: AWS::Serverless-2016-10-31`")
}

/// The default settings with rule `id` switched on, as its docs and fixtures are checked (an
/// opt-in rule is off by default).
pub fn settings_with(id: &str) -> gatelint::rules::Settings {
    let mut settings = gatelint::rules::Settings::default();
    settings.levels.remove(id);
    settings
}

/// `relative` under `../shared` (the corpus and the schemas, beside the repository), if it is
/// there. When it is not, the test skips and says why; under CI (`CI` set, and not `false` or
/// `0`) it fails instead, so that a checkout without the corpus cannot pass for a green run.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"));
    shared_or_fail(relative, ci)
}

fn shared_or_fail(relative: &str, fail: bool) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    assert!(
        !fail,
        "{} is absent and CI is set: check the shared corpus out beside the repository",
        path.display()
    );
    eprintln!(
        "skipped: {} is absent (the shared corpus is not checked out beside the repository)",
        path.display()
    );
    None
}

#[test]
fn a_missing_shared_folder_skips_but_fails_under_ci() {
    let absent = "corpus/no such folder";
    assert_eq!(shared_or_fail(absent, false), None);
    let failed = std::panic::catch_unwind(|| shared_or_fail(absent, true));
    assert!(failed.is_err(), "a missing corpus passed under CI");
}
