//! `.gatelint.yaml`: rule levels and options, intentionally public routes, include and exclude
//! globs, and `fail-on`.
//!
//! The file is read through our own located tree, so every mistake in it (an unknown key, a
//! value of the wrong type, a bad glob) is an error that points at the key or value, with a
//! snippet, like an input error. The tables below are the one description of the format: the
//! reader checks against them and [`schema`] builds the published JSON Schema
//! (`docs/gatelint-config.schema.json`) from them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Map, Value, json};

use crate::collections::HashMap;
use crate::diagnostic::{InputError, Severity};
use crate::discover::{Globs, PathSelection};
use crate::paths::{self, RelativeTo};
use crate::rules::{Level, PublicRoute, RULES, Settings};
use crate::syntax::{self, Document, NodeRef, SourceFile};
use crate::text::edit_distance;

/// The file name looked for in the working directory and its parents.
pub const CONFIG_FILENAME: &str = ".gatelint.yaml";

/// The URL the schema declares as its `$id`.
const SCHEMA_ID: &str =
    "https://raw.githubusercontent.com/gatelint/gatelint/main/docs/gatelint-config.schema.json";

/// The exit-code threshold: exit with 1 when a finding is at least this severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    pub const ALL: [FailOn; 4] = [FailOn::Error, FailOn::Warning, FailOn::Note, FailOn::Never];

    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Note => "note",
            FailOn::Never => "never",
        }
    }

    /// The least severity that fails; `None` for `never`.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }
    }
}

/// A configuration as read (or the defaults, when there is no file).
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file it was read from, as displayed; `None` for the defaults.
    pub path: Option<String>,
    /// Its directory, which its globs are relative to; `None` for the defaults.
    pub dir: Option<RelativeTo>,
    pub settings: Settings,
    pub fail_on: Option<FailOn>,
    pub include: Globs,
    pub exclude: Globs,
}

impl Config {
    /// Make the globs relative to the directory of the file at `path` (as given, relative to
    /// `cwd`).
    fn read_from(mut self, cwd: &Path, path: &Path) -> Config {
        let dir = RelativeTo::file(cwd, path);
        for route in &mut self.settings.public_routes {
            route.relative_to(dir.clone());
        }
        self.dir = Some(dir);
        self
    }

    /// `display` (a path as findings show it) as this configuration's globs see it: relative to
    /// its directory.
    fn glob_path(&self, display: &str) -> String {
        match &self.dir {
            Some(dir) => dir.relative(display),
            None => display.to_owned(),
        }
    }
}

/// The top-level keys.
const TOP_LEVEL: [(&str, &str); 5] = [
    (
        "rules",
        "Per rule: `off`, a severity, or a mapping with `severity` and the rule's options.",
    ),
    (
        "public-routes",
        "Routes that are meant to be callable without credentials; `unauthenticated-route` does \
         not report them.",
    ),
    (
        "include",
        "Globs of the files to lint when walking a directory (instead of *.yaml, *.yml, *.json, \
         *.template).",
    ),
    (
        "exclude",
        "Globs of files and directories to skip when walking a directory.",
    ),
    (
        "fail-on",
        "Exit with 1 when a finding is at least this severe (`--fail-on` overrides it).",
    ),
];

/// The keys of a `public-routes` entry written as a mapping.
const PUBLIC_ROUTE_KEYS: [(&str, &str); 4] = [
    (
        "route",
        "`METHOD PATH`: a method, `ANY` or `*`; a path where `*` is one segment and `**` any \
         number, or a route key such as `$connect`.",
    ),
    (
        "api",
        "Only routes of the API with this name (an OpenAPI `info.title` or a logical id).",
    ),
    ("file", "Only routes declared in files matching this glob."),
    ("reason", "Why the route is public, for reviewers."),
];

/// A numeric option of a rule, and the [`Settings`] field it sets.
struct RuleOption {
    rule: &'static str,
    key: &'static str,
    description: &'static str,
    set: fn(&mut Settings, u64),
}

const RULE_OPTIONS: [RuleOption; 4] = [
    RuleOption {
        rule: "long-authorizer-cache",
        key: "max-seconds",
        description: "The longest acceptable authorizer result TTL, in seconds (default 300).",
        set: |settings, value| settings.max_authorizer_cache_seconds = value,
    },
    RuleOption {
        rule: "long-lived-tokens",
        key: "max-access-token-minutes",
        description: "The longest acceptable access and ID token lifetime, in minutes (default 60).",
        set: |settings, value| settings.max_access_token_minutes = value,
    },
    RuleOption {
        rule: "long-lived-tokens",
        key: "max-refresh-token-minutes",
        description: "The longest acceptable refresh token lifetime, in minutes (default 43200, 30 days).",
        set: |settings, value| settings.max_refresh_token_minutes = value,
    },
    RuleOption {
        rule: "authorizer-cache-key",
        key: "token-validation-above-seconds",
        description: "Report a cached TOKEN authorizer without an IdentityValidationExpression when its TTL is longer than this many seconds (default: not reported).",
        set: |settings, value| settings.token_validation_above_seconds = Some(value),
    },
];

const LEVELS: [&str; 4] = ["off", "note", "warning", "error"];

fn parse_level(text: &str) -> Option<Level> {
    match text {
        "off" => Some(Level::Off),
        other => Severity::parse(other).map(Level::On),
    }
}

/// Look for [`CONFIG_FILENAME`] in `start` and its parents, up to the first directory that holds
/// `.git` (the repository root) or the file-system root. Returns the path to read and the path
/// to display (relative to `start`).
pub fn find(start: &Path) -> Option<(PathBuf, String)> {
    let mut dir = start.to_path_buf();
    let mut display = String::new();
    loop {
        let candidate = dir.join(CONFIG_FILENAME);
        if candidate.is_file() {
            return Some((candidate, format!("{display}{CONFIG_FILENAME}")));
        }
        if dir.join(".git").exists() || !dir.pop() {
            return None;
        }
        display.push_str("../");
    }
}

/// Read the configuration for a run in `cwd`: `explicit` (`--config`) if given, else the one
/// [`find`] finds, else the defaults.
pub fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Config, Vec<InputError>> {
    match explicit {
        Some(path) => read(cwd, path, &path.to_string_lossy()),
        None => match find(cwd) {
            Some((path, display)) => read(cwd, &path, &display),
            None => Ok(Config::default()),
        },
    }
}

/// Read the configuration file at `path` (relative to `cwd`, or absolute), shown as `display`.
pub fn read(cwd: &Path, path: &Path, display: &str) -> Result<Config, Vec<InputError>> {
    let bytes = fs::read(cwd.join(path)).map_err(|err| {
        vec![InputError::whole_file(
            display,
            format!("cannot read the configuration: {err}"),
        )]
    })?;
    let (file, documents) = syntax::read(display, bytes);
    let documents = documents.map_err(|error| vec![InputError::syntax(&file, error)])?;
    from_documents(&file, &documents).map(|config| config.read_from(cwd, path))
}

/// Which rules run, as the command line says (`--select`, `--extend-select`, `--ignore`); it
/// overrides every configuration file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSelection {
    /// Only these rules run (`--select`); `None` keeps the configuration's choice.
    pub select: Option<Vec<String>>,
    /// These rules run too (`--extend-select`), even when the configuration has them `off`.
    pub extend_select: Vec<String>,
    /// These rules do not run (`--ignore`), whatever else says so.
    pub ignore: Vec<String>,
}

impl RuleSelection {
    /// Every id named that is not a rule, with the closest rule id when there is one.
    pub fn unknown_ids(&self) -> Vec<String> {
        let named = self.select.iter().flatten();
        named
            .chain(&self.extend_select)
            .chain(&self.ignore)
            .filter(|id| crate::rules::find(id).is_none())
            .map(|id| match crate::rules::closest(id) {
                Some(close) => format!("`{id}` is not a rule; did you mean `{close}`?"),
                None => format!("`{id}` is not a rule (`gatelint rules` lists them)"),
            })
            .collect()
    }

    /// Apply the selection to one configuration's settings. A rule switched on by the command
    /// line keeps the severity the configuration gives it, else its default.
    pub fn apply(&self, settings: &mut Settings) {
        let switch_on = |settings: &mut Settings, id: &str| {
            if !settings.is_enabled(id) {
                settings.levels.remove(id);
            }
        };
        if let Some(select) = &self.select {
            for rule in RULES {
                let id = rule.meta().id;
                if select.iter().any(|s| s == id) {
                    switch_on(settings, id);
                } else {
                    settings.levels.insert(id.to_owned(), Level::Off);
                }
            }
        }
        for id in &self.extend_select {
            switch_on(settings, id);
        }
        for id in &self.ignore {
            settings.levels.insert(id.clone(), Level::Off);
        }
    }

    pub fn is_empty(&self) -> bool {
        self == &RuleSelection::default()
    }
}

/// What the command line says about which files are taken (`--exclude`, `--extend-exclude`);
/// its globs are relative to the working directory.
#[derive(Clone, Debug, Default)]
pub struct FileSelection {
    /// Replaces every configuration's `exclude` (`--exclude`).
    pub exclude: Option<Globs>,
    /// Excluded as well (`--extend-exclude`).
    pub extend_exclude: Globs,
}

/// Where the configurations of a run come from.
#[derive(Clone, Debug)]
pub enum ConfigSource {
    /// The nearest `.gatelint.yaml` above each file.
    Discover,
    /// This one file for every file (`--config`).
    File(PathBuf),
    /// None at all (`--no-config`).
    Defaults,
}

/// The configurations of one run: the one that applies to each file, read once per file and
/// looked up once per directory, with the command line's selections applied to each.
#[derive(Debug)]
pub struct Configs {
    cwd: PathBuf,
    /// The one configuration of every file, unless they are discovered per directory.
    fixed: Option<Arc<Config>>,
    rules: RuleSelection,
    files: FileSelection,
    defaults: Arc<Config>,
    state: Mutex<ConfigsState>,
}

#[derive(Debug, Default)]
struct ConfigsState {
    /// Per directory (lexical, absolute): the configuration file that applies, if any.
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
    /// Per configuration file read: what it holds (`None`: it has errors, reported once).
    read: HashMap<PathBuf, Option<Arc<Config>>>,
    errors: Vec<InputError>,
}

impl Configs {
    /// The configurations for a run in `cwd`. With [`ConfigSource::File`], the file is read
    /// now; its errors are [`Configs::errors`].
    pub fn new(
        cwd: &Path,
        source: ConfigSource,
        rules: RuleSelection,
        files: FileSelection,
    ) -> Configs {
        let mut defaults = Config::default();
        rules.apply(&mut defaults.settings);
        let mut configs = Configs {
            cwd: paths::lexical(cwd),
            fixed: None,
            rules,
            files,
            defaults: Arc::new(defaults),
            state: Mutex::default(),
        };
        match source {
            ConfigSource::Discover => {}
            ConfigSource::Defaults => configs.fixed = Some(configs.defaults.clone()),
            ConfigSource::File(path) => {
                let display = path.to_string_lossy().into_owned();
                let config = configs.read_file(&path, &display);
                configs.fixed = Some(config);
            }
        }
        configs
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ConfigsState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Read one file (once), with the command line's rule selection applied.
    fn read_file(&self, path: &Path, display: &str) -> Arc<Config> {
        let key = paths::lexical(&self.cwd.join(path));
        if let Some(read) = self.lock().read.get(&key) {
            return read.clone().unwrap_or_else(|| self.defaults.clone());
        }
        let result = read(&self.cwd, &key, display);
        let mut state = self.lock();
        match result {
            Ok(mut config) => {
                self.rules.apply(&mut config.settings);
                let config = Arc::new(config);
                state.read.insert(key, Some(config.clone()));
                config
            }
            Err(errors) => {
                state.read.insert(key, None);
                state.errors.extend(errors);
                self.defaults.clone()
            }
        }
    }

    /// The configuration file that applies in `dir` (lexical, absolute): the nearest
    /// [`CONFIG_FILENAME`] at or above it, up to the repository root.
    fn file_for_dir(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.lock().by_dir.get(dir) {
            return found.clone();
        }
        let candidate = dir.join(CONFIG_FILENAME);
        let found = if candidate.is_file() {
            Some(candidate)
        } else if dir.join(".git").exists() {
            None
        } else {
            dir.parent().and_then(|parent| self.file_for_dir(parent))
        };
        self.lock().by_dir.insert(dir.to_path_buf(), found.clone());
        found
    }

    /// The configuration that applies to the file or directory shown as `display` (relative
    /// to the working directory, or absolute): the one of the directory holding it.
    pub fn for_path(&self, display: &str) -> Arc<Config> {
        if let Some(fixed) = &self.fixed {
            return fixed.clone();
        }
        let path = if display.starts_with('<') {
            self.cwd.join("<stdin>")
        } else {
            paths::lexical(&self.cwd.join(display))
        };
        let dir = path.parent().unwrap_or(&self.cwd);
        match self.file_for_dir(dir) {
            Some(file) => {
                let display = paths::relative_path(&self.cwd, &file);
                self.read_file(&file, &display)
            }
            None => self.defaults.clone(),
        }
    }

    /// The configuration of the working directory.
    pub fn for_cwd(&self) -> Arc<Config> {
        match (&self.fixed, self.file_for_dir(&self.cwd)) {
            (Some(fixed), _) => fixed.clone(),
            (None, Some(file)) => {
                let display = paths::relative_path(&self.cwd, &file);
                self.read_file(&file, &display)
            }
            (None, None) => self.defaults.clone(),
        }
    }

    /// The errors of every configuration file read so far.
    pub fn errors(&self) -> Vec<InputError> {
        self.lock().errors.clone()
    }

    /// `display` relative to the working directory, as the command line's globs see it.
    fn cwd_path(&self, display: &str) -> String {
        paths::relative_path(&self.cwd, &paths::lexical(&self.cwd.join(display)))
    }
}

impl PathSelection for Configs {
    fn excludes(&self, display: &str, dir: bool) -> bool {
        let matches = |globs: &Globs, path: String| {
            if dir {
                globs.matches_any(&[&path, &format!("{path}/")])
            } else {
                globs.matches_any(&[&path])
            }
        };
        let cwd_path = self.cwd_path(display);
        if matches(&self.files.extend_exclude, cwd_path.clone()) {
            return true;
        }
        match &self.files.exclude {
            Some(exclude) => matches(exclude, cwd_path),
            None => {
                let config = self.for_path(display);
                matches(&config.exclude, config.glob_path(display))
            }
        }
    }

    fn includes(&self, display: &str) -> Option<bool> {
        let config = self.for_path(display);
        if config.include.is_empty() {
            None
        } else {
            Some(config.include.matches_any(&[&config.glob_path(display)]))
        }
    }
}

/// Read a configuration from `file`'s text.
pub fn parse(file: &Arc<SourceFile>) -> Result<Config, Vec<InputError>> {
    let documents = syntax::parse(file).map_err(|error| vec![InputError::syntax(file, error)])?;
    from_documents(file, &documents)
}

/// The configuration the parsed `documents` of `file` hold.
fn from_documents(file: &SourceFile, documents: &[Document]) -> Result<Config, Vec<InputError>> {
    let mut reader = Reader {
        config: Config {
            path: Some(file.path().to_owned()),
            ..Config::default()
        },
        errors: Vec::new(),
    };
    let mut documents = documents.iter();
    if let Some(doc) = documents.next() {
        reader.read(doc.root());
    }
    if let Some(extra) = documents.next() {
        reader.error(
            extra.root(),
            "the configuration is one YAML document; this is a second one",
        );
    }
    if reader.errors.is_empty() {
        Ok(reader.config)
    } else {
        Err(reader.errors)
    }
}

struct Reader {
    config: Config,
    errors: Vec<InputError>,
}

impl Reader {
    fn error(&mut self, at: NodeRef<'_>, message: impl Into<String>) {
        self.errors.push(InputError::new(at.loc(), message));
    }

    fn unknown_key(&mut self, key: NodeRef<'_>, known: &[&str], what: &str, context: &str) {
        let text = key.as_str().unwrap_or("");
        let suggestion = known
            .iter()
            .map(|k| (edit_distance(text, k), *k))
            .filter(|(d, k)| *d <= k.len() / 3 + 1)
            .min()
            .map(|(_, k)| format!("; did you mean `{k}`?"))
            .unwrap_or_else(|| format!(" (expected one of: {})", known.join(", ")));
        self.error(key, format!("unknown {what} `{text}`{context}{suggestion}"));
    }

    /// The entries of a mapping, reporting repeated keys.
    fn entries<'a>(&mut self, map: NodeRef<'a>) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
        let entries: Vec<_> = map.entries().collect();
        let mut seen = Vec::new();
        for (key, _) in &entries {
            let text = key.as_str().unwrap_or("");
            if seen.contains(&text) {
                self.error(*key, format!("`{text}` is given twice"));
            }
            seen.push(text);
        }
        entries
    }

    fn read(&mut self, root: NodeRef<'_>) {
        if root.is_null() {
            return;
        }
        if !root.is_map() {
            self.error(root, "the configuration must be a mapping of settings");
            return;
        }
        let known: Vec<&str> = TOP_LEVEL.iter().map(|(k, _)| *k).collect();
        for (key, value) in self.entries(root) {
            match key.as_str().unwrap_or("") {
                "rules" => self.read_rules(value),
                "public-routes" => self.read_public_routes(value),
                "include" => self.config.include = self.read_globs(value),
                "exclude" => self.config.exclude = self.read_globs(value),
                "fail-on" => {
                    self.config.fail_on = match value.as_str() {
                        Some(text) if value.is_scalar() => {
                            FailOn::ALL.into_iter().find(|f| f.as_str() == text)
                        }
                        _ => None,
                    };
                    if self.config.fail_on.is_none() {
                        self.error(value, "`fail-on` is one of: error, warning, note, never");
                    }
                }
                _ => self.unknown_key(key, &known, "setting", ""),
            }
        }
    }

    fn read_rules(&mut self, rules: NodeRef<'_>) {
        if !rules.is_map() {
            self.error(rules, "`rules` maps rule ids to a level or to options");
            return;
        }
        let ids: Vec<&str> = RULES.iter().map(|r| r.meta().id).collect();
        for (key, value) in self.entries(rules) {
            let id = key.as_str().unwrap_or("");
            if !ids.contains(&id) {
                self.unknown_key(key, &ids, "rule", "");
                continue;
            }
            if value.is_map() {
                let options: Vec<&RuleOption> =
                    RULE_OPTIONS.iter().filter(|o| o.rule == id).collect();
                let mut known = vec!["severity"];
                known.extend(options.iter().map(|o| o.key));
                for (option, setting) in self.entries(value) {
                    let name = option.as_str().unwrap_or("");
                    if name == "severity" {
                        self.read_level(id, setting);
                    } else if let Some(o) = options.iter().find(|o| o.key == name) {
                        match setting.as_str().and_then(|t| t.trim().parse::<u64>().ok()) {
                            Some(number) if setting.is_scalar() => {
                                (o.set)(&mut self.config.settings, number)
                            }
                            _ => self.error(setting, format!("`{name}` is a whole number")),
                        }
                    } else {
                        self.unknown_key(option, &known, "option", &format!(" for `{id}`"));
                    }
                }
            } else {
                self.read_level(id, value);
            }
        }
    }

    fn read_level(&mut self, id: &str, value: NodeRef<'_>) {
        match value
            .as_str()
            .filter(|_| value.is_scalar())
            .and_then(parse_level)
        {
            Some(level) => {
                self.config.settings.levels.insert(id.to_owned(), level);
            }
            None => self.error(
                value,
                format!("a rule's level is one of: {}", LEVELS.join(", ")),
            ),
        }
    }

    fn read_public_routes(&mut self, list: NodeRef<'_>) {
        if !list.is_seq() {
            self.error(list, "`public-routes` is a list of `METHOD PATH` patterns");
            return;
        }
        for item in list.items() {
            let route = if item.is_map() {
                self.read_public_route_map(item)
            } else {
                self.read_route_pattern(item)
            };
            if let Some(route) = route {
                self.config.settings.public_routes.push(route);
            }
        }
    }

    fn read_route_pattern(&mut self, pattern: NodeRef<'_>) -> Option<PublicRoute> {
        let Some(text) = pattern.as_str().filter(|_| pattern.is_scalar()) else {
            self.error(pattern, "a route pattern is a string such as `GET /health`");
            return None;
        };
        match PublicRoute::parse(text) {
            Ok(route) => Some(route),
            Err(message) => {
                self.error(pattern, message);
                None
            }
        }
    }

    fn read_public_route_map(&mut self, map: NodeRef<'_>) -> Option<PublicRoute> {
        let known: Vec<&str> = PUBLIC_ROUTE_KEYS.iter().map(|(k, _)| *k).collect();
        let (mut route, mut api, mut file) = (None, None, None);
        let mut ok = true;
        for (key, value) in self.entries(map) {
            let name = key.as_str().unwrap_or("");
            if !known.contains(&name) {
                self.unknown_key(key, &known, "key", " in a public route");
                ok = false;
                continue;
            }
            let Some(text) = value.as_str().filter(|_| value.is_scalar()) else {
                self.error(value, format!("`{name}` is a string"));
                ok = false;
                continue;
            };
            match name {
                "route" => route = Some(value),
                "api" => api = Some(text.to_owned()),
                "file" => file = Some((value, text)),
                _ => {}
            }
        }
        let Some(pattern) = route else {
            if ok {
                self.error(
                    map,
                    "this public route has no `route` (such as `GET /health`)",
                );
            }
            return None;
        };
        let mut route = self.read_route_pattern(pattern)?;
        route.api = api;
        if let Some((node, glob)) = file {
            route = match route.in_files(glob) {
                Ok(route) => route,
                Err(message) => {
                    self.error(node, message);
                    return None;
                }
            };
        }
        ok.then_some(route)
    }

    fn read_globs(&mut self, list: NodeRef<'_>) -> Globs {
        let items: Vec<NodeRef<'_>> = if list.is_seq() {
            list.items().collect()
        } else {
            vec![list]
        };
        let mut patterns = Vec::new();
        for item in &items {
            match item.as_str().filter(|_| item.is_scalar()) {
                Some(text) => patterns.push(text),
                None => {
                    self.error(*item, "a glob is a string such as `cdk.out/**`");
                    return Globs::default();
                }
            }
        }
        match Globs::new(&patterns) {
            Ok(globs) => globs,
            Err(error) => {
                let at = items.get(error.index).copied().unwrap_or(list);
                self.error(at, error.to_string());
                Globs::default()
            }
        }
    }
}

/// The JSON Schema of `.gatelint.yaml`, built from the tables the reader checks against.
pub fn schema() -> Value {
    let level = json!({
        "description": "`off`, or the severity every finding of the rule gets.",
        "enum": LEVELS,
    });
    let mut rules = Map::new();
    for rule in RULES {
        let meta = rule.meta();
        let mut options = Map::new();
        options.insert("severity".into(), json!({ "$ref": "#/$defs/level" }));
        for option in RULE_OPTIONS.iter().filter(|o| o.rule == meta.id) {
            options.insert(
                option.key.into(),
                json!({ "description": option.description, "type": "integer", "minimum": 0 }),
            );
        }
        rules.insert(
            meta.id.into(),
            json!({
                "description": meta.summary(),
                "oneOf": [
                    { "$ref": "#/$defs/level" },
                    { "type": "object", "properties": options, "additionalProperties": false },
                ],
            }),
        );
    }
    let describe = |key: &str| {
        TOP_LEVEL
            .iter()
            .chain(&PUBLIC_ROUTE_KEYS)
            .find(|(k, _)| *k == key)
            .map_or("", |(_, d)| *d)
    };
    let mut route_properties = Map::new();
    for (key, description) in PUBLIC_ROUTE_KEYS {
        route_properties.insert(
            key.into(),
            json!({ "description": description, "type": "string" }),
        );
    }
    let globs = |key: &str| {
        json!({
            "description": describe(key),
            "oneOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } },
            ],
        })
    };
    let fail_on: Vec<&str> = FailOn::ALL.iter().map(|f| f.as_str()).collect();
    let mut properties = BTreeMap::new();
    properties.insert(
        "rules",
        json!({
            "description": describe("rules"),
            "type": "object",
            "properties": rules,
            "additionalProperties": false,
        }),
    );
    properties.insert(
        "public-routes",
        json!({
            "description": describe("public-routes"),
            "type": "array",
            "items": {
                "oneOf": [
                    { "$ref": "#/$defs/routePattern" },
                    {
                        "type": "object",
                        "properties": route_properties,
                        "required": ["route"],
                        "additionalProperties": false,
                    },
                ],
            },
        }),
    );
    properties.insert("include", globs("include"));
    properties.insert("exclude", globs("exclude"));
    properties.insert(
        "fail-on",
        json!({ "description": describe("fail-on"), "enum": fail_on }),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "gatelint configuration (.gatelint.yaml)",
        "type": ["object", "null"],
        "properties": properties,
        "additionalProperties": false,
        "$defs": {
            "level": level,
            "routePattern": {
                "description": describe("route"),
                "type": "string",
                "pattern": r"^\s*\S+\s+[/$]\S*\s*$",
            },
        },
    })
}
