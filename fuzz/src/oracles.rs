//! What each fuzz target checks, beyond "does not panic". Shared by the libFuzzer targets and by
//! the core's `fuzz_regressions` test, which replays every input kept in `fuzz/regressions/`.

use std::borrow::Cow;
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use userhash::{
    DEFAULT_MAX_FUTURE_SKEW_SECONDS, Encoding, Freshness, Identity, KeyEncoding, Keyring, Scheme,
    Secret, Signer, Subject, TimestampPlacement, Verifier,
};

// The JWT target's oracle has a file of its own; this module is what both harnesses include.
#[path = "jwt_oracle.rs"]
mod jwt_oracle;

/// The fuzz targets, by name (the folder names under `fuzz/regressions/`).
pub const TARGETS: [&str; 5] = ["verify", "explain", "scheme_spec", "secret", "jwt"];

/// Runs the oracle of `target` on raw fuzzer bytes.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "verify" => verify(data),
        "explain" => explain(data),
        "scheme_spec" => scheme_spec(data),
        "secret" => secret(data),
        "jwt" => jwt_oracle::run(data),
        other => panic!("unknown fuzz target {other}"),
    }
}

/// A request as an attacker controls it: the identity claimed, the token, the time.
#[derive(Debug, Arbitrary)]
struct Request {
    scheme: u8,
    user_id: Option<String>,
    email: Option<String>,
    token: String,
    now: u64,
    max_age: u16,
    expected_label: bool,
}

const SECRETS: [(&str, &str); 2] = [
    (
        "web",
        "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8",
    ),
    ("ios", "00112233445566778899aabbccddeeff"),
];

/// The custom combinations of subject (4) × key encoding (2) × output (3) × timestamp (2).
const CUSTOM_SCHEMES: usize = 48;

/// How many distinct schemes a `Request::scheme` byte picks among: every preset, then every
/// custom combination.
fn scheme_count() -> usize {
    Scheme::presets().len() + CUSTOM_SCHEMES
}

/// Which of the `scheme_count()` schemes a `Request::scheme` byte means: a preset by index, and
/// past the presets the custom combinations, wrapping around.
fn scheme_index(choice: u8) -> usize {
    let presets = Scheme::presets().len();
    let index = usize::from(choice);
    if index < presets {
        index
    } else {
        presets + (index - presets) % CUSTOM_SCHEMES
    }
}

/// Scheme number `index` (below `scheme_count()`): every preset, then every custom combination
/// of parts.
fn scheme(index: usize) -> Scheme {
    let mut presets = Scheme::presets();
    let Some(bits) = index.checked_sub(presets.len()) else {
        return presets.nth(index).expect("index < presets");
    };
    let subject = [
        Subject::UserId,
        Subject::Email,
        Subject::UserIdElseEmail,
        Subject::UserIdAndEmail,
    ][bits % 4];
    let key = [KeyEncoding::Utf8, KeyEncoding::Hex][(bits / 4) % 2];
    let encoding = [Encoding::Hex, Encoding::Base64, Encoding::Jwt][(bits / 8) % 3];
    let timestamp = [TimestampPlacement::None, TimestampPlacement::Suffix][(bits / 24) % 2];
    // A JWT with a timestamp suffix is refused by design; its JWT twin without one is a choice too.
    Scheme::custom(subject, key, encoding, timestamp)
        .unwrap_or_else(|_| Scheme::presets().next().expect("there are presets"))
}

/// One scheme with the fixed keyring, and a verifier with the default freshness.
struct Fixture {
    scheme: Scheme,
    keyring: Keyring,
    verifier: Verifier,
}

/// The fixtures of every scheme, built once per process: decoding the secrets and precomputing
/// the verifier's key states per input was pure overhead (allocations are what an ASan build
/// pays most for), and these are the same fixed values every time.
fn fixtures() -> &'static [Fixture] {
    static FIXTURES: OnceLock<Vec<Fixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        (0..scheme_count())
            .map(|index| {
                let scheme = scheme(index);
                let mut keyring = Keyring::new(scheme.clone());
                for (label, secret) in SECRETS {
                    keyring
                        .insert(
                            label,
                            Secret::for_scheme(&scheme, secret).expect("fixed secrets are valid"),
                        )
                        .expect("fixed labels are valid");
                }
                let verifier = Verifier::new(keyring.clone()).expect("non-empty keyring");
                Fixture {
                    scheme,
                    keyring,
                    verifier,
                }
            })
            .collect()
    })
}

/// The scheme, keyring and verifier a request asks for. Freshness only matters to timestamped
/// schemes, so only they get a verifier built for the request's `max_age`.
fn verifier(request: &Request) -> (&'static Scheme, &'static Keyring, Cow<'static, Verifier>) {
    let fixture = &fixtures()[scheme_index(request.scheme)];
    let verifier = if fixture.scheme.is_timestamped() {
        let freshness = Freshness::new(u64::from(request.max_age), DEFAULT_MAX_FUTURE_SKEW_SECONDS)
            .expect("a u16 of seconds is within the ceiling");
        Cow::Owned(
            Verifier::with_freshness(fixture.keyring.clone(), freshness)
                .expect("non-empty keyring"),
        )
    } else {
        Cow::Borrowed(&fixture.verifier)
    };
    (&fixture.scheme, &fixture.keyring, verifier)
}

/// Verification never panics, and a token that verifies is exactly the token the matching key
/// signs for that identity (and timestamp): no other string is ever accepted.
pub fn verify(data: &[u8]) {
    let Ok(request) = Request::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let (_, keyring, verifier) = verifier(&request);
    let identity = Identity::new(request.user_id.clone(), request.email.clone());
    let Ok(verified) = verifier.verify_at(&identity, &request.token, request.now) else {
        return;
    };
    let signer: Signer = keyring
        .signer(&verified.label)
        .expect("the label came from the keyring");
    // A JWT verified without an identity is about the user its claims name.
    let identity = verified.claimed_identity.unwrap_or(identity);
    let expected = match verified.timestamp {
        Some(at) => signer.sign_at(&identity, at),
        None => signer.sign(&identity),
    };
    assert_eq!(
        expected.as_deref(),
        Ok(request.token.as_str()),
        "accepted a token the key does not sign"
    );
}

/// Diagnosis never panics, agrees with verification on validity, and never echoes the token.
pub fn explain(data: &[u8]) {
    let Ok(request) = Request::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let (_, _, verifier) = verifier(&request);
    let identity = Identity::new(request.user_id.clone(), request.email.clone());
    let label = request.expected_label.then_some("web");
    let Ok(diagnosis) = verifier.explain_at(&identity, &request.token, label, request.now) else {
        return;
    };
    let verified = match label {
        Some(label) => verifier.verify_label_at(label, &identity, &request.token, request.now),
        None => verifier.verify_at(&identity, &request.token, request.now),
    };
    assert_eq!(diagnosis.is_valid(), verified.is_ok());
    if request.token.len() >= 16 {
        for finding in diagnosis.findings() {
            assert!(
                !finding.explanation.contains(&request.token),
                "the token was echoed"
            );
        }
        assert!(
            !diagnosis.summary().contains(&request.token),
            "the summary echoed the token"
        );
    }
}

/// Parsing a custom spec never panics, and a parsed scheme's canonical spec parses back to it.
pub fn scheme_spec(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scheme) = Scheme::parse(text) else {
        return;
    };
    let again = Scheme::parse(&scheme.spec()).expect("a canonical spec parses");
    assert_eq!(
        (
            again.subject(),
            again.key_encoding(),
            again.encoding(),
            again.timestamp()
        ),
        (
            scheme.subject(),
            scheme.key_encoding(),
            scheme.encoding(),
            scheme.timestamp()
        )
    );
    assert_eq!(
        Scheme::parse(&scheme.to_string()).expect("Display parses back"),
        scheme
    );
}

/// Decoding a secret never panics and never puts the secret's text in an error message.
pub fn secret(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for encoding in [KeyEncoding::Utf8, KeyEncoding::Hex] {
        match Secret::decode(text, encoding) {
            Ok(secret) => assert!(text.len() < 8 || !format!("{secret:?}{secret}").contains(text)),
            Err(error) => assert!(
                text.len() < 8 || !error.to_string().contains(text),
                "{error}"
            ),
        }
    }
}
