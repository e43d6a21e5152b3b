//! Serverless Framework variables (`${source:address, fallback}`), resolved where they are
//! static, as the framework's resolver would on a machine with no CLI options, no environment
//! and no AWS account:
//! - `${self:a.b}` is the value at that path of the service file (`${self:}` the whole file);
//! - `${opt:...}` and `${env:...}` are missing, so their fallback applies (never the machine's
//!   environment: runs must be reproducible); `${sls:stage}` is `provider.stage`, else `dev`;
//! - `${file(./x.yml):a.b}` reads a YAML or JSON file inside the service's directory;
//! - `${ssm:...}`, `${cf:...}`, `${s3:...}`, `${aws:...}`, `${param:...}` and plugins' sources
//!   have values only at deploy time: Unknown, whatever their fallback.
//!
//! A variable may fill a whole value (it then stands for the node it names: a map, a list, a
//! scalar) or be part of a string (`${self:service}-${sls:stage}`), and variables nest
//! (`${self:custom.${sls:stage}.arn}`). Strings such as `${AWS::Region}` in `Fn::Sub` are not
//! variables. Each resolution spends from a budget, so self-referencing or exponentially
//! expanding files cost a bounded amount and come out Unknown.
//! <https://www.serverless.com/framework/docs/guides/variables>

use std::cell::Cell;

use crate::syntax::{Document, NodeKind, NodeRef};

/// What a value of the service file is once its variables are resolved.
#[derive(Clone, Debug)]
pub(crate) enum Value<'a> {
    /// The value is this node (as written, in the service file or a file it reads).
    Node(NodeRef<'a>),
    /// A string built from variables.
    Text(String),
    /// Depends on something that has no static value.
    Unknown,
}

impl<'a> Value<'a> {
    /// The value as a string: a scalar, or text built from variables.
    pub fn text(&self) -> Option<String> {
        match self {
            Value::Node(node) if node.is_scalar() && !node.is_null() => {
                node.as_str().map(str::to_owned)
            }
            Value::Text(text) => Some(text.clone()),
            Value::Node(_) | Value::Unknown => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }
}

/// A file read for `${file(...)}`, by the path as written.
pub(crate) struct LoadedFile {
    pub reference: String,
    /// `None` when the file could not be read (outside the service's directory, missing, not
    /// YAML or JSON): its values are Unknown.
    pub documents: Option<Vec<Document>>,
}

/// Nested resolutions deeper than this are Unknown.
const MAX_DEPTH: u32 = 32;
/// Lookups one service file may make in all.
const BUDGET: u32 = 50_000;

/// The resolver of one service file.
pub(crate) struct Variables<'a> {
    root: NodeRef<'a>,
    files: &'a [LoadedFile],
    budget: Cell<u32>,
}

/// The result of one source in a chain `primary, fallback, ...`.
enum Lookup<'a> {
    Found(Value<'a>),
    /// The source has no value here: the next fallback applies.
    Missing,
}

impl<'a> Variables<'a> {
    pub fn new(root: NodeRef<'a>, files: &'a [LoadedFile]) -> Self {
        Variables {
            root,
            files,
            budget: Cell::new(BUDGET),
        }
    }

    /// The value of `node`, following variables until a node that is not one.
    pub fn resolve(&self, node: NodeRef<'a>) -> Value<'a> {
        self.resolve_at(node, 0)
    }

    /// The node `node` stands for, when that is known and is a node.
    pub fn node(&self, node: Option<NodeRef<'a>>) -> Option<NodeRef<'a>> {
        match self.resolve(node?) {
            Value::Node(node) => Some(node),
            Value::Text(_) | Value::Unknown => None,
        }
    }

    /// `key` of the mapping `node` stands for (the entry's value as written).
    pub fn get(&self, node: Option<NodeRef<'a>>, key: &str) -> Option<NodeRef<'a>> {
        self.node(node)?.get(key)
    }

    /// The entries of the mapping `node` stands for (none for anything else).
    pub fn entries(&self, node: Option<NodeRef<'a>>) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
        self.node(node)
            .map(crate::formats::nodes::distinct_entries)
            .unwrap_or_default()
    }

    /// The items of the list `node` stands for (none for anything else).
    pub fn items(&self, node: Option<NodeRef<'a>>) -> Vec<NodeRef<'a>> {
        self.node(node)
            .map(|list| list.items().collect())
            .unwrap_or_default()
    }

    /// `node` as a string; `Err(())` when it is a variable without a static value, `Ok(None)`
    /// when it is absent, null, a mapping or a list.
    pub fn text(&self, node: Option<NodeRef<'a>>) -> Result<Option<String>, Unknown> {
        let Some(node) = node else { return Ok(None) };
        match self.resolve(node) {
            Value::Unknown => Err(Unknown),
            value => Ok(value.text()),
        }
    }

    /// `node` as a boolean (`true`/`false` in any case, as YAML or a string).
    pub fn boolean(&self, node: Option<NodeRef<'a>>) -> Result<Option<bool>, Unknown> {
        Ok(self
            .text(node)?
            .and_then(|text| match text.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            }))
    }

    /// Whether `node` is set to something the framework's JavaScript treats as true: any
    /// mapping, list or non-empty string except `false`, `0` and `null`.
    pub fn truthy(&self, node: Option<NodeRef<'a>>) -> Result<bool, Unknown> {
        let Some(node) = node else { return Ok(false) };
        match self.resolve(node) {
            Value::Unknown => Err(Unknown),
            Value::Node(node) if node.is_null() => Ok(false),
            Value::Node(node) if !node.is_scalar() => Ok(true),
            value => Ok(!matches!(
                value.text().as_deref(),
                None | Some("" | "false" | "False" | "FALSE" | "0")
            )),
        }
    }

    /// The stage the service deploys to when no `--stage` is given: `provider.stage`, else
    /// `dev`.
    pub fn stage(&self) -> Result<String, Unknown> {
        let stage = self
            .root
            .get("provider")
            .and_then(|p| self.get(Some(p), "stage"));
        Ok(self
            .text(stage)?
            .unwrap_or_else(|| DEFAULT_STAGE.to_owned()))
    }

    fn spend(&self) -> bool {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(1));
        left > 0
    }

    fn resolve_at(&self, node: NodeRef<'a>, depth: u32) -> Value<'a> {
        // `!Ref`, `Fn::GetAtt`, `!ImportValue` ...: CloudFormation computes them at deploy time.
        if crate::formats::intrinsic::intrinsic(node).is_some() {
            return Value::Unknown;
        }
        let Some(text) = node.as_str().filter(|text| text.contains("${")) else {
            return Value::Node(node);
        };
        if !node.is_scalar() {
            return Value::Node(node);
        }
        let parts = split(text);
        if !parts.iter().any(|part| matches!(part, Part::Variable(_))) {
            return Value::Node(node);
        }
        self.interpolate(&parts, depth)
    }

    /// A string with variables in it: one variable alone is its value, anything else is text.
    fn interpolate(&self, parts: &[Part<'_>], depth: u32) -> Value<'a> {
        if let [Part::Variable(inner)] = parts {
            return self.variable(inner, depth);
        }
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Variable(inner) => match self.variable(inner, depth).text() {
                    Some(text) => out.push_str(&text),
                    None => return Value::Unknown,
                },
            }
        }
        Value::Text(out)
    }

    fn text_of(&self, text: &str, depth: u32) -> Option<String> {
        let parts = split(text);
        if !parts.iter().any(|part| matches!(part, Part::Variable(_))) {
            return Some(text.to_owned());
        }
        self.interpolate(&parts, depth).text()
    }

    /// `source:address, fallback, ...` (the text between `${` and `}`).
    fn variable(&self, inner: &str, depth: u32) -> Value<'a> {
        if depth > MAX_DEPTH || !self.spend() {
            return Value::Unknown;
        }
        for candidate in split_fallbacks(inner) {
            if let Lookup::Found(value) = self.lookup(candidate.trim(), depth + 1) {
                return value;
            }
        }
        Value::Unknown
    }

    fn lookup(&self, candidate: &str, depth: u32) -> Lookup<'a> {
        if let Some(literal) = quoted(candidate) {
            return Lookup::Found(Value::Text(literal.to_owned()));
        }
        if candidate.is_empty() || candidate == "null" {
            return Lookup::Missing;
        }
        if candidate.parse::<f64>().is_ok() || candidate == "true" || candidate == "false" {
            return Lookup::Found(Value::Text(candidate.to_owned()));
        }
        // A fallback written as a whole variable stands for its value.
        if let [Part::Variable(inner)] = split(candidate).as_slice()
            && candidate.starts_with("${")
            && candidate.ends_with('}')
        {
            return Lookup::Found(self.variable(inner, depth));
        }
        // A source with variables in its address.
        let Some(reference) = self.text_of(candidate, depth) else {
            return Lookup::Found(Value::Unknown);
        };
        let Some((source, params, address)) = parse_source(&reference) else {
            // Not a source: the framework reads a bare word as a string.
            return Lookup::Found(Value::Text(reference));
        };
        match source {
            // The framework fills in `provider.stage` before it resolves variables.
            "self" if address == "provider.stage" => match self.path(self.root, address, depth) {
                Lookup::Missing => Lookup::Found(Value::Text(DEFAULT_STAGE.to_owned())),
                found => found,
            },
            "self" => self.path(self.root, address, depth),
            "opt" | "env" => Lookup::Missing,
            "sls" if address == "stage" => Lookup::Found(match self.stage() {
                Ok(stage) => Value::Text(stage),
                Err(Unknown) => Value::Unknown,
            }),
            "file" => {
                let Some(path) = params.map(|p| unquoted(p.trim())) else {
                    return Lookup::Found(Value::Unknown);
                };
                match self.file(path) {
                    Some(root) => self.path(root, address, depth),
                    None => Lookup::Found(Value::Unknown),
                }
            }
            _ => Lookup::Found(Value::Unknown),
        }
    }

    /// The first document of a file read for `${file(path)}`.
    fn file(&self, path: &str) -> Option<NodeRef<'a>> {
        let key = normalize_reference(path);
        let loaded = self.files.iter().find(|f| f.reference == key)?;
        loaded.documents.as_ref()?.first().map(Document::root)
    }

    /// The value at a dotted `address` under `root` (`a.b.0.c`).
    fn path(&self, root: NodeRef<'a>, address: &str, depth: u32) -> Lookup<'a> {
        let mut current = root;
        for segment in address.split('.').filter(|s| !s.is_empty()) {
            if !self.spend() {
                return Lookup::Found(Value::Unknown);
            }
            let node = match self.resolve_at(current, depth + 1) {
                Value::Node(node) => node,
                Value::Text(_) => return Lookup::Missing,
                Value::Unknown => return Lookup::Found(Value::Unknown),
            };
            let next = if node.is_seq() {
                segment
                    .parse::<usize>()
                    .ok()
                    .and_then(|index| node.items().nth(index))
            } else {
                node.get(segment)
            };
            match next {
                Some(next) => current = next,
                None => return Lookup::Missing,
            }
        }
        match self.resolve_at(current, depth + 1) {
            Value::Node(node) if node.is_null() => Lookup::Missing,
            value => Lookup::Found(value),
        }
    }
}

/// A value that has no static value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Unknown;

/// The stage when neither `--stage` nor `provider.stage` says otherwise.
pub(crate) const DEFAULT_STAGE: &str = "dev";

/// A `${file(...)}` path as the loaded files are keyed: trimmed, without a leading `./`.
pub(crate) fn normalize_reference(path: &str) -> String {
    let mut path = unquoted(path.trim());
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    path.to_owned()
}

/// Every `${file(path)}` path written in `node` and below whose path is static with what is
/// known so far (a path built from variables may need a file read in an earlier round).
pub(crate) fn file_references(variables: &Variables<'_>, node: NodeRef<'_>) -> Vec<String> {
    let mut found = Vec::new();
    // The tree as written: an alias repeats text that is read where its anchor is, and
    // following aliases here would let a small file make a walk of billions of nodes.
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        if node.kind() == NodeKind::Alias {
            continue;
        }
        if let Some(text) = node.as_str() {
            let mut rest = text;
            while let Some(at) = rest.find("file(") {
                let after = rest.get(at + "file(".len()..).unwrap_or("");
                let Some(close) = matching_paren(after) else {
                    break;
                };
                let param = after.get(..close).unwrap_or("");
                if let Some(path) = variables.text_of(param, 0) {
                    found.push(normalize_reference(&path));
                }
                rest = after.get(close..).unwrap_or("");
            }
        }
        stack.extend(node.written_children());
    }
    found.sort();
    found.dedup();
    found
}

/// The offset of the `)` that closes an opening parenthesis just before `text`.
fn matching_paren(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(at),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// A piece of a string: literal text, or the inside of a `${...}` variable.
#[derive(Debug, PartialEq, Eq)]
enum Part<'t> {
    Literal(&'t str),
    Variable(&'t str),
}

/// Split a string into literal text and variables. `${...}` that is not a variable (no
/// `source:` in front, as `${AWS::Region}` or `${Name}`) stays literal text.
fn split(text: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut literal_start = 0;
    let mut search = 0;
    while let Some(found) = text.get(search..).and_then(|rest| rest.find("${")) {
        let open = search + found;
        let inner_start = open + 2;
        let Some(close) = text.get(inner_start..).and_then(closing_brace) else {
            break;
        };
        let inner_end = inner_start + close;
        let inner = text.get(inner_start..inner_end).unwrap_or("");
        if is_variable(inner) {
            if open > literal_start {
                parts.push(Part::Literal(text.get(literal_start..open).unwrap_or("")));
            }
            parts.push(Part::Variable(inner));
            literal_start = inner_end + 1;
        }
        search = inner_end + 1;
    }
    if literal_start < text.len() {
        parts.push(Part::Literal(text.get(literal_start..).unwrap_or("")));
    }
    parts
}

/// The offset of the `}` that closes a `${` just before `text`, counting nested braces.
fn closing_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(at),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Whether the inside of `${...}` starts with a source: a name followed by `:` (not `::`) or
/// by `(`.
fn is_variable(inner: &str) -> bool {
    let inner = inner.trim_start();
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(inner.len());
    let rest = inner.get(name_len..).unwrap_or("");
    name_len > 0
        && inner.starts_with(|c: char| c.is_ascii_alphabetic())
        && ((rest.starts_with(':') && !rest.starts_with("::")) || rest.starts_with('('))
}

/// Split `a, b, 'c'` at the commas outside quotes, parentheses and nested variables.
fn split_fallbacks(inner: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (at, c) in inner.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '{' | '(') => depth += 1,
            (None, '}' | ')') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                out.push(inner.get(start..at).unwrap_or(""));
                start = at + 1;
            }
            _ => {}
        }
    }
    out.push(inner.get(start..).unwrap_or(""));
    out
}

/// `'text'` or `"text"` without its quotes.
fn quoted(text: &str) -> Option<&str> {
    ['\'', '"'].into_iter().find_map(|q| {
        text.strip_prefix(q)
            .and_then(|rest| rest.strip_suffix(q))
            .filter(|_| text.len() >= 2)
    })
}

fn unquoted(text: &str) -> &str {
    quoted(text).unwrap_or(text)
}

/// `name(params):address` or `name:address`.
fn parse_source(reference: &str) -> Option<(&str, Option<&str>, &str)> {
    let reference = reference.trim();
    let name_len = reference
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(reference.len());
    let name = reference.get(..name_len).filter(|n| !n.is_empty())?;
    let rest = reference.get(name_len..).unwrap_or("");
    let (params, rest) = match rest.strip_prefix('(') {
        Some(after) => {
            let close = matching_paren(after)?;
            (
                Some(after.get(..close).unwrap_or("")),
                after.get(close + 1..).unwrap_or(""),
            )
        }
        None => (None, rest),
    };
    match rest.strip_prefix(':') {
        Some(address) => Some((name, params, address.trim())),
        // `${file(./x.yml)}`: the whole file.
        None if params.is_some() && rest.trim().is_empty() => Some((name, params, "")),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::syntax::{SourceFile, parse};

    fn resolve_text(service: &str, path: &str) -> Option<String> {
        let file = SourceFile::new("serverless.yml", service.to_owned());
        let docs = parse(&file).unwrap();
        let vars = Variables::new(docs[0].root(), &[]);
        let mut node = docs[0].root();
        for key in path.split('.') {
            node = vars.get(Some(node), key).unwrap();
        }
        vars.resolve(node).text()
    }

    #[test]
    fn splits_variables_from_text_and_keeps_cloudformation_subs() {
        assert_eq!(
            split("${self:service}-${sls:stage}"),
            vec![
                Part::Variable("self:service"),
                Part::Literal("-"),
                Part::Variable("sls:stage")
            ]
        );
        assert_eq!(
            split("arn:${AWS::Partition}:x/${Name}"),
            vec![Part::Literal("arn:${AWS::Partition}:x/${Name}")]
        );
        assert_eq!(
            split("${self:custom.${opt:stage, 'dev'}.x}"),
            vec![Part::Variable("self:custom.${opt:stage, 'dev'}.x")]
        );
    }

    #[test]
    fn defaults_self_and_nesting() {
        let service = "service: orders\n\
                       provider:\n  name: aws\n  stage: ${opt:stage, 'prod'}\n\
                       custom:\n  prod:\n    arn: arn:aws:x\n  stage: ${sls:stage}\n  \
                       name: ${self:service}-${self:custom.stage}\n  \
                       arn: ${self:custom.${self:custom.stage}.arn}\n  \
                       env: ${env:SECRET, \"fallback\"}\n  nested: ${opt:x, ${self:service}}\n  \
                       ssm: ${ssm:/a/b, 'x'}\n  chain: ${opt:a, self:custom.prod.arn}\n  \
                       missing: ${self:custom.nope}\n  loop: ${self:custom.loop}\n  \
                       sub: arn:${AWS::Region}:${self:service}\n  \
                       region: ${self:provider.region, 'us-east-1'}\n";
        assert_eq!(
            resolve_text(service, "custom.stage").as_deref(),
            Some("prod")
        );
        assert_eq!(
            resolve_text(service, "custom.name").as_deref(),
            Some("orders-prod")
        );
        assert_eq!(
            resolve_text(service, "custom.arn").as_deref(),
            Some("arn:aws:x")
        );
        assert_eq!(
            resolve_text(service, "custom.env").as_deref(),
            Some("fallback")
        );
        assert_eq!(
            resolve_text(service, "custom.nested").as_deref(),
            Some("orders")
        );
        assert_eq!(
            resolve_text(service, "custom.chain").as_deref(),
            Some("arn:aws:x")
        );
        assert_eq!(resolve_text(service, "custom.ssm"), None);
        assert_eq!(
            resolve_text(service, "custom.region").as_deref(),
            Some("us-east-1")
        );
        assert_eq!(resolve_text(service, "custom.missing"), None);
        assert_eq!(resolve_text(service, "custom.loop"), None);
        assert_eq!(
            resolve_text(service, "custom.sub").as_deref(),
            Some("arn:${AWS::Region}:orders")
        );
    }

    #[test]
    fn a_whole_variable_stands_for_a_mapping() {
        let file = SourceFile::new(
            "serverless.yml",
            "custom:\n  auth:\n    name: checker\nx: ${self:custom.auth}\n".to_owned(),
        );
        let docs = parse(&file).unwrap();
        let vars = Variables::new(docs[0].root(), &[]);
        let name = vars.get(docs[0].root().get("x"), "name");
        assert_eq!(name.and_then(NodeRef::as_str), Some("checker"));
    }

    #[test]
    fn exponential_expansion_is_bounded() {
        let mut text = String::from("a0: x\n");
        for i in 1..40 {
            text.push_str(&format!("a{i}: ${{self:a{}}}${{self:a{}}}\n", i - 1, i - 1));
        }
        let file = SourceFile::new("serverless.yml", text);
        let docs = parse(&file).unwrap();
        let vars = Variables::new(docs[0].root(), &[]);
        assert!(
            vars.resolve(docs[0].root().get("a39").unwrap())
                .is_unknown()
        );
    }
}

#[cfg(test)]
mod stage_tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::syntax::{SourceFile, parse};

    #[test]
    fn provider_stage_is_dev_when_unset() {
        let file = SourceFile::new(
            "serverless.yml",
            "service: s\nprovider:\n  name: aws\ncustom:\n  stage: ${self:provider.stage}\n"
                .to_owned(),
        );
        let docs = parse(&file).unwrap();
        let vars = Variables::new(docs[0].root(), &[]);
        let stage = vars.get(docs[0].root().get("custom"), "stage");
        assert_eq!(vars.text(stage), Ok(Some("dev".to_owned())));
    }
}
