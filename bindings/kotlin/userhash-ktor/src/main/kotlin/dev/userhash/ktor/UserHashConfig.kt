package dev.userhash.ktor

import dev.userhash.Enforcement
import dev.userhash.Identity
import dev.userhash.web.KeySettings
import dev.userhash.web.VendorSettings
import dev.userhash.web.WebSettings
import io.ktor.server.application.ApplicationCall
import org.slf4j.Logger
import org.slf4j.LoggerFactory

/**
 * The settings of `install(UserHash) { ... }`: those of every userhash web integration (a config
 * file or vendors written here, the app and environment, the gate's mode and headers), and how a
 * call's user is found.
 *
 * ```kotlin
 * install(UserHash) {
 *     config = "/etc/acme/userhash.toml"; app = "acme"; env = "production"
 *     vendor = "intercom"                       // whose tokens the gate checks
 *     enforcement = Enforcement.REPORT          // off, report, enforce; unset: no gate
 *     identity { call -> call.principal<UserIdPrincipal>()?.let { Identity(userId = it.name) } }
 * }
 * ```
 */
class UserHashConfig {
    /** The userhash TOML config file (apps, environments, vendors, keys). */
    var config: String? = null

    /** The app of the config file to use. */
    var app: String? = null

    /** The environment of that app (`production`, `staging`, ...). */
    var env: String? = null

    /** The platform whose keys sign payloads when the request names none. */
    var platform: String = WebSettings.DEFAULT_PLATFORM

    /** The vendor whose tokens the gate checks, when the environment has several. */
    var vendor: String? = null

    /** The gate's mode; unset: no gate (a route that installs [UserHashGate] then fails to start). */
    var enforcement: Enforcement? = null

    /** The request header carrying the token the gate checks. */
    var tokenHeader: String = WebSettings.DEFAULT_TOKEN_HEADER

    /** The request header naming the platform a request comes from. */
    var platformHeader: String = WebSettings.DEFAULT_PLATFORM_HEADER

    /** Where the gate logs (WARN for what it denies or would deny, DEBUG for the rest). */
    var logger: Logger = LoggerFactory.getLogger("userhash.ktor")

    internal val vendors = LinkedHashMap<String, VendorSettings>()
    internal var identity: (suspend (ApplicationCall) -> Identity?)? = null

    /** How a call's user is found: an [Identity], or `null` when nobody is logged in. */
    fun identity(resolve: suspend (ApplicationCall) -> Identity?) {
        identity = resolve
    }

    /**
     * A vendor written here instead of in a config file, built through the library's
     * `ConfigBuilder` (so checked as the file would be):
     *
     * ```kotlin
     * vendor("intercom", scheme = "intercom") {
     *     keyEnv("web", "ACME_INTERCOM_WEB_SECRET")
     *     keyFile("ios", "/run/secrets/acme-intercom-ios")
     * }
     * ```
     */
    fun vendor(name: String, scheme: String, describe: VendorConfig.() -> Unit) {
        vendors[name] = VendorConfig(scheme).apply(describe).settings()
    }
}

/** One vendor written in `install(UserHash) { vendor(...) { ... } }`. */
class VendorConfig internal constructor(private val scheme: String) {
    private val keys = LinkedHashMap<String, KeySettings>()

    /** The label of the one key that serves every platform. */
    var allPlatforms: String? = null

    /** The JSON member holding this vendor's token in a payload (default: the scheme's). */
    var payloadKey: String? = null

    /** The largest accepted token age in seconds. */
    var maxAgeSeconds: Long? = null

    /** The largest accepted lead of a token's time over the clock, in seconds. */
    var maxFutureSkewSeconds: Long? = null

    /** The key [label] (a platform: `web`, `ios`, ...), its secret in the environment variable [variable]. */
    fun keyEnv(label: String, variable: String, keyId: String? = null) {
        keys[label] = KeySettings(env = variable, keyId = keyId)
    }

    /** The key [label], its secret in the file [path]. */
    fun keyFile(label: String, path: String, keyId: String? = null) {
        keys[label] = KeySettings(file = path, keyId = keyId)
    }

    internal fun settings() = VendorSettings(scheme, keys.toMap(), allPlatforms, payloadKey, maxAgeSeconds, maxFutureSkewSeconds)
}
