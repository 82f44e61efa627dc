package dev.userhash.spring;

import dev.userhash.Decision;
import dev.userhash.web.LogLevel;
import dev.userhash.web.RequestGate;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The rollout gate on requests: off, then report, then enforce ({@code userhash.enforcement}).
 *
 * <p>For each request under {@code userhash.gate-paths}, the request's user (from the
 * {@link UserHashIdentityResolver}), the token header ({@code X-UserHash-Token}) and the platform
 * header ({@code X-UserHash-Platform}; absent: any of the vendor's keys) go to the library's
 * gate, through the fast lane. A request enforce denies gets 401, a {@code WWW-Authenticate:
 * UserHash header="X-UserHash-Token"} header and {@code {"error": "identity verification
 * failed", "outcome": "invalid", "error_code": "mismatch"}} — never the token. Report mode lets
 * every request through and logs each one enforce would deny, with the running counts, on the
 * {@code userhash.spring} logger at WARN (the others at DEBUG). Every decision is counted
 * ({@link UserHashGateMetrics}) and rides on the request as the {@link #DECISION_ATTRIBUTE}
 * attribute ({@link #decision(HttpServletRequest)}).
 *
 * <p>It runs after Spring Security's filter chain (order {@value #ORDER}, Security's is -100),
 * so the principal is known.
 */
public class UserHashGateFilter extends OncePerRequestFilter implements Ordered {
    /** The request attribute holding the gate's {@link Decision}. */
    public static final String DECISION_ATTRIBUTE = "userhash.decision";

    /** The filter's order: after Spring Security's filter chain (-100). */
    public static final int ORDER = -90;

    private static final Log LOG = LogFactory.getLog("userhash.spring");

    private final RequestGate gate;
    private final UserHashIdentityResolver identities;
    private final UserHashGateMetrics metrics;
    private final String tokenHeader;
    private final String platformHeader;

    /** Applies {@code gate} to the users {@code identities} finds, counting into {@code metrics} (may be null). */
    public UserHashGateFilter(RequestGate gate, UserHashIdentityResolver identities, UserHashGateMetrics metrics) {
        this.gate = gate;
        this.identities = identities;
        this.metrics = metrics;
        this.tokenHeader = gate.getSettings().getTokenHeader();
        this.platformHeader = gate.getSettings().getPlatformHeader();
    }

    /** The gate's decision on {@code request}, or {@code null} when the gate did not see it. */
    public static Decision decision(HttpServletRequest request) {
        return request.getAttribute(DECISION_ATTRIBUTE) instanceof Decision decision ? decision : null;
    }

    /** The library's gate as requests see it (its counts, its mode). */
    public RequestGate getGate() {
        return gate;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !gate.getSettings().gates(pathOf(request));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String platform = request.getHeader(platformHeader);
        Decision decision = gate.decide(identities.resolve(request), request.getHeader(tokenHeader), platform);
        request.setAttribute(DECISION_ATTRIBUTE, decision);
        if (metrics != null) {
            metrics.record(decision);
        }
        if (gate.level(decision) == LogLevel.WARNING ? LOG.isWarnEnabled() : LOG.isDebugEnabled()) {
            String line = gate.logLine(decision, platform, request.getMethod(), pathOf(request));
            if (gate.level(decision) == LogLevel.WARNING) {
                LOG.warn(line);
            } else {
                LOG.debug(line);
            }
        }
        if (decision.getAllowed()) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = RequestGate.deniedBody(decision).getBytes(StandardCharsets.UTF_8);
        response.setStatus(RequestGate.DENIED_STATUS);
        response.setHeader("WWW-Authenticate", gate.getWwwAuthenticate());
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The request's path inside the application (without the context path). */
    private static String pathOf(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context.isEmpty() ? uri : uri.substring(context.length());
    }
}
