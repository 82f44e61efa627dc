//! The uniffi layer of userhash: the core's concepts exported to Python, Kotlin and Swift.
//!
//! This crate holds only conversions and `#[uniffi::export]` wrappers; every rule lives in the
//! `userhash` core. Every exported function and method returns a `Result`, so a failure reaches
//! each language as a typed exception — never as a crash (a panic inside a non-throwing Swift call
//! is fatal). Doc comments here become the docs of the generated bindings.
//!
//! One module is not uniffi: `jni` holds two JNI functions, the JVM's direct path to `sign` and
//! `sign_packed` (uniffi's Kotlin calls go through JNA, at microseconds a call). They sign through
//! the same core calls, and on any failure return `null` so that the Kotlin binding retries
//! through the generated uniffi call, which throws the typed exception.

mod bulk;
mod error;
mod explain;
mod gate;
mod identity;
mod jni;
mod keyring;
mod mirror;
mod scheme;
mod signer;
mod verifier;

pub use error::{ErrorCode, UserHashError};
pub use explain::{Cause, Diagnosis, Finding};
pub use gate::{Decision, Enforcement, Gate, Outcome};
pub use identity::Identity;
pub use keyring::Keyring;
pub use scheme::{
    Confidence, Encoding, KeyEncoding, PresetInfo, Scheme, SchemeInfo, Subject, TimestampPlacement,
    preset_names, presets,
};
pub use signer::{Attributes, BatchEntry, Signer};
pub use verifier::{Freshness, Verified, Verifier};

/// The result of every exported call.
pub type Result<T, E = UserHashError> = std::result::Result<T, E>;

uniffi::setup_scaffolding!("userhash");
