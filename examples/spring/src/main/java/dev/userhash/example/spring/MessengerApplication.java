package dev.userhash.example.spring;

import dev.userhash.Decision;
import dev.userhash.Identity;
import dev.userhash.spring.UserHashGateFilter;
import dev.userhash.spring.UserHashIdentityResolver;
import dev.userhash.spring.UserHashPayload;
import dev.userhash.web.RequestGate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * A messenger page and its API, with userhash from the starter and the properties in
 * application.yml: the page boots a vendor's SDK with every vendor's token for the signed-in
 * user ({@code ${userhash.scriptElement()}}), {@code /me} returns the same payload to a mobile
 * app, and {@code /api/**} is behind the gate (enforce): a call must carry the user's Intercom
 * hash in {@code X-UserHash-Token}.
 *
 * <p>The session login ({@code /login?user=...&email=...}) stands in for the application's own;
 * the {@link UserHashIdentityResolver} bean maps its user to an {@link Identity}.
 */
@SpringBootApplication
public class MessengerApplication {
    /** Session attributes of the stand-in login. */
    static final String USER = "user";
    static final String EMAIL = "email";

    public static void main(String[] args) {
        SpringApplication.run(MessengerApplication.class, args);
    }

    /** Who the request's user is: the session's. */
    @Bean
    UserHashIdentityResolver sessionUser() {
        return request -> {
            HttpSession session = request.getSession(false);
            if (session == null || session.getAttribute(USER) == null) {
                return null;
            }
            return new Identity((String) session.getAttribute(USER), (String) session.getAttribute(EMAIL));
        };
    }

    /** The gate's counter lands here (with spring-boot-starter-actuator, actuator's registry). */
    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }

    /** The page, the login stand-in, /me, the gated API and the gate's counts. */
    @Controller
    static class Pages {
        private final UserHashPayload payload;
        private final MeterRegistry registry;

        Pages(UserHashPayload payload, MeterRegistry registry) {
            this.payload = payload;
            this.registry = registry;
        }

        @GetMapping("/")
        String index(HttpSession session, Model model) {
            model.addAttribute("user", session.getAttribute(USER));
            return "messenger";
        }

        @GetMapping("/login")
        String login(@RequestParam String user, @RequestParam(required = false) String email, HttpSession session) {
            session.setAttribute(USER, user);
            session.setAttribute(EMAIL, email);
            return "redirect:/";
        }

        /** The payload for a mobile app: the platform from the X-UserHash-Platform header. */
        @GetMapping(value = "/me", produces = MediaType.APPLICATION_JSON_VALUE)
        @ResponseBody
        String me() {
            String json = payload.json();
            return json == null ? "{}" : json;
        }

        /** Behind the gate: reached only with the user's genuine hash (enforce). */
        @PostMapping(value = "/api/messages", produces = MediaType.APPLICATION_JSON_VALUE)
        @ResponseBody
        String message(HttpServletRequest request) {
            Decision decision = UserHashGateFilter.decision(request);
            return "{\"accepted\": true, \"outcome\": \"" + RequestGate.outcomeName(decision.getOutcome())
                    + "\", \"label\": \"" + decision.getLabel() + "\"}";
        }

        /** The userhash.gate counter by outcome (what report mode is watched for). */
        @GetMapping(value = "/admin/gate", produces = MediaType.APPLICATION_JSON_VALUE)
        @ResponseBody
        Map<String, Double> gate() {
            Map<String, Double> counts = new TreeMap<>();
            for (Counter counter : registry.find("userhash.gate").counters()) {
                counts.merge(counter.getId().getTag("outcome"), counter.count(), Double::sum);
            }
            return counts;
        }
    }
}
