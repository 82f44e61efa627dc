//! The CLI's one error type: every failure that stops a command (exit status 2).
//!
//! Messages are one line, name the flag or file at fault and never contain a secret.

use std::io;

use userhash_config::{ConfigError, SourceError};

/// A failure that stops the command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Flags that do not fit together, beyond what clap checks.
    #[error("{0}")]
    Usage(String),
    /// The core rejected an input (scheme, identity, timestamp, label ...).
    #[error("{context}{source}")]
    Core {
        /// Which flag the input came from, with a trailing `: `, or empty.
        context: String,
        /// The core's error.
        source: userhash::Error,
    },
    /// The keyring config file is wrong or names a secret that cannot be read.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// `--secret-env`, `--secret-file` or `--secret-stdin` could not be read.
    #[error("{flag}: {source}")]
    Secret {
        /// The flag, e.g. `--secret-env`.
        flag: &'static str,
        /// Why the secret could not be read.
        source: SourceError,
    },
    /// Reading the input or writing the output failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being read or written.
        what: String,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The batch input cannot be processed at all (no header row, no identifier column, ...).
    #[error("{0}")]
    Input(String),
}

impl CliError {
    /// A stable snake_case code for `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            CliError::Usage(_) => "usage",
            CliError::Core { source, .. } => source.kind().code(),
            CliError::Config(error) => error.code(),
            CliError::Secret { .. } => "secret_unavailable",
            CliError::Io { .. } => "io",
            CliError::Input(_) => "invalid_input",
        }
    }

    /// True when stdout or stderr was closed by the reader (`userhash batch ... | head`): not
    /// an error.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    /// A core error without a flag to blame.
    pub fn core(source: userhash::Error) -> CliError {
        CliError::Core {
            context: String::new(),
            source,
        }
    }

    /// A core error caused by the value of `flag`.
    pub fn core_in(flag: &str, source: userhash::Error) -> CliError {
        CliError::Core {
            context: format!("{flag}: "),
            source,
        }
    }

    /// An I/O failure while doing `what`.
    pub fn io(what: impl Into<String>, source: io::Error) -> CliError {
        CliError::Io {
            what: what.into(),
            source,
        }
    }
}

impl From<userhash::Error> for CliError {
    fn from(source: userhash::Error) -> CliError {
        CliError::core(source)
    }
}
