#![doc = include_str!("../README.md")]
// The core stays free of unsafe code whatever the workspace allows elsewhere (only the FFI
// crate's JNI module needs it).
#![forbid(unsafe_code)]

mod batch;
mod claims;
mod clock;
mod error;
mod explain;
mod gate;
mod identity;
mod jwt;
mod keyring;
mod mac;
pub mod presets;
mod scheme;
mod secret;
mod signer;
mod split;
mod token;
mod verifier;

pub use batch::{ABSENT_LENGTH, BatchFailure, BatchFields, BatchTokens, PackedBatch};
pub use claims::{Attributes, ClaimLayout, ClaimPath, DEFAULT_JWT_LIFETIME_SECONDS};
pub use error::{Error, ErrorKind, Field, Result, TokenDefect};
pub use explain::{Cause, Diagnosis, Finding};
pub use gate::{Decision, Enforcement, Gate, Outcome};
pub use identity::{Identity, MAX_IDENTIFIER_BYTES};
pub use jwt::MAX_JWT_LEN;
pub use keyring::{Keyring, MAX_LABEL_LEN};
pub use mac::{MAC_LEN, hmac_sha256};
pub use presets::{Confidence, Preset};
pub use scheme::{CUSTOM_SCHEME_NAME, Encoding, KeyEncoding, Scheme, Subject, TimestampPlacement};
pub use secret::Secret;
pub use signer::{BatchOptions, Signer};
pub use split::{MIN_ITEMS_PER_THREAD, Split};
pub use verifier::{
    DEFAULT_MAX_AGE_SECONDS, DEFAULT_MAX_FUTURE_SKEW_SECONDS, Freshness, MAX_AGE_CEILING_SECONDS,
    MAX_FUTURE_SKEW_CEILING_SECONDS, Verified, Verifier,
};

/// The repository README's Rust quick start, compiled and run as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct RepositoryReadme;
