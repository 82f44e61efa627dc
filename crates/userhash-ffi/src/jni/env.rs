//! The JNI environment of one native call: the few functions of the JVM's table the lane uses,
//! each wrapped with the reason it is sound. Nothing here knows the lane's calls (`jni.rs`).

// JNI has no safe interface short of a wrapper crate with a runtime of its own; each unsafe
// block says why it holds.
#![allow(unsafe_code)]

use std::ffi::{CStr, c_void};

use jni_sys::{
    JNI_ERR, JNIEnv, JNINativeInterface__1_4, JNINativeMethod, jbyte, jbyteArray, jint, jobject,
    jstring,
};

/// The JNI environment of the current native call.
pub(super) struct Env {
    raw: *mut JNIEnv,
}

impl Env {
    /// The environment `raw`; `None` for a null one.
    ///
    /// No exception can be pending when the JVM enters a native method, so none is checked for.
    ///
    /// # Safety
    /// `raw` is the environment the JVM passed to the native call running on this thread, and the
    /// `Env` does not outlive that call.
    pub(super) unsafe fn new(raw: *mut JNIEnv) -> Option<Env> {
        // SAFETY: a non-null environment points to the JVM's function table (the contract); every
        // JVM that runs the jar (Java 17+) implements JNI 1.4's functions, the most recent used.
        let valid = !raw.is_null() && unsafe { !(*raw).is_null() };
        valid.then_some(Env { raw })
    }

    /// The JVM's function table, as of JNI 1.4 (direct buffers).
    fn functions(&self) -> &JNINativeInterface__1_4 {
        // SAFETY: `new` checked both pointers; the table lives as long as the JVM. Every variant
        // of the union is a prefix of the same table, and the JVM provides all of 1.4's.
        unsafe { &(**self.raw).v1_4 }
    }

    /// Binds `methods` (name, JNI signature, function) as native methods of `class`; a JNI
    /// result code, with any exception the JVM raised cleared.
    pub(super) fn register_natives(
        &self,
        class: &CStr,
        methods: &[(&CStr, &CStr, *mut c_void)],
    ) -> jint {
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
            // the result code instead (the caller then leaves the lane unused).
            unsafe { (self.functions().ExceptionClear)(self.raw) };
        }
        if !found.is_null() {
            // SAFETY: `found` is a local reference made above and not used after this.
            unsafe { (self.functions().DeleteLocalRef)(self.raw, found) };
        }
        result
    }

    /// Whether a Java exception is pending (then no other JNI call may be made but a few).
    pub(super) fn exception_pending(&self) -> bool {
        // SAFETY: ExceptionCheck may be called at any time, even with an exception pending.
        unsafe { (self.functions().ExceptionCheck)(self.raw) }
    }

    /// The UTF-16 of the Java string `string`, `length` units long, read into `units` (grown to
    /// fit): `None` for `null`.
    ///
    /// # Safety
    /// A non-null `string` is a local reference to a `String` of exactly `length` UTF-16 units
    /// (the Kotlin side passes `s.length`; a `String` never changes). Then `GetStringRegion`
    /// cannot fail, so no exception check follows it: the check is a call into the JVM, as
    /// costly as the read.
    pub(super) unsafe fn read_utf16<'u>(
        &self,
        string: jstring,
        length: jint,
        units: &'u mut Vec<u16>,
    ) -> Option<&'u [u16]> {
        if string.is_null() {
            return None;
        }
        let count = usize::try_from(length).unwrap_or(0);
        if units.len() < count {
            units.resize(count, 0);
        }
        let units = &mut units[..count];
        if count > 0 {
            // SAFETY: the region [0, count) is the whole string (the contract), and `units`
            // holds exactly `count` jchars (u16) to write it to.
            unsafe {
                (self.functions().GetStringRegion)(self.raw, string, 0, length, units.as_mut_ptr());
            }
        }
        Some(units)
    }

    /// Copies `bytes` into the start of the Java `byte[]` `array`, which holds `capacity`
    /// bytes, when they fit. The length of `bytes` in any case, or `None` past a Java array's
    /// limit.
    ///
    /// # Safety
    /// `array` is a local reference to a `byte[]` of at least `capacity` elements (the Kotlin
    /// side passes its own array and `array.size`).
    pub(super) unsafe fn copy_into(
        &self,
        array: jbyteArray,
        capacity: jint,
        bytes: &[u8],
    ) -> Option<jint> {
        let length = jint::try_from(bytes.len()).ok()?;
        if length <= capacity && length > 0 && !array.is_null() {
            // SAFETY: [0, length) lies within the array (the contract), and `bytes` holds
            // `length` bytes (jbyte is i8, the same size and alignment as u8).
            unsafe {
                (self.functions().SetByteArrayRegion)(
                    self.raw,
                    array,
                    0,
                    length,
                    bytes.as_ptr().cast::<jbyte>(),
                );
            }
        }
        Some(length)
    }

    /// A new Java `byte[]` holding `bytes`; `None` when over a Java array's limit or the JVM
    /// cannot allocate (an OutOfMemoryError is then pending).
    pub(super) fn byte_array(&self, bytes: &[u8]) -> Option<jbyteArray> {
        let length = jint::try_from(bytes.len()).ok()?;
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
    pub(super) unsafe fn direct_bytes(&self, buffer: jobject, length: jint) -> Option<&[u8]> {
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
