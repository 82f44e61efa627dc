//! The stable codes that name the variants of [`Error`](crate::Error): what programs, tests, logs
//! and the shared vectors compare, never message text.

use std::fmt;

/// The variant of an [`Error`](crate::Error) without its data: a stable code for programs, tests and vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// See [`Error::UnknownScheme`](crate::Error::UnknownScheme).
    UnknownScheme,
    /// See [`Error::InvalidScheme`](crate::Error::InvalidScheme).
    InvalidScheme,
    /// See [`Error::EmptySecret`](crate::Error::EmptySecret).
    EmptySecret,
    /// See [`Error::InvalidHexSecret`](crate::Error::InvalidHexSecret).
    InvalidHexSecret,
    /// See [`Error::Unidentified`](crate::Error::Unidentified).
    Unidentified,
    /// See [`Error::MissingField`](crate::Error::MissingField).
    MissingField,
    /// See [`Error::EmptyField`](crate::Error::EmptyField).
    EmptyField,
    /// See [`Error::IdentifierTooLong`](crate::Error::IdentifierTooLong).
    IdentifierTooLong,
    /// See [`Error::TimestampNotApplicable`](crate::Error::TimestampNotApplicable).
    TimestampNotApplicable,
    /// See [`Error::InvalidLabel`](crate::Error::InvalidLabel).
    InvalidLabel,
    /// See [`Error::DuplicateLabel`](crate::Error::DuplicateLabel).
    DuplicateLabel,
    /// See [`Error::UnknownLabel`](crate::Error::UnknownLabel).
    UnknownLabel,
    /// See [`Error::EmptyKeyring`](crate::Error::EmptyKeyring).
    EmptyKeyring,
    /// See [`Error::MalformedToken`](crate::Error::MalformedToken).
    MalformedToken,
    /// See [`Error::MissingTimestamp`](crate::Error::MissingTimestamp).
    MissingTimestamp,
    /// See [`Error::Mismatch`](crate::Error::Mismatch).
    Mismatch,
    /// See [`Error::Expired`](crate::Error::Expired).
    Expired,
    /// See [`Error::FromTheFuture`](crate::Error::FromTheFuture).
    FromTheFuture,
    /// See [`Error::ClockBeforeEpoch`](crate::Error::ClockBeforeEpoch).
    ClockBeforeEpoch,
    /// See [`Error::InvalidFreshness`](crate::Error::InvalidFreshness).
    InvalidFreshness,
    /// See [`Error::UnsupportedAlgorithm`](crate::Error::UnsupportedAlgorithm).
    UnsupportedAlgorithm,
    /// See [`Error::MissingKeyId`](crate::Error::MissingKeyId).
    MissingKeyId,
    /// See [`Error::UnknownKeyId`](crate::Error::UnknownKeyId).
    UnknownKeyId,
    /// See [`Error::MissingClaim`](crate::Error::MissingClaim).
    MissingClaim,
    /// See [`Error::InvalidClaim`](crate::Error::InvalidClaim).
    InvalidClaim,
    /// See [`Error::NotUtf8`](crate::Error::NotUtf8).
    NotUtf8,
    /// See [`Error::MalformedBatch`](crate::Error::MalformedBatch).
    MalformedBatch,
    /// See [`Error::JwtSigningInput`](crate::Error::JwtSigningInput).
    JwtSigningInput,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 28] = [
        ErrorKind::UnknownScheme,
        ErrorKind::InvalidScheme,
        ErrorKind::EmptySecret,
        ErrorKind::InvalidHexSecret,
        ErrorKind::Unidentified,
        ErrorKind::MissingField,
        ErrorKind::EmptyField,
        ErrorKind::IdentifierTooLong,
        ErrorKind::TimestampNotApplicable,
        ErrorKind::InvalidLabel,
        ErrorKind::DuplicateLabel,
        ErrorKind::UnknownLabel,
        ErrorKind::EmptyKeyring,
        ErrorKind::MalformedToken,
        ErrorKind::MissingTimestamp,
        ErrorKind::Mismatch,
        ErrorKind::Expired,
        ErrorKind::FromTheFuture,
        ErrorKind::ClockBeforeEpoch,
        ErrorKind::InvalidFreshness,
        ErrorKind::UnsupportedAlgorithm,
        ErrorKind::MissingKeyId,
        ErrorKind::UnknownKeyId,
        ErrorKind::MissingClaim,
        ErrorKind::InvalidClaim,
        ErrorKind::NotUtf8,
        ErrorKind::MalformedBatch,
        ErrorKind::JwtSigningInput,
    ];

    /// The stable snake_case code used by the vectors, the CLI's `--json` output and logs.
    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::UnknownScheme => "unknown_scheme",
            ErrorKind::InvalidScheme => "invalid_scheme",
            ErrorKind::EmptySecret => "empty_secret",
            ErrorKind::InvalidHexSecret => "invalid_hex_secret",
            ErrorKind::Unidentified => "unidentified",
            ErrorKind::MissingField => "missing_field",
            ErrorKind::EmptyField => "empty_field",
            ErrorKind::IdentifierTooLong => "identifier_too_long",
            ErrorKind::TimestampNotApplicable => "timestamp_not_applicable",
            ErrorKind::InvalidLabel => "invalid_label",
            ErrorKind::DuplicateLabel => "duplicate_label",
            ErrorKind::UnknownLabel => "unknown_label",
            ErrorKind::EmptyKeyring => "empty_keyring",
            ErrorKind::MalformedToken => "malformed_token",
            ErrorKind::MissingTimestamp => "missing_timestamp",
            ErrorKind::Mismatch => "mismatch",
            ErrorKind::Expired => "expired",
            ErrorKind::FromTheFuture => "from_the_future",
            ErrorKind::ClockBeforeEpoch => "clock_before_epoch",
            ErrorKind::InvalidFreshness => "invalid_freshness",
            ErrorKind::UnsupportedAlgorithm => "unsupported_algorithm",
            ErrorKind::MissingKeyId => "missing_key_id",
            ErrorKind::UnknownKeyId => "unknown_key_id",
            ErrorKind::MissingClaim => "missing_claim",
            ErrorKind::InvalidClaim => "invalid_claim",
            ErrorKind::NotUtf8 => "not_utf8",
            ErrorKind::MalformedBatch => "malformed_batch",
            ErrorKind::JwtSigningInput => "jwt_signing_input",
        }
    }

    /// The kind with this code, if any.
    pub fn from_code(code: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
