//! The payload: every configured vendor's token for one identity on one platform.

use std::sync::Arc;

use userhash_config::{
    ConfigError, Payload as CorePayload, PayloadEntry as CoreEntry, PayloadOptions,
    PayloadSigner as CoreSigner, VendorFailures as CoreFailures,
};

use crate::lane::generated_call;
use crate::mirror::mirror_enum;
use crate::{Attributes, ErrorCode, Identity, Result};

mirror_enum! {
    /// What a payload does when a vendor cannot be signed.
    pub enum VendorFailures mirrors CoreFailures {
        /// Report the failure in the vendor's slot and sign the others (the default).
        Report,
        /// Raise the first failing vendor's error instead of returning a payload.
        Raise,
    }
}

/// Signs payloads for every vendor of one app's environment (`Config.payload_signer`). Share
/// one across threads.
#[derive(Debug, uniffi::Object)]
pub struct PayloadSigner {
    pub(crate) inner: CoreSigner,
}

#[uniffi::export]
impl PayloadSigner {
    /// The vendors, in the config's order: the members of every payload.
    pub fn vendors(&self) -> Result<Vec<String>> {
        generated_call();
        Ok(self.inner.vendors().map(str::to_owned).collect())
    }

    /// The platforms some vendor has its own key for, in the config's order.
    pub fn platforms(&self) -> Result<Vec<String>> {
        generated_call();
        Ok(self.inner.platforms().to_vec())
    }

    /// Every vendor's token for `identity` on `platform` (`web`, `ios`, `android`, ...), each
    /// signed with that platform's key (or the one key a vendor says serves every platform).
    /// JWT vendors take the `attributes` they have claims for and are issued at `at` (Unix
    /// seconds; the clock, read once, when absent). A vendor that cannot be signed fails in its
    /// slot, or raises its error with `failures = Raise`. A platform no vendor has a key for
    /// raises `ConfigUnknownPlatform`.
    #[uniffi::method(default(attributes = None, at = None, failures = None))]
    pub fn payload(
        &self,
        identity: Identity,
        platform: String,
        attributes: Option<Attributes>,
        at: Option<u64>,
        failures: Option<VendorFailures>,
    ) -> Result<Arc<Payload>> {
        generated_call();
        let options = PayloadOptions {
            attributes: attributes.map(Into::into).unwrap_or_default(),
            at,
            failures: failures.map_or(CoreFailures::Report, Into::into),
        };
        let inner = self.inner.payload(&identity.into(), &platform, &options)?;
        Ok(Arc::new(Payload { inner }))
    }
}

/// One vendor's part of a payload: its token under its payload key (the client SDK's parameter)
/// with the identity fields a hash was made over, or why it could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PayloadEntry {
    /// The vendor's name in the config.
    pub vendor: String,
    /// Its scheme: a preset name, or a custom spec.
    pub scheme: String,
    /// The JSON member its token goes under (`user_hash`, `jwt`, ...).
    pub payload_key: String,
    /// The token, when the vendor was signed.
    pub token: Option<String>,
    /// The user id a hash was made over (absent for JWTs, which carry it inside).
    pub user_id: Option<String>,
    /// The email a hash was made over.
    pub email: Option<String>,
    /// Why the vendor could not be signed, when it could not.
    pub error_code: Option<ErrorCode>,
    /// The reason in plain words (never a secret), when it could not.
    pub error_message: Option<String>,
}

impl From<&CoreEntry> for PayloadEntry {
    fn from(entry: &CoreEntry) -> PayloadEntry {
        PayloadEntry {
            vendor: entry.vendor().to_owned(),
            scheme: entry.scheme().to_owned(),
            payload_key: entry.payload_key().to_owned(),
            token: entry.token().map(str::to_owned),
            user_id: entry.user_id().map(str::to_owned),
            email: entry.email().map(str::to_owned),
            error_code: entry.error().map(|error| error.kind().into()),
            error_message: entry.error().map(ConfigError::to_string),
        }
    }
}

/// Every vendor's token for one identity on one platform, in the config's vendor order.
/// `to_json()` is what a page or a `/me` endpoint returns: the same bytes in every language.
#[derive(Debug, uniffi::Object)]
pub struct Payload {
    inner: CorePayload,
}

#[uniffi::export]
impl Payload {
    /// The platform it was signed for.
    pub fn platform(&self) -> Result<String> {
        generated_call();
        Ok(self.inner.platform().to_owned())
    }

    /// The vendors, in the config's order.
    pub fn vendors(&self) -> Result<Vec<String>> {
        generated_call();
        Ok(self
            .inner
            .entries()
            .iter()
            .map(|entry| entry.vendor().to_owned())
            .collect())
    }

    /// One entry per vendor, in the config's order.
    pub fn entries(&self) -> Result<Vec<PayloadEntry>> {
        generated_call();
        Ok(self
            .inner
            .entries()
            .iter()
            .map(PayloadEntry::from)
            .collect())
    }

    /// The entry of `vendor`; `ConfigUnknownVendor` when the payload has none.
    pub fn entry(&self, vendor: String) -> Result<PayloadEntry> {
        generated_call();
        Ok(self.inner.entry(&vendor)?.into())
    }

    /// The token of `vendor`, when it was signed; `ConfigUnknownVendor` when the payload has no
    /// such vendor.
    pub fn token(&self, vendor: String) -> Result<Option<String>> {
        generated_call();
        Ok(self.entry(vendor)?.token)
    }

    /// The client parameter (payload key) `vendor`'s token goes under.
    pub fn payload_key(&self, vendor: String) -> Result<String> {
        generated_call();
        Ok(self.entry(vendor)?.payload_key)
    }

    /// True when every vendor was signed.
    pub fn is_complete(&self) -> Result<bool> {
        generated_call();
        Ok(self.inner.is_complete())
    }

    /// The compact JSON: one member per vendor holding the identity fields a hash was made
    /// over and the token under the vendor's payload key, or `{"error": "<code>"}`.
    pub fn to_json(&self) -> Result<String> {
        generated_call();
        Ok(self.inner.to_json())
    }
}
