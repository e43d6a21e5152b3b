//! One file through the whole pipeline: bytes → located tree → views → model → rules.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::collections::{HashMap, HashSet};
use crate::config::Configs;
use crate::diagnostic::Coverage;
use crate::diagnostic::{Finding, InputError, Note};
use crate::discover::{Input, ReadError, read_input};
use crate::formats::cdk::{self, Assembly, AssemblyFiles};
use crate::formats::{self, DocumentKind, terraform};
use crate::model::Workspace;
use crate::report::Report;
use crate::rules::{self, Settings};
use crate::suppress::{self, Suppressed, SuppressionKind, Suppressions};
use crate::syntax::{self, Document, Loc, SourceFile, Span};

pub use crate::discover::DEFAULT_MAX_FILE_SIZE;

mod stream;

/// How far into a file to look for a NUL byte before calling it binary.
const BINARY_SNIFF_BYTES: usize = 8192;

/// A file read, parsed and lowered, before any rule ran.
pub struct Analysis {
    pub file: Arc<SourceFile>,
    pub documents: Vec<(Document, DocumentKind)>,
    pub workspace: Workspace,
    pub errors: Vec<InputError>,
    /// The file's own path, resolved (for files on disk).
    pub real_path: Option<PathBuf>,
    /// The files its documents loaded (a SAM `DefinitionUri`), resolved, with the suppressions
    /// written in them: the findings the template reports in those files obey them.
    pub definitions: Definitions,
    /// Why a file that does not look like an API document could not be parsed (it is skipped,
    /// not an input error).
    pub unparsed: Option<String>,
    /// For a Terraform module: its files and those of the modules it calls (their comments
    /// hold suppressions).
    pub terraform: Vec<terraform::ModuleFile>,
    /// What the lowering could not see (a module it may not fetch).
    pub notes: Vec<Note>,
}

/// The files a template loaded as definitions.
#[derive(Debug, Default)]
pub struct Definitions {
    pub paths: Vec<PathBuf>,
    pub suppressions: Suppressions,
}

impl Analysis {
    /// Whether any document in the file is one gatelint reads (see
    /// [`formats::API_DOCUMENT_KINDS`]).
    pub fn recognized(&self) -> bool {
        !self.documents.is_empty() || !self.terraform.is_empty()
    }

    /// The suppressions written in the file's recognised documents and in the definitions
    /// they loaded.
    pub fn suppressions(&self) -> Suppressions {
        let mut found = Suppressions::default();
        for (doc, kind) in &self.documents {
            suppress::collect(doc, *kind, &mut found);
        }
        for file in &self.terraform {
            suppress::collect_hcl(&file.file, &file.hcl, &mut found);
        }
        let loaded = &self.definitions.suppressions;
        found.found.extend(loaded.found.iter().cloned());
        found.malformed.extend(loaded.malformed.iter().cloned());
        found
    }
}

/// The files that some analysed template loads as its definition. Such a file is linted through
/// that template, which knows its API (name, stages, SAM settings): linted on its own as well,
/// it would report every route a second time, under another API name.
pub fn definitions_of<'a>(analysed: impl IntoIterator<Item = &'a [PathBuf]>) -> HashSet<PathBuf> {
    analysed.into_iter().flatten().cloned().collect()
}

/// Read, parse and lower one file's bytes; `path` is the display path.
pub fn analyze(path: &str, bytes: Vec<u8>) -> Analysis {
    analyze_with(path, bytes, &formats::NoFiles)
}

/// [`analyze`], reading the files the document refers to (a SAM `DefinitionUri`) through
/// `files`.
pub fn analyze_with(path: &str, bytes: Vec<u8>, files: &dyn formats::FileLoader) -> Analysis {
    if terraform::is_terraform_path(path) {
        return analyze_module(vec![(path.to_owned(), bytes)], files);
    }
    let mut errors = Vec::new();
    let sniff = bytes.get(..BINARY_SNIFF_BYTES).unwrap_or(&bytes);
    if let Some(nul) = sniff.iter().position(|&b| b == 0) {
        return Analysis::binary(path, sniff, nul);
    }
    let (file, parsed) = syntax::read(path, bytes);
    let parsed = match parsed {
        Ok(documents) => documents,
        Err(error) => return Analysis::unreadable(file, error),
    };
    let mut workspace = Workspace::default();
    let mut documents = Vec::new();
    for doc in parsed {
        let Some(kind) = formats::classify(&doc) else {
            continue;
        };
        formats::lower_with_files(&doc, kind, files, &mut workspace, &mut errors);
        if let Some(span) = doc.alias_budget_exhausted() {
            errors.push(InputError::new(
                doc.loc(span),
                format!(
                    "too many alias expansions (more than {}): the document looks like an alias bomb",
                    syntax::ALIAS_BUDGET
                ),
            ));
        }
        documents.push((doc, kind));
    }
    workspace.shrink_to_fit();
    Analysis {
        file,
        documents,
        workspace,
        errors,
        real_path: None,
        definitions: Definitions::default(),
        unparsed: None,
        terraform: Vec::new(),
        notes: Vec::new(),
    }
}

/// Read a decoded file, or the input error that says why it is not text.
fn decoded(path: &str, bytes: Vec<u8>) -> Result<Arc<SourceFile>, (Arc<SourceFile>, InputError)> {
    let sniff = bytes.get(..BINARY_SNIFF_BYTES).unwrap_or(&bytes);
    if let Some(nul) = sniff.iter().position(|&b| b == 0) {
        let file = SourceFile::new(path, String::from_utf8_lossy(sniff).into_owned());
        let error = InputError {
            loc: Loc::new(&file, Span::new(nul, nul + 1)),
            message: "this looks like a binary file (it has a NUL byte), not text".into(),
        };
        return Err((file, error));
    }
    match syntax::decode(bytes) {
        Ok(text) => Ok(SourceFile::new(path, text)),
        Err((lossy, error)) => {
            let file = SourceFile::new(path, lossy);
            let error = InputError {
                loc: Loc::new(&file, error.span),
                message: error.message,
            };
            Err((file, error))
        }
    }
}

/// Parse and lower the Terraform files of one directory (`(display path, bytes)` each) as one
/// module; the modules it calls are read through `files`.
pub fn analyze_module(inputs: Vec<(String, Vec<u8>)>, files: &dyn formats::FileLoader) -> Analysis {
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    let mut first = None;
    let mut unparsed = None;
    for (path, bytes) in inputs {
        let file = match decoded(&path, bytes) {
            Ok(file) => file,
            Err((file, error)) => {
                errors.push(error);
                first.get_or_insert(file);
                continue;
            }
        };
        first.get_or_insert_with(|| Arc::clone(&file));
        match terraform::parse_file(&file) {
            Some(Ok(module_file)) => parsed.push(module_file),
            // A file that declares none of the resources gatelint reads is not ours to judge.
            Some(Err(error)) if !terraform::mentions_gateway(file.text()) => {
                unparsed.get_or_insert(format!("{}: {}", file.path(), error.message));
            }
            Some(Err(error)) => errors.push(InputError::syntax(&file, error)),
            None => {}
        }
    }
    let file = first.unwrap_or_else(|| SourceFile::new("", String::new()));
    let mut workspace = Workspace::default();
    let notes = Vec::new();
    // Variable files alone are no module.
    let terraform = if parsed.iter().any(|f| !f.vars) {
        terraform::lower_module(parsed, files, &mut workspace, &mut errors)
    } else {
        Vec::new()
    };
    workspace.shrink_to_fit();
    Analysis {
        file,
        documents: Vec::new(),
        workspace,
        errors,
        real_path: None,
        definitions: Definitions::default(),
        unparsed,
        terraform,
        notes,
    }
}

impl Analysis {
    fn failed(file: Arc<SourceFile>, errors: Vec<InputError>) -> Self {
        Analysis {
            file,
            documents: Vec::new(),
            workspace: Workspace::default(),
            errors,
            real_path: None,
            definitions: Definitions::default(),
            unparsed: None,
            terraform: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A file with a NUL byte at `nul` in its first bytes `sniff`: UTF-16 text (read through its
    /// byte-order mark to tell whether it is an API document) or binary. Like any file that
    /// cannot be read, an input error only when it looks like an API document: an encrypted
    /// `secrets.yaml` (git-crypt, sops binary) or a compiled asset is skipped.
    fn binary(path: &str, sniff: &[u8], nul: usize) -> Self {
        let (text, why, short, span) = match sniff {
            [0xff, 0xfe, ..] | [0xfe, 0xff, ..] => {
                let little = sniff.first() == Some(&0xff);
                let units = sniff.chunks_exact(2).map(|pair| match pair {
                    [a, b] if little => u16::from_le_bytes([*a, *b]),
                    [a, b] => u16::from_be_bytes([*a, *b]),
                    _ => 0,
                });
                (
                    char::decode_utf16(units)
                        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                        .collect::<String>(),
                    "the file is UTF-16 (it starts with a UTF-16 byte-order mark); only UTF-8 is read",
                    "UTF-16 text, and only UTF-8 is read",
                    Span::new(0, 2),
                )
            }
            _ => (
                String::from_utf8_lossy(sniff).into_owned(),
                "this looks like a binary file (it has a NUL byte), not YAML or JSON",
                "a NUL byte: a binary file",
                Span::new(nul, nul + 1),
            ),
        };
        let api = formats::looks_like_api_document(&text);
        let file = SourceFile::new(path, String::from_utf8_lossy(sniff).into_owned());
        let loc = Loc::new(&file, span);
        if api {
            return Analysis::failed(file, vec![InputError::new(loc, why)]);
        }
        let at = loc.start();
        let mut analysis = Analysis::failed(file, Vec::new());
        analysis.unparsed = Some(format!("{}:{}: {short}", at.line, at.column));
        analysis
    }

    /// A file that is not valid UTF-8, YAML or JSON: an input error when it looks like an API
    /// document, else skipped (a `tsconfig.json`, a Helm template, a broken compose file are
    /// not ours to judge).
    fn unreadable(file: Arc<SourceFile>, error: syntax::SyntaxError) -> Self {
        if formats::looks_like_api_document(file.text()) {
            let error = InputError::syntax(&file, error);
            return Analysis::failed(file, vec![error]);
        }
        let at = Loc::new(&file, error.span).start();
        let mut analysis = Analysis::failed(file, Vec::new());
        analysis.unparsed = Some(format!("{}:{}: {}", at.line, at.column, error.message));
        analysis
    }
}

/// The result of linting one file.
#[derive(Debug, Default)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
    /// What the file's documents hide from gatelint (see [`Workspace::coverage_notes`]).
    pub coverage: Vec<Coverage>,
    pub notes: Vec<Note>,
    pub recognized: bool,
    /// Findings a suppression in the file removed.
    pub suppressed: Vec<Suppressed>,
    /// The file's own path, resolved, and the definition files it loaded (see [`Analysis`]).
    pub real_path: Option<PathBuf>,
    pub definitions: Vec<PathBuf>,
}

impl FileReport {
    /// Every location the report renders.
    fn locations(&mut self) -> impl Iterator<Item = &mut Loc> {
        let findings = self.findings.iter_mut().flat_map(|finding| {
            std::iter::once(&mut finding.primary.loc)
                .chain(finding.related.iter_mut().map(|label| &mut label.loc))
                .chain(
                    finding
                        .fix
                        .iter_mut()
                        .flat_map(|fix| fix.edits.iter_mut().map(|edit| &mut edit.range)),
                )
        });
        findings
            .chain(self.errors.iter_mut().map(|error| &mut error.loc))
            .chain(self.coverage.iter_mut().map(|coverage| &mut coverage.loc))
    }

    /// Let go of the files' text but for the lines the report shows (see
    /// [`SourceFile::excerpt`]), so that a run over many files holds their findings, not
    /// their text, until the report is written.
    fn keep_only_excerpts(&mut self) {
        let mut spans: HashMap<*const SourceFile, (Arc<SourceFile>, Vec<Span>)> =
            HashMap::default();
        for loc in self.locations() {
            spans
                .entry(Arc::as_ptr(&loc.file))
                .or_insert_with(|| (Arc::clone(&loc.file), Vec::new()))
                .1
                .push(loc.span);
        }
        let excerpts: HashMap<*const SourceFile, Arc<SourceFile>> = spans
            .into_iter()
            .map(|(key, (file, spans))| (key, file.excerpt(spans)))
            .collect();
        for loc in self.locations() {
            if let Some(excerpt) = excerpts.get(&Arc::as_ptr(&loc.file)) {
                loc.file = Arc::clone(excerpt);
            }
        }
    }
}

/// Lint one file's bytes with every enabled rule, then apply its suppressions.
pub fn lint_bytes(path: &str, bytes: Vec<u8>, settings: &Settings) -> FileReport {
    lint_analysis(analyze(path, bytes), settings, true)
}

/// [`lint_bytes`], with the file's suppressions applied or not (`--ignore-suppressions`).
pub fn lint_bytes_with(
    path: &str,
    bytes: Vec<u8>,
    settings: &Settings,
    apply_suppressions: bool,
) -> FileReport {
    lint_analysis(analyze(path, bytes), settings, apply_suppressions)
}

/// Run the enabled rules on an analysed file, then (unless `--ignore-suppressions`) its suppressions.
fn lint_analysis(analysis: Analysis, settings: &Settings, apply_suppressions: bool) -> FileReport {
    // The suppressions are read before the rules run: reading them walks the documents (every
    // path of an OpenAPI document), which should not add to the findings' memory.
    let found = apply_suppressions.then(|| analysis.suppressions());
    let mut findings = rules::check_all(&analysis.workspace, settings);
    terraform::label_passed_in(&mut findings, &analysis.workspace.passed_in);
    let mut suppressed = Vec::new();
    if let Some(found) = found {
        (findings, suppressed) =
            suppress::apply(findings, &found.found, &found.malformed, settings);
    }
    formats::provenance::locate(&mut findings, &analysis.documents, &analysis.workspace.apis);
    let mut coverage: Vec<Coverage> = analysis
        .workspace
        .coverage_notes()
        .into_iter()
        .map(|hidden| Coverage {
            loc: hidden.loc,
            message: hidden.message,
            provenance: Default::default(),
        })
        .collect();
    formats::provenance::locate_coverage(&mut coverage, &analysis.documents);
    FileReport {
        findings,
        coverage,
        recognized: analysis.recognized(),
        errors: analysis.errors,
        notes: analysis.notes,
        suppressed,
        real_path: analysis.real_path,
        definitions: analysis.definitions.paths,
    }
}

/// What `lint_inputs` needs to know.
#[derive(Clone, Debug)]
pub struct LintOptions {
    /// The settings of every file, unless `configs` is given.
    pub settings: Settings,
    /// The configuration of each file: the nearest `.gatelint.yaml` above it.
    pub configs: Option<Arc<Configs>>,
    pub max_file_size: u64,
    /// List files that are skipped because they are no API document, and the findings
    /// suppressions removed.
    pub verbose: bool,
    /// Apply suppressions (`--ignore-suppressions` turns this off).
    pub apply_suppressions: bool,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            settings: Settings::default(),
            configs: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            verbose: false,
            apply_suppressions: true,
        }
    }
}

/// What is analysed as one: a file, or the Terraform files of one directory (a module).
pub enum Unit<'i> {
    File(&'i Input),
    Module(Vec<&'i Input>),
}

impl Unit<'_> {
    /// The input whose path reports about the unit use.
    fn first(&self) -> Option<&Input> {
        match self {
            Unit::File(input) => Some(input),
            Unit::Module(inputs) => inputs.first().copied(),
        }
    }
}

/// Group the Terraform inputs of each directory into one module; every other input is its own
/// unit. Units keep the order of their first input.
pub fn units(inputs: &[Input]) -> Vec<Unit<'_>> {
    let mut units: Vec<Unit<'_>> = Vec::new();
    let mut modules: crate::collections::HashMap<PathBuf, usize> = Default::default();
    for input in inputs {
        let dir = match &input.source {
            crate::discover::InputSource::File(path)
                if terraform::is_terraform_path(&input.display) =>
            {
                path.parent().map(std::path::Path::to_path_buf)
            }
            _ => None,
        };
        match dir {
            Some(dir) => match modules.get(&dir) {
                Some(&index) => {
                    if let Some(Unit::Module(inputs)) = units.get_mut(index) {
                        inputs.push(input);
                    }
                }
                None => {
                    modules.insert(dir, units.len());
                    units.push(Unit::Module(vec![input]));
                }
            },
            None => units.push(Unit::File(input)),
        }
    }
    units
}

/// Lint every input in parallel; the report comes back sorted into its one stable order.
pub fn lint_inputs(inputs: &[Input], options: &LintOptions) -> Report {
    let mut findings = Vec::new();
    let Ok(mut report) =
        lint_inputs_streaming::<std::convert::Infallible>(inputs, options, &mut |finding| {
            findings.push(finding);
            Ok(())
        });
    report.findings = findings;
    report.sort();
    report
}

/// Lint every input in parallel, handing each finding to `emit` in the report's one stable
/// order as soon as no input still being linted can come before it (see [`stream`]); the
/// report that comes back holds everything else (input errors, coverage notes, notes), not
/// yet sorted. At most a few units are linted or waiting at any time, so a run over many
/// files holds a few files' findings, not all of them.
pub fn lint_inputs_streaming<E>(
    inputs: &[Input],
    options: &LintOptions,
    emit: &mut dyn FnMut(Finding) -> Result<(), E>,
) -> Result<Report, E> {
    let assemblies = Assemblies::of(inputs, options.max_file_size);
    let units = units(inputs);
    let plan = stream::Plan::of(
        &units,
        &|input| assemblies.holds(input),
        options.max_file_size,
    );
    let mut merge = stream::Merge::new(&plan);
    // Units linted or waiting for their turn at once.
    let window = 4 * rayon::current_num_threads().max(1);
    rayon::in_place_scope(|scope| {
        let (sender, results) = std::sync::mpsc::channel();
        let mut started = 0;
        while !merge.all_done() {
            while started < plan.len() && started < merge.first_undone() + window {
                let Some(unit) = plan.unit_at(started).and_then(|unit| units.get(unit)) else {
                    break;
                };
                let (sender, position, assemblies) = (sender.clone(), started, &assemblies);
                scope.spawn(move |_| {
                    let report = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let mut report = lint_unit(unit, options, assemblies);
                        // Only notes are made of what suppressions removed (`lint_unit` made them).
                        report.suppressed = Vec::new();
                        report.keep_only_excerpts();
                        report
                    }));
                    // The receiver waits for every unit it started.
                    let _ = sender.send((position, report));
                });
                started += 1;
            }
            let Some((position, report)) = stream::receive(&results) else {
                break;
            };
            match report {
                Ok(report) => merge.finish(position, report),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            merge.flush(emit)?;
        }
        merge.flush(emit)?;
        Ok(merge.into_report(&units, options.verbose))
    })
}

/// Read and analyze one unit (see [`analyze_input`]).
pub fn analyze_unit(unit: &Unit<'_>, max_file_size: u64) -> Result<Analysis, Box<FileReport>> {
    let inputs = match unit {
        Unit::File(input) => return analyze_input(input, max_file_size),
        Unit::Module(inputs) => inputs,
    };
    let mut read = Vec::new();
    let mut skipped = FileReport::default();
    for input in inputs {
        match read_input(input, max_file_size) {
            Ok(bytes) => read.push((input.display.clone(), bytes)),
            Err(ReadError::TooLarge { .. }) => skipped.notes.push(Note::warning(
                input.display.clone(),
                format!("skipped: larger than --max-file-size ({max_file_size} bytes)"),
            )),
            Err(error) => {
                let file = SourceFile::new(input.display.as_str(), String::new());
                skipped.errors.push(InputError {
                    loc: Loc::new(&file, Span::empty(0)),
                    message: error.to_string(),
                });
            }
        }
    }
    let Some(first) = inputs.first() else {
        return Err(Box::new(skipped));
    };
    if read.is_empty() {
        return Err(Box::new(skipped));
    }
    let files = DirectoryFiles::beside(first, max_file_size);
    let mut analysis = analyze_module(read, &files);
    if let crate::discover::InputSource::File(path) = &first.source {
        analysis.real_path = path.canonicalize().ok();
    }
    analysis.definitions = files.loaded.into_inner();
    analysis.errors.extend(skipped.errors);
    analysis.notes.extend(skipped.notes);
    Ok(analysis)
}

fn lint_unit(unit: &Unit<'_>, options: &LintOptions, assemblies: &Assemblies) -> FileReport {
    let Unit::Module(inputs) = unit else {
        return match unit.first() {
            Some(input) => lint_input(input, options, assemblies),
            None => FileReport::default(),
        };
    };
    let analysis = match analyze_unit(unit, options.max_file_size) {
        Ok(analysis) => analysis,
        Err(report) => return *report,
    };
    // A module's files share a directory, so they share its configuration.
    let config = options
        .configs
        .as_ref()
        .zip(unit.first())
        .map(|(c, input)| c.for_path(&input.display));
    let settings = config.as_ref().map_or(&options.settings, |c| &c.settings);
    let mut report = lint_analysis(analysis, settings, options.apply_suppressions);
    if options.verbose {
        report
            .notes
            .extend(report.suppressed.iter().map(suppressed_note));
    }
    if !report.recognized && report.errors.is_empty() && options.verbose {
        for input in inputs {
            report.notes.push(Note::info(
                input.display.clone(),
                "skipped: Terraform variables without a module",
            ));
        }
    }
    report
}

/// Read and analyze one input; one that cannot be read (or is too large) comes back as the
/// report that says so.
pub fn analyze_input(input: &Input, max_file_size: u64) -> Result<Analysis, Box<FileReport>> {
    match read_input(input, max_file_size) {
        Ok(bytes) => {
            let files = DirectoryFiles::beside(input, max_file_size);
            let mut analysis = analyze_with(&input.display, bytes, &files);
            if let crate::discover::InputSource::File(path) = &input.source {
                analysis.real_path = path.canonicalize().ok();
            }
            analysis.definitions = files.loaded.into_inner();
            Ok(analysis)
        }
        Err(ReadError::TooLarge { .. }) => Err(Box::new(too_large(input, max_file_size))),
        Err(error) => Err(Box::new(FileReport {
            errors: vec![InputError::whole_file(&input.display, error.to_string())],
            ..FileReport::default()
        })),
    }
}

/// How much of a file over `--max-file-size` is read to tell whether it is an API document.
const TOO_LARGE_SNIFF_BYTES: u64 = 64 * 1024;

/// A file over `--max-file-size`: an input error when it looks like an API document (its first
/// bytes are read to tell; standard input is taken to be one), so a limit never skips an API
/// silently; else a note.
fn too_large(input: &Input, max_file_size: u64) -> FileReport {
    let looks_like_api = read_input_head(input)
        .is_none_or(|head| formats::looks_like_api_document(&String::from_utf8_lossy(&head)));
    too_large_report(input, looks_like_api, max_file_size)
}

fn too_large_report(input: &Input, looks_like_api: bool, max_file_size: u64) -> FileReport {
    if looks_like_api {
        return FileReport {
            errors: vec![InputError::whole_file(
                &input.display,
                format!(
                    "this API document is larger than --max-file-size ({max_file_size} bytes), \
                     so it was not checked; raise the limit with --max-file-size"
                ),
            )],
            ..FileReport::default()
        };
    }
    FileReport {
        notes: vec![Note::warning(
            input.display.clone(),
            format!("skipped: larger than --max-file-size ({max_file_size} bytes)"),
        )],
        ..FileReport::default()
    }
}

fn read_input_head(input: &Input) -> Option<Vec<u8>> {
    crate::discover::read_head(input, TOO_LARGE_SNIFF_BYTES)
}

fn lint_input(input: &Input, options: &LintOptions, assemblies: &Assemblies) -> FileReport {
    let analysis = match analyze_input(input, options.max_file_size) {
        Ok(analysis) => analysis,
        Err(report) => return *report,
    };
    let config = options.configs.as_ref().map(|c| c.for_path(&input.display));
    let settings = config.as_ref().map_or(&options.settings, |c| &c.settings);
    let unparsed = analysis.unparsed.clone();
    let mut report = lint_analysis(analysis, settings, options.apply_suppressions);
    if assemblies.annotate(input, &mut report, options.max_file_size) {
        let (dir, _) = input.display.rsplit_once('/').unwrap_or((".", ""));
        report.notes.push(Note::info(dir, cdk::TRACE_HELP));
    }
    if options.verbose {
        report
            .notes
            .extend(report.suppressed.iter().map(suppressed_note));
    }
    if !report.recognized && report.errors.is_empty() && (input.explicit || options.verbose) {
        let message = match unparsed {
            Some(why) => format!(
                "skipped: not valid YAML or JSON ({why}), and it does not look like an API \
                 document ({})",
                formats::API_DOCUMENT_KINDS
            ),
            // The manifest, tree and asset files of a cloud assembly are read for its
            // templates, which are linted on their own.
            None if assemblies.holds_metadata(input) => {
                "skipped: a metadata file of the CDK cloud assembly in this directory (its templates \
                 are linted on their own)"
                    .to_owned()
            }
            None => format!(
                "skipped: not an API document ({})",
                formats::API_DOCUMENT_KINDS
            ),
        };
        report
            .notes
            .push(Note::warning(input.display.clone(), message));
    }
    report
}

/// Texts that stand in for files on disk, keyed by the file's resolved path: an editor's
/// unsaved buffers. The language server lints through one; `check` reads the disk.
pub trait Overlay {
    fn text(&self, real_path: &Path) -> Option<String>;
}

/// Lint one file whose text is given (an editor's buffer) instead of read, as `check` lints it:
/// the files it loads (a `DefinitionUri`, an include) are read from `overlay` first, then from
/// disk beside it, and the findings of a CDK assembly's template are told at their constructs.
pub fn lint_buffer(
    input: &Input,
    bytes: Vec<u8>,
    settings: &Settings,
    max_file_size: u64,
    overlay: &dyn Overlay,
) -> FileReport {
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max_file_size {
        let head = bytes
            .get(..usize::try_from(TOO_LARGE_SNIFF_BYTES).unwrap_or(usize::MAX))
            .unwrap_or(&bytes);
        let looks_like_api = formats::looks_like_api_document(&String::from_utf8_lossy(head));
        return too_large_report(input, looks_like_api, max_file_size);
    }
    let files = DirectoryFiles::beside(input, max_file_size).with_overlay(overlay);
    let mut analysis = analyze_with(&input.display, bytes, &files);
    if let crate::discover::InputSource::File(path) = &input.source {
        analysis.real_path = path.canonicalize().ok();
    }
    analysis.definitions = files.loaded.into_inner();
    let mut report = lint_analysis(analysis, settings, true);
    Assemblies::of(std::slice::from_ref(input), max_file_size).annotate(
        input,
        &mut report,
        max_file_size,
    );
    report
}

/// [`lint_buffer`] for the Terraform files of one directory, analysed as one module (`check`
/// groups them the same way); files over `max_file_size` are left out.
pub fn lint_module_buffers(
    inputs: Vec<(Input, Vec<u8>)>,
    settings: &Settings,
    max_file_size: u64,
    overlay: &dyn Overlay,
) -> FileReport {
    let Some((first, _)) = inputs.first() else {
        return FileReport::default();
    };
    let files = DirectoryFiles::beside(first, max_file_size).with_overlay(overlay);
    let real_path = match &first.source {
        crate::discover::InputSource::File(path) => path.canonicalize().ok(),
        crate::discover::InputSource::Stdin => None,
    };
    let read = inputs
        .into_iter()
        .filter(|(_, bytes)| u64::try_from(bytes.len()).unwrap_or(u64::MAX) <= max_file_size)
        .map(|(input, bytes)| (input.display, bytes))
        .collect();
    let mut analysis = analyze_module(read, &files);
    analysis.real_path = real_path;
    analysis.definitions = files.loaded.into_inner();
    lint_analysis(analysis, settings, true)
}

/// `12:7: unauthenticated-route suppressed by a comment: <reason>`, for `--verbose`.
fn suppressed_note(suppressed: &Suppressed) -> Note {
    let at = suppressed.finding.primary.loc.start();
    let by = match suppressed.kind {
        SuppressionKind::Comment => "a comment",
        SuppressionKind::Metadata => "resource metadata",
        SuppressionKind::Extension => "x-gatelint-ignore",
    };
    let reason = suppressed
        .reason
        .as_deref()
        .map_or_else(|| " (no reason given)".to_owned(), |r| format!(": {r}"));
    Note::info(
        suppressed.finding.primary.loc.file.path(),
        format!(
            "{}:{}: {} suppressed by {by}{reason}",
            at.line, at.column, suppressed.finding.rule
        ),
    )
}

/// Reads the files a linted file refers to, from its own directory and below: a relative path
/// that leaves it (`..`, a symlink) is refused, and so is an absolute one. Files are capped at
/// `--max-file-size` and parsed like any linted file. Standard input refers to nothing.
struct DirectoryFiles<'o> {
    /// The linted file's directory, and how paths under it are displayed.
    dir: Option<(std::path::PathBuf, String)>,
    /// How far above `dir` files may be read: a CDK Stage's nested assembly reads the assets
    /// staged in the top assembly (`../asset.<hash>`), and nothing outside that.
    up: usize,
    max_file_size: u64,
    /// What was loaded (one file is analysed on one thread).
    loaded: RefCell<Definitions>,
    /// Texts that stand in for files on disk (an editor's unsaved buffers).
    overlay: Option<&'o dyn Overlay>,
}

impl<'o> DirectoryFiles<'o> {
    fn beside(input: &Input, max_file_size: u64) -> Self {
        let dir = match &input.source {
            crate::discover::InputSource::File(path) => {
                let dir = path
                    .parent()
                    .filter(|parent| !parent.as_os_str().is_empty())
                    .map_or_else(
                        || std::path::PathBuf::from("."),
                        std::path::Path::to_path_buf,
                    );
                let display = input
                    .display
                    .rsplit_once('/')
                    .map_or_else(String::new, |(parent, _)| format!("{parent}/"));
                Some((dir, display))
            }
            crate::discover::InputSource::Stdin => None,
        };
        let up = dir
            .as_ref()
            .filter(|(dir, _)| dir.join(cdk::MANIFEST).is_file())
            .and_then(|(dir, _)| dir.canonicalize().ok())
            .map_or(0, |real| cdk::nesting_depth(&real, &Disk { max_file_size }));
        DirectoryFiles {
            dir,
            up,
            max_file_size,
            loaded: RefCell::default(),
            overlay: None,
        }
    }

    fn with_overlay(mut self, overlay: &'o dyn Overlay) -> Self {
        self.overlay = Some(overlay);
        self
    }
}

impl DirectoryFiles<'_> {
    /// `reference` resolved inside the linted file's directory (lexically, then once symlinks
    /// are followed), with its display path.
    fn resolve(&self, reference: &str) -> Result<(PathBuf, String), formats::LoadError> {
        use std::path::Component;
        let Some((dir, display_dir)) = &self.dir else {
            return Err(formats::LoadError::NotAvailable);
        };
        let unreadable = |e: std::io::Error| formats::LoadError::Unreadable(e.to_string());
        let real_dir = dir.canonicalize().map_err(unreadable)?;
        // The directory files may be read from: the linted file's, or the top assembly's.
        let root = real_dir.ancestors().nth(self.up).unwrap_or(&real_dir);
        let mut relative = real_dir
            .strip_prefix(root)
            .map_or_else(|_| std::path::PathBuf::new(), std::path::Path::to_path_buf);
        let mut display_dir = display_dir.clone();
        for _ in 0..self.up {
            display_dir = match display_dir.trim_end_matches('/').rsplit_once('/') {
                Some((parent, _)) => format!("{parent}/"),
                None if display_dir.is_empty() || display_dir.ends_with("../") => {
                    format!("{display_dir}../")
                }
                None => String::new(),
            };
        }
        // Lexically inside the root: no root, no prefix, never above it.
        for component in std::path::Path::new(reference).components() {
            match component {
                Component::Normal(part) => relative.push(part),
                Component::CurDir => {}
                Component::ParentDir => {
                    if !relative.pop() {
                        return Err(formats::LoadError::Outside);
                    }
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(formats::LoadError::Outside);
                }
            }
        }
        // And really inside it, once symlinks are followed.
        let real = root.join(&relative).canonicalize().map_err(unreadable)?;
        if !real.starts_with(root) {
            return Err(formats::LoadError::Outside);
        }
        let display = format!(
            "{display_dir}{}",
            relative.to_string_lossy().replace('\\', "/")
        );
        Ok((real, display))
    }

    /// Read and decode a resolved file, capped at `--max-file-size`.
    fn read_text(
        &self,
        real: &std::path::Path,
        display: &str,
    ) -> Result<Arc<SourceFile>, formats::LoadError> {
        if let Some(text) = self.overlay.and_then(|overlay| overlay.text(real)) {
            return Ok(SourceFile::new(display, text));
        }
        let input = Input {
            source: crate::discover::InputSource::File(real.to_path_buf()),
            display: display.to_owned(),
            explicit: true,
            len: None,
        };
        let bytes = read_input(&input, self.max_file_size).map_err(|error| match error {
            ReadError::TooLarge { limit, .. } => formats::LoadError::Unreadable(format!(
                "it is larger than --max-file-size ({limit} bytes)"
            )),
            ReadError::Io { message, .. } => formats::LoadError::Unreadable(message),
        })?;
        let text = syntax::decode(bytes).map_err(|(lossy, error)| {
            let file = SourceFile::new(display, lossy);
            formats::LoadError::Syntax(InputError {
                loc: Loc::new(&file, error.span),
                message: error.message,
            })
        })?;
        Ok(SourceFile::new(display, text))
    }
}

impl formats::FileLoader for DirectoryFiles<'_> {
    /// A file a Terraform module reads (a called module's, a `templatefile` body) is linted
    /// through that module, like a `DefinitionUri` through its template.
    fn read_source(&self, reference: &str) -> Result<Arc<SourceFile>, formats::LoadError> {
        let (real, display) = self.resolve(reference)?;
        let file = self.read_text(&real, &display)?;
        self.loaded.borrow_mut().paths.push(real);
        Ok(file)
    }

    fn list_dir(&self, reference: &str) -> Result<Vec<String>, formats::LoadError> {
        let (real, _) = self.resolve(reference)?;
        let entries =
            std::fs::read_dir(&real).map_err(|e| formats::LoadError::Unreadable(e.to_string()))?;
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        Ok(names)
    }

    fn peek(&self, reference: &str) -> Result<Vec<Document>, formats::LoadError> {
        let (real, display) = self.resolve(reference)?;
        let file = self.read_text(&real, &display)?;
        syntax::parse(&file).map_err(|error| {
            formats::LoadError::Syntax(InputError {
                loc: Loc::new(&file, error.span),
                message: error.message,
            })
        })
    }

    fn load(&self, reference: &str) -> Result<Vec<Document>, formats::LoadError> {
        let (real, _) = self.resolve(reference)?;
        let documents = self.peek(reference)?;
        let mut loaded = self.loaded.borrow_mut();
        for doc in &documents {
            suppress::collect(doc, DocumentKind::OpenApi, &mut loaded.suppressions);
        }
        loaded.paths.push(real);
        Ok(documents)
    }
}

/// The cloud assemblies the inputs are in, read once per directory: a template in a directory
/// with a CDK `manifest.json` gets its findings told at their constructs.
#[derive(Default)]
struct Assemblies {
    by_dir: HashMap<PathBuf, Option<Assembly>>,
}

impl Assemblies {
    fn of(inputs: &[Input], max_file_size: u64) -> Self {
        let files = Disk { max_file_size };
        let mut by_dir: HashMap<PathBuf, Option<Assembly>> = HashMap::default();
        for input in inputs {
            let Some(dir) = input_dir(input) else {
                continue;
            };
            if by_dir.contains_key(&dir) {
                continue;
            }
            let assembly = files
                .is_file(&dir.join(cdk::MANIFEST))
                .then(|| dir.canonicalize().ok())
                .flatten()
                .and_then(|real| Assembly::read(&real, &files));
            by_dir.insert(dir, assembly);
        }
        Assemblies { by_dir }
    }

    /// Whether `input` is in the directory of a cloud assembly.
    fn holds(&self, input: &Input) -> bool {
        input_dir(input).is_some_and(|dir| matches!(self.by_dir.get(&dir), Some(Some(_))))
    }

    /// Whether `input` is in the directory of a cloud assembly and is none of its templates
    /// (its `manifest.json`, `tree.json`, an asset manifest).
    fn holds_metadata(&self, input: &Input) -> bool {
        let Some(assembly) = input_dir(input).and_then(|dir| self.by_dir.get(&dir)?.as_ref())
        else {
            return false;
        };
        let file_name = input.display.rsplit('/').next().unwrap_or(&input.display);
        !assembly.has_template(file_name)
    }

    /// Name the constructs of findings and coverage notes on a template of an assembly, or on
    /// any template that carries `aws:cdk:path` metadata; whether a finding on a construct
    /// could not be told at its code.
    fn annotate(&self, input: &Input, report: &mut FileReport, max_file_size: u64) -> bool {
        let assembly = input_dir(input).and_then(|dir| self.by_dir.get(&dir)?.as_ref());
        let (display_dir, file_name) = input
            .display
            .rsplit_once('/')
            .unwrap_or((".", input.display.as_str()));
        let template = cdk::Template {
            assembly: assembly.filter(|a| a.has_template(file_name)),
            file_name,
            display_dir,
        };
        cdk::annotate(
            &mut report.findings,
            &mut report.coverage,
            &template,
            &Disk { max_file_size },
        )
    }
}

/// The directory an input file is in, as it was named.
fn input_dir(input: &Input) -> Option<PathBuf> {
    match &input.source {
        crate::discover::InputSource::File(path) => Some(
            path.parent()
                .filter(|parent| !parent.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf),
        ),
        crate::discover::InputSource::Stdin => None,
    }
}

/// The file system as the assembly reader sees it: files over `--max-file-size` are not read.
struct Disk {
    max_file_size: u64,
}

impl AssemblyFiles for Disk {
    fn read(&self, path: &std::path::Path) -> Option<String> {
        let input = Input {
            source: crate::discover::InputSource::File(path.to_path_buf()),
            display: path.to_string_lossy().into_owned(),
            explicit: true,
            len: None,
        };
        String::from_utf8(read_input(&input, self.max_file_size).ok()?).ok()
    }

    fn is_file(&self, path: &std::path::Path) -> bool {
        path.is_file()
    }

    fn list(&self, dir: &std::path::Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .collect();
        names.sort();
        names
    }
}
