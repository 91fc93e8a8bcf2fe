package dev.liaison.gateway.metrics;

import dev.liaison.smtp.submission.RecipientVerdict;
import dev.liaison.smtp.submission.SubmissionEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * SMTP submission's events as Micrometer meters. Every meter is created up front, one per tag
 * value, so reporting an event is a map lookup and an add: no allocation on the I/O threads.
 */
final class SubmissionMeters implements SubmissionEvents {

    private final SessionMeters sessions;
    private final Map<AuthOutcome, Counter> auth = new EnumMap<>(AuthOutcome.class);
    private final Map<RecipientVerdict, Counter> refusedRecipients = new EnumMap<>(RecipientVerdict.class);
    private final Map<TransactionOutcome, Counter> messages = new EnumMap<>(TransactionOutcome.class);
    private final Timer commit;

    SubmissionMeters(MeterRegistry registry) {
        sessions = new SessionMeters(registry, "liaison.smtp.sessions", "SMTP submission connections opened");
        for (AuthOutcome outcome : AuthOutcome.values()) {
            auth.put(outcome, Counter.builder("liaison.smtp.auth").description("SMTP AUTH attempts by outcome")
                    .tag("outcome", tag(outcome)).register(registry));
        }
        for (RecipientVerdict verdict : RecipientVerdict.values()) {
            if (verdict != RecipientVerdict.ACCEPT) {
                refusedRecipients.put(verdict, Counter.builder("liaison.smtp.recipients.refused")
                        .description("RCPT commands refused, by reason").tag("reason", tag(verdict)).register(registry));
            }
        }
        for (TransactionOutcome outcome : TransactionOutcome.values()) {
            messages.put(outcome, Counter.builder("liaison.smtp.messages")
                    .description("SMTP transactions ended at DATA, by outcome").tag("outcome", tag(outcome))
                    .register(registry));
        }
        commit = Histograms.latency(registry, "liaison.smtp.commit",
                "time from the end of DATA until the message was committed (or refused)");
    }

    @Override
    public void sessionOpened() {
        sessions.opened();
    }

    @Override
    public void sessionClosed() {
        sessions.closed();
    }

    @Override
    public void authenticated(AuthOutcome outcome) {
        auth.get(outcome).increment();
    }

    @Override
    public void recipientRefused(RecipientVerdict verdict) {
        Counter counter = refusedRecipients.get(verdict);
        if (counter != null) {
            counter.increment();
        }
    }

    @Override
    public void transactionEnded(TransactionOutcome outcome, int recipients, long octets, long commitNanos) {
        messages.get(outcome).increment();
        if (outcome != TransactionOutcome.REFUSED_LIMITS && outcome != TransactionOutcome.DEFERRED_BUSY) { // no commit
            commit.record(commitNanos, TimeUnit.NANOSECONDS);
        }
    }

    static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
