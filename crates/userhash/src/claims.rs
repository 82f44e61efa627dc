//! What a vendor's identity JWT says: where each identity field and attribute goes in the claims
//! ([`ClaimLayout`]), the extra attributes a signer can add ([`Attributes`]), and the checks a
//! verifier makes on a genuine token's claims.

use serde_json::{Map, Value};

use crate::error::{Error, Field, Result};
use crate::identity::{Identity, check_identifier};
use crate::jwt::{self, MAX_JWT_LEN};
use crate::scheme::{Scheme, Subject};
use crate::verifier::Freshness;

/// How long a JWT is valid when the attributes do not say: one hour, the same bound as the
/// default maximum age of a timestamped hash.
pub const DEFAULT_JWT_LIFETIME_SECONDS: u64 = 3600;

/// Where a value lives in the claims: a top-level member (`["user_id"]`) or a member of nested
/// objects (`["visitor", "id"]` for Pendo). Errors and docs write it dotted: `visitor.id`.
pub type ClaimPath = &'static [&'static str];

/// Where one vendor's JWT puts each identity field and attribute, and what it requires.
///
/// A JWT scheme signs every identity field it has a claim for (not only its
/// [`Subject`]); the subject says which of them must be present, exactly as for hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

    fn field(&self, field: Field) -> ClaimPath {
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
/// let attributes = Attributes {
///     nonce: Some("3f1c9a".into()),
///     account_id: Some("acme".into()),
///     extra_claims: Some(r#"{"visitor":{"role":"admin"}}"#.into()),
///     ..Attributes::default()
/// };
/// let jwt = signer.sign_with_at(&Identity::from_user_id("42"), &attributes, 1_700_000_000)?;
/// assert_eq!(jwt.split('.').count(), 3);
/// # Ok::<(), userhash::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
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

/// Refuses attributes for a scheme that writes a bare hash.
pub(crate) fn check_no_attributes(scheme: &Scheme, attributes: &Attributes) -> Result<()> {
    match attributes.first_set() {
        None => Ok(()),
        Some(attribute) => Err(Error::InvalidClaim {
            claim: attribute.to_owned(),
            reason: format!(
                "scheme {} writes a bare hash, which carries no claims",
                scheme.name()
            ),
        }),
    }
}

/// The claims of a JWT for `identity` issued at `now`, checked against the layout and within
/// the size limit of a token with key id `kid`.
pub(crate) fn build(
    scheme: &Scheme,
    layout: &ClaimLayout,
    identity: &Identity,
    attributes: &Attributes,
    kid: Option<&str>,
    now: u64,
) -> Result<Map<String, Value>> {
    check_identity(scheme, identity)?;
    let mut claims = Map::new();
    for field in [Field::UserId, Field::Email] {
        if let Some(value) = identity.field(field) {
            if field == Field::UserId {
                check_user_id_length(layout, value)?;
            }
            insert(&mut claims, layout.field(field), Value::from(value));
        }
    }
    let optional = [
        (
            "name",
            layout.name,
            attributes.name.clone().map(Value::from),
        ),
        (
            "email_verified",
            layout.email_verified,
            attributes.email_verified.map(Value::from),
        ),
        (
            "account_id",
            layout.account_id,
            attributes.account_id.clone().map(Value::from),
        ),
        (
            "nonce",
            layout.nonce,
            attributes.nonce.clone().map(Value::from),
        ),
    ];
    for (attribute, path, value) in optional {
        match (path, value) {
            (Some(path), Some(value)) => insert(&mut claims, path, value),
            (None, Some(_)) => {
                return Err(Error::InvalidClaim {
                    claim: attribute.to_owned(),
                    reason: format!(
                        "scheme {} has no claim for it; add it through extra_claims if the vendor reads it",
                        scheme.name()
                    ),
                });
            }
            _ => {}
        }
    }
    if let (Some(path), true) = (layout.nonce, layout.nonce_required) {
        if attributes.nonce.as_deref().is_none_or(str::is_empty) {
            return Err(missing(scheme, path));
        }
    }
    for (name, value) in layout.fixed {
        claims.insert((*name).to_owned(), Value::from(*value));
    }
    let lifetime = attributes
        .expires_in
        .unwrap_or(DEFAULT_JWT_LIFETIME_SECONDS);
    let expiry = now
        .checked_add(lifetime)
        .filter(|_| lifetime > 0)
        .ok_or_else(|| Error::InvalidClaim {
            claim: "exp".to_owned(),
            reason:
                "expires_in must be at least 1 second, and iat + expires_in must fit in 64 bits"
                    .to_owned(),
        })?;
    claims.insert("iat".to_owned(), Value::from(now));
    claims.insert("exp".to_owned(), Value::from(expiry));
    if let Some(extra) = &attributes.extra_claims {
        let extra = jwt::parse_object(extra.as_bytes()).map_err(|_| Error::InvalidClaim {
            claim: "extra_claims".to_owned(),
            reason: "must be the text of one JSON object with distinct member names".to_owned(),
        })?;
        // The identity and the attributes own their claims even when absent: an extra `sub` on a
        // token without a user id would be a second, unchecked identity claim.
        let owned = [
            Some(layout.user_id),
            Some(layout.email),
            layout.name,
            layout.email_verified,
        ]
        .into_iter()
        .chain([layout.account_id, layout.nonce])
        .flatten();
        for path in owned {
            if get(&extra, path).is_some() {
                return Err(Error::InvalidClaim {
                    claim: dotted(path),
                    reason: "is written by userhash from the identity and attributes; set it there, not in extra claims".to_owned(),
                });
            }
        }
        merge(&mut claims, extra, &mut Vec::new())?;
    }
    let len = jwt::encoded_len(kid, &claims);
    if len > MAX_JWT_LEN {
        return Err(Error::InvalidClaim {
            claim: "extra_claims".to_owned(),
            reason: format!("the token would be {len} bytes; tokens are limited to {MAX_JWT_LEN}"),
        });
    }
    Ok(claims)
}

/// Checks a genuine token's claims: what the scheme requires, that they are about `identity`,
/// and that the token is within its validity period at `now`. Returns the `iat` claim.
pub(crate) fn check(
    scheme: &Scheme,
    layout: &ClaimLayout,
    identity: &Identity,
    claims: &Map<String, Value>,
    freshness: Freshness,
    now: u64,
) -> Result<Option<u64>> {
    for (name, expected) in layout.fixed {
        match claims.get(*name) {
            None => return Err(missing(scheme, &[name])),
            Some(Value::String(value)) if value == expected => {}
            Some(_) => {
                return Err(Error::InvalidClaim {
                    claim: (*name).to_owned(),
                    reason: format!("scheme {} requires it to be {expected:?}", scheme.name()),
                });
            }
        }
    }
    if let (Some(path), true) = (layout.nonce, layout.nonce_required) {
        if string_at(claims, path)?.is_none_or(str::is_empty) {
            return Err(missing(scheme, path));
        }
    }
    check_subject(scheme, layout, identity, claims)?;
    check_times(scheme, claims, freshness, now)
}

/// The identity a genuine token's claims name, for a caller that gave none: every identity claim
/// the layout has, which must satisfy the scheme's subject exactly as a caller's identity must. A
/// claim the subject needs and the token lacks is [`Error::MissingClaim`]; an empty or oversized
/// one is [`Error::InvalidClaim`] (the token is genuine, so these are verdicts on it).
pub(crate) fn claimed_identity(
    scheme: &Scheme,
    layout: &ClaimLayout,
    claims: &Map<String, Value>,
) -> Result<Identity> {
    let user_id = string_at(claims, layout.user_id)?;
    let email = string_at(claims, layout.email)?;
    let identity = Identity::new(user_id.map(str::to_owned), email.map(str::to_owned));
    check_identity(scheme, &identity).map_err(|error| match error {
        Error::EmptyField { field } => Error::InvalidClaim {
            claim: dotted(layout.field(field)),
            reason: "is empty".to_owned(),
        },
        Error::IdentifierTooLong { field, len, max } => Error::InvalidClaim {
            claim: dotted(layout.field(field)),
            reason: format!("is {len} bytes long; identifiers are limited to {max} bytes"),
        },
        Error::MissingField { field, .. } => missing(scheme, layout.field(field)),
        _ if scheme.subject() == Subject::Email => missing(scheme, layout.email),
        _ => missing(scheme, layout.user_id),
    })?;
    Ok(identity)
}

/// The identity fields the scheme requires, present and within the limits.
fn check_identity(scheme: &Scheme, identity: &Identity) -> Result<()> {
    scheme.subject_of(identity)?;
    for field in [Field::UserId, Field::Email] {
        if let Some(value) = identity.field(field) {
            check_identifier(field, value)?;
        }
    }
    Ok(())
}

/// The token's identity claims against the identity sent beside it. The fields the subject
/// requires must be in the token; any field present on both sides must be equal.
fn check_subject(
    scheme: &Scheme,
    layout: &ClaimLayout,
    identity: &Identity,
    claims: &Map<String, Value>,
) -> Result<()> {
    check_identity(scheme, identity)?;
    let user_id = string_at(claims, layout.user_id)?;
    if let Some(user_id) = user_id {
        check_user_id_length(layout, user_id)?;
    }
    let email = string_at(claims, layout.email)?;
    let required: &[Field] = match (scheme.subject(), identity.user_id.is_some()) {
        (Subject::UserId, _) => &[Field::UserId],
        (Subject::Email, _) => &[Field::Email],
        (Subject::UserIdElseEmail | Subject::UserIdAndEmail, true) => &[Field::UserId],
        (Subject::UserIdElseEmail | Subject::UserIdAndEmail, false) => &[Field::Email],
    };
    for field in required {
        let claimed = match field {
            Field::UserId => user_id,
            Field::Email => email,
        };
        if claimed.is_none() {
            return Err(missing(scheme, layout.field(*field)));
        }
    }
    for (sent, claimed) in [
        (identity.user_id.as_deref(), user_id),
        (identity.email.as_deref(), email),
    ] {
        if let (Some(sent), Some(claimed)) = (sent, claimed) {
            if sent != claimed {
                return Err(Error::Mismatch);
            }
        }
    }
    Ok(())
}

/// `exp`, `nbf` and `iat` against the clock, with the freshness policy's skew as leeway.
///
/// Every genuine token must be bounded in time by the verifier, not only by the issuer: `exp` is
/// required unless the policy says otherwise (then `iat` is, bounded by the maximum age), and the
/// validity an `exp` grants may not exceed the maximum age — `exp - iat`, or `exp - now` (beyond
/// the skew) for a token without `iat` — so a far-future `exp` cannot outlive the policy.
fn check_times(
    scheme: &Scheme,
    claims: &Map<String, Value>,
    freshness: Freshness,
    now: u64,
) -> Result<Option<u64>> {
    let skew = freshness.max_future_skew_seconds;
    let max_age = freshness.max_age_seconds;
    let exp = seconds_at(claims, "exp")?;
    let nbf = seconds_at(claims, "nbf")?;
    let iat = seconds_at(claims, "iat")?;
    match (exp, iat) {
        (None, _) if freshness.require_exp => return Err(missing(scheme, &["exp"])),
        (None, None) => return Err(missing(scheme, &["iat"])),
        (None, Some(_)) => {}
        (Some(exp), _) => {
            // RFC 7519: the token is valid only *before* its exp (plus the leeway).
            if now >= exp.saturating_add(skew) {
                return Err(Error::PastExpiry {
                    ago: now - exp,
                    leeway: skew,
                });
            }
            let lifetime = match iat {
                Some(iat) => exp.checked_sub(iat).ok_or_else(|| Error::InvalidClaim {
                    claim: "exp".to_owned(),
                    reason: "is before iat".to_owned(),
                })?,
                None => exp.saturating_sub(now.saturating_add(skew)),
            };
            if lifetime > max_age {
                return Err(Error::InvalidClaim {
                    claim: "exp".to_owned(),
                    reason: format!(
                        "makes the token valid for {lifetime} s; the verifier accepts at most {max_age} s (its max age)"
                    ),
                });
            }
        }
    }
    for not_before in [nbf, iat].into_iter().flatten() {
        if not_before > now.saturating_add(skew) {
            return Err(Error::FromTheFuture {
                ahead: not_before - now,
                max_skew: skew,
            });
        }
    }
    if let (None, Some(iat)) = (exp, iat) {
        freshness.check(iat, now)?;
    }
    Ok(iat)
}

/// The token's user id and email claims, where they are strings.
pub(crate) fn identity_claims<'a>(
    layout: &ClaimLayout,
    claims: &'a Map<String, Value>,
) -> (Option<&'a str>, Option<&'a str>) {
    let read = |path: &[&str]| string_at(claims, path).ok().flatten();
    (read(layout.user_id), read(layout.email))
}

fn check_user_id_length(layout: &ClaimLayout, user_id: &str) -> Result<()> {
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
fn string_at<'a>(claims: &'a Map<String, Value>, path: &[&str]) -> Result<Option<&'a str>> {
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
fn seconds_at(claims: &Map<String, Value>, name: &str) -> Result<Option<u64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(value) => value.as_u64().map(Some).ok_or_else(|| Error::InvalidClaim {
            claim: name.to_owned(),
            reason: "must be a whole, non-negative number of seconds since 1970".to_owned(),
        }),
    }
}

fn get<'a>(claims: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (last, parents) = path.split_last()?;
    let mut object = claims;
    for parent in parents {
        object = object.get(*parent)?.as_object()?;
    }
    object.get(*last)
}

fn insert(claims: &mut Map<String, Value>, path: ClaimPath, value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut object = claims;
    for parent in parents {
        let entry = object
            .entry((*parent).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(inner) = entry else {
            return;
        };
        object = inner;
    }
    object.insert((*last).to_owned(), value);
}

/// Merges `extra` into `claims`: objects merge member by member, and any other collision is an
/// error, so extra claims can add vendor attributes but never replace what userhash wrote.
fn merge(
    claims: &mut Map<String, Value>,
    extra: Map<String, Value>,
    path: &mut Vec<String>,
) -> Result<()> {
    for (name, value) in extra {
        path.push(name.clone());
        match (claims.get_mut(&name), value) {
            (None, value) => {
                claims.insert(name, value);
            }
            (Some(Value::Object(mine)), Value::Object(theirs)) => merge(mine, theirs, path)?,
            (Some(_), _) => {
                return Err(Error::InvalidClaim {
                    claim: path.join("."),
                    reason: "is written by userhash from the identity and attributes; extra claims may add members but not replace them".to_owned(),
                });
            }
        }
        path.pop();
    }
    Ok(())
}

fn missing(scheme: &Scheme, path: &[&str]) -> Error {
    Error::MissingClaim {
        scheme: scheme.name().to_owned(),
        claim: dotted(path),
    }
}

fn dotted(path: &[&str]) -> String {
    path.join(".")
}
