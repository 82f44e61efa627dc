//! The checking side: a scheme, a keyring and a freshness policy, answering "is this token
//! genuine for this identity, and under which key?".

use std::fmt;

use subtle::ConstantTimeEq;

use crate::claims;
use crate::clock;
use crate::error::{Error, Result, echo};
use crate::identity::Identity;
use crate::jwt;
use crate::keyring::Keyring;
use crate::scheme::Scheme;
use crate::signer::Signer;
use crate::token::parse_token;

/// The default maximum age of a timestamped token: one hour.
///
/// A timestamped token is minted when the app server renders the page or answers the login, and
/// the client sends it when the widget boots, usually seconds later; an hour tolerates long-lived
/// single-page sessions while bounding how long a leaked token can be replayed.
pub const DEFAULT_MAX_AGE_SECONDS: u64 = 3600;

/// The default tolerance for a timestamp ahead of the verifier's clock: five minutes.
///
/// Both clocks belong to servers that should be NTP-synchronised to well under a second; five
/// minutes absorbs a badly drifting host (the tolerance Standard Webhooks uses) while a
/// millisecond timestamp — a thousand times too large — is still caught.
pub const DEFAULT_MAX_FUTURE_SKEW_SECONDS: u64 = 300;

/// The largest accepted [`Freshness::max_age_seconds`]: 30 days.
///
/// No vendor's timestamped token or JWT is meant to live anywhere near that long; the ceiling
/// exists so that a misconfiguration (a `-1` wrapped to 2^64-1 by a binding, a value in
/// milliseconds) is refused with [`Error::InvalidFreshness`] instead of turning expiry off.
pub const MAX_AGE_CEILING_SECONDS: u64 = 30 * 24 * 60 * 60;

/// The largest accepted [`Freshness::max_future_skew_seconds`]: one hour, far beyond any clock
/// drift between two servers, and still enough to catch a timestamp in milliseconds.
pub const MAX_FUTURE_SKEW_CEILING_SECONDS: u64 = 60 * 60;

/// How old, and how far in the future, a timestamped token may be; for JWTs also how long one
/// may be valid, and whether it must carry an `exp`.
///
/// The fields are public for reading and literal construction; a [`Verifier`] refuses a policy
/// over the ceilings ([`Freshness::validate`]). [`Freshness::new`] and [`Freshness::from_signed`]
/// check at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Freshness {
    /// The largest accepted age in seconds (an age equal to it is accepted), at most
    /// [`MAX_AGE_CEILING_SECONDS`]. For JWTs it is also the longest accepted validity period:
    /// `exp - iat`, or `exp - now` for a token without `iat`.
    pub max_age_seconds: u64,
    /// The largest accepted lead of the token's timestamp over the verifier's clock, in seconds,
    /// at most [`MAX_FUTURE_SKEW_CEILING_SECONDS`]; a JWT's leeway on `exp`, `nbf` and `iat`.
    pub max_future_skew_seconds: u64,
    /// Whether a JWT must carry an `exp` claim (the default). Switch it off only for a vendor
    /// whose tokens omit `exp`; such a token must then carry an `iat`, bounded by the max age.
    pub require_exp: bool,
}

impl Default for Freshness {
    fn default() -> Freshness {
        Freshness {
            max_age_seconds: DEFAULT_MAX_AGE_SECONDS,
            max_future_skew_seconds: DEFAULT_MAX_FUTURE_SKEW_SECONDS,
            require_exp: true,
        }
    }
}

impl Freshness {
    /// A policy with these windows (JWTs must carry `exp`).
    ///
    /// # Errors
    /// [`Error::InvalidFreshness`] above a ceiling.
    pub fn new(max_age_seconds: u64, max_future_skew_seconds: u64) -> Result<Freshness> {
        let freshness = Freshness {
            max_age_seconds,
            max_future_skew_seconds,
            require_exp: true,
        };
        freshness.validate()?;
        Ok(freshness)
    }

    /// [`Freshness::new`] from signed seconds, for callers whose integers are signed (Java's
    /// `long`, Python's `int`, Swift's `Int64`: every binding): a negative value is refused,
    /// never wrapped to a huge unsigned one.
    ///
    /// # Errors
    /// [`Error::InvalidFreshness`] for a negative value or one above a ceiling.
    pub fn from_signed(max_age_seconds: i64, max_future_skew_seconds: i64) -> Result<Freshness> {
        let unsigned = |setting: &'static str, value: i64, max: u64| {
            u64::try_from(value).map_err(|_| Error::InvalidFreshness {
                setting,
                value: i128::from(value),
                max,
            })
        };
        Freshness::new(
            unsigned("max_age_seconds", max_age_seconds, MAX_AGE_CEILING_SECONDS)?,
            unsigned(
                "max_future_skew_seconds",
                max_future_skew_seconds,
                MAX_FUTURE_SKEW_CEILING_SECONDS,
            )?,
        )
    }

    /// This policy with `exp` required or not on JWTs.
    #[must_use]
    pub fn with_require_exp(self, require_exp: bool) -> Freshness {
        Freshness {
            require_exp,
            ..self
        }
    }

    /// Checks the windows against their ceilings.
    ///
    /// # Errors
    /// [`Error::InvalidFreshness`] naming the first setting above its ceiling.
    pub fn validate(&self) -> Result<()> {
        for (setting, value, max) in [
            (
                "max_age_seconds",
                self.max_age_seconds,
                MAX_AGE_CEILING_SECONDS,
            ),
            (
                "max_future_skew_seconds",
                self.max_future_skew_seconds,
                MAX_FUTURE_SKEW_CEILING_SECONDS,
            ),
        ] {
            if value > max {
                return Err(Error::InvalidFreshness {
                    setting,
                    value: i128::from(value),
                    max,
                });
            }
        }
        Ok(())
    }

    /// Checks a genuine token's timestamp against the clock reading `now`.
    ///
    /// # Errors
    /// [`Error::Expired`] or [`Error::FromTheFuture`].
    pub fn check(&self, timestamp: u64, now: u64) -> Result<()> {
        if timestamp <= now {
            let age = now - timestamp;
            if age > self.max_age_seconds {
                return Err(Error::Expired {
                    age,
                    max_age: self.max_age_seconds,
                });
            }
        } else {
            let ahead = timestamp - now;
            if ahead > self.max_future_skew_seconds {
                return Err(Error::FromTheFuture {
                    ahead,
                    max_skew: self.max_future_skew_seconds,
                });
            }
        }
        Ok(())
    }
}

/// A successful verification: which key made the token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Verified {
    /// The label of the key that matched (e.g. `ios`, or `previous` during a rotation).
    pub label: String,
    /// The fingerprint of that key.
    pub fingerprint: String,
    /// The token's timestamp, for timestamped schemes; a JWT's `iat` claim.
    pub timestamp: Option<u64>,
    /// A JWT's claims exactly as signed (JSON text), for the name, email and attributes the app
    /// server vouched for; `None` for hashes.
    pub claims: Option<String>,
    /// The user a JWT's verified claims name, when the caller gave no identity (neither a user id
    /// nor an email) and the verifier took it from the token; `None` when the caller's identity
    /// was verified, and always for hashes, which name no user.
    pub claimed_identity: Option<Identity>,
}

/// Verifies tokens for one scheme against every key of a keyring.
///
/// Identity errors come first (the caller's input), then the token is decoded strictly, then the
/// MAC is compared in constant time under each key in keyring order, and only a genuine token's
/// timestamp is checked for freshness. Immutable and `Send + Sync`.
///
/// ```
/// use userhash::{ErrorKind, Identity, Keyring, Scheme, Secret, Verifier};
///
/// let scheme = Scheme::by_name("jimo")?;
/// let keyring = Keyring::new().with("web", Secret::for_scheme(&scheme, "s3cret")?)?;
/// let verifier = Verifier::new(scheme, keyring)?;
/// let user = Identity::from_user_id("id-1");
///
/// let token = verifier.keyring().signer(verifier.scheme(), "web")?.sign_at(&user, 1_700_000_000)?;
/// assert_eq!(verifier.verify_at(&user, &token, 1_700_000_060)?.label, "web");
/// let stale = verifier.verify_at(&user, &token, 1_700_000_000 + 7_200).unwrap_err();
/// assert_eq!(stale.kind(), ErrorKind::Expired);
/// # Ok::<(), userhash::Error>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    scheme: Scheme,
    keyring: Keyring,
    signers: Vec<(String, Signer)>,
    freshness: Freshness,
}

impl Verifier {
    /// A verifier with the default [`Freshness`].
    ///
    /// # Errors
    /// [`Error::EmptyKeyring`].
    pub fn new(scheme: Scheme, keyring: Keyring) -> Result<Verifier> {
        Verifier::with_freshness(scheme, keyring, Freshness::default())
    }

    /// A verifier with a chosen freshness policy (used by timestamped and JWT schemes).
    ///
    /// # Errors
    /// [`Error::EmptyKeyring`], or [`Error::InvalidFreshness`] for a policy over the ceilings.
    pub fn with_freshness(
        scheme: Scheme,
        keyring: Keyring,
        freshness: Freshness,
    ) -> Result<Verifier> {
        freshness.validate()?;
        if keyring.is_empty() {
            return Err(Error::EmptyKeyring);
        }
        let signers = keyring
            .iter()
            .map(|(label, secret)| (label.to_owned(), Signer::new(scheme.clone(), secret)))
            .collect();
        Ok(Verifier {
            scheme,
            keyring,
            signers,
            freshness,
        })
    }

    /// The scheme tokens are checked against.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The keys tried.
    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// The freshness policy for timestamped schemes.
    pub fn freshness(&self) -> Freshness {
        self.freshness
    }

    /// Verifies `token` for `identity` under any key, reading the system clock for timestamped
    /// schemes.
    ///
    /// # Errors
    /// A rejection ([`Error::is_rejection`]) or an identity error.
    pub fn verify(&self, identity: &Identity, token: &str) -> Result<Verified> {
        self.verify_among(identity, token, None, None)
    }

    /// Verifies `token` for `identity` under any key, at the time `now` (Unix seconds).
    ///
    /// # Errors
    /// As [`Verifier::verify`].
    pub fn verify_at(&self, identity: &Identity, token: &str, now: u64) -> Result<Verified> {
        self.verify_among(identity, token, None, Some(now))
    }

    /// Verifies under the key labelled `label` only — e.g. a request from the Android app must
    /// carry a token made with the `android` secret.
    ///
    /// # Errors
    /// As [`Verifier::verify`], or [`Error::UnknownLabel`].
    pub fn verify_label(&self, label: &str, identity: &Identity, token: &str) -> Result<Verified> {
        self.verify_among(identity, token, Some(label), None)
    }

    /// [`Verifier::verify_label`] at the time `now`.
    ///
    /// # Errors
    /// As [`Verifier::verify_label`].
    pub fn verify_label_at(
        &self,
        label: &str,
        identity: &Identity,
        token: &str,
        now: u64,
    ) -> Result<Verified> {
        self.verify_among(identity, token, Some(label), Some(now))
    }

    fn verify_among(
        &self,
        identity: &Identity,
        token: &str,
        only_label: Option<&str>,
        now: Option<u64>,
    ) -> Result<Verified> {
        if let Some(label) = only_label {
            if self.keyring.get(label).is_none() {
                return Err(Error::UnknownLabel { label: echo(label) });
            }
        }
        if self.scheme.is_jwt() {
            return self.verify_jwt(identity, token, only_label, now);
        }
        let subject = self.scheme.subject_of(identity)?;
        let parsed = parse_token(&self.scheme, token)?;
        let timestamp_text = parsed.timestamp.map(|ts| ts.text.as_bytes());
        let (label, signer) = self
            .signers
            .iter()
            .filter(|(label, _)| only_label.is_none_or(|only| only == label))
            .find(|(_, signer)| {
                let expected = signer.mac(&subject, timestamp_text);
                bool::from(expected.ct_eq(&parsed.mac))
            })
            .ok_or(Error::Mismatch)?;
        if let Some(timestamp) = parsed.timestamp {
            let now = match now {
                Some(now) => now,
                None => clock::unix_now()?,
            };
            self.freshness.check(timestamp.seconds, now)?;
        }
        Ok(Verified {
            label: label.clone(),
            fingerprint: signer.fingerprint().to_owned(),
            timestamp: parsed.timestamp.map(|ts| ts.seconds),
            claims: None,
            claimed_identity: None,
        })
    }

    /// Verification of a JWT: identity, shape and algorithm, key selection by `kid`, signature,
    /// then — for a genuine token only — its claims and validity period.
    ///
    /// A caller with no identity (an app whose user id lives only in the token) gets the one the
    /// verified claims name, checked against the scheme's subject as a caller's would be.
    fn verify_jwt(
        &self,
        identity: &Identity,
        token: &str,
        only_label: Option<&str>,
        now: Option<u64>,
    ) -> Result<Verified> {
        let Some(layout) = self.scheme.claim_layout() else {
            return Err(Error::Mismatch);
        };
        let from_claims = identity.is_unidentified();
        if !from_claims {
            self.scheme.subject_of(identity)?;
        }
        let decoded = jwt::decode(token)?;
        let candidates: Vec<&(String, Signer)> = match decoded.kid.as_deref() {
            Some(kid) => {
                let named = self
                    .signers
                    .iter()
                    .find(|(label, _)| label == kid)
                    .ok_or_else(|| Error::UnknownKeyId { kid: echo(kid) })?;
                if only_label.is_none_or(|only| only == kid) {
                    vec![named]
                } else {
                    Vec::new()
                }
            }
            None if layout.key_id_required => {
                return Err(Error::MissingKeyId {
                    scheme: self.scheme.name().to_owned(),
                });
            }
            None => self
                .signers
                .iter()
                .filter(|(label, _)| only_label.is_none_or(|only| only == label))
                .collect(),
        };
        let (label, signer) = candidates
            .into_iter()
            .find(|(_, signer)| {
                let expected = signer.mac_over(decoded.signing_input.as_bytes());
                bool::from(expected.ct_eq(&decoded.signature))
            })
            .ok_or(Error::Mismatch)?;
        let now = match now {
            Some(now) => now,
            None => clock::unix_now()?,
        };
        let claimed_identity = if from_claims {
            Some(claims::claimed_identity(
                &self.scheme,
                layout,
                &decoded.claims,
            )?)
        } else {
            None
        };
        let issued_at = claims::check(
            &self.scheme,
            layout,
            claimed_identity.as_ref().unwrap_or(identity),
            &decoded.claims,
            self.freshness,
            now,
        )?;
        Ok(Verified {
            label: label.clone(),
            fingerprint: signer.fingerprint().to_owned(),
            timestamp: issued_at,
            claims: Some(decoded.claims_text),
            claimed_identity,
        })
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.scheme.to_string())
            .field("keyring", &self.keyring)
            .field("freshness", &self.freshness)
            .finish()
    }
}
