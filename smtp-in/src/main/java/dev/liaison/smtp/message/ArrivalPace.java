package dev.liaison.smtp.message;

import java.time.Duration;
import java.util.Objects;

/**
 * The slowest an item held in memory while it arrives may come in (a message in DATA, an envelope
 * upload): {@code elapsed} after it began, it must have brought at least
 * {@code octetsPerSecond × (elapsed − grace)} octets. Idle timeouts reset on every byte or line,
 * and an arriving item holds octets of its server's {@link OctetBudget}, so without a pace a sender
 * trickling its bytes on a few connections could keep the budget from everyone else for as long as
 * it liked. A slower item is refused or cut off, and lets its octets go at once.
 */
public record ArrivalPace(long octetsPerSecond, Duration grace) {

    /**
     * The inbound MX's: 32 KiB/s after 30 s, well below any mail server's link; a 25 MiB message
     * may take about 13 minutes. Submission has none: its clients may be on slow mobile links, and
     * they are authenticated users, counted per login.
     */
    public static final ArrivalPace INBOUND_MX = new ArrivalPace(32 * 1024, Duration.ofSeconds(30));

    public ArrivalPace {
        Objects.requireNonNull(grace, "grace");
        if (octetsPerSecond < 1 || grace.isNegative()) {
            throw new IllegalArgumentException("a pace of " + octetsPerSecond + " octets/s after " + grace
                    + ": the rate must be positive and the grace not negative");
        }
    }

    /** Whether {@code received} octets {@code elapsedNanos} after the item began fall behind this pace. */
    public boolean behind(long received, long elapsedNanos) {
        long late = elapsedNanos - grace.toNanos();
        return late > 0 && received < (double) octetsPerSecond * late / 1e9; // in double: no overflow at any rate
    }
}
