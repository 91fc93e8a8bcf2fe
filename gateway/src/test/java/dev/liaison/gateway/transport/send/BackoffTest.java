package dev.liaison.gateway.transport.send;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(4), Duration.ofSeconds(60));

    @Test
    void delayDoublesPerFailureBetweenHalfAndAllOfTheExponentialStep() {
        long[] steps = {4_000, 8_000, 16_000, 32_000, 60_000, 60_000};
        for (int failures = 1; failures <= steps.length; failures++) {
            for (int i = 0; i < 200; i++) {
                long ms = backoff.delayAfter(failures).toMillis();
                long step = steps[failures - 1];
                assertTrue(ms >= step / 2 && ms <= step, "failure " + failures + ": " + ms + " ms outside ["
                        + step / 2 + ", " + step + "]");
            }
        }
    }

    @Test
    void delayIsJitteredSoRetriesSpreadOut() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            seen.add(backoff.delayAfter(3).toMillis());
        }
        assertTrue(seen.size() > 10, "50 draws gave only " + seen.size() + " distinct delays");
    }

    @Test
    void hugeFailureCountsStayAtTheCeiling() {
        assertTrue(backoff.delayAfter(1_000_000).compareTo(Duration.ofSeconds(60)) <= 0);
        assertTrue(backoff.delayAfter(64).compareTo(Duration.ofSeconds(30)) >= 0);
    }

    @Test
    void ceilingBelowBaseIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofMinutes(2), Duration.ofMinutes(1)));
        assertEquals("backoff base PT2M must be positive and at most ceiling PT1M", e.getMessage());
    }

    @Test
    void receiverAnswersAreClassifiedAsDeliveredRetryOrRejected() {
        assertTrue(EnvelopePoster.classify(202, "") instanceof DeliveryOutcome.Delivered);
        assertTrue(EnvelopePoster.classify(413, "") instanceof DeliveryOutcome.Rejected);
        assertTrue(EnvelopePoster.classify(400, "") instanceof DeliveryOutcome.Rejected);
        assertTrue(EnvelopePoster.classify(503, "") instanceof DeliveryOutcome.Retry);
        var throttled = (DeliveryOutcome.Retry) EnvelopePoster.classify(429, "120");
        assertEquals(Duration.ofSeconds(120), throttled.retryAfter());
        var greedy = (DeliveryOutcome.Retry) EnvelopePoster.classify(429, "999999");
        assertEquals(Duration.ofHours(1), greedy.retryAfter());
        var bogus = (DeliveryOutcome.Retry) EnvelopePoster.classify(503, "soon");
        assertEquals(Duration.ZERO, bogus.retryAfter());
    }
}
