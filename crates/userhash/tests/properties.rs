//! Properties over arbitrary identities, for every preset: what is signed verifies, under the
//! right label, and any single-character change of a token is rejected.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use userhash::{Attributes, ErrorKind, Identity, Keyring, Scheme, Secret, Signer, Verifier};

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
    let keyring = Keyring::new(scheme.clone())
        .with("other", Secret::for_scheme(scheme, OTHER).unwrap())
        .unwrap()
        .with("web", Secret::for_scheme(scheme, SECRET).unwrap())
        .unwrap();
    Verifier::new(keyring).unwrap()
}

fn signer(scheme: &Scheme, secret: &str) -> Signer {
    let signer = Signer::new(scheme.clone(), &Secret::for_scheme(scheme, secret).unwrap());
    match scheme.claim_layout() {
        // The key id is the verifier's keyring label.
        Some(layout) if layout.key_id_required => signer.with_key_id("web").unwrap(),
        _ => signer,
    }
}

fn sign(scheme: &Scheme, identity: &Identity, at: u64) -> Result<String, userhash::Error> {
    let signer = signer(scheme, SECRET);
    if scheme.is_jwt() {
        sign_jwt(&signer, scheme, identity, at)
    } else if scheme.is_timestamped() {
        signer.sign_at(identity, at)
    } else {
        signer.sign(identity)
    }
}

/// The identity errors a preset may legitimately raise for an arbitrary identity: a field it
/// signs is absent, or (Zendesk) a user id over the vendor's length limit.
fn is_identity_error(kind: ErrorKind) -> bool {
    matches!(kind, ErrorKind::MissingField | ErrorKind::InvalidClaim)
}

/// A JWT from `signer` issued at `at`, with the attributes the scheme requires.
fn sign_jwt(
    signer: &Signer,
    scheme: &Scheme,
    identity: &Identity,
    at: u64,
) -> Result<String, userhash::Error> {
    let mut attributes = Attributes::new();
    if scheme
        .claim_layout()
        .is_some_and(|layout| layout.nonce_required)
    {
        attributes = attributes.with_nonce("n-1");
    }
    signer.sign_with_at(identity, &attributes, at)
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
                Err(error) => prop_assert!(is_identity_error(error.kind()), "{}: {error}", scheme.name()),
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
            let other = signer(&scheme, OTHER);
            let other_token = if scheme.is_jwt() {
                sign_jwt(&other, &scheme, &identity, 0).unwrap()
            } else {
                other.sign(&identity).unwrap()
            };
            prop_assert_ne!(token, other_token);
        }
    }
}
