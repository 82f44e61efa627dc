//! What a vendor's identity JWT says: where each identity field and attribute goes in the claims
//! ([`ClaimLayout`]) and the extra attributes a signer can add ([`Attributes`]). Writing the
//! claims is [`issue`]; checking a genuine token's claims is [`verify`].

use serde_json::{Map, Value};

use crate::error::{Error, Field, Result};
use crate::parts::Subject;

pub(crate) mod issue;
pub(crate) mod verify;

/// How long a JWT is valid when the attributes do not say: one hour, the same bound as the
/// default maximum age of a timestamped hash.
pub const DEFAULT_JWT_LIFETIME_SECONDS: u64 = 3600;

/// Where a value lives in the claims: a top-level member (`["user_id"]`) or a member of nested
/// objects (`["visitor", "id"]` for Pendo). Errors and docs write it dotted: `visitor.id`.
pub type ClaimPath = &'static [&'static str];

/// Where one vendor's JWT puts each identity field and attribute, and what it requires.
///
/// A JWT scheme signs every identity field it has a claim for (not only its
/// [`Subject`](crate::Subject)); the subject says which of them must be present, exactly as for hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ClaimLayout {
    /// The claim holding the user id.
    pub user_id: ClaimPath,
    /// The claim holding the email.
    pub email: ClaimPath,
    /// The claim holding the display name ([`Attributes::name`]), if the vendor reads one.
    pub name: Option<ClaimPath>,
    /// The claim holding [`Attributes::email_verified`], if the vendor reads one.
    pub email_verified: Option<ClaimPath>,
    /// The claim holding [`Attributes::account_id`], if the vendor reads one.
    pub account_id: Option<ClaimPath>,
    /// The claim holding [`Attributes::nonce`], if the vendor reads one.
    pub nonce: Option<ClaimPath>,
    /// Whether the nonce is required.
    pub nonce_required: bool,
    /// Claims with a value fixed by the vendor (Zendesk's `scope: "user"`), written on every
    /// token and required on every token verified.
    pub fixed: &'static [(&'static str, &'static str)],
    /// Whether tokens name their key in the `kid` header (Zendesk).
    pub key_id_required: bool,
    /// The most characters the vendor accepts in the user id claim (Zendesk: 255).
    pub max_user_id_chars: Option<usize>,
}

impl ClaimLayout {
    /// The layout of custom JWT schemes (`output=jwt`): the registered `sub` claim for the user
    /// id, and OpenID Connect's names for the others.
    pub const GENERIC: ClaimLayout = ClaimLayout {
        user_id: &["sub"],
        email: &["email"],
        name: Some(&["name"]),
        email_verified: Some(&["email_verified"]),
        account_id: None,
        nonce: Some(&["nonce"]),
        nonce_required: false,
        fixed: &[],
        key_id_required: false,
        max_user_id_chars: None,
    };

    /// The claim holding an identity field.
    pub(crate) fn field(&self, field: Field) -> ClaimPath {
        match field {
            Field::UserId => self.user_id,
            Field::Email => self.email,
        }
    }
}

/// What a signer adds to a JWT beyond the identity. Every field is optional; an attribute the
/// scheme has no claim for is an error rather than silently dropped.
///
/// ```
/// use userhash::{Attributes, Identity, Scheme, Secret, Signer};
///
/// let scheme = Scheme::by_name("pendo")?;
/// let signer = Signer::new(scheme.clone(), &Secret::for_scheme(&scheme, "secret")?);
/// let attributes = Attributes::new()
///     .with_nonce("3f1c9a")
///     .with_account_id("acme")
///     .with_extra_claims(r#"{"visitor":{"role":"admin"}}"#);
/// let jwt = signer.sign_with_at(&Identity::from_user_id("42"), &attributes, 1_700_000_000)?;
/// assert_eq!(jwt.split('.').count(), 3);
/// # Ok::<(), userhash::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Attributes {
    /// The user's display name.
    pub name: Option<String>,
    /// Whether the email has been verified by the app (Zendesk's `email_verified`).
    pub email_verified: Option<bool>,
    /// The account (company) the user belongs to (Pendo's `account.id`).
    pub account_id: Option<String>,
    /// A single-use value (Pendo requires one per token).
    pub nonce: Option<String>,
    /// Seconds from issue to expiry (`exp - iat`); [`DEFAULT_JWT_LIFETIME_SECONDS`] when absent.
    pub expires_in: Option<u64>,
    /// More claims, as the text of one JSON object: vendor attributes such as Featurebase's
    /// `companies` or Pendo's visitor metadata. Objects are merged into the claims userhash
    /// writes; a member userhash writes cannot be replaced.
    pub extra_claims: Option<String>,
}

impl Attributes {
    /// No attributes (the same as [`Attributes::default`]).
    pub fn new() -> Attributes {
        Attributes::default()
    }

    /// These attributes with the display name set.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Attributes {
        self.name = Some(name.into());
        self
    }

    /// These attributes saying whether the app has verified the email.
    #[must_use]
    pub fn with_email_verified(mut self, email_verified: bool) -> Attributes {
        self.email_verified = Some(email_verified);
        self
    }

    /// These attributes with the account (company) set.
    #[must_use]
    pub fn with_account_id(mut self, account_id: impl Into<String>) -> Attributes {
        self.account_id = Some(account_id.into());
        self
    }

    /// These attributes with a single-use nonce.
    #[must_use]
    pub fn with_nonce(mut self, nonce: impl Into<String>) -> Attributes {
        self.nonce = Some(nonce.into());
        self
    }

    /// These attributes with the seconds from issue to expiry.
    #[must_use]
    pub fn with_expires_in(mut self, seconds: u64) -> Attributes {
        self.expires_in = Some(seconds);
        self
    }

    /// These attributes with more claims: the text of one JSON object.
    #[must_use]
    pub fn with_extra_claims(mut self, json_object: impl Into<String>) -> Attributes {
        self.extra_claims = Some(json_object.into());
        self
    }

    /// True when no attribute is set.
    pub fn is_empty(&self) -> bool {
        *self == Attributes::default()
    }

    /// The name of the first attribute that is set, for errors about attributes in the wrong
    /// place.
    fn first_set(&self) -> Option<&'static str> {
        [
            ("name", self.name.is_some()),
            ("email_verified", self.email_verified.is_some()),
            ("account_id", self.account_id.is_some()),
            ("nonce", self.nonce.is_some()),
            ("expires_in", self.expires_in.is_some()),
            ("extra_claims", self.extra_claims.is_some()),
        ]
        .into_iter()
        .find_map(|(name, set)| set.then_some(name))
    }
}

/// What the claim rules need to know of a JWT scheme: its name (for errors), its subject (which
/// identity fields must be present) and where its claims go.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClaimRules<'a> {
    /// The scheme's name.
    pub(crate) scheme: &'a str,
    /// Which identity fields the scheme requires.
    pub(crate) subject: Subject,
    /// Where the claims go.
    pub(crate) layout: &'static ClaimLayout,
}

impl ClaimRules<'_> {
    /// The error for a claim the scheme requires and the token or the attributes lack.
    pub(crate) fn missing(&self, path: &[&str]) -> Error {
        Error::MissingClaim {
            scheme: self.scheme.to_owned(),
            claim: dotted(path),
        }
    }
}

/// A user id within the vendor's limit on characters, if it has one.
pub(crate) fn check_user_id_length(layout: &ClaimLayout, user_id: &str) -> Result<()> {
    match layout.max_user_id_chars {
        Some(max) if user_id.chars().count() > max => Err(Error::InvalidClaim {
            claim: dotted(layout.user_id),
            reason: format!(
                "is {} characters; the vendor accepts at most {max}",
                user_id.chars().count()
            ),
        }),
        _ => Ok(()),
    }
}

/// The string at `path`, or `None` when absent; a value of another type is an error.
pub(crate) fn string_at<'a>(
    claims: &'a Map<String, Value>,
    path: &[&str],
) -> Result<Option<&'a str>> {
    match get(claims, path) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(_) => Err(Error::InvalidClaim {
            claim: dotted(path),
            reason: "must be a string".to_owned(),
        }),
    }
}

/// A NumericDate claim as whole seconds since 1970, or `None` when absent.
pub(crate) fn seconds_at(claims: &Map<String, Value>, name: &str) -> Result<Option<u64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(value) => value.as_u64().map(Some).ok_or_else(|| Error::InvalidClaim {
            claim: name.to_owned(),
            reason: "must be a whole, non-negative number of seconds since 1970".to_owned(),
        }),
    }
}

/// The value at `path`, if any.
pub(crate) fn get<'a>(claims: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (last, parents) = path.split_last()?;
    let mut object = claims;
    for parent in parents {
        object = object.get(*parent)?.as_object()?;
    }
    object.get(*last)
}

/// A claim path written dotted, as errors and docs name it: `visitor.id`.
pub(crate) fn dotted(path: &[&str]) -> String {
    path.join(".")
}
