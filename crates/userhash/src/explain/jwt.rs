//! Why a JWT was rejected. A JWT says what was signed, so nothing is re-created: the header and
//! claims are read, only the key is searched for, and a genuine token's claims are compared with
//! what was sent beside it.

use std::borrow::Cow;

use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

use super::cause::Cause;
use super::finding::{Facts, Finding, ShownBy};
use super::search::key_readings;
use crate::claims::{ClaimLayout, verify};
use crate::error::{Error, Field, echo};
use crate::identity::Identity;
use crate::jwt::{self, DecodedJwt};
use crate::mac::MacKey;
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
    let mut facts = Facts {
        scheme: scheme.name(),
        expected: expected_label.unwrap_or_default(),
        ..Facts::default()
    };
    let decoded = match jwt::decode(token) {
        Ok(decoded) => decoded,
        Err(Error::UnsupportedAlgorithm { .. }) => {
            facts.alg = jwt::algorithm_of(token)
                .map_or_else(|| "no alg header".to_owned(), |alg| format!("alg {alg:?}"));
            return vec![Cause::WrongAlgorithm.finding(ShownBy::Jwt, &facts)];
        }
        Err(_) => return Vec::new(),
    };
    let signed_with = signing_key(verifier, &decoded);
    let label = signed_with.as_ref().map_or("", |(label, _)| label.as_str());
    facts.label = label;
    facts.fingerprint = verifier.keyring().fingerprint(label).unwrap_or_default();
    let mut causes = Vec::new();
    if expected_label.is_some_and(|expected| !label.is_empty() && expected != label) {
        causes.push(Cause::WrongKey);
    }
    if let Some((_, Some(misreading))) = &signed_with {
        causes.push(*misreading);
    }
    match decoded.kid.as_deref() {
        None if layout.key_id_required => causes.push(Cause::KeyIdMissing),
        Some(kid) if !label.is_empty() && kid != label => {
            facts.kid = echo(kid);
            causes.push(Cause::KeyIdMismatch);
        }
        _ => {}
    }
    if signed_with.is_some() {
        causes.extend(claim_cause(verifier, identity, &decoded, now, &mut facts));
    }
    causes
        .into_iter()
        .map(|cause| cause.finding(ShownBy::Jwt, &facts))
        .collect()
}

/// The keyring label whose key signed the token, and the misreading of the secret it took, if
/// any. Keys read the scheme's way are tried first.
fn signing_key(verifier: &Verifier, decoded: &DecodedJwt<'_>) -> Option<(String, Option<Cause>)> {
    let key_encoding = verifier.scheme().key_encoding();
    let mut candidates: Vec<(usize, String, Option<Cause>, MacKey)> = Vec::new();
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

/// What is wrong with a genuine token's claims, if anything, with its facts noted in `facts`.
fn claim_cause(
    verifier: &Verifier,
    identity: &Identity,
    decoded: &DecodedJwt<'_>,
    now: u64,
    facts: &mut Facts<'_>,
) -> Option<Cause> {
    let rules = verifier.scheme().claim_rules()?;
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
    match error {
        Error::MissingClaim { claim, .. } => {
            facts.claim = claim;
            Some(Cause::ClaimMissing)
        }
        Error::InvalidClaim { claim, reason } => {
            facts.claim = claim;
            facts.reason = reason;
            Some(Cause::ClaimInvalid)
        }
        Error::Mismatch => {
            let (cause, field) = another_identity(rules.layout, identity, decoded);
            facts.field = field.as_str();
            Some(cause)
        }
        Error::PastExpiry { ago, .. } => {
            facts.ago = ago;
            Some(Cause::StaleTimestamp)
        }
        Error::Expired { age, max_age } => {
            // Without an exp, the token expired when its age passed the verifier's maximum.
            facts.ago = age.saturating_sub(max_age);
            Some(Cause::StaleTimestamp)
        }
        Error::FromTheFuture { ahead, .. } => {
            facts.ahead = ahead;
            // A time in milliseconds is about a thousand times today's seconds.
            let millis = now > 0 && ahead / now >= 100;
            Some(if millis {
                Cause::MillisecondsTimestamp
            } else {
                Cause::FutureTimestamp
            })
        }
        _ => None,
    }
}

/// A genuine token about someone else: the transformation that relates what was signed to what
/// was sent, or plainly another user, and the field that differs.
fn another_identity(
    layout: &ClaimLayout,
    identity: &Identity,
    decoded: &DecodedJwt<'_>,
) -> (Cause, Field) {
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
        return (cause, field);
    }
    // The claim checks report a mismatch only for a field both sides have; should none differ,
    // the token still vouches for someone else.
    let field = match identity.user_id {
        Some(_) => Field::UserId,
        None => Field::Email,
    };
    (Cause::AnotherUser, field)
}
