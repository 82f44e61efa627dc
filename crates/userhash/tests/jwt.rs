//! The JWT schemes through the same Signer / Keyring / Verifier / Gate / explain as hashes. The
//! byte-exact tokens and the vendors' rules are pinned by the shared vectors (produced with
//! PyJWT); these tests cover what vectors cannot: every preset round-trips, the clock-reading
//! forms, the gate, and what is printed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use userhash::{
    Attributes, Cause, Enforcement, ErrorKind, Gate, Identity, Keyring, Outcome, Scheme, Secret,
    Signer, Verifier,
};

const T: u64 = 1_760_000_000;

fn jwt_presets() -> Vec<Scheme> {
    Scheme::presets().filter(Scheme::is_jwt).collect()
}

/// What every JWT preset needs to sign a plain identity.
fn required(scheme: &Scheme) -> Attributes {
    let layout = scheme.claim_layout().unwrap();
    let mut attributes = Attributes::new();
    attributes.nonce = layout.nonce_required.then(|| "n-1".to_owned());
    attributes
}

fn keyring(scheme: &Scheme) -> Keyring {
    Keyring::new(scheme.clone())
        .with(
            "web",
            Secret::for_scheme(scheme, "web-secret-0123456789").unwrap(),
        )
        .unwrap()
        .with(
            "ios",
            Secret::for_scheme(scheme, "ios-secret-0123456789").unwrap(),
        )
        .unwrap()
}

fn claims_of(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[test]
fn the_five_vendor_presets_exist() {
    let names: Vec<String> = jwt_presets().iter().map(|s| s.name().to_owned()).collect();
    assert_eq!(
        names,
        [
            "intercom-jwt",
            "zendesk",
            "featurebase",
            "pendo",
            "freshchat"
        ]
    );
}

#[test]
fn every_preset_round_trips_under_each_key() {
    let user = Identity::from_user_id("42").with_email("ada@example.com");
    for scheme in jwt_presets() {
        let keyring = keyring(&scheme);
        let verifier = Verifier::new(keyring.clone()).unwrap();
        for label in ["web", "ios"] {
            let signer = keyring.signer(label).unwrap();
            let token = signer.sign_with_at(&user, &required(&scheme), T).unwrap();
            let verified = verifier.verify_at(&user, &token, T + 10).unwrap();
            assert_eq!(verified.label, label, "{}", scheme.name());
            assert_eq!(verified.timestamp, Some(T));
            let claims: serde_json::Value =
                serde_json::from_str(verified.claims.as_deref().unwrap()).unwrap();
            assert_eq!(claims, claims_of(&token));
            assert_eq!(claims["exp"], T + 3600);
        }
    }
}

#[test]
fn sign_reads_the_clock_and_verify_accepts_it() {
    let scheme = Scheme::by_name("intercom-jwt").unwrap();
    let keyring = keyring(&scheme);
    let user = Identity::from_user_id("42");
    let token = keyring.signer("web").unwrap().sign(&user).unwrap();
    let verifier = Verifier::new(keyring).unwrap();
    assert_eq!(verifier.verify(&user, &token).unwrap().label, "web");
}

#[test]
fn batch_signs_jwts_and_reports_bad_items_alone() {
    let scheme = Scheme::by_name("featurebase").unwrap();
    let signer = keyring(&scheme).signer("web").unwrap();
    let results = signer.sign_batch(&[
        Identity::from_user_id("1"),
        Identity::default(),
        Identity::from_email("b@example.com"),
    ]);
    assert!(results[0].is_ok() && results[2].is_ok());
    assert_eq!(
        results[1].as_ref().unwrap_err().kind(),
        ErrorKind::Unidentified
    );
    assert_eq!(
        claims_of(results[2].as_ref().unwrap())["email"],
        "b@example.com"
    );
}

#[test]
fn zendesk_names_the_key_and_the_verifier_follows_it() {
    let scheme = Scheme::by_name("zendesk").unwrap();
    let keyring = keyring(&scheme);
    let user = Identity::from_user_id("42");
    let token = keyring.signer("ios").unwrap().sign_at(&user, T).unwrap();
    let header = token.split('.').next().unwrap();
    assert_eq!(
        URL_SAFE_NO_PAD.decode(header).unwrap(),
        br#"{"alg":"HS256","kid":"ios","typ":"JWT"}"#
    );
    let verifier = Verifier::new(keyring.clone()).unwrap();
    assert_eq!(verifier.verify_at(&user, &token, T).unwrap().label, "ios");
    // Restricted to another label, the named key is not tried.
    assert_eq!(
        verifier
            .verify_label_at("web", &user, &token, T)
            .unwrap_err()
            .kind(),
        ErrorKind::Mismatch
    );
    let plain = Signer::new(scheme, &Secret::from_text("s").unwrap());
    assert_eq!(
        plain.sign_at(&user, T).unwrap_err().kind(),
        ErrorKind::MissingKeyId
    );
}

#[test]
fn the_gate_treats_jwt_verdicts_like_hash_verdicts() {
    let scheme = Scheme::by_name("intercom-jwt").unwrap();
    let keyring = keyring(&scheme);
    let user = Identity::from_user_id("42");
    let token = keyring.signer("web").unwrap().sign_at(&user, T).unwrap();
    let gate = Gate::new(Verifier::new(keyring).unwrap(), Enforcement::Enforce);
    assert_eq!(
        gate.check_at(&user, Some(&token), T).outcome,
        Outcome::Verified
    );
    let late = gate.check_at(&user, Some(&token), T + 86_400);
    assert!(!late.allowed);
    assert_eq!(late.error.map(|e| e.kind()), Some(ErrorKind::Expired));
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
        token.split('.').nth(1).unwrap()
    );
    let forged = gate.check_at(&user, Some(&none), T);
    assert!(!forged.allowed);
    assert_eq!(
        forged.error.map(|e| e.kind()),
        Some(ErrorKind::UnsupportedAlgorithm)
    );
}

#[test]
fn explain_names_another_platforms_key() {
    let scheme = Scheme::by_name("intercom-jwt").unwrap();
    let keyring = keyring(&scheme);
    let user = Identity::from_user_id("42");
    let from_ios = keyring.signer("ios").unwrap().sign_at(&user, T).unwrap();
    let verifier = Verifier::new(keyring).unwrap();
    let diagnosis = verifier
        .explain_at(&user, &from_ios, Some("web"), T)
        .unwrap();
    assert!(!diagnosis.is_valid());
    assert_eq!(diagnosis.findings()[0].cause, Cause::WrongKey);
    assert_eq!(diagnosis.findings()[0].label.as_deref(), Some("ios"));
    assert!(
        diagnosis.summary().contains("\"ios\""),
        "{}",
        diagnosis.summary()
    );
}

#[test]
fn attributes_reach_their_claims_and_extra_claims_merge() {
    let scheme = Scheme::by_name("pendo").unwrap();
    let signer = keyring(&scheme).signer("web").unwrap();
    let attributes = Attributes::new()
        .with_name("Ada")
        .with_account_id("acme")
        .with_nonce("n-1")
        .with_expires_in(60)
        .with_extra_claims(r#"{"visitor":{"role":"admin"},"account":{"plan":"pro"}}"#);
    let token = signer
        .sign_with_at(&Identity::from_user_id("42"), &attributes, T)
        .unwrap();
    assert_eq!(
        claims_of(&token),
        serde_json::json!({
            "visitor": {"id": "42", "full_name": "Ada", "role": "admin"},
            "account": {"id": "acme", "plan": "pro"},
            "nonce": "n-1", "iat": T, "exp": T + 60
        })
    );
}

#[test]
fn printing_never_shows_the_secret() {
    let scheme = Scheme::by_name("zendesk").unwrap();
    let secret = Secret::for_scheme(&scheme, "LEAKCANARY-jwt-0123").unwrap();
    let signer = Signer::new(scheme, &secret).with_key_id("app_1").unwrap();
    let shown = format!("{signer:?}");
    assert!(
        shown.contains("app_1") && !shown.contains("LEAKCANARY"),
        "{shown}"
    );
}

#[test]
fn extra_claims_cannot_write_an_identity_claim_even_when_it_is_absent() {
    // Found by the jwt fuzz target: an email-only identity with an extra `sub` of 1 was signed,
    // and the verifier then (rightly) refused the token it had been given.
    let scheme = Scheme::parse("subject=user_id_else_email,output=jwt").unwrap();
    let signer = keyring(&scheme).signer("web").unwrap();
    for extra in [r#"{"sub":1}"#, r#"{"sub":"admin"}"#, r#"{"nonce":"n"}"#] {
        let attributes = Attributes::new().with_extra_claims(extra);
        let error = signer
            .sign_with_at(&Identity::from_email("a@example.com"), &attributes, T)
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidClaim, "{extra}");
    }
}
