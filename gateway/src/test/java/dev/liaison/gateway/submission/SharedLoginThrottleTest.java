package dev.liaison.gateway.submission;

import dev.liaison.gateway.transport.TestClock;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IMAP LOGIN and AUTHENTICATE share submission's per-address failed-login throttle: a password
 * guesser who reconnects after IMAP's three-failures close, or switches to SMTP, is made to wait,
 * and a throttled attempt is refused without its password being checked (the right password is
 * refused too). Another address is not held back, and the right password works once the wait is
 * over (the gateway's clock is moved past it). Whole gateway, real sockets; clients bound to
 * 127.0.0.x addresses of their own, as the smtp-in throttling test does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedLoginThrottleTest {

    private final TestClock clock = new TestClock();
    private TestGateway gw;

    @BeforeAll
    void start(@TempDir Path dataDir) throws Exception {
        gw = new TestGateway(TestPostgres.EMBEDDED, dataDir, clock);
        gw.admin.addUser(Login.of("target"), "Target", "right-pw".toCharArray());
    }

    @AfterAll
    void stop() {
        gw.close();
    }

    @Test
    void imapGuessesAcrossConnectionsThrottleImapAndSubmissionForThatAddressOnly() throws Exception {
        InetAddress guesser = InetAddress.getByName("127.0.0.2");
        try (Socket s = imaps(guesser)) {
            SocketLines imap = greeted(s);
            for (int i = 1; i <= 2; i++) {
                assertTrue(imap.command("a" + i + " LOGIN target wrong" + i).contains("NO [AUTHENTICATIONFAILED]"));
            }
            assertTrue(imap.command("a3 LOGIN target wrong3").startsWith("* BYE"), "James ends it after three");
        }
        try (Socket s = imaps(guesser)) { // James closed the first after three failures; the guesser comes back
            SocketLines imap = greeted(s);
            assertTrue(imap.command("b1 LOGIN target wrong4").contains("b1 NO [AUTHENTICATIONFAILED]"));
            String refused = imap.command("b2 LOGIN target right-pw");
            assertTrue(refused.startsWith("b2 NO [UNAVAILABLE]") && refused.contains("try again in 2 seconds"),
                    "the fifth attempt is not checked, even with the right password: " + refused);
            String sasl = Base64.getEncoder().encodeToString("\0target\0right-pw".getBytes(StandardCharsets.UTF_8));
            assertTrue(imap.command("b3 AUTHENTICATE PLAIN " + sasl).startsWith("b3 NO [UNAVAILABLE]"));
        }
        assertTrue(smtpAuth(guesser, "target", "right-pw").startsWith("454 4.7.0"),
                "IMAP's failures hold the address back on submission too");
        try (Socket s = imaps(InetAddress.getByName("127.0.0.3"))) {
            assertTrue(greeted(s).command("c1 LOGIN target right-pw").startsWith("c1 OK"),
                    "another address is not held back by the guesser's failures");
        }
        clock.advance(Duration.ofSeconds(3));
        try (Socket s = imaps(guesser)) {
            assertTrue(greeted(s).command("d1 LOGIN target right-pw").startsWith("d1 OK"),
                    "the right password works once the wait is over");
        }
    }

    @Test
    void submissionGuessesThrottleImapLogins() throws Exception {
        InetAddress guesser = InetAddress.getByName("127.0.0.4");
        for (int i = 1; i <= 4; i++) {
            assertEquals("535 5.7.8 Authentication credentials invalid", smtpAuth(guesser, "target", "wrong" + i));
        }
        try (Socket s = imaps(guesser)) {
            String refused = greeted(s).command("e1 LOGIN target right-pw");
            assertTrue(refused.startsWith("e1 NO [UNAVAILABLE]"), "SMTP's failures hold the address back on IMAP: "
                    + refused);
        }
    }

    private Socket imaps(InetAddress from) throws Exception {
        return gw.trustingSocketFactory().createSocket(InetAddress.getByName("127.0.0.1"), gw.gateway.imapsPort(), from, 0);
    }

    private static SocketLines greeted(Socket s) throws IOException {
        SocketLines imap = new SocketLines(s);
        assertTrue(imap.read().startsWith("* OK"));
        return imap;
    }

    /** EHLO and AUTH PLAIN on a new implicit-TLS submission connection from {@code from}; the reply to AUTH. */
    private String smtpAuth(InetAddress from, String login, String password) throws Exception {
        try (Socket s = gw.trustingSocketFactory().createSocket(InetAddress.getByName("127.0.0.1"),
                gw.gateway.submissionsPort(), from, 0)) {
            SocketLines smtp = new SocketLines(s);
            assertTrue(smtp.read().startsWith("220"));
            smtp.send("EHLO client.test");
            while (!smtp.read().startsWith("250 ")) {
                // the extensions
            }
            smtp.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(
                    ("\0" + login + "\0" + password).getBytes(StandardCharsets.UTF_8)));
            return smtp.read();
        }
    }
}
