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
        is UserHashException.UnsupportedAlgorithm -> ErrorCode.UNSUPPORTED_ALGORITHM
        is UserHashException.MissingKeyId -> ErrorCode.MISSING_KEY_ID
        is UserHashException.UnknownKeyId -> ErrorCode.UNKNOWN_KEY_ID
        is UserHashException.MissingClaim -> ErrorCode.MISSING_CLAIM
        is UserHashException.InvalidClaim -> ErrorCode.INVALID_CLAIM
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
