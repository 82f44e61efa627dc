//! How one vendor wants its hash: a [`Scheme`] from a preset by name, from its parts, or from a
//! one-line spec.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::claims::{ClaimLayout, ClaimRules};
use crate::error::{Error, Result, echo};
use crate::parts::{
    Encoding, KeyEncoding, Subject, TimestampPlacement, encoding_name, key_encoding_name,
    parse_encoding, parse_key_encoding, parse_subject, parse_timestamp, spec_values, subject_name,
    timestamp_name,
};
use crate::presets::{PRESETS, Preset};
use crate::secret::Secret;

/// The name every custom scheme reports.
pub const CUSTOM_SCHEME_NAME: &str = "custom";

/// A complete description of one vendor's identity hash.
///
/// Get a preset by name, or build a custom scheme from parts or from a one-line spec:
///
/// ```
/// use userhash::{Encoding, KeyEncoding, Scheme, Subject, TimestampPlacement};
///
/// let intercom = Scheme::by_name("intercom")?;
/// assert_eq!(intercom.subject(), Subject::UserIdElseEmail);
///
/// let custom: Scheme = "subject=email,output=base64".parse()?;
/// assert_eq!(
///     custom,
///     Scheme::custom(Subject::Email, KeyEncoding::Utf8, Encoding::Base64, TimestampPlacement::None)?
/// );
/// assert_eq!(custom.spec(), "subject=email,key=utf8,output=base64,timestamp=none");
/// # Ok::<(), userhash::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Scheme {
    name: Cow<'static, str>,
    subject: Subject,
    key_encoding: KeyEncoding,
    encoding: Encoding,
    timestamp: TimestampPlacement,
    claims: Option<&'static ClaimLayout>,
    preset: Option<&'static Preset>,
}

impl Scheme {
    /// The preset with this name (see [`Scheme::preset_names`]).
    ///
    /// # Errors
    /// [`Error::UnknownScheme`] when no preset has the name.
    pub fn by_name(name: &str) -> Result<Scheme> {
        PRESETS
            .iter()
            .find(|preset| preset.name == name)
            .map(|preset| Scheme::from_preset(preset))
            .ok_or_else(|| Error::UnknownScheme { name: echo(name) })
    }

    /// The names of all presets, in catalogue order.
    pub fn preset_names() -> impl ExactSizeIterator<Item = &'static str> {
        PRESETS.iter().map(|preset| preset.name)
    }

    /// All presets, in catalogue order.
    pub fn presets() -> impl ExactSizeIterator<Item = Scheme> {
        PRESETS.iter().map(|preset| Scheme::from_preset(preset))
    }

    /// The scheme a preset describes.
    pub fn from_preset(preset: &'static Preset) -> Scheme {
        Scheme {
            name: Cow::Borrowed(preset.name),
            subject: preset.subject,
            key_encoding: preset.key_encoding,
            encoding: preset.encoding,
            timestamp: preset.timestamp,
            claims: match preset.encoding {
                Encoding::Jwt => Some(preset.claims.unwrap_or(&ClaimLayout::GENERIC)),
                Encoding::Hex | Encoding::Base64 => None,
            },
            preset: Some(preset),
        }
    }

    /// A scheme for a vendor without a preset, built from its parts. Its name is `custom`.
    ///
    /// With [`Encoding::Jwt`] the claims follow [`ClaimLayout::GENERIC`] (`sub`, `email`, ...).
    ///
    /// # Errors
    /// [`Error::InvalidScheme`] for a JWT with a suffix timestamp: a JWT carries its times in
    /// the `iat` and `exp` claims.
    pub fn custom(
        subject: Subject,
        key_encoding: KeyEncoding,
        encoding: Encoding,
        timestamp: TimestampPlacement,
    ) -> Result<Scheme> {
        let claims = match (encoding, timestamp) {
            (Encoding::Jwt, TimestampPlacement::Suffix) => {
                return Err(Error::InvalidScheme {
                    reason: "output=jwt takes no timestamp suffix: a JWT carries its times in the iat and exp claims".to_owned(),
                });
            }
            (Encoding::Jwt, TimestampPlacement::None) => Some(&ClaimLayout::GENERIC),
            (Encoding::Hex | Encoding::Base64, _) => None,
        };
        Ok(Scheme {
            name: Cow::Borrowed(CUSTOM_SCHEME_NAME),
            subject,
            key_encoding,
            encoding,
            timestamp,
            claims,
            preset: None,
        })
    }

    /// A custom scheme from a one-line spec: comma-separated `key=value` pairs, in any order,
    /// exactly as written (case-sensitive, no spaces).
    ///
    /// | key | values | default |
    /// |---|---|---|
    /// | `subject` | `user_id`, `email`, `user_id_else_email`, `user_id_and_email` | required |
    /// | `key` | `utf8`, `hex` | `utf8` |
    /// | `output` | `hex`, `base64`, `jwt` | `hex` |
    /// | `timestamp` | `none`, `suffix` | `none` |
    ///
    /// # Errors
    /// [`Error::InvalidScheme`] for an unknown key or value, a repeated key, or no `subject`.
    pub fn from_spec(spec: &str) -> Result<Scheme> {
        let invalid = |reason: String| Error::InvalidScheme { reason };
        let mut subject = None;
        let mut key_encoding = None;
        let mut encoding = None;
        let mut timestamp = None;
        for pair in spec.split(',') {
            let (key, value) = pair.split_once('=').ok_or_else(|| {
                invalid(format!(
                    "expected key=value pairs separated by commas, found {:?}",
                    echo(pair)
                ))
            })?;
            let unknown_value = || {
                invalid(format!(
                    "{key}={:?} is not one of {}",
                    echo(value),
                    spec_values(key)
                ))
            };
            let repeated = match key {
                "subject" => subject
                    .replace(parse_subject(value).ok_or_else(unknown_value)?)
                    .is_some(),
                "key" => key_encoding
                    .replace(parse_key_encoding(value).ok_or_else(unknown_value)?)
                    .is_some(),
                "output" => encoding
                    .replace(parse_encoding(value).ok_or_else(unknown_value)?)
                    .is_some(),
                "timestamp" => timestamp
                    .replace(parse_timestamp(value).ok_or_else(unknown_value)?)
                    .is_some(),
                other => {
                    return Err(invalid(format!(
                        "unknown key {:?}; keys are subject, key, output, timestamp",
                        echo(other)
                    )));
                }
            };
            if repeated {
                return Err(invalid(format!("{key} is given more than once")));
            }
        }
        let subject = subject
            .ok_or_else(|| invalid("subject is required, e.g. \"subject=user_id\"".to_owned()))?;
        Scheme::custom(
            subject,
            key_encoding.unwrap_or(KeyEncoding::Utf8),
            encoding.unwrap_or(Encoding::Hex),
            timestamp.unwrap_or(TimestampPlacement::None),
        )
    }

    /// A preset name or, when the text contains `=`, a custom spec ([`Scheme::from_spec`]).
    ///
    /// # Errors
    /// [`Error::UnknownScheme`] or [`Error::InvalidScheme`].
    pub fn parse(text: &str) -> Result<Scheme> {
        if text.contains('=') {
            Scheme::from_spec(text)
        } else {
            Scheme::by_name(text)
        }
    }

    /// The preset's name, or `custom`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Which identity fields are signed.
    pub fn subject(&self) -> Subject {
        self.subject
    }

    /// How the secret string becomes key bytes.
    pub fn key_encoding(&self) -> KeyEncoding {
        self.key_encoding
    }

    /// How the MAC is written in the token.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Whether the token embeds a timestamp.
    pub fn timestamp(&self) -> TimestampPlacement {
        self.timestamp
    }

    /// True when tokens are `"{mac}-{unix seconds}"`.
    pub fn is_timestamped(&self) -> bool {
        self.timestamp == TimestampPlacement::Suffix
    }

    /// True when tokens are signed JWTs.
    pub fn is_jwt(&self) -> bool {
        self.claims.is_some()
    }

    /// Where a JWT scheme puts the identity and attributes in its claims; `None` for hashes.
    pub fn claim_layout(&self) -> Option<&'static ClaimLayout> {
        self.claims
    }

    /// What the claim rules need of a JWT scheme; `None` for hashes.
    pub(crate) fn claim_rules(&self) -> Option<ClaimRules<'_>> {
        self.claims.map(|layout| ClaimRules {
            scheme: &self.name,
            subject: self.subject,
            layout,
        })
    }

    /// The preset this scheme came from, with its vendor source and confidence; `None` for a
    /// custom scheme.
    pub fn preset(&self) -> Option<&'static Preset> {
        self.preset
    }

    /// The canonical spec of this scheme's parts, e.g.
    /// `subject=user_id_else_email,key=utf8,output=hex,timestamp=none` for `intercom`.
    pub fn spec(&self) -> String {
        format!(
            "subject={},key={},output={},timestamp={}",
            subject_name(self.subject),
            key_encoding_name(self.key_encoding),
            encoding_name(self.encoding),
            timestamp_name(self.timestamp),
        )
    }
}

impl fmt::Debug for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scheme({}: {})", self.name, self.spec())
    }
}

/// A preset's name, or a custom scheme's spec — what [`Scheme::parse`] reads back.
impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.preset {
            Some(preset) => f.write_str(preset.name),
            None => f.write_str(&self.spec()),
        }
    }
}

impl FromStr for Scheme {
    type Err = Error;

    fn from_str(text: &str) -> Result<Scheme> {
        Scheme::parse(text)
    }
}

// How a scheme reads its secret is the scheme's rule; defined here, `Secret` needs no scheme.
impl Secret {
    /// The dashboard secret string decoded the way `scheme` uses it.
    ///
    /// # Errors
    /// As [`Secret::decode`].
    pub fn for_scheme(scheme: &Scheme, text: &str) -> Result<Secret> {
        Secret::decode(text, scheme.key_encoding())
    }
}
