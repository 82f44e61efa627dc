//! The catalogue of known mistakes: one table gives each [`Cause`] its code, its fix and the
//! words of its finding, as a hash shows it and as a JWT does (filled in by `finding.rs`).

use std::fmt;

/// A known mistake, most common first (the order ranks findings with equally many mistakes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Cause {
    /// Made with another label's key: another platform's secret, or the test workspace's.
    WrongKey,
    /// The email was hashed, but the scheme signs the user id.
    EmailInsteadOfUserId,
    /// The user id was hashed, but the scheme signs the email.
    UserIdInsteadOfEmail,
    /// Only one field was hashed, but the scheme signs user id and email concatenated.
    ConcatenationMissing,
    /// User id and email were concatenated, but the scheme signs one field.
    UnexpectedConcatenation,
    /// Email then user id, but the scheme concatenates user id then email.
    FieldsSwapped,
    /// The hash is upper-case hex.
    UppercaseHex,
    /// The hash is base64, but the scheme writes hex.
    Base64InsteadOfHex,
    /// The hash is hex, but the scheme writes base64.
    HexInsteadOfBase64,
    /// The secret was hex-decoded, but the scheme uses it as text.
    SecretHexDecoded,
    /// The secret was used as text, but the scheme hex-decodes it.
    SecretUsedAsText,
    /// Whitespace differs: the identifier was trimmed, or a trailing newline was hashed.
    SurroundingWhitespace,
    /// The email was lower-cased before hashing.
    EmailCase,
    /// The identifier was hashed in another Unicode normalisation form (NFC vs NFD).
    UnicodeNormalization,
    /// A numeric id was written differently (`42` vs `42.0`).
    NumericIdFormat,
    /// The identifier was encoded as Latin-1 or lossy ASCII rather than UTF-8.
    TextEncoding,
    /// Key and message were swapped in the HMAC call.
    KeyMessageSwapped,
    /// The scheme embeds a timestamp but the token has none.
    TimestampMissing,
    /// The timestamp is in milliseconds rather than seconds.
    MillisecondsTimestamp,
    /// The token is genuine but older than the freshness policy allows.
    StaleTimestamp,
    /// The token is genuine but its timestamp is beyond the allowed clock skew.
    FutureTimestamp,
    /// The JWT names an algorithm other than HS256 (`none`, HS512, RS256...).
    WrongAlgorithm,
    /// The JWT has no `kid` header, but the scheme names the signing key there.
    KeyIdMissing,
    /// The JWT's `kid` header names one key, but it was signed with another.
    KeyIdMismatch,
    /// A genuine JWT lacks a claim the vendor requires.
    ClaimMissing,
    /// A genuine JWT has a claim of the wrong type or value.
    ClaimInvalid,
    /// A genuine JWT vouches for another user than the one sent beside it.
    AnotherUser,
    /// Not a mistake of the client's: the token is valid, but the scheme joins user id and email
    /// with no separator (Helpshift), so it is equally valid for every other split of the same
    /// text. Reported on a valid diagnosis only.
    AmbiguousConcatenation,
}

impl Cause {
    /// Every cause, in ranking order.
    pub const ALL: [Cause; 28] = {
        let mut all = [Cause::WrongKey; 28];
        let mut index = 0;
        while index < CATALOGUE.len() {
            all[index] = CATALOGUE[index].cause;
            index += 1;
        }
        all
    };

    /// The stable snake_case code used by the vectors and the CLI's `--json` output.
    pub const fn code(self) -> &'static str {
        self.entry().code
    }

    /// The cause with this code, if any.
    pub fn from_code(code: &str) -> Option<Cause> {
        Cause::ALL.into_iter().find(|cause| cause.code() == code)
    }

    /// What to change so the token verifies.
    pub const fn fix(self) -> &'static str {
        self.entry().fix
    }

    /// The cause's row of the catalogue (rows are in declaration order, which a test checks).
    pub(super) const fn entry(self) -> &'static Entry {
        &CATALOGUE[self as usize]
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One row of the catalogue: everything userhash says about one cause.
pub(super) struct Entry {
    pub(super) cause: Cause,
    /// The stable code.
    pub(super) code: &'static str,
    /// What to change.
    pub(super) fix: &'static str,
    /// How a finding words the cause when a hash was reproduced with it, with `{fact}`
    /// placeholders from [`Facts`]; `None` when only a JWT can show it.
    pub(super) on_hash: Option<&'static str>,
    /// The same when a JWT shows it (a JWT says what was signed, so the wording is of claims
    /// and headers); `None` when only a hash can show it.
    pub(super) on_jwt: Option<&'static str>,
}

/// Every cause, in ranking order: its code, its fix, and how a finding words it.
pub(super) const CATALOGUE: [Entry; 28] = [
    Entry {
        cause: Cause::WrongKey,
        code: "wrong_key",
        fix: "Sign each platform's requests with that platform's secret, and production with the production workspace's secret.",
        on_hash: Some(
            "The token was made with the key labelled {label} (fingerprint {fingerprint}), not the one labelled {expected}.",
        ),
        on_jwt: Some(
            "The JWT was signed with the key labelled {label} (fingerprint {fingerprint}), not the one labelled {expected}.",
        ),
    },
    Entry {
        cause: Cause::EmailInsteadOfUserId,
        code: "email_instead_of_user_id",
        fix: "Hash the user_id, not the email: when a user_id is sent, the hash must be over it.",
        on_hash: Some(
            "The token is a hash of the email, but a user_id was sent, so the hash must be over the user_id.",
        ),
        on_jwt: Some(
            "The JWT is genuine but its user id claim holds the user's email, not the user_id sent.",
        ),
    },
    Entry {
        cause: Cause::UserIdInsteadOfEmail,
        code: "user_id_instead_of_email",
        fix: "Hash the email address, not the user id.",
        on_hash: Some("The token is a hash of the user id, but scheme {scheme} signs the email."),
        on_jwt: None,
    },
    Entry {
        cause: Cause::ConcatenationMissing,
        code: "concatenation_missing",
        fix: "Hash user_id and email concatenated (no separator) whenever both are sent.",
        on_hash: Some(
            "The token is a hash of one field alone, but scheme {scheme} signs user_id and email concatenated.",
        ),
        on_jwt: None,
    },
    Entry {
        cause: Cause::UnexpectedConcatenation,
        code: "unexpected_concatenation",
        fix: "Hash only the identifier the scheme signs, not user_id and email together.",
        on_hash: Some(
            "The token is a hash of user_id and email concatenated, but scheme {scheme} signs one field.",
        ),
        on_jwt: None,
    },
    Entry {
        cause: Cause::FieldsSwapped,
        code: "fields_swapped",
        fix: "Concatenate user_id first, then email.",
        on_hash: Some(
            "The token is a hash of the email followed by the user id; the order is user id, then email.",
        ),
        on_jwt: None,
    },
    Entry {
        cause: Cause::UppercaseHex,
        code: "uppercase_hex",
        fix: "Write the hash in lower-case hex (e.g. Java \"%02x\", C# \"x2\", not X).",
        on_hash: Some("The hash is written in upper-case hex."),
        on_jwt: None,
    },
    Entry {
        cause: Cause::Base64InsteadOfHex,
        code: "base64_instead_of_hex",
        fix: "Write the hash as lower-case hex, not base64.",
        on_hash: Some("The hash is written in base64, not hex."),
        on_jwt: None,
    },
    Entry {
        cause: Cause::HexInsteadOfBase64,
        code: "hex_instead_of_base64",
        fix: "Write the hash as standard base64, not hex.",
        on_hash: Some("The hash is written in hex, not base64."),
        on_jwt: None,
    },
    Entry {
        cause: Cause::SecretHexDecoded,
        code: "secret_hex_decoded",
        fix: "Use the secret's text as the key, even though it looks like hex: do not hex-decode it.",
        on_hash: Some(
            "The secret labelled {label} was hex-decoded before use, but scheme {scheme} uses its text as the key.",
        ),
        on_jwt: Some(
            "The secret labelled {label} was hex-decoded before signing, but scheme {scheme} uses its text as the key.",
        ),
    },
    Entry {
        cause: Cause::SecretUsedAsText,
        code: "secret_used_as_text",
        fix: "Hex-decode the secret to bytes before using it as the key.",
        on_hash: Some(
            "The secret labelled {label} was used as text, but scheme {scheme} hex-decodes it.",
        ),
        on_jwt: Some(
            "The secret labelled {label} was used as text, but scheme {scheme} hex-decodes it.",
        ),
    },
    Entry {
        cause: Cause::SurroundingWhitespace,
        code: "surrounding_whitespace",
        fix: "Hash the identifier exactly as sent: trim (or don't) on both sides alike, and drop trailing newlines.",
        on_hash: Some(
            "The hashed identifier differs from the sent one by surrounding whitespace or a trailing newline.",
        ),
        on_jwt: Some(
            "The JWT is genuine but its {field} claim differs from the {field} sent with it by surrounding whitespace.",
        ),
    },
    Entry {
        cause: Cause::EmailCase,
        code: "email_case",
        fix: "Hash the email exactly as sent: lower-case it on both sides, or on neither.",
        on_hash: Some(
            "The hash is over the lower-cased email, but the email was sent with capitals.",
        ),
        on_jwt: Some(
            "The JWT is genuine but its {field} claim differs from the {field} sent with it by letter case.",
        ),
    },
    Entry {
        cause: Cause::UnicodeNormalization,
        code: "unicode_normalization",
        fix: "Normalise identifiers to the same Unicode form (NFC) before both hashing and sending.",
        on_hash: Some(
            "The hashed identifier is the same text in another Unicode normalisation form (NFC vs NFD).",
        ),
        on_jwt: Some(
            "The JWT is genuine but its {field} claim differs from the {field} sent with it by Unicode normalisation (NFC vs NFD).",
        ),
    },
    Entry {
        cause: Cause::NumericIdFormat,
        code: "numeric_id_format",
        fix: "Stringify numeric ids the same way on both sides (\"42\", not \"42.0\").",
        on_hash: Some(
            "The hashed user id is the same number written differently (e.g. 42 vs 42.0).",
        ),
        on_jwt: None,
    },
    Entry {
        cause: Cause::TextEncoding,
        code: "text_encoding",
        fix: "Encode the identifier as UTF-8 (e.g. Java getBytes(StandardCharsets.UTF_8)).",
        on_hash: Some(
            "The identifier was encoded as Latin-1 or lossy ASCII before hashing, not as UTF-8.",
        ),
        on_jwt: None,
    },
    Entry {
        cause: Cause::KeyMessageSwapped,
        code: "key_message_swapped",
        fix: "Pass the secret as the HMAC key and the identifier as the message (CryptoJS takes message first).",
        on_hash: Some(
            "The HMAC was computed with the identifier as the key and the secret as the message.",
        ),
        on_jwt: None,
    },
    Entry {
        cause: Cause::TimestampMissing,
        code: "timestamp_missing",
        fix: "Sign \"{id}-{unix seconds}\" and send the token as \"{hash}-{unix seconds}\".",
        on_hash: Some(
            "Scheme {scheme} signs \"{id}-{unix seconds}\", but the token was made over the id alone and carries no timestamp.",
        ),
        on_jwt: None,
    },
    Entry {
        cause: Cause::MillisecondsTimestamp,
        code: "milliseconds_timestamp",
        fix: "Use Unix time in seconds, not milliseconds (e.g. Math.floor(Date.now() / 1000)).",
        on_hash: Some("The token is genuine, but its timestamp is in milliseconds, not seconds."),
        on_jwt: Some("The JWT is genuine, but its iat or nbf is in milliseconds, not seconds."),
    },
    Entry {
        cause: Cause::StaleTimestamp,
        code: "stale_timestamp",
        fix: "Mint a fresh token when the page or session starts instead of reusing an old one.",
        on_hash: Some("The token is genuine but older than the {max_age} s the verifier accepts."),
        on_jwt: Some("The JWT is genuine but expired {ago} s ago."),
    },
    Entry {
        cause: Cause::FutureTimestamp,
        code: "future_timestamp",
        fix: "Synchronise the signing server's clock (NTP).",
        on_hash: Some(
            "The token is genuine but its timestamp is more than {max_skew} s ahead of the verifier's clock.",
        ),
        on_jwt: Some(
            "The JWT is genuine but its iat or nbf is {ahead} s ahead of the verifier's clock.",
        ),
    },
    Entry {
        cause: Cause::WrongAlgorithm,
        code: "wrong_algorithm",
        fix: "Sign with HS256 and the shared secret (e.g. PyJWT algorithm=\"HS256\"); never send an unsigned (\"none\") token.",
        on_hash: None,
        on_jwt: Some("The JWT has {alg}, but scheme {scheme} accepts HS256 only."),
    },
    Entry {
        cause: Cause::KeyIdMissing,
        code: "key_id_missing",
        fix: "Put the signing key's id in the JWT header as kid (e.g. PyJWT headers={\"kid\": key_id}).",
        on_hash: None,
        on_jwt: Some("The JWT header has no kid, but scheme {scheme} names the signing key there."),
    },
    Entry {
        cause: Cause::KeyIdMismatch,
        code: "key_id_mismatch",
        fix: "Send the kid of the key the token is signed with: each key id goes with its own secret.",
        on_hash: None,
        on_jwt: Some(
            "The JWT header says kid {kid}, but the token was signed with the key labelled {label}.",
        ),
    },
    Entry {
        cause: Cause::ClaimMissing,
        code: "claim_missing",
        fix: "Add the claim the vendor requires to the JWT payload.",
        on_hash: None,
        on_jwt: Some(
            "The JWT is genuine but has no {claim} claim, which scheme {scheme} requires.",
        ),
    },
    Entry {
        cause: Cause::ClaimInvalid,
        code: "claim_invalid",
        fix: "Give the claim the type and value the vendor documents (strings for ids, whole seconds for times).",
        on_hash: None,
        on_jwt: Some("The JWT is genuine but its {claim} claim is invalid: {reason}."),
    },
    Entry {
        cause: Cause::AnotherUser,
        code: "another_user",
        fix: "Sign a fresh JWT for the user who is logged in; never reuse another session's token.",
        on_hash: None,
        on_jwt: Some(
            "The JWT is genuine but its {field} claim names another user than the {field} sent with it.",
        ),
    },
    Entry {
        cause: Cause::AmbiguousConcatenation,
        code: "ambiguous_concatenation",
        fix: "Check on your server that the user id and email are the pair you issued together (look the user up by id and compare the email), or sign the user id alone (helpshift-full-privacy) where the vendor allows it.",
        on_hash: Some(
            "The token is valid, but scheme {scheme} signs the user id and the email joined with no separator, so the same token is equally valid for the {splits} other ways of splitting the signed {chars}-character text between a user id and an email (a user id {user_id_chars} characters long is what was sent; one of any other length, with the email taking the rest, verifies as well).",
        ),
        on_jwt: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_in_declaration_order() {
        for (index, entry) in CATALOGUE.iter().enumerate() {
            assert_eq!(entry.cause as usize, index, "{}", entry.code);
            assert_eq!(Cause::from_code(entry.code), Some(entry.cause));
        }
    }
}
