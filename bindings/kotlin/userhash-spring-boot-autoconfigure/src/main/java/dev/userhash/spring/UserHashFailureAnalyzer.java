package dev.userhash.spring;

import dev.userhash.web.Problem;
import dev.userhash.web.UserHashSettingsException;
import java.util.stream.Collectors;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns userhash's misconfiguration at start-up into Spring Boot's "APPLICATION FAILED TO START"
 * report: the Description names each {@code userhash.*} property at fault and what is wrong with
 * it, the Action says how to fix each. The text holds property values and the library's
 * messages, which name files, key paths and variables, never a secret.
 */
public class UserHashFailureAnalyzer extends AbstractFailureAnalyzer<UserHashSettingsException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UserHashSettingsException cause) {
        String description = cause.getProblems().stream()
                .map(problem -> "  - " + problem.getSetting() + ": " + problem.getMessage())
                .collect(Collectors.joining("\n", "userhash is misconfigured:\n", ""));
        String action = cause.getProblems().stream()
                .map(UserHashFailureAnalyzer::action)
                .collect(Collectors.joining("\n", "Fix the userhash properties (application.properties or application.yml):\n", ""));
        return new FailureAnalysis(description, action, cause);
    }

    private static String action(Problem problem) {
        return "  - " + problem.getSetting() + ": " + problem.getHint();
    }
}
