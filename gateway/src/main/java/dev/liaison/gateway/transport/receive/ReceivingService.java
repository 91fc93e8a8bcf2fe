package dev.liaison.gateway.transport.receive;

import dev.liaison.mapping.database.Database;

/**
 * The whole receiving service for the composition root: the HTTP(S) listener storing envelopes
 * and the workers handing them to the relay's {@link InboundProcessor}, sharing one
 * unresolvable-address counter. Close stops the listener first, so nothing is accepted that
 * could not be processed.
 */
public final class ReceivingService implements AutoCloseable {

    private final ReceivingServer server;
    private final InboundWorker worker;

    private ReceivingService(ReceivingServer server, InboundWorker worker) {
        this.server = server;
        this.worker = worker;
    }

    /** Starts listening and processing; the transport schema must be migrated. */
    public static ReceivingService start(Database database, ReceiverSettings settings, Relay relay) {
        UnresolvableCounter counter = settings.newCounter();
        var intake = new EnvelopeIntake(database, new InboundStore(settings.clock()), relay.acceptor(), counter,
                settings.events(), relay.processor(), settings.clock());
        InboundWorker worker = InboundWorker.start(database, relay.processor(), counter, settings);
        try {
            return new ReceivingService(ReceivingServer.start(settings, relay.description(), intake), worker);
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    /** Envelope bytes the listener's connections hold now. */
    public long bufferedBytes() {
        return server.bufferedBytes();
    }

    /** Whether the HTTP(S) listener still accepts connections. */
    public boolean listening() {
        return server.listening();
    }

    @Override
    public void close() {
        server.close();
        worker.close();
    }

    /** The relay's answers to the three questions the transport cannot answer itself. */
    public record Relay(ServiceDescriptionSource description, EnvelopeAcceptor acceptor, InboundProcessor processor) {
    }
}
