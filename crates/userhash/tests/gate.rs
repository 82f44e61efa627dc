//! The rollout gate: every enforcement mode against every outcome.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use userhash::{
    Enforcement, ErrorKind, Gate, Identity, Keyring, Outcome, Scheme, Secret, Verifier,
};

fn gate(enforcement: Enforcement) -> (Gate, String) {
    let scheme = Scheme::by_name("intercom").unwrap();
    let keyring = Keyring::new()
        .with("ios", Secret::for_scheme(&scheme, "ios-secret").unwrap())
        .unwrap()
        .with(
            "android",
            Secret::for_scheme(&scheme, "android-secret").unwrap(),
        )
        .unwrap();
    let token = keyring
        .signer(&scheme, "android")
        .unwrap()
        .sign(&Identity::from_user_id("42"))
        .unwrap();
    (
        Gate::new(Verifier::new(scheme, keyring).unwrap(), enforcement),
        token,
    )
}

#[test]
fn decisions_follow_the_documented_rollout() {
    let user = Identity::from_user_id("42");
    let anonymous = Identity::default();
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
            (&anonymous, Some(bad.as_str()), Outcome::Unidentified, true),
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
