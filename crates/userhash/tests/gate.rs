//! The rollout gate: every enforcement mode against every outcome.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use userhash::{
    Attributes, Enforcement, ErrorKind, Gate, Identity, Keyring, Outcome, Scheme, Secret, Signer,
    Verifier,
};

fn gate(enforcement: Enforcement) -> (Gate, String) {
    let scheme = Scheme::by_name("intercom").unwrap();
    let keyring = Keyring::new(scheme.clone())
        .with("ios", Secret::for_scheme(&scheme, "ios-secret").unwrap())
        .unwrap()
        .with(
            "android",
            Secret::for_scheme(&scheme, "android-secret").unwrap(),
        )
        .unwrap();
    let token = keyring
        .signer("android")
        .unwrap()
        .sign(&Identity::from_user_id("42"))
        .unwrap();
    (
        Gate::new(Verifier::new(keyring).unwrap(), enforcement),
        token,
    )
}

#[test]
fn decisions_follow_the_documented_rollout() {
    let user = Identity::from_user_id("42");
    let anonymous = Identity::default();
    let empty_id = Identity::from_user_id("");
    let bad = "0".repeat(64);
    // (mode, identity, token) -> (allowed, outcome)
    for mode in [Enforcement::Off, Enforcement::Report, Enforcement::Enforce] {
        let (gate, good) = gate(mode);
        let cases = [
            (&user, Some(good.as_str()), Outcome::Verified, true),
            (&user, None, Outcome::Missing, mode != Enforcement::Enforce),
            (
                &user,
                Some(""),
                Outcome::Missing,
                mode != Enforcement::Enforce,
            ),
            (
                &user,
                Some(bad.as_str()),
                Outcome::Invalid,
                mode != Enforcement::Enforce,
            ),
            (&anonymous, None, Outcome::Unidentified, true),
            (&anonymous, Some(""), Outcome::Unidentified, true),
            // A token is verified whatever identity came with it: without one, a forged hash
            // (and a genuine one, which names no user) is invalid, never "anonymous, allowed".
            (
                &anonymous,
                Some(bad.as_str()),
                Outcome::Invalid,
                mode != Enforcement::Enforce,
            ),
            (
                &anonymous,
                Some(good.as_str()),
                Outcome::Invalid,
                mode != Enforcement::Enforce,
            ),
            (
                &empty_id,
                Some(bad.as_str()),
                Outcome::Invalid,
                mode != Enforcement::Enforce,
            ),
        ];
        for (identity, token, outcome, allowed) in cases {
            let decision = gate.check_at(identity, token, 0);
            let outcome = if mode == Enforcement::Off {
                Outcome::NotChecked
            } else {
                outcome
            };
            assert_eq!(decision.outcome, outcome, "{mode:?} {identity:?} {token:?}");
            assert_eq!(decision.allowed, allowed, "{mode:?} {identity:?} {token:?}");
            assert_eq!(decision.enforcement, mode);
        }
    }
}

#[test]
fn a_decision_says_which_key_and_why() {
    let (gate, token) = gate(Enforcement::Report);
    let user = Identity::from_user_id("42");
    let verified = gate.check_at(&user, Some(&token), 0);
    assert_eq!(verified.label.as_deref(), Some("android"));
    assert!(!verified.would_deny_when_enforced());

    let wrong_platform = gate.check_label_at("ios", &user, Some(&token), 0);
    assert!(wrong_platform.allowed, "report mode lets it through");
    assert!(wrong_platform.would_deny_when_enforced());
    assert_eq!(
        wrong_platform.error.map(|e| e.kind()),
        Some(ErrorKind::Mismatch)
    );
}

/// A Zendesk gate and a token for user 42 signed with its key.
fn jwt_gate(enforcement: Enforcement) -> (Gate, Signer) {
    let scheme = Scheme::by_name("zendesk").unwrap();
    let kid = "app_64b6d9f0d7ab2e0001cd4e34";
    let keyring = Keyring::new(scheme.clone())
        .with(kid, Secret::for_scheme(&scheme, "zendesk-secret").unwrap())
        .unwrap();
    let signer = keyring.signer(kid).unwrap();
    (
        Gate::new(Verifier::new(keyring).unwrap(), enforcement),
        signer,
    )
}

#[test]
fn a_jwt_without_an_identity_is_verified_and_names_its_user() {
    let now = 1_760_000_000;
    let (gate, signer) = jwt_gate(Enforcement::Enforce);
    let ada = Identity::from_user_id("42").with_email("ada@example.com");
    let token = signer
        .sign_with_at(&ada, &Attributes::default(), now)
        .unwrap();

    let decision = gate.check_at(&Identity::default(), Some(&token), now + 60);
    assert_eq!(decision.outcome, Outcome::Verified);
    assert!(decision.allowed);
    assert_eq!(decision.claimed_identity, Some(ada.clone()));
    // The caller's own identity, when given, is what is verified; nothing is taken from claims.
    let given = gate.check_at(&ada, Some(&token), now + 60);
    assert_eq!(given.outcome, Outcome::Verified);
    assert_eq!(given.claimed_identity, None);
    let verified = gate
        .verifier()
        .verify_at(&Identity::default(), &token, now + 60)
        .unwrap();
    assert_eq!(verified.claimed_identity, Some(ada));

    // Forgeries without an identity are denied: edited claims, no signature, a stale token.
    let (header, rest) = token.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    let other_claims =
        base64url(br#"{"exp":1760003600,"external_id":"1","iat":1760000000,"scope":"user"}"#);
    let unsigned = format!(
        "{}.{other_claims}.",
        base64url(br#"{"alg":"none","typ":"JWT"}"#)
    );
    let forgeries = [
        (
            format!("{header}.{other_claims}.{signature}"),
            ErrorKind::Mismatch,
        ),
        (unsigned, ErrorKind::UnsupportedAlgorithm),
        ("not.a.jwt".to_owned(), ErrorKind::MalformedToken),
    ];
    for (forged, kind) in forgeries {
        for identity in [Identity::default(), Identity::from_user_id("")] {
            let decision = gate.check_at(&identity, Some(&forged), now + 60);
            assert_eq!(decision.outcome, Outcome::Invalid, "{forged}");
            assert!(!decision.allowed, "{forged}");
            assert_eq!(decision.error.map(|e| e.kind()), Some(kind), "{forged}");
            assert_eq!(decision.claimed_identity, None);
        }
    }
    let stale = gate.check_at(&Identity::default(), Some(&token), now + 86_400);
    assert_eq!(stale.error.map(|e| e.kind()), Some(ErrorKind::Expired));
    assert!(!stale.allowed);
}

#[test]
fn a_genuine_jwt_that_names_no_user_is_invalid() {
    let scheme = Scheme::parse("subject=user_id,output=jwt").unwrap();
    let secret = Secret::for_scheme(&scheme, "generic-secret").unwrap();
    let keyring = Keyring::new(scheme.clone())
        .with("web", secret.clone())
        .unwrap();
    let gate = Gate::new(Verifier::new(keyring).unwrap(), Enforcement::Enforce);
    // Signed by the real key over claims with an email but no `sub`: genuine, but about nobody
    // this scheme identifies.
    let header = base64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = base64url(br#"{"email":"ada@example.com","exp":1760003600,"iat":1760000000}"#);
    let signing_input = format!("{header}.{claims}");
    let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(b"generic-secret")
        .expect("HMAC takes keys of any length");
    hmac::Mac::update(&mut mac, signing_input.as_bytes());
    let mac = hmac::Mac::finalize(mac).into_bytes();
    let token = format!("{signing_input}.{}", base64url(&mac));
    let decision = gate.check_at(&Identity::default(), Some(&token), 1_760_000_060);
    assert_eq!(decision.outcome, Outcome::Invalid);
    assert!(!decision.allowed);
    assert_eq!(
        decision.error.map(|e| e.kind()),
        Some(ErrorKind::MissingClaim)
    );
}

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
