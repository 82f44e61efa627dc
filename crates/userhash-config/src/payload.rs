//! The payload: for one identity and one platform, every vendor's token under that vendor's
//! client parameter — the JSON a page or a `/me` endpoint returns to the client SDKs.
//!
//! It lives with the config rather than in the core because it *is* a reading of the config:
//! which vendors an environment signs for, which key serves which platform (and the explicit
//! `all_platforms` exception), each vendor's payload key. The core stays a library of schemes,
//! keys and signers with no notion of vendors or platforms; the payload only calls its signers.

use std::time::{SystemTime, UNIX_EPOCH};

use userhash::{Attributes, ClaimLayout, Identity, Scheme, Signer};

use crate::config::{Environment, Resolved, Vendor, names};
use crate::error::{ConfigError, Location};

/// What a payload does when a vendor cannot be signed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum VendorFailures {
    /// Report the failure in the vendor's slot and sign the others (the default): the page still
    /// gets every vendor that can work.
    #[default]
    Report,
    /// Return the first failing vendor's error instead of a payload.
    Raise,
}

impl VendorFailures {
    /// Every variant, in declaration order.
    pub const ALL: [VendorFailures; 2] = [VendorFailures::Report, VendorFailures::Raise];
}

/// What a payload is asked for, beyond the identity and the platform.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayloadOptions {
    /// JWT attributes. Each JWT vendor takes those it has a claim for (and `expires_in` and
    /// `extra_claims`, which every JWT takes); hash vendors take none.
    pub attributes: Attributes,
    /// The time tokens are issued at (JWTs) or stamped with (timestamped hashes), in Unix
    /// seconds; the system clock, read once for all vendors, when absent.
    pub at: Option<u64>,
    /// Whether a vendor's failure is reported in its slot or returned as the error.
    pub failures: VendorFailures,
}

/// Signs payloads for every vendor of one app's environment: made once by
/// [`Config::payload_signer`](crate::Config::payload_signer) (which reads the secrets), shared
/// across threads.
///
/// ```
/// use userhash::Identity;
/// use userhash_config::{Config, MemorySecrets, PayloadOptions};
///
/// let config = Config::parse(r#"
///     [apps.acme.production.vendors.intercom]
///     scheme = "intercom"
///     keys.web = { env = "INTERCOM_WEB" }
///     keys.ios = { env = "INTERCOM_IOS" }
///
///     [apps.acme.production.vendors.zendesk]
///     scheme = "zendesk"
///     all_platforms = "messaging"
///     keys.messaging = { env = "ZENDESK", key_id = "app_64b6d9f0d7ab2e0001cd4e34" }
/// "#)?;
/// let secrets = MemorySecrets::new()
///     .with_env("INTERCOM_WEB", "intercom-web-secret")
///     .with_env("INTERCOM_IOS", "intercom-ios-secret")
///     .with_env("ZENDESK", "zendesk-secret");
/// let signer = config.payload_signer("acme", "production", &secrets)?;
/// let options = PayloadOptions { at: Some(1_760_000_000), ..PayloadOptions::default() };
/// let payload = signer.payload(&Identity::from_user_id("42"), "ios", &options)?;
/// assert!(payload.is_complete());
/// assert!(payload.to_json().starts_with(r#"{"intercom":{"user_id":"42","user_hash":""#));
/// assert!(payload.token("zendesk").is_some_and(|jwt| jwt.starts_with("eyJ")));
/// # Ok::<(), userhash_config::ConfigError>(())
/// ```
#[derive(Debug)]
pub struct PayloadSigner {
    at: Location,
    vendors: Vec<VendorSigner>,
    platforms: Vec<String>,
}

/// One vendor's signers, by the config's key labels.
#[derive(Debug)]
struct VendorSigner {
    at: Location,
    name: String,
    scheme: Scheme,
    payload_key: String,
    all_platforms: Option<String>,
    signers: Vec<(String, Signer)>,
}

impl PayloadSigner {
    pub(crate) fn new(
        environment: &Environment,
        vendors: Vec<(&Vendor, Resolved)>,
    ) -> PayloadSigner {
        let vendors: Vec<VendorSigner> = vendors
            .into_iter()
            .map(|(vendor, resolved)| VendorSigner {
                at: vendor.location().clone(),
                name: vendor.name().to_owned(),
                scheme: vendor.scheme().clone(),
                payload_key: vendor.payload_key().to_owned(),
                all_platforms: vendor.all_platforms().map(str::to_owned),
                signers: resolved.signers,
            })
            .collect();
        let mut platforms: Vec<String> = Vec::new();
        for vendor in vendors
            .iter()
            .filter(|vendor| vendor.all_platforms.is_none())
        {
            for (label, _) in &vendor.signers {
                if !platforms.contains(label) {
                    platforms.push(label.clone());
                }
            }
        }
        PayloadSigner {
            at: environment.at.clone(),
            vendors,
            platforms,
        }
    }

    /// The vendors, in file order: the members of every payload.
    pub fn vendors(&self) -> impl ExactSizeIterator<Item = &str> {
        self.vendors.iter().map(|vendor| vendor.name.as_str())
    }

    /// The platforms some vendor has its own key for, in file order (a vendor with
    /// `all_platforms` serves any platform and adds none).
    pub fn platforms(&self) -> &[String] {
        &self.platforms
    }

    /// The error [`Payload::entry`] gives for `vendor` on any payload of this signer, which has
    /// no such vendor: for a binding that keeps a payload as data and asks only when a lookup
    /// misses.
    pub fn unknown_vendor(&self, vendor: &str) -> ConfigError {
        unknown_vendor(&self.at, vendor, self.vendors())
    }

    /// Every vendor's token for `identity` on `platform`.
    ///
    /// Each vendor signs with its key for the platform — the key labelled `platform`, or the
    /// one its `all_platforms` names — and independently of the others: a vendor that cannot
    /// sign (no key for the platform, an identity its scheme cannot sign, a missing JWT
    /// attribute) fails in its slot, or returns the error with [`VendorFailures::Raise`].
    ///
    /// # Errors
    /// [`ConfigError::UnknownPlatform`] when no vendor can sign for `platform` at all; with
    /// [`VendorFailures::Raise`], the first failing vendor's error:
    /// [`ConfigError::UnknownPlatform`], [`ConfigError::Vendor`] (the core's reason), or
    /// [`ConfigError::InvalidValue`] for a vendor whose `all_platforms` contradicts a key
    /// labelled with the platform.
    pub fn payload(
        &self,
        identity: &Identity,
        platform: &str,
        options: &PayloadOptions,
    ) -> Result<Payload, ConfigError> {
        let served = self.platforms.iter().any(|have| have == platform)
            || self
                .vendors
                .iter()
                .any(|vendor| vendor.all_platforms.is_some());
        if !served {
            return Err(ConfigError::UnknownPlatform {
                at: self.at.clone(),
                vendor: None,
                platform: platform.to_owned(),
                known: names(self.platforms.iter().map(String::as_str)),
            });
        }
        let now = options.at.map_or_else(unix_now, Ok);
        let mut entries = Vec::with_capacity(self.vendors.len());
        for vendor in &self.vendors {
            let outcome = vendor.sign(identity, platform, &options.attributes, &now);
            let outcome = match (outcome, options.failures) {
                (Err(error), VendorFailures::Raise) => return Err(error),
                (outcome, _) => outcome,
            };
            entries.push(PayloadEntry {
                vendor: vendor.name.clone(),
                scheme: vendor.scheme.to_string(),
                payload_key: vendor.payload_key.clone(),
                outcome,
            });
        }
        Ok(Payload {
            at: self.at.clone(),
            platform: platform.to_owned(),
            entries,
        })
    }
}

impl VendorSigner {
    fn sign(
        &self,
        identity: &Identity,
        platform: &str,
        attributes: &Attributes,
        now: &Result<u64, userhash::Error>,
    ) -> Result<Signed, ConfigError> {
        let label = match &self.all_platforms {
            Some(shared) if shared != platform && self.signer(platform).is_some() => {
                return Err(ConfigError::InvalidValue {
                    at: self.at.child("all_platforms"),
                    reason: format!(
                        "names key {shared:?} for every platform, yet vendor {:?} also has a key labelled {platform:?}; remove one of them, so that no platform signs with another's key",
                        self.name
                    ),
                });
            }
            Some(shared) => shared.as_str(),
            None => platform,
        };
        let signer = self
            .signer(label)
            .ok_or_else(|| ConfigError::UnknownPlatform {
                at: self.at.clone(),
                vendor: Some(self.name.clone()),
                platform: platform.to_owned(),
                known: names(self.signers.iter().map(|(label, _)| label.as_str())),
            })?;
        let token = match self.scheme.claim_layout() {
            Some(layout) => now.clone().and_then(|at| {
                signer.sign_with_at(identity, &attributes_for(layout, attributes), at)
            }),
            None if self.scheme.is_timestamped() => {
                now.clone().and_then(|at| signer.sign_at(identity, at))
            }
            None => signer.sign(identity),
        }
        .map_err(|source| ConfigError::Vendor {
            at: self.at.clone(),
            vendor: self.name.clone(),
            source,
        })?;
        let (user_id, email) = signed_fields(&self.scheme, identity);
        Ok(Signed {
            token,
            user_id,
            email,
        })
    }

    fn signer(&self, label: &str) -> Option<&Signer> {
        self.signers
            .iter()
            .find(|(have, _)| have == label)
            .map(|(_, signer)| signer)
    }
}

/// The attributes a JWT vendor has claims for; `expires_in` and `extra_claims` go to every JWT.
fn attributes_for(layout: &ClaimLayout, attributes: &Attributes) -> Attributes {
    let keep = |has_claim: bool, value: &Option<String>| value.clone().filter(|_| has_claim);
    let mut kept = attributes.clone();
    kept.name = keep(layout.name.is_some(), &attributes.name);
    kept.email_verified = attributes
        .email_verified
        .filter(|_| layout.email_verified.is_some());
    kept.account_id = keep(layout.account_id.is_some(), &attributes.account_id);
    kept.nonce = keep(layout.nonce.is_some(), &attributes.nonce);
    kept
}

/// The identity fields a hash's client must send with it: those the scheme signed. A JWT carries
/// its identity inside, so none.
fn signed_fields(scheme: &Scheme, identity: &Identity) -> (Option<String>, Option<String>) {
    if scheme.is_jwt() {
        return (None, None);
    }
    let signed = scheme.subject().signed_part(identity);
    (signed.user_id, signed.email)
}

/// The error of a lookup of `vendor` among `known`, the vendors of the environment at `at`.
fn unknown_vendor<'a>(
    at: &Location,
    vendor: &str,
    known: impl Iterator<Item = &'a str>,
) -> ConfigError {
    ConfigError::UnknownVendor {
        at: at.clone(),
        vendor: Some(vendor.to_owned()),
        known: names(known),
    }
}

/// The system clock in Unix seconds, read once per payload so every vendor has the same time.
fn unix_now() -> Result<u64, userhash::Error> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .map_err(|_| userhash::Error::ClockBeforeEpoch)
}

/// Every vendor's token for one identity on one platform, in the config's vendor order.
#[derive(Debug)]
pub struct Payload {
    at: Location,
    platform: String,
    entries: Vec<PayloadEntry>,
}

/// One vendor's part of a [`Payload`]: its token under its payload key (with the identity fields
/// a hash signs), or why it could not be signed.
#[derive(Debug)]
pub struct PayloadEntry {
    vendor: String,
    scheme: String,
    payload_key: String,
    outcome: Result<Signed, ConfigError>,
}

/// A vendor's token and the identity fields it was made over.
#[derive(Debug)]
struct Signed {
    token: String,
    user_id: Option<String>,
    email: Option<String>,
}

impl Payload {
    /// The platform it was signed for.
    pub fn platform(&self) -> &str {
        &self.platform
    }

    /// One entry per vendor, in the config's order.
    pub fn entries(&self) -> &[PayloadEntry] {
        &self.entries
    }

    /// The entry of `vendor`.
    pub fn get(&self, vendor: &str) -> Option<&PayloadEntry> {
        self.entries.iter().find(|entry| entry.vendor == vendor)
    }

    /// The entry of `vendor`, or an error naming the vendors there are.
    ///
    /// # Errors
    /// [`ConfigError::UnknownVendor`].
    pub fn entry(&self, vendor: &str) -> Result<&PayloadEntry, ConfigError> {
        self.get(vendor).ok_or_else(|| {
            unknown_vendor(
                &self.at,
                vendor,
                self.entries.iter().map(PayloadEntry::vendor),
            )
        })
    }

    /// The token of `vendor`, when it was signed.
    pub fn token(&self, vendor: &str) -> Option<&str> {
        self.get(vendor).and_then(PayloadEntry::token)
    }

    /// True when every vendor was signed.
    pub fn is_complete(&self) -> bool {
        self.entries.iter().all(|entry| entry.outcome.is_ok())
    }

    /// The JSON a page or a `/me` endpoint returns: one member per vendor, in the config's
    /// order, holding the identity fields a hash was made over (`user_id`, `email`) and the
    /// token under the vendor's payload key, or `{"error": "<code>"}` for a vendor that failed.
    /// Compact (no whitespace), UTF-8, the same bytes in every language:
    ///
    /// `{"intercom":{"user_id":"42","user_hash":"…"},"zendesk":{"jwt":"…"},"crisp":{"error":"missing_field"}}`
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        for (index, entry) in self.entries.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            write_string(&entry.vendor, &mut out);
            out.push_str(":{");
            let mut members: Vec<(&str, &str)> = Vec::with_capacity(3);
            match &entry.outcome {
                Ok(signed) => {
                    members.extend(signed.user_id.as_deref().map(|id| ("user_id", id)));
                    members.extend(signed.email.as_deref().map(|email| ("email", email)));
                    members.push((&entry.payload_key, &signed.token));
                }
                Err(error) => members.push(("error", error.code())),
            }
            for (member, (name, value)) in members.into_iter().enumerate() {
                if member > 0 {
                    out.push(',');
                }
                write_string(name, &mut out);
                out.push(':');
                write_string(value, &mut out);
            }
            out.push('}');
        }
        out.push('}');
        out
    }
}

impl PayloadEntry {
    /// The vendor's name.
    pub fn vendor(&self) -> &str {
        &self.vendor
    }

    /// Its scheme, as the config names it (a preset name, or a custom spec).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The JSON member its token goes under: the client SDK's parameter name.
    pub fn payload_key(&self) -> &str {
        &self.payload_key
    }

    /// The token, when the vendor was signed.
    pub fn token(&self) -> Option<&str> {
        self.outcome
            .as_ref()
            .ok()
            .map(|signed| signed.token.as_str())
    }

    /// The user id the token was made over (hashes that sign it); `None` for JWTs.
    pub fn user_id(&self) -> Option<&str> {
        self.outcome.as_ref().ok()?.user_id.as_deref()
    }

    /// The email the token was made over (hashes that sign it); `None` for JWTs.
    pub fn email(&self) -> Option<&str> {
        self.outcome.as_ref().ok()?.email.as_deref()
    }

    /// Why the vendor could not be signed, when it could not.
    pub fn error(&self) -> Option<&ConfigError> {
        self.outcome.as_ref().err()
    }
}

/// Writes `text` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, ... or
/// `\u00XX`, everything else as UTF-8 — what serde_json and Python's `json.dumps(...,
/// ensure_ascii=False)` write, so the payload is one byte string everywhere.
fn write_string(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    // Runs that need no escape are copied whole (a JWT is one run); every byte escaped is ASCII,
    // so each run ends on a character boundary.
    let mut run = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escaped = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[run..at]);
        run = at + 1;
        if escaped.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escaped);
        }
    }
    out.push_str(&text[run..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_escape_what_json_requires_and_nothing_else() {
        let mut out = String::new();
        write_string(
            "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}é東🦀/\u{7f}\u{2028}",
            &mut out,
        );
        assert_eq!(
            out,
            "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001fé東🦀/\u{7f}\u{2028}\""
        );
        let parsed: String = serde_json::from_str(&out).unwrap();
        assert_eq!(
            parsed,
            "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}é東🦀/\u{7f}\u{2028}"
        );
    }
}

#[cfg(test)]
mod signing {
    use userhash::{Attributes, Identity, Keyring, Scheme, Secret, Verifier};

    use super::{PayloadOptions, VendorFailures};
    use crate::config::Config;
    use crate::error::{ConfigError, ConfigErrorKind};
    use crate::source::MemorySecrets;

    const CONFIG: &str = r#"
[apps.acme.production.vendors.intercom]
scheme = "intercom"
keys.web = { env = "INTERCOM_WEB" }
keys.ios = { env = "INTERCOM_IOS" }
keys.android = { env = "INTERCOM_ANDROID" }

[apps.acme.production.vendors.zendesk]
scheme = "zendesk"
all_platforms = "messaging"
keys.messaging = { env = "ZENDESK", key_id = "app_64b6d9f0d7ab2e0001cd4e34" }

[apps.acme.production.vendors.crisp]
scheme = "crisp"
all_platforms = "website"
keys.website = { env = "CRISP" }
"#;

    const AT: u64 = 1_760_000_000;

    fn secrets() -> MemorySecrets {
        MemorySecrets::new()
            .with_env("INTERCOM_WEB", "intercom-web-secret")
            .with_env("INTERCOM_IOS", "intercom-ios-secret")
            .with_env("INTERCOM_ANDROID", "intercom-android-secret")
            .with_env("ZENDESK", "zendesk-secret")
            .with_env("CRISP", "crisp-secret")
    }

    fn options() -> PayloadOptions {
        PayloadOptions {
            at: Some(AT),
            ..PayloadOptions::default()
        }
    }

    fn sign(scheme: &str, secret: &str) -> userhash::Signer {
        let scheme = Scheme::by_name(scheme).unwrap();
        let secret = Secret::for_scheme(&scheme, secret).unwrap();
        userhash::Signer::new(scheme, &secret)
    }

    #[test]
    fn each_vendor_signs_with_the_platforms_key_under_its_payload_key() {
        let config = Config::parse(CONFIG).unwrap();
        let signer = config
            .payload_signer("acme", "production", &secrets())
            .unwrap();
        assert_eq!(
            signer.vendors().collect::<Vec<_>>(),
            ["intercom", "zendesk", "crisp"]
        );
        assert_eq!(signer.platforms(), ["web", "ios", "android"]);
        let ada = Identity::from_user_id("42").with_email("ada@example.com");
        let payload = signer.payload(&ada, "ios", &options()).unwrap();
        assert!(payload.is_complete());
        assert_eq!(payload.platform(), "ios");

        let intercom = sign("intercom", "intercom-ios-secret").sign(&ada).unwrap();
        let zendesk = sign("zendesk", "zendesk-secret")
            .with_key_id("app_64b6d9f0d7ab2e0001cd4e34")
            .unwrap()
            .sign_at(&ada, AT)
            .unwrap();
        let crisp = sign("crisp", "crisp-secret").sign(&ada).unwrap();
        assert_eq!(
            payload.to_json(),
            format!(
                r#"{{"intercom":{{"user_id":"42","user_hash":"{intercom}"}},"zendesk":{{"jwt":"{zendesk}"}},"crisp":{{"email":"ada@example.com","signature":"{crisp}"}}}}"#
            )
        );
        let entry = payload.get("intercom").unwrap();
        assert_eq!(
            (
                entry.payload_key(),
                entry.scheme(),
                entry.user_id(),
                entry.email()
            ),
            ("user_hash", "intercom", Some("42"), None)
        );
        assert_eq!(payload.token("zendesk"), Some(zendesk.as_str()));
        assert!(entry.error().is_none());

        // The web page gets the web key's hash: never another platform's.
        let web = signer.payload(&ada, "web", &options()).unwrap();
        assert_eq!(
            web.token("intercom"),
            Some(
                sign("intercom", "intercom-web-secret")
                    .sign(&ada)
                    .unwrap()
                    .as_str()
            )
        );
        assert_eq!(web.token("crisp"), payload.token("crisp"));
    }

    #[test]
    fn a_vendors_tokens_verify_with_the_vendors_keyring() {
        let config = Config::parse(CONFIG).unwrap();
        let signer = config
            .payload_signer("acme", "production", &secrets())
            .unwrap();
        let ada = Identity::from_user_id("42");
        let payload = signer.payload(&ada, "android", &options()).unwrap();
        for vendor in ["intercom", "zendesk"] {
            let (keyring, freshness) = config
                .vendor_keyring("acme", "production", Some(vendor), &secrets())
                .unwrap();
            let verifier = Verifier::with_freshness(keyring, freshness).unwrap();
            let verified = verifier
                .verify_at(&ada, payload.token(vendor).unwrap(), AT + 60)
                .unwrap();
            let expected = if vendor == "intercom" {
                "android"
            } else {
                // Labelled by its key id, which the token's kid names.
                "app_64b6d9f0d7ab2e0001cd4e34"
            };
            assert_eq!(verified.label, expected);
        }
    }

    #[test]
    fn a_failing_vendor_fails_in_its_slot_or_raises() {
        let config = Config::parse(CONFIG).unwrap();
        let signer = config
            .payload_signer("acme", "production", &secrets())
            .unwrap();
        // Crisp signs the email, which this identity lacks.
        let no_email = Identity::from_user_id("42");
        let payload = signer.payload(&no_email, "web", &options()).unwrap();
        assert!(!payload.is_complete());
        let crisp = payload.get("crisp").unwrap();
        assert_eq!(crisp.token(), None);
        assert_eq!(crisp.error().map(ConfigError::code), Some("missing_field"));
        assert!(payload.token("intercom").is_some() && payload.token("zendesk").is_some());
        let unknown = payload.entry("pylon").unwrap_err();
        assert_eq!(unknown.code(), "config_unknown_vendor");
        assert!(
            unknown
                .to_string()
                .contains("\"intercom\", \"zendesk\", \"crisp\""),
            "{unknown}"
        );
        // The signer names the same error without a payload at hand.
        assert_eq!(
            signer.unknown_vendor("pylon").to_string(),
            unknown.to_string()
        );
        assert!(
            payload
                .to_json()
                .ends_with(r#""crisp":{"error":"missing_field"}}"#)
        );

        let raised = signer
            .payload(
                &no_email,
                "web",
                &PayloadOptions {
                    failures: VendorFailures::Raise,
                    ..options()
                },
            )
            .unwrap_err();
        assert_eq!(raised.code(), "missing_field");
        assert!(raised.to_string().contains("vendor \"crisp\""), "{raised}");
        assert_eq!(raised.location().and_then(|at| at.vendor()), Some("crisp"));
    }

    #[test]
    fn platforms_are_never_borrowed_from_another_platform() {
        let config = Config::parse(CONFIG).unwrap();
        let signer = config
            .payload_signer("acme", "production", &secrets())
            .unwrap();
        let ada = Identity::from_user_id("42").with_email("ada@example.com");
        // A platform only the all-platforms vendors serve: Intercom fails in its slot.
        let payload = signer.payload(&ada, "desktop", &options()).unwrap();
        let intercom = payload.get("intercom").unwrap().error().unwrap();
        assert_eq!(intercom.kind(), ConfigErrorKind::UnknownPlatform);
        let message = intercom.to_string();
        assert!(
            message.contains("\"intercom\"") && message.contains("\"desktop\""),
            "{message}"
        );
        assert!(payload.token("zendesk").is_some());

        // No vendor at all serves the platform: raised, whatever the caller chose.
        let only_intercom = Config::parse(
            "[apps.a.b]\nscheme = \"intercom\"\nkeys.web = { env = \"INTERCOM_WEB\" }\n",
        )
        .unwrap();
        let signer = only_intercom.payload_signer("a", "b", &secrets()).unwrap();
        let error = signer.payload(&ada, "ios", &options()).unwrap_err();
        assert_eq!(error.code(), "config_unknown_platform");
        assert!(error.to_string().contains("\"web\""), "{error}");

        // A vendor that says one key serves every platform and also has a platform's key.
        let contradiction = Config::parse(
            "[apps.a.b.vendors.crisp]\nscheme = \"crisp\"\nall_platforms = \"web\"\nkeys.web = { env = \"CRISP\" }\nkeys.ios = { env = \"INTERCOM_IOS\" }\n",
        )
        .unwrap();
        let signer = contradiction.payload_signer("a", "b", &secrets()).unwrap();
        let payload = signer.payload(&ada, "ios", &options()).unwrap();
        let error = payload.get("crisp").unwrap().error().unwrap();
        assert_eq!(error.code(), "config_invalid");
        assert!(error.to_string().contains("all_platforms"), "{error}");
        assert!(
            signer
                .payload(&ada, "web", &options())
                .unwrap()
                .is_complete()
        );
    }

    #[test]
    fn jwt_vendors_take_the_attributes_they_have_claims_for() {
        let config = Config::parse(
            r#"
[apps.a.b.vendors.intercom]
scheme = "intercom-jwt"
keys.web = { env = "I" }
[apps.a.b.vendors.zendesk]
scheme = "zendesk"
keys.web = { env = "Z", key_id = "app_1" }
[apps.a.b.vendors.pendo]
scheme = "pendo"
keys.web = { env = "P" }
[apps.a.b.vendors.help-scout]
scheme = "help-scout"
keys.web = { env = "H" }
"#,
        )
        .unwrap();
        let secrets = MemorySecrets::new()
            .with_env("I", "i-secret")
            .with_env("Z", "z-secret")
            .with_env("P", "p-secret")
            .with_env("H", "h-secret");
        let signer = config.payload_signer("a", "b", &secrets).unwrap();
        let ada = Identity::from_user_id("42").with_email("ada@example.com");
        let attributes = Attributes::new()
            .with_name("Ada")
            .with_email_verified(true)
            .with_nonce("n-1")
            .with_expires_in(600);
        let payload = signer
            .payload(
                &ada,
                "web",
                &PayloadOptions {
                    attributes: attributes.clone(),
                    ..options()
                },
            )
            .unwrap();
        assert!(payload.is_complete(), "{}", payload.to_json());
        let only = |keep: Attributes| {
            move |scheme: &str, secret: &str, kid: Option<&str>| {
                let mut signer = sign(scheme, secret);
                if let Some(kid) = kid {
                    signer = signer.with_key_id(kid).unwrap();
                }
                signer.sign_with_at(&ada_identity(), &keep, AT).unwrap()
            }
        };
        let intercom = only(Attributes::new().with_name("Ada").with_expires_in(600));
        assert_eq!(
            payload.token("intercom"),
            Some(intercom("intercom-jwt", "i-secret", None).as_str())
        );
        let mut without_nonce = attributes.clone();
        without_nonce.nonce = None;
        let zendesk = only(without_nonce);
        assert_eq!(
            payload.token("zendesk"),
            Some(zendesk("zendesk", "z-secret", Some("app_1")).as_str())
        );
        let mut without_email_verified = attributes;
        without_email_verified.email_verified = None;
        let pendo = only(without_email_verified);
        assert_eq!(
            payload.token("pendo"),
            Some(pendo("pendo", "p-secret", None).as_str())
        );
        // The hash vendor takes no attribute, and says which field it signed.
        let entry = payload.get("help-scout").unwrap();
        assert_eq!(
            (entry.user_id(), entry.email()),
            (None, Some("ada@example.com"))
        );

        // Pendo requires a nonce: without one, its slot fails and the others sign.
        let payload = signer.payload(&ada, "web", &options()).unwrap();
        assert_eq!(
            payload.get("pendo").unwrap().error().map(ConfigError::code),
            Some("missing_claim")
        );
        assert_eq!(
            payload
                .entries()
                .iter()
                .filter(|entry| entry.token().is_some())
                .count(),
            3
        );
    }

    fn ada_identity() -> Identity {
        Identity::from_user_id("42").with_email("ada@example.com")
    }

    #[test]
    fn the_clock_is_read_once_when_no_time_is_given() {
        let config = Config::parse(
            "[apps.a.b.vendors.one]\nscheme = \"jimo\"\nkeys.web = { env = \"A\" }\n[apps.a.b.vendors.two]\nscheme = \"jimo\"\nkeys.web = { env = \"A2\" }\n",
        )
        .unwrap();
        let secrets = MemorySecrets::new().with_env("A", "a").with_env("A2", "a2");
        let signer = config.payload_signer("a", "b", &secrets).unwrap();
        let payload = signer
            .payload(
                &Identity::from_user_id("42"),
                "web",
                &PayloadOptions::default(),
            )
            .unwrap();
        let stamp = |vendor: &str| {
            payload
                .token(vendor)
                .and_then(|token| token.rsplit_once('-'))
                .map(|(_, ts)| ts.to_owned())
        };
        assert!(stamp("one").is_some());
        assert_eq!(stamp("one"), stamp("two"));
        let keyring = Keyring::new(Scheme::by_name("jimo").unwrap())
            .with_key("web", "a")
            .unwrap();
        let verifier = Verifier::new(keyring).unwrap();
        assert!(
            verifier
                .verify(&Identity::from_user_id("42"), payload.token("one").unwrap())
                .is_ok()
        );
    }
}
