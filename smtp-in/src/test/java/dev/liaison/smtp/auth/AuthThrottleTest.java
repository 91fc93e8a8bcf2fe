package dev.liaison.smtp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.submission.Limits.AuthThrottling;
import dev.liaison.smtp.testing.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {

    private static final AuthThrottling POLICY = new AuthThrottling(3, Duration.ofSeconds(2), Duration.ofSeconds(60),
            Duration.ofMinutes(10), 1000, 4);

    private final MutableClock clock = new MutableClock();
    private final AuthThrottle throttle = new AuthThrottle(POLICY, clock);

    @Test
    void freeFailuresCostNothingThenTheWaitDoublesUpToTheCap() throws Exception {
        InetAddress attacker = ip("192.0.2.1");
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure(attacker, "alex");
            assertEquals(Optional.empty(), throttle.waitBefore(attacker, "alex"));
        }
        Duration[] expected = {Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16),
            Duration.ofSeconds(32), Duration.ofSeconds(60), Duration.ofSeconds(60)};
        for (Duration wait : expected) {
            throttle.recordFailure(attacker, "alex");
            assertEquals(Optional.of(wait), throttle.waitBefore(attacker, "alex"));
            clock.advance(wait);
            assertEquals(Optional.empty(), throttle.waitBefore(attacker, "alex"));
        }
    }

    @Test
    void floodFromOneAddressDoesNotThrottleTheLoginFromAnotherAddress() throws Exception {
        InetAddress attacker = ip("192.0.2.1");
        for (int i = 0; i < 50; i++) {
            throttle.recordFailure(attacker, "alex");
        }
        assertTrue(throttle.waitBefore(attacker, "alex").isPresent());
        assertTrue(throttle.waitBefore(attacker, "blair").isPresent(), "the address is throttled for every login");
        assertEquals(Optional.empty(), throttle.waitBefore(ip("198.51.100.7"), "alex"));
    }

    @Test
    void manyAddressesGuessingOneLoginThrottleItExceptWhereTheUserIsKnown() throws Exception {
        InetAddress home = ip("198.51.100.7");
        throttle.recordSuccess(home, "alex");
        for (int i = 1; i <= 6; i++) {
            throttle.recordFailure(ip("203.0.113." + i), "Alex");
        }
        assertEquals(Optional.of(Duration.ofSeconds(8)), throttle.waitBefore(ip("203.0.113.99"), "alex"));
        assertEquals(Optional.empty(), throttle.waitBefore(home, "ALEX"));
        assertEquals(Optional.empty(), throttle.waitBefore(ip("203.0.113.99"), "blair"));
    }

    @Test
    void successClearsTheAddressPenalty() throws Exception {
        InetAddress user = ip("192.0.2.9");
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure(user, "alex");
        }
        assertTrue(throttle.waitBefore(user, "alex").isPresent());
        throttle.recordSuccess(user, "alex");
        assertEquals(Optional.empty(), throttle.waitBefore(user, "alex"));
    }

    @Test
    void failuresAreForgottenAfterTheQuietPeriod() throws Exception {
        InetAddress attacker = ip("192.0.2.1");
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure(attacker, "alex");
        }
        clock.advance(Duration.ofMinutes(10));
        assertEquals(Optional.empty(), throttle.waitBefore(attacker, "alex"));
        throttle.recordFailure(attacker, "alex");
        assertEquals(Optional.empty(), throttle.waitBefore(attacker, "alex"), "the count restarted at one");
    }

    @Test
    void ipv6AddressesOfOneSlash64ShareAPenalty() throws Exception {
        for (int i = 1; i <= 5; i++) {
            throttle.recordFailure(ip("2001:db8:1:2::" + i), "alex");
        }
        assertTrue(throttle.waitBefore(ip("2001:db8:1:2:ffff::1"), "blair").isPresent());
        assertEquals(Optional.empty(), throttle.waitBefore(ip("2001:db8:1:3::1"), "blair"));
    }

    @Test
    void trackedKeysStayWithinTheBound() throws Exception {
        AuthThrottle small = new AuthThrottle(new AuthThrottling(0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofMinutes(1), 10, 2), clock);
        for (int i = 0; i < 100; i++) {
            small.recordFailure(ip("10.0.0." + i), "user" + i);
        }
        assertTrue(small.waitBefore(ip("10.0.0.99"), "user99").isPresent(), "the newest key is tracked");
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }
}
