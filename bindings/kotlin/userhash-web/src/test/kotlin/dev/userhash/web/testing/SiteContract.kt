package dev.userhash.web.testing

import java.util.concurrent.ConcurrentLinkedQueue
import org.junit.jupiter.api.AfterEach

/**
 * What every JVM integration's test site must do over real HTTP, as the Python suites'
 * `site_contract.py` says it: one contract per gate mode ([EnforceContract], [ReportContract],
 * [OffContract]), each run by a subclass per framework that starts the site (Spring Boot on a
 * random port, Ktor under Netty) and gives its [port] and what it has logged ([output]).
 *
 * Every site has `/test/login?user=...&email=...` (a login stand-in: a cookie; user `-` logs in
 * with no user id), `/me` (`{"userhash": <the user's payload or null>}`), `/api/echo` (gated:
 * `{"ok": true, "outcome": <the gate's outcome>}`), `/public` (not gated) and `/test/counts` (the
 * gate's counts). Nothing a test sends as a token, and no secret, may appear in an answer or in
 * what the site logged: [assertNothingLeakedSoFar] runs after every test.
 */
abstract class SiteContract {
    /** The site's port on 127.0.0.1. */
    abstract fun port(): Int

    /** Everything the site has logged so far. */
    abstract fun output(): String

    /** A client with no cookies. */
    fun client(): RawHttp = RawHttp(port())

    /** A client logged in as [user]. */
    @JvmOverloads
    fun loggedIn(user: String = "ada", email: String? = "ada@example.com"): RawHttp = client().also { it.login(user, email) }

    /** A POST to [path] carrying [token] and [platform] as raw header bytes when not null. */
    @JvmOverloads
    fun call(client: RawHttp, token: Any? = null, platform: Any? = null, path: String = "/api/echo"): Answer {
        val headers = ArrayList<Pair<String, ByteArray>>()
        if (token != null) {
            val bytes = bytes(token)
            headers += "X-UserHash-Token" to bytes
            SENT += String(bytes, Charsets.ISO_8859_1)
        }
        if (platform != null) headers += "X-UserHash-Platform" to bytes(platform)
        return client.request("POST", path, headers, "{}".toByteArray())
    }

    /** The gate's counts, from `/test/counts`. */
    fun counts(): Map<String, Long> =
        (client().get("/test/counts").json() as Map<*, *>).entries.associate { (k, v) -> k as String to (v as Number).toLong() }

    /** Checks no secret and no token sent or made so far is in what the site logged. */
    @AfterEach
    fun assertNothingLeakedSoFar() {
        Site.assertNothingLeaked(output(), SENT)
    }

    companion object {
        /** Every token sent or made by a test of this JVM. */
        @JvmField
        val SENT: MutableCollection<String> = ConcurrentLinkedQueue()

        private fun bytes(value: Any): ByteArray = when (value) {
            is ByteArray -> value
            is String -> value.toByteArray(Charsets.UTF_8)
            else -> error("a header is text or bytes")
        }
    }
}
