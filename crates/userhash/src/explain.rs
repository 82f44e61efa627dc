//! Why a token was rejected: the vendors' troubleshooting pages, made executable.
//!
//! [`Verifier::explain_at`] verifies the token, and for a rejected one names the known mistakes
//! that reproduce it: a hash is searched for (`search.rs`), a JWT is read (`jwt.rs`). The causes,
//! their fixes and their wording are one catalogue (`cause.rs`).

use crate::clock;
use crate::error::{Error, Result};
use crate::identity::Identity;
use crate::parts::Subject;
use crate::verifier::Verifier;

mod cause;
mod finding;
mod jwt;
mod search;

pub use cause::Cause;
pub use finding::Finding;

use finding::{Facts, ShownBy};

/// The answer of [`Verifier::explain_at`]: valid under a key, or rejected for a reason — never
/// both, never neither — with the known mistakes behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Diagnosis {
    /// The token verifies (under the expected label, when one was given).
    #[non_exhaustive]
    Valid {
        /// The label of the key that verified it.
        label: String,
        /// Empty, except [`Cause::AmbiguousConcatenation`] under a scheme that joins user id and
        /// email with no separator.
        findings: Vec<Finding>,
    },
    /// Verification rejected the token.
    #[non_exhaustive]
    Rejected {
        /// Why ([`Error::is_rejection`] holds for it).
        rejection: Error,
        /// The mistakes that reproduce the token, most likely first. Empty when no known
        /// mistake reproduces it (then the secret itself is probably wrong).
        findings: Vec<Finding>,
    },
}

impl Diagnosis {
    /// Whether the token verifies.
    pub fn is_valid(&self) -> bool {
        matches!(self, Diagnosis::Valid { .. })
    }

    /// The label of the key that verified the token, when valid.
    pub fn label(&self) -> Option<&str> {
        match self {
            Diagnosis::Valid { label, .. } => Some(label),
            Diagnosis::Rejected { .. } => None,
        }
    }

    /// Why verification rejected the token, when rejected.
    pub fn rejection(&self) -> Option<&Error> {
        match self {
            Diagnosis::Valid { .. } => None,
            Diagnosis::Rejected { rejection, .. } => Some(rejection),
        }
    }

    /// The findings, most likely first (see the variants).
    pub fn findings(&self) -> &[Finding] {
        match self {
            Diagnosis::Valid { findings, .. } | Diagnosis::Rejected { findings, .. } => findings,
        }
    }

    /// Why verification rejected the token, in words that fit a diagnosis (the rejection's
    /// message, except that Mismatch's pointer to `explain` is left out: this is it).
    pub fn reason(&self) -> Option<String> {
        self.rejection().map(|rejection| match rejection {
            Error::Mismatch => {
                "the token does not match this identity under any key tried".to_owned()
            }
            other => other.to_string(),
        })
    }

    /// A one-paragraph summary: the verdict and the most likely cause with its fix.
    pub fn summary(&self) -> String {
        let first = self.findings().first();
        match self {
            Diagnosis::Valid { label, .. } => {
                let valid = format!("The token is valid (key {label}).");
                match first {
                    Some(note) => format!("{valid} But: {} Fix: {}", note.explanation, note.fix),
                    None => valid,
                }
            }
            Diagnosis::Rejected { .. } => {
                let rejection = self.reason().unwrap_or_default();
                match first {
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
        self.explain_at(identity, token, expected_label, clock::unix_now()?)
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
    /// use userhash::{Cause, Identity, Keyring, Scheme, Verifier};
    ///
    /// let scheme = Scheme::by_name("intercom")?;
    /// let keyring = Keyring::new(scheme).with_key("web", "s3cret")?;
    /// let verifier = Verifier::new(keyring.clone())?;
    ///
    /// // The client sends both fields but its server hashed the email.
    /// let hashed_email = keyring.signer("web")?.sign(&Identity::from_email("ada@example.com"))?;
    /// let sent = Identity::from_user_id("42").with_email("ada@example.com");
    /// let diagnosis = verifier.explain_at(&sent, &hashed_email, None, 0)?;
    /// assert!(!diagnosis.is_valid());
    /// assert_eq!(diagnosis.findings()[0].cause, Cause::EmailInsteadOfUserId);
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
                return Ok(Diagnosis::Valid {
                    label: verified.label,
                    findings,
                });
            }
            Err(error) if error.is_rejection() => error,
            Err(error) => return Err(error),
        };
        let findings = if self.scheme().is_jwt() {
            jwt::findings(self, identity, token, expected_label, now)
        } else {
            search::findings(self, identity, token, expected_label, now)
        };
        Ok(Diagnosis::Rejected {
            rejection,
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
        let facts = Facts {
            scheme: scheme.name(),
            label,
            chars: id + email,
            splits: id + email,
            user_id_chars: id,
            ..Facts::default()
        };
        Some(Cause::AmbiguousConcatenation.finding(ShownBy::Hash, &facts))
    }
}
