package dev.userhash.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.userhash.spring.site.SiteApplication;
import dev.userhash.web.testing.Answer;
import dev.userhash.web.testing.EnforceContract;
import dev.userhash.web.testing.RawHttp;
import dev.userhash.web.testing.ReportContract;
import dev.userhash.web.testing.Site;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gate under report and the payload, over HTTP to the test site (userhash-web's contract);
 * then what only Spring has: the Micrometer counter per outcome, and the payload in a Thymeleaf
 * page.
 */
@SpringBootTest(classes = SiteApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "userhash.enforcement=report")
@ExtendWith(OutputCaptureExtension.class)
class SpringReportTest extends ReportContract {
    @Value("${local.server.port}")
    int port;

    @Autowired
    MeterRegistry registry;

    private CapturedOutput output;

    @DynamicPropertySource
    static void site(DynamicPropertyRegistry registry) {
        SiteTest.config(registry);
    }

    @BeforeEach
    void capture(CapturedOutput output) {
        this.output = output;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String output() {
        return output.getAll();
    }

    private double count(String outcome) {
        return registry.find("userhash.gate").tag("outcome", outcome).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    @Test
    void theCounterCountsEachOutcomeOfEveryRequest() {
        Map<String, Double> before = Map.of(
                "verified", count("verified"), "invalid", count("invalid"),
                "missing", count("missing"), "unidentified", count("unidentified"));
        RawHttp ada = loggedIn("ada", "ada@example.com");
        for (int i = 0; i < 3; i++) {
            call(ada, Site.sign("ada", "ada@example.com"), "web", "/api/echo");
        }
        for (int i = 0; i < 5; i++) {
            call(ada, EnforceContract.forged(), "web", "/api/echo");
        }
        for (int i = 0; i < 2; i++) {
            call(ada, null, null, "/api/echo");
        }
        for (int i = 0; i < 4; i++) {
            call(client(), null, null, "/api/echo");
        }
        assertEquals(3, count("verified") - before.get("verified"));
        assertEquals(5, count("invalid") - before.get("invalid"));
        assertEquals(2, count("missing") - before.get("missing"));
        assertEquals(4, count("unidentified") - before.get("unidentified"));
        Counter mismatch = registry.find("userhash.gate")
                .tags("outcome", "invalid", "vendor", "intercom", "error_code", "mismatch").counter();
        assertTrue(mismatch != null && mismatch.count() >= 5);
    }

    @Test
    void noTagHoldsATokenOrASecret() {
        call(loggedIn(), "A".repeat(64), "x".repeat(40), "/api/echo");
        for (Meter meter : registry.find("userhash.gate").meters()) {
            for (Tag tag : meter.getId().getTags()) {
                assertTrue(tag.getValue().matches("[a-z_]{1,32}"), tag.toString());
            }
            assertEquals(
                    java.util.Set.of("outcome", "vendor", "error_code"),
                    meter.getId().getTags().stream().map(Tag::getKey).collect(java.util.stream.Collectors.toSet()));
        }
    }

    private static final Pattern ELEMENT = Pattern.compile(
            "<script type=\"application/json\" id=\"userhash-payload\" nonce=\"test-nonce\">(.*?)</script>");

    @Test
    void aThymeleafPageCarriesThePayloadSafely() throws Exception {
        // Intercom's part of the payload carries the user id as it is.
        String user = "ada</script><script>alert(1)</script><!--&";
        RawHttp client = loggedIn(user, "ada@example.com");
        Answer page = client.get("/page", Map.of());
        assertEquals(200, page.getStatus(), page.getText());
        Matcher found = ELEMENT.matcher(page.getText());
        assertTrue(found.find(), page.getText());
        assertFalse(page.getText().contains("<script>alert"), page.getText());
        String json = found.group(1);
        assertTrue(json.contains("ada\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)"), json);
        assertTrue(json.contains("\\u003C!--\\u0026"), json);
        Object payload = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Object.class);
        SENT.addAll(Site.checkPayload(payload, user, "ada@example.com", "web"));
    }

    @Test
    void aPageForAnAnonymousVisitorHasNoPayload() {
        Answer page = client().get("/page", Map.of());
        assertEquals(200, page.getStatus());
        assertFalse(page.getText().contains("userhash-payload"), page.getText());
    }
}
