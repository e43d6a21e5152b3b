//! YAML to [`Node`] through granit-parser's event stream. The builder keeps an explicit stack,
//! so nesting costs heap, not call stack, and the depth cap is a located error.

use granit_parser::{Event, Parser, ScalarStyle as YamlStyle, StructureStyle};

use super::node::{Comment, Entry, Node, NodeKind, Scalar, ScalarStyle, Tag};
use super::source::Span;
use super::{MAX_DEPTH, RawDocument, SyntaxError};

/// Anchor ids above this are not recorded (an alias to them resolves to nothing).
const MAX_ANCHORS: usize = 1 << 20;

pub(super) fn parse(text: &str) -> Result<Vec<RawDocument>, SyntaxError> {
    let mut builder = Builder {
        text,
        stack: Vec::new(),
        root: None,
        anchors: Vec::new(),
        comments: Vec::new(),
        documents: Vec::new(),
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let at = e.marker().byte_offset().unwrap_or(0);
            SyntaxError::new(Span::new(at, at), format!("invalid YAML: {}", e.info()))
        })?;
        let tag_span = span.tag_span().and_then(|t| t.byte_range()).map(to_span);
        let span = span.byte_range().map(to_span).unwrap_or_default();
        builder.event(event, span, tag_span)?;
    }
    Ok(builder.documents)
}

fn to_span(range: std::ops::Range<usize>) -> Span {
    Span::new(range.start, range.end)
}

struct Frame {
    span: Span,
    tag: Option<Box<Tag>>,
    style: StructureStyle,
    children: Children,
}

enum Children {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        key: Option<Node>,
    },
}

struct Builder<'t> {
    text: &'t str,
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: Vec<Option<Box<[u32]>>>,
    comments: Vec<Comment>,
    documents: Vec<RawDocument>,
}

impl Builder<'_> {
    fn event(
        &mut self,
        event: Event<'_>,
        span: Span,
        tag_span: Option<Span>,
    ) -> Result<(), SyntaxError> {
        let tag = |builder: &Self, has_tag: bool| {
            let tag_span = tag_span.filter(|_| has_tag)?;
            Some(Box::new(Tag {
                name: builder.text.get(tag_span.range()).unwrap_or("!").into(),
                span: tag_span,
            }))
        };
        match event {
            Event::DocumentStart(..) => {
                self.stack.clear();
                self.root = None;
                self.anchors.clear();
            }
            Event::DocumentEnd => {
                if let Some(root) = self.root.take() {
                    self.documents.push(RawDocument {
                        root,
                        anchors: std::mem::take(&mut self.anchors),
                        comments: std::mem::take(&mut self.comments),
                    });
                }
            }
            Event::Comment(text, _) => self.comments.push(Comment {
                span,
                text: text.as_ref().into(),
            }),
            Event::Scalar(value, style, anchor, yaml_tag) => {
                self.record_anchor(anchor);
                let node = Node {
                    span,
                    tag: tag(self, yaml_tag.is_some()),
                    kind: NodeKind::Scalar(Scalar::new(
                        scalar_style(style),
                        &value,
                        span,
                        self.text,
                    )),
                };
                self.push(node);
            }
            Event::Alias(id) => self.push(Node {
                span,
                tag: None,
                kind: NodeKind::Alias(u32::try_from(id).unwrap_or(u32::MAX)),
            }),
            Event::SequenceStart(style, anchor, yaml_tag) => {
                self.open(
                    span,
                    style,
                    anchor,
                    tag(self, yaml_tag.is_some()),
                    Children::Seq(Vec::new()),
                )?;
            }
            Event::MappingStart(style, anchor, yaml_tag) => {
                let children = Children::Map {
                    entries: Vec::new(),
                    key: None,
                };
                self.open(span, style, anchor, tag(self, yaml_tag.is_some()), children)?;
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
            _ => {}
        }
        Ok(())
    }

    fn open(
        &mut self,
        span: Span,
        style: StructureStyle,
        anchor: usize,
        tag: Option<Box<Tag>>,
        children: Children,
    ) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError::new(
                span,
                format!("nesting deeper than {MAX_DEPTH} levels is not supported"),
            ));
        }
        self.record_anchor(anchor);
        self.stack.push(Frame {
            span,
            tag,
            style,
            children,
        });
        Ok(())
    }

    fn close(&mut self, end: Span) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (kind, last_child_end) = match frame.children {
            Children::Seq(items) => {
                let last = items.last().map(|n| n.span.end);
                (NodeKind::Seq(items.into_boxed_slice()), last)
            }
            Children::Map { mut entries, key } => {
                if let Some(key) = key {
                    let value = Node {
                        span: Span::empty(key.span.end as usize),
                        tag: None,
                        kind: NodeKind::Scalar(Scalar::new(
                            ScalarStyle::Plain,
                            "",
                            Span::empty(key.span.end as usize),
                            self.text,
                        )),
                    };
                    entries.push(Entry { key, value });
                }
                let last = entries.last().map(|e| e.value.span.end.max(e.key.span.end));
                (NodeKind::Map(entries.into_boxed_slice()), last)
            }
        };
        // A flow collection ends at its closing bracket; a block one at its last child, since
        // the parser reports its end where the next token starts.
        let end = match frame.style {
            StructureStyle::Flow => end.end,
            StructureStyle::Block => last_child_end.unwrap_or(frame.span.end),
        };
        let node = Node {
            span: Span {
                start: frame.span.start,
                end: end.max(frame.span.start),
            },
            tag: frame.tag,
            kind,
        };
        self.push(node);
    }

    fn record_anchor(&mut self, anchor: usize) {
        if anchor == 0 || anchor >= MAX_ANCHORS {
            return;
        }
        let path: Box<[u32]> = self
            .stack
            .iter()
            .map(|frame| {
                let index = match &frame.children {
                    Children::Seq(items) => items.len(),
                    Children::Map { entries, key } => {
                        entries.len() * 2 + usize::from(key.is_some())
                    }
                };
                u32::try_from(index).unwrap_or(u32::MAX)
            })
            .collect();
        if self.anchors.len() <= anchor {
            self.anchors.resize(anchor + 1, None);
        }
        if let Some(slot) = self.anchors.get_mut(anchor) {
            *slot = Some(path);
        }
    }

    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(frame) => match &mut frame.children {
                Children::Seq(items) => items.push(node),
                Children::Map { entries, key } => match key.take() {
                    None => *key = Some(node),
                    Some(key) => entries.push(Entry { key, value: node }),
                },
            },
        }
    }
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
