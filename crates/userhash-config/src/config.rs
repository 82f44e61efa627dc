//! The config file: parsed and checked without touching any secret, then resolved into a
//! [`Keyring`] through a [`SecretSource`].

use std::path::{Path, PathBuf};

use toml::{Table, Value};
use userhash::{Freshness, Keyring, Scheme, Secret};

use crate::error::{ConfigError, Location};
use crate::source::{SecretRef, SecretSource};

/// The fields of the top-level table.
const TOP_FIELDS: &str = "apps";
/// The fields of an `[apps.<app>.<environment>]` table.
const ENVIRONMENT_FIELDS: &str = "scheme, max_age_seconds, max_future_skew_seconds, keys";
/// The fields of a key.
const KEY_FIELDS: &str = "env, file";
/// How to write a key, for error messages.
const KEY_HINT: &str = "; write keys.<label> = { env = \"VARIABLE\" } or { file = \"PATH\" } (secrets never go in the config file)";

/// A parsed keyring config: apps, each with environments, each with a scheme, an optional
/// freshness policy and labelled keys that name where their secrets live.
///
/// Parsing checks everything that can be checked without the secrets — TOML syntax, unknown
/// fields, scheme names and specs, labels, a key with both or neither of `env` and `file`, an
/// empty `keys` table — and reads no environment variable and no file besides the config itself.
/// [`Config::keyring`] then reads the secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    file: Option<PathBuf>,
    apps: Vec<App>,
}

/// One app of a [`Config`]: its environments, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    name: String,
    environments: Vec<Environment>,
}

/// One app's environment (`production`, `test`, ...): a scheme, a freshness policy and keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    at: Location,
    name: String,
    scheme: Scheme,
    freshness: Freshness,
    keys: Vec<Key>,
}

/// One labelled key of an environment and where its secret lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    label: String,
    secret: SecretRef,
}

impl Config {
    /// Parses config text. Relative secret-file paths stay as written (relative to the working
    /// directory); use [`Config::parse_file`] or [`Config::load`] for text read from a file.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the place in the text.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        parse(text, None)
    }

    /// Parses text read from `path`: errors name the file, and relative secret-file paths are
    /// resolved against the file's directory.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the file and the place in it.
    pub fn parse_file(text: &str, path: &Path) -> Result<Config, ConfigError> {
        parse(text, Some(path))
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

    /// The file the config was read from, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The apps, in file order.
    pub fn apps(&self) -> &[App] {
        &self.apps
    }

    /// The environment `environment` of the app `app`.
    ///
    /// # Errors
    /// [`ConfigError::UnknownApp`] or [`ConfigError::UnknownEnvironment`], listing the names
    /// that exist.
    pub fn environment(&self, app: &str, environment: &str) -> Result<&Environment, ConfigError> {
        let at = Location::root(self.file.clone());
        let found = self
            .apps
            .iter()
            .find(|have| have.name == app)
            .ok_or_else(|| ConfigError::UnknownApp {
                at: at.clone(),
                app: app.to_owned(),
                known: names(self.apps.iter().map(App::name)),
            })?;
        found
            .environments
            .iter()
            .find(|have| have.name == environment)
            .ok_or_else(|| ConfigError::UnknownEnvironment {
                at: at.child("apps").child(app),
                app: app.to_owned(),
                environment: environment.to_owned(),
                known: names(found.environments.iter().map(Environment::name)),
            })
    }

    /// The scheme, the keyring (secrets read through `secrets`, labels in file order) and the
    /// freshness policy of one app's environment.
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
    /// let (scheme, keyring, _freshness) = config.keyring("acme", "production", &secrets)?;
    /// assert_eq!(scheme.name(), "intercom");
    /// assert_eq!(keyring.labels().collect::<Vec<_>>(), ["web", "ios"]);
    /// # Ok::<(), userhash_config::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::UnknownApp`], [`ConfigError::UnknownEnvironment`],
    /// [`ConfigError::SecretUnavailable`] (naming the variable or file) or
    /// [`ConfigError::InvalidSecret`].
    pub fn keyring(
        &self,
        app: &str,
        environment: &str,
        secrets: &dyn SecretSource,
    ) -> Result<(Scheme, Keyring, Freshness), ConfigError> {
        let environment = self.environment(app, environment)?;
        let keyring = environment.keyring(secrets)?;
        Ok((environment.scheme.clone(), keyring, environment.freshness))
    }
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

    /// Reads every key's secret through `secrets` and decodes it the scheme's way.
    ///
    /// # Errors
    /// [`ConfigError::SecretUnavailable`] or [`ConfigError::InvalidSecret`], naming the key.
    pub fn keyring(&self, secrets: &dyn SecretSource) -> Result<Keyring, ConfigError> {
        let mut keyring = Keyring::new();
        for key in &self.keys {
            let at = self.at.child("keys").child(&key.label).at_label(&key.label);
            let text =
                secrets
                    .read(&key.secret)
                    .map_err(|source| ConfigError::SecretUnavailable {
                        at: at.clone(),
                        source,
                    })?;
            let secret = Secret::for_scheme(&self.scheme, &text).map_err(|source| {
                ConfigError::InvalidSecret {
                    at: at.clone(),
                    source,
                }
            })?;
            keyring
                .insert(&key.label, secret)
                .map_err(|source| ConfigError::Label { at, source })?;
        }
        Ok(keyring)
    }
}

impl Key {
    /// The key's label (`ios`, `web`, `previous`, ...).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Where its secret lives.
    pub fn secret(&self) -> &SecretRef {
        &self.secret
    }
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|name| format!("{name:?}")).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

fn parse(text: &str, file: Option<&Path>) -> Result<Config, ConfigError> {
    let root = Location::root(file.map(Path::to_owned));
    let table: Table = text.parse().map_err(|error: toml::de::Error| {
        let (line, column) = error
            .span()
            .map_or((1, 1), |span| line_and_column(text, span.start));
        ConfigError::Syntax {
            at: root.clone(),
            line,
            column,
            // The message only: the error's Display quotes the source line, which may hold a
            // secret someone pasted by mistake.
            message: error.message().trim_end().to_owned(),
        }
    })?;
    let base_dir = file.and_then(Path::parent);

    let mut apps_table = None;
    for (field, value) in &table {
        match field.as_str() {
            "apps" => apps_table = Some(expect_table(value, &root.child("apps"), "")?),
            other => return Err(unknown_field(&root, other, TOP_FIELDS)),
        }
    }
    let apps_at = root.child("apps");
    let apps_table = apps_table.ok_or_else(|| ConfigError::MissingField {
        at: root.clone(),
        field: "apps",
        hint: "; start with [apps.<app>.<environment>]",
    })?;
    if apps_table.is_empty() {
        return Err(ConfigError::Empty {
            at: apps_at,
            what: "the apps table".to_owned(),
            hint: "add [apps.<app>.<environment>] tables",
        });
    }

    let mut apps = Vec::new();
    for (app_name, app_value) in apps_table {
        let app_at = apps_at.child(app_name).in_app(app_name);
        check_name(app_name, &app_at, "app")?;
        let environments_table = expect_table(
            app_value,
            &app_at,
            "; write [apps.<app>.<environment>] tables",
        )?;
        if environments_table.is_empty() {
            return Err(ConfigError::Empty {
                at: app_at,
                what: format!("app {app_name:?}"),
                hint: "add an environment, e.g. [apps.<app>.production]",
            });
        }
        let mut environments = Vec::new();
        for (environment_name, environment_value) in environments_table {
            let at = app_at
                .child(environment_name)
                .in_environment(environment_name);
            check_name(environment_name, &at, "environment")?;
            environments.push(parse_environment(
                environment_name,
                environment_value,
                at,
                base_dir,
            )?);
        }
        apps.push(App {
            name: app_name.clone(),
            environments,
        });
    }
    Ok(Config {
        file: file.map(Path::to_owned),
        apps,
    })
}

fn parse_environment(
    name: &str,
    value: &Value,
    at: Location,
    base_dir: Option<&Path>,
) -> Result<Environment, ConfigError> {
    let table = expect_table(
        value,
        &at,
        "; an environment is a table with scheme and keys",
    )?;
    let mut scheme = None;
    let mut max_age = None;
    let mut max_future_skew = None;
    let mut keys_table = None;
    for (field, value) in table {
        let field_at = at.child(field);
        match field.as_str() {
            "scheme" => {
                let text = expect_str(
                    value,
                    &field_at,
                    "; a preset name such as \"intercom\" or a spec such as \"subject=user_id,output=base64\"",
                )?;
                let parsed = Scheme::parse(text).map_err(|source| ConfigError::Scheme {
                    at: field_at.clone(),
                    source,
                })?;
                scheme = Some(parsed);
            }
            "max_age_seconds" => max_age = Some(expect_seconds(value, &field_at)?),
            "max_future_skew_seconds" => max_future_skew = Some(expect_seconds(value, &field_at)?),
            "keys" => keys_table = Some(expect_table(value, &field_at, KEY_HINT)?),
            other => return Err(unknown_field(&at, other, ENVIRONMENT_FIELDS)),
        }
    }
    let scheme = scheme.ok_or_else(|| ConfigError::MissingField {
        at: at.clone(),
        field: "scheme",
        hint: "; e.g. scheme = \"intercom\" (run `userhash schemes` for the presets)",
    })?;
    if !scheme.is_timestamped() {
        for (given, field) in [
            (max_age.is_some(), "max_age_seconds"),
            (max_future_skew.is_some(), "max_future_skew_seconds"),
        ] {
            if given {
                return Err(ConfigError::InvalidValue {
                    at: at.child(field),
                    reason: format!(
                        "scheme {scheme} embeds no timestamp, so {field} does not apply; remove it"
                    ),
                });
            }
        }
    }
    let defaults = Freshness::default();
    let freshness = Freshness {
        max_age_seconds: max_age.unwrap_or(defaults.max_age_seconds),
        max_future_skew_seconds: max_future_skew.unwrap_or(defaults.max_future_skew_seconds),
        ..defaults
    };

    let keys_at = at.child("keys");
    let keys_table = keys_table.ok_or_else(|| ConfigError::MissingField {
        at: at.clone(),
        field: "keys",
        hint: "; e.g. keys.web = { env = \"WEB_SECRET\" }",
    })?;
    if keys_table.is_empty() {
        return Err(ConfigError::EmptyKeys { at: keys_at });
    }
    let mut keys = Vec::new();
    for (label, value) in keys_table {
        let key_at = keys_at.child(label).at_label(label);
        keys.push(parse_key(label, value, &key_at, base_dir)?);
    }
    Ok(Environment {
        at,
        name: name.to_owned(),
        scheme,
        freshness,
        keys,
    })
}

fn parse_key(
    label: &str,
    value: &Value,
    at: &Location,
    base_dir: Option<&Path>,
) -> Result<Key, ConfigError> {
    // The core owns the label rules; check them now rather than when the secrets are read.
    let placeholder = Secret::from_text("label check").map_err(|source| ConfigError::Label {
        at: at.clone(),
        source,
    })?;
    Keyring::new()
        .insert(label, placeholder)
        .map_err(|source| ConfigError::Label {
            at: at.clone(),
            source,
        })?;

    let table = expect_table(value, at, KEY_HINT)?;
    let mut env = None;
    let mut file = None;
    for (field, value) in table {
        let field_at = at.child(field);
        match field.as_str() {
            "env" => {
                let name = expect_str(value, &field_at, "; the name of an environment variable")?;
                if name.is_empty() || name.contains(['=', '\0']) {
                    return Err(ConfigError::InvalidValue {
                        at: field_at,
                        reason: "not a valid environment variable name".to_owned(),
                    });
                }
                env = Some(name.to_owned());
            }
            "file" => {
                let path = expect_str(value, &field_at, "; the path of a file holding the secret")?;
                if path.is_empty() || path.contains('\0') {
                    return Err(ConfigError::InvalidValue {
                        at: field_at,
                        reason: "not a valid file path".to_owned(),
                    });
                }
                let path = Path::new(path);
                file = Some(match base_dir {
                    Some(dir) if path.is_relative() => dir.join(path),
                    _ => path.to_owned(),
                });
            }
            other => return Err(unknown_field(at, other, KEY_FIELDS)),
        }
    }
    let secret = match (env, file) {
        (Some(_), Some(_)) => return Err(ConfigError::BothEnvAndFile { at: at.clone() }),
        (None, None) => return Err(ConfigError::NoSecretSource { at: at.clone() }),
        (Some(name), None) => SecretRef::Env(name),
        (None, Some(path)) => SecretRef::File(path),
    };
    Ok(Key {
        label: label.to_owned(),
        secret,
    })
}

fn check_name(name: &str, at: &Location, what: &str) -> Result<(), ConfigError> {
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(ConfigError::InvalidValue {
            at: at.clone(),
            reason: format!("an {what} name must be non-empty printable text"),
        });
    }
    Ok(())
}

fn unknown_field(at: &Location, field: &str, expected: &'static str) -> ConfigError {
    ConfigError::UnknownField {
        at: at.clone(),
        field: field.to_owned(),
        expected,
    }
}

fn expect_table<'a>(
    value: &'a Value,
    at: &Location,
    hint: &'static str,
) -> Result<&'a Table, ConfigError> {
    value
        .as_table()
        .ok_or_else(|| wrong_type(value, at, "a table", hint))
}

fn expect_str<'a>(
    value: &'a Value,
    at: &Location,
    hint: &'static str,
) -> Result<&'a str, ConfigError> {
    value
        .as_str()
        .ok_or_else(|| wrong_type(value, at, "a string", hint))
}

fn expect_seconds(value: &Value, at: &Location) -> Result<u64, ConfigError> {
    let seconds = value
        .as_integer()
        .ok_or_else(|| wrong_type(value, at, "an integer number of seconds", ""))?;
    u64::try_from(seconds).map_err(|_| ConfigError::InvalidValue {
        at: at.clone(),
        reason: "must not be negative".to_owned(),
    })
}

/// Names the value's TOML type, never the value.
fn wrong_type(
    value: &Value,
    at: &Location,
    expected: &'static str,
    hint: &'static str,
) -> ConfigError {
    ConfigError::WrongType {
        at: at.clone(),
        expected,
        found: match value {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        },
        hint,
    }
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before
        .get(line_start..)
        .map_or(0, |rest| rest.chars().count())
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SourceError;
    use crate::source::MemorySecrets;
    use userhash::{Identity, Signer};

    const EXAMPLE: &str = r#"
# userhash.toml
[apps.acme.production]
scheme = "intercom"
keys.web = { env = "ACME_WEB" }
keys.ios = { env = "ACME_IOS" }
keys.android = { file = "/run/secrets/acme-android" }

[apps.acme.test]
scheme = "intercom"
keys.web = { env = "ACME_TEST_WEB" }

[apps.widgets.production]
scheme = "jimo"
max_age_seconds = 600
keys.previous = { env = "W_OLD" }
keys.current = { env = "W_NEW" }
"#;

    fn secrets() -> MemorySecrets {
        MemorySecrets::new()
            .with_env("ACME_WEB", "web-secret")
            .with_env("ACME_IOS", "ios-secret")
            .with_file("/run/secrets/acme-android", "android-secret")
            .with_env("ACME_TEST_WEB", "test-secret")
            .with_env("W_OLD", "old")
            .with_env("W_NEW", "new")
    }

    fn error(text: &str) -> ConfigError {
        Config::parse(text).expect_err("the config should be rejected")
    }

    #[test]
    fn resolves_a_keyring_in_file_order() {
        let config = Config::parse(EXAMPLE).unwrap();
        let (scheme, keyring, freshness) =
            config.keyring("acme", "production", &secrets()).unwrap();
        assert_eq!(scheme, Scheme::by_name("intercom").unwrap());
        // File order, not alphabetical.
        assert_eq!(
            keyring.labels().collect::<Vec<_>>(),
            ["web", "ios", "android"]
        );
        assert_eq!(freshness, Freshness::default());
        let expected = Secret::from_text("android-secret").unwrap();
        assert_eq!(keyring.get("android"), Some(&expected));

        let (_, test_keyring, _) = config.keyring("acme", "test", &secrets()).unwrap();
        assert_eq!(test_keyring.labels().collect::<Vec<_>>(), ["web"]);
        assert_ne!(test_keyring.get("web"), keyring.get("web"));

        let (scheme, keyring, freshness) =
            config.keyring("widgets", "production", &secrets()).unwrap();
        assert!(scheme.is_timestamped());
        assert_eq!(
            keyring.labels().collect::<Vec<_>>(),
            ["previous", "current"]
        );
        assert_eq!(freshness.max_age_seconds, 600);
        assert_eq!(
            freshness.max_future_skew_seconds,
            userhash::DEFAULT_MAX_FUTURE_SKEW_SECONDS
        );

        let names: Vec<&str> = config.apps().iter().map(App::name).collect();
        assert_eq!(names, ["acme", "widgets"]);
    }

    #[test]
    fn the_resolved_keyring_signs_like_the_core() {
        let config = Config::parse(EXAMPLE).unwrap();
        let (scheme, keyring, _) = config.keyring("acme", "production", &secrets()).unwrap();
        let direct = Signer::new(
            scheme.clone(),
            &Secret::for_scheme(&scheme, "ios-secret").unwrap(),
        );
        let ada = Identity::from_user_id("42");
        assert_eq!(
            keyring.signer(&scheme, "ios").unwrap().sign(&ada),
            direct.sign(&ada)
        );
    }

    #[test]
    fn custom_specs_and_hex_secrets() {
        let config = Config::parse(
            r#"[apps.a.b]
               scheme = "subject=email,key=hex,output=base64"
               keys.k = { env = "K" }"#,
        )
        .unwrap();
        let env = config.environment("a", "b").unwrap();
        assert_eq!(env.scheme().name(), userhash::CUSTOM_SCHEME_NAME);
        let ok = MemorySecrets::new().with_env("K", "00ff");
        assert_eq!(env.keyring(&ok).unwrap().get("k").map(Secret::len), Some(2));
        let bad = MemorySecrets::new().with_env("K", "not-hex-secret-value");
        let error = env.keyring(&bad).unwrap_err();
        assert!(
            matches!(error, ConfigError::InvalidSecret { .. }),
            "{error}"
        );
        assert!(
            !error.to_string().contains("not-hex-secret-value"),
            "{error}"
        );
        assert!(error.to_string().contains("apps.a.b.keys.k"), "{error}");
    }

    #[test]
    fn unknown_app_and_environment_list_what_exists() {
        let config = Config::parse(EXAMPLE).unwrap();
        let error = config
            .keyring("nope", "production", &secrets())
            .unwrap_err();
        assert!(matches!(error, ConfigError::UnknownApp { .. }));
        assert!(
            error.to_string().contains("\"acme\", \"widgets\""),
            "{error}"
        );
        let error = config.keyring("acme", "staging", &secrets()).unwrap_err();
        assert!(matches!(error, ConfigError::UnknownEnvironment { .. }));
        assert!(
            error.to_string().contains("\"production\", \"test\""),
            "{error}"
        );
    }

    #[test]
    fn missing_secrets_name_the_variable_or_file_and_key() {
        let config = Config::parse(EXAMPLE).unwrap();
        let error = config
            .keyring("acme", "production", &MemorySecrets::new())
            .unwrap_err();
        let ConfigError::SecretUnavailable { at, source } = &error else {
            panic!("{error}");
        };
        assert_eq!(at.app(), Some("acme"));
        assert_eq!(at.environment(), Some("production"));
        assert_eq!(at.label(), Some("web"));
        assert_eq!(at.path(), "apps.acme.production.keys.web");
        assert!(matches!(source, SourceError::NotFound { .. }));
        assert!(error.to_string().contains("ACME_WEB"), "{error}");

        let empty = secrets().with_env("ACME_IOS", "");
        let error = config.keyring("acme", "production", &empty).unwrap_err();
        assert!(
            matches!(&error, ConfigError::InvalidSecret { source, .. } if source.kind() == userhash::ErrorKind::EmptySecret),
            "{error}"
        );
    }

    #[test]
    fn rejects_both_neither_and_unknown_key_fields() {
        let base = "[apps.a.b]\nscheme = \"intercom\"\n";
        let both = error(&format!(
            "{base}keys.web = {{ env = \"X\", file = \"/f\" }}"
        ));
        assert!(matches!(both, ConfigError::BothEnvAndFile { .. }), "{both}");
        assert!(both.to_string().contains("apps.a.b.keys.web"), "{both}");

        let neither = error(&format!("{base}keys.web = {{}}"));
        assert!(
            matches!(neither, ConfigError::NoSecretSource { .. }),
            "{neither}"
        );

        let typo = error(&format!("{base}keys.web = {{ evn = \"X\" }}"));
        assert!(
            matches!(&typo, ConfigError::UnknownField { field, .. } if field == "evn"),
            "{typo}"
        );

        let empty = error(&format!("{base}keys = {{}}"));
        assert!(matches!(empty, ConfigError::EmptyKeys { .. }), "{empty}");

        let none = error(base);
        assert!(
            matches!(none, ConfigError::MissingField { field: "keys", .. }),
            "{none}"
        );
    }

    #[test]
    fn rejects_unknown_fields_everywhere() {
        let top = error("version = 1\n[apps.a.b]\nscheme = \"intercom\"\nkeys.k = { env = \"K\" }");
        assert!(matches!(&top, ConfigError::UnknownField { field, .. } if field == "version"));
        let env = error(
            "[apps.a.b]\nscheme = \"intercom\"\nsecret_env = \"K\"\nkeys.k = { env = \"K\" }",
        );
        assert!(matches!(&env, ConfigError::UnknownField { field, .. } if field == "secret_env"));
        assert!(env.to_string().contains("apps.a.b"), "{env}");
    }

    #[test]
    fn an_inline_secret_is_rejected_without_echoing_it() {
        let leaked = "sk_live_do_not_echo_me";
        for text in [
            format!("[apps.a.b]\nscheme = \"intercom\"\nkeys.web = \"{leaked}\""),
            format!(
                "[apps.a.b]\nscheme = \"intercom\"\nkeys.web = {{ env = {{ value = \"{leaked}\" }} }}"
            ),
            // A syntax error on the line holding the secret.
            format!("[apps.a.b]\nscheme = \"intercom\"\nkeys.web = \"{leaked}"),
            format!("[apps.a.b]\nscheme = \"intercom\"\nkeys.web = {leaked}"),
        ] {
            let error = error(&text);
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains(leaked), "{shown}");
        }
        let error = error(&format!(
            "[apps.a.b]\nscheme = \"intercom\"\nkeys.web = \"{leaked}\""
        ));
        assert!(
            matches!(
                error,
                ConfigError::WrongType {
                    found: "a string",
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn syntax_errors_have_a_line_and_column() {
        let error = error("[apps.a.b]\nscheme = \"intercom\"\nkeys.web = { env = }\n");
        let ConfigError::Syntax { line, .. } = error else {
            panic!("{error}");
        };
        assert_eq!(line, 3);
    }

    #[test]
    fn schemes_and_labels_are_checked_at_parse_time() {
        let scheme = error("[apps.a.b]\nscheme = \"intercomm\"\nkeys.k = { env = \"K\" }");
        assert!(
            matches!(&scheme, ConfigError::Scheme { source, .. } if source.kind() == userhash::ErrorKind::UnknownScheme),
            "{scheme}"
        );
        assert!(scheme.to_string().contains("apps.a.b.scheme"), "{scheme}");
        let spec = error("[apps.a.b]\nscheme = \"subject=nobody\"\nkeys.k = { env = \"K\" }");
        assert!(matches!(spec, ConfigError::Scheme { .. }), "{spec}");
        let label = error("[apps.a.b]\nscheme = \"intercom\"\nkeys.iOS = { env = \"K\" }");
        assert!(
            matches!(&label, ConfigError::Label { source, .. } if source.kind() == userhash::ErrorKind::InvalidLabel),
            "{label}"
        );
        let missing = error("[apps.a.b]\nkeys.k = { env = \"K\" }");
        assert!(matches!(
            missing,
            ConfigError::MissingField {
                field: "scheme",
                ..
            }
        ));
    }

    #[test]
    fn freshness_is_checked() {
        let negative =
            error("[apps.a.b]\nscheme = \"jimo\"\nmax_age_seconds = -1\nkeys.k = { env = \"K\" }");
        assert!(
            matches!(negative, ConfigError::InvalidValue { .. }),
            "{negative}"
        );
        let text = error(
            "[apps.a.b]\nscheme = \"jimo\"\nmax_age_seconds = \"1h\"\nkeys.k = { env = \"K\" }",
        );
        assert!(matches!(text, ConfigError::WrongType { .. }), "{text}");
        let untimed = error(
            "[apps.a.b]\nscheme = \"intercom\"\nmax_future_skew_seconds = 5\nkeys.k = { env = \"K\" }",
        );
        assert!(
            untimed.to_string().contains("embeds no timestamp"),
            "{untimed}"
        );
    }

    #[test]
    fn empty_tables_are_rejected() {
        assert!(matches!(
            error(""),
            ConfigError::MissingField { field: "apps", .. }
        ));
        assert!(matches!(error("[apps]"), ConfigError::Empty { .. }));
        assert!(matches!(error("[apps.a]"), ConfigError::Empty { .. }));
        assert!(matches!(
            error("[apps.a.b]\nscheme = \"intercom\"\nkeys.k = { env = \"\" }"),
            ConfigError::InvalidValue { .. }
        ));
    }

    #[test]
    fn files_name_themselves_and_anchor_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("userhash.toml");
        std::fs::write(
            &path,
            "[apps.a.b]\nscheme = \"intercom\"\nkeys.k = { file = \"secrets/k\" }\nkeys.abs = { file = \"/abs/k\" }\n",
        )
        .unwrap();
        let config = Config::load(&path).unwrap();
        let keys = config.environment("a", "b").unwrap().keys();
        assert_eq!(
            keys[0].secret(),
            &SecretRef::File(dir.path().join("secrets/k"))
        );
        assert_eq!(keys[1].secret(), &SecretRef::File(PathBuf::from("/abs/k")));

        std::fs::write(&path, "[apps.a.b]\nscheme = 3\n").unwrap();
        let error = Config::load(&path).unwrap_err();
        assert!(
            error.to_string().contains(&path.display().to_string()),
            "{error}"
        );

        let missing = Config::load(&dir.path().join("nope.toml")).unwrap_err();
        assert!(matches!(missing, ConfigError::Read { .. }));
    }

    #[test]
    fn dotted_paths_quote_keys_that_need_it() {
        let error =
            error("[apps.\"my app\".prod]\nscheme = \"intercom\"\nkeys.k = { env = \"K\", x = 1 }");
        assert!(
            error.to_string().contains("apps.\"my app\".prod.keys.k"),
            "{error}"
        );
    }
}
