package dev.userhash

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions

/**
 * The config file and the payload through the jar: every case of testdata/vectors/payload.json
 * (format in its README, reference runner crates/userhash-config/tests/payload_vectors.rs), each
 * config written to disk and loaded as a user's would be; the builder; typed errors.
 */
class PayloadTest {
    private val vectors: JsonNode = ObjectMapper().readTree(Vectors.dir.resolve("payload.json").toFile())

    /** The named config as userhash.toml with its secret files beside it, owner-only. */
    private fun writeConfig(dir: Path, name: String): Path {
        val config = vectors.get("configs").get(name)
        config.get("secret_files").properties().forEach { (relative, secret) ->
            val path = dir.resolve(relative)
            Files.createDirectories(path.parent)
            Files.writeString(path, secret.textValue())
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"))
        }
        return dir.resolve("userhash.toml").also { Files.writeString(it, config.get("toml").textValue()) }
    }

    private fun text(node: JsonNode, key: String): String? = node.get(key)?.takeUnless { it.isNull }?.textValue()

    private fun attributes(case: JsonNode): Attributes? = case.get("attributes").takeUnless { it.isNull }?.let {
        Attributes(
            name = text(it, "name"),
            emailVerified = it.get("email_verified")?.booleanValue(),
            accountId = text(it, "account_id"),
            nonce = text(it, "nonce"),
            expiresIn = it.get("expires_in")?.bigIntegerValue()?.toString()?.toULong(),
            extraClaims = text(it, "extra_claims"),
        )
    }

    /** The case's operation: the payload, or the vendor keyring's labels. */
    private fun run(case: JsonNode, path: Path, failures: VendorFailures): Any = Config.load(path.toString()).use { config ->
        val app = case.get("app").textValue()
        val environment = case.get("environment").textValue()
        if (case.get("operation").textValue() == "keyring") {
            return config.keyring(app, environment, text(case, "vendor")).use { it.labels() }
        }
        config.payloadSigner(app, environment).use { signer ->
            signer.payload(
                Identity(userId = text(case, "user_id"), email = text(case, "email")),
                case.get("platform").textValue(),
                attributes(case),
                case.get("at").bigIntegerValue().toString().toULong(),
                failures,
            )
        }
    }

    @TestFactory
    fun vectors(): List<DynamicTest> = vectors.get("payload").map { case ->
        dynamicTest(case.get("id").textValue()) {
            val dir = Files.createTempDirectory("userhash-payload")
            val path = writeConfig(dir, case.get("config").textValue())
            val expected = case.get("expected")
            val error = text(expected, "error")
            if (error != null) {
                val thrown = assertThrows<UserHashException> { run(case, path, VendorFailures.REPORT) }
                assertEquals(error, errorCodeName(thrown.code))
                return@dynamicTest
            }
            val result = run(case, path, VendorFailures.REPORT)
            if (result is List<*>) {
                assertEquals(expected.get("labels").map { it.textValue() }, result)
                return@dynamicTest
            }
            (result as Payload).use { payload ->
                assertEquals(expected.get("json").textValue(), payload.toJson()) // the same bytes everywhere
                assertEquals(expected.get("complete").booleanValue(), payload.isComplete())
            }
            val raises = text(expected, "raises")
            if (raises == null) {
                (run(case, path, VendorFailures.RAISE) as Payload).close()
            } else {
                val thrown = assertThrows<UserHashException> { run(case, path, VendorFailures.RAISE) }
                assertEquals(raises, errorCodeName(thrown.code))
            }
        }
    }.also { check(it.size >= 25) { "only ${it.size} payload cases" } }

    @Test
    fun `the builder makes what the file holds, and a payload reads per vendor`() {
        val secret = "kotlin-given-secret-do-not-print"
        val config = ConfigBuilder()
            .vendor("acme", "production", "intercom", "intercom")
            .keySecret("web", secret)
            .keySecret("ios", "$secret-ios")
            .vendor("acme", "production", "zendesk", "zendesk")
            .keySecret("messaging", "$secret-zendesk")
            .keyId("messaging", "app_64b6d9f0d7ab2e0001cd4e34")
            .allPlatforms("messaging")
            .build()
        assertEquals(listOf("intercom", "zendesk"), config.vendorNames("acme", "production"))
        assertFalse(secret in config.toString())
        val ada = Identity(userId = "42", email = "ada@example.com")
        config.payloadSigner("acme", "production").use { signer ->
            assertEquals(listOf("web", "ios"), signer.platforms())
            signer.payload(ada, "ios", at = 1_760_000_000uL).use { payload ->
                assertTrue(payload.isComplete())
                assertEquals(Signer(Scheme.byName("intercom"), "$secret-ios").sign(ada), payload["intercom"].token)
                assertEquals("jwt", payload.payloadKey("zendesk"))
                assertNull(payload["zendesk"].userId)
                assertThrows<UserHashException.ConfigUnknownVendor> { payload["crisp"] }
                val verified = config.verifier("acme", "production", "zendesk")
                    .verifyAt(ada, payload.token("zendesk")!!, 1_760_000_060uL)
                assertEquals("app_64b6d9f0d7ab2e0001cd4e34", verified.label)
            }
        }
        // One key for a hash and a JWT scheme: refused, the secret never shown.
        val shared = assertThrows<UserHashException.ConfigSharedKey> {
            ConfigBuilder().vendor("a", "b", "hash", "intercom").keySecret("web", secret)
                .vendor("a", "b", "jwt", "intercom-jwt").keySecret("web", secret).build()
                .payloadSigner("a", "b")
        }
        assertFalse(secret in shared.message!! || secret in shared.toString())
        // ...unless opted in during a migration; the hash signer then refuses JWT signing inputs.
        val migrating = ConfigBuilder(dangerouslyShareHashAndJwtKeys = true)
            .vendor("a", "b", "hash", "intercom").keySecret("web", secret)
            .vendor("a", "b", "jwt", "intercom-jwt").keySecret("web", secret).build()
        val attack = Identity(userId = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoidmljdGltIn0")
        migrating.payloadSigner("a", "b").payload(attack, "web").use { payload ->
            assertEquals(ErrorCode.JWT_SIGNING_INPUT, payload["hash"].errorCode)
            assertTrue(payload["jwt"].token!!.startsWith("eyJ"))
        }
    }

    @Test
    fun `config errors are typed and name the place`() {
        assertThrows<UserHashException.ConfigUnreadable> { Config.load("/nonexistent/userhash.toml") }
        val invalid = assertThrows<UserHashException.ConfigInvalid> {
            Config.parse("[apps.a.b]\nscheme = \"intercom\"\nkeys.web = { evn = \"X\" }")
        }
        assertTrue("apps.a.b.keys.web" in invalid.message!!, invalid.message)
        val config = ConfigBuilder().vendor("a", "b", "intercom", "intercom").keyEnv("web", "USERHASH_TEST_SURELY_UNSET").build()
        assertThrows<UserHashException.ConfigUnknownApp> { config.payloadSigner("x", "b") }
        assertThrows<UserHashException.ConfigUnknownEnvironment> { config.payloadSigner("a", "x") }
        assertThrows<UserHashException.ConfigUnknownVendor> { config.keyring("a", "b", "x") }
        val unavailable = assertThrows<UserHashException.SecretUnavailable> { config.payloadSigner("a", "b") }
        assertTrue("USERHASH_TEST_SURELY_UNSET" in unavailable.message!!, unavailable.message)
        val platformless = ConfigBuilder().vendor("a", "b", "intercom", "intercom").keySecret("web", "s").build()
        assertThrows<UserHashException.ConfigUnknownPlatform> {
            platformless.payloadSigner("a", "b").payload(Identity(userId = "42"), "ios")
        }
    }
}
