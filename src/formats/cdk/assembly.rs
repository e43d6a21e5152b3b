//! Reading one cloud assembly directory: its manifest, the per-stack metadata, the construct
//! tree, and which logical id of which template each construct path is.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::collections::HashMap;
use crate::syntax::{self, Document, NodeRef, SourceFile};

/// The file that makes a directory a cloud assembly.
pub const MANIFEST: &str = "manifest.json";
/// The file with the construct tree and each construct's class.
const TREE: &str = "tree.json";
/// The file CDK writes nested stack templates to ends so.
const NESTED_TEMPLATE_SUFFIX: &str = ".nested.template.json";
/// A manifest artifact that is a CloudFormation stack.
const STACK_ARTIFACT: &str = "aws:cloudformation:stack";
/// The metadata entry that maps a construct path to its logical id.
const LOGICAL_ID_ENTRY: &str = "aws:cdk:logicalId";
/// A metadata entry that holds a creation stack as its data.
const CREATION_STACK_ENTRY: &str = "aws:cdk:creationStack";
/// The template resource `Metadata` key naming the file a nested stack's template is in.
const ASSET_PATH_METADATA: &str = "aws:asset:path";
/// How many levels above the assembly to look for the app's `cdk.json`.
const APP_SEARCH_DEPTH: usize = 8;
/// The manifest artifact type of a Stage's nested cloud assembly.
const NESTED_ASSEMBLY_ARTIFACT: &str = "cdk:cloud-assembly";

/// How the assembly reader reaches the file system: the caller decides what may be read and
/// how much of it.
pub trait AssemblyFiles {
    /// A file's text, or `None` when it is missing, unreadable or over the size limit.
    fn read(&self, path: &Path) -> Option<String>;
    /// Whether `path` is an existing regular file.
    fn is_file(&self, path: &Path) -> bool;
    /// The names of the files directly in `dir`, sorted.
    fn list(&self, dir: &Path) -> Vec<String>;
}

/// One cloud assembly directory, read.
#[derive(Debug, Default)]
pub struct Assembly {
    /// The directory holding `manifest.json`.
    pub dir: PathBuf,
    /// For each template file name, its logical ids and the construct path of each.
    templates: HashMap<String, HashMap<String, String>>,
    /// The creation stack recorded for a construct path.
    traces: HashMap<String, Vec<String>>,
    /// Each construct's class (`aws-cdk-lib.aws_apigateway.Method`), by construct path with its
    /// leading `/`.
    types: HashMap<String, String>,
    /// The app directory creation stack frames are mapped onto, and how many levels above
    /// `dir` it is.
    pub app: Option<(PathBuf, usize)>,
}

impl Assembly {
    /// Read the assembly in `dir` (an absolute path); `None` when `dir` holds no cloud assembly manifest. Parts
    /// that cannot be read (a missing metadata file, a malformed tree) are left out: the
    /// templates are linted all the same, only with less provenance.
    pub fn read(dir: &Path, files: &dyn AssemblyFiles) -> Option<Assembly> {
        let manifest = parse(files, &dir.join(MANIFEST))?;
        let root = manifest.root();
        root.get("version")?.as_str()?;
        let artifacts = root.get("artifacts")?;
        let mut assembly = Assembly {
            dir: dir.to_path_buf(),
            ..Assembly::default()
        };
        let mut stacks = Vec::new();
        for (_, artifact) in artifacts.entries() {
            if artifact.get("type").and_then(NodeRef::as_str) != Some(STACK_ARTIFACT) {
                continue;
            }
            let Some(template) = artifact
                .get("properties")
                .and_then(|p| p.get("templateFile"))
                .and_then(NodeRef::as_str)
            else {
                continue;
            };
            let mut constructs = Vec::new();
            if let Some(metadata) = artifact.get("metadata") {
                assembly.read_metadata(metadata, &mut constructs);
            }
            let metadata_file = artifact
                .get("additionalMetadataFile")
                .and_then(NodeRef::as_str)
                .and_then(relative_inside);
            if let Some(doc) = metadata_file.and_then(|file| parse(files, &dir.join(file))) {
                assembly.read_metadata(doc.root(), &mut constructs);
            }
            stacks.push((template.to_owned(), constructs));
        }
        assembly.index_templates(stacks, files);
        // A Stage's nested assembly has no tree of its own: the app's tree is in the outermost.
        let tree = dir
            .ancestors()
            .take(APP_SEARCH_DEPTH)
            .take_while(|ancestor| files.is_file(&ancestor.join(MANIFEST)))
            .find_map(|ancestor| parse(files, &ancestor.join(TREE)));
        if let Some(tree) = tree {
            assembly.read_tree(tree.root());
        }
        assembly.app = app_dir(dir, files);
        Some(assembly)
    }

    /// The construct path of `logical_id` in the template file `template` of this assembly.
    pub fn construct_path(&self, template: &str, logical_id: &str) -> Option<&str> {
        self.templates
            .get(template)?
            .get(logical_id)
            .map(String::as_str)
    }

    /// Whether `template` is a template file of this assembly.
    pub fn has_template(&self, template: &str) -> bool {
        self.templates.contains_key(template)
    }

    /// The creation stack recorded for the construct at `path` (or, for an L1 resource
    /// without one, for the construct that holds it).
    pub fn trace(&self, path: &str) -> Option<&[String]> {
        self.traces
            .get(path)
            .or_else(|| self.traces.get(path.strip_suffix("/Resource")?))
            .map(Vec::as_slice)
    }

    /// Whether any construct in the assembly has a creation stack.
    pub fn has_traces(&self) -> bool {
        !self.traces.is_empty()
    }

    /// The class of the construct at `path`: for an L1 resource (`…/Resource`) that of the
    /// construct that made it.
    pub fn construct_type(&self, path: &str) -> Option<&str> {
        path.strip_suffix("/Resource")
            .and_then(|owner| self.types.get(owner))
            .or_else(|| self.types.get(path))
            .map(String::as_str)
    }

    /// One stack's metadata: `{"/Stack/Api/Resource": [{"type": …, "data": …, "trace": […]}]}`.
    fn read_metadata(&mut self, metadata: NodeRef<'_>, constructs: &mut Vec<(String, String)>) {
        for (path, entries) in metadata.entries() {
            let Some(path) = path.as_str() else {
                continue;
            };
            for entry in entries.items() {
                let kind = entry.get("type").and_then(NodeRef::as_str);
                let data = entry.get("data");
                if kind == Some(LOGICAL_ID_ENTRY)
                    && let Some(logical_id) = data.and_then(NodeRef::as_str)
                {
                    constructs.push((path.to_owned(), logical_id.to_owned()));
                }
                let trace = match kind {
                    Some(CREATION_STACK_ENTRY) => data.map(strings),
                    _ => entry.get("trace").map(strings),
                };
                if let Some(trace) = trace.filter(|t| !t.is_empty()) {
                    self.traces.entry(path.to_owned()).or_insert(trace);
                }
            }
        }
    }

    /// Sort each stack's constructs into its own template and its nested stacks' templates.
    fn index_templates(
        &mut self,
        stacks: Vec<(String, Vec<(String, String)>)>,
        files: &dyn AssemblyFiles,
    ) {
        // A nested stack `/P/N` is a resource `/P/N.NestedStack/N.NestedStackResource` of its
        // parent; the constructs under `/P/N/` are resources of its own template.
        let mut scopes: BTreeMap<String, HashMap<String, String>> = BTreeMap::new();
        for (template, constructs) in &stacks {
            let mut own = HashMap::default();
            let stack_scopes: Vec<String> = constructs
                .iter()
                .filter_map(|(path, _)| nested_scope(path))
                .collect();
            for (path, logical_id) in constructs {
                let scope = stack_scopes
                    .iter()
                    .filter(|scope| path.starts_with(&format!("{scope}/")))
                    .max_by_key(|scope| scope.len());
                let ids = match scope {
                    Some(scope) => scopes.entry(scope.clone()).or_default(),
                    None => &mut own,
                };
                ids.entry(logical_id.clone())
                    .or_insert_with(|| path.clone());
            }
            self.templates.insert(template.clone(), own);
        }
        if scopes.is_empty() {
            return;
        }
        let nested: Vec<String> = files
            .list(&self.dir)
            .into_iter()
            .filter(|name| name.ends_with(NESTED_TEMPLATE_SUFFIX))
            .collect();
        // Which template's which resource each nested template is, from the `aws:asset:path`
        // metadata CDK writes on the nested stack resource.
        let mut parents: HashMap<String, (String, String)> = HashMap::default();
        for template in stacks.iter().map(|(t, _)| t).chain(&nested) {
            let Some(doc) = parse(files, &self.dir.join(template)) else {
                continue;
            };
            let Some(resources) = doc.root().get("Resources") else {
                continue;
            };
            for (logical_id, resource) in resources.entries() {
                let asset = resource
                    .get("Metadata")
                    .and_then(|m| m.get(ASSET_PATH_METADATA))
                    .and_then(NodeRef::as_str);
                if let (Some(asset), Some(logical_id)) = (asset, logical_id.as_str())
                    && asset.ends_with(NESTED_TEMPLATE_SUFFIX)
                {
                    parents.insert(asset.to_owned(), (template.clone(), logical_id.to_owned()));
                }
            }
        }
        // Parents before children: each round places the templates whose parent is placed.
        let mut unplaced: Vec<&String> = nested.iter().collect();
        while !unplaced.is_empty() {
            let before = unplaced.len();
            unplaced.retain(|template| {
                let scope = parents.get(*template).and_then(|(parent, logical_id)| {
                    nested_scope(self.templates.get(parent)?.get(logical_id)?)
                });
                match scope.and_then(|scope| scopes.remove(&scope)) {
                    Some(ids) => {
                        self.templates.insert((*template).clone(), ids);
                        false
                    }
                    None => true,
                }
            });
            if unplaced.len() == before {
                break;
            }
        }
        // Without asset metadata: CDK names a nested stack's template after the stack's unique
        // id, the path's components without punctuation, then an 8-digit hash.
        for template in unplaced {
            let human = template
                .strip_suffix(NESTED_TEMPLATE_SUFFIX)
                .and_then(|stem| stem.get(..stem.len().checked_sub(8)?));
            let scope = scopes
                .keys()
                .find(|scope| Some(unique_id_prefix(scope).as_str()) == human)
                .cloned();
            if let Some(ids) = scope.and_then(|scope| scopes.remove(&scope)) {
                self.templates.insert(template.clone(), ids);
            }
        }
    }

    /// Every construct's class, from `tree.json`'s `{"tree": {"path", "constructInfo": {"fqn"},
    /// "children": {…}}}`.
    fn read_tree(&mut self, root: NodeRef<'_>) {
        let mut pending: Vec<NodeRef<'_>> = root.get("tree").into_iter().collect();
        while let Some(node) = pending.pop() {
            let path = node.get("path").and_then(NodeRef::as_str);
            let fqn = node
                .get("constructInfo")
                .and_then(|info| info.get("fqn"))
                .and_then(NodeRef::as_str);
            if let (Some(path), Some(fqn)) = (path, fqn) {
                self.types
                    .insert(format!("/{}", path.trim_start_matches('/')), fqn.to_owned());
            }
            if let Some(children) = node.get("children") {
                pending.extend(children.entries().map(|(_, child)| child));
            }
        }
    }
}

/// The nested stack a parent's nested stack resource stands for:
/// `/P/N.NestedStack/N.NestedStackResource` is `/P/N`.
fn nested_scope(path: &str) -> Option<String> {
    let (holder, resource) = path.rsplit_once('/')?;
    let (parent, stack) = holder.rsplit_once('/')?;
    let name = stack.strip_suffix(".NestedStack")?;
    (resource.strip_suffix(".NestedStackResource") == Some(name))
        .then(|| format!("{parent}/{name}"))
}

/// The readable part of CDK's unique id for the construct at `path` (`Names.uniqueId`): its
/// components but `Default`, a component the previous one ends with, and `Resource`, each
/// without punctuation.
fn unique_id_prefix(path: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for part in path.split('/').filter(|p| !p.is_empty() && *p != "Default") {
        if kept.last().is_none_or(|last| !last.ends_with(part)) {
            kept.push(part);
        }
    }
    kept.into_iter()
        .filter(|part| *part != "Resource")
        .flat_map(|part| part.chars().filter(char::is_ascii_alphanumeric))
        .take(240)
        .collect()
}

/// The strings of a list.
fn strings(list: NodeRef<'_>) -> Vec<String> {
    list.items()
        .filter_map(NodeRef::as_str)
        .map(str::to_owned)
        .collect()
}

/// A file name the manifest gives, if it stays inside the assembly (no root, no `..`).
fn relative_inside(name: &str) -> Option<&str> {
    Path::new(name)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(name)
}

/// Read and parse a JSON file of the assembly.
fn parse(files: &dyn AssemblyFiles, path: &Path) -> Option<Document> {
    let text = files.read(path)?;
    let file = SourceFile::new(path.to_string_lossy(), text);
    syntax::parse(&file).ok()?.into_iter().next()
}

/// How many directories above `dir` (absolute) the outermost cloud assembly that nests it is: 0
/// unless `dir` is a Stage's nested assembly that its parent's manifest names (a
/// `cdk:cloud-assembly` artifact with this `directoryName`). CDK stages the assets of a nested
/// assembly in the top one and names them relative to the nested one (`../asset.<hash>`).
/// <https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/core/lib/asset-staging.ts>
pub fn nesting_depth(dir: &Path, files: &dyn AssemblyFiles) -> usize {
    let mut depth = 0;
    let mut current = dir;
    while depth < APP_SEARCH_DEPTH && files.is_file(&current.join(MANIFEST)) {
        let (Some(parent), Some(name)) = (current.parent(), current.file_name()) else {
            break;
        };
        let Some(manifest) = parse(files, &parent.join(MANIFEST)) else {
            break;
        };
        let names_it = manifest
            .root()
            .get("artifacts")
            .into_iter()
            .flat_map(NodeRef::entries)
            .any(|(_, artifact)| {
                artifact.get("type").and_then(NodeRef::as_str) == Some(NESTED_ASSEMBLY_ARTIFACT)
                    && artifact
                        .get("properties")
                        .and_then(|p| p.get("directoryName"))
                        .and_then(NodeRef::as_str)
                        .is_some_and(|d| name.to_str() == Some(d))
            });
        if !names_it {
            break;
        }
        depth += 1;
        current = parent;
    }
    depth
}

/// The app the assembly was synthesized from: the nearest directory above it with a
/// `cdk.json`, else the directory holding the outermost assembly (a Stage's assembly is inside
/// the app's). `dir` is absolute.
fn app_dir(dir: &Path, files: &dyn AssemblyFiles) -> Option<(PathBuf, usize)> {
    let mut outermost = (dir, 0);
    for (up, ancestor) in dir.ancestors().enumerate().skip(1).take(APP_SEARCH_DEPTH) {
        if files.is_file(&ancestor.join("cdk.json")) {
            return Some((ancestor.to_path_buf(), up));
        }
        if outermost.1 + 1 == up && files.is_file(&ancestor.join(MANIFEST)) {
            outermost = (ancestor, up);
        }
    }
    let (assembly, up) = outermost;
    assembly
        .parent()
        .map(|parent| (parent.to_path_buf(), up + 1))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn nested_scope_is_the_nested_stack_construct() {
        assert_eq!(
            nested_scope("/Parent/Api.NestedStack/Api.NestedStackResource").as_deref(),
            Some("/Parent/Api")
        );
        assert_eq!(nested_scope("/Parent/Api/Resource"), None);
        assert_eq!(
            nested_scope("/Parent/A.NestedStack/B.NestedStackResource"),
            None
        );
    }

    #[test]
    fn unique_id_prefixes_as_cdk_writes_them() {
        assert_eq!(
            unique_id_prefix("/integ-restapi-import-RootStack/integ-restapi-import-BooksStack"),
            "integrestapiimportRootStackintegrestapiimportBooksStack"
        );
        assert_eq!(unique_id_prefix("/Stack/Api/Default/Resource"), "StackApi");
        assert_eq!(unique_id_prefix("/Stack/StackNested"), "StackStackNested");
        assert_eq!(unique_id_prefix("/Stack/Nested/Nested"), "StackNested");
    }

    #[test]
    fn manifest_file_names_stay_inside() {
        assert_eq!(
            relative_inside("Stack.metadata.json"),
            Some("Stack.metadata.json")
        );
        assert_eq!(relative_inside("../x.json"), None);
        assert_eq!(relative_inside("/etc/passwd"), None);
    }
}
