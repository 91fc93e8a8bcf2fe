package dev.liaison.gateway.transport.send;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: after the n-th failure the next attempt waits between half
 * and all of {@code min(ceiling, base·2^(n-1))}. The random half spreads the retries of senders
 * (and of legacy email's envelopes, each on its own timer) to one receiver that has just come
 * back; the fixed half keeps a failing receiver from being hammered by unlucky draws. The relay's
 * queue applies the wait to the destination as a whole ({@link OutboundQueue#scheduleRetry}): its
 * envelopes must not come back shuffled, so they come back as one wave, sent oldest first.
 */
public record Backoff(Duration base, Duration ceiling) {

    public Backoff {
        if (base.isNegative() || base.isZero() || ceiling.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff base " + base + " must be positive and at most ceiling "
                    + ceiling);
        }
    }

    /** The wait after {@code failures} consecutive failures (1 = the first attempt failed). */
    public Duration delayAfter(int failures) {
        long cap = ceiling.toMillis();
        // 2^(n-1) overflows long past n = 63; the ceiling is reached long before.
        long exponential = failures >= 40 ? cap : Math.min(cap, base.toMillis() << Math.max(0, failures - 1));
        long half = exponential / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(exponential - half + 1));
    }
}
