//! What each fuzz target checks, beyond "does not panic". Shared by the libFuzzer targets and by
//! the core's `fuzz_regressions` test, which replays every input kept in `fuzz/regressions/`.

use arbitrary::{Arbitrary, Unstructured};
use userhash::{
    Encoding, Freshness, Identity, KeyEncoding, Keyring, Scheme, Secret, Signer, Subject,
    TimestampPlacement, Verifier,
};

/// The fuzz targets, by name (the folder names under `fuzz/regressions/`).
pub const TARGETS: [&str; 4] = ["verify", "explain", "scheme_spec", "secret"];

/// Runs the oracle of `target` on raw fuzzer bytes.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "verify" => verify(data),
        "explain" => explain(data),
        "scheme_spec" => scheme_spec(data),
        "secret" => secret(data),
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

/// Every preset plus every custom combination of parts.
fn scheme(choice: u8) -> Scheme {
    let presets: Vec<Scheme> = Scheme::presets().collect();
    let index = usize::from(choice);
    if let Some(preset) = presets.get(index) {
        return preset.clone();
    }
    let bits = index - presets.len();
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
    Scheme::custom(subject, key, encoding, timestamp).unwrap_or_else(|_| presets[0].clone())
}

fn verifier(request: &Request) -> (Scheme, Keyring, Verifier) {
    let scheme = scheme(request.scheme);
    let mut keyring = Keyring::new();
    for (label, secret) in SECRETS {
        keyring
            .insert(
                label,
                Secret::for_scheme(&scheme, secret).expect("fixed secrets are valid"),
            )
            .expect("fixed labels are valid");
    }
    let freshness = Freshness {
        max_age_seconds: u64::from(request.max_age),
        ..Freshness::default()
    };
    let verifier = Verifier::with_freshness(scheme.clone(), keyring.clone(), freshness)
        .expect("non-empty keyring");
    (scheme, keyring, verifier)
}

/// Verification never panics, and a token that verifies is exactly the token the matching key
/// signs for that identity (and timestamp): no other string is ever accepted.
pub fn verify(data: &[u8]) {
    let Ok(request) = Request::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let (scheme, keyring, verifier) = verifier(&request);
    let identity = Identity::new(request.user_id.clone(), request.email.clone());
    let Ok(verified) = verifier.verify_at(&identity, &request.token, request.now) else {
        return;
    };
    let signer: Signer = keyring
        .signer(&scheme, &verified.label)
        .expect("the label came from the keyring");
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
    assert_eq!(diagnosis.valid, verified.is_ok());
    if request.token.len() >= 16 {
        for finding in &diagnosis.findings {
            assert!(
                !finding.explanation.contains(&request.token),
                "the token was echoed"
            );
        }
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
