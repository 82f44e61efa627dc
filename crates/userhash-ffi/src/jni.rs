//! The fast lane's face to the JVM: JNI functions over the same lane operations as the C symbols
//! (`lane.rs`), behind the Kotlin binding's `Signer.sign`, `signMany`, `Verifier.verify` /
//! `verifyAt`, `Gate.check` / `checkAt` and `PayloadSigner.payload`
//! (bindings/kotlin/userhash/src/main/kotlin/dev/userhash/Lane.kt).
//!
//! Why JNI: uniffi's Kotlin bindings call through JNA, tens of microseconds a call, where the
//! HMAC takes well under one; a JNI call costs tens of nanoseconds, reads the `String` arguments
//! in place and writes the answer into the caller's array. JNI runs on every Java the jar
//! supports (17+); the Foreign Function & Memory API needs 22+ (docs/benchmarks.md has the
//! measured choice).
//!
//! What it is not: a second implementation. Each function answers the lane's text for the call
//! (a token, the verify, gate or payload text, or `!<code> <message>`), made by the same
//! `lane::Held` operation the C symbols use, and the Kotlin side parses it and raises from the
//! code in one place. Handles are the lane's own (`lane_handle()`), never uniffi's.
//!
//! What a small call costs is mostly its calls back into the JVM (each one a thread-state
//! transition with a memory fence), so a small call makes as few as it can (counted with
//! callgrind; docs/benchmarks.md):
//! - a string argument comes with its length (`s.length`, free in Kotlin), so reading it is one
//!   `GetStringRegion`, and an ASCII string (the usual id, token, label) becomes UTF-8 in one
//!   pass the compiler vectorises;
//! - the answer is written into the calling thread's own `byte[]` (the Kotlin side keeps one per
//!   thread) with one `SetByteArrayRegion`, and the call returns its length; an answer longer
//!   than the array waits in this thread's buffer for `Lane.pending`, which the Kotlin side calls
//!   at once with an array grown to fit. Nothing is allocated in the JVM for it, and nothing in
//!   Rust once the thread's buffers have grown.
//!
//! The functions are bound with JNI `RegisterNatives` by [`userhash_ffi_jni_register`], which the
//! Kotlin side calls once through JNA: loading the library a second time with `System.load` is
//! not possible when JNA has extracted it from the jar (it deletes the file once loaded), and
//! would not be the same copy. The Kotlin methods they bind are private, so no caller outside
//! the binding can pass them an arbitrary handle, array or length.

// JNI has no safe interface short of a wrapper crate with a runtime of its own, and the point
// here is to call the JVM's function table directly. Each unsafe block says why it holds.
#![allow(unsafe_code)]

mod env;

use std::cell::RefCell;
use std::ffi::{CStr, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use jni_sys::{JNI_ERR, JNIEnv, jboolean, jbyteArray, jclass, jint, jlong, jobject, jstring};
use userhash::PackedBatch;

use crate::lane::{self, Failure, Held, LANE_VERSION, Written};
use env::Env;

/// What one thread reuses from call to call, so that a call allocates nothing it can avoid:
/// the arguments' UTF-16 as read from the JVM, the identity and the other text arguments as
/// UTF-8, and the answer (kept until the next call, for `Lane.pending`).
#[derive(Default)]
struct Scratch {
    units: Vec<u16>,
    identity: userhash::Identity,
    token: Option<String>,
    label: Option<String>,
    answer: String,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A string argument as it crosses: the reference and its length in UTF-16 units.
type Text = (jstring, jint);

/// Transcodes UTF-16 `units` into `text` (replacing its contents) as UTF-8; the lane's
/// `not_utf8` failure for a lone surrogate, which has no UTF-8 form.
fn utf8_into(units: &[u16], text: &mut String, what: &str) -> Result<(), Failure> {
    text.clear();
    // ASCII, the usual case: one narrowing pass (vectorised), and a check that cannot fail.
    if units.iter().fold(0, |seen, &unit| seen | unit) < 0x80 {
        let mut bytes = std::mem::take(text).into_bytes();
        bytes.extend(units.iter().map(|&unit| unit as u8));
        *text = String::from_utf8(bytes).map_err(|_| Failure::not_utf8(what))?;
        return Ok(());
    }
    for char in char::decode_utf16(units.iter().copied()) {
        text.push(char.map_err(|_| Failure::not_utf8(what))?);
    }
    Ok(())
}

/// Reads the text argument `(string, length)` into a reused slot as UTF-8 (`None` for null).
///
/// # Safety
/// As [`Env::read_utf16`].
unsafe fn read_into(
    env: &Env,
    (string, length): Text,
    units: &mut Vec<u16>,
    slot: &mut Option<String>,
    what: &str,
) -> Result<(), Failure> {
    // SAFETY: the function's contract.
    match unsafe { env.read_utf16(string, length, units) } {
        None => {
            *slot = None;
            Ok(())
        }
        Some(units) => utf8_into(units, slot.get_or_insert_with(String::new), what),
    }
}

/// The lane's object behind a handle.
fn held<'a>(handle: jlong) -> Result<&'a Held, Failure> {
    // SAFETY: the Kotlin side passes only handles from `lane_handle()` that it keeps alive for
    // the call (the binding's private methods are the only callers).
    unsafe { lane::abi::held(handle as u64) }
}

/// Runs a small call on this thread's scratch and copies its answer into `out` (`capacity`
/// bytes) when it fits: the answer's length, or -1 when there is none (the JVM failed: an
/// exception is pending, which the JVM throws on return). `call` reads its arguments and writes
/// the success text; a failure or a panic becomes the answer's `!<code> <message>`.
///
/// # Safety
/// `raw` is the environment the JVM passed to the native call running on this thread; `out` is
/// a local reference to a `byte[]` of at least `capacity` elements.
unsafe fn small(
    raw: *mut JNIEnv,
    out: jbyteArray,
    capacity: jint,
    call: impl FnOnce(&Env, &mut Scratch, &mut String) -> Written,
) -> jint {
    let answered = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the JVM's environment for this call (the function's contract).
        let env = unsafe { Env::new(raw) }?;
        SCRATCH
            .try_with(|scratch| {
                let mut scratch = scratch.try_borrow_mut().ok()?;
                let mut answer = std::mem::take(&mut scratch.answer);
                lane::write(&mut answer, |answer| {
                    catch_unwind(AssertUnwindSafe(|| call(&env, &mut scratch, answer)))
                        .unwrap_or_else(|_| Err(Failure::panicked()))
                });
                scratch.answer = answer;
                // SAFETY: `out` holds `capacity` bytes (the function's contract).
                unsafe { env.copy_into(out, capacity, scratch.answer.as_bytes()) }
            })
            .ok()
            .flatten()
    }));
    answered.ok().flatten().unwrap_or(-1)
}

/// `Lane.sign(handle, userId, userIdLength, email, emailLength, out, capacity)`: the token, or
/// `!<code> <message>`, as [`small`] answers.
///
/// # Safety
/// Only the JVM calls this, as the private native `dev.userhash.Lane.sign`.
#[allow(clippy::too_many_arguments)]
unsafe extern "system" fn sign(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    user_id: jstring,
    user_id_length: jint,
    email: jstring,
    email_length: jint,
    out: jbyteArray,
    capacity: jint,
) -> jint {
    let call = |env: &Env, scratch: &mut Scratch, answer: &mut String| {
        let Scratch {
            units, identity, ..
        } = scratch;
        // SAFETY: each string comes with its own length (the Kotlin side's contract).
        unsafe {
            read_into(
                env,
                (user_id, user_id_length),
                units,
                &mut identity.user_id,
                "user_id",
            )?;
            read_into(
                env,
                (email, email_length),
                units,
                &mut identity.email,
                "email",
            )?;
        }
        held(handle)?.sign(identity, answer)
    };
    // SAFETY: the JVM's own environment and the caller's array (the contract).
    unsafe { small(env, out, capacity, call) }
}

/// Reads the identity, token and label of a verify or gate call into the scratch.
///
/// # Safety
/// As [`Env::read_utf16`], for each string.
unsafe fn read_four(env: &Env, scratch: &mut Scratch, texts: [Text; 4]) -> Result<(), Failure> {
    let Scratch {
        units,
        identity,
        token,
        label,
        ..
    } = scratch;
    let [user_id, email, token_text, label_text] = texts;
    // SAFETY: the function's contract.
    unsafe {
        read_into(env, user_id, units, &mut identity.user_id, "user_id")?;
        read_into(env, email, units, &mut identity.email, "email")?;
        read_into(env, token_text, units, token, "token")?;
        read_into(env, label_text, units, label, "label")
    }
}

/// `Lane.verify(handle, userId, userIdLength, email, emailLength, token, tokenLength, label,
/// labelLength, now, hasNow, out, capacity)`: the lane's verify text, as [`small`] answers.
///
/// # Safety
/// Only the JVM calls this, as the private native `dev.userhash.Lane.verify`.
#[allow(clippy::too_many_arguments)]
unsafe extern "system" fn verify(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    user_id: jstring,
    user_id_length: jint,
    email: jstring,
    email_length: jint,
    token: jstring,
    token_length: jint,
    label: jstring,
    label_length: jint,
    now: jlong,
    has_now: jboolean,
    out: jbyteArray,
    capacity: jint,
) -> jint {
    let texts = [
        (user_id, user_id_length),
        (email, email_length),
        (token, token_length),
        (label, label_length),
    ];
    let call = |env: &Env, scratch: &mut Scratch, answer: &mut String| {
        // SAFETY: each string comes with its own length (the Kotlin side's contract).
        unsafe { read_four(env, scratch, texts) }?;
        held(handle)?.verify(
            &scratch.identity,
            scratch.token.as_deref().unwrap_or_default(),
            scratch.label.as_deref(),
            has_now.then_some(now as u64),
            answer,
        )
    };
    // SAFETY: the JVM's own environment and the caller's array (the contract).
    unsafe { small(env, out, capacity, call) }
}

/// `Lane.check(handle, userId, userIdLength, email, emailLength, token, tokenLength, label,
/// labelLength, now, hasNow, out, capacity)`: the lane's gate text, as [`small`] answers.
///
/// # Safety
/// Only the JVM calls this, as the private native `dev.userhash.Lane.check`.
#[allow(clippy::too_many_arguments)]
unsafe extern "system" fn check(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    user_id: jstring,
    user_id_length: jint,
    email: jstring,
    email_length: jint,
    token: jstring,
    token_length: jint,
    label: jstring,
    label_length: jint,
    now: jlong,
    has_now: jboolean,
    out: jbyteArray,
    capacity: jint,
) -> jint {
    let texts = [
        (user_id, user_id_length),
        (email, email_length),
        (token, token_length),
        (label, label_length),
    ];
    let call = |env: &Env, scratch: &mut Scratch, answer: &mut String| {
        // SAFETY: each string comes with its own length (the Kotlin side's contract).
        unsafe { read_four(env, scratch, texts) }?;
        held(handle)?.check(
            &scratch.identity,
            scratch.token.as_deref(),
            scratch.label.as_deref(),
            has_now.then_some(now as u64),
            answer,
        )
    };
    // SAFETY: the JVM's own environment and the caller's array (the contract).
    unsafe { small(env, out, capacity, call) }
}

/// `Lane.payload(handle, userId, userIdLength, email, emailLength, platform, platformLength,
/// name, nameLength, accountId, accountIdLength, nonce, nonceLength, extraClaims,
/// extraClaimsLength, emailVerified, expiresIn, hasExpiresIn, at, hasAt, failures, out,
/// capacity)`: the lane's payload text, as [`small`] answers. Each string but the platform may
/// be null and comes with its length; the other arguments are `userhash_lane_payload`'s.
///
/// # Safety
/// Only the JVM calls this, as the private native `dev.userhash.Lane.payload`.
#[allow(clippy::too_many_arguments)]
unsafe extern "system" fn payload(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    user_id: jstring,
    user_id_length: jint,
    email: jstring,
    email_length: jint,
    platform: jstring,
    platform_length: jint,
    name: jstring,
    name_length: jint,
    account_id: jstring,
    account_id_length: jint,
    nonce: jstring,
    nonce_length: jint,
    extra_claims: jstring,
    extra_claims_length: jint,
    email_verified: jint,
    expires_in: jlong,
    has_expires_in: jboolean,
    at: jlong,
    has_at: jboolean,
    failures: jint,
    out: jbyteArray,
    capacity: jint,
) -> jint {
    let texts = [
        ((user_id, user_id_length), "user_id"),
        ((email, email_length), "email"),
        ((platform, platform_length), "platform"),
        ((name, name_length), "name"),
        ((account_id, account_id_length), "account_id"),
        ((nonce, nonce_length), "nonce"),
        ((extra_claims, extra_claims_length), "extra_claims"),
    ];
    let call = |env: &Env, scratch: &mut Scratch, answer: &mut String| {
        let mut read = texts.map(|_| None);
        for (slot, (text, what)) in read.iter_mut().zip(texts) {
            // SAFETY: each string comes with its own length (the Kotlin side's contract).
            unsafe { read_into(env, text, &mut scratch.units, slot, what) }?;
        }
        let [
            user_id,
            email,
            platform,
            name,
            account_id,
            nonce,
            extra_claims,
        ] = read;
        let options = lane::abi::payload_options(
            lane::abi::attributes(
                name,
                account_id,
                nonce,
                extra_claims,
                u32::try_from(email_verified).unwrap_or(u32::MAX),
                expires_in as u64,
                u32::from(has_expires_in),
            )?,
            has_at.then_some(at as u64),
            u32::try_from(failures).unwrap_or(u32::MAX),
        )?;
        let identity = userhash::Identity::new(user_id, email);
        held(handle)?.payload(
            &identity,
            platform.as_deref().unwrap_or_default(),
            &options,
            answer,
        )
    };
    // SAFETY: the JVM's own environment and the caller's array (the contract).
    unsafe { small(env, out, capacity, call) }
}

/// `Lane.payloadUnknownVendor(handle, vendor, vendorLength, out, capacity)`: the failure text a
/// payload's `entry(vendor)` raises, as [`small`] answers.
///
/// # Safety
/// Only the JVM calls this, as the private native `dev.userhash.Lane.payloadUnknownVendor`.
unsafe extern "system" fn payload_unknown_vendor(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    vendor: jstring,
    vendor_length: jint,
    out: jbyteArray,
    capacity: jint,
) -> jint {
    let call = |env: &Env, scratch: &mut Scratch, _answer: &mut String| {
        let mut vendor_text = None;
        // SAFETY: the string comes with its own length (the Kotlin side's contract).
        unsafe {
            read_into(
                env,
                (vendor, vendor_length),
                &mut scratch.units,
                &mut vendor_text,
                "vendor",
            )
        }?;
        held(handle)?.payload_unknown_vendor(vendor_text.as_deref().unwrap_or_default())
    };
    // SAFETY: the JVM's own environment and the caller's array (the contract).
    unsafe { small(env, out, capacity, call) }
}

/// `Lane.pending(out, capacity)`: copies this thread's last answer into `out` (grown to fit by
/// the Kotlin side, which calls this right after a call answered more than its array held); its
/// length, or -1 when there is none.
///
/// # Safety
/// Only the JVM calls this, as the private native `dev.userhash.Lane.pending`.
unsafe extern "system" fn pending(
    raw: *mut JNIEnv,
    _class: jclass,
    out: jbyteArray,
    capacity: jint,
) -> jint {
    let copied = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the JVM's environment for this call (the function's contract).
        let env = unsafe { Env::new(raw) }?;
        SCRATCH
            .try_with(|scratch| {
                let scratch = scratch.try_borrow().ok()?;
                // SAFETY: `out` holds `capacity` bytes (the Kotlin side's contract).
                unsafe { env.copy_into(out, capacity, scratch.answer.as_bytes()) }
            })
            .ok()
            .flatten()
    }));
    copied.ok().flatten().unwrap_or(-1)
}

/// `Lane.signPacked(handle, fields, data, dataLength, lengths, lengthsLength)`: the lane's batch
/// text (the clock read once), as bytes. `data` and `lengths` are direct `ByteBuffer`s read from
/// their start without a copy.
///
/// # Safety
/// Only the JVM calls this, as the private native `dev.userhash.Lane.signPacked`; no thread
/// writes to the buffers until it returns.
#[allow(clippy::too_many_arguments)]
unsafe extern "system" fn sign_packed(
    raw: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    fields: jint,
    data: jobject,
    data_length: jint,
    lengths: jobject,
    lengths_length: jint,
) -> jbyteArray {
    let array = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the JVM's environment for this call (the function's contract).
        let env = unsafe { Env::new(raw) }?;
        // SAFETY: the caller writes to neither buffer until this returns (the contract).
        let (data, lengths) = unsafe {
            (
                env.direct_bytes(data, data_length),
                env.direct_bytes(lengths, lengths_length),
            )
        };
        let answer = match (data, lengths) {
            (Some(data), Some(lengths)) => {
                let batch = lane::batch_fields(u32::try_from(fields).unwrap_or(u32::MAX))
                    .and_then(|fields| PackedBatch::from_lengths(fields, data, lengths));
                held(handle).and_then(|held| held.sign_packed(batch, 0, None))
            }
            _ => Err(Failure::malformed(
                "the buffers are not direct, or shorter than said",
            )),
        };
        env.byte_array(lane::text(answer).as_bytes())
    }));
    array.ok().flatten().unwrap_or(ptr::null_mut())
}

/// `Lane.generatedCalls()`: the lane's count of generated calls, for the guard tests.
extern "system" fn generated_calls(_env: *mut JNIEnv, _class: jclass) -> jlong {
    lane::generated_calls() as jlong
}

/// `Lane.release(handle)`.
///
/// # Safety
/// Only the JVM calls this, once per handle, from the binding's cleaner.
unsafe extern "system" fn release(_env: *mut JNIEnv, _class: jclass, handle: jlong) {
    // SAFETY: the handle came from `lane_handle()` and is released once (the contract).
    unsafe { lane::abi::userhash_lane_release(handle as u64) }
}

/// `Lane.version()`: [`LANE_VERSION`].
extern "system" fn version(_env: *mut JNIEnv, _class: jclass) -> jint {
    jint::try_from(LANE_VERSION).unwrap_or(0)
}

/// The class whose private native methods [`userhash_ffi_jni_register`] binds.
const CLASS: &CStr = c"dev/userhash/Lane";

/// The native methods of [`CLASS`]: name, JNI signature, function. A string argument is a
/// `String` and its length (`Ljava/lang/String;I`); a small call ends with the answer's array
/// and its capacity and returns the answer's length (`[BI)I`).
fn natives() -> [(&'static CStr, &'static CStr, *mut c_void); 10] {
    [
        (
            c"sign",
            c"(JLjava/lang/String;ILjava/lang/String;I[BI)I",
            sign as *mut c_void,
        ),
        (
            c"verify",
            c"(JLjava/lang/String;ILjava/lang/String;ILjava/lang/String;ILjava/lang/String;IJZ[BI)I",
            verify as *mut c_void,
        ),
        (
            c"check",
            c"(JLjava/lang/String;ILjava/lang/String;ILjava/lang/String;ILjava/lang/String;IJZ[BI)I",
            check as *mut c_void,
        ),
        (
            c"payload",
            c"(JLjava/lang/String;ILjava/lang/String;ILjava/lang/String;ILjava/lang/String;ILjava/lang/String;ILjava/lang/String;ILjava/lang/String;IIJZJZI[BI)I",
            payload as *mut c_void,
        ),
        (
            c"payloadUnknownVendor",
            c"(JLjava/lang/String;I[BI)I",
            payload_unknown_vendor as *mut c_void,
        ),
        (c"pending", c"([BI)I", pending as *mut c_void),
        (
            c"signPacked",
            c"(JILjava/nio/ByteBuffer;ILjava/nio/ByteBuffer;I)[B",
            sign_packed as *mut c_void,
        ),
        (c"generatedCalls", c"()J", generated_calls as *mut c_void),
        (c"release", c"(J)V", release as *mut c_void),
        (c"version", c"()I", version as *mut c_void),
    ]
}

/// Binds the private native methods of `dev.userhash.Lane` (JNI `RegisterNatives`); `JNI_OK`
/// (0), or a negative JNI error code with no exception left pending.
///
/// # Safety
/// Only JNA calls this, from a direct-mapped native method of a class whose class loader sees
/// `dev.userhash.Lane` (JNI `FindClass` uses the calling native method's loader): `env` is the
/// calling thread's JNI environment.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn userhash_ffi_jni_register(env: *mut JNIEnv) -> jint {
    let registered = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: JNA passes this call's own environment for `JNIEnv.CURRENT` (the contract).
        let env = unsafe { Env::new(env) }?;
        if env.exception_pending() {
            return None;
        }
        Some(env.register_natives(CLASS, &natives()))
    }));
    registered.ok().flatten().unwrap_or(JNI_ERR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_becomes_utf8_exactly_and_lone_surrogates_fail() {
        let mut text = "stale".to_owned();
        for value in ["", "42", "nul\0inside", "new\nline\r\n", "Zoë ✓ 😀", "𝄞𝄞"] {
            let units: Vec<u16> = value.encode_utf16().collect();
            assert_eq!(utf8_into(&units, &mut text, "user_id"), Ok(()));
            assert_eq!(text, value);
        }
        for units in [
            &[0xD800][..],
            &[0x61, 0xDC00],
            &[0xD83D, 0x61],
            &[0xDE00, 0xD83D],
        ] {
            let failure = utf8_into(units, &mut text, "user_id").unwrap_err();
            assert!(
                failure.text().starts_with("!not_utf8 the user_id"),
                "{units:x?}"
            );
        }
    }
}
