//! Checking a genuine JWT's claims: what the scheme requires, that they name the identity sent
//! beside the token (or, when none was sent, the identity they name), and the validity period.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::{ClaimLayout, ClaimRules, check_user_id_length, dotted, seconds_at, string_at};
use crate::error::{Error, Field, Result};
use crate::freshness::Freshness;
use crate::identity::Identity;
use crate::parts::{CheckedIdentity, Subject};

/// Checks a genuine token's claims: what the scheme requires, that they are about `identity`,
/// and that the token is within its validity period at `now`. Returns the `iat` claim.
pub(crate) fn check(
    rules: ClaimRules<'_>,
    identity: &CheckedIdentity<'_>,
    claims: &Map<String, Value>,
    freshness: Freshness,
    now: u64,
) -> Result<Option<u64>> {
    let layout = rules.layout;
    for (name, expected) in layout.fixed {
        match claims.get(*name) {
            None => return Err(rules.missing(&[name])),
            Some(Value::String(value)) if value == expected => {}
            Some(_) => {
                return Err(Error::InvalidClaim {
                    claim: (*name).to_owned(),
                    reason: format!("scheme {} requires it to be {expected:?}", rules.scheme),
                });
            }
        }
    }
    if let (Some(path), true) = (layout.nonce, layout.nonce_required) {
        if string_at(claims, path)?.is_none_or(str::is_empty) {
            return Err(rules.missing(path));
        }
    }
    check_subject(rules, identity.get(), claims)?;
    check_times(rules, claims, freshness, now)
}

/// The identity a genuine token's claims name, for a caller that gave none: every identity claim
/// the layout has, which must satisfy the scheme's subject exactly as a caller's identity must. A
/// claim the subject needs and the token lacks is [`Error::MissingClaim`]; an empty or oversized
/// one is [`Error::InvalidClaim`] (the token is genuine, so these are verdicts on it).
pub(crate) fn claimed_identity(
    rules: ClaimRules<'_>,
    claims: &Map<String, Value>,
) -> Result<CheckedIdentity<'static>> {
    let layout = rules.layout;
    let user_id = string_at(claims, layout.user_id)?;
    let email = string_at(claims, layout.email)?;
    let identity = Identity::new(user_id.map(str::to_owned), email.map(str::to_owned));
    let checked = rules
        .subject
        .check_every_field(rules.scheme, Cow::Owned(identity));
    checked.map_err(|error| match error {
        Error::EmptyField { field } => Error::InvalidClaim {
            claim: dotted(layout.field(field)),
            reason: "is empty".to_owned(),
        },
        Error::IdentifierTooLong { field, len, max } => Error::InvalidClaim {
            claim: dotted(layout.field(field)),
            reason: format!("is {len} bytes long; identifiers are limited to {max} bytes"),
        },
        Error::MissingField { field, .. } => rules.missing(layout.field(field)),
        _ if rules.subject == Subject::Email => rules.missing(layout.email),
        _ => rules.missing(layout.user_id),
    })
}

/// The token's identity claims against the identity sent beside it (already checked). The
/// fields the subject requires must be in the token; any field present on both sides must be
/// equal.
fn check_subject(
    rules: ClaimRules<'_>,
    identity: &Identity,
    claims: &Map<String, Value>,
) -> Result<()> {
    let layout = rules.layout;
    let user_id = string_at(claims, layout.user_id)?;
    if let Some(user_id) = user_id {
        check_user_id_length(layout, user_id)?;
    }
    let email = string_at(claims, layout.email)?;
    let required: &[Field] = match (rules.subject, identity.user_id.is_some()) {
        (Subject::UserId, _) => &[Field::UserId],
        (Subject::Email, _) => &[Field::Email],
        (Subject::UserIdElseEmail | Subject::UserIdAndEmail, true) => &[Field::UserId],
        (Subject::UserIdElseEmail | Subject::UserIdAndEmail, false) => &[Field::Email],
    };
    for field in required {
        let claimed = match field {
            Field::UserId => user_id,
            Field::Email => email,
        };
        if claimed.is_none() {
            return Err(rules.missing(layout.field(*field)));
        }
    }
    for (sent, claimed) in [
        (identity.user_id.as_deref(), user_id),
        (identity.email.as_deref(), email),
    ] {
        if let (Some(sent), Some(claimed)) = (sent, claimed) {
            if sent != claimed {
                return Err(Error::Mismatch);
            }
        }
    }
    Ok(())
}

/// `exp`, `nbf` and `iat` against the clock, with the freshness policy's skew as leeway.
///
/// Every genuine token must be bounded in time by the verifier, not only by the issuer: `exp` is
/// required unless the policy says otherwise (then `iat` is, bounded by the maximum age), and the
/// validity an `exp` grants may not exceed the maximum age — `exp - iat`, or `exp - now` (beyond
/// the skew) for a token without `iat` — so a far-future `exp` cannot outlive the policy.
fn check_times(
    rules: ClaimRules<'_>,
    claims: &Map<String, Value>,
    freshness: Freshness,
    now: u64,
) -> Result<Option<u64>> {
    let skew = freshness.max_future_skew_seconds;
    let max_age = freshness.max_age_seconds;
    let exp = seconds_at(claims, "exp")?;
    let nbf = seconds_at(claims, "nbf")?;
    let iat = seconds_at(claims, "iat")?;
    match (exp, iat) {
        (None, _) if freshness.require_exp => return Err(rules.missing(&["exp"])),
        (None, None) => return Err(rules.missing(&["iat"])),
        (None, Some(_)) => {}
        (Some(exp), _) => {
            // RFC 7519: the token is valid only *before* its exp (plus the leeway).
            if now >= exp.saturating_add(skew) {
                return Err(Error::PastExpiry {
                    ago: now - exp,
                    leeway: skew,
                });
            }
            let lifetime = match iat {
                Some(iat) => exp.checked_sub(iat).ok_or_else(|| Error::InvalidClaim {
                    claim: "exp".to_owned(),
                    reason: "is before iat".to_owned(),
                })?,
                None => exp.saturating_sub(now.saturating_add(skew)),
            };
            if lifetime > max_age {
                return Err(Error::InvalidClaim {
                    claim: "exp".to_owned(),
                    reason: format!(
                        "makes the token valid for {lifetime} s; the verifier accepts at most {max_age} s (its max age)"
                    ),
                });
            }
        }
    }
    for not_before in [nbf, iat].into_iter().flatten() {
        if not_before > now.saturating_add(skew) {
            return Err(Error::FromTheFuture {
                ahead: not_before - now,
                max_skew: skew,
            });
        }
    }
    if let (None, Some(iat)) = (exp, iat) {
        freshness.check(iat, now)?;
    }
    Ok(iat)
}

/// The token's user id and email claims, where they are strings.
pub(crate) fn identity_claims<'a>(
    layout: &ClaimLayout,
    claims: &'a Map<String, Value>,
) -> (Option<&'a str>, Option<&'a str>) {
    let read = |path: &[&str]| string_at(claims, path).ok().flatten();
    (read(layout.user_id), read(layout.email))
}
