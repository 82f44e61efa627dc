package dev.userhash.spring;

import dev.userhash.Decision;
import dev.userhash.ErrorCode;
import dev.userhash.Outcome;
import dev.userhash.web.RequestGate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The gate's Micrometer counter {@code userhash.gate}, tagged by {@code outcome} (verified,
 * missing, invalid, unidentified, not_checked), {@code vendor} (whose keys the gate checks) and
 * {@code error_code} (why a token was rejected: mismatch, expired, ...; {@code none} otherwise).
 * Every tag comes from a short, closed list: no token, secret, user or header value is ever a tag.
 *
 * <p>Each counter is registered the first time its tags occur and then kept in an array indexed
 * by outcome and error code, so a request costs one array read and one increment.
 */
public class UserHashGateMetrics {
    /** The counter's name. */
    public static final String NAME = "userhash.gate";

    private static final int CODES = ErrorCode.getEntries().size() + 1;

    private final MeterRegistry registry;
    private final String vendor;
    private final AtomicReferenceArray<Counter> counters =
            new AtomicReferenceArray<>(Outcome.getEntries().size() * CODES);

    /** Counts into {@code registry}, tagging every count with {@code vendor}. */
    public UserHashGateMetrics(MeterRegistry registry, String vendor) {
        this.registry = registry;
        this.vendor = vendor;
    }

    /** Counts one decision. */
    public void record(Decision decision) {
        ErrorCode code = decision.getErrorCode();
        int index = decision.getOutcome().ordinal() * CODES + (code == null ? 0 : code.ordinal() + 1);
        Counter counter = counters.get(index);
        if (counter == null) {
            String codeName = RequestGate.errorCodeName(code);
            counter = Counter.builder(NAME)
                    .description("Requests decided by the userhash gate")
                    .tag("outcome", RequestGate.outcomeName(decision.getOutcome()))
                    .tag("vendor", vendor)
                    .tag("error_code", codeName == null ? "none" : codeName)
                    .register(registry);
            counters.set(index, counter);
        }
        counter.increment();
    }
}
