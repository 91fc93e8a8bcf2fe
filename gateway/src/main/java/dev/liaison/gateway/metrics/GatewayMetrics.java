package dev.liaison.gateway.metrics;

import dev.liaison.gateway.health.DatabaseProbe;
import dev.liaison.gateway.transport.receive.HttpResource;
import dev.liaison.gateway.transport.receive.InboundStore;
import dev.liaison.gateway.transport.receive.ReceivingEvents;
import dev.liaison.gateway.transport.receive.ResourceReply;
import dev.liaison.gateway.transport.send.DeliveryEvents;
import dev.liaison.gateway.transport.send.OutboundQueue;
import dev.liaison.imap.server.ImapAuthenticator;
import dev.liaison.imap.server.ImapEvents;
import dev.liaison.mapping.database.Database;
import dev.liaison.smtp.submission.SubmissionEvents;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One gateway's metrics (Micrometer, exposed in Prometheus text format at {@value #PATH}): the
 * listeners' and the relay's events, the queues, the database pool and the JVM. One registry per
 * gateway, never Micrometer's global one, so two gateways in one JVM (tests) keep theirs apart.
 * Metric names and meanings: docs/operations.md.
 */
public final class GatewayMetrics implements AutoCloseable {

    public static final String PATH = "/metrics";
    /** Prometheus text exposition format 0.0.4, what {@link PrometheusMeterRegistry#scrape()} writes. */
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final SubmissionMeters submission = new SubmissionMeters(registry);
    private final InboundMeters inbound = new InboundMeters(registry);
    private final ImapMeters imap = new ImapMeters(registry);
    private final RelayMeters relay = new RelayMeters(registry);

    public GatewayMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public SubmissionEvents submission() {
        return submission;
    }

    public dev.liaison.smtp.inbound.InboundEvents inbound() {
        return inbound;
    }

    public ImapEvents imap() {
        return imap;
    }

    /** {@code authenticator} counting successful and refused IMAP logins. */
    public ImapAuthenticator countingLogins(ImapAuthenticator authenticator) {
        return imap.counting(authenticator);
    }

    public DeliveryEvents delivery() {
        return relay;
    }

    public ReceivingEvents receiving() {
        return relay;
    }

    /** Adds the pool's meters (HikariCP's {@code hikaricp_connections_*}); once per database. */
    public void observe(Database database) {
        database.reportPoolTo(registry);
    }

    /**
     * What the listeners hold in memory, from a message's or envelope's first byte until it is
     * committed or stored: the SMTP servers' and the relay receiver's budgets in use
     * ({@code liaison_buffered_bytes{listener}}).
     */
    public void observeBuffers(LongSupplier submission, LongSupplier mx, LongSupplier relay) {
        Map.of("submission", submission, "mx", mx, "relay", relay).forEach((listener, held) ->
                Gauge.builder("liaison.buffered", held, LongSupplier::getAsLong).baseUnit("bytes")
                        .tag("listener", listener)
                        .strongReference(true) // the supplier is a method reference only the gauge holds
                        .description("message or envelope bytes held in memory until stored (bounded per listener)")
                        .register(registry));
    }

    /**
     * {@value #PATH}: the queue gauges read through {@code probe}, then every meter in Prometheus
     * text format; unless {@code fromAnywhere}, only to this machine and private networks, since the
     * deliveries per destination host tell anyone who reads them whom this gateway's users write to.
     */
    public Map<String, HttpResource> resources(DatabaseProbe probe, OutboundQueue outbound, InboundStore inbound,
                                               boolean fromAnywhere) {
        QueueGauges queues = new QueueGauges(registry, probe, outbound, inbound);
        return Map.of(PATH, request -> {
            if (!fromAnywhere && !request.fromPrivateNetwork()) {
                return ResourceReply.text(403, "metrics are served to this machine and private networks only"
                        + " (http.metrics-from)");
            }
            queues.refresh();
            return ResourceReply.ok(CONTENT_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8))
                    .withHeader("Cache-Control", "no-store");
        });
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
