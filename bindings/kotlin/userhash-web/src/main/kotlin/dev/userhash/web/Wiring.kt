package dev.userhash.web

import dev.userhash.Config
import dev.userhash.ConfigBuilder
import dev.userhash.Gate
import dev.userhash.UserHashException
import dev.userhash.code

/**
 * One vendor written in a framework's own settings instead of a config file (Spring's
 * `userhash.vendors.<name>.*`, Ktor's `vendor(...) { ... }`), built through the library's
 * [ConfigBuilder], so it is checked exactly as the file would be.
 */
data class VendorSettings @JvmOverloads constructor(
    /** The scheme: a preset name (`intercom`) or a custom spec. */
    val scheme: String? = null,
    /** The keys by label (`web`, `ios`, ...), each naming where its secret is. */
    val keys: Map<String, KeySettings> = emptyMap(),
    /** The label of the one key that serves every platform (the file's `all_platforms`). */
    val allPlatforms: String? = null,
    /** The JSON member holding this vendor's token in a payload (the file's `payload_key`). */
    val payloadKey: String? = null,
    /** The largest accepted token age in seconds (timestamped schemes and JWTs). */
    val maxAgeSeconds: Long? = null,
    /** The largest accepted lead over the clock in seconds. */
    val maxFutureSkewSeconds: Long? = null,
)

/** Where one key's secret is: an environment variable or a file, never the secret itself. */
data class KeySettings @JvmOverloads constructor(
    /** The environment variable holding the secret. */
    val env: String? = null,
    /** The file holding the secret. */
    val file: String? = null,
    /** The JWT key id (`kid`) of this key. */
    val keyId: String? = null,
)

/**
 * From checked settings to the working parts, as every integration wires them: the config (a
 * file, or vendors written in the settings), the payload source of its app and environment, and
 * the gate over one of its vendors. Each step reads what it needs (the config's secrets are read
 * when the payload signer or the verifier is made, so a missing variable stops the app at
 * start-up) and throws [UserHashSettingsException] naming every setting in the way.
 *
 * [name] spells a settings key the way the framework's user wrote it; keys are the Python
 * integrations' (`config`, `app`, `env`, `vendor`, `vendors`, `enforcement`, ...).
 */
class Wiring(
    /** The settings, checked by [WebSettings.check] first. */
    val settings: WebSettings,
    /** Vendors written in the settings (empty with a config file). */
    val vendors: Map<String, VendorSettings>,
    /** How the framework names a key. */
    val name: (String) -> String,
) {
    init {
        val problems = settings.check(name).toMutableList()
        if (settings.config != null && vendors.isNotEmpty()) {
            problems += Problem(name("vendors"), "is set together with ${name("config")}", "keep the keys in one place: the config file or the vendors")
        }
        if (problems.isNotEmpty()) throw UserHashSettingsException(problems)
    }

    /** The app the config is read for (vendors in the settings: `app` or `default`). */
    val app: String = settings.app ?: DEFAULT_APP

    /** The environment the config is read for (vendors in the settings: `env` or `default`). */
    val env: String = settings.env ?: DEFAULT_ENV

    /** The config: the file, or the vendors in the settings. */
    fun config(): Config {
        settings.config?.let { path ->
            return settingsError("config") { Config.load(path) }
        }
        if (vendors.isEmpty()) {
            throw UserHashSettingsException(
                listOf(Problem(name("config"), "is not set, and no vendors are", "set ${name("config")} (with ${name("app")} and ${name("env")}), or ${name("vendors")}")),
            )
        }
        val problems = ArrayList<Problem>()
        var builder = ConfigBuilder()
        for ((vendor, described) in vendors) {
            val key = "vendors.$vendor"
            val scheme = described.scheme
            if (scheme.isNullOrBlank()) {
                problems += Problem(name("$key.scheme"), "is not set", "name a preset (intercom, zendesk, ...) or a custom scheme")
                continue
            }
            if (described.keys.isEmpty()) {
                problems += Problem(name("$key.keys"), "has no key", "add one, e.g. ${name("$key.keys.web.env")} naming the variable that holds the secret")
                continue
            }
            builder = builder.vendor(app, env, vendor, scheme)
            for ((label, where) in described.keys) {
                val at = "$key.keys.$label"
                when {
                    where.env != null && where.file != null ->
                        problems += Problem(name(at), "names both an env variable and a file", "keep one")
                    where.env != null -> builder = builder.keyEnv(label, where.env)
                    where.file != null -> builder = builder.keyFile(label, where.file)
                    else -> problems += Problem(name(at), "names no secret", "set ${name("$at.env")} (a variable) or ${name("$at.file")}")
                }
                where.keyId?.let { builder = builder.keyId(label, it) }
            }
            described.allPlatforms?.let { builder = builder.allPlatforms(it) }
            described.payloadKey?.let { builder = builder.payloadKey(it) }
            described.maxAgeSeconds?.let { builder = builder.maxAgeSeconds(it) }
            described.maxFutureSkewSeconds?.let { builder = builder.maxFutureSkewSeconds(it) }
        }
        if (problems.isNotEmpty()) throw UserHashSettingsException(problems)
        return settingsError("vendors") { builder.build() }
    }

    /** What signs payloads for the app's environment (reads every secret it names). */
    fun payloads(config: Config): PayloadSource =
        PayloadSource(settingsError(configKey) { config.payloadSigner(app, env) }, settings)

    /**
     * The gate over [vendor] (the environment's only vendor when `null`) in the settings' mode;
     * the settings must name a mode (a gate never runs in one nobody chose).
     */
    fun requestGate(config: Config): RequestGate {
        val mode = settings.enforcement ?: throw UserHashSettingsException(
            listOf(Problem(name("enforcement"), "is not set, and the gate needs a mode", "set it to off, report or enforce")),
        )
        val verifier = settingsError(configKey) { config.verifier(app, env, settings.vendor) }
        val vendor = settings.vendor ?: config.vendorNames(app, env).singleOrNull() ?: CUSTOM_VENDOR
        return RequestGate(Gate(verifier, mode), settings, vendor)
    }

    /** The key a config error is about: the file or the vendors. */
    private val configKey: String get() = if (settings.config != null) "config" else "vendors"

    /** Runs [block], turning a library error into a problem of the setting it is about. */
    private fun <T> settingsError(default: String, block: () -> T): T = try {
        block()
    } catch (error: UserHashException) {
        val code = RequestGate.errorCodeName(error.code) ?: ""
        val key = SETTING_OF_CODE[code] ?: default
        // The library's messages name the file, the key path and the variable, never a secret.
        throw UserHashSettingsException(listOf(Problem(name(key), "$code: ${error.message}", "fix the setting or the config it names")))
    }

    companion object {
        /** The app name of vendors written in the settings, when `app` is not set. */
        const val DEFAULT_APP: String = "default"

        /** The environment name of vendors written in the settings, when `env` is not set. */
        const val DEFAULT_ENV: String = "default"

        /** The vendor tag of a gate whose verifier was made in code. */
        const val CUSTOM_VENDOR: String = "custom"

        /** Which setting a config error is about, by its code. */
        private val SETTING_OF_CODE = mapOf(
            "config_unknown_app" to "app",
            "config_unknown_environment" to "env",
            "config_unknown_vendor" to "vendor",
        )
    }
}
