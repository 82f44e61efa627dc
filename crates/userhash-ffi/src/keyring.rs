//! Labelled secrets for one scheme: per-platform keys and key rotation.

use std::sync::Arc;

use zeroize::Zeroizing;

use userhash::Keyring as CoreKeyring;

use crate::{Result, Scheme, Signer};

/// Secrets by label (`ios`, `android`, `web`, `previous`, ...) for one scheme, in the order they
/// were added. Immutable: `with_key` returns a new keyring. Shows labels and fingerprints only.
#[derive(Debug, uniffi::Object)]
pub struct Keyring {
    pub(crate) inner: CoreKeyring,
}

#[uniffi::export]
impl Keyring {
    /// An empty keyring for `scheme`, which decides how secrets are decoded.
    #[uniffi::constructor]
    pub fn new(scheme: Arc<Scheme>) -> Result<Arc<Keyring>> {
        Ok(Arc::new(Keyring {
            inner: CoreKeyring::new(scheme.inner.clone()),
        }))
    }

    /// A keyring holding these keys plus `secret` under `label` (1-64 characters of
    /// `[a-z0-9_.-]`, not already used).
    pub fn with_key(&self, label: String, secret: String) -> Result<Arc<Keyring>> {
        let secret = Zeroizing::new(secret);
        let inner = self.inner.clone().with_key(&label, &secret)?;
        Ok(Arc::new(Keyring { inner }))
    }

    /// The scheme of every key.
    pub fn scheme(&self) -> Result<Arc<Scheme>> {
        Ok(Arc::new(Scheme {
            inner: self.inner.scheme().clone(),
        }))
    }

    /// The labels, in insertion order.
    pub fn labels(&self) -> Result<Vec<String>> {
        Ok(self.inner.labels().map(str::to_owned).collect())
    }

    /// The fingerprint of the key under `label`.
    pub fn fingerprint(&self, label: String) -> Result<String> {
        Ok(self.inner.fingerprint(&label)?)
    }

    /// A signer with the key under `label` — e.g. the `ios` key for the iOS app's users.
    pub fn signer(&self, label: String) -> Result<Arc<Signer>> {
        Ok(Arc::new(Signer {
            inner: self.inner.signer(&label)?,
        }))
    }
}
