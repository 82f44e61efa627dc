/**
 * The cross-language demo: the same input, the same output lines, in every language (the rules
 * are in examples/README.md; examples/python/demo.py is the reference).
 *
 * Reads `examples/demo.json` (or the path given as the only argument) and prints, for every
 * scheme and every identity in file order, one JSON line
 * `{"case": "<scheme name>/<n>", "token": "<token>", "verified": "<label or error code>"}`,
 * byte-identical to Python's `json.dumps` of the same values; then, for the payload of a config
 * built in code from `payload`, one line per platform and identity:
 * `{"case": "payload/<platform>/<n>", "token": "<the payload's JSON>", "verified": "complete"}`
 * (or the first failing vendor's error code).
 */
package dev.userhash.example

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import dev.userhash.ConfigBuilder
import dev.userhash.Identity
import dev.userhash.Keyring
import dev.userhash.Scheme
import dev.userhash.UserHashException
import dev.userhash.Verifier
import dev.userhash.code
import dev.userhash.errorCodeName
import dev.userhash.of
import dev.userhash.payload
import dev.userhash.sign
import dev.userhash.verifyAt
import java.io.File

/** One demo result: [token] is null when signing failed, and [verified] is then its error code. */
data class DemoLine(val case: String, val token: String?, val verified: String) {
    /** The line as Python's `json.dumps` writes it: `", "` and `": "`, ASCII only. */
    fun toJson(): String = """{"case": ${jsonString(case)}, "token": ${jsonString(token)}, "verified": ${jsonString(verified)}}"""
}

/** A JSON string the way Python's `json.dumps` (ensure_ascii) writes it, or `null`. */
fun jsonString(value: String?): String = value?.let { text ->
    buildString {
        append('"')
        for (char in text) {
            when (char) {
                '"' -> append("\\\"")
                '\\' -> append("\\\\")
                '\n' -> append("\\n")
                '\r' -> append("\\r")
                '\t' -> append("\\t")
                '\b' -> append("\\b")
                '\u000c' -> append("\\f")
                in ' '..'~' -> append(char)
                // Every other UTF-16 unit, so astral characters become a surrogate pair, as in Python.
                else -> append("\\u%04x".format(char.code))
            }
        }
        append('"')
    }
} ?: "null"

private fun JsonNode.text(key: String): String? = get(key)?.takeUnless { it.isNull }?.textValue()

/** An unsigned 64-bit field from the exact integer text (never through a double), or null. */
private fun JsonNode.u64(key: String): ULong? = get(key)?.takeUnless { it.isNull }?.bigIntegerValue()?.toString()?.toULong()

/** One result per (scheme, identity), in file order. */
fun demoLines(demo: JsonNode): List<DemoLine> {
    val identities = demo.get("identities").map { Identity(userId = it.text("user_id"), email = it.text("email")) }
    val keys = demo.get("keyring").map { it.text("label")!! to it.text("secret")!! }
    return demo.get("schemes").flatMap { entry ->
        val name = entry.text("name")!!
        val timestamp = entry.u64("timestamp")
        val now = entry.u64("now") ?: 0uL
        Keyring.of(Scheme.parse(entry.text("scheme")!!), *keys.toTypedArray()).use { keyring ->
            val signer = keyring.signer(keys.first().first)
            val verifier = Verifier(keyring)
            identities.mapIndexed { n, identity ->
                val case = "$name/$n"
                val token = try {
                    if (timestamp == null) signer.sign(identity) else signer.signAt(identity, timestamp)
                } catch (error: UserHashException) {
                    return@mapIndexed DemoLine(case, null, errorCodeName(error.code))
                }
                val verified = try {
                    verifier.verifyAt(identity, token, now).label
                } catch (error: UserHashException) {
                    errorCodeName(error.code)
                }
                DemoLine(case, token, verified)
            }.also {
                signer.close()
                verifier.close()
            }
        }
    }
}

/** One payload per (platform, identity), from a config built in code with [ConfigBuilder]. */
fun payloadLines(demo: JsonNode): List<DemoLine> {
    val given = demo.get("payload")
    val app = given.text("app")!!
    val environment = given.text("environment")!!
    var builder = ConfigBuilder()
    for (vendor in given.get("vendors")) {
        builder = builder.vendor(app, environment, vendor.text("name")!!, vendor.text("scheme")!!)
        for (key in vendor.get("keys")) {
            builder = builder.keySecret(key.text("label")!!, key.text("secret")!!)
            key.text("key_id")?.let { builder = builder.keyId(key.text("label")!!, it) }
        }
        vendor.text("all_platforms")?.let { builder = builder.allPlatforms(it) }
    }
    val identities = demo.get("identities").map { Identity(userId = it.text("user_id"), email = it.text("email")) }
    return builder.build().use { config ->
        config.payloadSigner(app, environment).use { signer ->
            given.get("platforms").flatMap { node ->
                val platform = node.textValue()
                identities.mapIndexed { n, identity ->
                    signer.payload(identity, platform, at = given.u64("at")).use { payload ->
                        val failed = payload.entries().firstNotNullOfOrNull { it.errorCode }
                        DemoLine("payload/$platform/$n", payload.toJson(), failed?.let(::errorCodeName) ?: "complete")
                    }
                }
            }
        }
    }
}

fun main(args: Array<String>) {
    val path = File(args.firstOrNull() ?: "examples/demo.json")
    val demo = ObjectMapper().readTree(path)
    for (line in demoLines(demo) + payloadLines(demo)) println(line.toJson())
}
