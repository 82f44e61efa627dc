//! The checking side: which key made a token, or why it is rejected.

use std::sync::Arc;

use userhash::{
    DEFAULT_MAX_AGE_SECONDS, DEFAULT_MAX_FUTURE_SKEW_SECONDS, Freshness as CoreFreshness,
    Verified as CoreVerified, Verifier as CoreVerifier,
};

use crate::lane::generated_call;
use crate::{Diagnosis, Identity, Keyring, Result, Scheme};

/// How old, and how far ahead of the verifier's clock, a timestamped token may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Freshness {
    /// The largest accepted age in seconds (default one hour).
    #[uniffi(default = 3600)]
    pub max_age_seconds: u64,
    /// The largest accepted lead over the verifier's clock in seconds (default five minutes).
    #[uniffi(default = 300)]
    pub max_future_skew_seconds: u64,
}

impl From<Freshness> for CoreFreshness {
    fn from(freshness: Freshness) -> CoreFreshness {
        CoreFreshness {
            max_age_seconds: freshness.max_age_seconds,
            max_future_skew_seconds: freshness.max_future_skew_seconds,
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
    /// A verifier for the keyring's scheme; `freshness` bounds timestamped tokens (defaults: one
    /// hour old, five minutes ahead).
    #[uniffi::constructor(default(freshness = None))]
    pub fn new(keyring: Arc<Keyring>, freshness: Option<Freshness>) -> Result<Arc<Verifier>> {
        generated_call();
        let freshness = freshness.map_or_else(CoreFreshness::default, Into::into);
        let inner =
            CoreVerifier::with_freshness(keyring.scheme.clone(), keyring.inner.clone(), freshness)?;
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
    /// come from; a token made with another label's key is then a `WrongKey` finding.
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

/// The default maximum age of a timestamped token, in seconds.
#[uniffi::export]
pub fn default_freshness() -> Result<Freshness> {
    generated_call();
    Ok(Freshness {
        max_age_seconds: DEFAULT_MAX_AGE_SECONDS,
        max_future_skew_seconds: DEFAULT_MAX_FUTURE_SKEW_SECONDS,
    })
}
