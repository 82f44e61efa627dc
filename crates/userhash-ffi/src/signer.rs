//! The app server's side: sign identities under one scheme with one key.

use std::sync::Arc;

use zeroize::Zeroizing;

use userhash::{Secret as CoreSecret, Signer as CoreSigner};

use crate::error::{ErrorCode, code_and_message};
use crate::{Identity, Result, Scheme};

/// One identity's result in a batch: a token, or the reason it could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BatchEntry {
    /// The token, when signing succeeded.
    pub token: Option<String>,
    /// Why signing failed, when it did.
    pub error_code: Option<ErrorCode>,
    /// The failure in plain words, when signing failed.
    pub error_message: Option<String>,
}

/// Signs identities under one scheme with one secret. The key state is computed once; share one
/// signer across threads.
#[derive(Debug, uniffi::Object)]
pub struct Signer {
    pub(crate) inner: CoreSigner,
}

#[uniffi::export]
impl Signer {
    /// A signer for `scheme`, keyed by the dashboard `secret` (decoded as the scheme says).
    #[uniffi::constructor]
    pub fn new(scheme: Arc<Scheme>, secret: String) -> Result<Arc<Signer>> {
        let secret = Zeroizing::new(secret);
        let key = CoreSecret::for_scheme(&scheme.inner, &secret)?;
        Ok(Arc::new(Signer {
            inner: CoreSigner::new(scheme.inner.clone(), &key),
        }))
    }

    /// The token for `identity`; timestamped schemes use the current time.
    pub fn sign(&self, identity: Identity) -> Result<String> {
        Ok(self.inner.sign(&identity.into())?)
    }

    /// The token for `identity` stamped with `unix_seconds` (timestamped schemes only).
    pub fn sign_at(&self, identity: Identity, unix_seconds: u64) -> Result<String> {
        Ok(self.inner.sign_at(&identity.into(), unix_seconds)?)
    }

    /// One entry per identity, in order; a bad identity fails alone.
    pub fn sign_batch(&self, identities: Vec<Identity>) -> Result<Vec<BatchEntry>> {
        let identities: Vec<userhash::Identity> = identities.into_iter().map(Into::into).collect();
        Ok(self
            .inner
            .sign_batch(&identities)
            .into_iter()
            .map(|result| match result {
                Ok(token) => BatchEntry {
                    token: Some(token),
                    error_code: None,
                    error_message: None,
                },
                Err(error) => {
                    let (code, message) = code_and_message(&error);
                    BatchEntry {
                        token: None,
                        error_code: Some(code),
                        error_message: Some(message),
                    }
                }
            })
            .collect())
    }

    /// The key's fingerprint: names the key in logs without revealing it.
    pub fn fingerprint(&self) -> Result<String> {
        Ok(self.inner.fingerprint().to_owned())
    }

    /// The scheme this signer follows.
    pub fn scheme(&self) -> Result<Arc<Scheme>> {
        Ok(Arc::new(Scheme {
            inner: self.inner.scheme().clone(),
        }))
    }
}
