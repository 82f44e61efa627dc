//! The config file (`userhash-config`), loaded by the same Rust code in every language: apps,
//! environments, vendors, keys named by environment variable or file, and the builder.

use std::path::Path;
use std::sync::Arc;

use userhash_config::{Config as CoreConfig, ConfigBuilder as CoreBuilder, OsSecrets};
use zeroize::Zeroizing;

use crate::{Keyring, PayloadSigner, Result, Verifier};

/// A keyring config: apps, each with environments, each with one or more vendors (a scheme and
/// keys whose secrets live in environment variables or files, never in the config). Loading
/// reads the file only; secrets are read when a keyring, verifier or payload signer is made,
/// exactly as the `userhash` command reads them. Immutable; share it across threads.
#[derive(Debug, uniffi::Object)]
pub struct Config {
    inner: CoreConfig,
}

#[uniffi::export]
impl Config {
    /// Reads and checks the config file at `path`; relative secret-file paths are resolved
    /// against its directory. Errors name the file, the key path and the fix.
    #[uniffi::constructor]
    pub fn load(path: String) -> Result<Arc<Config>> {
        Ok(Config::wrap(CoreConfig::load(Path::new(&path))?))
    }

    /// Checks config text (relative secret-file paths stay relative to the working directory).
    #[uniffi::constructor]
    pub fn parse(text: String) -> Result<Arc<Config>> {
        Ok(Config::wrap(CoreConfig::parse(&text)?))
    }

    /// The apps, in file order.
    pub fn app_names(&self) -> Result<Vec<String>> {
        Ok(self
            .inner
            .apps()
            .iter()
            .map(|app| app.name().to_owned())
            .collect())
    }

    /// The environments of `app`, in file order.
    pub fn environment_names(&self, app: String) -> Result<Vec<String>> {
        Ok(self
            .inner
            .app(&app)?
            .environments()
            .iter()
            .map(|environment| environment.name().to_owned())
            .collect())
    }

    /// The vendors of one app's environment, in file order (one, named after its scheme, in the
    /// single-scheme form).
    pub fn vendor_names(&self, app: String, environment: String) -> Result<Vec<String>> {
        Ok(self
            .inner
            .environment(&app, &environment)?
            .vendors()
            .iter()
            .map(|vendor| vendor.name().to_owned())
            .collect())
    }

    /// Whether the file sets `dangerously_share_hash_and_jwt_keys` (its hash signers then refuse
    /// JWT signing inputs).
    pub fn shares_hash_and_jwt_keys(&self) -> Result<bool> {
        Ok(self.inner.shares_hash_and_jwt_keys())
    }

    /// The keyring of one vendor of an app's environment (its only vendor when `vendor` is
    /// absent), secrets read from their variables or files. A key with a `key_id` is labelled
    /// by it. Refuses a key that serves a hash and a JWT scheme anywhere in the file.
    #[uniffi::method(default(vendor = None))]
    pub fn keyring(
        &self,
        app: String,
        environment: String,
        vendor: Option<String>,
    ) -> Result<Arc<Keyring>> {
        let (keyring, _) =
            self.inner
                .vendor_keyring(&app, &environment, vendor.as_deref(), &OsSecrets)?;
        Ok(Arc::new(Keyring { inner: keyring }))
    }

    /// A verifier over that keyring with the vendor's freshness policy from the file.
    #[uniffi::method(default(vendor = None))]
    pub fn verifier(
        &self,
        app: String,
        environment: String,
        vendor: Option<String>,
    ) -> Result<Arc<Verifier>> {
        let (keyring, freshness) =
            self.inner
                .vendor_keyring(&app, &environment, vendor.as_deref(), &OsSecrets)?;
        Ok(Arc::new(Verifier {
            inner: userhash::Verifier::with_freshness(keyring, freshness)?,
        }))
    }

    /// A payload signer for every vendor of one app's environment: secrets read once, signers
    /// made once. Make it at start-up and share it.
    pub fn payload_signer(&self, app: String, environment: String) -> Result<Arc<PayloadSigner>> {
        Ok(Arc::new(PayloadSigner {
            inner: self.inner.payload_signer(&app, &environment, &OsSecrets)?,
        }))
    }
}

impl Config {
    fn wrap(inner: CoreConfig) -> Arc<Config> {
        Arc::new(Config { inner })
    }
}

/// Assembles a config in code, for a framework that keeps its settings elsewhere: `vendor(...)`
/// starts a vendor and the calls after it describe that vendor. Immutable: each call returns a
/// new builder. `build()` runs the config file's own checks, so its errors name the same key
/// paths (`apps.acme.production.vendors.intercom.keys.web`). A secret given with `key_secret`
/// is kept in memory, wiped when dropped, and never printed.
#[derive(Debug, Default, uniffi::Object)]
pub struct ConfigBuilder {
    inner: CoreBuilder,
}

#[uniffi::export]
impl ConfigBuilder {
    /// An empty config. `dangerously_share_hash_and_jwt_keys` lets one key serve a hash scheme
    /// and a JWT scheme, during a migration only (the file's top-level opt-in); the hash signers
    /// then refuse JWT signing inputs.
    #[uniffi::constructor(default(dangerously_share_hash_and_jwt_keys = false))]
    pub fn new(dangerously_share_hash_and_jwt_keys: bool) -> Arc<ConfigBuilder> {
        let inner = CoreBuilder::new();
        Arc::new(ConfigBuilder {
            inner: if dangerously_share_hash_and_jwt_keys {
                inner.dangerously_share_hash_and_jwt_keys()
            } else {
                inner
            },
        })
    }

    /// Adds the vendor `vendor` to the environment `environment` of the app `app`, signing with
    /// `scheme` (a preset name or a custom spec); the calls that follow describe it.
    pub fn vendor(
        &self,
        app: String,
        environment: String,
        vendor: String,
        scheme: String,
    ) -> Result<Arc<ConfigBuilder>> {
        self.with(|builder| builder.vendor(&app, &environment, &vendor, &scheme))
    }

    /// The key labelled `label` serves every platform (the file's `all_platforms`).
    pub fn all_platforms(&self, label: String) -> Result<Arc<ConfigBuilder>> {
        self.with(|builder| builder.all_platforms(&label))
    }

    /// The JSON member that holds this vendor's token in a payload (the file's `payload_key`).
    pub fn payload_key(&self, key: String) -> Result<Arc<ConfigBuilder>> {
        self.with(|builder| builder.payload_key(&key))
    }

    /// The largest accepted token age in seconds, for a timestamped scheme.
    pub fn max_age_seconds(&self, seconds: i64) -> Result<Arc<ConfigBuilder>> {
        self.with(|builder| builder.max_age_seconds(seconds))
    }

    /// The largest accepted lead over the clock in seconds, for a timestamped scheme.
    pub fn max_future_skew_seconds(&self, seconds: i64) -> Result<Arc<ConfigBuilder>> {
        self.with(|builder| builder.max_future_skew_seconds(seconds))
    }

    /// A key labelled `label` whose secret is the environment variable `variable`.
    pub fn key_env(&self, label: String, variable: String) -> Result<Arc<ConfigBuilder>> {
        self.with(|builder| builder.key_env(&label, &variable))
    }

    /// A key labelled `label` whose secret is the contents of the file `path`.
    pub fn key_file(&self, label: String, path: String) -> Result<Arc<ConfigBuilder>> {
        self.with(|builder| builder.key_file(&label, Path::new(&path)))
    }

    /// A key labelled `label` whose secret is `secret` itself (the dashboard string).
    pub fn key_secret(&self, label: String, secret: String) -> Result<Arc<ConfigBuilder>> {
        let secret = Zeroizing::new(secret);
        self.with(|builder| builder.key_secret(&label, &secret))
    }

    /// The JWT key id (`kid`) of the key labelled `label`.
    pub fn key_id(&self, label: String, key_id: String) -> Result<Arc<ConfigBuilder>> {
        self.with(|builder| builder.key_id(&label, &key_id))
    }

    /// The config, checked as a file would be.
    pub fn build(&self) -> Result<Arc<Config>> {
        Ok(Config::wrap(self.inner.build()?))
    }
}

impl ConfigBuilder {
    /// A new builder: this one with `change` applied.
    fn with(&self, change: impl FnOnce(CoreBuilder) -> CoreBuilder) -> Result<Arc<ConfigBuilder>> {
        Ok(Arc::new(ConfigBuilder {
            inner: change(self.inner.clone()),
        }))
    }
}
