//! The checking side: a scheme, a keyring and a freshness policy, answering "is this token
//! genuine for this identity, and under which key?".

use std::borrow::Cow;
use std::fmt;

use subtle::ConstantTimeEq;

use crate::claims::verify;
use crate::clock;
use crate::error::{Error, Result, echo};
use crate::freshness::Freshness;
use crate::identity::Identity;
use crate::jwt;
use crate::keyring::Keyring;
use crate::scheme::Scheme;
use crate::signer::Signer;
use crate::token::parse_token;

/// A successful verification: which key made the token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
/// use userhash::{ErrorKind, Identity, Keyring, Scheme, Verifier};
///
/// let keyring = Keyring::new(Scheme::by_name("jimo")?).with_key("web", "s3cret")?;
/// let verifier = Verifier::new(keyring)?;
/// let user = Identity::from_user_id("id-1");
///
/// let token = verifier.keyring().signer("web")?.sign_at(&user, 1_700_000_000)?;
/// assert_eq!(verifier.verify_at(&user, &token, 1_700_000_060)?.label, "web");
/// let stale = verifier.verify_at(&user, &token, 1_700_000_000 + 7_200).unwrap_err();
/// assert_eq!(stale.kind(), ErrorKind::Expired);
/// # Ok::<(), userhash::Error>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    keyring: Keyring,
    signers: Vec<(String, Signer)>,
    freshness: Freshness,
}

impl Verifier {
    /// A verifier for the keyring's scheme with the default [`Freshness`].
    ///
    /// # Errors
    /// [`Error::EmptyKeyring`].
    pub fn new(keyring: Keyring) -> Result<Verifier> {
        Verifier::with_freshness(keyring, Freshness::default())
    }

    /// A verifier with a chosen freshness policy (used by timestamped and JWT schemes).
    ///
    /// # Errors
    /// [`Error::EmptyKeyring`], or [`Error::InvalidFreshness`] for a policy over the ceilings.
    pub fn with_freshness(keyring: Keyring, freshness: Freshness) -> Result<Verifier> {
        freshness.validate()?;
        if keyring.is_empty() {
            return Err(Error::EmptyKeyring);
        }
        let signers = keyring
            .iter()
            .map(|(label, secret)| {
                let signer = Signer::new(keyring.scheme().clone(), secret);
                (label.to_owned(), signer)
            })
            .collect();
        Ok(Verifier {
            keyring,
            signers,
            freshness,
        })
    }

    /// The scheme tokens are checked against: the keyring's.
    pub fn scheme(&self) -> &Scheme {
        self.keyring.scheme()
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
        if self.scheme().is_jwt() {
            return self.verify_jwt(identity, token, only_label, now);
        }
        let scheme = self.scheme();
        let subject = scheme.subject().select(scheme.name(), identity)?;
        let parsed = parse_token(scheme.encoding(), scheme.timestamp(), scheme.name(), token)?;
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
        let Some(rules) = self.scheme().claim_rules() else {
            return Err(Error::Mismatch);
        };
        // The caller's identity is checked here, where it enters, before the token is read.
        let checked = if identity.is_unidentified() {
            None
        } else {
            Some(
                rules
                    .subject
                    .check_every_field(rules.scheme, Cow::Borrowed(identity))?,
            )
        };
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
            None if rules.layout.key_id_required => {
                return Err(Error::MissingKeyId {
                    scheme: self.scheme().name().to_owned(),
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
        let from_claims = checked.is_none();
        let identity = match checked {
            Some(checked) => checked,
            None => verify::claimed_identity(rules, &decoded.claims)?,
        };
        let issued_at = verify::check(rules, &identity, &decoded.claims, self.freshness, now)?;
        let claimed_identity = from_claims.then(|| identity.into_owned());
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
            .field("keyring", &self.keyring)
            .field("freshness", &self.freshness)
            .finish()
    }
}
