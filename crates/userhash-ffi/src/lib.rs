//! The uniffi layer of userhash: the core's concepts exported to Python, Kotlin and Swift.
//!
//! This crate holds only conversions and `#[uniffi::export]` wrappers; every rule lives in the
//! `userhash` core. Every exported function and method returns a `Result`, so a failure reaches
//! each language as a typed exception — never as a crash (a panic inside a non-throwing Swift call
//! is fatal). Doc comments here become the docs of the generated bindings.
//!
//! Beside the generated exports, one owned fast lane (`lane`, `lane/abi.rs`, and `jni` for the
//! JVM): a small, versioned native interface for the hot calls — sign, the packed batch, verify,
//! the gate check and the payload — that each language reaches without touching uniffi's
//! internals. It calls
//! the same core methods as the generated exports; see `lane.rs` for its handles and texts.

mod bulk;
mod config;
mod error;
mod explain;
mod gate;
mod identity;
mod jni;
mod keyring;
mod lane;
mod mirror;
mod payload;
mod scheme;
mod signer;
mod verifier;

pub use config::{Config, ConfigBuilder};
pub use error::{ErrorCode, UserHashError};
pub use explain::{Cause, Diagnosis, Finding};
pub use gate::{Decision, Enforcement, Gate, Outcome};
pub use identity::Identity;
pub use keyring::Keyring;
pub use payload::{Payload, PayloadEntry, PayloadSigner, VendorFailures};
pub use scheme::{
    Confidence, Encoding, KeyEncoding, PresetInfo, Scheme, SchemeInfo, Subject, TimestampPlacement,
    preset_names, presets,
};
pub use signer::{Attributes, BatchEntry, Signer};
pub use verifier::{Freshness, Verified, Verifier};

/// The result of every exported call.
pub type Result<T, E = UserHashError> = std::result::Result<T, E>;

uniffi::setup_scaffolding!("userhash");
