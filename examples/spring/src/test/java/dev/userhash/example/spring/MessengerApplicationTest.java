package dev.userhash.example.spring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The example over real HTTP on a random port: every step of the demo answers as expected. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MessengerApplicationTest {
    @Value("${local.server.port}")
    int port;

    @Test
    void theDemosStepsAnswerAsExpected() throws Exception {
        assertTrue(new WebDemo("http://127.0.0.1:" + port).run());
    }
}
