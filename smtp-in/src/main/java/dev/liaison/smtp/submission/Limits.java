package dev.liaison.smtp.submission;

import java.time.Duration;

/**
 * Every bound smtp-in enforces, in one place (STYLE §1). A client that crosses one gets a protocol
 * reply naming the limit; nothing it sent reaches the {@link SubmissionHandler} (or, on the inbound
 * MX, the {@code InboundHandler}, which uses the same bounds plus {@link SenderChecks}).
 *
 * @param maxMessageOctets    largest message accepted, counted after dot-unstuffing and before the
 *                            trace headers are added; advertised as {@code SIZE} (RFC 1870);
 *                            exceeded: {@code 552 5.3.4}
 * @param maxLineOctets       longest command or text line including its CRLF; RFC 5321 §4.5.3.1.6
 *                            requires at least 1000; exceeded: {@code 500 5.5.2} for a command,
 *                            {@code 552 5.3.4} inside DATA on submission; the inbound MX takes longer
 *                            message lines as sent, bounded by {@code maxMessageOctets}
 * @param maxHeaderFields     header fields in one message (a folded field counts once); exceeded:
 *                            {@code 552 5.3.4}
 * @param maxHeaderOctets     octets of the whole header section; exceeded: {@code 552 5.3.4}
 * @param maxRecipients       accepted RCPTs per transaction; RFC 5321 §4.5.3.1.8 asks for at least
 *                            100; exceeded: {@code 452 4.5.3} (RFC 5321 §4.5.3.1.10 mandates 452)
 * @param maxConnections      open connections per listener; further connections get {@code 421} and are closed
 *                            (over implicit TLS after the handshake; closed at once, without a reply,
 *                            while {@code maxConnectionsPerAddress} refused connections are in theirs).
 *                            A message is buffered in memory until committed; what all of them hold
 *                            is bounded by {@code maxBufferedOctets}
 * @param maxConnectionsPerAddress open connections per client address per listener
 * @param idleTimeout         a connection that sends nothing for this long is closed (RFC 5321
 *                            §4.5.3.2.7 suggests 5 minutes)
 * @param authThrottling      penalties for failed AUTH attempts
 * @param maxBufferedOctets   message octets all sessions of one server may hold at once, one sender
 *                            (a client address on the MX, a login on submission) at most a quarter of
 *                            them (never less than one message); a message that finds them spent is
 *                            answered {@code 452 4.3.1} at the end of DATA, or already at MAIL when it
 *                            declared a {@code SIZE} that does not fit. Default {@link #defaultBufferedOctets}
 */
public record Limits(
        long maxMessageOctets,
        int maxLineOctets,
        int maxHeaderFields,
        int maxHeaderOctets,
        int maxRecipients,
        int maxConnections,
        int maxConnectionsPerAddress,
        Duration idleTimeout,
        AuthThrottling authThrottling,
        long maxBufferedOctets) {

    /** RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets including CRLF. */
    public static final int RFC5321_MIN_LINE_OCTETS = 1000;

    public static final Limits DEFAULT = new Limits(
            25L * 1024 * 1024,
            RFC5321_MIN_LINE_OCTETS,
            500,
            256 * 1024,
            100,
            256,
            16,
            Duration.ofMinutes(5),
            AuthThrottling.DEFAULT);

    /** Limits with {@link #defaultBufferedOctets} message octets held at once. */
    public Limits(long maxMessageOctets, int maxLineOctets, int maxHeaderFields, int maxHeaderOctets, int maxRecipients,
                  int maxConnections, int maxConnectionsPerAddress, Duration idleTimeout, AuthThrottling authThrottling) {
        this(maxMessageOctets, maxLineOctets, maxHeaderFields, maxHeaderOctets, maxRecipients, maxConnections,
                maxConnectionsPerAddress, idleTimeout, authThrottling, defaultBufferedOctets(maxMessageOctets));
    }

    /**
     * An eighth of the heap, at most 128 MiB, never less than one message. Each server (submission,
     * inbound MX) has its own. What is counted is octets received: the buffers holding them grow by
     * doubling and the message is copied once when complete, so the heap taken is up to twice the
     * count while a message arrives, and briefly three times.
     */
    public static long defaultBufferedOctets(long maxMessageOctets) {
        return Math.max(maxMessageOctets, Math.min(Runtime.getRuntime().maxMemory() / 8, 128L * 1024 * 1024));
    }

    /** These limits with at most {@code octets} message octets held at once. */
    public Limits withMaxBufferedOctets(long octets) {
        return new Limits(maxMessageOctets, maxLineOctets, maxHeaderFields, maxHeaderOctets, maxRecipients, maxConnections,
                maxConnectionsPerAddress, idleTimeout, authThrottling, octets);
    }

    public Limits {
        requirePositive("maxMessageOctets", maxMessageOctets);
        if (maxLineOctets < RFC5321_MIN_LINE_OCTETS) {
            throw new IllegalArgumentException("maxLineOctets " + maxLineOctets + " is below the "
                    + RFC5321_MIN_LINE_OCTETS + " octets RFC 5321 section 4.5.3.1.6 requires; raise it");
        }
        requirePositive("maxHeaderFields", maxHeaderFields);
        requirePositive("maxHeaderOctets", maxHeaderOctets);
        requirePositive("maxRecipients", maxRecipients);
        requirePositive("maxConnections", maxConnections);
        requirePositive("maxConnectionsPerAddress", maxConnectionsPerAddress);
        if (idleTimeout == null || idleTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("idleTimeout " + idleTimeout + " must be at least one second");
        }
        if (maxBufferedOctets < maxMessageOctets) {
            throw new IllegalArgumentException("maxBufferedOctets " + maxBufferedOctets
                    + " is below maxMessageOctets " + maxMessageOctets + "; one message must fit");
        }
        if (authThrottling == null) {
            throw new IllegalArgumentException("authThrottling is required; use AuthThrottling.DEFAULT");
        }
    }

    static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " is " + value + "; it must be positive");
        }
    }

    /**
     * Failed-authentication penalties. Failures are counted per client address and, separately,
     * per login; after {@code freeFailures} each further failure doubles the wait before the next
     * attempt is even checked (starting at {@code firstDelay}, capped at {@code maxDelay}).
     * Attempts made while waiting get {@code 454 4.7.0} and are not checked. A login's count is the
     * number of distinct addresses that failed for it, so a flood from one address throttles that
     * address only; addresses that recently authenticated as the login are exempt from the login's
     * penalty. State is forgotten {@code forgetAfter} after the last failure.
     *
     * @param freeFailures     failures allowed before any wait
     * @param firstDelay       the first wait
     * @param maxDelay         the longest wait
     * @param forgetAfter      quiet time after which a key's failures are forgotten
     * @param maxTrackedKeys   addresses (IPv6 by /64) and logins tracked at once; the memory bound
     * @param trustedAddressesPerLogin addresses remembered per login after a success
     */
    public record AuthThrottling(
            int freeFailures,
            Duration firstDelay,
            Duration maxDelay,
            Duration forgetAfter,
            int maxTrackedKeys,
            int trustedAddressesPerLogin) {

        public static final AuthThrottling DEFAULT = new AuthThrottling(
                3, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofMinutes(30), 100_000, 8);

        public AuthThrottling {
            if (freeFailures < 0) {
                throw new IllegalArgumentException("freeFailures is " + freeFailures + "; it must not be negative");
            }
            if (firstDelay == null || maxDelay == null || forgetAfter == null
                    || firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0
                    || forgetAfter.compareTo(maxDelay) < 0) {
                throw new IllegalArgumentException("need 0 < firstDelay (" + firstDelay + ") <= maxDelay ("
                        + maxDelay + ") <= forgetAfter (" + forgetAfter + ")");
            }
            // not Limits.requirePositive: calling into Limits would initialise it, and Limits.DEFAULT
            // needs this class's DEFAULT, still null while it is being made
            if (maxTrackedKeys <= 0 || trustedAddressesPerLogin <= 0) {
                throw new IllegalArgumentException("maxTrackedKeys (" + maxTrackedKeys + ") and trustedAddressesPerLogin ("
                        + trustedAddressesPerLogin + ") must be positive");
            }
        }
    }

    /**
     * Bounds on checking who sent a message to the inbound MX (SPF, DKIM, DMARC), per message.
     * SPF's own limits (ten DNS-querying terms, ten MX or PTR names; RFC 7208 §4.6.4) are applied
     * by jSPF on top of these. Crossing one of these makes the affected check {@code temperror}.
     *
     * @param maxDkimSignatures  {@code DKIM-Signature:} fields verified per message, topmost first
     *                           (each costs a DNS query and an RSA verification); the rest are
     *                           ignored, which RFC 6376 §6.1 allows
     * @param maxDnsQueries      DNS questions per message for SPF, DKIM and DMARC together; the
     *                           default leaves DKIM and DMARC room after SPF's worst case under
     *                           RFC 7208 §4.6.4 (ten terms, ten MX hosts each: about 112)
     * @param dnsTimePerMessage  time the DNS questions of one message may take together; the SMTP
     *                           I/O thread waits meanwhile
     */
    public record SenderChecks(int maxDkimSignatures, int maxDnsQueries, Duration dnsTimePerMessage) {

        public static final SenderChecks DEFAULT = new SenderChecks(5, 150, Duration.ofSeconds(30));

        public SenderChecks {
            requirePositive("maxDkimSignatures", maxDkimSignatures);
            requirePositive("maxDnsQueries", maxDnsQueries);
            if (dnsTimePerMessage == null || dnsTimePerMessage.isNegative() || dnsTimePerMessage.isZero()) {
                throw new IllegalArgumentException("dnsTimePerMessage " + dnsTimePerMessage + " must be positive");
            }
        }
    }
}
