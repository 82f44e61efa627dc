//! The rollout gate: a verifier plus an enforcement mode, turning each request into an allow or
//! deny decision, the way vendors describe migrating already-released apps.

use crate::error::Error;
use crate::identity::Identity;
use crate::verifier::Verifier;

/// How strictly the gate acts on failed verification.
///
/// The documented rollout is `Off` → `Report` → `Enforce`: ship clients that send hashes, watch
/// the report counts until old app versions have faded, then enforce. Going back is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Enforcement {
    /// Verification does not run; every request is allowed.
    Off,
    /// Verification runs and its outcome is reported, but every request is allowed.
    Report,
    /// Requests whose token is missing or invalid are denied.
    Enforce,
}

/// What the gate found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The token is genuine for this identity.
    Verified,
    /// An identified user sent no token.
    Missing,
    /// The token (or the identity it came with) did not verify. A token sent without an identity
    /// is invalid too, unless the scheme is a JWT whose verified claims name the user.
    Invalid,
    /// Neither a user id nor an email, and no token: an anonymous visitor, to whom verification
    /// does not apply.
    Unidentified,
    /// Enforcement is off, so nothing was checked.
    NotChecked,
}

impl Enforcement {
    /// Every variant, in declaration order.
    pub const ALL: [Enforcement; 3] = [Enforcement::Off, Enforcement::Report, Enforcement::Enforce];
}

impl Outcome {
    /// Every variant, in declaration order.
    pub const ALL: [Outcome; 5] = [
        Outcome::Verified,
        Outcome::Missing,
        Outcome::Invalid,
        Outcome::Unidentified,
        Outcome::NotChecked,
    ];
}

/// The gate's answer for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decision {
    /// Whether to let the request through.
    pub allowed: bool,
    /// What verification found.
    pub outcome: Outcome,
    /// The mode the decision was made under.
    pub enforcement: Enforcement,
    /// The label of the key that verified the token, when [`Outcome::Verified`].
    pub label: Option<String>,
    /// Why the token was rejected, when [`Outcome::Invalid`].
    pub error: Option<Error>,
    /// The user the request is from, read from a JWT's verified claims, when the caller gave no
    /// identity beside the token (see [`Verified::claimed_identity`](crate::Verified)); `None`
    /// when the caller's own identity was verified.
    pub claimed_identity: Option<Identity>,
}

impl Decision {
    /// True when this request would be denied under [`Enforcement::Enforce`]: the number to watch
    /// in report mode before switching enforcement on.
    pub fn would_deny_when_enforced(&self) -> bool {
        matches!(self.outcome, Outcome::Missing | Outcome::Invalid)
    }
}

/// A verifier with an enforcement mode.
///
/// ```
/// use userhash::{Enforcement, Gate, Identity, Keyring, Outcome, Scheme, Verifier};
///
/// let scheme = Scheme::by_name("intercom")?;
/// let keyring = Keyring::new(scheme).with_key("web", "s3cret")?;
/// let gate = Gate::new(Verifier::new(keyring)?, Enforcement::Report);
///
/// let decision = gate.check(&Identity::from_user_id("42"), None);
/// assert!(decision.allowed);                       // report mode lets it through...
/// assert_eq!(decision.outcome, Outcome::Missing);  // ...and says what enforcement would do
/// assert!(decision.would_deny_when_enforced());
/// assert!(gate.check(&Identity::default(), None).allowed); // anonymous visitors pass
///
/// // A token without an identity is never let through unverified: a hash names no user.
/// let forged = gate.check(&Identity::default(), Some(&"0".repeat(64)));
/// assert_eq!(forged.outcome, Outcome::Invalid);
/// assert!(forged.would_deny_when_enforced());
/// # Ok::<(), userhash::Error>(())
/// ```
///
/// The rule, in every mode but [`Enforcement::Off`]: a request that carries a token is decided
/// by verifying it, whatever identity came with it. With no identity, a hash scheme cannot verify
/// (the decision is [`Outcome::Invalid`], with [`Error::Unidentified`]); a JWT scheme verifies the
/// token and takes the user from its claims ([`Decision::claimed_identity`]). Only a request with
/// neither an identity nor a token is [`Outcome::Unidentified`], and allowed.
#[derive(Debug, Clone)]
pub struct Gate {
    verifier: Verifier,
    enforcement: Enforcement,
}

impl Gate {
    /// A gate acting under `enforcement`.
    pub fn new(verifier: Verifier, enforcement: Enforcement) -> Gate {
        Gate {
            verifier,
            enforcement,
        }
    }

    /// The verifier behind the gate.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The enforcement mode.
    pub fn enforcement(&self) -> Enforcement {
        self.enforcement
    }

    /// Decides on a request, reading the system clock for timestamped schemes. An absent or
    /// empty token counts as missing.
    pub fn check(&self, identity: &Identity, token: Option<&str>) -> Decision {
        self.decide(identity, token, |token| {
            self.verifier.verify(identity, token)
        })
    }

    /// Decides on a request at the time `now` (Unix seconds).
    pub fn check_at(&self, identity: &Identity, token: Option<&str>, now: u64) -> Decision {
        self.decide(identity, token, |token| {
            self.verifier.verify_at(identity, token, now)
        })
    }

    /// Decides on a request that claims to come from the platform `label` (e.g. `ios`), whose
    /// token must have been made with that platform's key, reading the system clock for
    /// timestamped schemes.
    pub fn check_label(&self, label: &str, identity: &Identity, token: Option<&str>) -> Decision {
        self.decide(identity, token, |token| {
            self.verifier.verify_label(label, identity, token)
        })
    }

    /// [`Gate::check_label`] at the time `now`.
    pub fn check_label_at(
        &self,
        label: &str,
        identity: &Identity,
        token: Option<&str>,
        now: u64,
    ) -> Decision {
        self.decide(identity, token, |token| {
            self.verifier.verify_label_at(label, identity, token, now)
        })
    }

    fn decide(
        &self,
        identity: &Identity,
        token: Option<&str>,
        verify: impl FnOnce(&str) -> Result<crate::Verified, Error>,
    ) -> Decision {
        let mut claimed_identity = None;
        let (outcome, label, error) = if self.enforcement == Enforcement::Off {
            (Outcome::NotChecked, None, None)
        } else {
            // The token decides, never the identity alone: an anonymous-looking request that
            // carries a token is verified like any other (and a hash without an identity fails).
            match token.filter(|token| !token.is_empty()) {
                None if identity.is_unidentified() => (Outcome::Unidentified, None, None),
                None => (Outcome::Missing, None, None),
                Some(token) => match verify(token) {
                    Ok(verified) => {
                        claimed_identity = verified.claimed_identity;
                        (Outcome::Verified, Some(verified.label), None)
                    }
                    Err(error) => (Outcome::Invalid, None, Some(error)),
                },
            }
        };
        let denied = self.enforcement == Enforcement::Enforce
            && matches!(outcome, Outcome::Missing | Outcome::Invalid);
        Decision {
            allowed: !denied,
            outcome,
            enforcement: self.enforcement,
            label,
            error,
            claimed_identity,
        }
    }
}
