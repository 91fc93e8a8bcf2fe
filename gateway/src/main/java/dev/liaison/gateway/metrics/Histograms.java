package dev.liaison.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The latency histograms' buckets, fixed and few: a Prometheus histogram costs one time series per
 * bucket, and these bounds (1 ms to 30 s) cover a commit, a relay hop and a slow peer alike.
 */
final class Histograms {

    private static final Duration[] BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private Histograms() {
    }

    /** A timer with the latency buckets. */
    static Timer latency(MeterRegistry registry, String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS).register(registry);
    }
}
