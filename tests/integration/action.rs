//! The GitHub Action's steps (scripts/action.sh, as action.yml runs them) on the fixtures, with a
//! fake GitHub environment: the SARIF it uploads, the annotations, the job summary, its outputs and
//! the job's exit status for each `fail-on`; and the install step against a fake release (a
//! file:// URL) and a fake cargo. Nothing here touches the network.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

const GATELINT: &str = env!("CARGO_BIN_EXE_gatelint");
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What one step left behind.
struct Step {
    status: i32,
    stdout: String,
    outputs: BTreeMap<String, String>,
    summary: String,
}

/// A fake runner: its temporary directory, output and summary files.
struct Runner {
    dir: TempDir,
}

impl Runner {
    fn new() -> Self {
        Runner {
            dir: TempDir::new().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Run `scripts/action.sh STEP` in `workspace` with only the variables the runner would set
    /// (and `env`), as the composite action does.
    fn step(&self, step: &str, workspace: &Path, env: &[(&str, &str)]) -> Step {
        let output_file = self.path("github_output");
        let summary_file = self.path("step_summary");
        let _ = fs::remove_file(&output_file);
        let _ = fs::remove_file(&summary_file);
        fs::create_dir_all(self.path("runner_temp")).unwrap();
        let mut command = Command::new("bash");
        command
            .arg(repo().join("scripts/action.sh"))
            .arg(step)
            .current_dir(workspace)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", repo())
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .env("RUNNER_TEMP", self.path("runner_temp"))
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("GATELINT_BIN", GATELINT);
        for (key, value) in env {
            command.env(key, value);
        }
        let out = command.output().unwrap();
        let outputs = fs::read_to_string(&output_file)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Step {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            outputs,
            summary: fs::read_to_string(&summary_file).unwrap_or_default(),
        }
    }

    fn lint(&self, workspace: &Path, env: &[(&str, &str)]) -> Step {
        self.step("lint", workspace, env)
    }

    /// The last step: exits with the code the lint step recorded.
    fn conclude(&self, lint: &Step) -> Step {
        let code = lint.outputs["exit-code"].clone();
        self.step("conclude", repo(), &[("GATELINT_EXIT_CODE", &code)])
    }
}

/// gatelint itself, run directly: (exit code, stdout).
fn gatelint(args: &[&str], cwd: &Path) -> (i32, String) {
    let out = Command::new(GATELINT)
        .args(args)
        .current_dir(cwd)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// The severities of the findings gatelint reports on `paths`, from its JSON output.
fn severities(paths: &[&str], cwd: &Path) -> Vec<String> {
    let mut args = vec!["check", "--format", "json", "--fail-on", "never"];
    args.extend(paths);
    let (_, json) = gatelint(&args, cwd);
    let json: Value = serde_json::from_str(&json).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap().to_owned())
        .collect()
}

fn count(severities: &[String], severity: &str) -> String {
    severities
        .iter()
        .filter(|s| *s == severity)
        .count()
        .to_string()
}

fn sarif_validator() -> Option<jsonschema::Validator> {
    let path = crate::common::shared("schemas/sarif-schema-2.1.0.json")?;
    let schema: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    Some(
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap(),
    )
}

/// Reads the SARIF file the lint step named, checks it against the SARIF 2.1.0 schema (when
/// ../shared is there), and that every location is relative to the workspace, where code
/// scanning resolves it.
fn checked_sarif(step: &Step, workspace: &Path) -> Value {
    let path = step
        .outputs
        .get("sarif-file")
        .expect("no sarif-file output");
    let sarif: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    if let Some(validator) = sarif_validator() {
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    }
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            !uri.starts_with('/') && workspace.join(percent_decoded(uri)).is_file(),
            "{uri} is not a file relative to the workspace"
        );
    }
    sarif
}

/// A URI reference's path, `%XX` escapes decoded.
fn percent_decoded(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&uri[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn annotations(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| {
            ["::error file=", "::warning file=", "::notice file="]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect()
}

/// One file of the demo, so that the snapshot below changes only with it.
const PETS: &str = "fixtures/demo/pets-api.yaml";

#[test]
fn findings_become_sarif_annotations_and_a_job_summary() {
    let runner = Runner::new();
    let step = runner.lint(repo(), &[("GATELINT_PATHS", PETS)]);
    assert_eq!(
        step.status, 0,
        "the lint step itself succeeds:\n{}",
        step.stdout
    );

    let severities = severities(&[PETS], repo());
    assert!(severities.len() >= 2, "the demo has findings on purpose");
    assert_eq!(step.outputs["errors"], count(&severities, "error"));
    assert_eq!(step.outputs["warnings"], count(&severities, "warning"));
    assert_eq!(step.outputs["notes"], count(&severities, "note"));
    assert_eq!(step.outputs["input-errors"], "0");
    assert_eq!(step.outputs["exit-code"], "1");

    // Annotations: exactly gatelint's `github` output, one workflow command per finding.
    let (_, github) = gatelint(&["check", "--format", "github", PETS], repo());
    assert!(step.stdout.contains(&github), "{}", step.stdout);
    assert_eq!(annotations(&step.stdout).len(), severities.len());
    assert!(annotations(&step.stdout).iter().any(|a| a.starts_with(
        "::error file=fixtures/demo/pets-api.yaml,line=13,col=17,endLine=13,endColumn=19,\
         title=gatelint (unauthenticated-route)::GET /pets on Pet Store can be called"
    )));

    let sarif = checked_sarif(&step, repo());
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        severities.len()
    );

    // The summary: the counts, a table of the findings, and the route inventory.
    let summary = &step.summary;
    assert!(summary.starts_with("## gatelint\n"), "{summary}");
    assert!(summary.contains(&format!("**{} errors, ", count(&severities, "error"))));
    assert!(summary.contains("| severity | location | rule | message |\n|---|---|---|---|\n"));
    assert!(summary.contains(
        "| error | fixtures/demo/pets-api.yaml:13:17 | `unauthenticated-route` | \
         GET /pets on Pet Store can be called without credentials |"
    ));
    let table_rows = summary
        .lines()
        .filter(|l| {
            l.starts_with("| error |") || l.starts_with("| warning |") || l.starts_with("| note |")
        })
        .count();
    assert_eq!(table_rows, severities.len());
    // The route inventory: `gatelint routes --format markdown`, a table.
    let (_, inventory) = route_inventory(summary);
    let (status, routes) = gatelint(&["routes", "--format", "markdown", PETS], repo());
    assert_eq!(status, 0);
    assert!(
        routes
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("|-") || l.starts_with("| -") || l.starts_with("|:")),
        "not a markdown table:\n{routes}"
    );
    assert!(inventory.contains(&routes), "{inventory}");
    assert!(inventory.contains("| GET | /pets |"), "{inventory}");

    insta::assert_snapshot!("demo_summary_findings", route_inventory(summary).0);

    let last = runner.conclude(&step);
    assert_eq!(last.status, 1);
    assert!(
        last.stdout
            .starts_with("::error title=gatelint::findings at or above fail-on")
    );
}

#[test]
fn diff_base_puts_the_route_changes_at_the_top_of_the_summary_and_annotates_opened_routes() {
    let repo = crate::routes_diff::changed_repo();
    let runner = Runner::new();
    let step = runner.lint(
        repo.path(),
        &[
            ("GATELINT_DIFF_BASE", "base"),
            ("GATELINT_FAIL_ON", "never"),
        ],
    );
    assert_eq!(step.status, 0, "{}", step.stdout);
    assert_eq!(step.outputs["exit-code"], "0");
    // First in the summary, right under the heading: gatelint's own markdown.
    let (status, diff) = gatelint(
        &["routes", "--diff", "base", "--format", "markdown"],
        repo.path(),
    );
    assert_eq!(status, 0);
    assert!(
        diff.contains("| **opened** | OrdersApi | DELETE |"),
        "{diff}"
    );
    assert!(
        step.summary
            .starts_with(&format!("## gatelint\n\n{diff}\n")),
        "{}",
        step.summary
    );
    // One annotation per opened route, besides the findings'.
    let opened: Vec<&str> = annotations(&step.stdout)
        .into_iter()
        .filter(|a| a.contains("title=gatelint%3A route opened::"))
        .collect();
    assert_eq!(opened.len(), 1, "{}", step.stdout);
    assert!(opened[0].starts_with("::warning file=sam/template.yaml,line=34,col=9,"));
    insta::assert_snapshot!(
        "diff_base_summary",
        crate::routes_diff::scrub(route_inventory(&step.summary).0, &repo)
    );
    // Without annotations, none.
    let quiet = runner.lint(
        repo.path(),
        &[
            ("GATELINT_DIFF_BASE", "base"),
            ("GATELINT_FAIL_ON", "never"),
            ("GATELINT_ANNOTATIONS", "false"),
        ],
    );
    assert!(!quiet.stdout.contains("route opened"), "{}", quiet.stdout);
    assert!(quiet.summary.contains("| **opened** |"));
}

#[test]
fn a_diff_base_missing_from_a_shallow_checkout_is_a_warning_and_the_summary_says_why() {
    let repo = crate::routes_diff::changed_repo();
    let runner = Runner::new();
    // A pull request's base_ref is a branch name; the checkout has only origin/NAME, if anything.
    let step = runner.lint(
        repo.path(),
        &[
            ("GATELINT_DIFF_BASE", "develop"),
            ("GATELINT_FAIL_ON", "never"),
        ],
    );
    assert_eq!(step.status, 0, "{}", step.stdout);
    assert!(
        step.stdout
            .contains("::warning title=gatelint action::diff-base develop is not in the checkout"),
        "{}",
        step.stdout
    );
    assert!(step.summary.contains("fetch-depth: 0"), "{}", step.summary);
    // origin/NAME is found for NAME.
    let head = repo.git(&["rev-parse", "base"]);
    repo.git(&["update-ref", "refs/remotes/origin/develop", head.trim()]);
    let step = runner.lint(
        repo.path(),
        &[
            ("GATELINT_DIFF_BASE", "develop"),
            ("GATELINT_FAIL_ON", "never"),
        ],
    );
    assert!(
        step.summary
            .contains("### Routes changed since origin/develop"),
        "{}",
        step.summary
    );
    // Not a revision: an input error of the action.
    let step = runner.lint(repo.path(), &[("GATELINT_DIFF_BASE", "--output=x")]);
    assert_eq!(step.status, 2);
}

/// The summary before and after its route inventory heading.
fn route_inventory(summary: &str) -> (&str, &str) {
    summary
        .split_once("### Route inventory\n")
        .expect("no route inventory section")
}

#[test]
fn fail_on_decides_the_exit_status() {
    let runner = Runner::new();
    let rank = |s: &str| ["note", "warning", "error"].iter().position(|x| *x == s);
    // The demo has errors; the api-key-only fixtures have warnings and nothing worse.
    for paths in ["fixtures/demo", "fixtures/api-key-only"] {
        let severities = severities(&[paths], repo());
        let worst = severities.iter().filter_map(|s| rank(s)).max();
        for fail_on in ["error", "warning", "note", "never"] {
            let expected = match rank(fail_on) {
                Some(threshold) if worst.is_some_and(|w| w >= threshold) => 1,
                _ => 0,
            };
            let step = runner.lint(
                repo(),
                &[("GATELINT_PATHS", paths), ("GATELINT_FAIL_ON", fail_on)],
            );
            assert_eq!(step.status, 0);
            assert_eq!(
                step.outputs["exit-code"],
                expected.to_string(),
                "{paths} with fail-on {fail_on}"
            );
            let (direct, _) = gatelint(&["check", "-q", "--fail-on", fail_on, paths], repo());
            assert_eq!(
                direct, expected,
                "gatelint check --fail-on {fail_on} {paths}"
            );
            assert_eq!(runner.conclude(&step).status, expected);
            let verdict = if expected == 0 {
                format!(": passed (no finding at or above fail-on: {fail_on}).")
            } else {
                format!(": failed: findings at or above fail-on: {fail_on}.")
            };
            assert!(step.summary.contains(&verdict), "{}", step.summary);
        }
    }
    // The fixtures above must tell the thresholds apart, or this test proves little.
    let warnings_only = severities(&["fixtures/api-key-only"], repo());
    assert!(
        warnings_only.iter().any(|s| s == "warning") && !warnings_only.iter().any(|s| s == "error")
    );
}

#[test]
fn args_that_repeat_the_actions_own_flags_break_no_run() {
    let runner = Runner::new();
    let out = runner.path("elsewhere.json");
    let args = format!(
        "--fail-on error --format json -o {} --fail-on note --color always",
        out.display()
    );
    let step = runner.lint(
        repo(),
        &[
            ("GATELINT_PATHS", "fixtures/api-key-only"),
            ("GATELINT_ARGS", &args),
        ],
    );
    assert_eq!(step.status, 0, "{}", step.stdout);
    // The last `--fail-on` of `args` decides (the input is empty); the fixtures have warnings.
    assert_eq!(step.outputs["exit-code"], "1", "{}", step.stdout);
    // The action's own `--format` and `--output-file` come last: SARIF, and annotations.
    let sarif = checked_sarif(&step, repo());
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    assert!(!annotations(&step.stdout).is_empty(), "{}", step.stdout);
    assert!(
        !out.exists(),
        "the user's -o must not take the action's output"
    );
    // The input `fail-on` wins over the one in `args`.
    let step = runner.lint(
        repo(),
        &[
            ("GATELINT_PATHS", "fixtures/api-key-only"),
            ("GATELINT_ARGS", &args),
            ("GATELINT_FAIL_ON", "error"),
        ],
    );
    assert_eq!(step.outputs["exit-code"], "0", "{}", step.stdout);
}

#[test]
fn input_errors_fail_the_job_whatever_fail_on_says() {
    let workspace = TempDir::new().unwrap();
    fs::create_dir(workspace.path().join("apis")).unwrap();
    fs::copy(
        repo().join("fixtures/demo/pets-api.yaml"),
        workspace.path().join("apis/pets-api.yaml"),
    )
    .unwrap();
    fs::write(
        workspace.path().join("apis/broken.yaml"),
        "openapi: 3.0.0\npaths: [\n",
    )
    .unwrap();
    let runner = Runner::new();
    for fail_on in ["never", "error", ""] {
        let step = runner.lint(
            workspace.path(),
            &[("GATELINT_PATHS", "apis"), ("GATELINT_FAIL_ON", fail_on)],
        );
        assert_eq!(step.status, 0, "{}", step.stdout);
        assert_eq!(step.outputs["exit-code"], "2", "fail-on {fail_on:?}");
        assert_eq!(step.outputs["input-errors"], "1");
        assert!(
            step.outputs["errors"].parse::<u32>().unwrap() > 0,
            "the other file is still linted"
        );
        assert!(
            annotations(&step.stdout)
                .iter()
                .any(|a| a.starts_with("::error file=apis/broken.yaml,line=2,")
                    && a.contains("title=gatelint (input-error)::")),
            "{}",
            step.stdout
        );
        checked_sarif(&step, workspace.path());
        assert!(
            step.summary.contains("failed: 1 input error"),
            "{}",
            step.summary
        );
        assert!(step.summary.contains("| error | apis/broken.yaml:2:"));
        let last = runner.conclude(&step);
        assert_eq!(last.status, 2);
        assert!(
            last.stdout
                .starts_with("::error title=gatelint::input errors")
        );
    }
}

#[test]
fn paths_are_split_on_whitespace_and_wildcards_expanded() {
    let runner = Runner::new();
    let step = runner.lint(
        repo(),
        &[
            (
                "GATELINT_PATHS",
                "fixtures/demo/pets-*.yaml\n  fixtures/api-key-only/bad-swagger2-api-key.json\t",
            ),
            ("GATELINT_FAIL_ON", "never"),
        ],
    );
    assert_eq!(step.outputs["exit-code"], "0");
    let sarif = checked_sarif(&step, repo());
    let mut files: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    files.dedup();
    assert_eq!(
        files,
        [
            "fixtures/api-key-only/bad-swagger2-api-key.json",
            "fixtures/demo/pets-api.yaml"
        ]
    );
    assert!(
        step.summary.contains(
            "in fixtures/demo/pets-\\*.yaml, fixtures/api-key-only/bad-swagger2-api-key.json:"
        ),
        "{}",
        step.summary
    );

    // A pattern that matches nothing reaches gatelint as it is, which reports it.
    let step = runner.lint(repo(), &[("GATELINT_PATHS", "cdk.out/*.template.json")]);
    assert_eq!(step.outputs["exit-code"], "2");
    assert!(
        step.stdout
            .contains("::error file=cdk.out/*.template.json,"),
        "{}",
        step.stdout
    );
}

#[test]
fn without_annotations_the_findings_are_logged_with_workflow_commands_stopped() {
    let runner = Runner::new();
    let step = runner.lint(
        repo(),
        &[
            ("GATELINT_PATHS", "fixtures/demo"),
            ("GATELINT_ANNOTATIONS", "false"),
            ("GATELINT_SUMMARY", "false"),
        ],
    );
    assert_eq!(step.outputs["exit-code"], "1");
    assert!(annotations(&step.stdout).is_empty(), "{}", step.stdout);
    let lines: Vec<&str> = step.stdout.lines().collect();
    let token = lines[0]
        .strip_prefix("::stop-commands::")
        .expect(&step.stdout);
    assert!(token.len() > 12);
    let end = lines
        .iter()
        .position(|l| *l == format!("::{token}::"))
        .unwrap();
    assert!(
        lines[1..end]
            .iter()
            .any(|l| l
                .starts_with("fixtures/demo/pets-api.yaml:13:17: error[unauthenticated-route]"))
    );
    assert!(step.summary.is_empty());
}

#[test]
fn a_long_summary_lists_the_first_findings_and_counts_the_rest() {
    let runner = Runner::new();
    let step = runner.lint(
        repo(),
        &[
            ("GATELINT_PATHS", "fixtures/demo"),
            ("GATELINT_SUMMARY_LIMIT", "2"),
        ],
    );
    let all = severities(&["fixtures/demo"], repo()).len();
    let rows = step
        .summary
        .lines()
        .filter(|l| l.starts_with("| error |") || l.starts_with("| warning |"))
        .count();
    assert_eq!(rows, 2);
    assert!(
        step.summary
            .contains(&format!("… and {} more: see the annotations", all - 2)),
        "{}",
        step.summary
    );
    // Only the summary is cut: every finding is still annotated and counted.
    assert_eq!(annotations(&step.stdout).len(), all);
}

#[test]
fn file_names_cannot_break_the_summary_table_or_the_annotations() {
    let workspace = TempDir::new().unwrap();
    let name = "odd|name <b>&, x.yaml";
    fs::copy(
        repo().join("fixtures/unauthenticated-route/bad-auth-type-none.yaml"),
        workspace.path().join(name),
    )
    .unwrap();
    let runner = Runner::new();
    let step = runner.lint(workspace.path(), &[("GATELINT_PATHS", ".")]);
    assert_eq!(step.outputs["exit-code"], "1");
    assert!(
        step.summary.contains(
            "| error | odd\\|name &lt;b&gt;&amp;, x.yaml:20:15 | `unauthenticated-route` |"
        ),
        "{}",
        step.summary
    );
    assert!(
        step.stdout
            .contains("::error file=odd|name <b>&%2C x.yaml,line=20,col=15,"),
        "{}",
        step.stdout
    );
    checked_sarif(&step, workspace.path());
}

#[test]
fn a_gatelint_without_routes_still_gets_a_summary() {
    // An older gatelint: its help lists no `routes`.
    let dir = TempDir::new().unwrap();
    let old = dir.path().join("gatelint");
    fs::write(
        &old,
        format!(
            "#!/bin/sh\nif [ \"$1\" = --help ]; then '{GATELINT}' --help | grep -v '^  routes '; \
             else exec '{GATELINT}' \"$@\"; fi\n"
        ),
    )
    .unwrap();
    fs::set_permissions(&old, fs::Permissions::from_mode(0o755)).unwrap();
    let runner = Runner::new();
    let step = runner.lint(
        repo(),
        &[
            ("GATELINT_PATHS", PETS),
            ("GATELINT_BIN", old.to_str().unwrap()),
        ],
    );
    assert_eq!(step.outputs["exit-code"], "1");
    let (findings, inventory) = route_inventory(&step.summary);
    assert!(findings.contains("| error | fixtures/demo/pets-api.yaml:13:17 |"));
    assert_eq!(
        inventory.trim(),
        format!("This gatelint (gatelint {VERSION}) has no `routes` command.")
    );
}

#[test]
fn bad_inputs_stop_the_step_with_an_annotation() {
    let runner = Runner::new();
    for (key, value, message) in [
        (
            "GATELINT_FAIL_ON",
            "critical",
            "input fail-on must be error, warning, note or never",
        ),
        (
            "GATELINT_ANNOTATIONS",
            "yes",
            "input annotations must be true or false",
        ),
        (
            "GATELINT_SUMMARY",
            "1",
            "input summary must be true or false",
        ),
    ] {
        let step = runner.lint(repo(), &[("GATELINT_PATHS", "fixtures/demo"), (key, value)]);
        assert_eq!(step.status, 2, "{key}={value}");
        assert!(
            step.stdout
                .starts_with(&format!("::error title=gatelint action::{message}")),
            "{}",
            step.stdout
        );
        assert!(!step.outputs.contains_key("exit-code"));
    }
    // An argument gatelint refuses: exit code 2, and no SARIF file to upload.
    let step = runner.lint(
        repo(),
        &[
            ("GATELINT_PATHS", "fixtures/demo"),
            ("GATELINT_ARGS", "--no-such-flag"),
        ],
    );
    assert_eq!(step.outputs["exit-code"], "2");
    assert!(
        !step.outputs.contains_key("sarif-file"),
        "{:?}",
        step.outputs
    );
    assert!(
        step.summary
            .contains("failed: gatelint refused its arguments"),
        "{}",
        step.summary
    );
    assert_eq!(runner.conclude(&step).status, 2);
    // Without a recorded exit code the last step fails rather than pass silently.
    let last = runner.step("conclude", repo(), &[("GATELINT_EXIT_CODE", "")]);
    assert_eq!(last.status, 2);
}

/// A fake release of this version for `target`: (base URL, checksum line). Windows archives are
/// zip files (made with Python's zipfile), the others tar.gz.
fn fake_release(dir: &Path, target: &str) -> (String, String) {
    let name = format!("gatelint-{VERSION}-{target}");
    let windows = target.contains("windows");
    let stage = dir.join("stage").join(&name);
    fs::create_dir_all(&stage).unwrap();
    // A stand-in as small as a script: packing the debug binary would take seconds.
    let bin = stage.join(if windows { "gatelint.exe" } else { "gatelint" });
    fs::write(&bin, format!("#!/bin/sh\necho 'gatelint {VERSION}'\n")).unwrap();
    fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
    let release = dir.join("releases").join(format!("v{VERSION}"));
    fs::create_dir_all(&release).unwrap();
    let (archive, mut pack) = if windows {
        let archive = format!("{name}.zip");
        let mut zip = Command::new("python3");
        zip.args(["-m", "zipfile", "-c"])
            .arg(release.join(&archive))
            .arg(&name);
        (archive, zip)
    } else {
        let archive = format!("{name}.tar.gz");
        let mut tar = Command::new("tar");
        tar.arg("-czf").arg(release.join(&archive)).arg(&name);
        (archive, tar)
    };
    assert!(
        pack.current_dir(dir.join("stage"))
            .status()
            .unwrap()
            .success()
    );
    let sum = Command::new("sha256sum")
        .arg(&archive)
        .current_dir(&release)
        .output()
        .unwrap();
    (
        format!("file://{}", dir.join("releases").display()),
        String::from_utf8(sum.stdout).unwrap(),
    )
}

#[test]
fn install_takes_the_release_whose_sha256_is_listed_and_refuses_another() {
    let dir = TempDir::new().unwrap();
    let (base_url, checksum) = fake_release(dir.path(), "x86_64-unknown-linux-musl");
    let checksums = dir.path().join("checksums.txt");
    fs::write(&checksums, format!("# a comment\n{checksum}")).unwrap();
    let runner = Runner::new();
    let env = [
        ("GATELINT_RELEASE_BASE_URL", base_url.as_str()),
        ("GATELINT_CHECKSUMS_FILE", checksums.to_str().unwrap()),
    ];
    let step = runner.step("install", repo(), &env);
    assert_eq!(step.status, 0, "{}", step.stdout);
    let bin = &step.outputs["bin"];
    assert!(
        bin.starts_with(runner.path("runner_temp").to_str().unwrap()),
        "{bin}"
    );
    let (status, version) = gatelint_at(bin, &["--version"]);
    assert_eq!(
        (status, version.trim()),
        (0, format!("gatelint {VERSION}").as_str())
    );

    // One changed digit in the listed sha256: the archive is not installed, and nothing else is.
    let first = checksum.chars().next().unwrap();
    let other = if first == '0' { '1' } else { '0' };
    fs::write(&checksums, format!("{other}{}", &checksum[1..])).unwrap();
    let step = runner.step("install", repo(), &env);
    assert_eq!(step.status, 2);
    assert!(
        step.stdout
            .contains("::error title=gatelint action::sha256 mismatch"),
        "{}",
        step.stdout
    );
    assert!(!step.outputs.contains_key("bin"));
}

#[test]
fn install_unpacks_the_windows_zip() {
    let have = |tool: &str| Command::new(tool).arg("--version").output().is_ok();
    if !have("python3") || !have("unzip") {
        eprintln!("skipped: python3 (to make the zip) or unzip is missing");
        return;
    }
    let dir = TempDir::new().unwrap();
    let (base_url, checksum) = fake_release(dir.path(), "x86_64-pc-windows-msvc");
    assert!(checksum.contains(&format!("gatelint-{VERSION}-x86_64-pc-windows-msvc.zip")));
    let checksums = dir.path().join("checksums.txt");
    fs::write(&checksums, &checksum).unwrap();
    let runner = Runner::new();
    let step = runner.step(
        "install",
        repo(),
        &[
            ("RUNNER_OS", "Windows"),
            ("GATELINT_RELEASE_BASE_URL", base_url.as_str()),
            ("GATELINT_CHECKSUMS_FILE", checksums.to_str().unwrap()),
        ],
    );
    assert_eq!(step.status, 0, "{}", step.stdout);
    assert!(
        step.outputs["bin"].ends_with("-x86_64-pc-windows-msvc/gatelint.exe"),
        "{:?}",
        step.outputs
    );
}

fn gatelint_at(bin: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(bin).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn install_builds_the_action_checkout_when_no_release_is_listed() {
    let dir = TempDir::new().unwrap();
    // A stand-in for cargo: records its arguments and "installs" the test's gatelint.
    let bin_dir = dir.path().join("bin");
    fs::create_dir(&bin_dir).unwrap();
    let cargo = bin_dir.join("cargo");
    let log = dir.path().join("cargo-args");
    fs::write(
        &cargo,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nwhile [ $# -gt 0 ]; do\n  \
             if [ \"$1\" = --root ]; then mkdir -p \"$2/bin\" && cp '{GATELINT}' \"$2/bin/gatelint\"; fi\n  \
             shift\ndone\n",
            log.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&cargo, fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let empty = dir.path().join("no-checksums.txt");
    fs::write(&empty, "# nothing released yet\n").unwrap();
    for (os, arch) in [("Linux", "X64"), ("FreeBSD", "X64")] {
        let runner = Runner::new();
        let env = [
            ("PATH", path.as_str()),
            ("RUNNER_OS", os),
            ("RUNNER_ARCH", arch),
            ("GATELINT_CHECKSUMS_FILE", empty.to_str().unwrap()),
        ];
        // The plan: a build from source, cached under a key of the runner and the sources.
        let plan = runner.step("plan", repo(), &env);
        assert_eq!(plan.status, 0, "{}", plan.stdout);
        assert_eq!(plan.outputs["source-build"], "true");
        let key = &plan.outputs["cache-key"];
        assert!(
            key.starts_with(&format!("gatelint-source-{os}-{arch}-{VERSION}-")) && key.len() > 70,
            "{key}"
        );
        let root = runner.path("runner_temp").join("gatelint-source");
        assert_eq!(Path::new(&plan.outputs["cache-path"]), root);
        let step = runner.step(
            "install",
            repo(),
            &[
                ("PATH", path.as_str()),
                ("RUNNER_OS", os),
                ("RUNNER_ARCH", arch),
                ("GATELINT_CHECKSUMS_FILE", empty.to_str().unwrap()),
                ("GATELINT_RELEASE_BASE_URL", "file:///nonexistent"),
            ],
        );
        assert_eq!(step.status, 0, "{}", step.stdout);
        assert_eq!(
            fs::read_to_string(&log).unwrap(),
            format!(
                "install\n--locked\n--quiet\n--path\n{}\n--root\n{}\n",
                repo().display(),
                root.display()
            )
        );
        assert_eq!(Path::new(&step.outputs["bin"]), root.join("bin/gatelint"));
        // The next run, with the cache restored there, builds nothing.
        fs::remove_file(&log).unwrap();
        let again = runner.step("install", repo(), &env);
        assert_eq!(again.status, 0, "{}", again.stdout);
        assert!(again.stdout.contains("(cache)"), "{}", again.stdout);
        assert!(!log.exists(), "cargo ran again");
        // A cache of other sources is rebuilt.
        fs::write(root.join("digest"), "other\n").unwrap();
        runner.step("install", repo(), &env);
        assert!(log.exists(), "a stale cache was used");
    }
}

#[test]
fn paths_one_per_line_may_hold_spaces() {
    let workspace = TempDir::new().unwrap();
    fs::create_dir(workspace.path().join("my api")).unwrap();
    fs::copy(
        repo().join("fixtures/unauthenticated-route/bad-auth-type-none.yaml"),
        workspace.path().join("my api/the template.yaml"),
    )
    .unwrap();
    fs::copy(
        repo().join("fixtures/api-key-only/bad-swagger2-api-key.json"),
        workspace.path().join("other.json"),
    )
    .unwrap();
    let runner = Runner::new();
    let step = runner.lint(
        workspace.path(),
        &[(
            "GATELINT_PATHS",
            "  my api/the template.yaml  \n\nother.json\n",
        )],
    );
    assert_eq!(step.outputs["exit-code"], "1", "{}", step.stdout);
    assert!(
        step.stdout
            .contains("::error file=my api/the template.yaml,"),
        "{}",
        step.stdout
    );
    assert!(step.stdout.contains("file=other.json,"), "{}", step.stdout);
    assert!(
        step.summary
            .contains("in my api/the template.yaml, other.json:"),
        "{}",
        step.summary
    );
}

#[test]
fn upload_sarif_accepts_any_case_and_is_skipped_for_forks() {
    let runner = Runner::new();
    for (value, fork, upload) in [
        ("true", "", "true"),
        ("True", "false", "true"),
        ("TRUE", "", "true"),
        ("false", "", "false"),
        ("False", "", "false"),
        ("true", "true", "false"),
    ] {
        let step = runner.lint(
            repo(),
            &[
                ("GATELINT_PATHS", "fixtures/demo"),
                ("GATELINT_UPLOAD_SARIF", value),
                ("GATELINT_FORK_PULL_REQUEST", fork),
            ],
        );
        assert_eq!(step.status, 0, "{}", step.stdout);
        assert_eq!(step.outputs["upload-sarif"], upload, "{value} fork={fork}");
        if fork == "true" {
            assert!(
                step.summary.contains("comes from a fork"),
                "{}",
                step.summary
            );
            // The verdict and the annotations stand.
            assert_eq!(step.outputs["exit-code"], "1");
            assert!(!annotations(&step.stdout).is_empty());
        }
    }
    let step = runner.lint(
        repo(),
        &[
            ("GATELINT_PATHS", "fixtures/demo"),
            ("GATELINT_UPLOAD_SARIF", "yes"),
        ],
    );
    assert_eq!(step.status, 2);
    assert!(
        step.stdout
            .contains("input upload-sarif must be true or false"),
        "{}",
        step.stdout
    );
}

#[test]
fn sarif_over_code_scanning_limits_keeps_the_most_severe_and_says_so() {
    let runner = Runner::new();
    let all = severities(&["fixtures/demo"], repo());
    let errors = all.iter().filter(|s| *s == "error").count();
    assert!(errors >= 2 && all.len() > errors, "{all:?}");
    // At most `errors` results: exactly the errors go up.
    let limit = errors.to_string();
    let step = runner.lint(
        repo(),
        &[
            ("GATELINT_PATHS", "fixtures/demo"),
            ("GATELINT_UPLOAD_SARIF", "true"),
            ("GATELINT_SARIF_MAX_RESULTS", &limit),
        ],
    );
    let sarif = checked_sarif(&step, repo());
    let levels: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, vec!["error"; errors]);
    let note = format!(
        "Code scanning gets the {errors} most severe of the {} findings",
        all.len()
    );
    assert!(step.summary.contains(&note), "{}", step.summary);
    // The verdict, the counts and the annotations still cover every finding.
    assert_eq!(step.outputs["errors"], count(&all, "error"));
    assert_eq!(step.outputs["warnings"], count(&all, "warning"));
    assert_eq!(annotations(&step.stdout).len(), all.len());

    // Too large gzipped: halved until it fits.
    let step = runner.lint(
        repo(),
        &[
            ("GATELINT_PATHS", "fixtures/demo"),
            ("GATELINT_UPLOAD_SARIF", "true"),
            ("GATELINT_SARIF_MAX_RESULTS", "8"),
            ("GATELINT_SARIF_MAX_GZIP_BYTES", "1"),
        ],
    );
    let sarif = checked_sarif(&step, repo());
    assert!(sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    assert!(
        step.summary.contains(&format!(
            "gets the 0 most severe of the {} findings",
            all.len()
        )),
        "{}",
        step.summary
    );
}

#[test]
fn route_keys_cannot_become_maths_in_the_summary() {
    let runner = Runner::new();
    let step = runner.lint(
        repo(),
        &[(
            "GATELINT_PATHS",
            "fixtures/unauthenticated-route/bad-cfn-v2-websocket-connect-open.yaml",
        )],
    );
    assert_eq!(step.outputs["exit-code"], "1");
    let table: Vec<&str> = step
        .summary
        .lines()
        .filter(|l| l.starts_with("| error |") || l.starts_with("| warning |"))
        .collect();
    assert!(!table.is_empty(), "{}", step.summary);
    for line in step.summary.lines() {
        // Every `$` outside a code span is escaped.
        let outside: String = line.split('`').step_by(2).collect();
        assert!(
            !outside.replace("\\$", "").contains('$'),
            "unescaped $ in: {line}"
        );
    }
    assert!(step.summary.contains("\\$connect"), "{}", step.summary);
}
