//! Creation stacks: which frame is the user's code, and where that file is on this machine.

use std::path::{Path, PathBuf};

use super::assembly::AssemblyFiles;

/// One stack frame's location: `new ApiStack (/home/ci/app/lib/api-stack.ts:42:5)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
}

impl<'a> Frame<'a> {
    /// A V8 stack line, with or without `at ` and the function name; `None` for the lines
    /// that name no file position (`<anonymous>`, "stack traces disabled", the markers CDK
    /// writes where it filtered frames).
    pub fn parse(frame: &'a str) -> Option<Frame<'a>> {
        let frame = frame.trim();
        let frame = frame.strip_prefix("at ").unwrap_or(frame);
        let location = frame
            .strip_suffix(')')
            .and_then(|f| f.rsplit_once('('))
            .map_or(frame, |(_, location)| location);
        let (rest, column) = location.rsplit_once(':')?;
        let (path, line) = rest.rsplit_once(':')?;
        let path = path.strip_prefix("file://").unwrap_or(path);
        Some(Frame {
            path,
            line: line.parse().ok().filter(|&l| l > 0)?,
            column: column.parse().ok().filter(|&c| c > 0)?,
        })
    }

    /// Whether the frame is in code the user did not write: Node itself, anything installed
    /// under `node_modules` (`aws-cdk-lib`, `constructs`), and the jsii runtime that runs a
    /// Python, Java, .NET or Go app's constructs.
    pub fn is_library(&self) -> bool {
        if self.path.starts_with("node:") || self.path.starts_with("internal/") {
            return true;
        }
        let mut parts = self.path.split(['/', '\\']);
        if !self.path.contains(['/', '\\']) {
            return true;
        }
        parts.any(|part| {
            matches!(
                part,
                "node_modules" | "aws-cdk-lib" | "constructs" | "jsii" | "@aws-cdk"
            ) || part.starts_with("jsii-")
        })
    }
}

/// The first frame of `trace` in the user's code.
pub fn user_frame(trace: &[String]) -> Option<Frame<'_>> {
    trace
        .iter()
        .filter_map(|frame| Frame::parse(frame))
        .find(|frame| !frame.is_library())
}

/// Where a frame's file is under `app`: the frame holds the absolute path on the machine that
/// ran `cdk synth`, so the longest suffix of it that exists under `app` is taken. Returns the
/// path on disk and the suffix (with `/`), or `None` when no suffix exists.
pub fn find_in_app(
    frame_path: &str,
    app: &Path,
    files: &dyn AssemblyFiles,
) -> Option<(PathBuf, String)> {
    let parts: Vec<&str> = frame_path
        .split(['/', '\\'])
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    if parts.contains(&"..") {
        return None;
    }
    (0..parts.len()).find_map(|start| {
        let suffix = parts.get(start..)?.join("/");
        let candidate = app.join(&suffix);
        files.is_file(&candidate).then_some((candidate, suffix))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn frames_with_and_without_function_names() {
        assert_eq!(
            Frame::parse("new ApiStack (/home/ci/app/lib/api-stack.ts:42:5)"),
            Some(Frame {
                path: "/home/ci/app/lib/api-stack.ts",
                line: 42,
                column: 5
            })
        );
        assert_eq!(
            Frame::parse("    at /home/ci/app/bin/app.js:7:1").map(|f| f.line),
            Some(7)
        );
        assert_eq!(
            Frame::parse("at Object.<anonymous> (file:///C:/app/bin/app.ts:3:9)").map(|f| f.path),
            Some("/C:/app/bin/app.ts")
        );
        assert_eq!(Frame::parse("--- resource created at ---"), None);
        assert_eq!(Frame::parse("stack traces disabled"), None);
        assert_eq!(Frame::parse("new X (<anonymous>)"), None);
    }

    #[test]
    fn library_frames_are_skipped() {
        let trace: Vec<String> = [
            "new RestApi (/app/node_modules/aws-cdk-lib/aws-apigateway/lib/restapi.js:1:9)",
            "Kernel._create (/tmp/jsii-kernel-abc/lib/kernel.js:3:4)",
            "node:internal/modules/cjs/loader:1:2",
            "new ApiStack (/home/ci/app/lib/api-stack.ts:42:5)",
            "Object.<anonymous> (/home/ci/app/bin/app.ts:7:1)",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            user_frame(&trace).map(|f| (f.path, f.line)),
            Some(("/home/ci/app/lib/api-stack.ts", 42))
        );
    }
}
