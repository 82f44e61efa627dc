package dev.userhash.spring;

import dev.userhash.Config;
import dev.userhash.web.PayloadSource;
import dev.userhash.web.RequestGate;
import dev.userhash.web.Wiring;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * userhash for a Spring Boot servlet application, from the {@code userhash.*} properties
 * ({@link UserHashProperties}).
 *
 * <ul>
 *   <li>{@link Wiring}: the properties, checked (every bad one named at start-up, through
 *       {@link UserHashFailureAnalyzer});</li>
 *   <li>{@link Config}: the config file, or the vendors written in the properties (built through
 *       the library's {@code ConfigBuilder}, so checked as the file would be);</li>
 *   <li>{@link PayloadSource} and {@link UserHashPayload}: the current user's payload, every
 *       secret read at start-up;</li>
 *   <li>{@link UserHashIdentityResolver}: who the user is (default: the principal's name);</li>
 *   <li>with {@code userhash.enforcement} set: {@link RequestGate} and {@link UserHashGateFilter},
 *       counting into the {@code MeterRegistry} when there is one.</li>
 * </ul>
 *
 * Every bean is {@link ConditionalOnMissingBean}: declare your own to replace it (a
 * {@code Config} built in code, a {@code RequestGate} over your own keys, ...).
 */
@AutoConfiguration
@ConditionalOnClass(Config.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(UserHashProperties.class)
public class UserHashAutoConfiguration {
    /** The properties, checked. */
    @Bean
    @ConditionalOnMissingBean
    public Wiring userHashWiring(UserHashProperties properties) {
        return new Wiring(properties.toSettings(), properties.toVendorSettings(), UserHashProperties::propertyName);
    }

    /** The config: the file, or the vendors written in the properties. */
    @Bean
    @ConditionalOnMissingBean
    public Config userHashConfig(Wiring wiring) {
        return wiring.config();
    }

    /** What signs payloads for the app's environment. */
    @Bean
    @ConditionalOnMissingBean
    public PayloadSource userHashPayloadSource(Wiring wiring, Config config) {
        return wiring.payloads(config);
    }

    /** The request's user: the principal's name, unless the application says otherwise. */
    @Bean
    @ConditionalOnMissingBean
    public UserHashIdentityResolver userHashIdentityResolver() {
        return UserHashIdentityResolver.principalName();
    }

    /** The current user's payload, for controllers and templates. */
    @Bean
    @ConditionalOnMissingBean
    public UserHashPayload userHashPayload(PayloadSource source, UserHashIdentityResolver identities) {
        return new UserHashPayload(source, identities);
    }

    /** The payload in every model, and 400 for a payload asked for a platform no vendor serves. */
    @Bean
    @ConditionalOnMissingBean
    public UserHashControllerAdvice userHashControllerAdvice(UserHashPayload payload) {
        return new UserHashControllerAdvice(payload);
    }

    /** The gate, when {@code userhash.enforcement} names its mode. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "userhash", name = "enforcement")
    public RequestGate userHashRequestGate(Wiring wiring, Config config) {
        return wiring.requestGate(config);
    }

    /** The gate's filter, with its counter when the application has a {@code MeterRegistry}. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(RequestGate.class)
    public UserHashGateFilter userHashGateFilter(
            RequestGate gate, UserHashIdentityResolver identities, ObjectProvider<MeterRegistry> registry) {
        MeterRegistry found = registry.getIfAvailable();
        UserHashGateMetrics metrics = found == null ? null : new UserHashGateMetrics(found, gate.getVendor());
        return new UserHashGateFilter(gate, identities, metrics);
    }
}
