package dev.userhash.bench;

import dev.userhash.Decision;
import dev.userhash.Enforcement;
import dev.userhash.Gate;
import dev.userhash.Identity;
import dev.userhash.Scheme;
import dev.userhash.Signer;
import dev.userhash.UserHash;
import dev.userhash.Verified;
import dev.userhash.Verifier;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * userhash on the JVM against the JDK's own HMAC, in the same JVM and run.
 *
 * <p>Single calls, through the fast lane (one JNI call): {@code UserHash.signUserId} /
 * {@code signer.sign(identity)} on a 41-byte user id, beside a reused {@link Mac} (the fastest
 * hand-written snippet: {@code doFinal} then {@link HexFormat}) and a {@code Mac} made per call
 * (the common snippet); {@code verifier.verify} and {@code gate.check}, beside a reused
 * {@code Mac} whose hex is compared with {@link MessageDigest#isEqual}. Each beside the generated
 * uniffi call it replaces (through JNA). Bulk: {@code UserHash.signMany} (one JNI call) over
 * {@value #COUNT} ids beside a loop over one reused {@code Mac}; both are reported per id. Read the
 * figures as ratios ({@code cargo xtask bench} writes them to docs/benchmarks.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SignBenchmark {
    static final String SECRET = "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8";
    static final String USER_ID = "user-4f1c9a2e-7d3b-4c8e-9f01-2b3c4d5e6f70";
    static final int COUNT = 100_000;
    static final HexFormat HEX = HexFormat.of();

    Signer signer;
    Identity identity;
    Mac mac;
    SecretKeySpec key;
    List<String> ids;
    Verifier verifier;
    Gate gate;
    String token;
    byte[] tokenBytes;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        signer = UserHash.signer(UserHash.scheme("intercom"), SECRET);
        identity = new Identity(USER_ID, null);
        key = new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        ids = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            ids.add(String.format("user-%08d", i));
        }
        String expected = HEX.formatHex(mac.doFinal(USER_ID.getBytes(StandardCharsets.UTF_8)));
        verifier = UserHash.verifier(UserHash.keyring(UserHash.scheme("intercom")).withKey("web", SECRET));
        gate = UserHash.gate(verifier, Enforcement.ENFORCE);
        token = expected;
        tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
        if (!UserHash.verify(verifier, identity, token).getLabel().equals("web")
                || !UserHash.check(gate, identity, token).getAllowed()
                || !macVerifyReused()) {
            throw new IllegalStateException("verification disagrees");
        }
        if (!signer.signUniffi(identity).equals(expected)
                || !UserHash.signUserId(signer, USER_ID).equals(expected)
                || !UserHash.signMany(signer, ids).equals(macLoop())) {
            throw new IllegalStateException("userhash and javax.crypto.Mac disagree");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        signer.close();
        gate.close();
        verifier.close();
    }

    /** The fast lane: one JNI call, the token built as a String. */
    @Benchmark
    public String userhashSignDirect() throws Exception {
        return UserHash.signUserId(signer, USER_ID);
    }

    /** The generated uniffi path through JNA. */
    @Benchmark
    public String userhashSign() throws Exception {
        return signer.signUniffi(identity);
    }

    /** The fast lane's verify: one JNI call, the answer parsed into a Verified. */
    @Benchmark
    public Verified userhashVerify() throws Exception {
        return UserHash.verify(verifier, identity, token);
    }

    /** The generated verify, through JNA. */
    @Benchmark
    public Verified userhashVerifyGenerated() throws Exception {
        return verifier.verifyUniffi(identity, token, null);
    }

    /** The fast lane's gate check under enforce: one JNI call, the answer parsed into a Decision. */
    @Benchmark
    public Decision userhashCheck() throws Exception {
        return UserHash.check(gate, identity, token);
    }

    /** The generated gate check, through JNA. */
    @Benchmark
    public Decision userhashCheckGenerated() throws Exception {
        return gate.checkUniffi(identity, token, null);
    }

    /** The hand-written verification: a reused Mac, hex, and a constant-time compare. */
    @Benchmark
    public boolean macVerifyReused() {
        byte[] hex = HEX.formatHex(mac.doFinal(USER_ID.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(hex, tokenBytes);
    }

    /** The floor of any uniffi call returning a String: no argument, a few bytes back. */
    @Benchmark
    public String userhashCallFloor() throws Exception {
        return signer.fingerprint();
    }

    @Benchmark
    public String macReused() {
        return HEX.formatHex(mac.doFinal(USER_ID.getBytes(StandardCharsets.UTF_8)));
    }

    @Benchmark
    public String macPerCall() throws GeneralSecurityException {
        Mac fresh = Mac.getInstance("HmacSHA256");
        fresh.init(key);
        return HEX.formatHex(fresh.doFinal(USER_ID.getBytes(StandardCharsets.UTF_8)));
    }

    @Benchmark
    @OperationsPerInvocation(COUNT)
    public List<String> userhashSignMany() throws Exception {
        return UserHash.signMany(signer, ids);
    }

    @Benchmark
    @OperationsPerInvocation(COUNT)
    public List<String> macReusedLoop() {
        return macLoop();
    }

    private List<String> macLoop() {
        List<String> tokens = new ArrayList<>(ids.size());
        for (String id : ids) {
            tokens.add(HEX.formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8))));
        }
        return tokens;
    }
}
