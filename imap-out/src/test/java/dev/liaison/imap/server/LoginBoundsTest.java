package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a client that has not logged in can make the server hold, bounded as Dovecot's imap-login
 * bounds it: literals of at most 8 KiB (a larger one is refused before any continuation, so
 * nothing is spooled), at most 16 connections not logged in from one address per listener, and a
 * deadline to log in. Real sockets; each test on a service of its own, so one test's connections
 * are not counted in another's.
 */
class LoginBoundsTest {

    @Test
    void aLargeLiteralBeforeLoginIsRefusedWithoutAContinuation() throws Exception {
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED); RawImap c = RawImap.tls(imap.imapsPort())) {
            c.send("a1 LOGIN {52428799}\r\n");
            String answer = c.line();
            assertTrue(answer.startsWith("a1 NO [TOOBIG]") && answer.contains("before login"),
                    "refused before the client sends a byte of it: " + answer);
            c.send("a2 LOGIN {5}\r\n");
            assertEquals("+ Ok", c.line(), "a small literal is taken");
            c.send("alice {9000}\r\n");
            String second = c.line();
            assertTrue(second.startsWith("a2 BAD [TOOBIG]"), "a command's later literal too: " + second);
            assertNull(c.line(), "the connection ends: where the command ends is unknown");
        }
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED); RawImap c = RawImap.tls(imap.imapsPort())) {
            assertTrue(RawImap.last(c.login("alice")).contains("OK"));
            c.send("a2 APPEND INBOX {9000}\r\n");
            assertEquals("+ Ok", c.line(), "once logged in, APPENDLIMIT is the bound");
        }
    }

    @Test
    void sixteenConnectionsNotLoggedInFromOneAddressAndNoMore() throws Exception {
        List<RawImap> open = new ArrayList<>();
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            for (int i = 0; i < Limits.UNAUTHENTICATED_CONNECTIONS_PER_ADDRESS; i++) {
                open.add(RawImap.tls(imap.imapsPort()));
                assertTrue(open.get(i).greeting.startsWith("* OK"), "connection " + (i + 1) + " is greeted");
            }
            try (RawImap refused = RawImap.tls(imap.imapsPort())) {
                assertEquals("* BYE Too many connections from 127.0.0.1; try again later", refused.greeting);
                assertNull(refused.line(), "and closed");
            }
            assertTrue(RawImap.last(open.get(0).login("alice")).contains("OK"));
            assertTrue(RawImap.last(open.get(0).command("NOOP")).contains("OK")); // the login is done
            try (RawImap next = RawImap.tls(imap.imapsPort())) {
                assertTrue(next.greeting.startsWith("* OK"), "a login gives its address's place back");
            }
        } finally {
            for (RawImap c : open) {
                c.close();
            }
        }
    }

    /**
     * On 993 a refused connection's BYE needs a TLS handshake, a key exchange for the server. Those
     * are bounded: sixteen refused connections held in their handshake (raw TCP, no ClientHello)
     * leave the next one closed without a handshake; before, every refused connection got one.
     */
    @Test
    void refusedConnectionsGetAHandshakeForTheirByeOnlyWhileFewAreInTheirs() throws Exception {
        List<java.io.Closeable> open = new ArrayList<>();
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            for (int i = 0; i < 2 * Limits.UNAUTHENTICATED_CONNECTIONS_PER_ADDRESS; i++) {
                // the first sixteen are counted as not logged in, the next sixteen refused in their handshake
                java.net.Socket raw = new java.net.Socket("127.0.0.1", imap.imapsPort());
                open.add(raw);
            }
            awaitRefusalsInHandshake(imap, Limits.UNAUTHENTICATED_CONNECTIONS_PER_ADDRESS);
            try (RawImap over = RawImap.tls(imap.imapsPort())) {
                org.junit.jupiter.api.Assertions.fail("sixteen refused in their handshake, yet a handshake for more: "
                        + over.greeting);
            } catch (java.io.IOException closedBeforeAHandshake) {
                // javax.net.ssl.SSLHandshakeException, or an end of stream
            }
        } finally {
            for (java.io.Closeable c : open) {
                c.close();
            }
        }
    }

    /** The raw connections are counted in on their event loops, in no set order: wait until all sixteen refusals are. */
    private static void awaitRefusalsInHandshake(TestImap imap, int expected) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (imap.service.imapsRefusalsInHandshake() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(imap.service.imapsRefusalsInHandshake() + " refusals in their handshake, not "
                        + expected);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aConnectionThatDoesNotLogInInTimeHearsByeAndALoggedInOneGoesOn() throws Exception {
        try (TestImap imap = TestImap.withLoginTimeout(TestPostgres.EMBEDDED, Duration.ofSeconds(2));
             RawImap loggedIn = RawImap.tls(imap.imapsPort());
             RawImap halfSent = RawImap.plain(imap.imapPort())) {
            assertTrue(RawImap.last(loggedIn.login("alice")).contains("OK"));
            halfSent.send("a1 LOGIN {1000}\r\n");
            assertEquals("+ Ok", halfSent.line());
            halfSent.send("only part of it");
            assertEquals("* BYE Not logged in within 2 seconds; closing", halfSent.line());
            assertNull(halfSent.line(), "and closed");
            // opened before the other, so its deadline has passed too
            assertTrue(RawImap.last(loggedIn.command("NOOP")).contains("OK"), "a logged-in connection has no deadline");
        }
    }
}
