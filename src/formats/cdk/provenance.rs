//! Findings on a synthesized template, told at the construct and the line that created it.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::assembly::{Assembly, AssemblyFiles};
use super::source_map;
use super::trace::{self, Frame};
use crate::collections::HashMap;
use crate::diagnostic::{Coverage, Finding, Label};
use crate::syntax::{LineCol, Loc, SourceFile, Span};

/// Said once, in a note, when findings on a CDK template could not be told at the code that
/// created their constructs.
pub const TRACE_HELP: &str = "findings on a CDK construct without a creation stack point into \
    the synthesized template: to point at the line of code that created each construct, \
    synthesize with stack traces (`cdk synth --debug`, or `CDK_DEBUG=true`) in a TypeScript or \
    JavaScript app; a Python or Java app's traces end in the jsii runtime, so there the \
    construct path leads back to the code";

/// The template a finding set comes from, in its assembly (if it is in one).
pub struct Template<'a> {
    pub assembly: Option<&'a Assembly>,
    /// The template's file name in the assembly directory.
    pub file_name: &'a str,
    /// The display path of the directory the template is in (`cdk.out`, `.`).
    pub display_dir: &'a str,
}

/// Name the construct in each finding and coverage note on a CDK template, and where the
/// manifest holds a finding's creation stack and the frame's file is on disk, make the line that
/// created it the primary location, with the template as a related one. Run after the rules and
/// suppressions. Whether some finding on a construct stayed in the template (say
/// [`TRACE_HELP`] once, then).
pub fn annotate(
    findings: &mut [Finding],
    coverage: &mut [Coverage],
    template: &Template<'_>,
    files: &dyn AssemblyFiles,
) -> bool {
    for note in coverage {
        if note.provenance.construct_path.is_none()
            && let (Some(assembly), Some(logical_id)) =
                (template.assembly, &note.provenance.logical_id)
        {
            note.provenance.construct_path = assembly
                .construct_path(template.file_name, logical_id)
                .map(Box::from);
        }
        let Some(path) = &note.provenance.construct_path else {
            continue;
        };
        let kind = template.assembly.and_then(|a| a.construct_type(path));
        note.provenance.construct_type = kind.map(Box::from);
        note.message = format!(
            "{} (CDK {} `{}`)",
            note.message,
            short_kind(kind),
            display_construct_path(path)
        );
    }
    let mut untraced = false;
    let mut sources: HashMap<PathBuf, Option<Arc<SourceFile>>> = HashMap::default();
    for finding in findings {
        if finding.provenance.construct_path.is_none()
            && let (Some(assembly), Some(logical_id)) =
                (template.assembly, &finding.provenance.logical_id)
        {
            finding.provenance.construct_path = assembly
                .construct_path(template.file_name, logical_id)
                .map(Box::from);
        }
        let Some(path) = finding.provenance.construct_path.clone() else {
            continue;
        };
        // The template is generated: an edit to it is lost at the next `cdk synth`, and the
        // change belongs in the construct's code, so no fix is offered.
        finding.fix = None;
        let kind = template.assembly.and_then(|a| a.construct_type(&path));
        finding.provenance.construct_type = kind.map(Box::from);
        let short_kind = short_kind(kind);
        let shown = display_construct_path(&path);
        finding.message = format!("{} (CDK {short_kind} `{shown}`)", finding.message);
        let created_at = template
            .assembly
            .and_then(|assembly| creation_line(assembly, &path, template, files, &mut sources));
        match created_at {
            Some(loc) => {
                let primary = Label {
                    loc,
                    text: format!("{short_kind} `{shown}` is created here").into(),
                };
                let generated = std::mem::replace(&mut finding.primary, primary);
                // Or a file the template names: an API definition asset.
                let in_template = Path::new(generated.loc.file.path())
                    .file_name()
                    .is_some_and(|name| *name == *template.file_name);
                let place = if in_template {
                    "synthesized template"
                } else {
                    "CDK asset"
                };
                let text = if generated.text.is_empty() {
                    format!("in the {place}")
                } else {
                    format!("{} ({place})", generated.text)
                };
                finding.related.insert(
                    0,
                    Label {
                        loc: generated.loc,
                        text: text.into(),
                    },
                );
            }
            None => untraced = true,
        }
    }
    untraced
}

/// A construct class without its module: `Method` for `aws-cdk-lib.aws_apigateway.Method`.
fn short_kind(kind: Option<&str>) -> &str {
    kind.and_then(|kind| kind.rsplit('.').next())
        .unwrap_or("construct")
}

/// A construct path as people read it: without the leading `/`, the `Resource` an L2
/// construct names its L1 resource, and the `Default` ids CDK hides from names.
pub fn display_construct_path(path: &str) -> String {
    let path = path.trim_start_matches('/');
    let path = path.strip_suffix("/Resource").unwrap_or(path);
    let shown: Vec<&str> = path.split('/').filter(|part| *part != "Default").collect();
    if shown.is_empty() {
        path.to_owned()
    } else {
        shown.join("/")
    }
}

/// The line of the user's code that created the construct at `path`, read from the app
/// directory (through a compiled file's source map when it is there).
fn creation_line(
    assembly: &Assembly,
    path: &str,
    template: &Template<'_>,
    files: &dyn AssemblyFiles,
    sources: &mut HashMap<PathBuf, Option<Arc<SourceFile>>>,
) -> Option<Loc> {
    let frame = trace::user_frame(assembly.trace(path)?)?;
    let (app, up) = assembly.app.as_ref()?;
    let (mut on_disk, mut relative) = trace::find_in_app(frame.path, app, files)?;
    let (mut line, mut column) = (frame.line, frame.column);
    if let Some((original, original_relative, at)) =
        through_source_map(&on_disk, &frame, app, files)
    {
        (on_disk, relative, (line, column)) = (original, original_relative, at);
    }
    let display = format!("{}{relative}", ancestor_display(template.display_dir, *up));
    let file = sources
        .entry(on_disk.clone())
        .or_insert_with(|| {
            files
                .read(&on_disk)
                .map(|text| SourceFile::new(display, text))
        })
        .as_ref()?;
    let start = file
        .offset(LineCol { line, column })
        .or_else(|| file.offset(LineCol { line, column: 1 }))?;
    let line_span = file.line_span(file.line_index(start));
    let end = start.max(line_span.start as usize + file.slice(line_span).trim_end().len());
    Some(Loc::new(file, Span::new(start, end)))
}

/// A `.js` frame's `.ts` source and position, when its source map (`x.js.map`, or the one its
/// `sourceMappingURL` comment names) and the source are under the app directory.
fn through_source_map(
    compiled: &Path,
    frame: &Frame<'_>,
    app: &Path,
    files: &dyn AssemblyFiles,
) -> Option<(PathBuf, String, (usize, usize))> {
    if compiled.extension().is_none_or(|ext| ext != "js") {
        return None;
    }
    let dir = compiled.parent()?;
    let beside = PathBuf::from(format!("{}.map", compiled.display()));
    let map_path = if files.is_file(&beside) {
        beside
    } else {
        let code = files.read(compiled)?;
        let named = code
            .lines()
            .rev()
            .find_map(|line| line.trim().strip_prefix("//# sourceMappingURL="))?;
        if named.contains(':') {
            return None;
        }
        dir.join(named.trim())
    };
    let map = files.read(&map_path)?;
    let original = source_map::original_position(&map, frame.line, frame.column)?;
    if original.source.contains("://") {
        return None;
    }
    let source = lexically_normal(&map_path.parent()?.join(&original.source))?;
    let relative = source.strip_prefix(lexically_normal(app)?).ok()?;
    let relative = relative.to_string_lossy().replace('\\', "/");
    files
        .is_file(&source)
        .then_some((source, relative, (original.line, original.column)))
}

/// `path` with `.` and `..` resolved without touching the file system; `None` if `..` climbs
/// above its start.
fn lexically_normal(path: &Path) -> Option<PathBuf> {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !normal.pop() {
                    return None;
                }
            }
            other => normal.push(other),
        }
    }
    Some(normal)
}

/// The display path of the directory `up` levels above `dir` (itself a display path), ending
/// in `/` unless it is the current directory: `cdk.out` one up is ``, `.` one up is `../`.
fn ancestor_display(dir: &str, up: usize) -> String {
    let absolute = dir.starts_with('/');
    let mut parts: Vec<&str> = dir
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    for _ in 0..up {
        match parts.last() {
            Some(&"..") => parts.push(".."),
            Some(_) => {
                parts.pop();
            }
            None if absolute => {}
            None => parts.push(".."),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}{}", if joined.is_empty() { "" } else { "/" }),
        (false, true) => String::new(),
        (false, false) => format!("{joined}/"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn construct_paths_lose_their_noise() {
        assert_eq!(
            display_construct_path("/ApiStack/Api/Default/pets/GET/Resource"),
            "ApiStack/Api/pets/GET"
        );
        assert_eq!(
            display_construct_path("/ApiStack/Api/Resource"),
            "ApiStack/Api"
        );
        assert_eq!(display_construct_path("ApiStack/Fn"), "ApiStack/Fn");
    }

    #[test]
    fn ancestors_of_display_paths() {
        assert_eq!(ancestor_display("cdk.out", 1), "");
        assert_eq!(ancestor_display("app/cdk.out/assembly-Prod", 2), "app/");
        assert_eq!(ancestor_display(".", 1), "../");
        assert_eq!(ancestor_display("../cdk.out", 1), "../");
        assert_eq!(ancestor_display("/srv/app/cdk.out", 1), "/srv/app/");
        assert_eq!(ancestor_display("/cdk.out", 2), "/");
    }

    #[test]
    fn lexical_normalisation() {
        assert_eq!(
            lexically_normal(Path::new("/app/lib/../src/./a.ts")),
            Some(PathBuf::from("/app/src/a.ts"))
        );
        assert_eq!(lexically_normal(Path::new("../a")), None);
    }
}
