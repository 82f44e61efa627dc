package dev.userhash.web

/**
 * A header's value as text, from the bytes on the wire.
 *
 * Servlet containers and Netty hand header values over as ISO-8859-1 text (each byte one
 * character). They are turned back into bytes and read as UTF-8, as every userhash web
 * integration reads them: bytes that are not UTF-8 become U+FFFD, so a token holding them can
 * never equal one a signer made (signers make text) and the library rejects it as malformed, and
 * such a platform is one no key has: a typed outcome, with nothing to decode by hand. A value
 * holding a character above U+00FF was decoded already, and is kept as it is.
 */
fun headerText(value: String?): String? {
    if (value == null) return null
    var ascii = true
    for (i in value.indices) {
        val char = value[i].code
        if (char > 0xFF) return value
        if (char >= 0x80) ascii = false
    }
    if (ascii) return value
    return String(value.toByteArray(Charsets.ISO_8859_1), Charsets.UTF_8)
}
