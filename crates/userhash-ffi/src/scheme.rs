//! Schemes: presets by name, custom schemes from parts or a one-line spec.

use std::sync::Arc;

use userhash::presets::{Confidence as CoreConfidence, Preset as CorePreset};
use userhash::{
    Encoding as CoreEncoding, KeyEncoding as CoreKeyEncoding, Scheme as CoreScheme,
    Subject as CoreSubject, TimestampPlacement as CoreTimestampPlacement,
};

use crate::Result;
use crate::mirror::mirror_enum;

mirror_enum! {
    /// Which identity fields form the signed message.
    pub enum Subject mirrors CoreSubject {
        /// The user id alone.
        UserId,
        /// The email alone.
        Email,
        /// The user id when there is one, else the email (Intercom, Front, Featurebase).
        UserIdElseEmail,
        /// User id then email concatenated, whichever are present (Helpshift).
        UserIdAndEmail,
    }
}

mirror_enum! {
    /// How the dashboard secret becomes key bytes.
    pub enum KeyEncoding mirrors CoreKeyEncoding {
        /// The secret's UTF-8 bytes (almost every vendor, even when it looks like hex).
        Utf8,
        /// The secret is hex-decoded (Pylon, Channel.io).
        Hex,
    }
}

mirror_enum! {
    /// How the MAC is written in the token.
    pub enum Encoding mirrors CoreEncoding {
        /// 64 lower-case hex digits.
        Hex,
        /// 44 characters of standard padded base64.
        Base64,
        /// A signed JWT (HS256) whose claims follow the scheme's vendor.
        Jwt,
    }
}

mirror_enum! {
    /// Whether the token carries the time it was made.
    pub enum TimestampPlacement mirrors CoreTimestampPlacement {
        /// No timestamp.
        None,
        /// `"{subject}-{unix seconds}"` is signed; the token is `"{mac}-{unix seconds}"`.
        Suffix,
    }
}

mirror_enum! {
    /// How sure userhash is that a preset matches the vendor.
    pub enum Confidence mirrors CoreConfidence {
        /// Every part is stated by the vendor's docs or sample code.
        Confirmed,
        /// The message is confirmed; another part is inferred.
        PartlyInferred,
        /// Inferred or third-party: test against the vendor before relying on it.
        Inferred,
    }
}

/// A vendor preset's provenance.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PresetInfo {
    /// The preset's name, e.g. `intercom`.
    pub name: String,
    /// The vendor and product.
    pub vendor: String,
    /// How sure we are of the rule.
    pub confidence: Confidence,
    /// The name under which the client SDK sends the token.
    pub client_parameter: String,
    /// The same as one JSON member name: where a payload puts this vendor's token
    /// (`user_hash`, `jwt`, ...).
    pub payload_key: String,
    /// Where the rule comes from.
    pub source: String,
}

impl From<&CorePreset> for PresetInfo {
    fn from(preset: &CorePreset) -> PresetInfo {
        PresetInfo {
            name: preset.name.to_owned(),
            vendor: preset.vendor.to_owned(),
            confidence: preset.confidence.into(),
            client_parameter: preset.client_parameter.to_owned(),
            payload_key: preset.payload_key.to_owned(),
            source: preset.source.to_owned(),
        }
    }
}

/// Everything about a scheme, as plain data.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SchemeInfo {
    /// The preset's name, or `custom`.
    pub name: String,
    /// The canonical one-line spec of the scheme's parts.
    pub spec: String,
    /// Which identity fields are signed.
    pub subject: Subject,
    /// How the secret becomes key bytes.
    pub key_encoding: KeyEncoding,
    /// How the MAC is written.
    pub encoding: Encoding,
    /// Whether the token embeds a timestamp.
    pub timestamp: TimestampPlacement,
    /// For JWT schemes, whether tokens name their key in the `kid` header (sign through a
    /// keyring label, or `Signer.with_key_id`).
    pub requires_key_id: bool,
    /// The vendor preset's provenance; absent for custom schemes.
    pub preset: Option<PresetInfo>,
}

/// How one vendor wants its identity hash: a preset by name, or a custom scheme.
#[derive(Debug, uniffi::Object)]
pub struct Scheme {
    pub(crate) inner: CoreScheme,
}

#[uniffi::export]
impl Scheme {
    /// The preset with this name, e.g. `intercom`, `helpshift`, `jimo` (see `preset_names`).
    #[uniffi::constructor]
    pub fn by_name(name: String) -> Result<Arc<Scheme>> {
        Ok(Scheme::wrap(CoreScheme::by_name(&name)?))
    }

    /// A preset name, or a custom spec such as `subject=user_id_and_email,output=base64`
    /// (keys: subject, key, output, timestamp).
    #[uniffi::constructor]
    pub fn parse(text: String) -> Result<Arc<Scheme>> {
        Ok(Scheme::wrap(CoreScheme::parse(&text)?))
    }

    /// A custom scheme from its parts, for a vendor without a preset. With `Encoding.Jwt` the
    /// claims are `sub`, `email`, `name`, `email_verified` and `nonce`.
    #[uniffi::constructor]
    pub fn custom(
        subject: Subject,
        key_encoding: KeyEncoding,
        encoding: Encoding,
        timestamp: TimestampPlacement,
    ) -> Result<Arc<Scheme>> {
        Ok(Scheme::wrap(CoreScheme::custom(
            subject.into(),
            key_encoding.into(),
            encoding.into(),
            timestamp.into(),
        )?))
    }

    /// The preset's name, or `custom`.
    pub fn name(&self) -> Result<String> {
        Ok(self.inner.name().to_owned())
    }

    /// The scheme's parts and provenance.
    pub fn info(&self) -> Result<SchemeInfo> {
        let scheme = &self.inner;
        Ok(SchemeInfo {
            name: scheme.name().to_owned(),
            spec: scheme.spec(),
            subject: scheme.subject().into(),
            key_encoding: scheme.key_encoding().into(),
            encoding: scheme.encoding().into(),
            timestamp: scheme.timestamp().into(),
            requires_key_id: scheme
                .claim_layout()
                .is_some_and(|layout| layout.key_id_required),
            preset: scheme.preset().map(PresetInfo::from),
        })
    }
}

impl Scheme {
    fn wrap(inner: CoreScheme) -> Arc<Scheme> {
        Arc::new(Scheme { inner })
    }
}

/// The names of all presets, in catalogue order.
#[uniffi::export]
pub fn preset_names() -> Result<Vec<String>> {
    Ok(CoreScheme::preset_names().map(str::to_owned).collect())
}

/// Every preset's parts and provenance, in catalogue order.
#[uniffi::export]
pub fn presets() -> Result<Vec<SchemeInfo>> {
    CoreScheme::presets()
        .map(|scheme| Scheme { inner: scheme }.info())
        .collect()
}
