//! A freshness policy is bounded: nothing a misconfiguration can produce turns expiry off.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use userhash::{
    ErrorKind, Freshness, Identity, Keyring, MAX_AGE_CEILING_SECONDS,
    MAX_FUTURE_SKEW_CEILING_SECONDS, Scheme, Secret, Verifier,
};

fn verifier(freshness: Freshness) -> Result<Verifier, userhash::Error> {
    let scheme = Scheme::by_name("jimo")?;
    let keyring =
        Keyring::new(scheme.clone()).with("web", Secret::for_scheme(&scheme, "s3cret")?)?;
    Verifier::with_freshness(keyring, freshness)
}

#[test]
fn a_wrapped_negative_or_oversized_window_is_refused() {
    // A policy's fields stay public, so a value over a ceiling can still be written into one.
    let mut wrapped = Freshness::default();
    wrapped.max_age_seconds = u64::MAX; // what `(-1L).toULong()` made of a Java -1
    let error = verifier(wrapped).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidFreshness);
    assert!(error.to_string().contains("max_age_seconds"), "{error}");

    for (age, skew) in [
        (MAX_AGE_CEILING_SECONDS + 1, 300),
        (3600, MAX_FUTURE_SKEW_CEILING_SECONDS + 1),
        (3_600_000, 300), // milliseconds
    ] {
        assert_eq!(
            Freshness::new(age, skew).unwrap_err().kind(),
            ErrorKind::InvalidFreshness,
            "{age} {skew}"
        );
    }
    for (age, skew) in [(-1, 300), (3600, -1), (i64::MIN, 300)] {
        let error = Freshness::from_signed(age, skew).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidFreshness, "{age} {skew}");
        assert!(error.to_string().contains(" is -"), "{error}");
    }
}

#[test]
fn the_ceilings_themselves_are_accepted() {
    let widest = Freshness::new(MAX_AGE_CEILING_SECONDS, MAX_FUTURE_SKEW_CEILING_SECONDS).unwrap();
    assert!(widest.require_exp);
    let verifier = verifier(widest).unwrap();
    let user = Identity::from_user_id("42");
    let signed_at = 1_700_000_000;
    let token = verifier
        .keyring()
        .signer("web")
        .unwrap()
        .sign_at(&user, signed_at)
        .unwrap();
    let now = signed_at + MAX_AGE_CEILING_SECONDS;
    assert_eq!(verifier.verify_at(&user, &token, now).unwrap().label, "web");
    assert_eq!(
        verifier
            .verify_at(&user, &token, now + 1)
            .unwrap_err()
            .kind(),
        ErrorKind::Expired
    );
    assert_eq!(
        Freshness::from_signed(0, 0).unwrap(),
        Freshness::new(0, 0).unwrap()
    );
    assert!(!Freshness::default().with_require_exp(false).require_exp);
}
