//! `gatelint server`: a language server over standard input and output. It runs the pipeline
//! `check` runs on every open OpenAPI, CloudFormation, SAM, Terraform and Serverless document
//! (the editor's text, saved or not) and publishes what `check` would report as diagnostics,
//! with code actions (apply a fix, suppress a finding, accept a route as public) and the rule's
//! documentation on hover.
//!
//! Synchronous, as ruff's server: one thread reads messages (lsp-server's), this one lints.
//! Changes are linted once the editor has been quiet for [`DEBOUNCE`]; a request is answered
//! from the document's current text (pending changes are linted first).

// `lsp_types::Uri` caches parsed parts in a cell, but hashes and orders by its text, which never
// changes: a safe key (rust-analyzer allows this lint for the same type).
#![allow(clippy::mutable_key_type)]

mod actions;
mod diagnostics;
mod document;
mod uri;

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability, Diagnostic,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern, Hover,
    HoverContents, HoverParams, HoverProviderCapability, InitializeParams, InitializeResult,
    MarkupContent, MarkupKind, PublishDiagnosticsParams, Registration, RegistrationParams,
    SaveOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri, notification, request,
};
use serde::de::DeserializeOwned;

use crate::collections::HashMap;
use crate::config::{CONFIG_FILENAME, ConfigSource, Configs, FileSelection, RuleSelection};
use crate::diagnostic::{Finding, InputError, NoteKind};
use crate::discover::{Input, InputSource, PathSelection};
use crate::formats::terraform;
use crate::lint::{self, DEFAULT_MAX_FILE_SIZE, FileReport, Overlay};
use crate::rules;
use crate::syntax::Loc;

use document::Document;

/// How long the editor must be quiet after a change before the document is linted again.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// The code action kind of "apply every safe fix".
pub const FIX_ALL: &str = "source.fixAll.gatelint";

pub type ServerResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// Serve on standard input and output until the editor shuts the server down.
pub fn run_stdio() -> ServerResult<()> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io_threads.join()?;
    Ok(())
}

/// Serve one editor session on `connection`: initialize, then messages until `shutdown` and
/// `exit`. An `exit` without `shutdown` (or a closed connection) is an error, as LSP says.
pub fn serve(connection: &Connection) -> ServerResult<()> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "gatelint".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    let mut server = Server::new(connection, &params);
    server.register_watchers()?;
    server.run()
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL)]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// What is linted as one: a file, or the Terraform files of a directory (one module).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Unit {
    File(Uri),
    Module(PathBuf),
}

/// What was last published for a document, and the findings behind it (for code actions and
/// hover).
#[derive(Default)]
struct Published {
    diagnostics: Vec<Diagnostic>,
    findings: Vec<Finding>,
}

struct Server<'c> {
    connection: &'c Connection,
    /// The workspace root: configuration is discovered as `check` run there would.
    root: PathBuf,
    configs: Arc<Configs>,
    docs: BTreeMap<Uri, Document>,
    reports: HashMap<Unit, FileReport>,
    dirty: BTreeSet<Unit>,
    deadline: Option<Instant>,
    published: HashMap<Uri, Published>,
    /// The configuration files whose errors are shown.
    config_errors: BTreeMap<Uri, Vec<Diagnostic>>,
    debounce: Duration,
    watch_files: bool,
    /// The client can create files in a workspace edit (a new `.gatelint.yaml`).
    create_files: bool,
    next_request: i32,
    /// `shutdown` was received: only `exit` may follow.
    shut_down: bool,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, params: &InitializeParams) -> Self {
        #[allow(deprecated)] // `root_uri` is what older clients send.
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|folders| folders.first())
            .and_then(|folder| uri::to_path(&folder.uri))
            .or_else(|| params.root_uri.as_ref().and_then(uri::to_path))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"));
        let capabilities = &params.capabilities;
        let watch_files = capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        let create_files = capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .is_some_and(|edit| {
                edit.document_changes == Some(true)
                    && edit
                        .resource_operations
                        .as_ref()
                        .is_some_and(|ops| ops.contains(&lsp_types::ResourceOperationKind::Create))
            });
        let debounce = params
            .initialization_options
            .as_ref()
            .and_then(|options| options.get("debounceMs")?.as_u64())
            .map_or(DEBOUNCE, Duration::from_millis);
        Server {
            connection,
            configs: load_configs(&root),
            root,
            docs: BTreeMap::new(),
            reports: HashMap::default(),
            dirty: BTreeSet::new(),
            deadline: None,
            published: HashMap::default(),
            config_errors: BTreeMap::new(),
            debounce,
            watch_files,
            create_files,
            next_request: 0,
            shut_down: false,
        }
    }

    /// Ask the editor to tell about configuration files and the files templates load changing
    /// on disk, when it can watch files for us.
    fn register_watchers(&mut self) -> ServerResult<()> {
        if !self.watch_files {
            return Ok(());
        }
        let watcher = |glob: &str| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_owned()),
            kind: None,
        };
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![
                watcher(&format!("**/{CONFIG_FILENAME}")),
                watcher("**/*.{yaml,yml,json,template,tf,tfvars}"),
            ],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "gatelint-watched-files".to_owned(),
                method: notification::DidChangeWatchedFiles::METHOD.to_owned(),
                register_options: Some(serde_json::to_value(options)?),
            }],
        };
        self.next_request += 1;
        let request = Request::new(
            RequestId::from(self.next_request),
            request::RegisterCapability::METHOD.to_owned(),
            params,
        );
        self.send(Message::Request(request))
    }

    fn send(&self, message: Message) -> ServerResult<()> {
        self.connection.sender.send(message)?;
        Ok(())
    }

    fn run(&mut self) -> ServerResult<()> {
        loop {
            let message = match self.deadline {
                None => match self.connection.receiver.recv() {
                    Ok(message) => message,
                    Err(_) => return Err("the connection closed before `exit`".into()),
                },
                Some(deadline) => match self.connection.receiver.recv_deadline(deadline) {
                    Ok(message) => message,
                    Err(error) if error.is_timeout() => {
                        self.lint_dirty()?;
                        continue;
                    }
                    Err(_) => return Err("the connection closed before `exit`".into()),
                },
            };
            match message {
                Message::Request(request) => {
                    if request.method == request::Shutdown::METHOD {
                        self.shut_down = true;
                        self.send(Message::Response(Response::new_ok(request.id, ())))?;
                    } else if self.shut_down {
                        let response = Response::new_err(
                            request.id,
                            ErrorCode::InvalidRequest as i32,
                            "the server is shutting down".to_owned(),
                        );
                        self.send(Message::Response(response))?;
                    } else {
                        self.request(request)?;
                    }
                }
                Message::Notification(note) if note.method == notification::Exit::METHOD => {
                    return if self.shut_down {
                        Ok(())
                    } else {
                        Err("`exit` before `shutdown`".into())
                    };
                }
                Message::Notification(note) => {
                    if !self.shut_down {
                        self.notification(note)?;
                    }
                }
                // The editor's answer to `client/registerCapability`.
                Message::Response(_) => {}
            }
        }
    }

    fn request(&mut self, request: Request) -> ServerResult<()> {
        // Answer from the current text.
        if !self.dirty.is_empty() {
            self.lint_dirty()?;
        }
        let id = request.id.clone();
        let result = guarded("answering a request", || self.answer(request));
        let response = match result {
            Some(Ok(value)) => Response::new_ok(id, value),
            Some(Err((code, message))) => Response::new_err(id, code as i32, message),
            None => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                "gatelint failed on this request (see its log)".to_owned(),
            ),
        };
        self.send(Message::Response(response))
    }

    fn answer(&self, request: Request) -> Result<serde_json::Value, (ErrorCode, String)> {
        let to_json = |value: serde_json::Result<serde_json::Value>| {
            value.map_err(|e| (ErrorCode::InternalError, e.to_string()))
        };
        match request.method.as_str() {
            request::CodeActionRequest::METHOD => {
                let params: CodeActionParams = params(request.params)?;
                to_json(serde_json::to_value(self.code_actions(&params)))
            }
            request::HoverRequest::METHOD => {
                let params: HoverParams = params(request.params)?;
                to_json(serde_json::to_value(self.hover(&params)))
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("gatelint does not answer `{other}`"),
            )),
        }
    }

    fn notification(&mut self, note: Notification) -> ServerResult<()> {
        match note.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                let Ok(params) = params::<DidOpenTextDocumentParams>(note.params) else {
                    return Ok(());
                };
                let item = params.text_document;
                let doc = Document::new(item.uri.clone(), item.text, item.version);
                self.changed(&doc);
                self.docs.insert(item.uri, doc);
                self.lint_dirty()
            }
            notification::DidChangeTextDocument::METHOD => {
                let Ok(params) = params::<DidChangeTextDocumentParams>(note.params) else {
                    return Ok(());
                };
                let uri = params.text_document.uri;
                let Some(mut doc) = self.docs.remove(&uri) else {
                    return Ok(());
                };
                doc.apply(params.content_changes, params.text_document.version);
                self.changed(&doc);
                self.docs.insert(uri, doc);
                self.deadline = Some(Instant::now() + self.debounce);
                Ok(())
            }
            notification::DidCloseTextDocument::METHOD => {
                let Ok(params) = params::<DidCloseTextDocumentParams>(note.params) else {
                    return Ok(());
                };
                let uri = params.text_document.uri;
                if let Some(doc) = self.docs.remove(&uri) {
                    // Whoever loads it now reads the disk.
                    self.changed(&doc);
                }
                self.published.remove(&uri);
                self.publish(uri, Vec::new(), None)?;
                self.lint_dirty()
            }
            notification::DidSaveTextDocument::METHOD => {
                let Ok(params) = params::<DidSaveTextDocumentParams>(note.params) else {
                    return Ok(());
                };
                if uri::to_path(&params.text_document.uri).is_some_and(|p| is_config(&p)) {
                    self.reload_configs()?;
                }
                Ok(())
            }
            notification::DidChangeWatchedFiles::METHOD => {
                let Ok(params) = params::<DidChangeWatchedFilesParams>(note.params) else {
                    return Ok(());
                };
                let paths: Vec<PathBuf> = params
                    .changes
                    .iter()
                    .filter_map(|change| uri::to_path(&change.uri))
                    .collect();
                if paths.iter().any(|p| is_config(p)) {
                    return self.reload_configs();
                }
                for path in paths {
                    // An open file's text is the editor's, whatever the disk says.
                    if !self.docs.values().any(|d| d.path.as_ref() == Some(&path)) {
                        let dependents = self.dependents(&path, path.canonicalize().ok().as_ref());
                        self.dirty.extend(dependents);
                    }
                }
                self.lint_dirty()
            }
            notification::DidChangeConfiguration::METHOD => self.reload_configs(),
            _ => Ok(()),
        }
    }

    /// Mark what a change of `doc` affects: its own unit and the templates that load it.
    fn changed(&mut self, doc: &Document) {
        self.dirty.insert(unit_of(doc));
        let dependents = match &doc.path {
            Some(path) => self.dependents(path, doc.real.as_ref()),
            None => Vec::new(),
        };
        self.dirty.extend(dependents);
    }

    /// The units that read the file at `path` (resolved: `real`): templates that load it, the
    /// Terraform module it belongs to.
    fn dependents(&self, path: &Path, real: Option<&PathBuf>) -> Vec<Unit> {
        let mut units: Vec<Unit> = self
            .reports
            .iter()
            .filter(|(_, report)| {
                report
                    .definitions
                    .iter()
                    .any(|loaded| Some(loaded) == real || loaded == path)
            })
            .map(|(unit, _)| unit.clone())
            .collect();
        if terraform::is_terraform_path(&path.to_string_lossy())
            && let Some(dir) = path.parent()
        {
            let module = Unit::Module(dir.to_path_buf());
            if self.docs.values().any(|d| unit_of(d) == module) {
                units.push(module);
            }
        }
        units
    }

    fn reload_configs(&mut self) -> ServerResult<()> {
        self.configs = load_configs(&self.root);
        self.dirty.extend(self.docs.values().map(unit_of));
        self.lint_dirty()
    }

    /// Lint every unit marked dirty, then publish what changed.
    fn lint_dirty(&mut self) -> ServerResult<()> {
        self.deadline = None;
        let units = std::mem::take(&mut self.dirty);
        for unit in &units {
            if self.docs.values().any(|doc| unit_of(doc) == *unit) {
                let report = self.lint(unit);
                self.reports.insert(unit.clone(), report);
            } else {
                self.reports.remove(unit);
            }
        }
        self.publish_changed(&units)
    }

    /// Lint one unit; a panic is caught and logged, and becomes an error on the document.
    fn lint(&self, unit: &Unit) -> FileReport {
        let overlay = OpenBuffers(&self.docs);
        let linted = guarded("linting", || match unit {
            Unit::File(uri) => self.lint_file(uri, &overlay),
            Unit::Module(dir) => self.lint_module(dir, &overlay, None),
        });
        linted.unwrap_or_else(|| {
            let display = match unit {
                Unit::File(uri) => self.docs.get(uri).map(Document::display),
                Unit::Module(dir) => self
                    .docs
                    .values()
                    .find(|doc| unit_of(doc) == *unit)
                    .map(Document::display)
                    .or_else(|| Some(dir.to_string_lossy().into_owned())),
            };
            FileReport {
                errors: vec![InputError::whole_file(
                    &display.unwrap_or_default(),
                    "gatelint failed on this file (an internal error; the server's log says \
                     more): please report it",
                )],
                ..FileReport::default()
            }
        })
    }

    fn lint_file(&self, uri: &Uri, overlay: &dyn Overlay) -> FileReport {
        match self.docs.get(uri) {
            Some(doc) => self.lint_text(doc, &doc.text, overlay),
            None => FileReport::default(),
        }
    }

    /// Lint `doc` as if its text were `text` (for a code action: the text after its edit).
    fn lint_edited(&self, doc: &Document, text: &str) -> FileReport {
        let overlay = OpenBuffers(&self.docs);
        match (unit_of(doc), &doc.path) {
            (Unit::Module(dir), Some(path)) => {
                self.lint_module(&dir, &overlay, Some((path.as_path(), text)))
            }
            _ => self.lint_text(doc, text, &overlay),
        }
    }

    fn lint_text(&self, doc: &Document, text: &str, overlay: &dyn Overlay) -> FileReport {
        let display = doc.display();
        if self.configs.excludes(&display, false) {
            return FileReport::default();
        }
        let input = Input {
            source: match &doc.path {
                Some(path) => InputSource::File(path.clone()),
                None => InputSource::Stdin,
            },
            display: display.clone(),
            explicit: true,
            len: None,
        };
        let config = self.configs.for_path(&display);
        lint::lint_buffer(
            &input,
            text.as_bytes().to_vec(),
            &config.settings,
            DEFAULT_MAX_FILE_SIZE,
            overlay,
        )
    }

    /// The Terraform files of `dir` as one module: open ones as the editor has them, the others
    /// from disk.
    fn lint_module(
        &self,
        dir: &Path,
        overlay: &dyn Overlay,
        edited: Option<(&Path, &str)>,
    ) -> FileReport {
        let mut files: BTreeMap<PathBuf, Option<&str>> = BTreeMap::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_file())
                && terraform::is_terraform_path(&path.to_string_lossy())
            {
                files.insert(path, None);
            }
        }
        for doc in self.docs.values() {
            if let Some(path) = &doc.path
                && unit_of(doc) == Unit::Module(dir.to_path_buf())
            {
                files.insert(path.clone(), Some(doc.text.as_str()));
            }
        }
        if let Some((path, text)) = edited {
            files.insert(path.to_path_buf(), Some(text));
        }
        let mut inputs = Vec::new();
        for (path, text) in files {
            let display = path.to_string_lossy().into_owned();
            if self.configs.excludes(&display, false) {
                continue;
            }
            let bytes = match text {
                Some(text) => text.as_bytes().to_vec(),
                None => match std::fs::read(&path) {
                    Ok(bytes) => bytes,
                    Err(_) => continue,
                },
            };
            let input = Input {
                source: InputSource::File(path),
                display,
                explicit: true,
                len: None,
            };
            inputs.push((input, bytes));
        }
        let Some((first, _)) = inputs.first() else {
            return FileReport::default();
        };
        let config = self.configs.for_path(&first.display);
        lint::lint_module_buffers(inputs, &config.settings, DEFAULT_MAX_FILE_SIZE, overlay)
    }

    /// Publish the diagnostics of every open document whose unit was linted or whose
    /// diagnostics changed (a template that loads it was linted), and the configuration's
    /// errors.
    fn publish_changed(&mut self, linted: &BTreeSet<Unit>) -> ServerResult<()> {
        let mut resolved = HashMap::default();
        let mut updates = Vec::new();
        for (uri, doc) in &self.docs {
            let (diagnostics, findings) = self.diagnostics_for(doc, &mut resolved);
            let unchanged = self
                .published
                .get(uri)
                .is_some_and(|p| p.diagnostics == diagnostics);
            if linted.contains(&unit_of(doc)) || !unchanged {
                updates.push((uri.clone(), doc.version, diagnostics, findings));
            }
        }
        for (uri, version, diagnostics, findings) in updates {
            self.publish(uri.clone(), diagnostics.clone(), Some(version))?;
            self.published.insert(
                uri,
                Published {
                    diagnostics,
                    findings,
                },
            );
        }
        self.publish_config_errors()
    }

    fn publish_config_errors(&mut self) -> ServerResult<()> {
        let mut errors: BTreeMap<Uri, Vec<Diagnostic>> = BTreeMap::new();
        for error in self.configs.errors() {
            if let Some(uri) = self.uri_of(&error.loc) {
                errors
                    .entry(uri)
                    .or_default()
                    .push(diagnostics::input_error(&error));
            }
        }
        let cleared: Vec<Uri> = self
            .config_errors
            .keys()
            .filter(|uri| !errors.contains_key(*uri))
            .cloned()
            .collect();
        for uri in cleared {
            if !self.docs.contains_key(&uri) {
                self.publish(uri, Vec::new(), None)?;
            }
        }
        for (uri, diagnostics) in &errors {
            if self.config_errors.get(uri) != Some(diagnostics) {
                self.publish(uri.clone(), diagnostics.clone(), None)?;
            }
        }
        self.config_errors = errors;
        Ok(())
    }

    fn publish(
        &self,
        uri: Uri,
        diagnostics: Vec<Diagnostic>,
        version: Option<i32>,
    ) -> ServerResult<()> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            notification::PublishDiagnostics::METHOD.to_owned(),
            params,
        )))
    }

    /// The diagnostics of an open document, and the findings behind them. A file that an open
    /// template or module loads is reported through it (as `check` does, under that API's
    /// name); any other file through its own lint.
    fn diagnostics_for(
        &self,
        doc: &Document,
        resolved: &mut HashMap<String, Option<PathBuf>>,
    ) -> (Vec<Diagnostic>, Vec<Finding>) {
        let own = unit_of(doc);
        let loaders: Vec<&FileReport> = self
            .reports
            .iter()
            .filter(|(unit, report)| {
                **unit != own
                    && doc
                        .real
                        .as_ref()
                        .is_some_and(|real| report.definitions.contains(real))
            })
            .map(|(_, report)| report)
            .collect();
        let sources: Vec<&FileReport> = if loaders.is_empty() {
            self.reports.get(&own).into_iter().collect()
        } else {
            loaders
        };
        let display = doc.display();
        let mut is_here = |loc: &Loc| {
            let path = loc.file.path();
            if path == display {
                return true;
            }
            let real = resolved
                .entry(path.to_owned())
                .or_insert_with(|| self.root.join(path).canonicalize().ok());
            real.is_some() && *real == doc.real
        };
        let mut findings: Vec<Finding> = Vec::new();
        let mut errors: Vec<&InputError> = Vec::new();
        let mut coverage = Vec::new();
        let mut notes = Vec::new();
        for report in sources {
            for finding in &report.findings {
                let shown = if is_here(&finding.primary.loc) {
                    Some(finding.clone())
                } else if self.is_open(&finding.primary.loc) {
                    None
                } else {
                    // Told in a file the editor does not show the server (a CDK construct's
                    // source, a definition that is not open): shown at its place here.
                    let here = finding.related.iter().position(|label| is_here(&label.loc));
                    here.map(|at| shown_at(finding, at))
                };
                if let Some(shown) = shown
                    && !findings.contains(&shown)
                {
                    findings.push(shown);
                }
            }
            errors.extend(report.errors.iter().filter(|e| is_here(&e.loc)));
            coverage.extend(report.coverage.iter().filter(|c| is_here(&c.loc)));
            notes.extend(report.notes.iter().filter(|n| {
                n.kind == NoteKind::Warning && n.path.as_deref() == Some(display.as_str())
            }));
        }
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        errors.sort_by(|a, b| (a.loc.sort_key(), &a.message).cmp(&(b.loc.sort_key(), &b.message)));
        errors.dedup();
        coverage
            .sort_by(|a, b| (a.loc.sort_key(), &a.message).cmp(&(b.loc.sort_key(), &b.message)));
        coverage.dedup();
        let uri_of = |loc: &Loc| self.uri_of(loc);
        let mut diagnostics: Vec<Diagnostic> =
            errors.into_iter().map(diagnostics::input_error).collect();
        diagnostics.extend(findings.iter().map(|f| diagnostics::finding(f, &uri_of)));
        diagnostics.extend(coverage.into_iter().map(diagnostics::coverage));
        diagnostics.extend(notes.into_iter().map(|n| diagnostics::note(&n.message)));
        (diagnostics, findings)
    }

    /// Whether the file of `loc` is an open document.
    fn is_open(&self, loc: &Loc) -> bool {
        let path = loc.file.path();
        let real = self.root.join(path).canonicalize().ok();
        self.docs
            .values()
            .any(|doc| doc.display() == path || (real.is_some() && doc.real == real))
    }

    /// The URI of the file a location is in: findings show absolute paths for open
    /// documents and the files they load, configuration errors paths relative to the root.
    fn uri_of(&self, loc: &Loc) -> Option<Uri> {
        let path = loc.file.path();
        if let Some(doc) = self.docs.values().find(|doc| doc.display() == path) {
            return Some(doc.uri.clone());
        }
        uri::from_path(&paths_join(&self.root, path))
    }

    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let position = &params.text_document_position_params;
        let published = self.published.get(&position.text_document.uri)?;
        let doc = self.docs.get(&position.text_document.uri)?;
        let at = document::offset(&doc.text, position.position);
        let mut rules_here: Vec<&str> = Vec::new();
        let mut range = None;
        for finding in &published.findings {
            let span = finding.primary.loc.span;
            if (span.start as usize) <= at
                && at <= span.end as usize
                && !rules_here.contains(&finding.rule)
            {
                rules_here.push(finding.rule);
                range.get_or_insert_with(|| diagnostics::range(&finding.primary.loc));
            }
        }
        let docs: Vec<String> = rules_here
            .iter()
            .filter_map(|id| rules::find(id))
            .map(|rule| {
                let meta = rule.meta();
                format!(
                    "{}\n\n[{} on the web]({})",
                    meta.doc.trim(),
                    meta.id,
                    crate::report::sarif::rule_help_uri(meta.id)
                )
            })
            .collect();
        if docs.is_empty() {
            return None;
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: docs.join("\n\n---\n\n"),
            }),
            range,
        })
    }
}

/// `finding` shown at its related label `at`, with its primary location as related
/// information.
fn shown_at(finding: &Finding, at: usize) -> Finding {
    let mut shown = finding.clone();
    if at < shown.related.len() {
        let here = shown.related.remove(at);
        let told = std::mem::replace(&mut shown.primary, here);
        let text = if told.text.is_empty() {
            "the finding is told here".into()
        } else {
            told.text.clone()
        };
        shown.related.insert(
            0,
            crate::diagnostic::Label {
                loc: told.loc,
                text,
            },
        );
    }
    shown
}

/// The open documents' texts, for the files a template loads.
struct OpenBuffers<'d>(&'d BTreeMap<Uri, Document>);

impl Overlay for OpenBuffers<'_> {
    fn text(&self, real_path: &Path) -> Option<String> {
        self.0
            .values()
            .find(|doc| doc.real.as_deref() == Some(real_path))
            .map(|doc| doc.text.clone())
    }
}

fn unit_of(doc: &Document) -> Unit {
    if let Some(path) = &doc.path
        && terraform::is_terraform_path(&path.to_string_lossy())
        && let Some(dir) = path.parent()
    {
        return Unit::Module(dir.to_path_buf());
    }
    Unit::File(doc.uri.clone())
}

fn is_config(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == CONFIG_FILENAME)
}

fn load_configs(root: &Path) -> Arc<Configs> {
    Arc::new(Configs::new(
        root,
        ConfigSource::Discover,
        RuleSelection::default(),
        FileSelection::default(),
    ))
}

fn paths_join(root: &Path, path: &str) -> PathBuf {
    crate::paths::lexical(&root.join(path))
}

fn params<P: DeserializeOwned>(value: serde_json::Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(value).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

/// Run `f`; a panic is logged to standard error (the editor's server log) and gives `None`,
/// so one document gatelint fails on never takes the server down.
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Option<T> {
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            eprintln!("gatelint server: a panic while {what}: {message}");
            None
        }
    }
}
