//! gatelint's integration tests, one module per subject, linked into one test binary (so the
//! suite links once). Shared helpers live in `common`; snapshots in `snapshots/`, named
//! `integration__<module>__<name>.snap`. Run one module with `cargo test --test integration
//! <module>::`.

mod action;
mod cdk;
mod checkov_agreement;
mod ci_formats;
mod cli_commands;
mod cli_config;
mod cli_findings;
mod cli_flags;
mod common;
mod corpus_openapi;
mod corpus_sam;
mod corpus_serverless;
mod corpus_snapshot;
mod corpus_templates;
mod discover;
mod fixes;
mod fuzz_regressions;
mod hostile_inputs;
mod input_errors;
mod readme;
mod real_templates;
mod render;
mod routes_diff;
mod rule_docs;
mod rule_fixtures;
mod sam_differential;
mod sam_lowering;
mod server;
mod serverless;
mod serverless_differential;
mod streaming;
mod syntax_hostile;
mod syntax_properties;
mod terraform;
mod terraform_labels;
mod translator_routes;
