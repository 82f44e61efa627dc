package dev.userhash.spring.site;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userhash.Decision;
import dev.userhash.Identity;
import dev.userhash.spring.UserHashGateFilter;
import dev.userhash.spring.UserHashIdentityResolver;
import dev.userhash.spring.UserHashPayload;
import dev.userhash.web.RequestGate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The test site every Spring test starts (the contract's endpoints): the user in a cookie
 * standing in for a session, read by the site's own {@link UserHashIdentityResolver} (which
 * replaces the auto-configured one), a {@code SimpleMeterRegistry} for the gate's counter, and a
 * Thymeleaf page rendering the payload.
 */
@SpringBootApplication
public class SiteApplication {
    private static final String COOKIE = "site_user";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The user from the login cookie: {@code user\nemail}, user {@code -} for no user id. */
    @Bean
    UserHashIdentityResolver siteIdentity() {
        return request -> {
            Cookie[] cookies = request.getCookies();
            if (cookies == null) {
                return null;
            }
            for (Cookie cookie : cookies) {
                if (COOKIE.equals(cookie.getName())) {
                    String[] parts = URLDecoder.decode(cookie.getValue(), StandardCharsets.UTF_8).split("\n", -1);
                    String user = parts[0].equals("-") ? null : parts[0];
                    String email = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null;
                    return new Identity(user, email);
                }
            }
            return null;
        };
    }

    /** The registry the gate counts into (an application would have actuator's). */
    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException error) {
            throw new IllegalStateException(error);
        }
    }

    /** The contract's endpoints. */
    @Controller
    static class Site {
        private final UserHashPayload payload;
        private final ObjectProvider<RequestGate> gate;

        Site(UserHashPayload payload, ObjectProvider<RequestGate> gate) {
            this.payload = payload;
            this.gate = gate;
        }

        @GetMapping(value = "/test/login", produces = "application/json")
        @ResponseBody
        String login(@RequestParam String user, @RequestParam(required = false) String email, HttpServletResponse response) {
            String value = user + "\n" + (email == null ? "" : email);
            response.addCookie(new Cookie(COOKIE, URLEncoder.encode(value, StandardCharsets.UTF_8)));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("user_id", user.equals("-") ? null : user);
            body.put("email", email);
            return json(body);
        }

        @RequestMapping(value = "/api/echo", produces = "application/json")
        @ResponseBody
        String echo(HttpServletRequest request) {
            Decision decision = UserHashGateFilter.decision(request);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ok", true);
            body.put("outcome", decision == null ? null : RequestGate.outcomeName(decision.getOutcome()));
            return json(body);
        }

        @GetMapping(value = "/public", produces = "application/json")
        @ResponseBody
        String open() {
            return "{\"ok\": true}";
        }

        @GetMapping(value = "/test/counts", produces = "application/json")
        @ResponseBody
        String counts() {
            RequestGate found = gate.getIfAvailable();
            return json(found == null ? Map.of() : found.counts());
        }

        @GetMapping(value = "/me", produces = "application/json")
        @ResponseBody
        String me() {
            String json = payload.json();
            return "{\"userhash\": " + (json == null ? "null" : json) + "}";
        }

        @GetMapping("/page")
        String page() {
            return "page";
        }
    }
}
