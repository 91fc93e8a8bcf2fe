package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;

import java.net.URI;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in for the relay that records what the transport hands it. Envelopes whose first
 * byte is 'M' are malformed, 'U' unresolvable, 'D' deferred, anything else resolves to user 7;
 * processing outcomes come from {@link #processing}.
 */
public final class RecordingRelay implements EnvelopeAcceptor, InboundProcessor, ServiceDescriptionSource {

    public final AtomicInteger assessed = new AtomicInteger();
    public final List<InboundEnvelope> processed = new CopyOnWriteArrayList<>();
    public final Map<EnvelopeId, AtomicInteger> processingCalls = new ConcurrentHashMap<>();
    public volatile Function<InboundEnvelope, Outcome> processing = e -> new Done();

    @Override
    public Verdict assess(Connection connection, EnvelopeBytes envelope, PeerAddress peer) {
        assessed.incrementAndGet();
        return switch (envelope.sharedArray()[0]) {
            case 'M' -> new Malformed("unknown version 0x4d");
            case 'U' -> new EnvelopeAcceptor.Unresolvable();
            case 'D' -> new Deferred();
            default -> new Resolved(7);
        };
    }

    @Override
    public Outcome process(Connection connection, InboundEnvelope envelope) {
        processingCalls.computeIfAbsent(envelope.id(), id -> new AtomicInteger()).incrementAndGet();
        Outcome outcome = processing.apply(envelope);
        processed.add(envelope);
        return outcome;
    }

    @Override
    public ServiceDescription current() {
        return new ServiceDescription("rs-test \"one\"", URI.create("https://127.0.0.1/communicator/v1/envelopes"),
                List.of(new ServiceDescription.KeyGeneration(3, "cHVibGljLTM", true, Instant.parse("2030-01-01T00:00:00Z")),
                        new ServiceDescription.KeyGeneration(2, "cHVibGljLTI", false, Instant.parse("2029-06-01T00:00:00Z"))),
                4096);
    }

    public ReceivingService.Relay relay() {
        return new ReceivingService.Relay(this, this, this);
    }
}
