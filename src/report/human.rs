//! The default output: rustc-style diagnostics with source snippets, drawn by annotate-snippets.
//!
//! annotate-snippets takes byte ranges into the source it is given, so each snippet gets only
//! the lines its labels need (a window) with the ranges rebased onto it. That keeps the cost of a
//! diagnostic proportional to what it shows, not to the size of the file.

use std::borrow::Cow;
use std::io;

use annotate_snippets::renderer::Style;
use annotate_snippets::{Annotation, AnnotationKind, Element, Group, Level, Origin, Renderer};

use super::{COVERAGE_ID, INPUT_ERROR_ID, RenderOptions, Report, Summary, Tally, Writer};
use crate::diagnostic::{Applicability, Coverage, Finding, InputError, Label, Severity};
use crate::syntax::{SourceFile, Span};
use crate::text::{plural, terminal_safe};

/// A label whose lines hold more bytes than this is cut to its first line; a first line longer
/// than this (minified JSON) is shown as a location without source. Bounds the work per label.
const MAX_SNIPPET_BYTES: usize = 16 * 1024;

/// Labels of one file further apart than this many lines get separate snippets, so a window
/// never spans the unannotated middle of a large file.
const MAX_GAP_LINES: usize = 8;

/// Input errors, findings, coverage notes, notes and the summary line, in that order.
pub struct Human {
    options: RenderOptions,
    renderer: Renderer,
}

impl Human {
    pub fn new(options: RenderOptions) -> Self {
        let renderer = if options.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        Human { options, renderer }
    }
}

impl Writer for Human {
    fn head_reads_report(&self) -> bool {
        true
    }

    fn head(&mut self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        for error in &report.errors {
            write_diagnostic(&self.renderer, input_error_diagnostic(error), out)?;
        }
        Ok(())
    }

    fn finding(&mut self, finding: &Finding, out: &mut dyn io::Write) -> io::Result<()> {
        write_diagnostic(
            &self.renderer,
            finding_diagnostic(finding, self.options.unsafe_fixes),
            out,
        )
    }

    fn tail(&mut self, report: &Report, tally: &Tally, out: &mut dyn io::Write) -> io::Result<()> {
        let renderer = &self.renderer;
        for coverage in &report.coverage {
            write_diagnostic(renderer, coverage_diagnostic(coverage), out)?;
        }
        for note in &report.notes {
            let text = match &note.path {
                Some(path) => format!("{}: {}", terminal_safe(path), terminal_safe(&note.message)),
                None => terminal_safe(&note.message).into_owned(),
            };
            let group = Group::with_title(Level::NOTE.primary_title(text));
            writeln!(out, "{}", renderer.render(&[group]))?;
        }
        if self.options.quiet {
            return Ok(());
        }
        if !report.notes.is_empty() {
            writeln!(out)?;
        }
        let bold = if self.options.color {
            Style::new().bold()
        } else {
            Style::new()
        };
        writeln!(
            out,
            "{bold}{}{bold:#}",
            summary_line(&report.summary_with(tally))
        )?;
        if let Some(line) = fixable_line(tally, self.options.unsafe_fixes) {
            writeln!(out, "{line}")?;
        }
        Ok(())
    }
}

/// `[*] 2 fixable with --fix (1 more with --unsafe-fixes)`, as ruff says it; `None` when no
/// finding has a fix.
fn fixable_line(tally: &Tally, unsafe_fixes: bool) -> Option<String> {
    Some(match (tally.safe_fixes, tally.unsafe_fixes) {
        (0, 0) => return None,
        (safe, unsafe_) if unsafe_fixes => format!("[*] {} fixable with --fix", safe + unsafe_),
        (0, unsafe_) => format!("{unsafe_} fixable with --fix --unsafe-fixes"),
        (safe, 0) => format!("[*] {safe} fixable with --fix"),
        (safe, unsafe_) => {
            format!("[*] {safe} fixable with --fix ({unsafe_} more with --unsafe-fixes)")
        }
    })
}

/// `3 errors, 1 warning, 1 input error in 4 files`, or `no problems found in 4 files`.
fn summary_line(summary: &Summary) -> String {
    let counts = [
        (summary.errors, "error", "errors"),
        (summary.warnings, "warning", "warnings"),
        (summary.notes, "note", "notes"),
        (summary.input_errors, "input error", "input errors"),
        (summary.not_visible, "coverage note", "coverage notes"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|&(n, one, many)| plural(n, one, many))
        .collect();
    let files = plural(summary.files_checked, "file", "files");
    let shown = summary.shown.map_or_else(String::new, |shown| {
        format!(
            " ({shown} of {} findings shown, --max-findings)",
            summary.findings()
        )
    });
    if parts.is_empty() {
        format!("no problems found in {files}")
    } else {
        format!("{} in {files}{shown}", parts.join(", "))
    }
}

/// One diagnostic before it is laid out: everything borrowed from the report.
struct Diagnostic<'a> {
    level: Level<'static>,
    id: &'a str,
    message: &'a str,
    /// `[*]`: `--fix` fixes it (with `--unsafe-fixes`, if the run has it).
    fixable: bool,
    /// What its fix does, and when it is applied.
    fix: Option<String>,
    primary: Mark<'a>,
    related: Vec<Mark<'a>>,
    help: Option<&'a str>,
}

fn finding_diagnostic(finding: &Finding, unsafe_fixes: bool) -> Diagnostic<'_> {
    Diagnostic {
        level: match finding.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        },
        id: finding.rule,
        message: &finding.message,
        fixable: finding
            .fix
            .as_ref()
            .is_some_and(|fix| fix.applicability == Applicability::Safe || unsafe_fixes),
        fix: finding.fix.as_ref().map(|fix| match fix.applicability {
            Applicability::Safe => format!("safe fix: {}", fix.title),
            Applicability::Unsafe => format!("unsafe fix (--unsafe-fixes): {}", fix.title),
        }),
        primary: Mark::new(&finding.primary, true),
        related: finding
            .related
            .iter()
            .map(|label| Mark::new(label, false))
            .collect(),
        help: finding.help.as_deref(),
    }
}

fn input_error_diagnostic(error: &InputError) -> Diagnostic<'_> {
    Diagnostic {
        level: Level::ERROR,
        id: INPUT_ERROR_ID,
        message: &error.message,
        fixable: false,
        fix: None,
        primary: Mark::at(&error.loc.file, error.loc.span, "", true),
        related: Vec::new(),
        help: None,
    }
}

fn coverage_diagnostic(coverage: &Coverage) -> Diagnostic<'_> {
    Diagnostic {
        level: Level::NOTE,
        id: COVERAGE_ID,
        message: &coverage.message,
        fixable: false,
        fix: None,
        primary: Mark::at(&coverage.loc.file, coverage.loc.span, "", true),
        related: Vec::new(),
        help: None,
    }
}

fn write_diagnostic(
    renderer: &Renderer,
    diagnostic: Diagnostic<'_>,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let message = terminal_safe(diagnostic.message);
    let message = if diagnostic.fixable {
        Cow::Owned(format!("[*] {message}"))
    } else {
        message
    };
    let title = diagnostic.level.primary_title(message).id(diagnostic.id);
    let mut elements = layout(&diagnostic.primary, &diagnostic.related);
    if let Some(help) = diagnostic.help {
        elements.push(Level::HELP.message(terminal_safe(help)).into());
    }
    if let Some(fix) = diagnostic.fix {
        elements.push(Level::HELP.message(terminal_safe(&fix).into_owned()).into());
    }
    let group = title.elements(elements);
    writeln!(out, "{}\n", renderer.render(&[group]))
}

/// A label as displayed: its span clamped to the file, trimmed of a trailing line break, and
/// cut to its first line when the whole would be too large to show.
struct Mark<'a> {
    file: &'a SourceFile,
    span: Span,
    /// 0-based lines of the span's start and end.
    first_line: usize,
    last_line: usize,
    primary: bool,
    text: Cow<'a, str>,
}

impl<'a> Mark<'a> {
    fn new(label: &'a Label, primary: bool) -> Self {
        Mark::at(&label.loc.file, label.loc.span, &label.text, primary)
    }

    fn at(file: &'a SourceFile, span: Span, text: &'a str, primary: bool) -> Self {
        let start = file.floor_char_boundary(span.start as usize);
        let mut end = file.floor_char_boundary(span.end as usize).max(start);
        let first_line = file.line_index(start);
        let mut last_line = file.line_index(end);
        // A span that ends just after a line break ends on the line before, not at column 1
        // of the next one.
        if last_line > first_line && end == file.line_span(last_line).start as usize {
            last_line -= 1;
            end = (file.line_span(last_line).end as usize).max(start);
        }
        if last_line > first_line && window_len(file, first_line, last_line) > MAX_SNIPPET_BYTES {
            last_line = first_line;
            end = (file.line_span(first_line).end as usize).max(start);
        }
        Mark {
            file,
            span: Span::new(start, end),
            first_line,
            last_line,
            primary,
            text: terminal_safe(text),
        }
    }

    fn fits_snippet(&self) -> bool {
        window_len(self.file, self.first_line, self.last_line) <= MAX_SNIPPET_BYTES
    }

    fn annotation(&self, window_start: usize, window_len: usize) -> Annotation<'a> {
        let rebase = |offset: u32| {
            (offset as usize)
                .saturating_sub(window_start)
                .min(window_len)
        };
        let kind = if self.primary {
            AnnotationKind::Primary
        } else {
            AnnotationKind::Context
        };
        let annotation = kind.span(rebase(self.span.start)..rebase(self.span.end));
        if self.text.is_empty() {
            annotation
        } else {
            annotation.label(self.text.clone())
        }
    }
}

/// The bytes of lines `first..=last`, without the last line's break.
fn window_len(file: &SourceFile, first: usize, last: usize) -> usize {
    let start = file.line_span(first).start as usize;
    let end = file.line_span(last).end as usize;
    end.saturating_sub(start)
}

/// The snippets of one diagnostic: the primary's file first (the snippet holding the primary
/// first of all, so its location heads the diagnostic), then the related labels' files in the
/// order they are first mentioned.
fn layout<'a>(primary: &Mark<'a>, related: &[Mark<'a>]) -> Vec<Element<'a>> {
    let mut files: Vec<&'a SourceFile> = vec![primary.file];
    for mark in related {
        if !files.iter().any(|f| f.path() == mark.file.path()) {
            files.push(mark.file);
        }
    }
    let mut elements = Vec::new();
    for file in files {
        let mut marks: Vec<&Mark<'a>> = std::iter::once(primary)
            .chain(related)
            .filter(|m| m.file.path() == file.path())
            .collect();
        marks.sort_by_key(|m| (m.first_line, m.span.start, !m.primary));
        let mut clusters: Vec<Vec<&Mark<'a>>> = Vec::new();
        for mark in marks {
            let joins_last = mark.fits_snippet()
                && clusters.last().is_some_and(|cluster| {
                    cluster.iter().all(|m| m.fits_snippet())
                        && cluster.iter().map(|m| m.last_line).max().unwrap_or(0) + MAX_GAP_LINES
                            >= mark.first_line
                });
            match clusters.last_mut() {
                Some(cluster) if joins_last => cluster.push(mark),
                _ => clusters.push(vec![mark]),
            }
        }
        // The primary's cluster leads; the rest keep their line order.
        clusters.sort_by_key(|cluster| !cluster.iter().any(|m| m.primary));
        for cluster in clusters {
            elements.extend(cluster_elements(file, &cluster));
        }
    }
    elements
}

fn cluster_elements<'a>(file: &'a SourceFile, cluster: &[&Mark<'a>]) -> Vec<Element<'a>> {
    let path = terminal_safe(file.path());
    let (Some(first), Some(last)) = (
        cluster.iter().map(|m| m.first_line).min(),
        cluster.iter().map(|m| m.last_line).max(),
    ) else {
        return Vec::new();
    };
    if let [mark] = cluster
        && !mark.fits_snippet()
    {
        // Too long a line to show: say where, and what, without the source.
        let at = file.line_col(mark.span.start as usize);
        let origin = Origin::path(path).line(at.line).char_column(at.column);
        let mut elements = vec![Element::from(origin)];
        if !mark.text.is_empty() {
            elements.push(Level::NOTE.message(mark.text.clone()).into());
        }
        return elements;
    }
    let start = file.line_span(first).start as usize;
    let end = file.line_span(last).end as usize;
    let window = file.slice(Span::new(start, end));
    let annotations: Vec<Annotation<'a>> = cluster
        .iter()
        .map(|m| m.annotation(start, window.len()))
        .collect();
    let snippet = annotate_snippets::Snippet::source(lone_cr_as_lf(window))
        .line_start(first + 1)
        .path(path)
        .annotations(annotations);
    vec![snippet.into()]
}

/// Our line table ends a line at a lone CR (as YAML does); annotate-snippets only at LF.
/// Replacing one byte by one byte keeps every offset valid.
fn lone_cr_as_lf(window: &str) -> Cow<'_, str> {
    let bytes = window.as_bytes();
    let lone_cr = |i: usize| bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone_cr) {
        return Cow::Borrowed(window);
    }
    let mut text = String::with_capacity(window.len());
    for (i, c) in window.char_indices() {
        text.push(if lone_cr(i) { '\n' } else { c });
    }
    Cow::Owned(text)
}
