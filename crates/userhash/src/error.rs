//! The one error type of userhash, and the stable codes that name its variants.
//!
//! Every fallible operation returns [`Error`]. Messages say what was wrong and how to fix it; they
//! never contain a secret or a whole token. Tests and the shared vectors compare
//! [`ErrorKind::code`], never message text.

use std::fmt;

mod kind;

pub use kind::ErrorKind;

/// Shorthand for `Result<T, userhash::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An identity field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The application's stable user identifier.
    UserId,
    /// The user's email address.
    Email,
}

impl Field {
    /// Every variant, in declaration order.
    pub const ALL: [Field; 2] = [Field::UserId, Field::Email];

    /// The field's name as the vendors' docs and the vectors spell it: `user_id` or `email`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::UserId => "user_id",
            Field::Email => "email",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a token could not be decoded. Carried by [`Error::MalformedToken`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenDefect {
    /// The token is the empty string.
    Empty,
    /// The token is longer than any token of its scheme can be.
    TooLong,
    /// The MAC part has the wrong number of characters for the scheme's encoding.
    WrongLength,
    /// The MAC part is hex with upper-case letters; tokens are lower-case hex.
    UppercaseHex,
    /// The MAC part contains a character outside the lower-case hex alphabet.
    NotHex,
    /// The MAC part is not canonical padded standard base64.
    NotBase64,
    /// The timestamp is not 1–20 decimal digits without a sign or leading zeros.
    NotDecimalTimestamp,
    /// The timestamp does not fit in 64 bits.
    TimestampOverflow,
    /// The token is not a compact JWT: three base64url segments joined by dots.
    NotJwt,
    /// A JWT segment is not canonical unpadded base64url.
    NotBase64Url,
    /// A JWT's header or claims are not one JSON object with distinct member names.
    NotJsonObject,
}

impl TokenDefect {
    /// Every variant, in declaration order.
    pub const ALL: [TokenDefect; 11] = [
        TokenDefect::Empty,
        TokenDefect::TooLong,
        TokenDefect::WrongLength,
        TokenDefect::UppercaseHex,
        TokenDefect::NotHex,
        TokenDefect::NotBase64,
        TokenDefect::NotDecimalTimestamp,
        TokenDefect::TimestampOverflow,
        TokenDefect::NotJwt,
        TokenDefect::NotBase64Url,
        TokenDefect::NotJsonObject,
    ];

    /// A short phrase describing the defect, without any of the token's characters.
    pub const fn describe(self) -> &'static str {
        match self {
            TokenDefect::Empty => "the token is empty",
            TokenDefect::TooLong => "the token is longer than any token of this scheme",
            TokenDefect::WrongLength => "the hash has the wrong length for this scheme's encoding",
            TokenDefect::UppercaseHex => {
                "the hash is upper-case hex; this scheme's tokens are lower-case hex"
            }
            TokenDefect::NotHex => "the hash contains characters that are not lower-case hex",
            TokenDefect::NotBase64 => "the hash is not padded standard base64",
            TokenDefect::NotDecimalTimestamp => {
                "the timestamp is not a plain decimal number of seconds"
            }
            TokenDefect::TimestampOverflow => "the timestamp does not fit in 64 bits",
            TokenDefect::NotJwt => {
                "the token is not a JWT (three base64url segments joined by dots)"
            }
            TokenDefect::NotBase64Url => "a JWT segment is not unpadded base64url",
            TokenDefect::NotJsonObject => {
                "the JWT header or claims are not a JSON object with distinct member names"
            }
        }
    }
}

impl fmt::Display for TokenDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Everything that can go wrong in userhash.
///
/// Variants fall in three groups: configuration mistakes (scheme, secret, keyring), bad input
/// (identity, timestamp), and *rejections* of a token by a verifier
/// ([`Error::is_rejection`]). None of them ever holds secret material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No preset has this name.
    #[error(
        "unknown scheme {name:?}; run `userhash schemes` or see Scheme::preset_names for the presets, or write a custom spec such as \"subject=user_id,output=hex\""
    )]
    UnknownScheme {
        /// The name asked for (cut to 64 characters).
        name: String,
    },
    /// A custom scheme spec could not be parsed.
    #[error("invalid custom scheme: {reason}")]
    InvalidScheme {
        /// What is wrong with the spec.
        reason: String,
    },
    /// The secret is the empty string.
    #[error(
        "the secret is empty; copy the identity-verification secret from the vendor's dashboard"
    )]
    EmptySecret,
    /// The scheme hex-decodes its secret and the secret is not valid hex.
    #[error(
        "the secret is not valid hex ({reason}); this scheme hex-decodes its secret, so paste it exactly as the dashboard shows it"
    )]
    InvalidHexSecret {
        /// What is wrong, without any of the secret's characters.
        reason: String,
    },
    /// The identity has neither a user id nor an email.
    #[error(
        "the identity has neither a user_id nor an email: anonymous users are not signed or verified"
    )]
    Unidentified,
    /// The scheme signs a field the identity does not have.
    #[error("scheme {scheme} signs the {field}, but the identity has no {field}")]
    MissingField {
        /// The scheme's name.
        scheme: String,
        /// The field that is absent.
        field: Field,
    },
    /// A field the scheme signs is the empty string.
    #[error("the {field} is empty; pass no {field} at all rather than an empty one")]
    EmptyField {
        /// The empty field.
        field: Field,
    },
    /// A field the scheme signs is over [`MAX_IDENTIFIER_BYTES`](crate::MAX_IDENTIFIER_BYTES).
    #[error("the {field} is {len} bytes long; identifiers are limited to {max} bytes of UTF-8")]
    IdentifierTooLong {
        /// The field that is too long.
        field: Field,
        /// Its length in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// A timestamp was given to a scheme whose tokens carry none.
    #[error("scheme {scheme} does not embed a timestamp; call sign instead of sign_at")]
    TimestampNotApplicable {
        /// The scheme's name.
        scheme: String,
    },
    /// A keyring label is not 1–64 characters of `[a-z0-9_.-]`.
    #[error(
        "invalid key label: {reason}; labels are 1-64 characters of a-z, 0-9, '_', '.', '-' (e.g. \"ios\", \"web\", \"previous\")"
    )]
    InvalidLabel {
        /// What is wrong with the label.
        reason: String,
    },
    /// The keyring already holds a key with this label.
    #[error("the keyring already has a key labelled {label:?}")]
    DuplicateLabel {
        /// The repeated label.
        label: String,
    },
    /// The keyring holds no key with this label.
    #[error("the keyring has no key labelled {label:?}")]
    UnknownLabel {
        /// The label asked for (cut to 64 characters).
        label: String,
    },
    /// A verifier needs at least one key.
    #[error("the keyring is empty; add at least one secret")]
    EmptyKeyring,
    /// The token cannot be decoded under the scheme.
    #[error("malformed token: {reason}")]
    MalformedToken {
        /// What is wrong with it.
        reason: TokenDefect,
    },
    /// The scheme's tokens end in `-<unix seconds>` and this one does not.
    #[error("the token has no timestamp; scheme {scheme} expects \"<hash>-<unix seconds>\"")]
    MissingTimestamp {
        /// The scheme's name.
        scheme: String,
    },
    /// No key in the keyring produces this token for this identity.
    #[error("the token does not match this identity under any key tried; `explain` can say why")]
    Mismatch,
    /// The token is genuine but older than the freshness policy allows.
    #[error("the token is genuine but {age} s old; the limit is {max_age} s")]
    Expired {
        /// Seconds between the token's timestamp and now.
        age: u64,
        /// The policy's maximum age in seconds.
        max_age: u64,
    },
    /// The token is genuine but its timestamp is further ahead than the allowed clock skew.
    #[error(
        "the token is genuine but its timestamp is {ahead} s in the future; the allowed clock skew is {max_skew} s (is it in milliseconds?)"
    )]
    FromTheFuture {
        /// Seconds the timestamp is ahead of now.
        ahead: u64,
        /// The policy's allowed future skew in seconds.
        max_skew: u64,
    },
    /// The system clock reads a time before 1970, so no timestamp can be checked or made.
    #[error("the system clock reads a time before 1970-01-01")]
    ClockBeforeEpoch,
    /// A freshness policy setting is negative or above its ceiling
    /// ([`MAX_AGE_CEILING_SECONDS`](crate::MAX_AGE_CEILING_SECONDS),
    /// [`MAX_FUTURE_SKEW_CEILING_SECONDS`](crate::MAX_FUTURE_SKEW_CEILING_SECONDS)): a value a
    /// binding wrapped from -1 to 2^64-1 would otherwise switch expiry off without a word.
    #[error(
        "invalid freshness policy: {setting} is {value} s; it must be between 0 and {max} s, or tokens would never expire"
    )]
    InvalidFreshness {
        /// The setting: `max_age_seconds` or `max_future_skew_seconds`.
        setting: &'static str,
        /// The value given (negative values come from bindings with signed integers).
        value: i128,
        /// The setting's ceiling in seconds.
        max: u64,
    },
    /// A JWT's header names an algorithm other than HS256 (including `none`).
    #[error(
        "the token's JWT algorithm is {alg:?}; this scheme accepts HS256 only (a token with \"none\" or another algorithm is never trusted)"
    )]
    UnsupportedAlgorithm {
        /// The `alg` header as sent (cut to 64 characters), or empty when absent.
        alg: String,
    },
    /// The scheme names its signing key in the JWT `kid` header, and none was given.
    #[error(
        "scheme {scheme} names the signing key in the JWT kid header, and there is none; sign through Keyring::signer (the label is the key id) or give the signer a key id"
    )]
    MissingKeyId {
        /// The scheme's name.
        scheme: String,
    },
    /// The token's `kid` header names no key of the keyring.
    #[error("the token's key id {kid:?} names no key in the keyring")]
    UnknownKeyId {
        /// The key id as sent (cut to 64 characters).
        kid: String,
    },
    /// A claim the scheme requires is absent: from the attributes when signing, from the token
    /// when verifying.
    #[error("the JWT claim {claim:?} is required by scheme {scheme} and is missing")]
    MissingClaim {
        /// The scheme's name.
        scheme: String,
        /// The claim's name (a dotted path for nested claims, e.g. `visitor.id`).
        claim: String,
    },
    /// A claim has the wrong type or a value the scheme does not accept.
    #[error("the JWT claim {claim:?} is invalid: {reason}")]
    InvalidClaim {
        /// The claim's name (a dotted path for nested claims).
        claim: String,
        /// What is wrong, without the claim's value.
        reason: String,
    },
    /// A field of a packed batch item is not valid UTF-8 (or, from a language whose strings are
    /// UTF-16, holds a lone surrogate): it has no text to sign.
    #[error("the {field} is not valid UTF-8 text")]
    NotUtf8 {
        /// The field whose bytes are not UTF-8.
        field: Field,
    },
    /// The buffers of a packed batch do not describe whole items (see
    /// [`PackedBatch`](crate::PackedBatch)); nothing was signed.
    #[error("malformed packed batch: {reason}")]
    MalformedBatch {
        /// What does not add up, without any item's bytes.
        reason: String,
    },
    /// A hash signer whose key may also sign JWTs was asked to sign a message that is a JWT
    /// signing input (`header.claims`): its hash would be a valid HS256 signature on that JWT.
    #[error(
        "the identifier is a JWT signing input (before its first '.' is a base64url JSON header with \"alg\"); this hash signer's key is shared with a JWT scheme, so its hash would be a valid JWT signature: refused"
    )]
    JwtSigningInput,
    /// The JWT is genuine but its `exp` has passed, beyond the allowed clock skew.
    #[error(
        "the token is genuine but expired {ago} s ago (its exp claim); the allowed clock skew is {leeway} s"
    )]
    PastExpiry {
        /// Seconds since `exp`.
        ago: u64,
        /// The allowed clock skew in seconds.
        leeway: u64,
    },
}

impl Error {
    /// The variant without its data.
    pub const fn kind(&self) -> ErrorKind {
        match self {
            Error::UnknownScheme { .. } => ErrorKind::UnknownScheme,
            Error::InvalidScheme { .. } => ErrorKind::InvalidScheme,
            Error::EmptySecret => ErrorKind::EmptySecret,
            Error::InvalidHexSecret { .. } => ErrorKind::InvalidHexSecret,
            Error::Unidentified => ErrorKind::Unidentified,
            Error::MissingField { .. } => ErrorKind::MissingField,
            Error::EmptyField { .. } => ErrorKind::EmptyField,
            Error::IdentifierTooLong { .. } => ErrorKind::IdentifierTooLong,
            Error::TimestampNotApplicable { .. } => ErrorKind::TimestampNotApplicable,
            Error::InvalidLabel { .. } => ErrorKind::InvalidLabel,
            Error::DuplicateLabel { .. } => ErrorKind::DuplicateLabel,
            Error::UnknownLabel { .. } => ErrorKind::UnknownLabel,
            Error::EmptyKeyring => ErrorKind::EmptyKeyring,
            Error::MalformedToken { .. } => ErrorKind::MalformedToken,
            Error::MissingTimestamp { .. } => ErrorKind::MissingTimestamp,
            Error::Mismatch => ErrorKind::Mismatch,
            Error::Expired { .. } => ErrorKind::Expired,
            Error::FromTheFuture { .. } => ErrorKind::FromTheFuture,
            Error::ClockBeforeEpoch => ErrorKind::ClockBeforeEpoch,
            Error::InvalidFreshness { .. } => ErrorKind::InvalidFreshness,
            Error::UnsupportedAlgorithm { .. } => ErrorKind::UnsupportedAlgorithm,
            Error::MissingKeyId { .. } => ErrorKind::MissingKeyId,
            Error::UnknownKeyId { .. } => ErrorKind::UnknownKeyId,
            Error::MissingClaim { .. } => ErrorKind::MissingClaim,
            Error::InvalidClaim { .. } => ErrorKind::InvalidClaim,
            Error::NotUtf8 { .. } => ErrorKind::NotUtf8,
            Error::MalformedBatch { .. } => ErrorKind::MalformedBatch,
            Error::JwtSigningInput => ErrorKind::JwtSigningInput,
            // One kind for both expiry rules, so gates, logs and vectors treat them alike.
            Error::PastExpiry { .. } => ErrorKind::Expired,
        }
    }

    /// Whether this is a verifier's verdict on a token (malformed, missing timestamp, mismatch,
    /// expired, from the future, and the JWT verdicts: algorithm, key id, claims) rather than a
    /// configuration or input mistake.
    ///
    /// A missing or invalid claim is a rejection when a verifier finds it in a token; when a
    /// signer reports it, the attributes were incomplete, and the caller knows which it called.
    pub const fn is_rejection(&self) -> bool {
        matches!(
            self,
            Error::MalformedToken { .. }
                | Error::MissingTimestamp { .. }
                | Error::Mismatch
                | Error::Expired { .. }
                | Error::FromTheFuture { .. }
                | Error::UnsupportedAlgorithm { .. }
                | Error::MissingKeyId { .. }
                | Error::UnknownKeyId { .. }
                | Error::MissingClaim { .. }
                | Error::InvalidClaim { .. }
                | Error::PastExpiry { .. }
        )
    }
}

/// Cuts caller-supplied text that is echoed in an error to a bounded length.
pub(crate) fn echo(text: &str) -> String {
    const MAX_ECHO_CHARS: usize = 64;
    if text.chars().count() <= MAX_ECHO_CHARS {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(MAX_ECHO_CHARS).collect();
        cut.push('…');
        cut
    }
}
