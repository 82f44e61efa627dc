//! Diagnoses: the known mistakes that reproduce a rejected token.

use userhash::{Cause as CoreCause, Diagnosis as CoreDiagnosis, Finding as CoreFinding};

use crate::error::{ErrorCode, code_and_message};
use crate::mirror::mirror_enum;

mirror_enum! {
    /// A known mistake behind a rejected token, most common first.
    pub enum Cause mirrors CoreCause {
        /// Made with another label's key: another platform's secret, or the test workspace's.
        WrongKey,
        /// The email was hashed, but the scheme signs the user id.
        EmailInsteadOfUserId,
        /// The user id was hashed, but the scheme signs the email.
        UserIdInsteadOfEmail,
        /// Only one field was hashed, but the scheme concatenates user id and email.
        ConcatenationMissing,
        /// User id and email were concatenated, but the scheme signs one field.
        UnexpectedConcatenation,
        /// Email then user id, instead of user id then email.
        FieldsSwapped,
        /// The hash is upper-case hex.
        UppercaseHex,
        /// The hash is base64, but the scheme writes hex.
        Base64InsteadOfHex,
        /// The hash is hex, but the scheme writes base64.
        HexInsteadOfBase64,
        /// The secret was hex-decoded, but the scheme uses it as text.
        SecretHexDecoded,
        /// The secret was used as text, but the scheme hex-decodes it.
        SecretUsedAsText,
        /// The identifier was trimmed, or a trailing newline was hashed.
        SurroundingWhitespace,
        /// The email was lower-cased before hashing.
        EmailCase,
        /// The identifier was hashed in another Unicode normalisation form (NFC vs NFD).
        UnicodeNormalization,
        /// A numeric id was written differently (`42` vs `42.0`).
        NumericIdFormat,
        /// The identifier was encoded as Latin-1 or lossy ASCII, not UTF-8.
        TextEncoding,
        /// Key and message were swapped in the HMAC call.
        KeyMessageSwapped,
        /// The scheme embeds a timestamp but the token has none.
        TimestampMissing,
        /// The timestamp is in milliseconds, not seconds.
        MillisecondsTimestamp,
        /// The token is genuine but too old.
        StaleTimestamp,
        /// The token is genuine but its timestamp is beyond the allowed clock skew.
        FutureTimestamp,
        /// The JWT names an algorithm other than HS256 (`none`, HS512, RS256...).
        WrongAlgorithm,
        /// The JWT has no `kid` header, but the scheme names the signing key there.
        KeyIdMissing,
        /// The JWT's `kid` names one key, but it was signed with another.
        KeyIdMismatch,
        /// A genuine JWT lacks a claim the vendor requires.
        ClaimMissing,
        /// A genuine JWT has a claim of the wrong type or value.
        ClaimInvalid,
        /// A genuine JWT vouches for another user than the one sent beside it.
        AnotherUser,
        /// Valid, but the scheme joins user id and email with no separator (Helpshift): the
        /// token is equally valid for every other split of the same text.
        AmbiguousConcatenation,
    }
}

/// One mistake that reproduces the token.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Finding {
    /// The mistake.
    pub cause: Cause,
    /// The mistake's stable snake_case code, e.g. `email_instead_of_user_id`.
    pub code: String,
    /// The label of the key under which the token was reproduced; absent when the finding
    /// involves no key of the keyring (a JWT with a wrong algorithm, or one no key signed).
    pub label: Option<String>,
    /// What happened, in plain words (never a secret or the token).
    pub explanation: String,
    /// What to change.
    pub fix: String,
}

impl From<CoreFinding> for Finding {
    fn from(finding: CoreFinding) -> Finding {
        Finding {
            cause: finding.cause.into(),
            code: finding.cause.code().to_owned(),
            label: finding.label,
            explanation: finding.explanation,
            fix: finding.fix,
        }
    }
}

/// Why a token does or does not verify.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Diagnosis {
    /// The token verifies (under the expected label, when one was given).
    pub valid: bool,
    /// The label that verified it, when valid.
    pub label: Option<String>,
    /// Why verification rejected it, when not valid.
    pub rejection_code: Option<ErrorCode>,
    /// The rejection in plain words, when not valid.
    pub rejection_message: Option<String>,
    /// The mistakes that reproduce the token, most likely first; empty when no known mistake
    /// reproduces it. A valid token has none, except `AmbiguousConcatenation` under a scheme
    /// that joins user id and email with no separator (Helpshift).
    pub findings: Vec<Finding>,
    /// The verdict and the most likely cause with its fix, in one paragraph.
    pub summary: String,
}

impl From<CoreDiagnosis> for Diagnosis {
    fn from(diagnosis: CoreDiagnosis) -> Diagnosis {
        let summary = diagnosis.summary();
        let (rejection_code, rejection_message) =
            diagnosis.rejection().map(code_and_message).unzip();
        Diagnosis {
            valid: diagnosis.is_valid(),
            label: diagnosis.label().map(str::to_owned),
            rejection_code,
            rejection_message,
            findings: diagnosis
                .findings()
                .iter()
                .cloned()
                .map(Finding::from)
                .collect(),
            summary,
        }
    }
}
