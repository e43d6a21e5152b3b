//! The `check` flags named as ruff names them, `-q`, colour from the environment, and the
//! configuration that applies to each file (the nearest `.gatelint.yaml` above it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::common;

use assert_cmd::Command;
use common::{OPEN_API, Repo};
use serde_json::Value;

/// The `file:line:col: severity[rule]` part of each concise line.
fn located(stdout: &str) -> Vec<String> {
    let mut lines: Vec<String> = stdout
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(at, _)| at.to_owned()))
        .collect();
    lines.sort();
    lines
}

fn rules_of(stdout: &str) -> Vec<String> {
    let mut rules: Vec<String> = stdout
        .lines()
        .filter_map(|l| Some(l.split_once('[')?.1.split_once(']')?.0.to_owned()))
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

#[test]
fn a_repeated_flag_takes_its_last_value() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API);
    let run = repo.run(&[
        "check",
        "--format",
        "json",
        "--format",
        "concise",
        "--fail-on",
        "error",
        "--fail-on",
        "never",
        "-q",
        "-q",
        "api.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.starts_with("api.yaml:"), "{}", run.stdout);
    let out = repo.path().join("a.txt");
    let run = repo.run(&[
        "check",
        "-o",
        "ignored.txt",
        "--output-file",
        out.to_str().unwrap(),
        "api.yaml",
    ]);
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
    assert!(!repo.path().join("ignored.txt").exists());
    assert!(repo.read("a.txt").contains("error[unauthenticated-route]"));
}

#[test]
fn select_extend_select_and_ignore_choose_the_rules() {
    let repo = Repo::new();
    repo.fixture("demo/pets-api.yaml", "api.yaml")
        .write(".gatelint.yaml", "rules:\n  unused-authorizer: off\n");
    let rules = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "concise", "-q", "api.yaml"];
        args.extend_from_slice(extra);
        rules_of(&repo.run(&args).stdout)
    };
    let all = rules(&[]);
    assert!(all.contains(&"unauthenticated-route".to_owned()), "{all:?}");
    assert!(!all.contains(&"unused-authorizer".to_owned()), "{all:?}");
    assert_eq!(
        rules(&["--select", "unauthenticated-route,api-key-only"]),
        ["api-key-only", "unauthenticated-route"]
    );
    // Repeatable; a rule the configuration has off runs when selected.
    assert_eq!(
        rules(&[
            "--select",
            "unauthenticated-route",
            "--select",
            "unused-authorizer"
        ]),
        ["unauthenticated-route", "unused-authorizer"]
    );
    let extended = rules(&["--extend-select", "unused-authorizer"]);
    assert_eq!(extended.len(), all.len() + 1, "{extended:?}");
    let ignored = rules(&["--ignore", "unauthenticated-route,api-key-only"]);
    assert_eq!(ignored.len(), all.len() - 2, "{ignored:?}");
    assert!(!ignored.contains(&"unauthenticated-route".to_owned()));
    // An unknown id is a usage error with a suggestion.
    let run = repo.run(&["check", "--select", "unauthenticated-routes", "api.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `unauthenticated-route`"),
        "{}",
        run.stderr
    );
}

#[test]
fn exclude_and_extend_exclude_are_relative_to_the_working_directory() {
    let repo = Repo::new();
    repo.write("infra/a.yaml", OPEN_API)
        .write("infra/gen/b.yaml", OPEN_API)
        .write("infra/old/c.yaml", OPEN_API)
        .write("infra/.gatelint.yaml", "exclude: [\"gen/**\"]\n");
    let files = |folder: &str, extra: &[&str]| {
        let mut args = vec!["check", "--format", "concise", "-q"];
        args.extend_from_slice(extra);
        let run = repo.run_in(folder, &args);
        let mut files: Vec<String> = run
            .stdout
            .lines()
            .map(|l| l.split(':').next().unwrap().to_owned())
            .collect();
        files.dedup();
        files
    };
    // The configuration's glob is relative to infra/, wherever gatelint runs.
    assert_eq!(files(".", &[]), ["infra/a.yaml", "infra/old/c.yaml"]);
    assert_eq!(files("infra", &[]), ["a.yaml", "old/c.yaml"]);
    // --extend-exclude adds to it, relative to the working directory.
    assert_eq!(
        files(".", &["--extend-exclude", "infra/old/**"]),
        ["infra/a.yaml"]
    );
    // --exclude replaces it.
    assert_eq!(
        files(".", &["--exclude", "**/old/**"]),
        ["infra/a.yaml", "infra/gen/b.yaml"]
    );
    // Named files are linted unless --force-exclude.
    let named = ["infra/gen/b.yaml", "infra/a.yaml"];
    assert_eq!(files(".", &named), ["infra/a.yaml", "infra/gen/b.yaml"]);
    let mut forced = vec!["--force-exclude"];
    forced.extend(named);
    assert_eq!(files(".", &forced), ["infra/a.yaml"]);
}

#[test]
fn no_config_reads_no_configuration_file() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API)
        .write(".gatelint.yaml", "rules:\n  unauthenticated-route: off\n");
    let run = repo.run(&["check", "--format", "concise", "-q", "api.yaml"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    let run = repo.run(&["check", "--no-config", "--format", "concise", "api.yaml"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("unauthenticated-route").count(), 2);
    let both = repo.run(&["check", "--no-config", "--config", ".gatelint.yaml"]);
    assert_eq!(both.code, 2);
}

#[test]
fn statistics_count_the_findings_per_rule() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API)
        .write("b.yaml", &OPEN_API.replace("/orders", "/items"));
    let run = repo.run(&["check", "--statistics", "."]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "4  unauthenticated-route  error\n");
    let run = repo.run(&["check", "--statistics", "--format", "json", "."]);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{"rule": "unauthenticated-route", "severity": "error", "count": 4}])
    );
}

/// `--max-findings` says what it left out in a note about the run, not one located at a made-up
/// path (`.`), and the summary counts every finding and says how many were shown.
#[test]
fn max_findings_is_a_note_about_the_run_and_the_summary_counts_all() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API)
        .write("b.yaml", &OPEN_API.replace("/orders", "/items"));
    let run = repo.run(&["check", "--max-findings", "1", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains(
            "\nnote: --max-findings 1: 3 findings left out (3 errors), the least severe; 1 of 4 \
             shown\n"
        ),
        "{}",
        run.transcript()
    );
    assert!(
        run.stdout
            .ends_with("4 errors in 2 files (1 of 4 findings shown, --max-findings)\n"),
        "{}",
        run.transcript()
    );
    let run = repo.run(&["check", "--max-findings", "1", "--format", "json", "."]);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
    assert_eq!(json["notes"][0]["path"], Value::Null);
    assert_eq!(json["summary"]["findings"], 4);
    assert_eq!(json["summary"]["findings_shown"], 1);
    let run = repo.run(&["check", "--max-findings", "1", "--format", "concise", "."]);
    assert!(
        run.stdout.contains("\nnote: --max-findings 1:"),
        "{}",
        run.transcript()
    );
    // Without the limit, no such field.
    let run = repo.run(&["check", "--format", "json", "."]);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["summary"].get("findings_shown"), None);
}

#[test]
fn exit_zero_keeps_findings_from_failing_but_not_input_errors() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API)
        .write("broken.yaml", "openapi: 3.0.0\npaths: [");
    let run = repo.run(&["check", "--exit-zero", "api.yaml"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("unauthenticated-route"));
    let run = repo.run(&["check", "--exit-zero", "api.yaml", "broken.yaml"]);
    assert_eq!(run.code, 2);
}

#[test]
fn stdin_filename_without_stdin_is_a_usage_error() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API);
    let run = repo.run(&["check", "--stdin-filename", "x.yaml", "api.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--stdin-filename"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Usage: gatelint check"),
        "{}",
        run.stderr
    );
}

#[test]
fn ignore_suppressions_is_the_new_name_of_no_ignore() {
    let repo = Repo::new();
    let suppressed = OPEN_API.replace(
        "      security: []\n      responses:\n        \"200\": {description: OK}\n  /orders:",
        "      # gatelint: ignore[unauthenticated-route] health check\n      security: []\n      responses:\n        \"200\": {description: OK}\n  /orders:",
    );
    repo.write("api.yaml", &suppressed);
    let count = |flag: Option<&str>| {
        let mut args = vec!["check", "--format", "concise", "api.yaml"];
        args.extend(flag);
        repo.run(&args)
            .stdout
            .matches("unauthenticated-route")
            .count()
    };
    assert_eq!(count(None), 1);
    assert_eq!(count(Some("--ignore-suppressions")), 2);
    assert_eq!(count(Some("--no-ignore")), 2);
    let help = repo.run(&["check", "--help"]).stdout;
    assert!(help.contains("--ignore-suppressions"), "{help}");
    assert!(!help.contains("--no-ignore"), "{help}");
}

/// gatelint with only the given environment variables (besides PATH), on a pipe.
fn with_env(repo: &Repo, env: &[(&str, &str)]) -> String {
    let mut command = Command::cargo_bin("gatelint").unwrap();
    command
        .args(["check", "--format", "concise", "api.yaml"])
        .current_dir(repo.path())
        .env_clear();
    for (key, value) in env {
        command.env(key, value);
    }
    String::from_utf8(command.output().unwrap().stdout).unwrap()
}

#[test]
fn colour_follows_force_color_clicolor_force_no_color_and_term() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API);
    let styled = |env: &[(&str, &str)]| with_env(&repo, env).contains('\x1b');
    // Standard output is a pipe here: no colour unless forced.
    assert!(!styled(&[]));
    assert!(styled(&[("FORCE_COLOR", "1")]));
    assert!(styled(&[("CLICOLOR_FORCE", "1")]));
    assert!(styled(&[("FORCE_COLOR", "1"), ("TERM", "dumb")]));
    assert!(!styled(&[("FORCE_COLOR", "0")]));
    assert!(!styled(&[("CLICOLOR_FORCE", "0")]));
    assert!(!styled(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
}

#[test]
fn quiet_prints_findings_and_warnings_about_unlinted_input_only() {
    let repo = Repo::new();
    repo.write("api.yaml", OPEN_API)
        // Large, and not an API document (a large API document is an input error).
        .write("big.yaml", &"just: data\n".repeat(OPEN_API.len()))
        .write("notes.yaml", "just: data\n");
    let size = (OPEN_API.len() + 10).to_string();
    let args = [
        "check",
        "--max-file-size",
        &size,
        "--write-baseline",
        "baseline.json",
        "api.yaml",
        "big.yaml",
        "notes.yaml",
    ];
    let loud = repo.run(&args);
    assert!(
        loud.stdout.contains("wrote the baseline"),
        "{}",
        loud.stdout
    );
    let mut quiet_args = args.to_vec();
    quiet_args.push("-q");
    let quiet = repo.run(&quiet_args);
    assert!(
        !quiet.stdout.contains("wrote the baseline"),
        "{}",
        quiet.stdout
    );
    assert!(
        quiet
            .stdout
            .contains("big.yaml: skipped: larger than --max-file-size"),
        "{}",
        quiet.stdout
    );
    assert!(
        quiet
            .stdout
            .contains("notes.yaml: skipped: not an API document (OpenAPI, CloudFormation, SAM, a Serverless Framework service, Terraform or a CDK cloud assembly)"),
        "{}",
        quiet.stdout
    );
    // No summary line.
    assert!(!quiet.stdout.contains(" in 1 file"), "{}", quiet.stdout);
    assert!(
        loud.stdout.contains("no problems found in 1 file"),
        "{}",
        loud.stdout
    );
    // The `github` format makes them warnings on the file.
    let github = repo.run(&[
        "check",
        "-q",
        "--format",
        "github",
        "--max-file-size",
        &size,
        "big.yaml",
    ]);
    assert_eq!(
        github.stdout,
        format!(
            "::warning file=big.yaml,title=gatelint (not linted)::skipped: larger than \
             --max-file-size ({size} bytes)\n"
        )
    );
}

#[test]
fn the_nearest_configuration_above_each_file_applies() {
    let repo = Repo::new();
    repo.write("a/api.yaml", OPEN_API)
        .write("b/api.yaml", OPEN_API)
        .write("c/api.yaml", OPEN_API)
        .write(".gatelint.yaml", "public-routes:\n  - GET /health\n")
        .write("a/.gatelint.yaml", "rules:\n  unauthenticated-route: off\n")
        .write(
            "b/.gatelint.yaml",
            "public-routes:\n  - route: GET /orders\n    file: \"api.yaml\"\n",
        );
    let run = repo.run(&["check", "--format", "concise", "-q"]);
    assert_eq!(
        located(&run.stdout),
        ["b/api.yaml:8:17:", "c/api.yaml:13:17:"],
        "{}",
        run.stdout
    );
    // The same from a subdirectory: globs are the configuration's, not the working directory's.
    let run = repo.run_in("b", &["check", "--format", "concise", "-q"]);
    assert_eq!(located(&run.stdout), ["api.yaml:8:17:"], "{}", run.stdout);
    // --config applies one file to every path.
    let run = repo.run(&[
        "check",
        "--format",
        "concise",
        "-q",
        "--config",
        "a/.gatelint.yaml",
    ]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    // -v says which configuration applies to each file.
    let run = repo.run(&["check", "--format", "concise", "-v"]);
    for line in [
        "a/api.yaml: note: configured by a/.gatelint.yaml",
        "b/api.yaml: note: configured by b/.gatelint.yaml",
        "c/api.yaml: note: configured by .gatelint.yaml",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
    let run = repo.run_in("c", &["check", "--format", "concise", "-v"]);
    assert!(
        run.stdout
            .contains("api.yaml: note: configured by ../.gatelint.yaml"),
        "{}",
        run.stdout
    );
}

#[test]
fn each_file_fails_by_the_fail_on_of_its_configuration() {
    let repo = Repo::new();
    // Warnings only in strict/, errors in lenient/.
    repo.fixture(
        "api-key-only/bad-api-key-requirement.yaml",
        "strict/api.yaml",
    )
    .write("lenient/api.yaml", OPEN_API)
    .write("lenient/.gatelint.yaml", "fail-on: never\n")
    .write("strict/.gatelint.yaml", "fail-on: error\n");
    assert_eq!(repo.run(&["check", "lenient"]).code, 0);
    assert_eq!(repo.run(&["check", "."]).code, 0);
    repo.write("strict/api.yaml", OPEN_API);
    assert_eq!(repo.run(&["check", "."]).code, 1);
    assert_eq!(repo.run(&["check", "--fail-on", "never", "."]).code, 0);
}

#[test]
fn a_broken_configuration_anywhere_stops_the_run() {
    let repo = Repo::new();
    repo.write("a/api.yaml", OPEN_API)
        .write("b/api.yaml", OPEN_API)
        .write("b/.gatelint.yaml", "rulez: {}\n");
    let run = repo.run(&["check", "--format", "concise"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .starts_with("b/.gatelint.yaml:1:1: error[input-error] unknown setting `rulez`"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("unauthenticated-route"),
        "{}",
        run.stdout
    );
}

/// Every rule's bad fixtures, baselined, then edited around the findings: line numbers and
/// neighbouring lines change, the baseline still accepts every finding and no entry goes stale.
#[test]
fn baseline_entries_survive_edits_of_neighbouring_lines() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut checked = 0;
    for rule in std::fs::read_dir(&fixtures).unwrap() {
        let rule = rule.unwrap().path();
        for fixture in std::fs::read_dir(&rule).unwrap() {
            let fixture = fixture.unwrap().path();
            let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("bad-") {
                continue;
            }
            let text = std::fs::read_to_string(&fixture).unwrap();
            let repo = Repo::new();
            repo.write(&name, &text);
            let written = repo.run(&["check", "--write-baseline", "b.json", &name]);
            if !written.stdout.contains("recorded") {
                continue;
            }
            // Blank lines above, and a blank line after every line of a YAML mapping or list
            // (never inside a block scalar, where it would change the text).
            let yaml = !text.trim_start().starts_with('{');
            let mut edited = String::from("\n\n");
            for line in text.lines() {
                edited.push_str(line);
                edited.push('\n');
                if yaml
                    && !line.trim_end().ends_with(['|', '>', '-'])
                    && !text.contains(": |")
                    && !text.contains(": >")
                {
                    edited.push('\n');
                }
            }
            repo.write(&name, &edited);
            let run = repo.run(&[
                "check",
                "--format",
                "concise",
                "--baseline",
                "b.json",
                &name,
            ]);
            // Coverage notes are no findings: a baseline does not hold them.
            let findings = run
                .stdout
                .lines()
                .filter(|line| !line.contains("note[not-visible]"));
            assert!(
                !findings.clone().any(|line| line.contains('[')),
                "{}: a baselined finding came back after an unrelated edit:\n{}",
                fixture.display(),
                run.stdout
            );
            assert!(
                !run.stdout.contains("no longer"),
                "{}: {}",
                fixture.display(),
                run.stdout
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} fixtures had findings");
}

#[test]
fn an_unused_suppression_stays_baselined_when_the_line_below_changes() {
    let repo = Repo::new();
    let api = OPEN_API.replace(
        "  /orders:\n    get:\n",
        "  /orders:\n    get:\n      # gatelint: ignore[api-key-only] not an API key route\n      summary: list\n",
    );
    repo.write("api.yaml", &api);
    let run = repo.run(&["check", "--write-baseline", "b.json", "api.yaml"]);
    assert!(run.stdout.contains("3 findings recorded"), "{}", run.stdout);
    assert!(repo.read("b.json").contains("unused-suppression"));
    repo.write(
        "api.yaml",
        &api.replace("      summary: list\n", "\n      summary: all the orders\n"),
    );
    let run = repo.run(&[
        "check",
        "--format",
        "concise",
        "--baseline",
        "b.json",
        "api.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("3 findings not shown (in the baseline)"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_schema_url_in_the_readme_is_the_schemas_id_and_serves_raw_json() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let url = readme
        .split("$schema=")
        .nth(1)
        .and_then(|rest| rest.split(['`', ' ', '\n']).next())
        .unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("docs/gatelint-config.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(schema["$id"], url);
    assert!(
        url.starts_with("https://raw.githubusercontent.com/gatelint/gatelint/main/docs/"),
        "{url}: GitHub serves a `blob/` URL as an HTML page"
    );
}
