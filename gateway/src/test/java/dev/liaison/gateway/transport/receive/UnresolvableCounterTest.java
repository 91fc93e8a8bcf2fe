package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnresolvableCounterTest {

    private final TestClock clock = new TestClock();
    private final PeerAddress a = PeerAddress.parse("198.51.100.1");
    private final PeerAddress b = PeerAddress.parse("2001:db8::2");

    @Test
    void peerIsThrottledAtTheThresholdAndOthersAreNot() {
        var counter = new UnresolvableCounter(3, Duration.ofMinutes(10), 100, clock);
        counter.record(a);
        counter.record(a);
        assertFalse(counter.throttled(a));
        counter.record(a);
        assertTrue(counter.throttled(a));
        assertFalse(counter.throttled(b));
    }

    @Test
    void oldFailuresSlideOutOfTheWindow() {
        var counter = new UnresolvableCounter(3, Duration.ofMinutes(10), 100, clock);
        for (int i = 0; i < 3; i++) {
            counter.record(a);
        }
        assertTrue(counter.throttled(a));
        clock.advance(Duration.ofMinutes(20));
        assertFalse(counter.throttled(a), "two windows later nothing counts");
    }

    @Test
    void leastRecentlySeenPeersAreForgottenPastTheBound() {
        var counter = new UnresolvableCounter(1, Duration.ofMinutes(10), 2, clock);
        counter.record(a);
        counter.record(b);
        counter.record(PeerAddress.parse("203.0.113.9"));
        assertFalse(counter.throttled(a), "forgotten: memory stays bounded");
        assertTrue(counter.throttled(b));
    }
}
