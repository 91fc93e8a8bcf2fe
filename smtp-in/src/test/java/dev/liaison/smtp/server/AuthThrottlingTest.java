package dev.liaison.smtp.server;

import static dev.liaison.smtp.server.BadInputTest.assertReply;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.testing.MutableClock;
import dev.liaison.smtp.testing.RunningServer;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.TestDirectory;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Throttling end to end: clients on distinct loopback addresses (Linux routes all of 127/8 to
 * loopback), the throttle's clock moved by hand.
 */
class AuthThrottlingTest {

    private static final Limits LIMITS = new Limits(1 << 20, 1000, 100, 65536, 10, 100, 50, Duration.ofMinutes(1),
            new Limits.AuthThrottling(3, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(30), 1000, 4));

    @Test
    void floodFromOneAddressGets454WhileTheUserStillLogsInFromAnother() throws Exception {
        MutableClock clock = new MutableClock();
        try (RunningServer smtp = new RunningServer(LIMITS, clock)) {
            InetAddress attacker = InetAddress.getByName("127.0.0.2");
            try (SmtpWire wire = tls(smtp, attacker)) {
                for (int i = 0; i < 4; i++) {
                    assertReply(auth(wire, "alex", "guess" + i), 535, "5.7.8");
                }
                int checked = smtp.directory.authenticationsChecked();
                for (int i = 0; i < 20; i++) {
                    assertReply(auth(wire, "alex", "guess-more" + i), 454, "4.7.0");
                }
                // Even the right password is not checked while the address waits.
                assertReply(auth(wire, "alex", TestDirectory.ALEX_PASSWORD), 454, "4.7.0");
                assertEquals(checked, smtp.directory.authenticationsChecked(), "throttled attempts must not be checked");
            }
            try (SmtpWire wire = tls(smtp, InetAddress.getByName("127.0.0.3"))) {
                assertReply(auth(wire, "alex", TestDirectory.ALEX_PASSWORD), 235, "2.7.0");
            }
            clock.advance(Duration.ofSeconds(10));
            try (SmtpWire wire = tls(smtp, attacker)) {
                assertReply(auth(wire, "alex", TestDirectory.ALEX_PASSWORD), 235, "2.7.0");
            }
        }
    }

    private static SmtpWire tls(RunningServer smtp, InetAddress from) throws Exception {
        SmtpWire wire = SmtpWire.plain(smtp.server.submissionPort(), from);
        wire.expect(220);
        wire.command("EHLO client.example").expect(250);
        wire.command("STARTTLS").expect(220);
        wire.upgradeToTls();
        wire.command("EHLO client.example").expect(250);
        return wire;
    }

    private static SmtpWire auth(SmtpWire wire, String login, String password) throws Exception {
        return wire.command("AUTH PLAIN " + SmtpWire.plainAuth(login, password));
    }
}
