//! A module's files gathered into one configuration, and the module tree: local modules
//! (`source = "./modules/api"`) and those `terraform init` downloaded (listed in
//! `.terraform/modules/modules.json`) are read through the loader, inside the linted directory;
//! any other module is not visible and said to be.

use std::sync::Arc;

use crate::collections::HashMap;
use crate::diagnostic::InputError;
use crate::formats::files::{FileLoader, LoadError};
use crate::model::NotVisible;
use crate::syntax::hcl::{self, Attribute, Block, ExprKind, HclFile};
use crate::syntax::{self, Loc, SourceFile};

/// Modules nested deeper than this are not followed.
const MAX_MODULE_DEPTH: usize = 8;

/// One parsed file of a module.
pub struct ModuleFile {
    pub file: Arc<SourceFile>,
    pub hcl: HclFile,
    /// A `.tfvars` file: variable values, not configuration.
    pub vars: bool,
}

/// Whether a path names a Terraform file gatelint reads.
pub fn is_terraform_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".tf") || lower.ends_with(".tf.json") || is_vars_path(&lower)
}

/// `terraform.tfvars`, `*.auto.tfvars` and their JSON forms: Terraform loads these by itself
/// (other `.tfvars` files only with `-var-file`, so they are ignored).
pub fn is_vars_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    name == "terraform.tfvars"
        || name == "terraform.tfvars.json"
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

/// Any `.tfvars` file (read by name but only loaded when Terraform would).
fn is_any_vars_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json")
}

/// Parse one Terraform file; `None` for a `.tfvars` file Terraform does not load by itself.
pub fn parse_file(file: &Arc<SourceFile>) -> Option<Result<ModuleFile, syntax::SyntaxError>> {
    let path = file.path();
    let vars = is_any_vars_path(path);
    if vars && !is_vars_path(path) {
        return None;
    }
    let json = path.to_ascii_lowercase().ends_with(".json");
    let parsed = if json {
        syntax::parse(file).map(|documents| HclFile {
            body: documents
                .first()
                .map(|doc| hcl::from_json(doc.root(), !vars))
                .unwrap_or_default(),
            comments: Vec::new(),
        })
    } else {
        hcl::parse(file.text())
    };
    Some(parsed.map(|hcl| ModuleFile {
        file: Arc::clone(file),
        hcl,
        vars,
    }))
}

/// A module as loaded, before its configuration is indexed.
pub struct LoadedModule {
    /// `""` for the root, `module.api`, `module.api.module.inner`.
    pub path: String,
    /// Its directory relative to the root module's ("." for the root).
    pub dir: String,
    /// Its key in `.terraform/modules/modules.json`: `api`, `api.inner`.
    pub key: String,
    pub name: String,
    pub files: Vec<ModuleFile>,
    pub parent: Option<usize>,
}

/// Load the module tree under a root module's files.
pub fn load_tree(
    root: Vec<ModuleFile>,
    loader: &dyn FileLoader,
    errors: &mut Vec<InputError>,
    notes: &mut Vec<NotVisible>,
) -> Vec<LoadedModule> {
    let mut modules = vec![LoadedModule {
        path: String::new(),
        dir: ".".to_owned(),
        key: String::new(),
        name: String::new(),
        files: root,
        parent: None,
    }];
    let mut next = 0;
    while next < modules.len() {
        let calls: Vec<(String, Option<String>, Loc)> = modules
            .get(next)
            .map(|m| {
                m.files
                    .iter()
                    .flat_map(|f| {
                        f.hcl.body.blocks_of("module").filter_map(|block| {
                            let name = block.labels.first()?.clone();
                            let source =
                                block
                                    .body
                                    .attribute("source")
                                    .and_then(|s| match &s.value.kind {
                                        ExprKind::String(text) => Some(text.clone()),
                                        _ => None,
                                    });
                            let at = block
                                .body
                                .attribute("source")
                                .map_or(block.header, |s| s.span);
                            Some((name, source, Loc::new(&f.file, at)))
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let depth = {
            let mut depth = 0;
            let mut at = modules.get(next).and_then(|m| m.parent);
            while let Some(p) = at {
                depth += 1;
                at = modules.get(p).and_then(|m| m.parent);
            }
            depth
        };
        for (name, source, at) in calls {
            let Some(parent) = modules.get(next) else {
                break;
            };
            let key = if parent.key.is_empty() {
                name.clone()
            } else {
                format!("{}.{name}", parent.key)
            };
            let path = if parent.path.is_empty() {
                format!("module.{name}")
            } else {
                format!("{}.module.{name}", parent.path)
            };
            let not_visible = |why: &str, notes: &mut Vec<NotVisible>| {
                notes.push(located_note(
                    &at,
                    format!(
                        "module `{name}` is not visible ({why}): its resources are not checked"
                    ),
                ));
            };
            if depth >= MAX_MODULE_DEPTH {
                not_visible("modules nest too deep", notes);
                continue;
            }
            let dir = match &source {
                Some(s) if s.starts_with("./") || s.starts_with("../") => {
                    Some(join(&parent.dir, s))
                }
                Some(_) => downloaded_dir(loader, &key),
                None => None,
            };
            let Some(dir) = dir else {
                let why = match &source {
                    Some(s) => format!(
                        "`{s}` is not a local path and is not under .terraform/modules; gatelint \
                         fetches nothing"
                    ),
                    None => "its source is not a literal string".to_owned(),
                };
                not_visible(&why, notes);
                continue;
            };
            // A module that calls itself (through any chain) is read once.
            let mut ancestor = Some(next);
            let mut cycle = false;
            while let Some(a) = ancestor {
                cycle |= modules.get(a).is_some_and(|m| m.dir == dir);
                ancestor = modules.get(a).and_then(|m| m.parent);
            }
            if cycle {
                not_visible("it contains its caller", notes);
                continue;
            }
            match load_dir(loader, &dir, errors) {
                Ok(files) => modules.push(LoadedModule {
                    path,
                    dir,
                    key,
                    name,
                    files,
                    parent: Some(next),
                }),
                Err(why) => not_visible(&why, notes),
            }
        }
        next += 1;
    }
    modules
}

/// A coverage note at `at`.
pub fn located_note(at: &Loc, message: String) -> NotVisible {
    NotVisible {
        loc: at.clone(),
        message,
    }
}

/// `parent/relative`, normalised (no `.`, `..` folded where it can be).
fn join(parent: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = parent
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// Where `terraform init` put the module with this key.
fn downloaded_dir(loader: &dyn FileLoader, key: &str) -> Option<String> {
    let manifest = loader.read_source(".terraform/modules/modules.json").ok()?;
    let documents = syntax::parse(&manifest).ok()?;
    let root = documents.first()?.root();
    let entry = root
        .get("Modules")?
        .items()
        .find(|m| m.get("Key").and_then(|k| k.as_str()) == Some(key))?;
    let dir = entry.get("Dir")?.as_str()?;
    Some(join(".", dir))
}

fn load_dir(
    loader: &dyn FileLoader,
    dir: &str,
    errors: &mut Vec<InputError>,
) -> Result<Vec<ModuleFile>, String> {
    let names = loader.list_dir(dir).map_err(|e| describe(&e))?;
    let mut files = Vec::new();
    for name in names {
        let lower = name.to_ascii_lowercase();
        // A called module's variables come from its caller, not from its tfvars.
        if !(lower.ends_with(".tf") || lower.ends_with(".tf.json")) {
            continue;
        }
        let file = match loader.read_source(&format!("{dir}/{name}")) {
            Ok(file) => file,
            Err(LoadError::Syntax(error)) => {
                errors.push(error);
                continue;
            }
            Err(_) => continue,
        };
        match parse_file(&file) {
            Some(Ok(parsed)) => files.push(parsed),
            Some(Err(error)) => errors.push(InputError {
                loc: Loc::new(&file, error.span),
                message: error.message,
            }),
            None => {}
        }
    }
    if files.is_empty() {
        return Err(format!("no .tf files in {dir}"));
    }
    Ok(files)
}

fn describe(error: &LoadError) -> String {
    match error {
        LoadError::NotAvailable => "files are not read for this input".to_owned(),
        LoadError::Outside => "its directory is outside the linted one".to_owned(),
        LoadError::Unreadable(why) => why.clone(),
        LoadError::Syntax(error) => error.message.clone(),
    }
}

/// A block or attribute with the file it is written in.
#[derive(Clone, Copy)]
pub struct Located<'a, T> {
    pub file: &'a Arc<SourceFile>,
    pub item: T,
}

impl<'a, T> Located<'a, T> {
    pub fn loc(&self, span: syntax::Span) -> Loc {
        Loc::new(self.file, span)
    }
}

/// A module's blocks, gathered from its files.
#[derive(Default)]
pub struct Config<'a> {
    pub variables: HashMap<&'a str, Located<'a, &'a Block>>,
    pub locals: HashMap<&'a str, Located<'a, &'a Attribute>>,
    pub outputs: HashMap<&'a str, Located<'a, &'a Block>>,
    pub resources: Vec<Located<'a, &'a Block>>,
    /// `data` blocks by type and name (`aws_iam_policy_document`, `doc`).
    pub data: HashMap<(&'a str, &'a str), Located<'a, &'a Block>>,
    pub tfvars: HashMap<&'a str, Located<'a, &'a Attribute>>,
}

impl<'a> Config<'a> {
    fn new(files: &'a [ModuleFile]) -> Self {
        let mut config = Config::default();
        for file in files {
            let at = |item| Located {
                file: &file.file,
                item,
            };
            if file.vars {
                for attribute in &file.hcl.body.attributes {
                    config.tfvars.insert(
                        &attribute.key,
                        Located {
                            file: &file.file,
                            item: attribute,
                        },
                    );
                }
                continue;
            }
            for block in &file.hcl.body.blocks {
                let label = block.labels.first().map(String::as_str);
                match (block.kind.as_str(), label) {
                    ("variable", Some(name)) => {
                        config.variables.insert(name, at(block));
                    }
                    ("output", Some(name)) => {
                        config.outputs.insert(name, at(block));
                    }
                    ("locals", _) => {
                        for attribute in &block.body.attributes {
                            config.locals.insert(
                                &attribute.key,
                                Located {
                                    file: &file.file,
                                    item: attribute,
                                },
                            );
                        }
                    }
                    ("resource", Some(_)) if block.labels.len() == 2 => {
                        config.resources.push(at(block));
                    }
                    ("data", Some(kind)) => {
                        if let Some(name) = block.labels.get(1) {
                            config.data.insert((kind, name), at(block));
                        }
                    }
                    _ => {}
                }
            }
        }
        config
    }
}

/// A module in the tree: its configuration, where it sits and how it was called.
pub struct Scope<'a> {
    pub path: String,
    pub dir: String,
    pub config: Config<'a>,
    pub parent: Option<usize>,
    /// The `module` block that calls it, in its parent.
    pub call: Option<Located<'a, &'a Block>>,
    /// Child modules by name.
    pub children: HashMap<String, usize>,
}

pub fn scopes(modules: &[LoadedModule]) -> Vec<Scope<'_>> {
    let mut scopes: Vec<Scope<'_>> = modules
        .iter()
        .map(|m| Scope {
            path: m.path.clone(),
            dir: m.dir.clone(),
            config: Config::new(&m.files),
            parent: m.parent,
            call: m.parent.and_then(|p| modules.get(p)).and_then(|parent| {
                parent.files.iter().find_map(|f| {
                    f.hcl
                        .body
                        .blocks_of("module")
                        .find(|b| b.labels.first() == Some(&m.name))
                        .map(|item| Located {
                            file: &f.file,
                            item,
                        })
                })
            }),
            children: HashMap::default(),
        })
        .collect();
    for (index, module) in modules.iter().enumerate() {
        if let Some(parent) = module.parent.and_then(|p| scopes.get_mut(p)) {
            parent.children.insert(module.name.clone(), index);
        }
    }
    scopes
}
