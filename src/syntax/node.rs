//! The located tree and the borrowed cursor views walk it with.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use super::source::{Loc, SourceFile, Span};
use super::{ALIAS_BUDGET, RawDocument};

/// One YAML or JSON node. `span` covers the node's own text (not its tag or anchor).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub tag: Option<Box<Tag>>,
    pub kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Box<[Node]>),
    /// Entries in source order; duplicate keys are kept.
    Map(Box<[Entry]>),
    /// A YAML alias; the number is the anchor id, resolved lazily through the [`Document`].
    Alias(u32),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// A scalar's notation. JSON strings are `DoubleQuoted`; JSON numbers, booleans and null are
/// `Plain`, so the same rules read both spellings alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    pub style: ScalarStyle,
    pub(crate) text: ScalarText,
}

/// A scalar's value: a slice of the source when the value is spelled verbatim there (the
/// common case, which costs no allocation), else the decoded text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ScalarText {
    Source(Span),
    Owned(Box<str>),
}

impl Scalar {
    /// Build a scalar for `value` found at `span` of `source`, borrowing where possible.
    pub(crate) fn new(style: ScalarStyle, value: &str, span: Span, source: &str) -> Self {
        let raw = source.get(span.range()).unwrap_or("");
        let text = if raw == value {
            ScalarText::Source(span)
        } else if value == "~" && raw.is_empty() {
            // An empty value (`key:`) is null; keep it as empty source text.
            ScalarText::Source(span)
        } else if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
            && raw.len() >= 2
            && raw.get(1..raw.len() - 1) == Some(value)
        {
            ScalarText::Source(Span::new(span.start as usize + 1, span.end as usize - 1))
        } else {
            ScalarText::Owned(value.into())
        };
        Scalar { style, text }
    }

    /// A scalar whose value is exactly the source text at `span`.
    pub(crate) fn verbatim(style: ScalarStyle, span: Span) -> Self {
        Scalar {
            style,
            text: ScalarText::Source(span),
        }
    }
}

/// A tag as written, e.g. `!Ref` or `!!str`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    pub name: Box<str>,
    pub span: Span,
}

/// A comment: its span covers `#` to the end of the line; `text` is what follows `#`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    pub text: Box<str>,
}

impl Node {
    /// A scalar with `value`, written at `span` of `source` in `style`.
    pub fn scalar(style: ScalarStyle, value: &str, span: Span, source: &str) -> Node {
        Node {
            span,
            tag: None,
            kind: NodeKind::Scalar(Scalar::new(style, value, span, source)),
        }
    }

    pub fn seq(items: Vec<Node>, span: Span) -> Node {
        Node {
            span,
            tag: None,
            kind: NodeKind::Seq(items.into_boxed_slice()),
        }
    }

    pub fn map(entries: Vec<Entry>, span: Span) -> Node {
        Node {
            span,
            tag: None,
            kind: NodeKind::Map(entries.into_boxed_slice()),
        }
    }

    /// Direct children in source order (map keys and values interleaved).
    pub fn children(&self) -> impl Iterator<Item = &Node> + '_ {
        let (items, entries): (&[Node], &[Entry]) = match &self.kind {
            NodeKind::Seq(items) => (items, &[]),
            NodeKind::Map(entries) => (&[], entries),
            NodeKind::Scalar(_) | NodeKind::Alias(_) => (&[], &[]),
        };
        items
            .iter()
            .chain(entries.iter().flat_map(|e| [&e.key, &e.value]))
    }
}

/// One parsed document of a file.
pub struct Document {
    pub file: Arc<SourceFile>,
    pub root: Node,
    pub comments: Vec<Comment>,
    anchors: Vec<Option<Box<[u32]>>>,
    alias_budget: AtomicU32,
    budget_exhausted_at: AtomicU32,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("file", &self.file.path())
            .field("root", &self.root)
            .finish()
    }
}

impl Document {
    /// A document built from a tree that was not parsed from `file` (an OpenAPI body written
    /// as HCL in a Terraform file): its spans still point into `file`.
    pub fn built(file: Arc<SourceFile>, root: Node) -> Self {
        Document::new(
            file,
            RawDocument {
                root,
                anchors: Vec::new(),
                comments: Vec::new(),
            },
        )
    }

    pub(crate) fn new(file: Arc<SourceFile>, raw: RawDocument) -> Self {
        Document {
            file,
            root: raw.root,
            comments: raw.comments,
            anchors: raw.anchors,
            alias_budget: AtomicU32::new(ALIAS_BUDGET),
            budget_exhausted_at: AtomicU32::new(u32::MAX),
        }
    }

    pub fn root(&self) -> NodeRef<'_> {
        NodeRef::new(self, &self.root)
    }

    pub fn loc(&self, span: Span) -> Loc {
        Loc::new(&self.file, span)
    }

    /// Where the alias budget ran out, if it did: views then saw those aliases as nothing,
    /// and the caller reports the file as an input error.
    pub fn alias_budget_exhausted(&self) -> Option<Span> {
        match self.budget_exhausted_at.load(Ordering::Relaxed) {
            u32::MAX => None,
            at => Some(Span::new(at as usize, at as usize + 1)),
        }
    }

    fn anchored(&self, id: u32, alias: Span) -> Option<&Node> {
        let spent = self
            .alias_budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(1)
            });
        if spent.is_err() {
            let _ = self.budget_exhausted_at.compare_exchange(
                u32::MAX,
                alias.start,
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
            return None;
        }
        let path = self.anchors.get(id as usize)?.as_ref()?;
        let mut node = &self.root;
        for &step in path.iter() {
            node = match &node.kind {
                NodeKind::Seq(items) => items.get(step as usize)?,
                NodeKind::Map(entries) => {
                    let entry = entries.get(step as usize / 2)?;
                    if step % 2 == 0 {
                        &entry.key
                    } else {
                        &entry.value
                    }
                }
                NodeKind::Scalar(_) | NodeKind::Alias(_) => return None,
            };
        }
        Some(node)
    }
}

/// A borrowed, alias-following cursor into a document: what the format views are built on.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    doc: &'a Document,
    node: &'a Node,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeRef({:?} {:?})", self.loc(), self.node.kind)
    }
}

impl<'a> NodeRef<'a> {
    /// A cursor on `node`, following it if it is an alias.
    pub fn new(doc: &'a Document, node: &'a Node) -> Self {
        NodeRef { doc, node }.resolved()
    }

    fn resolved(self) -> Self {
        let mut current = self;
        // Alias chains are short; the budget bounds pathological ones and cycles.
        while let NodeKind::Alias(id) = current.node.kind {
            match self.doc.anchored(id, current.node.span) {
                Some(target) => current.node = target,
                None => return current,
            }
        }
        current
    }

    pub fn doc(self) -> &'a Document {
        self.doc
    }

    pub fn node(self) -> &'a Node {
        self.node
    }

    pub fn span(self) -> Span {
        self.node.span
    }

    pub fn loc(self) -> Loc {
        self.doc.loc(self.node.span)
    }

    pub fn tag(self) -> Option<&'a str> {
        self.node.tag.as_deref().map(|t| &*t.name)
    }

    pub fn tag_span(self) -> Option<Span> {
        self.node.tag.as_deref().map(|t| t.span)
    }

    /// The span of the tag and the value together.
    pub fn full_span(self) -> Span {
        self.tag_span().map_or(self.span(), |t| t.to(self.span()))
    }

    pub fn is_map(self) -> bool {
        matches!(self.node.kind, NodeKind::Map(_))
    }

    pub fn is_seq(self) -> bool {
        matches!(self.node.kind, NodeKind::Seq(_))
    }

    pub fn is_scalar(self) -> bool {
        matches!(self.node.kind, NodeKind::Scalar(_))
    }

    pub fn scalar_style(self) -> Option<ScalarStyle> {
        match &self.node.kind {
            NodeKind::Scalar(s) => Some(s.style),
            _ => None,
        }
    }

    /// The scalar's value as text (decoded), whatever its style.
    pub fn as_str(self) -> Option<&'a str> {
        match &self.node.kind {
            NodeKind::Scalar(scalar) => Some(match &scalar.text {
                ScalarText::Source(span) => self.doc.file.slice(*span),
                ScalarText::Owned(text) => text,
            }),
            _ => None,
        }
    }

    /// A plain `null`, `~` or empty value.
    pub fn is_null(self) -> bool {
        self.scalar_style() == Some(ScalarStyle::Plain)
            && matches!(self.as_str(), Some("" | "~" | "null" | "Null" | "NULL"))
    }

    /// A boolean in YAML 1.2 core spelling, or the string spellings CloudFormation accepts.
    pub fn as_bool(self) -> Option<bool> {
        match self.as_str()? {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    pub fn as_u64(self) -> Option<u64> {
        let text = self.as_str()?.trim();
        text.parse::<u64>().ok().or_else(|| {
            text.parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        })
    }

    pub fn as_f64(self) -> Option<f64> {
        self.as_str()?.trim().parse::<f64>().ok()
    }

    /// The value of the last entry whose key is `key` (most parsers keep the last duplicate).
    pub fn get(self, key: &str) -> Option<NodeRef<'a>> {
        self.entry(key).map(|(_, value)| value)
    }

    /// The key and value of the last entry whose key is `key`. Only the matching value is
    /// resolved, so a lookup spends alias budget on nothing else.
    pub fn entry(self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        let NodeKind::Map(entries) = &self.node.kind else {
            return None;
        };
        entries.iter().rev().find_map(|e| {
            // Most keys are spelled verbatim in the source: a length that differs rules them
            // out without slicing the text (views look keys up all the time).
            if let NodeKind::Scalar(Scalar {
                text: ScalarText::Source(span),
                ..
            }) = &e.key.kind
                && span.end.saturating_sub(span.start) as usize != key.len()
            {
                return None;
            }
            let k = NodeRef::new(self.doc, &e.key);
            (k.as_str() == Some(key)).then(|| (k, NodeRef::new(self.doc, &e.value)))
        })
    }

    /// Mapping entries in source order (empty for anything but a mapping).
    pub fn entries(self) -> impl DoubleEndedIterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        let doc = self.doc;
        let entries: &'a [Entry] = match &self.node.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        };
        entries
            .iter()
            .map(move |e| (NodeRef::new(doc, &e.key), NodeRef::new(doc, &e.value)))
    }

    /// Sequence items in order (empty for anything but a sequence).
    pub fn items(self) -> impl DoubleEndedIterator<Item = NodeRef<'a>> + ExactSizeIterator + 'a {
        let doc = self.doc;
        let items: &'a [Node] = match &self.node.kind {
            NodeKind::Seq(items) => items,
            _ => &[],
        };
        items.iter().map(move |n| NodeRef::new(doc, n))
    }

    /// The number of entries or items.
    pub fn len(self) -> usize {
        match &self.node.kind {
            NodeKind::Seq(items) => items.len(),
            NodeKind::Map(entries) => entries.len(),
            _ => 0,
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}
