package dev.liaison.gateway.transport.receive;

import java.time.Duration;
import java.util.Objects;

/**
 * The slowest an envelope upload may arrive: {@code elapsed} after its request began it must have
 * brought at least {@code bytesPerSecond × (elapsed − grace)} bytes. The connection's idle timeout resets on every
 * byte, and an upload holds its share of the {@link dev.liaison.smtp.message.OctetBudget} from its head on, so without a
 * pace a peer trickling a byte a minute on a few connections could keep the budget from everyone
 * else for as long as it liked. A slower upload is cut off (the connection closed, its bytes given
 * back); its sender retries, as after any broken connection.
 */
public record UploadPace(long bytesPerSecond, Duration grace) {

    /** 32 KiB/s after 10 s: the largest envelope may take about nine minutes; any server link is faster. */
    public static final UploadPace DEFAULT = new UploadPace(32 * 1024, Duration.ofSeconds(10));

    public UploadPace {
        Objects.requireNonNull(grace, "grace");
        if (bytesPerSecond < 1 || grace.isNegative()) {
            throw new IllegalArgumentException("upload pace of " + bytesPerSecond + " bytes/s after " + grace
                    + ": the rate must be positive and the grace not negative");
        }
    }

    /** Whether {@code received} bytes {@code elapsedNanos} after the request began fall behind this pace. */
    boolean behind(long received, long elapsedNanos) {
        long late = elapsedNanos - grace.toNanos();
        return late > 0 && received < (double) bytesPerSecond * late / 1e9; // in double: no overflow at any rate
    }
}
