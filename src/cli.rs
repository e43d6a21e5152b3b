//! The subcommands: `check` (the default), `routes`, `rules`, `explain` and `completions`.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::{self, Config, FailOn};
use crate::diagnostic::{InputError, Note, Severity};
use crate::discover::{self, DiscoverOptions, Discovery};
use crate::lint::{self, DEFAULT_MAX_FILE_SIZE, LintOptions};
use crate::report::{self, Format, Report};
use crate::routes::{self, RouteRow, RoutesFormat};
use crate::rules::{self, RULES};
use crate::suppress::baseline::{Baseline, Paths};
use crate::syntax::SourceFile;
use crate::text::plural;

/// Finds API Gateway authentication mistakes in OpenAPI, CloudFormation and SAM.
#[derive(Debug, Parser)]
#[command(name = "gatelint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (the default: `gatelint PATHS` means `gatelint check PATHS`).
    Check(CheckArgs),
    /// List every route found: API, method, path, authentication, API key, throttling, source.
    Routes(RoutesArgs),
    /// List the rules.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Print a rule's documentation, examples included.
    Explain {
        /// The rule id, e.g. `unauthenticated-route`.
        rule: String,
    },
    /// Print a shell completion script, e.g. `gatelint completions bash > /etc/bash_completion.d/gatelint`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// What `check` and `routes` both read.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files and directories to lint; `-` reads standard input. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Read this configuration instead of the `.gatelint.yaml` found in the working directory or
    /// its parents (up to the repository root).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The path to show for standard input (`-`).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// Skip files larger than this many bytes, with a note.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Exit with 1 when a finding is at least this severe [default: the configuration's
    /// `fail-on`, else warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Print findings only: no summary, no notes.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also list files skipped because they are not OpenAPI, CloudFormation or SAM, files
    /// linted as a template's DefinitionUri, and the findings suppressions removed, with their
    /// reasons.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Ignore every suppression: comments, resource Metadata and `x-gatelint-ignore`.
    #[arg(long)]
    pub no_ignore: bool,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file, then report none of them.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RoutesArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RoutesFormatArg::Table)]
    pub format: RoutesFormatArg,
    /// Show only routes callable without credentials.
    #[arg(long)]
    pub public: bool,
}

/// Output formats of `check` (see [`Format`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Source snippets with labels (the default).
    Human,
    /// One line per finding: `file:line:col: severity[rule] message`.
    Concise,
    /// A versioned JSON document.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Format {
        match arg {
            FormatArg::Human => Format::Human,
            FormatArg::Concise => Format::Concise,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
        }
    }
}

/// Output formats of `routes` (see [`RoutesFormat`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RoutesFormatArg {
    /// Aligned columns (the default); colour on a terminal.
    Table,
    /// A versioned JSON document.
    Json,
    /// A GitHub-flavoured markdown table, for a pull-request comment or a CI job summary.
    Markdown,
}

impl From<RoutesFormatArg> for RoutesFormat {
    fn from(arg: RoutesFormatArg) -> RoutesFormat {
        match arg {
            RoutesFormatArg::Table => RoutesFormat::Table,
            RoutesFormatArg::Json => RoutesFormat::Json,
            RoutesFormatArg::Markdown => RoutesFormat::Markdown,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless `NO_COLOR` is set.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_is_styled(),
        }
    }
}

/// On a terminal, and `NO_COLOR` is not set.
fn stdout_is_styled() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Exit codes.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

const SUBCOMMANDS: [&str; 6] = ["check", "routes", "rules", "explain", "completions", "help"];

/// Insert `check` when the first argument is not a subcommand, so `gatelint PATHS` works.
pub fn with_default_subcommand(mut args: Vec<String>) -> Vec<String> {
    let first = args.get(1).map(String::as_str);
    let is_meta = matches!(first, Some("-h" | "--help" | "-V" | "--version"));
    if !is_meta && !first.is_some_and(|a| SUBCOMMANDS.contains(&a)) {
        args.insert(1.min(args.len()), "check".into());
    }
    args
}

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let code = match cli.command {
        Command::Check(args) => check(&args, &mut out),
        Command::Routes(args) => list_routes(&args, &mut out),
        Command::Rules { format } => list_rules(format, &mut out),
        Command::Explain { rule } => explain(&rule, &mut out),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "gatelint", &mut out);
            Ok(EXIT_CLEAN)
        }
    };
    match code.and_then(|code| out.flush().map(|()| code)) {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (`gatelint | head`) is not an error of ours.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(EXIT_CLEAN),
        Err(e) => {
            let _ = writeln!(io::stderr(), "gatelint: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn current_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// The configuration, or the report of why it cannot be read.
fn load_config(args: &InputArgs) -> Result<Config, Report> {
    config::load(args.config.as_deref(), &current_dir()).map_err(|errors| Report {
        errors,
        ..Report::default()
    })
}

/// The inputs the command line and the configuration select; problems become input errors.
fn discover_inputs(args: &InputArgs, config: &Config, errors: &mut Vec<InputError>) -> Discovery {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let discovery = discover::discover(
        &paths,
        &DiscoverOptions {
            stdin_filename: args.stdin_filename.clone(),
            include: config.include.clone(),
            exclude: config.exclude.clone(),
            ..DiscoverOptions::default()
        },
    );
    for problem in &discovery.problems {
        errors.push(InputError::whole_file(problem.path(), problem.to_string()));
    }
    discovery
}

fn check(args: &CheckArgs, out: &mut dyn Write) -> io::Result<u8> {
    let color = args.input.color.enabled();
    let config = match load_config(&args.input) {
        Ok(config) => config,
        Err(report) => {
            render(&report, args.format.into(), color, out)?;
            return Ok(EXIT_ERROR);
        }
    };
    let mut errors = Vec::new();
    let discovery = discover_inputs(&args.input, &config, &mut errors);
    let options = LintOptions {
        settings: config.settings.clone(),
        max_file_size: args.input.max_file_size,
        verbose: args.verbose,
        apply_suppressions: !args.no_ignore,
    };
    let mut report = lint::lint_inputs(&discovery.inputs, &options);
    report.errors.extend(errors);
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::from_findings(&report.findings, &Paths::new(&current_dir(), path));
        let written = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(dir) => fs::create_dir_all(dir),
            None => Ok(()),
        }
        .and_then(|()| fs::write(path, baseline.to_json()));
        if let Err(error) = written {
            report.errors.push(InputError::whole_file(
                &path.to_string_lossy(),
                format!("cannot write the baseline: {error}"),
            ));
        } else {
            report.notes.push(Note {
                path: path.to_string_lossy().into_owned(),
                message: format!(
                    "wrote the baseline: {} recorded; later runs with --baseline report only new ones",
                    plural(baseline.len(), "finding", "findings")
                ),
            });
            report.findings.clear();
        }
    }
    if let Some(path) = &args.baseline {
        apply_baseline(path, &mut report);
    }
    report.sort();
    if args.quiet {
        report.notes.clear();
    }
    render(&report, args.format.into(), color, out)?;
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(FailOn::Warning);
    Ok(exit_code(&report, fail_on))
}

/// Drop the findings `path` accepts and say how many, and how many of its entries are stale.
fn apply_baseline(path: &Path, report: &mut Report) {
    let display = path.to_string_lossy().into_owned();
    let text = match fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            report.errors.push(InputError::whole_file(
                &display,
                "the baseline is not UTF-8",
            ));
            return;
        }
        Err(error) => {
            report.errors.push(InputError::whole_file(
                &display,
                format!("cannot read the baseline: {error}"),
            ));
            return;
        }
    };
    match Baseline::parse(&SourceFile::new(display.clone(), text)) {
        Ok(baseline) => {
            let applied = baseline.apply(&mut report.findings, &Paths::new(&current_dir(), path));
            report.notes.push(Note {
                path: display,
                message: applied.describe(),
            });
        }
        Err(error) => report.errors.push(error),
    }
}

/// [`report::render`] with the rules of this gatelint.
fn render(report: &Report, format: Format, color: bool, out: &mut dyn Write) -> io::Result<()> {
    report::render(report, format, &rules::metas(), color, out)
}

fn exit_code(report: &Report, fail_on: FailOn) -> u8 {
    if !report.errors.is_empty() {
        return EXIT_ERROR;
    }
    let failing = fail_on
        .threshold()
        .is_some_and(|threshold| report.findings.iter().any(|f| f.severity >= threshold));
    if failing { EXIT_FINDINGS } else { EXIT_CLEAN }
}

/// `gatelint routes`: the same analysis as `check`, rendered as an inventory. Input errors go to
/// standard error (one line each) so the inventory on standard output stays well-formed.
fn list_routes(args: &RoutesArgs, out: &mut dyn Write) -> io::Result<u8> {
    let config = match load_config(&args.input) {
        Ok(config) => config,
        Err(report) => {
            render(&report, Format::Human, false, &mut io::stderr())?;
            return Ok(EXIT_ERROR);
        }
    };
    let mut report = Report::default();
    let discovery = discover_inputs(&args.input, &config, &mut report.errors);
    let analysed: Vec<_> = discovery
        .inputs
        .par_iter()
        .map(|input| lint::analyze_input(input, args.input.max_file_size))
        .collect();
    let definitions = lint::definitions_of(
        analysed
            .iter()
            .flatten()
            .map(|a| a.definitions.paths.as_slice()),
    );
    let mut rows: Vec<RouteRow> = Vec::new();
    for analysis in analysed {
        match analysis {
            Ok(analysis) => {
                // A template's DefinitionUri file lists its routes under the template's API.
                let definition = analysis
                    .real_path
                    .as_ref()
                    .is_some_and(|p| definitions.contains(p));
                if !definition {
                    rows.extend(routes::rows(&analysis.workspace, &config.settings));
                }
                report.errors.extend(analysis.errors);
            }
            Err(file) => {
                report.errors.extend(file.errors);
                report.notes.extend(file.notes);
            }
        }
    }
    if args.public {
        rows.retain(|row| row.public);
    }
    routes::sort(&mut rows);
    routes::render(&rows, args.format.into(), args.input.color.enabled(), out)?;
    report.sort();
    if !report.errors.is_empty() || !report.notes.is_empty() {
        render(&report, Format::Concise, false, &mut io::stderr())?;
    }
    Ok(if report.errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    })
}

#[derive(Serialize)]
struct RuleEntry {
    id: &'static str,
    severity: Severity,
    summary: &'static str,
}

fn list_rules(format: ListFormat, out: &mut dyn Write) -> io::Result<u8> {
    match format {
        ListFormat::Table => {
            let width = RULES.iter().map(|r| r.meta().id.len()).max().unwrap_or(0);
            for rule in RULES {
                let meta = rule.meta();
                writeln!(
                    out,
                    "{:width$}  {:7}  {}",
                    meta.id,
                    meta.severity.as_str(),
                    meta.summary()
                )?;
            }
        }
        ListFormat::Json => {
            let entries: Vec<RuleEntry> = RULES
                .iter()
                .map(|rule| {
                    let meta = rule.meta();
                    RuleEntry {
                        id: meta.id,
                        severity: meta.severity,
                        summary: meta.summary(),
                    }
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &entries).map_err(io::Error::other)?;
            writeln!(out)?;
        }
    }
    Ok(EXIT_CLEAN)
}

fn explain(id: &str, out: &mut dyn Write) -> io::Result<u8> {
    match rules::find(id) {
        Some(rule) => {
            write_doc(rule.meta().doc, stdout_is_styled(), out)?;
            Ok(EXIT_CLEAN)
        }
        None => {
            let known: Vec<&str> = RULES.iter().map(|r| r.meta().id).collect();
            let suggestion = rules::closest(id)
                .map(|r| format!("did you mean `{r}`? "))
                .unwrap_or_default();
            let _ = writeln!(
                io::stderr(),
                "gatelint: no rule `{id}`; {suggestion}the rules are: {}",
                known.join(", ")
            );
            Ok(EXIT_ERROR)
        }
    }
}

/// A rule's markdown doc as it is, with headings in bold when `styled`.
fn write_doc(doc: &str, styled: bool, out: &mut dyn Write) -> io::Result<()> {
    let bold = annotate_snippets::renderer::Style::new().bold();
    let mut in_code = false;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if styled && !in_code && line.starts_with('#') {
            writeln!(out, "{bold}{line}{bold:#}")?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}
