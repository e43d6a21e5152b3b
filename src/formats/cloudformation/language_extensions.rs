//! `AWS::LanguageExtensions`: `Fn::ForEach` loops are expanded before anything else reads the
//! template, as CloudFormation runs the transform before the SAM transform listed after it.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html>
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-languageextensions.html>
//!
//! `'Fn::ForEach::Name': [Identifier, Collection, {OutputKey: OutputValue}]` stands, in the
//! mapping that holds it (`Resources`, `Outputs`, `Conditions`, or any mapping inside a
//! resource), for one copy of the `OutputKey: OutputValue` entries per item of the collection,
//! with `${Identifier}` replaced by the item and `&{Identifier}` by the item without its
//! non-alphanumeric characters, in keys and in every string, and `Ref: Identifier` by the item.
//! The identifier may be a list (`[Name, Port]`) over a collection of lists or a mapping.
//!
//! The expansion is a new tree whose nodes keep the spans of the text they were copied from
//! (the loop's body), so findings point there and comments there suppress them. The other
//! functions of the transform (`Fn::Length`, `Fn::ToJsonString`, `Fn::FindInMap` with a
//! `DefaultValue`) are evaluated where values are read (see [`super::eval`]).

use super::checked::makes_checked_resources;
use super::eval::{Evaluator, Value};
use super::include::SnippetKind;
use super::template::{FOR_EACH, SAM_TRANSFORM, Template};
use crate::collections::HashMap;
use crate::diagnostic::InputError;
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::model::{NotVisible, Workspace};
use crate::syntax::{Document, Entry, Loc, Node, NodeKind, NodeRef, ScalarStyle};

pub use super::transforms::LANGUAGE_EXTENSIONS;

/// The sections a loop may be written in (at their top or anywhere below).
const SECTIONS: [&str; 3] = ["Resources", "Outputs", "Conditions"];

/// The sections whose keys are logical ids, which CloudFormation requires to be alphanumeric.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html>
const LOGICAL_ID_SECTIONS: [&str; 2] = ["Resources", "Outputs"];

/// An expansion that makes more nodes than this stops with an error. CloudFormation's quota on
/// the size of a processed template (1 MB) allows far fewer, so such a template is rejected.
pub const MAX_EXPANDED_NODES: usize = 500_000;

/// A collection is searched for a parameter this far (collections are short).
const MAX_PARAMETER_SEARCH: usize = 10_000;

/// Copies nest at most this deep (the parsed tree is capped far below).
const MAX_COPY_DEPTH: usize = 512;

/// The template `doc` with its `Fn::ForEach` loops expanded, or `None` when it has none.
/// A loop over a collection known only at deployment makes nothing, and a coverage note says
/// so where it makes resources gatelint checks; a malformed loop, a repeated key and an
/// expansion past [`MAX_EXPANDED_NODES`] are input errors.
pub fn expand(
    doc: &Document,
    workspace: &mut Workspace,
    errors: &mut Vec<InputError>,
) -> Option<Document> {
    if !doc.file.text().contains(FOR_EACH) {
        return None;
    }
    let root = doc.root();
    let template = Template::new(root)?;
    let mut expander = Expander::new(&template, doc.file.text());
    let expanded = expander.sections(root);
    let first_loop = expander.first_loop.take()?;
    if !declares(root) {
        errors.push(needs_transform(first_loop));
    } else if let (Some(sam), Some(extensions)) = (
        super::transforms::position(root, SAM_TRANSFORM),
        super::transforms::position(root, LANGUAGE_EXTENSIONS),
    ) && sam < extensions
    {
        // The SAM transform runs first and refuses a resource that is not a mapping.
        let resources = root.get("Resources").into_iter().flat_map(NodeRef::entries);
        for (key, _) in
            resources.filter(|(k, _)| k.as_str().is_some_and(|k| k.starts_with(FOR_EACH)))
        {
            errors.push(InputError::new(
                key.loc(),
                format!(
                    "`{SAM_TRANSFORM}` is listed before `{LANGUAGE_EXTENSIONS}` in `Transform`, so \
                     it runs first and sees this loop unexpanded: SAM rejects it (\"All \
                     'Resources' must be Objects\"); list `{LANGUAGE_EXTENSIONS}` first (gatelint \
                     expands the loop all the same)"
                ),
            ));
        }
    }
    errors.append(&mut expander.errors);
    workspace.not_visible.append(&mut expander.notes);
    Some(Document::built(std::sync::Arc::clone(&doc.file), expanded))
}

/// The `AWS::Include` snippet `snippet` of `template` with its `Fn::ForEach` loops expanded,
/// or `None` when it has none. CloudFormation merges a snippet before the transforms of the
/// `Transform` section run, so its loops are expanded as if written inline; a template-level
/// include listed after `AWS::LanguageExtensions` merges once that has run, and its loops
/// are never expanded (an input error).
pub fn expand_snippet(
    snippet: &Document,
    kind: SnippetKind,
    template: &Template<'_>,
    notes: &mut Vec<NotVisible>,
    errors: &mut Vec<InputError>,
) -> Option<Document> {
    if !snippet.file.text().contains(FOR_EACH) {
        return None;
    }
    let root = snippet.root();
    let extensions = super::transforms::position(template.root, LANGUAGE_EXTENSIONS);
    if let (
        SnippetKind::Sections {
            listed: Some(listed),
        },
        Some(extensions),
    ) = (kind, extensions)
        && listed > extensions
    {
        if let Some(key) = first_loop_key(root) {
            errors.push(InputError::new(
                key.loc(),
                format!(
                    "this snippet's `AWS::Include` is listed after `{LANGUAGE_EXTENSIONS}` in \
                     `Transform`, so it is merged once the loops are expanded and this loop never \
                     is: CloudFormation rejects the template (list the include first)"
                ),
            ));
        }
        return None;
    }
    let mut expander = Expander::new(template, snippet.file.text());
    let expanded = match kind {
        SnippetKind::Sections { .. } => expander.sections(root),
        SnippetKind::Resources => {
            expander.logical_ids = true;
            expander.value(root, 0)
        }
        SnippetKind::Value => expander.value(root, 0),
    };
    let first_loop = expander.first_loop.take()?;
    if extensions.is_none() {
        errors.push(needs_transform(first_loop));
    }
    errors.append(&mut expander.errors);
    notes.append(&mut expander.notes);
    Some(Document::built(
        std::sync::Arc::clone(&snippet.file),
        expanded,
    ))
}

/// The error for a loop in a template that does not declare the transform.
fn needs_transform(first_loop: Loc) -> InputError {
    InputError::new(
        first_loop,
        format!(
            "`Fn::ForEach` needs `Transform: {LANGUAGE_EXTENSIONS}`: CloudFormation rejects \
             the template until it declares it (gatelint expands the loop all the same)"
        ),
    )
}

/// The first `Fn::ForEach` key in `root`, if any (looked for within a bound).
fn first_loop_key(root: NodeRef<'_>) -> Option<NodeRef<'_>> {
    find_within(root, MAX_EXPANDED_NODES, &mut |node| {
        node.entries()
            .map(|(key, _)| key)
            .find(|key| key.as_str().is_some_and(|k| k.starts_with(FOR_EACH)))
    })
}

/// The first of `root` and the values under it for which `found` gives something, looking at
/// `limit` nodes at most.
fn find_within<'n, T>(
    root: NodeRef<'n>,
    limit: usize,
    found: &mut dyn FnMut(NodeRef<'n>) -> Option<T>,
) -> Option<T> {
    let mut pending = vec![root];
    for _ in 0..limit {
        let node = pending.pop()?;
        if let Some(found) = found(node) {
            return Some(found);
        }
        pending.extend(node.items());
        pending.extend(node.entries().map(|(_, value)| value));
    }
    None
}

/// Whether the template lists the transform (as a string or in a list).
fn declares(root: NodeRef<'_>) -> bool {
    super::transforms::position(root, LANGUAGE_EXTENSIONS).is_some()
}

/// The entries each loop in `map` (a `Resources` section, say) repeats, loops inside loops
/// included: each as written once in the template, its key still a pattern (`${Name}Api`).
pub fn loop_bodies<'a>(map: NodeRef<'a>) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
    let mut found = Vec::new();
    let mut pending: Vec<(NodeRef<'a>, usize)> = vec![(map, 0)];
    while let Some((map, depth)) = pending.pop() {
        for (key, value) in map.entries() {
            if !key.as_str().is_some_and(|k| k.starts_with(FOR_EACH)) {
                if depth > 0 {
                    found.push((key, value));
                }
                continue;
            }
            if let Some(body) = value.items().nth(2).filter(|b| b.is_map())
                && depth < MAX_COPY_DEPTH
            {
                pending.push((body, depth + 1));
            }
        }
    }
    found.sort_by_key(|(key, _)| key.span().start);
    found
}

struct Expander<'t, 'a> {
    template: &'t Template<'a>,
    source: &'a str,
    /// Loop identifiers in scope, innermost last, with the item each stands for.
    bindings: Vec<(String, String)>,
    /// Nodes made so far, against [`MAX_EXPANDED_NODES`].
    created: usize,
    /// The loops being expanded, outermost first.
    loops: Vec<ActiveLoop<'a>>,
    /// Expanding the top of a section whose keys are logical ids (`Resources`, `Outputs`).
    logical_ids: bool,
    exhausted: bool,
    /// Inside a resource of a type gatelint checks.
    checked: bool,
    first_loop: Option<Loc>,
    /// The loop names met so far: each must be unique in the template.
    loop_names: HashMap<&'a str, Loc>,
    /// Whether each loop (by where its key starts) is well formed, once checked.
    checked_loops: HashMap<u32, bool>,
    errors: Vec<InputError>,
    notes: Vec<NotVisible>,
}

/// A loop being expanded: where its key is, and the parameter its collection (or an enclosing
/// loop's) is read from, if any.
struct ActiveLoop<'a> {
    at: Loc,
    parameter: Option<&'a str>,
}

/// Where a key of an expanded mapping came from, to report one a loop repeats.
struct KeyOrigin {
    text: Option<String>,
    made_by: Option<(String, Loc, String)>,
}

impl<'t, 'a> Expander<'t, 'a> {
    fn new(template: &'t Template<'a>, source: &'a str) -> Self {
        Expander {
            template,
            source,
            bindings: Vec::new(),
            created: 0,
            loops: Vec::new(),
            logical_ids: false,
            exhausted: false,
            checked: false,
            first_loop: None,
            loop_names: HashMap::default(),
            checked_loops: HashMap::default(),
            errors: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The template (or template fragment) `root` with the loops of its sections expanded.
    fn sections(&mut self, root: NodeRef<'a>) -> Node {
        let mut entries = Vec::new();
        for (key, value) in root.entries() {
            let value = if let Some(section) = key.as_str().filter(|k| SECTIONS.contains(k)) {
                self.logical_ids = LOGICAL_ID_SECTIONS.contains(&section);
                self.value(value, 0)
            } else {
                self.copy(value, 0)
            };
            entries.push(Entry {
                key: self.copy(key, 0),
                value,
            });
        }
        let mut expanded = Node::map(entries, root.span());
        expanded.set_tag_like(root);
        expanded
    }

    /// Count one more node; false once the budget is spent (the first time, with an error at
    /// the outermost loop being expanded).
    fn spend(&mut self) -> bool {
        if self.exhausted {
            return false;
        }
        self.created += 1;
        if self.created <= MAX_EXPANDED_NODES {
            return true;
        }
        self.exhausted = true;
        if let Some(outermost) = self.loops.first() {
            self.errors.push(InputError::new(
                outermost.at.clone(),
                format!(
                    "expanding this `Fn::ForEach` makes more than {MAX_EXPANDED_NODES} nodes: \
                     CloudFormation's template size quota rejects the result, and gatelint \
                     stops expanding here"
                ),
            ));
        }
        false
    }

    fn null(&self, span: crate::syntax::Span) -> Node {
        Node::scalar(ScalarStyle::Plain, "", span, self.source)
    }

    fn string(&self, text: &str, like: NodeRef<'a>) -> Node {
        let style = match like.scalar_style() {
            Some(ScalarStyle::Plain) | None => ScalarStyle::DoubleQuoted,
            Some(style) => style,
        };
        Node::scalar(style, text, like.span(), self.source)
    }

    /// `text` with the identifiers in scope replaced; `None` when nothing changes.
    fn substitute(&self, text: &str) -> Option<String> {
        if self.bindings.is_empty() || !text.contains('{') {
            return None;
        }
        let mut out = text.to_owned();
        for (identifier, item) in self.bindings.iter().rev() {
            out = out.replace(&format!("${{{identifier}}}"), item);
            let alphanumeric: String = item.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            out = out.replace(&format!("&{{{identifier}}}"), &alphanumeric);
        }
        (out != text).then_some(out)
    }

    fn bound(&self, name: &str) -> Option<&str> {
        self.bindings
            .iter()
            .rev()
            .find(|(identifier, _)| identifier == name)
            .map(|(_, item)| item.as_str())
    }

    /// `node` copied as it is (outside the sections loops may be written in).
    fn copy(&mut self, node: NodeRef<'a>, depth: usize) -> Node {
        if !self.spend() || depth > MAX_COPY_DEPTH {
            return self.null(node.span());
        }
        let mut copied = match node.kind() {
            NodeKind::Scalar => Node::copy_of(node),
            NodeKind::Seq => {
                let items = node
                    .items()
                    .map(|item| self.copy(item, depth + 1))
                    .collect();
                Node::seq(items, node.span())
            }
            NodeKind::Map => {
                let mut entries = Vec::with_capacity(node.len());
                for (key, value) in node.entries() {
                    entries.push(Entry {
                        key: self.copy(key, depth + 1),
                        value: self.copy(value, depth + 1),
                    });
                }
                Node::map(entries, node.span())
            }
            // An alias the document's budget no longer resolves: nothing.
            NodeKind::Alias => return self.null(node.span()),
        };
        copied.set_tag_like(node);
        copied
    }

    /// `node` with its loops expanded and the identifiers in scope replaced.
    fn value(&mut self, node: NodeRef<'a>, depth: usize) -> Node {
        if !self.spend() || depth > MAX_COPY_DEPTH {
            return self.null(node.span());
        }
        if let Some(Intrinsic::Ref(name)) = intrinsic(node)
            && let Some(item) = self.bound(name)
        {
            let item = item.to_owned();
            return self.string(&item, node);
        }
        // `!Sub /${Name}` is the string `/orders` (so is `!Ref {Fn::Sub: "${Name}Api"}` a
        // `Ref` to `ordersApi`): SAM then reads a path or a reference it accepts.
        if let Some(text) = self.folded_sub(node) {
            let mut folded = self.string(&text, node);
            if node.tag() != Some("!Sub") {
                folded.set_tag_like(node);
            }
            return folded;
        }
        let mut copied = match node.kind() {
            NodeKind::Scalar => match node.as_str().and_then(|text| self.substitute(text)) {
                Some(text) => Node::scalar(
                    node.scalar_style().unwrap_or(ScalarStyle::Plain),
                    &text,
                    node.span(),
                    self.source,
                ),
                None => Node::copy_of(node),
            },
            NodeKind::Seq => {
                let items = node
                    .items()
                    .map(|item| self.value(item, depth + 1))
                    .collect();
                Node::seq(items, node.span())
            }
            NodeKind::Map => self.map(node, depth),
            NodeKind::Alias => return self.null(node.span()),
        };
        copied.set_tag_like(node);
        copied
    }

    /// The text of `node` when it is a `Fn::Sub` call (in either spelling, also as the
    /// argument of a `!Ref` or `!GetAtt` tag) with nothing left to substitute once the
    /// identifiers are replaced: the transform resolves it to that string.
    fn folded_sub(&self, node: NodeRef<'a>) -> Option<String> {
        let argument = if node.tag() == Some("!Sub") {
            node
        } else {
            let mut entries = node.entries();
            let (key, value) = entries.next()?;
            if entries.next().is_some() || key.as_str() != Some("Fn::Sub") {
                return None;
            }
            value
        };
        let template = if argument.is_seq() {
            let mut items = argument.items();
            let template = items.next()?;
            // The list form folds only without variables of its own.
            if items.next().is_some_and(|variables| !variables.is_empty()) {
                return None;
            }
            template
        } else {
            argument
        };
        let text = template.as_str()?;
        let text = self.substitute(text).unwrap_or_else(|| text.to_owned());
        (!text.contains("${")).then_some(text)
    }

    fn map(&mut self, node: NodeRef<'a>, depth: usize) -> Node {
        let outer_checked = self.checked;
        if let Some(kind) = node.get("Type").and_then(NodeRef::as_str) {
            self.checked = makes_checked_resources(kind);
        }
        let mut entries = Vec::with_capacity(node.len());
        let mut origins = Vec::with_capacity(node.len());
        for (key, value) in node.entries() {
            if let Some(name) = key.as_str().filter(|k| k.starts_with(FOR_EACH)) {
                self.for_each(name, key, value, depth, &mut entries, &mut origins);
                continue;
            }
            let value = self.value(value, depth + 1);
            let (key, text) = self.key(key);
            origins.push(KeyOrigin {
                text,
                made_by: None,
            });
            entries.push(Entry { key, value });
        }
        self.checked = outer_checked;
        self.report_repeated_keys(&origins);
        Node::map(entries, node.span())
    }

    /// A key with the identifiers in scope replaced, and its text.
    fn key(&mut self, key: NodeRef<'a>) -> (Node, Option<String>) {
        let text = key
            .as_str()
            .map(|k| self.substitute(k).unwrap_or_else(|| k.to_owned()));
        let node = match (&text, key.as_str()) {
            (Some(new), Some(old)) if new != old => Node::scalar(
                key.scalar_style().unwrap_or(ScalarStyle::Plain),
                new,
                key.span(),
                self.source,
            ),
            _ => {
                self.spend();
                Node::copy_of(key)
            }
        };
        (node, text)
    }

    /// Expand the loop `name` (its key `key`, its arguments `value`) into `entries`.
    fn for_each(
        &mut self,
        name: &'a str,
        key: NodeRef<'a>,
        value: NodeRef<'a>,
        depth: usize,
        entries: &mut Vec<Entry>,
        origins: &mut Vec<KeyOrigin>,
    ) {
        self.first_loop.get_or_insert_with(|| key.loc());
        let arguments: Vec<NodeRef<'a>> = value.items().collect();
        let [identifier, collection, body] = arguments.as_slice() else {
            self.errors.push(InputError::new(
                value.loc(),
                "`Fn::ForEach` takes a list of three: an identifier, a collection and the \
                 mapping to repeat; CloudFormation rejects this loop",
            ));
            return;
        };
        let Some(identifiers) = self.identifiers(*identifier) else {
            self.errors.push(InputError::new(
                identifier.loc(),
                "the identifier of a `Fn::ForEach` loop is a name or a list of names; \
                 CloudFormation rejects this loop",
            ));
            return;
        };
        if !body.is_map() {
            self.errors.push(InputError::new(
                body.loc(),
                "the third item of a `Fn::ForEach` loop is the mapping it repeats; \
                 CloudFormation rejects this loop",
            ));
            return;
        }
        // Checked once, though an enclosing loop expands it once per item.
        let well_formed = match self.checked_loops.get(&key.span().start) {
            Some(&checked) => checked,
            None => {
                let checked = self.well_formed(name, key, &identifiers, *collection, *body);
                self.checked_loops.insert(key.span().start, checked);
                checked
            }
        };
        if !well_formed {
            return;
        }
        let Some(rows) = self.collection(*collection, identifiers.len()) else {
            let text = key.doc().file.slice(body.full_span());
            let checked = self.checked || super::checked::mentions_checked_type(text);
            if checked {
                self.notes.push(NotVisible {
                    loc: key.loc(),
                    message: format!(
                        "what the loop `{name}` makes is not visible: its collection is only \
                         known at deployment (a parameter without a default, an import or an \
                         SSM parameter), so APIs and routes it makes are not checked"
                    ),
                });
            }
            return;
        };
        let parameter = self
            .parameter_in(*collection)
            .or_else(|| self.loops.iter().find_map(|l| l.parameter));
        self.loops.push(ActiveLoop {
            at: key.loc(),
            parameter,
        });
        let (first_entry, first_origin) = (entries.len(), origins.len());
        let scope = self.bindings.len();
        for row in rows {
            if self.exhausted {
                break;
            }
            let item = row.join(", ");
            self.bindings.extend(identifiers.iter().cloned().zip(row));
            for (key, value) in body.entries() {
                if let Some(inner) = key.as_str().filter(|k| k.starts_with(FOR_EACH)) {
                    self.for_each(inner, key, value, depth, entries, origins);
                    continue;
                }
                let value = self.value(value, depth + 1);
                let (made, text) = self.key(key);
                if depth == 0
                    && self.logical_ids
                    && let Some(made_id) = text.as_deref()
                    && !is_logical_id(made_id)
                {
                    self.not_a_logical_id(name, key, made_id, &item, &identifiers);
                }
                origins.push(KeyOrigin {
                    text,
                    made_by: Some((name.to_owned(), key.loc(), item.clone())),
                });
                entries.push(Entry { key: made, value });
            }
            self.bindings.truncate(scope);
        }
        self.loops.pop();
        // An expansion stopped part way makes nothing at all: lowering a part of it would
        // cost as much and mean little.
        if self.exhausted && self.loops.is_empty() {
            entries.truncate(first_entry);
            origins.truncate(first_origin);
        }
    }

    /// The rules CloudFormation checks before it expands a loop, whatever the parameters: the
    /// loop's name is a logical id of its own (alphanumeric, unique in the template, no
    /// resource's), its collection is a list (a literal one, or a list parameter), and every
    /// key it repeats names the item (`${Identifier}` or `&{Identifier}`), so that each copy
    /// has a key of its own. Each broken rule is an input error; the loop then makes nothing.
    /// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html>
    fn well_formed(
        &mut self,
        name: &'a str,
        key: NodeRef<'a>,
        identifiers: &[String],
        collection: NodeRef<'a>,
        body: NodeRef<'a>,
    ) -> bool {
        let before = self.errors.len();
        let loop_name = name.strip_prefix(FOR_EACH).unwrap_or(name);
        if !is_logical_id(loop_name) {
            self.errors.push(InputError::new(
                key.loc(),
                format!(
                    "the loop name `{loop_name}` is not a logical id (letters and digits only): \
                     CloudFormation rejects this loop"
                ),
            ));
        } else if self.template.resource(loop_name).is_some() {
            self.errors.push(InputError::new(
                key.loc(),
                format!(
                    "the loop name `{loop_name}` is also the logical id of a resource: \
                     CloudFormation rejects the template"
                ),
            ));
        } else if let Some(first) = self.loop_names.get(loop_name) {
            let line = first.start().line;
            self.errors.push(InputError::new(
                key.loc(),
                format!(
                    "the loop name `{loop_name}` is used a second time (first on line {line}): \
                     loop names must be unique in the template, so CloudFormation rejects it"
                ),
            ));
        } else {
            self.loop_names.insert(loop_name, key.loc());
        }
        // The collection is a list, or names one; a literal string or number never is.
        let not_a_list = match intrinsic(collection) {
            None => collection.is_scalar(),
            Some(Intrinsic::Ref(parameter)) => self
                .template
                .parameter(parameter)
                .is_some_and(|p| !is_list_type(p.kind)),
            Some(_) => false,
        };
        if not_a_list && self.bound_name(collection).is_none() {
            self.errors.push(InputError::new(
                collection.loc(),
                "the collection of a `Fn::ForEach` loop must be a list (or a `Ref` to a \
                 `CommaDelimitedList` or `List<...>` parameter); CloudFormation rejects this \
                 loop",
            ));
        }
        for (output_key, _) in body.entries() {
            let Some(text) = output_key.as_str() else {
                continue;
            };
            if text.starts_with(FOR_EACH) {
                continue;
            }
            let names_item = identifiers.iter().any(|id| {
                text.contains(&format!("${{{id}}}")) || text.contains(&format!("&{{{id}}}"))
            });
            if !names_item {
                let written = identifiers.join("}` or `${");
                self.errors.push(InputError::new(
                    output_key.loc(),
                    format!(
                        "the key `{text}` does not contain `${{{written}}}`: every key a \
                         `Fn::ForEach` loop repeats must name the item, so CloudFormation \
                         rejects this loop"
                    ),
                ));
            }
        }
        self.errors.len() == before
    }

    /// A key that a loop at the top of `Resources` or `Outputs` makes and that is not a logical
    /// id. CloudFormation rejects it: an input error when that is so whatever the parameters
    /// (the key as written has other characters, or the item comes from a literal collection).
    /// When the item comes from a parameter's default, a deployment that gives the parameter
    /// may be valid: a note says the default is rejected, and the copy is linted as made.
    fn not_a_logical_id(
        &mut self,
        name: &str,
        key: NodeRef<'a>,
        made: &str,
        item: &str,
        identifiers: &[String],
    ) {
        let written = key.as_str().unwrap_or("");
        let fixed = identifiers.iter().fold(written.to_owned(), |text, id| {
            text.replace(&format!("${{{id}}}"), "")
                .replace(&format!("&{{{id}}}"), "")
        });
        // The identifier whose item brought the other characters in, for the fix.
        let kept = identifiers
            .iter()
            .find(|id| written.contains(&format!("${{{id}}}")))
            .map_or_else(|| "&{...}".to_owned(), |id| format!("&{{{id}}}"));
        let parameter = self.loops.iter().find_map(|l| l.parameter);
        match parameter {
            Some(parameter) if is_logical_id(&fixed) || fixed.is_empty() => {
                self.notes.push(NotVisible {
                    loc: key.loc(),
                    message: format!(
                        "the loop `{name}` makes `{made}` from the default of the parameter \
                         `{parameter}` (the item `{item}`): not a logical id (letters and digits \
                         only), so CloudFormation rejects the template unless `{parameter}` is \
                         given at deployment; gatelint lints the copy as the default makes it \
                         (write `{kept}` to keep only letters and digits)"
                    ),
                });
            }
            _ => self.errors.push(InputError::new(
                key.loc(),
                format!(
                    "the loop `{name}` makes the logical id `{made}` (for the item `{item}`), \
                     which is not alphanumeric: CloudFormation rejects the template (write \
                     `{kept}` to keep only the item's letters and digits)"
                ),
            )),
        }
    }

    /// The first template parameter `node` refers to (a collection read from a parameter's
    /// default may differ at deployment). Identifiers of enclosing loops are not parameters.
    fn parameter_in(&self, node: NodeRef<'a>) -> Option<&'a str> {
        find_within(
            node,
            MAX_PARAMETER_SEARCH,
            &mut |node| match intrinsic(node) {
                Some(Intrinsic::Ref(name))
                    if self.bound(name).is_none() && self.template.parameter(name).is_some() =>
                {
                    Some(name)
                }
                _ => None,
            },
        )
    }

    /// The item an enclosing loop binds to `node`, when it is a `Ref` to its identifier.
    fn bound_name(&self, node: NodeRef<'a>) -> Option<&str> {
        match intrinsic(node) {
            Some(Intrinsic::Ref(name)) => self.bound(name),
            _ => None,
        }
    }

    /// The loop's identifier names: one string, or a list of them (each may be a `Ref` to a
    /// parameter).
    fn identifiers(&self, identifier: NodeRef<'a>) -> Option<Vec<String>> {
        let evaluator = Evaluator::with_bindings(self.template, &self.bindings);
        let name = |node: NodeRef<'a>| evaluator.known_string(Some(node));
        if identifier.is_seq() {
            let names: Option<Vec<String>> = identifier.items().map(name).collect();
            names.filter(|n| !n.is_empty())
        } else {
            name(identifier).map(|n| vec![n])
        }
    }

    /// The collection's items, each as one string per identifier; `None` when it cannot be
    /// known before deployment (or differs by condition).
    fn collection(&self, collection: NodeRef<'a>, arity: usize) -> Option<Vec<Vec<String>>> {
        let evaluator = Evaluator::with_bindings(self.template, &self.bindings);
        // A mapping iterates as `[key, value]` pairs.
        if let Some(Value::Node(map)) = evaluator.eval(collection).known()
            && map.is_map()
        {
            if arity != 2 {
                return None;
            }
            return map
                .entries()
                .map(|(key, value)| {
                    Some(vec![
                        key.as_str()?.to_owned(),
                        evaluator.known_string(Some(value))?,
                    ])
                })
                .collect();
        }
        let items = evaluator.list(Some(collection)).known()?.clone();
        items
            .into_iter()
            .map(|item| match (item, arity) {
                (Value::Str(text), 1) => Some(vec![text.into_owned()]),
                (Value::List(parts), _) if parts.len() == arity => parts
                    .iter()
                    .map(|p| p.as_str().map(str::to_owned))
                    .collect(),
                (Value::Node(seq), _) if seq.is_seq() && seq.len() == arity => seq
                    .items()
                    .map(|p| evaluator.known_string(Some(p)))
                    .collect(),
                _ => None,
            })
            .collect()
    }

    /// A key a loop makes that the mapping already has: CloudFormation rejects the template.
    fn report_repeated_keys(&mut self, origins: &[KeyOrigin]) {
        if origins.iter().all(|o| o.made_by.is_none()) {
            return;
        }
        let mut seen: HashMap<&str, usize> = HashMap::default();
        for (i, origin) in origins.iter().enumerate() {
            let Some(text) = origin.text.as_deref() else {
                continue;
            };
            let Some(earlier) = seen.insert(text, i).and_then(|e| origins.get(e)) else {
                continue;
            };
            let Some((name, loc, item)) = origin.made_by.as_ref().or(earlier.made_by.as_ref())
            else {
                continue;
            };
            self.errors.push(InputError::new(
                loc.clone(),
                format!(
                    "the loop `{name}` makes the key `{text}` (for the item `{item}`) a second \
                     time in this mapping: CloudFormation rejects the template"
                ),
            ));
        }
    }
}

/// Whether `text` is a logical id: letters and digits only.
fn is_logical_id(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Whether a parameter of type `kind` holds a list: `CommaDelimitedList`, `List<...>`, or an
/// SSM parameter of either.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>
fn is_list_type(kind: &str) -> bool {
    kind.contains("CommaDelimitedList") || kind.contains("List<")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::syntax::SourceFile;

    fn expanded(text: &str) -> (Option<Document>, Workspace, Vec<InputError>) {
        let file = SourceFile::new("t.yaml", text.to_owned());
        let documents = crate::syntax::parse(&file).unwrap();
        let mut workspace = Workspace::default();
        let mut errors = Vec::new();
        let doc = expand(&documents[0], &mut workspace, &mut errors);
        (doc, workspace, errors)
    }

    fn keys(section: NodeRef<'_>) -> Vec<&str> {
        section.entries().filter_map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn conditions_and_outputs_loops_and_multiple_identifiers() {
        let (doc, _, errors) = expanded(
            "Transform: AWS::LanguageExtensions\n\
             Parameters:\n  Stage: {Type: String, Default: prod}\n\
             Conditions:\n  Fn::ForEach::Envs:\n    - Env\n    - [prod, dev]\n    - Is${Env}: !Equals [!Ref Stage, '${Env}']\n\
             Resources:\n  Fn::ForEach::Ports:\n    - [Name, Port]\n    - {Web: 443, Ssh: 22}\n    - Sg${Name}:\n        Type: AWS::EC2::SecurityGroup\n        Properties: {FromPort: !Ref Port}\n\
             Outputs:\n  Fn::ForEach::Out:\n    - [Id, Ami]\n    - [[A, ami-1], [B, ami-2]]\n    - Image${Id}: {Value: !Ref Ami}\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let doc = doc.unwrap();
        let root = doc.root();
        assert_eq!(keys(root.get("Conditions").unwrap()), ["Isprod", "Isdev"]);
        let resources = root.get("Resources").unwrap();
        assert_eq!(keys(resources), ["SgWeb", "SgSsh"]);
        let port = resources.get("SgSsh").unwrap().get("Properties").unwrap();
        assert_eq!(port.get("FromPort").unwrap().as_str(), Some("22"));
        let outputs = root.get("Outputs").unwrap();
        assert_eq!(keys(outputs), ["ImageA", "ImageB"]);
        let value = outputs.get("ImageB").unwrap().get("Value").unwrap();
        assert_eq!(value.as_str(), Some("ami-2"));
        // The copy points at the loop's body.
        let text = doc.file.slice(value.span());
        assert_eq!(text, "Ami");
    }

    #[test]
    fn identifiers_in_getatt_and_sub_and_the_ampersand_form() {
        let (doc, _, errors) = expanded(
            "Transform: AWS::LanguageExtensions\n\
             Resources:\n  Fn::ForEach::B:\n    - Cidr\n    - ['10.0.1.0/24']\n    - Net&{Cidr}:\n        Type: AWS::EC2::Subnet\n        Properties:\n          A: !GetAtt [!Sub 'Vpc&{Cidr}', !Ref Cidr]\n          B: !Sub '${Cidr} ${AWS::Region}'\n          C: {Ref: !Sub 'X${Cidr}'}\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let doc = doc.unwrap();
        let resource = doc
            .root()
            .get("Resources")
            .unwrap()
            .get("Net1001024")
            .unwrap();
        let properties = resource.get("Properties").unwrap();
        let getatt = properties.get("A").unwrap();
        assert_eq!(getatt.tag(), Some("!GetAtt"));
        let parts: Vec<_> = getatt.items().filter_map(NodeRef::as_str).collect();
        assert_eq!(parts, ["Vpc1001024", "10.0.1.0/24"]);
        // A `Fn::Sub` with a pseudo-parameter left stays a `Fn::Sub`.
        let sub = properties.get("B").unwrap();
        assert_eq!(sub.tag(), Some("!Sub"));
        assert_eq!(sub.as_str(), Some("10.0.1.0/24 ${AWS::Region}"));
        let reference = properties.get("C").unwrap().get("Ref").unwrap();
        assert_eq!(reference.as_str(), Some("X10.0.1.0/24"));
    }

    #[test]
    fn a_template_without_loops_is_not_copied() {
        let (doc, _, _) = expanded("Resources:\n  A: {Type: AWS::SNS::Topic}\n");
        assert!(doc.is_none());
    }
}
