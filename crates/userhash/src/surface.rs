//! The public enums and records other crates mirror, checked where a change must be noticed.
//!
//! They are `#[non_exhaustive]` for other crates, which therefore cannot match or destructure
//! them exhaustively. So: every enum's `ALL` lists every variant in declaration order (the
//! exhaustive matches here fail to compile when a variant is added until `ALL` has it, and the
//! FFI's mirrors check their length against `ALL`); and the records the bindings carry are
//! destructured field by field here, so that adding a field fails to compile until it is carried.
#![cfg(test)]

use crate::presets::Confidence;
use crate::{
    Attributes, BatchFailure, BatchFields, BatchOptions, BatchTokens, Cause, Decision, Encoding,
    Enforcement, ErrorKind, Field, Finding, Freshness, Identity, KeyEncoding, Outcome, Subject,
    TimestampPlacement, TokenDefect, Verified,
};

/// Checks `$enum::ALL` against the variants listed, which an exhaustive match proves complete.
macro_rules! all_lists {
    ($enum:ident: $($variant:ident),+ $(,)?) => {{
        let listed = [$($enum::$variant),+];
        for variant in listed {
            match variant {
                $($enum::$variant)|+ => {}
            }
        }
        assert_eq!($enum::ALL, listed, stringify!($enum));
    }};
}

#[test]
fn every_all_lists_every_variant_in_order() {
    all_lists!(Subject: UserId, Email, UserIdElseEmail, UserIdAndEmail);
    all_lists!(KeyEncoding: Utf8, Hex);
    all_lists!(Encoding: Hex, Base64, Jwt);
    all_lists!(TimestampPlacement: None, Suffix);
    all_lists!(Field: UserId, Email);
    all_lists!(BatchFields: UserId, Email, UserIdAndEmail);
    all_lists!(Confidence: Confirmed, PartlyInferred, Inferred);
    all_lists!(Enforcement: Off, Report, Enforce);
    all_lists!(Outcome: Verified, Missing, Invalid, Unidentified, NotChecked);
    all_lists!(
        TokenDefect: Empty,
        TooLong,
        WrongLength,
        UppercaseHex,
        NotHex,
        NotBase64,
        NotDecimalTimestamp,
        TimestampOverflow,
        NotJwt,
        NotBase64Url,
        NotJsonObject,
    );
    all_lists!(
        ErrorKind: UnknownScheme,
        InvalidScheme,
        EmptySecret,
        InvalidHexSecret,
        Unidentified,
        MissingField,
        EmptyField,
        IdentifierTooLong,
        TimestampNotApplicable,
        InvalidLabel,
        DuplicateLabel,
        UnknownLabel,
        EmptyKeyring,
        MalformedToken,
        MissingTimestamp,
        Mismatch,
        Expired,
        FromTheFuture,
        ClockBeforeEpoch,
        InvalidFreshness,
        UnsupportedAlgorithm,
        MissingKeyId,
        UnknownKeyId,
        MissingClaim,
        InvalidClaim,
        NotUtf8,
        MalformedBatch,
        JwtSigningInput,
    );
    all_lists!(
        Cause: WrongKey,
        EmailInsteadOfUserId,
        UserIdInsteadOfEmail,
        ConcatenationMissing,
        UnexpectedConcatenation,
        FieldsSwapped,
        UppercaseHex,
        Base64InsteadOfHex,
        HexInsteadOfBase64,
        SecretHexDecoded,
        SecretUsedAsText,
        SurroundingWhitespace,
        EmailCase,
        UnicodeNormalization,
        NumericIdFormat,
        TextEncoding,
        KeyMessageSwapped,
        TimestampMissing,
        MillisecondsTimestamp,
        StaleTimestamp,
        FutureTimestamp,
        WrongAlgorithm,
        KeyIdMissing,
        KeyIdMismatch,
        ClaimMissing,
        ClaimInvalid,
        AnotherUser,
        AmbiguousConcatenation,
    );
}

/// Each record the FFI converts field by field (crates/userhash-ffi: identity.rs, signer.rs,
/// verifier.rs, gate.rs, explain.rs, bulk.rs). A field added here must be carried there, and for
/// `Verified`, `Decision` and `BatchTokens` also in the fast lane's answers
/// (crates/userhash-ffi/src/lane.rs, whose protocol version then moves).
#[test]
fn records_the_bindings_carry() {
    let _ = |identity: Identity| {
        let Identity {
            user_id: _,
            email: _,
        } = identity;
    };
    let _ = |attributes: Attributes| {
        let Attributes {
            name: _,
            email_verified: _,
            account_id: _,
            nonce: _,
            expires_in: _,
            extra_claims: _,
        } = attributes;
    };
    let _ = |freshness: Freshness| {
        let Freshness {
            max_age_seconds: _,
            max_future_skew_seconds: _,
            require_exp: _,
        } = freshness;
    };
    let _ = |verified: Verified| {
        let Verified {
            label: _,
            fingerprint: _,
            timestamp: _,
            claims: _,
            claimed_identity: _,
        } = verified;
    };
    let _ = |decision: Decision| {
        let Decision {
            allowed: _,
            outcome: _,
            enforcement: _,
            label: _,
            error: _,
            claimed_identity: _,
        } = decision;
    };
    let _ = |finding: Finding| {
        let Finding {
            cause: _,
            label: _,
            explanation: _,
            fix: _,
        } = finding;
    };
    let _ = |options: BatchOptions| {
        let BatchOptions {
            max_threads: _,
            at: _,
        } = options;
    };
    let _ = |tokens: BatchTokens| {
        let BatchTokens {
            lines: _,
            failures: _,
        } = tokens;
    };
    let _ = |failure: BatchFailure| {
        let BatchFailure { index: _, error: _ } = failure;
    };
}
