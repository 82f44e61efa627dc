//! The JVM's direct path: two JNI functions in the same library, behind the Kotlin binding's
//! `Signer.sign(userId, email)` and `signMany` (bindings/kotlin/src/main/kotlin/dev/userhash/
//! DirectSign.kt).
//!
//! Why it exists: uniffi's Kotlin bindings call through JNA, and every call builds JNA
//! `Structure`s, clones the object's handle in a second native call and frees the returned
//! buffer in a third, some 40 µs in all where the HMAC takes well under 1 µs
//! (docs/benchmarks.md). A JNI call costs tens of nanoseconds, reads the `String` arguments
//! straight from the JVM and builds the result there.
//!
//! What it is not: a second implementation. Each function signs through the core exactly as the
//! uniffi export it mirrors ([`Signer::sign`](crate::Signer::sign), and
//! [`Signer::sign_packed`](crate::Signer::sign_packed) through the same `Layout` and
//! `sign_layout`). Neither builds an exception: when anything is not as expected (a signing
//! error, a lone surrogate, an argument longer than the fast path reads, a pending Java
//! exception, a panic) it *declines* by returning `null`, and the Kotlin caller falls back to the
//! generated uniffi call, which signs or throws the typed `UserHashException` exactly as it always
//! has. So errors keep their behaviour and messages, and a decline costs only speed.
//!
//! The handle is uniffi's: `Arc::into_raw(Arc<Signer>)` (uniffi_core's `Handle::from_arc`),
//! borrowed for the call without a clone. The Kotlin side keeps it alive by holding the object's
//! call counter for the duration of the call, as the generated `callWithHandle` does.
//!
//! The functions carry their JNI names, but the JVM binds them through
//! [`userhash_ffi_jni_register`] (JNI `RegisterNatives`), which the Kotlin side calls once through
//! JNA: loading the library a second time with `System.load` is not possible when JNA has
//! extracted it from the jar (it deletes the file once loaded), and would not be the same copy.

// This module is the one place in the workspace with unsafe code (the workspace denies it, and
// every other crate forbids it): JNI has no safe interface short of a wrapper crate with a
// runtime of its own, and the point here is to call the JVM's function table directly. Each
// unsafe block says why it holds.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::ffi::{CStr, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use jni_sys::{
    JNI_ERR, JNIEnv, JNINativeInterface__1_4, JNINativeMethod, jbyte, jbyteArray, jclass, jint,
    jlong, jobject, jsize, jstring,
};
use userhash::{Identity as CoreIdentity, MAX_IDENTIFIER_BYTES};

use userhash::{BatchFields, PackedBatch};

use crate::Signer;
use crate::bulk::sign_to_text;

/// The most UTF-16 units the direct path reads from one argument (into a reused buffer).
/// Each unit becomes at least one byte of UTF-8, so a longer string is over the core's
/// [`MAX_IDENTIFIER_BYTES`] and can only fail (or be a field the scheme ignores): the fast path
/// leaves it to the generated call.
const MAX_UTF16_UNITS: usize = MAX_IDENTIFIER_BYTES;

/// What one thread reuses from call to call, so that signing allocates nothing but the result.
struct Scratch {
    /// One argument's UTF-16, as read from the JVM (`MAX_UTF16_UNITS` long).
    units: Box<[u16]>,
    /// The identity, its fields transcoded to UTF-8.
    identity: CoreIdentity,
    /// The token, NUL-terminated while it is handed to the JVM.
    token: String,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch {
        units: vec![0; MAX_UTF16_UNITS].into_boxed_slice(),
        identity: CoreIdentity::default(),
        token: String::with_capacity(128),
    });
}

/// `DirectSign.sign(handle, userId, email)`: the token the uniffi `Signer::sign` returns for the
/// identity (a `null` string is an absent field), or `null` to decline.
///
/// # Safety
/// Only the JVM calls this, as the native method `dev.userhash.DirectSign.sign`: `env` is the
/// calling thread's JNI environment, `user_id` and `email` are `null` or local references to
/// `String`s, and `handle` is the handle of a live uniffi `Signer` that the caller keeps alive
/// until this returns.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn Java_dev_userhash_DirectSign_sign(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    user_id: jstring,
    email: jstring,
) -> jstring {
    // SAFETY: the JVM passes this call's own environment, and the caller keeps the handle's
    // signer alive until this returns (the function's contract).
    unsafe { direct_call(env, handle, |env, signer| sign(env, signer, user_id, email)) }
}

/// `DirectSign.signPacked(handle, fields, data, dataLength, lengths, lengthsLength)`: the text
/// the uniffi `Signer::sign_packed` returns for the same batch, as a Java `byte[]`, or `null` to
/// decline. `fields` is the `PackedFields` ordinal (0 user id, 1 email, 2 both); `data` and
/// `lengths` are **direct** `ByteBuffer`s, read from their start for `dataLength` and
/// `lengthsLength` bytes without a copy.
///
/// # Safety
/// As [`Java_dev_userhash_DirectSign_sign`]; in addition `data` and `lengths` are `null` or local
/// references to `ByteBuffer`s that no thread writes to until this returns.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn Java_dev_userhash_DirectSign_signPacked(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    fields: jint,
    data: jobject,
    data_length: jint,
    lengths: jobject,
    lengths_length: jint,
) -> jbyteArray {
    let body = |env: &Env, signer: &Signer| {
        let fields = BatchFields::from_code(u32::try_from(fields).ok()?)?;
        // SAFETY: the caller writes to neither buffer until this returns (the contract).
        let data = unsafe { env.direct_bytes(data, data_length) }?;
        // SAFETY: as for `data`.
        let lengths = unsafe { env.direct_bytes(lengths, lengths_length) }?;
        let batch = PackedBatch::from_lengths(fields, data, lengths).ok()?;
        env.byte_array(sign_to_text(&signer.inner, &batch, 0).ok()?.as_bytes())
    };
    // SAFETY: as in `Java_dev_userhash_DirectSign_sign`.
    unsafe { direct_call(env, handle, body) }
}

/// What both native methods share: `body` runs with the call's environment and the signer
/// behind `handle`, inside `catch_unwind`; any `None`, a bad handle, a pending exception or a
/// panic becomes `null`, the decline.
///
/// # Safety
/// `env` is the environment the JVM passed to the native call running on this thread, and
/// `handle` is the handle of a live uniffi `Signer` that the caller keeps alive until this
/// returns.
unsafe fn direct_call(
    env: *mut JNIEnv,
    handle: jlong,
    body: impl FnOnce(&Env, &Signer) -> Option<jobject>,
) -> jobject {
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the environment is this call's own (the function's contract).
        let env = unsafe { Env::new(env) }?;
        let signer = signer_pointer(handle)?;
        // SAFETY: the pointer is uniffi's `Arc::into_raw` of a live `Signer` (checked non-null
        // and aligned), and the Kotlin caller holds the object's call counter until this
        // returns, so the `Arc` cannot be freed while it is borrowed here.
        let signer = unsafe { &*signer };
        body(&env, signer)
    }));
    result.ok().flatten().unwrap_or(ptr::null_mut())
}

/// The class whose native methods [`userhash_ffi_jni_register`] binds.
const CLASS: &CStr = c"dev/userhash/DirectSign";

/// The native methods of [`CLASS`]: name, JNI signature, function.
fn natives() -> [(&'static CStr, &'static CStr, *mut c_void); 2] {
    [
        (
            c"sign",
            c"(JLjava/lang/String;Ljava/lang/String;)Ljava/lang/String;",
            Java_dev_userhash_DirectSign_sign as *mut c_void,
        ),
        (
            c"signPacked",
            c"(JILjava/nio/ByteBuffer;ILjava/nio/ByteBuffer;I)[B",
            Java_dev_userhash_DirectSign_signPacked as *mut c_void,
        ),
    ]
}

/// Binds the native methods of `dev.userhash.DirectSign` to the two functions above (JNI
/// `RegisterNatives`); `JNI_OK` (0), or a negative JNI error code with no exception left pending.
///
/// Why not `System.load`: when the library comes from the jar, JNA extracts it to a temporary
/// file, loads it and deletes the file at once, so the JVM has no file to load; and loading a
/// second copy would give the JNI functions a library of their own. So the Kotlin side calls this
/// once through JNA, on the library JNA already loaded, as a direct-mapped method with JNA's
/// `JNIEnv.CURRENT`.
///
/// # Safety
/// Only JNA calls this, from a direct-mapped native method of a class whose class loader sees
/// `dev.userhash.DirectSign` (JNI `FindClass` uses the calling native method's loader): `env` is
/// the calling thread's JNI environment.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn userhash_ffi_jni_register(env: *mut JNIEnv) -> jint {
    let registered = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: JNA passes this call's own environment for `JNIEnv.CURRENT` (the contract).
        let env = unsafe { Env::new(env) }?;
        Some(env.register_natives(CLASS, &natives()))
    }));
    registered.ok().flatten().unwrap_or(JNI_ERR)
}

/// Signs one identity read from two Java strings, as the uniffi `Signer::sign` does, and returns
/// the token as a new Java `String`.
fn sign(env: &Env, signer: &Signer, user_id: jstring, email: jstring) -> Option<jstring> {
    SCRATCH
        .try_with(|scratch| {
            let mut scratch = scratch.try_borrow_mut().ok()?;
            let Scratch {
                units,
                identity,
                token,
            } = &mut *scratch;
            set_utf16(&mut identity.user_id, env.read_utf16(user_id, units)?)?;
            set_utf16(&mut identity.email, env.read_utf16(email, units)?)?;
            signer.inner.sign_into(identity, token).ok()?;
            env.ascii_string(token)
        })
        .ok()
        .flatten()
}

/// The `Signer` behind a uniffi handle, if the handle can be one: uniffi's Rust handles are
/// `Arc::into_raw` pointers, so never 0 and never odd (foreign handles have the low bit set), and
/// aligned for a `Signer`. The pointer is not dereferenced here.
fn signer_pointer(handle: jlong) -> Option<*const Signer> {
    // A jlong holds the u64 handle's bits; on a 32-bit JVM a handle above usize::MAX is no pointer.
    let address = usize::try_from(handle as u64).ok()?;
    // uniffi made the handle with `ptr as u64`, exposing the pointer's provenance.
    let pointer = ptr::with_exposed_provenance::<Signer>(address);
    (address != 0 && address & 1 == 0 && pointer.is_aligned()).then_some(pointer)
}

/// Puts a field given as UTF-16 (`None`: absent) into a reused field of the identity, as UTF-8;
/// `None` for a lone surrogate.
fn set_utf16(slot: &mut Option<String>, units: Option<&[u16]>) -> Option<()> {
    match units {
        None => {
            *slot = None;
            Some(())
        }
        Some(units) => utf16_into(units, slot.get_or_insert_with(String::new)),
    }
}

/// Transcodes UTF-16 `units` into `out` (replacing its contents) as UTF-8; `None` for a lone
/// surrogate, which has no UTF-8 form (the generated bindings refuse it too).
fn utf16_into(units: &[u16], out: &mut String) -> Option<()> {
    out.clear();
    for char in char::decode_utf16(units.iter().copied()) {
        out.push(char.ok()?);
    }
    Some(())
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

    /// The UTF-16 of the Java string `string`, read into `units`: `Some(None)` for `null`, `None`
    /// to decline (longer than `units`, or a JVM error).
    fn read_utf16<'u>(&self, string: jstring, units: &'u mut [u16]) -> Option<Option<&'u [u16]>> {
        if string.is_null() {
            return Some(None);
        }
        // SAFETY: `string` is a non-null local reference to a String, alive for the call.
        let length = unsafe { (self.functions().GetStringLength)(self.raw, string) };
        let units = units.get_mut(..usize::try_from(length).ok()?)?;
        // SAFETY: the region [0, length) lies within the string, and `units` holds exactly
        // `length` jchars (u16) to write it to.
        unsafe {
            (self.functions().GetStringRegion)(self.raw, string, 0, length, units.as_mut_ptr());
        }
        (!self.exception_pending()).then_some(Some(units))
    }

    /// A new Java `String` holding `text`, which must be ASCII without NUL (then its modified
    /// UTF-8, what NewStringUTF reads, is the same bytes); `None` for other text or when the JVM
    /// cannot allocate (an OutOfMemoryError is then pending).
    fn ascii_string(&self, text: &mut String) -> Option<jstring> {
        if !text.bytes().all(|byte| byte != 0 && byte.is_ascii()) {
            return None;
        }
        text.push('\0');
        // SAFETY: `text` is NUL-terminated just above, with no NUL before, and valid modified
        // UTF-8 (ASCII); the JVM copies it before returning.
        let string =
            unsafe { (self.functions().NewStringUTF)(self.raw, text.as_ptr().cast::<c_char>()) };
        text.pop();
        (!string.is_null()).then_some(string)
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

    fn utf8(units: &[u16]) -> Option<String> {
        let mut out = "stale".to_owned();
        utf16_into(units, &mut out).map(|()| out)
    }

    #[test]
    fn utf16_becomes_utf8_exactly() {
        for text in ["", "42", "nul\0inside", "new\nline\r\n", "Zoë ✓ 😀", "𝄞𝄞"] {
            let units: Vec<u16> = text.encode_utf16().collect();
            assert_eq!(utf8(&units).as_deref(), Some(text), "{text:?}");
        }
    }

    #[test]
    fn lone_surrogates_decline() {
        for units in [
            &[0xD800][..],
            &[0x61, 0xDC00],
            &[0xD83D, 0x61],
            &[0xDE00, 0xD83D],
        ] {
            assert_eq!(utf8(units), None, "{units:x?}");
        }
    }

    #[test]
    fn the_buffer_holds_every_signable_identifier() {
        // Each UTF-16 unit is at least one UTF-8 byte: a longer string is always too long.
        let longest = "x".repeat(MAX_IDENTIFIER_BYTES);
        assert_eq!(longest.encode_utf16().count(), MAX_UTF16_UNITS);
    }

    #[test]
    fn fields_read_as_utf16_sign_as_the_uniffi_sign() {
        let texts = [
            Some("42"),
            Some("nul\0inside"),
            Some("Zoë ✓ 😀"),
            Some(""),
            None,
            Some(" 42 "),
        ];
        for scheme in ["intercom", "helpshift", "help-scout", "gleap"] {
            let signer = signer(scheme);
            let mut identity = CoreIdentity::default();
            let mut token = String::new();
            for user_id in texts {
                for email in [None, Some("ada@example.com"), Some("")] {
                    let utf16 = |text: Option<&str>| {
                        text.map(|text| text.encode_utf16().collect::<Vec<_>>())
                    };
                    let (user_id16, email16) = (utf16(user_id), utf16(email));
                    set_utf16(&mut identity.user_id, user_id16.as_deref()).unwrap();
                    set_utf16(&mut identity.email, email16.as_deref()).unwrap();
                    let fast = signer
                        .inner
                        .sign_into(&identity, &mut token)
                        .map(|()| token.clone());
                    let slow = signer.sign(crate::Identity {
                        user_id: user_id.map(str::to_owned),
                        email: email.map(str::to_owned),
                    });
                    assert_eq!(fast.ok(), slow.ok(), "{scheme} {user_id:?} {email:?}");
                }
            }
        }
    }

    fn signer(scheme: &str) -> std::sync::Arc<Signer> {
        Signer::new(
            crate::Scheme::by_name(scheme.to_owned()).unwrap(),
            "5ec2e7".to_owned(),
        )
        .unwrap()
    }

    #[test]
    fn only_plausible_handles_are_used() {
        let raw = std::sync::Arc::into_raw(signer("intercom"));
        let handle = raw as jlong;
        assert_eq!(signer_pointer(handle), Some(raw));
        assert_eq!(signer_pointer(0), None);
        assert_eq!(signer_pointer(handle + 1), None, "odd: a foreign handle");
        if align_of::<Signer>() > 2 {
            assert_eq!(signer_pointer(handle + 2), None, "misaligned");
        }
        assert_eq!(signer_pointer(-1), None);
        // SAFETY: `raw` came from `Arc::into_raw` just above and is released once.
        drop(unsafe { std::sync::Arc::from_raw(raw) });
    }
}
