//! A config assembled in code, for a framework that keeps its settings elsewhere (Django's
//! settings, Spring properties, environment variables it names itself).
//!
//! The builder writes the same table a config file would hold and [`ConfigBuilder::build`] runs
//! the file's own checks over it, so a built config obeys every rule of the file format and its
//! errors name the same key paths (`apps.acme.production.vendors.intercom.keys.web`). Unlike a
//! file, the builder may be handed a secret's value ([`ConfigBuilder::key_secret`]): a framework
//! has often read it already.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use toml::{Table, Value};
use zeroize::Zeroizing;

use crate::config::Config;
use crate::error::{ConfigError, Location};
use crate::parse::{self, SHARE_KEYS_FIELD};

/// Assembles a [`Config`] call by call: `vendor(...)` starts a vendor, and the calls after it
/// (keys, `all_platforms`, ...) describe that vendor.
///
/// ```
/// use userhash::Identity;
/// use userhash_config::{Config, OsSecrets, PayloadOptions};
///
/// let config = Config::builder()
///     .vendor("acme", "production", "intercom", "intercom")
///     .key_secret("web", "intercom-web-secret")
///     .key_secret("ios", "intercom-ios-secret")
///     .vendor("acme", "production", "crisp", "crisp")
///     .key_secret("website", "crisp-secret")
///     .all_platforms("website")
///     .build()?;
/// let signer = config.payload_signer("acme", "production", &OsSecrets)?;
/// let identity = Identity::from_user_id("42").with_email("ada@example.com");
/// let payload = signer.payload(&identity, "web", &PayloadOptions::default())?;
/// assert!(payload.is_complete());
/// # Ok::<(), userhash_config::ConfigError>(())
/// ```
///
/// Mistakes in the order of calls (a key before any vendor, a vendor or key added twice) are
/// reported by [`ConfigBuilder::build`], as is everything the file format refuses.
#[derive(Clone, Default)]
pub struct ConfigBuilder {
    apps: Table,
    given: Vec<Arc<Zeroizing<String>>>,
    current: Option<[String; 3]>,
    shares_keys: bool,
    mistake: Option<(Location, String)>,
}

impl ConfigBuilder {
    /// An empty config.
    pub fn new() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Adds the vendor `vendor` to the environment `environment` of the app `app`, signing with
    /// `scheme` (a preset name or a custom spec); the calls that follow describe it.
    #[must_use]
    pub fn vendor(mut self, app: &str, environment: &str, vendor: &str, scheme: &str) -> Self {
        let path = [app.to_owned(), environment.to_owned(), vendor.to_owned()];
        let Some(vendors) = table_at(&mut self.apps, &[app, environment, "vendors"]) else {
            return self;
        };
        if vendors.contains_key(vendor) {
            let at = vendor_location(&path);
            self.note(at, format!("vendor {vendor:?} is added twice"));
        } else {
            let mut table = Table::new();
            table.insert("scheme".to_owned(), Value::from(scheme));
            vendors.insert(vendor.to_owned(), Value::Table(table));
        }
        self.current = Some(path);
        self
    }

    /// The key labelled `label` serves every platform (the file's `all_platforms`).
    #[must_use]
    pub fn all_platforms(self, label: &str) -> Self {
        self.set("all_platforms", "all_platforms", Value::from(label))
    }

    /// The JSON member that holds this vendor's token in a payload (the file's `payload_key`).
    #[must_use]
    pub fn payload_key(self, key: &str) -> Self {
        self.set("payload_key", "payload_key", Value::from(key))
    }

    /// The largest accepted token age, for a timestamped scheme (the file's `max_age_seconds`:
    /// signed, as TOML's integers are, and refused when negative as in a file).
    #[must_use]
    pub fn max_age_seconds(self, seconds: i64) -> Self {
        self.set("max_age_seconds", "max_age_seconds", Value::from(seconds))
    }

    /// The largest accepted lead over the clock, for a timestamped scheme.
    #[must_use]
    pub fn max_future_skew_seconds(self, seconds: i64) -> Self {
        self.set(
            "max_future_skew_seconds",
            "max_future_skew_seconds",
            Value::from(seconds),
        )
    }

    /// A key labelled `label` whose secret is the environment variable `variable`.
    #[must_use]
    pub fn key_env(self, label: &str, variable: &str) -> Self {
        self.key("key_env", label, "env", Value::from(variable))
    }

    /// A key labelled `label` whose secret is the contents of the file `path` (trailing
    /// newlines removed).
    #[must_use]
    pub fn key_file(self, label: &str, path: &Path) -> Self {
        let path = path.to_string_lossy().into_owned();
        self.key("key_file", label, "file", Value::from(path))
    }

    /// A key labelled `label` whose secret is `secret` itself (the dashboard string, decoded the
    /// scheme's way). The config keeps it in memory, wiped when dropped, and never prints it.
    #[must_use]
    pub fn key_secret(mut self, label: &str, secret: &str) -> Self {
        let index = self.given.len();
        self.given.push(Arc::new(Zeroizing::new(secret.to_owned())));
        let index = i64::try_from(index).unwrap_or(i64::MAX);
        self.key("key_secret", label, "given", Value::from(index))
    }

    /// The JWT key id (`kid`) of the key labelled `label` (the file's `key_id`).
    #[must_use]
    pub fn key_id(mut self, label: &str, key_id: &str) -> Self {
        let Some(path) = self.current.clone() else {
            return self.before_vendor("key_id");
        };
        let at = vendor_location(&path).child("keys").child(label);
        match self.vendor_table(&path).and_then(|vendor| {
            vendor
                .get_mut("keys")
                .and_then(Value::as_table_mut)
                .and_then(|keys| keys.get_mut(label))
                .and_then(Value::as_table_mut)
        }) {
            Some(key) => {
                key.insert("key_id".to_owned(), Value::from(key_id));
            }
            None => self.note(
                at,
                format!("key_id for key {label:?}, which this vendor does not have (yet)"),
            ),
        }
        self
    }

    /// Lets one key serve a hash scheme and a JWT scheme, during a migration only: see
    /// `dangerously_share_hash_and_jwt_keys` in the crate docs.
    #[must_use]
    pub fn dangerously_share_hash_and_jwt_keys(mut self) -> Self {
        self.shares_keys = true;
        self
    }

    /// The config, checked as a file would be.
    ///
    /// # Errors
    /// A mistake in the calls, or anything a config file may not hold, as a [`ConfigError`]
    /// naming the key path.
    pub fn build(&self) -> Result<Config, ConfigError> {
        if let Some((at, reason)) = &self.mistake {
            return Err(ConfigError::InvalidValue {
                at: at.clone(),
                reason: reason.clone(),
            });
        }
        let mut table = Table::new();
        if !self.apps.is_empty() {
            table.insert("apps".to_owned(), Value::Table(self.apps.clone()));
        }
        if self.shares_keys {
            table.insert(SHARE_KEYS_FIELD.to_owned(), Value::Boolean(true));
        }
        parse::parse_table(&table, None, Some(&self.given))
    }

    fn key(mut self, call: &str, label: &str, field: &str, value: Value) -> Self {
        let Some(path) = self.current.clone() else {
            return self.before_vendor(call);
        };
        let at = vendor_location(&path).child("keys").child(label);
        let Some(vendor) = self.vendor_table(&path) else {
            return self;
        };
        let Some(keys) = table_at(vendor, &["keys"]) else {
            return self;
        };
        if keys.contains_key(label) {
            self.note(at, format!("key {label:?} is added twice"));
        } else {
            let mut key = Table::new();
            key.insert(field.to_owned(), value);
            keys.insert(label.to_owned(), Value::Table(key));
        }
        self
    }

    fn set(mut self, call: &str, field: &str, value: Value) -> Self {
        let Some(path) = self.current.clone() else {
            return self.before_vendor(call);
        };
        if let Some(vendor) = self.vendor_table(&path) {
            vendor.insert(field.to_owned(), value);
        }
        self
    }

    fn vendor_table(&mut self, path: &[String; 3]) -> Option<&mut Table> {
        let [app, environment, vendor] = path;
        self.apps
            .get_mut(app)?
            .as_table_mut()?
            .get_mut(environment)?
            .as_table_mut()?
            .get_mut("vendors")?
            .as_table_mut()?
            .get_mut(vendor)?
            .as_table_mut()
    }

    fn before_vendor(mut self, call: &str) -> Self {
        self.note(
            Location::root(None),
            format!(
                "{call} was called before any vendor: call vendor(app, environment, vendor, scheme) first"
            ),
        );
        self
    }

    /// Keeps the first mistake, for [`ConfigBuilder::build`] to report.
    fn note(&mut self, at: Location, reason: String) {
        if self.mistake.is_none() {
            self.mistake = Some((at, reason));
        }
    }
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The table holds indexes for given secrets, never their values.
        f.debug_struct("ConfigBuilder")
            .field("apps", &self.apps)
            .field("given_secrets", &self.given.len())
            .finish_non_exhaustive()
    }
}

/// The table at `path` under `table`, made (empty) where missing; `None` where something other
/// than a table is in the way (which the builder, the table's only writer, never puts there).
fn table_at<'a>(table: &'a mut Table, path: &[&str]) -> Option<&'a mut Table> {
    let mut table = table;
    for name in path {
        table = table
            .entry(*name)
            .or_insert_with(|| Value::Table(Table::new()))
            .as_table_mut()?;
    }
    Some(table)
}

/// `apps.<app>.<environment>.vendors.<vendor>`.
fn vendor_location([app, environment, vendor]: &[String; 3]) -> Location {
    Location::root(None)
        .child("apps")
        .child(app)
        .in_app(app)
        .child(environment)
        .in_environment(environment)
        .child("vendors")
        .child(vendor)
        .in_vendor(vendor)
}

#[cfg(test)]
mod tests {
    use userhash::Identity;

    use super::ConfigBuilder;
    use crate::PayloadOptions;
    use crate::config::Config;
    use crate::source::{MemorySecrets, OsSecrets, SecretRef};

    #[test]
    fn builds_what_the_file_would_hold() {
        let built = ConfigBuilder::new()
            .vendor("acme", "production", "intercom", "intercom")
            .key_env("web", "IW")
            .key_file("ios", std::path::Path::new("/run/secrets/ios"))
            .vendor("acme", "production", "zendesk", "zendesk")
            .key_env("messaging", "Z")
            .key_id("messaging", "app_1")
            .all_platforms("messaging")
            .payload_key("zendeskJwt")
            .vendor("widgets", "test", "jimo", "jimo")
            .key_env("web", "J")
            .max_age_seconds(600)
            .max_future_skew_seconds(30)
            .build()
            .unwrap();
        let parsed = Config::parse(
            r#"
[apps.acme.production.vendors.intercom]
scheme = "intercom"
keys.web = { env = "IW" }
keys.ios = { file = "/run/secrets/ios" }
[apps.acme.production.vendors.zendesk]
scheme = "zendesk"
keys.messaging = { env = "Z", key_id = "app_1" }
all_platforms = "messaging"
payload_key = "zendeskJwt"
[apps.widgets.test.vendors.jimo]
scheme = "jimo"
keys.web = { env = "J" }
max_age_seconds = 600
max_future_skew_seconds = 30
"#,
        )
        .unwrap();
        assert_eq!(built, parsed);
    }

    #[test]
    fn given_secrets_sign_and_never_print() {
        let secret = "given-secret-do-not-print";
        let builder = Config::builder()
            .vendor("a", "b", "intercom", "intercom")
            .key_secret("web", secret);
        let config = builder.build().unwrap();
        let key = &config.vendor("a", "b", None).unwrap().keys()[0];
        assert_eq!(key.secret(), None);
        for shown in [format!("{builder:?}"), format!("{config:?}")] {
            assert!(!shown.contains(secret), "{shown}");
        }
        let payload = config
            .payload_signer("a", "b", &OsSecrets)
            .unwrap()
            .payload(
                &Identity::from_user_id("42"),
                "web",
                &PayloadOptions::default(),
            )
            .unwrap();
        let direct = Config::parse("[apps.a.b]\nscheme = \"intercom\"\nkeys.web = { env = \"W\" }")
            .unwrap()
            .payload_signer("a", "b", &MemorySecrets::new().with_env("W", secret))
            .unwrap()
            .payload(
                &Identity::from_user_id("42"),
                "web",
                &PayloadOptions::default(),
            )
            .unwrap();
        assert_eq!(payload.to_json(), direct.to_json());
        // A given secret takes part in the shared-key check like any other.
        let shared = Config::builder()
            .vendor("a", "b", "hash", "intercom")
            .key_secret("web", secret)
            .vendor("a", "b", "jwt", "intercom-jwt")
            .key_secret("web", secret)
            .build()
            .unwrap();
        let error = shared.payload_signer("a", "b", &OsSecrets).unwrap_err();
        assert_eq!(error.code(), "config_shared_key");
        assert!(!error.to_string().contains(secret), "{error}");
        let allowed = Config::builder()
            .dangerously_share_hash_and_jwt_keys()
            .vendor("a", "b", "hash", "intercom")
            .key_secret("web", secret)
            .vendor("a", "b", "jwt", "intercom-jwt")
            .key_secret("web", secret)
            .build()
            .unwrap();
        assert!(allowed.shares_hash_and_jwt_keys());
        assert!(allowed.payload_signer("a", "b", &OsSecrets).is_ok());
    }

    #[test]
    fn mistakes_are_reported_by_build_with_their_place() {
        let cases = [
            (
                Config::builder().key_env("web", "W"),
                "key_env was called before any vendor",
            ),
            (
                Config::builder()
                    .vendor("a", "b", "v", "intercom")
                    .key_env("web", "W")
                    .vendor("a", "b", "v", "intercom"),
                "apps.a.b.vendors.v: vendor \"v\" is added twice",
            ),
            (
                Config::builder()
                    .vendor("a", "b", "v", "intercom")
                    .key_env("web", "W")
                    .key_secret("web", "s"),
                "apps.a.b.vendors.v.keys.web: key \"web\" is added twice",
            ),
            (
                Config::builder()
                    .vendor("a", "b", "v", "zendesk")
                    .key_id("web", "app_1"),
                "key_id for key \"web\", which this vendor does not have",
            ),
            (
                Config::builder()
                    .vendor("a", "b", "v", "intercomm")
                    .key_env("web", "W"),
                "apps.a.b.vendors.v.scheme: unknown scheme",
            ),
            (
                Config::builder()
                    .vendor("a", "b", "v", "jimo")
                    .key_env("web", "W")
                    .max_age_seconds(-1),
                "apps.a.b.vendors.v.max_age_seconds: must not be negative",
            ),
            (
                Config::builder()
                    .vendor("a", "b", "v", "jimo")
                    .key_env("web", "W")
                    .max_age_seconds(i64::MAX),
                "apps.a.b.vendors.v: invalid freshness policy: max_age_seconds",
            ),
            (Config::builder(), "missing apps"),
        ];
        for (builder, expected) in cases {
            let error = builder.build().unwrap_err();
            assert!(
                error.to_string().contains(expected),
                "{error}\nexpected {expected:?}"
            );
        }
        let from_file = ConfigBuilder::new()
            .vendor("a", "b", "v", "intercom")
            .key_env("web", "W")
            .build()
            .unwrap();
        assert_eq!(
            from_file.vendor("a", "b", None).unwrap().keys()[0].secret(),
            Some(&SecretRef::Env("W".into()))
        );
        // A file cannot use the builder's `given`.
        let error = Config::parse("[apps.a.b]\nscheme = \"intercom\"\nkeys.web = { given = 0 }")
            .unwrap_err();
        assert!(
            error.to_string().contains("unknown field \"given\""),
            "{error}"
        );
    }
}
