package dev.liaison.gateway.metrics;

import dev.liaison.smtp.authentication.DmarcResult;
import dev.liaison.smtp.inbound.InboundEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The inbound MX's events as Micrometer meters: the public SMTP server, where plain email from
 * other domains arrives. Like {@link SubmissionMeters}, every meter is made up front, so reporting
 * is a map look-up and an add on the I/O threads.
 */
final class InboundMeters implements InboundEvents {

    private final SessionMeters sessions;
    private final Map<RecipientRefusal, Counter> refusedRecipients = new EnumMap<>(RecipientRefusal.class);
    private final Map<TransactionOutcome, Counter> messages = new EnumMap<>(TransactionOutcome.class);
    private final Map<DmarcResult, Counter> dmarc = new EnumMap<>(DmarcResult.class);
    private final Timer commit;

    InboundMeters(MeterRegistry registry) {
        sessions = new SessionMeters(registry, "liaison.mx.sessions", "inbound MX connections opened");
        for (RecipientRefusal refusal : RecipientRefusal.values()) {
            refusedRecipients.put(refusal, Counter.builder("liaison.mx.recipients.refused")
                    .description("RCPT commands the MX refused, by reason").tag("reason", SubmissionMeters.tag(refusal))
                    .register(registry));
        }
        for (TransactionOutcome outcome : TransactionOutcome.values()) {
            messages.put(outcome, Counter.builder("liaison.mx.messages")
                    .description("MX transactions ended at DATA, by outcome").tag("outcome", SubmissionMeters.tag(outcome))
                    .register(registry));
        }
        for (DmarcResult result : DmarcResult.values()) {
            dmarc.put(result, Counter.builder("liaison.mx.dmarc")
                    .description("DMARC verdicts of messages the MX checked").tag("result", SubmissionMeters.tag(result))
                    .register(registry));
        }
        commit = Histograms.latency(registry, "liaison.mx.commit",
                "time from the end of DATA until the message was delivered (or refused) by the gateway");
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
    public void recipientRefused(RecipientRefusal refusal) {
        refusedRecipients.get(refusal).increment();
    }

    @Override
    public void transactionEnded(TransactionOutcome outcome, DmarcResult result, int recipients, long octets,
                                 long commitNanos) {
        messages.get(outcome).increment();
        // NOT_COMMITTED with no commit time: the sender checks themselves failed, nothing was asked or decided
        boolean asked = outcome == TransactionOutcome.ACCEPTED || outcome == TransactionOutcome.REFUSED
                || outcome == TransactionOutcome.NOT_COMMITTED && commitNanos > 0;
        if (asked) {
            commit.record(commitNanos, TimeUnit.NANOSECONDS);
        }
        if (asked || outcome == TransactionOutcome.REFUSED_DMARC || outcome == TransactionOutcome.DEFERRED_DMARC) {
            dmarc.get(result).increment();
        }
    }
}
