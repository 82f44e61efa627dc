import dev.userhash.Identity;
import dev.userhash.Keyring;
import dev.userhash.Scheme;
import dev.userhash.Signer;
import dev.userhash.UserHash;
import dev.userhash.UserHashException;
import dev.userhash.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Leak run: millions of sign + verify calls through the userhash jar (JNA into the native
 * library), with the process's resident set size (RSS) sampled along the way.
 *
 * <p>Run by {@code cargo xtask leak}, as a single-file source program against the installed jar:
 * {@code java -Xms256m -Xmx256m -XX:+AlwaysPreTouch -cp <jar and its runtime dependencies>
 * LeakRun.java [iterations [warmup [samples [limitMb]]]]}. It is no part of the Maven build or
 * its tests. The heap is fixed in size and touched up front so that the Java heap cannot grow
 * the RSS; what is left to grow is native memory — the library's, JNA's, and the JIT's code
 * cache — which is why RSS is first sampled after a warm-up. The warm-up is 2,000,000
 * iterations by default: in a 5,000,000-iteration run warmed up for 1,000,000, RSS grew by 5.6 MB
 * until 1,800,000 iterations and by 0.5 MB over the 3,200,000 after, and glibc showed why — the
 * memory it held from the system grew while the memory in use fell (JNA frees each call's
 * native memory on its cleaner thread, so two arenas settle in).
 *
 * <p>Every iteration signs a fresh identity and verifies the token; one in a hundred also
 * verifies a forged token and catches the typed Mismatch, so the error path is exercised. The
 * last line of output is one JSON object; the exit status is 1 when RSS grew by the limit or
 * more.
 */
public final class LeakRun {
    private LeakRun() {}

    /** This process's resident set size in KiB, from /proc (Linux). */
    static long rssKib() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.split("\\s+")[1]);
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    static void iterations(Signer signer, Verifier verifier, long from, long to) throws UserHashException {
        String forged = "0".repeat(64);
        for (long n = from; n < to; n++) {
            Identity identity = new Identity("user-" + n, null);
            String token = UserHash.sign(signer, identity);
            if (!"web".equals(UserHash.verify(verifier, identity, token).getLabel())) {
                throw new AssertionError("verified under the wrong key");
            }
            if (n % 100 == 0) {
                try {
                    UserHash.verify(verifier, identity, forged);
                    throw new AssertionError("a forged token verified");
                } catch (UserHashException.Mismatch expected) {
                    // The error path: a Rust error became this exception.
                }
            }
        }
    }

    /**
     * With {@code -XX:NativeMemoryTracking=summary -Dleakrun.nmt=true}, asks the JVM (through
     * jcmd) to baseline or diff its own native memory: growth there is the JVM's (code cache,
     * metaspace, threads); growth in RSS but not there is malloc from outside the JVM — JNA or
     * the Rust library.
     */
    static void nativeMemory(String command) throws Exception {
        if (!Boolean.getBoolean("leakrun.nmt")) {
            return;
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process process = new ProcessBuilder(jcmd, Long.toString(ProcessHandle.current().pid()), "VM.native_memory", command)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        if (!command.equals("baseline")) {
            System.out.println(output);
        }
    }

    /** glibc's allocator statistics, through JNA (which the jar depends on anyway). */
    public interface LibC extends com.sun.jna.Library {
        /** Prints, to stderr, each arena's and the total "system bytes" and "in use bytes". */
        void malloc_stats();
    }

    /**
     * With {@code -Dleakrun.nmt=true}, glibc's view as well: "in use bytes" that grow are
     * allocations not freed (a leak in JNA, the generated bindings or the library); "system
     * bytes" that grow while "in use" stays put are the allocator keeping freed memory.
     */
    static void mallocStats(String when) {
        if (!Boolean.getBoolean("leakrun.nmt")) {
            return;
        }
        System.out.flush();
        System.err.println("jvm: glibc malloc_stats " + when + ":");
        System.err.flush();
        com.sun.jna.Native.load("c", LibC.class).malloc_stats();
    }

    /** Settles the Java heap so that a sample measures native memory, not garbage. */
    static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
    }

    public static void main(String[] args) throws Exception {
        long calls = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        long warmup = Math.min(calls, args.length > 1 ? Long.parseLong(args[1]) : 2_000_000L);
        int sampleCount = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        double limitMb = args.length > 3 ? Double.parseDouble(args[3]) : 5.0;

        Scheme scheme = UserHash.scheme("intercom");
        Signer signer = UserHash.signer(scheme, "leak-run-secret");
        Keyring keyring = UserHash.keyring(scheme).withKey("web", "leak-run-secret");
        Verifier verifier = UserHash.verifier(keyring);

        long started = System.nanoTime();
        iterations(signer, verifier, 0, warmup);
        settle();
        long baseline = rssKib();
        nativeMemory("baseline");
        mallocStats("after the warm-up");
        List<long[]> samples = new ArrayList<>();
        samples.add(new long[] {warmup, baseline});
        System.out.printf("jvm: RSS after %,d warm-up iterations: %,d KiB%n", warmup, baseline);
        long done = warmup;
        for (int i = 1; i <= sampleCount; i++) {
            long upto = warmup + (calls - warmup) * i / sampleCount;
            iterations(signer, verifier, done, upto);
            done = upto;
            settle();
            long rss = rssKib();
            samples.add(new long[] {done, rss});
            System.out.printf("jvm: %,d iterations: RSS %,d KiB (%+,d KiB)%n", done, rss, rss - baseline);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        nativeMemory("summary.diff");
        mallocStats("at the end");
        long end = samples.get(samples.size() - 1)[1];
        long peak = samples.stream().mapToLong(s -> s[1]).max().orElse(baseline);
        long limitKib = (long) (limitMb * 1024);
        StringBuilder json = new StringBuilder();
        json.append(String.format(
                "{\"language\": \"jvm\", \"java\": \"%s\", \"iterations\": %d, \"ffi_calls\": %d, \"seconds\": %.1f, "
                        + "\"rss_after_warmup_kib\": %d, \"rss_end_kib\": %d, \"growth_kib\": %d, \"peak_growth_kib\": %d, "
                        + "\"limit_kib\": %d, \"samples\": [",
                System.getProperty("java.version"), done, 2 * done + (done + 99) / 100, seconds,
                baseline, end, end - baseline, peak - baseline, limitKib));
        for (int i = 0; i < samples.size(); i++) {
            json.append(i > 0 ? ", " : "")
                    .append(String.format("{\"calls\": %d, \"rss_kib\": %d}", samples.get(i)[0], samples.get(i)[1]));
        }
        System.out.println(json.append("]}"));
        // Close the native objects, as a server shutting down would.
        verifier.close();
        keyring.close();
        signer.close();
        scheme.close();
        System.exit(end - baseline < limitKib ? 0 : 1);
    }
}
