package dev.liaison.gateway.submission;

import dev.liaison.gateway.transport.TestClock;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.UserState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user disabled by the administrator while connected loses the connections opened before:
 * the IMAP session hears {@code * BYE} at its first command after the check interval (the gateway's
 * clock is moved past it), and a submission connection kept open has its next recipient refused
 * (before any body is sent), or its message, when the user was disabled after RCPT.
 * Whole gateway, real sockets, the user disabled through the Administration API on its database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountDisabledTest {

    private final TestClock clock = new TestClock();
    private TestGateway gw;

    @BeforeAll
    void start(@TempDir Path dataDir) throws Exception {
        gw = new TestGateway(TestPostgres.EMBEDDED, dataDir, clock);
    }

    @AfterAll
    void stop() {
        gw.close();
    }

    @Test
    void anOpenImapSessionEndsOnceItsUserIsDisabled() throws Exception {
        gw.admin.addUser(Login.of("leaver"), "Leaver", "leaver-pw".toCharArray());
        try (Socket s = gw.trustingSocketFactory().createSocket("127.0.0.1", gw.gateway.imapsPort())) {
            SocketLines imap = new SocketLines(s);
            imap.read(); // greeting
            assertTrue(imap.command("a1 LOGIN leaver leaver-pw").contains("a1 OK"));
            assertTrue(imap.command("a2 SELECT INBOX").contains("a2 OK"));
            gw.admin.changeUserState(Login.of("leaver"), UserState.DISABLED);
            clock.advance(Duration.ofMinutes(2));
            imap.send("a3 NOOP");
            assertEquals("* BYE This account is no longer active; ask your administrator", imap.read());
            assertNull(imap.read(), "the connection ends");
        }
    }

    @Test
    void aKeptOpenSubmissionConnectionIsRefusedAtRcptOnceItsUserIsDisabled() throws Exception {
        gw.admin.addUser(Login.of("sender"), "Sender", "sender-pw".toCharArray());
        String ownAlias = gw.admin.createAlias(Login.of("sender")).address().value();
        try (Socket s = gw.trustingSocketFactory().createSocket("127.0.0.1", gw.gateway.submissionsPort())) {
            SocketLines smtp = authenticated(s, "sender", "sender-pw");
            assertTrue(message(smtp, "sender", 1).startsWith("250"), "an active user's invitation request is taken");
            gw.admin.changeUserState(Login.of("sender"), UserState.DISABLED);
            smtp.send("MAIL FROM:<sender@" + TestGateway.DOMAIN + ">");
            assertTrue(smtp.read().startsWith("250"));
            for (String recipient : List.of("invite@" + TestGateway.DOMAIN, ownAlias, "someone@elsewhere.example")) {
                smtp.send("RCPT TO:<" + recipient + ">");
                assertEquals(DISABLED_REPLY, smtp.read(), "refused before any body is sent: " + recipient);
            }
            smtp.send("DATA");
            assertTrue(smtp.read().startsWith("503"), "no recipient was taken, so no body is asked for");
        }
    }

    @Test
    void aUserDisabledBetweenRcptAndTheFinalDotIsRefusedByTheMessageCheck() throws Exception {
        gw.admin.addUser(Login.of("late"), "Late", "late-pw".toCharArray());
        try (Socket s = gw.trustingSocketFactory().createSocket("127.0.0.1", gw.gateway.submissionsPort())) {
            SocketLines smtp = authenticated(s, "late", "late-pw");
            smtp.send("MAIL FROM:<late@" + TestGateway.DOMAIN + ">");
            assertTrue(smtp.read().startsWith("250"));
            smtp.send("RCPT TO:<invite@" + TestGateway.DOMAIN + ">");
            assertTrue(smtp.read().startsWith("250"));
            gw.admin.changeUserState(Login.of("late"), UserState.DISABLED);
            assertEquals(DISABLED_REPLY, body(smtp, "late", 1));
        }
    }

    private static final String DISABLED_REPLY =
            "550 5.7.1 Your account is disabled or gone; nothing was sent. Ask your administrator";

    /** EHLO and AUTH PLAIN on a new implicit-TLS connection. */
    private static SocketLines authenticated(Socket s, String login, String password) throws IOException {
        SocketLines smtp = new SocketLines(s);
        assertTrue(smtp.read().startsWith("220"));
        smtp.send("EHLO client.test");
        while (!smtp.read().startsWith("250 ")) {
            // the extensions
        }
        smtp.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(
                ("\0" + login + "\0" + password).getBytes(StandardCharsets.UTF_8)));
        assertTrue(smtp.read().startsWith("235"));
        return smtp;
    }

    /** One message to invite@ (which asks the gateway for an invitation); the reply to its final dot. */
    private static String message(SocketLines smtp, String login, int n) throws IOException {
        smtp.send("MAIL FROM:<" + login + "@" + TestGateway.DOMAIN + ">");
        assertTrue(smtp.read().startsWith("250"));
        smtp.send("RCPT TO:<invite@" + TestGateway.DOMAIN + ">");
        assertTrue(smtp.read().startsWith("250"));
        return body(smtp, login, n);
    }

    /** DATA and the message; the reply to its final dot. */
    private static String body(SocketLines smtp, String login, int n) throws IOException {
        smtp.send("DATA");
        assertTrue(smtp.read().startsWith("354"));
        smtp.send("From: " + login + " <" + login + "@" + TestGateway.DOMAIN + ">\r\nTo: invite@" + TestGateway.DOMAIN
                + "\r\nSubject: invite " + n + "\r\nMessage-ID: <invite-" + n + "-" + System.nanoTime()
                + "@client.test>\r\nDate: Fri, 27 Nov 2026 12:00:00 +0000\r\n\r\nplease\r\n.");
        return smtp.read();
    }
}
