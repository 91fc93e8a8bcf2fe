package dev.liaison.gateway.relationship;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The keep-alive's timer carries the gateway's housekeeping (forgetting old bookkeeping): it runs
 * after every pass, also when the pass itself failed, and one that throws does not stop the timer
 * (an exception out of a scheduled task cancels every later run, and the tables would grow again).
 */
class KeepAliveHousekeepingTest {

    @Test
    void housekeepingRunsEveryTickEvenAfterItOrThePassFailed() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch threeRuns = new CountDownLatch(3);
        // no database, keys or relationships: every pass fails, as one does while the database is down
        try (AddressKeepAlive keepAlive = new AddressKeepAlive(null, null, null, null, null, null, Clock.systemUTC())) {
            keepAlive.start(Duration.ofMillis(10), () -> {
                threeRuns.countDown();
                if (runs.incrementAndGet() == 1) {
                    throw new IllegalStateException("the database went away");
                }
            });
            assertTrue(threeRuns.await(30, TimeUnit.SECONDS), "ran " + runs.get() + " times");
        }
    }
}
