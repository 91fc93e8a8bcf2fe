package dev.liaison.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/** The connections of one SMTP service: {@code <name>} counts those opened, {@code <name>.open} those open now. */
final class SessionMeters {

    private final Counter opened;
    private final AtomicInteger open;

    SessionMeters(MeterRegistry registry, String name, String description) {
        opened = Counter.builder(name).description(description).register(registry);
        open = new AtomicInteger();
        Gauge.builder(name + ".open", open, AtomicInteger::get).description(description.replace("opened", "open now"))
                .register(registry);
    }

    void opened() {
        opened.increment();
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }
}
