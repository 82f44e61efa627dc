//! The parts a [`Scheme`](crate::Scheme) is built from — which identity fields are signed, how
//! the secret becomes key bytes, how the MAC is written, whether a timestamp is embedded — with
//! their names in a one-line spec, and the one place an identity meets a scheme's subject and is
//! checked.

use std::borrow::Cow;

use crate::error::{Error, Field, Result};
use crate::identity::{Identity, check_identifier};

/// Which identity fields form the signed message, and how they are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
#[non_exhaustive]
pub enum KeyEncoding {
    /// The UTF-8 bytes of the secret as written — what almost every vendor does, even when the
    /// secret looks like hex.
    Utf8,
    /// The secret is hex and is decoded to bytes (Pylon, Channel.io).
    Hex,
}

/// How the 32-byte MAC is written in the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// 64 lower-case hex digits.
    Hex,
    /// 44 characters of standard, padded base64.
    Base64,
    /// A signed JWT (compact JWS, HS256): the MAC is its unpadded base64url signature over a
    /// header and the claims the scheme's [`ClaimLayout`](crate::ClaimLayout) describes.
    Jwt,
}

/// Whether, and how, a token carries the time it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimestampPlacement {
    /// No timestamp: a token is valid for as long as its key is.
    None,
    /// The message is `"{subject}-{unix seconds}"` and the token `"{mac}-{unix seconds}"`
    /// (Jimo, Chameleon), so a verifier can bound the token's age.
    Suffix,
}

impl Subject {
    /// Every variant, in declaration order.
    pub const ALL: [Subject; 4] = [
        Subject::UserId,
        Subject::Email,
        Subject::UserIdElseEmail,
        Subject::UserIdAndEmail,
    ];
}

impl KeyEncoding {
    /// Every variant, in declaration order.
    pub const ALL: [KeyEncoding; 2] = [KeyEncoding::Utf8, KeyEncoding::Hex];
}

impl Encoding {
    /// Every variant, in declaration order.
    pub const ALL: [Encoding; 3] = [Encoding::Hex, Encoding::Base64, Encoding::Jwt];
}

impl TimestampPlacement {
    /// Every variant, in declaration order.
    pub const ALL: [TimestampPlacement; 2] = [TimestampPlacement::None, TimestampPlacement::Suffix];
}

/// The character between the subject and the timestamp, and between the MAC and the timestamp.
pub(crate) const TIMESTAMP_SEPARATOR: char = '-';

impl Subject {
    /// The part of `identity` this subject signs, unchecked: the fields it does not sign left
    /// out (with both fields, [`Subject::UserIdElseEmail`] signs the user id alone). What a
    /// hash's client must send beside it.
    pub fn signed_part(self, identity: &Identity) -> Identity {
        let (user_id, email) = (identity.user_id.clone(), identity.email.clone());
        match self {
            Subject::UserId => Identity::new(user_id, None),
            Subject::Email => Identity::new(None, email),
            Subject::UserIdElseEmail if user_id.is_some() => Identity::new(user_id, None),
            Subject::UserIdElseEmail => Identity::new(None, email),
            Subject::UserIdAndEmail => Identity::new(user_id, email),
        }
    }

    /// The identifier text(s) this subject signs for `identity`, in signing order, each checked
    /// ([`check_identifier`]): where a hash scheme's identity enters, checked once. `scheme` names
    /// the scheme in a [`Error::MissingField`].
    // Inlined so its result stays in registers: returned through memory, the hot signing path
    // stalled on reading it back (store forwarding fails on the wider reload).
    #[inline(always)]
    pub(crate) fn select<'a>(
        self,
        scheme: &str,
        identity: &'a Identity,
    ) -> Result<SubjectParts<'a>> {
        let user_id = identity.user_id.as_deref();
        let email = identity.email.as_deref();
        let missing = |field: Field| {
            if user_id.is_none() && email.is_none() {
                Error::Unidentified
            } else {
                Error::MissingField {
                    scheme: scheme.to_owned(),
                    field,
                }
            }
        };
        match self {
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

    /// `identity` checked for a scheme that signs every field it has (a JWT writes each into a
    /// claim): the fields this subject requires are present, and every field present is a valid
    /// identifier. Where a JWT scheme's identity enters, checked once.
    pub(crate) fn check_every_field<'a>(
        self,
        scheme: &str,
        identity: Cow<'a, Identity>,
    ) -> Result<CheckedIdentity<'a>> {
        self.select(scheme, &identity)?;
        for field in [Field::UserId, Field::Email] {
            if let Some(value) = identity.field(field) {
                check_identifier(field, value)?;
            }
        }
        Ok(CheckedIdentity(identity))
    }
}

/// An identity that [`Subject::check_every_field`] accepted: what the JWT claim rules take, so
/// that they never see, nor check again, an identity that was not checked where it entered.
#[derive(Debug, Clone)]
pub(crate) struct CheckedIdentity<'a>(Cow<'a, Identity>);

impl CheckedIdentity<'_> {
    /// The identity.
    pub(crate) fn get(&self) -> &Identity {
        &self.0
    }

    /// The identity, owned.
    pub(crate) fn into_owned(self) -> Identity {
        self.0.into_owned()
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

pub(crate) fn parse_subject(value: &str) -> Option<Subject> {
    lookup(&SUBJECTS, value)
}
pub(crate) fn parse_key_encoding(value: &str) -> Option<KeyEncoding> {
    lookup(&KEY_ENCODINGS, value)
}
pub(crate) fn parse_encoding(value: &str) -> Option<Encoding> {
    lookup(&ENCODINGS, value)
}
pub(crate) fn parse_timestamp(value: &str) -> Option<TimestampPlacement> {
    lookup(&TIMESTAMPS, value)
}

/// The spec name of a subject (`user_id_else_email`, ...).
pub(crate) fn subject_name(subject: Subject) -> &'static str {
    name_of(&SUBJECTS, subject)
}
pub(crate) fn key_encoding_name(key: KeyEncoding) -> &'static str {
    name_of(&KEY_ENCODINGS, key)
}
pub(crate) fn encoding_name(encoding: Encoding) -> &'static str {
    name_of(&ENCODINGS, encoding)
}
pub(crate) fn timestamp_name(timestamp: TimestampPlacement) -> &'static str {
    name_of(&TIMESTAMPS, timestamp)
}

/// The accepted values of a spec key, for error messages.
pub(crate) fn spec_values(key: &str) -> String {
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
