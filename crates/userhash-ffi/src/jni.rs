//! The fast lane's face to the JVM: JNI functions over the same lane operations as the C symbols
//! (`lane.rs`), behind the Kotlin binding's `Signer.sign`, `signMany`, `Verifier.verify` /
//! `verifyAt`, `Gate.check` / `checkAt` and `PayloadSigner.payload`
//! (bindings/kotlin/userhash/src/main/kotlin/dev/userhash/Lane.kt).
//!
//! Why JNI: uniffi's Kotlin bindings call through JNA, tens of microseconds a call, where the
//! HMAC takes well under one; a JNI call costs tens of nanoseconds, reads the `String` arguments
//! in place and makes the answer in the JVM. JNI runs on every Java the jar supports (17+); the
//! Foreign Function & Memory API needs 22+ (docs/benchmarks.md has the measured choice).
//!
//! What it is not: a second implementation. Each function answers the lane's text for the call
//! (a token, the verify or gate text, or `!<code> <message>`), made by the same `lane::Held`
//! operation the C symbols use, and the Kotlin side parses it and raises from the code in one
//! place. Handles are the lane's own (`lane_handle()`), never uniffi's.
//!
//! The functions are bound with JNI `RegisterNatives` by [`userhash_ffi_jni_register`], which the
//! Kotlin side calls once through JNA: loading the library a second time with `System.load` is
//! not possible when JNA has extracted it from the jar (it deletes the file once loaded), and
//! would not be the same copy. The Kotlin methods they bind are private, so no caller outside
//! the binding can pass them an arbitrary handle.

// JNI has no safe interface short of a wrapper crate with a runtime of its own, and the point
// here is to call the JVM's function table directly. Each unsafe block says why it holds.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::ffi::{CStr, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use jni_sys::{
    JNI_ERR, JNIEnv, JNINativeInterface__1_4, JNINativeMethod, jboolean, jbyte, jbyteArray, jclass,
    jint, jlong, jobject, jsize, jstring,
};
use userhash::PackedBatch;

use crate::lane::{self, Failure, Held, LANE_VERSION};

/// What one thread reuses from call to call, so that a call allocates nothing it can avoid:
/// the arguments' UTF-16 as read from the JVM, the identity and the other text arguments as
/// UTF-8, and the token.
#[derive(Default)]
struct Scratch {
    units: Vec<u16>,
    identity: userhash::Identity,
    token: Option<String>,
    label: Option<String>,
    out: String,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Reads a Java string into a reused slot as UTF-8 (`None` for null); `Ok(Err(..))` is the lane's
/// `not_utf8` failure for a lone surrogate, `Err(())` a JVM failure (an exception is pending).
fn read_into(
    env: &Env,
    string: jstring,
    units: &mut Vec<u16>,
    slot: &mut Option<String>,
    what: &str,
) -> Result<Result<(), Failure>, ()> {
    let Some(units) = env.read_utf16(string, units)? else {
        *slot = None;
        return Ok(Ok(()));
    };
    Ok(utf8_into(units, slot.get_or_insert_with(String::new), what))
}

/// Transcodes UTF-16 `units` into `text` (replacing its contents) as UTF-8; the lane's
/// `not_utf8` failure for a lone surrogate, which has no UTF-8 form.
fn utf8_into(units: &[u16], text: &mut String, what: &str) -> Result<(), Failure> {
    text.clear();
    for char in char::decode_utf16(units.iter().copied()) {
        text.push(char.map_err(|_| Failure::not_utf8(what))?);
    }
    Ok(())
}

/// Runs a lane operation with the call's identity, token and label read into the thread's
/// scratch; `None` when the JVM failed (an exception is pending and the JVM raises it on return).
fn with_arguments<R>(
    env: &Env,
    [user_id, email, token, label]: [jstring; 4],
    call: impl FnOnce(Result<(), Failure>, &mut Scratch) -> R,
) -> Option<R> {
    SCRATCH
        .try_with(|scratch| {
            let mut scratch = scratch.try_borrow_mut().ok()?;
            let Scratch {
                units,
                identity,
                token: token_slot,
                label: label_slot,
                ..
            } = &mut *scratch;
            let read = [
                read_into(env, user_id, units, &mut identity.user_id, "user_id").ok()?,
                read_into(env, email, units, &mut identity.email, "email").ok()?,
                read_into(env, token, units, token_slot, "token").ok()?,
                read_into(env, label, units, label_slot, "label").ok()?,
            ];
            let outcome = read
                .into_iter()
                .collect::<Result<Vec<()>, Failure>>()
                .map(|_| ());
            Some(call(outcome, &mut scratch))
        })
        .ok()
        .flatten()
}

/// The lane's object behind a handle.
fn held<'a>(handle: jlong) -> Result<&'a Held, Failure> {
    // SAFETY: the Kotlin side passes only handles from `lane_handle()` that it keeps alive for
    // the call (the binding's private methods are the only callers).
    unsafe { lane::abi::held(handle as u64) }
}

/// Shared by every native: the call's environment, inside `catch_unwind`; a null result (the
/// JVM failed, an exception is pending) or a panic returns null.
///
/// # Safety
/// `env` is the environment the JVM passed to the native call running on this thread.
unsafe fn jni_call(env: *mut JNIEnv, body: impl FnOnce(&Env) -> jobject) -> jobject {
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the environment is this call's own (the function's contract).
        let env = unsafe { Env::new(env) }?;
        Some(body(&env))
    }));
    result.ok().flatten().unwrap_or(ptr::null_mut())
}

/// `Lane.sign(handle, userId, email)`: the token, or `!<code> <message>`.
///
/// # Safety
/// Only the JVM calls this, as the private native `dev.userhash.Lane.sign`.
unsafe extern "system" fn sign(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    user_id: jstring,
    email: jstring,
) -> jstring {
    let body = |env: &Env| {
        let strings = [user_id, email, ptr::null_mut(), ptr::null_mut()];
        with_arguments(env, strings, |read, scratch| {
            let Scratch { identity, out, .. } = scratch;
            match read.and_then(|()| held(handle)?.sign_into(identity, out)) {
                // The token is ASCII: the JVM reads it as it is, from the reused buffer.
                Ok(()) => env.ascii_string(out),
                Err(failure) => env.string(&failure.text()),
            }
        })
        .unwrap_or(ptr::null_mut())
    };
    // SAFETY: the JVM's own environment for this call.
    unsafe { jni_call(env, body) }
}

/// `Lane.verify(handle, userId, email, token, label, now, hasNow)`: the lane's verify text, as
/// UTF-8 bytes.
///
/// # Safety
/// Only the JVM calls this, as the private native `dev.userhash.Lane.verify`.
#[allow(clippy::too_many_arguments)]
unsafe extern "system" fn verify(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    user_id: jstring,
    email: jstring,
    token: jstring,
    label: jstring,
    now: jlong,
    has_now: jboolean,
) -> jbyteArray {
    let body = |env: &Env| {
        let strings = [user_id, email, token, label];
        let now = has_now.then_some(now as u64);
        let answer = with_arguments(env, strings, |read, scratch| {
            lane::text(read.and_then(|()| {
                held(handle)?.verify(
                    &scratch.identity,
                    scratch.token.as_deref().unwrap_or_default(),
                    scratch.label.as_deref(),
                    now,
                )
            }))
        });
        answer
            .and_then(|answer| env.byte_array(answer.as_bytes()))
            .unwrap_or(ptr::null_mut())
    };
    // SAFETY: the JVM's own environment for this call.
    unsafe { jni_call(env, body) }
}

/// `Lane.check(handle, userId, email, token, label, now, hasNow)`: the lane's gate text, as UTF-8
/// bytes.
///
/// # Safety
/// Only the JVM calls this, as the private native `dev.userhash.Lane.check`.
#[allow(clippy::too_many_arguments)]
unsafe extern "system" fn check(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    user_id: jstring,
    email: jstring,
    token: jstring,
    label: jstring,
    now: jlong,
    has_now: jboolean,
) -> jbyteArray {
    let body = |env: &Env| {
        let strings = [user_id, email, token, label];
        let now = has_now.then_some(now as u64);
        let answer = with_arguments(env, strings, |read, scratch| {
            lane::text(read.and_then(|()| {
                held(handle)?.check(
                    &scratch.identity,
                    scratch.token.as_deref(),
                    scratch.label.as_deref(),
                    now,
                )
            }))
        });
        answer
            .and_then(|answer| env.byte_array(answer.as_bytes()))
            .unwrap_or(ptr::null_mut())
    };
    // SAFETY: the JVM's own environment for this call.
    unsafe { jni_call(env, body) }
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
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    fields: jint,
    data: jobject,
    data_length: jint,
    lengths: jobject,
    lengths_length: jint,
) -> jbyteArray {
    let body = |env: &Env| {
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
            .unwrap_or(ptr::null_mut())
    };
    // SAFETY: the JVM's own environment for this call.
    unsafe { jni_call(env, body) }
}

/// A text argument read as an owned string (`None` for null); `Ok(Err(..))` is the lane's
/// `not_utf8` failure, `Err(())` a JVM failure (an exception is pending).
fn read_owned(
    env: &Env,
    string: jstring,
    units: &mut Vec<u16>,
    what: &str,
) -> Result<Result<Option<String>, Failure>, ()> {
    let mut slot = None;
    Ok(read_into(env, string, units, &mut slot, what)?.map(|()| slot))
}

/// `Lane.payload(handle, userId, email, platform, name, accountId, nonce, extraClaims,
/// emailVerified, expiresIn, hasExpiresIn, at, hasAt, failures)`: the lane's payload text, as
/// UTF-8 bytes (the arguments as `userhash_lane_payload` takes them).
///
/// # Safety
/// Only the JVM calls this, as the private native `dev.userhash.Lane.payload`.
#[allow(clippy::too_many_arguments)]
unsafe extern "system" fn payload(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    user_id: jstring,
    email: jstring,
    platform: jstring,
    name: jstring,
    account_id: jstring,
    nonce: jstring,
    extra_claims: jstring,
    email_verified: jint,
    expires_in: jlong,
    has_expires_in: jboolean,
    at: jlong,
    has_at: jboolean,
    failures: jint,
) -> jbyteArray {
    let body = |env: &Env| {
        let strings = [
            user_id,
            email,
            platform,
            name,
            account_id,
            nonce,
            extra_claims,
        ];
        let what = [
            "user_id",
            "email",
            "platform",
            "name",
            "account_id",
            "nonce",
            "extra_claims",
        ];
        let mut units = Vec::new();
        let mut texts = Vec::with_capacity(strings.len());
        for (string, what) in strings.into_iter().zip(what) {
            match read_owned(env, string, &mut units, what) {
                Ok(text) => texts.push(text),
                Err(()) => return ptr::null_mut(),
            }
        }
        let mut texts = texts.into_iter();
        let mut next = || texts.next().unwrap_or(Ok(None));
        let answer = (|| {
            let identity = userhash::Identity::new(next()?, next()?);
            let platform = next()?.unwrap_or_default();
            let attributes = lane::abi::attributes(
                next()?,
                next()?,
                next()?,
                next()?,
                u32::try_from(email_verified).unwrap_or(u32::MAX),
                expires_in as u64,
                u32::from(has_expires_in),
            )?;
            let options = lane::abi::payload_options(
                attributes,
                has_at.then_some(at as u64),
                u32::try_from(failures).unwrap_or(u32::MAX),
            )?;
            held(handle)?.payload(&identity, &platform, &options)
        })();
        env.byte_array(lane::text(answer).as_bytes())
            .unwrap_or(ptr::null_mut())
    };
    // SAFETY: the JVM's own environment for this call.
    unsafe { jni_call(env, body) }
}

/// `Lane.payloadUnknownVendor(handle, vendor)`: the failure text a payload's `entry(vendor)`
/// raises, as UTF-8 bytes.
///
/// # Safety
/// Only the JVM calls this, as the private native `dev.userhash.Lane.payloadUnknownVendor`.
unsafe extern "system" fn payload_unknown_vendor(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    vendor: jstring,
) -> jbyteArray {
    let body = |env: &Env| {
        let Ok(vendor) = read_owned(env, vendor, &mut Vec::new(), "vendor") else {
            return ptr::null_mut();
        };
        let answer = vendor.and_then(|vendor| {
            held(handle)?.payload_unknown_vendor(vendor.as_deref().unwrap_or_default())
        });
        env.byte_array(lane::text(answer).as_bytes())
            .unwrap_or(ptr::null_mut())
    };
    // SAFETY: the JVM's own environment for this call.
    unsafe { jni_call(env, body) }
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

/// The native methods of [`CLASS`]: name, JNI signature, function.
fn natives() -> [(&'static CStr, &'static CStr, *mut c_void); 9] {
    [
        (
            c"sign",
            c"(JLjava/lang/String;Ljava/lang/String;)Ljava/lang/String;",
            sign as *mut c_void,
        ),
        (
            c"verify",
            c"(JLjava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;JZ)[B",
            verify as *mut c_void,
        ),
        (
            c"check",
            c"(JLjava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;JZ)[B",
            check as *mut c_void,
        ),
        (
            c"signPacked",
            c"(JILjava/nio/ByteBuffer;ILjava/nio/ByteBuffer;I)[B",
            sign_packed as *mut c_void,
        ),
        (
            c"payload",
            c"(JLjava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;IJZJZI)[B",
            payload as *mut c_void,
        ),
        (
            c"payloadUnknownVendor",
            c"(JLjava/lang/String;)[B",
            payload_unknown_vendor as *mut c_void,
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
        Some(env.register_natives(CLASS, &natives()))
    }));
    registered.ok().flatten().unwrap_or(JNI_ERR)
}

/// The JNI environment of the current native call.
struct Env {
    raw: *mut JNIEnv,
}

impl Env {
    /// The environment `raw`; `None` for a null one, or when a Java exception is pending (JNI
    /// then allows only a few calls): the caller declines.
    ///
    /// # Safety
    /// `raw` is the environment the JVM passed to the native call running on this thread, and the
    /// `Env` does not outlive that call.
    unsafe fn new(raw: *mut JNIEnv) -> Option<Env> {
        // SAFETY: a non-null environment points to the JVM's function table (the contract); every
        // JVM that runs the jar (Java 17+) implements JNI 1.4's functions, the most recent used.
        let valid = !raw.is_null() && unsafe { !(*raw).is_null() };
        let env = valid.then_some(Env { raw })?;
        (!env.exception_pending()).then_some(env)
    }

    /// The JVM's function table, as of JNI 1.4 (direct buffers).
    fn functions(&self) -> &JNINativeInterface__1_4 {
        // SAFETY: `new` checked both pointers; the table lives as long as the JVM. Every variant
        // of the union is a prefix of the same table, and the JVM provides all of 1.4's.
        unsafe { &(**self.raw).v1_4 }
    }

    /// Binds `methods` (name, JNI signature, function) as native methods of `class`; a JNI
    /// result code, with any exception the JVM raised cleared.
    fn register_natives(&self, class: &CStr, methods: &[(&CStr, &CStr, *mut c_void)]) -> jint {
        let Ok(count) = jint::try_from(methods.len()) else {
            return JNI_ERR;
        };
        let methods: Vec<JNINativeMethod> = methods
            .iter()
            .map(|&(name, signature, function)| JNINativeMethod {
                name: name.as_ptr().cast_mut(),
                signature: signature.as_ptr().cast_mut(),
                fnPtr: function,
            })
            .collect();
        // SAFETY: `class` is a NUL-terminated binary class name.
        let found = unsafe { (self.functions().FindClass)(self.raw, class.as_ptr()) };
        let result = if found.is_null() {
            JNI_ERR
        } else {
            // SAFETY: `found` is a local reference to a class; each method's name and signature
            // are NUL-terminated and, with the function pointer, valid for the whole program
            // (the JVM reads the strings during the call only).
            unsafe { (self.functions().RegisterNatives)(self.raw, found, methods.as_ptr(), count) }
        };
        if self.exception_pending() {
            // SAFETY: clearing is allowed with an exception pending; the error is reported by
            // the result code instead (the caller then leaves the direct path unused).
            unsafe { (self.functions().ExceptionClear)(self.raw) };
        }
        if !found.is_null() {
            // SAFETY: `found` is a local reference made above and not used after this.
            unsafe { (self.functions().DeleteLocalRef)(self.raw, found) };
        }
        result
    }

    /// Whether a Java exception is pending (then no other JNI call may be made but a few).
    fn exception_pending(&self) -> bool {
        // SAFETY: ExceptionCheck may be called at any time, even with an exception pending.
        unsafe { (self.functions().ExceptionCheck)(self.raw) }
    }

    /// The UTF-16 of the Java string `string`, read into `units` (grown to fit): `Ok(None)` for
    /// `null`, `Err(())` when the JVM failed (an exception is then pending).
    fn read_utf16<'u>(
        &self,
        string: jstring,
        units: &'u mut Vec<u16>,
    ) -> Result<Option<&'u [u16]>, ()> {
        if string.is_null() {
            return Ok(None);
        }
        // SAFETY: `string` is a non-null local reference to a String, alive for the call.
        let length = unsafe { (self.functions().GetStringLength)(self.raw, string) };
        let count = usize::try_from(length).map_err(|_| ())?;
        if units.len() < count {
            units.resize(count, 0);
        }
        let units = units.get_mut(..count).ok_or(())?;
        // SAFETY: the region [0, length) lies within the string, and `units` holds exactly
        // `length` jchars (u16) to write it to.
        unsafe {
            (self.functions().GetStringRegion)(self.raw, string, 0, length, units.as_mut_ptr());
        }
        if self.exception_pending() {
            return Err(());
        }
        Ok(Some(units))
    }

    /// A new Java `String` holding `text`, ASCII without NUL (a token), through NewStringUTF
    /// straight from `text`'s buffer (NUL-terminated for the call, then restored); null when the
    /// JVM cannot allocate.
    fn ascii_string(&self, text: &mut String) -> jstring {
        if !text.bytes().all(|byte| byte != 0 && byte.is_ascii()) {
            return self.string(text);
        }
        text.push('\0');
        // SAFETY: `text` is NUL-terminated just above, with no NUL before, and valid modified
        // UTF-8 (ASCII); the JVM copies it before returning.
        let string =
            unsafe { (self.functions().NewStringUTF)(self.raw, text.as_ptr().cast::<c_char>()) };
        text.pop();
        string
    }

    /// A new Java `String` holding `text`: ASCII without NUL through NewStringUTF (whose modified
    /// UTF-8 is then the same bytes), anything else through its UTF-16; null when the JVM cannot
    /// allocate (an OutOfMemoryError is then pending).
    fn string(&self, text: &str) -> jstring {
        if text.bytes().all(|byte| byte != 0 && byte.is_ascii()) {
            let mut bytes = Vec::with_capacity(text.len() + 1);
            bytes.extend_from_slice(text.as_bytes());
            bytes.push(0);
            // SAFETY: `bytes` is NUL-terminated with no NUL before, and valid modified UTF-8
            // (ASCII); the JVM copies it before returning.
            return unsafe {
                (self.functions().NewStringUTF)(self.raw, bytes.as_ptr().cast::<c_char>())
            };
        }
        let units: Vec<u16> = text.encode_utf16().collect();
        let Ok(length) = jsize::try_from(units.len()) else {
            return ptr::null_mut();
        };
        // SAFETY: `units` holds `length` UTF-16 units; the JVM copies them before returning.
        unsafe { (self.functions().NewString)(self.raw, units.as_ptr(), length) }
    }

    /// A new Java `byte[]` holding `bytes`; `None` when over a Java array's limit or the JVM
    /// cannot allocate (an OutOfMemoryError is then pending).
    fn byte_array(&self, bytes: &[u8]) -> Option<jbyteArray> {
        let length = jsize::try_from(bytes.len()).ok()?;
        // SAFETY: NewByteArray takes any non-negative length.
        let array = unsafe { (self.functions().NewByteArray)(self.raw, length) };
        if array.is_null() {
            return None;
        }
        // SAFETY: the array was just made with `length` elements, and `bytes` holds `length`
        // bytes (jbyte is i8, the same size and alignment as u8).
        unsafe {
            (self.functions().SetByteArrayRegion)(
                self.raw,
                array,
                0,
                length,
                bytes.as_ptr().cast::<jbyte>(),
            );
        }
        (!self.exception_pending()).then_some(array)
    }

    /// The first `length` bytes of the direct `ByteBuffer` `buffer`, borrowed without a copy;
    /// `None` for `null`, a heap buffer, a negative length or one past the buffer's capacity.
    ///
    /// # Safety
    /// No thread writes to the buffer's memory while the slice lives.
    unsafe fn direct_bytes(&self, buffer: jobject, length: jint) -> Option<&[u8]> {
        if buffer.is_null() {
            return None;
        }
        let length = usize::try_from(length).ok()?;
        // SAFETY: `buffer` is a non-null local reference, alive for the call; both functions
        // return null / -1 for an object that is not a direct buffer.
        let (address, capacity) = unsafe {
            (
                (self.functions().GetDirectBufferAddress)(self.raw, buffer),
                (self.functions().GetDirectBufferCapacity)(self.raw, buffer),
            )
        };
        let capacity = usize::try_from(capacity).ok()?;
        if address.is_null() || length > capacity {
            return None;
        }
        if length == 0 {
            return Some(&[]);
        }
        // SAFETY: a direct buffer's memory is `capacity` bytes at `address`, freed only once the
        // buffer object is unreachable; the local reference passed to this call keeps it
        // reachable until the call returns, and the slice does not outlive `self`, which lives
        // only for the call. Nothing writes to it meanwhile (the contract).
        Some(unsafe { std::slice::from_raw_parts(address.cast::<u8>(), length) })
    }
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
