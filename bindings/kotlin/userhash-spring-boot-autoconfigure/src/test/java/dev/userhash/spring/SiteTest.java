package dev.userhash.spring;

import dev.userhash.web.testing.Site;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What every Spring test of the site shares. */
final class SiteTest {
    private SiteTest() {}

    /** The config file of the test site (a resource of userhash-web's test jar). */
    static void config(DynamicPropertyRegistry registry) {
        registry.add("userhash.config", Site::config);
    }
}
