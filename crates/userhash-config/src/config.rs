//! The config file as data: apps, environments, vendors and keys that name where their secrets
//! live; looked up by name, and resolved into keyrings and payload signers through a
//! [`SecretSource`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use userhash::{Freshness, Keyring, Scheme, Secret, Signer};
use zeroize::Zeroizing;

use crate::builder::ConfigBuilder;
use crate::error::{ConfigError, Location, SourceError};
use crate::parse;
use crate::payload::PayloadSigner;
use crate::shared_keys;
use crate::source::{SecretRef, SecretSource};

/// A parsed keyring config: apps, each with environments, each with one or more vendors, each
/// with a scheme, labelled keys that name where their secrets live, and how a payload uses them.
///
/// Parsing checks everything that can be checked without the secrets — TOML syntax, unknown
/// fields, scheme names and specs, labels and key ids, a key with both or neither of `env` and
/// `file`, empty tables, one variable or file named as the key of a hash scheme and of a JWT
/// scheme — and reads no environment variable and no file besides the config itself.
/// [`Config::keyring`], [`Config::vendor_keyring`] and [`Config::payload_signer`] then read the
/// secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub(crate) file: Option<PathBuf>,
    pub(crate) apps: Vec<App>,
    pub(crate) shares_hash_and_jwt_keys: bool,
}

/// One app of a [`Config`]: its environments, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub(crate) name: String,
    pub(crate) environments: Vec<Environment>,
}

/// One app's environment (`production`, `test`, ...): the vendors it signs for.
///
/// Written either as `[apps.<app>.<env>.vendors.<vendor>]` tables, or in the single-scheme form
/// (`scheme` and `keys` in the environment's own table), which is one vendor named after its
/// scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub(crate) at: Location,
    pub(crate) name: String,
    pub(crate) vendors: Vec<Vendor>,
}

/// One vendor of an environment: a scheme, a freshness policy, keys, and how a payload signs
/// for each platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    pub(crate) at: Location,
    pub(crate) name: String,
    pub(crate) scheme: Scheme,
    pub(crate) freshness: Freshness,
    pub(crate) keys: Vec<Key>,
    pub(crate) all_platforms: Option<String>,
    pub(crate) payload_key: String,
}

/// One labelled key of a vendor, where its secret lives, and its JWT key id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub(crate) at: Location,
    pub(crate) label: String,
    pub(crate) source: KeySource,
    pub(crate) key_id: Option<String>,
}

/// Where a key's secret comes from: named by the config (a variable or a file), or handed to
/// the [`ConfigBuilder`] by a framework that read it from its own settings.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum KeySource {
    /// Read through the [`SecretSource`] at resolution.
    Named(SecretRef),
    /// Given to the builder; wiped when the last copy of the config drops.
    Given(Arc<Zeroizing<String>>),
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Named(reference) => write!(f, "{reference:?}"),
            KeySource::Given(_) => f.write_str("Given(..)"),
        }
    }
}

impl Config {
    /// Parses config text. Relative secret-file paths stay as written (relative to the working
    /// directory); use [`Config::parse_file`] or [`Config::load`] for text read from a file.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the place in the text.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        parse::parse_text(text, None)
    }

    /// Parses text read from `path`: errors name the file, and relative secret-file paths are
    /// resolved against the file's directory.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the file and the place in it.
    pub fn parse_file(text: &str, path: &Path) -> Result<Config, ConfigError> {
        parse::parse_text(text, Some(path))
    }

    /// Reads and parses the config file at `path` (see [`Config::parse_file`]).
    ///
    /// # Errors
    /// [`ConfigError::Read`], or a parse error.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::parse_file(&text, path)
    }

    /// A builder, for a framework that assembles the config from its own settings.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::new()
    }

    /// The file the config was read from, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The apps, in file order.
    pub fn apps(&self) -> &[App] {
        &self.apps
    }

    /// Whether the file sets `dangerously_share_hash_and_jwt_keys`: one key may then serve a
    /// hash scheme and a JWT scheme (during a migration), and every hash signer resolved from
    /// this config refuses identifiers that are JWT signing inputs.
    pub fn shares_hash_and_jwt_keys(&self) -> bool {
        self.shares_hash_and_jwt_keys
    }

    /// The app named `app`.
    ///
    /// # Errors
    /// [`ConfigError::UnknownApp`], listing the apps.
    pub fn app(&self, app: &str) -> Result<&App, ConfigError> {
        self.apps
            .iter()
            .find(|have| have.name == app)
            .ok_or_else(|| ConfigError::UnknownApp {
                at: Location::root(self.file.clone()),
                app: app.to_owned(),
                known: names(self.apps.iter().map(App::name)),
            })
    }

    /// The environment `environment` of the app `app`.
    ///
    /// # Errors
    /// [`ConfigError::UnknownApp`] or [`ConfigError::UnknownEnvironment`], listing the names
    /// that exist.
    pub fn environment(&self, app: &str, environment: &str) -> Result<&Environment, ConfigError> {
        let found = self.app(app)?;
        found
            .environments
            .iter()
            .find(|have| have.name == environment)
            .ok_or_else(|| ConfigError::UnknownEnvironment {
                at: Location::root(self.file.clone()).child("apps").child(app),
                app: app.to_owned(),
                environment: environment.to_owned(),
                known: names(found.environments.iter().map(Environment::name)),
            })
    }

    /// The vendor `vendor` of one app's environment, or its only vendor when `vendor` is `None`.
    ///
    /// # Errors
    /// As [`Config::environment`], or [`ConfigError::UnknownVendor`].
    pub fn vendor(
        &self,
        app: &str,
        environment: &str,
        vendor: Option<&str>,
    ) -> Result<&Vendor, ConfigError> {
        self.environment(app, environment)?.vendor(vendor)
    }

    /// The keyring (its scheme, and secrets read through `secrets`, labels in file order) and the
    /// freshness policy of one app's environment, which must have one vendor (the single-scheme
    /// form has); see [`Config::vendor_keyring`] for several.
    ///
    /// ```
    /// use userhash_config::{Config, MemorySecrets};
    ///
    /// let config = Config::parse(r#"
    ///     [apps.acme.production]
    ///     scheme = "intercom"
    ///     keys.web = { env = "WEB_SECRET" }
    ///     keys.ios = { file = "/run/secrets/ios" }
    /// "#)?;
    /// let secrets = MemorySecrets::new()
    ///     .with_env("WEB_SECRET", "web-secret")
    ///     .with_file("/run/secrets/ios", "ios-secret");
    /// let (keyring, _freshness) = config.keyring("acme", "production", &secrets)?;
    /// assert_eq!(keyring.scheme().name(), "intercom");
    /// assert_eq!(keyring.labels().collect::<Vec<_>>(), ["web", "ios"]);
    /// # Ok::<(), userhash_config::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Config::vendor_keyring`].
    pub fn keyring(
        &self,
        app: &str,
        environment: &str,
        secrets: &dyn SecretSource,
    ) -> Result<(Keyring, Freshness), ConfigError> {
        self.vendor_keyring(app, environment, None, secrets)
    }

    /// The keyring (with its scheme) and freshness policy of one vendor of an app's environment (its only
    /// vendor when `vendor` is `None`). A key with a `key_id` is labelled by its key id in the
    /// keyring, so a verifier finds it by a JWT's `kid`; other keys by their label.
    ///
    /// Every secret of the file that `secrets` can read is compared too: a key that serves both
    /// a hash scheme and a JWT scheme is refused unless the file opts in with
    /// `dangerously_share_hash_and_jwt_keys` — and then the keyring's signers refuse JWT
    /// signing inputs.
    ///
    /// # Errors
    /// [`ConfigError::UnknownApp`], [`ConfigError::UnknownEnvironment`],
    /// [`ConfigError::UnknownVendor`], [`ConfigError::SecretUnavailable`] (naming the variable
    /// or file), [`ConfigError::InvalidSecret`] or [`ConfigError::SharedKey`].
    pub fn vendor_keyring(
        &self,
        app: &str,
        environment: &str,
        vendor: Option<&str>,
        secrets: &dyn SecretSource,
    ) -> Result<(Keyring, Freshness), ConfigError> {
        let vendor = self.vendor(app, environment, vendor)?;
        let keyring = self.resolve(vendor, secrets)?.keyring;
        shared_keys::check_secrets(self, secrets)?;
        Ok((keyring, vendor.freshness))
    }

    /// A payload signer for every vendor of one app's environment: secrets read through
    /// `secrets` once, signers made once. See [`PayloadSigner`].
    ///
    /// # Errors
    /// As [`Config::vendor_keyring`], for any of the environment's vendors.
    pub fn payload_signer(
        &self,
        app: &str,
        environment: &str,
        secrets: &dyn SecretSource,
    ) -> Result<PayloadSigner, ConfigError> {
        let environment = self.environment(app, environment)?;
        let vendors = environment
            .vendors
            .iter()
            .map(|vendor| Ok((vendor, self.resolve(vendor, secrets)?)))
            .collect::<Result<Vec<_>, ConfigError>>()?;
        shared_keys::check_secrets(self, secrets)?;
        Ok(PayloadSigner::new(environment, vendors))
    }

    /// Every vendor of every environment, in file order.
    pub(crate) fn all_vendors(&self) -> impl Iterator<Item = &Vendor> {
        self.apps
            .iter()
            .flat_map(|app| &app.environments)
            .flat_map(|environment| &environment.vendors)
    }

    /// Reads and decodes a vendor's secrets: its keyring, and a signer per config label.
    fn resolve(
        &self,
        vendor: &Vendor,
        secrets: &dyn SecretSource,
    ) -> Result<Resolved, ConfigError> {
        let mut keyring = Keyring::new(vendor.scheme.clone());
        for key in &vendor.keys {
            let secret = key.decode(&vendor.scheme, secrets)?;
            keyring
                .insert(key.keyring_label(), secret)
                .map_err(|source| ConfigError::Label {
                    at: key.at.clone(),
                    source,
                })?;
        }
        if self.shares_hash_and_jwt_keys {
            keyring = keyring.with_jwt_input_guard();
        }
        let signers = vendor
            .keys
            .iter()
            .map(|key| {
                let signer = keyring.signer(key.keyring_label());
                let signer = match (&key.key_id, signer) {
                    (Some(key_id), Ok(signer)) => signer.with_key_id(key_id),
                    (_, signer) => signer,
                };
                signer
                    .map(|signer| (key.label.clone(), signer))
                    .map_err(|source| ConfigError::Label {
                        at: key.at.clone(),
                        source,
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Resolved { keyring, signers })
    }
}

/// A vendor's secrets, read and decoded.
pub(crate) struct Resolved {
    /// Labelled by key id where there is one.
    pub(crate) keyring: Keyring,
    /// One signer per key, by the key's label in the config.
    pub(crate) signers: Vec<(String, Signer)>,
}

impl App {
    /// The app's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The app's environments, in file order.
    pub fn environments(&self) -> &[Environment] {
        &self.environments
    }
}

impl Environment {
    /// The app this environment belongs to.
    pub fn app(&self) -> &str {
        self.at.app().unwrap_or_default()
    }

    /// The environment's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its vendors, in file order (one, named after its scheme, in the single-scheme form).
    pub fn vendors(&self) -> &[Vendor] {
        &self.vendors
    }

    /// True when the environment is written in the single-scheme form (`scheme` and `keys` in
    /// its own table): one vendor, named after its scheme.
    pub fn is_single_scheme(&self) -> bool {
        matches!(self.vendors.as_slice(), [only] if only.at.path() == self.at.path())
    }

    /// The vendor named `vendor`, or the only vendor when `vendor` is `None`.
    ///
    /// # Errors
    /// [`ConfigError::UnknownVendor`], listing the vendors.
    pub fn vendor(&self, vendor: Option<&str>) -> Result<&Vendor, ConfigError> {
        let found = match vendor {
            Some(name) => self.vendors.iter().find(|have| have.name == name),
            None if self.vendors.len() == 1 => self.vendors.first(),
            None => None,
        };
        found.ok_or_else(|| ConfigError::UnknownVendor {
            at: self.at.clone(),
            vendor: vendor.map(str::to_owned),
            known: names(self.vendors.iter().map(Vendor::name)),
        })
    }
}

impl Vendor {
    /// The vendor's name: its table's name, or its scheme's in the single-scheme form.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The scheme its tokens follow.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// Its freshness policy: the file's `max_age_seconds` / `max_future_skew_seconds`, or the
    /// core's defaults.
    pub fn freshness(&self) -> Freshness {
        self.freshness
    }

    /// Its keys, in file order.
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The label of the key that serves every platform, when the file says one does
    /// (`all_platforms = "<label>"`); otherwise a payload for platform `P` uses the key `P`.
    pub fn all_platforms(&self) -> Option<&str> {
        self.all_platforms.as_deref()
    }

    /// The JSON member that holds this vendor's token in a payload: the file's `payload_key`,
    /// else the preset's ([`userhash::presets::Preset::payload_key`]), else `token`.
    pub fn payload_key(&self) -> &str {
        &self.payload_key
    }

    /// The place of the vendor's table (the environment's, in the single-scheme form).
    pub(crate) fn location(&self) -> &Location {
        &self.at
    }
}

impl Key {
    /// The key's label (`ios`, `web`, `previous`, ...).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Where its secret lives; `None` for a secret given to the [`ConfigBuilder`].
    pub fn secret(&self) -> Option<&SecretRef> {
        match &self.source {
            KeySource::Named(reference) => Some(reference),
            KeySource::Given(_) => None,
        }
    }

    /// The JWT `kid` it signs with, when the file gives one (`key_id = "..."`).
    pub fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    /// The label it has in a resolved keyring: its key id, else its label.
    pub fn keyring_label(&self) -> &str {
        self.key_id.as_deref().unwrap_or(&self.label)
    }

    /// The secret text, read through `secrets` (or as given to the builder).
    pub(crate) fn read(
        &self,
        secrets: &dyn SecretSource,
    ) -> Result<Zeroizing<String>, SourceError> {
        match &self.source {
            KeySource::Named(reference) => secrets.read(reference),
            KeySource::Given(text) => Ok(Zeroizing::new(text.as_str().to_owned())),
        }
    }

    /// The secret, read and decoded the scheme's way.
    pub(crate) fn decode(
        &self,
        scheme: &Scheme,
        secrets: &dyn SecretSource,
    ) -> Result<Secret, ConfigError> {
        let text = self
            .read(secrets)
            .map_err(|source| ConfigError::SecretUnavailable {
                at: self.at.clone(),
                source,
            })?;
        Secret::for_scheme(scheme, &text).map_err(|source| ConfigError::InvalidSecret {
            at: self.at.clone(),
            source,
        })
    }
}

/// Names as a comma-separated list of quoted strings, or `none`.
pub(crate) fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|name| format!("{name:?}")).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use userhash::Identity;

    use super::Config;
    use crate::error::{ConfigError, ConfigErrorKind};
    use crate::source::MemorySecrets;

    const VENDORS: &str = r#"
[apps.acme.production.vendors.intercom]
scheme = "intercom"
keys.web = { env = "IW" }
keys.ios = { env = "II" }

[apps.acme.production.vendors.support]
scheme = "subject=email,output=base64"
keys.web = { env = "S" }

[apps.acme.production.vendors.zendesk]
scheme = "zendesk"
all_platforms = "messaging"
payload_key = "zendeskJwt"
keys.messaging = { env = "Z", key_id = "app_1" }

[apps.acme.test]
scheme = "intercom"
keys.web = { env = "T" }
"#;

    fn error(text: &str) -> ConfigError {
        Config::parse(text).expect_err("the config should be rejected")
    }

    #[test]
    fn environments_hold_vendors_or_one_scheme() {
        let config = Config::parse(VENDORS).unwrap();
        let production = config.environment("acme", "production").unwrap();
        assert!(!production.is_single_scheme());
        let names: Vec<&str> = production.vendors().iter().map(|v| v.name()).collect();
        assert_eq!(names, ["intercom", "support", "zendesk"]);
        let keys: Vec<&str> = production.vendors()[0]
            .keys()
            .iter()
            .map(|k| k.label())
            .collect();
        assert_eq!(keys, ["web", "ios"]);
        let payload_keys: Vec<&str> = production
            .vendors()
            .iter()
            .map(|v| v.payload_key())
            .collect();
        assert_eq!(payload_keys, ["user_hash", "token", "zendeskJwt"]);
        let zendesk = config
            .vendor("acme", "production", Some("zendesk"))
            .unwrap();
        assert_eq!(zendesk.all_platforms(), Some("messaging"));
        assert_eq!(zendesk.keys()[0].key_id(), Some("app_1"));
        assert_eq!(zendesk.keys()[0].keyring_label(), "app_1");

        // The single-scheme form is one vendor named after its scheme.
        let test = config.environment("acme", "test").unwrap();
        assert!(test.is_single_scheme());
        assert_eq!(
            config.vendor("acme", "test", None).unwrap().name(),
            "intercom"
        );
        assert_eq!(
            config
                .vendor("acme", "test", Some("intercom"))
                .unwrap()
                .name(),
            "intercom"
        );
    }

    #[test]
    fn an_environment_of_several_vendors_needs_one_named() {
        let config = Config::parse(VENDORS).unwrap();
        let several = config.vendor("acme", "production", None).unwrap_err();
        assert_eq!(several.kind(), ConfigErrorKind::UnknownVendor);
        assert!(
            several.to_string().contains("name the one to use"),
            "{several}"
        );
        let secrets = MemorySecrets::new();
        let keyring = config.keyring("acme", "production", &secrets).unwrap_err();
        assert_eq!(keyring.kind(), ConfigErrorKind::UnknownVendor);
        let unknown = config
            .vendor("acme", "production", Some("crisp"))
            .unwrap_err();
        assert!(
            unknown.to_string().contains(
                "no vendor named \"crisp\"; its vendors are \"intercom\", \"support\", \"zendesk\""
            ),
            "{unknown}"
        );
    }

    #[test]
    fn resolution_errors_name_the_vendor_and_key() {
        let config = Config::parse(VENDORS).unwrap();
        let secrets = MemorySecrets::new().with_env("IW", "a").with_env("II", "b");
        let error = config
            .payload_signer("acme", "production", &secrets)
            .unwrap_err();
        assert_eq!(error.kind(), ConfigErrorKind::SecretUnavailable);
        let at = error.location().unwrap();
        assert_eq!((at.vendor(), at.label()), (Some("support"), Some("web")));
        assert_eq!(at.path(), "apps.acme.production.vendors.support.keys.web");
        assert!(error.to_string().contains("env S"), "{error}");
    }

    #[test]
    fn vendor_tables_are_checked() {
        let base = "[apps.a.b.vendors.v]\nscheme = \"intercom\"\n";
        let cases: [(String, &str); 10] = [
            // Mixing the two forms.
            (
                "[apps.a.b]\nscheme = \"intercom\"\nvendors.v = { scheme = \"intercom\", keys.web = { env = \"A\" } }".into(),
                "has no scheme of its own",
            ),
            ("[apps.a.b]\nvendors = {}".into(), "the vendors table is empty"),
            (format!("{base}keys.web = {{ env = \"A\" }}\ncolour = 1"), "unknown field \"colour\"; expected scheme, keys"),
            (format!("{base}keys.web = {{ env = \"A\" }}\nall_platforms = \"ios\""), "all_platforms: names no key of this vendor; its keys are \"web\""),
            (format!("{base}keys.web = {{ env = \"A\", key_id = \"k\" }}"), "writes a bare hash, which names no key; remove key_id"),
            (format!("{base}keys.web = {{ env = \"A\" }}\npayload_key = \"user_id\""), "a member every payload entry may use for itself"),
            (format!("{base}keys.web = {{ env = \"A\" }}\npayload_key = \"a b\""), "1-64 characters"),
            (
                "[apps.a.b.vendors.z]\nscheme = \"zendesk\"\nkeys.web = { env = \"A\", key_id = \"ios\" }\nkeys.ios = { env = \"B\" }".into(),
                "key id \"ios\" is also the label or key id of another key",
            ),
            ("[apps.a.b.vendors.\" \"]\nscheme = \"intercom\"\nkeys.web = { env = \"A\" }".into(), "the vendor name must be non-empty"),
            ("[apps.a.b.vendors.v]\nkeys.web = { env = \"A\" }".into(), "missing scheme"),
        ];
        for (text, expected) in cases {
            let error = error(&text);
            assert_eq!(error.code(), "config_invalid", "{error}");
            assert!(
                error.to_string().contains(expected),
                "{error}\nexpected {expected:?}"
            );
        }
        let label = error(
            "[apps.a.b.vendors.z]\nscheme = \"zendesk\"\nkeys.web = { env = \"A\", key_id = \"App 1\" }",
        );
        assert_eq!(label.code(), "invalid_label", "{label}");
        assert!(
            label.to_string().contains("vendors.z.keys.web.key_id"),
            "{label}"
        );
    }

    #[test]
    fn freshness_above_the_cores_ceiling_is_refused_when_parsed() {
        let error = error(
            "[apps.a.b.vendors.jimo]\nscheme = \"jimo\"\nmax_age_seconds = 99999999\nkeys.web = { env = \"A\" }",
        );
        assert_eq!(error.code(), "config_invalid", "{error}");
        let message = error.to_string();
        assert!(
            message.contains("apps.a.b.vendors.jimo") && message.contains("max_age_seconds"),
            "{message}"
        );
    }

    #[test]
    fn a_key_id_is_the_kid_and_the_keyring_label() {
        let config = Config::parse(VENDORS).unwrap();
        let secrets = MemorySecrets::new().with_env("Z", "zendesk-secret");
        let (keyring, _) = config
            .vendor_keyring("acme", "production", Some("zendesk"), &secrets)
            .unwrap();
        assert_eq!(keyring.labels().collect::<Vec<_>>(), ["app_1"]);
        let token = keyring
            .signer("app_1")
            .unwrap()
            .sign_at(&Identity::from_user_id("42"), 1_000)
            .unwrap();
        let verifier = userhash::Verifier::new(keyring).unwrap();
        assert_eq!(
            verifier
                .verify_at(&Identity::from_user_id("42"), &token, 1_060)
                .unwrap()
                .label,
            "app_1"
        );
    }
}
