//! `userhash completions <shell>`: a completion script on stdout (with `--json`, the script as
//! a JSON string).

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::commands::{Status, Streams};
use crate::error::CliError;

/// Writes the completion script for the shell.
///
/// # Errors
/// [`CliError::Io`] when stdout cannot be written.
pub fn run(args: &CompletionsArgs, streams: &mut Streams<'_>) -> Result<Status, CliError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "userhash", &mut script);
    if streams.json {
        streams.json_line(&serde_json::json!({
            "shell": args.shell.to_string(),
            "script": String::from_utf8_lossy(&script),
        }))?;
    } else {
        streams
            .out
            .write_all(&script)
            .map_err(|error| CliError::io("cannot write the output", error))?;
    }
    Ok(Status::Success)
}
