package dev.userhash.web

import dev.userhash.Enforcement
import dev.userhash.Gate
import dev.userhash.Identity
import dev.userhash.Keyring
import dev.userhash.Scheme
import dev.userhash.Verifier
import dev.userhash.of
import dev.userhash.web.testing.Site
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The framework-neutral parts, without a server (the sites' contracts run them over HTTP). */
class WebTest {
    private fun gate(mode: Enforcement) = RequestGate(
        Gate(Verifier(Keyring.of(Scheme.byName("intercom"), "web" to Site.WEB_SECRET)), mode),
        WebSettings(enforcement = mode),
        "intercom",
    )

    @Test
    fun headerBytesAreReadAsUtf8() {
        // What a server hands over for the bytes of "é" (UTF-8), read as ISO-8859-1.
        assertEquals("é", headerText(String("é".toByteArray(), Charsets.ISO_8859_1)))
        assertEquals("w\uFFFDeb", headerText(String(byteArrayOf(0x77, 0xff.toByte(), 0x65, 0x62), Charsets.ISO_8859_1)))
        assertEquals("web", headerText("web"))
        assertEquals("日本", headerText("日本"))
        assertNull(headerText(null))
    }

    @Test
    fun theScriptElementCannotBeEndedByItsData() {
        val element = scriptElement("{\"name\":\"</script><!--&\"}", "user\"hash", "n<1>")
        assertEquals(
            "<script type=\"application/json\" id=\"user&quot;hash\" nonce=\"n&lt;1&gt;\">" +
                "{\"name\":\"\\u003C/script\\u003E\\u003C!--\\u0026\"}</script>",
            element,
        )
        assertFalse(scriptElement("{}").contains("nonce"))
    }

    @Test
    fun theDenialNamesTheOutcomeAndNeverTheToken() {
        val forged = "a".repeat(64)
        val decision = gate(Enforcement.ENFORCE).decide(Identity(userId = "42"), forged, "web")
        val body = RequestGate.deniedBody(decision)
        assertEquals("{\"error\": \"identity verification failed\", \"outcome\": \"invalid\", \"error_code\": \"mismatch\"}", body)
        assertFalse(decision.allowed)
    }

    @Test
    fun theLogLineHidesWhatIsNotAPlatformName() {
        val gate = gate(Enforcement.REPORT)
        val decision = gate.decide(Identity(userId = "42"), "b".repeat(64), "b".repeat(64))
        val line = gate.logLine(decision, "b".repeat(64), "POST", "/api/" + "p".repeat(300))
        assertFalse(line.contains("b".repeat(32)), line)
        assertTrue(line.startsWith("userhash gate (report): would deny POST '/api/ppp"), line)
        assertTrue(line.contains("platform=<64 characters, not shown>"), line)
        assertTrue(line.contains("[1 would deny, 0 denied, of 1 checked]"), line)
        assertEquals(LogLevel.WARNING, gate.level(decision))
        assertEquals(mapOf("invalid" to 1L, "checked" to 1L, "would_deny" to 1L), gate.counts())
    }

    @Test
    fun badSettingsAreEachNamed() {
        val settings = WebSettings(config = "x.toml", platform = " web", tokenHeader = "X Token", gatePaths = listOf("api"))
        val problems = settings.check { "userhash.$it" }.map { it.setting }
        assertEquals(listOf("userhash.platform", "userhash.token_header", "userhash.gate_paths", "userhash.app", "userhash.env"), problems)
        assertEquals(emptyList<Problem>(), WebSettings().check { it })
    }

    @Test
    fun vendorsAndAConfigFileConflict() {
        val error = assertThrows(UserHashSettingsException::class.java) {
            Wiring(WebSettings(config = "x.toml", app = "a", env = "e"), mapOf("intercom" to VendorSettings("intercom")), { "userhash.$it" })
        }
        assertEquals("userhash.vendors", error.problems.single().setting)
    }

    @Test
    fun aVendorWithoutASecretIsNamed() {
        val vendors = mapOf("intercom" to VendorSettings("intercom", mapOf("web" to KeySettings())))
        val error = assertThrows(UserHashSettingsException::class.java) { Wiring(WebSettings(), vendors, { "userhash.$it" }).config() }
        assertEquals("userhash.vendors.intercom.keys.web", error.problems.single().setting)
    }
}
