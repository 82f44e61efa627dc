#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod config;
mod error;
mod source;

pub use config::{App, Config, Environment, Key};
pub use error::{ConfigError, Location, SourceError};
pub use source::{
    MAX_SECRET_FILE_BYTES, MemorySecrets, OsSecrets, SecretRef, SecretSource, read_secret_file,
    strip_trailing_newlines,
};
