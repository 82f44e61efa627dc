package dev.userhash

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Failures surface as typed, catchable exceptions (one variant per cause), never as crashes. */
class ErrorsTest {
    private val intercom = Scheme.byName("intercom")

    @Test
    fun `each cause is its own exception type, catchable by variant or as UserHashException`() {
        val unknown = assertThrows<UserHashException.UnknownScheme> { Scheme.byName("no-such-vendor") }
        assertEquals(ErrorCode.UNKNOWN_SCHEME, unknown.code)
        assertTrue("no-such-vendor" in unknown.message!!, unknown.message)

        val caught: Exception = try {
            Signer(intercom, "")
            error("an empty secret signed")
        } catch (e: UserHashException) {
            e
        }
        assertTrue(caught is UserHashException.EmptySecret, "$caught")

        assertThrows<UserHashException.InvalidScheme> { Scheme.parse("subject=nobody") }
        assertThrows<UserHashException.Unidentified> { Signer(intercom, "secret").sign(Identity()) }
        assertThrows<UserHashException.EmptyField> { Signer(intercom, "secret").sign(Identity(userId = "")) }
        assertThrows<UserHashException.TimestampNotApplicable> {
            Signer(intercom, "secret").signAt(Identity(userId = "42"), 1_700_000_000uL)
        }
        assertThrows<UserHashException.DuplicateLabel> { Keyring.of(intercom, "ios" to "a", "ios" to "b") }
        assertThrows<UserHashException.EmptyKeyring> { Verifier(Keyring(intercom)) }
        // {"alg":"HS256","typ":"JWT"}.{"user_id":"victim"}: its hash would be that JWT's
        // signature, so a signer whose key a JWT scheme shares refuses it, by either path.
        val signingInput = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoidmljdGltIn0"
        val guarded = Signer(intercom, "secret").withJwtInputGuard()
        assertThrows<UserHashException.JwtSigningInput> { guarded.sign(Identity(userId = signingInput)) }
        assertThrows<UserHashException.JwtSigningInput> { guarded.sign(userId = signingInput) }
        assertEquals(Signer(intercom, "secret").sign(userId = "john.doe"), guarded.sign(userId = "john.doe"))
    }

    @Test
    fun `a rejection is an exception from verify and data from the gate`() {
        val keyring = Keyring.of(intercom, "web" to "web-secret")
        val verifier = Verifier(keyring)
        val token = Signer(intercom, "another-secret").sign(Identity(userId = "42"))
        val mismatch = assertThrows<UserHashException.Mismatch> { verifier.verify(Identity(userId = "42"), token) }
        assertEquals("mismatch", errorCodeName(mismatch.code))
        assertThrows<UserHashException.MalformedToken> { verifier.verify(Identity(userId = "42"), "not-a-token") }

        val decision = Gate(verifier, Enforcement.ENFORCE).check(Identity(userId = "42"), token)
        assertFalse(decision.allowed)
        assertEquals(Outcome.INVALID, decision.outcome)
        assertEquals(ErrorCode.MISMATCH, decision.errorCode)
        val missing = Gate(verifier, Enforcement.REPORT).check(Identity(userId = "42"))
        assertTrue(missing.allowed && missing.wouldDenyWhenEnforced)
        assertEquals(Outcome.MISSING, missing.outcome)
    }

    @Test
    fun `messages never contain the secret`() {
        val secret = "zz-definitely-not-hex-zz"
        val error = assertThrows<UserHashException.InvalidHexSecret> { Signer(Scheme.byName("pylon"), secret) }
        assertFalse(secret in error.message!! || secret in error.toString(), error.toString())
    }

    @Test
    fun `every error code has its exception variant, and back`() {
        val variants = UserHashException::class.java.declaredClasses
            .filter { UserHashException::class.java.isAssignableFrom(it) }
            .map { it.getConstructor(String::class.java).newInstance("message") as UserHashException }
        assertEquals(ErrorCode.entries.toSet(), variants.map { it.code }.toSet())
        for (variant in variants) {
            val code = errorCodeName(variant.code)
            assertEquals(code, variant.javaClass.simpleName.replace(Regex("(?<=.)(?=[A-Z])"), "_").lowercase())
        }
    }

    @Test
    fun `a bad identity fails alone in a batch`() {
        val entries = Signer(intercom, "secret").signBatch(listOf(Identity(userId = "Message"), Identity(), Identity(email = "a@example.com")))
        assertEquals("aa747c502a898200f9e4fa21bac68136f886a0e27aec70ba06daf2e2a5cb5597", entries[0].token)
        assertNull(entries[1].token)
        assertEquals(ErrorCode.UNIDENTIFIED, entries[1].errorCode)
        assertEquals(64, entries[2].token?.length)
    }

    @Test
    fun `objects are AutoCloseable and refuse use after close`() {
        val signer = Signer(intercom, "secret")
        val token = signer.use { it.sign(Identity(userId = "Message")) }
        assertEquals("aa747c502a898200f9e4fa21bac68136f886a0e27aec70ba06daf2e2a5cb5597", token)
        assertThrows<IllegalStateException> { signer.sign(Identity(userId = "Message")) }
    }
}
