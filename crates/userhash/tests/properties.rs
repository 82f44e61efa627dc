//! Properties over arbitrary identities, for every preset: what is signed verifies, under the
//! right label, and any single-character change of a token is rejected.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use userhash::{ErrorKind, Identity, Keyring, Scheme, Secret, Signer, Verifier};

/// Identifiers: any Unicode, 1 to 40 characters (well under the byte limit).
fn identifier() -> impl Strategy<Value = String> {
    proptest::string::string_regex("(?s).{1,40}").unwrap()
}

fn identity() -> impl Strategy<Value = Identity> {
    (
        proptest::option::of(identifier()),
        proptest::option::of(identifier()),
    )
        .prop_filter("identified", |(id, email)| id.is_some() || email.is_some())
        .prop_map(|(user_id, email)| Identity::new(user_id, email))
}

/// A secret that decodes under either key encoding.
const SECRET: &str = "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8";
const OTHER: &str = "00112233445566778899aabbccddeeff";

fn verifier(scheme: &Scheme) -> Verifier {
    let keyring = Keyring::new()
        .with("other", Secret::for_scheme(scheme, OTHER).unwrap())
        .unwrap()
        .with("web", Secret::for_scheme(scheme, SECRET).unwrap())
        .unwrap();
    Verifier::new(scheme.clone(), keyring).unwrap()
}

fn sign(scheme: &Scheme, identity: &Identity, at: u64) -> Result<String, userhash::Error> {
    let signer = Signer::new(scheme.clone(), &Secret::for_scheme(scheme, SECRET)?);
    if scheme.is_timestamped() {
        signer.sign_at(identity, at)
    } else {
        signer.sign(identity)
    }
}

proptest! {
    #[test]
    fn what_is_signed_verifies_under_its_label(identity in identity(), at in 0u64..=u64::MAX / 2) {
        for scheme in Scheme::presets() {
            match sign(&scheme, &identity, at) {
                Ok(token) => {
                    let verified = verifier(&scheme).verify_at(&identity, &token, at).unwrap();
                    prop_assert_eq!(verified.label, "web", "{}", scheme.name());
                }
                // Only identity errors are legitimate: a preset that signs a field this
                // identity lacks.
                Err(error) => prop_assert_eq!(error.kind(), ErrorKind::MissingField, "{}", scheme.name()),
            }
        }
    }

    #[test]
    fn any_single_character_change_is_rejected(
        identity in identity(),
        at in 0u64..4_000_000_000,
        position in any::<prop::sample::Index>(),
        replacement in any::<char>(),
    ) {
        for scheme in Scheme::presets() {
            let Ok(token) = sign(&scheme, &identity, at) else { continue };
            let mut chars: Vec<char> = token.chars().collect();
            let index = position.index(chars.len());
            prop_assume!(chars[index] != replacement);
            chars[index] = replacement;
            let tampered: String = chars.into_iter().collect();
            let error = verifier(&scheme).verify_at(&identity, &tampered, at).unwrap_err();
            prop_assert!(error.is_rejection(), "{}: {error}", scheme.name());
        }
    }

    #[test]
    fn signing_is_deterministic_and_key_dependent(identity in identity()) {
        for scheme in Scheme::presets().filter(|s| !s.is_timestamped()) {
            let Ok(token) = sign(&scheme, &identity, 0) else { continue };
            prop_assert_eq!(&token, &sign(&scheme, &identity, 0).unwrap());
            let other = Signer::new(scheme.clone(), &Secret::for_scheme(&scheme, OTHER).unwrap());
            prop_assert_ne!(token, other.sign(&identity).unwrap());
        }
    }
}
