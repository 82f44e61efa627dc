package dev.userhash.web.testing

import dev.userhash.web.testing.Site.assertDenied
import dev.userhash.web.testing.Site.sign
import java.security.SecureRandom
import java.util.HexFormat
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The gate under `enforce`, as an attacker tries it: what passes, and every forged, empty,
 * oversized or undecodable input denied with a typed outcome (the Python suites' scenarios).
 */
abstract class EnforceContract : SiteContract() {
    private fun denied(answer: Answer, outcome: String, errorCode: String?) = assertDenied(answer, outcome, errorCode, SENT)

    @Test
    fun aGenuineTokenForTheUserPasses() {
        val answer = call(loggedIn(), sign("ada", "ada@example.com"), "web")
        assertEquals(mapOf("ok" to true, "outcome" to "verified"), answer.json(), answer.text)
    }

    @Test
    fun withoutAPlatformAnyKeyVerifies() {
        val answer = call(loggedIn(), sign("ada", "ada@example.com", Site.IOS_SECRET))
        assertEquals(mapOf("ok" to true, "outcome" to "verified"), answer.json())
    }

    @Test
    fun aUserWithoutATokenIsDenied() = denied(call(loggedIn()), "missing", null)

    @Test
    fun aForgedTokenIsDenied() = denied(call(loggedIn(), forged(), "web"), "invalid", "mismatch")

    @Test
    fun anotherUsersTokenIsDenied() = denied(call(loggedIn(), sign("somebody-else", null), "web"), "invalid", "mismatch")

    @Test
    fun anotherPlatformsKeyIsDenied() =
        denied(call(loggedIn(), sign("ada", "ada@example.com", Site.IOS_SECRET), "web"), "invalid", "mismatch")

    @Test
    fun anUnknownPlatformHeaderIsDenied() = denied(call(loggedIn(), sign("ada", "ada@example.com"), "tv"), "invalid", "unknown_label")

    @Test
    fun aNonUtf8PlatformHeaderIsDenied() {
        val platform = byteArrayOf('w'.code.toByte(), 0xff.toByte(), 'e'.code.toByte(), 'b'.code.toByte())
        denied(call(loggedIn(), sign("ada", "ada@example.com"), platform), "invalid", "unknown_label")
    }

    @Test
    fun aNonUtf8TokenIsDenied() {
        val genuine = sign("ada", "ada@example.com").toByteArray()
        val token = genuine.copyOf(genuine.size - 2) + byteArrayOf(0xc3.toByte(), 0x28)
        denied(call(loggedIn(), token, "web"), "invalid", "malformed_token")
    }

    @Test
    fun aNonAsciiTokenIsDenied() = denied(call(loggedIn(), "é".repeat(32), "web"), "invalid", "malformed_token")

    @Test
    fun aHundredKilobyteTokenIsRefused() {
        val token = "A".repeat(100_000)
        val answer = call(loggedIn(), token, "web")
        if (answer.status == 401) {
            denied(answer, "invalid", "malformed_token") // the server let it through: the library refuses it
        } else {
            // The server's header limit: 431 or 400, or the connection closed unanswered.
            assertTrue(answer.status in listOf(400, 431, RawHttp.DROPPED), answer.toString().take(300))
        }
        assertFalse(answer.text.contains("A".repeat(32)))
    }

    @Test
    fun aLongTokenIsMalformed() {
        // Under every JVM server's default header limit (8 KiB).
        denied(call(loggedIn(), "a".repeat(6_000), "web"), "invalid", "malformed_token")
    }

    @Test
    fun anAnonymousVisitorWithoutATokenPasses() {
        assertEquals(mapOf("ok" to true, "outcome" to "unidentified"), call(client()).json())
    }

    @Test
    fun aTokenWithoutAUserIsDenied() = denied(call(client(), sign("42", null), "web"), "invalid", "unidentified")

    @Test
    fun aUserWithNeitherIdNorEmailAndATokenIsDenied() {
        val client = client().also { it.login("-", null) }
        denied(call(client, sign("42", null), "web"), "invalid", "unidentified")
    }

    @Test
    fun ungatedPathsAreNotChecked() {
        assertEquals(mapOf("ok" to true), loggedIn().get("/public").json())
    }

    @Test
    fun deniedRequestsAreCounted() {
        val before = counts()
        repeat(3) { call(loggedIn(), forged(), "web") }
        val after = counts()
        assertEquals((before["denied"] ?: 0) + 3, after["denied"])
        assertEquals((before["invalid"] ?: 0) + 3, after["invalid"])
    }

    companion object {
        private val random = SecureRandom()

        /** 32 random bytes in hex: a token of the right shape that no key made. */
        @JvmStatic
        fun forged(): String = HexFormat.of().formatHex(ByteArray(32).also(random::nextBytes))
    }
}
