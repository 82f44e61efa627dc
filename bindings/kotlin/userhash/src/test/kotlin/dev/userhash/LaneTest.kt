package dev.userhash

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.concurrent.CountDownLatch
import java.util.concurrent.atomic.AtomicReference
import kotlin.random.Random

/** The fast lane (`Lane`, crates/userhash-ffi/src/jni.rs) against the generated JNA path. */
class LaneTest {
    private val intercom = Signer(Scheme.byName("intercom"), "5ec2e7")

    /** What the generated path gives: the token, or the exception it throws. */
    private fun generated(signer: Signer, userId: String?, email: String?): Result<String> =
        runCatching { signer.signUniffi(Identity(userId = userId, email = email)) }

    /** The lane signs exactly what the generated path signs, and throws what it throws. */
    private fun assertSameAsGenerated(signer: Signer, userId: String?, email: String?, context: String) {
        val expected = generated(signer, userId, email)
        val lane = runCatching { signer.sign(userId = userId, email = email) }
        val identity = runCatching { signer.sign(Identity(userId = userId, email = email)) }
        for (public in listOf(lane, identity)) {
            if (expected.isSuccess) {
                assertEquals(expected.getOrThrow(), public.getOrThrow(), context)
            } else {
                val error = expected.exceptionOrNull()!!
                val thrown = public.exceptionOrNull()
                assertEquals(error.javaClass, thrown?.javaClass, context)
                assertEquals(error.message, thrown?.message, context)
            }
        }
    }

    @Test
    fun `the lane is available in this build`() {
        assertTrue(Lane.available, "the lane failed to load: every call takes the slow JNA path")
    }

    @Test
    fun `every sign vector signs the same through the lane`() {
        val cases = Vectors.cases("sign").filter { it.u64("timestamp") == null && it.attributes == null }
        assertTrue(cases.size >= Vectors.atLeast(100), "${cases.size} cases")
        for (case in cases) {
            Signer(Scheme.parse(case.text("scheme")!!), case.text("secret")!!).use { plain ->
                val signer = case.text("key_id")?.let { plain.withKeyId(it) } ?: plain
                assertEquals(case.text("expected"), signer.sign(case.text("user_id"), case.text("email")), "$case")
                assertSameAsGenerated(signer, case.text("user_id"), case.text("email"), "$case")
            }
        }
    }

    @Test
    fun `every sign error vector fails the same`() {
        val cases = Vectors.cases("errors").filter {
            it.text("operation") == "sign" && it.u64("timestamp") == null && it.attributes == null
        }
        assertTrue(cases.size > 20, "${cases.size} cases")
        for (case in cases) {
            val signer = runCatching { Signer(Scheme.parse(case.text("scheme")!!), case.text("secret")!!) }
                .getOrNull() ?: continue // fails before signing: not this path's concern
            signer.use { assertSameAsGenerated(it, case.text("user_id"), case.text("email"), "$case") }
        }
    }

    @Test
    fun `awkward and random strings sign the same through the lane`() {
        val alphabet = listOf("a", "Z", "0", " ", "\u0000", "\n", "\r", "é", "✓", "😀", "𝄞", "\u00ff", "\u0080", "\uFEFF")
        val random = Random(8)
        val texts = List(300) { List(random.nextInt(0, 40)) { alphabet.random(random) }.joinToString("") } + listOf(
            "x".repeat(1024), "x".repeat(1025), "é".repeat(512), "é".repeat(513),
            "😀".repeat(256), "😀".repeat(257), "x".repeat(5000), "42", " 42 ",
        )
        val schemes = listOf("intercom", "help-scout", "subject=user_id_and_email,output=base64")
        for (spec in schemes) {
            Signer(Scheme.parse(spec), "5ec2e7").use { signer ->
                for (text in texts) {
                    assertSameAsGenerated(signer, text, null, "$spec user id ${text.take(20)}")
                    assertSameAsGenerated(signer, null, text, "$spec email ${text.take(20)}")
                    assertSameAsGenerated(signer, text, "ada@example.com", "$spec both ${text.take(20)}")
                }
                assertSameAsGenerated(signer, null, null, "$spec anonymous")
            }
        }
    }

    @Test
    fun `a lone surrogate and an empty id throw what the generated path throws`() {
        for (bad in listOf("bad\uD800", "\uDC00", "", "x".repeat(1025))) {
            val expected = generated(intercom, bad, null).exceptionOrNull()!!
            val thrown = runCatching { intercom.sign(bad) }.exceptionOrNull()
            assertEquals(expected.javaClass, thrown?.javaClass, bad.take(10))
            assertEquals(expected.message, thrown?.message, bad.take(10))
        }
        assertThrows<java.nio.charset.CharacterCodingException> { intercom.sign("bad\uD800") }
        assertThrows<UserHashException.EmptyField> { intercom.sign("") }
        assertThrows<UserHashException.EmptyField> { UserHash.signUserId(intercom, "") }
    }

    @Test
    fun `the overloads resolve as they read`() {
        val helpScout = Signer(Scheme.byName("help-scout"), "5ec2e7")
        assertEquals(intercom.sign(Identity(userId = "42")), intercom.sign("42"))
        assertEquals(intercom.sign(Identity(userId = "42")), intercom.sign(userId = "42"))
        assertEquals(helpScout.sign(Identity(email = "a@b.c")), helpScout.sign(email = "a@b.c"))
        assertEquals(intercom.sign(Identity(userId = "42")), UserHash.signUserId(intercom, "42"))
        assertEquals(helpScout.sign(Identity(email = "a@b.c")), UserHash.signEmail(helpScout, "a@b.c"))
        assertThrows<UserHashException.Unidentified> { intercom.sign() }
        helpScout.close()
    }

    @Test
    fun `a closed signer throws IllegalStateException`() {
        val signer = Signer(Scheme.byName("intercom"), "5ec2e7")
        signer.close()
        val direct = assertThrows<IllegalStateException> { signer.sign("42") }
        val generated = assertThrows<IllegalStateException> { signer.signUniffi(Identity(userId = "42")) }
        assertEquals(generated.message, direct.message)
        assertThrows<IllegalStateException> { signer.signMany(listOf("42")) }
    }

    @Test
    fun `threads signing while another closes the signer either sign or throw IllegalStateException`() {
        val expected = List(64) { intercom.sign(Identity(userId = "user-$it")) }
        repeat(20) { round ->
            val signer = Signer(Scheme.byName("intercom"), "5ec2e7")
            val started = CountDownLatch(4)
            val failure = AtomicReference<Throwable>()
            val threads = List(4) { thread ->
                Thread {
                    started.countDown()
                    try {
                        // Bounded: calls in flight keep the count above 0, so a call that starts
                        // after close() may still sign (as with the generated code).
                        for (i in thread until 5_000) {
                            val n = i % expected.size
                            val token = if (n % 8 == 0) signer.signMany(listOf("user-$n"))[0] else signer.sign("user-$n")
                            if (token != expected[n]) throw AssertionError("round $round: user-$n gave $token")
                        }
                    } catch (closed: IllegalStateException) {
                        // The only failure allowed: the signer was closed.
                    } catch (error: Throwable) {
                        failure.compareAndSet(null, error)
                    }
                }.apply { start() }
            }
            started.await()
            Thread.sleep(1)
            signer.close()
            threads.forEach { it.join(10_000) }
            failure.get()?.let { throw it }
            assertTrue(threads.none { it.isAlive }, "round $round: a thread is stuck")
            assertThrows<IllegalStateException> { signer.sign("user-0") }
        }
    }

    @Test
    fun `signMany through the lane equals a loop of sign, failures included`() {
        val ids = listOf("1", "", "2", "x".repeat(1025), "Zoë ✓ 😀", "nul\u0000inside", "new\nline", "x".repeat(1024))
        val loop = ids.map { generated(intercom, it, null).getOrNull() }
        assertEquals(loop, intercom.signManyOrNull(ids))
        val many = (0 until 5000).map { if (it % 700 == 3) "" else "user-$it" }
        assertEquals(many.map { generated(intercom, it, null).getOrNull() }, intercom.signManyOrNull(many))
        val identities = listOf(Identity(userId = "1", email = "a@b.c"), Identity(), Identity(email = "a@b.c"))
        assertEquals(identities.map { runCatching { intercom.sign(it) }.getOrNull() }, intercom.signManyOrNull(identities))
    }

    private val jimo = Keyring.of(Scheme.byName("jimo"), "ios" to "other", "web" to "5ec2e7")
    private val now = 1_741_761_700uL

    /** What a call gives: its value, or the exception's class and message. */
    private fun outcome(call: () -> Any): Any = try {
        call()
    } catch (error: Exception) {
        error.javaClass to error.message
    }

    @Test
    fun `verify and check answer what the generated calls answer`() {
        val verifier = Verifier(jimo)
        val alice = Identity(userId = "42")
        val token = Signer(Scheme.byName("jimo"), "5ec2e7").signAt(alice, now - 100uL)
        for (at in listOf(now, now - 100uL + 3600uL, now + 7200uL, now - 1000uL)) {
            for (label in listOf(null, "web", "ios", "tv")) {
                assertEquals(
                    outcome { verifier.verifyAtUniffi(alice, token, at, label) },
                    outcome { verifier.verifyAt(alice, token, at, label) },
                    "$at $label",
                )
                for (mode in Enforcement.entries) {
                    val gate = Gate(verifier, mode)
                    for (sent in listOf(token, null, "", "nope", "bad\uD800")) {
                        for (who in listOf(alice, Identity(), Identity(email = "a@x"))) {
                            assertEquals(
                                outcome { gate.checkAtUniffi(who, sent, at, label) },
                                outcome { gate.checkAt(who, sent, at, label) },
                                "$mode $sent $who $label",
                            )
                        }
                    }
                }
            }
        }
        // A JWT without an identity names its user, through the lane as through JNA.
        val zendesk = Keyring.of(Scheme.byName("zendesk"), "app_1" to "5ec2e7")
        val jwt = zendesk.signer("app_1").signAt(alice, now)
        val jwtVerifier = Verifier(zendesk)
        assertEquals(jwtVerifier.verifyAtUniffi(Identity(), jwt, now), jwtVerifier.verifyAt(Identity(), jwt, now))
        assertEquals("42", jwtVerifier.verifyAt(Identity(), jwt, now).claimedIdentity?.userId)
        val gate = Gate(jwtVerifier, Enforcement.ENFORCE)
        assertEquals(gate.checkAtUniffi(Identity(), jwt, now), gate.checkAt(Identity(), jwt, now))
        // Verification now, with the clock: the same as the generated call.
        val fresh = Signer(Scheme.byName("intercom"), "5ec2e7").sign(alice)
        val intercom = Verifier(Keyring.of(Scheme.byName("intercom"), "web" to "5ec2e7"))
        assertEquals(intercom.verifyUniffi(alice, fresh), intercom.verify(alice, fresh))
        assertEquals(Gate(intercom, Enforcement.REPORT).checkUniffi(alice), Gate(intercom, Enforcement.REPORT).check(alice))
    }

    @Test
    fun `a hot call makes no generated call (counted by the library)`() {
        val signer = Signer(Scheme.byName("intercom"), "5ec2e7")
        val verifier = Verifier(Keyring.of(Scheme.byName("intercom"), "web" to "5ec2e7"))
        val gate = Gate(verifier, Enforcement.ENFORCE)
        val alice = Identity(userId = "42")
        val token = signer.sign(alice)
        val payloads = payloadSigner()
        val ada = Identity(userId = "42", email = "ada@example.com")
        val calls: Map<String, () -> Any> = mapOf(
            "payload().toJson()" to { payloads.payload(ada, "web").toJson() },
            "payload at a time, with attributes, raising" to {
                payloads.payload(ada, "web", Attributes(name = "Ada", emailVerified = true), now, VendorFailures.RAISE)
            },
            "payload: every reading" to { readAll(payloads.payload(alice, "web")) },
            "payload (a vendor without the platform, raising)" to {
                assertThrows<UserHashException.ConfigUnknownPlatform> { payloads.payload(ada, "tv", failures = VendorFailures.RAISE) }
            },
            "payload: an unknown vendor" to {
                assertThrows<UserHashException.ConfigUnknownVendor> { payloads.payload(ada, "web").entry("pylon") }
            },
            "sign(identity)" to { signer.sign(alice) },
            "sign(userId)" to { signer.sign("42") },
            "signMany" to { signer.signManyOrNull(listOf("1", "", "2")) },
            "verify" to { verifier.verify(alice, token) },
            "verifyAt with a label" to { verifier.verifyAt(alice, token, now, "web") },
            "verify (a rejection)" to { runCatching { verifier.verify(alice, "0".repeat(64)) } },
            "check" to { gate.check(alice, token) },
            "checkAt (missing)" to { gate.checkAt(alice, null, now) },
        )
        for ((name, call) in calls) {
            call() // the first call of an object fetches its lane handle: one generated call, once
            val before = Lane.generatedCallCount()
            call()
            call()
            assertEquals(before, Lane.generatedCallCount(), "$name went through uniffi's generated code")
        }
        val before = Lane.generatedCallCount()
        signer.fingerprint()
        signer.signUniffi(alice)
        assertEquals(before + 2, Lane.generatedCallCount(), "the counter counts generated calls")
    }

    private fun payloadSigner(): PayloadSigner = ConfigBuilder()
        .vendor("acme", "prod", "intercom", "intercom").keySecret("web", "intercom-web")
        .vendor("acme", "prod", "zendesk", "zendesk").keySecret("messaging", "zendesk-secret")
        .keyId("messaging", "app_64b6d9f0d7ab2e0001cd4e34").allPlatforms("messaging")
        .vendor("acme", "prod", "crisp", "crisp").keySecret("web", "crisp-web")
        .build().payloadSigner("acme", "prod")

    /** Every reading of a payload, in one comparable list. */
    private fun readAll(payload: Payload): List<Any?> = listOf(
        payload.platform(), payload.vendors(), payload.entries(), payload.entry("intercom"),
        payload.token("crisp"), payload.payloadKey("zendesk"), payload.isComplete(), payload.toJson(),
    )

    @Test
    fun `payloads answer what the generated call answers`() {
        val signer = payloadSigner()
        val attributes = Attributes(name = "Ada \"L\"", emailVerified = false, accountId = "a1", expiresIn = 60uL)
        val identities = listOf(
            Identity(userId = "42", email = "ada@example.com"), Identity(userId = "42"), Identity(),
            Identity(userId = "nul\u0000inside", email = "x@y"), Identity(userId = ""),
        )
        for (identity in identities) {
            for (platform in listOf("web", "ios", "\u00e9")) {
                for ((given, failures) in listOf(null to null, attributes to VendorFailures.REPORT, null to VendorFailures.RAISE)) {
                    val lane = outcome { signer.payload(identity, platform, given, now, failures) }
                    val generated = outcome { signer.payloadUniffi(identity, platform, given, now, failures) }
                    if (generated !is Payload) {
                        assertEquals(generated, lane, "$identity $platform $failures")
                        continue
                    }
                    assertTrue(lane is LanePayload, "$lane")
                    assertEquals(readAll(generated), readAll(lane as Payload), "$identity $platform $failures")
                }
            }
        }
        // The unknown-vendor error is the generated one's, message and all; a closed payload throws.
        val ada = Identity(userId = "42", email = "ada@example.com")
        val lane = signer.payload(ada, "web", at = now)
        val generated = signer.payloadUniffi(ada, "web", at = now)
        assertEquals(outcome { generated.entry("pylon") }, outcome { lane.entry("pylon") })
        assertEquals(outcome { generated.entry("bad\uD800") }.let { (it as Pair<*, *>).first }, outcome { lane.entry("bad\uD800") }.let { (it as Pair<*, *>).first })
        lane.close()
        generated.close()
        assertEquals(outcome { generated.toJson() }, outcome { lane.toJson() })
        // A lone surrogate in an argument: what the generated call throws.
        assertEquals(
            outcome { signer.payloadUniffi(Identity(userId = "bad\uD800"), "web") }.let { (it as Pair<*, *>).first },
            outcome { signer.payload(Identity(userId = "bad\uD800"), "web") }.let { (it as Pair<*, *>).first },
        )
    }

    /** Issue 14 item 9: the methods that take a raw native handle are private in the jar's
     *  bytecode, so no caller can pass an arbitrary address (the old direct path's were public:
     *  `internal` in Kotlin is public to the JVM), and no field holds a getter of a handle. */
    @Test
    fun `no native entry point or handle getter is public in the bytecode`() {
        val classes = listOf(Lane::class.java) + Lane::class.java.declaredClasses
        for (type in classes) {
            for (method in type.declaredMethods) {
                if (java.lang.reflect.Modifier.isNative(method.modifiers) && method.parameterTypes.firstOrNull() == Long::class.javaPrimitiveType) {
                    assertTrue(java.lang.reflect.Modifier.isPrivate(method.modifiers), "$method is not private")
                }
            }
            for (field in type.declaredFields) {
                assertFalse(java.lang.invoke.MethodHandle::class.java.isAssignableFrom(field.type), "$field")
            }
        }
        val natives = Lane::class.java.declaredMethods.filter { java.lang.reflect.Modifier.isNative(it.modifiers) }
        assertEquals(
            setOf("sign", "verify", "check", "signPacked", "payload", "payloadUnknownVendor", "pending", "generatedCalls", "release", "version"),
            natives.map { it.name }.toSet(),
        )
    }
}
