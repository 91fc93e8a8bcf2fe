package dev.liaison.imap.events;

import dev.liaison.imap.store.StoredMailboxId;
import org.apache.james.events.Event;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusName;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.events.GroupAlreadyRegistered;
import org.apache.james.events.Registration;
import org.apache.james.events.RegistrationKey;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * James's event bus for imap-out: events reach this process's listeners directly, and — for the
 * events a selected or idling session needs (added, expunged, flags changed) — every other
 * Liaison process on the same database through PostgreSQL {@code NOTIFY} on {@link #CHANNEL}.
 *
 * <p>Why not James's {@code InVMEventBus}: it fails under concurrent load (see the defects note)
 * and knows one process only. A process ignores its own notifications (it delivered them
 * already) but acts on everyone else's, including those a {@code MailboxDelivery} sends from
 * inside a caller's transaction — PostgreSQL sends them only when that transaction commits.
 *
 * <p>The listener holds one pooled connection for as long as the bus runs.
 */
public final class PostgresEventBus implements EventBus, AutoCloseable {

    /** The NOTIFY channel every Liaison process listens on. */
    public static final String CHANNEL = "liaison_imap_events";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresEventBus.class);
    private static final int POLL_MILLIS = 250;

    private final DataSource dataSource;
    private final String origin = UUID.randomUUID().toString();
    private final Map<RegistrationKey, Set<EventListener.ReactiveEventListener>> byKey = new ConcurrentHashMap<>();
    private final Map<Group, EventListener.ReactiveEventListener> groups = new ConcurrentHashMap<>();
    private final Thread listener;
    private volatile boolean running = true;
    private volatile Connection listening;

    public PostgresEventBus(DataSource dataSource) {
        this.dataSource = dataSource;
        this.listener = new Thread(this::listen, "imap-event-listener");
        this.listener.setDaemon(true);
    }

    /** Starts listening for other processes' events; returns once LISTEN is in place. */
    public PostgresEventBus start() throws SQLException {
        Connection c = dataSource.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        listening = c;
        listener.start();
        return this;
    }

    /** This process's origin tag; payloads from other origins are dispatched here. */
    public String origin() {
        return origin;
    }

    @Override
    public Publisher<Registration> register(EventListener.ReactiveEventListener listener, RegistrationKey key) {
        return Mono.fromCallable(() -> {
            byKey.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(listener);
            return () -> Mono.fromRunnable(() -> byKey.computeIfPresent(key, (k, set) -> {
                set.remove(listener);
                return set.isEmpty() ? null : set;
            }));
        });
    }

    @Override
    public Registration register(EventListener.ReactiveEventListener listener, Group group) throws GroupAlreadyRegistered {
        if (groups.putIfAbsent(group, listener) != null) {
            throw new GroupAlreadyRegistered(group);
        }
        return () -> Mono.fromRunnable(() -> groups.remove(group, listener));
    }

    @Override
    public Mono<Void> dispatch(Event event, Set<RegistrationKey> keys) {
        return deliverLocally(event, keys, true).then(publish(event));
    }

    @Override
    public Mono<Void> reDeliver(Group group, Event event) {
        EventListener.ReactiveEventListener l = groups.get(group);
        return l == null ? Mono.empty() : deliver(l, event);
    }

    @Override
    public EventBusName eventBusName() {
        return new EventBusName("liaison-imap");
    }

    @Override
    public Collection<Group> listRegisteredGroups() {
        return List.copyOf(groups.keySet());
    }

    private Mono<Void> deliverLocally(Event event, Set<RegistrationKey> keys, boolean withGroups) {
        Flux<EventListener.ReactiveEventListener> targets = Flux.fromIterable(keys)
                .flatMapIterable(k -> byKey.getOrDefault(k, Set.of()));
        if (withGroups) {
            targets = Flux.fromIterable(groups.values()).concatWith(targets);
        }
        return targets.concatMap(l -> deliver(l, event)).then();
    }

    private Mono<Void> deliver(EventListener.ReactiveEventListener listener, Event event) {
        if (!listener.isHandling(event)) {
            return Mono.empty();
        }
        return Mono.from(listener.reactiveEvent(event))
                .onErrorResume(e -> {
                    LOG.warn("event listener {} failed on {}: {}", listener.getClass().getSimpleName(),
                            event.getClass().getSimpleName(), e.getClass().getName());
                    return Mono.empty();
                });
    }

    private Mono<Void> publish(Event event) {
        List<String> payloads = EventCodec.encode(origin, event);
        LOG.debug("publishing {} as {} notifications", event.getClass().getSimpleName(), payloads.size());
        if (payloads.isEmpty()) {
            return Mono.empty();
        }
        return Mono.fromRunnable(() -> notifyAll(payloads)).subscribeOn(Schedulers.boundedElastic()).then();
    }

    /**
     * Sends an event's payloads in one statement, i.e. one transaction of their own, committed
     * without waiting for the WAL flush ({@code synchronous_commit} off for this transaction only).
     * Why: the change they announce was committed, durably, before the event was dispatched; the
     * notification itself is ephemeral (a crash loses it whether flushed or not, and sessions
     * then find new messages at their next command), and waiting for a flush of it added a
     * second disk flush to every STORE and APPEND. PostgreSQL still delivers notifications only
     * at commit, in commit order.
     */
    private void notifyAll(List<String> payloads) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT set_config('synchronous_commit', 'off', true),"
                     + " pg_notify(?, p) FROM unnest(?::text[]) WITH ORDINALITY AS n(p, i) ORDER BY i")) {
            s.setString(1, CHANNEL);
            s.setArray(2, c.createArrayOf("text", payloads.toArray()));
            s.execute();
        } catch (SQLException e) {
            // the change is committed; only other processes' idle sessions learn of it later (next command)
            LOG.warn("could not notify other processes of a mailbox change: {}", e.getMessage());
        }
    }

    private void listen() {
        while (running) {
            try {
                Connection c = listening != null ? listening : reconnect();
                PGNotification[] notes = c.unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
                if (notes != null) {
                    for (PGNotification note : notes) {
                        receive(note.getParameter());
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    LOG.warn("lost the event listener connection ({}); reconnecting", e.getMessage());
                    closeListening();
                    pause();
                }
            }
        }
    }

    private Connection reconnect() throws SQLException {
        Connection c = dataSource.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
        }
        listening = c;
        return c;
    }

    private void receive(String payload) {
        if (origin.equals(EventCodec.origin(payload))) {
            return;
        }
        // another process's events reach only the sessions that have the folder selected here;
        // most folders have none, and decoding costs more than the look-up
        var folder = EventCodec.mailboxId(payload);
        if (folder.isPresent() && !byKey.containsKey(new MailboxIdRegistrationKey(StoredMailboxId.of(folder.getAsLong())))) {
            return;
        }
        try {
            Event event = EventCodec.decode(payload);
            LOG.debug("mailbox event {} from another process", event.getClass().getSimpleName());
            MailboxEvents.MailboxEvent mailboxEvent = (MailboxEvents.MailboxEvent) event;
            StoredMailboxId id = (StoredMailboxId) mailboxEvent.getMailboxId();
            deliverLocally(event, Set.of(new MailboxIdRegistrationKey(id)), false).block();
        } catch (RuntimeException e) {
            LOG.warn("ignored an unreadable mailbox event notification ({} chars): {}", payload.length(), e.getClass().getName());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeListening() {
        Connection c = listening;
        listening = null;
        if (c != null) {
            try (c) {
                unlisten(c);
            } catch (SQLException ignored) {
                // closing a broken connection: nothing more to do
            }
        }
    }

    /**
     * Before the listening connection goes back to the pool. A healthy one must stop listening:
     * a pooled session that listens but never reads holds back PostgreSQL's notification queue
     * for every process. A broken one failed outside the pool's sight ({@code getNotifications}
     * is a driver method reached by unwrapping), so the pool would take it back as healthy and
     * hand it to the next IMAP command, which then failed; this statement, run through the pool's
     * own wrapper, lets the pool see the failure and discard the connection.
     */
    private static void unlisten(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("UNLISTEN *");
        } catch (SQLException expected) {
            // broken: the pool saw it and will not reuse the connection
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            listener.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeListening();
    }
}
