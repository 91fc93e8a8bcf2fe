package dev.liaison.smtp.message;

import dev.liaison.smtp.authentication.DkimCheck;
import dev.liaison.smtp.authentication.DkimResult;
import dev.liaison.smtp.authentication.DmarcResult;
import dev.liaison.smtp.authentication.SenderAuthentication;
import dev.liaison.smtp.envelope.EnvelopeState;
import dev.liaison.smtp.inbound.InboundEvents;
import dev.liaison.smtp.inbound.InboundEvents.TransactionOutcome;
import java.util.List;
import org.apache.james.protocols.smtp.SMTPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every inbound MX transaction: one log line of {@code key=value} pairs and one
 * {@link InboundEvents#transactionEnded} call. The line names the message and session ids, the
 * sending server's IP address, the recipient count, the size, the outcome, the SPF/DKIM/DMARC
 * verdicts and two durations; never an envelope or header address, a subject or any of the message
 * (STYLE §8): who writes to whom is what the gateway protects.
 */
public final class InboundTransactionLog implements ReceivingRefusals {

    private static final Logger LOG = LoggerFactory.getLogger(InboundTransactionLog.class);
    private static final String LINE =
            "inbound id={} session={} client={} rcpts={} octets={} outcome={} auth={} commit_ms={} ms={}";

    private final InboundEvents events;

    public InboundTransactionLog(InboundEvents events) {
        this.events = events;
    }

    /** The message broke a limit while streaming in; there is no id and no check then. */
    @Override
    public void refusedWhileReceiving(SMTPSession session, DataRefusal refusal, long octets) {
        TransactionOutcome outcome = refusal.temporary() ? TransactionOutcome.DEFERRED_BUSY : TransactionOutcome.REFUSED_LIMITS;
        end(session, "-", outcome, DmarcResult.NONE, octets,
                outcome.name().toLowerCase(java.util.Locale.ROOT) + " status=" + refusal.status(), "-", 0);
    }

    @Override
    public void noRoomAtMail(SMTPSession session, long declaredOctets) {
        end(session, "-", TransactionOutcome.DEFERRED_BUSY, DmarcResult.NONE, declaredOctets,
                "deferred_busy status=452/4.3.1 at=mail", "-", 0);
    }

    void refusedAuthor(SMTPSession session, long octets) {
        end(session, "-", TransactionOutcome.REFUSED_AUTHOR, DmarcResult.NONE, octets,
                "refused_author status=550/5.7.1", "-", 0);
    }

    void refusedDmarc(SMTPSession session, SenderAuthentication results, long octets, boolean deferred) {
        TransactionOutcome outcome = deferred ? TransactionOutcome.DEFERRED_DMARC : TransactionOutcome.REFUSED_DMARC;
        String text = deferred ? "deferred_dmarc status=451/4.4.3" : "refused_dmarc status=550/5.7.1";
        end(session, "-", outcome, results.dmarc().result(), octets, text, summary(results), 0);
    }

    void accepted(SMTPSession session, String id, SenderAuthentication results, long octets, long commitNanos) {
        end(session, id, TransactionOutcome.ACCEPTED, results.dmarc().result(), octets, "accepted",
                summary(results), commitNanos);
    }

    void refused(SMTPSession session, String id, SenderAuthentication results, long octets, String status,
                 long commitNanos) {
        end(session, id, TransactionOutcome.REFUSED, results.dmarc().result(), octets, "refused status=" + status,
                summary(results), commitNanos);
    }

    /** Sender authentication itself failed (a bug, here or in jSPF/jDKIM): an operator should look. */
    void notChecked(SMTPSession session, long octets, RuntimeException failure) {
        int recipients = EnvelopeState.recipients(session).size();
        events.transactionEnded(TransactionOutcome.NOT_COMMITTED, DmarcResult.NONE, recipients, octets, 0);
        LOG.error(LINE + " error=\"{}\"", "-", session.getSessionID(), client(session), recipients, octets,
                "not_checked", "-", 0, EnvelopeState.elapsedNanos(session) / 1_000_000, failure.toString());
    }

    /** The handler failed: an operator should look, hence ERROR and the exception's own words. */
    void notCommitted(SMTPSession session, String id, SenderAuthentication results, long octets, Exception failure,
                      long commitNanos) {
        int recipients = EnvelopeState.recipients(session).size();
        events.transactionEnded(TransactionOutcome.NOT_COMMITTED, results.dmarc().result(), recipients, octets,
                commitNanos);
        LOG.error(LINE + " error=\"{}\"", id, session.getSessionID(), client(session), recipients, octets,
                "not_committed", summary(results), commitNanos / 1_000_000,
                EnvelopeState.elapsedNanos(session) / 1_000_000, failure.toString());
    }

    private void end(SMTPSession session, String id, TransactionOutcome outcome, DmarcResult dmarc, long octets,
                     String outcomeText, String auth, long commitNanos) {
        int recipients = EnvelopeState.recipients(session).size();
        events.transactionEnded(outcome, dmarc, recipients, octets, commitNanos);
        LOG.info(LINE, id, session.getSessionID(), client(session), recipients, octets, outcomeText, auth,
                commitNanos / 1_000_000, EnvelopeState.elapsedNanos(session) / 1_000_000);
    }

    private static String client(SMTPSession session) {
        return session.getRemoteAddress().getAddress().getHostAddress();
    }

    /** {@code spf/dkim/dmarc}, e.g. {@code pass/pass/pass}; dkim is the best signature's verdict. */
    static String summary(SenderAuthentication results) {
        List<DkimCheck> dkim = results.dkim();
        String best = dkim.isEmpty() ? "none"
                : dkim.stream().anyMatch(c -> c.result() == DkimResult.PASS) ? "pass" : dkim.get(0).result().keyword();
        return results.spf().result().keyword() + "/" + best + "/" + results.dmarc().result().keyword();
    }
}
