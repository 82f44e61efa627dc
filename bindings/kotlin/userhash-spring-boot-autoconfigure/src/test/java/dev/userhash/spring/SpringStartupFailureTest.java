package dev.userhash.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userhash.web.testing.Site;
import dev.userhash.spring.site.SiteApplication;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * One start-up failure per misconfiguration: the application does not start, and the failure
 * analysis names the property and the fix, with no secret in it. The auto-configuration runs in
 * a context runner (no server: the failure comes before one would start); one test starts the
 * whole test site to see Spring Boot print the analysis.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringStartupFailureTest {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UserHashAutoConfiguration.class));

    private final String config = Site.config();

    /** The analysis of the start-up failure under {@code properties}. */
    private FailureAnalysis analysis(String... properties) {
        FailureAnalysis[] found = new FailureAnalysis[1];
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            found[0] = new UserHashFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(found[0]).as("a userhash failure analysis").isNotNull();
        for (String secret : Site.SECRETS) {
            assertThat(found[0].getDescription() + found[0].getAction()).doesNotContain(secret);
        }
        return found[0];
    }

    /** The message chain of the start-up failure under {@code properties} (Spring's own analyses). */
    private String failure(String... properties) {
        StringBuilder messages = new StringBuilder();
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
        });
        return messages.toString();
    }

    private void names(FailureAnalysis analysis, String property, String words) {
        assertThat(analysis.getDescription()).contains(property + ": ").contains(words);
        assertThat(analysis.getAction()).contains(property + ": ");
    }

    @Test
    void noKeysAtAll() {
        names(analysis(), "userhash.config", "is not set, and no vendors are");
    }

    @Test
    void aConfigFileWithoutAppAndEnvironment() {
        FailureAnalysis analysis = analysis("userhash.config=" + config);
        names(analysis, "userhash.app", "the config needs it");
        names(analysis, "userhash.env", "the config needs it");
    }

    @Test
    void aConfigFileAndVendorsAtOnce() {
        names(analysis("userhash.config=" + config, "userhash.app=site", "userhash.env=test",
                "userhash.vendors.intercom.scheme=intercom", "userhash.vendors.intercom.keys.web.env=SITE_SECRET_WEB"),
                "userhash.vendors", "is set together with userhash.config");
    }

    @Test
    void aConfigFileThatIsNotThere() {
        names(analysis("userhash.config=" + Site.missing(), "userhash.app=site", "userhash.env=test"),
                "userhash.config", "config_unreadable");
    }

    @Test
    void anUnknownApp() {
        names(analysis("userhash.config=" + config, "userhash.app=nope", "userhash.env=test"), "userhash.app", "config_unknown_app");
    }

    @Test
    void anUnknownEnvironment() {
        names(analysis("userhash.config=" + config, "userhash.app=site", "userhash.env=nope"), "userhash.env", "config_unknown_environment");
    }

    @Test
    void anUnknownVendorForTheGate() {
        names(analysis("userhash.config=" + config, "userhash.app=site", "userhash.env=test",
                "userhash.vendor=nope", "userhash.enforcement=enforce"), "userhash.vendor", "config_unknown_vendor");
    }

    @Test
    void aGateOverSeveralVendorsWithoutNamingOne() {
        FailureAnalysis analysis = analysis("userhash.config=" + config, "userhash.app=site", "userhash.env=test",
                "userhash.enforcement=report");
        assertThat(analysis.getDescription()).containsAnyOf("userhash.vendor: ", "userhash.config: ");
    }

    @Test
    void aSecretThatIsNotThere() {
        FailureAnalysis analysis = analysis("userhash.vendors.intercom.scheme=intercom",
                "userhash.vendors.intercom.keys.web.env=USERHASH_TEST_NO_SUCH_VARIABLE");
        names(analysis, "userhash.vendors", "secret_unavailable");
        assertThat(analysis.getDescription()).contains("USERHASH_TEST_NO_SUCH_VARIABLE");
    }

    @Test
    void anUnknownScheme() {
        names(analysis("userhash.vendors.intercom.scheme=intercomm", "userhash.vendors.intercom.keys.web.env=SITE_SECRET_WEB"),
                "userhash.vendors", "unknown_scheme");
    }

    @Test
    void aKeyWithBothAVariableAndAFile() {
        names(analysis("userhash.vendors.intercom.scheme=intercom", "userhash.vendors.intercom.keys.web.env=SITE_SECRET_WEB",
                "userhash.vendors.intercom.keys.web.file=/run/secrets/web"),
                "userhash.vendors.intercom.keys.web", "names both");
    }

    @Test
    void aKeyWithNoSecret() {
        names(analysis("userhash.vendors.intercom.scheme=intercom", "userhash.vendors.intercom.keys.web.key-id=kid"),
                "userhash.vendors.intercom.keys.web", "names no secret");
    }

    @Test
    void aVendorWithoutAScheme() {
        names(analysis("userhash.vendors.intercom.keys.web.env=SITE_SECRET_WEB"), "userhash.vendors.intercom.scheme", "is not set");
    }

    @Test
    void aBadTokenHeaderAndGatePath() {
        FailureAnalysis analysis = analysis("userhash.config=" + config, "userhash.app=site", "userhash.env=test",
                "userhash.token-header=X Token", "userhash.gate-paths=api", "userhash.platform= ");
        names(analysis, "userhash.token-header", "not an HTTP header name");
        names(analysis, "userhash.gate-paths", "holds 'api'");
        names(analysis, "userhash.platform", "is ''");
    }

    @Test
    void aModeThatIsNotOne() {
        // Spring's binder refuses it, naming the property (its own failure analysis prints it).
        assertThat(failure("userhash.config=" + config, "userhash.app=site", "userhash.env=test", "userhash.enforcement=enforced"))
                .contains("userhash.enforcement");
    }

    @Test
    void aMisspeltProperty() {
        // ignoreUnknownFields = false: a typo cannot silently leave the gate off.
        assertThat(failure("userhash.config=" + config, "userhash.app=site", "userhash.env=test", "userhash.enforcment=enforce"))
                .contains("userhash.enforcment");
    }

    @Test
    void springBootPrintsTheAnalysis(CapturedOutput output) {
        SpringApplication application = new SpringApplication(SiteApplication.class);
        application.setDefaultProperties(java.util.Map.of("server.port", "0"));
        assertThat(org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> application.run("--userhash.config=" + config, "--userhash.env=", "--userhash.enforcement=enforce")))
                .isNotNull();
        assertThat(output.getAll())
                .contains("APPLICATION FAILED TO START")
                .contains("userhash is misconfigured:")
                .contains("userhash.env: is ''")
                .doesNotContain(Site.WEB_SECRET);
        assertThat(List.of(output.getAll().split("\n"))).anyMatch(line -> line.startsWith("Action:"));
    }
}
