package dev.userhash.bench;

import dev.userhash.Decision;
import dev.userhash.Enforcement;
import dev.userhash.Gate;
import dev.userhash.Identity;
import dev.userhash.UserHash;
import dev.userhash.Verifier;
import dev.userhash.spring.UserHashGateFilter;
import dev.userhash.spring.UserHashGateMetrics;
import dev.userhash.spring.UserHashIdentityResolver;
import dev.userhash.web.RequestGate;
import dev.userhash.web.WebSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The Spring Boot gate filter's cost per request, read beside {@code SignBenchmark.macVerifyReused}
 * (a reused {@code Mac} verify) of the same run: {@code springFilter} passes one request (enforce,
 * a genuine token, the user known, the {@code userhash.gate} counter in a
 * {@code SimpleMeterRegistry}, the log below its level) through {@link UserHashGateFilter} to a
 * chain that does nothing; {@code springChainOnly} passes the same request to the same chain
 * alone. Their difference is what the filter adds to a request: reading the two headers, the
 * identity, the fast lane's gate check, the counts, the counter, the decision on the request.
 * The servlet request and response are Spring's mocks, reused: a server's own cost is no part of
 * either row.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class FilterBenchmark {
    Verifier verifier;
    Gate gate;
    UserHashGateFilter filter;
    MockHttpServletRequest request;
    MockHttpServletResponse response;
    FilterChain chain;
    Object reached;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        verifier = UserHash.verifier(UserHash.keyring(UserHash.scheme("intercom")).withKey("web", SignBenchmark.SECRET));
        gate = UserHash.gate(verifier, Enforcement.ENFORCE);
        WebSettings settings = new WebSettings(null, null, null, "web", null, Enforcement.ENFORCE,
                "X-UserHash-Token", "X-UserHash-Platform", List.of("/"));
        RequestGate requestGate = new RequestGate(gate, settings, "intercom");
        Identity user = new Identity(SignBenchmark.USER_ID, null);
        UserHashIdentityResolver identities = request -> user;
        filter = new UserHashGateFilter(requestGate, identities,
                new UserHashGateMetrics(new SimpleMeterRegistry(), "intercom"));
        String token = UserHash.signUserId(UserHash.signer(UserHash.scheme("intercom"), SignBenchmark.SECRET), SignBenchmark.USER_ID);
        request = new MockHttpServletRequest("POST", "/api/echo");
        request.addHeader("X-UserHash-Token", token);
        request.addHeader("X-UserHash-Platform", "web");
        response = new MockHttpServletResponse();
        chain = (req, res) -> reached = req;
        if (!springFilter().getAllowed()) {
            throw new IllegalStateException("the filter denied a genuine token");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gate.close();
        verifier.close();
    }

    /** One request through the gate filter to the chain. */
    @Benchmark
    public Decision springFilter() throws Exception {
        filter.doFilter(request, response, chain);
        return UserHashGateFilter.decision(request);
    }

    /** The same request to the chain alone. */
    @Benchmark
    public Object springChainOnly() throws Exception {
        chain.doFilter(request, response);
        return reached;
    }
}
