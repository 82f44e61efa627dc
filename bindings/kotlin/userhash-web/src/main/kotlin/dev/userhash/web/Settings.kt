package dev.userhash.web

import dev.userhash.Enforcement

/**
 * The settings every JVM web integration shares, with the Python integrations' names and
 * defaults (`config`, `app`, `env`, `platform`, `vendor`, `enforcement`, `token_header`,
 * `platform_header`, `gate_paths`), checked in one place by [check].
 *
 * A framework reads them its own way (Spring's `userhash.*` properties, Ktor's `install(UserHash)
 * { ... }` block) and names a key its own way in errors, through the `name` function given to
 * [check]. What a platform label, a scheme or a vendor may be is the library's to say, when the
 * settings are used.
 */
data class WebSettings @JvmOverloads constructor(
    /** The userhash TOML config file (apps → environments → vendors → keys). */
    val config: String? = null,
    /** The app of the config file to use. */
    val app: String? = null,
    /** The environment of that app (`production`, `staging`, ...). */
    val env: String? = null,
    /** The platform whose keys sign pages when the request names none (`web`). */
    val platform: String = DEFAULT_PLATFORM,
    /** The vendor whose tokens the gate checks, when the environment has several. */
    val vendor: String? = null,
    /** The gate's mode; `null` when the app does not gate requests. */
    val enforcement: Enforcement? = null,
    /** The request header carrying the token the gate checks. */
    val tokenHeader: String = DEFAULT_TOKEN_HEADER,
    /** The request header naming the platform the request comes from (`web`, `ios`, ...). */
    val platformHeader: String = DEFAULT_PLATFORM_HEADER,
    /** The path prefixes the gate applies to. */
    val gatePaths: List<String> = listOf("/"),
) {
    /**
     * The problems of these settings, each naming the key through [name] (`userhash.token-header`,
     * ...): blank or padded values, a header name that is not one, a path prefix not starting with
     * `/`, a config file without its app and environment. Empty when they can be used.
     */
    fun check(name: (String) -> String): List<Problem> {
        val problems = ArrayList<Problem>()
        fun text(key: String, value: String?) {
            if (value == null) return
            when {
                value.isBlank() -> problems += Problem(name(key), "is ${quoted(value)}", "use a non-empty string")
                value != value.trim() -> problems += Problem(name(key), "is ${quoted(value)}, with surrounding spaces", "remove them")
            }
        }
        text("config", config)
        text("app", app)
        text("env", env)
        text("platform", platform)
        text("vendor", vendor)
        for ((key, header) in listOf("token_header" to tokenHeader, "platform_header" to platformHeader)) {
            if (!isHeaderName(header)) {
                problems += Problem(name(key), "is ${quoted(header)}, not an HTTP header name", "e.g. $DEFAULT_TOKEN_HEADER")
            }
        }
        if (gatePaths.isEmpty()) {
            problems += Problem(name("gate_paths"), "is empty", "give at least one path prefix, e.g. /api/")
        }
        gatePaths.firstOrNull { !it.startsWith("/") }?.let {
            problems += Problem(name("gate_paths"), "holds ${quoted(it)}", "each prefix starts with '/'")
        }
        if (config != null) {
            for (key in listOf("app", "env")) {
                val value = if (key == "app") app else env
                if (value == null) problems += Problem(name(key), "is not set, and the config needs it", "name the $key to use")
            }
        }
        return problems
    }

    /** Whether the gate covers [path] (one of [gatePaths] is its prefix). */
    fun gates(path: String): Boolean = gatePaths.any { path.startsWith(it) }

    companion object {
        /** The default of [platform]. */
        const val DEFAULT_PLATFORM: String = "web"

        /** The default of [tokenHeader], as every userhash integration names it. */
        const val DEFAULT_TOKEN_HEADER: String = "X-UserHash-Token"

        /** The default of [platformHeader]. */
        const val DEFAULT_PLATFORM_HEADER: String = "X-UserHash-Platform"
    }
}

/** One bad setting: which (as the user wrote it), what is wrong, and how to fix it. */
data class Problem(
    /** The setting as the user wrote it: `userhash.enforcement`, ... */
    val setting: String,
    /** What is wrong. */
    val message: String,
    /** How to fix it. */
    val hint: String,
) {
    override fun toString(): String = "$setting: $message ($hint)"
}

/**
 * The settings cannot be used; [problems] names every bad setting. Messages quote settings
 * (never secret: secrets are named by variable or file) and library errors, which never hold a
 * secret either.
 */
class UserHashSettingsException(
    /** Every problem found. */
    val problems: List<Problem>,
) : IllegalStateException("userhash is misconfigured:\n" + problems.joinToString("\n") { "  - $it" })

/** RFC 9110's token: what an HTTP header name may hold. */
private val HEADER_NAME = Regex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

/** Whether [name] is an HTTP header name. */
fun isHeaderName(name: String): Boolean = HEADER_NAME.matches(name)

/** Settings are not secret, but a value quoted back in an error is still kept short. */
private const val QUOTE_LIMIT = 60

/** [value] in quotes, cut short. */
fun quoted(value: String): String {
    val text = "'$value'"
    return if (text.length <= QUOTE_LIMIT) text else text.take(QUOTE_LIMIT - 3) + "..."
}
