//! From TOML — a file's text, or the table a [`ConfigBuilder`](crate::ConfigBuilder) assembles —
//! to a checked [`Config`]: everything that can be checked without reading a secret.

use std::path::Path;
use std::sync::Arc;

use toml::{Table, Value};
use userhash::{Freshness, Keyring, Scheme};
use zeroize::Zeroizing;

use crate::config::{App, Config, Environment, Key, KeySource, Vendor, names};
use crate::error::{ConfigError, Location};
use crate::shared_keys;
use crate::source::SecretRef;

/// The top-level opt-in that lets one key serve a hash scheme and a JWT scheme.
pub(crate) const SHARE_KEYS_FIELD: &str = "dangerously_share_hash_and_jwt_keys";
/// The fields of the top-level table.
const TOP_FIELDS: &str = "apps, dangerously_share_hash_and_jwt_keys";
/// The fields of a vendor's table (and of an environment in the single-scheme form).
const VENDOR_FIELDS: [&str; 6] = [
    "scheme",
    "keys",
    "all_platforms",
    "payload_key",
    "max_age_seconds",
    "max_future_skew_seconds",
];
/// The same, for error messages.
const VENDOR_FIELD_LIST: &str =
    "scheme, keys, all_platforms, payload_key, max_age_seconds, max_future_skew_seconds";
/// The fields of an environment's table, for error messages.
const ENVIRONMENT_FIELD_LIST: &str = "vendors, or one vendor's scheme, keys, all_platforms, payload_key, max_age_seconds, max_future_skew_seconds";
/// The fields of a key.
const KEY_FIELDS: &str = "env, file, key_id";
/// How to write a key, for error messages.
const KEY_HINT: &str = "; write keys.<label> = { env = \"VARIABLE\" } or { file = \"PATH\" } (secrets never go in the config file)";
/// The payload key of a custom scheme that names none.
const CUSTOM_PAYLOAD_KEY: &str = "token";
/// Members a payload entry uses for itself, which no vendor's token may take.
const RESERVED_PAYLOAD_KEYS: [&str; 3] = ["user_id", "email", "error"];
/// The longest payload key.
const MAX_PAYLOAD_KEY_LEN: usize = 64;

/// Secrets handed to the builder, which its table names by index (`given = N`). Text read from a
/// file has none, so a `given` field there is an unknown field like any other.
pub(crate) type Given = [Arc<Zeroizing<String>>];

/// What every table below the top needs to know.
#[derive(Clone, Copy)]
struct Context<'a> {
    base_dir: Option<&'a Path>,
    given: Option<&'a Given>,
}

/// Parses config text; `file` names it in errors and anchors relative secret-file paths.
pub(crate) fn parse_text(text: &str, file: Option<&Path>) -> Result<Config, ConfigError> {
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
    parse_table(&table, file, None)
}

/// Checks a whole config table and builds the [`Config`].
pub(crate) fn parse_table(
    table: &Table,
    file: Option<&Path>,
    given: Option<&Given>,
) -> Result<Config, ConfigError> {
    let root = Location::root(file.map(Path::to_owned));
    let context = Context {
        base_dir: file.and_then(Path::parent),
        given,
    };
    let mut apps_table = None;
    let mut shares_keys = false;
    for (field, value) in table {
        match field.as_str() {
            "apps" => apps_table = Some(expect_table(value, &root.child("apps"), "")?),
            SHARE_KEYS_FIELD => {
                shares_keys = value.as_bool().ok_or_else(|| {
                    wrong_type(value, &root.child(SHARE_KEYS_FIELD), "a boolean", "")
                })?;
            }
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
                context,
            )?);
        }
        apps.push(App {
            name: app_name.clone(),
            environments,
        });
    }
    let config = Config {
        file: file.map(Path::to_owned),
        apps,
        shares_hash_and_jwt_keys: shares_keys,
    };
    shared_keys::check_references(&config)?;
    Ok(config)
}

fn parse_environment(
    name: &str,
    value: &Value,
    at: Location,
    context: Context<'_>,
) -> Result<Environment, ConfigError> {
    let table = expect_table(
        value,
        &at,
        "; an environment holds vendors.<vendor> tables, or one vendor's scheme and keys",
    )?;
    let Some(vendors_value) = table.get("vendors") else {
        // The single-scheme form: the environment is one vendor, named after its scheme.
        let vendor = parse_vendor(None, table, at.clone(), context)?;
        return Ok(Environment {
            at,
            name: name.to_owned(),
            vendors: vec![vendor],
        });
    };
    if let Some(field) = table.keys().find(|field| *field != "vendors") {
        return Err(if VENDOR_FIELDS.contains(&field.as_str()) {
            ConfigError::InvalidValue {
                at: at.child(field),
                reason: format!(
                    "an environment with vendors.<vendor> tables has no {field} of its own; move it into each vendor's table"
                ),
            }
        } else {
            unknown_field(&at, field, ENVIRONMENT_FIELD_LIST)
        });
    }
    let vendors_at = at.child("vendors");
    let vendors_table = expect_table(
        vendors_value,
        &vendors_at,
        "; write [apps.<app>.<environment>.vendors.<vendor>] tables",
    )?;
    if vendors_table.is_empty() {
        return Err(ConfigError::Empty {
            at: vendors_at,
            what: "the vendors table".to_owned(),
            hint: "add a vendor, e.g. [apps.<app>.<environment>.vendors.intercom] with its scheme and keys",
        });
    }
    let mut vendors = Vec::new();
    for (vendor_name, vendor_value) in vendors_table {
        let vendor_at = vendors_at.child(vendor_name).in_vendor(vendor_name);
        check_name(vendor_name, &vendor_at, "vendor")?;
        let vendor_table = expect_table(
            vendor_value,
            &vendor_at,
            "; a vendor is a table with its scheme and keys",
        )?;
        vendors.push(parse_vendor(
            Some(vendor_name),
            vendor_table,
            vendor_at,
            context,
        )?);
    }
    Ok(Environment {
        at,
        name: name.to_owned(),
        vendors,
    })
}

/// A vendor's table; `name` is `None` in the single-scheme form (the scheme names the vendor).
fn parse_vendor(
    name: Option<&str>,
    table: &Table,
    at: Location,
    context: Context<'_>,
) -> Result<Vendor, ConfigError> {
    let mut scheme = None;
    let mut max_age = None;
    let mut max_future_skew = None;
    let mut keys_table = None;
    let mut all_platforms = None;
    let mut payload_key = None;
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
            "all_platforms" => {
                let label = expect_str(
                    value,
                    &field_at,
                    "; the label of the one key that serves every platform",
                )?;
                all_platforms = Some((label.to_owned(), field_at));
            }
            "payload_key" => {
                let key = expect_str(
                    value,
                    &field_at,
                    "; the name the vendor's client SDK gives the token, e.g. \"user_hash\"",
                )?;
                check_payload_key(key, &field_at)?;
                payload_key = Some(key.to_owned());
            }
            other => {
                let expected = if name.is_some() {
                    VENDOR_FIELD_LIST
                } else {
                    ENVIRONMENT_FIELD_LIST
                };
                return Err(unknown_field(&at, other, expected));
            }
        }
    }
    let scheme = scheme.ok_or_else(|| ConfigError::MissingField {
        at: at.clone(),
        field: "scheme",
        hint: "; e.g. scheme = \"intercom\" (run `userhash schemes` for the presets)",
    })?;
    let name = name.map_or_else(|| scheme.name().to_owned(), str::to_owned);
    let at = at.in_vendor(&name);
    let freshness = freshness(&scheme, max_age, max_future_skew, &at)?;

    let keys_at = at.child("keys");
    let keys_table = keys_table.ok_or_else(|| ConfigError::MissingField {
        at: at.clone(),
        field: "keys",
        hint: "; e.g. keys.web = { env = \"WEB_SECRET\" }",
    })?;
    if keys_table.is_empty() {
        return Err(ConfigError::EmptyKeys { at: keys_at });
    }
    let mut keys: Vec<Key> = Vec::new();
    for (label, value) in keys_table {
        let key_at = keys_at.child(label).at_label(label);
        let key = parse_key(label, value, key_at, context, &scheme)?;
        // The keyring labels keys by key id where there is one: they must stay distinct.
        if keys
            .iter()
            .any(|have| have.keyring_label() == key.keyring_label())
        {
            return Err(ConfigError::InvalidValue {
                at: key.at.child("key_id"),
                reason: format!(
                    "key id {:?} is also the label or key id of another key of this vendor; a verifier finds keys by it, so it must be unique",
                    key.keyring_label()
                ),
            });
        }
        keys.push(key);
    }
    let all_platforms = match all_platforms {
        None => None,
        Some((label, field_at)) => {
            if !keys.iter().any(|key| key.label == label) {
                return Err(ConfigError::InvalidValue {
                    at: field_at,
                    reason: format!(
                        "names no key of this vendor; its keys are {}",
                        names(keys.iter().map(Key::label))
                    ),
                });
            }
            Some(label)
        }
    };
    let payload_key = payload_key.unwrap_or_else(|| {
        scheme
            .preset()
            .map_or(CUSTOM_PAYLOAD_KEY, |preset| preset.payload_key)
            .to_owned()
    });
    Ok(Vendor {
        at,
        name,
        scheme,
        freshness,
        keys,
        all_platforms,
        payload_key,
    })
}

/// The freshness policy: the fields given, else the core's defaults; the fields only apply to
/// schemes that embed a timestamp.
fn freshness(
    scheme: &Scheme,
    max_age: Option<u64>,
    max_future_skew: Option<u64>,
    at: &Location,
) -> Result<Freshness, ConfigError> {
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
    // The core's ceilings, checked now rather than when a verifier is made from the file; the
    // core's message names the setting.
    Freshness::new(
        max_age.unwrap_or(defaults.max_age_seconds),
        max_future_skew.unwrap_or(defaults.max_future_skew_seconds),
    )
    .map_err(|error| ConfigError::InvalidValue {
        at: at.clone(),
        reason: error.to_string(),
    })
}

fn parse_key(
    label: &str,
    value: &Value,
    at: Location,
    context: Context<'_>,
    scheme: &Scheme,
) -> Result<Key, ConfigError> {
    // The core owns the label rules; check them now rather than when the secrets are read.
    check_label(label, &at)?;
    let table = expect_table(value, &at, KEY_HINT)?;
    let mut env = None;
    let mut file = None;
    let mut given = None;
    let mut key_id = None;
    for (field, value) in table {
        let field_at = at.child(field);
        match (field.as_str(), context.given) {
            ("env", _) => {
                let name = expect_str(value, &field_at, "; the name of an environment variable")?;
                if name.is_empty() || name.contains(['=', '\0']) {
                    return Err(ConfigError::InvalidValue {
                        at: field_at,
                        reason: "not a valid environment variable name".to_owned(),
                    });
                }
                env = Some(name.to_owned());
            }
            ("file", _) => {
                let path = expect_str(value, &field_at, "; the path of a file holding the secret")?;
                if path.is_empty() || path.contains('\0') {
                    return Err(ConfigError::InvalidValue {
                        at: field_at,
                        reason: "not a valid file path".to_owned(),
                    });
                }
                let path = Path::new(path);
                file = Some(match context.base_dir {
                    Some(dir) if path.is_relative() => dir.join(path),
                    _ => path.to_owned(),
                });
            }
            ("key_id", _) => {
                let id = expect_str(
                    value,
                    &field_at,
                    "; the id the vendor gave the key (Zendesk: from Admin Center)",
                )?;
                check_label(id, &field_at)?;
                if !scheme.is_jwt() {
                    return Err(ConfigError::InvalidValue {
                        at: field_at,
                        reason: format!(
                            "scheme {scheme} writes a bare hash, which names no key; remove key_id"
                        ),
                    });
                }
                key_id = Some(id.to_owned());
            }
            ("given", Some(secrets)) => {
                let secret = value
                    .as_integer()
                    .and_then(|index| usize::try_from(index).ok())
                    .and_then(|index| secrets.get(index))
                    .ok_or_else(|| ConfigError::InvalidValue {
                        at: field_at,
                        reason: "names no secret given to the builder".to_owned(),
                    })?;
                given = Some(Arc::clone(secret));
            }
            (other, _) => return Err(unknown_field(&at, other, KEY_FIELDS)),
        }
    }
    let source = match (env, file, given) {
        (Some(name), None, None) => KeySource::Named(SecretRef::Env(name)),
        (None, Some(path), None) => KeySource::Named(SecretRef::File(path)),
        (None, None, Some(secret)) => KeySource::Given(secret),
        (None, None, None) => return Err(ConfigError::NoSecretSource { at }),
        _ => return Err(ConfigError::BothEnvAndFile { at }),
    };
    Ok(Key {
        at,
        label: label.to_owned(),
        source,
        key_id,
    })
}

/// A key label or key id, checked by the core's rules (1–64 characters of `a-z 0-9 _ . -`).
pub(crate) fn check_label(label: &str, at: &Location) -> Result<(), ConfigError> {
    let label_error = |source| ConfigError::Label {
        at: at.clone(),
        source,
    };
    Keyring::check_label(label).map_err(label_error)
}

/// A payload key: 1–64 characters of ASCII letters, digits, `_`, `-` and `.`, and not a member
/// the payload entry uses for itself.
fn check_payload_key(key: &str, at: &Location) -> Result<(), ConfigError> {
    let plain = !key.is_empty()
        && key.len() <= MAX_PAYLOAD_KEY_LEN
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    let reason = if !plain {
        "a payload key is 1-64 characters of ASCII letters, digits, '_', '-' and '.'".to_owned()
    } else if RESERVED_PAYLOAD_KEYS.contains(&key) {
        format!("{key:?} is a member every payload entry may use for itself; choose another")
    } else {
        return Ok(());
    };
    Err(ConfigError::InvalidValue {
        at: at.clone(),
        reason,
    })
}

fn check_name(name: &str, at: &Location, what: &str) -> Result<(), ConfigError> {
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(ConfigError::InvalidValue {
            at: at.clone(),
            reason: format!("the {what} name must be non-empty printable text"),
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
    use std::path::PathBuf;

    use userhash::{Freshness, Identity, Scheme, Secret, Signer};

    use crate::config::Config;
    use crate::error::{ConfigError, SourceError};
    use crate::source::{MemorySecrets, SecretRef};

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
        let (keyring, freshness) = config.keyring("acme", "production", &secrets()).unwrap();
        let scheme = keyring.scheme().clone();
        assert_eq!(scheme, Scheme::by_name("intercom").unwrap());
        // File order, not alphabetical.
        assert_eq!(
            keyring.labels().collect::<Vec<_>>(),
            ["web", "ios", "android"]
        );
        assert_eq!(freshness, Freshness::default());
        let expected = Secret::from_text("android-secret").unwrap();
        assert_eq!(keyring.get("android"), Some(&expected));

        let (test_keyring, _) = config.keyring("acme", "test", &secrets()).unwrap();
        assert_eq!(test_keyring.labels().collect::<Vec<_>>(), ["web"]);
        assert_ne!(test_keyring.get("web"), keyring.get("web"));

        let (keyring, freshness) = config.keyring("widgets", "production", &secrets()).unwrap();

        let scheme = keyring.scheme().clone();
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

        let names: Vec<&str> = config.apps().iter().map(crate::App::name).collect();
        assert_eq!(names, ["acme", "widgets"]);
    }

    #[test]
    fn the_resolved_keyring_signs_like_the_core() {
        let config = Config::parse(EXAMPLE).unwrap();
        let (keyring, _) = config.keyring("acme", "production", &secrets()).unwrap();
        let scheme = keyring.scheme().clone();
        let direct = Signer::new(
            scheme.clone(),
            &Secret::for_scheme(&scheme, "ios-secret").unwrap(),
        );
        let ada = Identity::from_user_id("42");
        assert_eq!(keyring.signer("ios").unwrap().sign(&ada), direct.sign(&ada));
    }

    #[test]
    fn custom_specs_and_hex_secrets() {
        let config = Config::parse(
            r#"[apps.a.b]
               scheme = "subject=email,key=hex,output=base64"
               keys.k = { env = "K" }"#,
        )
        .unwrap();
        let vendor = config.vendor("a", "b", None).unwrap();
        assert_eq!(vendor.scheme().name(), userhash::CUSTOM_SCHEME_NAME);
        assert_eq!(vendor.name(), userhash::CUSTOM_SCHEME_NAME);
        let ok = MemorySecrets::new().with_env("K", "00ff");
        let (keyring, _) = config.keyring("a", "b", &ok).unwrap();
        assert_eq!(keyring.get("k").map(Secret::len), Some(2));
        let bad = MemorySecrets::new().with_env("K", "not-hex-secret-value");
        let error = config.keyring("a", "b", &bad).unwrap_err();
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
        let keys = config.vendor("a", "b", None).unwrap().keys();
        assert_eq!(
            keys[0].secret(),
            Some(&SecretRef::File(dir.path().join("secrets/k")))
        );
        assert_eq!(
            keys[1].secret(),
            Some(&SecretRef::File(PathBuf::from("/abs/k")))
        );

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
