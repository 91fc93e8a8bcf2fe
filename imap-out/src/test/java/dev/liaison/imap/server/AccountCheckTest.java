package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A logged-in session ends once its user is disabled ({@link AccountCheck}): on the first command
 * after the check interval (measured by a clock the test moves), and during IDLE by the periodic
 * check (a short real interval; the test waits for the BYE with a generous deadline). Here a user
 * removed from {@link TestImap#users} is a disabled one; gateway's answer from the database is
 * tested in gateway ({@code AccountDisabledTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountCheckTest {

    private static final Duration INTERVAL = Duration.ofMillis(300);
    private final MovedClock clock = new MovedClock();
    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.checkingAccounts(TestPostgres.EMBEDDED, INTERVAL, clock);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    @Test
    void theFirstCommandAfterTheIntervalEndsTheSessionOfADisabledUser() throws Exception {
        String user = imap.newUser("leaver");
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            assertTrue(RawImap.last(c.login(user)).contains("OK"));
            assertTrue(RawImap.last(c.command("SELECT INBOX")).contains("OK"));
            clock.advance(INTERVAL.multipliedBy(2));
            assertTrue(RawImap.last(c.command("NOOP")).contains("OK"), "still active: goes on");
            imap.users.remove(user);
            assertTrue(RawImap.last(c.command("NOOP")).contains("OK"), "within the interval: no database question");
            clock.advance(INTERVAL);
            List<String> answer = c.command("UID FETCH 1:* (FLAGS)");
            assertEquals(List.of("* BYE This account is no longer active; ask your administrator", "<closed>"), answer);
        }
    }

    @Test
    void theFirstCommandAfterLoginIsCheckedWhenItComesLaterThanTheInterval() throws Exception {
        String user = imap.newUser("late");
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            assertTrue(RawImap.last(c.login(user)).contains("OK"));
            imap.users.remove(user);
            clock.advance(INTERVAL.multipliedBy(10));
            assertEquals(List.of("* BYE This account is no longer active; ask your administrator", "<closed>"),
                    c.command("SELECT INBOX"));
        }
    }

    @Test
    void theFirstCommandAfterAuthenticateIsCheckedWhenItComesLaterThanTheInterval() throws Exception {
        String user = imap.newUser("lateplain");
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + TestImap.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            assertTrue(RawImap.last(c.command("AUTHENTICATE PLAIN " + plain)).contains("OK"));
            imap.users.remove(user);
            clock.advance(INTERVAL.multipliedBy(10));
            assertEquals(List.of("* BYE This account is no longer active; ask your administrator", "<closed>"),
                    c.command("SELECT INBOX"));
        }
    }

    /**
     * The login's own check is recorded before its {@code OK} is written. Recorded after, a user
     * disabled between the client reading the {@code OK} and the record left the session unchecked,
     * and its first command, well within the interval, asked again and ended it. The check is held
     * here until the test has looked for the {@code OK}: none may have come while it runs.
     */
    @Test
    void theLoginsCheckIsRecordedBeforeItsOkIsSent() throws Exception {
        String user = imap.newUser("ordered");
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        imap.onAccountCheck = asked -> {
            if (asked.equals(user) && entered.getCount() > 0) {
                entered.countDown();
                await(release);
            }
        };
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            String tag = c.nextTag();
            c.send(tag + " LOGIN " + user + " \"" + TestImap.PASSWORD + "\"\r\n");
            assertTrue(entered.await(20, java.util.concurrent.TimeUnit.SECONDS), "the login asks the account check");
            assertNull(c.lineWithin(Duration.ofMillis(300)), "nothing answered while the login's check runs");
            release.countDown();
            assertTrue(RawImap.last(c.until(tag)).contains("OK"));
            imap.users.remove(user);
            assertTrue(RawImap.last(c.command("SELECT INBOX")).contains("OK"), "within the interval of the login's check");
        } finally {
            release.countDown();
            imap.onAccountCheck = asked -> { };
        }
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aCommandWithinTheIntervalAfterLoginAsksNothing() throws Exception {
        String user = imap.newUser("prompt");
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            assertTrue(RawImap.last(c.login(user)).contains("OK"));
            imap.users.remove(user);
            assertTrue(RawImap.last(c.command("SELECT INBOX")).contains("OK"), "LOGIN has just asked");
            clock.advance(INTERVAL);
            assertEquals(List.of("* BYE This account is no longer active; ask your administrator", "<closed>"),
                    c.command("NOOP"));
        }
    }

    @Test
    void anActiveUsersSessionGoesOn() throws Exception {
        String user = imap.newUser("stayer");
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            for (int i = 0; i < 3; i++) {
                clock.advance(INTERVAL.multipliedBy(2));
                assertTrue(RawImap.last(c.command("SELECT INBOX")).contains("OK"));
            }
        }
    }

    @Test
    @Timeout(120)
    void anIdlingSessionOfADisabledUserHearsByeAndEnds() throws Exception {
        String user = imap.newUser("idler");
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            c.command("SELECT INBOX");
            String tag = c.nextTag();
            c.send(tag + " IDLE\r\n");
            assertTrue(c.line().startsWith("+ "));
            imap.users.remove(user);
            String line = c.line();
            while (line != null && line.startsWith("* OK")) {
                line = c.line(); // heartbeats
            }
            assertEquals("* BYE This account is no longer active; ask your administrator", line);
            assertNull(c.line(), "the connection ends");
        }
    }

    /** A clock the test moves by hand. */
    private static final class MovedClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-27T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
