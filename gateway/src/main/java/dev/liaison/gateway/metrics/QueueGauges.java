package dev.liaison.gateway.metrics;

import dev.liaison.gateway.health.DatabaseProbe;
import dev.liaison.gateway.transport.receive.InboundStore;
import dev.liaison.gateway.transport.send.OutboundQueue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The relay's queues as gauges, read from the database when metrics are scraped (so the values are
 * as of the scrape, and nothing polls the database between scrapes). When the database does not
 * answer within the probe's timeout the gauges read NaN: no number is better than a stale one.
 */
final class QueueGauges {

    private final DatabaseProbe probe;
    private final OutboundQueue outbound;
    private final InboundStore inbound;
    private volatile Sample sample = Sample.UNKNOWN;

    QueueGauges(MeterRegistry registry, DatabaseProbe probe, OutboundQueue outbound, InboundStore inbound) {
        this.probe = probe;
        this.outbound = outbound;
        this.inbound = inbound;
        Gauge.builder("liaison.relay.outbound.pending", this, g -> g.sample.outboundPending())
                .description("envelopes waiting to be delivered to receiving services").register(registry);
        Gauge.builder("liaison.relay.outbound.oldest.age", this, g -> g.sample.oldestSeconds())
                .description("time the oldest pending outbound envelope has waited").baseUnit("seconds")
                .register(registry);
        Gauge.builder("liaison.relay.inbound.pending", this, g -> g.sample.inboundPending())
                .description("received envelopes waiting to be processed").register(registry);
        Gauge.builder("liaison.relay.inbound.quarantined", this, g -> g.sample.quarantined())
                .description("received envelopes in quarantine, waiting for the administrator").register(registry);
    }

    /** Reads the queues now (at most the probe's timeout). */
    void refresh() {
        DatabaseProbe.Answer<Sample> answer = probe.ask(c -> {
            OutboundQueue.Backlog out = outbound.backlog(c);
            InboundStore.Backlog in = inbound.backlog(c);
            return new Sample(out.pending(), out.oldestAge().toMillis() / 1000.0, in.pending(), in.quarantined());
        });
        sample = answer instanceof DatabaseProbe.Answer.Answered<Sample> answered ? answered.value() : Sample.UNKNOWN;
    }

    private record Sample(double outboundPending, double oldestSeconds, double inboundPending, double quarantined) {
        static final Sample UNKNOWN = new Sample(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
}
