//! Who a token is about: a user id, an email, or both.

use crate::error::{Error, Field, Result};

/// The largest identifier, in bytes of UTF-8, that userhash signs or verifies.
///
/// No vendor's identifier comes near it (emails are at most 254 bytes, Zendesk caps external ids
/// at 255 characters), and the bound keeps the work an unauthenticated request can cause —
/// verification against every key, and the hundreds of candidate hashes `explain` tries — small
/// and predictable.
pub const MAX_IDENTIFIER_BYTES: usize = 1024;

/// The identity a token vouches for.
///
/// Both fields are optional; which of them a scheme signs is the scheme's
/// [`Subject`](crate::Subject). An identity with neither is *unidentified*: it cannot be signed,
/// and a [`Gate`](crate::Gate) lets it through as anonymous. Values are used exactly as given —
/// never trimmed, case-folded or normalised.
///
/// ```
/// use userhash::Identity;
///
/// let both = Identity::from_user_id("42").with_email("ada@example.com");
/// assert_eq!(both.user_id.as_deref(), Some("42"));
/// assert!(Identity::default().is_unidentified());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Identity {
    /// The application's stable identifier for the user.
    pub user_id: Option<String>,
    /// The user's email address.
    pub email: Option<String>,
}

impl Identity {
    /// An identity from optional parts.
    pub fn new(user_id: Option<String>, email: Option<String>) -> Self {
        Identity { user_id, email }
    }

    /// An identity with a user id only.
    pub fn from_user_id(user_id: impl Into<String>) -> Self {
        Identity {
            user_id: Some(user_id.into()),
            email: None,
        }
    }

    /// An identity with an email only.
    pub fn from_email(email: impl Into<String>) -> Self {
        Identity {
            user_id: None,
            email: Some(email.into()),
        }
    }

    /// This identity with its user id set.
    #[must_use]
    pub fn with_user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// This identity with its email set.
    #[must_use]
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// True when the identity has neither a user id nor an email (absent or empty): an anonymous
    /// visitor, to whom identity verification does not apply.
    pub fn is_unidentified(&self) -> bool {
        self.user_id.as_deref().is_none_or(str::is_empty)
            && self.email.as_deref().is_none_or(str::is_empty)
    }

    /// The value of one field.
    pub fn field(&self, field: Field) -> Option<&str> {
        match field {
            Field::UserId => self.user_id.as_deref(),
            Field::Email => self.email.as_deref(),
        }
    }
}

/// Checks one identifier a scheme is about to sign.
#[inline]
pub(crate) fn check_identifier(field: Field, value: &str) -> Result<&str> {
    if value.is_empty() {
        return Err(Error::EmptyField { field });
    }
    if value.len() > MAX_IDENTIFIER_BYTES {
        return Err(Error::IdentifierTooLong {
            field,
            len: value.len(),
            max: MAX_IDENTIFIER_BYTES,
        });
    }
    Ok(value)
}
