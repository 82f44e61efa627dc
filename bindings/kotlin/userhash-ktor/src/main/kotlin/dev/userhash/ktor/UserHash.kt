package dev.userhash.ktor

import dev.userhash.Decision
import dev.userhash.Identity
import dev.userhash.web.LogLevel
import dev.userhash.web.PayloadSource
import dev.userhash.web.Problem
import dev.userhash.web.RequestGate
import dev.userhash.web.UnknownPlatformException
import dev.userhash.web.UserHashSettingsException
import dev.userhash.web.WebSettings
import dev.userhash.web.Wiring
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationCall
import io.ktor.server.application.createApplicationPlugin
import io.ktor.server.application.createRouteScopedPlugin
import io.ktor.server.application.hooks.CallFailed
import io.ktor.server.request.httpMethod
import io.ktor.server.request.path
import io.ktor.server.response.header
import io.ktor.server.response.respondText
import io.ktor.util.AttributeKey
import org.slf4j.Logger

/**
 * userhash for a Ktor application: `install(UserHash) { ... }` ([UserHashConfig]) checks the
 * settings, loads the config (a file or vendors written there) and reads every secret it names
 * when the application starts, so a bad setting stops it with [UserHashSettingsException] naming
 * the setting. Then [userHashPayload] gives a call's user's payload, and [UserHashGate], installed
 * in a route, gates the requests to it.
 *
 * A payload asked for a platform that no configured vendor has keys for is answered with 400 and
 * `{"error": "unknown platform"}`, as every userhash integration answers it.
 */
val UserHash = createApplicationPlugin("UserHash", ::UserHashConfig) {
    val given = pluginConfig
    val settings = WebSettings(
        config = given.config,
        app = given.app,
        env = given.env,
        platform = given.platform,
        vendor = given.vendor,
        enforcement = given.enforcement,
        tokenHeader = given.tokenHeader,
        platformHeader = given.platformHeader,
    )
    val identity = given.identity ?: throw UserHashSettingsException(
        listOf(Problem("UserHash.identity", "is not set, and the payload and the gate need the call's user", "add identity { call -> Identity(...) or null }")),
    )
    val wiring = Wiring(settings, given.vendors.toMap(), ::settingName)
    val config = wiring.config()
    val payloads = wiring.payloads(config)
    val gate = if (settings.enforcement != null) wiring.requestGate(config) else null
    application.attributes.put(STATE, UserHashState(payloads, gate, identity, given.logger))

    on(CallFailed) { call, cause ->
        if (cause is UnknownPlatformException) {
            call.respondText(UnknownPlatformException.BODY, ContentType.Application.Json, HttpStatusCode.BadRequest)
        }
    }
}

/**
 * The gate on the routes it is installed in (`route("/api") { install(UserHashGate); ... }`),
 * in the mode `install(UserHash) { enforcement = ... }` set.
 *
 * For each call, the call's user, the token header (`X-UserHash-Token`) and the platform header
 * (`X-UserHash-Platform`; absent: any of the vendor's keys) go to the library's gate, through the
 * fast lane. A call enforce denies gets 401, `WWW-Authenticate: UserHash header="X-UserHash-Token"`
 * and `{"error": "identity verification failed", "outcome": "invalid", "error_code": "mismatch"}`
 * — never the token; report mode lets every call through and logs each one enforce would deny,
 * with the running counts. The decision rides on the call: [userHashDecision].
 */
val UserHashGate = createRouteScopedPlugin("UserHashGate") {
    val state = application.attributes.getOrNull(STATE) ?: throw UserHashSettingsException(
        listOf(Problem("install(UserHash)", "is missing, and a route installs UserHashGate", "install(UserHash) { ... } in the application first")),
    )
    val gate = state.gate ?: throw UserHashSettingsException(
        listOf(Problem(settingName("enforcement"), "is not set, and a route installs UserHashGate", "set it to OFF, REPORT or ENFORCE")),
    )
    val tokenHeader = gate.settings.tokenHeader
    val platformHeader = gate.settings.platformHeader
    onCall { call ->
        val platform = call.request.headers[platformHeader]
        val decision = gate.decide(state.identity(call), call.request.headers[tokenHeader], platform)
        call.attributes.put(DECISION, decision)
        state.log(gate, decision, platform, call)
        if (!decision.allowed) {
            call.response.header(HttpHeaders.WWWAuthenticate, gate.wwwAuthenticate)
            call.respondText(RequestGate.deniedBody(decision), ContentType.Application.Json, HttpStatusCode.Unauthorized)
        }
    }
}

/** What `install(UserHash)` made, on the application's attributes: [userHash]. */
class UserHashState internal constructor(
    /** What signs payloads. */
    val payloads: PayloadSource,
    /** The gate, when `enforcement` is set. */
    val gate: RequestGate?,
    private val identity: suspend (ApplicationCall) -> Identity?,
    private val logger: Logger,
) {
    /** The call's user, as the `identity { ... }` setting finds it. */
    suspend fun identity(call: ApplicationCall): Identity? = identity.invoke(call)

    /** The gate's decisions so far, by outcome (empty without a gate). */
    fun counts(): Map<String, Long> = gate?.counts() ?: emptyMap()

    internal fun log(gate: RequestGate, decision: Decision, platform: String?, call: ApplicationCall) {
        val warn = gate.level(decision) == LogLevel.WARNING
        if (if (warn) !logger.isWarnEnabled else !logger.isDebugEnabled) return
        val line = gate.logLine(decision, platform, call.request.httpMethod.value, call.request.path())
        if (warn) logger.warn(line) else logger.debug(line)
    }
}

/** What `install(UserHash)` made; fails when the plugin is not installed. */
val Application.userHash: UserHashState
    get() = attributes.getOrNull(STATE) ?: error("install(UserHash) { ... } first")

/**
 * The call's user's payload — every configured vendor's token, each signed with the key of the
 * call's platform (the `X-UserHash-Platform` header, else the `platform` setting) — as JSON, or
 * `null` when nobody is logged in. Made once per call and platform. A platform that no vendor has
 * keys for throws [UnknownPlatformException], which the plugin answers with 400.
 */
suspend fun ApplicationCall.userHashPayload(): String? {
    val state = application.userHash
    val platform = request.headers[state.payloads.settings.platformHeader]
    val cached = attributes.getOrNull(PAYLOAD)
    if (cached != null && cached.platform == platform) return cached.json
    val json = state.payloads.payloadJson(state.identity(this), platform)
    attributes.put(PAYLOAD, CachedPayload(platform, json))
    return json
}

/** The gate's decision on this call, or `null` when no gate saw it. */
val ApplicationCall.userHashDecision: Decision?
    get() = attributes.getOrNull(DECISION)

/** A setting as written in `install(UserHash) { ... }`: `token_header` as `UserHash.tokenHeader`. */
private fun settingName(key: String): String {
    val dot = key.indexOf('.')
    val first = if (dot < 0) key else key.substring(0, dot)
    val camel = first.split('_').mapIndexed { i, part -> if (i == 0) part else part.replaceFirstChar(Char::uppercaseChar) }.joinToString("")
    return "UserHash.$camel" + if (dot < 0) "" else key.substring(dot)
}

private class CachedPayload(val platform: String?, val json: String?)

private val STATE = AttributeKey<UserHashState>("userhash.state")
private val DECISION = AttributeKey<Decision>("userhash.decision")
private val PAYLOAD = AttributeKey<CachedPayload>("userhash.payload")
