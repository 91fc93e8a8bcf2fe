package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.liaison.smtp.authentication.DmarcResult;
import dev.liaison.smtp.inbound.InboundEvents;
import dev.liaison.smtp.message.InboundTransactionLog;
import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.testing.RunningInbound;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.TestMailboxes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the inbound MX reports to {@link InboundEvents} and logs per transaction, driven over real
 * sockets; the log names no address, domain or subject (who writes to whom is what Liaison protects).
 */
class InboundEventsTest {

    private static final Limits SMALL = new Limits(4096, 1000, 10, 600, 3, 100, 50, Duration.ofMinutes(1),
            Limits.AuthThrottling.DEFAULT);

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger transactions = (Logger) LoggerFactory.getLogger(InboundTransactionLog.class);
    private RunningInbound mx;

    @BeforeEach
    void start() {
        log.start();
        transactions.addAppender(log);
        mx = new RunningInbound(SMALL, new InboundEvents() {
            @Override
            public void recipientRefused(RecipientRefusal refusal) {
                events.add("rcpt " + refusal);
            }

            @Override
            public void transactionEnded(TransactionOutcome outcome, DmarcResult dmarc, int recipients, long octets,
                                         long commitNanos) {
                events.add(outcome + " " + dmarc + " " + recipients);
            }
        });
    }

    @AfterEach
    void stop() {
        mx.close();
        transactions.detachAppender(log);
    }

    @Test
    void eachWayATransactionEndsIsReportedAndLoggedWithoutAddresses() throws Exception {
        String subject = "Subject: quarterly secrets\r\n";
        mx.send(TestMailboxes.BOB, "From: bob@legacy.example\r\n" + subject + "\r\nhi\r\n", TestMailboxes.PUBLISHED);
        mx.send("attacker@fail.example", "From: ceo@reject.example\r\n" + subject + "\r\nhi\r\n", TestMailboxes.PUBLISHED);
        mx.send(TestMailboxes.BOB, subject + "\r\nno author\r\n", TestMailboxes.PUBLISHED);
        mx.send(TestMailboxes.BOB, "From: bob@legacy.example\r\n" + subject + "\r\n" + "x".repeat(990) + "\r\n"
                + "x".repeat(990) + "\r\n" + "x".repeat(990) + "\r\n" + "x".repeat(990) + "\r\n" + "x".repeat(990) + "\r\n",
                TestMailboxes.PUBLISHED);
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
            wire.command("RCPT TO:<victim@elsewhere.example>").expect(550);
            wire.command("RCPT TO:<nobody@gw.example>").expect(550);
        }
        assertEquals(List.of("ACCEPTED PASS 1", "REFUSED_DMARC FAIL 1", "REFUSED_AUTHOR NONE 1", "REFUSED_LIMITS NONE 1",
                "rcpt NOT_OUR_DOMAIN", "rcpt UNKNOWN"), events);

        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("inbound id=[0-9a-v]{20} session=\\S+ client=127\\.0\\.0\\.1 rcpts=1 octets=\\d+"
                + " outcome=accepted auth=pass/none/pass commit_ms=\\d+ ms=\\d+"), lines.get(0));
        assertTrue(lines.get(1).contains("outcome=refused_dmarc status=550/5.7.1 auth=fail/none/fail"), lines.get(1));
        assertTrue(lines.get(2).contains("outcome=refused_author status=550/5.7.1"), lines.get(2));
        assertTrue(lines.get(3).contains("outcome=refused_limits status=552/5.3.4"), lines.get(3));
        for (String line : lines) {
            assertFalse(line.contains("@") || line.contains("example") || line.contains("secrets"), line);
        }
    }

    /**
     * Two From fields are refused while the message streams in, as malformed (554 5.6.0): counted and
     * logged as refused_limits, not refused_author (docs/operations.md, Metrics).
     */
    @Test
    void twoFromFieldsAreCountedAsRefusedLimitsNotAsRefusedAuthor() throws Exception {
        SmtpWire.Reply reply = mx.send(TestMailboxes.BOB, "From: bob@legacy.example\r\nFrom: ceo@elsewhere.example\r\n"
                + "Subject: s\r\n\r\nhi\r\n", TestMailboxes.PUBLISHED);
        assertEquals(554, reply.code(), reply.text());
        assertEquals(List.of("REFUSED_LIMITS NONE 1"), events);
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("outcome=refused_limits status=554/5.6.0"), lines.get(0));
    }
}
