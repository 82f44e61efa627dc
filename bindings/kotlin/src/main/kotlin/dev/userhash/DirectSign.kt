package dev.userhash

import com.sun.jna.JNIEnv
import com.sun.jna.Native
import com.sun.jna.NativeLibrary
import java.lang.invoke.MethodHandle
import java.lang.invoke.MethodHandles
import java.lang.ref.Reference
import java.nio.ByteBuffer
import java.util.concurrent.atomic.AtomicLong

/**
 * The direct path to signing: two JNI functions in the same native library
 * (crates/userhash-ffi/src/jni.rs), behind `Signer.sign(userId, email)` and `signMany`.
 *
 * Why: every call of the generated uniffi API goes through JNA (call-status and buffer
 * `Structure`s, a second native call to clone the object's handle, a third to free the returned
 * buffer), some 40 µs where the HMAC takes well under one (docs/benchmarks.md). A JNI call adds
 * tens of nanoseconds to the signing: it reads the `String`s in place and returns the token as a
 * `String`.
 *
 * The JNI functions sign through the same Rust core calls as the generated ones, and never throw:
 * when anything is not as expected (a bad identity, a lone surrogate, a very long argument, a
 * pending Java exception) they return `null`, and the caller retries through the generated
 * call, which signs or throws the typed [UserHashException] exactly as it always has. When this
 * object cannot be set up (the library or the generated internals below are not what it expects),
 * [available] is false and every caller takes the generated path.
 */
internal object DirectSign {
    /** Whether the direct path can be used; `DirectSignTest` asserts it is in this build. */
    @JvmField
    val available: Boolean

    // Getters for the generated `Signer`'s `handle` (protected), `callCounter` (private) and
    // `cleanable` (protected), so that a call can borrow the handle as `callWithHandle` does, minus
    // the JNA call that clones it. Private static finals (so the JIT inlines them, and no caller
    // outside this object can read a handle with them). A future uniffi that renames the fields
    // makes the lookups fail, `available` false, and `DirectSignTest` fail.
    private val HANDLE: MethodHandle?

    private val CALL_COUNTER: MethodHandle?

    private val CLEANABLE: MethodHandle?

    init {
        val getters = try {
            load()
        } catch (error: Throwable) {
            // UnsatisfiedLinkError, a failed JNA load (ExceptionInInitializerError), a missing
            // field: the generated path still works, or throws its own error.
            null
        }
        available = getters != null
        HANDLE = getters?.get(0)
        CALL_COUNTER = getters?.get(1)
        CLEANABLE = getters?.get(2)
    }

    /** Binds the native methods and finds the getters; throws when either cannot be done. */
    private fun load(): List<MethodHandle> {
        // JNA first: it finds the library (inside the jar, through `libraryOverride`, ...) and
        // checks uniffi's contract version and checksums. Then the native methods are bound in
        // that same copy of the library, so both paths share its handles. JNA's cache is keyed
        // by the name and the class loader `Native.register` used, so `getInstance` returns the
        // library JNA loaded. (Not `System.load`: JNA deletes the file it extracts from the jar
        // as soon as it has loaded it.)
        uniffiEnsureInitialized()
        val name = System.getProperty("uniffi.component.userhash.libraryOverride") ?: "userhash_ffi"
        val library = NativeLibrary.getInstance(name, Signer::class.java.classLoader)
        check(Registrar.bind(library) == 0) { "RegisterNatives failed" }
        // Both natives are callable: a handle of 0 is declined.
        check(sign(0L, null, null) == null)
        val empty = ByteBuffer.allocateDirect(0)
        check(signPacked(0L, 0, empty, 0, empty, 0) == null)

        val lookup = MethodHandles.privateLookupIn(Signer::class.java, MethodHandles.lookup())
        return listOf(
            lookup.findGetter(Signer::class.java, "handle", Long::class.javaPrimitiveType),
            lookup.findGetter(Signer::class.java, "callCounter", AtomicLong::class.java),
            lookup.findGetter(Signer::class.java, "cleanable", UniffiCleaner.Cleanable::class.java),
        )
    }

    /** The one function of the direct path called through JNA: `userhash_ffi_jni_register`
     *  (crates/userhash-ffi/src/jni.rs), which binds [sign] and [signPacked] with JNI
     *  `RegisterNatives`. A JNA direct-mapped method in this jar, so that the JNI `FindClass` it
     *  makes uses this jar's class loader. */
    private object Registrar {
        /** Called once, from `DirectSign`'s initialisation. */
        fun bind(library: NativeLibrary): Int {
            Native.register(Registrar::class.java, library)
            return userhash_ffi_jni_register(JNIEnv.CURRENT)
        }

        @Suppress("FunctionName")
        external fun userhash_ffi_jni_register(env: JNIEnv): Int
    }

    /** The token `Signer.sign` returns for the identity (a `null` field is absent), or `null` to
     *  decline or when the direct path is unavailable. */
    fun sign(signer: Signer, userId: String?, email: String?): String? =
        if (available) signer.withBorrowedHandle { sign(it, userId, email) } else null

    /** The text `Signer.signPacked` returns for the batch, as bytes, or `null` to decline (or when
     *  the direct path is unavailable). [fields] is the [PackedFields] ordinal; [data] and
     *  [lengths] are direct buffers, read from their start for [dataLength] and [lengthsLength]
     *  bytes, not written to during the call. */
    fun signPacked(
        signer: Signer,
        fields: Int,
        data: ByteBuffer,
        dataLength: Int,
        lengths: ByteBuffer,
        lengthsLength: Int,
    ): ByteArray? = if (available) {
        signer.withBorrowedHandle { signPacked(it, fields, data, dataLength, lengths, lengthsLength) }
    } else {
        null
    }

    // The native methods take a raw handle, so they are private (issue 14 item 9): no code
    // outside this object can hand them an arbitrary address. Bound by `Registrar`.
    @JvmStatic
    private external fun sign(handle: Long, userId: String?, email: String?): String?

    @JvmStatic
    private external fun signPacked(
        handle: Long,
        fields: Int,
        data: ByteBuffer,
        dataLength: Int,
        lengths: ByteBuffer,
        lengthsLength: Int,
    ): ByteArray?

    /**
     * Runs [block] with this signer's native handle borrowed: the generated `callWithHandle`'s
     * protocol without the JNA call that clones the handle. The call counter keeps `close()` from
     * freeing the Rust object until [block] returns (it is freed here if `close()` came
     * meanwhile), and the reachability fence keeps the `Cleaner` from freeing it because this
     * object looked unreachable during the native call. Only when [available].
     */
    private inline fun <R> Signer.withBorrowedHandle(block: (handle: Long) -> R): R {
        val counter = CALL_COUNTER!!.invokeExact(this) as AtomicLong
        do {
            val count = counter.get()
            // The generated code's messages, word for word.
            if (count == 0L) {
                throw IllegalStateException("${this.javaClass.simpleName} object has already been destroyed")
            }
            if (count == Long.MAX_VALUE) {
                throw IllegalStateException("${this.javaClass.simpleName} call counter would overflow")
            }
        } while (!counter.compareAndSet(count, count + 1L))
        try {
            return block(HANDLE!!.invokeExact(this) as Long)
        } finally {
            if (counter.decrementAndGet() == 0L) {
                (CLEANABLE!!.invokeExact(this) as UniffiCleaner.Cleanable?)?.clean()
            }
            Reference.reachabilityFence(this)
        }
    }
}

/** The token for the identity through [DirectSign], or `null` when the direct path declines or
 *  is unavailable (the caller then uses the generated `sign`). */
internal fun Signer.signDirect(userId: String?, email: String?): String? = DirectSign.sign(this, userId, email)
