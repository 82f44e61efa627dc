package dev.userhash

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.util.concurrent.CountDownLatch
import java.util.concurrent.atomic.AtomicReference
import kotlin.random.Random

/** The JNI path (`DirectSign`, crates/userhash-ffi/src/jni.rs) against the generated JNA path. */
class DirectSignTest {
    /** The most UTF-16 units the JNI side reads from one argument (`MAX_IDENTIFIER_BYTES`). */
    private val maxUtf16Units = 1024

    private val intercom = Signer(Scheme.byName("intercom"), "5ec2e7")

    /** What the generated path gives: the token, or the exception it throws. */
    private fun generated(signer: Signer, userId: String?, email: String?): Result<String> =
        runCatching { signer.sign(Identity(userId = userId, email = email)) }

    /** The direct path signs exactly what the generated one signs, and declines the rest, whose
     *  errors `sign(userId, email)` then throws as the generated path does. */
    private fun assertSameAsGenerated(signer: Signer, userId: String?, email: String?, context: String) {
        val expected = generated(signer, userId, email)
        val direct = signer.signDirect(userId, email)
        val public = runCatching { signer.sign(userId = userId, email = email) }
        if (expected.isSuccess) {
            // The one decline on success: an argument over the length of the JNI side's buffer
            // (a field the scheme does not sign; were it signed, it would be too long).
            val tooLong = listOfNotNull(userId, email).any { it.length > maxUtf16Units }
            if (!tooLong) assertEquals(expected.getOrThrow(), direct, "$context: declined or differs")
            assertEquals(expected.getOrThrow(), public.getOrThrow(), context)
        } else {
            val error = expected.exceptionOrNull()!!
            assertNull(direct, "$context: signed what the generated path refuses ($error)")
            val thrown = public.exceptionOrNull()
            assertEquals(error.javaClass, thrown?.javaClass, context)
            assertEquals(error.message, thrown?.message, context)
        }
    }

    @Test
    fun `the direct path is available in this build`() {
        assertTrue(DirectSign.available, "DirectSign failed to load: every call takes the slow JNA path")
    }

    @Test
    fun `every sign vector signs the same directly`() {
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
    fun `awkward and random strings sign the same directly`() {
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
        val generated = assertThrows<IllegalStateException> { signer.sign(Identity(userId = "42")) }
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
    fun `signMany through JNI equals a loop of sign, failures included`() {
        val ids = listOf("1", "", "2", "x".repeat(1025), "Zoë ✓ 😀", "nul\u0000inside", "new\nline", "x".repeat(1024))
        val loop = ids.map { generated(intercom, it, null).getOrNull() }
        assertEquals(loop, intercom.signManyOrNull(ids))
        val many = (0 until 5000).map { if (it % 700 == 3) "" else "user-$it" }
        assertEquals(many.map { generated(intercom, it, null).getOrNull() }, intercom.signManyOrNull(many))
        val identities = listOf(Identity(userId = "1", email = "a@b.c"), Identity(), Identity(email = "a@b.c"))
        assertEquals(identities.map { runCatching { intercom.sign(it) }.getOrNull() }, intercom.signManyOrNull(identities))
    }

    /** One buffer of UTF-8 and one of lengths, as `Packer` lays them out. */
    private fun packed(items: List<String>): Pair<ByteBuffer, ByteBuffer> {
        val bytes = items.map { it.toByteArray() }
        val data = ByteBuffer.allocateDirect(maxOf(1, bytes.sumOf { it.size }))
        val lengths = ByteBuffer.allocateDirect(4 * items.size).order(ByteOrder.LITTLE_ENDIAN)
        bytes.forEach { data.put(it); lengths.putInt(it.size) }
        return data.flip() to lengths.flip()
    }

    @Test
    fun `signPacked through JNI returns the generated text, and declines what it cannot read`() {
        val (data, lengths) = packed(listOf("1", "", "Zoë", "x".repeat(1025)))
        val generated = intercom.signPacked(PackedFields.USER_ID, data, lengths)
        val direct = DirectSign.signPacked(intercom, PackedFields.USER_ID.ordinal, data, data.limit(), lengths, lengths.limit())
        assertArrayEquals(generated.toByteArray(Charsets.ISO_8859_1), direct)
        val decline = { fields: Int, data: ByteBuffer, dataLength: Int, lengths: ByteBuffer, lengthsLength: Int ->
            DirectSign.signPacked(intercom, fields, data, dataLength, lengths, lengthsLength)
        }
        // Malformed (the lengths do not add up), a heap buffer, lengths past the capacity, an
        // unknown field ordinal, a negative length: declined, never read.
        assertNull(decline(0, data, data.limit() - 1, lengths, lengths.limit()))
        assertNull(decline(0, ByteBuffer.allocate(data.limit()), data.limit(), lengths, lengths.limit()))
        assertNull(decline(0, data, data.capacity() + 1, lengths, lengths.limit()))
        assertNull(decline(3, data, data.limit(), lengths, lengths.limit()))
        assertNull(decline(0, data, -1, lengths, lengths.limit()))
    }

    /** Issue 14 item 9: the methods that take a raw native handle, and the getters that read one
     *  out of a signer, are private in the jar's bytecode, so no caller can pass an arbitrary
     *  address. (They were public: `internal` in Kotlin is public to the JVM.) */
    @Test
    fun `no native entry point or handle getter is public in the bytecode`() {
        val classes = listOf(DirectSign::class.java) + DirectSign::class.java.declaredClasses
        for (type in classes) {
            for (method in type.declaredMethods) {
                if (java.lang.reflect.Modifier.isNative(method.modifiers) && method.parameterTypes.firstOrNull() == Long::class.javaPrimitiveType) {
                    assertTrue(java.lang.reflect.Modifier.isPrivate(method.modifiers), "$method is not private")
                }
            }
            for (field in type.declaredFields) {
                if (java.lang.invoke.MethodHandle::class.java.isAssignableFrom(field.type)) {
                    assertTrue(java.lang.reflect.Modifier.isPrivate(field.modifiers), "$field is not private")
                }
            }
        }
        // The object still has both natives (bound by RegisterNatives), just not callable from outside.
        val natives = DirectSign::class.java.declaredMethods.filter { java.lang.reflect.Modifier.isNative(it.modifiers) }
        assertEquals(setOf("sign", "signPacked"), natives.map { it.name }.toSet())
    }
}
