package dev.userhash

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/** Objects are immutable and thread-safe: one Signer (or Verifier) shared by many threads. */
class ConcurrencyTest {
    private val threads = 8

    /** Runs [work] on every index in 0 until [count], spread over [threads] threads started at once. */
    private fun <T> inParallel(count: Int, work: (Int) -> T): List<T> {
        @Suppress("UNCHECKED_CAST")
        val results = arrayOfNulls<Any>(count) as Array<T?>
        val next = AtomicInteger()
        val start = CountDownLatch(1)
        val pool = Executors.newFixedThreadPool(threads)
        try {
            val workers = List(threads) {
                pool.submit {
                    start.await()
                    while (true) {
                        val index = next.getAndIncrement()
                        if (index >= count) break
                        results[index] = work(index)
                    }
                }
            }
            start.countDown()
            workers.forEach { it.get(5, TimeUnit.MINUTES) } // Future.get: the writes happen-before this.
        } finally {
            pool.shutdownNow()
        }
        return results.map { it!! }
    }

    private fun identities(count: Int) = List(count) { i ->
        Identity(userId = "user-$i", email = if (i % 3 == 0) "user.$i@example.com" else null)
    }

    @Test
    fun `one signer shared by 8 threads signing 100k identities matches the single-thread results`() {
        val identities = identities(100_000)
        Signer(Scheme.byName("helpshift"), "shared-secret").use { signer ->
            val single = identities.map { signer.sign(it) }
            assertEquals(identities.size, single.toSet().size, "every identity has its own token")
            assertEquals(single, signer.signBatch(identities).map { it.token })
            val parallel = inParallel(identities.size) { signer.sign(identities[it]) }
            assertArrayEquals(single.toTypedArray(), parallel.toTypedArray())
        }
    }

    @Test
    fun `one verifier shared by 8 threads accepts every token and names its key`() {
        val identities = identities(20_000)
        val keyring = Keyring.of(Scheme.byName("intercom"), "ios" to "ios-secret", "android" to "android-secret")
        val ios = keyring.signer("ios").use { it.signBatch(identities) }
        val android = keyring.signer("android").use { it.signBatch(identities) }
        val tokens = List(identities.size) { i -> (if (i % 2 == 0) ios else android)[i].token!! }
        keyring.use { Verifier(it) }.use { verifier ->
            val labels = inParallel(identities.size) { i -> verifier.verify(identities[i], tokens[i]).label }
            assertEquals(List(identities.size) { if (it % 2 == 0) "ios" else "android" }, labels)
        }
    }
}
