//! The one exception type of every binding, with a variant per cause.

use userhash::{Error as CoreError, ErrorKind as CoreErrorKind};
use userhash_config::{ConfigError, ConfigErrorKind};

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
    } also {
        /// The config file cannot be read.
        ConfigUnreadable,
        /// The config is not valid: its syntax, a field, a value, an empty table (the message
        /// names the file, the key path and the fix).
        ConfigInvalid,
        /// The config has no app by this name.
        ConfigUnknownApp,
        /// The app has no environment by this name.
        ConfigUnknownEnvironment,
        /// The environment has no vendor by this name, or several and none was named.
        ConfigUnknownVendor,
        /// A vendor (or every vendor) has no key for the platform asked for.
        ConfigUnknownPlatform,
        /// A secret's environment variable or file cannot be read.
        SecretUnavailable,
        /// One key serves a hash scheme and a JWT scheme in the config.
        ConfigSharedKey,
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
    /// The config file cannot be read.
    #[error("{0}")]
    ConfigUnreadable(String),
    /// The config is not valid; the message names the file, the key path and the fix.
    #[error("{0}")]
    ConfigInvalid(String),
    /// The config has no app by this name.
    #[error("{0}")]
    ConfigUnknownApp(String),
    /// The app has no environment by this name.
    #[error("{0}")]
    ConfigUnknownEnvironment(String),
    /// The environment has no vendor by this name, or several and none was named.
    #[error("{0}")]
    ConfigUnknownVendor(String),
    /// A vendor (or every vendor) has no key for the platform asked for.
    #[error("{0}")]
    ConfigUnknownPlatform(String),
    /// A secret's environment variable or file cannot be read.
    #[error("{0}")]
    SecretUnavailable(String),
    /// One key serves a hash scheme and a JWT scheme in the config.
    #[error("{0}")]
    ConfigSharedKey(String),
}

impl From<CoreError> for UserHashError {
    fn from(error: CoreError) -> UserHashError {
        UserHashError::new(error.kind().into(), error.to_string())
    }
}

impl From<ConfigError> for UserHashError {
    fn from(error: ConfigError) -> UserHashError {
        UserHashError::new(error.kind().into(), error.to_string())
    }
}

impl UserHashError {
    /// The variant for `code`, carrying `message`.
    pub(crate) fn new(code: ErrorCode, message: String) -> UserHashError {
        match code {
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
            ErrorCode::ConfigUnreadable => UserHashError::ConfigUnreadable(message),
            ErrorCode::ConfigInvalid => UserHashError::ConfigInvalid(message),
            ErrorCode::ConfigUnknownApp => UserHashError::ConfigUnknownApp(message),
            ErrorCode::ConfigUnknownEnvironment => UserHashError::ConfigUnknownEnvironment(message),
            ErrorCode::ConfigUnknownVendor => UserHashError::ConfigUnknownVendor(message),
            ErrorCode::ConfigUnknownPlatform => UserHashError::ConfigUnknownPlatform(message),
            ErrorCode::SecretUnavailable => UserHashError::SecretUnavailable(message),
            ErrorCode::ConfigSharedKey => UserHashError::ConfigSharedKey(message),
        }
    }
}

/// The config crate's own kinds, and the binding's codes for them (the core's are mirrored).
const CONFIG_CODES: [(ConfigErrorKind, ErrorCode); 8] = [
    (ConfigErrorKind::Unreadable, ErrorCode::ConfigUnreadable),
    (ConfigErrorKind::Invalid, ErrorCode::ConfigInvalid),
    (ConfigErrorKind::UnknownApp, ErrorCode::ConfigUnknownApp),
    (
        ConfigErrorKind::UnknownEnvironment,
        ErrorCode::ConfigUnknownEnvironment,
    ),
    (
        ConfigErrorKind::UnknownVendor,
        ErrorCode::ConfigUnknownVendor,
    ),
    (
        ConfigErrorKind::UnknownPlatform,
        ErrorCode::ConfigUnknownPlatform,
    ),
    (
        ConfigErrorKind::SecretUnavailable,
        ErrorCode::SecretUnavailable,
    ),
    (ConfigErrorKind::SharedKey, ErrorCode::ConfigSharedKey),
];

impl From<ConfigErrorKind> for ErrorCode {
    fn from(kind: ConfigErrorKind) -> ErrorCode {
        match kind {
            ConfigErrorKind::Core(kind) => kind.into(),
            own => CONFIG_CODES
                .iter()
                .find(|(have, _)| *have == own)
                .map_or(ErrorCode::ConfigInvalid, |(_, code)| *code),
        }
    }
}

impl ErrorCode {
    /// The stable snake_case code, the core's or the config crate's.
    pub(crate) fn name(self) -> &'static str {
        match CoreErrorKind::try_from(self) {
            Ok(kind) => kind.code(),
            Err(own) => CONFIG_CODES
                .iter()
                .find(|(_, code)| *code == own)
                .map_or("config_invalid", |(kind, _)| kind.code()),
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
    Ok(code.name().to_owned())
}
