//! Evaluation of Terraform expressions, as far as it can go before a plan.
//!
//! Variables take their `default` (or the module's `terraform.tfvars` / `*.auto.tfvars`, or the
//! argument a calling module passes), locals and module outputs are evaluated where they are
//! written, and a resource attribute (`aws_api_gateway_rest_api.pets.id`) is a [`Value::Ref`]:
//! known to be that resource's, unknown as a string. A conditional whose condition depends on a
//! root variable (which `-var` may override) or on anything known only after apply keeps both
//! branches, named by the condition's source text, like CloudFormation's `Fn::If`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use super::modules::Scope;
use crate::collections::HashMap;
use crate::formats::files::FileLoader;
use crate::model::{Condition, Conditions, Resolved};
use crate::syntax::hcl::{BinaryOp, Expr, ExprKind, ForExpr, Part, Step, UnaryOp};
use crate::syntax::{SourceFile, Span};

/// How many variable, local and output lookups may nest before the value is Unknown (a cycle
/// ends here too).
const MAX_LOOKUP_DEPTH: usize = 48;

/// How many expression evaluations one module tree may make: a bound on locals that double
/// in size at every level.
const EVAL_BUDGET: u64 = 2_000_000;

/// More leaves than this in one conditional value and it is Unknown.
const MAX_BRANCHES: usize = 64;

/// The most instances `count` or `for_each` make of one resource.
pub const MAX_INSTANCES: usize = 10_000;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Str(Rc<str>),
    List(Rc<Vec<Value>>),
    Map(Rc<Vec<(String, Value)>>),
    /// A resource (or one of its attributes): known to be that resource's, unknown as data.
    Ref(Rc<Reference>),
    /// Known only after apply, or not evaluated.
    Unknown,
    /// One value where the condition holds, the other where it does not.
    Cond(Rc<CondValue>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CondValue {
    pub name: String,
    pub then: Value,
    pub otherwise: Value,
}

/// `aws_api_gateway_resource.pets["x"].id`, in the module at `module`.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    pub module: String,
    pub kind: String,
    pub name: String,
    pub key: Option<InstanceKey>,
    pub attributes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum InstanceKey {
    Index(u64),
    Key(String),
}

impl std::fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InstanceKey::Index(i) => write!(f, "[{i}]"),
            InstanceKey::Key(k) => write!(f, "[\"{k}\"]"),
        }
    }
}

impl Value {
    pub fn str(text: &str) -> Value {
        Value::Str(Rc::from(text))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(items))
    }

    pub fn map(entries: Vec<(String, Value)>) -> Value {
        Value::Map(Rc::new(entries))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A string as Terraform converts a primitive to one; `None` for anything else.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.to_string()),
            Value::Number(n) => Some(number_text(*n)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if &**s == "true" => Some(true),
            Value::Str(s) if &**s == "false" => Some(false),
            _ => None,
        }
    }

    /// Whether anything in the value is not known (a resource attribute counts as unknown).
    pub fn has_unknown(&self) -> bool {
        match self {
            Value::Unknown | Value::Ref(_) | Value::Cond(_) => true,
            Value::List(items) => items.iter().any(Value::has_unknown),
            Value::Map(entries) => entries.iter().any(|(_, v)| v.has_unknown()),
            _ => false,
        }
    }

    /// Every leaf of a conditional value with the conditions leading to it (contradictory paths
    /// left out); a value that is not conditional is its own only leaf.
    pub fn leaves(&self) -> Vec<(Conditions, &Value)> {
        let mut out = Vec::new();
        self.collect_leaves(&mut Vec::new(), &mut out);
        out
    }

    fn collect_leaves<'v>(&'v self, path: &mut Conditions, out: &mut Vec<(Conditions, &'v Value)>) {
        let Value::Cond(cond) = self else {
            out.push((path.clone(), self));
            return;
        };
        for (holds, value) in [(true, &cond.then), (false, &cond.otherwise)] {
            match path.iter().find(|c| c.name == cond.name) {
                Some(decided) if decided.holds == holds => value.collect_leaves(path, out),
                Some(_) => {}
                None => {
                    path.push(Condition {
                        name: cond.name.clone(),
                        holds,
                    });
                    value.collect_leaves(path, out);
                    path.pop();
                }
            }
        }
    }

    /// The value as a model setting: each branch of a conditional mapped by `f`.
    pub fn resolve<T>(&self, f: &impl Fn(&Value) -> Resolved<T>) -> Resolved<T> {
        match self {
            Value::Cond(cond) => {
                Resolved::either(&cond.name, cond.then.resolve(f), cond.otherwise.resolve(f))
            }
            other => f(other),
        }
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Apply `f` to each leaf of `value`, keeping its conditions.
fn map_leaves(value: &Value, f: &mut dyn FnMut(&Value) -> Value) -> Value {
    match value {
        Value::Cond(cond) => {
            let then = map_leaves(&cond.then, f);
            let otherwise = map_leaves(&cond.otherwise, f);
            either(&cond.name, then, otherwise)
        }
        other => f(other),
    }
}

/// `then` where the condition named `name` holds, else `otherwise`; one value when both are the
/// same (the condition then decides nothing).
fn either(name: &str, then: Value, otherwise: Value) -> Value {
    if then == otherwise {
        then
    } else {
        Value::Cond(Rc::new(CondValue {
            name: name.to_owned(),
            then,
            otherwise,
        }))
    }
}

fn leaf_count(value: &Value) -> usize {
    match value {
        Value::Cond(c) => leaf_count(&c.then) + leaf_count(&c.otherwise),
        _ => 1,
    }
}

/// Where an expression is evaluated: its module, the file it is written in, and the names
/// bound around it (`each`, `count`, a `for` expression's or a `dynamic` block's iterator).
#[derive(Clone)]
pub struct Ctx<'a> {
    pub scope: usize,
    pub file: &'a Arc<SourceFile>,
    pub each: Option<Rc<(Value, Value)>>,
    pub count: Option<Value>,
    pub bound: Vec<(String, Value)>,
    /// Evaluating a condition: root variables (which `-var` may set) are Unknown there.
    in_condition: bool,
}

impl<'a> Ctx<'a> {
    pub fn new(scope: usize, file: &'a Arc<SourceFile>) -> Self {
        Ctx {
            scope,
            file,
            each: None,
            count: None,
            bound: Vec::new(),
            in_condition: false,
        }
    }

    pub fn with_file(&self, file: &'a Arc<SourceFile>) -> Self {
        Ctx {
            file,
            ..self.clone()
        }
    }

    pub fn bind(&self, name: &str, value: Value) -> Self {
        let mut ctx = self.clone();
        ctx.bound.push((name.to_owned(), value));
        ctx
    }
}

pub struct Evaluator<'a> {
    pub scopes: &'a [Scope<'a>],
    loader: &'a dyn FileLoader,
    locals: RefCell<HashMap<(usize, &'a str, bool), Value>>,
    depth: Cell<usize>,
    budget: Cell<u64>,
}

impl<'a> Evaluator<'a> {
    pub fn new(scopes: &'a [Scope<'a>], loader: &'a dyn FileLoader) -> Self {
        Evaluator {
            scopes,
            loader,
            locals: RefCell::default(),
            depth: Cell::new(0),
            budget: Cell::new(EVAL_BUDGET),
        }
    }

    pub fn loader(&self) -> &'a dyn FileLoader {
        self.loader
    }

    /// Whether the evaluation budget ran out (values past that point are Unknown).
    pub fn exhausted(&self) -> bool {
        self.budget.get() == 0
    }

    pub fn eval(&self, expr: &'a Expr, ctx: &Ctx<'a>) -> Value {
        let budget = self.budget.get();
        if budget == 0 {
            return Value::Unknown;
        }
        self.budget.set(budget - 1);
        match &expr.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Number(n) => Value::Number(*n),
            ExprKind::String(s) => Value::str(s),
            ExprKind::Template(parts) => self.template(parts, ctx),
            ExprKind::Array(items) => {
                Value::list(items.iter().map(|e| self.eval(e, ctx)).collect())
            }
            ExprKind::Object(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    match self.eval(key, ctx).to_text() {
                        Some(key) => out.push((key, self.eval(value, ctx))),
                        None => return Value::Unknown,
                    }
                }
                Value::map(out)
            }
            ExprKind::Variable(name) => self.variable(name, &[], ctx),
            ExprKind::Traversal(base, steps) => match &base.kind {
                ExprKind::Variable(name) => self.variable(name, steps, ctx),
                _ => {
                    let value = self.eval(base, ctx);
                    self.steps(value, steps, ctx)
                }
            },
            ExprKind::Call { name, args, expand } => self.call(name, args, *expand, ctx),
            ExprKind::Conditional(cond, then, otherwise) => {
                let mut in_condition = ctx.clone();
                in_condition.in_condition = true;
                match self.eval(cond, &in_condition) {
                    Value::Bool(true) => self.eval(then, ctx),
                    Value::Bool(false) => self.eval(otherwise, ctx),
                    _ => {
                        let name = condition_name(ctx.file, cond.span);
                        let value = either(&name, self.eval(then, ctx), self.eval(otherwise, ctx));
                        if leaf_count(&value) > MAX_BRANCHES {
                            Value::Unknown
                        } else {
                            value
                        }
                    }
                }
            }
            ExprKind::Unary(op, operand) => {
                let value = self.eval(operand, ctx);
                map_leaves(&value, &mut |v| match (op, v) {
                    (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
                    (UnaryOp::Neg, v) => {
                        v.as_number().map_or(Value::Unknown, |n| Value::Number(-n))
                    }
                    _ => Value::Unknown,
                })
            }
            ExprKind::Binary(op, lhs, rhs) => {
                let lhs = self.eval(lhs, ctx);
                let rhs = self.eval(rhs, ctx);
                let value = map_leaves(&lhs, &mut |l| map_leaves(&rhs, &mut |r| binary(*op, l, r)));
                if leaf_count(&value) > MAX_BRANCHES {
                    Value::Unknown
                } else {
                    value
                }
            }
            ExprKind::For(for_expr) => self.for_expr(for_expr, ctx),
        }
    }

    fn template(&self, parts: &'a [Part], ctx: &Ctx<'a>) -> Value {
        // A template that is one interpolation is its value, not a string of it.
        if let [Part::Interpolation(expr)] = parts {
            return self.eval(expr, ctx);
        }
        let mut text = Value::str("");
        for part in parts {
            let piece = match part {
                Part::Literal(literal) => Value::str(literal),
                Part::Interpolation(expr) => self.eval(expr, ctx),
                Part::Directive => return Value::Unknown,
            };
            text = map_leaves(&text, &mut |t| {
                map_leaves(&piece, &mut |p| match (t, p.to_text()) {
                    (Value::Str(t), Some(p)) => Value::str(&format!("{t}{p}")),
                    _ => Value::Unknown,
                })
            });
            if leaf_count(&text) > MAX_BRANCHES {
                return Value::Unknown;
            }
        }
        text
    }

    fn for_expr(&self, f: &'a ForExpr, ctx: &Ctx<'a>) -> Value {
        let collection = self.eval(&f.collection, ctx);
        map_leaves(&collection, &mut |collection| {
            let pairs: Vec<(Value, Value)> = match collection {
                Value::List(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Value::Number(i as f64), v.clone()))
                    .collect(),
                Value::Map(entries) => entries
                    .iter()
                    .map(|(k, v)| (Value::str(k), v.clone()))
                    .collect(),
                _ => return Value::Unknown,
            };
            let mut list = Vec::new();
            let mut map: Vec<(String, Value)> = Vec::new();
            for (key, value) in pairs {
                let mut inner = ctx.bind(&f.value_var, value);
                if let Some(key_var) = &f.key_var {
                    inner = inner.bind(key_var, key);
                }
                if let Some(cond) = &f.cond {
                    match self.eval(cond, &inner) {
                        Value::Bool(true) => {}
                        Value::Bool(false) => continue,
                        _ => return Value::Unknown,
                    }
                }
                let value = self.eval(&f.value, &inner);
                match &f.key {
                    None => list.push(value),
                    Some(key) => {
                        let Some(key) = self.eval(key, &inner).to_text() else {
                            return Value::Unknown;
                        };
                        if f.grouping {
                            match map.iter_mut().find(|(k, _)| *k == key) {
                                Some((_, Value::List(items))) => Rc::make_mut(items).push(value),
                                _ => map.push((key, Value::list(vec![value]))),
                            }
                        } else {
                            map.push((key, value));
                        }
                    }
                }
            }
            if f.key.is_some() {
                Value::map(map)
            } else {
                Value::list(list)
            }
        })
    }

    /// A name and the steps after it: `var.x`, `local.y`, `each.value.z`, `aws_x.y.id`, ...
    fn variable(&self, name: &str, steps: &'a [Step], ctx: &Ctx<'a>) -> Value {
        if let Some((_, value)) = ctx.bound.iter().rev().find(|(n, _)| n == name) {
            return self.steps(value.clone(), steps, ctx);
        }
        let attr = |i: usize| match steps.get(i) {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        let rest = |i: usize| steps.get(i..).unwrap_or(&[]);
        match name {
            "var" => match attr(0) {
                Some(var) => {
                    let value = self.var(ctx.scope, var, ctx.in_condition);
                    self.steps(value, rest(1), ctx)
                }
                None => Value::Unknown,
            },
            "local" => match attr(0) {
                Some(local) => {
                    let value = self.local(ctx.scope, local, ctx.in_condition);
                    self.steps(value, rest(1), ctx)
                }
                None => Value::Unknown,
            },
            "each" => {
                let Some(each) = &ctx.each else {
                    return Value::Unknown;
                };
                match attr(0) {
                    Some("key") => self.steps(each.0.clone(), rest(1), ctx),
                    Some("value") => self.steps(each.1.clone(), rest(1), ctx),
                    _ => Value::Unknown,
                }
            }
            "count" => match (attr(0), &ctx.count) {
                (Some("index"), Some(index)) => index.clone(),
                _ => Value::Unknown,
            },
            "path" => {
                let dir = self.scopes.get(ctx.scope).map_or(".", |s| s.dir.as_str());
                match attr(0) {
                    Some("module") => Value::str(dir),
                    Some("root" | "cwd") => Value::str("."),
                    _ => Value::Unknown,
                }
            }
            "terraform" => match attr(0) {
                Some("workspace") => Value::str("default"),
                _ => Value::Unknown,
            },
            "module" => {
                let Some(module) = attr(0) else {
                    return Value::Unknown;
                };
                // `module.x[0].out` for a module with count: the output of its one body.
                let mut at = 1;
                if matches!(steps.get(at), Some(Step::Index(_))) {
                    at += 1;
                }
                match attr(at) {
                    Some(output) => {
                        let value = self.output(ctx.scope, module, output, ctx.in_condition);
                        self.steps(value, rest(at + 1), ctx)
                    }
                    None => Value::Unknown,
                }
            }
            "data" | "self" => Value::Unknown,
            kind if kind.contains('_') || kind == "random" => {
                let Some(resource) = attr(0) else {
                    return Value::Unknown;
                };
                let module = self
                    .scopes
                    .get(ctx.scope)
                    .map_or_else(String::new, |s| s.path.clone());
                let reference = Value::Ref(Rc::new(Reference {
                    module,
                    kind: kind.to_owned(),
                    name: resource.to_owned(),
                    key: None,
                    attributes: Vec::new(),
                }));
                self.steps(reference, rest(1), ctx)
            }
            _ => Value::Unknown,
        }
    }

    fn steps(&self, mut value: Value, steps: &'a [Step], ctx: &Ctx<'a>) -> Value {
        for step in steps {
            value = match step {
                Step::Splat => return Value::Unknown,
                Step::Attr(name) => map_leaves(&value, &mut |v| match v {
                    Value::Map(_) => v.get(name).cloned().unwrap_or(Value::Unknown),
                    Value::Ref(r) => {
                        let mut r = (**r).clone();
                        r.attributes.push(name.clone());
                        Value::Ref(Rc::new(r))
                    }
                    _ => Value::Unknown,
                }),
                Step::Index(index) => {
                    let index = self.eval(index, ctx);
                    map_leaves(&value, &mut |v| match v {
                        Value::List(items) => index
                            .as_number()
                            .and_then(|i| items.get(i as usize))
                            .cloned()
                            .unwrap_or(Value::Unknown),
                        Value::Map(_) => index
                            .to_text()
                            .and_then(|k| v.get(&k).cloned())
                            .unwrap_or(Value::Unknown),
                        Value::Ref(r) if r.key.is_none() && r.attributes.is_empty() => {
                            let key = match &index {
                                Value::Number(n) => InstanceKey::Index(*n as u64),
                                Value::Str(s) => InstanceKey::Key(s.to_string()),
                                _ => return Value::Unknown,
                            };
                            let mut r = (**r).clone();
                            r.key = Some(key);
                            Value::Ref(Rc::new(r))
                        }
                        _ => Value::Unknown,
                    })
                }
            };
        }
        value
    }

    /// The value of `var.name` in `scope`: what the calling module passes, else the module's
    /// tfvars, else the default. A root variable is Unknown inside a condition.
    pub fn var(&self, scope: usize, name: &str, in_condition: bool) -> Value {
        let Some(s) = self.scopes.get(scope) else {
            return Value::Unknown;
        };
        self.nested(|| {
            if let (Some(parent), Some(call)) = (s.parent, s.call) {
                if let Some(argument) = call.item.body.attribute(name) {
                    let mut ctx = Ctx::new(parent, call.file);
                    ctx.in_condition = in_condition;
                    return self.eval(&argument.value, &ctx);
                }
            } else if in_condition {
                return Value::Unknown;
            }
            if let Some(assigned) = s.config.tfvars.get(name) {
                return self.eval(&assigned.item.value, &Ctx::new(scope, assigned.file));
            }
            match s.config.variables.get(name) {
                Some(variable) => match variable.item.body.attribute("default") {
                    Some(default) => self.eval(&default.value, &Ctx::new(scope, variable.file)),
                    // A variable without a default must be given a value: which is unknown.
                    None => Value::Unknown,
                },
                None => Value::Unknown,
            }
        })
    }

    pub fn local(&self, scope: usize, name: &str, in_condition: bool) -> Value {
        let Some(s) = self.scopes.get(scope) else {
            return Value::Unknown;
        };
        let Some((key, local)) = s.config.locals.get_key_value(name) else {
            return Value::Unknown;
        };
        let cache_key = (scope, *key, in_condition);
        if let Some(value) = self.locals.borrow().get(&cache_key) {
            return value.clone();
        }
        let value = self.nested(|| {
            let mut ctx = Ctx::new(scope, local.file);
            ctx.in_condition = in_condition;
            self.eval(&local.item.value, &ctx)
        });
        self.locals.borrow_mut().insert(cache_key, value.clone());
        value
    }

    fn output(&self, scope: usize, module: &str, output: &str, in_condition: bool) -> Value {
        let Some(child) = self
            .scopes
            .get(scope)
            .and_then(|s| s.children.get(module).copied())
        else {
            return Value::Unknown;
        };
        let Some(found) = self
            .scopes
            .get(child)
            .and_then(|s| s.config.outputs.get(output))
        else {
            return Value::Unknown;
        };
        self.nested(|| {
            let mut ctx = Ctx::new(child, found.file);
            ctx.in_condition = in_condition;
            match found.item.body.attribute("value") {
                Some(value) => self.eval(&value.value, &ctx),
                None => Value::Unknown,
            }
        })
    }

    fn nested(&self, f: impl FnOnce() -> Value) -> Value {
        let depth = self.depth.get();
        if depth >= MAX_LOOKUP_DEPTH {
            return Value::Unknown;
        }
        self.depth.set(depth + 1);
        let value = f();
        self.depth.set(depth);
        value
    }

    fn call(&self, name: &str, args: &'a [Expr], expand: bool, ctx: &Ctx<'a>) -> Value {
        let name = name.strip_prefix("provider::terraform::").unwrap_or(name);
        // `try` and `can` catch what fails; here that is what cannot be evaluated.
        match name {
            "try" => {
                return args
                    .iter()
                    .map(|a| self.eval(a, ctx))
                    .find(|v| !matches!(v, Value::Unknown))
                    .unwrap_or(Value::Unknown);
            }
            "can" => {
                return Value::Bool(
                    args.first()
                        .is_some_and(|a| !matches!(self.eval(a, ctx), Value::Unknown)),
                );
            }
            "file" | "templatefile" => {
                return match args.first().map(|a| self.eval(a, ctx)) {
                    Some(Value::Str(path)) => {
                        self.loader
                            .read_source(&path)
                            .map_or(Value::Unknown, |file| {
                                if name == "file" {
                                    Value::str(file.text())
                                } else {
                                    // Placeholders are filled in at plan time.
                                    Value::Unknown
                                }
                            })
                    }
                    _ => Value::Unknown,
                };
            }
            _ => {}
        }
        let mut values: Vec<Value> = args.iter().map(|a| self.eval(a, ctx)).collect();
        if expand && let Some(Value::List(last)) = values.pop() {
            values.extend(last.iter().cloned());
        }
        if values.iter().any(|v| matches!(v, Value::Cond(_))) {
            return self.call_on_branches(name, &values);
        }
        function(name, &values)
    }

    /// A function of conditional arguments: one result per combination of branches.
    fn call_on_branches(&self, name: &str, values: &[Value]) -> Value {
        let Some(position) = values.iter().position(|v| matches!(v, Value::Cond(_))) else {
            return function(name, values);
        };
        let Some(Value::Cond(cond)) = values.get(position) else {
            return Value::Unknown;
        };
        let with = |branch: &Value| {
            let mut args = values.to_vec();
            if let Some(slot) = args.get_mut(position) {
                *slot = branch.clone();
            }
            self.call_on_branches(name, &args)
        };
        let value = either(&cond.name, with(&cond.then), with(&cond.otherwise));
        if leaf_count(&value) > MAX_BRANCHES {
            Value::Unknown
        } else {
            value
        }
    }
}

/// A condition's name in findings: its source text on one line.
pub fn condition_name(file: &SourceFile, span: Span) -> String {
    file.slice(span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn binary(op: BinaryOp, l: &Value, r: &Value) -> Value {
    use BinaryOp::*;
    match op {
        Eq | NotEq => {
            if l.has_unknown() || r.has_unknown() {
                return Value::Unknown;
            }
            let equal = match (l, r) {
                (Value::Number(a), Value::Number(b)) => a == b,
                _ => l == r,
            };
            Value::Bool(equal == (op == Eq))
        }
        And | Or => match (l.as_bool(), r.as_bool()) {
            (Some(a), Some(b)) => Value::Bool(if op == And { a && b } else { a || b }),
            (Some(false), None) | (None, Some(false)) if op == And => Value::Bool(false),
            (Some(true), None) | (None, Some(true)) if op == Or => Value::Bool(true),
            _ => Value::Unknown,
        },
        _ => {
            let (Some(a), Some(b)) = (l.as_number(), r.as_number()) else {
                return Value::Unknown;
            };
            match op {
                Less => Value::Bool(a < b),
                LessEq => Value::Bool(a <= b),
                Greater => Value::Bool(a > b),
                GreaterEq => Value::Bool(a >= b),
                Plus => Value::Number(a + b),
                Minus => Value::Number(a - b),
                Mul => Value::Number(a * b),
                Div if b != 0.0 => Value::Number(a / b),
                Mod if b != 0.0 => Value::Number(a % b),
                _ => Value::Unknown,
            }
        }
    }
}

/// The built-in functions the views need, on values without conditionals.
/// <https://developer.hashicorp.com/terraform/language/functions>
fn function(name: &str, args: &[Value]) -> Value {
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Unknown);
    let all_known = || args.iter().all(|a| !a.has_unknown());
    match name {
        "coalesce" => {
            for a in args {
                match a {
                    Value::Null => {}
                    Value::Str(s) if s.is_empty() => {}
                    Value::Unknown | Value::Ref(_) | Value::Cond(_) => return Value::Unknown,
                    other => return other.clone(),
                }
            }
            Value::Unknown
        }
        "coalescelist" => args
            .iter()
            .find(|a| !matches!(a, Value::List(items) if items.is_empty()))
            .cloned()
            .unwrap_or(Value::Unknown),
        "lookup" => match (arg(0), arg(1).to_text()) {
            (map @ Value::Map(_), Some(key)) => map
                .get(&key)
                .cloned()
                .or_else(|| args.get(2).cloned())
                .unwrap_or(Value::Unknown),
            _ => Value::Unknown,
        },
        "merge" => {
            let mut out: Vec<(String, Value)> = Vec::new();
            for a in args {
                match a {
                    Value::Map(entries) => {
                        for (k, v) in entries.iter() {
                            out.retain(|(existing, _)| existing != k);
                            out.push((k.clone(), v.clone()));
                        }
                    }
                    Value::Null => {}
                    _ => return Value::Unknown,
                }
            }
            Value::map(out)
        }
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                match a {
                    Value::List(items) => out.extend(items.iter().cloned()),
                    _ => return Value::Unknown,
                }
            }
            Value::list(out)
        }
        "flatten" => match arg(0) {
            Value::List(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item {
                        Value::List(inner) => out.extend(inner.iter().cloned()),
                        other => out.push(other.clone()),
                    }
                }
                Value::list(out)
            }
            _ => Value::Unknown,
        },
        "tostring" => match arg(0) {
            Value::Null => Value::Null,
            v => v.to_text().map_or(Value::Unknown, |t| Value::str(&t)),
        },
        "tonumber" => arg(0).as_number().map_or(Value::Unknown, Value::Number),
        "tobool" => arg(0).as_bool().map_or(Value::Unknown, Value::Bool),
        "tolist" | "toset" | "tomap" | "sensitive" | "nonsensitive" => arg(0).clone(),
        "distinct" | "compact" => match arg(0) {
            Value::List(items) => {
                let mut out: Vec<Value> = Vec::new();
                for item in items.iter() {
                    let empty = matches!(item, Value::Null)
                        || matches!(item, Value::Str(s) if s.is_empty());
                    if (name == "compact" && empty) || (name == "distinct" && out.contains(item)) {
                        continue;
                    }
                    out.push(item.clone());
                }
                Value::list(out)
            }
            _ => Value::Unknown,
        },
        "length" => match arg(0) {
            Value::List(items) => Value::Number(items.len() as f64),
            Value::Map(entries) => Value::Number(entries.len() as f64),
            Value::Str(s) => Value::Number(s.chars().count() as f64),
            _ => Value::Unknown,
        },
        "keys" | "values" => match arg(0) {
            Value::Map(entries) => {
                let mut entries: Vec<_> = entries.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Value::list(
                    entries
                        .into_iter()
                        .map(|(k, v)| {
                            if name == "keys" {
                                Value::str(k)
                            } else {
                                v.clone()
                            }
                        })
                        .collect(),
                )
            }
            _ => Value::Unknown,
        },
        "contains" => match arg(0) {
            Value::List(items) if all_known() => Value::Bool(items.contains(arg(1))),
            _ => Value::Unknown,
        },
        "element" => match (arg(0), arg(1).as_number()) {
            (Value::List(items), Some(i)) if !items.is_empty() => items
                .get(i as usize % items.len())
                .cloned()
                .unwrap_or(Value::Unknown),
            _ => Value::Unknown,
        },
        "zipmap" => match (arg(0), arg(1)) {
            (Value::List(keys), Value::List(values)) => {
                let mut out = Vec::new();
                for (k, v) in keys.iter().zip(values.iter()) {
                    match k.to_text() {
                        Some(k) => out.push((k, v.clone())),
                        None => return Value::Unknown,
                    }
                }
                Value::map(out)
            }
            _ => Value::Unknown,
        },
        "lower" | "upper" | "trimspace" => match arg(0) {
            Value::Str(s) => Value::str(&match name {
                "lower" => s.to_lowercase(),
                "upper" => s.to_uppercase(),
                _ => s.trim().to_owned(),
            }),
            _ => Value::Unknown,
        },
        "join" => match (arg(0), arg(1)) {
            (Value::Str(sep), Value::List(items)) => {
                let parts: Option<Vec<String>> = items.iter().map(Value::to_text).collect();
                parts.map_or(Value::Unknown, |p| Value::str(&p.join(sep)))
            }
            _ => Value::Unknown,
        },
        "split" => match (arg(0), arg(1)) {
            (Value::Str(sep), Value::Str(text)) => {
                Value::list(text.split(&**sep).map(Value::str).collect())
            }
            _ => Value::Unknown,
        },
        "replace" => match (arg(0), arg(1), arg(2)) {
            (Value::Str(s), Value::Str(from), Value::Str(to)) if !from.starts_with('/') => {
                Value::str(&s.replace(&**from, to))
            }
            _ => Value::Unknown,
        },
        "format" => match arg(0) {
            Value::Str(f) if all_known() => {
                let mut out = String::new();
                let mut rest = args.iter().skip(1);
                let mut chars = f.chars().peekable();
                while let Some(c) = chars.next() {
                    if c != '%' {
                        out.push(c);
                        continue;
                    }
                    match chars.next() {
                        Some('%') => out.push('%'),
                        Some('s' | 'd' | 'v') => match rest.next().and_then(Value::to_text) {
                            Some(t) => out.push_str(&t),
                            None => return Value::Unknown,
                        },
                        _ => return Value::Unknown,
                    }
                }
                Value::str(&out)
            }
            _ => Value::Unknown,
        },
        "startswith" | "endswith" => match (arg(0), arg(1)) {
            (Value::Str(s), Value::Str(p)) => Value::Bool(if name == "startswith" {
                s.starts_with(&**p)
            } else {
                s.ends_with(&**p)
            }),
            _ => Value::Unknown,
        },
        "jsonencode" | "yamlencode" => {
            if arg(0).has_unknown() {
                Value::Unknown
            } else {
                Value::str(&to_json(arg(0)).to_string())
            }
        }
        "min" | "max" => {
            let numbers: Option<Vec<f64>> = args.iter().map(Value::as_number).collect();
            match numbers {
                Some(n) if !n.is_empty() => Value::Number(n.into_iter().fold(
                    if name == "min" {
                        f64::INFINITY
                    } else {
                        f64::NEG_INFINITY
                    },
                    |a, b| if name == "min" { a.min(b) } else { a.max(b) },
                )),
                _ => Value::Unknown,
            }
        }
        _ => Value::Unknown,
    }
}

/// A known value as JSON (unknown parts as null).
pub fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null | Value::Unknown | Value::Ref(_) | Value::Cond(_) => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::Number::from_f64(*n)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::List(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
    }
}
