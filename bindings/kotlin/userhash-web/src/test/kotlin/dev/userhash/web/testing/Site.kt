package dev.userhash.web.testing

import dev.userhash.Identity
import dev.userhash.Keyring
import dev.userhash.Scheme
import dev.userhash.Signer
import dev.userhash.Verifier
import dev.userhash.of
import dev.userhash.sign
import dev.userhash.verify
import java.nio.file.Files
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue

/**
 * What every JVM test site shares with the Python ones (bindings/python/tests/web): the secrets
 * (given to the test JVM as the `SITE_SECRET_*` variables by the POM), the config file (Intercom
 * with a key per platform, Zendesk with one key for every platform), and the checks.
 */
object Site {
    /** Intercom's web key. */
    const val WEB_SECRET: String = "TOPSECRET-web-gate-4b1d"

    /** Intercom's iOS key. */
    const val IOS_SECRET: String = "TOPSECRET-ios-gate-93ce"

    /** Zendesk's one key. */
    const val ZENDESK_SECRET: String = "TOPSECRET-zendesk-site-61aa"

    /** Every secret, none of which may appear in an answer or a log line. */
    @JvmField
    val SECRETS: List<String> = listOf(WEB_SECRET, IOS_SECRET, ZENDESK_SECRET)

    /** The Zendesk key's id in the config. */
    const val ZENDESK_KEY_ID: String = "app_site"

    /** The config file: the app `site`, environment `test`. */
    @JvmStatic
    fun config(): String = resource("site-userhash.toml")

    /** A config whose one vendor (Intercom) has keys for web and ios only. */
    @JvmStatic
    fun oneVendorConfig(): String = resource("site-one-vendor.toml")

    /** Intercom's token for the user, with [secret] (the web key by default). */
    @JvmStatic
    @JvmOverloads
    fun sign(userId: String?, email: String?, secret: String = WEB_SECRET): String =
        Signer(Scheme.byName("intercom"), secret).use { it.sign(Identity(userId = userId, email = email)) }

    /**
     * Checks a payload (the JSON object of `/me`'s `userhash`): both vendors' tokens, each
     * genuine for the user and made with [platform]'s key. Returns the tokens.
     */
    @JvmStatic
    fun checkPayload(payload: Any?, userId: String, email: String?, platform: String): List<String> {
        val vendors = payload as Map<*, *>
        assertEquals(setOf("intercom", "zendesk"), vendors.keys, "$payload")
        val intercom = vendors["intercom"] as Map<*, *>
        assertEquals(userId, intercom["user_id"])
        val hash = intercom["user_hash"] as String
        val keyring = Keyring.of(Scheme.byName("intercom"), "web" to WEB_SECRET, "ios" to IOS_SECRET)
        assertEquals(platform, Verifier(keyring).verify(Identity(userId = userId, email = email), hash).label)
        val jwt = (vendors["zendesk"] as Map<*, *>)["jwt"] as String
        val zendesk = Keyring.of(Scheme.byName("zendesk"), ZENDESK_KEY_ID to ZENDESK_SECRET)
        assertEquals(ZENDESK_KEY_ID, Verifier(zendesk).verify(Identity(userId = userId), jwt).label)
        return listOf(hash, jwt)
    }

    /**
     * Fails when [text] holds a secret, or the first 32 characters of a token sent or made (a
     * token cut short is still a token).
     */
    @JvmStatic
    fun assertNothingLeaked(text: String, tokens: Collection<String>) {
        for (secret in SECRETS) assertFalse(text.contains(secret), "a secret in the output")
        for (token in tokens) {
            assertFalse(token.length >= 16 && text.contains(token.take(32)), "a token in the output: ${token.take(8)}…")
        }
    }

    /** Checks a 401 of the gate: the body, the header, and no token in it. */
    @JvmStatic
    fun assertDenied(answer: Answer, outcome: String, errorCode: String?, sent: Collection<String>) {
        assertEquals(401, answer.status, answer.text)
        assertEquals(
            mapOf("error" to "identity verification failed", "outcome" to outcome, "error_code" to errorCode),
            answer.json(),
        )
        assertEquals("UserHash header=\"X-UserHash-Token\"", answer.headers["www-authenticate"])
        assertTrue(answer.headers["content-type"]?.startsWith("application/json") == true, "${answer.headers}")
        assertNothingLeaked(answer.text, sent)
    }

    /** A classpath resource of this test jar, copied to a file (the config is read by path). */
    private fun resource(name: String): String {
        val file = Files.createTempFile("userhash-site-", ".toml")
        file.toFile().deleteOnExit()
        Site::class.java.getResourceAsStream(name).use { input ->
            Files.copy(checkNotNull(input) { "no resource $name" }, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING)
        }
        return file.toString()
    }

    /** The path of a resource, for tests that need a file that does not exist. */
    @JvmStatic
    fun missing(): String = Path.of(System.getProperty("java.io.tmpdir"), "userhash-no-such-config.toml").toString()
}
