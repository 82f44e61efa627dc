package dev.userhash.web

import dev.userhash.ErrorCode
import dev.userhash.Identity
import dev.userhash.PayloadSigner
import dev.userhash.UserHashException
import dev.userhash.payload

/**
 * Signs the payload — every configured vendor's token for the request's user — for one app's
 * environment; share one across threads.
 *
 * A vendor that cannot sign reports its error code in its slot (`{"error": "<code>"}`) and the
 * others still sign; a platform that no vendor has keys for is refused as a whole, with
 * [UnknownPlatformException], whose message holds nothing the request sent.
 */
class PayloadSource(
    /** The library's payload signer of the app's environment. */
    val signer: PayloadSigner,
    /** The settings: the default platform, and the header naming the request's. */
    val settings: WebSettings,
) {
    /**
     * The payload's JSON for [identity] on [platform] (a raw header value, decoded here; `null`:
     * the settings' platform), or `null` when nobody is logged in or the identity identifies
     * nobody (neither an id nor an email: every vendor would say `unidentified`).
     */
    fun payloadJson(identity: Identity?, platform: String?): String? {
        if (identity == null) return null
        val chosen = headerText(platform)?.takeIf { it.isNotEmpty() } ?: settings.platform
        val payload = try {
            signer.payload(identity, chosen)
        } catch (error: UserHashException.ConfigUnknownPlatform) {
            throw UnknownPlatformException()
        }
        payload.use {
            val entries = it.entries()
            if (entries.isNotEmpty() && entries.all { entry -> entry.errorCode == ErrorCode.UNIDENTIFIED }) return null
            return it.toJson()
        }
    }
}

/**
 * No configured vendor has keys for the platform a request asked for. Carries no value: the
 * platform came from the request, and answers never echo it. Every integration answers it with
 * 400 and [BODY].
 */
class UnknownPlatformException : RuntimeException("unknown platform: no configured vendor has keys for the platform the request named") {
    companion object {
        /** The JSON body of the 400 answer, as the Python integrations write it. */
        const val BODY: String = "{\"error\": \"unknown platform\"}"

        /** Its status. */
        const val STATUS: Int = 400
    }
}

/** The id the page's script finds the payload by. */
const val DEFAULT_ELEMENT_ID: String = "userhash-payload"

/**
 * `<script type="application/json" id="userhash-payload" nonce="...">{payload}</script>`, safe
 * as HTML. The JSON goes in as it is except `<`, `>` and `&`, written as the JSON escapes
 * `\u003C`, `\u003E` and `\u0026` (as Django's `json_script` does): the text then cannot end the
 * element, open a comment or start an entity, whatever a user's name or email holds, and
 * `JSON.parse` reads the same value. The id and the CSP nonce are attribute-escaped.
 */
@JvmOverloads
fun scriptElement(payloadJson: String, elementId: String = DEFAULT_ELEMENT_ID, nonce: String? = null): String {
    val out = StringBuilder(payloadJson.length + 80)
    out.append("<script type=\"application/json\" id=\"").append(attribute(elementId)).append('"')
    if (!nonce.isNullOrEmpty()) out.append(" nonce=\"").append(attribute(nonce)).append('"')
    out.append('>')
    for (char in payloadJson) {
        when (char) {
            '<' -> out.append("\\u003C")
            '>' -> out.append("\\u003E")
            '&' -> out.append("\\u0026")
            else -> out.append(char)
        }
    }
    return out.append("</script>").toString()
}

/** An attribute value, escaped as Python's `html.escape` does. */
private fun attribute(value: String): String = buildString(value.length) {
    for (char in value) {
        when (char) {
            '&' -> append("&amp;")
            '<' -> append("&lt;")
            '>' -> append("&gt;")
            '"' -> append("&quot;")
            '\'' -> append("&#x27;")
            else -> append(char)
        }
    }
}
