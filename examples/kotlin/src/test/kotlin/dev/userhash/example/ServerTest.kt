package dev.userhash.example

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import dev.userhash.Identity
import dev.userhash.Keyring
import dev.userhash.Scheme
import dev.userhash.Verifier
import dev.userhash.of
import dev.userhash.verifyAt
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Paths
import java.time.Duration
import java.util.HexFormat
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

private const val WEB_SECRET = "TOPSECRET-web-kotlin-7f3a"
private const val IOS_SECRET = "TOPSECRET-ios-kotlin-9c1e"

/** A server process (`java ... ServerKt --port 0`), what it printed, and its base URL. */
private class ServerProcess(enforcement: String?, secrets: Boolean = true) {
    val process: Process
    private val stdout: CompletableFuture<String>
    private val stderr: CompletableFuture<String>
    private val firstLine: CompletableFuture<String?>

    init {
        val java = Paths.get(System.getProperty("java.home"), "bin", "java").toString()
        // Surefire's own classpath property: the test JVM's may be a manifest-only jar.
        val classpath = System.getProperty("surefire.test.class.path") ?: System.getProperty("java.class.path")
        val builder = ProcessBuilder(java, "-cp", classpath, "dev.userhash.example.ServerKt", "--port", "0")
        builder.environment().keys.removeIf { it.startsWith("USERHASH_") }
        if (secrets) builder.environment() += mapOf("USERHASH_SECRET_WEB" to WEB_SECRET, "USERHASH_SECRET_IOS" to IOS_SECRET)
        if (enforcement != null) builder.environment()["USERHASH_ENFORCEMENT"] = enforcement
        process = builder.start()
        // Never outlive the test JVM, whatever happens to the test.
        Runtime.getRuntime().addShutdownHook(Thread { process.destroyForcibly() })
        val out = process.inputStream.bufferedReader()
        firstLine = CompletableFuture.supplyAsync { out.readLine() }
        stdout = firstLine.thenApplyAsync { first -> (first ?: "") + "\n" + out.readText() }
        stderr = CompletableFuture.supplyAsync { process.errorStream.bufferedReader().readText() }
    }

    /** The URL from the first stdout line, which must be `listening on http://127.0.0.1:PORT`. */
    fun url(): String {
        val first = firstLine.get(60, TimeUnit.SECONDS)
        assertTrue(first?.startsWith("listening on http://127.0.0.1:") == true) { "server did not start: $first ${stop()}" }
        return first!!.substringAfter("listening on ")
    }

    /** Stops it (SIGTERM, then SIGKILL); everything it wrote. */
    fun stop(): String {
        // Only a live process: destroy() also closes the streams, and a reader still behind
        // (the common pool has one thread on 2 cores) would lose what an exited one wrote.
        if (process.isAlive) process.destroy()
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
        val out = runCatching { stdout.get(20, TimeUnit.SECONDS) }.getOrElse { "(stdout: $it)" }
        val err = runCatching { stderr.get(20, TimeUnit.SECONDS) }.getOrElse { "(stderr: $it)" }
        return out + err
    }
}

/** The example server over real HTTP on 127.0.0.1, in its own JVM, configured from the environment. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerTest {
    private val json = ObjectMapper()
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
    private val servers = mutableListOf<ServerProcess>()
    private lateinit var enforce: String
    private lateinit var report: String

    @BeforeAll
    fun start() {
        val enforceServer = ServerProcess("enforce").also { servers += it }
        val reportServer = ServerProcess("report").also { servers += it }
        enforce = enforceServer.url()
        report = reportServer.url()
    }

    @AfterAll
    fun `no secret reaches the servers' output`() {
        val outputs = servers.map { it.stop() } // stops every server, whatever failed before
        assertEquals(2, outputs.size)
        for (output in outputs) {
            assertTrue("scheme intercom" in output, output)
            assertFalse(WEB_SECRET in output || IOS_SECRET in output, "a secret reached the server's output")
        }
    }

    private fun post(url: String, body: String): Pair<Int, JsonNode> {
        val request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        return response.statusCode() to json.readTree(response.body())
    }

    private fun post(url: String, vararg fields: Pair<String, String?>) = post(url, json.writeValueAsString(mapOf(*fields)))

    private fun login(url: String, platform: String, userId: String = "42"): String {
        val (status, body) = post("$url/login", "user_id" to userId, "email" to null, "platform" to platform)
        assertEquals(200, status, "$body")
        assertEquals(userId, body.get("user_id").textValue())
        return body.get("user_hash").textValue()
    }

    @Test
    fun `login returns a hash that verifies`() {
        val token = login(enforce, "web", userId = "renée-42")
        val verifier = Verifier(Keyring.of(Scheme.byName("intercom"), "web" to WEB_SECRET))
        assertEquals("web", verifier.verifyAt(Identity(userId = "renée-42"), token, 0uL).label)
        // Intercom's documented rule, independently: HMAC-SHA256(secret, user id), lower hex.
        val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(WEB_SECRET.toByteArray(), "HmacSHA256")) }
        assertEquals(HexFormat.of().formatHex(mac.doFinal("renée-42".toByteArray())), token)
    }

    @Test
    fun `verify allows a valid hash`() {
        val token = login(enforce, "ios")
        val (status, body) = post("$enforce/verify", "user_id" to "42", "email" to null, "user_hash" to token, "platform" to "ios")
        assertEquals(200, status)
        assertTrue(body.get("allowed").booleanValue(), "$body")
        assertEquals("verified", body.get("outcome").textValue())
        assertEquals("ios", body.get("label").textValue())
        assertTrue(body.get("error_code").isNull && body.get("diagnosis").isNull, "$body")
    }

    @Test
    fun `enforce denies another platform's hash, and says why`() {
        val token = login(enforce, "ios")
        val (status, body) = post("$enforce/verify", "user_id" to "42", "email" to null, "user_hash" to token, "platform" to "web")
        assertEquals(403, status)
        assertFalse(body.get("allowed").booleanValue())
        assertEquals("invalid", body.get("outcome").textValue())
        assertEquals("mismatch", body.get("error_code").textValue())
        assertTrue("\"ios\"" in body.get("diagnosis").textValue(), "$body") // made with the other platform's key
    }

    @Test
    fun `report allows but counts another platform's hash`() {
        val token = login(report, "ios")
        val (status, body) = post("$report/verify", "user_id" to "42", "email" to null, "user_hash" to token, "platform" to "web")
        assertEquals(200, status)
        assertTrue(body.get("allowed").booleanValue())
        assertEquals("report", body.get("enforcement").textValue())
        assertEquals("mismatch", body.get("error_code").textValue())
        assertTrue(body.get("would_deny_when_enforced").booleanValue())
        assertTrue("\"ios\"" in body.get("diagnosis").textValue(), "$body")
    }

    @Test
    fun `an anonymous visitor is allowed`() {
        val (status, body) = post("$enforce/verify", "user_id" to null, "email" to null, "platform" to "web")
        assertEquals(200, status)
        assertEquals("unidentified", body.get("outcome").textValue())
    }

    @Test
    fun `a missing hash is denied under enforce`() {
        val (status, body) = post("$enforce/verify", "user_id" to "42", "platform" to "web")
        assertEquals(403, status)
        assertEquals("missing", body.get("outcome").textValue())
    }

    @Test
    fun `bad requests get 400, unknown routes 404`() {
        assertEquals(400, post("$enforce/verify", """{"user_id": 42}""").first)
        assertEquals(400, post("$enforce/verify", """{"user_id": """).first)
        assertEquals(400, post("$enforce/verify", "[1, 2]").first)
        val (status, body) = post("$enforce/login", "{}")
        assertEquals(400, status)
        assertEquals("unidentified", body.get("error_code").textValue())
        assertEquals(404, post("$enforce/logout", "{}").first)
    }

    @Test
    fun `the server refuses to start without secrets`() {
        val server = ServerProcess(enforcement = null, secrets = false)
        assertTrue(server.process.waitFor(60, TimeUnit.SECONDS))
        assertEquals(2, server.process.exitValue())
        assertTrue("USERHASH_SECRET_WEB" in server.stop())
    }
}
