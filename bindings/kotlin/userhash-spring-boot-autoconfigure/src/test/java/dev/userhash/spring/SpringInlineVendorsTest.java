package dev.userhash.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.userhash.Identity;
import dev.userhash.Keyring;
import dev.userhash.Scheme;
import dev.userhash.UserHash;
import dev.userhash.spring.site.SiteApplication;
import dev.userhash.web.testing.Answer;
import dev.userhash.web.testing.EnforceContract;
import dev.userhash.web.testing.RawHttp;
import dev.userhash.web.testing.Site;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Vendors written in the properties instead of a config file (built through the library's
 * ConfigBuilder): one vendor, Intercom, with keys for web and ios only, over HTTP.
 */
@SpringBootTest(classes = SiteApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "userhash.vendors.intercom.scheme=intercom",
            "userhash.vendors.intercom.keys.web.env=SITE_SECRET_WEB",
            "userhash.vendors.intercom.keys.ios.env=SITE_SECRET_IOS",
            "userhash.enforcement=enforce",
        })
class SpringInlineVendorsTest {
    @Value("${local.server.port}")
    int port;

    private RawHttp ada() {
        RawHttp client = new RawHttp(port);
        client.login("ada", "ada@example.com");
        return client;
    }

    @Test
    void thePayloadIsSignedWithTheVendorsOfTheProperties() throws Exception {
        Answer answer = ada().get("/me", Map.of("X-UserHash-Platform", "ios"));
        assertEquals(200, answer.getStatus(), answer.getText());
        Map<?, ?> intercom = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) answer.json()).get("userhash")).get("intercom");
        Keyring keyring = UserHash.keyring(UserHash.scheme("intercom"))
                .withKey("web", Site.WEB_SECRET).withKey("ios", Site.IOS_SECRET);
        String label = UserHash.verify(UserHash.verifier(keyring, null), new Identity("ada", "ada@example.com"),
                (String) intercom.get("user_hash"), null).getLabel();
        assertEquals("ios", label);
    }

    @Test
    void theGateChecksTheVendorsOfTheProperties() {
        Answer answer = new RawHttp(port).request("POST", "/api/echo", java.util.List.of(), "{}".getBytes());
        assertEquals(200, answer.getStatus());
        RawHttp ada = ada();
        Answer denied = ada.request("POST", "/api/echo",
                java.util.List.of(new kotlin.Pair<>("X-UserHash-Token", EnforceContract.forged().getBytes())), "{}".getBytes());
        Site.assertDenied(denied, "invalid", "mismatch", java.util.List.of());
    }

    @Test
    void aPlatformNoVendorServesIsRefusedWithoutEchoingIt() {
        String platform = "tv" + EnforceContract.forged().substring(0, 8);
        Answer answer = ada().get("/me", Map.of("X-UserHash-Platform", platform));
        assertEquals(400, answer.getStatus(), answer.getText());
        assertEquals(Map.of("error", "unknown platform"), answer.json());
        assertFalse(answer.getText().contains(platform));
        assertTrue(answer.getHeaders().get("content-type").startsWith("application/json"));
    }
}
