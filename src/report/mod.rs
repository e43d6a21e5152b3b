//! The renderers: a run's [`Report`] as human-readable snippets, concise lines, JSON, SARIF or
//! GitHub workflow commands. They receive what they render (the report, the rule list) and
//! know nothing of how it was found.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
mod options;
mod run;
pub mod sarif;
pub mod statistics;
mod streamed;

use std::io;

use crate::diagnostic::RuleMeta;

pub use options::RenderOptions;
pub use run::{COVERAGE_ID, INPUT_ERROR_ID, Report, Summary};

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
}

/// Write `report` in `format`; `rules` are the rules of the run, described by SARIF.
pub fn render(
    report: &Report,
    format: Format,
    rules: &[&'static RuleMeta],
    options: RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let color = options.color;
    match format {
        Format::Human => human::render(report, options, out),
        Format::Concise => concise::render(report, color, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, rules, out),
        Format::Github => github::render(report, out),
        Format::Junit => junit::render(report, out),
        Format::Gitlab => gitlab::render(report, out),
    }
}
