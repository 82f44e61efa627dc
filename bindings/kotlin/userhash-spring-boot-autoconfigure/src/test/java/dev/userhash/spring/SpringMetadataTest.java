package dev.userhash.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What IDEs read: the configuration metadata spring-boot-configuration-processor wrote from
 * UserHashProperties (every property, its type, its Javadoc, its default), and the registration
 * files Spring Boot finds the auto-configuration and the failure analyzer by.
 */
class SpringMetadataTest {
    private static JsonNode resource(String name) throws Exception {
        try (InputStream in = SpringMetadataTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void everyPropertyIsDescribedForIdes() throws Exception {
        Map<String, JsonNode> properties = new HashMap<>();
        for (JsonNode property : resource("META-INF/spring-configuration-metadata.json").get("properties")) {
            properties.put(property.get("name").asText(), property);
        }
        for (String name : new String[] {"userhash.config", "userhash.app", "userhash.env", "userhash.platform",
                "userhash.vendor", "userhash.enforcement", "userhash.token-header", "userhash.platform-header",
                "userhash.gate-paths", "userhash.vendors"}) {
            JsonNode property = properties.get(name);
            assertNotNull(property, name);
            assertTrue(property.path("description").asText().length() > 10, name);
        }
        assertEquals("dev.userhash.Enforcement", properties.get("userhash.enforcement").get("type").asText());
        assertEquals("X-UserHash-Token", properties.get("userhash.token-header").get("defaultValue").asText());
        assertEquals("web", properties.get("userhash.platform").get("defaultValue").asText());
    }

    @Test
    void theAutoConfigurationAndTheAnalyzerAreRegistered() throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        try (InputStream in = loader.getResourceAsStream(
                "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
            assertEquals(UserHashAutoConfiguration.class.getName(), new String(in.readAllBytes()).trim());
        }
        try (InputStream in = loader.getResourceAsStream("META-INF/spring.factories")) {
            assertTrue(new String(in.readAllBytes()).contains(UserHashFailureAnalyzer.class.getName()));
        }
    }
}
