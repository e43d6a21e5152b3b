//! The subcommands: `check` (the default), `rules` and `explain`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::discover::{self, DiscoverOptions};
use crate::lint::{self, DEFAULT_MAX_FILE_SIZE, LintOptions};
use crate::report::{self, Format, InputError, Report, Severity};
use crate::rules::{self, RULES};
use crate::syntax::{Loc, SourceFile, Span};

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
    /// List the rules.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// The rule id, e.g. `unauthenticated-route`.
        rule: String,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and directories to lint; `-` reads standard input. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Print findings only: no summary, no notes.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also list files skipped because they are not OpenAPI, CloudFormation or SAM.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,
    /// The path to show for standard input (`-`).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// Skip files larger than this many bytes, with a note.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// When to use colour in `human` and `concise` output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless `NO_COLOR` is set.
    Auto,
    Always,
    Never,
}

/// Exit codes.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

const SUBCOMMANDS: [&str; 4] = ["check", "rules", "explain", "help"];

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
        Command::Rules => list_rules(&mut out),
        Command::Explain { rule } => explain(&rule, &mut out),
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

fn check(args: &CheckArgs, out: &mut dyn Write) -> io::Result<u8> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let discovery = discover::discover(
        &paths,
        &DiscoverOptions {
            stdin_filename: args.stdin_filename.clone(),
            ..DiscoverOptions::default()
        },
    );
    let options = LintOptions {
        max_file_size: args.max_file_size,
        verbose: args.verbose,
        ..LintOptions::default()
    };
    let mut report = lint::lint_inputs(&discovery.inputs, &options);
    for problem in &discovery.problems {
        let file = SourceFile::new(problem.path(), String::new());
        report.errors.push(InputError {
            loc: Loc::new(&file, Span::empty(0)),
            message: problem.to_string(),
        });
    }
    report.sort();
    if args.quiet {
        report.notes.clear();
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    report::render(&report, args.format, color, out)?;
    Ok(exit_code(&report, args.fail_on))
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

fn list_rules(out: &mut dyn Write) -> io::Result<u8> {
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
    Ok(EXIT_CLEAN)
}

fn explain(id: &str, out: &mut dyn Write) -> io::Result<u8> {
    match rules::find(id) {
        Some(rule) => {
            out.write_all(rule.meta().doc.as_bytes())?;
            Ok(EXIT_CLEAN)
        }
        None => {
            let known: Vec<&str> = RULES.iter().map(|r| r.meta().id).collect();
            let _ = writeln!(
                io::stderr(),
                "gatelint: no rule `{id}`; the rules are: {}",
                known.join(", ")
            );
            Ok(EXIT_ERROR)
        }
    }
}
