#![doc = include_str!("../README.md")]
// The core stays free of unsafe code whatever the workspace allows elsewhere (only the FFI
// crate's JNI module needs it).
#![forbid(unsafe_code)]

// The modules in layers, lowest first: each imports only from its own layer and those above
// it in this list, with no circle (`cargo xtask test` checks it: xtask/src/layers.rs).
//
// 1. Data and encodings.
mod clock;
mod column;
mod error;
mod freshness;
mod identity;
mod label;
mod mac;
mod parts;
mod split;
// 2. Secrets, tokens, JWTs, claims and packed batches.
mod batch;
mod claims;
mod jwt;
mod secret;
mod token;
// 3. The vendor catalogue.
pub mod presets;
// 4. The scheme.
mod scheme;
// 5. Signing.
mod signer;
// 6. Keys by label.
mod keyring;
// 7. Verifying.
mod verifier;
// 8. What is built on verification: the rollout gate and the diagnosis.
mod explain;
mod gate;
// What other crates mirror, checked (tests only).
mod surface;

pub use batch::{ABSENT_LENGTH, BatchFailure, BatchFields, BatchTokens, PackedBatch};
pub use claims::{Attributes, ClaimLayout, ClaimPath, DEFAULT_JWT_LIFETIME_SECONDS};
pub use column::Column;
pub use error::{Error, ErrorKind, Field, Result, TokenDefect};
pub use explain::{Cause, Diagnosis, Finding};
pub use freshness::{
    DEFAULT_MAX_AGE_SECONDS, DEFAULT_MAX_FUTURE_SKEW_SECONDS, Freshness, MAX_AGE_CEILING_SECONDS,
    MAX_FUTURE_SKEW_CEILING_SECONDS,
};
pub use gate::{Decision, Enforcement, Gate, Outcome};
pub use identity::{Identity, MAX_IDENTIFIER_BYTES};
pub use jwt::MAX_JWT_LEN;
pub use keyring::Keyring;
pub use label::MAX_LABEL_LEN;
pub use parts::{Encoding, KeyEncoding, Subject, TimestampPlacement};
pub use scheme::{CUSTOM_SCHEME_NAME, Scheme};
pub use secret::Secret;
pub use signer::{BatchOptions, Signer};
pub use split::{MIN_ITEMS_PER_THREAD, Split};
pub use verifier::{Verified, Verifier};

/// The repository README's Rust quick start, compiled and run as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct RepositoryReadme;
