package dev.userhash

import com.sun.jna.JNIEnv
import com.sun.jna.Native
import com.sun.jna.NativeLibrary
import java.lang.ref.Cleaner
import java.lang.ref.Reference
import java.lang.ref.WeakReference
import java.nio.ByteBuffer
import java.util.Collections
import java.util.WeakHashMap

/**
 * The fast lane on the JVM: `Signer.sign`, `signMany`, `Verifier.verify` / `verifyAt`,
 * `Gate.check` / `checkAt` and `PayloadSigner.payload` through the library's own small native interface
 * (crates/userhash-ffi/src/lane.rs), reached by JNI (crates/userhash-ffi/src/jni.rs).
 *
 * Why: every call of the generated uniffi API goes through JNA (call-status and buffer
 * `Structure`s, a second native call to clone the object's handle, a third to free the returned
 * buffer), tens of microseconds where the HMAC takes well under one (docs/benchmarks.md). A JNI
 * call reads the `String`s in place and answers one text.
 *
 * What it touches: the generated classes' public API only — each object's lane handle comes from
 * its one generated `laneHandle()` call, the first time a hot call needs it, and is released by a
 * [Cleaner] when the object is collected; `uniffiIsDestroyed` keeps a closed object closed. The
 * native methods take a raw handle, so they are private (issue 14 item 9).
 *
 * Errors: a failed lane call answers `!<code> <message>`; [failure] is the one place that turns
 * it into the [UserHashException] the generated call throws. When the lane cannot be set up
 * ([available] false), every call takes the generated path (`signUniffi`, `verifyUniffi`, ...).
 */
internal object Lane {
    /** Whether the lane is bound; `LaneTest` asserts it is in this build. */
    @JvmField
    val available: Boolean = try {
        bind()
    } catch (error: Throwable) {
        // UnsatisfiedLinkError, a failed JNA load: the generated path still works, or throws.
        false
    }

    /** Binds the native methods in the copy of the library JNA loaded, and checks the version. */
    private fun bind(): Boolean {
        // JNA first: it finds the library (inside the jar, through `libraryOverride`, ...) and
        // checks uniffi's contract version and checksums. Then the natives are bound in that same
        // copy, so both paths share its objects. (Not `System.load`: JNA deletes the file it
        // extracts from the jar as soon as it has loaded it.)
        uniffiEnsureInitialized()
        val name = System.getProperty("uniffi.component.userhash.libraryOverride") ?: "userhash_ffi"
        val library = NativeLibrary.getInstance(name, Signer::class.java.classLoader)
        check(Registrar.bind(library) == 0) { "RegisterNatives failed" }
        check(version() == VERSION) { "the native library speaks lane version ${version()}, this jar $VERSION" }
        return true
    }

    /** The lane protocol this binding speaks (`LANE_VERSION` in lane.rs). */
    private const val VERSION = 4

    /** The one function of the lane called through JNA: `userhash_ffi_jni_register`, which binds
     *  the private natives below with JNI `RegisterNatives`. A direct-mapped method in this jar, so
     *  that the JNI `FindClass` it makes uses this jar's class loader. */
    private object Registrar {
        fun bind(library: NativeLibrary): Int {
            Native.register(Registrar::class.java, library)
            return userhash_ffi_jni_register(JNIEnv.CURRENT)
        }

        @Suppress("FunctionName")
        external fun userhash_ffi_jni_register(env: JNIEnv): Int
    }

    // --- Handles --------------------------------------------------------------------------------

    private val cleaner: Cleaner = Cleaner.create()
    private val handles: MutableMap<Any, Long> = Collections.synchronizedMap(WeakHashMap())

    /** The last object this thread used and its handle: the hot path's lookup is one compare. */
    private class Last(owner: Any, @JvmField val handle: Long) {
        @JvmField
        val owner = WeakReference(owner)
    }

    private val lastSigner = ThreadLocal<Last?>()
    private val lastVerifier = ThreadLocal<Last?>()
    private val lastGate = ThreadLocal<Last?>()
    private val lastPayloadSigner = ThreadLocal<Last?>()

    private class Release(private val handle: Long) : Runnable {
        override fun run() = release(handle)
    }

    private inline fun handleOf(owner: Any, last: ThreadLocal<Last?>, make: () -> Long): Long {
        val cached = last.get()
        if (cached != null && cached.owner.get() === owner) return cached.handle
        val handle = synchronized(handles) {
            handles[owner] ?: make().also { made ->
                handles[owner] = made
                cleaner.register(owner, Release(made))
            }
        }
        last.set(Last(owner, handle))
        return handle
    }

    private fun destroyed(owner: Any): Nothing =
        throw IllegalStateException("${owner.javaClass.simpleName} object has already been destroyed")

    private fun handleOf(signer: Signer): Long {
        if (signer.uniffiIsDestroyed) destroyed(signer)
        return handleOf(signer, lastSigner) { signer.laneHandle().toLong() }
    }

    private fun handleOf(verifier: Verifier): Long {
        if (verifier.uniffiIsDestroyed) destroyed(verifier)
        return handleOf(verifier, lastVerifier) { verifier.laneHandle().toLong() }
    }

    private fun handleOf(gate: Gate): Long {
        if (gate.uniffiIsDestroyed) destroyed(gate)
        return handleOf(gate, lastGate) { gate.laneHandle().toLong() }
    }

    private fun handleOf(signer: PayloadSigner): Long {
        if (signer.uniffiIsDestroyed) destroyed(signer)
        return handleOf(signer, lastPayloadSigner) { signer.laneHandle().toLong() }
    }

    // --- The answers --------------------------------------------------------------------------

    /** This thread's answer array: every small call writes its answer into it (no array is made
     *  per call), grown to fit the longest answer so far. */
    private class Out {
        @JvmField
        var bytes = ByteArray(512)

        /** The last label and fingerprint answered on this thread: a verifier answers the same
         *  few from call to call, so each is made into a `String` once, not per call. */
        @JvmField
        val label = Remembered()

        @JvmField
        val fingerprint = Remembered()

        /** The answer of a call that returned [length]: in [bytes], fetched first with `pending`
         *  (into an array grown to fit) when it was longer than the array. */
        fun answer(length: Int): Answer {
            if (length < 0) throw IllegalStateException("userhash lane: no answer")
            if (length > bytes.size) {
                bytes = ByteArray(maxOf(length, 2 * bytes.size))
                if (pending(bytes, bytes.size) != length) throw IllegalStateException("userhash lane: the answer changed")
            }
            return Answer(bytes, length)
        }
    }

    private val answers = ThreadLocal.withInitial(::Out)

    // --- The hot calls --------------------------------------------------------------------------

    /** The token, as the generated `sign` returns it. */
    fun sign(signer: Signer, userId: String?, email: String?): String {
        if (!available) return signer.signUniffi(Identity(userId = userId, email = email))
        val out = answers.get()
        val length = sign(handleOf(signer), userId, userId?.length ?: 0, email, email?.length ?: 0, out.bytes, out.bytes.size)
        Reference.reachabilityFence(signer)
        val text = out.answer(length)
        if (text.failed) {
            // A lone surrogate: the generated call throws the encoder's exception for it.
            if (text.code == "not_utf8") return signer.signUniffi(Identity(userId = userId, email = email))
            throw text.failure()
        }
        return text.ascii()
    }

    /** What the generated `verify` (`now` null) or `verifyAt` returns. */
    fun verify(verifier: Verifier, identity: Identity, token: String, label: String?, now: ULong?): Verified {
        if (!available) {
            return if (now == null) verifier.verifyUniffi(identity, token, label) else verifier.verifyAtUniffi(identity, token, now, label)
        }
        val out = answers.get()
        val userId = identity.userId
        val email = identity.email
        val length = verify(
            handleOf(verifier), userId, userId?.length ?: 0, email, email?.length ?: 0, token, token.length,
            label, label?.length ?: 0, now?.toLong() ?: 0L, now != null, out.bytes, out.bytes.size,
        )
        Reference.reachabilityFence(verifier)
        val text = out.answer(length)
        if (text.failed) {
            if (text.code == "not_utf8") {
                return if (now == null) verifier.verifyUniffi(identity, token, label) else verifier.verifyAtUniffi(identity, token, now, label)
            }
            throw text.failure()
        }
        val verifiedLabel = text.line(out.label)
        val fingerprint = text.line(out.fingerprint)
        val timestamp = text.number()
        val claimed = text.claimed()
        return Verified(
            label = verifiedLabel,
            fingerprint = fingerprint,
            timestamp = timestamp,
            claims = text.field(),
            claimedIdentity = claimed,
        )
    }

    /** What the generated `check` (`now` null) or `checkAt` returns. */
    fun check(gate: Gate, identity: Identity, token: String?, label: String?, now: ULong?): Decision {
        if (!available) {
            return if (now == null) gate.checkUniffi(identity, token, label) else gate.checkAtUniffi(identity, token, now, label)
        }
        val out = answers.get()
        val userId = identity.userId
        val email = identity.email
        val length = check(
            handleOf(gate), userId, userId?.length ?: 0, email, email?.length ?: 0, token, token?.length ?: 0,
            label, label?.length ?: 0, now?.toLong() ?: 0L, now != null, out.bytes, out.bytes.size,
        )
        Reference.reachabilityFence(gate)
        val text = out.answer(length)
        if (text.failed) {
            if (text.code == "not_utf8") {
                return if (now == null) gate.checkUniffi(identity, token, label) else gate.checkAtUniffi(identity, token, now, label)
            }
            throw text.failure()
        }
        val allowed = text.flag()
        val wouldDeny = text.flag()
        val outcome = OUTCOMES[text.word(OUTCOME_NAMES)]
        val enforcement = ENFORCEMENTS[text.word(ENFORCEMENT_NAMES)]
        val verifiedLabel = text.line(out.label).ifEmpty { null }
        val code = text.line()
        val claimed = text.claimed()
        return Decision(
            allowed = allowed,
            outcome = outcome,
            enforcement = enforcement,
            label = verifiedLabel,
            errorCode = if (code.isEmpty()) null else errorCode(code),
            errorMessage = text.field(),
            wouldDenyWhenEnforced = wouldDeny,
            claimedIdentity = claimed,
        )
    }

    /** What the generated `payload` returns: a [Payload] answered from the lane's text. */
    fun payload(signer: PayloadSigner, identity: Identity, platform: String, attributes: Attributes?, at: ULong?, failures: VendorFailures?): Payload {
        if (!available) return signer.payloadUniffi(identity, platform, attributes, at, failures)
        val handle = handleOf(signer)
        val verified = when (attributes?.emailVerified) {
            null -> 0
            false -> 1
            true -> 2
        }
        val out = answers.get()
        val userId = identity.userId
        val email = identity.email
        val name = attributes?.name
        val accountId = attributes?.accountId
        val nonce = attributes?.nonce
        val extraClaims = attributes?.extraClaims
        val length = payload(
            handle, userId, userId?.length ?: 0, email, email?.length ?: 0, platform, platform.length,
            name, name?.length ?: 0, accountId, accountId?.length ?: 0, nonce, nonce?.length ?: 0,
            extraClaims, extraClaims?.length ?: 0, verified, attributes?.expiresIn?.toLong() ?: 0L,
            attributes?.expiresIn != null, at?.toLong() ?: 0L, at != null, if (failures == VendorFailures.RAISE) 1 else 0,
            out.bytes, out.bytes.size,
        )
        Reference.reachabilityFence(signer)
        val text = out.answer(length)
        if (text.failed) {
            // A lone surrogate: the generated call throws the encoder's exception for it.
            if (text.code == "not_utf8") return signer.payloadUniffi(identity, platform, attributes, at, failures)
            throw text.failure()
        }
        val complete = text.flag()
        val count = text.number()?.toInt() ?: 0
        val json = text.field() ?: ""
        val signedFor = text.field() ?: ""
        val entries = ArrayList<PayloadEntry>(count)
        repeat(count) {
            entries.add(
                PayloadEntry(
                    vendor = text.field() ?: "",
                    scheme = text.field() ?: "",
                    payloadKey = text.field() ?: "",
                    token = text.field(),
                    userId = text.field(),
                    email = text.field(),
                    errorCode = text.field()?.let(::errorCode),
                    errorMessage = text.field(),
                ),
            )
        }
        return LanePayload(signedFor, json, complete, entries, signer)
    }

    /** The exception `payload.entry(vendor)` throws on [signer]'s payloads, which lack [vendor]. */
    fun unknownVendor(signer: PayloadSigner, vendor: String): Exception {
        val out = answers.get()
        val length = payloadUnknownVendor(handleOf(signer), vendor, vendor.length, out.bytes, out.bytes.size)
        Reference.reachabilityFence(signer)
        val text = out.answer(length)
        if (text.failed && text.code == "not_utf8") {
            // A lone surrogate: what the generated call's encoder throws for it.
            Charsets.UTF_8.newEncoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .encode(java.nio.CharBuffer.wrap(vendor))
        }
        return text.failure()
    }

    /** The batch's text (token lines, then `!<index> <code> <message>` per failed item), signed at
     *  one time; [data] and [lengths] are direct buffers, not written to during the call. */
    fun signPacked(signer: Signer, fields: PackedFields, data: ByteBuffer, dataLength: Int, lengths: ByteBuffer, lengthsLength: Int): String {
        if (!available) return signer.signPacked(fields, data.slice(0, dataLength), lengths.slice(0, lengthsLength))
        val answer = signPacked(handleOf(signer), fields.ordinal, data, dataLength, lengths, lengthsLength)
        Reference.reachabilityFence(signer)
        val text = String(answer ?: throw OutOfMemoryError("userhash lane: no answer"), Charsets.UTF_8)
        // A whole-batch failure (the clock): the same line as an item's, without an index.
        if (text.startsWith("!") && !text[1].isDigit()) throw failure(text)
        return text
    }

    /** The generated calls counted by the library so far (the guard tests' counter). */
    fun generatedCallCount(): Long = generatedCalls()

    // The natives: private, as they take a raw handle and an array with its length (bound by
    // `Registrar`). A string comes with its length; a small call writes its answer into `out`
    // when it fits in `capacity` bytes and returns its length (see `Out`).
    @JvmStatic
    private external fun sign(handle: Long, userId: String?, userIdLength: Int, email: String?, emailLength: Int, out: ByteArray, capacity: Int): Int

    @JvmStatic
    private external fun verify(
        handle: Long, userId: String?, userIdLength: Int, email: String?, emailLength: Int, token: String?, tokenLength: Int,
        label: String?, labelLength: Int, now: Long, hasNow: Boolean, out: ByteArray, capacity: Int,
    ): Int

    @JvmStatic
    private external fun check(
        handle: Long, userId: String?, userIdLength: Int, email: String?, emailLength: Int, token: String?, tokenLength: Int,
        label: String?, labelLength: Int, now: Long, hasNow: Boolean, out: ByteArray, capacity: Int,
    ): Int

    @JvmStatic
    private external fun payload(
        handle: Long, userId: String?, userIdLength: Int, email: String?, emailLength: Int, platform: String, platformLength: Int,
        name: String?, nameLength: Int, accountId: String?, accountIdLength: Int, nonce: String?, nonceLength: Int,
        extraClaims: String?, extraClaimsLength: Int, emailVerified: Int, expiresIn: Long, hasExpiresIn: Boolean, at: Long,
        hasAt: Boolean, failures: Int, out: ByteArray, capacity: Int,
    ): Int

    @JvmStatic
    private external fun payloadUnknownVendor(handle: Long, vendor: String, vendorLength: Int, out: ByteArray, capacity: Int): Int

    @JvmStatic
    private external fun pending(out: ByteArray, capacity: Int): Int

    @JvmStatic
    private external fun signPacked(handle: Long, fields: Int, data: ByteBuffer, dataLength: Int, lengths: ByteBuffer, lengthsLength: Int): ByteArray?

    @JvmStatic
    private external fun generatedCalls(): Long

    @JvmStatic
    private external fun release(handle: Long)

    @JvmStatic
    private external fun version(): Int
}

/**
 * A payload made by the lane: the generated [Payload]'s API, answered from the lane's text. No
 * native object stands behind it (it is made with the generated class's handle-less
 * constructor), so nothing but the error of a vendor it lacks crosses to Rust; closed, it throws
 * as a closed generated object does.
 */
internal class LanePayload(
    private val platform: String,
    private val json: String,
    private val complete: Boolean,
    private val entries: List<PayloadEntry>,
    private val signer: PayloadSigner,
) : Payload(NoHandle) {
    private fun <T> open(value: T): T {
        if (uniffiIsDestroyed) throw IllegalStateException("Payload object has already been destroyed")
        return value
    }

    override fun platform(): String = open(platform)

    override fun toJson(): String = open(json)

    override fun isComplete(): Boolean = open(complete)

    override fun vendors(): List<String> = open(entries).map { it.vendor }

    override fun entries(): List<PayloadEntry> = ArrayList(open(entries))

    override fun entry(vendor: String): PayloadEntry =
        open(entries).firstOrNull { it.vendor == vendor } ?: throw Lane.unknownVendor(signer, vendor)

    override fun token(vendor: String): String? = entry(vendor).token

    override fun payloadKey(vendor: String): String = entry(vendor).payloadKey
}

/** A lane text read in order from the first [length] bytes of [bytes]: plain lines, then fields
 *  (`-` for none, or a UTF-8 byte length, a newline and the bytes); see lane.rs. Lines that are
 *  flags, numbers and enum names are read without making a `String`. */
private class Answer(private val bytes: ByteArray, private val length: Int) {
    private var at = 0

    val failed: Boolean get() = length > 0 && bytes[0] == '!'.code.toByte()

    /** The failure's code (only when [failed]). */
    val code: String get() {
        var space = 1
        while (space < length && bytes[space] != ' '.code.toByte()) space++
        return String(bytes, 1, space - 1, Charsets.UTF_8)
    }

    fun failure(): Exception = failure(String(bytes, 0, length, Charsets.UTF_8))

    /** The whole text, which is ASCII (a token). */
    fun ascii(): String = String(bytes, 0, length, Charsets.ISO_8859_1)

    /** Where the current line ends. */
    private fun end(): Int {
        var end = at
        while (end < length && bytes[end] != '\n'.code.toByte()) end++
        return end
    }

    /** The line, as [remembered] last made it when its bytes are the same. */
    fun line(remembered: Remembered): String {
        val end = end()
        val text = remembered.text(bytes, at, end)
        at = end + 1
        return text
    }

    fun line(): String {
        val end = end()
        val text = String(bytes, at, end - at, Charsets.UTF_8)
        at = end + 1
        return text
    }

    /** A line `0` or `1`. */
    fun flag(): Boolean {
        val end = end()
        val one = end - at == 1 && bytes[at] == '1'.code.toByte()
        at = end + 1
        return one
    }

    /** A line of decimal digits; null for an empty line. */
    fun number(): ULong? {
        val end = end()
        var value: ULong? = null
        for (index in at until end) value = (value ?: 0uL) * 10uL + (bytes[index] - '0'.code.toByte()).toULong()
        at = end + 1
        return value
    }

    /** The index of this line among [names] (each a word's bytes). */
    fun word(names: Array<ByteArray>): Int {
        val end = end()
        val start = at
        at = end + 1
        for ((index, name) in names.withIndex()) {
            if (java.util.Arrays.equals(bytes, start, end, name, 0, name.size)) return index
        }
        throw IllegalStateException("userhash lane: an unknown word in the answer")
    }

    fun field(): String? {
        val end = end()
        if (end - at == 1 && bytes[at] == '-'.code.toByte()) {
            at = end + 1
            return null
        }
        var size = 0
        for (index in at until end) size = size * 10 + (bytes[index] - '0'.code.toByte())
        at = end + 1
        val text = String(bytes, at, size, Charsets.UTF_8)
        at += size
        return text
    }

    /** The line `0` (none) or `1`, then a user id and an email field. */
    fun claimed(): Identity? {
        val present = flag()
        val userId = field()
        val email = field()
        return if (present) Identity(userId = userId, email = email) else null
    }
}

/** A line's bytes and the `String` made from them, kept to be reused while the line repeats. */
private class Remembered {
    private var bytes = ByteArray(0)
    private var text = ""

    /** The `String` of `source[from, to)`, made only when those bytes are not the last ones. */
    fun text(source: ByteArray, from: Int, to: Int): String {
        if (!java.util.Arrays.equals(bytes, 0, bytes.size, source, from, to)) {
            val copy = source.copyOfRange(from, to)
            text = String(copy, Charsets.UTF_8)
            bytes = copy
        }
        return text
    }
}

/** The values of the gate's enums, and their names as the lane's texts spell them. */
private val OUTCOMES = Outcome.entries.toTypedArray()
private val OUTCOME_NAMES = Array(OUTCOMES.size) { OUTCOMES[it].name.lowercase().toByteArray() }
private val ENFORCEMENTS = Enforcement.entries.toTypedArray()
private val ENFORCEMENT_NAMES = Array(ENFORCEMENTS.size) { ENFORCEMENTS[it].name.lowercase().toByteArray() }
private val ERROR_CODES: Map<String, ErrorCode> = ErrorCode.entries.associateBy { it.name.lowercase() }

/** The [ErrorCode] a lane text names (`empty_field` → `EMPTY_FIELD`). */
private fun errorCode(name: String): ErrorCode =
    ERROR_CODES[name] ?: throw IllegalStateException("userhash lane: an unknown error code")

/** The exception for a lane failure `!<code> <message>`. */
internal fun failure(text: String): Exception {
    val space = text.indexOf(' ').let { if (it < 0) text.length else it }
    return failure(text.substring(1, space), if (space < text.length) text.substring(space + 1) else "")
}

/**
 * The one re-raise of the JVM binding: the [UserHashException] variant for a lane failure's
 * code, with its message (a code of the lane's own, never bad input, is an internal error).
 * Each [ErrorCode] names its variant (`not_utf8` → `UserHashException.NotUtf8`, as
 * `ErrorsTest` checks for every code), so a code added to the core needs nothing here.
 */
internal fun failure(code: String, message: String): Exception {
    val make = VARIANTS[code] ?: return IllegalStateException("userhash lane: $code: $message")
    return make.newInstance(message)
}

/** Each error code's variant constructor, found once by name. */
private val VARIANTS: Map<String, java.lang.reflect.Constructor<out UserHashException>> =
    ErrorCode.entries.associate { errorCode ->
        val variant = errorCode.name.lowercase().split('_').joinToString("") { word -> word.replaceFirstChar(Char::uppercaseChar) }
        val type = Class.forName("dev.userhash.UserHashException$$variant").asSubclass(UserHashException::class.java)
        errorCode.name.lowercase() to type.getConstructor(String::class.java)
    }

// --- The public hot calls: the generated names, through the lane ------------------------------

/**
 * The token for [identity]; timestamped schemes use the current time, and JWTs are issued now.
 * Through the fast lane (a JNI call of a few hundred nanoseconds); the generated JNA call is
 * `signUniffi`.
 */
@Throws(UserHashException::class)
fun Signer.sign(identity: Identity): String = Lane.sign(this, identity.userId, identity.email)

/**
 * Verifies [token] for [identity] now: under every key, or under the key labelled [label] only
 * (e.g. `android` for a request from the Android app). Through the fast lane; the generated JNA
 * call is `verifyUniffi`.
 */
@Throws(UserHashException::class)
fun Verifier.verify(identity: Identity, token: String, label: String? = null): Verified =
    Lane.verify(this, identity, token, label, null)

/** [verify] at the time [now] (Unix seconds). */
@Throws(UserHashException::class)
fun Verifier.verifyAt(identity: Identity, token: String, now: ULong, label: String? = null): Verified =
    Lane.verify(this, identity, token, label, now)

/**
 * Decides on a request now. An absent or empty token counts as missing; a token is always
 * verified, even without an identity. With [label] (the platform the request claims to come
 * from) the token must have been made with that platform's key. Through the fast lane; the
 * generated JNA call is `checkUniffi`.
 */
@Throws(UserHashException::class)
fun Gate.check(identity: Identity, token: String? = null, label: String? = null): Decision =
    Lane.check(this, identity, token, label, null)

/**
 * Every vendor's token for [identity] on [platform] (`web`, `ios`, `android`, ...), each signed
 * with that platform's key (or the one key a vendor says serves every platform). JWT vendors take
 * the [attributes] they have claims for and are issued at [at] (Unix seconds; the clock, read
 * once, when null). A vendor that cannot be signed fails in its slot, or throws its error with
 * [failures] = `RAISE`. A platform no vendor has a key for throws `ConfigUnknownPlatform`.
 * Through the fast lane (one JNI call; the payload is then plain data); the generated JNA call
 * is `payloadUniffi`.
 */
@Throws(UserHashException::class)
fun PayloadSigner.payload(
    identity: Identity,
    platform: String,
    attributes: Attributes? = null,
    at: ULong? = null,
    failures: VendorFailures? = null,
): Payload = Lane.payload(this, identity, platform, attributes, at, failures)

/** [check] at the time [now] (Unix seconds). */
@Throws(UserHashException::class)
fun Gate.checkAt(identity: Identity, token: String?, now: ULong, label: String? = null): Decision =
    Lane.check(this, identity, token, label, now)
