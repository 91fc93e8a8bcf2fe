package dev.liaison.gateway.metrics;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.transport.receive.ReceivingEvents;
import dev.liaison.gateway.transport.send.DeliveryEvents;
import dev.liaison.gateway.transport.send.DeliveryOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The relay's transport events as Micrometer meters: delivery attempts per destination host and
 * outcome, envelopes received and processed. A destination is tagged by host only, and only the
 * first {@link Limits#MAX_METRIC_DESTINATION_HOSTS} hosts get their own tag (a peer chooses its
 * host name, and every tag value is a time series the scraper must keep).
 */
final class RelayMeters implements DeliveryEvents, ReceivingEvents {

    private static final String OTHER = "other";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, DestinationCounters> destinations = new ConcurrentHashMap<>();
    private final Timer delivery;
    private final Map<Reception, Counter> received = new EnumMap<>(Reception.class);
    private final Map<Processing, Counter> processed = new EnumMap<>(Processing.class);
    private final Timer processing;

    RelayMeters(MeterRegistry registry) {
        this.registry = registry;
        delivery = Histograms.latency(registry, "liaison.relay.delivery",
                "time one POST of an envelope to a receiving service took");
        for (Reception reception : Reception.values()) {
            received.put(reception, Counter.builder("liaison.relay.envelopes.received")
                    .description("envelopes POSTed to this receiving service, by answer")
                    .tag("verdict", SubmissionMeters.tag(reception)).register(registry));
        }
        for (Processing outcome : Processing.values()) {
            processed.put(outcome, Counter.builder("liaison.relay.envelopes.processed")
                    .description("stored envelopes processed (decrypted and delivered), by outcome")
                    .tag("outcome", SubmissionMeters.tag(outcome)).register(registry));
        }
        processing = Histograms.latency(registry, "liaison.relay.processing",
                "time one inbound envelope's processing transaction took (decrypt, verify, deliver, commit)");
    }

    @Override
    public void attempted(String host, DeliveryOutcome outcome, long nanos) {
        delivery.record(nanos, TimeUnit.NANOSECONDS);
        String key = host == null ? OTHER : host;
        DestinationCounters counters = destinations.get(key);
        if (counters == null) {
            counters = destinations.computeIfAbsent(
                    destinations.size() < Limits.MAX_METRIC_DESTINATION_HOSTS ? key : OTHER, DestinationCounters::new);
        }
        counters.count(outcome);
    }

    @Override
    public void received(Reception reception) {
        received.get(reception).increment();
    }

    @Override
    public void processed(Processing outcome, long nanos) {
        processed.get(outcome).increment();
        processing.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The three outcome counters of one destination host. */
    private final class DestinationCounters {
        private final Counter delivered;
        private final Counter retry;
        private final Counter rejected;

        DestinationCounters(String host) {
            delivered = counter(host, "delivered");
            retry = counter(host, "retry");
            rejected = counter(host, "rejected");
        }

        private Counter counter(String host, String outcome) {
            return Counter.builder("liaison.relay.delivery.attempts")
                    .description("POSTs of envelopes to receiving services, by destination host and outcome")
                    .tag("host", host).tag("outcome", outcome).register(registry);
        }

        void count(DeliveryOutcome outcome) {
            if (outcome instanceof DeliveryOutcome.Delivered) {
                delivered.increment();
            } else if (outcome instanceof DeliveryOutcome.Rejected) {
                rejected.increment();
            } else {
                retry.increment();
            }
        }
    }
}
