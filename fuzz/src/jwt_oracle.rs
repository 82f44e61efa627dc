//! The `jwt` fuzz target's oracle. A fuzzer cannot forge an HMAC, so random tokens never reach
//! the claims checks; this target signs whatever header and claims bytes it is given with a key
//! it chooses (one of the keyring's, or an outsider's), so every check behind the signature is
//! exercised, and states what acceptance must mean:
//!
//! - only tokens signed by a keyring key, whose header says exactly `"alg":"HS256"`, whose
//!   claims are one JSON object naming this identity, and that are within their `exp`, verify;
//! - `Verified.claims` is the signed claims text, byte for byte;
//! - `explain` never panics and agrees with verification;
//! - anything userhash signs for an identity and attributes verifies at its issue time, under
//!   the key that signed it, and its claims name that identity.

use arbitrary::{Arbitrary, Unstructured};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use userhash::{
    Attributes, DEFAULT_MAX_FUTURE_SKEW_SECONDS, Identity, Keyring, Scheme, Secret, Verifier,
};

/// HMAC-SHA256 by the RustCrypto `hmac` crate: the reference the core is proven equal to.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key)
        .expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The JWT schemes: the presets, then a custom one.
fn schemes() -> Vec<Scheme> {
    let mut schemes: Vec<Scheme> = Scheme::presets().filter(Scheme::is_jwt).collect();
    schemes.push(Scheme::parse("subject=user_id_else_email,output=jwt").expect("a valid spec"));
    schemes
}

const KEYS: [(&str, &str); 2] = [
    ("web", "jwt-fuzz-web-secret"),
    ("ios", "jwt-fuzz-ios-secret"),
];
const OUTSIDER: &str = "a-secret-the-keyring-does-not-hold";

#[derive(Debug, Arbitrary)]
struct Request {
    scheme: u8,
    /// Sign raw header and claims bytes (true), or sign an identity with attributes (false).
    raw: bool,
    header: Vec<u8>,
    claims: Vec<u8>,
    /// 0 and 1: a keyring key; anything else: the outsider.
    key: u8,
    user_id: Option<String>,
    email: Option<String>,
    name: Option<String>,
    nonce: Option<String>,
    expires_in: Option<u32>,
    extra_claims: Option<String>,
    now: u32,
}

/// Runs one input through the oracle.
pub fn run(data: &[u8]) {
    let Ok(request) = Request::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let schemes = schemes();
    let scheme = &schemes[usize::from(request.scheme) % schemes.len()];
    let mut keyring = Keyring::new(scheme.clone());
    for (label, secret) in KEYS {
        let secret = Secret::for_scheme(scheme, secret).expect("fixed secrets are valid");
        keyring
            .insert(label, secret)
            .expect("fixed labels are valid");
    }
    let verifier = Verifier::new(keyring.clone()).expect("non-empty keyring");
    let identity = Identity::new(request.user_id.clone(), request.email.clone());
    if request.raw {
        raw_token(&request, scheme, &verifier, &identity);
    } else {
        round_trip(&request, &keyring, &verifier, &identity);
    }
}

fn raw_token(request: &Request, scheme: &Scheme, verifier: &Verifier, identity: &Identity) {
    let (label, secret) = match request.key {
        0 | 1 => KEYS[usize::from(request.key)],
        _ => ("", OUTSIDER),
    };
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&request.header),
        URL_SAFE_NO_PAD.encode(&request.claims)
    );
    // Every JWT preset uses the secret's text as the key.
    let signature = hmac_sha256(secret.as_bytes(), signing_input.as_bytes());
    let token = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature));
    let now = u64::from(request.now);
    let verdict = verifier.verify_at(identity, &token, now);
    if let Ok(verified) = &verdict {
        assert!(
            !label.is_empty(),
            "accepted a token signed by a key outside the keyring"
        );
        let header: Value = serde_json::from_slice(&request.header).expect("accepted header");
        assert_eq!(header["alg"], "HS256", "accepted another algorithm");
        if let Some(kid) = header.get("kid") {
            assert_eq!(kid, label, "accepted a kid naming another key");
        }
        let claims: Value = serde_json::from_slice(&request.claims).expect("accepted claims");
        assert!(claims.is_object(), "accepted claims that are not an object");
        if let Some(exp) = claims.get("exp") {
            let exp = exp.as_u64().expect("accepted a non-integer exp");
            assert!(
                now < exp.saturating_add(DEFAULT_MAX_FUTURE_SKEW_SECONDS),
                "accepted past exp"
            );
        }
        assert_eq!(verified.label, label);
        assert_eq!(
            verified.claims.as_deref().map(str::as_bytes),
            Some(request.claims.as_slice())
        );
        let layout = scheme.claim_layout().expect("a JWT scheme");
        if let Some(user_id) = identity.user_id.as_deref() {
            let claimed = layout
                .user_id
                .iter()
                .try_fold(&claims, |value, member| value.get(member));
            if let Some(claimed) = claimed {
                assert_eq!(
                    claimed.as_str(),
                    Some(user_id),
                    "accepted a token about another user"
                );
            }
        }
    }
    explain_agrees(verifier, identity, &token, now, verdict.is_ok());
}

fn round_trip(request: &Request, keyring: &Keyring, verifier: &Verifier, identity: &Identity) {
    let label = KEYS[usize::from(request.key % 2)].0;
    let signer = keyring.signer(label).expect("a keyring label");
    let mut attributes = Attributes::new();
    attributes.name.clone_from(&request.name);
    attributes.nonce.clone_from(&request.nonce);
    attributes.expires_in = request.expires_in.map(u64::from);
    attributes.extra_claims.clone_from(&request.extra_claims);
    let now = u64::from(request.now);
    let Ok(token) = signer.sign_with_at(identity, &attributes, now) else {
        return;
    };
    // An extra `nbf` is the caller's to choose, and may rightly make the token not yet valid.
    let extra: Option<Value> = attributes
        .extra_claims
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok());
    if extra.is_some_and(|extra| extra.get("nbf").is_some()) {
        return;
    }
    let verified = verifier
        .verify_at(identity, &token, now)
        .unwrap_or_else(|error| panic!("a token userhash signed is rejected: {error}"));
    assert_eq!(verified.label, label);
    assert_eq!(verified.timestamp, Some(now));
    explain_agrees(verifier, identity, &token, now, true);
}

fn explain_agrees(verifier: &Verifier, identity: &Identity, token: &str, now: u64, valid: bool) {
    if let Ok(diagnosis) = verifier.explain_at(identity, token, None, now) {
        assert_eq!(diagnosis.is_valid(), valid, "explain disagrees with verify");
    }
}
