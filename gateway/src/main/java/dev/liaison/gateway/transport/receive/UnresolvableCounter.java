package dev.liaison.gateway.transport.receive;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts unresolvable envelopes per sending peer over a sliding window, to throttle peers that
 * probe for valid addresses or spray garbage.
 *
 * <p>The window is approximated with two fixed buckets per peer (the current window's count
 * plus the previous one's, weighted by how much of it still overlaps the sliding window): O(1)
 * memory per peer instead of one timestamp per envelope, exact enough for a threshold. At most
 * {@code maxPeers} peers are remembered; the least recently counted are forgotten first, so a
 * flood of source addresses cannot exhaust memory. Counts are per process.
 */
public final class UnresolvableCounter {

    private final int threshold;
    private final long windowMillis;
    private final Clock clock;
    private final Map<PeerAddress, Buckets> peers;

    public UnresolvableCounter(int threshold, Duration window, int maxPeers, Clock clock) {
        if (threshold < 1 || window.isNegative() || window.isZero() || maxPeers < 1) {
            throw new IllegalArgumentException("threshold " + threshold + ", window " + window + " and peers "
                    + maxPeers + " must be positive");
        }
        this.threshold = threshold;
        this.windowMillis = window.toMillis();
        this.clock = clock;
        this.peers = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerAddress, Buckets> eldest) {
                return size() > maxPeers;
            }
        };
    }

    /** Counts one unresolvable envelope from {@code peer}. */
    public synchronized void record(PeerAddress peer) {
        long now = clock.millis();
        peers.computeIfAbsent(peer, p -> new Buckets(now - now % windowMillis)).add(now, windowMillis);
    }

    /** Whether {@code peer} reached the threshold within the sliding window. */
    public synchronized boolean throttled(PeerAddress peer) {
        Buckets buckets = peers.get(peer);
        return buckets != null && buckets.estimate(clock.millis(), windowMillis) >= threshold;
    }

    /** Seconds a throttled peer should wait (Retry-After): one window. */
    public long retryAfterSeconds() {
        return Math.max(1, windowMillis / 1000);
    }

    private static final class Buckets {
        private long start;
        private long current;
        private long previous;

        Buckets(long start) {
            this.start = start;
        }

        void add(long now, long window) {
            roll(now, window);
            current++;
        }

        double estimate(long now, long window) {
            roll(now, window);
            double overlap = 1.0 - (double) (now - start) / window;
            return current + previous * overlap;
        }

        private void roll(long now, long window) {
            long elapsedWindows = (now - start) / window;
            if (elapsedWindows >= 1) {
                previous = elapsedWindows == 1 ? current : 0;
                current = 0;
                start += elapsedWindows * window;
            }
        }
    }
}
