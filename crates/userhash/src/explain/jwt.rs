//! Why a JWT was rejected. A JWT says what was signed, so nothing is re-created: the header and
//! claims are read, only the key is searched for, and a genuine token's claims are compared with
//! what was sent beside it.

use std::borrow::Cow;

use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

use super::{Cause, Finding, key_readings};
use crate::claims::{self, verify};
use crate::error::{Error, Field};
use crate::identity::Identity;
use crate::jwt::{self, DecodedJwt};
use crate::verifier::Verifier;

/// The findings for a rejected JWT, most telling first.
pub(super) fn findings(
    verifier: &Verifier,
    identity: &Identity,
    token: &str,
    expected_label: Option<&str>,
    now: u64,
) -> Vec<Finding> {
    let scheme = verifier.scheme();
    let Some(layout) = scheme.claim_layout() else {
        return Vec::new();
    };
    let decoded = match jwt::decode(token) {
        Ok(decoded) => decoded,
        Err(Error::UnsupportedAlgorithm { .. }) => {
            let alg = jwt::algorithm_of(token)
                .map_or_else(|| "no alg header".to_owned(), |alg| format!("alg {alg:?}"));
            return vec![finding(
                Cause::WrongAlgorithm,
                "",
                format!(
                    "The JWT has {alg}, but scheme {} accepts HS256 only.",
                    scheme.name()
                ),
            )];
        }
        Err(_) => return Vec::new(),
    };
    let signed_with = signing_key(verifier, &decoded);
    let label = signed_with.as_ref().map_or("", |(label, _)| label.as_str());
    let mut findings = Vec::new();
    if let Some(expected) =
        expected_label.filter(|expected| !label.is_empty() && expected != &label)
    {
        let fingerprint = verifier.keyring().fingerprint(label).unwrap_or_default();
        findings.push(finding(
            Cause::WrongKey,
            label,
            format!(
                "The JWT was signed with the key labelled {label:?} (fingerprint {fingerprint}), not the one labelled {expected:?}."
            ),
        ));
    }
    if let Some((_, Some(misreading))) = &signed_with {
        let explanation = match misreading {
            Cause::SecretHexDecoded => format!(
                "The secret labelled {label:?} was hex-decoded before signing, but scheme {} uses its text as the key.",
                scheme.name()
            ),
            _ => format!(
                "The secret labelled {label:?} was used as text, but scheme {} hex-decodes it.",
                scheme.name()
            ),
        };
        findings.push(finding(*misreading, label, explanation));
    }
    match decoded.kid.as_deref() {
        None if layout.key_id_required => findings.push(finding(
            Cause::KeyIdMissing,
            label,
            format!(
                "The JWT header has no kid, but scheme {} names the signing key there.",
                scheme.name()
            ),
        )),
        Some(kid) if !label.is_empty() && kid != label => findings.push(finding(
            Cause::KeyIdMismatch,
            label,
            format!(
                "The JWT header says kid {:?}, but the token was signed with the key labelled {label:?}.",
                crate::error::echo(kid)
            ),
        )),
        _ => {}
    }
    if signed_with.is_some() {
        findings.extend(claim_finding(verifier, identity, &decoded, label, now));
    }
    findings
}

/// The keyring label whose key signed the token, and the misreading of the secret it took, if
/// any. Keys read the scheme's way are tried first.
fn signing_key(verifier: &Verifier, decoded: &DecodedJwt<'_>) -> Option<(String, Option<Cause>)> {
    let key_encoding = verifier.scheme().key_encoding();
    let mut candidates: Vec<(usize, String, Option<Cause>, crate::mac::MacKey)> = Vec::new();
    for (label, secret) in verifier.keyring().iter() {
        for (misreading, key) in key_readings(secret, key_encoding) {
            let rank = usize::from(misreading.is_some());
            candidates.push((rank, label.to_owned(), misreading, key));
        }
    }
    candidates.sort_by_key(|(rank, ..)| *rank);
    candidates
        .into_iter()
        .find_map(|(_, label, misreading, key)| {
            let mac = key.mac(&[decoded.signing_input.as_bytes()]);
            bool::from(mac.ct_eq(&decoded.signature)).then_some((label, misreading))
        })
}

/// What is wrong with a genuine token's claims, if anything.
fn claim_finding(
    verifier: &Verifier,
    identity: &Identity,
    decoded: &DecodedJwt<'_>,
    label: &str,
    now: u64,
) -> Option<Finding> {
    let scheme = verifier.scheme();
    let rules = scheme.claim_rules()?;
    let layout = rules.layout;
    let freshness = verifier.freshness();
    // With no identity sent, the verifier checks the token against the one its claims name.
    let checked = if identity.is_unidentified() {
        verify::claimed_identity(rules, &decoded.claims)
    } else {
        rules
            .subject
            .check_every_field(rules.scheme, Cow::Borrowed(identity))
    };
    let error = checked
        .and_then(|checked| verify::check(rules, &checked, &decoded.claims, freshness, now))
        .err()?;
    let (cause, explanation) = match error {
        Error::MissingClaim { claim, .. } => (
            Cause::ClaimMissing,
            format!(
                "The JWT is genuine but has no {claim:?} claim, which scheme {} requires.",
                scheme.name()
            ),
        ),
        Error::InvalidClaim { claim, reason } => (
            Cause::ClaimInvalid,
            format!("The JWT is genuine but its {claim:?} claim is invalid: {reason}."),
        ),
        Error::Mismatch => another_identity(layout, identity, decoded),
        Error::PastExpiry { ago, .. } => (
            Cause::StaleTimestamp,
            format!("The JWT is genuine but its exp passed {ago} s ago."),
        ),
        Error::Expired { age, max_age } => (
            Cause::StaleTimestamp,
            format!(
                "The JWT is genuine but was issued {age} s ago and has no exp; the verifier accepts {max_age} s."
            ),
        ),
        Error::FromTheFuture { ahead, .. } => {
            // A time in milliseconds is about a thousand times today's seconds.
            let millis = now > 0 && ahead / now >= 100;
            if millis {
                (
                    Cause::MillisecondsTimestamp,
                    "The JWT is genuine, but its iat or nbf is in milliseconds, not seconds."
                        .to_owned(),
                )
            } else {
                (
                    Cause::FutureTimestamp,
                    format!(
                        "The JWT is genuine but its iat or nbf is {ahead} s ahead of the verifier's clock."
                    ),
                )
            }
        }
        _ => return None,
    };
    Some(finding(cause, label, explanation))
}

/// A genuine token about someone else: the transformation that relates what was signed to what
/// was sent, or plainly another user.
fn another_identity(
    layout: &claims::ClaimLayout,
    identity: &Identity,
    decoded: &DecodedJwt<'_>,
) -> (Cause, String) {
    let signed = verify::identity_claims(layout, &decoded.claims);
    for (field, claimed) in [(Field::UserId, signed.0), (Field::Email, signed.1)] {
        let (Some(sent), Some(claimed)) = (identity.field(field), claimed) else {
            continue;
        };
        if sent == claimed {
            continue;
        }
        let same = |f: &dyn Fn(&str) -> String| f(sent) == f(claimed);
        let cause = if same(&|text| text.trim().to_owned()) {
            Cause::SurroundingWhitespace
        } else if field == Field::Email && same(&str::to_lowercase) {
            Cause::EmailCase
        } else if same(&|text| text.nfc().collect()) {
            Cause::UnicodeNormalization
        } else if field == Field::UserId && identity.email.as_deref() == Some(claimed) {
            Cause::EmailInsteadOfUserId
        } else {
            Cause::AnotherUser
        };
        let explanation = match cause {
            Cause::AnotherUser => format!(
                "The JWT is genuine but its {field} claim names another user than the {field} sent with it."
            ),
            Cause::EmailInsteadOfUserId => {
                "The JWT is genuine but its user id claim holds the user's email, not the user_id sent.".to_owned()
            }
            _ => format!(
                "The JWT is genuine but its {field} claim differs from the {field} sent with it by {}.",
                match cause {
                    Cause::SurroundingWhitespace => "surrounding whitespace",
                    Cause::EmailCase => "letter case",
                    _ => "Unicode normalisation (NFC vs NFD)",
                }
            ),
        };
        return (cause, explanation);
    }
    (
        Cause::AnotherUser,
        "The JWT is genuine but vouches for another user than the one sent with it.".to_owned(),
    )
}

fn finding(cause: Cause, label: &str, explanation: String) -> Finding {
    Finding {
        cause,
        label: label.to_owned(),
        explanation,
        fix: cause.fix().to_owned(),
    }
}
