package dev.userhash.web.testing

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** The gate under `off`: nothing checked, every request through, each counted as not checked. */
abstract class OffContract : SiteContract() {
    @Test
    fun offChecksNothing() {
        val before = counts()
        val answer = call(loggedIn(), EnforceContract.forged(), "web")
        assertEquals(mapOf("ok" to true, "outcome" to "not_checked"), answer.json())
        assertEquals((before["not_checked"] ?: 0) + 1, counts()["not_checked"])
    }

    @Test
    fun offLetsARequestWithoutATokenThrough() {
        assertEquals(mapOf("ok" to true, "outcome" to "not_checked"), call(loggedIn()).json())
    }
}
