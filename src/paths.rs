//! Paths as findings display them, made relative to another directory (a baseline's, a
//! configuration's) without touching the file system.

use std::path::{Component, Path, PathBuf};

/// Turns display paths (relative to the working directory, or absolute) into paths relative to
/// one base directory, `/`-separated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelativeTo {
    cwd: PathBuf,
    base: PathBuf,
}

impl RelativeTo {
    /// Paths relative to the directory `base` (relative to `cwd`, or absolute), for a run in
    /// `cwd`.
    pub fn dir(cwd: &Path, base: &Path) -> Self {
        RelativeTo {
            cwd: cwd.to_path_buf(),
            base: lexical(&cwd.join(base)),
        }
    }

    /// Paths relative to the directory that holds `file`.
    pub fn file(cwd: &Path, file: &Path) -> Self {
        let file = lexical(&cwd.join(file));
        let base = file
            .parent()
            .map_or_else(|| file.clone(), Path::to_path_buf);
        RelativeTo {
            cwd: cwd.to_path_buf(),
            base,
        }
    }

    /// The base directory, absolute when `cwd` was.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// `display` (a path as findings show it) relative to the base directory, with `/`; a name
    /// in angle brackets (`<stdin>`) is kept as it is.
    pub fn relative(&self, display: &str) -> String {
        if display.starts_with('<') {
            return display.to_owned();
        }
        relative_path(&self.base, &lexical(&self.cwd.join(display)))
    }

    /// Whether `display` lies inside the base directory.
    pub fn contains(&self, display: &str) -> bool {
        !display.starts_with('<') && lexical(&self.cwd.join(display)).starts_with(&self.base)
    }
}

/// `target` relative to the directory `base` (both lexical, both absolute or both relative).
pub fn relative_path(base: &Path, target: &Path) -> String {
    let target: Vec<Component<'_>> = target.components().collect();
    let base: Vec<Component<'_>> = base.components().collect();
    let common = target.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = base.iter().skip(common).map(|_| "..".to_owned()).collect();
    parts.extend(
        target
            .iter()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        return ".".to_owned();
    }
    parts.join("/")
}

/// `path` with `.` dropped and `..` applied without touching the file system.
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_base() {
        let paths = RelativeTo::file(Path::new("/repo"), Path::new("baseline.json"));
        assert_eq!(paths.relative("api/openapi.yaml"), "api/openapi.yaml");
        assert_eq!(paths.relative("./api/../api/x.yaml"), "api/x.yaml");
        let nested = RelativeTo::file(Path::new("/repo"), Path::new("ci/baseline.json"));
        assert_eq!(nested.relative("api/openapi.yaml"), "../api/openapi.yaml");
        let from_sub = RelativeTo::file(Path::new("/repo/api"), Path::new("../baseline.json"));
        assert_eq!(from_sub.relative("openapi.yaml"), "api/openapi.yaml");
        assert_eq!(paths.relative("<stdin>"), "<stdin>");
        let dir = RelativeTo::dir(Path::new("/repo/sub"), Path::new(".."));
        assert_eq!(dir.relative("a.yaml"), "sub/a.yaml");
        assert!(dir.contains("a.yaml"));
        assert!(!RelativeTo::dir(Path::new("/repo"), Path::new("sub")).contains("a.yaml"));
        assert_eq!(dir.relative(".."), ".");
    }
}
