//! The subcommands: `check` (the default), `routes`, `rules`, `explain`, `server` and
//! `completions`.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::{ConfigSource, Configs, FailOn, FileSelection, RuleSelection};
use crate::diagnostic::{Finding, InputError, Note, NoteKind, Severity};
use crate::discover::{self, DiscoverOptions, Discovery, Globs, Input, InputSource};
use crate::lint::{self, DEFAULT_MAX_FILE_SIZE, LintOptions};
use crate::report::{self, Format, LeftOut, RenderOptions, Report, statistics};
use crate::routes::diff::{self as route_diff, ApiRoutes, DiffFormat};
use crate::routes::{self, RouteRow, RoutesFormat};
use crate::rules::{self, RULES};
use crate::suppress::baseline::{Baseline, Paths};
use crate::syntax::SourceFile;
use crate::text::plural;

/// Finds API Gateway authentication mistakes in OpenAPI, CloudFormation, SAM, Serverless
/// Framework, Terraform and CDK.
// `args_override_self`: a flag given twice takes its last value (as in ruff), so arguments added
// after a wrapper's own (the GitHub Action's `args`) never make the command line invalid.
#[derive(Debug, Parser)]
#[command(name = "gatelint", version, about, long_about = None, args_override_self = true)]
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
    /// Run the language server on standard input and output, for editors: diagnostics for open
    /// documents as they are typed, fixes, suppressions and rule docs on hover.
    Server,
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
    /// Read this configuration for every file, instead of the nearest `.gatelint.yaml` above
    /// each one (up to the repository root).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Read no configuration file: every rule at its default.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// The path to show for standard input (`-`); configuration and excludes apply as to a file
    /// there.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// Skip files larger than this many bytes (64 MiB by default): with a note, or an input
    /// error when the file looks like an API document.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Globs of files and directories to skip, relative to the working directory; replaces the
    /// configuration's `exclude`. Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Globs to skip besides the configuration's `exclude`, relative to the working directory.
    /// Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub extend_exclude: Vec<String>,
    /// Apply the excludes to files named on the command line too (for pre-commit and editors).
    #[arg(long)]
    pub force_exclude: bool,
    /// When to use colour [default: auto: on a terminal, unless `NO_COLOR` is set or
    /// `TERM=dumb`; `FORCE_COLOR` or `CLICOLOR_FORCE` force it].
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, hide_default_value = true)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("apply").args(["fix", "diff"]).multiple(true)))]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Write the output to this file instead of standard output.
    #[arg(long, short, value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    /// Exit with 1 when a finding is at least this severe [default: the configuration's
    /// `fail-on`, else warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Exit with 0 even when there are findings (input errors still exit with 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Run only these rules (ids, comma-separated, repeatable), instead of those the
    /// configuration enables.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Run these rules as well (ids, comma-separated, repeatable).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Do not run these rules (ids, comma-separated, repeatable).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Report at most this many findings, the most severe first, and say how many were left out
    /// (for consumers with a limit, such as GitHub code scanning's 25,000 results per upload).
    #[arg(long, value_name = "N")]
    pub max_findings: Option<usize>,
    /// Print findings only: no summary, and no notes except about input that was not linted.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also list files skipped because they are no API document (OpenAPI, CloudFormation, SAM,
    /// Serverless Framework, Terraform, CDK), files linted as a template's DefinitionUri, the configuration file of each file, and the
    /// findings suppressions removed, with their reasons.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Report what suppressions would hide: ignore every suppression comment, resource
    /// Metadata and `x-gatelint-ignore`.
    #[arg(long, alias = "no-ignore")]
    pub ignore_suppressions: bool,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file, then report none of them.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Apply the safe fixes to the linted files (repeatedly, until nothing changes), then
    /// report what is left.
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff: apply the unsafe fixes as well (they change what callers of the
    /// API must do, e.g. sign requests to a function URL). Without either it is a usage error.
    #[arg(long, requires = "apply")]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exit with 1 when there is
    /// something to fix.
    #[arg(long)]
    pub diff: bool,
}

#[derive(Debug, Args)]
pub struct RoutesArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RoutesFormatArg::Table)]
    pub format: RoutesFormatArg,
    /// Show only routes callable without credentials.
    #[arg(long, conflicts_with = "diff")]
    pub public: bool,
    /// Compare with the routes of this git revision (e.g. `origin/main`), read from git without
    /// touching the working tree: what is opened, tightened, changed, added, removed, or no
    /// longer visible.
    #[arg(long, value_name = "REV")]
    pub diff: Option<String>,
    /// With --diff: exit with 1 when a route is opened that `public-routes` does not accept.
    #[arg(long, requires = "diff")]
    pub fail_on_opened: bool,
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
    /// JUnit XML, for the test reports of GitLab, Jenkins and Azure DevOps.
    Junit,
    /// GitLab Code Quality JSON, for merge request widgets.
    Gitlab,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Format {
        match arg {
            FormatArg::Human => Format::Human,
            FormatArg::Concise => Format::Concise,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
            FormatArg::Junit => Format::Junit,
            FormatArg::Gitlab => Format::Gitlab,
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
    /// With --diff: GitHub Actions workflow commands, an annotation on each opened route.
    Github,
}

impl RoutesFormatArg {
    /// The inventory format; `None` for one only the diff has.
    fn inventory(self) -> Option<RoutesFormat> {
        match self {
            RoutesFormatArg::Table => Some(RoutesFormat::Table),
            RoutesFormatArg::Json => Some(RoutesFormat::Json),
            RoutesFormatArg::Markdown => Some(RoutesFormat::Markdown),
            RoutesFormatArg::Github => None,
        }
    }

    fn diff(self) -> DiffFormat {
        match self {
            RoutesFormatArg::Table => DiffFormat::Table,
            RoutesFormatArg::Json => DiffFormat::Json,
            RoutesFormatArg::Markdown => DiffFormat::Markdown,
            RoutesFormatArg::Github => DiffFormat::Github,
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

/// Colour for standard output, by the conventions most terminal tools share: `NO_COLOR`
/// (<https://no-color.org>) switches it off; `CLICOLOR_FORCE` (not `0`) or `FORCE_COLOR` (not
/// `0` or `false`) switch it on; `TERM=dumb` off; else only on a terminal.
fn stdout_is_styled() -> bool {
    let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    if var("NO_COLOR").is_some() {
        return false;
    }
    if var("CLICOLOR_FORCE").is_some_and(|v| v != "0")
        || var("FORCE_COLOR").is_some_and(|v| v != "0" && !v.eq_ignore_ascii_case("false"))
    {
        return true;
    }
    if var("TERM").is_some_and(|t| t == "dumb") {
        return false;
    }
    io::stdout().is_terminal()
}

/// Exit codes.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

const SUBCOMMANDS: [&str; 7] = [
    "check",
    "routes",
    "rules",
    "explain",
    "server",
    "completions",
    "help",
];

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
    if let Err(error) = check_usage(&cli) {
        error.exit();
    }
    if let Command::Server = cli.command {
        // Before standard output is locked below: the server's writer thread needs it.
        return match crate::server::run_stdio() {
            Ok(()) => ExitCode::from(EXIT_CLEAN),
            Err(error) => {
                let _ = writeln!(io::stderr(), "gatelint server: {error}");
                ExitCode::from(EXIT_FINDINGS)
            }
        };
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let code = match cli.command {
        Command::Check(args) => check(&args, &mut out),
        Command::Routes(args) => list_routes(&args, &mut out),
        Command::Rules { format } => list_rules(format, &mut out),
        Command::Explain { rule } => explain(&rule, &mut out),
        Command::Server => Ok(EXIT_CLEAN),
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

/// What clap cannot check by itself: a usage error (exit code 2) like clap's own.
fn check_usage(cli: &Cli) -> Result<(), clap::Error> {
    let (input, rules, name) = match &cli.command {
        Command::Check(args) => (&args.input, Some(rule_selection(args)), "check"),
        Command::Routes(args) => (&args.input, None, "routes"),
        _ => return Ok(()),
    };
    let mut cli_command = Cli::command();
    cli_command.build();
    let mut command = cli_command
        .find_subcommand_mut(name)
        .cloned()
        .unwrap_or_default();
    if input.stdin_filename.is_some() && !input.paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(command.error(
            clap::error::ErrorKind::ArgumentConflict,
            "--stdin-filename names standard input, which is read only when `-` is one of the paths",
        ));
    }
    if let Some(unknown) = rules
        .map(|r| r.unknown_ids())
        .and_then(|u| u.into_iter().next())
    {
        return Err(command.error(clap::error::ErrorKind::InvalidValue, unknown));
    }
    for glob in input.exclude.iter().chain(&input.extend_exclude) {
        if let Err(error) = Globs::new(&[glob]) {
            return Err(command.error(clap::error::ErrorKind::InvalidValue, error.to_string()));
        }
    }
    Ok(())
}

fn rule_selection(args: &CheckArgs) -> RuleSelection {
    RuleSelection {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
    }
}

fn current_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// The configurations the command line asks for.
fn configs(args: &InputArgs, rules: RuleSelection) -> Arc<Configs> {
    let source = match (&args.config, args.no_config) {
        (_, true) => ConfigSource::Defaults,
        (Some(path), false) => ConfigSource::File(path.clone()),
        (None, false) => ConfigSource::Discover,
    };
    // Checked as a usage error before (`check_usage`).
    let globs = |patterns: &[String]| Globs::new(patterns).unwrap_or_default();
    let files = FileSelection {
        exclude: (!args.exclude.is_empty()).then(|| globs(&args.exclude)),
        extend_exclude: globs(&args.extend_exclude),
    };
    Arc::new(Configs::new(&current_dir(), source, rules, files))
}

/// The inputs the command line and the configurations select; problems become input errors.
fn discover_inputs(
    args: &InputArgs,
    configs: &Arc<Configs>,
    errors: &mut Vec<InputError>,
) -> Discovery {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let discovery = discover::discover(
        &paths,
        &DiscoverOptions {
            stdin_filename: args.stdin_filename.clone(),
            force_exclude: args.force_exclude,
            selection: Some(configs.clone()),
            ..DiscoverOptions::default()
        },
    );
    for problem in &discovery.problems {
        errors.push(InputError::whole_file(problem.path(), problem.to_string()));
    }
    discovery
}

fn check(args: &CheckArgs, stdout: &mut dyn Write) -> io::Result<u8> {
    match &args.output_file {
        None => check_to(args, args.input.color.enabled(), stdout),
        Some(path) => {
            let file = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
                Some(dir) => fs::create_dir_all(dir),
                None => Ok(()),
            }
            .and_then(|()| fs::File::create(path));
            let mut file = match file {
                Ok(file) => io::BufWriter::new(file),
                Err(error) => {
                    let _ = writeln!(
                        io::stderr(),
                        "gatelint: cannot write {}: {error}",
                        path.display()
                    );
                    return Ok(EXIT_ERROR);
                }
            };
            let color = args.input.color == ColorChoice::Always;
            let code = check_to(args, color, &mut file)?;
            file.flush()?;
            Ok(code)
        }
    }
}

fn check_to(args: &CheckArgs, color: bool, out: &mut dyn Write) -> io::Result<u8> {
    let render_options = RenderOptions {
        color,
        quiet: args.quiet,
        unsafe_fixes: args.unsafe_fixes,
    };
    let configs = configs(&args.input, rule_selection(args));
    let mut errors = Vec::new();
    let discovery = discover_inputs(&args.input, &configs, &mut errors);
    let config_errors = configs.errors();
    if !config_errors.is_empty() {
        let mut report = Report {
            errors: config_errors,
            ..Report::default()
        };
        report.sort();
        render(&report, args.format.into(), render_options, out)?;
        return Ok(EXIT_ERROR);
    }
    let mut fix_notes = Vec::new();
    if args.fix || args.diff {
        let (changed, notes) = apply_fixes(args, &configs, &discovery.inputs, out)?;
        if args.diff {
            return Ok(if changed { EXIT_FINDINGS } else { EXIT_CLEAN });
        }
        fix_notes = notes;
    }
    let options = LintOptions {
        configs: Some(configs.clone()),
        max_file_size: args.input.max_file_size,
        verbose: args.verbose,
        apply_suppressions: !args.ignore_suppressions,
        ..LintOptions::default()
    };
    // Findings are written as they come, unless something needs all of them first.
    let streamed = !args.statistics
        && args.baseline.is_none()
        && args.write_baseline.is_none()
        && args.max_findings.is_none();
    let fail_on = |finding: &Finding| {
        args.fail_on
            .or_else(|| {
                configs
                    .for_path(finding.primary.loc.file.path())
                    .fail_on
                    .or(configs.for_cwd().fail_on)
            })
            .unwrap_or(FailOn::Warning)
    };
    if streamed
        && let Some(writer) = report::writer(args.format.into(), &rules::metas(), render_options)
    {
        let add_notes = |report: &mut Report| {
            report.errors.append(&mut errors);
            report.notes.append(&mut fix_notes);
            configured_by_notes(args, &configs, &discovery.inputs, report);
        };
        return check_streamed(
            args,
            &discovery.inputs,
            &options,
            writer,
            fail_on,
            add_notes,
            out,
        );
    }
    let mut report = lint::lint_inputs(&discovery.inputs, &options);
    report.errors.extend(errors);
    report.notes.extend(fix_notes);
    configured_by_notes(args, &configs, &discovery.inputs, &mut report);
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
            report.notes.push(Note::info(
                path.to_string_lossy(),
                format!(
                    "wrote the baseline: {} recorded; later runs with --baseline report only new ones",
                    plural(baseline.len(), "finding", "findings")
                ),
            ));
            report.findings.clear();
        }
    }
    if let Some(path) = &args.baseline {
        apply_baseline(path, &mut report);
    }
    // Decided on every finding, before `--max-findings` leaves some out of the output.
    let code = exit_code(&report, fail_on);
    if let Some(limit) = args.max_findings {
        keep_most_severe(&mut report, limit);
    }
    report.sort();
    if args.quiet {
        report.notes.retain(|note| note.kind == NoteKind::Warning);
    }
    if args.statistics {
        statistics::render(&report, args.format == FormatArg::Json, out)?;
    } else {
        render(&report, args.format.into(), render_options, out)?;
    }
    nothing_linted_warning(&args.input, &report)?;
    Ok(if args.exit_zero && code == EXIT_FINDINGS {
        EXIT_CLEAN
    } else {
        code
    })
}

/// `--verbose`: which configuration applies to each input.
fn configured_by_notes(args: &CheckArgs, configs: &Configs, inputs: &[Input], report: &mut Report) {
    if !args.verbose {
        return;
    }
    for input in inputs {
        if let Some(config) = &configs.for_path(&input.display).path {
            let message = format!("configured by {config}");
            report
                .notes
                .push(Note::info(input.display.clone(), message));
        }
    }
}

/// `check` writing each finding as soon as it is known in output order: the run holds a few
/// files' findings, not all of them. A format that writes input errors or notes before the
/// findings (all but JSON) has them wait in a temporary file until the run is over; the output
/// is the same as [`render`]'s of the whole report.
fn check_streamed(
    args: &CheckArgs,
    inputs: &[Input],
    options: &LintOptions,
    mut writer: Box<dyn report::Writer>,
    fail_on: impl Fn(&Finding) -> FailOn,
    add_notes: impl FnOnce(&mut Report),
    out: &mut dyn Write,
) -> io::Result<u8> {
    let mut spool = if writer.head_reads_report() {
        Some(report::Spool::new())
    } else {
        writer.head(&Report::default(), out)?;
        None
    };
    let mut tally = report::Tally::default();
    let mut failing = false;
    let mut report = lint::lint_inputs_streaming(inputs, options, &mut |finding| {
        tally.add(&finding);
        failing |= fail_on(&finding)
            .threshold()
            .is_some_and(|threshold| finding.severity >= threshold);
        match &mut spool {
            Some(spool) => writer.finding(&finding, spool),
            None => writer.finding(&finding, out),
        }
    })?;
    add_notes(&mut report);
    report.sort();
    if args.quiet {
        report.notes.retain(|note| note.kind == NoteKind::Warning);
    }
    if let Some(spool) = spool {
        writer.head(&report, out)?;
        writer.splice(spool, out)?;
    }
    writer.tail(&report, &tally, out)?;
    nothing_linted_warning(&args.input, &report)?;
    let code = if !report.errors.is_empty() {
        EXIT_ERROR
    } else if failing {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    Ok(if args.exit_zero && code == EXIT_FINDINGS {
        EXIT_CLEAN
    } else {
        code
    })
}

/// `check --fix` / `--diff`: fix every linted file (standard input is never fixed), writing
/// the result or printing it as a diff. Returns whether a file changed (or would) and the
/// notes to report: what was fixed, which fixes were dropped.
fn apply_fixes(
    args: &CheckArgs,
    configs: &Configs,
    inputs: &[Input],
    out: &mut dyn Write,
) -> io::Result<(bool, Vec<Note>)> {
    let options = crate::fix::FixOptions {
        unsafe_fixes: args.unsafe_fixes,
        apply_suppressions: !args.ignore_suppressions,
    };
    let mut changed = false;
    let mut notes = Vec::new();
    let mut fixed_findings = 0;
    for input in inputs {
        let InputSource::File(path) = &input.source else {
            continue;
        };
        if input.len.is_some_and(|len| len > args.input.max_file_size) {
            continue;
        }
        let Ok(text) = fs::read(path).map(String::from_utf8) else {
            continue;
        };
        let Ok(text) = text else {
            continue;
        };
        let config = configs.for_path(&input.display);
        let result = crate::fix::fix_text(&input.display, &text, &config.settings, options);
        for dropped in &result.dropped {
            notes.push(Note::warning(
                input.display.clone(),
                format!(
                    "{}:{}: the fix for {} ({}) was not applied: the document would not parse: {}",
                    dropped.line, dropped.column, dropped.rule, dropped.title, dropped.why
                ),
            ));
        }
        if result.fixed == text {
            continue;
        }
        changed = true;
        fixed_findings += result.applied;
        if args.diff {
            out.write_all(
                crate::fix::unified_diff(&input.display, &text, &result.fixed).as_bytes(),
            )?;
        } else if let Err(error) = fs::write(path, &result.fixed) {
            notes.push(Note::warning(
                input.display.clone(),
                format!("cannot write the fixes: {error}"),
            ));
        } else {
            notes.push(Note::info(
                input.display.clone(),
                format!("fixed {}", plural(result.applied, "finding", "findings")),
            ));
        }
    }
    if args.diff {
        let mut stderr = io::stderr();
        for note in &notes {
            match &note.path {
                Some(path) => writeln!(stderr, "{path}: {}", note.message)?,
                None => writeln!(stderr, "{}", note.message)?,
            }
        }
        if changed {
            writeln!(
                stderr,
                "gatelint: would fix {}",
                plural(fixed_findings, "finding", "findings")
            )?;
        }
    }
    Ok((changed, notes))
}

/// [`report::render`] with the rules of this gatelint.
fn render(
    report: &Report,
    format: Format,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    report::render(report, format, &rules::metas(), options, out)
}

/// Keep the `limit` most severe findings (in output order among equals) and say how many of
/// each severity were left out.
fn keep_most_severe(report: &mut Report, limit: usize) {
    if report.findings.len() <= limit {
        return;
    }
    report.sort();
    // Stable: among equally severe findings the first in output order stay.
    report
        .findings
        .sort_by_key(|finding| std::cmp::Reverse(finding.severity));
    let left_out = report.findings.split_off(limit);
    let count = |severity| left_out.iter().filter(|f| f.severity == severity).count();
    let parts: Vec<String> = [Severity::Error, Severity::Warning, Severity::Note]
        .into_iter()
        .filter(|s| count(*s) > 0)
        .map(|s| plural(count(s), s.as_str(), &format!("{}s", s.as_str())))
        .collect();
    // About the run, not a file: the note has no path.
    report.notes.push(Note::run_warning(format!(
        "--max-findings {limit}: {} left out ({}), the least severe; {limit} of {} shown",
        plural(left_out.len(), "finding", "findings"),
        parts.join(", "),
        limit + left_out.len()
    )));
    report.left_out = Some(LeftOut {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        notes: count(Severity::Note),
    });
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
            report.notes.push(Note::info(display, applied.describe()));
        }
        Err(error) => report.errors.push(error),
    }
}

/// 2 for input errors, else 1 when a finding is at least as severe as the `fail-on` that
/// applies to it (`--fail-on`, else the configuration of its file).
fn exit_code(report: &Report, fail_on: impl Fn(&Finding) -> FailOn) -> u8 {
    if !report.errors.is_empty() {
        return EXIT_ERROR;
    }
    let failing = report.findings.iter().any(|finding| {
        fail_on(finding)
            .threshold()
            .is_some_and(|threshold| finding.severity >= threshold)
    });
    if failing { EXIT_FINDINGS } else { EXIT_CLEAN }
}

/// `gatelint routes`: the same analysis as `check`, rendered as an inventory. Input errors go to
/// standard error (one line each) so the inventory on standard output stays well-formed.
fn list_routes(args: &RoutesArgs, out: &mut dyn Write) -> io::Result<u8> {
    let configs = configs(&args.input, RuleSelection::default());
    let mut report = Report::default();
    let discovery = discover_inputs(&args.input, &configs, &mut report.errors);
    let config_errors = configs.errors();
    if !config_errors.is_empty() {
        let mut report = Report {
            errors: config_errors,
            ..Report::default()
        };
        report.sort();
        render(
            &report,
            Format::Human,
            RenderOptions::default(),
            &mut io::stderr(),
        )?;
        return Ok(EXIT_ERROR);
    }
    if let Some(rev) = &args.diff {
        return diff_routes(args, rev, &configs, &discovery, report, out);
    }
    let Some(format) = args.format.inventory() else {
        let _ = writeln!(
            io::stderr(),
            "gatelint: `--format github` needs `--diff REV`"
        );
        return Ok(EXIT_ERROR);
    };
    let mut rows: Vec<RouteRow> = Vec::new();
    for analysis in analyse_for_routes(&discovery.inputs, args.input.max_file_size, &mut report) {
        if !analysis.documents.is_empty() || !analysis.terraform.is_empty() {
            report.files_checked += 1;
        }
        let config = configs.for_path(analysis.file.path());
        rows.extend(routes::rows(&analysis.workspace, &config.settings));
    }
    if args.public {
        rows.retain(|row| row.public);
    }
    routes::sort(&mut rows);
    routes::render(&rows, format, args.input.color.enabled(), out)?;
    // "0 routes" over directories where no API document was found is not an empty inventory.
    nothing_linted_warning(&args.input, &report)?;
    finish_routes(report)
}

/// Analyse `inputs` for their routes: input errors and notes go to `report`, and a template's
/// DefinitionUri file is left out (its routes are listed under the template's API).
fn analyse_for_routes(
    inputs: &[Input],
    max_file_size: u64,
    report: &mut Report,
) -> Vec<lint::Analysis> {
    let analysed: Vec<_> = lint::units(inputs)
        .par_iter()
        .map(|unit| lint::analyze_unit(unit, max_file_size))
        .collect();
    let definitions = lint::definitions_of(
        analysed
            .iter()
            .flatten()
            .map(|a| a.definitions.paths.as_slice()),
    );
    let mut kept = Vec::new();
    for analysis in analysed {
        match analysis {
            Ok(mut analysis) => {
                report.notes.append(&mut analysis.notes);
                let definition = analysis
                    .real_path
                    .as_ref()
                    .is_some_and(|p| definitions.contains(p));
                // A loaded file's problems are reported through its template.
                if !definition {
                    report.errors.append(&mut analysis.errors);
                    kept.push(analysis);
                }
            }
            Err(file) => {
                report.errors.extend(file.errors);
                report.notes.extend(file.notes);
            }
        }
    }
    kept
}

/// Input errors and notes to standard error; the exit code they make.
fn finish_routes(mut report: Report) -> io::Result<u8> {
    report.sort();
    if !report.errors.is_empty() || !report.notes.is_empty() {
        render(
            &report,
            Format::Concise,
            RenderOptions::default(),
            &mut io::stderr(),
        )?;
    }
    Ok(if report.errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    })
}

/// The APIs of `analyses` as the diff compares them, each file with its configuration.
fn apis_for_diff(analyses: &[lint::Analysis], configs: &Configs) -> Vec<ApiRoutes> {
    analyses
        .iter()
        .flat_map(|analysis| {
            let config = configs.for_path(analysis.file.path());
            route_diff::apis(&analysis.workspace, &config.settings)
        })
        .collect()
}

/// `gatelint routes --diff REV`: the working tree's inventory against REV's, with the same
/// paths and configuration. REV's files are written to a temporary directory from git and go
/// through the same discovery and analysis, shown under their working-tree paths (so the
/// configuration that applies to a file is the same in both). Problems in REV's files are notes
/// (they are not this change's to fix), and a path that REV does not have is empty there.
fn diff_routes(
    args: &RoutesArgs,
    rev: &str,
    configs: &Arc<Configs>,
    discovery: &Discovery,
    mut report: Report,
    out: &mut dyn Write,
) -> io::Result<u8> {
    if discovery
        .inputs
        .iter()
        .any(|input| input.source == InputSource::Stdin)
    {
        let _ = writeln!(
            io::stderr(),
            "gatelint: --diff reads the revision's files from git; standard input (`-`) has none"
        );
        return Ok(EXIT_ERROR);
    }
    let max_file_size = args.input.max_file_size;
    let after = apis_for_diff(
        &analyse_for_routes(&discovery.inputs, max_file_size, &mut report),
        configs,
    );
    let tree = match discover::git::read_revision(rev, &current_dir(), max_file_size) {
        Ok(tree) => tree,
        Err(error) => {
            let _ = writeln!(io::stderr(), "gatelint: --diff {rev}: {error}");
            return Ok(EXIT_ERROR);
        }
    };
    let paths = if args.input.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.input.paths.clone()
    };
    let mut relocated = Vec::new();
    for path in paths {
        match tree.locate(&path) {
            Ok(at) => relocated.push((at, path)),
            Err(error) => report.errors.push(InputError::whole_file(
                &path.to_string_lossy(),
                error.to_string(),
            )),
        }
    }
    let old_discovery = discover::discover_relocated(
        &relocated,
        &DiscoverOptions {
            force_exclude: args.input.force_exclude,
            selection: Some(configs.clone()),
            ..DiscoverOptions::default()
        },
    );
    // A path gone from the working tree but in REV: its routes are removed, not an input error.
    for problem in &discovery.problems {
        let gone = matches!(problem, discover::DiscoveryError::NotFound { .. })
            && relocated
                .iter()
                .any(|(at, shown)| at.exists() && discover::same_display(shown, problem.path()));
        if gone {
            let message = problem.to_string();
            report
                .errors
                .retain(|e| !(e.loc.file.path() == problem.path() && e.message == message));
        }
    }
    let mut old_report = Report::default();
    for problem in &old_discovery.problems {
        // A path new since REV, or a directory with no candidate then: nothing there before.
        if !matches!(
            problem,
            discover::DiscoveryError::NotFound { .. }
                | discover::DiscoveryError::NoCandidates { .. }
        ) {
            old_report
                .errors
                .push(InputError::whole_file(problem.path(), problem.to_string()));
        }
    }
    let before = apis_for_diff(
        &analyse_for_routes(&old_discovery.inputs, max_file_size, &mut old_report),
        configs,
    );
    let commit = tree.commit.clone();
    drop(tree);
    for error in old_report.errors {
        let at = error.loc.start();
        report.notes.push(Note::warning(
            error.loc.file.path(),
            format!(
                "in {rev}: {}:{}: {} (its routes there are not compared)",
                at.line, at.column, error.message
            ),
        ));
    }
    for note in old_report.notes {
        report.notes.push(Note {
            message: format!("in {rev}: {}", note.message),
            ..note
        });
    }
    let diff = route_diff::compare(rev, &commit, &before, &after);
    route_diff::render(&diff, args.format.diff(), args.input.color.enabled(), out)?;
    let code = finish_routes(report)?;
    Ok(
        if code == EXIT_CLEAN && args.fail_on_opened && diff.unaccepted_opened() > 0 {
            EXIT_FINDINGS
        } else {
            code
        },
    )
}

#[derive(Serialize)]
struct RuleEntry {
    id: &'static str,
    severity: Severity,
    /// Whether the rule runs without being switched on.
    enabled: bool,
    summary: &'static str,
}

fn list_rules(format: ListFormat, out: &mut dyn Write) -> io::Result<u8> {
    match format {
        ListFormat::Table => {
            let width = RULES.iter().map(|r| r.meta().id.len()).max().unwrap_or(0);
            for rule in RULES {
                let meta = rule.meta();
                let severity = if meta.opt_in {
                    "off"
                } else {
                    meta.severity.as_str()
                };
                writeln!(
                    out,
                    "{:width$}  {:7}  {}",
                    meta.id,
                    severity,
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
                        enabled: !meta.opt_in,
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

/// Directories were given, candidate files found, and none was an API document: say so on
/// standard error, so "no problems found" is not taken for a pass of something that was not
/// checked.
fn nothing_linted_warning(args: &InputArgs, report: &Report) -> io::Result<()> {
    if report.files_checked > 0 || !report.errors.is_empty() {
        return Ok(());
    }
    let default = [PathBuf::from(".")];
    let paths = if args.paths.is_empty() {
        &default[..]
    } else {
        &args.paths[..]
    };
    let dirs: Vec<String> = paths
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if dirs.is_empty() {
        return Ok(());
    }
    writeln!(
        io::stderr(),
        "gatelint: no API document ({}) found under {}: nothing was checked (--verbose lists \
         the files skipped)",
        crate::formats::API_DOCUMENT_KINDS,
        dirs.join(", ")
    )
}
