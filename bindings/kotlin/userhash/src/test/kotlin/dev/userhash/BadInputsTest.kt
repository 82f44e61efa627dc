package dev.userhash

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import java.nio.charset.CharacterCodingException

/**
 * The bad-input matrix (testdata/bad-inputs.json, next to the vectors; format in testdata/README.md):
 * every row marked for `kotlin`, one dynamic test per row id. A bad input must throw the
 * [UserHashException] variant of exactly its code, a tricky valid input must give exactly its token
 * or label, and no message may show a secret or the token. A row marked `known_bug` is reported
 * as skipped while it still fails, and fails once it passes.
 *
 * Text that UTF-8 cannot encode (a String with a lone surrogate) is refused by the generated
 * bindings before any native call: uniffi's string lowering encodes with a reporting
 * `CharsetEncoder`, which throws `java.nio.charset.MalformedInputException`, a
 * [CharacterCodingException] whose message is only "Input length = 1".
 */
class BadInputsTest {
    private val doc: JsonNode = ObjectMapper().readTree(Vectors.dir.resolveSibling("bad-inputs.json").toFile())
    private val canary = doc.get("canary")

    /** One row; [text] reads a text input: a string, `{"repeat", "count"}` or `{"utf16": [...]}`. */
    private class Row(node: JsonNode) {
        val id: String = node.get("id").textValue()
        val operation: String = node.get("operation").textValue()
        val expect: JsonNode = node.get("expect")
        val knownBug: String? = node.get("known_bug")?.textValue()
        val languages: List<String> = node.get("languages").map { it.textValue() }
        private val inputs = node.get("inputs")

        fun text(key: String): String? = text(inputs.get(key))

        fun required(key: String): String = text(key) ?: error("$id: no $key")

        /** An unsigned 64-bit input, read from the exact integer (never through a double). */
        fun u64(key: String): ULong? = inputs.get(key)?.takeUnless { it.isNull }?.bigIntegerValue()?.toString()?.toULong()

        /** A signed field: the freshness windows, which the rows make negative. */
        fun i64(key: String): Long? = inputs.get(key)?.takeUnless { it.isNull }?.longValue()

        val keys: List<Pair<String, String>>
            get() = inputs.get("keyring")?.map { text(it.get("label"))!! to text(it.get("secret"))!! } ?: emptyList()

        val identity: Identity get() = Identity(userId = text("user_id"), email = text("email"))

        override fun toString() = id

        companion object {
            fun text(node: JsonNode?): String? = when {
                node == null || node.isNull -> null
                node.isTextual -> node.textValue()
                node.has("repeat") -> node.get("repeat").textValue().repeat(node.get("count").intValue())
                else -> String(node.get("utf16").map { it.intValue().toChar() }.toCharArray())
            }
        }
    }

    private fun scheme(row: Row) = Scheme.parse(row.required("scheme"))

    private fun keyring(row: Row): Keyring = Keyring.of(scheme(row), *row.keys.toTypedArray())

    private fun verifier(row: Row): Verifier {
        val default = defaultFreshness()
        val freshness = Freshness(
            maxAgeSeconds = row.i64("max_age") ?: default.maxAgeSeconds,
            maxFutureSkewSeconds = row.i64("max_future_skew") ?: default.maxFutureSkewSeconds,
        )
        return keyring(row).use { Verifier(it, freshness) }
    }

    private fun now(row: Row): ULong = row.u64("now") ?: error("$row: no now")

    /** The row's operation, and what it returns when it does not throw. */
    private fun run(row: Row): Any {
        val label = row.text("label")
        return when (row.operation) {
            "scheme" -> scheme(row).close()
            "secret" -> Signer(scheme(row), row.required("secret")).close()
            "sign" -> Signer(scheme(row), row.required("secret")).use { it.sign(row.identity) }
            "sign_guarded" -> Signer(scheme(row), row.required("secret")).use { signer ->
                signer.withJwtInputGuard().use { it.sign(row.identity) }
            }
            "sign_at" -> Signer(scheme(row), row.required("secret")).use { it.signAt(row.identity, row.u64("timestamp")!!) }
            "keyring" -> verifier(row).close()
            "signer" -> keyring(row).use { it.signer(row.required("label")) }.close()
            "verify" -> verifier(row).use { it.verify(row.identity, row.required("token"), label) }
            "verify_at" -> verifier(row).use { it.verifyAt(row.identity, row.required("token"), now(row), label) }
            "explain_at" -> verifier(row).use { it.explainAt(row.identity, row.required("token"), now(row), label) }
            else -> error("$row: unknown operation ${row.operation}")
        }
    }

    /** Every string the row treats as secret or as the token: none may reach a message. */
    private fun hidden(row: Row): List<String> {
        val hex = canary.get("hex").textValue()
        return (listOf(canary.get("secret").textValue(), hex, hex.uppercase(), row.text("secret"), row.text("token")) +
            row.keys.map { it.second }).filterNotNull().filter { it.isNotEmpty() }
    }

    private fun assertHidden(row: Row, error: Throwable) {
        for (shown in listOf(error.message ?: "", error.toString(), error.stackTraceToString())) {
            for (secret in hidden(row)) assertFalse(secret in shown, "$row: ${secret.take(20)}... shown in $shown")
        }
    }

    private fun check(row: Row) {
        val expect = row.expect
        when {
            expect.has("error") -> {
                val error = assertThrows<UserHashException>("$row succeeded") { run(row) }
                assertEquals(expect.get("error").textValue(), errorCodeName(error.code), "$row: $error")
                assertHidden(row, error)
            }
            expect.has("host_error") -> {
                assertEquals("unencodable_text", expect.get("host_error").textValue())
                val error = assertThrows<CharacterCodingException>("$row succeeded") { run(row) }
                assertHidden(row, error)
            }
            expect.has("token") -> assertEquals(expect.get("token").textValue(), run(row), "$row")
            else -> assertEquals(expect.get("label").textValue(), (run(row) as Verified).label, "$row")
        }
    }

    private val rows: List<Row> = doc.get("rows").map { Row(it) }.filter { "kotlin" in it.languages }

    @TestFactory
    fun `every row gives its code or its value`(): List<DynamicTest> {
        assertTrue(rows.size >= 70, "only ${rows.size} rows for kotlin")
        return rows.map { row ->
            dynamicTest(row.id) {
                if (row.knownBug != null) {
                    // A strict expected failure: skipped while it fails, an error once it passes.
                    assertTrue(runCatching { check(row) }.isFailure, "$row passes now: remove its known_bug")
                    assumeTrue(false) { "known bug: ${row.knownBug}" }
                }
                check(row)
            }
        }
    }
}
