package dev.userhash.example

import com.fasterxml.jackson.databind.ObjectMapper
import dev.userhash.Identity
import dev.userhash.Keyring
import dev.userhash.Scheme
import dev.userhash.Verifier
import dev.userhash.of
import dev.userhash.verifyAt
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.io.File
import java.util.HexFormat
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/** The cross-language demo's lines: every case, in order, with tokens that verify. */
class DemoTest {
    private val demo = ObjectMapper().readTree(File(System.getProperty("userhash.demo") ?: error("run through Maven")))

    @Test
    fun `one line per scheme and identity, whose tokens verify under the first key`() {
        val lines = demoLines(demo)
        val identities = demo.get("identities").toList()
        assertEquals(
            demo.get("schemes").flatMap { scheme -> identities.indices.map { "${scheme.get("name").textValue()}/$it" } },
            lines.map { it.case },
        )
        val first = demo.get("keyring").get(0)
        val label = first.get("label").textValue()
        val schemes = demo.get("schemes").associateBy { it.get("name").textValue() }
        for (line in lines) {
            val (name, n) = line.case.split("/")
            val entry = schemes.getValue(name)
            val who = identities[n.toInt()]
            val identity = Identity(userId = who.get("user_id").textValue(), email = who.get("email").textValue())
            if (line.token == null) {
                assertEquals("missing_field", line.verified, "$line")
                continue
            }
            val keyring = Keyring.of(Scheme.parse(entry.get("scheme").textValue()), label to first.get("secret").textValue())
            val now = entry.get("now").takeUnless { it.isNull }?.bigIntegerValue()?.toString()?.toULong() ?: 0uL
            assertEquals(label, Verifier(keyring).verifyAt(identity, line.token!!, now).label, "$line")
            assertEquals(label, line.verified, "$line")
        }
        // Intercom's documented rule, independently: HMAC-SHA256(secret, user id), lower hex.
        val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(first.get("secret").textValue().toByteArray(), "HmacSHA256")) }
        val expected = HexFormat.of().formatHex(mac.doFinal(identities[1].get("user_id").textValue().toByteArray()))
        assertEquals(expected, lines.single { it.case == "intercom/1" }.token)
    }

    @Test
    fun `one payload line per platform and identity, each vendor under its client parameter`() {
        val lines = payloadLines(demo)
        val identities = demo.get("identities").toList()
        val payload = demo.get("payload")
        assertEquals(
            payload.get("platforms").flatMap { platform -> identities.indices.map { "payload/${platform.textValue()}/$it" } },
            lines.map { it.case },
        )
        val intercomKeys = payload.get("vendors").get(0).get("keys").associate { it.get("label").textValue() to it.get("secret").textValue() }
        for (line in lines) {
            val (_, platform, n) = line.case.split("/")
            val who = identities[n.toInt()]
            val body = ObjectMapper().readTree(line.token)
            assertEquals(payload.get("vendors").map { it.get("name").textValue() }, body.fieldNames().asSequence().toList())
            // Intercom's hash with the platform's own key, computed independently.
            val signed = (who.get("user_id").textValue() ?: who.get("email").textValue()).toByteArray()
            val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(intercomKeys.getValue(platform).toByteArray(), "HmacSHA256")) }
            assertEquals(HexFormat.of().formatHex(mac.doFinal(signed)), body.get("intercom").get("user_hash").textValue())
            val failed = body.elements().asSequence().mapNotNull { it.get("error")?.textValue() }.firstOrNull()
            assertEquals(failed ?: "complete", line.verified, "$line")
        }
    }

    @Test
    fun `lines are written as Python's json dumps writes them`() {
        assertEquals(
            """{"case": "a/0", "token": null, "verified": "missing_field"}""",
            DemoLine("a/0", null, "missing_field").toJson(),
        )
        // ensure_ascii: \uXXXX per UTF-16 unit (an astral character is a surrogate pair), short escapes.
        assertEquals(""""ren\u00e9e \ud83e\udd80 \u6771 \"q\" \\ \n\t\u0000\u007f /"""", jsonString("renée 🦀 東 \"q\" \\ \n\t\u0000\u007f /"))
    }
}
