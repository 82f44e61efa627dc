package dev.userhash

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files

/** Every case of the shared vectors, one dynamic test per case id (semantics: crates/userhash/tests/vectors.rs). */
class VectorsTest {
    private fun scheme(case: Case) = Scheme.parse(case.text("scheme")!!)

    private fun verifier(case: Case): Verifier {
        val scheme = scheme(case)
        val keys = case.node("keyring").map { it.get("label").textValue() to it.get("secret").textValue() }
        val default = defaultFreshness()
        val freshness = Freshness(
            maxAgeSeconds = case.i64("max_age") ?: default.maxAgeSeconds,
            maxFutureSkewSeconds = case.i64("max_future_skew") ?: default.maxFutureSkewSeconds,
            requireExp = case.bool("require_exp") ?: default.requireExp,
        )
        return Keyring.of(scheme, *keys.toTypedArray()).use { Verifier(it, freshness) }
    }

    private fun signed(case: Case): String = Signer(scheme(case), case.text("secret")!!).use { plain ->
        val signer = case.text("key_id")?.let { plain.withKeyId(it) } ?: plain
        val attributes = case.attributes
        val at = case.u64("timestamp")
        when {
            attributes != null && at == null -> signer.signWith(case.identity, attributes)
            attributes != null && at != null -> signer.signWithAt(case.identity, attributes, at)
            at == null -> signer.sign(case.identity)
            else -> signer.signAt(case.identity, at)
        }
    }

    private fun verified(case: Case): Verified = verifier(case).use { verifier ->
        val token = case.text("token")!!
        // Non-timestamped schemes ignore the clock; 0 keeps the run independent of real time.
        val now = case.u64("now") ?: 0uL
        when (val label = case.text("only_label")) {
            null -> verifier.verifyAt(case.identity, token, now)
            else -> verifier.verifyAt(case.identity, token, now, label)
        }
    }

    private fun operation(case: Case): Any = when (val operation = case.text("operation")) {
        "scheme" -> scheme(case)
        "secret" -> Signer(scheme(case), case.text("secret")!!)
        "sign" -> signed(case)
        // A keyring is built to verify with; an empty one is rejected when the verifier is made.
        "keyring" -> verifier(case)
        "verify" -> verified(case)
        else -> error("$case: unknown operation $operation")
    }

    private fun cases(section: String, atLeast: Int, check: (Case) -> Unit): List<DynamicTest> =
        Vectors.cases(section).also {
            assertTrue(it.size >= Vectors.atLeast(atLeast), "$section: ${it.size} cases")
        }
            .map { case -> dynamicTest(case.id) { check(case) } }

    @TestFactory
    fun sign(): List<DynamicTest> = cases("sign", 100) { case -> assertEquals(case.text("expected"), signed(case), "$case") }

    @TestFactory
    fun verify(): List<DynamicTest> = cases("verify", 100) { case ->
        val expected = case.node("expected")
        if (expected.get("valid").booleanValue()) {
            assertEquals(expected.get("label").textValue(), verified(case).label, "$case")
        } else {
            val error = assertThrows<UserHashException>("$case verified") { verified(case) }
            assertEquals(expected.get("error").textValue(), errorCodeName(error.code), "$case: ${error.message}")
        }
    }

    @TestFactory
    fun errors(): List<DynamicTest> = cases("errors", 50) { case ->
        val error = assertThrows<UserHashException>("$case succeeded") { operation(case) }
        assertEquals(case.text("error"), errorCodeName(error.code), "$case: ${error.message}")
        val secret = case.text("secret") ?: ""
        if (secret.length >= 4) {
            assertFalse(error.message!!.contains(secret), "$case: secret echoed")
            assertFalse(error.toString().contains(secret), "$case: secret echoed")
        }
    }

    @TestFactory
    fun explain(): List<DynamicTest> = cases("explain", 20) { case ->
        val expected = case.node("expected")
        val token = case.text("token")!!
        val diagnosis = verifier(case).use {
            it.explainAt(case.identity, token, case.u64("now") ?: 0uL, case.text("expected_label"))
        }
        val codes = diagnosis.findings.map { it.code }
        val context = "$case: found $codes: ${diagnosis.summary}"
        assertEquals(expected.get("valid").booleanValue(), diagnosis.valid, context)
        assertEquals(expected.get("label").textValue(), diagnosis.label, context)
        if (diagnosis.valid) {
            // A valid token's only note is the ambiguity of a separator-less concatenation.
            assertEquals(expected.get("includes").map { it.textValue() }, codes, context)
            assertNull(diagnosis.rejectionCode, context)
        } else {
            assertNotNull(diagnosis.rejectionCode, context)
        }
        expected.get("first").textValue()?.let { assertEquals(it, codes.firstOrNull(), context) }
        val includes = expected.get("includes").map { it.textValue() }
        includes.forEach { assertTrue(it in codes, "missing $it; $context") }
        if (!diagnosis.valid && includes.isEmpty()) assertTrue(codes.isEmpty(), "expected no known mistake; $context")
        for (finding in diagnosis.findings) {
            assertEquals(Cause.valueOf(finding.code.uppercase()), finding.cause, context)
            assertFalse(token in finding.explanation || token in diagnosis.summary, "$case: token echoed")
        }
    }

    @TestFactory
    fun gate(): List<DynamicTest> = cases("gate", 50) { case ->
        val expected = case.node("expected")
        val enforcement = Enforcement.valueOf(case.text("enforcement")!!.uppercase())
        val decision = verifier(case).use { verifier ->
            Gate(verifier, enforcement).use {
                it.checkAt(case.identity, case.text("token"), case.u64("now") ?: 0uL, case.text("only_label"))
            }
        }
        val context = "$case: $decision"
        assertEquals(expected.get("allowed").booleanValue(), decision.allowed, context)
        assertEquals(expected.get("outcome").textValue(), decision.outcome.name.lowercase(), context)
        assertEquals(expected.get("label").textValue(), decision.label, context)
        assertEquals(expected.get("error").textValue(), decision.errorCode?.let { errorCodeName(it) }, context)
        assertEquals(expected.get("would_deny_when_enforced").booleanValue(), decision.wouldDenyWhenEnforced, context)
        val claimed = expected.get("claimed_identity").takeUnless { it.isNull }
            ?.let { Identity(userId = it.get("user_id").textValue(), email = it.get("email").textValue()) }
        assertEquals(claimed, decision.claimedIdentity, context)
    }

    @Test
    fun `every preset has a vector file`() {
        for (name in presetNames()) assertTrue(Files.exists(Vectors.dir.resolve("$name.json")), "no vectors for $name")
    }
}
