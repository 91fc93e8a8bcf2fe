package dev.liaison.smtp.inbound;

import dev.liaison.smtp.address.AddressRefusedException;
import dev.liaison.smtp.address.PathParser;
import dev.liaison.smtp.submission.Limits;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Where and as whom the inbound MX runs.
 *
 * @param hostname     this host's name: in the greeting, the EHLO reply, {@code Received:}, and as
 *                     the authserv-id of {@code Authentication-Results:} (RFC 8601 §2.5); a plain
 *                     DNS name, normally the MX record's target
 * @param domains      the mail domains this gateway serves (gateway's {@code domain}); a RCPT to any
 *                     other domain is refused by smtp-in itself, before the recipient policy is asked
 * @param bindAddress  the local address to listen on
 * @param port         the listening port ({@code smtp.inbound.port}, normally 25), 0 for an
 *                     ephemeral one
 * @param ioThreads    Netty I/O threads. Hooks run on them and block for DNS (sender
 *                     authentication) and for the {@link InboundHandler}'s commit, so this is also
 *                     the number of messages checked or committed at once
 * @param limits       every bound of the SMTP dialogue and the message
 * @param senderChecks the bounds of SPF, DKIM and DMARC per message
 */
public record InboundSettings(
        String hostname,
        Set<String> domains,
        InetAddress bindAddress,
        int port,
        int ioThreads,
        Limits limits,
        Limits.SenderChecks senderChecks) {

    public static final int DEFAULT_PORT = 25;
    public static final int DEFAULT_IO_THREADS = 16;

    public InboundSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(senderChecks, "senderChecks");
        if (hostname == null || !hostname.matches("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("hostname '" + hostname
                    + "' is not a plain DNS name (letters, digits, '.', '-'); it appears in replies and headers");
        }
        domains = canonical(domains);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port is " + port + "; use 0 (ephemeral) to 65535");
        }
        if (ioThreads < 1 || ioThreads > 1024) {
            throw new IllegalArgumentException("ioThreads is " + ioThreads + "; use 1..1024");
        }
    }

    /** Loopback, ephemeral port, default limits: for tests and local trials. */
    public static InboundSettings loopback(String hostname, Set<String> domains) {
        return new InboundSettings(hostname, domains, InetAddress.getLoopbackAddress(), 0, DEFAULT_IO_THREADS,
                Limits.DEFAULT, Limits.SenderChecks.DEFAULT);
    }

    public InboundSettings withLimits(Limits newLimits) {
        return new InboundSettings(hostname, domains, bindAddress, port, ioThreads, newLimits, senderChecks);
    }

    public InboundSettings withSenderChecks(Limits.SenderChecks newChecks) {
        return new InboundSettings(hostname, domains, bindAddress, port, ioThreads, limits, newChecks);
    }

    /** Lower-cased, each a domain the strict path parser would accept. */
    private static Set<String> canonical(Set<String> domains) {
        if (domains == null || domains.isEmpty()) {
            throw new IllegalArgumentException("the inbound MX needs at least one domain to accept mail for");
        }
        Set<String> canonical = new LinkedHashSet<>();
        for (String domain : domains) {
            try {
                canonical.add(PathParser.parseDomain(domain));
            } catch (AddressRefusedException e) {
                throw new IllegalArgumentException("domain '" + domain + "' cannot receive mail: " + e.getMessage(), e);
            }
        }
        return Set.copyOf(canonical);
    }
}
