//! JSON to [`Node`] through jsonc-parser's scanner: strict JSON, plus the two liberties of
//! JSON with comments (`tsconfig.json`, VS Code settings) that real repositories rely on,
//! comments and trailing commas, and no JSON5 extensions. Duplicate keys are kept, numbers keep
//! their source spelling.
//!
//! The grammar is driven here with an explicit stack rather than through `parse_to_ast`, which
//! recurses per nesting level and builds an AST only to be copied into our tree.

use std::borrow::Cow;

use jsonc_parser::tokens::Token;
use jsonc_parser::{Scanner, ScannerOptions};

use super::error::SyntaxError;
use super::limits::MAX_DEPTH;
use super::node::RawDocument;
use super::node::{Pending, ScalarStyle, TreeBuilder, Untagged};
use super::source::Span;

/// Parse the JSON value that starts at byte `from` of `text` (after a BOM, if any). Spans are
/// offsets into the whole of `text`.
pub(super) fn parse(text: &str, from: usize) -> Result<RawDocument, SyntaxError> {
    let body = text.get(from..).unwrap_or("");
    let strict = ScannerOptions {
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let mut parser = JsonParser {
        text,
        from,
        tree: TreeBuilder::new(text, super::yaml::node_estimate(text.len())),
        scanner: Scanner::new(body, &strict),
        open: Vec::new(),
        scratch: Vec::new(),
    };
    let root = parser.run()?;
    Ok(RawDocument {
        tree: parser.tree.finish(root),
        anchors: Vec::new(),
        comments: Vec::new(),
    })
}

/// What the grammar allows next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A value (at the root, after `:` or after `,` in an array).
    Value,
    /// A value or `]`, just after `[`.
    ValueOrEnd,
    /// A key or `}`, just after `{`.
    KeyOrEnd,
    /// A key, after `,` in an object.
    Key,
    Colon,
    /// `,` or the end of the innermost collection, after a value.
    CommaOrEnd,
}

/// An array or object whose closing bracket has not come yet.
struct Open {
    start: usize,
    is_object: bool,
    /// Where its children start in [`JsonParser::scratch`].
    first: usize,
}

struct JsonParser<'t> {
    text: &'t str,
    from: usize,
    scanner: Scanner<'t>,
    /// The arena of the document.
    tree: TreeBuilder<'t>,
    open: Vec<Open>,
    /// Children of every open collection, in order; object keys and values interleaved.
    scratch: Vec<Untagged>,
}

impl<'t> JsonParser<'t> {
    fn run(&mut self) -> Result<Pending, SyntaxError> {
        let mut expect = Expect::Value;
        loop {
            let token = self.next()?;
            let span = self.token_span();
            let Some(token) = token else {
                return Err(self.error(span, "unexpected end of file"));
            };
            expect = match (expect, token) {
                (Expect::Value | Expect::ValueOrEnd, Token::OpenBracket) => {
                    self.open(span, false)?;
                    Expect::ValueOrEnd
                }
                (Expect::Value | Expect::ValueOrEnd, Token::OpenBrace) => {
                    self.open(span, true)?;
                    Expect::KeyOrEnd
                }
                (Expect::Value | Expect::ValueOrEnd, Token::String(value)) => {
                    let node = self.string(value, span);
                    self.value(node)?
                }
                (
                    Expect::Value | Expect::ValueOrEnd,
                    Token::Number(_) | Token::Boolean(_) | Token::Null,
                ) => self.value(TreeBuilder::verbatim(ScalarStyle::Plain, span))?,
                (Expect::ValueOrEnd, Token::CloseBracket)
                | (Expect::KeyOrEnd, Token::CloseBrace) => self.close(span)?,
                (Expect::CommaOrEnd, Token::CloseBracket) if !self.in_object() => {
                    self.close(span)?
                }
                (Expect::CommaOrEnd, Token::CloseBrace) if self.in_object() => self.close(span)?,
                (Expect::CommaOrEnd, Token::Comma) if self.in_object() => Expect::Key,
                (Expect::CommaOrEnd, Token::Comma) => Expect::Value,
                (Expect::KeyOrEnd | Expect::Key, Token::String(value)) => {
                    let key = self.string(value, span);
                    self.keep(key)?;
                    Expect::Colon
                }
                (Expect::Colon, Token::Colon) => Expect::Value,
                // A trailing comma, as JSON with comments allows.
                (Expect::Value, Token::CloseBracket) if self.after_comma() => self.close(span)?,
                (Expect::Key, Token::CloseBrace) => self.close(span)?,
                (expect, _) => return Err(self.error(span, expected(expect, self.in_object()))),
            };
            if expect == Expect::CommaOrEnd && self.open.is_empty() {
                return self.finish();
            }
        }
    }

    /// The one value is complete; only blanks may follow.
    fn finish(&mut self) -> Result<Pending, SyntaxError> {
        if self.next()?.is_some() {
            let span = self.token_span();
            return Err(self.error(span, "more than one value in the file"));
        }
        self.scratch
            .pop()
            .map(Pending::from)
            .ok_or_else(|| self.error(Span::empty(self.from), "the file holds no value"))
    }

    /// The next token; comments are skipped.
    fn next(&mut self) -> Result<Option<Token<'t>>, SyntaxError> {
        loop {
            let token = self.scanner.scan().map_err(|e| {
                let range = e.range();
                SyntaxError::new(
                    Span::new(self.from + range.start, self.from + range.end),
                    format!("invalid JSON: {}", e.kind()),
                )
            })?;
            if !matches!(token, Some(Token::CommentLine(_) | Token::CommentBlock(_))) {
                return Ok(token);
            }
        }
    }

    /// Whether a value is expected inside an array because a comma came (not at the root).
    fn after_comma(&self) -> bool {
        self.open.last().is_some_and(|o| !o.is_object)
            && self.scratch.len() > self.open.last().map_or(0, |o| o.first)
    }

    fn token_span(&self) -> Span {
        Span::new(
            self.from + self.scanner.token_start(),
            self.from + self.scanner.token_end(),
        )
    }

    fn error(&self, span: Span, message: &str) -> SyntaxError {
        if span.start == span.end {
            SyntaxError::at(
                self.text,
                span.start as usize,
                format!("invalid JSON: {message}"),
            )
        } else {
            SyntaxError::new(span, format!("invalid JSON: {message}"))
        }
    }

    fn in_object(&self) -> bool {
        self.open.last().is_some_and(|o| o.is_object)
    }

    fn open(&mut self, span: Span, is_object: bool) -> Result<(), SyntaxError> {
        if self.open.len() >= MAX_DEPTH {
            return Err(SyntaxError::new(
                span,
                format!("nesting deeper than {MAX_DEPTH} levels is not supported"),
            ));
        }
        self.open.push(Open {
            start: span.start as usize,
            is_object,
            first: self.scratch.len(),
        });
        Ok(())
    }

    /// A value is complete.
    fn value(&mut self, node: Pending) -> Result<Expect, SyntaxError> {
        self.keep(node)?;
        Ok(Expect::CommaOrEnd)
    }

    /// Keep a complete node until its collection closes, if the document's node budget allows.
    fn keep(&mut self, node: Pending) -> Result<(), SyntaxError> {
        if !self.tree.has_room(self.scratch.len() + 1) {
            return Err(self.tree.over_budget(node.span()));
        }
        self.scratch.push(node.untagged());
        Ok(())
    }

    /// The innermost collection ends with the bracket at `end`.
    fn close(&mut self, end: Span) -> Result<Expect, SyntaxError> {
        let Some(open) = self.open.pop() else {
            return Ok(Expect::CommaOrEnd);
        };
        let first = open.first.min(self.scratch.len());
        // An object closes only after a value, so its keys and values pair up.
        let span = Span::new(open.start, end.end as usize);
        let node = self
            .tree
            .collection(
                open.is_object,
                self.scratch.drain(first..).map(Pending::from),
                span,
                None,
            )
            .map_err(|_| {
                SyntaxError::new(
                    Span::new(open.start, open.start + 1),
                    "the document has too many nodes to be read",
                )
            })?;
        self.value(node)
    }

    fn string(&mut self, value: Cow<'_, str>, span: Span) -> Pending {
        match value {
            // No escapes: the value is the text between the quotes.
            Cow::Borrowed(_) => TreeBuilder::unquoted(ScalarStyle::DoubleQuoted, span),
            Cow::Owned(value) => self
                .tree
                .scalar(ScalarStyle::DoubleQuoted, &value, span, None),
        }
    }
}

fn expected(expect: Expect, in_object: bool) -> &'static str {
    match expect {
        Expect::Value => "expected a value",
        Expect::ValueOrEnd => "expected a value or ']'",
        Expect::KeyOrEnd => "expected a string key or '}'",
        Expect::Key => "expected a string key",
        Expect::Colon => "expected ':' after the key",
        Expect::CommaOrEnd if in_object => "expected ',' or '}'",
        Expect::CommaOrEnd => "expected ',' or ']'",
    }
}
