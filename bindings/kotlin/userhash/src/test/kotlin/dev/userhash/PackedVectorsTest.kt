package dev.userhash

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Paths

/** The packed protocol's shared vectors (testdata/vectors/packed/lane-v1.json): the JVM's encoder
 *  (`Packer`) makes each case's bytes, and its decoder (`unpack`) reads each item's outcome from
 *  the lane's answer. */
class PackedVectorsTest {
    private val doc: JsonNode = ObjectMapper().readTree(
        Paths.get(System.getProperty("userhash.vectors")!!, "packed", "lane-v1.json").toFile(),
    )

    private fun hex(bytes: ByteArray) = bytes.joinToString("") { "%02x".format(it) }

    private fun text(node: JsonNode): String? = if (node.isNull) null else node.textValue()

    @Test
    fun `the encoder makes the vectors' bytes and the decoder reads their outcomes`() {
        assertEquals(1, doc.get("protocol").intValue())
        var checked = 0
        for (case in doc.get("cases")) {
            val id = case.get("id").textValue()
            val fields = case.get("fields").textValue()
            val items = case.get("items").map { Identity(userId = text(it.get("user_id")), email = text(it.get("email"))) }
            val packer = Packer(2 * items.size, 16)
            for (identity in items) {
                val chosen = when (fields) {
                    "user_id" -> listOf(identity.userId)
                    "email" -> listOf(identity.email)
                    else -> listOf(identity.userId, identity.email)
                }
                for (value in chosen) if (value == null) packer.absent() else packer.add(value)
            }
            val (data, lengths) = packer.bytes()
            assertEquals(case.get("data_hex").textValue(), hex(data), "$id data")
            assertEquals(case.get("lengths_hex").textValue(), hex(lengths), "$id lengths")
            // The lane's answer, decoded (timestamped cases need the vector's time, which the JVM's
            // batch call does not take: the clock is read once per call).
            if (!case.get("at").isNull) continue
            val signer = Signer(Scheme.byName(case.get("scheme").textValue()), case.get("secret").textValue())
            val packedFields = PackedFields.entries[case.get("field_code").intValue()]
            val batch = if (items.isEmpty()) {
                SignedBatch(emptyList(), emptyList())
            } else {
                packer.sign(signer, packedFields, items.size)
            }
            val got = batch.tokens.map { token -> mapOf("token" to token) }.toMutableList<Map<String, String?>>()
            for (failure in batch.failures) got[failure.index] = mapOf("error" to failure.code)
            val expected = case.get("expect").map { outcome ->
                outcome.fields().asSequence().associate { (key, value) -> key to value.textValue() }
            }
            assertEquals(expected, got, id)
            checked++
        }
        assertTrue(checked > 20, "$checked")
    }
}
