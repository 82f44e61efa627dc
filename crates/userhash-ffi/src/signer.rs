//! The app server's side: sign identities under one scheme with one key.

use std::sync::Arc;

use zeroize::Zeroizing;

use userhash::{Attributes as CoreAttributes, Secret as CoreSecret, Signer as CoreSigner};

use crate::error::{ErrorCode, code_and_message};
use crate::lane::generated_call;
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

/// What a signer adds to a JWT beyond the identity; every field is optional. An attribute the
/// scheme has no claim for is an error, never silently dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct Attributes {
    /// The user's display name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// Whether the app has verified the email (Zendesk's `email_verified`).
    #[uniffi(default)]
    pub email_verified: Option<bool>,
    /// The account (company) the user belongs to (Pendo's `account.id`).
    #[uniffi(default)]
    pub account_id: Option<String>,
    /// A single-use value (Pendo requires one per token).
    #[uniffi(default)]
    pub nonce: Option<String>,
    /// Seconds from issue to expiry; one hour when absent.
    #[uniffi(default)]
    pub expires_in: Option<u64>,
    /// More claims as the text of one JSON object (e.g. Featurebase `companies`), merged into
    /// the claims userhash writes without replacing any of them.
    #[uniffi(default)]
    pub extra_claims: Option<String>,
}

impl From<Attributes> for CoreAttributes {
    fn from(attributes: Attributes) -> CoreAttributes {
        let mut core = CoreAttributes::new();
        core.name = attributes.name;
        core.email_verified = attributes.email_verified;
        core.account_id = attributes.account_id;
        core.nonce = attributes.nonce;
        core.expires_in = attributes.expires_in;
        core.extra_claims = attributes.extra_claims;
        core
    }
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
        generated_call();
        let secret = Zeroizing::new(secret);
        let key = CoreSecret::for_scheme(&scheme.inner, &secret)?;
        Ok(Arc::new(Signer {
            inner: CoreSigner::new(scheme.inner.clone(), &key),
        }))
    }

    /// This signer naming its key `key_id` in the JWT `kid` header (Zendesk's key id). The key
    /// id must be a valid keyring label; a keyring's `signer(label)` does this by itself.
    pub fn with_key_id(&self, key_id: String) -> Result<Arc<Signer>> {
        generated_call();
        Ok(Arc::new(Signer {
            inner: self.inner.clone().with_key_id(&key_id)?,
        }))
    }

    /// This signer refusing to hash an identifier that is a JWT signing input (the error
    /// `JwtSigningInput`): for a hash key that a JWT scheme shares during a migration, where the
    /// hash of `header.claims` would be a valid JWT signature. `john.doe` and every ordinary
    /// identifier sign as before. A config that opts in to sharing keys does this by itself.
    pub fn with_jwt_input_guard(&self) -> Result<Arc<Signer>> {
        Ok(Arc::new(Signer {
            inner: self.inner.clone().with_jwt_input_guard(),
        }))
    }

    /// The key id written in the `kid` header of JWTs, if any.
    pub fn key_id(&self) -> Result<Option<String>> {
        generated_call();
        Ok(self.inner.key_id().map(str::to_owned))
    }

    /// The token for `identity`; timestamped schemes use the current time, and JWTs are issued
    /// now.
    pub fn sign(&self, identity: Identity) -> Result<String> {
        generated_call();
        Ok(self.inner.sign(&identity.into())?)
    }

    /// The token for `identity` stamped with `unix_seconds` (timestamped schemes), or issued
    /// then (JWT schemes).
    pub fn sign_at(&self, identity: Identity, unix_seconds: u64) -> Result<String> {
        generated_call();
        Ok(self.inner.sign_at(&identity.into(), unix_seconds)?)
    }

    /// The JWT for `identity` with `attributes`, issued now.
    pub fn sign_with(&self, identity: Identity, attributes: Attributes) -> Result<String> {
        generated_call();
        Ok(self.inner.sign_with(&identity.into(), &attributes.into())?)
    }

    /// The JWT for `identity` with `attributes`, issued at `unix_seconds`.
    pub fn sign_with_at(
        &self,
        identity: Identity,
        attributes: Attributes,
        unix_seconds: u64,
    ) -> Result<String> {
        generated_call();
        Ok(self
            .inner
            .sign_with_at(&identity.into(), &attributes.into(), unix_seconds)?)
    }

    /// One entry per identity, in order; a bad identity fails alone.
    pub fn sign_batch(&self, identities: Vec<Identity>) -> Result<Vec<BatchEntry>> {
        generated_call();
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
        generated_call();
        Ok(self.inner.fingerprint().to_owned())
    }

    /// The scheme this signer follows.
    pub fn scheme(&self) -> Result<Arc<Scheme>> {
        generated_call();
        Ok(Arc::new(Scheme {
            inner: self.inner.scheme().clone(),
        }))
    }
}
