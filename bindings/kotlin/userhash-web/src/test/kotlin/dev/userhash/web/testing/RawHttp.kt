package dev.userhash.web.testing

import com.fasterxml.jackson.databind.ObjectMapper
import java.io.ByteArrayOutputStream
import java.io.InputStream
import java.net.InetAddress
import java.net.Socket
import java.net.SocketException
import java.net.URLEncoder

/**
 * An HTTP/1.1 client over a plain socket to 127.0.0.1, for the web integrations' suites: header
 * values are raw bytes (so a test can send non-UTF-8 bytes, or 100 kB), every request closes its
 * connection, and cookies are kept like a browser's. A server that closes the connection without
 * answering gives status [DROPPED].
 */
class RawHttp(val port: Int) {
    /** The cookies the server set, by name. */
    val cookies: MutableMap<String, String> = LinkedHashMap()

    /** Sends one request; [headers] are name and raw value bytes. */
    @JvmOverloads
    fun request(method: String, path: String, headers: List<Pair<String, ByteArray>> = emptyList(), body: ByteArray? = null): Answer {
        Socket(InetAddress.getLoopbackAddress(), port).use { socket ->
            socket.soTimeout = TIMEOUT_MILLIS
            val out = ByteArrayOutputStream()
            fun line(text: String) = out.write((text + "\r\n").toByteArray(Charsets.ISO_8859_1))
            line("$method $path HTTP/1.1")
            line("Host: 127.0.0.1:$port")
            line("Connection: close")
            if (cookies.isNotEmpty()) line("Cookie: " + cookies.entries.joinToString("; ") { "${it.key}=${it.value}" })
            for ((name, value) in headers) {
                out.write("$name: ".toByteArray(Charsets.ISO_8859_1))
                out.write(value)
                out.write("\r\n".toByteArray())
            }
            if (body != null) {
                line("Content-Type: application/json")
                line("Content-Length: ${body.size}")
            }
            line("")
            if (body != null) out.write(body)
            val answer = try {
                socket.getOutputStream().write(out.toByteArray())
                socket.getOutputStream().flush()
                read(socket.getInputStream())
            } catch (closed: SocketException) {
                // The server closed the connection while the request was still being written.
                Answer(DROPPED, emptyMap(), ByteArray(0))
            }
            answer.headers["set-cookie"]?.let { cookie ->
                val pair = cookie.substringBefore(';')
                cookies[pair.substringBefore('=')] = pair.substringAfter('=')
            }
            return answer
        }
    }

    /** A GET, with headers given as text. */
    @JvmOverloads
    fun get(path: String, headers: Map<String, String> = emptyMap()): Answer =
        request("GET", path, headers.map { it.key to it.value.toByteArray(Charsets.UTF_8) })

    /** Logs in on the test sites' stand-in (`/test/login?user=...&email=...`). */
    @JvmOverloads
    fun login(user: String, email: String? = null): Answer {
        val query = "user=" + encode(user) + (email?.let { "&email=" + encode(it) } ?: "")
        val answer = get("/test/login?$query")
        check(answer.status == 200) { "login: ${answer.status} ${answer.text}" }
        return answer
    }

    private fun read(input: InputStream): Answer {
        val bytes = input.readAllBytes()
        if (bytes.isEmpty()) return Answer(DROPPED, emptyMap(), bytes)
        val end = indexOf(bytes, "\r\n\r\n".toByteArray())
        check(end >= 0) { "no end of headers in ${String(bytes, Charsets.ISO_8859_1).take(200)}" }
        val head = String(bytes, 0, end, Charsets.ISO_8859_1).split("\r\n")
        val status = head[0].split(' ')[1].toInt()
        val headers = LinkedHashMap<String, String>()
        for (header in head.drop(1)) {
            headers[header.substringBefore(':').trim().lowercase()] = header.substringAfter(':').trim()
        }
        var body = bytes.copyOfRange(end + 4, bytes.size)
        if (headers["transfer-encoding"].equals("chunked", ignoreCase = true)) body = unchunk(body)
        return Answer(status, headers, body)
    }

    private fun unchunk(data: ByteArray): ByteArray {
        val out = ByteArrayOutputStream()
        var at = 0
        while (at < data.size) {
            val lineEnd = indexOf(data, "\r\n".toByteArray(), at)
            val size = String(data, at, lineEnd - at, Charsets.ISO_8859_1).substringBefore(';').trim().toInt(16)
            if (size == 0) break
            out.write(data, lineEnd + 2, size)
            at = lineEnd + 2 + size + 2
        }
        return out.toByteArray()
    }

    private fun indexOf(data: ByteArray, part: ByteArray, from: Int = 0): Int {
        outer@ for (i in from..data.size - part.size) {
            for (j in part.indices) if (data[i + j] != part[j]) continue@outer
            return i
        }
        return -1
    }

    companion object {
        /** The status of a request whose connection the server closed without an answer. */
        const val DROPPED: Int = 0

        private const val TIMEOUT_MILLIS = 30_000

        private fun encode(text: String) = URLEncoder.encode(text, Charsets.UTF_8)
    }
}

/** One HTTP answer; header names in lower case. */
class Answer(val status: Int, val headers: Map<String, String>, val body: ByteArray) {
    /** The body as UTF-8. */
    val text: String get() = String(body, Charsets.UTF_8)

    /** The body as JSON: maps, lists, strings, numbers, booleans and `null`. */
    fun json(): Any? = ObjectMapper().readValue(body, Any::class.java)

    override fun toString(): String = "$status $text"
}
