package dev.liaison.imap.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refused LOGIN or AUTHENTICATE writes one WARN line with the client's address, the line a
 * fail2ban filter matches (docs/operations.md, Logs); a successful one writes none; never the
 * password nor the login.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailedAuthenticationTest {

    private static final String WRONG = "wrong-password-4q";
    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    @Test
    void eachRefusedLoginOrAuthenticateWritesOneWarnLineWithTheClientAddress() throws Exception {
        String user = imap.newUser("guessed");
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            assertTrue(RawImap.last(c.command("LOGIN " + user + " " + WRONG)).contains("NO"));
            String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + WRONG).getBytes(StandardCharsets.UTF_8));
            assertTrue(RawImap.last(c.command("AUTHENTICATE PLAIN " + plain)).contains("NO"));
            assertTrue(RawImap.last(c.login(user)).contains("OK"));
        } finally {
            root.detachAppender(captured);
        }
        List<ILoggingEvent> failures = captured.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("authentication failed")).toList();
        assertEquals(2, failures.size(), "one line per refused attempt, none for the login: " + failures);
        for (ILoggingEvent failure : failures) {
            assertEquals(Level.WARN, failure.getLevel());
            assertEquals("authentication failed service=imap client=127.0.0.1 reason=credentials",
                    failure.getFormattedMessage());
        }
        for (ILoggingEvent event : captured.list) {
            String line = event.getFormattedMessage();
            assertFalse(line.contains(WRONG) || line.contains(user), "logged a secret or the login: " + line);
        }
    }

    @Test
    void aLoginTheUserDatabaseCannotCheckIsUnavailableNotAFailure() throws Exception {
        String user = imap.newUser("outage");
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        imap.usersUnavailable = true;
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + TestImap.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 4; i++) { // James ends the connection at the third counted failure
                assertEquals(List.of("a" + (2 * i + 1) + " NO [UNAVAILABLE] LOGIN failed. Logins cannot be checked now;"
                        + " try again in a moment"), c.login(user));
                assertEquals(List.of("a" + (2 * i + 2) + " NO [UNAVAILABLE] AUTHENTICATE failed. Logins cannot be"
                        + " checked now; try again in a moment"), c.command("AUTHENTICATE PLAIN " + plain));
            }
            imap.usersUnavailable = false;
            assertTrue(RawImap.last(c.login(user)).contains("OK"), "the same connection logs in once it is back");
        } finally {
            imap.usersUnavailable = false;
            root.detachAppender(captured);
        }
        assertEquals(List.of(), captured.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("authentication failed")).toList(), "no fail2ban line");
        assertEquals(8, captured.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("IMAP login could not be checked")).count());
    }

    @Test
    void aLinkLocalClientIsWrittenWithoutItsScope() throws Exception {
        java.net.InetAddress scoped = java.net.Inet6Address.getByAddress(null,
                java.net.InetAddress.getByName("fe80::1").getAddress(), 2);
        assertEquals("fe80:0:0:0:0:0:0:1%2", scoped.getHostAddress(), "what Java writes");
        assertEquals("fe80:0:0:0:0:0:0:1", FailedAuthentication.client(scoped), "what fail2ban's <HOST> matches");
        assertEquals("2001:db8:0:0:0:0:0:7", FailedAuthentication.client(java.net.InetAddress.getByName("2001:db8::7")));
    }
}
