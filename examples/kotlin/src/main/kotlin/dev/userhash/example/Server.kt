/**
 * A small identity-verification server on the JDK's built-in HTTP server: the app server's side
 * (`POST /login` returns the user's hash) and the auth server's side (`POST /verify` runs the
 * rollout gate) of userhash, the same two endpoints as examples/python/server.py.
 *
 * ```sh
 * USERHASH_SECRET_WEB=... USERHASH_SECRET_IOS=... \
 *   java -cp "target/classes:$(cat target/classpath.txt)" dev.userhash.example.ServerKt --port 8080
 * ```
 *
 * Configuration comes from the environment only, and secrets are never logged or echoed:
 * - `USERHASH_SCHEME`: preset name or custom spec (default `intercom`);
 * - `USERHASH_ENFORCEMENT`: `off` | `report` | `enforce` (default `report`);
 * - `USERHASH_SECRET_<P>`: the secret of platform `<P>`; `USERHASH_SECRET_WEB` is label `web`.
 *
 * The first line on stdout is `listening on http://127.0.0.1:PORT` (`--port 0` picks a free
 * port). It binds 127.0.0.1 only.
 */
package dev.userhash.example

import com.fasterxml.jackson.core.JsonProcessingException
import com.fasterxml.jackson.databind.DeserializationFeature
import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import dev.userhash.Enforcement
import dev.userhash.Gate
import dev.userhash.Identity
import dev.userhash.Keyring
import dev.userhash.Outcome
import dev.userhash.Scheme
import dev.userhash.Signer
import dev.userhash.UserHashException
import dev.userhash.Verifier
import dev.userhash.checkAt
import dev.userhash.code
import dev.userhash.errorCodeName
import dev.userhash.of
import dev.userhash.sign
import java.net.InetAddress
import java.net.InetSocketAddress
import java.time.Instant
import java.util.concurrent.Executors
import kotlin.system.exitProcess

private const val SECRET_PREFIX = "USERHASH_SECRET_"
private const val MAX_BODY_BYTES = 64 * 1024

/** The environment does not describe a usable configuration. */
class ConfigException(message: String) : Exception(message)

/** Everything the handlers share. userhash objects are immutable and thread-safe. */
class Config(val schemeName: String, val keyring: Keyring, val gate: Gate, val verifier: Verifier) {
    /** One signer per platform, made once: the HMAC key state is precomputed in each. */
    val signers: Map<String, Signer> = keyring.labels().associateWith { keyring.signer(it) }

    companion object {
        /** Builds the keyring and gate from `USERHASH_*` variables; messages never include a secret. */
        fun fromEnv(env: Map<String, String>): Config {
            val schemeName = env["USERHASH_SCHEME"] ?: "intercom"
            val mode = env["USERHASH_ENFORCEMENT"] ?: "report"
            val enforcement = Enforcement.entries.find { it.name == mode.uppercase() }
                ?: throw ConfigException("USERHASH_ENFORCEMENT='$mode': use off, report or enforce")
            val keys = env.keys.filter { it.startsWith(SECRET_PREFIX) }.sorted()
                .map { name -> name.removePrefix(SECRET_PREFIX).lowercase() to env.getValue(name) }
            if (keys.isEmpty()) throw ConfigException("no secrets: set ${SECRET_PREFIX}WEB, ${SECRET_PREFIX}IOS, ...")
            try {
                val keyring = Keyring.of(Scheme.parse(schemeName), *keys.toTypedArray())
                val verifier = Verifier(keyring)
                return Config(schemeName, keyring, Gate(verifier, enforcement), verifier)
            } catch (error: UserHashException) {
                // The message names the scheme or label, never the secret.
                throw ConfigException("${errorCodeName(error.code)}: ${error.message}")
            }
        }
    }
}

/** The request body is not what the endpoint expects. */
private class BadRequest(message: String) : Exception(message)

/** The two endpoints. One instance serves every request thread. */
class Endpoints(private val config: Config) {
    private val json = ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)

    fun handle(exchange: HttpExchange) {
        try {
            val (status, payload) = try {
                route(exchange)
            } catch (error: BadRequest) {
                400 to mapOf("error" to error.message)
            }
            val body = json.writeValueAsBytes(payload)
            exchange.responseHeaders.add("Content-Type", "application/json")
            exchange.sendResponseHeaders(status, body.size.toLong())
            exchange.responseBody.write(body)
            // Method, path and status only: bodies (identities, hashes) stay out of the log.
            System.err.println("${exchange.remoteAddress.address.hostAddress} ${exchange.requestMethod} ${exchange.requestURI.path} $status")
        } finally {
            exchange.close()
        }
    }

    private fun route(exchange: HttpExchange): Pair<Int, Map<String, Any?>> {
        val endpoint: ((JsonNode) -> Pair<Int, Map<String, Any?>>)? = when (exchange.requestURI.path) {
            "/login" -> ::login
            "/verify" -> ::verify
            else -> null
        }
        return when {
            endpoint == null -> 404 to mapOf("error" to "no route ${exchange.requestURI.path}")
            exchange.requestMethod != "POST" -> 405 to mapOf("error" to "use POST")
            else -> endpoint(readJson(exchange))
        }
    }

    private fun readJson(exchange: HttpExchange): JsonNode {
        val bytes = exchange.requestBody.readNBytes(MAX_BODY_BYTES + 1)
        if (bytes.size > MAX_BODY_BYTES) throw BadRequest("body over $MAX_BODY_BYTES bytes")
        val body = try {
            if (bytes.isEmpty()) json.createObjectNode() else json.readTree(bytes)
        } catch (error: JsonProcessingException) {
            throw BadRequest("body is not JSON: ${error.originalMessage}")
        }
        if (body == null || !body.isObject) throw BadRequest("body must be a JSON object")
        return body
    }

    private fun field(body: JsonNode, name: String): String? {
        val value = body.get(name)
        return when {
            value == null || value.isNull -> null
            value.isTextual -> value.textValue()
            else -> throw BadRequest("$name must be a string or null")
        }
    }

    /** The hash for the logged-in user, made with the platform's secret (the body stands in for a session). */
    private fun login(body: JsonNode): Pair<Int, Map<String, Any?>> {
        val identity = Identity(userId = field(body, "user_id"), email = field(body, "email"))
        val platform = field(body, "platform")?.takeIf { it.isNotEmpty() } ?: "web"
        return try {
            // An unknown platform goes to the keyring, whose error names the label.
            val userHash = config.signers[platform]?.sign(identity.userId, identity.email)
                ?: config.keyring.signer(platform).use { it.sign(identity) }
            200 to mapOf("user_id" to identity.userId, "email" to identity.email, "user_hash" to userHash)
        } catch (error: UserHashException) {
            400 to mapOf("error_code" to errorCodeName(error.code), "error" to error.message)
        }
    }

    /** The rollout gate's decision, and the `explain` summary when the hash did not verify. */
    private fun verify(body: JsonNode): Pair<Int, Map<String, Any?>> {
        val identity = Identity(userId = field(body, "user_id"), email = field(body, "email"))
        val token = field(body, "user_hash")
        val platform = field(body, "platform")
        val now = Instant.now().epochSecond.toULong()
        val decision = try {
            when (platform) {
                null -> config.gate.checkAt(identity, token, now)
                else -> config.gate.checkAt(identity, token, now, platform)
            }
        } catch (error: UserHashException) {
            return 400 to mapOf("error_code" to errorCodeName(error.code), "error" to error.message)
        }
        val diagnosis = if (decision.outcome == Outcome.INVALID && !token.isNullOrEmpty()) {
            try {
                config.verifier.explainAt(identity, token, now, platform).summary
            } catch (error: UserHashException) {
                decision.errorMessage // e.g. an unknown platform: the decision already says why
            }
        } else {
            null
        }
        val payload = mapOf(
            "allowed" to decision.allowed,
            "outcome" to decision.outcome.name.lowercase(),
            "enforcement" to decision.enforcement.name.lowercase(),
            "label" to decision.label,
            "error_code" to decision.errorCode?.let { errorCodeName(it) },
            "would_deny_when_enforced" to decision.wouldDenyWhenEnforced,
            "diagnosis" to diagnosis,
        )
        return (if (decision.allowed) 200 else 403) to payload
    }
}

/** An HTTP server for [config] on 127.0.0.1:[port] (0 picks a free port), started. */
fun serve(config: Config, port: Int): HttpServer {
    val server = HttpServer.create(InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0)
    val endpoints = Endpoints(config)
    server.createContext("/") { endpoints.handle(it) }
    server.executor = Executors.newFixedThreadPool(8)
    server.start()
    return server
}

fun main(args: Array<String>) {
    val port = when {
        args.isEmpty() -> 8080
        args.size == 2 && args[0] == "--port" -> args[1].toIntOrNull()
        else -> null
    }
    if (port == null || port !in 0..65535) {
        System.err.println("usage: server [--port PORT]   (0 picks a free port; default 8080)")
        exitProcess(2)
    }
    val config = try {
        Config.fromEnv(System.getenv())
    } catch (error: ConfigException) {
        System.err.println("server: ${error.message}")
        exitProcess(2)
    }
    val server = serve(config, port)
    Runtime.getRuntime().addShutdownHook(Thread { server.stop(0) })
    println("listening on http://127.0.0.1:${server.address.port}")
    System.out.flush()
    // Labels and fingerprints name the keys in the log; the secrets never appear.
    val keys = config.keyring.labels().joinToString(", ") { "$it (${config.keyring.fingerprint(it)})" }
    System.err.println("scheme ${config.schemeName}, enforcement ${config.gate.enforcement().name.lowercase()}, keys $keys")
    // The server's threads keep the JVM running until it is stopped (SIGTERM runs the hook).
}
