//! The benchmark's lower bound: read and parse the same files `gatelint check` would, in
//! parallel the same way, into the located tree, and run no view, lowering or rule.
//!
//! Terraform files (`.tf`, `.tf.json`, loaded `.tfvars`) are parsed by the HCL parser into
//! their located blocks, attributes and expressions, and counted the same way.
//!
//! `cargo run --release --example parse_only -- [--max-file-size BYTES] PATHS...`
//! prints `files=… documents=… nodes=… errors=…` so the work cannot be optimised away.

use std::io::Write;
use std::process::ExitCode;

use gatelint::discover::{self, DiscoverOptions, read_input};
use gatelint::formats::terraform;
use gatelint::lint::DEFAULT_MAX_FILE_SIZE;
use gatelint::syntax::hcl::{Body, Expr, ExprKind, Part, Step};
use gatelint::syntax::{self, SourceFile};
use rayon::prelude::*;

#[derive(Default)]
struct Counts {
    files: usize,
    documents: usize,
    nodes: usize,
    errors: usize,
}

fn main() -> ExitCode {
    let mut max_file_size = DEFAULT_MAX_FILE_SIZE;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--max-file-size" {
            match args.next().and_then(|v| v.parse().ok()) {
                Some(limit) => max_file_size = limit,
                None => {
                    eprintln!("parse_only: --max-file-size needs a number of bytes");
                    return ExitCode::from(2);
                }
            }
        } else {
            paths.push(std::path::PathBuf::from(arg));
        }
    }
    let found = discover::discover(&paths, &DiscoverOptions::default());
    let per_file: Vec<Counts> = found
        .inputs
        .par_iter()
        .map(|input| {
            let mut counts = Counts {
                files: 1,
                ..Counts::default()
            };
            let file = read_input(input, max_file_size)
                .ok()
                .and_then(|bytes| syntax::decode(bytes).ok())
                .map(|text| SourceFile::new(input.display.as_str(), text));
            if terraform::is_terraform_path(&input.display) {
                match file.as_ref().and_then(terraform::parse_file) {
                    Some(Ok(parsed)) => {
                        counts.documents = 1;
                        counts.nodes = count_hcl(&parsed.hcl.body);
                    }
                    _ => counts.errors = 1,
                }
                return counts;
            }
            let parsed = file.and_then(|file| syntax::parse(&file).ok());
            match parsed {
                Some(documents) => {
                    counts.documents = documents.len();
                    counts.nodes = documents.iter().map(|d| d.node_count()).sum();
                }
                None => counts.errors = 1,
            }
            counts
        })
        .collect();
    let total = per_file.iter().fold(Counts::default(), |acc, c| Counts {
        files: acc.files + c.files,
        documents: acc.documents + c.documents,
        nodes: acc.nodes + c.nodes,
        errors: acc.errors + c.errors,
    });
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "files={} documents={} nodes={} errors={}",
        total.files, total.documents, total.nodes, total.errors
    );
    ExitCode::SUCCESS
}

/// Blocks, attributes and expressions of an HCL body.
fn count_hcl(body: &Body) -> usize {
    let mut bodies = vec![body];
    let mut exprs: Vec<&Expr> = Vec::new();
    let mut count = 0;
    while let Some(body) = bodies.pop() {
        count += body.blocks.len() + body.attributes.len();
        bodies.extend(body.blocks.iter().map(|b| &b.body));
        exprs.extend(body.attributes.iter().map(|a| &a.value));
    }
    while let Some(expr) = exprs.pop() {
        count += 1;
        match &expr.kind {
            ExprKind::Template(parts) => exprs.extend(parts.iter().filter_map(|p| match p {
                Part::Interpolation(e) => Some(e),
                _ => None,
            })),
            ExprKind::Array(items) => exprs.extend(items),
            ExprKind::Object(entries) => exprs.extend(entries.iter().flat_map(|(k, v)| [k, v])),
            ExprKind::Traversal(base, steps) => {
                exprs.push(base);
                exprs.extend(steps.iter().filter_map(|s| match s {
                    Step::Index(e) => Some(e),
                    _ => None,
                }));
            }
            ExprKind::Call { args, .. } => exprs.extend(args),
            ExprKind::Conditional(a, b, c) => exprs.extend([&**a, &**b, &**c]),
            ExprKind::Unary(_, a) => exprs.push(a),
            ExprKind::Binary(_, a, b) => exprs.extend([&**a, &**b]),
            ExprKind::For(f) => exprs.extend([&f.collection, &f.value]),
            _ => {}
        }
    }
    count
}
