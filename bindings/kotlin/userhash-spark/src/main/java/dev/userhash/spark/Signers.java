package dev.userhash.spark;

import java.util.concurrent.ConcurrentHashMap;

import dev.userhash.Signer;
import dev.userhash.UserHash;
import dev.userhash.UserHashException;

/**
 * One signer per (scheme, secret source) per executor JVM: the key's pad states are computed
 * once, however many partitions and tasks sign with it.
 */
final class Signers {
    private static final ConcurrentHashMap<String, Signer> CACHE = new ConcurrentHashMap<>();

    private Signers() {}

    static Signer of(String scheme, SecretSource secret) {
        return CACHE.computeIfAbsent(scheme + '\u0000' + secret.key(), key -> build(scheme, secret));
    }

    /** A signer for an executor; a bad scheme or secret fails the task with the typed cause. */
    private static Signer build(String scheme, SecretSource secret) {
        try {
            return UserHash.signer(UserHash.scheme(scheme), secret.read());
        } catch (UserHashException bad) {
            throw new IllegalStateException("userhash-spark: " + bad.getMessage(), bad);
        }
    }
}
