//! The catalogue of vendor presets: one constant per vendor, each citing where its rule comes
//! from and how sure we are of it.
//!
//! A preset lands with vectors in `testdata/vectors/`; a vector taken from the vendor's own docs
//! says so in its `source`.

use crate::claims::ClaimLayout;
use crate::parts::{Encoding, KeyEncoding, Subject, TimestampPlacement};

/// How sure userhash is that a preset matches what the vendor's servers check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Confidence {
    /// Every part is stated by the vendor's own docs or sample code.
    Confirmed,
    /// The message is confirmed; another part (usually the output encoding) is inferred.
    PartlyInferred,
    /// Taken from third-party code or inferred: treat as a hypothesis and test against the
    /// vendor before relying on it.
    Inferred,
}

impl Confidence {
    /// Every variant, in declaration order.
    pub const ALL: [Confidence; 3] = [
        Confidence::Confirmed,
        Confidence::PartlyInferred,
        Confidence::Inferred,
    ];

    /// `confirmed`, `partly-inferred` or `inferred`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Confidence::Confirmed => "confirmed",
            Confidence::PartlyInferred => "partly-inferred",
            Confidence::Inferred => "inferred",
        }
    }
}

/// One vendor's identity-hash rule, as documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Preset {
    /// The name used by [`Scheme::by_name`](crate::Scheme::by_name), the CLI and the vectors.
    pub name: &'static str,
    /// The vendor and product.
    pub vendor: &'static str,
    /// Which identity fields are signed.
    pub subject: Subject,
    /// How the dashboard secret becomes key bytes.
    pub key_encoding: KeyEncoding,
    /// How the MAC is written.
    pub encoding: Encoding,
    /// Whether the token embeds a timestamp.
    pub timestamp: TimestampPlacement,
    /// For JWT presets ([`Encoding::Jwt`]), where the claims go.
    pub claims: Option<&'static ClaimLayout>,
    /// How sure we are of the rule.
    pub confidence: Confidence,
    /// The name under which the client SDK sends the token, as the vendor's docs write it (free
    /// text: some SDKs take the token as a positional argument).
    pub client_parameter: &'static str,
    /// The same, as one machine-readable JSON key: the member that holds this vendor's token in a
    /// payload (`user_hash` for Intercom, `jwt` for Zendesk). A valid JSON member name, never
    /// `user_id`, `email` or `error` (which a payload entry uses for itself).
    pub payload_key: &'static str,
    /// Where the rule comes from.
    pub source: &'static str,
}

macro_rules! preset {
    ($(#[$doc:meta])* $ident:ident = $name:literal, $vendor:literal,
     $subject:ident, $key:ident, $encoding:ident, $timestamp:ident, $confidence:ident,
     $parameter:literal => $payload_key:literal, $source:literal) => {
        $(#[$doc])*
        pub const $ident: Preset = Preset {
            name: $name,
            vendor: $vendor,
            subject: Subject::$subject,
            key_encoding: KeyEncoding::$key,
            encoding: Encoding::$encoding,
            timestamp: TimestampPlacement::$timestamp,
            claims: None,
            confidence: Confidence::$confidence,
            client_parameter: $parameter,
            payload_key: $payload_key,
            source: $source,
        };
    };
}

preset!(
    /// Intercom Messenger identity verification (web, iOS, Android, Cordova): HMAC-SHA256 of the
    /// `user_id`, or of the `email` only when there is no user id; lower-case hex. One secret per
    /// platform and per workspace (test vs production) — keep them in a
    /// [`Keyring`](crate::Keyring). If both fields are sent, a hash over the email is rejected.
    /// Source: Intercom's identity-verification docs. Confidence: confirmed.
    INTERCOM = "intercom", "Intercom", UserIdElseEmail, Utf8, Hex, None, Confirmed,
    "user_hash" => "user_hash", "Intercom identity verification docs (web, iOS, Android, Cordova)"
);
preset!(
    /// Helpshift identity verification: HMAC-SHA256 of `user_id + email` concatenated with no
    /// separator, whichever are present; standard padded base64.
    /// Source: Helpshift's user-identity docs. Confidence: confirmed.
    ///
    /// **Ambiguous by the vendor's design:** with no separator, one token is valid for every
    /// split of the same text — user id `ali` with email `ce@x`, and user id `alice@x` with no
    /// email, sign the same bytes. A user who can choose their own id or email can present a
    /// token as someone else's split. Check on the server that the pair is one you issued, or
    /// use `helpshift-full-privacy` where possible; `explain` reports a valid token under this
    /// scheme with [`Cause::AmbiguousConcatenation`](crate::Cause::AmbiguousConcatenation).
    HELPSHIFT = "helpshift", "Helpshift", UserIdAndEmail, Utf8, Base64, None, Confirmed,
    "user_auth_token" => "user_auth_token", "Helpshift identity verification docs"
);
preset!(
    /// Helpshift in "full privacy" mode: the user id only, the email is never sent nor signed;
    /// base64. Source: Helpshift's user-identity docs. Confidence: confirmed.
    HELPSHIFT_FULL_PRIVACY = "helpshift-full-privacy", "Helpshift (full privacy)", UserId, Utf8,
    Base64, None, Confirmed,
    "user_auth_token" => "user_auth_token", "Helpshift identity verification docs, full-privacy mode"
);
preset!(
    /// Jimo: HMAC-SHA256 of `"{user id}-{unix seconds}"`, token `"{hex}-{unix seconds}"`. The
    /// dashboard secret looks like hex but is used as text. Source: Jimo's identity-verification
    /// docs, including a worked example kept as a vector. Confidence: confirmed.
    JIMO = "jimo", "Jimo", UserId, Utf8, Hex, Suffix, Confirmed,
    "identify signature" => "signature", "Jimo identity verification docs (worked example)"
);
preset!(
    /// Front Chat: the email, or the user id instead when one is passed; hex.
    /// Source: Front's chat-widget identity docs. Confidence: confirmed.
    FRONT = "front", "Front Chat", UserIdElseEmail, Utf8, Hex, None, Confirmed,
    "userHash" => "userHash", "Front Chat widget identity verification docs"
);
preset!(
    /// Help Scout Beacon secure mode: the email; hex.
    /// Source: Help Scout's Beacon docs. Confidence: confirmed.
    HELP_SCOUT = "help-scout", "Help Scout Beacon", Email, Utf8, Hex, None, Confirmed,
    "signature" => "signature", "Help Scout Beacon secure mode docs"
);
preset!(
    /// Chatwoot: the identifier passed to `setUser`; hex, keyed by the inbox's HMAC token.
    /// Source: Chatwoot's identity-validation docs. Confidence: confirmed.
    CHATWOOT = "chatwoot", "Chatwoot", UserId, Utf8, Hex, None, Confirmed,
    "identifier_hash" => "identifier_hash", "Chatwoot identity validation docs"
);
preset!(
    /// Crisp: the email; hex. Inferred from third-party code, not the vendor's docs: verify
    /// against Crisp before relying on it. Confidence: inferred.
    CRISP = "crisp", "Crisp", Email, Utf8, Hex, None, Inferred,
    "[\"set\",\"user:email\",[email, signature]]" => "signature", "third-party integration code (inferred)"
);
preset!(
    /// Gleap: the user id as a string (stringify numeric ids the same way on both sides); hex.
    /// Source: Gleap's identity-verification docs. Confidence: confirmed.
    GLEAP = "gleap", "Gleap", UserId, Utf8, Hex, None, Confirmed,
    "Gleap.identify third argument" => "userHash", "Gleap identity verification docs"
);
preset!(
    /// Featurebase, legacy HMAC mode: the user id, else the email (the user id wins when both
    /// are present); hex, keyed by the `iv_…` secret. Featurebase now defaults to signed JWTs.
    /// Source: Featurebase's identity-verification docs. Confidence: confirmed.
    FEATUREBASE_LEGACY = "featurebase-legacy", "Featurebase (legacy HMAC mode)", UserIdElseEmail,
    Utf8, Hex, None, Confirmed,
    "userHash" => "userHash", "Featurebase identity verification docs (legacy HMAC mode)"
);
preset!(
    /// Plain: the email; hex. Source: Plain's chat identity docs. Confidence: confirmed.
    PLAIN = "plain", "Plain", Email, Utf8, Hex, None, Confirmed,
    "emailHash" => "emailHash", "Plain chat identity verification docs"
);
preset!(
    /// Pylon: the email; hex; the secret is **hex-decoded** to key bytes.
    /// Source: Pylon's identity-verification docs. Confidence: confirmed.
    PYLON = "pylon", "Pylon", Email, Hex, Hex, None, Confirmed,
    "email_hash" => "email_hash", "Pylon identity verification docs"
);
preset!(
    /// Channel.io: the member id; hex; the secret is **hex-decoded** to key bytes.
    /// Source: Channel.io's member-hash docs. Confidence: confirmed.
    CHANNEL_IO = "channel-io", "Channel.io", UserId, Hex, Hex, None, Confirmed,
    "memberHash" => "memberHash", "Channel.io member hash docs"
);
preset!(
    /// Novu: the subscriber id; hex, keyed by the environment's API secret.
    /// Source: Novu's HMAC-encryption docs. Confidence: confirmed.
    NOVU = "novu", "Novu", UserId, Utf8, Hex, None, Confirmed,
    "subscriberHash" => "subscriberHash", "Novu HMAC encryption docs"
);
preset!(
    /// Userflow: the user id, one secret per environment; the hex output is inferred.
    /// Source: Userflow's identity-verification docs. Confidence: partly inferred.
    USERFLOW = "userflow", "Userflow", UserId, Utf8, Hex, None, PartlyInferred,
    "signature" => "signature", "Userflow identity verification docs (output encoding inferred)"
);
preset!(
    /// Chameleon: HMAC-SHA256 of `"{uid}-{unix seconds}"`, token `"{hex}-{unix seconds}"` (the
    /// same shape as Jimo). Source: Chameleon's identity-verification docs. Confidence: confirmed.
    CHAMELEON = "chameleon", "Chameleon", UserId, Utf8, Hex, Suffix, Confirmed,
    "uid_hash" => "uid_hash", "Chameleon identity verification docs"
);
preset!(
    /// HelpCrunch: the user id; hex. Source: HelpCrunch's SDK docs. Confidence: confirmed.
    HELPCRUNCH = "helpcrunch", "HelpCrunch", UserId, Utf8, Hex, None, Confirmed,
    "SDK init user hash" => "user_hash", "HelpCrunch SDK identity verification docs"
);
preset!(
    /// Tawk.to secure mode: the user id, one key per property; the hex output is inferred.
    /// Source: Tawk.to's secure-mode docs. Confidence: partly inferred.
    TAWK_TO = "tawk-to", "Tawk.to", UserId, Utf8, Hex, None, PartlyInferred,
    "hash" => "hash", "Tawk.to secure mode docs (output encoding inferred)"
);

macro_rules! jwt_preset {
    ($(#[$doc:meta])* $ident:ident = $name:literal, $vendor:literal, $subject:ident,
     $confidence:ident, $parameter:literal => $payload_key:literal, $source:literal,
     $layout:expr) => {
        $(#[$doc])*
        pub const $ident: Preset = Preset {
            name: $name,
            vendor: $vendor,
            subject: Subject::$subject,
            key_encoding: KeyEncoding::Utf8,
            encoding: Encoding::Jwt,
            timestamp: TimestampPlacement::None,
            claims: Some(&$layout),
            confidence: Confidence::$confidence,
            client_parameter: $parameter,
            payload_key: $payload_key,
            source: $source,
        };
    };
}

/// What the JWT presets share unless they say otherwise: `email` and `name` at the top level, no
/// vendor-fixed claims, no key id, no length limit. Each preset names its user id claim.
const JWT_BASE: ClaimLayout = ClaimLayout {
    user_id: &[],
    email: &["email"],
    name: Some(&["name"]),
    email_verified: None,
    account_id: None,
    nonce: None,
    nonce_required: false,
    fixed: &[],
    key_id_required: false,
    max_user_id_chars: None,
};

jwt_preset!(
    /// Intercom Messenger Security: an HS256 JWT with the `user_id` claim (required) and,
    /// optionally, `email` and `name`; `exp` is written on every token. Intercom calls the bare
    /// hash of [`INTERCOM`] deprecated in favour of this. One secret per platform — and never
    /// the secret of the hash: with one key for both, anyone who picks their own user id can have
    /// the hash sign `header.claims` and so forge this JWT for any user (a config refuses it;
    /// see [`Signer::with_jwt_input_guard`](crate::Signer::with_jwt_input_guard) for the
    /// migration). Source: Intercom's Messenger Security docs. Confidence: confirmed.
    INTERCOM_JWT = "intercom-jwt", "Intercom (Messenger Security JWT)", UserId, Confirmed,
    "intercom_user_jwt" => "intercom_user_jwt", "Intercom Messenger Security docs (JWT)",
    ClaimLayout {
        user_id: &["user_id"],
        ..JWT_BASE
    }
);
jwt_preset!(
    /// Zendesk messaging (Web Widget and mobile SDKs): an HS256 JWT whose `kid` header is the
    /// signing key's id from Admin Center (use it as the keyring label), with
    /// `scope: "user"` and `external_id` (at most 255 characters) required, and `name`, `email`,
    /// `email_verified` optional. Source: Zendesk's "Authenticating end users in messaging"
    /// docs. Confidence: confirmed.
    ZENDESK = "zendesk", "Zendesk messaging", UserId, Confirmed,
    "loginUser JWT callback" => "jwt", "Zendesk messaging end-user authentication docs",
    ClaimLayout {
        user_id: &["external_id"],
        email_verified: Some(&["email_verified"]),
        fixed: &[("scope", "user")],
        key_id_required: true,
        max_user_id_chars: Some(255),
        ..JWT_BASE
    }
);
jwt_preset!(
    /// Featurebase (the default mode since it moved to JWTs): an HS256 JWT with `userId` and/or
    /// `email`, optional `name`; companies and custom attributes go in
    /// [`Attributes::extra_claims`](crate::Attributes::extra_claims). For the older HMAC mode
    /// see [`FEATUREBASE_LEGACY`]. Source: Featurebase's identity-verification docs.
    /// Confidence: confirmed.
    FEATUREBASE = "featurebase", "Featurebase", UserIdElseEmail, Confirmed,
    "jwtToken" => "jwtToken", "Featurebase identity verification docs (JWT mode)",
    ClaimLayout {
        user_id: &["userId"],
        ..JWT_BASE
    }
);
jwt_preset!(
    /// Pendo signed metadata: an HS256 JWT carrying the `visitor` and `account` objects that
    /// `pendo.initialize` otherwise takes in clear (`visitor.id`, `visitor.email`,
    /// `visitor.full_name`, `account.id`), plus a required `nonce`. The key's name is passed to
    /// Pendo separately as `signingKeyName`, not as a `kid`. HS256 only (Pendo also offers
    /// RS256, which userhash does not do). Source: Pendo's signed-metadata docs for the
    /// structure and the nonce; the member names inside `visitor` and `account` are Pendo's
    /// standard metadata fields. Confidence: partly inferred.
    PENDO = "pendo", "Pendo (signed metadata)", UserId, PartlyInferred,
    "jwt (with signingKeyName)" => "jwt", "Pendo signed metadata docs (member names from Pendo's install snippet)",
    ClaimLayout {
        user_id: &["visitor", "id"],
        email: &["visitor", "email"],
        name: Some(&["visitor", "full_name"]),
        account_id: Some(&["account", "id"]),
        nonce: Some(&["nonce"]),
        nonce_required: true,
        ..JWT_BASE
    }
);
jwt_preset!(
    /// Freshchat / Freshdesk web chat user authentication: an HS256 JWT made with the account's
    /// encryption key (one key for every widget of the account). Confirmed by the vendor: HS256,
    /// the one key, and that the widget sends the token for every user once enforcement is on.
    /// Not confirmed: the claim names. userhash writes `reference_id` (the app's user id),
    /// `email` and `name`, and `iat`/`exp`; check them against a token Freshchat accepts before
    /// relying on this preset, and add others through
    /// [`Attributes::extra_claims`](crate::Attributes::extra_claims).
    /// Source: Freshworks' "Authenticate users using JWT tokens" articles. Confidence: inferred.
    FRESHCHAT = "freshchat", "Freshchat web chat", UserId, Inferred,
    "fcWidget.authenticate(token)" => "token", "Freshworks web chat JWT authentication articles (claim names inferred)",
    ClaimLayout {
        user_id: &["reference_id"],
        ..JWT_BASE
    }
);

/// Every preset, in catalogue order: the three the product was specified from, then the other
/// hashes, then the JWT schemes.
pub const PRESETS: &[&Preset] = &[
    &INTERCOM,
    &HELPSHIFT,
    &HELPSHIFT_FULL_PRIVACY,
    &JIMO,
    &FRONT,
    &HELP_SCOUT,
    &CHATWOOT,
    &CRISP,
    &GLEAP,
    &FEATUREBASE_LEGACY,
    &PLAIN,
    &PYLON,
    &CHANNEL_IO,
    &NOVU,
    &USERFLOW,
    &CHAMELEON,
    &HELPCRUNCH,
    &TAWK_TO,
    &INTERCOM_JWT,
    &ZENDESK,
    &FEATUREBASE,
    &PENDO,
    &FRESHCHAT,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_keys_are_plain_json_member_names() {
        for preset in PRESETS {
            let key = preset.payload_key;
            assert!(
                !key.is_empty()
                    && key.len() <= 32
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{}: {key:?}",
                preset.name
            );
            assert!(
                !["user_id", "email", "error"].contains(&key),
                "{}: {key:?} is a member a payload entry uses for itself",
                preset.name
            );
        }
    }
}
