package dev.liaison.imap.server;

import org.apache.james.imapserver.netty.ImapMetrics;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.reactivestreams.Publisher;

/**
 * James's IMAP server counts connections through a {@link MetricFactory} metric named
 * {@value #CONNECTIONS}: incremented when a connection opens, decremented when it closes. This
 * factory turns exactly that metric into {@link ImapEvents} calls; every other James metric stays
 * uncounted (commands are reported by name from the processor chain instead, where the name is
 * known).
 */
final class ConnectionMetrics implements MetricFactory {

    /** The name {@code ImapMetrics} (James 3.8.1) gives its connection gauge. */
    static final String CONNECTIONS = "imapConnections";

    private final UncountedMetrics uncounted = new UncountedMetrics();
    private final ImapEvents events;

    private ConnectionMetrics(ImapEvents events) {
        this.events = events;
    }

    /** James's server metrics, reporting connections to {@code events}. */
    static ImapMetrics reportingTo(ImapEvents events) {
        return new ImapMetrics(new ConnectionMetrics(events));
    }

    @Override
    public Metric generate(String name) {
        return CONNECTIONS.equals(name) ? new Connections() : uncounted.generate(name);
    }

    @Override
    public TimeMetric timer(String name) {
        return uncounted.timer(name);
    }

    @Override
    public <T> Publisher<T> decoratePublisherWithTimerMetric(String name, Publisher<T> publisher) {
        return publisher;
    }

    @Override
    public <T> Publisher<T> decoratePublisherWithTimerMetricLogP99(String name, Publisher<T> publisher) {
        return publisher;
    }

    /** James only increments and decrements this one by one; it never reads it back. */
    private final class Connections implements Metric {
        @Override
        public void increment() {
            events.connectionOpened();
        }

        @Override
        public void decrement() {
            events.connectionClosed();
        }

        @Override
        public void add(int value) {
            for (int i = 0; i < value; i++) {
                events.connectionOpened();
            }
        }

        @Override
        public void remove(int value) {
            for (int i = 0; i < value; i++) {
                events.connectionClosed();
            }
        }

        @Override
        public long getCount() {
            return 0;
        }
    }
}
