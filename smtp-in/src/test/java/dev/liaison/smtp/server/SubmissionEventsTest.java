package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.liaison.smtp.message.TransactionLog;
import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.submission.RecipientVerdict;
import dev.liaison.smtp.submission.RefusedSubmissionException;
import dev.liaison.smtp.submission.SubmissionEvents;
import dev.liaison.smtp.testing.RunningServer;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.TestDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the submission service reports to {@link SubmissionEvents} and logs per transaction, driven
 * over real sockets: sessions, AUTH outcomes, refused recipients, and every way DATA can end.
 */
class SubmissionEventsTest {

    private static final Limits SMALL = new Limits(4096, 1000, 10, 600, 3, 100, 50, Duration.ofMinutes(1),
            Limits.AuthThrottling.DEFAULT);

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger transactions = (Logger) LoggerFactory.getLogger(TransactionLog.class);
    private RunningServer smtp;

    @BeforeEach
    void start() {
        log.start();
        transactions.addAppender(log);
        smtp = new RunningServer(SMALL, Clock.systemUTC(), new Recorder());
    }

    @AfterEach
    void stop() {
        smtp.close();
        transactions.detachAppender(log);
    }

    @Test
    void aSessionIsReportedOpenedAndClosed() throws Exception {
        try (SmtpWire wire = smtp.starttls()) {
            wire.expect(220);
            wire.command("QUIT").expect(221);
        }
        await(() -> events.contains("closed"));
        assertEquals(List.of("opened", "closed"), events);
    }

    @Test
    void authOutcomesAreReported() throws Exception {
        try (SmtpWire wire = smtp.starttls()) {
            wire.expect(220);
            wire.command("EHLO client.example").expect(250);
            wire.command("STARTTLS").expect(220);
            wire.upgradeToTls();
            wire.command("EHLO client.example").expect(250);
            wire.command("AUTH PLAIN " + SmtpWire.plainAuth("alex", "wrong")).expect(535);
            wire.command("AUTH PLAIN " + SmtpWire.plainAuth("alex", TestDirectory.ALEX_PASSWORD)).expect(235);
        }
        assertEquals(List.of("auth INVALID", "auth SUCCEEDED"), without("opened", "closed"));
    }

    @Test
    void anAcceptedMessageIsReportedAndLoggedWithoutLoginOrAddresses() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            wire.command("RCPT TO:<nobody@gw.example>").expect(550);
            wire.command("RCPT TO:<" + TestDirectory.ALEX_ALIAS + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send("Subject: hi\r\n\r\nhello\r\n.\r\n").expect(250);
        }
        long octets = smtp.handler.committed().get(0).message().size();
        assertEquals(List.of("auth SUCCEEDED", "rcpt UNKNOWN", "ended ACCEPTED 1 " + octets),
                without("opened", "closed"));
        String line = onlyLine();
        assertTrue(line.matches("submission id=[0-9a-v]{20} session=\\S+ user=u[0-9a-f]{8} rcpts=1 octets=" + octets
                + " outcome=accepted commit_ms=\\d+ ms=\\d+"), line);
        for (String secret : List.of("alex", "gw.example", "hello", "Subject")) {
            assertFalse(line.contains(secret), "the transaction line names '" + secret + "': " + line);
        }
    }

    @Test
    void aUsersTransactionsShareOnePseudonymOnAConnectionAndAcrossConnections() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            for (int i = 0; i < 2; i++) {
                wire.command("MAIL FROM:<alex@gw.example>").expect(250);
                wire.command("RCPT TO:<" + TestDirectory.ALEX_ALIAS + ">").expect(250);
                wire.command("DATA").expect(354);
                wire.send("Subject: hi\r\n\r\nhello " + i + "\r\n.\r\n").expect(250);
            }
        }
        try (SmtpWire wire = smtp.authenticated("alex", TestDirectory.ALEX_PASSWORD)) {
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            wire.command("RCPT TO:<" + TestDirectory.ALEX_ALIAS + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send("Subject: hi\r\n\r\nagain\r\n.\r\n").expect(250);
        }
        try (SmtpWire wire = smtp.authenticated("blair", TestDirectory.BLAIR_PASSWORD)) {
            wire.command("MAIL FROM:<blair@gw.example>").expect(250);
            wire.command("RCPT TO:<" + TestDirectory.BLAIR_ALIAS + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send("Subject: hi\r\n\r\nfrom blair\r\n.\r\n").expect(250);
        }
        List<String> users = log.list.stream().map(e -> e.getFormattedMessage().replaceAll(".* user=(\\S+) .*", "$1"))
                .toList();
        assertEquals(4, users.size(), users.toString());
        assertTrue(users.get(0).matches("u[0-9a-f]{8}"), users.toString());
        assertEquals(List.of(users.get(0), users.get(0), users.get(0)), users.subList(0, 3), "alex, twice on one connection, once on another");
        assertFalse(users.get(3).equals(users.get(0)), "blair has a pseudonym of her own: " + users);
    }

    @Test
    void aMessageOverTheLimitIsReportedAsRefusedByLimits() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            wire.command("RCPT TO:<" + TestDirectory.ALEX_ALIAS + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send("Subject: big\r\n\r\n" + ("x".repeat(98) + "\r\n").repeat(60) + ".\r\n").expect(552);
        }
        assertTrue(without("opened", "closed").get(1).startsWith("ended REFUSED_LIMITS 1 "), events.toString());
        assertTrue(onlyLine().contains(" outcome=refused_limits status=552/5.3.4 "), onlyLine());
    }

    /** A message that finds the server's octets spent is deferred, not refused: the client retries it. */
    @Test
    void aMessageWithNoRoomIsReportedAsDeferredBusy() throws Exception {
        smtp.close();
        smtp = new RunningServer(SMALL.withMaxBufferedOctets(4096), Clock.systemUTC(), new Recorder());
        try (SmtpWire holding = smtp.authenticatedAlex(); SmtpWire deferred = smtp.authenticatedAlex()) {
            for (SmtpWire wire : List.of(holding, deferred)) {
                wire.command("MAIL FROM:<alex@gw.example>").expect(250);
                wire.command("RCPT TO:<" + TestDirectory.ALEX_ALIAS + ">").expect(250);
                wire.command("DATA").expect(354);
            }
            holding.send("Subject: first\r\n\r\nbody\r\n");
            await(() -> smtp.server.bufferedOctets() > 0); // the first message holds the octets
            deferred.send("Subject: second\r\n\r\nbody\r\n.\r\n").expect(452);
            assertTrue(onlyLine().contains(" outcome=deferred_busy status=452/4.3.1 "), onlyLine());
            deferred.command("MAIL FROM:<alex@gw.example> SIZE=2000").expect(452); // told at MAIL: counted too
        }
        assertTrue(events.stream().anyMatch(e -> e.startsWith("ended DEFERRED_BUSY 1 ")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.equals("ended DEFERRED_BUSY 0 2000")), events.toString());
        assertTrue(log.list.get(1).getFormattedMessage().contains("outcome=deferred_busy status=452/4.3.1 at=mail"),
                log.list.toString());
    }

    @Test
    void handlerRefusalsAndFailuresAreReportedApart() throws Exception {
        smtp.handler.failWith(new RefusedSubmissionException(550, "5.7.1", "relationship ended"));
        send();
        smtp.handler.failWith(new IllegalStateException("database gone"));
        send();
        List<String> ended = events.stream().filter(e -> e.startsWith("ended")).map(e -> e.split(" ")[1]).toList();
        assertEquals(List.of("REFUSED", "NOT_COMMITTED"), ended);
        assertTrue(log.list.get(0).getFormattedMessage().contains(" outcome=refused status=550/5.7.1 "));
        assertFalse(log.list.get(0).getFormattedMessage().contains("relationship ended"), "the handler's text stays out");
        assertTrue(log.list.get(1).getFormattedMessage().contains(" outcome=not_committed "));
    }

    private void send() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            wire.command("RCPT TO:<" + TestDirectory.ALEX_ALIAS + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send("Subject: hi\r\n\r\nhello\r\n.\r\n").reply();
        }
    }

    private String onlyLine() {
        assertEquals(1, log.list.size(), "one line per transaction");
        return log.list.get(0).getFormattedMessage();
    }

    private List<String> without(String... kinds) {
        return events.stream().filter(e -> !List.of(kinds).contains(e)).toList();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** Records each event as a short string, in order. */
    private final class Recorder implements SubmissionEvents {
        @Override
        public void sessionOpened() {
            events.add("opened");
        }

        @Override
        public void sessionClosed() {
            events.add("closed");
        }

        @Override
        public void authenticated(AuthOutcome outcome) {
            events.add("auth " + outcome);
        }

        @Override
        public void recipientRefused(RecipientVerdict verdict) {
            events.add("rcpt " + verdict);
        }

        @Override
        public void transactionEnded(TransactionOutcome outcome, int recipients, long octets, long commitNanos) {
            events.add("ended " + outcome + " " + recipients + " " + octets);
        }
    }
}
