import dev.userhash.Scheme;
import dev.userhash.Signer;
import dev.userhash.UserHash;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM's direct path (crates/userhash-ffi/src/jni.rs) exercised under {@code -Xcheck:jni}:
 * single signs of awkward text (NUL, newline, non-BMP characters, ids at and over the length
 * limit, a lone surrogate, an empty id) and batches through {@code signMany}.
 *
 * <p>Run by {@code cargo xtask leak --only jni} as a single-file source program against the
 * installed jar: {@code java -Xcheck:jni -cp <jar and its runtime dependencies> JniCheck.java
 * [rounds]}. The JVM prints its JNI warnings, with a stack, on standard output; the xtask counts
 * those whose stack passes through the direct path's native methods. (JNA's own dispatch warns
 * on every generated call, so the bare count says nothing about userhash.) The last line of
 * standard error says how many calls went through the direct path, so a run where the path was
 * off cannot pass for a clean one. It is no part of the Maven build or its tests.
 */
public final class JniCheck {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        if (!directPathAvailable()) {
            System.err.println("jni-check: the direct path is off in this build");
            System.exit(1);
        }
        Signer signer = UserHash.signer(UserHash.scheme("intercom"), "5ec2e7");
        String[] texts = {
            "42", "nul\u0000inside", "Zo\u00eb \u2713 \uD83D\uDE00", "new\nline",
            "x".repeat(1024), "x".repeat(1025), "bad\uD800", "",
        };
        long signed = 0;
        long refused = 0;
        long batches = 0;
        for (int round = 0; round < rounds; round++) {
            for (String text : texts) {
                try {
                    UserHash.signUserId(signer, text);
                    signed++;
                } catch (Exception expected) {
                    // Too long, a lone surrogate, empty: declined by the direct path, thrown by
                    // the generated one.
                    refused++;
                }
            }
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add("user-" + round + "-" + i);
            }
            UserHash.signMany(signer, batch);
            batches++;
        }
        signer.close();
        System.err.println(
                "jni-check: " + signed + " signed, " + refused + " refused, " + batches + " batches");
    }

    /** {@code Lane.available}: internal in Kotlin, a public static field in bytecode. */
    private static boolean directPathAvailable() throws ReflectiveOperationException {
        return Class.forName("dev.userhash.Lane").getField("available").getBoolean(null);
    }
}
