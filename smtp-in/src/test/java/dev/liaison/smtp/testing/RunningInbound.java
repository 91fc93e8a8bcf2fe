package dev.liaison.smtp.testing;

import dev.liaison.smtp.inbound.InboundEvents;
import dev.liaison.smtp.inbound.InboundServices;
import dev.liaison.smtp.inbound.InboundSettings;
import dev.liaison.smtp.server.InboundServer;
import dev.liaison.smtp.submission.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Set;

/**
 * An inbound MX on an ephemeral loopback port serving {@code gw.example}, with the test mailboxes,
 * a recording handler and a test DNS zone in which the test client (always 127.0.0.1) is:
 * <ul>
 * <li>{@code legacy.example}: SPF pass, DKIM key {@code sel}, DMARC {@code p=reject};
 *     {@code mail.legacy.example} SPF pass too (relaxed alignment)</li>
 * <li>{@code strict.example}: no SPF, DKIM key {@code sel}, DMARC {@code p=reject; adkim=s; aspf=s}</li>
 * <li>{@code relaxed.example}: no SPF, DKIM key {@code sel}, DMARC {@code p=none}</li>
 * <li>{@code fail.example}: SPF {@code -all}; {@code softfail.example}: SPF {@code ~all};
 *     {@code nospf.example}: nothing</li>
 * <li>{@code quarantine.example}: SPF {@code -all}, DMARC {@code p=quarantine}</li>
 * <li>{@code reject.example}: SPF {@code -all}, DMARC {@code p=reject; sp=quarantine}</li>
 * <li>{@code sampled.example}: SPF {@code -all}, DMARC {@code p=reject; pct=50}</li>
 * <li>{@code dnsdown.example}: every question times out</li>
 * <li>{@code spam.example}: SPF pass (mallory, whom alex blocked, sends from there)</li>
 * </ul>
 */
public final class RunningInbound implements AutoCloseable {

    public static final String HOSTNAME = "mx.gw.example";

    public final TestDns dns = standardZone();
    public final TestMailboxes mailboxes = new TestMailboxes();
    public final RecordingInboundHandler handler = new RecordingInboundHandler();
    public final InboundServer server;

    public RunningInbound() {
        this(Limits.DEFAULT, InboundEvents.NONE);
    }

    public RunningInbound(Limits limits) {
        this(limits, InboundEvents.NONE);
    }

    public RunningInbound(Limits limits, InboundEvents events) {
        try {
            server = InboundServer.start(InboundSettings.loopback(HOSTNAME, Set.of(TestMailboxes.DOMAIN)).withLimits(limits),
                    TestCertificate.get().serverContext(),
                    new InboundServices(mailboxes, handler, dns, Clock.systemUTC(), events));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestDns standardZone() {
        String key = DkimTestKey.get().record();
        return new TestDns()
                .txt("legacy.example", "v=spf1 ip4:127.0.0.1 -all")
                .txt("mail.legacy.example", "v=spf1 ip4:127.0.0.0/8 -all")
                .txt("sel._domainkey.legacy.example", key)
                .txt("_dmarc.legacy.example", "v=DMARC1; p=reject; rua=mailto:dmarc@legacy.example")
                .txt("sel._domainkey.strict.example", key)
                .txt("_dmarc.strict.example", "v=DMARC1; p=reject; adkim=s; aspf=s")
                .txt("sel._domainkey.relaxed.example", key)
                .txt("_dmarc.relaxed.example", "v=DMARC1; p=none")
                .txt("fail.example", "v=spf1 ip4:192.0.2.1 -all")
                .txt("softfail.example", "v=spf1 ip4:192.0.2.1 ~all")
                .txt("quarantine.example", "v=spf1 ip4:192.0.2.1 -all")
                .txt("_dmarc.quarantine.example", "v=DMARC1; p=quarantine")
                .txt("reject.example", "v=spf1 ip4:192.0.2.1 -all")
                .txt("news.reject.example", "v=spf1 ip4:192.0.2.1 -all")
                .txt("_dmarc.reject.example", "v=DMARC1; p=reject; sp=quarantine")
                .txt("sampled.example", "v=spf1 ip4:192.0.2.1 -all")
                .txt("_dmarc.sampled.example", "v=DMARC1; p=reject; pct=50")
                .txt("spam.example", "v=spf1 ip4:127.0.0.1 -all")
                .failUnder("dnsdown.example");
    }

    /** A raw connection that has read the greeting and said EHLO (no TLS). */
    public SmtpWire greeted() throws IOException {
        SmtpWire wire = SmtpWire.plain(server.port());
        wire.expect(220);
        wire.command("EHLO mta.legacy.example").expect(250);
        return wire;
    }

    /** A raw connection after EHLO, STARTTLS and EHLO again. */
    public SmtpWire greetedOverTls() throws IOException {
        SmtpWire wire = greeted();
        wire.command("STARTTLS").expect(220);
        wire.upgradeToTls();
        wire.command("EHLO mta.legacy.example").expect(250);
        return wire;
    }

    /**
     * Sends one message over a new plain connection: MAIL FROM {@code from}, RCPT TO each of
     * {@code to} (each must be accepted), DATA {@code message} (CRLF lines, dot-stuffing done here).
     * Returns the reply to the final dot.
     */
    public SmtpWire.Reply send(String from, String message, String... to) throws IOException {
        try (SmtpWire wire = greeted()) {
            wire.command("MAIL FROM:<" + from + ">").expect(250);
            for (String recipient : to) {
                wire.command("RCPT TO:<" + recipient + ">").expect(250);
            }
            wire.command("DATA").expect(354);
            return wire.send(SmtpWire.dotStuffed(message) + ".\r\n").reply();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
