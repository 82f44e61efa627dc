package dev.userhash.web

import dev.userhash.Decision
import dev.userhash.ErrorCode
import dev.userhash.Gate
import dev.userhash.Identity
import dev.userhash.Outcome
import dev.userhash.check
import java.util.concurrent.atomic.LongAdder

/**
 * A library [Gate] applied to HTTP requests, shared by the JVM framework integrations; thread-safe.
 *
 * A framework hands over what it found in the request — the user's identity, the raw token and
 * platform header values — and [decide] asks the library's gate (through the fast lane: one JNI
 * call), counts the outcome and says how to answer. The decision itself (verified, missing,
 * invalid, unidentified; allowed or not) is the library's: nothing here judges a token.
 *
 * What never leaves it: the token (not in the answer, not in a log line) and any platform header
 * value that is not a short, plain platform name. The answers and the log line are those of the
 * Python integrations (`userhash._web.gate`), word for word.
 */
class RequestGate(
    /** The library's gate. */
    val gate: Gate,
    /** The header names and paths. */
    val settings: WebSettings,
    /** The vendor whose keys the gate checks, for metrics (`custom` for a gate made in code). */
    val vendor: String,
) {
    /** The gate's mode, read once. */
    val mode: dev.userhash.Enforcement = gate.enforcement()

    private val modeName = mode.name.lowercase()
    private val byOutcome = Array(Outcome.entries.size) { LongAdder() }
    private val checked = LongAdder()
    private val wouldDeny = LongAdder()
    private val denied = LongAdder()

    /** The `WWW-Authenticate` value of a denial: the header that should carry the token. */
    val wwwAuthenticate: String = "UserHash header=\"${settings.tokenHeader}\""

    /**
     * Decides on one request. [identity] is the request's user (`null`: nobody is logged in);
     * [token] and [platform] are the raw header values as the server gave them (absent: `null`).
     */
    fun decide(identity: Identity?, token: String?, platform: String?): Decision {
        val who = identity ?: NOBODY
        val decision = gate.check(who, headerText(token), headerText(platform))
        byOutcome[decision.outcome.ordinal].increment()
        checked.increment()
        if (decision.wouldDenyWhenEnforced) wouldDeny.increment()
        if (!decision.allowed) denied.increment()
        return decision
    }

    /**
     * How many requests were decided, by outcome (`verified`, `missing`, `invalid`,
     * `unidentified`, `not_checked`), plus `checked`, `would_deny` and `denied`; zero counts left
     * out, as the Python integrations report them.
     */
    fun counts(): Map<String, Long> {
        val counts = LinkedHashMap<String, Long>()
        for (outcome in Outcome.entries) {
            val n = byOutcome[outcome.ordinal].sum()
            if (n > 0) counts[OUTCOME_NAMES[outcome.ordinal]] = n
        }
        for ((name, adder) in listOf("checked" to checked, "would_deny" to wouldDeny, "denied" to denied)) {
            val n = adder.sum()
            if (n > 0) counts[name] = n
        }
        return counts
    }

    /**
     * The log line of a decision: `userhash gate (report): would deny POST '/api/echo':
     * outcome=invalid error=mismatch label=None platform=ios [1 would deny, 0 denied, of 5
     * checked]`. The platform is shown only when it looks like a platform name, the path cut
     * short; never the token. Log it at [level]'s level.
     */
    fun logLine(decision: Decision, platform: String?, method: String, path: String): String {
        val verdict = when {
            !decision.allowed -> "denied"
            decision.wouldDenyWhenEnforced -> "would deny"
            else -> "allowed"
        }
        return "userhash gate ($modeName): $verdict $method '${path.take(PATH_LIMIT)}': " +
            "outcome=${outcomeName(decision.outcome)} error=${errorCodeName(decision.errorCode) ?: "None"} " +
            "label=${decision.label ?: "None"} platform=${shownPlatform(headerText(platform))} " +
            "[${wouldDeny.sum()} would deny, ${denied.sum()} denied, of ${checked.sum()} checked]"
    }

    /** Whether a decision is logged as a warning (denied, or would be under enforce), else at debug. */
    fun level(decision: Decision): LogLevel =
        if (!decision.allowed || decision.wouldDenyWhenEnforced) LogLevel.WARNING else LogLevel.DEBUG

    companion object {
        /** The status of a request the gate denies: it lacks valid credentials. */
        const val DENIED_STATUS: Int = 401

        /** Paths are logged, but not without end. */
        private const val PATH_LIMIT = 200

        private val NOBODY = Identity(userId = null, email = null)
        private val OUTCOME_NAMES = Outcome.entries.map { it.name.lowercase() }
        private val ERROR_CODE_NAMES = ErrorCode.entries.map { it.name.lowercase() }
        private val SHOWABLE_PLATFORM = Regex("^[A-Za-z0-9_.-]{1,32}$")

        /** The snake_case name of an outcome (`not_checked`), as every language spells it. */
        @JvmStatic
        fun outcomeName(outcome: Outcome): String = OUTCOME_NAMES[outcome.ordinal]

        /** The snake_case name of an error code (`mismatch`), without a native call. */
        @JvmStatic
        fun errorCodeName(code: ErrorCode?): String? = code?.let { ERROR_CODE_NAMES[it.ordinal] }

        /**
         * The JSON body of a denial: the outcome and the error code, never the token:
         * `{"error": "identity verification failed", "outcome": "invalid", "error_code": "mismatch"}`.
         */
        @JvmStatic
        fun deniedBody(decision: Decision): String {
            val code = errorCodeName(decision.errorCode)?.let { "\"$it\"" } ?: "null"
            return "{\"error\": \"identity verification failed\", \"outcome\": \"${outcomeName(decision.outcome)}\", \"error_code\": $code}"
        }

        /**
         * The platform header for a log line: itself when it looks like a platform name, else
         * only its length (it could be anything an attacker sent, a token included).
         */
        @JvmStatic
        fun shownPlatform(platform: String?): String = when {
            platform == null -> "None"
            SHOWABLE_PLATFORM.matches(platform) -> platform
            else -> "<${platform.length} characters, not shown>"
        }
    }
}

/** The two levels the gate logs at. */
enum class LogLevel {
    /** A request denied, or one enforce would deny. */
    WARNING,

    /** A request let through that enforce would let through too. */
    DEBUG,
}
