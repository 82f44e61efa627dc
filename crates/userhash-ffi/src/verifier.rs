//! The checking side: which key made a token, or why it is rejected.

use std::sync::Arc;

use userhash::{Freshness as CoreFreshness, Verified as CoreVerified, Verifier as CoreVerifier};

use crate::lane::generated_call;
use crate::{Diagnosis, Identity, Keyring, Result, Scheme, UserHashError};

/// How old, and how far ahead of the verifier's clock, a timestamped token may be; for JWTs also
/// how long one may be valid, and whether it must carry `exp`. The seconds are signed, as every
/// binding's integers are, so that a negative value reaches the core and is refused by the
/// verifier with `InvalidFreshness` (never wrapped into a window that never expires).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Freshness {
    /// The largest accepted age in seconds (default one hour, at most 30 days); for a JWT also
    /// its longest accepted validity, `exp - iat`.
    #[uniffi(default = 3600)]
    pub max_age_seconds: i64,
    /// The largest accepted lead over the verifier's clock in seconds (default five minutes, at
    /// most one hour); a JWT's leeway on `exp`, `nbf` and `iat`.
    #[uniffi(default = 300)]
    pub max_future_skew_seconds: i64,
    /// Whether a JWT must carry an `exp` claim (default true). Switch it off only for a vendor
    /// whose tokens omit `exp`; such a token must then carry an `iat` within the max age.
    #[uniffi(default = true)]
    pub require_exp: bool,
}

impl TryFrom<Freshness> for CoreFreshness {
    type Error = UserHashError;

    fn try_from(freshness: Freshness) -> Result<CoreFreshness> {
        Ok(CoreFreshness::from_signed(
            freshness.max_age_seconds,
            freshness.max_future_skew_seconds,
        )?
        .with_require_exp(freshness.require_exp))
    }
}

impl From<CoreFreshness> for Freshness {
    fn from(freshness: CoreFreshness) -> Freshness {
        // The core's windows are within their ceilings (days), far below i64::MAX.
        let signed = |seconds: u64| i64::try_from(seconds).unwrap_or(i64::MAX);
        Freshness {
            max_age_seconds: signed(freshness.max_age_seconds),
            max_future_skew_seconds: signed(freshness.max_future_skew_seconds),
            require_exp: freshness.require_exp,
        }
    }
}

/// A successful verification: which key made the token.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verified {
    /// The label of the key that matched (e.g. `ios`, or `previous` during a rotation).
    pub label: String,
    /// The fingerprint of that key.
    pub fingerprint: String,
    /// The token's timestamp, for timestamped schemes; a JWT's `iat`.
    pub timestamp: Option<u64>,
    /// A JWT's claims exactly as signed (JSON text); absent for hashes.
    pub claims: Option<String>,
    /// The user a JWT's verified claims name, when the caller gave no identity and the verifier
    /// took it from the token; absent when the caller's identity was verified, and for hashes.
    pub claimed_identity: Option<Identity>,
}

impl From<CoreVerified> for Verified {
    fn from(verified: CoreVerified) -> Verified {
        Verified {
            label: verified.label,
            fingerprint: verified.fingerprint,
            timestamp: verified.timestamp,
            claims: verified.claims,
            claimed_identity: verified.claimed_identity.map(Into::into),
        }
    }
}

/// Verifies tokens for one scheme against every key of a keyring, in constant time per key.
#[derive(Debug, uniffi::Object)]
pub struct Verifier {
    pub(crate) inner: CoreVerifier,
}

#[uniffi::export]
impl Verifier {
    /// A verifier for the keyring's scheme; `freshness` bounds timestamped tokens and JWTs
    /// (defaults: one hour old, five minutes ahead, JWTs carry `exp`). A negative window, or one
    /// above its ceiling, is refused with `InvalidFreshness`.
    #[uniffi::constructor(default(freshness = None))]
    pub fn new(keyring: Arc<Keyring>, freshness: Option<Freshness>) -> Result<Arc<Verifier>> {
        generated_call();
        let freshness = match freshness {
            Some(freshness) => freshness.try_into()?,
            None => CoreFreshness::default(),
        };
        let inner = CoreVerifier::with_freshness(keyring.inner.clone(), freshness)?;
        Ok(Arc::new(Verifier { inner }))
    }

    /// The scheme tokens are checked against.
    pub fn scheme(&self) -> Result<Arc<Scheme>> {
        generated_call();
        Ok(Arc::new(Scheme {
            inner: self.inner.scheme().clone(),
        }))
    }

    /// Verifies `token` for `identity` now: under every key, or under the key labelled `label`
    /// only (e.g. `android` for a request from the Android app).
    #[uniffi::method(default(label = None))]
    pub fn verify(
        &self,
        identity: Identity,
        token: String,
        label: Option<String>,
    ) -> Result<Verified> {
        generated_call();
        Ok(self
            .verified(&identity.into(), &token, label.as_deref(), None)?
            .into())
    }

    /// [`Verifier::verify`] at the time `now` (Unix seconds).
    #[uniffi::method(default(label = None))]
    pub fn verify_at(
        &self,
        identity: Identity,
        token: String,
        now: u64,
        label: Option<String>,
    ) -> Result<Verified> {
        generated_call();
        Ok(self
            .verified(&identity.into(), &token, label.as_deref(), Some(now))?
            .into())
    }

    /// Why `token` does or does not verify for `identity` now (see `explain_at`).
    #[uniffi::method(default(expected_label = None))]
    pub fn explain(
        &self,
        identity: Identity,
        token: String,
        expected_label: Option<String>,
    ) -> Result<Diagnosis> {
        generated_call();
        let diagnosis = self
            .inner
            .explain(&identity.into(), &token, expected_label.as_deref())?;
        Ok(diagnosis.into())
    }

    /// Why `token` does or does not verify for `identity` at `now`: the known mistakes that
    /// reproduce it, most likely first. `expected_label` is the platform the request claims to
    /// come from; a token made with another label's key is then a `WrongKey` finding. For
    /// support tooling and logs of rejected requests, not every request: it re-creates hundreds
    /// of candidate tokens, at 23-33x the CPU of `verify` (measured with three keys).
    #[uniffi::method(default(expected_label = None))]
    pub fn explain_at(
        &self,
        identity: Identity,
        token: String,
        now: u64,
        expected_label: Option<String>,
    ) -> Result<Diagnosis> {
        generated_call();
        let diagnosis =
            self.inner
                .explain_at(&identity.into(), &token, expected_label.as_deref(), now)?;
        Ok(diagnosis.into())
    }
}

impl Verifier {
    /// What `verify` (`now: None`, the clock) or `verify_at` finds: the one place both the
    /// generated exports and the fast lane ask the core.
    pub(crate) fn verified(
        &self,
        identity: &userhash::Identity,
        token: &str,
        label: Option<&str>,
        now: Option<u64>,
    ) -> userhash::Result<CoreVerified> {
        match (label, now) {
            (Some(label), Some(now)) => self.inner.verify_label_at(label, identity, token, now),
            (Some(label), None) => self.inner.verify_label(label, identity, token),
            (None, Some(now)) => self.inner.verify_at(identity, token, now),
            (None, None) => self.inner.verify(identity, token),
        }
    }
}

/// The default freshness policy: one hour old, five minutes ahead, JWTs carry `exp`.
#[uniffi::export]
pub fn default_freshness() -> Result<Freshness> {
    generated_call();
    Ok(CoreFreshness::default().into())
}
