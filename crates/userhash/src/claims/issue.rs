//! Writing a JWT's claims: the identity and the attributes where the scheme's layout puts them,
//! the fixed claims, the validity period and any extra claims, within the token size limit.

use serde_json::{Map, Value};

use super::{
    Attributes, ClaimPath, ClaimRules, DEFAULT_JWT_LIFETIME_SECONDS, check_user_id_length, dotted,
    get,
};
use crate::error::{Error, Field, Result};
use crate::jwt::{self, MAX_JWT_LEN};
use crate::parts::CheckedIdentity;

/// Refuses attributes for a scheme that writes a bare hash.
pub(crate) fn check_no_attributes(scheme: &str, attributes: &Attributes) -> Result<()> {
    match attributes.first_set() {
        None => Ok(()),
        Some(attribute) => Err(Error::InvalidClaim {
            claim: attribute.to_owned(),
            reason: format!("scheme {scheme} writes a bare hash, which carries no claims"),
        }),
    }
}

/// The claims of a JWT for `identity` issued at `now`, checked against the layout and within
/// the size limit of a token with key id `kid`.
pub(crate) fn build(
    rules: ClaimRules<'_>,
    identity: &CheckedIdentity<'_>,
    attributes: &Attributes,
    kid: Option<&str>,
    now: u64,
) -> Result<Map<String, Value>> {
    let layout = rules.layout;
    let identity = identity.get();
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
                        rules.scheme
                    ),
                });
            }
            _ => {}
        }
    }
    if let (Some(path), true) = (layout.nonce, layout.nonce_required) {
        if attributes.nonce.as_deref().is_none_or(str::is_empty) {
            return Err(rules.missing(path));
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
