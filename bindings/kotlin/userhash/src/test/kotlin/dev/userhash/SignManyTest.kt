package dev.userhash

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** `signMany`: the same tokens as `sign`, item by item, and a clear story for bad items. */
class SignManyTest {
    private val intercom = Signer(Scheme.byName("intercom"), "5ec2e7")

    @Test
    fun `every untimestamped sign vector signs the same in a batch`() {
        val cases = Vectors.cases("sign").filter { it.u64("timestamp") == null }
        assertTrue(cases.size > 50)
        for ((scheme, group) in cases.groupBy { it.text("scheme")!! to it.text("secret")!! }) {
            Signer(Scheme.parse(scheme.first), scheme.second).use { signer ->
                val identities = group.map { it.identity }
                assertEquals(group.map { it.text("expected") }, signer.signMany(identities), "$scheme")
                assertEquals(identities.map { signer.sign(it) }, signer.signManyOrNull(identities), "$scheme")
            }
        }
    }

    @Test
    fun `plain strings are user ids, or emails when asked`() {
        val ids = listOf("42", "nul\u0000inside", "new\nline", "Zoë ✓ 😀", "x".repeat(300))
        assertEquals(ids.map { intercom.sign(Identity(userId = it)) }, intercom.signMany(ids))
        Signer(Scheme.byName("help-scout"), "5ec2e7").use { helpScout ->
            assertEquals(
                ids.map { helpScout.sign(Identity(email = it)) },
                helpScout.signMany(ids, PackedFields.EMAIL),
            )
        }
        assertEquals(emptyList<String>(), intercom.signMany(emptyList<String>()))
    }

    @Test
    fun `a large batch keeps its order across threads`() {
        val ids = (0 until 20_000).map { "user-$it" }
        assertEquals(ids.map { intercom.sign(Identity(userId = it)) }, intercom.signMany(ids))
    }

    @Test
    fun `bad items throw what sign throws, with their index, or become null`() {
        val ids = listOf("1", "", "2", "x".repeat(1025))
        val error = assertThrows(UserHashException.EmptyField::class.java) { intercom.signMany(ids) }
        assertTrue(error.message!!.startsWith("item 1: "), error.message)
        val tokens = intercom.signManyOrNull(ids)
        assertEquals(intercom.sign(Identity(userId = "1")), tokens[0])
        assertNull(tokens[1])
        assertEquals(intercom.sign(Identity(userId = "2")), tokens[2])
        assertNull(tokens[3])
        val identities = listOf(Identity(userId = "1"), Identity())
        assertThrows(UserHashException.Unidentified::class.java) { intercom.signMany(identities) }
        assertEquals(listOf(intercom.sign(identities[0]), null), intercom.signManyOrNull(identities))
    }

    @Test
    fun `a bad item's exception is sign's, class and message, after its index`() {
        for (bad in listOf("", "x".repeat(1025), "bad\uD800")) {
            val alone = runCatching { intercom.sign(bad) }.exceptionOrNull()!!
            val inBatch = runCatching { intercom.signMany(listOf("ok", bad)) }.exceptionOrNull()!!
            assertTrue(alone.javaClass.isInstance(inBatch), "${alone.javaClass} ${inBatch.javaClass}")
            assertEquals("item 1: ${alone.message}", inBatch.message)
            val identity = Identity(userId = bad, email = "a@b.c")
            val inIdentities = runCatching { intercom.signMany(listOf(Identity(userId = "1"), identity)) }.exceptionOrNull()!!
            assertEquals("item 1: ${runCatching { intercom.sign(identity) }.exceptionOrNull()!!.message}", inIdentities.message)
        }
    }

    @Test
    fun `a lone surrogate is refused as by the generated bindings`() {
        assertThrows(java.nio.charset.CharacterCodingException::class.java) {
            intercom.signMany(listOf("ok", "bad\uD800"))
        }
    }

    @Test
    fun `java facade`() {
        assertEquals(listOf(intercom.sign(Identity(userId = "42"))), UserHash.signMany(intercom, listOf("42")))
        assertEquals(listOf(null), UserHash.signManyOrNull(intercom, listOf("")))
    }
}
