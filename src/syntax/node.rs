//! The located tree and the borrowed cursor views walk it with.
//!
//! A document's nodes live in one arena ([`Tree`]): 16 bytes a node (span, kind and a 4-byte
//! payload pair), a collection's children side by side so that it names them by the index of
//! the first and their count, and a scalar's text a slice of the source wherever the value is
//! spelled verbatim there. Tags are kept aside (most nodes have none), as is the decoded text
//! of the few scalars that need unescaping. [`NodeRef`] is the cursor everything above reads
//! the tree through; [`Node`] is a tree written in code (an OpenAPI body given as HCL), which
//! [`Document::built`] lays out in an arena like a parsed one.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, RwLock};

use super::limits::ALIAS_BUDGET;
use super::source::{Loc, SourceFile, Span};

/// What a node is. A view sees `Alias` only where the document's alias budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Scalar,
    Seq,
    /// Entries in source order; duplicate keys are kept.
    Map,
    Alias,
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

impl ScalarStyle {
    const ALL: [ScalarStyle; 5] = [
        ScalarStyle::Plain,
        ScalarStyle::SingleQuoted,
        ScalarStyle::DoubleQuoted,
        ScalarStyle::Literal,
        ScalarStyle::Folded,
    ];

    fn code(self) -> u32 {
        match self {
            ScalarStyle::Plain => 0,
            ScalarStyle::SingleQuoted => 1,
            ScalarStyle::DoubleQuoted => 2,
            ScalarStyle::Literal => 3,
            ScalarStyle::Folded => 4,
        }
    }

    fn from_code(code: u32) -> ScalarStyle {
        Self::ALL
            .get(code as usize)
            .copied()
            .unwrap_or(ScalarStyle::Plain)
    }
}

/// A comment: its span covers `#` to the end of the line; `text` is what follows `#`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    pub text: Box<str>,
}

// One node in the arena. `head` holds the kind (2 bits), whether a tag is kept aside for the
// node (1 bit) and a 29-bit payload; `tail` a second payload:
// - scalar: payload = style | where its text is (`TEXT_*`) << 3; tail = the index of its
//   decoded text when it is owned, else, for a mapping's key, the [`key_hash`] of its text (so
//   that a lookup passes over the other keys without reading their text, which is seldom in
//   the cache by the time views read the tree);
// - sequence or mapping: payload = the index of the first child; tail = the number of children
//   (a mapping's keys and values alternate);
// - alias: tail = the document-local anchor id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    start: u32,
    end: u32,
    head: u32,
    tail: u32,
}

const KIND_SHIFT: u32 = 30;
const TAGGED: u32 = 1 << 29;
const PAYLOAD: u32 = TAGGED - 1;
const KIND_SCALAR: u32 = 0;
const KIND_SEQ: u32 = 1;
const KIND_MAP: u32 = 2;
const KIND_ALIAS: u32 = 3;
/// The value is the node's source text.
const TEXT_WHOLE: u32 = 0;
/// The value is the source text inside the quotes.
const TEXT_INNER: u32 = 1;
/// The value is decoded text kept in [`Tree::owned`].
const TEXT_OWNED: u32 = 2;

/// The most nodes one document may have: indexes are 29 bits. A document needs at least two
/// bytes of text for most nodes, so only a file of hundreds of megabytes can reach it.
pub const MAX_NODES: usize = PAYLOAD as usize;

/// A document may have one node (a key, a value) for every this many bytes of its file: API
/// definitions take 11 bytes a node or more (the densest file of the corpus; most take 12 to
/// 20), while a degenerate document (a JSON array of millions of one-digit numbers) takes 2,
/// and would need 8 times its size for its tree alone.
pub const BYTES_PER_NODE: usize = 4;

/// Every file may have this many nodes, however small (a 16 MiB tree at most).
const MIN_NODE_BUDGET: usize = 1 << 20;

/// The most nodes a file of `len` bytes may have (see [`BYTES_PER_NODE`]).
pub fn node_budget(len: usize) -> usize {
    (len / BYTES_PER_NODE).clamp(MIN_NODE_BUDGET, MAX_NODES)
}

impl Slot {
    fn kind(self) -> NodeKind {
        match self.head >> KIND_SHIFT {
            KIND_SCALAR => NodeKind::Scalar,
            KIND_SEQ => NodeKind::Seq,
            KIND_MAP => NodeKind::Map,
            _ => NodeKind::Alias,
        }
    }

    fn span(self) -> Span {
        Span {
            start: self.start,
            end: self.end,
        }
    }

    fn payload(self) -> u32 {
        self.head & PAYLOAD
    }

    fn tagged(self) -> bool {
        self.head & TAGGED != 0
    }

    /// The index range of a collection's children (empty for anything else).
    fn children(self) -> std::ops::Range<u32> {
        match self.kind() {
            NodeKind::Seq | NodeKind::Map => {
                let first = self.payload();
                first..first.saturating_add(self.tail)
            }
            NodeKind::Scalar | NodeKind::Alias => 0..0,
        }
    }
}

/// A node being built: complete, but not yet placed in the arena (its parent is still open).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pending {
    slot: Slot,
    tag: Option<Span>,
}

/// A [`Pending`] node without its tag, in 16 bytes instead of 28: what the parsers keep of the
/// children of their open collections (tags are rare, and kept aside), so that a flat array of
/// millions of values does not take more room while it is read than once read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Untagged(Slot);

impl From<Untagged> for Pending {
    fn from(node: Untagged) -> Pending {
        let mut pending = Pending {
            slot: node.0,
            tag: None,
        };
        pending.set_tag(None);
        pending
    }
}

impl Untagged {
    pub(crate) fn span(&self) -> Span {
        self.0.span()
    }
}

impl Pending {
    pub(crate) fn span(&self) -> Span {
        self.slot.span()
    }

    /// The node without its tag (see [`Pending::tag`]).
    pub(crate) fn untagged(self) -> Untagged {
        Untagged(self.slot)
    }

    pub(crate) fn tag(&self) -> Option<Span> {
        self.tag
    }

    pub(crate) fn set_tag(&mut self, tag: Option<Span>) {
        self.tag = tag;
        if tag.is_some() {
            self.slot.head |= TAGGED;
        } else {
            self.slot.head &= !TAGGED;
        }
    }
}

/// The nodes of one document.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    slots: Vec<Slot>,
    /// Every tagged node's index (ascending), and its tag's span at the same position (the
    /// indexes apart, so that a search reads 4 bytes a step: a template has tens of thousands
    /// of tags).
    tagged: Vec<u32>,
    tags: Vec<Span>,
    /// Decoded scalar text, one string after the other; `owned_ends[i]` ends scalar `i`'s.
    owned: String,
    owned_ends: Vec<u32>,
    root: u32,
    /// Every mapping two of whose keys have the same [`key_hash`] (ascending): found when the
    /// mapping closes, while its keys are still in the cache, so that a search for repeated
    /// keys reads only these (the hashes of keys spelled alike are alike).
    repeated_hashes: Vec<u32>,
    /// Whether some mapping has an alias as a key: such a key is only known once followed,
    /// which spends the alias budget, so the mappings are searched as before, all of them.
    alias_keys: bool,
    /// Which key texts the document has (a Bloom filter of every key's hash), so that a
    /// search for a rare key in the whole document (a suppression's) is skipped where no
    /// mapping has it.
    keys: KeyFilter,
}

/// A Bloom filter of key hashes, two bits a key, that grows with the keys put in it: at most
/// about a byte a key (a tree takes 32 bytes a key with its value), so that a file of many small
/// documents costs little.
#[derive(Debug, Default)]
struct KeyFilter {
    /// The bits: a power of two of 64-bit words, or none before the first key.
    words: Vec<u64>,
    /// Keys put in so far (repeats counted).
    added: usize,
}

impl KeyFilter {
    /// The filter grows no larger than this many words (2 Mbit, 256 KiB).
    const MAX_WORDS: usize = 1 << 15;

    /// The two bits of `hash` in a filter of `bits` bits (a power of two). Each is the low
    /// bits of a function of the hash alone, so that a filter doubled by copying its words
    /// (each bit `i` then also set at `i + bits`) still has every key's bits.
    fn bits(hash: u32, bits: usize) -> [usize; 2] {
        let mask = bits.wrapping_sub(1);
        let second = hash.wrapping_mul(0x9e37_79b1).rotate_left(16);
        [hash as usize & mask, second as usize & mask]
    }

    fn add(&mut self, hash: u32) {
        if self.words.is_empty() {
            self.words.push(0);
        }
        self.added += 1;
        // Keep it at least four bits a key, doubling by copying.
        if self.added * 4 > self.words.len() * 64 && self.words.len() < Self::MAX_WORDS {
            self.words.extend_from_within(..);
        }
        let bits = self.words.len() * 64;
        for bit in Self::bits(hash, bits) {
            if let Some(word) = self.words.get_mut(bit / 64) {
                *word |= 1 << (bit % 64);
            }
        }
    }

    /// False only when no key put in has `hash`.
    fn may_hold(&self, hash: u32) -> bool {
        let bits = self.words.len() * 64;
        Self::bits(hash, bits).iter().all(|&bit| {
            self.words
                .get(bit / 64)
                .is_some_and(|word| word & (1 << (bit % 64)) != 0)
        })
    }
}

impl Tree {
    fn slot(&self, id: u32) -> Slot {
        self.slots.get(id as usize).copied().unwrap_or(Slot {
            start: 0,
            end: 0,
            head: KIND_SCALAR << KIND_SHIFT,
            tail: 0,
        })
    }

    fn tag(&self, id: u32) -> Option<Span> {
        if !self.slot(id).tagged() {
            return None;
        }
        let at = self.tagged.binary_search(&id).ok()?;
        self.tags.get(at).copied()
    }

    fn owned(&self, index: u32) -> &str {
        let end = self.owned_ends.get(index as usize).copied().unwrap_or(0);
        let start = match index.checked_sub(1) {
            Some(before) => self.owned_ends.get(before as usize).copied().unwrap_or(0),
            None => 0,
        };
        self.owned.get(start as usize..end as usize).unwrap_or("")
    }

    /// The node reached from the root by `path`: at each step the index of a child (a
    /// mapping's keys and values count as children in turn).
    pub(crate) fn at_path(&self, path: &[u32]) -> Option<u32> {
        let mut node = self.root;
        for &step in path {
            let children = self.slot(node).children();
            node = children
                .start
                .checked_add(step)
                .filter(|c| children.contains(c))?;
        }
        Some(node)
    }

    /// The number of nodes.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }
}

/// Builds a [`Tree`] bottom-up: a parser makes [`Pending`] nodes, keeps the children of its
/// open collections in order on its own stack, and hands them over when the collection ends;
/// they are then laid out side by side in the arena.
pub(crate) struct TreeBuilder<'t> {
    source: &'t str,
    tree: Tree,
    /// The most nodes the tree may have ([`node_budget`] of the source).
    budget: usize,
    /// The first child of each mapping closed so far with two keys of the same hash
    /// (ascending): the mapping's own index is known only once it is placed.
    repeated_firsts: Vec<u32>,
    /// The key hashes of the mapping being closed (reused from one mapping to the next).
    key_hashes: Vec<u32>,
}

impl<'t> TreeBuilder<'t> {
    /// A builder for a document of `source`; `capacity` is a guess at its number of nodes.
    pub(crate) fn new(source: &'t str, capacity: usize) -> Self {
        TreeBuilder {
            source,
            tree: Tree {
                slots: Vec::with_capacity(capacity),
                ..Tree::default()
            },
            budget: node_budget(source.len()),
            repeated_firsts: Vec::new(),
            key_hashes: Vec::new(),
        }
    }

    /// A builder for the next document of the same stream, with what is left of the budget
    /// (the documents of a file share it).
    pub(crate) fn next_document(&self) -> TreeBuilder<'t> {
        TreeBuilder {
            source: self.source,
            tree: Tree::default(),
            budget: self.budget.saturating_sub(self.tree.slots.len()),
            repeated_firsts: Vec::new(),
            key_hashes: Vec::new(),
        }
    }

    /// Whether `pending` more nodes fit in the tree's budget (the parser asks before it keeps
    /// another node, so that a document over it is refused before it takes the memory).
    pub(crate) fn has_room(&self, pending: usize) -> bool {
        self.tree.slots.len().saturating_add(pending) < self.budget
    }

    /// The error for a document over its node budget, at the node that went over.
    pub(crate) fn over_budget(&self, at: Span) -> super::error::SyntaxError {
        super::error::SyntaxError::new(
            at,
            format!(
                "the document has more keys and values than a file of {} bytes may have \
                 ({}, one for every {BYTES_PER_NODE} bytes; API definitions take 11 bytes or \
                 more for each): gatelint does not read such a document",
                self.source.len(),
                node_budget(self.source.len())
            ),
        )
    }

    /// A scalar with `value`, written at `span` in `style`: borrowed from the source where the
    /// value is spelled there verbatim, else kept decoded.
    pub(crate) fn scalar(
        &mut self,
        style: ScalarStyle,
        value: &str,
        span: Span,
        tag: Option<Span>,
    ) -> Pending {
        let raw = self.source.get(span.range()).unwrap_or("");
        let text = if raw == value || (value == "~" && raw.is_empty()) {
            // An empty value (`key:`) is null; it keeps its empty source text.
            TEXT_WHOLE
        } else if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
            && raw.len() >= 2
            && raw.get(1..raw.len() - 1) == Some(value)
        {
            TEXT_INNER
        } else {
            TEXT_OWNED
        };
        let mut tail = 0;
        if text == TEXT_OWNED {
            tail = u32::try_from(self.tree.owned_ends.len()).unwrap_or(u32::MAX);
            self.tree.owned.push_str(value);
            let end = u32::try_from(self.tree.owned.len()).unwrap_or(u32::MAX);
            self.tree.owned_ends.push(end);
        }
        Self::leaf(KIND_SCALAR, style.code() | text << 3, tail, span, tag)
    }

    /// A scalar whose value is exactly the source text at `span`.
    pub(crate) fn verbatim(style: ScalarStyle, span: Span) -> Pending {
        Self::leaf(KIND_SCALAR, style.code() | TEXT_WHOLE << 3, 0, span, None)
    }

    /// A quoted scalar whose value is the source text at `span` without its quotes.
    pub(crate) fn unquoted(style: ScalarStyle, span: Span) -> Pending {
        Self::leaf(KIND_SCALAR, style.code() | TEXT_INNER << 3, 0, span, None)
    }

    /// An alias of document-local anchor `anchor`.
    pub(crate) fn alias(anchor: u32, span: Span) -> Pending {
        Self::leaf(KIND_ALIAS, 0, anchor, span, None)
    }

    fn leaf(kind: u32, payload: u32, tail: u32, span: Span, tag: Option<Span>) -> Pending {
        let tagged = if tag.is_some() { TAGGED } else { 0 };
        Pending {
            slot: Slot {
                start: span.start,
                end: span.end,
                head: kind << KIND_SHIFT | tagged | payload,
                tail,
            },
            tag,
        }
    }

    /// A collection of `children` (a mapping's keys and values alternating), which move into
    /// the arena. Fails when the document has more nodes than indexes can name.
    pub(crate) fn collection(
        &mut self,
        is_map: bool,
        children: impl ExactSizeIterator<Item = Pending>,
        span: Span,
        tag: Option<Span>,
    ) -> Result<Pending, TooManyNodes> {
        let first = self.tree.slots.len();
        let count = children.len();
        if !self.has_room(count) {
            return Err(TooManyNodes);
        }
        self.tree.slots.reserve(count);
        for (index, mut child) in (first..).zip(children) {
            if is_map && (index - first).is_multiple_of(2) {
                self.hash_key(&mut child.slot);
            }
            self.place(index, child);
        }
        if is_map {
            self.note_repeated_hashes(first);
        }
        let kind = if is_map { KIND_MAP } else { KIND_SEQ };
        let count = u32::try_from(self.tree.slots.len() - first).unwrap_or(u32::MAX);
        let first = u32::try_from(first).unwrap_or(u32::MAX);
        Ok(Self::leaf(kind, first, count, span, tag))
    }

    /// Keep the [`key_hash`] of a mapping key's text in its slot, where the text is borrowed
    /// from the source (an owned text's slot holds its index; other keys have no text).
    fn hash_key(&self, slot: &mut Slot) {
        if slot.kind() != NodeKind::Scalar {
            return;
        }
        let span = match slot.payload() >> 3 {
            TEXT_WHOLE => slot.span(),
            TEXT_INNER => inner(slot.span()),
            _ => return,
        };
        slot.tail = key_hash(self.source.get(span.range()).unwrap_or(""));
    }

    /// Whether two keys of the mapping whose children were just placed from `first` on have
    /// the same hash (then remember it: see [`Tree::repeated_hashes`]), or one is an alias.
    fn note_repeated_hashes(&mut self, first: usize) {
        let mut hashes = std::mem::take(&mut self.key_hashes);
        hashes.clear();
        for key in self
            .tree
            .slots
            .get(first..)
            .unwrap_or_default()
            .iter()
            .step_by(2)
        {
            match (key.kind(), key.payload() >> 3) {
                (NodeKind::Scalar, TEXT_WHOLE | TEXT_INNER) => hashes.push(key.tail),
                (NodeKind::Scalar, _) => hashes.push(key_hash(self.tree.owned(key.tail))),
                (NodeKind::Alias, _) => self.tree.alias_keys = true,
                // A key that is a collection is like no other key.
                (NodeKind::Seq | NodeKind::Map, _) => {}
            }
        }
        for &hash in &hashes {
            self.tree.keys.add(hash);
        }
        let repeated = if hashes.len() <= SMALL_MAP {
            // Pairwise: cheaper than sorting, and most mappings are small.
            hashes
                .iter()
                .enumerate()
                .any(|(i, h)| hashes.get(..i).unwrap_or_default().contains(h))
        } else {
            hashes.sort_unstable();
            hashes.windows(2).any(|pair| pair.first() == pair.last())
        };
        if repeated {
            self.repeated_firsts
                .push(u32::try_from(first).unwrap_or(u32::MAX));
        }
        self.key_hashes = hashes;
    }

    fn place(&mut self, index: usize, node: Pending) {
        // (An empty mapping may start where a later one does: it has no keys to repeat.)
        if node.slot.kind() == NodeKind::Map
            && node.slot.tail > 0
            && !self.repeated_firsts.is_empty()
            && self
                .repeated_firsts
                .binary_search(&node.slot.payload())
                .is_ok()
        {
            self.tree
                .repeated_hashes
                .push(u32::try_from(index).unwrap_or(u32::MAX));
        }
        if let Some(tag) = node.tag {
            self.tree
                .tagged
                .push(u32::try_from(index).unwrap_or(u32::MAX));
            self.tree.tags.push(tag);
        }
        self.tree.slots.push(node.slot);
    }

    /// The finished tree, with `root` placed last.
    pub(crate) fn finish(mut self, root: Pending) -> Tree {
        let index = self.tree.slots.len();
        self.place(index, root);
        self.tree.root = u32::try_from(index).unwrap_or(u32::MAX);
        self.tree
    }
}

/// A document with more nodes than [`MAX_NODES`].
#[derive(Debug)]
pub(crate) struct TooManyNodes;

/// A tree written in code rather than parsed from a file (an OpenAPI body given as HCL in a
/// Terraform file). Its spans point into the file it was written in; [`Document::built`]
/// makes it a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    span: Span,
    tag: Option<Span>,
    kind: BuiltKind,
}

#[derive(Clone, Debug, PartialEq)]
enum BuiltKind {
    Scalar(ScalarStyle, Box<str>),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
    /// An alias copied as written; in a built document it stands for nothing.
    Alias,
}

/// One entry of a built mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

impl Node {
    /// A scalar with `value`, placed at `span` in `style`. (`source` is the text the span
    /// points into; the value is taken from it when it is spelled there verbatim.)
    pub fn scalar(style: ScalarStyle, value: &str, span: Span, _source: &str) -> Node {
        Node {
            span,
            tag: None,
            kind: BuiltKind::Scalar(style, value.into()),
        }
    }

    pub fn seq(items: Vec<Node>, span: Span) -> Node {
        Node {
            span,
            tag: None,
            kind: BuiltKind::Seq(items),
        }
    }

    pub fn map(entries: Vec<Entry>, span: Span) -> Node {
        Node {
            span,
            tag: None,
            kind: BuiltKind::Map(entries),
        }
    }

    /// A copy of `node` and everything under it as written (aliases are not followed), tags
    /// and spans included. The tree is at most [`super::limits::MAX_DEPTH`] deep.
    pub fn copy_of(node: NodeRef<'_>) -> Node {
        let kind = match node.kind() {
            NodeKind::Scalar => BuiltKind::Scalar(
                node.scalar_style().unwrap_or(ScalarStyle::Plain),
                node.as_str().unwrap_or("").into(),
            ),
            NodeKind::Seq => BuiltKind::Seq(node.written_items().map(Node::copy_of).collect()),
            NodeKind::Map => BuiltKind::Map(
                node.written_entries()
                    .map(|(key, value)| Entry {
                        key: Node::copy_of(key),
                        value: Node::copy_of(value),
                    })
                    .collect(),
            ),
            NodeKind::Alias => BuiltKind::Alias,
        };
        Node {
            span: node.span(),
            tag: node.tag_span(),
            kind,
        }
    }

    /// Give the node the tag `like` has (or none).
    pub fn set_tag_like(&mut self, like: NodeRef<'_>) {
        self.tag = like.tag_span();
    }

    /// Lay out the tree in `builder`'s arena (built trees are small and shallow: Terraform
    /// caps their size).
    fn place(self, builder: &mut TreeBuilder<'_>) -> Option<Pending> {
        let tag = self.tag;
        Some(match self.kind {
            BuiltKind::Scalar(style, value) => builder.scalar(style, &value, self.span, tag),
            BuiltKind::Alias => {
                let mut alias = TreeBuilder::alias(u32::MAX, self.span);
                alias.set_tag(tag);
                alias
            }
            BuiltKind::Seq(items) => {
                let items = items
                    .into_iter()
                    .map(|item| item.place(builder))
                    .collect::<Option<Vec<_>>>()?;
                builder
                    .collection(false, items.into_iter(), self.span, tag)
                    .ok()?
            }
            BuiltKind::Map(entries) => {
                let mut children = Vec::with_capacity(entries.len() * 2);
                for entry in entries {
                    children.push(entry.key.place(builder)?);
                    children.push(entry.value.place(builder)?);
                }
                builder
                    .collection(true, children.into_iter(), self.span, tag)
                    .ok()?
            }
        })
    }
}

/// One parsed document of a file.
pub struct Document {
    pub file: Arc<SourceFile>,
    tree: Tree,
    pub comments: Vec<Comment>,
    /// For each document-local anchor id, the node it anchors.
    anchors: Vec<Option<u32>>,
    alias_budget: AtomicU32,
    budget_exhausted_at: AtomicU32,
    /// The key index of each large mapping looked up so far, by node (`None`: it has an
    /// alias as a key, and is searched entry by entry).
    key_indexes: RwLock<HashMap<u32, Option<KeyIndex>>>,
}

/// Mappings with more entries than this are looked up through an index of their keys, made on
/// the first lookup (a template's `Resources` can have tens of thousands of entries).
const INDEXED_MAP: usize = 32;

/// The hash of each key of a mapping with its entry's position, sorted.
type KeyIndex = Arc<[(u32, u32)]>;

/// The hash a mapping key's slot keeps of its text (see [`Slot`]).
fn key_hash(key: &str) -> u32 {
    // The low half of a 64-bit hash; a match is confirmed on the text.
    foldhash::fast::FixedState::with_seed(0).hash_one(key) as u32
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("file", &self.file.path())
            .field("nodes", &self.tree.len())
            .finish()
    }
}

impl Document {
    /// A document built from a tree that was not parsed from `file` (an OpenAPI body written
    /// as HCL in a Terraform file): its spans still point into `file`.
    pub fn built(file: Arc<SourceFile>, root: Node) -> Self {
        let mut builder = TreeBuilder::new(file.text(), 0);
        let root = root
            .place(&mut builder)
            .unwrap_or_else(|| TreeBuilder::verbatim(ScalarStyle::Plain, Span::empty(0)));
        let tree = builder.finish(root);
        Document::new(
            file,
            RawDocument {
                tree,
                anchors: Vec::new(),
                comments: Vec::new(),
            },
        )
    }

    pub(crate) fn new(file: Arc<SourceFile>, raw: RawDocument) -> Self {
        Document {
            file,
            tree: raw.tree,
            comments: raw.comments,
            anchors: raw.anchors,
            alias_budget: AtomicU32::new(ALIAS_BUDGET),
            budget_exhausted_at: AtomicU32::new(u32::MAX),
            key_indexes: RwLock::new(HashMap::new()),
        }
    }

    /// The key index of mapping `map`, made on first use.
    fn key_index(&self, map: NodeRef<'_>) -> Option<KeyIndex> {
        if let Ok(indexes) = self.key_indexes.read()
            && let Some(index) = indexes.get(&map.id)
        {
            return index.clone();
        }
        let mut keys = Vec::with_capacity(map.len());
        for (position, (key, _)) in (0u32..).zip(map.written_entries()) {
            match key.kind() {
                NodeKind::Scalar => keys.push((key.key_hash(), position)),
                // Following an alias spends budget: such a mapping is searched as written.
                NodeKind::Alias => {
                    keys.clear();
                    break;
                }
                NodeKind::Seq | NodeKind::Map => {}
            }
        }
        let index = (!keys.is_empty()).then(|| {
            keys.sort_unstable();
            KeyIndex::from(keys)
        });
        if let Ok(mut indexes) = self.key_indexes.write() {
            indexes.insert(map.id, index.clone());
        }
        index
    }

    pub fn root(&self) -> NodeRef<'_> {
        NodeRef::new(self, self.tree.root)
    }

    /// The root as written (an alias is not followed).
    pub fn written_root(&self) -> NodeRef<'_> {
        NodeRef {
            doc: self,
            id: self.tree.root,
        }
    }

    /// The mappings that may have a key written twice, as written (aliases not followed): those
    /// two of whose keys have the same hash, in no particular order. `None` when a mapping has
    /// an alias as a key, which only a walk that follows it can compare.
    pub fn maps_with_repeated_keys(&self) -> Option<impl Iterator<Item = NodeRef<'_>>> {
        (!self.tree.alias_keys).then(|| {
            self.tree
                .repeated_hashes
                .iter()
                .map(|&id| NodeRef { doc: self, id })
        })
    }

    /// Whether some mapping of the document may have `key` as a key: false means none has
    /// (the parser kept a filter of the keys' hashes), true that one may. An alias as a key
    /// is only known once followed, so a document with one may have any key.
    pub fn may_have_key(&self, key: &str) -> bool {
        self.tree.alias_keys || self.tree.keys.may_hold(key_hash(key))
    }

    /// The number of nodes in the document.
    pub fn node_count(&self) -> usize {
        self.tree.len()
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

    fn anchored(&self, id: u32, alias: Span) -> Option<u32> {
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
        self.anchors.get(id as usize).copied().flatten()
    }
}

/// A borrowed, alias-following cursor into a document: what the format views are built on.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    doc: &'a Document,
    id: u32,
}

/// Which node a cursor is on, comparable across documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeIdentity {
    document: usize,
    node: u32,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeRef({:?} {:?})", self.loc(), self.kind())
    }
}

impl<'a> NodeRef<'a> {
    /// A cursor on node `id` of `doc`, following it if it is an alias.
    fn new(doc: &'a Document, id: u32) -> Self {
        NodeRef { doc, id }.followed()
    }

    /// The node an alias stands for (any other node itself). An alias whose anchor the
    /// document's budget no longer allows following stays an alias.
    pub fn followed(self) -> Self {
        let mut current = self;
        // Alias chains are short; the budget bounds pathological ones and cycles.
        while current.slot().kind() == NodeKind::Alias {
            let slot = current.slot();
            match self.doc.anchored(slot.tail, slot.span()) {
                Some(target) => current.id = target,
                None => return current,
            }
        }
        current
    }

    fn slot(self) -> Slot {
        self.doc.tree.slot(self.id)
    }

    pub fn doc(self) -> &'a Document {
        self.doc
    }

    /// Which node this is: two cursors on the same node have the same identity.
    pub fn identity(self) -> NodeIdentity {
        NodeIdentity {
            document: std::ptr::from_ref(self.doc) as usize,
            node: self.id,
        }
    }

    pub fn kind(self) -> NodeKind {
        self.slot().kind()
    }

    pub fn span(self) -> Span {
        self.slot().span()
    }

    pub fn loc(self) -> Loc {
        self.doc.loc(self.span())
    }

    /// The tag as written, e.g. `!Ref` or `!!str`.
    pub fn tag(self) -> Option<&'a str> {
        let span = self.tag_span()?;
        Some(self.doc.file.text().get(span.range()).unwrap_or("!"))
    }

    pub fn tag_span(self) -> Option<Span> {
        self.doc.tree.tag(self.id)
    }

    /// The span of the tag and the value together.
    pub fn full_span(self) -> Span {
        self.tag_span().map_or(self.span(), |t| t.to(self.span()))
    }

    pub fn is_map(self) -> bool {
        self.kind() == NodeKind::Map
    }

    pub fn is_seq(self) -> bool {
        self.kind() == NodeKind::Seq
    }

    pub fn is_scalar(self) -> bool {
        self.kind() == NodeKind::Scalar
    }

    pub fn scalar_style(self) -> Option<ScalarStyle> {
        let slot = self.slot();
        (slot.kind() == NodeKind::Scalar).then(|| ScalarStyle::from_code(slot.payload() & 7))
    }

    /// The scalar's value as text (decoded), whatever its style.
    pub fn as_str(self) -> Option<&'a str> {
        let slot = self.slot();
        if slot.kind() != NodeKind::Scalar {
            return None;
        }
        Some(match slot.payload() >> 3 {
            TEXT_WHOLE => self.doc.file.slice(slot.span()),
            TEXT_INNER => self.doc.file.slice(inner(slot.span())),
            _ => self.doc.tree.owned(slot.tail),
        })
    }

    /// The [`key_hash`] of a mapping key's text: kept in its slot where the text is borrowed
    /// from the source, so that it is compared without reading the text; else computed.
    /// Only for a key as written (not an alias followed to its anchor).
    fn key_hash(self) -> u32 {
        let slot = self.slot();
        match slot.payload() >> 3 {
            TEXT_WHOLE | TEXT_INNER if slot.kind() == NodeKind::Scalar => slot.tail,
            _ => key_hash(self.as_str().unwrap_or("")),
        }
    }

    /// Whether this mapping key, as written, is `key` (whose [`key_hash`] is `hash`): an
    /// alias is followed; a key whose text is borrowed is ruled out by its kept hash.
    fn is_key(self, key: &str, hash: u32) -> Option<NodeRef<'a>> {
        let slot = self.slot();
        match slot.kind() {
            NodeKind::Scalar => {
                if matches!(slot.payload() >> 3, TEXT_WHOLE | TEXT_INNER) && slot.tail != hash {
                    return None;
                }
                (self.as_str() == Some(key)).then_some(self)
            }
            NodeKind::Alias => {
                let key_node = self.followed();
                (key_node.as_str() == Some(key)).then_some(key_node)
            }
            NodeKind::Seq | NodeKind::Map => None,
        }
    }

    /// The keys of a mapping (an alias followed), each with the hash of its text: what a scan
    /// for repeated keys compares, mostly without reading the text.
    pub fn hashed_keys(self) -> impl Iterator<Item = HashedKey<'a>> + 'a {
        self.written_entries()
            .map(|(written, _)| written.hashed_key())
    }

    /// The entries of a mapping (aliases followed), each key with the hash of its text.
    pub fn hashed_entries(self) -> impl Iterator<Item = (HashedKey<'a>, NodeRef<'a>)> + 'a {
        self.written_entries()
            .map(|(written, value)| (written.hashed_key(), value.followed()))
    }

    /// Whether this mapping may have a key written twice (see
    /// [`Document::maps_with_repeated_keys`]): false means its keys are surely distinct, so
    /// its entries need no search for repeats.
    pub fn may_repeat_keys(self) -> bool {
        self.is_map()
            && (self.doc.tree.alias_keys
                || self
                    .doc
                    .tree
                    .repeated_hashes
                    .binary_search(&self.id)
                    .is_ok())
    }

    /// This key of a mapping, as written, with the hash of its text.
    fn hashed_key(self) -> HashedKey<'a> {
        let key = self.followed();
        let hash = match (self.kind(), key.kind()) {
            (NodeKind::Scalar, _) => Some(self.key_hash()),
            // An alias's anchor may be a value, whose slot keeps no hash.
            (_, NodeKind::Scalar) => Some(key_hash(key.as_str().unwrap_or(""))),
            _ => None,
        };
        HashedKey {
            written: self,
            key,
            hash,
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
        if !self.is_map() {
            return None;
        }
        let hash = key_hash(key);
        if self.len() > INDEXED_MAP
            && let Some(index) = self.doc.key_index(self)
        {
            let from = index.partition_point(|&(h, _)| h < hash);
            let to = index.partition_point(|&(h, _)| h <= hash);
            return index
                .get(from..to)?
                .iter()
                .rev()
                .find_map(|&(_, position)| {
                    let k = self.written_child(2 * position as usize)?;
                    let v = self.written_child(2 * position as usize + 1)?;
                    (k.as_str() == Some(key)).then(|| (k, v.followed()))
                });
        }
        // Views look keys up all the time: the kept hashes pass over the other keys without
        // reading their text.
        self.written_entries()
            .rev()
            .find_map(|(k, v)| Some((k.is_key(key, hash)?, v.followed())))
    }

    /// Mapping entries in source order (empty for anything but a mapping).
    pub fn entries(self) -> impl DoubleEndedIterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        self.written_entries()
            .map(|(key, value)| (key.followed(), value.followed()))
    }

    /// Mapping entries as written: an alias is not followed.
    pub fn written_entries(
        self,
    ) -> impl DoubleEndedIterator<Item = (NodeRef<'a>, NodeRef<'a>)> + ExactSizeIterator + 'a {
        let doc = self.doc;
        let slot = self.slot();
        let children = if slot.kind() == NodeKind::Map {
            slot.children()
        } else {
            0..0
        };
        let first = children.start;
        (0..children.len() as u32 / 2).map(move |i| {
            let key = first + 2 * i;
            (NodeRef { doc, id: key }, NodeRef { doc, id: key + 1 })
        })
    }

    /// Sequence items in order (empty for anything but a sequence).
    pub fn items(self) -> impl DoubleEndedIterator<Item = NodeRef<'a>> + ExactSizeIterator + 'a {
        self.written_items().map(NodeRef::followed)
    }

    /// Sequence items as written: an alias is not followed.
    pub fn written_items(
        self,
    ) -> impl DoubleEndedIterator<Item = NodeRef<'a>> + ExactSizeIterator + 'a {
        let doc = self.doc;
        let slot = self.slot();
        let items = if slot.kind() == NodeKind::Seq {
            slot.children()
        } else {
            0..0
        };
        items.map(move |id| NodeRef { doc, id })
    }

    /// Direct children as written, in source order (a mapping's keys and values alternate).
    pub fn written_children(
        self,
    ) -> impl DoubleEndedIterator<Item = NodeRef<'a>> + ExactSizeIterator + 'a {
        let doc = self.doc;
        self.slot().children().map(move |id| NodeRef { doc, id })
    }

    /// Child `index` as written (a mapping's keys and values count in turn).
    pub fn written_child(self, index: usize) -> Option<NodeRef<'a>> {
        let children = self.slot().children();
        let id = children.start.checked_add(u32::try_from(index).ok()?)?;
        children
            .contains(&id)
            .then_some(NodeRef { doc: self.doc, id })
    }

    /// The number of entries or items.
    pub fn len(self) -> usize {
        let slot = self.slot();
        match slot.kind() {
            NodeKind::Seq => slot.tail as usize,
            NodeKind::Map => slot.tail as usize / 2,
            NodeKind::Scalar | NodeKind::Alias => 0,
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// A key of a mapping (see [`NodeRef::hashed_keys`]).
#[derive(Clone, Copy)]
pub struct HashedKey<'a> {
    /// The key as written (an alias, or the key itself).
    pub written: NodeRef<'a>,
    /// The key, an alias followed.
    pub key: NodeRef<'a>,
    /// The [`key_hash`] of its text; none for a key that is not a scalar.
    hash: Option<u32>,
}

impl<'a> HashedKey<'a> {
    /// The key's text, if it is a scalar.
    pub fn text(&self) -> Option<&'a str> {
        self.key.as_str()
    }

    /// Whether two keys are the same text (a key that is not a scalar is like no other): a
    /// hash that differs rules it out unread.
    pub fn same_text(&self, other: &HashedKey<'_>) -> bool {
        self.hash.is_some() && self.hash == other.hash && self.text() == other.text()
    }

    /// For each of `keys`, the position of the latest earlier key with the same text.
    pub fn latest_earlier(keys: &[HashedKey<'_>]) -> Vec<Option<usize>> {
        let mut earlier = vec![None; keys.len()];
        let same = |i: usize, j: usize| match (keys.get(i), keys.get(j)) {
            (Some(a), Some(b)) => a.same_text(b),
            _ => false,
        };
        if keys.len() <= SMALL_MAP {
            // Pairwise: cheaper than sorting, and most mappings are small.
            for (i, found) in earlier.iter_mut().enumerate() {
                *found = (0..i).rev().find(|&j| same(i, j));
            }
            return earlier;
        }
        // Keys of one hash are side by side once sorted, in their order.
        let mut order: Vec<(u32, usize)> = (0..)
            .zip(keys)
            .filter_map(|(i, key)| Some((key.hash?, i)))
            .collect();
        order.sort_unstable();
        for run in order
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|run| run.len() > 1)
        {
            for (n, &(_, i)) in run.iter().enumerate() {
                let found = run.iter().take(n).rev().find(|&&(_, j)| same(i, j));
                if let (Some(slot), Some(&(_, j))) = (earlier.get_mut(i), found) {
                    *slot = Some(j);
                }
            }
        }
        earlier
    }
}

/// Mappings with at most this many entries are searched for repeated keys pairwise.
const SMALL_MAP: usize = 16;

/// A quoted scalar's span without its quotes.
fn inner(span: Span) -> Span {
    Span {
        start: span.start.saturating_add(1).min(span.end),
        end: span
            .end
            .saturating_sub(1)
            .max(span.start.saturating_add(1).min(span.end)),
    }
}

/// A document as a parser hands it over, before it is tied to its file.
pub(crate) struct RawDocument {
    pub tree: Tree,
    /// For each document-local anchor id, the node it anchors.
    pub anchors: Vec<Option<u32>>,
    pub comments: Vec<Comment>,
}
