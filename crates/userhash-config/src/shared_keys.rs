//! One key for a hash scheme and a JWT scheme lets anyone forge a JWT.
//!
//! A hash signer signs whatever identifier it is given; a user who can choose their own id (a
//! username, an email) can have it sign `header.claims`, and the hash, re-encoded as base64url,
//! is a valid HS256 signature on a JWT naming any other user. So a config that holds the same key
//! for a hash scheme and a JWT scheme — anywhere in the file, across apps and environments — is
//! refused, unless it opts in with `dangerously_share_hash_and_jwt_keys = true` for a migration;
//! then every hash signer it makes refuses JWT signing inputs
//! ([`userhash::Signer::with_jwt_input_guard`]).
//!
//! Two checks: at parse time by reference (one variable or file named for both), and at
//! resolution by the secrets themselves (every secret of the file that can be read here,
//! compared by [fingerprint](userhash::Secret::fingerprint)). A secret that cannot be read on
//! this machine (another environment's variable, unset here) cannot be compared here; it is
//! compared wherever it is read.

use crate::config::{Config, Key, KeySource, Vendor};
use crate::error::{ConfigError, Location};
use crate::source::{SecretRef, SecretSource};

/// Refuses a variable or file named as the key of a hash scheme and of a JWT scheme.
pub(crate) fn check_references(config: &Config) -> Result<(), ConfigError> {
    find_shared(config, |key, _| match &key.source {
        KeySource::Named(reference) => Some(match reference {
            SecretRef::Env(name) => format!("the same environment variable {name}"),
            SecretRef::File(path) => format!("the same file {}", path.display()),
        }),
        KeySource::Given(_) => None,
    })
}

/// Refuses a secret that serves a hash scheme and a JWT scheme, comparing every secret of the
/// file that `secrets` can read.
pub(crate) fn check_secrets(
    config: &Config,
    secrets: &dyn SecretSource,
) -> Result<(), ConfigError> {
    find_shared(config, |key, vendor| {
        let secret = key.decode(&vendor.scheme, secrets).ok()?;
        Some(format!(
            "the same secret, fingerprint {}",
            secret.fingerprint()
        ))
    })
}

/// Walks every key in file order, naming each by `identify` (`None`: it cannot be compared), and
/// fails at the first key whose name a key of the other family (hash or JWT) already had.
fn find_shared(
    config: &Config,
    mut identify: impl FnMut(&Key, &Vendor) -> Option<String>,
) -> Result<(), ConfigError> {
    if config.shares_hash_and_jwt_keys {
        return Ok(());
    }
    let mut seen: Vec<(String, bool, &Location)> = Vec::new();
    for vendor in config.all_vendors() {
        let is_jwt = vendor.scheme.is_jwt();
        for key in &vendor.keys {
            let Some(identity) = identify(key, vendor) else {
                continue;
            };
            if let Some((how, _, other)) = seen
                .iter()
                .find(|(have, jwt, _)| *have == identity && *jwt != is_jwt)
            {
                return Err(ConfigError::SharedKey {
                    at: key.at.clone(),
                    other: other.path().to_owned(),
                    how: how.clone(),
                });
            }
            seen.push((identity, is_jwt, &key.at));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use userhash::{Identity, Verifier};

    use crate::config::Config;
    use crate::error::{ConfigError, ConfigErrorKind};
    use crate::source::MemorySecrets;

    const SHARED: &str = "one-secret-for-both-do-not-print";

    /// A hash app and a JWT app in other environments of one file.
    fn text(hash_key: &str, jwt_key: &str, opt_in: bool) -> String {
        let opt_in = if opt_in {
            "dangerously_share_hash_and_jwt_keys = true\n"
        } else {
            ""
        };
        format!(
            "{opt_in}[apps.legacy.production]\nscheme = \"intercom\"\nkeys.web = {hash_key}\n\n\
             [apps.acme.staging.vendors.messenger]\nscheme = \"intercom-jwt\"\nkeys.web = {jwt_key}\n\n\
             [apps.acme.staging.vendors.crisp]\nscheme = \"crisp\"\nkeys.web = {{ env = \"CRISP\" }}\n"
        )
    }

    fn secrets() -> MemorySecrets {
        MemorySecrets::new()
            .with_env("HASH", SHARED)
            .with_env("JWT", SHARED)
            .with_env("CRISP", "crisp-secret")
    }

    fn assert_explains_the_risk(error: &ConfigError) {
        assert_eq!(error.kind(), ConfigErrorKind::SharedKey, "{error}");
        let message = error.to_string();
        assert!(!message.contains('\n'), "one line: {message}");
        assert!(!format!("{message}{error:?}").contains(SHARED), "{message}");
        for part in ["forge a JWT", "dangerously_share_hash_and_jwt_keys"] {
            assert!(message.contains(part), "{message}");
        }
    }

    #[test]
    fn one_variable_for_a_hash_and_a_jwt_is_refused_when_parsed() {
        let error =
            Config::parse(&text("{ env = \"HASH\" }", "{ env = \"HASH\" }", false)).unwrap_err();
        assert_explains_the_risk(&error);
        assert!(
            error
                .to_string()
                .contains("apps.acme.staging.vendors.messenger.keys.web: the same key as apps.legacy.production.keys.web (the same environment variable HASH)"),
            "{error}"
        );
        let file = Config::parse(&text(
            "{ file = \"/run/k\" }",
            "{ file = \"/run/k\" }",
            false,
        ))
        .unwrap_err();
        assert_explains_the_risk(&file);
    }

    #[test]
    fn one_secret_for_a_hash_and_a_jwt_is_refused_when_resolved_anywhere() {
        let config =
            Config::parse(&text("{ env = \"HASH\" }", "{ env = \"JWT\" }", false)).unwrap();
        // Whichever environment is asked for: the file is at fault.
        for (app, environment) in [("legacy", "production"), ("acme", "staging")] {
            let error = config
                .vendor_keyring(
                    app,
                    environment,
                    Some(if app == "acme" { "crisp" } else { "intercom" }),
                    &secrets(),
                )
                .unwrap_err();
            assert_explains_the_risk(&error);
        }
        let error = config
            .payload_signer("acme", "staging", &secrets())
            .unwrap_err();
        assert_explains_the_risk(&error);
        assert!(error.to_string().contains("fingerprint"), "{error}");

        // Different secrets are fine; so is a secret this machine cannot read.
        let distinct = secrets().with_env("JWT", "another-secret");
        assert!(config.payload_signer("acme", "staging", &distinct).is_ok());
        let unreadable = MemorySecrets::new()
            .with_env("JWT", SHARED)
            .with_env("CRISP", "crisp-secret");
        assert!(
            config
                .payload_signer("acme", "staging", &unreadable)
                .is_ok()
        );
        // Two hash schemes, or two JWT schemes, may share a key: no forgery follows.
        let hashes = Config::parse(
            &text("{ env = \"HASH\" }", "{ env = \"JWT\" }", false)
                .replace("intercom-jwt", "front"),
        )
        .unwrap();
        assert!(hashes.payload_signer("acme", "staging", &secrets()).is_ok());
    }

    #[test]
    fn the_opt_in_allows_it_and_the_hash_signers_refuse_jwt_signing_inputs() {
        let config =
            Config::parse(&text("{ env = \"HASH\" }", "{ env = \"HASH\" }", true)).unwrap();
        assert!(config.shares_hash_and_jwt_keys());
        let (keyring, _) = config.keyring("legacy", "production", &secrets()).unwrap();
        assert!(keyring.has_jwt_input_guard());
        let signer = keyring.signer("web").unwrap();

        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = URL_SAFE_NO_PAD.encode(r#"{"exp":4600,"iat":1000,"user_id":"victim"}"#);
        let attack = Identity::from_user_id(format!("{header}.{claims}"));
        assert_eq!(signer.sign(&attack), Err(userhash::Error::JwtSigningInput));
        assert!(signer.sign(&Identity::from_user_id("john.doe")).is_ok());

        // The JWT vendor still signs and verifies its own tokens.
        let payload_signer = config
            .payload_signer("acme", "staging", &secrets())
            .unwrap();
        let victim = Identity::from_user_id("victim").with_email("v@example.com");
        let options = crate::PayloadOptions {
            at: Some(1_000),
            ..Default::default()
        };
        let payload = payload_signer.payload(&victim, "web", &options).unwrap();
        let (jwt_keyring, _) = config
            .vendor_keyring("acme", "staging", Some("messenger"), &secrets())
            .unwrap();
        let verifier = Verifier::new(jwt_keyring).unwrap();
        assert!(
            verifier
                .verify_at(&victim, payload.token("messenger").unwrap(), 1_060)
                .is_ok()
        );
        // The payload's hash vendors are guarded too, while the JWT vendor signs.
        let smuggled = Identity::from_user_id("victim").with_email(format!("{header}.{claims}"));
        let payload = payload_signer.payload(&smuggled, "web", &options).unwrap();
        assert_eq!(
            payload.get("crisp").unwrap().error().map(ConfigError::code),
            Some("jwt_signing_input")
        );
        assert!(payload.token("messenger").is_some());
    }

    #[test]
    fn the_opt_in_must_be_a_boolean() {
        let error = Config::parse("dangerously_share_hash_and_jwt_keys = \"yes\"\n[apps.a.b]\nscheme = \"intercom\"\nkeys.web = { env = \"A\" }\n").unwrap_err();
        assert_eq!(error.code(), "config_invalid");
        assert!(
            error
                .to_string()
                .contains("dangerously_share_hash_and_jwt_keys"),
            "{error}"
        );
    }
}
