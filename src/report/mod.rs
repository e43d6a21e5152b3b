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
mod pretty;
mod run;
pub mod sarif;
pub mod statistics;

use std::io;

use crate::diagnostic::{Finding, RuleMeta};

pub use options::RenderOptions;
pub use run::{COVERAGE_ID, INPUT_ERROR_ID, LeftOut, Report, Summary, Tally};

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

/// A renderer that writes a report one finding at a time: [`Writer::head`], every finding in
/// output order, then [`Writer::tail`]. Neither `head` nor `tail` reads the report's findings:
/// they are counted in the [`Tally`].
pub trait Writer {
    /// Whether `head` writes what is known only when the run is over (input errors, notes):
    /// then findings that come before it is written wait in a spool.
    fn head_reads_report(&self) -> bool;
    fn head(&mut self, report: &Report, out: &mut dyn io::Write) -> io::Result<()>;
    fn finding(&mut self, finding: &Finding, out: &mut dyn io::Write) -> io::Result<()>;
    /// Write the findings spooled before `head`, right after it.
    fn splice(&mut self, spool: Spool, out: &mut dyn io::Write) -> io::Result<()> {
        spool.copy_to(out, 0)
    }
    fn tail(&mut self, report: &Report, tally: &Tally, out: &mut dyn io::Write) -> io::Result<()>;
}

/// The writer of `format`; `None` for JUnit, whose per-file suites and totals come before
/// their cases (it renders a whole report).
pub fn writer(
    format: Format,
    rules: &[&'static RuleMeta],
    options: RenderOptions,
) -> Option<Box<dyn Writer>> {
    Some(match format {
        Format::Human => Box::new(human::Human::new(options)),
        Format::Concise => Box::new(concise::Concise::new(options.color)),
        Format::Json => Box::new(json::Json::default()),
        Format::Sarif => Box::new(sarif::Sarif::new(rules.to_vec())),
        Format::Github => Box::new(github::Github),
        Format::Gitlab => Box::new(gitlab::Gitlab::default()),
        Format::Junit => return None,
    })
}

/// Rendered findings that wait for the input errors a format writes before them: in an
/// unnamed temporary file (removed by the system when it is closed), so a run holds none of
/// them; in memory when no temporary file can be made.
pub enum Spool {
    File(io::BufWriter<std::fs::File>),
    Memory(Vec<u8>),
}

impl Spool {
    pub fn new() -> Self {
        match tempfile::tempfile() {
            Ok(file) => Spool::File(io::BufWriter::new(file)),
            Err(_) => Spool::Memory(Vec::new()),
        }
    }

    /// Write everything spooled but its first `skip` bytes to `out`.
    pub fn copy_to(self, out: &mut dyn io::Write, skip: u64) -> io::Result<()> {
        use std::io::{Seek, SeekFrom};
        match self {
            Spool::File(file) => {
                let mut file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
                file.seek(SeekFrom::Start(skip))?;
                io::copy(&mut file, out)?;
                Ok(())
            }
            Spool::Memory(bytes) => {
                let skip = usize::try_from(skip).unwrap_or(usize::MAX);
                out.write_all(bytes.get(skip..).unwrap_or_default())
            }
        }
    }
}

impl Default for Spool {
    fn default() -> Self {
        Spool::new()
    }
}

impl io::Write for Spool {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Spool::File(file) => file.write(buf),
            Spool::Memory(bytes) => bytes.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Spool::File(file) => file.flush(),
            Spool::Memory(_) => Ok(()),
        }
    }
}

/// Write `report` in `format`; `rules` are the rules of the run, described by SARIF.
pub fn render(
    report: &Report,
    format: Format,
    rules: &[&'static RuleMeta],
    options: RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let Some(mut writer) = writer(format, rules, options) else {
        return junit::render(report, out);
    };
    writer.head(report, out)?;
    for finding in &report.findings {
        writer.finding(finding, out)?;
    }
    writer.tail(report, &Tally::of(&report.findings), out)
}
