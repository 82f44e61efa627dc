package dev.userhash

/**
 * The cause of this exception as data: the [ErrorCode] matching its variant, e.g. for a metric
 * label (`errorCodeName(e.code)` gives the snake_case name every language and the CLI use).
 */
val UserHashException.code: ErrorCode
    get() = when (this) {
        is UserHashException.UnknownScheme -> ErrorCode.UNKNOWN_SCHEME
        is UserHashException.InvalidScheme -> ErrorCode.INVALID_SCHEME
        is UserHashException.EmptySecret -> ErrorCode.EMPTY_SECRET
        is UserHashException.InvalidHexSecret -> ErrorCode.INVALID_HEX_SECRET
        is UserHashException.Unidentified -> ErrorCode.UNIDENTIFIED
        is UserHashException.MissingField -> ErrorCode.MISSING_FIELD
        is UserHashException.EmptyField -> ErrorCode.EMPTY_FIELD
        is UserHashException.IdentifierTooLong -> ErrorCode.IDENTIFIER_TOO_LONG
        is UserHashException.TimestampNotApplicable -> ErrorCode.TIMESTAMP_NOT_APPLICABLE
        is UserHashException.InvalidLabel -> ErrorCode.INVALID_LABEL
        is UserHashException.DuplicateLabel -> ErrorCode.DUPLICATE_LABEL
        is UserHashException.UnknownLabel -> ErrorCode.UNKNOWN_LABEL
        is UserHashException.EmptyKeyring -> ErrorCode.EMPTY_KEYRING
        is UserHashException.MalformedToken -> ErrorCode.MALFORMED_TOKEN
        is UserHashException.MissingTimestamp -> ErrorCode.MISSING_TIMESTAMP
        is UserHashException.Mismatch -> ErrorCode.MISMATCH
        is UserHashException.Expired -> ErrorCode.EXPIRED
        is UserHashException.FromTheFuture -> ErrorCode.FROM_THE_FUTURE
        is UserHashException.ClockBeforeEpoch -> ErrorCode.CLOCK_BEFORE_EPOCH
        is UserHashException.InvalidFreshness -> ErrorCode.INVALID_FRESHNESS
        is UserHashException.UnsupportedAlgorithm -> ErrorCode.UNSUPPORTED_ALGORITHM
        is UserHashException.MissingKeyId -> ErrorCode.MISSING_KEY_ID
        is UserHashException.UnknownKeyId -> ErrorCode.UNKNOWN_KEY_ID
        is UserHashException.MissingClaim -> ErrorCode.MISSING_CLAIM
        is UserHashException.InvalidClaim -> ErrorCode.INVALID_CLAIM
        is UserHashException.NotUtf8 -> ErrorCode.NOT_UTF8
        is UserHashException.MalformedBatch -> ErrorCode.MALFORMED_BATCH
        is UserHashException.JwtSigningInput -> ErrorCode.JWT_SIGNING_INPUT
        is UserHashException.ConfigUnreadable -> ErrorCode.CONFIG_UNREADABLE
        is UserHashException.ConfigInvalid -> ErrorCode.CONFIG_INVALID
        is UserHashException.ConfigUnknownApp -> ErrorCode.CONFIG_UNKNOWN_APP
        is UserHashException.ConfigUnknownEnvironment -> ErrorCode.CONFIG_UNKNOWN_ENVIRONMENT
        is UserHashException.ConfigUnknownVendor -> ErrorCode.CONFIG_UNKNOWN_VENDOR
        is UserHashException.ConfigUnknownPlatform -> ErrorCode.CONFIG_UNKNOWN_PLATFORM
        is UserHashException.SecretUnavailable -> ErrorCode.SECRET_UNAVAILABLE
        is UserHashException.ConfigSharedKey -> ErrorCode.CONFIG_SHARED_KEY
    }

/**
 * A keyring for [scheme] holding [keys] (label to secret) in the order given; the first matching
 * label wins on verification. The intermediate keyrings are closed as it goes.
 *
 * ```kotlin
 * val keyring = Keyring.of(scheme, "ios" to iosSecret, "android" to androidSecret)
 * ```
 */
@Throws(UserHashException::class)
fun Keyring.Companion.of(scheme: Scheme, vararg keys: Pair<String, String>): Keyring {
    var keyring = Keyring(scheme)
    for ((label, secret) in keys) {
        keyring = keyring.use { it.withKey(label, secret) }
    }
    return keyring
}

/**
 * The token for this identity, what `sign(Identity(userId, email))` returns, through the fast
 * lane (one JNI call: a few hundred nanoseconds, where the generated `signUniffi` takes tens of
 * microseconds through JNA; figures in docs/benchmarks.md). Give the fields the scheme signs: the
 * user id, the email, or both.
 *
 * ```kotlin
 * val signer = Signer(Scheme.byName("intercom"), secret)   // make once, share across threads
 * signer.sign("42")                                         // the user id
 * helpScoutSigner.sign(email = "ada@example.com")
 * ```
 *
 * Errors are the generated `sign`'s: the [UserHashException] for an empty or absent field, one
 * over the length limit (and the encoder's `CharacterCodingException` for a lone surrogate). A
 * closed signer throws `IllegalStateException`.
 */
@Throws(UserHashException::class)
fun Signer.sign(userId: String? = null, email: String? = null): String = Lane.sign(this, userId, email)

/**
 * The tokens for many user ids, in order: what `userIds.map { sign(Identity(userId = it)) }`
 * gives, at a fraction of the cost per id. The whole batch crosses to Rust in one JNI call as one
 * buffer of UTF-8 and one of lengths, is signed on every core, and comes back as one array of
 * bytes (the fast lane's packed batch).
 * With [field] = [PackedFields.EMAIL] each string is an email instead.
 *
 * A bad item (an empty id, one over the length limit) throws the [UserHashException] that `sign`
 * throws for it, its message prefixed with `item <index>: `; [signManyOrNull] gives `null` in its
 * slot instead. Timestamped schemes stamp every item with one time: the clock is read once
 * per call.
 */
@Throws(UserHashException::class)
fun Signer.signMany(userIds: List<String>, field: PackedFields = PackedFields.USER_ID): List<String> {
    val batch = signPackedStrings(userIds, field)
    batch.throwFirstFailure()
    @Suppress("UNCHECKED_CAST")
    return batch.tokens as List<String>
}

/** [signMany] with `null` in the slot of each item that cannot be signed. */
@Throws(UserHashException::class)
fun Signer.signManyOrNull(userIds: List<String>, field: PackedFields = PackedFields.USER_ID): List<String?> =
    signPackedStrings(userIds, field).tokens

/**
 * The tokens for many identities, in order: what `identities.map { sign(it) }` gives, with the
 * batch crossing to Rust as one buffer each way. Bad items as for [signMany].
 */
@JvmName("signManyIdentities")
@Throws(UserHashException::class)
fun Signer.signMany(identities: List<Identity>): List<String> {
    val batch = signPackedIdentities(identities)
    batch.throwFirstFailure()
    @Suppress("UNCHECKED_CAST")
    return batch.tokens as List<String>
}

/** [signMany] over identities, with `null` in the slot of each item that cannot be signed. */
@JvmName("signManyIdentitiesOrNull")
@Throws(UserHashException::class)
fun Signer.signManyOrNull(identities: List<Identity>): List<String?> = signPackedIdentities(identities).tokens

/** A failed item of a packed batch: its index, code and message. */
internal class ItemFailure(val index: Int, val code: String, val message: String)

/** The tokens of a packed batch, `null` where an item failed, and the failures in input order. */
internal class SignedBatch(val tokens: List<String?>, val failures: List<ItemFailure>) {
    /** Throws what `sign` throws for the first failed item, with its index in the message. */
    fun throwFirstFailure() {
        val first = failures.firstOrNull() ?: return
        throw failure(first.code, "item ${first.index}: ${first.message}")
    }
}

/** The length that marks an absent field in a packed batch (`packed_absent_length()`). */
private const val ABSENT = -1 // 0xFFFFFFFF as a signed 32-bit int

/**
 * Packs UTF-8 fields into one direct buffer and their lengths into another (the layout
 * `signPacked` reads). ASCII strings, the common case, are copied char by char into a reused
 * heap array; others go through a strict encoder, which rejects a lone surrogate as the
 * generated bindings do.
 */
internal class Packer(fields: Int, estimatedBytes: Int) {
    private var data = ByteArray(maxOf(16, estimatedBytes))
    private var size = 0
    private val lengths = java.nio.ByteBuffer.allocateDirect(4 * fields).order(java.nio.ByteOrder.LITTLE_ENDIAN)
    private val encoder = Charsets.UTF_8.newEncoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)

    /** The packed bytes so far: the data and the lengths (for the protocol's shared vectors). */
    fun bytes(): Pair<ByteArray, ByteArray> {
        val packedLengths = ByteArray(lengths.position())
        lengths.duplicate().flip().get(packedLengths)
        return data.copyOf(size) to packedLengths
    }

    fun absent() {
        lengths.putInt(ABSENT)
    }

    fun add(text: String) {
        val length = text.length
        reserve(length)
        var at = size
        for (i in 0 until length) {
            val char = text[i]
            if (char.code >= 0x80) {
                addEncoded(text)
                return
            }
            data[at++] = char.code.toByte()
        }
        size = at
        lengths.putInt(length)
    }

    private fun addEncoded(text: String) {
        val encoded = encoder.encode(java.nio.CharBuffer.wrap(text))
        val length = encoded.remaining()
        reserve(length)
        encoded.get(data, size, length)
        size += length
        lengths.putInt(length)
    }

    private fun reserve(extra: Int) {
        if (size + extra > data.size) {
            data = data.copyOf(maxOf(data.size * 2, size + extra))
        }
    }

    /** Signs through the fast lane's packed batch and reads the result back. */
    fun sign(signer: Signer, fields: PackedFields, count: Int): SignedBatch {
        val direct = java.nio.ByteBuffer.allocateDirect(maxOf(size, 1))
        direct.put(data, 0, size).flip()
        lengths.flip()
        return unpack(Lane.signPacked(signer, fields, direct, size, lengths, lengths.limit()), count)
    }
}

/** Reads the batch's text: [count] token lines (empty where an item failed), then one
 *  `!<index> <code> <message>` line per failed item. */
internal fun unpack(text: String, count: Int): SignedBatch {
    val tokens = ArrayList<String?>(count)
    val failures = ArrayList<ItemFailure>()
    var start = 0
    while (start < text.length) {
        val end = text.indexOf('\n', start)
        if (end < 0) throw IllegalStateException("the batch's text does not end with a newline")
        if (tokens.size < count) {
            tokens.add(if (end == start) null else text.substring(start, end))
        } else {
            val space = text.indexOf(' ', start)
            val second = text.indexOf(' ', space + 1).let { if (it < 0 || it > end) end else it }
            val message = if (second < end) text.substring(second + 1, end) else ""
            failures.add(ItemFailure(text.substring(start + 1, space).toInt(), text.substring(space + 1, second), message))
        }
        start = end + 1
    }
    if (tokens.size != count) throw IllegalStateException("the batch returned ${tokens.size} lines for $count items")
    return SignedBatch(tokens, failures)
}

private fun Signer.signPackedStrings(items: List<String>, field: PackedFields): SignedBatch {
    require(field != PackedFields.USER_ID_AND_EMAIL) { "field must be USER_ID or EMAIL" }
    if (items.isEmpty()) return SignedBatch(emptyList(), emptyList())
    val packer = Packer(items.size, items.size * 16)
    items.forEachIndexed { index, item -> atItem(index) { packer.add(item) } }
    return packer.sign(this, field, items.size)
}

private fun Signer.signPackedIdentities(items: List<Identity>): SignedBatch {
    if (items.isEmpty()) return SignedBatch(emptyList(), emptyList())
    val packer = Packer(2 * items.size, items.size * 32)
    items.forEachIndexed { index, identity ->
        atItem(index) {
            identity.userId?.let(packer::add) ?: packer.absent()
            identity.email?.let(packer::add) ?: packer.absent()
        }
    }
    return packer.sign(this, PackedFields.USER_ID_AND_EMAIL, items.size)
}

/** Packs one item; a lone surrogate throws what `sign` throws for it (the encoder's
 *  [java.nio.charset.MalformedInputException]), its message prefixed with the item's index, as
 *  every other bad item's is. */
private inline fun atItem(index: Int, pack: () -> Unit) {
    try {
        pack()
    } catch (malformed: java.nio.charset.MalformedInputException) {
        throw MalformedItemException(index, malformed.inputLength)
    }
}

/** The encoder's exception for a batch item that is not valid Unicode, naming the item. */
private class MalformedItemException(private val index: Int, length: Int) :
    java.nio.charset.MalformedInputException(length) {
    override val message: String get() = "item $index: ${super.message}"
}
