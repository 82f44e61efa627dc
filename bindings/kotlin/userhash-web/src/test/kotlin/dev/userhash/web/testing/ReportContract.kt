package dev.userhash.web.testing

import dev.userhash.web.testing.Site.sign
import java.util.concurrent.Executors
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The gate under `report` (everything through, what enforce would deny counted and logged), and
 * the payload (`/me`), which a site in this mode serves too.
 */
abstract class ReportContract : SiteContract() {
    /** The site's log since [mark] (the length of [output] before the request). */
    private fun logSince(mark: Int): List<String> = output().substring(mark).lines().filter { "userhash gate" in it }

    @Test
    fun reportLetsAForgedTokenThroughAndLogsIt() {
        val client = loggedIn()
        val before = counts()
        val mark = output().length
        val answer = call(client, EnforceContract.forged(), "ios")
        assertEquals(mapOf("ok" to true, "outcome" to "invalid"), answer.json())
        val after = counts()
        assertEquals((before["would_deny"] ?: 0) + 1, after["would_deny"])
        assertEquals(null, after["denied"])
        val lines = logSince(mark)
        assertEquals(1, lines.size, "$lines")
        assertTrue("(report): would deny POST '/api/echo': outcome=invalid error=mismatch" in lines[0], lines[0])
        assertTrue("platform=ios" in lines[0], lines[0])
    }

    @Test
    fun reportLogsAVerifiedRequestQuietly() {
        val client = loggedIn()
        val mark = output().length
        assertEquals("verified", (call(client, sign("ada", "ada@example.com"), "web").json() as Map<*, *>)["outcome"])
        val lines = logSince(mark)
        assertEquals(1, lines.size, "$lines")
        assertTrue("allowed" in lines[0] && "label=web" in lines[0], lines[0])
    }

    @Test
    fun reportHidesAPlatformHeaderThatIsNotAName() {
        val client = loggedIn()
        val mark = output().length
        call(client, sign("ada", "ada@example.com"), "x".repeat(40))
        val log = output().substring(mark)
        assertFalse("x".repeat(40) in log)
        assertTrue("platform=<40 characters, not shown>" in log, log)
    }

    @Test
    fun concurrentRequestsAreEachDecidedAndCounted() {
        val users = (0 until 8).map { n -> loggedIn("user$n", "user$n@example.com") }
        val before = counts()
        val pool = Executors.newFixedThreadPool(8)
        try {
            val results = (0 until 8).map { n ->
                pool.submit<List<String>> {
                    (0 until 10).map { round ->
                        val token = if ((n + round) % 2 == 0) sign("user$n", "user$n@example.com") else EnforceContract.forged()
                        (call(users[n], token, "web").json() as Map<*, *>)["outcome"] as String
                    }
                }
            }.map { it.get() }
            for ((n, outcomes) in results.withIndex()) {
                assertEquals((0 until 10).map { r -> if ((n + r) % 2 == 0) "verified" else "invalid" }, outcomes)
            }
        } finally {
            pool.shutdown()
        }
        val after = counts()
        val grew = after.filter { (key, value) -> value != (before[key] ?: 0) }.mapValues { (key, value) -> value - (before[key] ?: 0) }
        assertEquals(mapOf("verified" to 40L, "invalid" to 40L, "would_deny" to 40L, "checked" to 80L), grew)
    }

    // --- the payload ---------------------------------------------------------------------------

    private fun payloadOf(answer: Answer): Any? {
        assertEquals(200, answer.status, answer.text)
        val body = answer.json() as Map<*, *>
        assertTrue("userhash" in body, "$body")
        return body["userhash"]
    }

    @Test
    fun meHoldsEveryVendorsTokenForTheUser() {
        SENT += Site.checkPayload(payloadOf(loggedIn().get("/me")), "ada", "ada@example.com", "web")
    }

    @Test
    fun meSignsWithThePlatformsKeys() {
        val answer = loggedIn().get("/me", mapOf("X-UserHash-Platform" to "ios"))
        SENT += Site.checkPayload(payloadOf(answer), "ada", "ada@example.com", "ios")
    }

    @Test
    fun aPlatformOneVendorLacksFailsInItsSlot() {
        val platform = "tv" + EnforceContract.forged().take(8)
        val answer = loggedIn().get("/me", mapOf("X-UserHash-Platform" to platform))
        val payload = payloadOf(answer) as Map<*, *>
        assertEquals(mapOf("error" to "config_unknown_platform"), payload["intercom"])
        assertTrue("jwt" in (payload["zendesk"] as Map<*, *>)) // Zendesk's one key serves every platform
        assertFalse(platform in answer.text)
    }

    @Test
    fun aNonUtf8PlatformIsOneNobodyHas() {
        val client = loggedIn()
        val platform = byteArrayOf('i'.code.toByte(), 0xff.toByte(), 'o'.code.toByte(), 's'.code.toByte())
        val answer = client.request("GET", "/me", listOf("X-UserHash-Platform" to platform))
        assertEquals(mapOf("error" to "config_unknown_platform"), (payloadOf(answer) as Map<*, *>)["intercom"])
    }

    @Test
    fun meIsEmptyForAnAnonymousVisitor() = assertNull(payloadOf(client().get("/me")))

    @Test
    fun meIsEmptyForAUserWithNeitherIdNorEmail() {
        val client = client().also { it.login("-", null) }
        assertNull(payloadOf(client.get("/me")))
    }
}
