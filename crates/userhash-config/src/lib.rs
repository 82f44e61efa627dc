#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod builder;
mod config;
mod error;
mod parse;
mod payload;
mod shared_keys;
mod source;

pub use builder::ConfigBuilder;
pub use config::{App, Config, Environment, Key, Vendor};
pub use error::{ConfigError, ConfigErrorKind, Location, SourceError};
pub use payload::{Payload, PayloadEntry, PayloadOptions, PayloadSigner, VendorFailures};
pub use source::{
    MAX_SECRET_FILE_BYTES, MemorySecrets, OsSecrets, SecretRef, SecretSource, read_secret_file,
    read_secret_line, readable_by_others, strip_trailing_newlines,
};
