//! The hash search behind an explanation: the token re-created under the mistakes people are
//! known to make — another platform's key, the wrong identifier, a missing concatenation,
//! upper-case hex, base64 for hex, a trimmed or case-folded or re-normalised identifier, a
//! hex-decoded secret, key and message swapped, a stale or millisecond timestamp — alone and in
//! pairs, keeping the hypotheses that reproduce it exactly. Fewer mistakes rank first; among
//! equals, the more common mistake.

use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

use super::cause::Cause;
use super::finding::{Facts, Finding, ShownBy};
use crate::error::{Error, Field};
use crate::freshness::Freshness;
use crate::identity::Identity;
use crate::mac::{MAC_LEN, MacKey};
use crate::parts::{Encoding, KeyEncoding, Subject, TIMESTAMP_SEPARATOR};
use crate::secret::Secret;
use crate::token::encode_mac;
use crate::verifier::Verifier;

/// Hypotheses with more simultaneous mistakes than this are not tried.
const MAX_MISTAKES: usize = 2;
/// Tokens longer than this are not searched; no scheme writes one.
const MAX_SEARCHED_TOKEN_LEN: usize = 256;

/// The findings for a rejected hash: the mistakes that reproduce `token`, most likely first.
pub(super) fn findings(
    verifier: &Verifier,
    identity: &Identity,
    token: &str,
    expected_label: Option<&str>,
    now: u64,
) -> Vec<Finding> {
    if token.len() > MAX_SEARCHED_TOKEN_LEN {
        return Vec::new();
    }
    Search::new(verifier, identity, token, expected_label, now).findings()
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
                let seen = findings.iter().any(|f| {
                    f.cause == cause && f.label.as_deref() == Some(hypothesis.label.as_str())
                });
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
        (label, secret): (&str, &Secret),
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
        let freshness = self.freshness;
        let facts = Facts {
            scheme: self.verifier.scheme().name(),
            label,
            fingerprint: self
                .verifier
                .keyring()
                .get(label)
                .map(Secret::fingerprint)
                .unwrap_or_default(),
            expected: self.expected_label.unwrap_or_default(),
            max_age: freshness.max_age_seconds,
            max_skew: freshness.max_future_skew_seconds,
            ..Facts::default()
        };
        cause.finding(ShownBy::Hash, &facts)
    }
}

/// A secret read the scheme's way (no cause), then read the other way: hex-decoded although the
/// scheme uses its text, or as its hex text although the scheme decodes it.
pub(super) fn key_readings(
    secret: &Secret,
    key_encoding: KeyEncoding,
) -> Vec<(Option<Cause>, MacKey)> {
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
