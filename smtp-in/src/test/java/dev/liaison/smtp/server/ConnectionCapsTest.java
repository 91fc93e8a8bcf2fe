package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.testing.RunningInbound;
import dev.liaison.smtp.testing.RunningServer;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.TestCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * A connection over the listener's caps is answered {@code 421} and closed (RFC 5321 §3.8), not
 * closed without a word: per client address {@code 421 4.7.0} (Postfix's "too many connections
 * from"), for the listener as a whole {@code 421 4.3.2}; over implicit TLS (465) the same, inside
 * TLS after the handshake, of which refusals get a bounded number at once.
 */
class ConnectionCapsTest {

    private static final int PER_ADDRESS = 3;
    private static final int IN_ALL = 5;

    private static Limits capped() {
        Limits d = Limits.DEFAULT;
        return new Limits(d.maxMessageOctets(), d.maxLineOctets(), d.maxHeaderFields(), d.maxHeaderOctets(),
                d.maxRecipients(), IN_ALL, PER_ADDRESS, d.idleTimeout(), d.authThrottling(), d.maxBufferedOctets());
    }

    @Test
    void submissionAnswersTheConnectionOverItsAddressesShareWith421AndTakesOneWhenOneCloses() throws Exception {
        try (RunningServer smtp = new RunningServer(capped())) {
            List<SmtpWire> open = new ArrayList<>();
            try {
                for (int i = 0; i < PER_ADDRESS; i++) {
                    open.add(greeted(SmtpWire.plain(smtp.port())));
                }
                try (SmtpWire over = SmtpWire.plain(smtp.port())) {
                    SmtpWire.Reply reply = over.expect(421);
                    assertEquals(List.of("421 4.7.0 " + RunningServer.HOSTNAME
                            + " Error: too many connections from 127.0.0.1"), reply.lines());
                    assertTrue(over.isClosedByServer(), "closed after the 421");
                }
                open.get(0).command("NOOP").expect(250); // the admitted ones are untouched
                try (SmtpWire leaving = open.remove(0)) {
                    leaving.command("QUIT").expect(221);
                }
                SmtpWire again = awaitGreeting(smtp.port());
                open.add(again);
                again.command("EHLO client.example").expect(250);
            } finally {
                closeAll(open);
            }
            awaitNothingCounted(smtp.server);
        }
    }

    /**
     * Over implicit TLS the 421 can only be read inside TLS: the handshake is made for it, and the
     * client reads the words 587 sends.
     */
    @Test
    void implicitTlsConnectionOverTheAddressesShareGetsThe421InsideTls() throws Exception {
        try (RunningServer smtp = new RunningServer(capped())) {
            List<SmtpWire> open = new ArrayList<>();
            try {
                for (int i = 0; i < PER_ADDRESS; i++) {
                    open.add(greeted(smtp.implicitTls()));
                }
                for (int i = 0; i < 2; i++) {
                    try (SmtpWire over = smtp.implicitTls()) {
                        assertEquals(List.of("421 4.7.0 " + RunningServer.HOSTNAME
                                + " Error: too many connections from 127.0.0.1"), over.expect(421).lines());
                        assertTrue(over.isClosedByServer(), "closed after the 421");
                    }
                }
                assertEquals(PER_ADDRESS, smtp.server.openConnections(), "refused connections are never counted");
                greeted(SmtpWire.plain(smtp.port())).close(); // the other listener counts its own
                open.get(0).command("NOOP").expect(250); // the admitted ones are untouched
            } finally {
                closeAll(open);
            }
            awaitRefusalsInHandshake(smtp.server, 0);
        }
    }

    /**
     * The handshakes made for refusals are bounded (maxConnectionsPerAddress at once): connections
     * that hold theirs open without a ClientHello use the bound up, and one refused then is closed at
     * once, without TLS work; once they are gone a refusal gets its 421 again.
     */
    @Test
    void implicitTlsRefusalsPastTheirHandshakeBoundAreClosedAtOnce() throws Exception {
        try (RunningServer smtp = new RunningServer(capped())) {
            List<SmtpWire> open = new ArrayList<>();
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < PER_ADDRESS; i++) {
                    open.add(greeted(smtp.implicitTls()));
                }
                for (int i = 0; i < PER_ADDRESS; i++) { // refused, in the handshake for their 421, sending nothing
                    silent.add(new Socket(InetAddress.getLoopbackAddress(), smtp.server.submissionsPort()));
                }
                awaitRefusalsInHandshake(smtp.server, PER_ADDRESS);
                SSLSocket tls = (SSLSocket) TestCertificate.get().clientSocketFactory().createSocket(
                        InetAddress.getLoopbackAddress(), smtp.server.submissionsPort());
                try (tls) {
                    assertThrows(IOException.class, tls::startHandshake, "closed before any handshake");
                }
                for (Socket s : silent) {
                    s.close();
                }
                awaitRefusalsInHandshake(smtp.server, 0);
                try (SmtpWire over = smtp.implicitTls()) {
                    assertEquals("4.7.0", over.expect(421).enhanced());
                }
            } finally {
                closeAll(open);
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
    }

    /** Addresses 127.0.0.x are each their own client; together they fill the listener. */
    @Test
    void aFullListenerAnswers421OnBothPorts() throws Exception {
        try (RunningServer smtp = new RunningServer(capped())) {
            List<SmtpWire> open = new ArrayList<>();
            try {
                for (int i = 0; i < IN_ALL; i++) {
                    open.add(greeted(SmtpWire.plain(smtp.port(), InetAddress.getByName("127.0.0." + (10 + i)))));
                }
                try (SmtpWire over = SmtpWire.plain(smtp.port(), InetAddress.getByName("127.0.0.99"))) {
                    SmtpWire.Reply reply = over.expect(421);
                    assertEquals("4.3.2", reply.enhanced());
                    assertTrue(reply.lines().get(0).startsWith("421 4.3.2 " + RunningServer.HOSTNAME + " "), reply.text());
                    assertTrue(over.isClosedByServer());
                }
                for (int i = 0; i < IN_ALL; i++) {
                    open.add(greeted(SmtpWire.implicitTls(smtp.server.submissionsPort(),
                            InetAddress.getByName("127.0.0." + (10 + i)))));
                }
                try (SmtpWire over = SmtpWire.implicitTls(smtp.server.submissionsPort(),
                        InetAddress.getByName("127.0.0.99"))) {
                    SmtpWire.Reply reply = over.expect(421);
                    assertEquals(List.of("421 4.3.2 " + RunningServer.HOSTNAME
                            + " Service busy: too many connections; try again later"), reply.lines());
                    assertTrue(over.isClosedByServer());
                }
            } finally {
                closeAll(open);
            }
        }
    }

    @Test
    void theInboundMxAnswersTheConnectionOverItsAddressesShareWith421() throws Exception {
        try (RunningInbound mx = new RunningInbound(capped())) {
            List<SmtpWire> open = new ArrayList<>();
            try {
                for (int i = 0; i < PER_ADDRESS; i++) {
                    open.add(mx.greeted());
                }
                try (SmtpWire over = SmtpWire.plain(mx.server.port())) {
                    assertEquals(List.of("421 4.7.0 " + RunningInbound.HOSTNAME
                            + " Error: too many connections from 127.0.0.1"), over.expect(421).lines());
                    assertTrue(over.isClosedByServer());
                }
                try (SmtpWire other = SmtpWire.plain(mx.server.port(), InetAddress.getByName("127.0.0.2"))) {
                    other.expect(220); // another client is not held back
                }
            } finally {
                closeAll(open);
            }
        }
    }

    @Test
    void anIpv6ClientIsCountedByIts64() throws Exception {
        InetAddress one = InetAddress.getByName("2001:db8:1:2::1");
        InetAddress sameHost = InetAddress.getByName("2001:db8:1:2:ffff::9");
        InetAddress other = InetAddress.getByName("2001:db8:1:3::1");
        assertEquals(ConnectionCaps.key(one), ConnectionCaps.key(sameHost));
        assertTrue(!ConnectionCaps.key(one).equals(ConnectionCaps.key(other)));
        InetAddress v4 = InetAddress.getByName("192.0.2.7");
        assertEquals(v4, ConnectionCaps.key(v4));
    }

    private static SmtpWire greeted(SmtpWire wire) throws IOException {
        wire.expect(220);
        return wire;
    }

    /** A closed connection leaves the count a moment after the client sees it closed. */
    private static SmtpWire awaitGreeting(int port) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            SmtpWire wire = SmtpWire.plain(port);
            SmtpWire.Reply reply = wire.reply();
            if (reply.code() == 220) {
                return wire;
            }
            wire.close();
            assertEquals(421, reply.code(), reply.text());
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no greeting after a connection closed: " + reply.text());
            }
            Thread.sleep(20);
        }
    }

    private static void awaitRefusalsInHandshake(SubmissionServer server, int expected) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (server.refusalsInHandshake() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(server.refusalsInHandshake() + " refusals in their handshake, not " + expected);
            }
            Thread.sleep(20);
        }
    }

    private static void awaitNothingCounted(SubmissionServer server) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.openConnections() != 0 || server.countedAddresses() != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(server.openConnections() + " connections from "
                        + server.countedAddresses() + " addresses still counted");
            }
            Thread.sleep(20);
        }
    }

    private static void closeAll(List<SmtpWire> wires) {
        for (SmtpWire wire : wires) {
            try {
                wire.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }
}
