//! Why a token was rejected: the vendors' troubleshooting pages, made executable.
//!
//! [`Verifier::explain_at`] re-creates the token under the mistakes people are known to make —
//! another platform's key, the wrong identifier, a missing concatenation, upper-case hex, base64
//! for hex, a trimmed or case-folded or re-normalised identifier, a hex-decoded secret, key and
//! message swapped, a stale or millisecond timestamp — alone and in pairs, and reports the ones
//! that reproduce it exactly. Fewer mistakes rank first; among equals, the more common mistake.

use std::fmt;

use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Field, Result};
use crate::freshness::Freshness;
use crate::identity::Identity;
use crate::mac::{MAC_LEN, MacKey};
use crate::parts::{Encoding, KeyEncoding, Subject, TIMESTAMP_SEPARATOR};
use crate::token::encode_mac;
use crate::verifier::Verifier;

mod jwt;

/// Hypotheses with more simultaneous mistakes than this are not tried.
const MAX_MISTAKES: usize = 2;
/// Tokens longer than this are not searched; no scheme writes one.
const MAX_SEARCHED_TOKEN_LEN: usize = 256;

/// A known mistake, most common first (the order ranks findings with equally many mistakes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    pub const ALL: [Cause; 28] = [
        Cause::WrongKey,
        Cause::EmailInsteadOfUserId,
        Cause::UserIdInsteadOfEmail,
        Cause::ConcatenationMissing,
        Cause::UnexpectedConcatenation,
        Cause::FieldsSwapped,
        Cause::UppercaseHex,
        Cause::Base64InsteadOfHex,
        Cause::HexInsteadOfBase64,
        Cause::SecretHexDecoded,
        Cause::SecretUsedAsText,
        Cause::SurroundingWhitespace,
        Cause::EmailCase,
        Cause::UnicodeNormalization,
        Cause::NumericIdFormat,
        Cause::TextEncoding,
        Cause::KeyMessageSwapped,
        Cause::TimestampMissing,
        Cause::MillisecondsTimestamp,
        Cause::StaleTimestamp,
        Cause::FutureTimestamp,
        Cause::WrongAlgorithm,
        Cause::KeyIdMissing,
        Cause::KeyIdMismatch,
        Cause::ClaimMissing,
        Cause::ClaimInvalid,
        Cause::AnotherUser,
        Cause::AmbiguousConcatenation,
    ];

    /// The stable snake_case code used by the vectors and the CLI's `--json` output.
    pub const fn code(self) -> &'static str {
        match self {
            Cause::WrongKey => "wrong_key",
            Cause::EmailInsteadOfUserId => "email_instead_of_user_id",
            Cause::UserIdInsteadOfEmail => "user_id_instead_of_email",
            Cause::ConcatenationMissing => "concatenation_missing",
            Cause::UnexpectedConcatenation => "unexpected_concatenation",
            Cause::FieldsSwapped => "fields_swapped",
            Cause::UppercaseHex => "uppercase_hex",
            Cause::Base64InsteadOfHex => "base64_instead_of_hex",
            Cause::HexInsteadOfBase64 => "hex_instead_of_base64",
            Cause::SecretHexDecoded => "secret_hex_decoded",
            Cause::SecretUsedAsText => "secret_used_as_text",
            Cause::SurroundingWhitespace => "surrounding_whitespace",
            Cause::EmailCase => "email_case",
            Cause::UnicodeNormalization => "unicode_normalization",
            Cause::NumericIdFormat => "numeric_id_format",
            Cause::TextEncoding => "text_encoding",
            Cause::KeyMessageSwapped => "key_message_swapped",
            Cause::TimestampMissing => "timestamp_missing",
            Cause::MillisecondsTimestamp => "milliseconds_timestamp",
            Cause::StaleTimestamp => "stale_timestamp",
            Cause::FutureTimestamp => "future_timestamp",
            Cause::WrongAlgorithm => "wrong_algorithm",
            Cause::KeyIdMissing => "key_id_missing",
            Cause::KeyIdMismatch => "key_id_mismatch",
            Cause::ClaimMissing => "claim_missing",
            Cause::ClaimInvalid => "claim_invalid",
            Cause::AnotherUser => "another_user",
            Cause::AmbiguousConcatenation => "ambiguous_concatenation",
        }
    }

    /// The cause with this code, if any.
    pub fn from_code(code: &str) -> Option<Cause> {
        Cause::ALL.into_iter().find(|cause| cause.code() == code)
    }

    /// What to change so the token verifies.
    pub const fn fix(self) -> &'static str {
        match self {
            Cause::WrongKey => {
                "Sign each platform's requests with that platform's secret, and production with the production workspace's secret."
            }
            Cause::EmailInsteadOfUserId => {
                "Hash the user_id, not the email: when a user_id is sent, the hash must be over it."
            }
            Cause::UserIdInsteadOfEmail => "Hash the email address, not the user id.",
            Cause::ConcatenationMissing => {
                "Hash user_id and email concatenated (no separator) whenever both are sent."
            }
            Cause::UnexpectedConcatenation => {
                "Hash only the identifier the scheme signs, not user_id and email together."
            }
            Cause::FieldsSwapped => "Concatenate user_id first, then email.",
            Cause::UppercaseHex => {
                "Write the hash in lower-case hex (e.g. Java \"%02x\", C# \"x2\", not X)."
            }
            Cause::Base64InsteadOfHex => "Write the hash as lower-case hex, not base64.",
            Cause::HexInsteadOfBase64 => "Write the hash as standard base64, not hex.",
            Cause::SecretHexDecoded => {
                "Use the secret's text as the key, even though it looks like hex: do not hex-decode it."
            }
            Cause::SecretUsedAsText => "Hex-decode the secret to bytes before using it as the key.",
            Cause::SurroundingWhitespace => {
                "Hash the identifier exactly as sent: trim (or don't) on both sides alike, and drop trailing newlines."
            }
            Cause::EmailCase => {
                "Hash the email exactly as sent: lower-case it on both sides, or on neither."
            }
            Cause::UnicodeNormalization => {
                "Normalise identifiers to the same Unicode form (NFC) before both hashing and sending."
            }
            Cause::NumericIdFormat => {
                "Stringify numeric ids the same way on both sides (\"42\", not \"42.0\")."
            }
            Cause::TextEncoding => {
                "Encode the identifier as UTF-8 (e.g. Java getBytes(StandardCharsets.UTF_8))."
            }
            Cause::KeyMessageSwapped => {
                "Pass the secret as the HMAC key and the identifier as the message (CryptoJS takes message first)."
            }
            Cause::TimestampMissing => {
                "Sign \"{id}-{unix seconds}\" and send the token as \"{hash}-{unix seconds}\"."
            }
            Cause::MillisecondsTimestamp => {
                "Use Unix time in seconds, not milliseconds (e.g. Math.floor(Date.now() / 1000))."
            }
            Cause::StaleTimestamp => {
                "Mint a fresh token when the page or session starts instead of reusing an old one."
            }
            Cause::FutureTimestamp => "Synchronise the signing server's clock (NTP).",
            Cause::WrongAlgorithm => {
                "Sign with HS256 and the shared secret (e.g. PyJWT algorithm=\"HS256\"); never send an unsigned (\"none\") token."
            }
            Cause::KeyIdMissing => {
                "Put the signing key's id in the JWT header as kid (e.g. PyJWT headers={\"kid\": key_id})."
            }
            Cause::KeyIdMismatch => {
                "Send the kid of the key the token is signed with: each key id goes with its own secret."
            }
            Cause::ClaimMissing => "Add the claim the vendor requires to the JWT payload.",
            Cause::ClaimInvalid => {
                "Give the claim the type and value the vendor documents (strings for ids, whole seconds for times)."
            }
            Cause::AnotherUser => {
                "Sign a fresh JWT for the user who is logged in; never reuse another session's token."
            }
            Cause::AmbiguousConcatenation => {
                "Check on your server that the user id and email are the pair you issued together (look the user up by id and compare the email), or sign the user id alone (helpshift-full-privacy) where the vendor allows it."
            }
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One mistake that, with the others of its hypothesis, reproduces the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The mistake.
    pub cause: Cause,
    /// The label of the key under which the token was reproduced; empty when the finding
    /// needs no key (a JWT with a wrong algorithm, or one no key signed).
    pub label: String,
    /// What happened, in plain words (never a secret or the token).
    pub explanation: String,
    /// What to change.
    pub fix: String,
}

/// The answer of [`Verifier::explain_at`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// The token verifies (under the expected label, when one was given).
    pub valid: bool,
    /// The label that verified it, when valid.
    pub label: Option<String>,
    /// Why verification rejected it, when not valid.
    pub rejection: Option<Error>,
    /// The mistakes that reproduce the token, most likely first. Empty when no known mistake
    /// reproduces it (then the secret itself is probably wrong). A valid token has none, except
    /// [`Cause::AmbiguousConcatenation`] under a scheme that joins user id and email with no
    /// separator.
    pub findings: Vec<Finding>,
}

impl Diagnosis {
    /// Why verification rejected the token, in words that fit a diagnosis (the rejection's
    /// message, except that Mismatch's pointer to `explain` is left out: this is it).
    pub fn reason(&self) -> Option<String> {
        self.rejection.as_ref().map(|rejection| match rejection {
            Error::Mismatch => {
                "the token does not match this identity under any key tried".to_owned()
            }
            other => other.to_string(),
        })
    }

    /// A one-paragraph summary: the verdict and the most likely cause with its fix.
    pub fn summary(&self) -> String {
        if self.valid {
            let valid = format!(
                "The token is valid (key {}).",
                self.label.as_deref().unwrap_or("?")
            );
            return match self.findings.first() {
                Some(note) => format!("{valid} But: {} Fix: {}", note.explanation, note.fix),
                None => valid,
            };
        }
        let rejection = self.reason().unwrap_or_default();
        match self.findings.first() {
            Some(finding) => format!(
                "Rejected: {rejection}. Most likely: {} Fix: {}",
                finding.explanation, finding.fix
            ),
            None => format!(
                "Rejected: {rejection}. No known mistake reproduces this token: check that the secret is this app's identity-verification secret for this environment."
            ),
        }
    }
}

impl Verifier {
    /// [`Verifier::explain_at`] at the system clock's time.
    ///
    /// # Errors
    /// As [`Verifier::explain_at`], or [`Error::ClockBeforeEpoch`].
    pub fn explain(
        &self,
        identity: &Identity,
        token: &str,
        expected_label: Option<&str>,
    ) -> Result<Diagnosis> {
        self.explain_at(identity, token, expected_label, crate::clock::unix_now()?)
    }

    /// Explains why `token` does (or does not) verify for `identity` at the time `now`.
    ///
    /// `expected_label` is the platform the request claims to come from (e.g. `android`); a token
    /// made with another label's key is then reported as [`Cause::WrongKey`]. With `None`, any
    /// key of the keyring is acceptable.
    ///
    /// This is for support tooling and for logging rejected requests, not for every request: it
    /// re-creates hundreds of candidate tokens, at 23–33× the CPU of the `verify` it follows
    /// for a forgery no mistake explains (three keys, on the shared 2-core machine:
    /// `cargo bench -p userhash --bench sign -- diagnosis`). Every candidate is compared with
    /// the token in constant time, as in `verify`, since the requests it runs on may be an
    /// attacker's.
    ///
    /// ```
    /// use userhash::{Cause, Identity, Keyring, Scheme, Secret, Verifier};
    ///
    /// let scheme = Scheme::by_name("intercom")?;
    /// let keyring = Keyring::new().with("web", Secret::for_scheme(&scheme, "s3cret")?)?;
    /// let verifier = Verifier::new(scheme.clone(), keyring.clone())?;
    ///
    /// // The client sends both fields but its server hashed the email.
    /// let hashed_email = keyring.signer(&scheme, "web")?.sign(&Identity::from_email("ada@example.com"))?;
    /// let sent = Identity::from_user_id("42").with_email("ada@example.com");
    /// let diagnosis = verifier.explain_at(&sent, &hashed_email, None, 0)?;
    /// assert!(!diagnosis.valid);
    /// assert_eq!(diagnosis.findings[0].cause, Cause::EmailInsteadOfUserId);
    /// # Ok::<(), userhash::Error>(())
    /// ```
    ///
    /// # Errors
    /// Identity errors (the identity itself cannot be verified) and [`Error::UnknownLabel`];
    /// every rejection of the token is part of the [`Diagnosis`] instead.
    pub fn explain_at(
        &self,
        identity: &Identity,
        token: &str,
        expected_label: Option<&str>,
        now: u64,
    ) -> Result<Diagnosis> {
        let verdict = match expected_label {
            Some(label) => self.verify_label_at(label, identity, token, now),
            None => self.verify_at(identity, token, now),
        };
        let rejection = match verdict {
            Ok(verified) => {
                let findings = self
                    .ambiguous_concatenation(identity, &verified.label)
                    .into_iter()
                    .collect();
                return Ok(Diagnosis {
                    valid: true,
                    label: Some(verified.label),
                    rejection: None,
                    findings,
                });
            }
            Err(error) if error.is_rejection() => error,
            Err(error) => return Err(error),
        };
        let findings = if self.scheme().is_jwt() {
            jwt::findings(self, identity, token, expected_label, now)
        } else if token.len() <= MAX_SEARCHED_TOKEN_LEN {
            Search::new(self, identity, token, expected_label, now).findings()
        } else {
            Vec::new()
        };
        Ok(Diagnosis {
            valid: false,
            label: None,
            rejection: Some(rejection),
            findings,
        })
    }
}

impl Verifier {
    /// For a valid token under a scheme that joins user id and email with no separator
    /// (Helpshift's `user_id + email`): the warning that the same token is valid for every
    /// other split of the signed text — `("ali", "ce@x")` and `("alice@x", no email)` sign the
    /// same bytes — so a user who chooses their own id or email can present another's split.
    fn ambiguous_concatenation(&self, identity: &Identity, label: &str) -> Option<Finding> {
        let scheme = self.scheme();
        if scheme.subject() != Subject::UserIdAndEmail || scheme.is_jwt() {
            return None;
        }
        let length = |text: Option<&str>| text.map_or(0, |text| text.chars().count());
        let (id, email) = (
            length(identity.user_id.as_deref()),
            length(identity.email.as_deref()),
        );
        // The text can be cut before any of its characters or after the last: one cut is the
        // identity sent, each other one another (user id, email) pair with the same token.
        let others = id + email;
        let explanation = format!(
            "The token is valid, but scheme {} signs the user id and the email joined with no separator, so the same token is equally valid for the {others} other ways of splitting the signed {}-character text between a user id and an email (a user id {id} characters long is what was sent; one of any other length, with the email taking the rest, verifies as well).",
            scheme.name(),
            id + email,
        );
        Some(Finding {
            cause: Cause::AmbiguousConcatenation,
            label: label.to_owned(),
            explanation,
            fix: Cause::AmbiguousConcatenation.fix().to_owned(),
        })
    }
}

/// Whether a candidate token (derived from a secret) equals what the client sent, in constant
/// time: `explain` runs on requests an attacker shapes, like `verify`, so how far a candidate
/// matches must not show in its timing. Only the lengths, which are public, may end it early.
fn same_text(candidate: &str, sent: &str) -> bool {
    bool::from(candidate.as_bytes().ct_eq(sent.as_bytes()))
}

/// One way the token may have been made: the mistakes it assumes and the key it was made with.
struct Hypothesis {
    causes: Vec<Cause>,
    label: String,
}

/// A candidate key: a keyring entry, possibly misread.
struct KeyCandidate {
    label: String,
    causes: Vec<Cause>,
    key: MacKey,
}

/// A candidate message: the identifier bytes under some (possibly empty) set of mistakes.
struct MessageCandidate {
    causes: Vec<Cause>,
    bytes: Vec<u8>,
}

/// The search behind one explanation.
struct Search<'a> {
    verifier: &'a Verifier,
    identity: &'a Identity,
    expected_label: Option<&'a str>,
    freshness: Freshness,
    now: u64,
    /// The token's hash part.
    mac_text: &'a str,
    /// The token's timestamp digits, for timestamped schemes.
    timestamp: Option<&'a str>,
}

impl<'a> Search<'a> {
    fn new(
        verifier: &'a Verifier,
        identity: &'a Identity,
        token: &'a str,
        expected_label: Option<&'a str>,
        now: u64,
    ) -> Search<'a> {
        let split = token
            .rsplit_once(TIMESTAMP_SEPARATOR)
            .filter(|(_, ts)| !ts.is_empty() && ts.bytes().all(|b| b.is_ascii_digit()))
            .filter(|_| verifier.scheme().is_timestamped());
        let (mac_text, timestamp) = match split {
            Some((mac, ts)) => (mac, Some(ts)),
            None => (token, None),
        };
        Search {
            verifier,
            identity,
            expected_label,
            freshness: verifier.freshness(),
            now,
            mac_text,
            timestamp,
        }
    }

    fn findings(&self) -> Vec<Finding> {
        let mut hypotheses = self.hypotheses();
        hypotheses.sort_by(|a, b| (a.causes.len(), &a.causes).cmp(&(b.causes.len(), &b.causes)));
        let mut findings: Vec<Finding> = Vec::new();
        for hypothesis in hypotheses {
            for cause in hypothesis.causes {
                let seen = findings
                    .iter()
                    .any(|f| f.cause == cause && f.label == hypothesis.label);
                if !seen {
                    findings.push(self.finding(cause, &hypothesis.label));
                }
            }
        }
        findings
    }

    fn hypotheses(&self) -> Vec<Hypothesis> {
        let scheme = self.verifier.scheme();
        // A timestamped scheme whose token has no timestamp: the message had none either.
        let timestamp_causes = match (scheme.is_timestamped(), self.timestamp) {
            (true, None) => vec![Cause::TimestampMissing],
            _ => Vec::new(),
        };
        let messages = self.messages();
        let mut found = Vec::new();
        for key in self.keys() {
            for message in &messages {
                let assumed = key.causes.len() + message.causes.len() + timestamp_causes.len();
                if assumed > MAX_MISTAKES {
                    continue;
                }
                let mac = match self.timestamp {
                    Some(ts) => {
                        key.key
                            .mac(&[&message.bytes, &[TIMESTAMP_SEPARATOR as u8], ts.as_bytes()])
                    }
                    None => key.key.mac(&[&message.bytes]),
                };
                for (encoding_causes, written) in self.encodings(&mac) {
                    if assumed + encoding_causes.len() > MAX_MISTAKES
                        || !same_text(&written, self.mac_text)
                    {
                        continue;
                    }
                    let mut causes: Vec<Cause> = key
                        .causes
                        .iter()
                        .chain(&message.causes)
                        .chain(&encoding_causes)
                        .chain(&timestamp_causes)
                        .copied()
                        .collect();
                    causes.extend(self.timing_cause());
                    causes.sort();
                    causes.dedup();
                    if !causes.is_empty() {
                        found.push(Hypothesis {
                            causes,
                            label: key.label.clone(),
                        });
                    }
                }
            }
        }
        for label_and_secret in self.verifier.keyring().iter() {
            self.try_swapped(label_and_secret, &messages, &mut found);
        }
        found
    }

    /// HMAC(key = message, message = secret), the CryptoJS argument-order mistake.
    fn try_swapped(
        &self,
        (label, secret): (&str, &crate::Secret),
        messages: &[MessageCandidate],
        found: &mut Vec<Hypothesis>,
    ) {
        let Some(message) = messages.first() else {
            return;
        };
        let mut key_bytes = message.bytes.clone();
        if let Some(ts) = self.timestamp {
            key_bytes.push(TIMESTAMP_SEPARATOR as u8);
            key_bytes.extend_from_slice(ts.as_bytes());
        }
        let mac = MacKey::new(&key_bytes).mac(&[secret.expose()]);
        let written = encode_mac(self.verifier.scheme().encoding(), &mac);
        if same_text(&written, self.mac_text) {
            let mut causes = vec![Cause::KeyMessageSwapped];
            causes.extend(self.wrong_key(label));
            causes.sort();
            found.push(Hypothesis {
                causes,
                label: label.to_owned(),
            });
        }
    }

    fn wrong_key(&self, label: &str) -> Option<Cause> {
        self.expected_label
            .filter(|expected| *expected != label)
            .map(|_| Cause::WrongKey)
    }

    /// Every keyring entry read the scheme's way, and read the other way.
    fn keys(&self) -> Vec<KeyCandidate> {
        let key_encoding = self.verifier.scheme().key_encoding();
        let mut keys = Vec::new();
        for (label, secret) in self.verifier.keyring().iter() {
            for (misreading, key) in key_readings(secret, key_encoding) {
                keys.push(KeyCandidate {
                    label: label.to_owned(),
                    causes: self
                        .wrong_key(label)
                        .into_iter()
                        .chain(misreading)
                        .collect(),
                    key,
                });
            }
        }
        keys
    }

    /// The scheme's message first, then the message under each known identifier mistake.
    fn messages(&self) -> Vec<MessageCandidate> {
        let user_id = self.identity.user_id.as_deref();
        let email = self.identity.email.as_deref();
        let fields = self.signed_fields();
        let join = |fields: &[(Field, String)]| -> Vec<u8> {
            fields.iter().flat_map(|(_, text)| text.bytes()).collect()
        };
        let base = join(&fields);
        let mut out = vec![MessageCandidate {
            causes: Vec::new(),
            bytes: base.clone(),
        }];
        let mut push = |cause: Cause, bytes: Vec<u8>| {
            if !bytes.is_empty() && !out.iter().any(|have| have.bytes == bytes) {
                out.push(MessageCandidate {
                    causes: vec![cause],
                    bytes,
                });
            }
        };

        // The wrong choice or arrangement of fields.
        let concat = |a: &str, b: &str| [a, b].concat().into_bytes();
        match (self.verifier.scheme().subject(), user_id, email) {
            (Subject::UserId | Subject::UserIdElseEmail, Some(id), Some(email)) => {
                push(Cause::EmailInsteadOfUserId, email.as_bytes().to_vec());
                push(Cause::UnexpectedConcatenation, concat(id, email));
            }
            (Subject::Email, Some(id), Some(email)) => {
                push(Cause::UserIdInsteadOfEmail, id.as_bytes().to_vec());
                push(Cause::UnexpectedConcatenation, concat(id, email));
            }
            (Subject::UserIdAndEmail, Some(id), Some(email)) => {
                push(Cause::ConcatenationMissing, id.as_bytes().to_vec());
                push(Cause::ConcatenationMissing, email.as_bytes().to_vec());
                push(Cause::FieldsSwapped, concat(email, id));
            }
            _ => {}
        }

        // The right fields, transformed on one side only.
        let transformed = |transform: &dyn Fn(Field, &str) -> Option<String>| {
            let fields: Vec<(Field, String)> = fields
                .iter()
                .map(|(field, text)| {
                    let text = transform(*field, text).unwrap_or_else(|| text.clone());
                    (*field, text)
                })
                .collect();
            join(&fields)
        };
        push(
            Cause::SurroundingWhitespace,
            transformed(&|_, text| Some(text.trim().to_owned())),
        );
        let mut newline = base.clone();
        newline.push(b'\n');
        push(Cause::SurroundingWhitespace, newline);
        push(
            Cause::EmailCase,
            transformed(&|field, text| (field == Field::Email).then(|| text.to_lowercase())),
        );
        push(
            Cause::UnicodeNormalization,
            transformed(&|_, text| Some(text.nfc().collect())),
        );
        push(
            Cause::UnicodeNormalization,
            transformed(&|_, text| Some(text.nfd().collect())),
        );
        push(
            Cause::NumericIdFormat,
            transformed(&|field, text| {
                (field == Field::UserId)
                    .then(|| other_numeric_form(text))
                    .flatten()
            }),
        );

        // The right text, encoded with something other than UTF-8.
        let text: String = fields.iter().map(|(_, text)| text.as_str()).collect();
        if let Some(latin1) = text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).ok())
            .collect::<Option<Vec<u8>>>()
        {
            push(Cause::TextEncoding, latin1);
        }
        let lossy_ascii: Vec<u8> = text
            .chars()
            .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
            .collect();
        push(Cause::TextEncoding, lossy_ascii);
        out
    }

    /// The fields the scheme signs for this identity, in order.
    fn signed_fields(&self) -> Vec<(Field, String)> {
        let user_id = self.identity.user_id.clone().map(|id| (Field::UserId, id));
        let email = self
            .identity
            .email
            .clone()
            .map(|email| (Field::Email, email));
        match self.verifier.scheme().subject() {
            Subject::UserId => user_id.into_iter().collect(),
            Subject::Email => email.into_iter().collect(),
            Subject::UserIdElseEmail => user_id.or(email).into_iter().collect(),
            Subject::UserIdAndEmail => user_id.into_iter().chain(email).collect(),
        }
    }

    /// The MAC written the scheme's way and in each wrong way.
    fn encodings(&self, mac: &[u8; MAC_LEN]) -> Vec<(Vec<Cause>, String)> {
        match self.verifier.scheme().encoding() {
            Encoding::Hex => {
                let hex = encode_mac(Encoding::Hex, mac);
                vec![
                    (Vec::new(), hex.clone()),
                    (vec![Cause::UppercaseHex], hex.to_uppercase()),
                    (
                        vec![Cause::Base64InsteadOfHex],
                        encode_mac(Encoding::Base64, mac),
                    ),
                ]
            }
            Encoding::Base64 => {
                let hex = encode_mac(Encoding::Hex, mac);
                vec![
                    (Vec::new(), encode_mac(Encoding::Base64, mac)),
                    (vec![Cause::HexInsteadOfBase64], hex.clone()),
                    (vec![Cause::HexInsteadOfBase64], hex.to_uppercase()),
                ]
            }
            // JWTs are explained by the `jwt` submodule, which reads the token instead.
            Encoding::Jwt => Vec::new(),
        }
    }

    /// What is wrong with the token's timestamp, if it has one and it is out of policy.
    fn timing_cause(&self) -> Option<Cause> {
        let seconds: u64 = self.timestamp?.parse().ok()?;
        match self.freshness.check(seconds, self.now) {
            Ok(()) => None,
            Err(Error::FromTheFuture { .. }) => {
                let as_seconds = seconds / 1000;
                let plausible_millis = self.freshness.check(as_seconds, self.now).is_ok();
                Some(if plausible_millis {
                    Cause::MillisecondsTimestamp
                } else {
                    Cause::FutureTimestamp
                })
            }
            Err(_) => Some(Cause::StaleTimestamp),
        }
    }

    fn finding(&self, cause: Cause, label: &str) -> Finding {
        let scheme = self.verifier.scheme();
        let fingerprint = self
            .verifier
            .keyring()
            .get(label)
            .map(crate::Secret::fingerprint)
            .unwrap_or_default();
        let explanation = match cause {
            Cause::WrongKey => format!(
                "The token was made with the key labelled {label:?} (fingerprint {fingerprint}), not the one labelled {:?}.",
                self.expected_label.unwrap_or_default()
            ),
            Cause::EmailInsteadOfUserId => {
                "The token is a hash of the email, but a user_id was sent, so the hash must be over the user_id.".to_owned()
            }
            Cause::UserIdInsteadOfEmail => format!(
                "The token is a hash of the user id, but scheme {} signs the email.",
                scheme.name()
            ),
            Cause::ConcatenationMissing => format!(
                "The token is a hash of one field alone, but scheme {} signs user_id and email concatenated.",
                scheme.name()
            ),
            Cause::UnexpectedConcatenation => format!(
                "The token is a hash of user_id and email concatenated, but scheme {} signs one field.",
                scheme.name()
            ),
            Cause::FieldsSwapped => {
                "The token is a hash of the email followed by the user id; the order is user id, then email.".to_owned()
            }
            Cause::UppercaseHex => "The hash is written in upper-case hex.".to_owned(),
            Cause::Base64InsteadOfHex => "The hash is written in base64, not hex.".to_owned(),
            Cause::HexInsteadOfBase64 => "The hash is written in hex, not base64.".to_owned(),
            Cause::SecretHexDecoded => format!(
                "The secret labelled {label:?} was hex-decoded before use, but scheme {} uses its text as the key.",
                scheme.name()
            ),
            Cause::SecretUsedAsText => format!(
                "The secret labelled {label:?} was used as text, but scheme {} hex-decodes it.",
                scheme.name()
            ),
            Cause::SurroundingWhitespace => {
                "The hashed identifier differs from the sent one by surrounding whitespace or a trailing newline.".to_owned()
            }
            Cause::EmailCase => {
                "The hash is over the lower-cased email, but the email was sent with capitals.".to_owned()
            }
            Cause::UnicodeNormalization => {
                "The hashed identifier is the same text in another Unicode normalisation form (NFC vs NFD).".to_owned()
            }
            Cause::NumericIdFormat => {
                "The hashed user id is the same number written differently (e.g. 42 vs 42.0).".to_owned()
            }
            Cause::TextEncoding => {
                "The identifier was encoded as Latin-1 or lossy ASCII before hashing, not as UTF-8.".to_owned()
            }
            Cause::KeyMessageSwapped => {
                "The HMAC was computed with the identifier as the key and the secret as the message.".to_owned()
            }
            Cause::TimestampMissing => format!(
                "Scheme {} signs \"{{id}}-{{unix seconds}}\", but the token was made over the id alone and carries no timestamp.",
                scheme.name()
            ),
            Cause::MillisecondsTimestamp => {
                "The token is genuine, but its timestamp is in milliseconds, not seconds.".to_owned()
            }
            Cause::StaleTimestamp => format!(
                "The token is genuine but older than the {} s the verifier accepts.",
                self.freshness.max_age_seconds
            ),
            Cause::FutureTimestamp => format!(
                "The token is genuine but its timestamp is more than {} s ahead of the verifier's clock.",
                self.freshness.max_future_skew_seconds
            ),
            // Only JWTs have these; the `jwt` submodule words them. A valid token's ambiguity
            // is worded where it is found, never by a search.
            Cause::WrongAlgorithm
            | Cause::KeyIdMissing
            | Cause::KeyIdMismatch
            | Cause::ClaimMissing
            | Cause::ClaimInvalid
            | Cause::AnotherUser
            | Cause::AmbiguousConcatenation => String::new(),
        };
        Finding {
            cause,
            label: label.to_owned(),
            explanation,
            fix: cause.fix().to_owned(),
        }
    }
}

/// A secret read the scheme's way (no cause), then read the other way: hex-decoded although the
/// scheme uses its text, or as its hex text although the scheme decodes it.
fn key_readings(secret: &crate::Secret, key_encoding: KeyEncoding) -> Vec<(Option<Cause>, MacKey)> {
    let mut readings = vec![(None, MacKey::new(secret.expose()))];
    match key_encoding {
        KeyEncoding::Utf8 => {
            let decoded = std::str::from_utf8(secret.expose())
                .ok()
                .and_then(|text| hex::decode(text).ok())
                .filter(|bytes| !bytes.is_empty());
            if let Some(bytes) = decoded {
                readings.push((Some(Cause::SecretHexDecoded), MacKey::new(&bytes)));
            }
        }
        KeyEncoding::Hex => {
            let lower = hex::encode(secret.expose());
            let upper = lower.to_uppercase();
            for text in [lower, upper] {
                readings.push((Some(Cause::SecretUsedAsText), MacKey::new(text.as_bytes())));
            }
        }
    }
    readings
}

/// `42` ↔ `42.0`: the other way a numeric id is commonly written, if the id is numeric.
fn other_numeric_form(text: &str) -> Option<String> {
    let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if is_digits(text) {
        Some(format!("{text}.0"))
    } else {
        text.strip_suffix(".0")
            .filter(|int| is_digits(int))
            .map(str::to_owned)
    }
}
