//! File discovery: which paths a run reads, in which order, and what it reports about the rest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fs;
use std::path::{Path, PathBuf};

use gatelint::discover::{
    DEFAULT_MAX_FILE_SIZE, DiscoverOptions, Discovery, DiscoveryError, Globs, Input, InputSource,
    ReadError, STDIN_DISPLAY, discover, read_input,
};
use tempfile::TempDir;

/// Creates a directory holding `files` (each with a little YAML); `(path, text)` pairs for
/// files whose content matters.
fn tree(files: &[&str]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in files {
        write(dir.path(), file, "openapi: 3.0.0\n");
    }
    dir
}

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// The display paths found under `root`, with the root's own prefix taken off.
fn found_under(root: &Path, discovery: &Discovery) -> Vec<String> {
    let prefix = format!("{}/", root.display());
    discovery
        .inputs
        .iter()
        .map(|input| {
            input
                .display
                .strip_prefix(&prefix)
                .unwrap_or(&input.display)
                .to_owned()
        })
        .collect()
}

fn walk(root: &Path, options: &DiscoverOptions) -> Vec<String> {
    let discovery = discover(&[root], options);
    assert_eq!(discovery.problems, vec![], "unexpected problems");
    found_under(root, &discovery)
}

#[test]
fn a_walk_takes_yaml_json_and_template_files_in_any_case_and_skips_the_rest() {
    let dir = tree(&[
        "api.yaml",
        "nested/deeper/stack.YML",
        "nested/openapi.json",
        "nested/cfn.template",
        "Upper.YAML",
        "README.md",
        "notes.txt",
        "nested/script.py",
        "yaml",
    ]);
    assert_eq!(
        walk(dir.path(), &DiscoverOptions::default()),
        [
            "Upper.YAML",
            "api.yaml",
            "nested/cfn.template",
            "nested/deeper/stack.YML",
            "nested/openapi.json",
        ]
    );
}

#[test]
fn gitignore_is_honoured_without_a_git_repository() {
    let dir = tree(&[
        "kept.yaml",
        "generated/out.yaml",
        "build.yaml",
        "sub/build.yaml",
    ]);
    write(dir.path(), ".gitignore", "generated/\n/build.yaml\n");
    assert!(!dir.path().join(".git").exists());
    assert_eq!(
        walk(dir.path(), &DiscoverOptions::default()),
        ["kept.yaml", "sub/build.yaml"]
    );
}

#[test]
fn gatelintignore_and_dot_ignore_are_honoured_in_nested_directories() {
    let dir = tree(&[
        "top.yaml",
        "infra/keep.yaml",
        "infra/fixtures/bad.yaml",
        "infra/vendor/lib.json",
    ]);
    write(dir.path(), "infra/.gatelintignore", "fixtures/\n");
    write(dir.path(), ".ignore", "vendor\n");
    assert_eq!(
        walk(dir.path(), &DiscoverOptions::default()),
        ["infra/keep.yaml", "top.yaml"]
    );
}

#[test]
fn hidden_files_and_directories_are_skipped_including_the_config_file() {
    let dir = tree(&[
        "template.yaml",
        ".gatelint.yaml",
        ".aws-sam/build/template.yaml",
    ]);
    assert_eq!(
        walk(dir.path(), &DiscoverOptions::default()),
        ["template.yaml"]
    );
}

#[test]
fn explicit_files_are_taken_whatever_their_extension_or_ignore_files_say() {
    let dir = tree(&["notes.txt", "ignored.yaml", "walked.yaml"]);
    write(dir.path(), ".gitignore", "ignored.yaml\n");
    let notes = dir.path().join("notes.txt");
    let ignored = dir.path().join("ignored.yaml");

    let discovery = discover(&[&notes, &ignored], &DiscoverOptions::default());
    assert_eq!(discovery.problems, vec![]);
    assert_eq!(
        found_under(dir.path(), &discovery),
        ["ignored.yaml", "notes.txt"]
    );
    assert!(discovery.inputs.iter().all(|input| input.explicit));
    assert_eq!(discovery.inputs[1].source, InputSource::File(notes));
    assert_eq!(discovery.inputs[1].len, Some(15));

    let walked = discover(&[dir.path()], &DiscoverOptions::default());
    assert_eq!(found_under(dir.path(), &walked), ["walked.yaml"]);
    assert!(!walked.inputs[0].explicit);
}

#[test]
fn a_missing_path_is_a_problem_and_the_other_paths_are_still_found() {
    let dir = tree(&["api.yaml"]);
    let missing = dir.path().join("nope.yaml");
    let discovery = discover(
        &[missing.as_path(), dir.path()],
        &DiscoverOptions::default(),
    );
    assert_eq!(found_under(dir.path(), &discovery), ["api.yaml"]);
    assert_eq!(
        discovery.problems,
        vec![DiscoveryError::NotFound {
            path: format!("{}/nope.yaml", dir.path().display()),
        }]
    );
    assert_eq!(
        discovery.problems[0].to_string(),
        format!(
            "{}/nope.yaml: no such file or directory",
            dir.path().display()
        )
    );
}

#[test]
fn exclude_globs_prune_directories_and_files_matched_relative_to_the_root() {
    let dir = tree(&[
        "app.yaml",
        "cdk.out/Stack.template.json",
        "packages/web/cdk.out/asset.json",
        "packages/web/api.yaml",
        "packages/web/api.generated.yaml",
    ]);
    let options = DiscoverOptions {
        exclude: Globs::new(&["**/cdk.out/**", "*.generated.yaml"]).unwrap(),
        ..DiscoverOptions::default()
    };
    assert_eq!(
        walk(dir.path(), &options),
        ["app.yaml", "packages/web/api.yaml"]
    );
}

#[test]
fn an_exclude_glob_naming_a_directory_skips_everything_inside_it() {
    let dir = tree(&[
        "api.yaml",
        "node_modules/pkg/template.yaml",
        "a/node_modules/b.json",
    ]);
    let options = DiscoverOptions {
        exclude: Globs::new(&["**/node_modules"]).unwrap(),
        ..DiscoverOptions::default()
    };
    assert_eq!(walk(dir.path(), &options), ["api.yaml"]);
}

#[test]
fn exclude_globs_also_match_the_display_path() {
    let dir = tree(&["infra/api.yaml", "infra/old/api.yaml", "infra/legacy.yaml"]);
    let root = dir.path().join("infra");
    // Relative to the walk root these are `old/api.yaml` and `legacy.yaml`; only their display
    // paths contain `infra/`.
    let options = DiscoverOptions {
        exclude: Globs::new(&["**/infra/old/**", "**/infra/legacy.yaml"]).unwrap(),
        ..DiscoverOptions::default()
    };
    assert_eq!(walk(&root, &options), ["api.yaml"]);
}

#[test]
fn include_globs_replace_the_default_extensions() {
    let dir = tree(&["api.yaml", "stacks/a.cfn", "stacks/b.yaml", "notes.txt"]);
    let options = DiscoverOptions {
        include: Globs::new(&["stacks/**"]).unwrap(),
        ..DiscoverOptions::default()
    };
    assert_eq!(
        walk(dir.path(), &options),
        ["stacks/a.cfn", "stacks/b.yaml"]
    );
}

#[test]
fn exclude_globs_skip_explicit_files_only_with_force_exclude() {
    let dir = tree(&["cdk.out/a.json"]);
    let file = dir.path().join("cdk.out/a.json");
    let exclude = Globs::new(&["**/cdk.out/**"]).unwrap();

    let lenient = DiscoverOptions {
        exclude: exclude.clone(),
        ..DiscoverOptions::default()
    };
    assert_eq!(discover(&[&file], &lenient).inputs.len(), 1);

    let forced = DiscoverOptions {
        exclude,
        force_exclude: true,
        ..DiscoverOptions::default()
    };
    assert_eq!(discover(&[&file], &forced).inputs, vec![]);
}

#[test]
fn a_bad_glob_names_the_pattern_and_its_position() {
    let err = Globs::new(&["**/ok/**", "a[b"]).unwrap_err();
    assert_eq!(err.index, 1);
    assert_eq!(err.pattern, "a[b");
    assert!(err.to_string().starts_with("invalid glob `a[b`: "), "{err}");
}

#[test]
fn results_are_sorted_deduplicated_and_explicit_wins() {
    let dir = tree(&["z.yaml", "b/a.yaml", "a.yaml", "m/n/o.json", "b.yaml"]);
    let inner = dir.path().join("b/a.yaml");
    // The directory twice, and a file inside it by name, given before the directory.
    let paths: Vec<PathBuf> = vec![inner.clone(), dir.path().into(), dir.path().join(".")];
    let first = discover(&paths, &DiscoverOptions::default());
    let second = discover(&paths, &DiscoverOptions::default());
    assert_eq!(first, second);
    assert_eq!(
        found_under(dir.path(), &first),
        ["a.yaml", "b.yaml", "b/a.yaml", "m/n/o.json", "z.yaml"]
    );
    let explicit: Vec<bool> = first.inputs.iter().map(|input| input.explicit).collect();
    assert_eq!(explicit, [false, false, true, false, false]);
}

#[test]
fn display_paths_keep_the_users_relative_form_without_dot_slash() {
    // Integration tests run in the package root; make the tree relative to it.
    let cwd = std::env::current_dir().unwrap();
    // Inside the package root whatever CARGO_TARGET_DIR is; hidden, so no other walk sees it.
    let dir = tempfile::Builder::new()
        .prefix(".discover-test-")
        .tempdir_in(env!("CARGO_MANIFEST_DIR"))
        .unwrap();
    write(dir.path(), "sub/api.yaml", "openapi: 3.0.0\n");
    let relative = dir.path().strip_prefix(&cwd).unwrap();
    let dotted = Path::new(".").join(relative).join(".");

    let discovery = discover(&[&dotted], &DiscoverOptions::default());
    assert_eq!(discovery.problems, vec![]);
    let expected = format!("{}/sub/api.yaml", relative.to_str().unwrap());
    assert_eq!(discovery.inputs[0].display, expected);
    assert!(!discovery.inputs[0].display.starts_with("./"));
    assert_eq!(
        discovery.inputs[0].source,
        InputSource::File(PathBuf::from(&expected))
    );
}

#[test]
fn a_dash_is_stdin_under_the_stdin_filename() {
    let named = DiscoverOptions {
        stdin_filename: Some("./infra/template.yaml".into()),
        ..DiscoverOptions::default()
    };
    assert_eq!(
        discover(&["-", "-"], &named).inputs,
        vec![Input {
            source: InputSource::Stdin,
            display: "infra/template.yaml".into(),
            explicit: true,
            len: None,
        }]
    );
    let unnamed = discover(&["-"], &DiscoverOptions::default());
    assert_eq!(unnamed.inputs[0].display, STDIN_DISPLAY);
    assert_eq!(unnamed.inputs[0].source, InputSource::Stdin);
}

#[test]
fn force_exclude_applies_to_the_stdin_filename() {
    let options = DiscoverOptions {
        stdin_filename: Some("cdk.out/Stack.template.json".into()),
        exclude: Globs::new(&["**/cdk.out/**"]).unwrap(),
        force_exclude: true,
        ..DiscoverOptions::default()
    };
    assert_eq!(discover(&["-"], &options).inputs, vec![]);
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_out_of_the_tree() {
    let outside = tree(&["secret/creds.yaml", "other.yaml"]);
    let dir = tree(&["api.yaml"]);
    std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("linked")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("other.yaml"),
        dir.path().join("other.yaml"),
    )
    .unwrap();
    assert_eq!(walk(dir.path(), &DiscoverOptions::default()), ["api.yaml"]);
}

#[test]
fn read_input_returns_the_bytes_of_a_file_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "api.yaml", "openapi: 3\n");
    let input = &discover(&[dir.path()], &DiscoverOptions::default()).inputs[0];
    assert_eq!(read_input(input, 11).unwrap(), b"openapi: 3\n");
    assert_eq!(
        read_input(input, DEFAULT_MAX_FILE_SIZE).unwrap(),
        b"openapi: 3\n"
    );
}

#[test]
fn read_input_refuses_a_file_over_the_limit_by_its_size() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "big.json", "[1, 2, 3, 4]");
    let input = &discover(&[dir.path()], &DiscoverOptions::default()).inputs[0];
    let err = read_input(input, 11).unwrap_err();
    assert_eq!(
        err,
        ReadError::TooLarge {
            path: input.display.clone(),
            len: Some(12),
            limit: 11,
        }
    );
    assert!(
        err.to_string()
            .ends_with("big.json: larger than the 11-byte limit (12 bytes)"),
        "{err}"
    );
}

#[test]
fn read_input_reports_a_file_that_vanished_after_discovery() {
    let dir = tree(&["gone.yaml"]);
    let input = discover(&[dir.path()], &DiscoverOptions::default()).inputs[0].clone();
    fs::remove_file(dir.path().join("gone.yaml")).unwrap();
    let err = read_input(&input, DEFAULT_MAX_FILE_SIZE).unwrap_err();
    assert!(
        matches!(&err, ReadError::Io { kind: std::io::ErrorKind::NotFound, path, .. } if *path == input.display),
        "{err:?}"
    );
}
