//! HCL (Terraform's native syntax) to a located tree of blocks, attributes and expressions.
//!
//! This is the only file that knows hcl-edit. The tree keeps what the Terraform view evaluates
//! (no whitespace or formatting), with a byte span on every block, attribute and expression, and
//! the spans of the comments (suppressions are written in them). hcl-edit bounds nesting itself
//! (64 levels of expressions, templates and blocks; 128 chained operators), so the conversion
//! below recurses at most that deep.

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{BlockLabel, Structure};
use hcl_edit::template::{Element, Template};

use super::error::SyntaxError;
use super::node::{NodeKind, NodeRef, ScalarStyle};
use super::source::Span;

/// A parsed `.tf` or `.tfvars` file.
#[derive(Debug, Default)]
pub struct HclFile {
    pub body: Body,
    /// Every `#`, `//` and `/* */` comment.
    pub comments: Vec<Span>,
}

/// Attributes and blocks, each in source order.
#[derive(Debug, Default, Clone)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

impl Body {
    /// The attribute named `key` (the last one, should it be repeated).
    pub fn attribute(&self, key: &str) -> Option<&Attribute> {
        self.attributes.iter().rev().find(|a| a.key == key)
    }

    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub key: String,
    pub key_span: Span,
    pub value: Expr,
    /// From the key to the end of the value.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Block {
    /// `resource`, `variable`, `dynamic`, `lifecycle`, ...
    pub kind: String,
    pub labels: Vec<String>,
    /// The whole block, from its identifier to its closing brace.
    pub span: Span,
    /// The identifier and labels: `resource "aws_x" "y"`.
    pub header: Span,
    pub body: Body,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub span: Span,
    pub kind: ExprKind,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// A string with interpolations (or a heredoc).
    Template(Vec<Part>),
    Array(Vec<Expr>),
    /// Keys are expressions; a bare identifier key is a [`ExprKind::String`].
    Object(Vec<(Expr, Expr)>),
    /// `var`, `local`, `each`, `aws_api_gateway_rest_api`, ...
    Variable(String),
    Traversal(Box<Expr>, Vec<Step>),
    Call {
        name: String,
        args: Vec<Expr>,
        /// The last argument is expanded (`f(list...)`).
        expand: bool,
    },
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    For(Box<ForExpr>),
}

#[derive(Debug, Clone)]
pub enum Step {
    Attr(String),
    Index(Expr),
    /// `[*]` or `.*`.
    Splat,
}

#[derive(Debug, Clone)]
pub enum Part {
    Literal(String),
    Interpolation(Expr),
    /// `%{if}` or `%{for}`: its result is not evaluated.
    Directive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Plus,
    Minus,
    Mul,
    Div,
    Mod,
    And,
    Or,
}

#[derive(Debug, Clone)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    pub grouping: bool,
}

/// Parse HCL `text` (a whole file; a leading BOM is skipped and offsets stay file offsets).
pub fn parse(text: &str) -> Result<HclFile, SyntaxError> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let source = text.get(bom..).unwrap_or("");
    let body = hcl_edit::parser::parse_body(source).map_err(|error| {
        SyntaxError::at(
            text,
            error.location().offset() + bom,
            format!("invalid HCL: {}", one_line(error.message())),
        )
    })?;
    Ok(HclFile {
        body: convert_body(&body, bom),
        comments: comments(text),
    })
}

/// Parse `text` as an HCL template (a string with `${...}` interpolations), every expression
/// spanning `span` (used for strings of Terraform's JSON syntax, whose escapes make finer
/// offsets unreliable).
pub fn parse_template_at(text: &str, span: Span) -> Option<Vec<Part>> {
    let template = hcl_edit::parser::parse_template(text).ok()?;
    let mut parts = convert_template(&template, 0);
    respan_parts(&mut parts, span);
    Some(parts)
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn span_of(node: &impl hcl_edit::Span, shift: usize) -> Span {
    node.span()
        .map_or_else(Span::default, |r| Span::new(r.start + shift, r.end + shift))
}

fn convert_body(body: &hcl_edit::structure::Body, shift: usize) -> Body {
    let mut out = Body::default();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attribute) => out.attributes.push(Attribute {
                key: attribute.key.as_str().to_owned(),
                key_span: span_of(&attribute.key, shift),
                value: convert_expr(&attribute.value, shift),
                span: span_of(attribute, shift),
            }),
            Structure::Block(block) => {
                let ident = span_of(&block.ident, shift);
                let header = block
                    .labels
                    .iter()
                    .map(|label| match label {
                        BlockLabel::Ident(ident) => span_of(ident, shift),
                        BlockLabel::String(string) => span_of(string, shift),
                    })
                    .fold(ident, Span::to);
                out.blocks.push(Block {
                    kind: block.ident.as_str().to_owned(),
                    labels: block.labels.iter().map(|l| l.as_str().to_owned()).collect(),
                    span: span_of(block, shift),
                    header,
                    body: convert_body(&block.body, shift),
                });
            }
        }
    }
    out
}

fn convert_expr(expr: &Expression, shift: usize) -> Expr {
    let span = span_of(expr, shift);
    let kind = match expr {
        Expression::Null(_) => ExprKind::Null,
        Expression::Bool(b) => ExprKind::Bool(*b.value()),
        Expression::Number(n) => ExprKind::Number(n.value().as_f64().unwrap_or(f64::NAN)),
        Expression::String(s) => ExprKind::String(s.value().clone()),
        Expression::Array(items) => {
            ExprKind::Array(items.iter().map(|e| convert_expr(e, shift)).collect())
        }
        Expression::Object(object) => ExprKind::Object(
            object
                .iter()
                .map(|(key, value)| {
                    let key = match key {
                        ObjectKey::Ident(ident) => Expr {
                            span: span_of(ident, shift),
                            kind: ExprKind::String(ident.as_str().to_owned()),
                        },
                        ObjectKey::Expression(expr) => convert_expr(expr, shift),
                    };
                    (key, convert_expr(value.expr(), shift))
                })
                .collect(),
        ),
        Expression::StringTemplate(template) => {
            ExprKind::Template(convert_template(template, shift))
        }
        Expression::HeredocTemplate(heredoc) => {
            ExprKind::Template(convert_template(&heredoc.template, shift))
        }
        Expression::Parenthesis(inner) => return convert_expr(inner.inner(), shift),
        Expression::Variable(name) => ExprKind::Variable(name.as_str().to_owned()),
        Expression::Conditional(c) => ExprKind::Conditional(
            Box::new(convert_expr(&c.cond_expr, shift)),
            Box::new(convert_expr(&c.true_expr, shift)),
            Box::new(convert_expr(&c.false_expr, shift)),
        ),
        Expression::FuncCall(call) => {
            let mut name: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
            name.push(call.name.name.as_str());
            ExprKind::Call {
                name: name.join("::"),
                args: call.args.iter().map(|e| convert_expr(e, shift)).collect(),
                expand: call.args.expand_final(),
            }
        }
        Expression::Traversal(traversal) => ExprKind::Traversal(
            Box::new(convert_expr(&traversal.expr, shift)),
            traversal
                .operators
                .iter()
                .map(|op| match op.value() {
                    TraversalOperator::GetAttr(name) => Step::Attr(name.as_str().to_owned()),
                    TraversalOperator::Index(index) => Step::Index(convert_expr(index, shift)),
                    TraversalOperator::LegacyIndex(index) => Step::Index(Expr {
                        span: span_of(index, shift),
                        kind: ExprKind::Number(*index.value() as f64),
                    }),
                    TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                        Step::Splat
                    }
                })
                .collect(),
        ),
        Expression::UnaryOp(op) => ExprKind::Unary(
            match op.operator.value() {
                UnaryOperator::Neg => UnaryOp::Neg,
                UnaryOperator::Not => UnaryOp::Not,
            },
            Box::new(convert_expr(&op.expr, shift)),
        ),
        Expression::BinaryOp(op) => ExprKind::Binary(
            match op.operator.value() {
                BinaryOperator::Eq => BinaryOp::Eq,
                BinaryOperator::NotEq => BinaryOp::NotEq,
                BinaryOperator::Less => BinaryOp::Less,
                BinaryOperator::LessEq => BinaryOp::LessEq,
                BinaryOperator::Greater => BinaryOp::Greater,
                BinaryOperator::GreaterEq => BinaryOp::GreaterEq,
                BinaryOperator::Plus => BinaryOp::Plus,
                BinaryOperator::Minus => BinaryOp::Minus,
                BinaryOperator::Mul => BinaryOp::Mul,
                BinaryOperator::Div => BinaryOp::Div,
                BinaryOperator::Mod => BinaryOp::Mod,
                BinaryOperator::And => BinaryOp::And,
                BinaryOperator::Or => BinaryOp::Or,
            },
            Box::new(convert_expr(&op.lhs_expr, shift)),
            Box::new(convert_expr(&op.rhs_expr, shift)),
        ),
        Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
            key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_owned()),
            value_var: f.intro.value_var.as_str().to_owned(),
            collection: convert_expr(&f.intro.collection_expr, shift),
            key: f.key_expr.as_ref().map(|e| convert_expr(e, shift)),
            value: convert_expr(&f.value_expr, shift),
            cond: f.cond.as_ref().map(|c| convert_expr(&c.expr, shift)),
            grouping: f.grouping,
        })),
    };
    Expr { span, kind }
}

fn convert_template(template: &Template, shift: usize) -> Vec<Part> {
    template
        .iter()
        .map(|element| match element {
            Element::Literal(text) => Part::Literal(text.value().clone()),
            Element::Interpolation(interpolation) => {
                Part::Interpolation(convert_expr(&interpolation.expr, shift))
            }
            Element::Directive(_) => Part::Directive,
        })
        .collect()
}

fn respan_parts(parts: &mut [Part], span: Span) {
    for part in parts {
        if let Part::Interpolation(expr) = part {
            respan(expr, span);
        }
    }
}

/// Give `expr` and everything in it `span`.
fn respan(expr: &mut Expr, span: Span) {
    expr.span = span;
    match &mut expr.kind {
        ExprKind::Template(parts) => respan_parts(parts, span),
        ExprKind::Array(items) => items.iter_mut().for_each(|e| respan(e, span)),
        ExprKind::Object(entries) => {
            for (k, v) in entries {
                respan(k, span);
                respan(v, span);
            }
        }
        ExprKind::Traversal(base, steps) => {
            respan(base, span);
            for step in steps {
                if let Step::Index(e) = step {
                    respan(e, span);
                }
            }
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(|e| respan(e, span)),
        ExprKind::Conditional(a, b, c) => {
            respan(a, span);
            respan(b, span);
            respan(c, span);
        }
        ExprKind::Unary(_, e) => respan(e, span),
        ExprKind::Binary(_, a, b) => {
            respan(a, span);
            respan(b, span);
        }
        ExprKind::For(f) => {
            respan(&mut f.collection, span);
            respan(&mut f.value, span);
            if let Some(k) = &mut f.key {
                respan(k, span);
            }
            if let Some(c) = &mut f.cond {
                respan(c, span);
            }
        }
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::String(_)
        | ExprKind::Variable(_) => {}
    }
}

/// The spans of the comments in HCL `text`: `#` and `//` to the end of the line, `/* */`.
/// Quoted strings (with their `${...}` interpolations) and heredocs are skipped.
fn comments(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let line_end = |from: usize| {
        memchr::memchr(b'\n', bytes.get(from..).unwrap_or(&[])).map_or(bytes.len(), |n| from + n)
    };
    while i < bytes.len() {
        match at(i) {
            b'#' => {
                let end = line_end(i);
                out.push(Span::new(i, trim_cr(bytes, i, end)));
                i = end;
            }
            b'/' if at(i + 1) == b'/' => {
                let end = line_end(i);
                out.push(Span::new(i, trim_cr(bytes, i, end)));
                i = end;
            }
            b'/' if at(i + 1) == b'*' => {
                let end = memchr::memmem::find(bytes.get(i + 2..).unwrap_or(&[]), b"*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                out.push(Span::new(i, end));
                i = end;
            }
            b'"' => i = skip_string(bytes, i + 1),
            b'<' if at(i + 1) == b'<' => i = skip_heredoc(text, i),
            _ => i += 1,
        }
    }
    out
}

fn trim_cr(bytes: &[u8], start: usize, end: usize) -> usize {
    if end > start && bytes.get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    }
}

/// The offset after the quoted string whose content starts at `i`. An interpolation's nested
/// strings are skipped by counting braces; a line break ends an unterminated string.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
            }
            b'}' if depth > 0 => {
                depth -= 1;
                i += 1;
            }
            b'"' if depth > 0 => {
                // A string inside an interpolation: skip it flatly.
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    i += 1;
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' || c == b'\n' {
                        break;
                    }
                }
            }
            b'"' | b'\n' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The offset after the heredoc that starts at `start` (`<<EOF` or `<<-EOF`); just past the
/// `<<` when it is not one.
fn skip_heredoc(text: &str, start: usize) -> usize {
    let rest = text.get(start + 2..).unwrap_or("");
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let marker: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if marker.is_empty() {
        return start + 2;
    }
    let Some(first_break) = text.get(start..).and_then(|t| t.find('\n')) else {
        return text.len();
    };
    let mut offset = start + first_break + 1;
    for line in text.get(offset..).unwrap_or("").split_inclusive('\n') {
        offset += line.len();
        if line.trim() == marker {
            return offset;
        }
    }
    text.len()
}

/// Terraform's JSON syntax (`.tf.json`, `.tfvars.json`) as the same tree. JSON cannot tell a
/// nested block from an object attribute, so a key is a block when Terraform's schema for the
/// resource types gatelint reads makes it one ([`BLOCK_NAMES`]); top-level keys (`resource`,
/// `variable`, `locals`, `module`, ...) are read as Terraform reads them.
pub fn from_json(root: NodeRef<'_>, top_level: bool) -> Body {
    if top_level {
        json_top_level(root)
    } else {
        json_body(root)
    }
}

/// Nested block types of the resources gatelint lowers, and Terraform's meta-blocks.
const BLOCK_NAMES: [&str; 16] = [
    "lifecycle",
    "dynamic",
    "content",
    "endpoint_configuration",
    "access_log_settings",
    "cors_configuration",
    "jwt_configuration",
    "default_route_settings",
    "route_settings",
    "api_stages",
    "throttle_settings",
    "throttle",
    "settings",
    "cors",
    "token_validity_units",
    "quota_settings",
];

/// How many labels each top-level block type has.
fn label_count(kind: &str) -> Option<usize> {
    Some(match kind {
        "resource" | "data" => 2,
        "variable" | "module" | "output" | "provider" => 1,
        "locals" | "terraform" => 0,
        _ => return None,
    })
}

fn json_top_level(root: NodeRef<'_>) -> Body {
    let mut body = Body::default();
    for (key, value) in root.entries() {
        let Some(kind) = key.as_str() else { continue };
        let Some(labels) = label_count(kind) else {
            continue;
        };
        // A block type may also be written as a list of objects.
        let values: Vec<NodeRef<'_>> = if value.is_seq() {
            value.items().collect()
        } else {
            vec![value]
        };
        for value in values {
            json_labelled(kind, key.span(), value, labels, &mut Vec::new(), &mut body);
        }
    }
    body
}

fn json_labelled(
    kind: &str,
    header: Span,
    value: NodeRef<'_>,
    labels_left: usize,
    labels: &mut Vec<String>,
    out: &mut Body,
) {
    if labels_left == 0 {
        for item in if value.is_seq() {
            value.items().collect()
        } else {
            vec![value]
        } {
            out.blocks.push(Block {
                kind: kind.to_owned(),
                labels: labels.clone(),
                span: header.to(item.span()),
                header,
                body: json_body(item),
            });
        }
        return;
    }
    for (key, value) in value.entries() {
        let Some(label) = key.as_str() else { continue };
        labels.push(label.to_owned());
        json_labelled(kind, key.span(), value, labels_left - 1, labels, out);
        labels.pop();
    }
}

fn json_body(node: NodeRef<'_>) -> Body {
    let mut body = Body::default();
    for (key, value) in node.entries() {
        let Some(name) = key.as_str() else { continue };
        let is_block = BLOCK_NAMES.contains(&name)
            && (value.is_map() || value.items().all(|item| item.is_map()) && value.is_seq());
        if is_block {
            let labels = usize::from(name == "dynamic");
            json_labelled(name, key.span(), value, labels, &mut Vec::new(), &mut body);
        } else {
            body.attributes.push(Attribute {
                key: name.to_owned(),
                key_span: key.span(),
                value: json_expr(value),
                span: key.span().to(value.span()),
            });
        }
    }
    body
}

fn json_expr(node: NodeRef<'_>) -> Expr {
    let span = node.span();
    let kind = match node.kind() {
        NodeKind::Seq => ExprKind::Array(node.items().map(json_expr).collect()),
        NodeKind::Map => ExprKind::Object(
            node.entries()
                .map(|(k, v)| {
                    let key = Expr {
                        span: k.span(),
                        kind: ExprKind::String(k.as_str().unwrap_or("").to_owned()),
                    };
                    (key, json_expr(v))
                })
                .collect(),
        ),
        NodeKind::Scalar | NodeKind::Alias => match node.as_str() {
            Some(text) if node.scalar_style() == Some(ScalarStyle::DoubleQuoted) => {
                if text.contains("${") || text.contains("%{") {
                    match parse_template_at(text, span) {
                        Some(parts) => ExprKind::Template(parts),
                        None => ExprKind::String(text.to_owned()),
                    }
                } else {
                    ExprKind::String(text.to_owned())
                }
            }
            Some("true") => ExprKind::Bool(true),
            Some("false") => ExprKind::Bool(false),
            Some("null") | None => ExprKind::Null,
            Some(number) => number
                .parse::<f64>()
                .map_or_else(|_| ExprKind::String(number.to_owned()), ExprKind::Number),
        },
    };
    Expr { span, kind }
}
