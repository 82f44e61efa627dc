package dev.userhash

/**
 * Static entry points for Java servers (and any JVM language) over the generated API.
 *
 * Kotlin code rarely needs this object: it calls `Scheme.byName`, `Signer(...)`, `signer.signAt`
 * and so on directly. Java needs it for four reasons, and each function here is one delegation
 * (no rule lives here):
 * - the generated named constructors are `Scheme.Companion.byName(...)` from Java;
 * - the generated constructors (`new Signer(...)`, ...) declare no checked exception, so javac
 *   refuses a `catch (UserHashException.EmptySecret e)` around them; the factories here declare
 *   [UserHashException];
 * - methods taking an unsigned `ULong` (`signAt`, `verifyAt`, `checkAt`, `explainAt`) get JVM
 *   names that Java cannot spell;
 * - the fast single-identity signing (`signUserId`, `signEmail`) is a Kotlin extension function,
 *   `signer.sign(userId, email)`, which Java would have to call through `ExtensionsKt`.
 *
 * Times are Unix seconds as a Java `long` read as **unsigned 64-bit** (as in
 * `Long.parseUnsignedLong`), so the whole range of the Rust `u64` is reachable.
 *
 * ```java
 * Signer signer = UserHash.signer(UserHash.scheme("intercom"), System.getenv("INTERCOM_SECRET"));
 * String hash = UserHash.signUserId(signer, "42");   // as signer.sign(new Identity("42", null)), faster
 * ```
 */
object UserHash {
    /** The preset named [nameOrSpec] (`intercom`, `helpshift`, ...), or a custom one-line spec
     *  such as `subject=user_id_and_email,output=base64`. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun scheme(nameOrSpec: String): Scheme = Scheme.parse(nameOrSpec)

    /** A signer for [scheme] keyed by the dashboard [secret]; share one across threads. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun signer(scheme: Scheme, secret: String): Signer = Signer(scheme, secret)

    /** An empty keyring for [scheme]; add keys with `withKey(label, secret)`, which returns a new
     *  keyring (order matters: the first matching label wins). */
    @JvmStatic
    @Throws(UserHashException::class)
    fun keyring(scheme: Scheme): Keyring = Keyring(scheme)

    /** A verifier over [keyring] with the [freshness] policy (null: the default). */
    @JvmStatic
    @JvmOverloads
    @Throws(UserHashException::class)
    fun verifier(keyring: Keyring, freshness: Freshness? = null): Verifier = Verifier(keyring, freshness)

    /** A rollout gate over [verifier] under [enforcement]. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun gate(verifier: Verifier, enforcement: Enforcement): Gate = Gate(verifier, enforcement)

    /** A custom scheme from its parts, for a vendor without a preset. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun scheme(
        subject: Subject,
        keyEncoding: KeyEncoding,
        encoding: Encoding,
        timestamp: TimestampPlacement,
    ): Scheme = Scheme.custom(subject, keyEncoding, encoding, timestamp)

    /** The names of every preset, in catalogue order. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun presetNames(): List<String> = dev.userhash.presetNames()

    /** Every preset's parts and provenance, in catalogue order. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun presets(): List<SchemeInfo> = dev.userhash.presets()

    /** The config file at [path] (apps, environments, vendors, keys named by environment variable
     *  or file), checked; secrets are read when a keyring, verifier or payload signer is made. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun loadConfig(path: String): Config = Config.load(path)

    /** An empty config builder, for a framework that keeps its settings elsewhere. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun configBuilder(): ConfigBuilder = ConfigBuilder()

    /** Every configured vendor's token for [identity] on [platform] (`web`, `ios`, ...), issued
     *  now, each vendor's failure in its slot. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun payload(signer: PayloadSigner, identity: Identity, platform: String): Payload =
        signer.payload(identity, platform)

    /** [payload] with JWT [attributes] (null: none), issued at [at] (unsigned Unix seconds; null:
     *  now), and [failures] choosing whether a vendor's failure is in its slot or thrown. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun payload(
        signer: PayloadSigner,
        identity: Identity,
        platform: String,
        attributes: Attributes?,
        at: Long?,
        failures: VendorFailures,
    ): Payload = signer.payload(identity, platform, attributes, at?.toULong(), failures)

    /** The token for [identity] stamped with [unixSeconds] (timestamped schemes only). */
    @JvmStatic
    @Throws(UserHashException::class)
    fun signAt(signer: Signer, identity: Identity, unixSeconds: Long): String =
        signer.signAt(identity, unixSeconds.toULong())

    /** The token for [identity]: `signer.sign(identity)` in Kotlin, through the fast lane (one
     *  JNI call), where the generated `signer.signUniffi(identity)` costs tens of microseconds
     *  through JNA. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun sign(signer: Signer, identity: Identity): String = signer.sign(identity)

    /** The token for [userId], what `sign(signer, new Identity(userId, null))` returns, through the
     *  fast lane. Errors are `sign`'s (see `Signer.sign(userId, email)`). */
    @JvmStatic
    @Throws(UserHashException::class)
    fun signUserId(signer: Signer, userId: String): String = signer.sign(userId = userId)

    /** The token for [email], what `sign(signer, new Identity(null, email))` returns, through the
     *  fast lane (see [signUserId]). */
    @JvmStatic
    @Throws(UserHashException::class)
    fun signEmail(signer: Signer, email: String): String = signer.sign(email = email)

    /** The tokens for many user ids, in order, signed in one call across to Rust (see
     *  `Signer.signMany`); a bad id throws what `sign` throws for it, prefixed `item <index>: `. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun signMany(signer: Signer, userIds: List<String>): List<String> = signer.signMany(userIds)

    /** [signMany] with null in the slot of each id that cannot be signed. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun signManyOrNull(signer: Signer, userIds: List<String>): List<String?> = signer.signManyOrNull(userIds)

    /** The tokens for many identities, in order, signed in one call across to Rust. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun signManyIdentities(signer: Signer, identities: List<Identity>): List<String> = signer.signMany(identities)

    /** A freshness policy: how old, and how far ahead of the verifier's clock, a timestamped
     *  token (or JWT) may be, in seconds, and whether a JWT must carry `exp`. The seconds are
     *  signed, never converted: a negative window (or one above its ceiling, 30 days of age or
     *  one hour of skew) makes [verifier] throw `UserHashException.InvalidFreshness`. */
    @JvmStatic
    @JvmOverloads
    fun freshness(maxAgeSeconds: Long, maxFutureSkewSeconds: Long, requireExp: Boolean = true): Freshness =
        Freshness(maxAgeSeconds, maxFutureSkewSeconds, requireExp)

    /** The default freshness policy (one hour old, five minutes ahead). */
    @JvmStatic
    @Throws(UserHashException::class)
    fun defaultFreshness(): Freshness = dev.userhash.defaultFreshness()

    /** Verifies [token] for [identity] now: under any key of the verifier, or under the key
     *  labelled [label] only (the platform the request claims to come from). Through the fast
     *  lane. */
    @JvmStatic
    @JvmOverloads
    @Throws(UserHashException::class)
    fun verify(verifier: Verifier, identity: Identity, token: String, label: String? = null): Verified =
        verifier.verify(identity, token, label)

    /** The gate's decision on a request now; a null or empty [token] counts as missing. With
     *  [label], the request comes from that platform and its token must be made with its key. */
    @JvmStatic
    @JvmOverloads
    @Throws(UserHashException::class)
    fun check(gate: Gate, identity: Identity, token: String?, label: String? = null): Decision =
        gate.check(identity, token, label)

    /** Verifies [token] for [identity] at [now]: under any key of the verifier, or under the key
     *  labelled [label] only (the platform the request claims to come from). */
    @JvmStatic
    @JvmOverloads
    @Throws(UserHashException::class)
    fun verifyAt(
        verifier: Verifier,
        identity: Identity,
        token: String,
        now: Long,
        label: String? = null,
    ): Verified = verifier.verifyAt(identity, token, now.toULong(), label)

    /** Why [token] does or does not verify for [identity] at [now]; [expectedLabel] is the
     *  platform the request claims to come from. */
    @JvmStatic
    @JvmOverloads
    @Throws(UserHashException::class)
    fun explainAt(
        verifier: Verifier,
        identity: Identity,
        token: String,
        now: Long,
        expectedLabel: String? = null,
    ): Diagnosis = verifier.explainAt(identity, token, now.toULong(), expectedLabel)

    /** The gate's decision on a request at [now]; a null or empty [token] counts as missing. With
     *  [label], the request comes from that platform and its token must be made with its key. */
    @JvmStatic
    @JvmOverloads
    @Throws(UserHashException::class)
    fun checkAt(
        gate: Gate,
        identity: Identity,
        token: String?,
        now: Long,
        label: String? = null,
    ): Decision = gate.checkAt(identity, token, now.toULong(), label)

    /** The token's timestamp (unsigned Unix seconds), or null for schemes without one. */
    @JvmStatic
    fun timestamp(verified: Verified): Long? = verified.timestamp?.toLong()

    /** The cause of [error] as data: the [ErrorCode] matching its variant. */
    @JvmStatic
    fun errorCode(error: UserHashException): ErrorCode = error.code

    /** The stable snake_case name of [code] (`empty_secret`, `mismatch`, ...), as the CLI, the
     *  logs and every other language spell it. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun errorCodeName(code: ErrorCode): String = dev.userhash.errorCodeName(code)
}
