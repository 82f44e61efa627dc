//! One module per subcommand. Each writes its result to the writers it is given and returns a
//! [`Status`] or a [`CliError`]; printing errors and exiting is `main`'s job.

pub mod batch;
pub mod completions;
pub mod explain;
pub mod payload;
pub mod schemes;
pub mod sign;
pub mod verify;

use std::io::{BufRead, Write};
use std::path::PathBuf;

use crate::cli::{Cli, Command};
use crate::error::CliError;

/// How a command that ran to the end turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Exit status 0: done, valid, every row or vendor signed.
    Success,
    /// Exit status 1: the token is rejected, or some rows or vendors failed.
    Failure,
}

/// The standard streams, as the commands see them.
pub struct Streams<'a> {
    /// `--json` was given.
    pub json: bool,
    /// Results.
    pub out: &'a mut dyn Write,
    /// Per-row reports, progress and summaries that must not mix with results.
    pub err: &'a mut dyn Write,
    /// Standard input (`--secret-stdin`, `batch --input -`).
    pub stdin: &'a mut dyn BufRead,
    /// Standard error is a terminal (a progress bar may be drawn).
    pub err_is_terminal: bool,
}

impl Streams<'_> {
    /// Writes one line of results.
    ///
    /// # Errors
    /// [`CliError::Io`] (a broken pipe among them).
    pub fn line(&mut self, text: &str) -> Result<(), CliError> {
        writeln!(self.out, "{text}").map_err(|error| CliError::io("cannot write the output", error))
    }

    /// Warns, once and on standard error, that these secret files can be read by users other
    /// than the owner (nothing when there are none). A warning, not an error: a container's
    /// secret mount is world-readable by design.
    ///
    /// # Errors
    /// [`CliError::Io`].
    pub fn warn_shared_secret_files(&mut self, files: &[PathBuf]) -> Result<(), CliError> {
        if files.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = files
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        let message = format!(
            "secret file {} can be read by users other than its owner; restrict it (chmod 600) unless it is shared on purpose",
            names.join(", ")
        );
        let line = if self.json {
            serde_json::json!({"warning": {"code": "secret_file_readable_by_others", "message": message}})
                .to_string()
        } else {
            format!("userhash: warning: {message}")
        };
        writeln!(self.err, "{line}").map_err(|error| CliError::io("cannot write a warning", error))
    }

    /// Writes one JSON document as a line of results.
    ///
    /// # Errors
    /// As [`Streams::line`].
    pub fn json_line(&mut self, value: &serde_json::Value) -> Result<(), CliError> {
        self.line(&value.to_string())
    }
}

/// Runs the command line.
///
/// # Errors
/// Whatever stops the command.
pub fn run(cli: Cli, streams: &mut Streams<'_>) -> Result<Status, CliError> {
    match cli.command {
        Command::Schemes => schemes::run(streams),
        Command::Sign(args) => sign::run(&args, streams),
        Command::Verify(args) => verify::run(&args, streams),
        Command::Explain(args) => explain::run(&args, streams),
        Command::Batch(args) => batch::run(&args, streams),
        Command::Payload(args) => payload::run(&args, streams),
        Command::Completions(args) => completions::run(&args, streams),
    }
}
