//! The fast lane: the project's own small, versioned native interface for the hot calls —
//! sign, the packed batch, verify, the gate check and the payload — beside uniffi's generated
//! one.
//!
//! Why it exists: a generated uniffi call converts every argument and result one value at a time
//! in the foreign language (tens of microseconds through Kotlin's JNA, several in Python), where
//! the HMAC takes a fraction of one. The hot calls of a server (every request signs, verifies or
//! passes the gate) go through this lane instead; everything else stays generated.
//!
//! What it owns, so that no language reads uniffi's private internals:
//! - **Handles**: `lane_handle()`, a uniffi method of `Signer`, `Verifier`, `Gate` and
//!   `PayloadSigner` (one generated call per object, once), returns a handle to the same Rust
//!   object that this lane owns; `userhash_lane_release` frees it. The handle names its kind, and a call given a handle of another
//!   kind fails with a code instead of reading the wrong object.
//! - **Results as text** (protocol version [`LANE_VERSION`]): every call answers one UTF-8 text.
//!   A failure is `!<code> <message>`, with the stable snake_case code of every binding's error
//!   type (`error_code_name`) and a message without secrets; each language raises its usual
//!   typed error from it, in one place. Successes never start with `!`:
//!   - sign: the token;
//!   - verify: `label \n fingerprint \n timestamp \n claimed \n`, then the fields claimed user
//!     id, claimed email and claims;
//!   - gate check: `allowed \n would_deny \n outcome \n enforcement \n label \n error_code \n
//!     claimed \n`, then the fields claimed user id, claimed email and error message;
//!
//!   where a line is plain ASCII (booleans and `claimed` are `0`/`1`, enum values their
//!   snake_case name, an empty line none), and a *field* is text that may hold anything (a
//!   user id from a JWT's claims, JSON, an echoed key id): `-\n` for none, or its UTF-8 byte
//!   length in decimal, `\n`, and the bytes;
//!   - payload: `complete \n count \n`, then the fields JSON (what `Payload::to_json` returns)
//!     and platform, then per vendor, in the config's order, the fields vendor, scheme, payload
//!     key, token, user id, email, error code and error message (each entry's `PayloadEntry`);
//!   - the unknown-vendor error of a payload signer's payloads: always a failure;
//!   - packed batch: the core's token lines, one per item, then `!<index> <code> <message>` per
//!     failed item (no newline in the message);
//!   - Arrow columns (version 3): an empty text; the tokens, and each failed row's code, are
//!     Arrow string columns written through the C data interface (`lane/arrow.rs`).
//!
//! No rule lives here: every call goes to the same core method the generated export calls, and
//! the gate's decision is the generated `Decision`'s fields, encoded.
//!
//! The C symbols are in `lane/abi.rs`; the JVM reaches the same operations through `jni.rs`.

pub(crate) mod abi;
pub(crate) mod arrow;

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use userhash::{BatchFields, BatchOptions, BatchTokens, Error as CoreError, Field, PackedBatch};
use userhash_config::{ConfigError, PayloadOptions};

use crate::{
    Decision, Enforcement, ErrorCode, Gate, Outcome, PayloadEntry, PayloadSigner, Signer, Verifier,
};

/// The version of the lane's symbols and texts; a binding checks it once when it loads and
/// refuses a library of any other version (each binding ships with its own library, so a
/// mismatch is a stale copy, never a supported combination).
///
/// Every change to the lane — a new call, a changed text, argument or JNI signature — takes the
/// next number and a line below, in the commit that makes it, with the bindings' constants
/// (`_lane.py`, `Lane.kt`, `UserHash+Lane.swift`). Two branches that each add a call both
/// write the next number: the one that lands second meets the conflict on this line when it
/// rebases, and takes the number after.
///
/// 1. sign, the packed batch (lengths and lines layouts; its bytes are
///    testdata/vectors/packed/lane-v1.json), the batch time, verify, the gate check.
/// 2. the payload (`userhash_lane_payload`, JNI `Lane.payload`) and its unknown-vendor error;
///    a small call's answer that holds a NUL is `?`, fetched whole with `userhash_lane_answer`.
/// 3. Arrow string columns through the Arrow C data interface (`userhash_lane_sign_arrow`,
///    `lane/arrow.rs`).
/// 4. JNI: a string argument comes with its length, and a small call writes its answer into the
///    caller's array and returns its length (`Lane.pending` fetches one that did not fit).
pub const LANE_VERSION: u32 = 4;

/// Marks a failure: the first byte of a failed call's text, and of each failure line of a batch.
const FAILURE_MARK: char = '!';

/// Calls into uniffi's generated exports of the lane's objects since the library loaded: every
/// such export counts itself (see [`generated_call`]). The languages' guard tests read it
/// around a hot call, which must add nothing.
static GENERATED_CALLS: AtomicU64 = AtomicU64::new(0);

/// Counts one call of a generated export; the first statement of each export of the objects
/// the lane serves.
pub(crate) fn generated_call() {
    GENERATED_CALLS.fetch_add(1, Ordering::Relaxed);
}

/// The number of generated calls counted so far.
pub(crate) fn generated_calls() -> u64 {
    GENERATED_CALLS.load(Ordering::Relaxed)
}

/// What a lane handle holds: one of the objects whose hot calls the lane serves.
pub(crate) enum Held {
    /// A signer: `sign`, the packed batch, the batch's time.
    Signer(Arc<Signer>),
    /// A verifier: `verify`.
    Verifier(Arc<Verifier>),
    /// A gate: `check`.
    Gate(Arc<Gate>),
    /// A payload signer: `payload`, and the error of a vendor its payloads lack.
    Payload(Arc<PayloadSigner>),
}

/// A new lane handle holding `held`: the address of a box the lane owns until [`release`].
pub(crate) fn handle(held: Held) -> u64 {
    Box::into_raw(Box::new(held)) as usize as u64
}

/// A batch call's outcome before it is written as text: the success text, or a failure.
pub(crate) type Answer = Result<String, Failure>;

/// A small call's outcome: its success text written into the buffer it was given (emptied
/// first), or a failure.
pub(crate) type Written = Result<(), Failure>;

/// A failed call: the stable code and a message (never a secret or a whole token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    code: &'static str,
    message: String,
}

impl From<CoreError> for Failure {
    fn from(error: CoreError) -> Failure {
        Failure {
            code: error.kind().code(),
            message: error.to_string(),
        }
    }
}

impl From<ConfigError> for Failure {
    fn from(error: ConfigError) -> Failure {
        Failure {
            code: ErrorCode::from(error.kind()).name(),
            message: error.to_string(),
        }
    }
}

impl Failure {
    /// The failure of a call that panicked (a bug): nothing unwinds across the boundary.
    pub(crate) fn panicked() -> Failure {
        Failure {
            code: "panic",
            message: "internal error: the lane panicked".to_owned(),
        }
    }

    /// A failure with a code of the lane's own making (a wrong handle kind).
    fn lane(message: &str) -> Failure {
        Failure {
            code: "lane_misuse",
            message: message.to_owned(),
        }
    }

    /// The failure of a text argument that is not UTF-8 (or, from the JVM, holds a lone
    /// surrogate).
    pub(crate) fn not_utf8(what: &str) -> Failure {
        Failure {
            code: "not_utf8",
            message: format!("the {what} is not valid UTF-8 text"),
        }
    }

    /// The failure of batch buffers that cannot be read.
    pub(crate) fn malformed(why: &str) -> Failure {
        CoreError::MalformedBatch {
            reason: why.to_owned(),
        }
        .into()
    }

    /// `!<code> <message>`, the text of a failed call.
    pub(crate) fn text(&self) -> String {
        format!("{FAILURE_MARK}{} {}", self.code, self.message)
    }
}

/// The text of a batch call's answer.
pub(crate) fn text(answer: Answer) -> String {
    answer.unwrap_or_else(|failure| failure.text())
}

/// Runs a small call with `out` as its buffer: `out` then holds the answer's text, the success
/// text the call wrote or the failure's `!<code> <message>`. The buffer is the caller's to
/// reuse, so a call allocates nothing for its answer once the buffer has grown to fit.
pub(crate) fn write(out: &mut String, call: impl FnOnce(&mut String) -> Written) {
    out.clear();
    if let Err(failure) = call(out) {
        out.clear();
        out.push(FAILURE_MARK);
        out.push_str(failure.code);
        out.push(' ');
        out.push_str(&failure.message);
    }
}

/// A text argument: absent (`None`), or bytes that must be UTF-8.
pub(crate) fn utf8<'a>(bytes: Option<&'a [u8]>, what: &str) -> Result<Option<&'a str>, Failure> {
    bytes
        .map(|bytes| std::str::from_utf8(bytes).map_err(|_| Failure::not_utf8(what)))
        .transpose()
}

/// An identity from two optional UTF-8 fields.
pub(crate) fn identity(
    user_id: Option<&[u8]>,
    email: Option<&[u8]>,
) -> Result<userhash::Identity, Failure> {
    let field = |bytes: Option<&[u8]>, field: Field| -> Result<Option<String>, Failure> {
        bytes
            .map(|bytes| {
                std::str::from_utf8(bytes)
                    .map(str::to_owned)
                    .map_err(|_| CoreError::NotUtf8 { field }.into())
            })
            .transpose()
    };
    Ok(userhash::Identity::new(
        field(user_id, Field::UserId)?,
        field(email, Field::Email)?,
    ))
}

impl Held {
    fn signer(&self) -> Result<&Signer, Failure> {
        match self {
            Held::Signer(signer) => Ok(signer),
            _ => Err(Failure::lane("the handle is not a signer's")),
        }
    }

    fn verifier(&self) -> Result<&Verifier, Failure> {
        match self {
            Held::Verifier(verifier) => Ok(verifier),
            _ => Err(Failure::lane("the handle is not a verifier's")),
        }
    }

    fn gate(&self) -> Result<&Gate, Failure> {
        match self {
            Held::Gate(gate) => Ok(gate),
            _ => Err(Failure::lane("the handle is not a gate's")),
        }
    }

    fn payload_signer(&self) -> Result<&PayloadSigner, Failure> {
        match self {
            Held::Payload(signer) => Ok(signer),
            _ => Err(Failure::lane("the handle is not a payload signer's")),
        }
    }

    /// The token for `identity`, as the generated `Signer::sign` returns it.
    pub(crate) fn sign(&self, identity: &userhash::Identity, out: &mut String) -> Written {
        Ok(self.signer()?.inner.sign_into(identity, out)?)
    }

    /// The time every token of one batch carries (the core's clock rule): decimal seconds, or
    /// empty for a scheme whose tokens carry none.
    pub(crate) fn batch_time(&self, out: &mut String) -> Written {
        if let Some(time) = self.signer()?.inner.batch_time(None)? {
            push_number(out, time);
        }
        Ok(())
    }

    /// Verifies as the generated `Verifier::verify` (`now: None`) or `verify_at` does.
    pub(crate) fn verify(
        &self,
        identity: &userhash::Identity,
        token: &str,
        label: Option<&str>,
        now: Option<u64>,
        out: &mut String,
    ) -> Written {
        let verified = self.verifier()?.verified(identity, token, label, now)?;
        // Every field, by name. `Verified` is non-exhaustive outside the core, so the core's
        // surface test is what fails when a field is added, pointing here: the lane carries it
        // (and the protocol's version moves).
        let crate::Verified {
            label,
            fingerprint,
            timestamp,
            claims,
            claimed_identity,
        } = verified.into();
        push_line(out, &label);
        push_line(out, &fingerprint);
        if let Some(timestamp) = timestamp {
            push_number(out, timestamp);
        }
        out.push('\n');
        push_identity(
            out,
            claimed_identity
                .as_ref()
                .map(|who| (who.user_id.as_deref(), who.email.as_deref())),
        );
        push_field(out, claims.as_deref());
        Ok(())
    }

    /// The gate's decision, as the generated `Gate::check` (`now: None`) or `check_at` makes it.
    pub(crate) fn check(
        &self,
        identity: &userhash::Identity,
        token: Option<&str>,
        label: Option<&str>,
        now: Option<u64>,
        out: &mut String,
    ) -> Written {
        let decision = self.gate()?.decide(identity, token, label, now);
        // Every field, by name: a field added to `Decision` fails this build until the lane
        // carries it (and the protocol's version moves).
        let Decision {
            allowed,
            outcome,
            enforcement,
            label,
            error_code,
            error_message,
            would_deny_when_enforced,
            claimed_identity,
        } = decision;
        for line in [
            if allowed { "1" } else { "0" },
            if would_deny_when_enforced { "1" } else { "0" },
            outcome_name(outcome),
            enforcement_name(enforcement),
            label.as_deref().unwrap_or_default(),
            error_code.map_or("", ErrorCode::name),
        ] {
            push_line(out, line);
        }
        push_identity(
            out,
            claimed_identity
                .as_ref()
                .map(|who| (who.user_id.as_deref(), who.email.as_deref())),
        );
        push_field(out, error_message.as_deref());
        Ok(())
    }

    /// The payload, as the generated `PayloadSigner::payload` makes it (its `Payload`'s JSON and
    /// entries, written out).
    pub(crate) fn payload(
        &self,
        identity: &userhash::Identity,
        platform: &str,
        options: &PayloadOptions,
        text: &mut String,
    ) -> Written {
        let payload = self
            .payload_signer()?
            .inner
            .payload(identity, platform, options)?;
        let json = payload.to_json();
        push_line(text, if payload.is_complete() { "1" } else { "0" });
        push_number(text, payload.entries().len() as u64);
        text.push('\n');
        push_field(text, Some(&json));
        push_field(text, Some(payload.platform()));
        for entry in payload.entries() {
            // Every field of the generated record, by name: a field added to `PayloadEntry`
            // fails this build until the lane carries it (and the protocol's version moves).
            let PayloadEntry {
                vendor,
                scheme,
                payload_key,
                token,
                user_id,
                email,
                error_code,
                error_message,
            } = PayloadEntry::from(entry);
            for field in [
                Some(vendor),
                Some(scheme),
                Some(payload_key),
                token,
                user_id,
                email,
            ] {
                push_field(text, field.as_deref());
            }
            push_field(text, error_code.map(ErrorCode::name));
            push_field(text, error_message.as_deref());
        }
        Ok(())
    }

    /// The failure `payload.entry(vendor)` raises on this signer's payloads, which lack `vendor`
    /// (the lookup itself is the binding's, over the payload's entries).
    pub(crate) fn payload_unknown_vendor(&self, vendor: &str) -> Written {
        Err(self.payload_signer()?.inner.unknown_vendor(vendor).into())
    }

    /// Signs a packed batch at the batch's one time (`at`, or the clock read once): its
    /// tokens and failed items.
    pub(crate) fn sign_batch(
        &self,
        batch: Result<PackedBatch<'_>, CoreError>,
        max_threads: u32,
        at: Option<u64>,
    ) -> Result<BatchTokens, Failure> {
        let signer = &self.signer()?.inner;
        let options = BatchOptions::new(usize::try_from(max_threads).unwrap_or(0), at);
        Ok(signer.sign_packed(&batch?, options)?)
    }

    /// [`Held::sign_batch`], answered as the packed batch's text.
    pub(crate) fn sign_packed(
        &self,
        batch: Result<PackedBatch<'_>, CoreError>,
        max_threads: u32,
        at: Option<u64>,
    ) -> Answer {
        Ok(packed_text(self.sign_batch(batch, max_threads, at)?))
    }
}

/// Appends a line: the text and `\n`.
fn push_line(text: &mut String, line: &str) {
    text.push_str(line);
    text.push('\n');
}

/// Appends a number in decimal, without the formatting machinery (a hot call's answer holds
/// one or two).
fn push_number(text: &mut String, mut number: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (number % 10) as u8;
        number /= 10;
        if number == 0 {
            break;
        }
    }
    for &digit in &digits[at..] {
        text.push(char::from(digit));
    }
}

/// Appends a field: `-\n` for none, else the UTF-8 byte length, `\n`, and the text.
fn push_field(text: &mut String, value: Option<&str>) {
    match value {
        None => text.push_str("-\n"),
        Some(value) => {
            push_number(text, value.len() as u64);
            text.push('\n');
            text.push_str(value);
        }
    }
}

/// Appends an optional identity: the line `0` (none) or `1`, then its user id and email fields.
fn push_identity(text: &mut String, identity: Option<(Option<&str>, Option<&str>)>) {
    let (claimed, user_id, email) = match identity {
        Some((user_id, email)) => ('1', user_id, email),
        None => ('0', None, None),
    };
    text.push(claimed);
    text.push('\n');
    push_field(text, user_id);
    push_field(text, email);
}

/// The fields of a batch from their wire code.
pub(crate) fn batch_fields(code: u32) -> Result<BatchFields, CoreError> {
    BatchFields::from_code(code).ok_or_else(|| CoreError::MalformedBatch {
        reason: format!("{code} names no fields (0 user id, 1 email, 2 both)"),
    })
}

/// A signed batch as text: its token lines, then one `!<index> <code> <message>` line per
/// failed item.
pub(crate) fn packed_text(tokens: BatchTokens) -> String {
    let BatchTokens {
        lines: mut text,
        failures,
        ..
    } = tokens;
    for failure in failures {
        let message = failure.error.to_string().replace(['\n', '\r'], " ");
        // Writing to a String cannot fail.
        let _ = writeln!(
            text,
            "{FAILURE_MARK}{} {} {message}",
            failure.index,
            failure.error.kind().code()
        );
    }
    text
}

/// An outcome's snake_case name, as the lane's texts spell it.
fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Verified => "verified",
        Outcome::Missing => "missing",
        Outcome::Invalid => "invalid",
        Outcome::Unidentified => "unidentified",
        Outcome::NotChecked => "not_checked",
    }
}

/// An enforcement mode's snake_case name, as the lane's texts spell it.
fn enforcement_name(enforcement: Enforcement) -> &'static str {
    match enforcement {
        Enforcement::Off => "off",
        Enforcement::Report => "report",
        Enforcement::Enforce => "enforce",
    }
}

#[uniffi::export]
impl Signer {
    /// A handle to this signer for the fast lane (crates/userhash-ffi/src/lane.rs), which owns it
    /// until the binding releases it. For the bindings' own fast paths; not for applications.
    pub fn lane_handle(self: Arc<Self>) -> crate::Result<u64> {
        generated_call();
        Ok(handle(Held::Signer(self)))
    }
}

#[uniffi::export]
impl Verifier {
    /// A handle to this verifier for the fast lane; see `Signer::lane_handle`.
    pub fn lane_handle(self: Arc<Self>) -> crate::Result<u64> {
        generated_call();
        Ok(handle(Held::Verifier(self)))
    }
}

#[uniffi::export]
impl Gate {
    /// A handle to this gate for the fast lane; see `Signer::lane_handle`.
    pub fn lane_handle(self: Arc<Self>) -> crate::Result<u64> {
        generated_call();
        Ok(handle(Held::Gate(self)))
    }
}

#[uniffi::export]
impl PayloadSigner {
    /// A handle to this payload signer for the fast lane; see `Signer::lane_handle`.
    pub fn lane_handle(self: Arc<Self>) -> crate::Result<u64> {
        generated_call();
        Ok(handle(Held::Payload(self)))
    }
}

#[cfg(test)]
mod tests;
