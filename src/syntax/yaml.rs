//! YAML to [`Node`] through granit-parser's event stream. The builder keeps an explicit stack,
//! so nesting costs heap, not call stack, and the depth cap is a located error.
//!
//! Children of every open collection live in one scratch vector; closing a collection moves its
//! children into the document's arena, side by side, so building allocates nothing per node.

use granit_parser::{
    ErrorKind, Event, Parser, ScalarStyle as YamlStyle, ScanError, StructureStyle,
};

use super::error::SyntaxError;
use super::limits::MAX_DEPTH;
use super::node::RawDocument;
use super::node::{Comment, Pending, ScalarStyle, TreeBuilder, Untagged};
use super::source::Span;

pub(super) fn parse(text: &str) -> Result<Vec<RawDocument>, SyntaxError> {
    let options = granit_parser::options! {
        // granit-parser buffers comments while it looks ahead for a mapping value and by
        // default fails after 96 of them; a long commented-out block is ordinary YAML, and the
        // buffer is bounded by the input anyway.
        max_buffered_comment_events: usize::MAX,
        // `key: |` and a last line without a line break: read `text`, not `text\n`, as libyaml
        // and PyYAML (and so cfn-lint and the SAM translator) do.
        block_scalar_eof_without_line_feed: true,
        // The scanner looks ahead of the events, so its own limits can trip before ours.
        flow_nesting_limit: MAX_DEPTH,
        block_nesting_limit: MAX_DEPTH,
    };
    let mut builder = Builder::new(text);
    for event in Parser::new_from_str_with_options(text, options) {
        let (event, span) = event.map_err(|e| scan_error(text, &e))?;
        let tag_span = span.tag_span().and_then(|t| t.byte_range()).map(to_span);
        let span = span.byte_range().map(to_span).unwrap_or_default();
        builder.event(event, span, tag_span)?;
    }
    Ok(builder.finish())
}

fn scan_error(text: &str, error: &ScanError) -> SyntaxError {
    let at = error.marker().byte_offset().unwrap_or(0);
    let message = match error.kind() {
        ErrorKind::RecursionLimitExceeded => too_deep(),
        _ => format!("invalid YAML: {}", error.info()),
    };
    SyntaxError::at(text, at, message)
}

fn too_deep() -> String {
    format!("nesting deeper than {MAX_DEPTH} levels is not supported")
}

fn to_span(range: std::ops::Range<usize>) -> Span {
    Span::new(range.start, range.end)
}

/// A collection whose end event has not come yet.
struct Frame {
    start: u32,
    tag: Option<Span>,
    style: StructureStyle,
    is_map: bool,
    /// Where this collection's children start in [`Builder::scratch`].
    first: usize,
    /// The document-local anchor id on this collection, if any.
    anchor: Option<usize>,
    /// The largest height among the children so far (a scalar has height 0).
    height: u32,
}

struct Builder<'t> {
    text: &'t str,
    frames: Vec<Frame>,
    /// The arena of the document being read.
    tree: TreeBuilder<'t>,
    /// Children of all open collections, in order; map keys and values interleaved.
    scratch: Vec<Untagged>,
    /// The tags of the children in `scratch` that have one, by position there (ascending).
    scratch_tags: Vec<(usize, Span)>,
    root: Option<Pending>,
    /// granit-parser numbers anchors across the whole stream; the first id of this document.
    anchor_base: Option<usize>,
    /// For each document-local anchor id, the child-index path from the root.
    anchor_paths: Vec<Option<Box<[u32]>>>,
    /// For each anchor, the height of its node once it is complete (`None` while it is open).
    anchor_heights: Vec<Option<u32>>,
    comments: Vec<Comment>,
    documents: Vec<RawDocument>,
    /// The end of the last node, tag or marker seen: a block scalar's header lies after it.
    last_end: usize,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Builder {
            text,
            frames: Vec::new(),
            tree: TreeBuilder::new(text, node_estimate(text.len())),
            scratch: Vec::new(),
            scratch_tags: Vec::new(),
            root: None,
            anchor_base: None,
            anchor_paths: Vec::new(),
            anchor_heights: Vec::new(),
            comments: Vec::new(),
            documents: Vec::new(),
            last_end: 0,
        }
    }

    fn finish(mut self) -> Vec<RawDocument> {
        // Comments after the last document (`# end` after `...`) still belong to the file.
        if let Some(last) = self.documents.last_mut() {
            last.comments.append(&mut self.comments);
            sort_comments(&mut last.comments);
        }
        self.documents
    }

    fn event(
        &mut self,
        event: Event<'_>,
        span: Span,
        tag_span: Option<Span>,
    ) -> Result<(), SyntaxError> {
        let text = self.text;
        let tag = |has_tag: bool| tag_span.filter(|_| has_tag);
        // A block scalar's header is searched for from the end of the event before it.
        let previous_end = self.last_end;
        if !matches!(event, Event::Comment(..)) {
            let end = tag_span.map_or(span.end, |t| t.end.max(span.end));
            self.last_end = self.last_end.max(end as usize);
        }
        match event {
            Event::DocumentStart(..) => {
                self.frames.clear();
                self.scratch.clear();
                self.scratch_tags.clear();
                self.root = None;
                self.anchor_base = None;
                self.anchor_paths.clear();
                self.anchor_heights.clear();
            }
            Event::DocumentEnd => {
                if let Some(root) = self.root.take() {
                    let mut comments = std::mem::take(&mut self.comments);
                    sort_comments(&mut comments);
                    let next = self.tree.next_document();
                    let tree = std::mem::replace(&mut self.tree, next);
                    let tree = tree.finish(root);
                    let anchors = std::mem::take(&mut self.anchor_paths)
                        .iter()
                        .map(|path| path.as_deref().and_then(|path| tree.at_path(path)))
                        .collect();
                    self.documents.push(RawDocument {
                        tree,
                        anchors,
                        comments,
                    });
                }
            }
            Event::Comment(text, _) => self.comments.push(Comment {
                span,
                text: text.as_ref().into(),
            }),
            Event::Scalar(value, style, anchor, yaml_tag) => {
                let tag = tag(yaml_tag.is_some());
                let style = scalar_style(style);
                let span = self.scalar_span(style, span, tag, previous_end);
                self.record_anchor(anchor, Some(0));
                let scalar = self.tree.scalar(style, &value, span, tag);
                self.push(scalar, 0)?;
            }
            Event::Alias(id) => self.alias(id, span)?,
            Event::SequenceStart(style, anchor, yaml_tag) => {
                let span = match style {
                    StructureStyle::Block => block_sequence_start(text, previous_end, span),
                    StructureStyle::Flow => span,
                };
                self.open(span, style, anchor, tag(yaml_tag.is_some()), false)?;
            }
            Event::MappingStart(style, anchor, yaml_tag) => {
                self.open(span, style, anchor, tag(yaml_tag.is_some()), true)?;
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span)?,
            _ => {}
        }
        Ok(())
    }

    /// The span a scalar is reported at, which differs from the parser's in two cases.
    fn scalar_span(&self, style: ScalarStyle, span: Span, tag: Option<Span>, after: usize) -> Span {
        match style {
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let from = tag.map_or(after, |t| t.end as usize);
                block_scalar_span(self.text, from, span)
            }
            // The parser places an empty value (`key:`) on the colon; put it just after.
            ScalarStyle::Plain
                if span.start == span.end
                    && self.expects_value()
                    && self.text.as_bytes().get(span.start as usize) == Some(&b':') =>
            {
                Span::empty(span.start as usize + 1)
            }
            _ => span,
        }
    }

    fn expects_value(&self) -> bool {
        self.frames
            .last()
            .is_some_and(|f| f.is_map && self.scratch.len().saturating_sub(f.first) % 2 == 1)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), SyntaxError> {
        let local = self
            .anchor_base
            .and_then(|base| id.checked_sub(base))
            .filter(|&local| local < self.anchor_heights.len());
        let Some(local) = local else {
            return Err(SyntaxError::at(
                self.text,
                span.start as usize,
                "unknown anchor",
            ));
        };
        let Some(height) = self.anchor_heights.get(local).copied().flatten() else {
            // `&a [*a]`: the alias would make the tree infinite.
            return Err(SyntaxError::new(
                span,
                "recursive alias: it refers to a collection that contains it",
            ));
        };
        // Bound the depth a view reaches by following aliases, not only the written nesting.
        if self.frames.len() + height as usize > MAX_DEPTH {
            return Err(SyntaxError::new(
                span,
                format!(
                    "nesting deeper than {MAX_DEPTH} levels (through this alias) is not supported"
                ),
            ));
        }
        let local = u32::try_from(local).unwrap_or(u32::MAX);
        self.push(TreeBuilder::alias(local, span), height)
    }

    fn open(
        &mut self,
        span: Span,
        style: StructureStyle,
        anchor: usize,
        tag: Option<Span>,
        is_map: bool,
    ) -> Result<(), SyntaxError> {
        if self.frames.len() >= MAX_DEPTH {
            return Err(SyntaxError::at(self.text, span.start as usize, too_deep()));
        }
        let anchor = self.record_anchor(anchor, None);
        self.frames.push(Frame {
            start: span.start,
            tag,
            style,
            is_map,
            first: self.scratch.len(),
            anchor,
            height: 0,
        });
        Ok(())
    }

    fn close(&mut self, end: Span) -> Result<(), SyntaxError> {
        let Some(frame) = self.frames.pop() else {
            return Ok(());
        };
        let first = frame.first.min(self.scratch.len());
        // A flow collection ends at its closing bracket; a block one at its last child, since
        // the parser reports its end where the next token starts.
        let end = match frame.style {
            StructureStyle::Flow => end.end,
            StructureStyle::Block => match self.scratch.last() {
                Some(last) if self.scratch.len() > first => last.span().end,
                _ => frame.start,
            },
        };
        // The parser always sends a value; an empty one keeps the tree whole regardless.
        if frame.is_map
            && (self.scratch.len() - first) % 2 == 1
            && let Some(key) = self.scratch.last()
        {
            let value =
                TreeBuilder::verbatim(ScalarStyle::Plain, Span::empty(key.span().end as usize));
            self.scratch.push(value.untagged());
        }
        let span = Span {
            start: frame.start,
            end: end.max(frame.start),
        };
        // The children's tags go back on them as they move into the arena.
        let tagged_from = self.scratch_tags.partition_point(|&(at, _)| at < first);
        let mut tags = self
            .scratch_tags
            .split_off(tagged_from)
            .into_iter()
            .peekable();
        let node = self
            .tree
            .collection(
                frame.is_map,
                self.scratch.drain(first..).enumerate().map(|(k, child)| {
                    let mut child = Pending::from(child);
                    let at = first + k;
                    child.set_tag(tags.next_if(|&(i, _)| i == at).map(|(_, tag)| tag));
                    child
                }),
                span,
                frame.tag,
            )
            .map_err(|_| {
                SyntaxError::at(
                    self.text,
                    frame.start as usize,
                    "the document has too many nodes to be read",
                )
            })?;
        let height = frame.height.saturating_add(1);
        if let Some(slot) = frame.anchor.and_then(|a| self.anchor_heights.get_mut(a)) {
            *slot = Some(height);
        }
        self.push(node, height)
    }

    /// Remember where an anchored node sits, as child indices from the root. Returns the
    /// document-local anchor id.
    fn record_anchor(&mut self, anchor: usize, height: Option<u32>) -> Option<usize> {
        if anchor == 0 {
            return None;
        }
        let base = *self.anchor_base.get_or_insert(anchor);
        let local = anchor.checked_sub(base)?;
        let mut path = Vec::with_capacity(self.frames.len());
        let mut ends = self.frames.iter().skip(1).map(|f| f.first);
        for frame in &self.frames {
            let end = ends.next().unwrap_or(self.scratch.len());
            path.push(u32::try_from(end.saturating_sub(frame.first)).unwrap_or(u32::MAX));
        }
        // Ids are handed out in order, so this normally appends.
        if self.anchor_paths.len() <= local {
            self.anchor_paths.resize(local + 1, None);
            self.anchor_heights.resize(local + 1, None);
        }
        if let Some(slot) = self.anchor_paths.get_mut(local) {
            *slot = Some(path.into_boxed_slice());
        }
        if let Some(slot) = self.anchor_heights.get_mut(local) {
            *slot = height;
        }
        Some(local)
    }

    /// A node is complete: it is kept until its collection closes, if the document's node
    /// budget allows.
    fn push(&mut self, node: Pending, height: u32) -> Result<(), SyntaxError> {
        match self.frames.last_mut() {
            None => self.root = Some(node),
            Some(frame) => {
                if !self.tree.has_room(self.scratch.len() + 1) {
                    return Err(self.tree.over_budget(node.span()));
                }
                frame.height = frame.height.max(height);
                if let Some(tag) = node.tag() {
                    self.scratch_tags.push((self.scratch.len(), tag));
                }
                self.scratch.push(node.untagged());
            }
        }
        Ok(())
    }
}

/// A block sequence starts at its first `-`. granit-parser reports an indentless sequence
/// (`key:\n- a`) at its first item instead; the dash is the last non-blank byte before it.
fn block_sequence_start(text: &str, after: usize, span: Span) -> Span {
    let bytes = text.as_bytes();
    let mut at = span.start as usize;
    if bytes.get(at) == Some(&b'-') {
        return span;
    }
    while at > after {
        at -= 1;
        match bytes.get(at) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => {}
            Some(b'-') => return Span::new(at, span.end as usize),
            _ => break,
        }
    }
    span
}

/// A guess at how many nodes `len` bytes of YAML or JSON hold, to size the arena once: about one
/// in ten bytes in the templates and specifications measured. The pages of capacity that are
/// never used are never touched, so a guess too high costs address space, not memory.
pub(super) fn node_estimate(len: usize) -> usize {
    len / 8
}

fn sort_comments(comments: &mut [Comment]) {
    // The parser may send a comment after the node it follows in the text (a block scalar's
    // header comment); suppression lookups want source order.
    if !comments.is_sorted_by_key(|c| c.span.start) {
        comments.sort_by_key(|c| c.span.start);
    }
}

/// A block scalar's span: from its `|` or `>` header to the end of its last non-blank line.
/// granit-parser reports only the content, from the first content line to where the next
/// token starts (trailing blank lines and the next line's indentation included).
fn block_scalar_span(text: &str, from: usize, content: Span) -> Span {
    let bytes = text.as_bytes();
    let content_start = content.start as usize;
    // Between the previous token and the header there are only blanks, comments, indicators
    // (`:`, `-`, `?`) and node properties (`&anchor`, `!tag`).
    let mut at = from;
    let header = loop {
        if at > content_start {
            break None;
        }
        match bytes.get(at) {
            Some(b'|' | b'>') => break Some(at),
            Some(b'#') => {
                while bytes.get(at).is_some_and(|&b| b != b'\n' && b != b'\r') {
                    at += 1;
                }
            }
            Some(b'&' | b'!') => {
                while bytes
                    .get(at)
                    .is_some_and(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                {
                    at += 1;
                }
            }
            Some(b' ' | b'\t' | b'\r' | b'\n' | b':' | b'-' | b'?') => at += 1,
            _ => break None,
        }
    };
    let Some(header) = header else {
        return content;
    };
    let mut header_end = header + 1;
    while bytes
        .get(header_end)
        .is_some_and(|b| matches!(b, b'+' | b'-' | b'1'..=b'9'))
    {
        header_end += 1;
    }
    let body = text.get(content.range()).unwrap_or("");
    let body = body.trim_end_matches([' ', '\t', '\r', '\n']);
    let end = if body.is_empty() {
        header_end
    } else {
        (content_start + body.len()).max(header_end)
    };
    Span::new(header, end)
}

fn scalar_style(style: YamlStyle) -> ScalarStyle {
    match style {
        YamlStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        YamlStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        YamlStyle::Literal => ScalarStyle::Literal,
        YamlStyle::Folded => ScalarStyle::Folded,
        _ => ScalarStyle::Plain,
    }
}
