//! The one exception type of every binding, with a variant per cause.

use userhash::{Error as CoreError, ErrorKind as CoreErrorKind};

use crate::mirror::mirror_enum;

mirror_enum! {
    /// The cause of a failure, as data: what a [`Decision`](crate::Decision) or a
    /// [`BatchEntry`](crate::BatchEntry) carries instead of an exception. Each variant's
    /// snake_case name is the stable code used by the shared vectors and the CLI.
    pub enum ErrorCode mirrors CoreErrorKind {
        /// No preset has this name.
        UnknownScheme,
        /// A custom scheme spec could not be parsed.
        InvalidScheme,
        /// The secret is empty.
        EmptySecret,
        /// The scheme hex-decodes its secret and the secret is not valid hex.
        InvalidHexSecret,
        /// The identity has neither a user id nor an email.
        Unidentified,
        /// The scheme signs a field the identity does not have.
        MissingField,
        /// A signed field is the empty string.
        EmptyField,
        /// A signed field is longer than the identifier limit (1024 bytes).
        IdentifierTooLong,
        /// A timestamp was given to a scheme whose tokens carry none.
        TimestampNotApplicable,
        /// A keyring label is not 1-64 characters of `[a-z0-9_.-]`.
        InvalidLabel,
        /// The keyring already has a key with this label.
        DuplicateLabel,
        /// The keyring has no key with this label.
        UnknownLabel,
        /// The keyring has no key.
        EmptyKeyring,
        /// The token cannot be decoded under the scheme.
        MalformedToken,
        /// The scheme's tokens end in `-<unix seconds>` and this one does not.
        MissingTimestamp,
        /// No key produces this token for this identity.
        Mismatch,
        /// The token is genuine but too old.
        Expired,
        /// The token is genuine but its timestamp is too far in the future.
        FromTheFuture,
        /// The system clock reads a time before 1970.
        ClockBeforeEpoch,
        /// A freshness policy window is negative or above its ceiling (30 days of age, one
        /// hour of clock skew).
        InvalidFreshness,
        /// A JWT names an algorithm other than HS256 (including `none`).
        UnsupportedAlgorithm,
        /// The scheme names its key in the JWT `kid` header, and none was given.
        MissingKeyId,
        /// The token's `kid` names no key of the keyring.
        UnknownKeyId,
        /// A claim the scheme requires is missing.
        MissingClaim,
        /// A claim has the wrong type or value.
        InvalidClaim,
        /// A field of a batch item is not valid UTF-8 (or holds a lone surrogate).
        NotUtf8,
        /// The buffers of a packed batch do not describe whole items.
        MalformedBatch,
        /// A hash signer whose key also signs JWTs refused an identifier that is a JWT signing
        /// input.
        JwtSigningInput,
    }
}

/// Every failure of userhash. Each variant carries a message that says what was wrong and how
/// to fix it, and never contains a secret or a whole token.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum UserHashError {
    /// No preset has this name.
    #[error("{0}")]
    UnknownScheme(String),
    /// A custom scheme spec could not be parsed.
    #[error("{0}")]
    InvalidScheme(String),
    /// The secret is empty.
    #[error("{0}")]
    EmptySecret(String),
    /// The scheme hex-decodes its secret and the secret is not valid hex.
    #[error("{0}")]
    InvalidHexSecret(String),
    /// The identity has neither a user id nor an email.
    #[error("{0}")]
    Unidentified(String),
    /// The scheme signs a field the identity does not have.
    #[error("{0}")]
    MissingField(String),
    /// A signed field is the empty string.
    #[error("{0}")]
    EmptyField(String),
    /// A signed field is longer than the identifier limit (1024 bytes).
    #[error("{0}")]
    IdentifierTooLong(String),
    /// A timestamp was given to a scheme whose tokens carry none.
    #[error("{0}")]
    TimestampNotApplicable(String),
    /// A keyring label is not 1-64 characters of `[a-z0-9_.-]`.
    #[error("{0}")]
    InvalidLabel(String),
    /// The keyring already has a key with this label.
    #[error("{0}")]
    DuplicateLabel(String),
    /// The keyring has no key with this label.
    #[error("{0}")]
    UnknownLabel(String),
    /// The keyring has no key.
    #[error("{0}")]
    EmptyKeyring(String),
    /// The token cannot be decoded under the scheme.
    #[error("{0}")]
    MalformedToken(String),
    /// The scheme's tokens end in `-<unix seconds>` and this one does not.
    #[error("{0}")]
    MissingTimestamp(String),
    /// No key produces this token for this identity.
    #[error("{0}")]
    Mismatch(String),
    /// The token is genuine but too old.
    #[error("{0}")]
    Expired(String),
    /// The token is genuine but its timestamp is too far in the future.
    #[error("{0}")]
    FromTheFuture(String),
    /// The system clock reads a time before 1970.
    #[error("{0}")]
    ClockBeforeEpoch(String),
    /// A freshness policy window is negative or above its ceiling (30 days of age, one hour of
    /// clock skew).
    #[error("{0}")]
    InvalidFreshness(String),
    /// A JWT names an algorithm other than HS256 (including `none`).
    #[error("{0}")]
    UnsupportedAlgorithm(String),
    /// The scheme names its key in the JWT `kid` header, and none was given.
    #[error("{0}")]
    MissingKeyId(String),
    /// The token's `kid` names no key of the keyring.
    #[error("{0}")]
    UnknownKeyId(String),
    /// A claim the scheme requires is missing.
    #[error("{0}")]
    MissingClaim(String),
    /// A claim has the wrong type or value.
    #[error("{0}")]
    InvalidClaim(String),
    /// A field of a batch item is not valid UTF-8 (or holds a lone surrogate).
    #[error("{0}")]
    NotUtf8(String),
    /// The buffers of a packed batch do not describe whole items.
    #[error("{0}")]
    MalformedBatch(String),
    /// A hash signer whose key also signs JWTs refused an identifier that is a JWT signing input.
    #[error("{0}")]
    JwtSigningInput(String),
}

impl From<CoreError> for UserHashError {
    fn from(error: CoreError) -> UserHashError {
        let message = error.to_string();
        match ErrorCode::from(error.kind()) {
            ErrorCode::UnknownScheme => UserHashError::UnknownScheme(message),
            ErrorCode::InvalidScheme => UserHashError::InvalidScheme(message),
            ErrorCode::EmptySecret => UserHashError::EmptySecret(message),
            ErrorCode::InvalidHexSecret => UserHashError::InvalidHexSecret(message),
            ErrorCode::Unidentified => UserHashError::Unidentified(message),
            ErrorCode::MissingField => UserHashError::MissingField(message),
            ErrorCode::EmptyField => UserHashError::EmptyField(message),
            ErrorCode::IdentifierTooLong => UserHashError::IdentifierTooLong(message),
            ErrorCode::TimestampNotApplicable => UserHashError::TimestampNotApplicable(message),
            ErrorCode::InvalidLabel => UserHashError::InvalidLabel(message),
            ErrorCode::DuplicateLabel => UserHashError::DuplicateLabel(message),
            ErrorCode::UnknownLabel => UserHashError::UnknownLabel(message),
            ErrorCode::EmptyKeyring => UserHashError::EmptyKeyring(message),
            ErrorCode::MalformedToken => UserHashError::MalformedToken(message),
            ErrorCode::MissingTimestamp => UserHashError::MissingTimestamp(message),
            ErrorCode::Mismatch => UserHashError::Mismatch(message),
            ErrorCode::Expired => UserHashError::Expired(message),
            ErrorCode::FromTheFuture => UserHashError::FromTheFuture(message),
            ErrorCode::ClockBeforeEpoch => UserHashError::ClockBeforeEpoch(message),
            ErrorCode::InvalidFreshness => UserHashError::InvalidFreshness(message),
            ErrorCode::UnsupportedAlgorithm => UserHashError::UnsupportedAlgorithm(message),
            ErrorCode::MissingKeyId => UserHashError::MissingKeyId(message),
            ErrorCode::UnknownKeyId => UserHashError::UnknownKeyId(message),
            ErrorCode::MissingClaim => UserHashError::MissingClaim(message),
            ErrorCode::InvalidClaim => UserHashError::InvalidClaim(message),
            ErrorCode::NotUtf8 => UserHashError::NotUtf8(message),
            ErrorCode::MalformedBatch => UserHashError::MalformedBatch(message),
            ErrorCode::JwtSigningInput => UserHashError::JwtSigningInput(message),
        }
    }
}

/// The code and message of a core error, for records that carry a failure as data.
pub(crate) fn code_and_message(error: &CoreError) -> (ErrorCode, String) {
    (error.kind().into(), error.to_string())
}

/// The stable snake_case code of an [`ErrorCode`], as the vectors and the CLI spell it.
#[uniffi::export]
pub fn error_code_name(code: ErrorCode) -> crate::Result<String> {
    crate::lane::generated_call();
    Ok(CoreErrorKind::from(code).code().to_owned())
}
