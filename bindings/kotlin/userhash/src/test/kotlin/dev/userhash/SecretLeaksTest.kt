package dev.userhash

import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource

/**
 * A recognisable secret, and its hex form for the schemes that hex-decode their secret, shows
 * nowhere: in no exception (message, toString, stack trace), and in no toString of a scheme,
 * keyring, signer, verifier, gate, verdict, decision, batch entry or diagnosis — for every kind of
 * scheme, whatever the token and whatever goes wrong.
 *
 * The canary also goes where a token or an identifier belongs, as a confused caller would put it.
 * Scheme names and keyring labels are echoed by design (to say which one is wrong), so the canary
 * is never put there.
 */
class SecretLeaksTest {
    private val canary = "LEAKCANARY-7f3a9c"
    private val other = "OTHERCANARY-0b1d2e"
    private val forbidden = listOf(canary, hex(canary), hex(canary).uppercase())
    private val now = 1_741_761_700uL
    private val issued = now - 96uL
    private val ada = Identity(userId = "42", email = "ada@example.com")

    private fun hex(text: String) = text.toByteArray().joinToString("") { "%02x".format(it) }

    /** A secret as the scheme wants it typed into a dashboard: text, or hex for hex-key schemes. */
    private fun typed(scheme: Scheme, secret: String) =
        if (scheme.info().keyEncoding == KeyEncoding.HEX) hex(secret) else secret

    private fun timestamped(scheme: Scheme) = scheme.info().timestamp == TimestampPlacement.SUFFIX

    private fun sign(signer: Signer, identity: Identity, at: ULong): String =
        if (timestamped(signer.scheme())) signer.signAt(identity, at) else signer.sign(identity)

    /** Everything made or caught, as the text a log line or a stack trace would show. */
    private val shown = mutableListOf<Pair<String, String>>()

    private fun show(what: String, action: () -> Any?) {
        try {
            shown += what to action().toString()
        } catch (e: UserHashException) {
            shown += what to e.toString()
            shown += what to e.stackTraceToString()
        }
    }

    @ParameterizedTest
    @ValueSource(strings = ["intercom", "helpshift", "jimo", "pylon", "channel-io", "subject=user_id_and_email,key=hex,output=base64,timestamp=suffix"])
    fun `the canary secret never shows`(spec: String) {
        val scheme = Scheme.parse(spec)
        val secret = typed(scheme, canary)
        val keyring = Keyring.of(scheme, "web" to secret, "ios" to typed(scheme, other))
        val verifier = Verifier(keyring)
        val gates = Enforcement.entries.map { Gate(verifier, it) }
        val signer = keyring.signer("web")
        for (item in listOf(scheme, scheme.info(), keyring, keyring.labels(), verifier, signer) + gates) {
            show("object") { item }
        }

        val genuine = sign(signer, ada, issued)
        val fromIos = sign(keyring.signer("ios"), ada, issued)
        val tokens = mutableListOf(genuine, genuine.uppercase(), fromIos, canary, hex(canary), secret, "")
        if (scheme.info().keyEncoding == KeyEncoding.HEX) {
            // The hex secret used as text: a secret_used_as_text finding.
            val asText = Signer(Scheme.parse(scheme.info().spec.replace("key=hex", "key=utf8")), secret)
            tokens += sign(asText, ada, issued)
            val codes = verifier.explainAt(ada, tokens.last(), now, "web").findings.map { it.code }
            assertTrue("secret_used_as_text" in codes, "$spec: $codes")
        }
        if (timestamped(scheme)) {
            tokens += listOf(issued * 1000uL, now - 7200uL, now + 7200uL).map { sign(signer, ada, it) }
            tokens += genuine.substringBefore('-')
        }
        val codes = verifier.explainAt(ada, fromIos, now, "web").findings.map { it.code }
        assertTrue("wrong_key" in codes, "$spec: $codes")

        val confused = Identity(userId = canary, email = secret)
        for (identity in listOf(ada, confused, Identity(), Identity(userId = ""), Identity(email = ""))) {
            for (token in tokens) {
                show("verifyAt") { verifier.verifyAt(identity, token, now) }
                show("verifyAt web") { verifier.verifyAt(identity, token, now, "web") }
                show("explainAt") { verifier.explainAt(identity, token, now) }
                show("explainAt web") { verifier.explainAt(identity, token, now, "web") }
                for (gate in gates) {
                    show("checkAt") { gate.checkAt(identity, token, now) }
                    show("checkAt web") { gate.checkAt(identity, token, now, "web") }
                }
            }
            show("sign") { signer.sign(identity) }
            show("signAt") { signer.signAt(identity, now) }
            show("signBatch") { signer.signBatch(listOf(identity, ada)) }
        }
        show("too long") { signer.sign(Identity(userId = canary.repeat(70), email = canary.repeat(70))) }
        show("unknown label") { keyring.signer("android") }
        show("duplicate label") { keyring.withKey("web", secret) }
        show("empty keyring") { Verifier(Keyring(scheme)) }
        for (bad in listOf(secret + "a", "0x$secret", "$secret ", secret.uppercase())) {
            show("secret") { Signer(scheme, bad) }
            show("keyring secret") { Keyring(scheme).withKey("web", bad) }
        }

        assertTrue(shown.size > 500, "only ${shown.size} texts")
        for ((what, text) in shown) {
            for (secretForm in forbidden) assertFalse(secretForm in text, "$spec: $secretForm shown by $what: $text")
        }
    }
}
