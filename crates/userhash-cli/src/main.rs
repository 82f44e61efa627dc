//! `userhash`: sign, verify, explain and batch-sign identity-verification hashes from a shell.
//!
//! `cli` is the clap definition, `args` builds core types from it, `commands` run them. This
//! file is the only place that prints an error or chooses the exit status.

#![forbid(unsafe_code)]

mod args;
mod cli;
mod commands;
mod error;

use std::io::{self, BufWriter, IsTerminal as _, Write as _};
use std::process::ExitCode;

use clap::Parser as _;

use crate::cli::Cli;
use crate::commands::{Status, Streams};
use crate::error::CliError;

/// Exit status for usage, input and configuration errors.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    let json = cli.json;
    let mut out = BufWriter::new(io::stdout().lock());
    // Unlocked: the progress bar writes to stderr too.
    let mut err = io::stderr();
    let mut stdin = io::stdin().lock();
    let mut streams = Streams {
        json,
        out: &mut out,
        err: &mut err,
        stdin: &mut stdin,
        err_is_terminal: io::stderr().is_terminal(),
    };
    let result = commands::run(cli, &mut streams).and_then(|status| {
        out.flush()
            .map_err(|error| CliError::io("cannot write the output", error))?;
        Ok(status)
    });
    match result {
        Ok(Status::Success) => ExitCode::SUCCESS,
        Ok(Status::Failure) => ExitCode::FAILURE,
        // `userhash batch ... | head`: the reader has all it wants.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            let _ = out.flush();
            report(&error, json);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Prints the error as one line on stderr (or one JSON object with `--json`).
fn report(error: &CliError, json: bool) {
    print_error(error.code(), &error.to_string(), json);
}

fn print_error(code: &str, message: &str, json: bool) {
    let line = if json {
        serde_json::json!({"error": {"code": code, "message": message}}).to_string()
    } else {
        format!("userhash: error: {message}")
    };
    let _ = writeln!(io::stderr(), "{line}");
}

/// Help and version go to stdout with status 0; a usage error becomes one line (clap's message
/// and tips, without the usage block) and status 2.
fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return if error.use_stderr() {
            ExitCode::from(EXIT_ERROR)
        } else {
            ExitCode::SUCCESS
        };
    }
    let rendered = error.render().to_string();
    let message = rendered
        .split("\n\n")
        .filter(|paragraph| {
            !paragraph.starts_with("Usage:") && !paragraph.starts_with("For more information")
        })
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    let json = std::env::args_os().any(|arg| arg == "--json");
    print_error("usage", &format!("{message} (see --help)"), json);
    ExitCode::from(EXIT_ERROR)
}
