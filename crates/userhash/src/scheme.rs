//! How one vendor wants its hash: the parts of a [`Scheme`], the presets by name, and custom
//! schemes written as a one-line spec.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::claims::ClaimLayout;
use crate::error::{Error, Field, Result, echo};
use crate::identity::{Identity, check_identifier};
use crate::presets::{PRESETS, Preset};

/// Which identity fields form the signed message, and how they are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// The user id alone; an email, if any, is ignored.
    UserId,
    /// The email alone; a user id, if any, is ignored.
    Email,
    /// The user id when there is one, else the email (Intercom, Front, Featurebase).
    UserIdElseEmail,
    /// The user id followed by the email with no separator, whichever are present (Helpshift).
    UserIdAndEmail,
}

/// How the secret string from the vendor's dashboard becomes HMAC key bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyEncoding {
    /// The UTF-8 bytes of the secret as written — what almost every vendor does, even when the
    /// secret looks like hex.
    Utf8,
    /// The secret is hex and is decoded to bytes (Pylon, Channel.io).
    Hex,
}

/// How the 32-byte MAC is written in the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// 64 lower-case hex digits.
    Hex,
    /// 44 characters of standard, padded base64.
    Base64,
    /// A signed JWT (compact JWS, HS256): the MAC is its unpadded base64url signature over a
    /// header and the claims the scheme's [`ClaimLayout`] describes.
    Jwt,
}

/// Whether, and how, a token carries the time it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampPlacement {
    /// No timestamp: a token is valid for as long as its key is.
    None,
    /// The message is `"{subject}-{unix seconds}"` and the token `"{mac}-{unix seconds}"`
    /// (Jimo, Chameleon), so a verifier can bound the token's age.
    Suffix,
}

/// The character between the subject and the timestamp, and between the MAC and the timestamp.
pub(crate) const TIMESTAMP_SEPARATOR: char = '-';

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

    /// The identifier text(s) this scheme signs for an identity, checked.
    // Inlined so its result stays in registers: returned through memory, the hot signing path
    // stalled on reading it back (store forwarding fails on the wider reload).
    #[inline(always)]
    pub(crate) fn subject_of<'a>(&self, identity: &'a Identity) -> Result<SubjectParts<'a>> {
        let user_id = identity.user_id.as_deref();
        let email = identity.email.as_deref();
        let missing = |field: Field| {
            if identity.user_id.is_none() && identity.email.is_none() {
                Error::Unidentified
            } else {
                Error::MissingField {
                    scheme: self.name.to_string(),
                    field,
                }
            }
        };
        match self.subject {
            Subject::UserId => {
                let id = user_id.ok_or_else(|| missing(Field::UserId))?;
                Ok(SubjectParts::one(check_identifier(Field::UserId, id)?))
            }
            Subject::Email => {
                let email = email.ok_or_else(|| missing(Field::Email))?;
                Ok(SubjectParts::one(check_identifier(Field::Email, email)?))
            }
            Subject::UserIdElseEmail => match (user_id, email) {
                (Some(id), _) => Ok(SubjectParts::one(check_identifier(Field::UserId, id)?)),
                (None, Some(email)) => {
                    Ok(SubjectParts::one(check_identifier(Field::Email, email)?))
                }
                (None, None) => Err(Error::Unidentified),
            },
            Subject::UserIdAndEmail => match (user_id, email) {
                (Some(id), Some(email)) => Ok(SubjectParts::two(
                    check_identifier(Field::UserId, id)?,
                    check_identifier(Field::Email, email)?,
                )),
                (Some(id), None) => Ok(SubjectParts::one(check_identifier(Field::UserId, id)?)),
                (None, Some(email)) => {
                    Ok(SubjectParts::one(check_identifier(Field::Email, email)?))
                }
                (None, None) => Err(Error::Unidentified),
            },
        }
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

/// The one or two identifier strings a scheme signs, in order, borrowed from the identity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SubjectParts<'a> {
    parts: [&'a str; 2],
    count: usize,
}

impl<'a> SubjectParts<'a> {
    fn one(only: &'a str) -> Self {
        SubjectParts {
            parts: [only, ""],
            count: 1,
        }
    }

    fn two(first: &'a str, second: &'a str) -> Self {
        SubjectParts {
            parts: [first, second],
            count: 2,
        }
    }

    /// The parts in signing order.
    pub(crate) fn as_slice(&self) -> &[&'a str] {
        self.parts.get(..self.count).unwrap_or(&[])
    }
}

const SUBJECTS: [(Subject, &str); 4] = [
    (Subject::UserId, "user_id"),
    (Subject::Email, "email"),
    (Subject::UserIdElseEmail, "user_id_else_email"),
    (Subject::UserIdAndEmail, "user_id_and_email"),
];
const KEY_ENCODINGS: [(KeyEncoding, &str); 2] =
    [(KeyEncoding::Utf8, "utf8"), (KeyEncoding::Hex, "hex")];
const ENCODINGS: [(Encoding, &str); 3] = [
    (Encoding::Hex, "hex"),
    (Encoding::Base64, "base64"),
    (Encoding::Jwt, "jwt"),
];
const TIMESTAMPS: [(TimestampPlacement, &str); 2] = [
    (TimestampPlacement::None, "none"),
    (TimestampPlacement::Suffix, "suffix"),
];

fn lookup<T: Copy>(table: &[(T, &'static str)], value: &str) -> Option<T> {
    table
        .iter()
        .find(|(_, name)| *name == value)
        .map(|(item, _)| *item)
}

fn name_of<T: Copy + PartialEq>(table: &[(T, &'static str)], item: T) -> &'static str {
    table
        .iter()
        .find(|(it, _)| *it == item)
        .map_or("?", |(_, name)| name)
}

fn parse_subject(value: &str) -> Option<Subject> {
    lookup(&SUBJECTS, value)
}
fn parse_key_encoding(value: &str) -> Option<KeyEncoding> {
    lookup(&KEY_ENCODINGS, value)
}
fn parse_encoding(value: &str) -> Option<Encoding> {
    lookup(&ENCODINGS, value)
}
fn parse_timestamp(value: &str) -> Option<TimestampPlacement> {
    lookup(&TIMESTAMPS, value)
}

/// The spec name of a subject (`user_id_else_email`, ...).
pub(crate) fn subject_name(subject: Subject) -> &'static str {
    name_of(&SUBJECTS, subject)
}
fn key_encoding_name(key: KeyEncoding) -> &'static str {
    name_of(&KEY_ENCODINGS, key)
}
fn encoding_name(encoding: Encoding) -> &'static str {
    name_of(&ENCODINGS, encoding)
}
fn timestamp_name(timestamp: TimestampPlacement) -> &'static str {
    name_of(&TIMESTAMPS, timestamp)
}

/// The accepted values of a spec key, for error messages.
fn spec_values(key: &str) -> String {
    fn names<T>(table: &[(T, &'static str)]) -> String {
        table
            .iter()
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    }
    match key {
        "subject" => names(&SUBJECTS),
        "key" => names(&KEY_ENCODINGS),
        "output" => names(&ENCODINGS),
        _ => names(&TIMESTAMPS),
    }
}
