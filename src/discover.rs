//! Which files to read: explicit paths, directories walked with `ignore`, include and exclude
//! globs, and `-` for standard input.
//!
//! Decisions, following ruff (whose `--force-exclude` is the model here):
//! - **An explicitly named file is always taken**, whatever its extension and even when a
//!   `.gitignore`, `.ignore` or `.gatelintignore` would skip it. Exclude globs skip it only with
//!   [`DiscoverOptions::force_exclude`] (for pre-commit hooks and editors, which pass every
//!   changed file by name); that flag also applies the excludes to the stdin filename.
//! - **An explicitly named directory is walked**: `.gitignore` (also outside a git checkout),
//!   `.git/info/exclude`, `.ignore` and `.gatelintignore` are honoured, hidden entries are
//!   skipped (so is `.gatelint.yaml`, which is configuration, not input), symlinks are not
//!   followed (a link could leave the tree or visit a file twice), and the user's global git
//!   excludes file is not read, so the result depends on the repository, not on the machine.
//!   A walked file is taken when its extension is one of [`DEFAULT_EXTENSIONS`] (any case), or,
//!   when include globs are given, when it matches one of them instead (ruff's `include`).
//!   Exclude globs always apply to what a walk finds, and a directory they match is not entered.
//! - Globs use globset syntax (`*` also crosses `/`, so `*.json` matches at any depth) and are
//!   matched against both the path relative to the walk root and the display path.
//! - Files over the size limit are still listed; [`read_input`] refuses them without reading
//!   them, so the limit is enforced in one place, also for stdin and for files that grow.
//!
//! The result is sorted by display path and de-duplicated; a file named explicitly and also found
//! by a walk is kept once, as explicit. Duplicates are recognised by their path as normalised
//! here (no `.` components), not by resolving links.

use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

pub mod git;

/// The display path of standard input when no `--stdin-filename` is given.
pub const STDIN_DISPLAY: &str = "<stdin>";

/// Files larger than this (64 MiB) are not read unless configured otherwise. A 64 MiB API
/// definition takes about 4 times its size to lint; a degenerate document of the same size
/// is refused by its node budget (`syntax::node_budget`) before it takes more than about 5.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Extensions a directory walk takes by default, compared case-insensitively.
pub const DEFAULT_EXTENSIONS: [&str; 6] = ["yaml", "yml", "json", "template", "tf", "tfvars"];

/// The gatelint-specific ignore file, read like `.gitignore` in every walked directory.
pub const IGNORE_FILENAME: &str = ".gatelintignore";

/// Where an input's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputSource {
    File(PathBuf),
    Stdin,
}

/// One file (or stdin) to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub source: InputSource,
    /// The path shown to the user: as given, `/`-separated, without `./`.
    pub display: String,
    /// Named on the command line (or stdin), rather than found by a walk.
    pub explicit: bool,
    /// The file's size when discovery already knew it; `None` for stdin.
    pub len: Option<u64>,
}

/// A compiled list of globs, empty by default.
#[derive(Debug, Clone)]
pub struct Globs {
    set: GlobSet,
}

impl Default for Globs {
    fn default() -> Self {
        Globs {
            set: GlobSet::empty(),
        }
    }
}

impl Globs {
    /// Compiles `patterns`; the error names the first bad pattern and its index, so the config
    /// loader can point at it.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, GlobError> {
        let mut builder = GlobSetBuilder::new();
        for (index, pattern) in patterns.iter().enumerate() {
            let pattern = pattern.as_ref();
            let glob = GlobBuilder::new(pattern)
                .backslash_escape(true)
                .build()
                .map_err(|err| GlobError {
                    index,
                    pattern: pattern.to_owned(),
                    message: err.kind().to_string(),
                })?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|err| GlobError {
            index: 0,
            pattern: err.glob().unwrap_or_default().to_owned(),
            message: err.kind().to_string(),
        })?;
        Ok(Globs { set })
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Whether any glob matches any of `paths` (`/`-separated).
    pub fn matches_any(&self, paths: &[&str]) -> bool {
        !self.set.is_empty() && paths.iter().any(|path| self.set.is_match(path))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid glob `{pattern}`: {message}")]
pub struct GlobError {
    /// The position of the bad pattern in the list given to [`Globs::new`].
    pub index: usize,
    pub pattern: String,
    pub message: String,
}

/// How to turn command-line paths into inputs.
#[derive(Debug, Clone, Default)]
pub struct DiscoverOptions {
    /// The display path for stdin content; [`STDIN_DISPLAY`] when `None`.
    pub stdin_filename: Option<String>,
    /// When non-empty, replaces [`DEFAULT_EXTENSIONS`] as the test for walked files.
    pub include: Globs,
    /// Skips walked files and directories; explicit files too with `force_exclude`.
    pub exclude: Globs,
    /// Apply `exclude` to explicitly named files and the stdin filename as well.
    pub force_exclude: bool,
    /// What the configuration of each directory includes and excludes, besides `include` and
    /// `exclude`.
    pub selection: Option<Arc<dyn PathSelection>>,
}

/// Include and exclude decisions that depend on where a path is (the configuration that
/// applies there). Paths are display paths: relative to the working directory, or absolute.
pub trait PathSelection: Send + Sync + std::fmt::Debug {
    /// Whether `display` is excluded; `dir` when it is a directory the walk would enter.
    fn excludes(&self, display: &str, dir: bool) -> bool;
    /// Whether a walked file is taken, or `None` to test its extension.
    fn includes(&self, display: &str) -> Option<bool>;
}

impl DiscoverOptions {
    /// Whether an explicitly named file (or the stdin filename) is skipped.
    fn force_excludes(&self, display: &str) -> bool {
        self.force_exclude
            && (self.exclude.matches_any(&[display])
                || self
                    .selection
                    .as_ref()
                    .is_some_and(|s| s.excludes(display, false)))
    }
}

/// A path that could not be turned into inputs. Each one should make the run exit with 2; the
/// other inputs are still linted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, thiserror::Error)]
pub enum DiscoveryError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    /// The path exists but could not be inspected or walked (permission denied, a bad ignore
    /// file, ...).
    #[error("{path}: {message}")]
    Walk { path: String, message: String },
    /// A directory under which no file is a candidate: likely a mistyped path, which must not
    /// pass CI as a clean run.
    #[error(
        "{path}: no candidate file in this directory (none ends in .yaml, .yml, .json, \
         .template, .tf or .tfvars or matches the configuration's `include`, or all are ignored \
         or excluded)"
    )]
    NoCandidates { path: String },
}

impl DiscoveryError {
    /// The display path the problem is about.
    pub fn path(&self) -> &str {
        match self {
            DiscoveryError::NotFound { path }
            | DiscoveryError::Walk { path, .. }
            | DiscoveryError::NoCandidates { path } => path,
        }
    }
}

/// What [`discover`] found: inputs sorted by display path, and the problems met on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    pub problems: Vec<DiscoveryError>,
}

/// Resolves command-line `paths` (files, directories, `-` for stdin) into the inputs to lint.
/// An empty `paths` yields nothing; defaulting to `.` is the caller's choice.
pub fn discover<P: AsRef<Path>>(paths: &[P], options: &DiscoverOptions) -> Discovery {
    discover_each(paths.iter().map(|path| (path.as_ref(), None)), options)
}

/// [`discover`] for files kept somewhere else than where they are shown: each pair is the path
/// to read and the path to show it (and what a walk finds under it) as. `routes --diff` reads a
/// git revision's files from a temporary directory and shows them under their paths in the
/// working tree, so that the two inventories compare and globs match alike.
pub fn discover_relocated(paths: &[(PathBuf, PathBuf)], options: &DiscoverOptions) -> Discovery {
    discover_each(
        paths
            .iter()
            .map(|(read, shown)| (read.as_path(), Some(shown.as_path()))),
        options,
    )
}

fn discover_each<'a>(
    paths: impl Iterator<Item = (&'a Path, Option<&'a Path>)>,
    options: &DiscoverOptions,
) -> Discovery {
    let mut found = Discovery::default();
    for (path, shown) in paths {
        if shown.is_none() && path.as_os_str() == "-" {
            add_stdin(options, &mut found);
            continue;
        }
        let (normal, display) = normalize(path);
        let (display, walk_display) = match shown {
            Some(shown) => {
                let display = normalize(shown).1;
                (display.clone(), Some(display))
            }
            None => (display, None),
        };
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = found.inputs.len();
                let problems = found.problems.len();
                walk(&normal, walk_display.as_deref(), options, &mut found);
                if found.inputs.len() == before && found.problems.len() == problems {
                    found
                        .problems
                        .push(DiscoveryError::NoCandidates { path: display });
                }
            }
            Ok(meta) => {
                if !options.force_excludes(&display) {
                    found.inputs.push(Input {
                        source: InputSource::File(normal),
                        display,
                        explicit: true,
                        len: Some(meta.len()),
                    });
                }
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                found
                    .problems
                    .push(DiscoveryError::NotFound { path: display });
            }
            Err(err) => found.problems.push(DiscoveryError::Walk {
                path: display,
                message: err.to_string(),
            }),
        }
    }
    // Explicit sorts before walked for the same file, so de-duplication keeps the explicit one.
    found.inputs.sort_by(|a, b| {
        (&a.display, &a.source, !a.explicit).cmp(&(&b.display, &b.source, !b.explicit))
    });
    found
        .inputs
        .dedup_by(|later, earlier| later.source == earlier.source);
    found.problems.sort();
    found.problems.dedup();
    found
}

fn add_stdin(options: &DiscoverOptions, found: &mut Discovery) {
    let display = match &options.stdin_filename {
        Some(name) => normalize(Path::new(name)).1,
        None => STDIN_DISPLAY.to_owned(),
    };
    if options.force_excludes(&display) {
        return;
    }
    found.inputs.push(Input {
        source: InputSource::Stdin,
        display,
        explicit: true,
        len: None,
    });
}

/// Walks one directory named on the command line; `root` is already normalised. What it finds is
/// displayed under `shown_root` when given, else under its own path.
fn walk(root: &Path, shown_root: Option<&str>, options: &DiscoverOptions, found: &mut Discovery) {
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(true)
        .parents(true)
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .add_custom_ignore_filename(IGNORE_FILENAME);
    if !options.exclude.is_empty() || options.selection.is_some() {
        let exclude = options.exclude.clone();
        let selection = options.selection.clone();
        let filter_root = root.to_path_buf();
        let filter_shown = shown_root.map(str::to_owned);
        builder.filter_entry(move |entry| {
            // The root itself was named on the command line.
            if entry.depth() == 0 {
                return true;
            }
            let (relative, display) =
                walked_paths(&filter_root, filter_shown.as_deref(), entry.path());
            let dir = entry.file_type().is_some_and(|t| t.is_dir());
            if selection
                .as_ref()
                .is_some_and(|s| s.excludes(&display, dir))
            {
                return false;
            }
            if dir {
                // `**/cdk.out/**` matches `cdk.out/` but not `cdk.out`: test both to prune.
                let (relative_dir, display_dir) = (format!("{relative}/"), format!("{display}/"));
                !exclude.matches_any(&[&relative, &display, &relative_dir, &display_dir])
            } else {
                !exclude.matches_any(&[&relative, &display])
            }
        });
    }

    for entry in builder.build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                found.problems.push(walk_error(root, &err));
                continue;
            }
        };
        // Symlinks are not followed, so a link shows up here as a link, never as a file.
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let (relative, display) = walked_paths(root, shown_root, entry.path());
        let by_selection = options
            .selection
            .as_ref()
            .and_then(|s| s.includes(&display));
        let wanted = if !options.include.is_empty() {
            options.include.matches_any(&[&relative, &display])
        } else if let Some(wanted) = by_selection {
            wanted
        } else {
            has_default_extension(entry.path())
        };
        if wanted {
            found.inputs.push(Input {
                source: InputSource::File(normalize(entry.path()).0),
                display,
                explicit: false,
                len: entry.metadata().ok().map(|meta| meta.len()),
            });
        }
    }
}

/// A walked path as the globs see it: relative to the walk root, and as displayed (under
/// `shown_root` instead of `root` when given).
fn walked_paths(root: &Path, shown_root: Option<&str>, path: &Path) -> (String, String) {
    let relative = path.strip_prefix(root).ok().map(|r| normalize(r).1);
    let display = match (shown_root, &relative) {
        (Some("."), Some(relative)) => relative.clone(),
        (Some(shown), Some(relative)) if relative != "." => {
            format!("{}/{relative}", shown.trim_end_matches('/'))
        }
        (Some(shown), Some(_)) => shown.to_owned(),
        _ => normalize(path).1,
    };
    let relative = relative.unwrap_or_else(|| display.clone());
    (relative, display)
}

fn has_default_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| {
            DEFAULT_EXTENSIONS
                .iter()
                .any(|default| ext.eq_ignore_ascii_case(default))
        })
}

/// Whether `path` is shown as `display`.
pub fn same_display(path: &Path, display: &str) -> bool {
    normalize(path).1 == display
}

/// Drops `.` components and renders the display form: `/` separators, no leading `./`, `.` for
/// the current directory. `..` is kept: without touching the file system it cannot be resolved.
fn normalize(path: &Path) -> (PathBuf, String) {
    let mut normal = PathBuf::new();
    let mut display = String::new();
    for component in path.components() {
        match component {
            Component::CurDir => continue,
            Component::Prefix(prefix) => display.push_str(&prefix.as_os_str().to_string_lossy()),
            Component::RootDir => display.push('/'),
            Component::ParentDir | Component::Normal(_) => {
                if !display.is_empty() && !display.ends_with('/') {
                    display.push('/');
                }
                display.push_str(&component.as_os_str().to_string_lossy());
            }
        }
        normal.push(component);
    }
    if display.is_empty() {
        display.push('.');
        normal.push(".");
    }
    (normal, display)
}

/// Turns a walk error into a problem about the path it names (else the walk root), with
/// ignore's own path prefix taken out of the message so the path is not shown twice.
fn walk_error(root: &Path, err: &ignore::Error) -> DiscoveryError {
    let (path, message) = split_walk_error(err);
    let path = path.unwrap_or(root);
    DiscoveryError::Walk {
        path: normalize(path).1,
        message,
    }
}

fn split_walk_error(err: &ignore::Error) -> (Option<&Path>, String) {
    match err {
        ignore::Error::WithPath { path, err } => {
            let (inner, message) = split_walk_error(err);
            (Some(inner.unwrap_or(path)), message)
        }
        ignore::Error::WithDepth { err, .. } => split_walk_error(err),
        ignore::Error::WithLineNumber { line, err } => {
            let (path, message) = split_walk_error(err);
            (path, format!("line {line}: {message}"))
        }
        ignore::Error::Partial(errs) => {
            let parts: Vec<_> = errs.iter().map(split_walk_error).collect();
            let path = parts.iter().find_map(|(path, _)| *path);
            let messages: Vec<_> = parts.into_iter().map(|(_, message)| message).collect();
            (path, messages.join("; "))
        }
        other => (None, other.to_string()),
    }
}

/// Reading an input failed; the message names the display path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: larger than the {limit}-byte limit ({})", describe_len(*.len))]
    TooLarge {
        path: String,
        /// The size, when known before reading (not for stdin or a growing file).
        len: Option<u64>,
        limit: u64,
    },
    #[error("{path}: cannot read: {message}")]
    Io {
        path: String,
        kind: io::ErrorKind,
        message: String,
    },
}

impl ReadError {
    fn io(path: &str, err: &io::Error) -> Self {
        ReadError::Io {
            path: path.to_owned(),
            kind: err.kind(),
            message: err.to_string(),
        }
    }
}

fn describe_len(len: Option<u64>) -> String {
    match len {
        Some(len) => format!("{len} bytes"),
        None => "size unknown".to_owned(),
    }
}

/// Reads an input's bytes, refusing anything over `max_file_size` bytes: a file is checked by
/// its metadata before reading, and every read is capped, so neither a growing file nor stdin
/// can make it hold more than `max_file_size + 1` bytes. Inputs are only ever opened for reading.
pub fn read_input(input: &Input, max_file_size: u64) -> Result<Vec<u8>, ReadError> {
    let path = input.display.as_str();
    let io_error = |err| ReadError::io(path, &err);
    match &input.source {
        InputSource::Stdin => read_capped(io::stdin().lock(), 0, path, max_file_size),
        InputSource::File(file_path) => {
            let file = fs::File::open(file_path).map_err(io_error)?;
            let len = file.metadata().map_err(io_error)?.len();
            if len > max_file_size {
                return Err(ReadError::TooLarge {
                    path: path.to_owned(),
                    len: Some(len),
                    limit: max_file_size,
                });
            }
            read_capped(file, len, path, max_file_size)
        }
    }
}

/// The first `n` bytes of a file input (to tell what a file too large to read is); `None` for
/// standard input, which cannot be read twice, and for a file that cannot be read.
pub fn read_head(input: &Input, n: u64) -> Option<Vec<u8>> {
    let InputSource::File(path) = &input.source else {
        return None;
    };
    let mut head = Vec::new();
    fs::File::open(path)
        .ok()?
        .take(n)
        .read_to_end(&mut head)
        .ok()?;
    Some(head)
}

/// Reads at most `limit + 1` bytes; reaching the extra byte means the input is too large.
fn read_capped(
    reader: impl Read,
    expected_len: u64,
    path: &str,
    limit: u64,
) -> Result<Vec<u8>, ReadError> {
    let capacity = usize::try_from(expected_len.min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|err| ReadError::io(path, &err))?;
    if u64::try_from(bytes.len()).map_or(true, |read| read > limit) {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            len: None,
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn normalize_drops_dot_components_and_uses_slashes() {
        assert_eq!(normalize(Path::new("./a/./b.yaml")).1, "a/b.yaml");
        assert_eq!(normalize(Path::new("infra/")).1, "infra");
        assert_eq!(normalize(Path::new(".")).1, ".");
        assert_eq!(normalize(Path::new("./")).0, PathBuf::from("."));
        assert_eq!(normalize(Path::new("../x/a.yaml")).1, "../x/a.yaml");
        assert_eq!(normalize(Path::new("/abs/a.yaml")).1, "/abs/a.yaml");
        assert_eq!(
            normalize(Path::new("./a/b.yaml")).0,
            PathBuf::from("a/b.yaml")
        );
    }

    #[test]
    fn default_extensions_ignore_case() {
        assert!(has_default_extension(Path::new("a/T.YAML")));
        assert!(has_default_extension(Path::new("stack.Template")));
        assert!(!has_default_extension(Path::new("notes.txt")));
        assert!(!has_default_extension(Path::new("yaml")));
    }

    #[test]
    fn read_capped_refuses_one_byte_over_the_limit() {
        let ok = read_capped(&b"12345"[..], 0, "<stdin>", 5).unwrap();
        assert_eq!(ok, b"12345");
        let err = read_capped(&b"123456"[..], 0, "<stdin>", 5).unwrap_err();
        assert_eq!(
            err,
            ReadError::TooLarge {
                path: "<stdin>".into(),
                len: None,
                limit: 5
            }
        );
        assert_eq!(
            err.to_string(),
            "<stdin>: larger than the 5-byte limit (size unknown)"
        );
    }

    #[test]
    fn read_capped_stops_reading_an_endless_stream() {
        // `repeat` never ends: only the cap makes this return.
        let err = read_capped(io::repeat(b'x'), 0, "<stdin>", 1024).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { limit: 1024, .. }));
    }

    #[test]
    fn walk_error_takes_the_inner_path_and_does_not_repeat_it() {
        let err = ignore::Error::WithDepth {
            depth: 2,
            err: Box::new(ignore::Error::WithPath {
                path: PathBuf::from("./infra/secret"),
                err: Box::new(ignore::Error::Io(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "Permission denied (os error 13)",
                ))),
            }),
        };
        assert_eq!(
            walk_error(Path::new("infra"), &err),
            DiscoveryError::Walk {
                path: "infra/secret".into(),
                message: "Permission denied (os error 13)".into(),
            }
        );
    }

    #[test]
    fn walk_error_without_a_path_names_the_root() {
        let err = ignore::Error::Partial(vec![ignore::Error::WithLineNumber {
            line: 3,
            err: Box::new(ignore::Error::Glob {
                glob: Some("[".into()),
                err: "unclosed character class".into(),
            }),
        }]);
        let problem = walk_error(Path::new("./infra"), &err);
        assert_eq!(problem.path(), "infra");
        assert!(
            problem.to_string().starts_with("infra: line 3: "),
            "{problem}"
        );
    }
}
