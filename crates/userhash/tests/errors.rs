//! The text of every error, pinned in one table: messages are part of the user interface, and
//! none may contain a secret or a whole token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use userhash::{Error, ErrorKind, Field, TokenDefect};

#[test]
fn every_message() {
    let table: Vec<(Error, &str)> = vec![
        (
            Error::UnknownScheme {
                name: "intercomm".into(),
            },
            "unknown scheme \"intercomm\"; run `userhash schemes` or see Scheme::preset_names for the presets, or write a custom spec such as \"subject=user_id,output=hex\"",
        ),
        (
            Error::InvalidScheme {
                reason: "subject is required".into(),
            },
            "invalid custom scheme: subject is required",
        ),
        (
            Error::EmptySecret,
            "the secret is empty; copy the identity-verification secret from the vendor's dashboard",
        ),
        (
            Error::InvalidHexSecret {
                reason: "3 hex digits, an odd number".into(),
            },
            "the secret is not valid hex (3 hex digits, an odd number); this scheme hex-decodes its secret, so paste it exactly as the dashboard shows it",
        ),
        (
            Error::Unidentified,
            "the identity has neither a user_id nor an email: anonymous users are not signed or verified",
        ),
        (
            Error::MissingField {
                scheme: "help-scout".into(),
                field: Field::Email,
            },
            "scheme help-scout signs the email, but the identity has no email",
        ),
        (
            Error::EmptyField {
                field: Field::UserId,
            },
            "the user_id is empty; pass no user_id at all rather than an empty one",
        ),
        (
            Error::IdentifierTooLong {
                field: Field::Email,
                len: 2000,
                max: 1024,
            },
            "the email is 2000 bytes long; identifiers are limited to 1024 bytes of UTF-8",
        ),
        (
            Error::TimestampNotApplicable {
                scheme: "intercom".into(),
            },
            "scheme intercom does not embed a timestamp; call sign instead of sign_at",
        ),
        (
            Error::InvalidLabel {
                reason: "the label is empty".into(),
            },
            "invalid key label: the label is empty; labels are 1-64 characters of a-z, 0-9, '_', '.', '-' (e.g. \"ios\", \"web\", \"previous\")",
        ),
        (
            Error::DuplicateLabel {
                label: "ios".into(),
            },
            "the keyring already has a key labelled \"ios\"",
        ),
        (
            Error::UnknownLabel { label: "tv".into() },
            "the keyring has no key labelled \"tv\"",
        ),
        (
            Error::EmptyKeyring,
            "the keyring is empty; add at least one secret",
        ),
        (
            Error::MalformedToken {
                reason: TokenDefect::UppercaseHex,
            },
            "malformed token: the hash is upper-case hex; this scheme's tokens are lower-case hex",
        ),
        (
            Error::MissingTimestamp {
                scheme: "jimo".into(),
            },
            "the token has no timestamp; scheme jimo expects \"<hash>-<unix seconds>\"",
        ),
        (
            Error::Mismatch,
            "the token does not match this identity under any key tried; `explain` can say why",
        ),
        (
            Error::Expired {
                age: 7200,
                max_age: 3600,
            },
            "the token is genuine but 7200 s old; the limit is 3600 s",
        ),
        (
            Error::FromTheFuture {
                ahead: 900,
                max_skew: 300,
            },
            "the token is genuine but its timestamp is 900 s in the future; the allowed clock skew is 300 s (is it in milliseconds?)",
        ),
        (
            Error::ClockBeforeEpoch,
            "the system clock reads a time before 1970-01-01",
        ),
        (
            Error::InvalidFreshness {
                setting: "max_age_seconds",
                value: -1,
                max: 2_592_000,
            },
            "invalid freshness policy: max_age_seconds is -1 s; it must be between 0 and 2592000 s, or tokens would never expire",
        ),
        (
            Error::UnsupportedAlgorithm { alg: "none".into() },
            "the token's JWT algorithm is \"none\"; this scheme accepts HS256 only (a token with \"none\" or another algorithm is never trusted)",
        ),
        (
            Error::MissingKeyId {
                scheme: "zendesk".into(),
            },
            "scheme zendesk names the signing key in the JWT kid header, and there is none; sign through Keyring::signer (the label is the key id) or give the signer a key id",
        ),
        (
            Error::UnknownKeyId {
                kid: "app_1".into(),
            },
            "the token's key id \"app_1\" names no key in the keyring",
        ),
        (
            Error::MissingClaim {
                scheme: "pendo".into(),
                claim: "nonce".into(),
            },
            "the JWT claim \"nonce\" is required by scheme pendo and is missing",
        ),
        (
            Error::InvalidClaim {
                claim: "exp".into(),
                reason: "must be a whole, non-negative number of seconds since 1970".into(),
            },
            "the JWT claim \"exp\" is invalid: must be a whole, non-negative number of seconds since 1970",
        ),
        (
            Error::NotUtf8 {
                field: Field::Email,
            },
            "the email is not valid UTF-8 text",
        ),
        (
            Error::MalformedBatch {
                reason: "the lengths do not add up to the 3 bytes of data".into(),
            },
            "malformed packed batch: the lengths do not add up to the 3 bytes of data",
        ),
        (
            Error::JwtSigningInput,
            "the identifier is a JWT signing input (before its first '.' is a base64url JSON header with \"alg\"); this hash signer's key is shared with a JWT scheme, so its hash would be a valid JWT signature: refused",
        ),
    ];
    assert_eq!(table.len(), ErrorKind::ALL.len(), "one row per kind");
    // The second expiry rule shares the Expired kind, so gates and vectors treat both alike.
    let past_expiry = Error::PastExpiry {
        ago: 5,
        leeway: 300,
    };
    assert_eq!(past_expiry.kind(), ErrorKind::Expired);
    assert_eq!(
        past_expiry.to_string(),
        "the token is genuine but expired 5 s ago (its exp claim); the allowed clock skew is 300 s"
    );
    for (kind, (error, message)) in ErrorKind::ALL.iter().zip(&table) {
        assert_eq!(error.kind(), *kind, "rows follow declaration order");
        assert_eq!(error.to_string(), *message);
        assert_eq!(ErrorKind::from_code(kind.code()), Some(*kind));
    }
}

#[test]
fn rejections_are_the_verdicts_on_a_token() {
    let rejections: Vec<ErrorKind> = [
        Error::MalformedToken {
            reason: TokenDefect::Empty,
        },
        Error::MissingTimestamp {
            scheme: "jimo".into(),
        },
        Error::Mismatch,
        Error::Expired { age: 1, max_age: 0 },
        Error::FromTheFuture {
            ahead: 1,
            max_skew: 0,
        },
    ]
    .iter()
    .filter(|e| e.is_rejection())
    .map(Error::kind)
    .collect();
    assert_eq!(rejections.len(), 5);
    assert!(!Error::EmptySecret.is_rejection());
    assert!(!Error::Unidentified.is_rejection());
}

#[test]
fn long_caller_text_is_cut_when_echoed() {
    let error = userhash::Scheme::by_name(&"x".repeat(500)).unwrap_err();
    assert!(error.to_string().len() < 300, "{error}");
}

#[test]
fn a_diagnosis_does_not_point_at_explain() {
    use userhash::{Identity, Keyring, Scheme, Secret, Verifier};
    let scheme = Scheme::by_name("intercom").unwrap();
    let keyring = Keyring::new(scheme.clone())
        .with("web", Secret::for_scheme(&scheme, "s").unwrap())
        .unwrap();
    let verifier = Verifier::new(keyring).unwrap();
    let diagnosis = verifier
        .explain_at(&Identity::from_user_id("42"), &"0".repeat(64), None, 0)
        .unwrap();
    assert_eq!(diagnosis.rejection(), Some(&Error::Mismatch));
    assert!(Error::Mismatch.to_string().contains("`explain`"));
    let reason = diagnosis.reason().unwrap();
    assert!(
        !reason.contains("explain") && !diagnosis.summary().contains("`explain`"),
        "{reason}"
    );
}
