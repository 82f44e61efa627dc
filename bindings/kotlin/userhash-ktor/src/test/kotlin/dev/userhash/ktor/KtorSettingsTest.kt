package dev.userhash.ktor

import dev.userhash.Enforcement
import dev.userhash.web.UserHashSettingsException
import dev.userhash.web.testing.Answer
import dev.userhash.web.testing.EnforceContract
import dev.userhash.web.testing.RawHttp
import dev.userhash.web.testing.Site
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test

/**
 * Misconfigurations stop the server at start-up naming the setting, with no secret in the
 * message; vendors written in `install(UserHash)` instead of a config file work over HTTP.
 */
class KtorSettingsTest {
    /** The problems a site with [configure] fails to start with. */
    private fun refused(mode: Enforcement? = Enforcement.ENFORCE, configure: UserHashConfig.() -> Unit): String {
        try {
            KtorSite(mode, configure).close()
        } catch (error: Throwable) {
            var cause: Throwable? = error
            while (cause != null && cause !is UserHashSettingsException) cause = cause.cause
            val settings = cause as? UserHashSettingsException ?: throw error
            val text = settings.message ?: ""
            for (secret in Site.SECRETS) assertFalse(secret in text)
            return text
        }
        fail<Unit>("the site started")
        error("unreachable")
    }

    @Test
    fun aConfigFileWithoutAnEnvironment() {
        assertTrue("UserHash.env: is not set, and the config needs it" in refused { env = null })
    }

    @Test
    fun anUnknownVendorForTheGate() {
        assertTrue("UserHash.vendor: config_unknown_vendor" in refused { vendor = "nope" })
    }

    @Test
    fun anUnknownApp() {
        assertTrue("UserHash.app: config_unknown_app" in refused { app = "nope" })
    }

    @Test
    fun aBadTokenHeader() {
        assertTrue("UserHash.tokenHeader: is 'X Token', not an HTTP header name" in refused { tokenHeader = "X Token" })
    }

    @Test
    fun vendorsAndAConfigFileAtOnce() {
        val problems = refused { vendor("crisp", scheme = "crisp") { keyEnv("website", "SITE_SECRET_WEB") } }
        assertTrue("UserHash.vendors: is set together with UserHash.config" in problems, problems)
    }

    @Test
    fun aSecretThatIsNotThere() {
        val problems = refused {
            config = null
            vendor = null
            vendor("intercom", scheme = "intercom") { keyEnv("web", "USERHASH_TEST_NO_SUCH_VARIABLE") }
        }
        assertTrue("secret_unavailable" in problems && "USERHASH_TEST_NO_SUCH_VARIABLE" in problems, problems)
    }

    @Test
    fun aGateWithoutAMode() {
        assertTrue("UserHash.enforcement: is not set, and a route installs UserHashGate" in refused(mode = null) {})
    }

    @Test
    fun vendorsWrittenInThePluginSignAndGate() {
        KtorSite(Enforcement.ENFORCE) {
            config = null
            vendor("intercom", scheme = "intercom") {
                keyEnv("web", "SITE_SECRET_WEB")
                keyEnv("ios", "SITE_SECRET_IOS")
            }
        }.use { site ->
            val ada = RawHttp(site.port).also { it.login("ada", "ada@example.com") }
            val payload = ((ada.get("/me").json() as Map<*, *>)["userhash"] as Map<*, *>)["intercom"] as Map<*, *>
            assertEquals(Site.sign("ada", "ada@example.com"), payload["user_hash"])
            val denied = ada.request("POST", "/api/echo", listOf("X-UserHash-Token" to EnforceContract.forged().toByteArray()), "{}".toByteArray())
            Site.assertDenied(denied, "invalid", "mismatch", emptyList())
            val platform = "tv" + EnforceContract.forged().take(8)
            val unknown: Answer = ada.get("/me", mapOf("X-UserHash-Platform" to platform))
            assertEquals(400, unknown.status, unknown.text)
            assertEquals(mapOf("error" to "unknown platform"), unknown.json())
            assertFalse(platform in unknown.text)
        }
    }
}
