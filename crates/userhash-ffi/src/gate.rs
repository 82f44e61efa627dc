//! The rollout gate: allow or deny each request under off, report or enforce.

use std::sync::Arc;

use userhash::{
    Decision as CoreDecision, Enforcement as CoreEnforcement, Gate as CoreGate,
    Outcome as CoreOutcome,
};

use crate::error::{ErrorCode, code_and_message};
use crate::lane::generated_call;
use crate::mirror::mirror_enum;
use crate::{Identity, Result, Verifier};

mirror_enum! {
    /// How strictly the gate acts on failed verification. Roll out Off → Report → Enforce.
    pub enum Enforcement mirrors CoreEnforcement {
        /// Verification does not run; every request is allowed.
        Off,
        /// Verification runs and is reported, but every request is allowed.
        Report,
        /// Requests with a missing or invalid token are denied.
        Enforce,
    }
}

mirror_enum! {
    /// What the gate found.
    pub enum Outcome mirrors CoreOutcome {
        /// The token is genuine for this identity.
        Verified,
        /// An identified user sent no token.
        Missing,
        /// The token did not verify (a token sent without an identity too, unless the scheme
        /// is a JWT whose verified claims name the user).
        Invalid,
        /// Neither user id nor email, and no token: an anonymous visitor, verification does not
        /// apply.
        Unidentified,
        /// Enforcement is off; nothing was checked.
        NotChecked,
    }
}

/// The gate's answer for one request.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Decision {
    /// Whether to let the request through.
    pub allowed: bool,
    /// What verification found.
    pub outcome: Outcome,
    /// The mode the decision was made under.
    pub enforcement: Enforcement,
    /// The label of the key that verified the token, when verified.
    pub label: Option<String>,
    /// Why the token was rejected, when invalid.
    pub error_code: Option<ErrorCode>,
    /// The rejection in plain words, when invalid.
    pub error_message: Option<String>,
    /// True when enforcement would deny this request: the count to watch in report mode.
    pub would_deny_when_enforced: bool,
    /// The user the request is from, read from a JWT's verified claims, when the caller gave no
    /// identity beside the token; absent when the caller's own identity was verified.
    pub claimed_identity: Option<Identity>,
}

impl From<CoreDecision> for Decision {
    fn from(decision: CoreDecision) -> Decision {
        let would_deny_when_enforced = decision.would_deny_when_enforced();
        let (error_code, error_message) = decision.error.as_ref().map(code_and_message).unzip();
        Decision {
            allowed: decision.allowed,
            outcome: decision.outcome.into(),
            enforcement: decision.enforcement.into(),
            label: decision.label,
            error_code,
            error_message,
            would_deny_when_enforced,
            claimed_identity: decision.claimed_identity.map(Into::into),
        }
    }
}

/// A verifier with an enforcement mode, deciding on requests.
#[derive(Debug, uniffi::Object)]
pub struct Gate {
    inner: CoreGate,
}

#[uniffi::export]
impl Gate {
    /// A gate over `verifier` acting under `enforcement`.
    #[uniffi::constructor]
    pub fn new(verifier: Arc<Verifier>, enforcement: Enforcement) -> Result<Arc<Gate>> {
        generated_call();
        Ok(Arc::new(Gate {
            inner: CoreGate::new(verifier.inner.clone(), enforcement.into()),
        }))
    }

    /// Decides on a request now. An absent or empty token counts as missing. A token is always
    /// verified, even without an identity: then a hash is invalid, and a JWT names its user in
    /// `claimed_identity`. With `label`
    /// (the platform the request claims to come from, e.g. `ios`) the token must have been made
    /// with that platform's key.
    #[uniffi::method(default(token = None, label = None))]
    pub fn check(
        &self,
        identity: Identity,
        token: Option<String>,
        label: Option<String>,
    ) -> Result<Decision> {
        generated_call();
        Ok(self.decide(&identity.into(), token.as_deref(), label.as_deref(), None))
    }

    /// [`Gate::check`] at the time `now` (Unix seconds).
    #[uniffi::method(default(label = None))]
    pub fn check_at(
        &self,
        identity: Identity,
        token: Option<String>,
        now: u64,
        label: Option<String>,
    ) -> Result<Decision> {
        generated_call();
        Ok(self.decide(
            &identity.into(),
            token.as_deref(),
            label.as_deref(),
            Some(now),
        ))
    }

    /// The enforcement mode.
    pub fn enforcement(&self) -> Result<Enforcement> {
        generated_call();
        Ok(self.inner.enforcement().into())
    }
}

impl Gate {
    /// The decision of `check` (`now: None`, the clock) or `check_at`: the one place both the
    /// generated export and the fast lane ask the core.
    pub(crate) fn decide(
        &self,
        identity: &userhash::Identity,
        token: Option<&str>,
        label: Option<&str>,
        now: Option<u64>,
    ) -> Decision {
        let decision = match (label, now) {
            (Some(label), Some(now)) => self.inner.check_label_at(label, identity, token, now),
            (Some(label), None) => self.inner.check_label(label, identity, token),
            (None, Some(now)) => self.inner.check_at(identity, token, now),
            (None, None) => self.inner.check(identity, token),
        };
        decision.into()
    }
}
