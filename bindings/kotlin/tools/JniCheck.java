import dev.userhash.Enforcement;
import dev.userhash.Gate;
import dev.userhash.Identity;
import dev.userhash.PayloadSigner;
import dev.userhash.Signer;
import dev.userhash.UserHash;
import dev.userhash.VendorFailures;
import dev.userhash.Verifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM's fast lane (crates/userhash-ffi/src/jni.rs) exercised under {@code -Xcheck:jni}, every
 * native of it: single signs of awkward text (NUL, newline, non-BMP characters, ids at and over
 * the length limit, a lone surrogate, an empty id), batches through {@code signMany}, verify and
 * the gate check (accepted, rejected, with a label and a time, awkward identities), and payloads
 * (raising, on awkward platforms, a vendor the payload lacks; JWT attributes are Kotlin values
 * Java cannot make, and are read by the same code as every other text).
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
        Verifier verifier = UserHash.verifier(UserHash.keyring(UserHash.scheme("intercom")).withKey("web", "5ec2e7"));
        Gate gate = UserHash.gate(verifier, Enforcement.ENFORCE);
        PayloadSigner payloads = UserHash.configBuilder()
                .vendor("acme", "prod", "intercom", "intercom").keySecret("web", "5ec2e7")
                .vendor("acme", "prod", "zendesk", "zendesk").keySecret("messaging", "zendesk-secret")
                .keyId("messaging", "app_1").allPlatforms("messaging")
                .build().payloadSigner("acme", "prod");
        String[] texts = {
            "42", "nul\u0000inside", "Zo\u00eb \u2713 \uD83D\uDE00", "new\nline",
            "x".repeat(1024), "x".repeat(1025), "bad\uD800", "",
        };
        long signed = 0;
        long refused = 0;
        long batches = 0;
        long checked = 0;
        for (int round = 0; round < rounds; round++) {
            for (String text : texts) {
                Identity identity = new Identity(text, null);
                String token = null;
                try {
                    token = UserHash.signUserId(signer, text);
                    signed++;
                } catch (Exception expected) {
                    // Too long, a lone surrogate, empty: thrown as the generated call throws.
                    refused++;
                }
                checked += outcomes(() -> UserHash.verify(verifier, identity, "0".repeat(64)));
                checked += outcomes(() -> UserHash.verifyAt(verifier, identity, text, 1_700_000_000L, "web"));
                checked += outcomes(() -> UserHash.check(gate, identity, text, "web"));
                checked += outcomes(() -> UserHash.checkAt(gate, new Identity(null, text), null, 1_700_000_000L, null));
                if (token != null) {
                    String genuine = token;
                    checked += outcomes(() -> UserHash.verify(verifier, identity, genuine));
                    checked += outcomes(() -> UserHash.check(gate, identity, genuine));
                }
                checked += outcomes(() -> UserHash.payload(payloads, new Identity(text, text), "web").toJson());
                checked += outcomes(() -> UserHash.payload(payloads, identity, text, null, 1_700_000_000L, VendorFailures.RAISE));
                checked += outcomes(() -> UserHash.payload(payloads, identity, "web").entry(text));
            }
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add("user-" + round + "-" + i);
            }
            UserHash.signMany(signer, batch);
            batches++;
        }
        signer.close();
        gate.close();
        verifier.close();
        payloads.close();
        System.err.println("jni-check: " + signed + " signed, " + refused + " refused, " + batches
                + " batches, " + checked + " verify, check and payload calls");
    }

    /** A call that answers or throws; 1 either way (the JNI checks are the point). */
    private static int outcomes(Call call) {
        try {
            call.run();
        } catch (Exception expected) {
            // Rejections and bad input: typed exceptions, as the generated calls throw.
        }
        return 1;
    }

    private interface Call {
        Object run() throws Exception;
    }

    /** {@code Lane.available}: internal in Kotlin, a public static field in bytecode. */
    private static boolean directPathAvailable() throws ReflectiveOperationException {
        return Class.forName("dev.userhash.Lane").getField("available").getBoolean(null);
    }
}
