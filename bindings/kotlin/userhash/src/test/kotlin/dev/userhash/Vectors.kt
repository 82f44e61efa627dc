package dev.userhash

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

/**
 * The shared conformance vectors (every `.json` file in testdata/vectors, format in its README), every
 * case. The directory comes from the `userhash.vectors` system property that the pom sets.
 */
object Vectors {
    val dir: Path = Paths.get(
        System.getProperty("userhash.vectors") ?: error("run through Maven: userhash.vectors is unset"),
    )

    private val files: List<Pair<String, JsonNode>> by lazy {
        val paths = Files.list(dir).use { list -> list.filter { it.toString().endsWith(".json") }.sorted().toList() }
        check(paths.size >= 20) { "expected the vector files in $dir, found ${paths.size}" }
        // Jackson keeps strings byte-exact and reads integers past Long.MAX_VALUE as BigInteger.
        paths.map { it.fileName.toString() to ObjectMapper().readTree(it.toFile()) }
    }

    /**
     * `-Duserhash.vectors.subset=smoke` (the aarch64 JVM under qemu in `cargo xtask test`): from
     * every file, the first case of each section, and every error case.
     */
    val smoke: Boolean = System.getProperty("userhash.vectors.subset") == "smoke"

    /** The fewest cases a test over the whole set expects: [n], or one in a smoke run. */
    fun atLeast(n: Int): Int = if (smoke) 1 else n

    /** Every case of [section] (`sign`, `verify`, `errors`, `explain`), in file order. */
    fun cases(section: String): List<Case> = files.flatMap { (file, doc) ->
        val cases = doc.get(section) ?: error("$file: no $section section")
        val all = cases.map { Case(file, it) }
        if (smoke && section != "errors") all.take(1) else all
    }
}

/** One case; [text] and [u64] read nullable fields (JSON null means absent). */
class Case(val file: String, private val node: JsonNode) {
    val id: String = node.get("id").asText()

    fun text(key: String): String? = node.get(key)?.takeUnless { it.isNull }?.textValue()

    /** An unsigned 64-bit field, read from the exact integer (never through a double). */
    fun u64(key: String): ULong? = node.get(key)?.takeUnless { it.isNull }?.let {
        require(it.isIntegralNumber) { "$id: $key is not an integer" }
        it.bigIntegerValue().toString().toULong()
    }

    /** A signed 64-bit field (the freshness windows, which may be negative). */
    fun i64(key: String): Long? = node.get(key)?.takeUnless { it.isNull }?.let {
        require(it.isIntegralNumber && it.canConvertToLong()) { "$id: $key is not a signed 64-bit integer" }
        it.longValue()
    }

    /** A boolean field (absent or null: none). */
    fun bool(key: String): Boolean? = node.get(key)?.takeUnless { it.isNull }?.booleanValue()

    fun node(key: String): JsonNode = node.get(key) ?: error("$id: no $key")

    val identity: Identity get() = Identity(userId = text("user_id"), email = text("email"))

    /** A JWT case's attributes; absent (hash files) or null means none. */
    val attributes: Attributes? get() = node.get("attributes")?.takeUnless { it.isNull }?.let { given ->
        val field = { key: String -> given.get(key)?.takeUnless { it.isNull } }
        Attributes(
            name = field("name")?.textValue(),
            emailVerified = field("email_verified")?.booleanValue(),
            accountId = field("account_id")?.textValue(),
            nonce = field("nonce")?.textValue(),
            expiresIn = field("expires_in")?.bigIntegerValue()?.toString()?.toULong(),
            extraClaims = field("extra_claims")?.textValue(),
        )
    }

    override fun toString(): String = "$file $id"
}
