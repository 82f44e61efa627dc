//! The app server's side: a scheme and one key, ready to sign identities.

use std::borrow::Cow;
use std::fmt;

use crate::batch::{BatchFailure, BatchTokens, Cursor, PackedBatch};
use crate::claims::{Attributes, issue};
use crate::clock;
use crate::error::{Error, Result};
use crate::identity::Identity;
use crate::jwt;
use crate::label::check_label;
use crate::mac::{MAC_LEN, MacKey};
use crate::parts::{SubjectParts, TIMESTAMP_SEPARATOR};
use crate::scheme::Scheme;
use crate::secret::Secret;
use crate::split::Split;
use crate::token::{Decimal, write_token};

/// Room reserved per token in a batch: a hex token and its newline (longer tokens grow it).
const TYPICAL_LINE_BYTES: usize = 65;

/// How a packed batch is signed: the threads it may use and the time its tokens carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchOptions {
    /// The most signing threads (0: one per core). A caller that overlaps its own work with the
    /// call leaves itself a core this way.
    pub max_threads: usize,
    /// The time every token carries, for schemes with one; `None` reads the clock once.
    pub at: Option<u64>,
}

impl BatchOptions {
    /// At most `max_threads` signing threads (0: one per core), every token carrying the time
    /// `at` (`None`: the clock, read once).
    pub fn new(max_threads: usize, at: Option<u64>) -> BatchOptions {
        BatchOptions { max_threads, at }
    }
}

/// Signs identities under one scheme with one key.
///
/// The HMAC pad states are computed once, in [`Signer::new`]; each signature then costs two
/// SHA-256 compressions for identifiers up to 55 bytes. A `Signer` is immutable and `Send + Sync`:
/// build one at start-up and share it across threads.
///
/// ```
/// use userhash::{Identity, Scheme, Secret, Signer};
///
/// let scheme = Scheme::by_name("intercom")?;
/// let signer = Signer::new(scheme.clone(), &Secret::for_scheme(&scheme, "secret")?);
/// let hash = signer.sign(&Identity::from_user_id("Message"))?;
/// assert_eq!(hash, "aa747c502a898200f9e4fa21bac68136f886a0e27aec70ba06daf2e2a5cb5597");
/// # Ok::<(), userhash::Error>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    scheme: Scheme,
    key: MacKey,
    fingerprint: String,
    key_id: Option<String>,
    jwt_input_guard: bool,
}

impl Signer {
    /// A signer for `scheme` keyed by `secret`.
    pub fn new(scheme: Scheme, secret: &Secret) -> Signer {
        Signer {
            scheme,
            key: MacKey::new(secret.expose()),
            fingerprint: secret.fingerprint(),
            key_id: None,
            jwt_input_guard: false,
        }
    }

    /// This signer refusing to hash a message that is a JWT signing input
    /// ([`Error::JwtSigningInput`]): for a hash scheme whose key also signs JWTs — allowed only
    /// during a migration, see `dangerously_share_hash_and_jwt_keys` in `userhash-config`.
    ///
    /// Without it, a user who can choose their own id (a username, an email) can have
    /// `header.claims` hashed, and the hash, re-encoded as base64url, is a valid HS256 signature
    /// on a JWT naming any other user. Ordinary identifiers (`john.doe`) are unaffected. A JWT
    /// scheme's signer is unchanged: it signs claims it writes itself.
    #[must_use]
    pub fn with_jwt_input_guard(mut self) -> Signer {
        self.jwt_input_guard = true;
        self
    }

    /// Whether this signer refuses JWT signing inputs (see [`Signer::with_jwt_input_guard`]).
    pub fn has_jwt_input_guard(&self) -> bool {
        self.jwt_input_guard
    }

    /// This signer naming its key `key_id` in the JWT `kid` header — Zendesk's key id from
    /// Admin Center. [`Keyring::signer`](crate::Keyring::signer) does this with the label for
    /// schemes that require a key id.
    ///
    /// # Errors
    /// [`Error::InvalidLabel`] unless `key_id` is a valid keyring label (the verifier finds the
    /// key by it); [`Error::InvalidClaim`] for a scheme that writes a bare hash.
    pub fn with_key_id(mut self, key_id: &str) -> Result<Signer> {
        if !self.scheme.is_jwt() {
            return Err(Error::InvalidClaim {
                claim: "kid".to_owned(),
                reason: format!(
                    "scheme {} writes a bare hash, which has no header",
                    self.scheme.name()
                ),
            });
        }
        check_label(key_id)?;
        self.key_id = Some(key_id.to_owned());
        Ok(self)
    }

    /// The key id written in the `kid` header of JWTs, if any.
    pub fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    /// The scheme this signer follows.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The fingerprint of the key (see [`Secret::fingerprint`]).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The token for `identity`. Timestamped schemes stamp it with the system clock, and JWT
    /// schemes issue it then; use [`Signer::sign_at`] to choose the time, and
    /// [`Signer::sign_with`] to add attributes to a JWT.
    ///
    /// # Errors
    /// Identity errors ([`Error::Unidentified`], [`Error::MissingField`], [`Error::EmptyField`],
    /// [`Error::IdentifierTooLong`]), or [`Error::ClockBeforeEpoch`].
    pub fn sign(&self, identity: &Identity) -> Result<String> {
        let mut token = String::new();
        self.sign_into(identity, &mut token)?;
        Ok(token)
    }

    /// [`Signer::sign`], writing the token into `out` (its previous contents are replaced) so a
    /// loop can reuse one buffer and sign without allocating.
    ///
    /// # Errors
    /// As [`Signer::sign`]; `out` is left empty on error.
    pub fn sign_into(&self, identity: &Identity, out: &mut String) -> Result<()> {
        let timestamp = if self.uses_clock() {
            Some(clock::unix_now()?)
        } else {
            None
        };
        self.write(identity, timestamp, out)
    }

    /// The token for `identity` stamped with `unix_seconds`, for timestamped schemes, or issued
    /// at `unix_seconds` (`iat`, and `exp` one lifetime later) for JWT schemes.
    ///
    /// # Errors
    /// [`Error::TimestampNotApplicable`] when the scheme's tokens carry no time, or an identity
    /// error as for [`Signer::sign`].
    pub fn sign_at(&self, identity: &Identity, unix_seconds: u64) -> Result<String> {
        if !self.uses_clock() {
            return Err(Error::TimestampNotApplicable {
                scheme: self.scheme.name().to_owned(),
            });
        }
        let mut token = String::new();
        self.write(identity, Some(unix_seconds), &mut token)?;
        Ok(token)
    }

    /// The JWT for `identity` with `attributes` (name, nonce, expiry, extra claims...), issued
    /// now. For a hash scheme, empty attributes sign as [`Signer::sign`] does.
    ///
    /// # Errors
    /// As [`Signer::sign_with_at`], or [`Error::ClockBeforeEpoch`].
    pub fn sign_with(&self, identity: &Identity, attributes: &Attributes) -> Result<String> {
        if !self.scheme.is_jwt() {
            issue::check_no_attributes(self.scheme.name(), attributes)?;
            return self.sign(identity);
        }
        self.sign_with_at(identity, attributes, clock::unix_now()?)
    }

    /// The JWT for `identity` with `attributes`, issued at `unix_seconds`.
    ///
    /// # Errors
    /// Identity errors as for [`Signer::sign`]; [`Error::MissingClaim`] when the scheme requires
    /// an attribute that is absent (Pendo's nonce); [`Error::InvalidClaim`] for an attribute the
    /// scheme has no claim for, a user id over the vendor's limit, extra claims that are not a
    /// JSON object or would replace a claim userhash writes, or a token over
    /// [`MAX_JWT_LEN`](crate::MAX_JWT_LEN); [`Error::MissingKeyId`] when the scheme names its key
    /// in the header and the signer has no key id; [`Error::TimestampNotApplicable`] for a
    /// scheme without a time.
    pub fn sign_with_at(
        &self,
        identity: &Identity,
        attributes: &Attributes,
        unix_seconds: u64,
    ) -> Result<String> {
        let Some(rules) = self.scheme.claim_rules() else {
            issue::check_no_attributes(self.scheme.name(), attributes)?;
            return self.sign_at(identity, unix_seconds);
        };
        if rules.layout.key_id_required && self.key_id.is_none() {
            return Err(Error::MissingKeyId {
                scheme: self.scheme.name().to_owned(),
            });
        }
        let identity = rules
            .subject
            .check_every_field(rules.scheme, Cow::Borrowed(identity))?;
        let kid = self.key_id.as_deref();
        let claims = issue::build(rules, &identity, attributes, kid, unix_seconds)?;
        Ok(jwt::encode(&self.key, kid, &claims))
    }

    /// Whether tokens carry a time: a timestamp suffix, or a JWT's `iat` and `exp`.
    fn uses_clock(&self) -> bool {
        self.scheme.is_timestamped() || self.scheme.is_jwt()
    }

    /// The one clock rule of every batch: the time all of one batch's tokens carry. `at` when
    /// given; otherwise, for schemes whose tokens carry a time, the system clock read once for
    /// the whole batch; `None` for schemes without one.
    ///
    /// # Errors
    /// [`Error::TimestampNotApplicable`] when `at` is given to a scheme whose tokens carry no
    /// time; [`Error::ClockBeforeEpoch`].
    pub fn batch_time(&self, at: Option<u64>) -> Result<Option<u64>> {
        match (self.uses_clock(), at) {
            (true, Some(at)) => Ok(Some(at)),
            (true, None) => clock::unix_now().map(Some),
            (false, Some(_)) => Err(Error::TimestampNotApplicable {
                scheme: self.scheme.name().to_owned(),
            }),
            (false, None) => Ok(None),
        }
    }

    /// Signs many identities, one result per identity, in order, using every core for large
    /// batches. A bad identity yields an error in its slot and does not stop the others.
    /// Timestamped schemes read the clock once, so the whole batch carries one timestamp
    /// ([`Signer::batch_time`]).
    pub fn sign_batch(&self, identities: &[Identity]) -> Vec<Result<String>> {
        self.sign_batch_with_threads(identities, 0)
    }

    /// [`Signer::sign_batch`] on at most `threads` threads (0: one per core; 1 signs on the
    /// calling thread).
    pub fn sign_batch_with_threads(
        &self,
        identities: &[Identity],
        threads: usize,
    ) -> Vec<Result<String>> {
        let timestamp = match self.batch_time(None) {
            Ok(timestamp) => timestamp,
            Err(error) => return identities.iter().map(|_| Err(error.clone())).collect(),
        };
        let split = Split::new(identities.len(), threads);
        let mut runs: Vec<Vec<Result<String>>> = vec![Vec::new(); split.runs().len()];
        split.run(
            &mut runs,
            |run, results| {
                results.extend(
                    identities
                        .get(run)
                        .unwrap_or_default()
                        .iter()
                        .map(|identity| {
                            let mut token = String::new();
                            self.write(identity, timestamp, &mut token).map(|()| token)
                        }),
                );
            },
            || (),
        );
        runs.into_iter().flatten().collect()
    }

    /// Signs every item of a packed batch (see [`PackedBatch`]), on every core for large
    /// batches: the bindings' bulk call. Each item is signed exactly as [`Signer::sign_at`]
    /// signs it at the batch's time ([`Signer::batch_time`] of `options.at`); an item that
    /// cannot be signed fails alone, with its error in [`BatchTokens::failures`].
    ///
    /// # Errors
    /// Only what stops the whole batch: the clock rule's errors.
    pub fn sign_packed(
        &self,
        batch: &PackedBatch<'_>,
        options: BatchOptions,
    ) -> Result<BatchTokens> {
        let timestamp = self.batch_time(options.at)?;
        let split = Split::new(batch.len(), options.max_threads);
        let starts: Vec<usize> = split.runs().iter().map(|run| run.start).collect();
        let cursors = batch.cursors(&starts);
        let mut runs: Vec<(Option<Cursor<'_>>, BatchTokens)> = cursors
            .into_iter()
            .map(|cursor| (Some(cursor), BatchTokens::default()))
            .collect();
        split.run(
            &mut runs,
            |run, (cursor, out)| {
                let Some(mut cursor) = cursor.take() else {
                    return;
                };
                out.lines.reserve(run.len() * TYPICAL_LINE_BYTES);
                let mut identity = Identity::default();
                let mut token = String::with_capacity(TYPICAL_LINE_BYTES);
                for index in run {
                    let signed = cursor
                        .read_item(&mut identity)
                        .and_then(|()| self.write(&identity, timestamp, &mut token));
                    match signed {
                        Ok(()) => out.lines.push_str(&token),
                        Err(error) => out.failures.push(BatchFailure { index, error }),
                    }
                    out.lines.push('\n');
                }
            },
            || (),
        );
        let mut all = BatchTokens::default();
        for (_, run) in runs {
            if all.lines.is_empty() {
                // The first run's buffer becomes the result: only the later runs are copied.
                all.lines = run.lines;
            } else {
                all.lines.push_str(&run.lines);
            }
            all.failures.extend(run.failures);
        }
        Ok(all)
    }

    /// Signs `identity` with an optional embedded timestamp (a JWT's issue time) into `out`.
    fn write(&self, identity: &Identity, timestamp: Option<u64>, out: &mut String) -> Result<()> {
        out.clear();
        if self.scheme.is_jwt() {
            let issued_at = timestamp.ok_or(Error::ClockBeforeEpoch)?;
            *out = self.sign_with_at(identity, &Attributes::default(), issued_at)?;
            return Ok(());
        }
        let subject = self.scheme.subject().select(self.scheme.name(), identity)?;
        if self.jwt_input_guard && jwt::is_signing_input(subject.as_slice()) {
            return Err(Error::JwtSigningInput);
        }
        let digits = timestamp.map(Decimal::new);
        let mac = self.mac(&subject, digits.as_ref().map(Decimal::as_bytes));
        write_token(self.scheme.encoding(), &mac, digits.as_ref(), out);
        Ok(())
    }

    /// The MAC over `message` as one piece (a JWT's signing input).
    pub(crate) fn mac_over(&self, message: &[u8]) -> [u8; MAC_LEN] {
        self.key.mac(&[message])
    }

    /// The MAC over the subject, followed by `-{timestamp digits}` when given.
    pub(crate) fn mac(
        &self,
        subject: &SubjectParts<'_>,
        timestamp: Option<&[u8]>,
    ) -> [u8; MAC_LEN] {
        let separator = [TIMESTAMP_SEPARATOR as u8];
        // At most two identifier parts, then the separator and the timestamp.
        let mut parts: [&[u8]; 4] = [&[]; 4];
        let mut count = 0;
        let timestamp_parts = timestamp.map(|ts| [separator.as_slice(), ts]);
        let all = subject
            .as_slice()
            .iter()
            .map(|part| part.as_bytes())
            .chain(timestamp_parts.into_iter().flatten());
        for (slot, part) in parts.iter_mut().zip(all) {
            *slot = part;
            count += 1;
        }
        self.key.mac(parts.get(..count).unwrap_or_default())
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("scheme", &self.scheme.to_string())
            .field("key", &self.fingerprint)
            .field("key_id", &self.key_id)
            .field("jwt_input_guard", &self.jwt_input_guard)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(scheme: &str, secret: &str) -> Signer {
        let scheme = Scheme::by_name(scheme).unwrap();
        let secret = Secret::for_scheme(&scheme, secret).unwrap();
        Signer::new(scheme, &secret)
    }

    #[test]
    fn jimo_worked_example() {
        let jimo = signer(
            "jimo",
            "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8",
        );
        let token = jimo.sign_at(&Identity::from_user_id("id-c5c178f6"), 1_741_761_604);
        assert_eq!(
            token.unwrap(),
            "6a403a1fcfcc866b8917e6e208a553004c54c73846bc4f3f686757e2a5ad588e-1741761604"
        );
    }

    #[test]
    fn timestamps_only_where_the_scheme_has_them() {
        let intercom = signer("intercom", "s");
        assert_eq!(
            intercom
                .sign_at(&Identity::from_user_id("1"), 5)
                .err()
                .map(|e| e.kind()),
            Some(crate::ErrorKind::TimestampNotApplicable)
        );
        let jimo = signer("jimo", "s");
        let token = jimo.sign(&Identity::from_user_id("1")).unwrap();
        assert!(
            token
                .split_once('-')
                .is_some_and(|(_, ts)| ts.parse::<u64>().is_ok())
        );
    }

    #[test]
    fn batch_keeps_order_and_isolates_errors() {
        let intercom = signer("intercom", "s");
        let ids = [
            Identity::from_user_id("1"),
            Identity::default(),
            Identity::from_user_id("2"),
        ];
        let results = intercom.sign_batch(&ids);
        assert_eq!(results[0], intercom.sign(&ids[0]));
        assert_eq!(results[1], Err(Error::Unidentified));
        assert_eq!(results[2], intercom.sign(&ids[2]));
    }

    #[test]
    fn parallel_batches_equal_sequential_signing() {
        let intercom = signer("intercom", "s");
        let mut ids: Vec<Identity> = (0..10_000)
            .map(|i| Identity::from_user_id(format!("user-{i}")))
            .collect();
        ids[5_000] = Identity::default();
        let sequential: Vec<_> = ids.iter().map(|id| intercom.sign(id)).collect();
        for threads in [1, 2, 3, 8] {
            assert_eq!(
                intercom.sign_batch_with_threads(&ids, threads),
                sequential,
                "{threads}"
            );
        }
    }

    #[test]
    fn sign_into_reuses_the_buffer() {
        let intercom = signer("intercom", "s");
        let mut token = String::from("stale contents");
        intercom
            .sign_into(&Identity::from_user_id("1"), &mut token)
            .unwrap();
        assert_eq!(token, intercom.sign(&Identity::from_user_id("1")).unwrap());
        assert!(
            intercom
                .sign_into(&Identity::default(), &mut token)
                .is_err()
        );
        assert!(token.is_empty(), "left empty on error");
    }

    #[test]
    fn the_jwt_input_guard_refuses_what_would_forge_a_jwt() {
        use base64::Engine as _;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let shared = "one-secret-for-hash-and-jwt";
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = URL_SAFE_NO_PAD.encode(r#"{"exp":4600,"iat":1000,"user_id":"victim"}"#);
        let signing_input = format!("{header}.{claims}");
        let attacker = Identity::from_user_id(signing_input.clone());

        // The attack, without the guard: the hash is the JWT's signature.
        let hash = signer("intercom", shared).sign(&attacker).unwrap();
        let forged = format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(hex::decode(&hash).unwrap())
        );
        let jwt = Scheme::by_name("intercom-jwt").unwrap();
        let keyring = crate::Keyring::new(jwt).with_key("web", shared).unwrap();
        let verifier = crate::Verifier::new(keyring).unwrap();
        assert!(
            verifier
                .verify_at(&Identity::from_user_id("victim"), &forged, 1_060)
                .is_ok(),
            "the forgery this guard exists for"
        );

        let guarded = signer("intercom", shared).with_jwt_input_guard();
        assert!(guarded.has_jwt_input_guard());
        assert_eq!(guarded.sign(&attacker), Err(Error::JwtSigningInput));
        // Split across user_id and email for a concatenating scheme.
        let split = Identity::new(Some(header.clone()), Some(format!(".{claims}")));
        assert_eq!(
            signer("helpshift", shared)
                .with_jwt_input_guard()
                .sign(&split),
            Err(Error::JwtSigningInput)
        );
        assert_eq!(
            guarded.sign_batch(std::slice::from_ref(&attacker)),
            vec![Err(Error::JwtSigningInput)]
        );
        // Ordinary identifiers sign as before.
        for id in ["john.doe", "ada@example.com", "42"] {
            let identity = Identity::from_user_id(id);
            assert_eq!(
                guarded.sign(&identity),
                signer("intercom", shared).sign(&identity)
            );
        }
    }

    #[test]
    fn debug_shows_the_fingerprint_not_the_key() {
        let shown = format!("{:?}", signer("intercom", "hunter2hunter2"));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("intercom"), "{shown}");
    }
}
