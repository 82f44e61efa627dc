package dev.userhash.spring;

import dev.userhash.spring.site.SiteApplication;
import dev.userhash.web.testing.EnforceContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The gate under enforce, over HTTP to the test site on a random port (userhash-web's contract). */
@SpringBootTest(classes = SiteApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "userhash.enforcement=enforce")
@ExtendWith(OutputCaptureExtension.class)
class SpringEnforceTest extends EnforceContract {
    @Value("${local.server.port}")
    int port;

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
}
