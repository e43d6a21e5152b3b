//! A git revision's files, for `routes --diff REV`: listed with `git ls-tree` and read with one
//! `git cat-file --batch`, written into a temporary directory that mirrors the repository, so
//! that the revision goes through the very pipeline the working tree goes through (the same
//! walk, ignore files, `DefinitionUri` loading, front ends) with nothing of it re-implemented.
//! The working tree, the index and the refs are only read: no checkout, no worktree, no lock.
//!
//! Files over `--max-file-size` are not read from git: they are written as sparse files of their
//! size, which the pipeline then skips with its usual note. Symbolic links are recreated (on
//! Unix), after every file, so none can redirect a write; the pipeline refuses those that leave
//! the tree. Submodules are not entered.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

/// A revision's tree, written out.
pub struct RevisionTree {
    dir: TempDir,
    /// The commit the revision names (full id).
    pub commit: String,
    /// The repository's root (the working tree's), resolved.
    toplevel: PathBuf,
    /// Where the paths of the command line are relative to, resolved.
    cwd: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    Spawn(String),
    #[error("`{0}` is not a revision name (it starts with `-` or is empty)")]
    BadName(String),
    #[error(
        "`{rev}` is not a commit of this repository ({message}); in a shallow clone (actions/checkout fetches one commit by default) fetch the base first, or set `fetch-depth: 0`"
    )]
    NotACommit { rev: String, message: String },
    #[error("not inside a git repository: {0}")]
    NoRepository(String),
    #[error("git {command} failed: {message}")]
    Failed { command: String, message: String },
    #[error("{0}: outside the git repository, so it has no version in the revision")]
    Outside(String),
    #[error("cannot write the revision's files: {0}")]
    Write(String),
}

impl RevisionTree {
    /// Where `path` (as given on the command line, relative to the current directory) is in
    /// the written-out revision.
    pub fn locate(&self, path: &Path) -> Result<PathBuf, GitError> {
        let absolute = lexical(&self.cwd.join(path));
        let relative = absolute
            .strip_prefix(&self.toplevel)
            .map_err(|_| GitError::Outside(path.to_string_lossy().into_owned()))?;
        Ok(self.dir.path().join(relative))
    }
}

/// `path` without `.` and with each `..` taking out the component before it.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn git(cwd: &Path) -> Command {
    let mut command = Command::new("git");
    // Read-only commands, and no optional locks either (as `git status` does for editors).
    command
        .current_dir(cwd)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null());
    command
}

/// Run a git command to its end; its standard output.
fn output(mut command: Command, what: &str) -> Result<Vec<u8>, GitError> {
    let out = command
        .output()
        .map_err(|e| GitError::Spawn(e.to_string()))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(GitError::Failed {
            command: what.to_owned(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        })
    }
}

/// Write out revision `rev` of the repository that holds `cwd`.
pub fn read_revision(rev: &str, cwd: &Path, max_file_size: u64) -> Result<RevisionTree, GitError> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(GitError::BadName(rev.to_owned()));
    }
    let mut command = git(cwd);
    command.args(["rev-parse", "--show-toplevel"]);
    let toplevel = match output(command, "rev-parse") {
        Ok(out) => PathBuf::from(String::from_utf8_lossy(&out).trim_end_matches(['\n', '\r'])),
        Err(GitError::Failed { message, .. }) => return Err(GitError::NoRepository(message)),
        Err(other) => return Err(other),
    };
    let toplevel = toplevel.canonicalize().unwrap_or(toplevel);
    let mut command = git(cwd);
    command.args(["rev-parse", "--verify", "--quiet", "--end-of-options"]);
    command.arg(format!("{rev}^{{commit}}"));
    let commit = match output(command, "rev-parse") {
        Ok(out) => String::from_utf8_lossy(&out).trim().to_owned(),
        Err(GitError::Failed { message, .. }) => {
            return Err(GitError::NotACommit {
                rev: rev.to_owned(),
                message: if message.is_empty() {
                    "unknown revision".to_owned()
                } else {
                    message
                },
            });
        }
        Err(other) => return Err(other),
    };
    let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
    let dir = tempfile::Builder::new()
        .prefix("gatelint-revision-")
        .tempdir()
        .map_err(|e| GitError::Write(e.to_string()))?;
    let tree = RevisionTree {
        dir,
        commit,
        toplevel,
        cwd,
    };
    write_tree(&tree, max_file_size)?;
    Ok(tree)
}

/// One entry of `git ls-tree -r -l`.
struct Entry {
    kind: EntryKind,
    oid: String,
    size: u64,
    path: PathBuf,
}

#[derive(PartialEq, Eq)]
enum EntryKind {
    File,
    Symlink,
}

fn write_tree(tree: &RevisionTree, max_file_size: u64) -> Result<(), GitError> {
    let mut command = git(&tree.toplevel);
    command.args(["ls-tree", "-r", "-z", "-l", "--full-tree", &tree.commit]);
    let listing = output(command, "ls-tree")?;
    let entries: Vec<Entry> = listing.split(|&b| b == 0).filter_map(parse_entry).collect();
    let root = tree.dir.path();
    let write_error = |e: std::io::Error| GitError::Write(e.to_string());
    let mut wanted = Vec::new();
    for entry in &entries {
        if entry.kind == EntryKind::File && entry.size > max_file_size {
            // The pipeline refuses it by its size without reading it: no need for its bytes.
            let path = root.join(&entry.path);
            create_parent(&path).map_err(write_error)?;
            fs::File::create(&path)
                .and_then(|file| file.set_len(entry.size))
                .map_err(write_error)?;
        } else {
            wanted.push(entry);
        }
    }
    let mut symlinks = Vec::new();
    read_blobs(&tree.toplevel, &wanted, |entry, bytes| {
        let path = root.join(&entry.path);
        match entry.kind {
            EntryKind::File => {
                create_parent(&path)?;
                fs::write(&path, bytes)
            }
            EntryKind::Symlink => {
                symlinks.push((path, bytes));
                Ok(())
            }
        }
    })?;
    for (path, target) in symlinks {
        create_parent(&path).map_err(write_error)?;
        make_symlink(&target, &path).map_err(write_error)?;
    }
    Ok(())
}

#[cfg(unix)]
fn make_symlink(target: &[u8], path: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(target), path)
}

#[cfg(not(unix))]
fn make_symlink(_target: &[u8], _path: &Path) -> std::io::Result<()> {
    // Not followed by the walk anyway; a DefinitionUri through one is then not found.
    Ok(())
}

fn create_parent(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(parent) => fs::create_dir_all(parent),
        None => Ok(()),
    }
}

/// `<mode> SP <type> SP <object> SP+ <size> TAB <path>`; anything else (a submodule, a path
/// that could leave the directory) is skipped.
fn parse_entry(record: &[u8]) -> Option<Entry> {
    let tab = record.iter().position(|&b| b == b'\t')?;
    let meta = std::str::from_utf8(record.get(..tab)?).ok()?;
    let path = std::str::from_utf8(record.get(tab + 1..)?).ok()?;
    let mut fields = meta.split_whitespace();
    let (mode, kind, oid, size) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    if kind != "blob" {
        return None;
    }
    let kind = match mode {
        "100644" | "100755" => EntryKind::File,
        "120000" => EntryKind::Symlink,
        _ => return None,
    };
    let path = Path::new(path);
    let safe = path.components().all(|c| match c {
        Component::Normal(part) => !part.eq_ignore_ascii_case(".git"),
        _ => false,
    });
    if !safe || path.as_os_str().is_empty() {
        return None;
    }
    Some(Entry {
        kind,
        oid: oid.to_owned(),
        size: size.parse().ok()?,
        path: path.to_path_buf(),
    })
}

/// Read `entries`' blobs with one `git cat-file --batch`, handing each to `take` in order.
fn read_blobs(
    cwd: &Path,
    entries: &[&Entry],
    mut take: impl FnMut(&Entry, Vec<u8>) -> std::io::Result<()>,
) -> Result<(), GitError> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut child = git(cwd)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| GitError::Spawn(e.to_string()))?;
    let failed = |message: String| GitError::Failed {
        command: "cat-file".to_owned(),
        message,
    };
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(failed("no pipe to git".into()));
    };
    let requests: String = entries.iter().map(|e| format!("{}\n", e.oid)).collect();
    // Written from another thread: git answers while it reads, and a full pipe would stall both.
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut reader = BufReader::new(stdout);
    let mut result = Ok(());
    for entry in entries {
        let mut header = String::new();
        if let Err(e) = reader.read_line(&mut header) {
            result = Err(failed(e.to_string()));
            break;
        }
        // `<oid> blob <size>`, or `<oid> missing`.
        let size = header
            .split_whitespace()
            .nth(2)
            .and_then(|size| size.parse::<u64>().ok());
        let Some(size) = size else {
            result = Err(failed(format!("unexpected answer `{}`", header.trim())));
            break;
        };
        let mut bytes = Vec::new();
        let read = (&mut reader)
            .take(size)
            .read_to_end(&mut bytes)
            .and_then(|_| {
                let mut newline = [0u8; 1];
                reader.read_exact(&mut newline)
            });
        if let Err(e) = read {
            result = Err(failed(e.to_string()));
            break;
        }
        if let Err(e) = take(entry, bytes) {
            result = Err(GitError::Write(e.to_string()));
            break;
        }
    }
    drop(reader);
    let _ = writer.join();
    let status = child.wait().map_err(|e| failed(e.to_string()))?;
    if result.is_ok() && !status.success() {
        let mut message = String::new();
        if let Some(mut stderr) = child.stderr.take() {
            let _ = stderr.read_to_string(&mut message);
        }
        result = Err(failed(message.trim().to_owned()));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_that_could_leave_the_tree_are_skipped() {
        let entry = |path: &str| {
            let record = format!("100644 blob 0123abcd     12\t{path}");
            parse_entry(record.as_bytes()).map(|e| e.path)
        };
        assert_eq!(entry("a/b.yaml"), Some(PathBuf::from("a/b.yaml")));
        assert_eq!(entry("../b.yaml"), None);
        assert_eq!(entry("/etc/passwd"), None);
        assert_eq!(entry("a/.git/config"), None);
        assert_eq!(entry(""), None);
        let submodule = b"160000 commit 0123abcd       -\tvendor/lib";
        assert!(parse_entry(submodule).is_none());
    }

    #[test]
    fn lexical_paths_resolve_dot_dot() {
        assert_eq!(lexical(Path::new("/r/a/../b/./c")), PathBuf::from("/r/b/c"));
    }
}
